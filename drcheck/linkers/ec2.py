"""Which Availability Zones the instances of one workload run in, for instances outside Auto
Scaling groups (groups are judged at group level)."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.ebs_autoscaling import AUTOSCALING_TAG
from drcheck.linkers.index import ResourceIndex

# Tag keys that name a workload, in order of preference (matched without regard to case);
# CloudFormation's stack tag is the fallback when none is set.
WORKLOAD_TAG_KEYS = ("workload", "application", "app", "service", "aws:cloudformation:stack-name")


def workload_tag(tags: dict[str, str]) -> tuple[str, str] | None:
    lowered = {key.lower(): (key, value) for key, value in tags.items() if value}
    return next((lowered[k] for k in WORKLOAD_TAG_KEYS if k in lowered), None)


def link_workload_zones(index: ResourceIndex) -> None:
    """derived.workload: {TagKey, TagValue, InstanceCount, AvailabilityZones} over the running
    instances sharing the instance's workload tag; None when it has no workload tag or belongs
    to an Auto Scaling group."""
    peers: dict[tuple[str, str, str, str], list[dict]] = {}
    for instance in index.of_type("AWS::EC2::Instance"):
        tag = workload_tag(instance["tags"])
        if tag and (instance["properties"].get("State") or {}).get("Name") == "running":
            peers.setdefault((instance["account_id"], instance["region"], tag[0].lower(), tag[1]), []).append(instance)
    for instance in index.of_type("AWS::EC2::Instance"):
        tag = workload_tag(instance["tags"])
        if not tag or AUTOSCALING_TAG in instance["tags"]:
            index.set_derived(instance, "workload", None)
            continue
        group = peers.get((instance["account_id"], instance["region"], tag[0].lower(), tag[1]), [])
        zones = {(i["properties"].get("Placement") or {}).get("AvailabilityZone") for i in group}
        index.set_derived(instance, "workload", {
            "TagKey": tag[0], "TagValue": tag[1], "InstanceCount": len(group),
            "AvailabilityZones": sorted(z for z in zones if z),
        })


LINKERS = (
    Linker(
        name="ec2-workload-zones",
        provides={"AWS::EC2::Instance": ("workload",)},
        reads={"AWS::EC2::Instance": ()},
        link=link_workload_zones,
    ),
)
