"""CloudFront facts: does the default cache behaviour target an origin group that fails over?"""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

DISTRIBUTION = "AWS::CloudFront::Distribution"


def link_default_origin_group(index: ResourceIndex) -> None:
    """derived.default_origin_group: {Id, Members, FailoverStatusCodes} when the default cache
    behaviour's target is an origin group, else None (it targets a single origin)."""
    for distribution in index.of_type(DISTRIBUTION):
        properties = distribution["properties"]
        target = (properties.get("DefaultCacheBehavior") or {}).get("TargetOriginId")
        groups = (properties.get("OriginGroups") or {}).get("Items") or []
        group = next((g for g in groups if g.get("Id") == target), None)
        if group is None:
            index.set_derived(distribution, "default_origin_group", None)
            continue
        members = [m.get("OriginId") for m in (group.get("Members") or {}).get("Items") or []]
        codes = ((group.get("FailoverCriteria") or {}).get("StatusCodes") or {}).get("Items") or []
        index.set_derived(distribution, "default_origin_group", {
            "Id": group.get("Id"), "Members": members, "FailoverStatusCodes": codes,
        })


LINKERS = (
    Linker(
        name="cloudfront-default-origin-group",
        provides={DISTRIBUTION: ("default_origin_group",)},
        reads={DISTRIBUTION: ()},
        link=link_default_origin_group,
    ),
)
