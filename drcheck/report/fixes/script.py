"""fixes/: one reviewed-by-you script per account and Region, with the documents and Terraform it needs.

drcheck never runs these files and nothing in them runs as written: every command is commented
out, in the plan's order, under its action's risks and the inputs it still needs. The reader
uncomments what they accept and runs the script from the report folder with credentials that may
change the account (drcheck's own are read-only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from drcheck.report.fixes.context import slug
from drcheck.report.fixes.fill import ResourceFix, _comment
from drcheck.report.fixes.job import FIXES_DIR

SCRIPT = "fixes.sh"
TERRAFORM = "terraform-snippets.txt"  # not .tf: `terraform apply` in this folder must not pick the snippets up


def _folder(fix: ResourceFix) -> str:
    return f"{FIXES_DIR}/{slug(fix.account_id)}/{slug(fix.region)}"


def fix_files(actions: Sequence[Mapping[str, Any]], fixes: Mapping[str, Sequence[ResourceFix]], *,
              generated: str, collected: str) -> dict[str, bytes]:
    """Every file under fixes/ (path -> content), from the plan's actions in order."""
    if not any(fixes.values()):
        return {}
    folders: dict[str, list[tuple[Mapping[str, Any], ResourceFix]]] = defaultdict(list)
    files: dict[str, bytes] = {}
    for action in actions:
        for fix in fixes.get(action["rule_id"], ()):
            folders[_folder(fix)].append((action, fix))
            files.update(fix.documents)
    for folder, items in sorted(folders.items()):
        account, region = items[0][1].account_id, items[0][1].region
        files[f"{folder}/{SCRIPT}"] = _script(account, region, items, generated, collected).encode("utf-8")
        snippets = _terraform(account, region, items)
        if snippets:
            files[f"{folder}/{TERRAFORM}"] = snippets.encode("utf-8")
    files[f"{FIXES_DIR}/README.md"] = _readme(sorted(folders), folders).encode("utf-8")
    return files


def _commented(command: str) -> list[str]:
    # Every physical line gets its own "#": a quoted value spanning lines must stay inert too.
    return ["# " + line if line else "#" for line in command.split("\n")]


def _action_heading(action: Mapping[str, Any], here: set[int]) -> list[str]:
    effort = action.get("effort_label", action.get("effort", ""))
    lines = ["", "#" * 100,
             _comment(f"# Action {action['rank']}: {action['rule_title']} "
                      f"({action['severity']}, {str(effort).lower()})"),
             _comment(f"# Do: {action.get('summary', '')}")]
    for risk in action.get("risks") or ():
        lines.append(_comment(f"# RISK, {risk['label']}: {risk['reason']}"))
    after = [r for r in action.get("after_ranks") or () if r in here]
    if after:
        lines.append(f"# Run after action{'s' if len(after) > 1 else ''} {', '.join(str(r) for r in after)} above: "
                     "this change depends on it.")
    lines.append("#" * 100)
    return lines


def _script(account: str, region: str, items: Sequence[tuple[Mapping[str, Any], ResourceFix]],
            generated: str, collected: str) -> str:
    lines = [
        "#!/usr/bin/env bash",
        _comment(f"# drcheck fixes for account {account}, Region {region}: generated {generated} from the "
                 f"configuration read {collected}."),
        "#",
        "# drcheck never runs this file, and as written it runs nothing: every command is commented out.",
        "# Read each action, uncomment the commands you accept, fill in any <input> it names, and run",
        "# from the report folder (the one holding report.html) with credentials allowed to make the change:",
        _comment(f"#   bash {FIXES_DIR}/{slug(account)}/{slug(region)}/{SCRIPT}"),
        "# Actions follow the report's plan order; no action comes before one it depends on.",
        "# Commands marked RISK need care: the reason is given above them.",
        "set -euo pipefail",
        'cd "$(dirname "$0")/../../.."',
    ]
    emitted: set[str] = set()
    current = None
    here = {action["rank"] for action, _ in items}
    for action, fix in items:
        if action["rule_id"] != current:
            lines += _action_heading(action, here)
            current = action["rule_id"]
        lines += ["", _comment(f"# {fix.name} ({fix.arn or fix.resource_id})")]
        for note in fix.notes:
            lines.append(_comment(f"#   note: {note}"))
        for need in fix.needs:
            lines.append(_comment(f"#   NEEDS INPUT <{need['name']}>: {need['why']}"))
        for command in fix.commands:
            if command in emitted:
                lines.append("#   (a command above already does this step)")
                continue
            emitted.add(command)
            lines += _commented(command)
    return "\n".join(lines) + "\n"


def _terraform(account: str, region: str, items: Sequence[tuple[Mapping[str, Any], ResourceFix]]) -> str:
    blocks = [fix.terraform for _, fix in items if fix.terraform]
    if not blocks:
        return ""
    head = [_comment(f"# Terraform changes for account {account}, Region {region}, one per failing resource."),
            "# Snippets to merge into your own configuration, not a configuration to apply: \"# ...\" stands",
            "# for the arguments the resource already has."]
    return "\n".join(head) + "\n\n" + "\n\n".join(blocks) + "\n"


def _readme(folders: Sequence[str], items: Mapping[str, Sequence[tuple[Mapping[str, Any], ResourceFix]]]) -> str:
    lines = ["# Fixes drcheck suggests", "",
             "drcheck is read-only and never runs these files. Each folder holds, for one account and Region:", "",
             f"- `{SCRIPT}`: the AWS CLI commands of every action, in the report's plan order, **commented out**;",
             "  read them, uncomment what you accept and run the script from the report folder;",
             "- the JSON documents those commands read (`file://fixes/…`), built from the configuration as scanned;",
             f"- `{TERRAFORM}`: the same changes as Terraform, to merge into your own code.", "",
             "| folder | actions | resources | inputs needed |", "|---|---:|---:|---:|"]
    for folder in folders:
        entries = items[folder]
        needs = sum(len(fix.needs) for _, fix in entries)
        lines.append(f"| `{folder}/` | {len({a['rule_id'] for a, _ in entries})} | {len(entries)} | {needs} |")
    return "\n".join(lines) + "\n"
