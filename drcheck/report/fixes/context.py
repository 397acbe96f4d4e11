"""What the fixes read from the scan: the failing resource as collected, its neighbours, the Regions.

Built once per report from the (raw) inventory. Lookups answer None when the inventory does not
hold what is asked; callers turn that into a value the user must supply, never a guess.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# When only one Region of an account was scanned, copies go to the Region AWS usually pairs it
# with for disaster recovery (same geography and, where it exists, same legal area).
USUAL_PAIRS = {
    "us-east-1": "us-west-2", "us-east-2": "us-west-2", "us-west-1": "us-east-1", "us-west-2": "us-east-1",
    "ca-central-1": "ca-west-1", "ca-west-1": "ca-central-1", "sa-east-1": "us-east-1",
    "eu-west-1": "eu-central-1", "eu-central-1": "eu-west-1", "eu-west-2": "eu-west-1", "eu-west-3": "eu-central-1",
    "eu-north-1": "eu-west-1", "eu-south-1": "eu-central-1", "eu-central-2": "eu-central-1",
    "eu-south-2": "eu-west-3", "ap-northeast-1": "ap-northeast-3", "ap-northeast-3": "ap-northeast-1",
    "ap-northeast-2": "ap-northeast-1", "ap-southeast-1": "ap-southeast-2", "ap-southeast-2": "ap-southeast-4",
    "ap-southeast-4": "ap-southeast-2", "ap-south-1": "ap-south-2", "ap-south-2": "ap-south-1",
    "ap-east-1": "ap-southeast-1", "me-central-1": "me-south-1", "me-south-1": "me-central-1",
    "af-south-1": "eu-west-1", "il-central-1": "eu-central-1",
}
FALLBACK_PAIR = "us-east-1"


def slug(text: str, limit: int = 48) -> str:
    """A file-name and shell-safe form of an identifier, unique by a short hash when shortened."""
    plain = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "resource"
    if plain == str(text) and len(plain) <= limit:
        return plain
    digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:8]
    return f"{plain[:limit - 9].rstrip('-')}-{digest}"


@dataclass
class FixContext:
    resources: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    by_scope: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    regions: dict[str, list[str]] = field(default_factory=dict)  # account -> Regions scanned
    partitions: dict[str, str] = field(default_factory=dict)  # account -> aws | aws-cn | aws-us-gov

    @classmethod
    def from_inventory(cls, inventory: Mapping[str, Any]) -> FixContext:
        context = cls()
        for account in inventory.get("accounts") or ():
            if isinstance(account, Mapping) and account.get("account_id"):
                context.regions[str(account["account_id"])] = list(account.get("regions") or inventory.get("regions") or ())
                context.partitions[str(account["account_id"])] = str(account.get("partition") or "aws")
        for resource in inventory.get("resources") or ():
            if not isinstance(resource, Mapping) or not resource.get("resource_type"):
                continue
            key = (str(resource.get("account_id")), str(resource.get("region")), resource["resource_type"],
                   str(resource.get("id")))
            context.resources[key] = dict(resource)
            context.by_scope[key[:3]].append(dict(resource))
        return context

    def resource_of(self, finding: Mapping[str, Any]) -> dict[str, Any] | None:
        return self.resources.get((finding["account_id"], finding["region"], finding["resource_type"],
                                   finding["resource_id"]))

    def of_type(self, account: str, region: str, resource_type: str) -> list[dict[str, Any]]:
        return self.by_scope.get((account, region, resource_type), [])

    def dr_region(self, account: str, region: str) -> tuple[str, str]:
        """(Region, why) where a resource in `region` should keep its copies."""
        scanned = [r for r in self.regions.get(account, []) if r != region and r != "global"]
        if scanned:
            used: dict[str, int] = defaultdict(int)
            for (acct, where, _), items in self.by_scope.items():
                if acct == account and where in scanned:
                    used[where] += len(items)
            pair = USUAL_PAIRS.get(region)
            best = max(scanned, key=lambda r: (used[r], r == pair, -scanned.index(r)))
            return best, f"{best}, the account's other scanned Region"
        pair = USUAL_PAIRS.get(region, FALLBACK_PAIR if region != FALLBACK_PAIR else "us-west-2")
        return pair, f"{pair}, the Region usually paired with {region} (no other Region was scanned)"

    def subnets(self, account: str, region: str) -> list[dict[str, Any]]:
        return [r["properties"] for r in self.of_type(account, region, "AWS::EC2::Subnet")
                if isinstance(r.get("properties"), Mapping)]

    def zones(self, account: str, region: str) -> list[str]:
        return sorted({s["AvailabilityZone"] for s in self.subnets(account, region) if s.get("AvailabilityZone")})
