"""AWS Backup plan facts: where each plan copies to, how often it runs, how long it keeps, and
whether any selection assigns resources to it."""

from __future__ import annotations

from drcheck import arns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region
from drcheck.linkers.schedules import ScheduleError, max_interval_hours

PLAN = "AWS::Backup::BackupPlan"
SELECTION = "AWS::Backup::BackupSelection"
# AWS Backup runs a rule with no ScheduleExpression daily at 05:00 UTC (BackupRule API reference).
DEFAULT_SCHEDULE = "cron(0 5 ? * * *)"


def _retention(lifecycle: dict | None) -> dict:
    """{DeleteAfterDays: n} or {} when recovery points are kept until deleted by hand."""
    lifecycle = lifecycle or {}
    if lifecycle.get("DeleteAfterEvent") and lifecycle.get("DeleteAfterDays") is None:
        return {"DeleteAfterDays": 0, "DeleteAfterEvent": lifecycle["DeleteAfterEvent"]}
    if lifecycle.get("DeleteAfterDays") is not None:
        return {"DeleteAfterDays": lifecycle["DeleteAfterDays"]}
    return {}


def link_plan_facts(index: ResourceIndex) -> None:
    """derived.copy_destinations, rule_schedules and retention of every plan."""
    for plan in index.of_type(PLAN):
        problem = index.body_problem(plan, "BackupPlan")
        if problem:
            for name in ("copy_destinations", "rule_schedules", "retention"):
                index.set_unknown(plan, name, problem)
            continue
        destinations, schedules, retention = [], [], []
        for rule in plan["properties"]["BackupPlan"].get("Rules") or []:
            name = rule.get("RuleName")
            retention.append({"RuleName": name, "Copy": False, **_retention(rule.get("Lifecycle"))})
            for action in rule.get("CopyActions") or []:
                vault_arn = action.get("DestinationBackupVaultArn", "")
                region = arns.region_of(vault_arn)
                account = arns.account_of(vault_arn)
                destination = {
                    "RuleName": name,
                    "DestinationBackupVaultArn": vault_arn,
                    "DestinationRegion": region,
                    "DestinationAccount": account,
                    "CrossRegion": other_region(region, plan["region"]),
                    "CrossAccount": account != plan["account_id"] if account else None,
                    **_retention(action.get("Lifecycle")),
                }
                unreadable = {key: {"reason": f"cannot read the destination vault ARN {vault_arn!r}"}
                              for key in ("CrossRegion", "CrossAccount") if destination[key] is None}
                if unreadable:
                    destination["_unavailable"] = unreadable
                    for key in unreadable:
                        del destination[key]
                destinations.append(destination)
                retention.append({"RuleName": name, "Copy": True, "DestinationBackupVaultArn": vault_arn,
                                  **_retention(action.get("Lifecycle"))})
            schedules.append(_schedule(rule))
        index.set_derived(plan, "copy_destinations", destinations)
        index.set_derived(plan, "rule_schedules", schedules)
        index.set_derived(plan, "retention", retention)


def _schedule(rule: dict) -> dict:
    expression = rule.get("ScheduleExpression") or DEFAULT_SCHEDULE
    entry = {"RuleName": rule.get("RuleName"), "ScheduleExpression": expression,
             "EnableContinuousBackup": bool(rule.get("EnableContinuousBackup"))}
    try:
        entry["IntervalHours"] = max_interval_hours(expression)
    except ScheduleError as exc:
        # Read by the condition language as "this item's IntervalHours is unknown, because …".
        entry["_unavailable"] = {"IntervalHours": {"reason": str(exc)}}
    return entry


def link_selection_counts(index: ResourceIndex) -> None:
    """derived.selection_count: how many resource selections a plan has (none: it backs up nothing)."""
    counts: dict[tuple[str, str, str], int] = {}
    for selection in index.of_type(SELECTION):
        key = (selection["account_id"], selection["region"], str(selection["properties"].get("BackupPlanId")))
        counts[key] = counts.get(key, 0) + 1
    for plan in index.of_type(PLAN):
        problem = index.problem(plan["account_id"], plan["region"], SELECTION)
        key = (plan["account_id"], plan["region"], plan["id"])
        if problem and key not in counts:
            index.set_unknown(plan, "selection_count", problem)
        else:
            index.set_derived(plan, "selection_count", counts.get(key, 0))


LINKERS = (
    Linker(
        name="backup-plan-facts",
        provides={PLAN: ("copy_destinations", "rule_schedules", "retention")},
        reads={PLAN: ("BackupPlan",)},
        link=link_plan_facts,
    ),
    Linker(
        name="backup-plan-selection-counts",
        provides={PLAN: ("selection_count",)},
        reads={PLAN: (), SELECTION: ()},
        link=link_selection_counts,
    ),
)
