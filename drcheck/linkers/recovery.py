"""Recovery facts the objectives model reads: how often backups run and whether they leave the Region.

- derived.backup_interval / backup_copy_interval / backup_continuous: from the AWS Backup plans
  that cover a resource (derived.backup_plans, the coverage linker's answer) and those plans'
  own facts (derived.rule_schedules, with AWS Backup's default schedule for a rule without one,
  and derived.copy_destinations).
- derived.snapshot_interval / snapshot_copy_interval on EBS volumes: from the DLM policies that
  target them (derived.dlm_policies) and those policies' schedule facts (derived.schedules, which
  know default policies).

No schedule is parsed here: each fact has one computation, in the linker that provides it.
Intervals are the longest gap between scheduled runs, in seconds; None means "no such schedule"
(a known absence). A schedule we cannot read makes the field unknown with the reason.
"""

from __future__ import annotations

from drcheck import unknowns
from drcheck.linkers import Linker
from drcheck.linkers.backup import PROTECTABLE_TYPES
from drcheck.linkers.index import ResourceIndex
from drcheck.ruleset.conditions import Unknown

PLAN = "AWS::Backup::BackupPlan"
POLICY = "AWS::DLM::LifecyclePolicy"
BACKUP_FIELDS = ("backup_interval", "backup_copy_interval", "backup_continuous")
SNAPSHOT_FIELDS = ("snapshot_interval", "snapshot_copy_interval")
# AWS Backup continuous backup (point-in-time restore) exists for these types only.
CONTINUOUS_TYPES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::S3::Bucket")


def _min(values: list[float]) -> float | None:
    return min(values) if values else None


def _unreadable(entry: dict, name: str) -> str | None:
    """Why an item's field is unknown (the `_unavailable` convention of derived lists), or None."""
    return ((entry.get("_unavailable") or {}).get(name) or {}).get("reason")


def link_backup_schedule(index: ResourceIndex) -> None:
    plans = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type(PLAN)}
    for resource in index.of_type(*PROTECTABLE_TYPES):
        covered_by = index.derived(resource, "backup_plans")
        if isinstance(covered_by, Unknown):
            for name in BACKUP_FIELDS:
                index.set_unknown(resource, name, covered_by.reason)
            continue
        intervals: list[float] = []
        copy_intervals: list[float] = []
        continuous = False
        problems: list[str] = []
        for plan_id in dict.fromkeys(c.get("BackupPlanId") for c in covered_by):
            plan = plans.get((resource["account_id"], resource["region"], plan_id))
            if plan is None:
                problems.append(f"backup plan {plan_id} not in the inventory")
                continue
            schedules = index.derived(plan, "rule_schedules")
            destinations = index.derived(plan, "copy_destinations")
            if isinstance(schedules, Unknown) or isinstance(destinations, Unknown):
                problems.append(next(v.reason for v in (schedules, destinations) if isinstance(v, Unknown)))
                continue
            copying = {d.get("RuleName") for d in destinations if d.get("CrossRegion") is True}
            for schedule in schedules:
                rule_continuous = bool(schedule.get("EnableContinuousBackup")
                                       and resource["resource_type"] in CONTINUOUS_TYPES)
                continuous = continuous or rule_continuous
                why = _unreadable(schedule, "IntervalHours")
                if why is not None:
                    if not rule_continuous:  # a continuous rule needs no readable schedule
                        problems.append(f"plan {plan['name']} rule {schedule.get('RuleName')}: {why}")
                    continue
                gap = float(schedule["IntervalHours"]) * 3600
                intervals.append(gap)
                if schedule.get("RuleName") in copying:
                    copy_intervals.append(gap)
        if problems and not (intervals or continuous):
            for name in BACKUP_FIELDS:
                index.set_unknown(resource, name, unknowns.join(problems))
            continue
        index.set_derived(resource, "backup_interval", _min(intervals))
        index.set_derived(resource, "backup_copy_interval", _min(copy_intervals))
        index.set_derived(resource, "backup_continuous", continuous)


def link_snapshot_schedule(index: ResourceIndex) -> None:
    policies = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type(POLICY)}
    for volume in index.of_type("AWS::EC2::Volume"):
        matches = index.derived(volume, "dlm_policies")
        if isinstance(matches, Unknown):
            for name in SNAPSHOT_FIELDS:
                index.set_unknown(volume, name, matches.reason)
            continue
        intervals: list[float] = []
        copy_intervals: list[float] = []
        problems: list[str] = []
        for policy_id in dict.fromkeys(m.get("PolicyId") for m in matches):
            policy = policies.get((volume["account_id"], volume["region"], policy_id))
            if policy is None:
                problems.append(f"DLM policy {policy_id} not in the inventory")
                continue
            schedules = index.derived(policy, "schedules")
            if isinstance(schedules, Unknown):
                problems.append(schedules.reason)
                continue
            for schedule in schedules:
                why = _unreadable(schedule, "IntervalHours")
                if why is not None:
                    problems.append(f"DLM policy {policy_id}: {why}")
                    continue
                gap = float(schedule["IntervalHours"]) * 3600
                intervals.append(gap)
                if schedule.get("CopyRegions"):
                    copy_intervals.append(gap)
        if problems and not intervals:
            for name in SNAPSHOT_FIELDS:
                index.set_unknown(volume, name, unknowns.join(problems))
            continue
        index.set_derived(volume, "snapshot_interval", _min(intervals))
        index.set_derived(volume, "snapshot_copy_interval", _min(copy_intervals))


LINKERS = (
    Linker(
        name="backup-schedule",
        provides={t: BACKUP_FIELDS for t in PROTECTABLE_TYPES},
        reads={PLAN: ("derived.rule_schedules", "derived.copy_destinations")},
        own_reads=("derived.backup_plans",),
        link=link_backup_schedule,
    ),
    Linker(
        name="ebs-snapshot-schedule",
        provides={"AWS::EC2::Volume": SNAPSHOT_FIELDS},
        reads={POLICY: ("derived.schedules",)},
        own_reads=("derived.dlm_policies",),
        link=link_snapshot_schedule,
    ),
)
