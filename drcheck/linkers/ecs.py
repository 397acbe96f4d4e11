"""ECS facts: does a service's placement spread its tasks across Availability Zones?

For services, ECS's default placement strategy is spread on attribute:ecs.availability-zone (ECS
developer guide, "Use strategies to define Amazon ECS task placement"); an explicit strategy list
replaces the default, and its first entry takes precedence. Fargate ignores placement strategies
and spreads tasks across the subnets' zones. Whether an EC2-backed cluster has capacity in several
zones is a property of its instances, not of the service, and is not judged here.
"""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

SERVICE = "AWS::ECS::Service"
AZ_ATTRIBUTE = "attribute:ecs.availability-zone"


def _on_fargate(service: dict) -> bool:
    if service.get("launchType") == "FARGATE":
        return True
    providers = [p.get("capacityProvider", "") for p in service.get("capacityProviderStrategy") or []]
    return bool(providers) and all(p.startswith("FARGATE") for p in providers)


def link_zone_spread(index: ResourceIndex) -> None:
    """derived.spreads_across_zones: Fargate, the default strategy, or spread by zone first."""
    for resource in index.of_type(SERVICE):
        problem = index.detail_problem(resource, "Service")
        if problem:
            index.set_unknown(resource, "spreads_across_zones", problem)
            continue
        service = resource["properties"]["Service"] or {}
        strategy = service.get("placementStrategy") or []
        spreads = _on_fargate(service) or not strategy or (
            strategy[0].get("type") == "spread" and strategy[0].get("field") == AZ_ATTRIBUTE)
        index.set_derived(resource, "spreads_across_zones", spreads)


LINKERS = (
    Linker(
        name="ecs-zone-spread",
        provides={SERVICE: ("spreads_across_zones",)},
        reads={SERVICE: ("Service",)},
        link=link_zone_spread,
    ),
)
