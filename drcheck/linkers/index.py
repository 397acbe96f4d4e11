"""Look-ups linkers share: resources by type and scope, and whether a scope was collected."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class ResourceIndex:
    def __init__(self, resources: list[dict], collections: list[dict]):
        self.resources = resources
        self._by_type: dict[str, list[dict]] = defaultdict(list)
        for resource in resources:
            self._by_type[resource["resource_type"]].append(resource)
        self._collections = {(c["account_id"], c["region"], c["resource_type"]): c for c in collections}

    def of_type(self, *resource_types: str) -> list[dict]:
        return [r for t in resource_types for r in self._by_type.get(t, [])]

    def problem(self, account_id: str, region: str, resource_type: str) -> str | None:
        """Why resources of this type in this scope cannot be relied on, or None if they can."""
        record = self._collections.get((account_id, region, resource_type))
        if record is None:
            record = self._collections.get((account_id, "global", resource_type))
        if record is None:
            return f"{resource_type} was not collected in {account_id}/{region}"
        if record.get("status") != "ok":
            reasons = "; ".join(e.get("reason", "") for e in record.get("errors", [])) or "collection failed"
            return f"could not list {resource_type} in {region}: {reasons}"
        return None

    def problems_in_account(self, account_id: str, resource_type: str) -> list[str]:
        """Why resources of this type cannot be relied on in some scanned Region of the account."""
        return [f"could not list {resource_type} in {c['region']}: "
                + ("; ".join(e.get("reason", "") for e in c.get("errors", [])) or "collection failed")
                for (account, _, rtype), c in self._collections.items()
                if account == account_id and rtype == resource_type and c.get("status") != "ok"]

    @staticmethod
    def set_derived(resource: dict, name: str, value: Any) -> None:
        resource["derived"][name] = value

    @staticmethod
    def set_unknown(resource: dict, name: str, reason: str) -> None:
        resource["derived"].pop(name, None)
        resource["unavailable"][f"derived.{name}"] = {"reason": reason}

    @staticmethod
    def detail_problem(resource: dict, key: str) -> str | None:
        """Why a detail of a related resource is missing (None when it is there)."""
        if key in resource["properties"]:
            return None
        entry = resource.get("unavailable", {}).get(key)
        if entry:
            return f"{resource['resource_type']} {resource['id']}: {entry.get('reason')}"
        return f"{resource['resource_type']} {resource['id']}: {key} missing"
