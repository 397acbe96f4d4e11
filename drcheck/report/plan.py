"""The remediation plan, the top risks and the first steps: what the reader should do, in order.

An action is one rule's failures. Fixing a FAIL moves its weight from the denominator-only side
to the earned side of the score, so the points an action recovers are exactly
100 × weight × failing resources / Σ weight(PASS + FAIL), and the actions' points add up to
100 − score. Ranking by them is ranking by severity weight × resources affected.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from drcheck.model import SEVERITY_WEIGHTS, Status
from drcheck.report.wording import (
    DEFAULT_EFFORT,
    EFFORT_ORDER,
    EFFORTS,
    TYPICAL_COSTS,
    category_title,
    listing,
    resource_noun,
)
from drcheck.ruleset.rule import fill_placeholders

RISKS = 5


def shell_safe(finding: Mapping[str, Any]) -> dict[str, Any]:
    """The finding's identifiers shell-quoted where needed, for pasting a filled command safely.

    Names come from tags the account owner (or an attacker) chose: `$(…)` in a Name tag must not
    run when a reader pastes the suggested command. Plain identifiers are left as they are.
    """
    fields = ("resource_id", "region", "account_id", "resource_arn", "resource_name")
    return {field: shlex.quote(str(finding[field])) if finding.get(field) else finding.get(field) for field in fields}


def filled_command(template: str, finding: Mapping[str, Any]) -> str:
    return fill_placeholders(template, shell_safe(finding)) if template else ""


def remediation_plan(rules: Sequence[Any], by_rule: Mapping[str, list[dict]], scorecard: Mapping[str, Any],
                     max_resources: int, max_commands: int) -> list[dict[str, Any]]:
    """One action per rule with failures, ranked by the score points fixing it recovers."""
    possible = scorecard.get("weight_possible") or 0
    earned = scorecard.get("weight_earned") or 0
    actions = []
    for rule in rules:
        findings = by_rule.get(rule.id, [])
        failing = [f for f in findings if f["status"] == Status.FAIL]
        if not failing:
            continue
        evaluated = sum(1 for f in findings if f["status"] in (Status.PASS, Status.FAIL))
        remediation = rule.remediation
        effort = remediation.get("effort")
        label, help_text = EFFORTS[effort or DEFAULT_EFFORT]
        impact = SEVERITY_WEIGHTS[rule.severity] * len(failing)
        actions.append({
            "anchor": f"action-{rule.id}",
            "rule_id": rule.id,
            "rule_title": rule.title,
            "rule_anchor": f"rule-{rule.id}",
            "category": rule.category,
            "category_title": category_title(rule.category),
            "service": rule.service,
            "severity": rule.severity,
            "summary": remediation.get("summary", ""),
            "noun": resource_noun(rule.resource_type, len(failing)),
            "noun_of": resource_noun(rule.resource_type, evaluated),
            "failing_count": len(failing),
            "evaluated_count": evaluated,
            "resources": [_resource(f) for f in failing[:max_resources]],
            "resources_more": max(0, len(failing) - max_resources),
            "effort": effort or DEFAULT_EFFORT,
            "effort_label": label,
            "effort_help": help_text,
            "effort_assumed": effort is None,
            "cost": remediation.get("cost") or TYPICAL_COSTS.get(rule.category, ""),
            "cost_typical": not remediation.get("cost"),
            "impact": impact,
            "points": 100 * impact / possible if possible else 0.0,
            "commands": [filled_command(remediation.get("cli", ""), f) for f in failing[:max_commands]],
            "commands_more": max(0, len(failing) - max_commands),
            "cli_template": remediation.get("cli", ""),
            "terraform": remediation.get("terraform", "").rstrip(),
        })
    actions.sort(key=lambda a: (-a["impact"], EFFORT_ORDER[a["effort"]], -SEVERITY_WEIGHTS[a["severity"]],
                                a["rule_id"]))
    gained = 0
    for rank, action in enumerate(actions, start=1):
        gained += action["impact"]
        action["rank"] = rank
        action["score_after"] = round(100 * (earned + gained) / possible, 1) if possible else None
        action["points"] = round(action["points"], 1)
    return actions


def _resource(finding: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": finding["resource_name"], "id": finding["resource_id"], "arn": finding.get("resource_arn"),
            "region": finding["region"], "account_id": finding["account_id"]}


def top_risks(actions: Sequence[Mapping[str, Any]], limit: int = RISKS, rules: Sequence[Any] = ()) -> list[dict]:
    """The most important risks: severity first (a critical gap outranks many small ones), then reach."""
    messages = {r.id: r.messages.get("fail", "") for r in rules}
    ranked = sorted(actions, key=lambda a: (-SEVERITY_WEIGHTS[a["severity"]], -a["failing_count"], a["rank"]))
    risks = []
    for action in ranked[:limit]:
        names = [r["name"] for r in action["resources"][:3]]
        if action["failing_count"] == 1:
            only = action["resources"][0]
            lead = only["name"]
            detail = f"{action['noun']}, {only['region']}"
        else:
            lead = f"{action['failing_count']} of {action['evaluated_count']} {action['noun']}"
            detail = listing(names, action["failing_count"])
        risks.append({"lead": lead, "detail": detail, "message": messages.get(action["rule_id"], ""),
                      "count": action["failing_count"], "of": action["evaluated_count"], "noun": action["noun"],
                      "names": names, "region": action["resources"][0]["region"],
                      "severity": action["severity"], "category_title": action["category_title"],
                      "anchor": action["anchor"], "rank": action["rank"]})
    return risks


def first_steps(actions: Sequence[Mapping[str, Any]], scorecard: Mapping[str, Any],
                unknown_count: int, missing_permissions: Sequence[str]) -> list[str]:
    """Two or three sentences: the quick wins, the biggest larger change, and what to grant."""
    steps = []
    quick = [a for a in actions if a["effort"] == "setting" and not a["effort_assumed"]]
    if quick:
        points = sum(a["points"] for a in quick)
        after = _score_with(scorecard, sum(a["impact"] for a in quick))
        first = "; ".join(f"{a['rule_title'].rstrip('.')} (action {a['rank']})" for a in quick[:3])
        many = len(quick) > 1
        steps.append(f"Start with the {len(quick)} action{'s' if many else ''} that {'are' if many else 'is a'} "
                     f"setting change{'s' if many else ''}: minutes each, usually no downtime. "
                     f"{'The first: ' if many else ''}{first}. "
                     f"{'Together they' if many else 'It'} recover{'' if many else 's'} {points:.1f} points and "
                     f"take{'' if many else 's'} the score to {after}.")
    larger = [a for a in actions if a not in quick]
    if larger:
        top = larger[0]
        steps.append(f"Then plan the largest remaining change, action {top['rank']}: {top['rule_title'].rstrip('.')} "
                     f"({top['effort_label'].lower()}, {top['failing_count']} {top['noun']}, "
                     f"+{top['points']:.1f} points).")
    if not actions:
        steps.append("Nothing failed: keep the configuration as it is and test a restore regularly.")
    if unknown_count:
        grant = f" (grant {listing(list(missing_permissions[:4]), len(missing_permissions))})" \
            if missing_permissions else ""
        steps.append(f"Close the blind spots: {unknown_count} check{'s' if unknown_count > 1 else ''} could not "
                     f"be evaluated{grant}; rescan so the score covers them.")
    return steps


def _score_with(scorecard: Mapping[str, Any], extra_weight: int) -> float | None:
    possible = scorecard.get("weight_possible") or 0
    if not possible:
        return None
    return round(100 * ((scorecard.get("weight_earned") or 0) + extra_weight) / possible, 1)
