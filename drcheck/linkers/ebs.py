"""EBS protection facts: the newest completed snapshot of each volume, and DLM policies targeting it."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex


def link_latest_snapshot(index: ResourceIndex) -> None:
    """derived.latest_snapshot_time: StartTime of the newest completed snapshot (None if none)."""
    latest: dict[tuple[str, str, str], str] = {}
    for snapshot in index.of_type("AWS::EC2::Snapshot"):
        props = snapshot["properties"]
        if props.get("State") != "completed" or not props.get("VolumeId") or not props.get("StartTime"):
            continue
        key = (snapshot["account_id"], snapshot["region"], props["VolumeId"])
        # ISO-8601 UTC strings compare in time order.
        if props["StartTime"] > latest.get(key, ""):
            latest[key] = props["StartTime"]
    for volume in index.of_type("AWS::EC2::Volume"):
        problem = index.problem(volume["account_id"], volume["region"], "AWS::EC2::Snapshot")
        key = (volume["account_id"], volume["region"], volume["id"])
        if key in latest:
            index.set_derived(volume, "latest_snapshot_time", latest[key])
        elif problem:
            index.set_unknown(volume, "latest_snapshot_time", problem)
        else:
            index.set_derived(volume, "latest_snapshot_time", None)


def _targets(policy_details: dict, tags: dict[str, str]) -> bool:
    wanted = policy_details.get("TargetTags") or []
    return any(tags.get(t.get("Key")) == t.get("Value") for t in wanted)


def link_dlm_policies(index: ResourceIndex) -> None:
    """derived.dlm_policies: enabled DLM snapshot policies whose target tags match the volume
    (VOLUME policies) or the instance it is attached to (INSTANCE policies)."""
    instances = {(r["account_id"], r["region"], r["id"]): r for r in index.of_type("AWS::EC2::Instance")}
    policies_by_scope: dict[tuple[str, str], list[dict]] = {}
    for policy in index.of_type("AWS::DLM::LifecyclePolicy"):
        policies_by_scope.setdefault((policy["account_id"], policy["region"]), []).append(policy)
    for volume in index.of_type("AWS::EC2::Volume"):
        scope = (volume["account_id"], volume["region"])
        problems = [p for p in (index.problem(*scope, "AWS::DLM::LifecyclePolicy"),) if p]
        attached = [instances.get((*scope, a.get("InstanceId")))
                    for a in volume["properties"].get("Attachments") or []]
        matching = []
        for policy in policies_by_scope.get(scope, []):
            problem = index.detail_problem(policy, "Policy")
            if problem:
                problems.append(problem)
                continue
            body = policy["properties"]["Policy"]
            details = body.get("PolicyDetails") or {}
            if body.get("State") != "ENABLED" or details.get("PolicyType", "EBS_SNAPSHOT_MANAGEMENT") != \
                    "EBS_SNAPSHOT_MANAGEMENT":
                continue
            resource_types = details.get("ResourceTypes") or []
            hit = "VOLUME" in resource_types and _targets(details, volume["tags"])
            if "INSTANCE" in resource_types:
                if any(i is None for i in attached) and volume["properties"].get("Attachments"):
                    problems.append(f"instance of attached volume {volume['id']} not collected")
                hit = hit or any(i is not None and _targets(details, i["tags"]) for i in attached)
            if hit:
                matching.append({"PolicyId": policy["id"], "Description": body.get("Description")})
        if matching or not problems:
            index.set_derived(volume, "dlm_policies", matching)
        else:
            index.set_unknown(volume, "dlm_policies", "; ".join(problems))


LINKERS = (
    Linker(
        name="ebs-latest-snapshot",
        provides={"AWS::EC2::Volume": ("latest_snapshot_time",)},
        requires={"AWS::EC2::Snapshot": (), "AWS::EC2::Volume": ()},
        link=link_latest_snapshot,
    ),
    Linker(
        name="ebs-dlm-policies",
        provides={"AWS::EC2::Volume": ("dlm_policies",)},
        requires={"AWS::DLM::LifecyclePolicy": ("Policy",), "AWS::EC2::Instance": (), "AWS::EC2::Volume": ()},
        link=link_dlm_policies,
    ),
)
