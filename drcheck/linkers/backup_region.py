"""AWS Backup facts per Region and per recovery point: is anything there to protect, are plans and
opt-ins in place, which backup jobs failed without a later success, and how fresh each protected
resource's newest recovery point is.

ListProtectedResources answers "when was this resource last backed up" (freshness). It is never
used for coverage: it lists a resource only after its first backup (see linkers/backup.py).
"""

from __future__ import annotations

from datetime import datetime

from drcheck import unknowns
from drcheck.linkers import Linker
from drcheck.linkers.backup import PROTECTABLE_TYPES, REGION_SETTINGS, opt_in_name
from drcheck.linkers.index import ResourceIndex
from drcheck.unknowns import Reason

PLAN = "AWS::Backup::BackupPlan"
PROTECTED = "AWS::Backup::ProtectedResource"
JOB_KEYS = ("FailedBackupJobs", "AbortedBackupJobs", "ExpiredBackupJobs")
# ListProtectedResources ResourceType -> the drcheck resource types such a resource can be.
PROTECTED_TYPES = {
    "EBS": ("AWS::EC2::Volume",),
    "EC2": ("AWS::EC2::Instance",),
    "RDS": ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"),
    "Aurora": ("AWS::RDS::DBCluster",),
    "DynamoDB": ("AWS::DynamoDB::Table",),
    "EFS": ("AWS::EFS::FileSystem",),
    "S3": ("AWS::S3::Bucket",),
    "FSx": ("AWS::FSx::FileSystem",),
    "Redshift": ("AWS::Redshift::Cluster",),
    # DocumentDB and Neptune clusters are listed by the RDS API (DescribeDBClusters).
    "DocumentDB": ("AWS::RDS::DBCluster",),
    "Neptune": ("AWS::RDS::DBCluster",),
}


def _scope(resource: dict) -> tuple[str, str]:
    return resource["account_id"], resource["region"]


def link_region_facts(index: ResourceIndex) -> None:
    """derived.protectable_resource_count (at least), backup_plan_count, opted_out_types_in_use."""
    resources_by_scope: dict[tuple[str, str], list[dict]] = {}
    for resource in index.of_type(*PROTECTABLE_TYPES):
        resources_by_scope.setdefault(_scope(resource), []).append(resource)
    plans_by_scope: dict[tuple[str, str], int] = {}
    for plan in index.of_type(PLAN):
        plans_by_scope[_scope(plan)] = plans_by_scope.get(_scope(plan), 0) + 1
    for settings in index.of_type(REGION_SETTINGS):
        scope = _scope(settings)
        present = resources_by_scope.get(scope, [])
        problems = [p for p in (index.problem(*scope, t) for t in PROTECTABLE_TYPES) if p]
        if present or not problems:
            # With some types unreadable this is a lower bound, which is all "> 0" needs.
            index.set_derived(settings, "protectable_resource_count", len(present))
        else:
            index.set_unknown(settings, "protectable_resource_count", unknowns.join(problems))
        plan_problem = index.problem(*scope, PLAN)
        if plan_problem and not plans_by_scope.get(scope):
            index.set_unknown(settings, "backup_plan_count", plan_problem)
        else:
            index.set_derived(settings, "backup_plan_count", plans_by_scope.get(scope, 0))
        preferences = settings["properties"].get("ResourceTypeOptInPreference")
        if not isinstance(preferences, dict):  # DescribeRegionSettings always answers with it
            index.set_unknown(settings, "opted_out_types_in_use",
                              "the Region settings answer has no ResourceTypeOptInPreference")
            continue
        in_use: dict[str, int] = {}
        for resource in present:
            name = opt_in_name(resource)
            if name:
                in_use[name] = in_use.get(name, 0) + 1
        opted_out = [{"ResourceType": name, "Resources": count, "OptedIn": False}
                     for name, count in sorted(in_use.items()) if preferences.get(name) is False]
        # A type in use that the answer does not list at all is neither opted in nor out as far
        # as drcheck can tell: with nothing known to be opted out, the answer is unknown.
        unlisted = sorted(name for name in in_use if name not in preferences)
        if unlisted and not opted_out:
            index.set_unknown(settings, "opted_out_types_in_use",
                              f"the Region's opt-in preferences do not list {', '.join(unlisted)}")
        else:
            index.set_derived(settings, "opted_out_types_in_use", opted_out)


def _moment(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def link_failed_jobs(index: ResourceIndex) -> None:
    """derived.unresolved_failed_backup_jobs: failed, aborted or expired jobs (last 30 days) whose
    resource has no recovery point created after the job started."""
    last_backup: dict[tuple[str, str], str] = {}
    for protected in index.of_type(PROTECTED):
        last_backup[(protected["account_id"], protected["id"])] = protected["properties"].get("LastBackupTime")
    for settings in index.of_type(REGION_SETTINGS):
        problems = [p for p in (index.detail_problem(settings, key) for key in JOB_KEYS) if p]
        if problems:
            index.set_unknown(settings, "unresolved_failed_backup_jobs", unknowns.join(problems))
            continue
        jobs = [job for key in JOB_KEYS for job in settings["properties"].get(key) or []]
        if not jobs:
            index.set_derived(settings, "unresolved_failed_backup_jobs", [])
            continue
        problem = index.problem(*_scope(settings), PROTECTED)
        if problem:
            index.set_unknown(settings, "unresolved_failed_backup_jobs",
                              Reason(problem).prefixed("cannot tell whether later backups succeeded: "))
            continue
        unresolved = []
        for job in jobs:
            later = last_backup.get((settings["account_id"], job.get("ResourceArn")))
            started, last = _moment(job.get("CreationDate")), _moment(later)
            if started and last and last > started:
                continue
            unresolved.append({key: job.get(key) for key in (
                "BackupJobId", "ResourceArn", "ResourceType", "State", "StatusMessage", "CreationDate")}
                | {"LastBackupTime": later})
        unresolved.sort(key=lambda j: str(j.get("CreationDate")), reverse=True)
        index.set_derived(settings, "unresolved_failed_backup_jobs", unresolved)


def link_protected_counts(index: ResourceIndex) -> None:
    """derived.protected_resource_count: resources with at least one recovery point in the Region."""
    counts: dict[tuple[str, str], int] = {}
    for protected in index.of_type(PROTECTED):
        counts[_scope(protected)] = counts.get(_scope(protected), 0) + 1
    for settings in index.of_type(REGION_SETTINGS):
        problem = index.problem(*_scope(settings), PROTECTED)
        if problem:
            index.set_unknown(settings, "protected_resource_count", problem)
        else:
            index.set_derived(settings, "protected_resource_count", counts.get(_scope(settings), 0))


def link_recovery_points(index: ResourceIndex) -> None:
    """derived.source_exists on protected resources; derived.last_backup_time on live resources."""
    live = {(r["account_id"], r["arn"]): r for r in index.of_type(*PROTECTABLE_TYPES) if r.get("arn")}
    protected_by_arn = {}
    for protected in index.of_type(PROTECTED):
        protected_by_arn[(protected["account_id"], protected["id"])] = protected
        resource = live.get((protected["account_id"], protected["id"]))
        if resource is not None:
            index.set_derived(protected, "source_exists", True)
            continue
        types = PROTECTED_TYPES.get(str(protected["properties"].get("ResourceType")))
        if not types:
            index.set_unknown(protected, "source_exists", (
                f"drcheck does not list {protected['properties'].get('ResourceType')} resources, so it "
                "cannot tell whether this one still exists"))
            continue
        problems = [p for p in (index.problem(*_scope(protected), t) for t in types) if p]
        if problems:
            index.set_unknown(protected, "source_exists", unknowns.join(problems))
        else:
            index.set_derived(protected, "source_exists", False)
    for resource in index.of_type(*PROTECTABLE_TYPES):
        record = protected_by_arn.get((resource["account_id"], resource.get("arn")))
        problem = index.problem(*_scope(resource), PROTECTED)
        if record is not None:
            index.set_derived(resource, "last_backup_time", record["properties"].get("LastBackupTime"))
        elif problem:
            index.set_unknown(resource, "last_backup_time", problem)
        else:
            index.set_derived(resource, "last_backup_time", None)


LINKERS = (
    Linker(
        name="backup-region-facts",
        provides={REGION_SETTINGS: ("protectable_resource_count", "backup_plan_count", "opted_out_types_in_use")},
        reads={REGION_SETTINGS: (), PLAN: (), **{t: () for t in PROTECTABLE_TYPES}},
        link=link_region_facts,
    ),
    Linker(
        name="backup-failed-jobs",
        provides={REGION_SETTINGS: ("unresolved_failed_backup_jobs",)},
        reads={REGION_SETTINGS: JOB_KEYS, PROTECTED: ()},
        link=link_failed_jobs,
    ),
    Linker(
        name="backup-protected-counts",
        provides={REGION_SETTINGS: ("protected_resource_count",)},
        reads={REGION_SETTINGS: (), PROTECTED: ()},
        link=link_protected_counts,
    ),
    Linker(
        name="backup-recovery-points",
        provides={PROTECTED: ("source_exists",), **{t: ("last_backup_time",) for t in PROTECTABLE_TYPES}},
        reads={PROTECTED: (), **{t: () for t in PROTECTABLE_TYPES}},
        link=link_recovery_points,
    ),
)
