"""docs/rules.md: the rule catalogue written out from the rule files, so it cannot drift.

    python -m drcheck.ruleset.docs            # rewrite docs/rules.md
    python -m drcheck.ruleset.docs --check    # exit 1 if docs/rules.md is stale

tests/test_rules_doc.py fails when the file is stale and names the command above.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from drcheck.ruleset.rule import Rule

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
REGENERATE = "python -m drcheck.ruleset.docs"
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _references(rule: Rule) -> str:
    refs = rule.references
    parts = list(refs.get("well_architected", []))
    parts += [f"Security Hub {control}" for control in refs.get("security_hub", [])]
    parts += [f"[doc {i}]({url})" for i, url in enumerate(refs.get("docs", []), start=1)]
    return ", ".join(parts)


def render(rules: Iterable[Rule]) -> str:
    """The whole document; the same rules always give the same text."""
    by_service: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_service[rule.service].append(rule)
    total = sum(len(r) for r in by_service.values())
    types = sorted({r.resource_type for rules_ in by_service.values() for r in rules_})
    lines = [
        "# drcheck rule catalogue",
        "",
        f"<!-- Generated from rules/ by `{REGENERATE}`; do not edit by hand. -->",
        "",
        f"{total} rules over {len(by_service)} services and {len(types)} resource types. Each rule is one "
        "YAML file in `rules/<service>/<id>.yaml`; `drcheck rules show <id>` prints its description, "
        "parameters and remediation.",
        "",
        "| service | rules | resource types |",
        "|---|---:|---|",
    ]
    for service in sorted(by_service):
        service_types = sorted({r.resource_type for r in by_service[service]})
        lines.append(f"| [{service}](#{service}) | {len(by_service[service])} | {', '.join(service_types)} |")
    for service in sorted(by_service):
        lines += ["", f"## {service}", "", "| id | severity | category | title | resource type | references |",
                  "|---|---|---|---|---|---|"]
        for rule in sorted(by_service[service], key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.id)):
            lines.append(f"| `{rule.id}` | {rule.severity} | {rule.category} | {_cell(rule.title)} | "
                         f"{rule.resource_type} | {_references(rule)} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    from drcheck.docfile import write_or_check
    from drcheck.pipeline import load_catalogue

    args = list(sys.argv[1:] if argv is None else argv)
    return write_or_check(DOC_PATH, render(load_catalogue().rules), REGENERATE, args)


if __name__ == "__main__":
    sys.exit(main())
