"""Auto Scaling group facts: where its instances actually run, and whether its subnets have the
free IP addresses to relaunch capacity after losing a zone."""

from __future__ import annotations

from typing import Any

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

LEAVING = ("Terminating", "Terminating:Wait", "Terminating:Proceed", "Terminated", "Detaching", "Detached")


def link_in_service_zones(index: ResourceIndex) -> None:
    """derived.in_service_zones: zones of the group's InService instances (AvailabilityZones only
    says where it may launch; moto and a starved zone both show the difference)."""
    for group in index.of_type("AWS::AutoScaling::AutoScalingGroup"):
        zones = {i.get("AvailabilityZone") for i in group["properties"].get("Instances") or []
                 if i.get("LifecycleState") == "InService" and i.get("AvailabilityZone")}
        index.set_derived(group, "in_service_zones", sorted(zones))


def _group_subnets(group: dict, subnets: dict, defaults: dict) -> tuple[list[dict], list[str]]:
    """The group's subnets (VPCZoneIdentifier, else the default subnet of each zone), and the ids
    not found."""
    scope = (group["account_id"], group["region"])
    props = group["properties"]
    ids = [s.strip() for s in str(props.get("VPCZoneIdentifier") or "").split(",") if s.strip()]
    if ids:
        found = [subnets.get((*scope, i)) for i in ids]
        return [s for s in found if s], [i for i, s in zip(ids, found, strict=True) if s is None]
    zones = props.get("AvailabilityZones") or []
    found = [defaults.get((*scope, z)) for z in zones]
    return [s for s in found if s], [f"default subnet of {z}" for z, s in zip(zones, found, strict=True) if s is None]


def link_subnet_headroom(index: ResourceIndex) -> None:
    """derived.subnet_ip_headroom: free IPs left after growing to MaxSize in the worst case.

    With one zone lost, the instances must fit in the other zones' subnets: for each zone Z,
    free IPs outside Z minus (MaxSize - instances outside Z). Headroom is the smallest of those
    (for a one-zone group: free IPs minus the instances still to launch). An instance with
    several network interfaces uses more than one address, so a small positive headroom is thin.
    """
    subnets = {(s["account_id"], s["region"], s["id"]): s for s in index.of_type("AWS::EC2::Subnet")}
    defaults = {(s["account_id"], s["region"], s["properties"].get("AvailabilityZone")): s
                for s in index.of_type("AWS::EC2::Subnet") if s["properties"].get("DefaultForAz")}
    for group in index.of_type("AWS::AutoScaling::AutoScalingGroup"):
        problem = index.problem(group["account_id"], group["region"], "AWS::EC2::Subnet")
        found, missing = _group_subnets(group, subnets, defaults)
        if problem or missing or not found:
            index.set_unknown(group, "subnet_ip_headroom",
                              problem or f"subnet(s) not found: {', '.join(missing) or 'the group names none'}")
            continue
        free: dict[str, int] = {}
        for subnet in found:
            zone = subnet["properties"].get("AvailabilityZone")
            free[zone] = free.get(zone, 0) + int(subnet["properties"].get("AvailableIpAddressCount") or 0)
        running: dict[str, int] = {}
        for instance in group["properties"].get("Instances") or []:
            if instance.get("LifecycleState") not in LEAVING:
                zone = instance.get("AvailabilityZone")
                running[zone] = running.get(zone, 0) + 1
        if group["properties"].get("MaxSize") is None:  # required by the API: the answer is incomplete
            index.set_unknown(group, "subnet_ip_headroom", "the group's MaxSize is not in the answer")
            continue
        max_size = int(group["properties"]["MaxSize"])
        lost_zones = sorted(free) if len(free) > 1 else [None]
        worst: dict[str, Any] | None = None
        for lost in lost_zones:
            spare = sum(n for z, n in free.items() if z != lost)
            needed = max_size - sum(n for z, n in running.items() if z != lost and z in free)
            headroom = spare - max(needed, 0)
            if worst is None or headroom < worst["Headroom"]:
                worst = {"Headroom": headroom, "ZoneLost": lost, "AvailableIpAddresses": free, "MaxSize": max_size}
        index.set_derived(group, "subnet_ip_headroom", worst)


LINKERS = (
    Linker(
        name="autoscaling-in-service-zones",
        provides={"AWS::AutoScaling::AutoScalingGroup": ("in_service_zones",)},
        reads={"AWS::AutoScaling::AutoScalingGroup": ()},
        link=link_in_service_zones,
    ),
    Linker(
        name="autoscaling-subnet-headroom",
        provides={"AWS::AutoScaling::AutoScalingGroup": ("subnet_ip_headroom",)},
        reads={"AWS::AutoScaling::AutoScalingGroup": (), "AWS::EC2::Subnet": ()},
        link=link_subnet_headroom,
    ),
)
