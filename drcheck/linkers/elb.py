"""Where load balancers' healthy targets run: by instance placement or by the subnet holding an
IP target's address (DescribeTargetHealth names a zone only for IP targets outside the VPC)."""

from __future__ import annotations

import ipaddress

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex


def _instance_zones(index: ResourceIndex) -> dict[tuple[str, str, str], str | None]:
    return {(i["account_id"], i["region"], i["id"]): (i["properties"].get("Placement") or {}).get("AvailabilityZone")
            for i in index.of_type("AWS::EC2::Instance")}


def link_classic_zones(index: ResourceIndex) -> None:
    """derived.healthy_instance_zones of Classic Load Balancers: zones of InService instances."""
    zones_of = _instance_zones(index)
    for lb in index.of_type("AWS::ElasticLoadBalancing::LoadBalancer"):
        scope = (lb["account_id"], lb["region"])
        problem = index.detail_problem(lb, "InstanceStates") or index.problem(*scope, "AWS::EC2::Instance")
        if problem:
            index.set_unknown(lb, "healthy_instance_zones", problem)
            continue
        zones, missing = set(), []
        for state in lb["properties"]["InstanceStates"] or []:
            if state.get("State") == "InService":
                zone = zones_of.get((*scope, state.get("InstanceId")))
                if zone:
                    zones.add(zone)
                else:
                    missing.append(str(state.get("InstanceId")))
        if missing and len(zones) < 2:
            index.set_unknown(lb, "healthy_instance_zones", f"zone of instance(s) {', '.join(missing)} not known")
        else:
            index.set_derived(lb, "healthy_instance_zones", sorted(zones))


def _subnet_zone(subnets: list[tuple], address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return next((zone for network, zone in subnets if ip.version == network.version and ip in network), None)


def link_target_zones(index: ResourceIndex) -> None:
    """derived.healthy_targets_by_zone ({zone: healthy targets}) and
    derived.zones_without_healthy_targets (zones the attached load balancers are enabled in
    that have no healthy target) for instance and IP target groups."""
    zones_of = _instance_zones(index)
    subnets: dict[tuple[str, str, str], list[tuple]] = {}
    for subnet in index.of_type("AWS::EC2::Subnet"):
        props = subnet["properties"]
        key = (subnet["account_id"], subnet["region"], props.get("VpcId"))
        ipv6 = [a.get("Ipv6CidrBlock") for a in props.get("Ipv6CidrBlockAssociationSet") or []]
        for cidr in [props.get("CidrBlock"), *ipv6]:
            try:
                network = ipaddress.ip_network(str(cidr)) if cidr else None
            except ValueError:  # an odd answer: targets in it are then "zone not known", never a crash
                network = None
            if network is not None:
                subnets.setdefault(key, []).append((network, props.get("AvailabilityZone")))
    lbs = {lb["arn"]: lb for lb in index.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer")}
    for group in index.of_type("AWS::ElasticLoadBalancingV2::TargetGroup"):
        props = group["properties"]
        scope = (group["account_id"], group["region"])
        kind = props.get("TargetType")
        needed = "AWS::EC2::Instance" if kind == "instance" else "AWS::EC2::Subnet"
        problem = index.detail_problem(group, "TargetHealthDescriptions") or index.problem(*scope, needed)
        if kind not in ("instance", "ip") or problem:
            for name in ("healthy_targets_by_zone", "zones_without_healthy_targets"):
                if problem:
                    index.set_unknown(group, name, problem)
                else:
                    index.set_derived(group, name, None)
            continue
        counts: dict[str, int] = {}
        missing = []
        for description in props["TargetHealthDescriptions"] or []:
            if (description.get("TargetHealth") or {}).get("State") != "healthy":
                continue
            target = description.get("Target") or {}
            zone = target.get("AvailabilityZone")
            if not zone or zone == "all":
                zone = zones_of.get((*scope, str(target.get("Id")))) if kind == "instance" else \
                    _subnet_zone(subnets.get((*scope, props.get("VpcId")), []), str(target.get("Id")))
            if zone:
                counts[zone] = counts.get(zone, 0) + 1
            else:
                missing.append(str(target.get("Id")))
        enabled: set[str] = set()
        unlisted = []
        zoneless = []
        for arn in props.get("LoadBalancerArns") or []:
            lb = lbs.get(arn)
            if lb is None:
                unlisted.append(arn)
            elif not isinstance(lb["properties"].get("AvailabilityZones"), list):
                zoneless.append(arn)  # a load balancer is always in some zone: the answer lacks them
            else:
                zones = lb["properties"]["AvailabilityZones"]
                enabled.update(z["ZoneName"] for z in zones if z.get("ZoneName"))
        if missing:
            why = f"zone of healthy target(s) {', '.join(missing[:5])} not known"
            index.set_unknown(group, "healthy_targets_by_zone", why)
            index.set_unknown(group, "zones_without_healthy_targets", why)
            continue
        index.set_derived(group, "healthy_targets_by_zone", dict(sorted(counts.items())))
        problem = index.problem(*scope, "AWS::ElasticLoadBalancingV2::LoadBalancer")
        if unlisted and problem:
            index.set_unknown(group, "zones_without_healthy_targets", problem)
        elif zoneless:
            index.set_unknown(group, "zones_without_healthy_targets",
                              f"the answer for load balancer {zoneless[0]} names no Availability Zones")
        else:
            index.set_derived(group, "zones_without_healthy_targets", sorted(enabled - set(counts)))


LINKERS = (
    Linker(
        name="elb-classic-instance-zones",
        provides={"AWS::ElasticLoadBalancing::LoadBalancer": ("healthy_instance_zones",)},
        reads={"AWS::ElasticLoadBalancing::LoadBalancer": ("InstanceStates",), "AWS::EC2::Instance": ()},
        link=link_classic_zones,
    ),
    Linker(
        name="elbv2-target-zones",
        provides={"AWS::ElasticLoadBalancingV2::TargetGroup": ("healthy_targets_by_zone",
                                                               "zones_without_healthy_targets")},
        reads={"AWS::ElasticLoadBalancingV2::TargetGroup": ("TargetHealthDescriptions",),
                  "AWS::ElasticLoadBalancingV2::LoadBalancer": (), "AWS::EC2::Instance": (), "AWS::EC2::Subnet": ()},
        link=link_target_zones,
    ),
)
