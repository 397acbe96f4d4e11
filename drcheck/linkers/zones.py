"""The Availability Zones a resource can run in, from the subnets it is configured with.

Subnets are listed once per Region (DescribeSubnets) and looked up here, instead of a call per
resource. One linker per consuming resource type, so selecting a Lambda rule does not make the
planner collect ECS services.
"""

from __future__ import annotations

from collections.abc import Callable

import jmespath

from drcheck import unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

SUBNET = "AWS::EC2::Subnet"

# resource type -> (detail keys read, JMESPath to the subnet ids over the resource's properties)
CONSUMERS: dict[str, tuple[tuple[str, ...], str]] = {
    "AWS::Lambda::Function": ((), "VpcConfig.SubnetIds"),
    "AWS::ECS::Service": (("Service",), "Service.networkConfiguration.awsvpcConfiguration.subnets"),
    "AWS::EKS::Nodegroup": (("nodegroup",), "nodegroup.subnets"),
    "AWS::EC2::TransitGatewayAttachment": ((), "SubnetIds"),
    "AWS::EC2::VPCEndpoint": ((), "SubnetIds"),
    "AWS::Route53Resolver::ResolverEndpoint": (("IpAddresses",), "IpAddresses[].SubnetId"),
}


def zones_of_subnets(index: ResourceIndex, subnets: dict[tuple[str, str, str], dict], resource: dict,
                     subnet_ids: list[str]) -> tuple[list[str], list[str]]:
    """(sorted distinct zones, problems) for subnets in the resource's account and Region.

    `subnets` is keyed by (account, Region, subnet id), built once per linker run: built per
    resource it made this linker quadratic.
    """
    zones, problems = set(), []
    for subnet_id in subnet_ids:
        subnet = subnets.get((resource["account_id"], resource["region"], subnet_id))
        if subnet is None:
            problem = index.problem(resource["account_id"], resource["region"], SUBNET)
            problems.append(problem or f"subnet {subnet_id} was not found by DescribeSubnets")
        elif subnet["properties"].get("AvailabilityZone"):
            zones.add(subnet["properties"]["AvailabilityZone"])
    return sorted(zones), problems


def _link_for(resource_type: str, keys: tuple[str, ...], expression: str) -> Callable[[ResourceIndex], None]:
    def link(index: ResourceIndex) -> None:
        """derived.subnet_zones: zones of the configured subnets; None when it has no subnets."""
        subnets = {(s["account_id"], s["region"], s["id"]): s for s in index.of_type(SUBNET)}
        for resource in index.of_type(resource_type):
            problems = [p for p in (index.detail_problem(resource, key) for key in keys) if p]
            if problems:
                index.set_unknown(resource, "subnet_zones", unknowns.join(problems))
                continue
            subnet_ids = jmespath.search(expression, resource["properties"]) or []
            if not subnet_ids:
                index.set_derived(resource, "subnet_zones", None)
                continue
            zones, problems = zones_of_subnets(index, subnets, resource, [str(s) for s in subnet_ids])
            if problems and len(zones) < 2:  # two known zones already answer "spans zones"
                index.set_unknown(resource, "subnet_zones", unknowns.join(problems))
            else:
                index.set_derived(resource, "subnet_zones", zones)

    return link


LINKERS = tuple(
    Linker(
        name=f"subnet-zones-{resource_type.split('::')[1].lower()}-{resource_type.split('::')[2].lower()}",
        provides={resource_type: ("subnet_zones",)},
        reads={resource_type: keys, SUBNET: ()},
        link=_link_for(resource_type, keys, expression),
    )
    for resource_type, (keys, expression) in CONSUMERS.items()
)
