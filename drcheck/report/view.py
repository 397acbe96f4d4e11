"""The view model a report template reads: plain dicts built from the assessment, nothing computed in Jinja."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from drcheck.model import SEVERITY_WEIGHTS, Status
from drcheck.objectives.view import objectives_view
from drcheck.ruleset.rule import fill_placeholders

MAX_RESOURCES_PER_RULE = 50


@dataclass(frozen=True)
class ReportOptions:
    title: str = "Disaster-recovery readiness report"
    client: str | None = None
    assessor: str | None = None
    paper: str = "a4"


def build_view(assessment: Any, options: ReportOptions) -> dict[str, Any]:
    card = assessment.scorecard
    findings = assessment.findings
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for finding in findings:
        by_rule[finding["rule_id"]].append(finding)
    rule_views = []
    for rule in assessment.rules:
        rule_findings = by_rule.get(rule.id, [])
        if not rule_findings:
            continue
        failing = [f for f in rule_findings if f["status"] == Status.FAIL]
        rule_views.append({
            "id": rule.id,
            "title": rule.title,
            "service": rule.service,
            "category": rule.category,
            "severity": rule.severity,
            "description": rule.description,
            "remediation": rule.remediation,
            "references": rule.references,
            "impact": SEVERITY_WEIGHTS[rule.severity] * len(failing),
            "counts": {s.value: sum(1 for f in rule_findings if f["status"] == s) for s in Status},
            "failing": [
                {**f, "cli": fill_placeholders(rule.remediation["cli"], f)}
                for f in failing[:MAX_RESOURCES_PER_RULE]
            ],
            "failing_more": max(0, len(failing) - MAX_RESOURCES_PER_RULE),
            "unknown": [f for f in rule_findings if f["status"] == Status.UNKNOWN][:MAX_RESOURCES_PER_RULE],
            "passing": [f for f in rule_findings if f["status"] == Status.PASS][:MAX_RESOURCES_PER_RULE],
        })
    rule_views.sort(key=lambda r: (-r["impact"], -SEVERITY_WEIGHTS[r["severity"]], r["id"]))
    inventory = assessment.inventory
    return {
        "title": options.title,
        "client": options.client,
        "assessor": options.assessor,
        "paper": options.paper,
        "generated_at": assessment.generated_at,
        "collected_at": inventory.get("generated_at"),
        "accounts": [a["account_id"] for a in inventory.get("accounts", [])],
        "regions": inventory.get("regions", []),
        "score": card["overall"],
        "grade": card["grade"] or "–",
        "coverage": card["coverage"],
        "counts": card["counts"],
        "formula": card["formula"],
        "categories": [{"name": k, **v} for k, v in card["by_category"].items()],
        "services": [{"name": k, **v} for k, v in card["by_service"].items()],
        "rules": rule_views,
        "unknown": [f for f in findings if f["status"] == Status.UNKNOWN],
        "errors": inventory.get("errors", []),
        "objectives": objectives_view(assessment),
    }
