"""Which workload each resource belongs to, and which recovery tier each workload aims for.

Order of precedence: a `workloads.define` entry in drcheck.yaml whose ARN patterns or tag filter
match; a workload tag (first of `tag_keys`, any case); the CloudFormation stack name. Volumes of an
instance and instances of an Auto Scaling group without their own workload follow it. Everything
else is "unassigned": shown, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from drcheck.objectives.settings import TIER_TAG, Definition, Settings, Tier

UNASSIGNED = "unassigned"
STACK_TAG = "aws:cloudformation:stack-name"


def resource_key(resource: Mapping) -> tuple[str, str, str, str]:
    return (resource["account_id"], resource["region"], resource["resource_type"], resource["id"])


@dataclass(frozen=True)
class Membership:
    workload: str | None  # None: unassigned
    how: str  # why: "tag workload=shop", "drcheck.yaml workloads.define.pay", …


@lru_cache(maxsize=512)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z")


def _defined(resource: Mapping, definition: Definition) -> bool:
    arn = resource.get("arn") or ""
    if any(_wildcard(p).match(arn) for p in definition.resources):
        return True
    if definition.tags:
        tags = resource.get("tags") or {}
        return all(k in tags and _wildcard(v).match(tags[k]) for k, v in definition.tags.items())
    return False


def _own(resource: Mapping, settings: Settings) -> Membership | None:
    for definition in settings.definitions:
        if definition.selects and _defined(resource, definition):
            return Membership(definition.name, f"drcheck.yaml workloads.define.{definition.name}")
    tags = resource.get("tags") or {}
    lowered = {k.lower(): (k, v) for k, v in tags.items()}
    for key in settings.tag_keys:
        found = lowered.get(key.lower())
        if found and found[1].strip():
            return Membership(found[1].strip(), f"tag {found[0]}={found[1].strip()}")
    if settings.cloudformation_stacks and tags.get(STACK_TAG):
        return Membership(tags[STACK_TAG], f"CloudFormation stack {tags[STACK_TAG]}")
    return None


def assign_workloads(resources: Iterable[Mapping], settings: Settings) -> dict[tuple, Membership]:
    """Membership of every resource, keyed by resource_key."""
    resources = list(resources)
    members: dict[tuple, Membership] = {}
    for resource in resources:
        own = _own(resource, settings)
        if own:
            members[resource_key(resource)] = own
    groups = {(r["account_id"], r["region"], r["id"]): r for r in resources
              if r["resource_type"] == "AWS::AutoScaling::AutoScalingGroup"}
    instances = {(r["account_id"], r["region"], r["id"]): r for r in resources
                 if r["resource_type"] == "AWS::EC2::Instance"}

    def inherited(resource: Mapping) -> Membership | None:
        scope = (resource["account_id"], resource["region"])
        if resource["resource_type"] == "AWS::EC2::Instance":
            group = groups.get((*scope, (resource.get("tags") or {}).get("aws:autoscaling:groupName")))
            found = members.get(resource_key(group)) if group is not None else None
            if group is not None and found:
                return Membership(found.workload, f"instance of Auto Scaling group {group['id']}")
        if resource["resource_type"] == "AWS::EC2::Volume":
            for attachment in resource["properties"].get("Attachments") or []:
                instance = instances.get((*scope, attachment.get("InstanceId")))
                if instance is None:
                    continue
                found = members.get(resource_key(instance)) or inherited(instance)
                if found:
                    return Membership(found.workload, f"attached to instance {instance['id']}")
        return None

    for resource in resources:
        key = resource_key(resource)
        if key not in members:
            members[key] = inherited(resource) or Membership(None, "no workload tag, stack or drcheck.yaml entry")
    return members


@dataclass(frozen=True)
class TierChoice:
    tier: Tier | None
    how: str
    problem: str | None = None  # why tier is None


def choose_tier(workload: str | None, resources: Iterable[Mapping], settings: Settings) -> TierChoice:
    """drcheck.yaml's tier for the workload, else its resources' dr-tier tag, else the default."""
    if workload is None:
        return TierChoice(None, "unassigned resources have no tier", "no workload, so no tier")
    for definition in settings.definitions:
        if definition.name == workload and definition.tier:
            return TierChoice(settings.tiers[definition.tier], f"drcheck.yaml workloads.define.{workload}.tier")
    tagged = sorted({v.strip() for r in resources for k, v in (r.get("tags") or {}).items()
                     if k.lower() == TIER_TAG and v.strip()})
    if tagged:
        unknown = [t for t in tagged if t not in settings.tiers]
        if unknown:
            return TierChoice(None, f"tag {TIER_TAG}={', '.join(tagged)}",
                              f"tier {', '.join(repr(t) for t in unknown)} is not defined (drcheck.yaml tiers)")
        strictest = min((settings.tiers[t] for t in tagged), key=lambda t: (t.rpo, t.rto))
        how = f"tag {TIER_TAG}={strictest.name}"
        if len(tagged) > 1:
            how += f" (strictest of {', '.join(tagged)})"
        return TierChoice(strictest, how)
    return TierChoice(settings.tiers[settings.default_tier], f"default tier ({settings.default_tier})")
