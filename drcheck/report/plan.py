"""The remediation plan, the top risks and the first steps: what the reader should do, in order.

An action is one rule's failures. The plan is ordered by risk first, effort second:

1. severity (critical, high, medium, low);
2. what the failures put at risk: the most demanding recovery tier among the workloads of the
   failing resources (tiers from drcheck.yaml or the dr-tier tag; resources of no workload last),
   then the number of failing resources;
3. effort (a setting before a planned change before a migration).

Then prerequisites: an action whose rule `requires` another failing rule's fix (versioning before
replication, a plan before a selection) is placed after it, pulling the prerequisite forward when
it ranked lower. The top risks of the executive summary are the first actions of this plan.

Points stay a column: fixing a FAIL of weight w recovers exactly 100 × w / Σ weight(PASS + FAIL)
score points, so the actions' points add up to 100 − score whatever their order.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from drcheck.model import SEVERITY_WEIGHTS, Status
from drcheck.report.fixes import FixContext, ResourceFix
from drcheck.report.fixes.context import slug
from drcheck.report.fixes.fill import fill_resource
from drcheck.report.wording import (
    DEFAULT_EFFORT,
    EFFORT_ORDER,
    EFFORTS,
    TYPICAL_COSTS,
    category_title,
    listing,
    resource_noun,
)
from drcheck.ruleset.remediation import RISK_KINDS
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
    """A template filled from the finding's own identifiers only (no scan context)."""
    return fill_placeholders(template, shell_safe(finding)) if template else ""


PRIORITY_SENTENCE = ("Ordered by risk first (severity, then the recovery tier of the workloads at risk and the "
                     "number of resources), effort second; an action never comes before one it depends on. "
                     "Points show what each fix adds to the score.")


def remediation_plan(rules: Sequence[Any], by_rule: Mapping[str, list[dict]], scorecard: Mapping[str, Any],
                     max_resources: int, max_commands: int,
                     workloads: Mapping[tuple[str, str, str, str], Mapping[str, Any]] | None = None,
                     tier_count: int = 0, fixes: Mapping[str, Sequence[ResourceFix]] | None = None
                     ) -> list[dict[str, Any]]:
    """One action per rule with failures, in plan order (see the module docstring).

    `fixes` (drcheck.report.fixes.build_fixes) holds each failing resource's filled commands;
    without it they are filled from the findings alone.
    """
    possible = scorecard.get("weight_possible") or 0
    earned = scorecard.get("weight_earned") or 0
    workloads = workloads or {}
    empty = FixContext()
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
        served = [workloads[key] for key in map(_key, failing) if key in workloads]
        tier_rank = min((w["tier_rank"] for w in served), default=tier_count)
        tier = next((w["tier"] for w in served if w["tier_rank"] == tier_rank), None)
        risks = [{"kind": r["kind"], "label": RISK_KINDS[r["kind"]], "reason": r["reason"]}
                 for r in remediation.get("risks") or ()]
        filled = list((fixes or {}).get(rule.id) or [fill_resource(rule, f, empty) for f in failing[:max_commands]])
        shown = [fix.as_view() for fix in filled[:max_commands]]
        needs = sorted({n["name"] for fix in filled for n in fix.needs})
        actions.append({
            "anchor": f"action-{rule.id}",
            "rule_id": rule.id,
            "rule_title": rule.title,
            "rule_anchor": f"rule-{rule.id}",
            "category": rule.category,
            "category_title": category_title(rule.category),
            "service": rule.service,
            "severity": rule.severity,
            "severity_weight": SEVERITY_WEIGHTS[rule.severity],
            "summary": remediation.get("summary", ""),
            "noun": resource_noun(rule.resource_type, len(failing)),
            "noun_of": resource_noun(rule.resource_type, evaluated),
            "failing_count": len(failing),
            "evaluated_count": evaluated,
            "resources": [_resource(f) for f in failing[:max_resources]],
            "resources_more": max(0, len(failing) - max_resources),
            "regions": sorted({f["region"] for f in failing}),
            "accounts": sorted({f["account_id"] for f in failing}),
            "workloads": sorted({w["workload"] for w in served}),
            "tier": tier,
            "tier_rank": tier_rank,
            "effort": effort or DEFAULT_EFFORT,
            "effort_rank": EFFORT_ORDER[effort or DEFAULT_EFFORT],
            "effort_label": label,
            "effort_help": help_text,
            "effort_assumed": effort is None,
            "risks": risks,
            "requires": list(remediation.get("requires") or ()),
            "resource_keys": {_key(f) for f in failing},
            "cost": remediation.get("cost") or TYPICAL_COSTS.get(rule.category, ""),
            "cost_typical": not remediation.get("cost"),
            "impact": impact,
            "points": 100 * impact / possible if possible else 0.0,
            # One string per resource (its commands, setup first), for the first max_commands resources.
            "commands": ["\n".join(fix["commands"]) for fix in shown],
            "commands_more": max(0, len(failing) - max_commands),
            "fixes": shown,
            "needs": needs,
            "needs_count": sum(1 for fix in filled if fix.needs),
            "fix_folders": sorted({f"fixes/{slug(f['account_id'])}/{slug(f['region'])}/fixes.sh" for f in failing}),
            "cli_template": remediation.get("cli", ""),
            "terraform": shown[0]["terraform"] if shown else remediation.get("terraform", "").rstrip(),
        })
    action_of = {a["rule_id"]: a for a in actions}
    for action in actions:
        action["requires"] = [r for r in action["requires"] if r in action_of and overlaps(action, action_of[r])]
    actions = order_actions(actions)
    gained = 0
    for rank, action in enumerate(actions, start=1):
        gained += action["impact"]
        action["rank"] = rank
        action["score_after"] = round(100 * (earned + gained) / possible, 1) if possible else None
        action["points"] = round(action["points"], 1)
    rank_of = {a["rule_id"]: a["rank"] for a in actions}
    for action in actions:
        action["after_ranks"] = sorted(rank_of[r] for r in action["requires"] if r in rank_of)
    return actions


def overlaps(action: Mapping[str, Any], prerequisite: Mapping[str, Any]) -> bool:
    """Whether a prerequisite's failures concern this action's: the same resource (versioning before
    replication of one bucket) or, across resource types, the same account and Region (the Region's
    backup plan before a table's selection into it)."""
    mine, theirs = action["resource_keys"], prerequisite["resource_keys"]
    if mine & theirs:
        return True
    if {k[2] for k in mine} & {k[2] for k in theirs}:
        return False  # same type, different resources: one bucket's versioning does not block another's replication
    return bool({k[:2] for k in mine} & {k[:2] for k in theirs})


def risk_key(action: Mapping[str, Any]) -> tuple:
    """Risk first (severity, the workloads' tier, resources), effort second."""
    return (-SEVERITY_WEIGHTS[action["severity"]], action.get("tier_rank", 0), -action["failing_count"],
            EFFORT_ORDER[action["effort"]], action["rule_id"])


def order_actions(actions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actions by risk_key, each one's prerequisites (`requires`, when also in the plan) placed first."""
    by_rule = {a["rule_id"]: a for a in actions}
    placed: list[dict[str, Any]] = []
    done: set[str] = set()

    def place(action: dict[str, Any], visiting: frozenset[str]) -> None:
        if action["rule_id"] in done:
            return
        prerequisites = [by_rule[r] for r in action.get("requires") or () if r in by_rule and r not in visiting]
        for prerequisite in sorted(prerequisites, key=risk_key):
            place(prerequisite, visiting | {action["rule_id"]})
        done.add(action["rule_id"])
        placed.append(action)

    for action in sorted(actions, key=risk_key):
        place(action, frozenset())
    return placed


def _key(finding: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (finding["account_id"], finding["region"], finding["resource_type"], finding["resource_id"])


def _resource(finding: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": finding["resource_name"], "id": finding["resource_id"], "arn": finding.get("resource_arn"),
            "region": finding["region"], "account_id": finding["account_id"]}


def top_risks(actions: Sequence[Mapping[str, Any]], limit: int = RISKS, rules: Sequence[Any] = ()) -> list[dict]:
    """The most important risks: the first actions of the plan, so the summary and the plan agree."""
    messages = {r.id: r.messages.get("fail", "") for r in rules}
    risks = []
    for action in actions[:limit]:
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
                      "workloads": action["workloads"], "tier": action["tier"],
                      "anchor": action["anchor"], "rank": action["rank"]})
    return risks


def first_steps(actions: Sequence[Mapping[str, Any]], scorecard: Mapping[str, Any],
                unknown_count: int, missing_permissions: Sequence[str], risk_count: int = RISKS) -> list[str]:
    """Two or three sentences that follow the plan's order: the top risks, then the rest, then blind spots."""
    steps = []
    top = list(actions[:risk_count])
    if top:
        quick = [a for a in top if a["effort"] == "setting" and not a["effort_assumed"] and not a["risks"]]
        after = _score_with(scorecard, sum(a["impact"] for a in top))
        ranks = _ranks(top)
        quick_text = ""
        if quick:
            quick_text = (f" {_ranks(quick, 'Action', 'Actions').strip()} "
                          f"{'is a setting change' if len(quick) == 1 else 'are setting changes'}: "
                          f"minutes{'' if len(quick) == 1 else ' each'}, usually no downtime, so start there.")
        steps.append(f"Fix the top risks first, in the plan's order: {ranks}.{quick_text} Together they take the "
                     f"score to {after}." if after is not None else f"Fix the top risks first: {ranks}.{quick_text}")
    rest = list(actions[risk_count:])
    if rest:
        settings = [a for a in rest if a["effort"] == "setting" and not a["effort_assumed"] and not a["risks"]]
        text = f"Then work down the plan: {len(rest)} more action{'s' if len(rest) != 1 else ''}"
        if settings:
            text += (f", {len(settings)} of {'them' if len(rest) != 1 else 'it'} "
                     f"{'a setting change' if len(settings) == 1 else 'setting changes'}")
        steps.append(text + ". fixes/ has every command, filled in, to review and run.")
    evaluated = sum((scorecard.get("counts") or {}).get(s, 0) for s in ("PASS", "FAIL"))
    if not actions and not evaluated:
        # nothing passed either: "keep the configuration as it is" would praise what nobody checked
        steps.append("Nothing could be evaluated: check the Regions, accounts and rules selected"
                     + (", and the permissions below," if unknown_count else "") + " then scan again.")
    elif not actions:
        steps.append("Nothing failed: keep the configuration as it is and test a restore regularly.")
    if unknown_count:
        grant = f" (grant {listing(list(missing_permissions[:4]), len(missing_permissions))})" \
            if missing_permissions else ""
        steps.append(f"Close the blind spots: {unknown_count} check{'s' if unknown_count > 1 else ''} could not "
                     f"be evaluated{grant}; rescan so the score covers them.")
    return steps


def _ranks(actions: Sequence[Mapping[str, Any]], one: str = "action", many: str = "actions") -> str:
    numbers = [a["rank"] for a in actions]
    if len(numbers) == 1:
        return f"{one} {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"{many} {numbers[0]}–{numbers[-1]}"
    return f"{many} " + listing([str(n) for n in numbers], len(numbers))


def _score_with(scorecard: Mapping[str, Any], extra_weight: int) -> float | None:
    possible = scorecard.get("weight_possible") or 0
    if not possible:
        return None
    return round(100 * ((scorecard.get("weight_earned") or 0) + extra_weight) / possible, 1)
