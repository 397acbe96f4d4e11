"""Data Lifecycle Manager facts: which enabled policies snapshot each EBS volume, and what each
policy's schedules do (how often, how long kept, copied where).

Which volumes a policy snapshots (Amazon EBS user guide, Data Lifecycle Manager):
- custom snapshot policies (PolicyLanguage STANDARD) target resources carrying any one of the
  policy's TargetTags; a VOLUME policy snapshots tagged volumes, an INSTANCE policy snapshots
  every volume attached to a tagged instance, except the boot volume when
  Parameters.ExcludeBootVolume is set and data volumes carrying one of
  Parameters.ExcludeDataVolumeTags;
- custom AMI policies (IMAGE_MANAGEMENT) image tagged instances, which snapshots their volumes;
- default policies (PolicyLanguage SIMPLIFIED) cover every volume (ResourceType VOLUME) or every
  instance (INSTANCE) in the Region, minus their Exclusions (boot volumes, volume types, tags);
- only ENABLED policies run.
"""

from __future__ import annotations

from drcheck import arns, unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.schedules import ScheduleError, dlm_interval_hours

POLICY = "AWS::DLM::LifecyclePolicy"
SCHEDULED_TYPES = ("EBS_SNAPSHOT_MANAGEMENT", "IMAGE_MANAGEMENT")
RETAIN_UNIT_DAYS = {"DAYS": 1, "WEEKS": 7, "MONTHS": 30, "YEARS": 365}


def _copy_region(rule: dict) -> str | None:
    """A cross-Region copy rule's Region: Target (newer) or TargetRegion; an ARN Target is an Outpost."""
    target = rule.get("Target") or rule.get("TargetRegion")
    return None if not target or arns.is_arn(target) else str(target)


def _copy_regions(details: dict, own_region: str) -> list[str]:
    """Every other Region the policy's schedules (or a default policy's targets) copy to."""
    rules = [r for s in details.get("Schedules") or [] for r in s.get("CrossRegionCopyRules") or []]
    rules += details.get("CrossRegionCopyTargets") or []
    return sorted({r for r in map(_copy_region, rules) if r and r != own_region})


def _has_any_tag(wanted: list[dict] | None, tags: dict[str, str]) -> bool:
    return any(t.get("Key") in tags and tags[t["Key"]] == t.get("Value") for t in wanted or [])


def _is_boot(volume: dict, instance: dict) -> bool:
    root = instance["properties"].get("RootDeviceName")
    return any(a.get("Device") == root and a.get("InstanceId") == instance["id"]
               for a in volume["properties"].get("Attachments") or [])


def _policy_covers(body: dict, volume: dict, attached: list[dict]) -> bool:
    details = body.get("PolicyDetails") or {}
    policy_type = details.get("PolicyType", "EBS_SNAPSHOT_MANAGEMENT")
    if details.get("PolicyLanguage") == "SIMPLIFIED" or body.get("DefaultPolicy"):
        exclusions = details.get("Exclusions") or {}
        if _has_any_tag(exclusions.get("ExcludeTags"), volume["tags"]):
            return False
        if volume["properties"].get("VolumeType") in (exclusions.get("ExcludeVolumeTypes") or []):
            return False
        if exclusions.get("ExcludeBootVolumes") and any(_is_boot(volume, i) for i in attached):
            return False
        if details.get("ResourceType") == "INSTANCE":
            return any(not _has_any_tag(exclusions.get("ExcludeTags"), i["tags"]) for i in attached)
        return details.get("ResourceType", "VOLUME") == "VOLUME"
    targets = details.get("TargetTags")
    resource_types = details.get("ResourceTypes") or []
    if policy_type == "EBS_SNAPSHOT_MANAGEMENT" and "VOLUME" in resource_types and _has_any_tag(targets, volume["tags"]):
        return True
    if policy_type == "IMAGE_MANAGEMENT" or "INSTANCE" in resource_types:
        parameters = details.get("Parameters") or {}
        for instance in attached:
            if not _has_any_tag(targets, instance["tags"]):
                continue
            if policy_type == "EBS_SNAPSHOT_MANAGEMENT":
                boot = _is_boot(volume, instance)
                if boot and parameters.get("ExcludeBootVolume"):
                    continue
                if not boot and _has_any_tag(parameters.get("ExcludeDataVolumeTags"), volume["tags"]):
                    continue
            return True
    return False


def link_dlm_policies(index: ResourceIndex) -> None:
    """derived.dlm_policies: the enabled DLM policies that snapshot each volume."""
    instances = {(r["account_id"], r["region"], r["id"]): r for r in index.of_type("AWS::EC2::Instance")}
    policies_by_scope: dict[tuple[str, str], list[dict]] = {}
    for policy in index.of_type(POLICY):
        policies_by_scope.setdefault((policy["account_id"], policy["region"]), []).append(policy)
    for volume in index.of_type("AWS::EC2::Volume"):
        scope = (volume["account_id"], volume["region"])
        problems = [p for p in (index.problem(*scope, POLICY),) if p]
        attachments = volume["properties"].get("Attachments") or []
        attached = [instances[key] for key in ((*scope, a.get("InstanceId")) for a in attachments) if key in instances]
        if len(attached) < len(attachments):
            problems.append(f"an instance of attached volume {volume['id']} was not collected")
        matching = []
        for policy in policies_by_scope.get(scope, []):
            if policy["properties"].get("State") not in (None, "ENABLED"):
                continue  # the list call already says it does not run
            problem = index.body_problem(policy, "Policy")
            if problem:
                problems.append(problem)
                continue
            body = policy["properties"]["Policy"]
            if body.get("State") != "ENABLED" or (body.get("PolicyDetails") or {}).get("PolicyType") not in (
                    None, *SCHEDULED_TYPES):
                continue
            if _policy_covers(body, volume, attached):
                matching.append({"PolicyId": policy["id"], "Description": body.get("Description"),
                                 "CrossRegionCopyTargets": _copy_regions(body.get("PolicyDetails") or {},
                                                                         policy["region"])})
        if matching or not problems:
            index.set_derived(volume, "dlm_policies", matching)
        else:
            index.set_unknown(volume, "dlm_policies", unknowns.join(problems))


def _schedule_facts(schedule: dict, region: str) -> dict:
    entry: dict = {"Name": schedule.get("Name")}
    unavailable: dict = {}
    try:
        entry["IntervalHours"] = dlm_interval_hours(schedule.get("CreateRule") or {})
    except ScheduleError as exc:
        unavailable["IntervalHours"] = {"reason": str(exc)}
    retain = schedule.get("RetainRule") or {}
    if retain.get("Count"):
        entry["RetainCount"] = retain["Count"]
        if "IntervalHours" in entry:
            entry["RetentionDays"] = retain["Count"] * entry["IntervalHours"] / 24
        else:
            unavailable["RetentionDays"] = {"reason": "count-based retention with an unreadable schedule"}
    elif retain.get("Interval") and retain.get("IntervalUnit") in RETAIN_UNIT_DAYS:
        entry["RetentionDays"] = retain["Interval"] * RETAIN_UNIT_DAYS[retain["IntervalUnit"]]
    else:
        unavailable["RetentionDays"] = {"reason": f"cannot read the retain rule {retain}"}
    entry["CopyRegions"] = _copy_regions({"Schedules": [schedule]}, region)
    if unavailable:
        entry["_unavailable"] = unavailable
    return entry


def link_policy_schedules(index: ResourceIndex) -> None:
    """derived.schedules: each schedule's longest gap, retention in days and copy Regions."""
    for policy in index.of_type(POLICY):
        problem = index.body_problem(policy, "Policy")
        if problem:
            index.set_unknown(policy, "schedules", problem)
            continue
        details = policy["properties"]["Policy"].get("PolicyDetails") or {}
        if details.get("PolicyLanguage") == "SIMPLIFIED":
            # Default policies: CreateInterval and RetainInterval in days (defaults 1 and 7).
            schedules = [{
                "Name": "default policy",
                "IntervalHours": 24 * (details.get("CreateInterval") or 1),
                "RetentionDays": details.get("RetainInterval") or 7,
                "CopyRegions": _copy_regions(details, policy["region"]),
            }]
        else:
            schedules = [_schedule_facts(s, policy["region"]) for s in details.get("Schedules") or []]
        index.set_derived(policy, "schedules", schedules)


LINKERS = (
    Linker(
        name="ebs-dlm-policies",
        provides={"AWS::EC2::Volume": ("dlm_policies",)},
        reads={POLICY: ("Policy",), "AWS::EC2::Instance": (), "AWS::EC2::Volume": ()},
        link=link_dlm_policies,
    ),
    Linker(
        name="dlm-policy-schedules",
        provides={POLICY: ("schedules",)},
        reads={POLICY: ("Policy",)},
        link=link_policy_schedules,
    ),
)
