"""Fixes that paste: each failing resource's remediation filled in from the scan.

`build_fixes` fills every failing finding's commands, documents and Terraform once per report;
the plan (report/plan.py) shows them, `fix_files` writes fixes/ (one commented-out script per
account and Region), findings.csv carries the commands. Values come from
drcheck.report.fixes.values and documents from .documents; their names are declared in
drcheck.ruleset.remediation, which checks rule files against them at load time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from drcheck.model import Status
from drcheck.report.fixes.context import FixContext
from drcheck.report.fixes.fill import ResourceFix, fill_resource
from drcheck.report.fixes.script import fix_files

__all__ = ["FixContext", "ResourceFix", "build_fixes", "fix_files"]


def build_fixes(rules: Sequence[Any], findings: Sequence[Mapping[str, Any]],
                inventory: Mapping[str, Any]) -> dict[str, list[ResourceFix]]:
    """rule id -> the filled fix of each failing resource, in findings order."""
    by_id = {r.id: r for r in rules}
    context = FixContext.from_inventory(inventory)
    fixes: dict[str, list[ResourceFix]] = defaultdict(list)
    for finding in findings:
        rule = by_id.get(finding["rule_id"])
        if rule is not None and finding["status"] == Status.FAIL:
            fixes[rule.id].append(fill_resource(rule, finding, context))
    return dict(fixes)
