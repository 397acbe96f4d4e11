"""Progress between two assessments: what is newly failing, fixed, regressed or still failing.

Findings are matched by (account, Region, rule, resource). Inputs are findings.json files or the
report directories that hold them.

Blindness is never progress: a finding that was FAIL or PASS and is now UNKNOWN (read access
lost, an API failing) is "no longer visible", never "fixed", and the score change is also given
over the findings known (PASS or FAIL) in both runs, which a lost view cannot raise. Every change
says what it was (`was`) and what it is (`now`): a PASS -> FAIL is a regression, while a
NOT_APPLICABLE or UNKNOWN -> FAIL (a rule newly applying after a change, a check newly possible)
is a new failure that says what it was before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from drcheck.errors import UserError
from drcheck.model import Status
from drcheck.score import score


def read_findings(path: Path) -> dict[str, Any]:
    """A findings.json document, from the file or a report directory."""
    if path.is_dir():
        path = path / "findings.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"Cannot read findings {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"Findings {path} is not valid JSON: {exc}") from None
    except (RecursionError, ValueError):  # nesting or integers beyond what a findings.json holds
        raise UserError(f"Findings {path} is not a drcheck findings.json (nested too deeply or a huge number)") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UserError(f"{path} is not a drcheck findings.json (no findings list)")
    if not all(isinstance(f, dict) and isinstance(f.get("rule_id"), str) and isinstance(f.get("status"), str)
               for f in data["findings"]):
        raise UserError(f"{path} is not a drcheck findings.json (a finding lacks rule_id or status)")
    return data


def _key(finding: dict[str, Any]) -> tuple[str, str, str, str]:
    return (finding.get("account_id", ""), finding.get("region", ""), finding["rule_id"], finding.get("resource_id", ""))


def _brief(finding: dict[str, Any]) -> dict[str, Any]:
    return {k: finding.get(k) for k in ("rule_id", "title", "severity", "category", "account_id", "region",
                                         "resource_id", "resource_name", "status")}


def _scores_by(findings: Iterable[dict[str, Any]], field: str) -> dict[str, float | None]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        groups.setdefault(finding.get(field) or "", []).append(finding)
    return {name: score(items)["overall"] for name, items in sorted(groups.items())}


def diff_findings(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    before = {_key(f): f for f in old["findings"]}
    after = {_key(f): f for f in new["findings"]}
    changes: dict[str, list[dict[str, Any]]] = {
        "new_failures": [], "regressed": [], "fixed": [], "no_longer_visible": [], "still_failing": [], "gone": []}
    known = (Status.PASS, Status.FAIL)
    for key, finding in after.items():
        previous = before.get(key)
        was = previous["status"] if previous is not None else None
        item = {**_brief(finding), "was": was, "now": finding["status"]}
        if finding["status"] == Status.FAIL:
            if was == Status.FAIL:
                changes["still_failing"].append(item)
            elif was == Status.PASS:
                changes["regressed"].append(item)
            else:  # new, or newly applicable / newly visible: `was` says which
                changes["new_failures"].append(item)
        elif finding["status"] == Status.UNKNOWN and was in known:
            changes["no_longer_visible"].append(item)
        elif was == Status.FAIL:
            changes["fixed"].append(item)
    for key, finding in before.items():
        if key not in after and finding["status"] == Status.FAIL:
            changes["gone"].append({**_brief(finding), "was": finding["status"], "now": None})

    def delta(old_scores: dict[str, Any], new_scores: dict[str, Any]) -> dict[str, dict[str, Any]]:
        names = sorted(set(old_scores) | set(new_scores))
        result = {}
        for name in names:
            was, now = old_scores.get(name), new_scores.get(name)
            change = round(now - was, 1) if was is not None and now is not None else None
            result[name] = {"old": was, "new": now, "change": change}
        return result

    # The change over what both runs could see: a FAIL hidden by lost access does not raise it.
    visible = [k for k in after if k in before and after[k]["status"] in known and before[k]["status"] in known]
    overall = delta({"overall": score(old["findings"])["overall"]},
                    {"overall": score(new["findings"])["overall"]})["overall"]
    comparable = delta({"overall": score(before[k] for k in visible)["overall"]},
                       {"overall": score(after[k] for k in visible)["overall"]})["overall"]
    overall["visible_change"] = comparable["change"]
    overall["no_longer_visible"] = len(changes["no_longer_visible"])
    return {
        "old_generated_at": old.get("generated_at"),
        "new_generated_at": new.get("generated_at"),
        "overall": overall,
        "by_category": delta(_scores_by(old["findings"], "category"), _scores_by(new["findings"], "category")),
        "by_account": delta(_scores_by(old["findings"], "account_id"), _scores_by(new["findings"], "account_id")),
        "counts": {name: len(items) for name, items in changes.items()},
        **changes,
    }


def progress_line(diff: dict[str, Any]) -> str:
    """One line for the console: the counts, with blindness said as such (never as progress)."""
    counts, overall = diff["counts"], diff["overall"]
    line = (f"score change {overall['change']}, {counts['fixed']} fixed, {counts['new_failures']} new, "
            f"{counts['regressed']} regressed, {counts['still_failing']} still failing")
    if counts["no_longer_visible"]:
        line += (f"; {counts['no_longer_visible']} no longer visible (now UNKNOWN: not progress; change over what "
                 f"both runs saw: {overall['visible_change']})")
    return line
