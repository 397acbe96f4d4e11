"""Recovery facts the objectives model reads: how often backups run and whether they leave the Region.

- derived.backup_interval / backup_copy_interval / backup_continuous: from the AWS Backup plans
  that cover a resource (it reads derived.backup_plans, the backup-coverage linker's answer).
- derived.snapshot_interval / snapshot_copy_interval on EBS volumes: from the DLM policies that
  target them (it reads derived.dlm_policies, the ebs-dlm-policies linker's answer).

Intervals are the longest gap between scheduled runs, in seconds; None means "no such schedule"
(a known absence). A schedule we cannot read makes the field unknown with the reason.
"""

from __future__ import annotations

from drcheck import arns
from drcheck.linkers import Linker
from drcheck.linkers.backup import PROTECTABLE_TYPES
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.schedules import ScheduleError, dlm_interval_hours, max_interval_hours
from drcheck.ruleset.conditions import Unknown

# AWS Backup continuous backup (point-in-time restore) exists for these types only.
CONTINUOUS_TYPES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::S3::Bucket")


def _min(values: list[float]) -> float | None:
    return min(values) if values else None


def link_backup_schedule(index: ResourceIndex) -> None:
    plans = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type("AWS::Backup::BackupPlan")}
    for resource in index.of_type(*PROTECTABLE_TYPES):
        fields = ("backup_interval", "backup_copy_interval", "backup_continuous")
        covered_by = index.derived(resource, "backup_plans")
        if isinstance(covered_by, Unknown):
            for name in fields:
                index.set_unknown(resource, name, covered_by.reason)
            continue
        intervals: list[float] = []
        copy_intervals: list[float] = []
        continuous = False
        problems: list[str] = []
        for covering in covered_by:
            plan = plans.get((resource["account_id"], resource["region"], covering.get("BackupPlanId")))
            if plan is None:
                problems.append(f"backup plan {covering.get('BackupPlanId')} not in the inventory")
                continue
            problem = index.body_problem(plan, "BackupPlan")
            if problem:
                problems.append(problem)
                continue
            for rule in plan["properties"]["BackupPlan"].get("Rules") or []:
                try:
                    gap = max_interval_hours(rule.get("ScheduleExpression") or "") * 3600
                except ScheduleError as exc:
                    if rule.get("EnableContinuousBackup") and resource["resource_type"] in CONTINUOUS_TYPES:
                        continuous = True
                        continue
                    problems.append(f"plan {plan['name']} rule {rule.get('RuleName')}: {exc}")
                    continue
                intervals.append(gap)
                if rule.get("EnableContinuousBackup") and resource["resource_type"] in CONTINUOUS_TYPES:
                    continuous = True
                regions = {arns.region_of(a.get("DestinationBackupVaultArn")) for a in rule.get("CopyActions") or []}
                if regions - {None, resource["region"]}:
                    copy_intervals.append(gap)
        if problems and not (intervals or continuous):
            for name in fields:
                index.set_unknown(resource, name, "; ".join(problems))
            continue
        index.set_derived(resource, "backup_interval", _min(intervals))
        index.set_derived(resource, "backup_copy_interval", _min(copy_intervals))
        index.set_derived(resource, "backup_continuous", continuous)


def link_snapshot_schedule(index: ResourceIndex) -> None:
    policies = {(p["account_id"], p["region"], p["id"]): p for p in index.of_type("AWS::DLM::LifecyclePolicy")}
    for volume in index.of_type("AWS::EC2::Volume"):
        matches = index.derived(volume, "dlm_policies")
        if isinstance(matches, Unknown):
            index.set_unknown(volume, "snapshot_interval", matches.reason)
            index.set_unknown(volume, "snapshot_copy_interval", matches.reason)
            continue
        intervals: list[float] = []
        copy_intervals: list[float] = []
        problems: list[str] = []
        for match in matches:
            policy = policies.get((volume["account_id"], volume["region"], match.get("PolicyId")))
            body = ((policy or {}).get("properties") or {}).get("Policy") or {}
            for schedule in (body.get("PolicyDetails") or {}).get("Schedules") or []:
                try:
                    gap = dlm_interval_hours(schedule.get("CreateRule") or {}) * 3600
                except ScheduleError as exc:
                    problems.append(f"DLM policy {match.get('PolicyId')}: {exc}")
                    continue
                intervals.append(gap)
                targets = {r.get("TargetRegion") for r in schedule.get("CrossRegionCopyRules") or []}
                if targets - {None, volume["region"]}:
                    copy_intervals.append(gap)
        if problems and not intervals:
            index.set_unknown(volume, "snapshot_interval", "; ".join(problems))
            index.set_unknown(volume, "snapshot_copy_interval", "; ".join(problems))
            continue
        index.set_derived(volume, "snapshot_interval", _min(intervals))
        index.set_derived(volume, "snapshot_copy_interval", _min(copy_intervals))


LINKERS = (
    Linker(
        name="backup-schedule",
        provides={t: ("backup_interval", "backup_copy_interval", "backup_continuous") for t in PROTECTABLE_TYPES},
        reads={"AWS::Backup::BackupPlan": ("BackupPlan",)},
        own_reads=("derived.backup_plans",),
        link=link_backup_schedule,
    ),
    Linker(
        name="ebs-snapshot-schedule",
        provides={"AWS::EC2::Volume": ("snapshot_interval", "snapshot_copy_interval")},
        reads={"AWS::DLM::LifecyclePolicy": ("Policy",)},
        own_reads=("derived.dlm_policies",),
        link=link_snapshot_schedule,
    ),
)
