"""Look-ups linkers share: resources by type and scope, whether a scope was collected, and the
derived facts other linkers stamped.

The link stage gives each linker a view of the index bound to its declaration (`for_linker`):
reading a type, a detail key or a derived field the linker did not declare, or stamping a field
it does not provide, raises LinkerError. The declarations are what the planner collects and
what orders the linkers, so an undeclared read would be a fact silently computed from data the
scan never asked for.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from drcheck import unknowns
from drcheck.ruleset.conditions import Unknown
from drcheck.unknowns import Reason

if TYPE_CHECKING:
    from drcheck.linkers import Linker


class LinkerError(ValueError):
    """Linker declarations that do not fit together, or a linker reading what it did not declare."""


class ResourceIndex:
    def __init__(self, resources: list[dict], collections: list[dict]):
        self.resources = resources
        self._by_type: dict[str, list[dict]] = defaultdict(list)
        for resource in resources:
            self._by_type[resource["resource_type"]].append(resource)
        self._collections = {(c["account_id"], c["region"], c["resource_type"]): c for c in collections}
        self._linker: Linker | None = None

    def for_linker(self, linker: Linker) -> ResourceIndex:
        """The same index, checking every read and write against the linker's declaration."""
        view = object.__new__(ResourceIndex)
        view.__dict__.update(self.__dict__)
        view._linker = linker
        return view

    # -- declared reads --------------------------------------------------------------------------

    def _check_type(self, resource_type: str) -> None:
        linker = self._linker
        if linker is not None and resource_type not in linker.reads and resource_type not in linker.provides:
            raise LinkerError(f"linker {linker.name!r} reads {resource_type} without declaring it in `reads`")

    def _check_key(self, resource_type: str, key: str) -> None:
        linker = self._linker
        if linker is not None and key not in linker.reads_of(resource_type):
            raise LinkerError(f"linker {linker.name!r} reads {key} of {resource_type} without declaring it "
                              "in `reads`")

    def of_type(self, *resource_types: str) -> list[dict]:
        for resource_type in resource_types:
            self._check_type(resource_type)
        return [r for t in resource_types for r in self._by_type.get(t, [])]

    def problem(self, account_id: str, region: str, resource_type: str) -> str | None:  # a Reason (keeps its causes)
        """Why resources of this type in this scope cannot be relied on, or None if they can."""
        self._check_type(resource_type)
        record = self._collections.get((account_id, region, resource_type))
        if record is None:
            record = self._collections.get((account_id, "global", resource_type))
        if record is None:
            return Reason(f"{resource_type} was not collected in {account_id}/{region}")
        if record.get("status") != "ok":
            return _listing_problem(resource_type, region, record)
        return None

    def problems_in_account(self, account_id: str, resource_type: str) -> list[str]:  # Reasons
        """Why resources of this type cannot be relied on in some scanned Region of the account."""
        self._check_type(resource_type)
        return [_listing_problem(resource_type, c["region"], c)
                for (account, _, rtype), c in self._collections.items()
                if account == account_id and rtype == resource_type and c.get("status") != "ok"]

    def detail_problem(self, resource: dict, key: str) -> str | None:  # a Reason (keeps its causes)
        """Why a detail of a resource is missing (None when it is there)."""
        self._check_key(resource["resource_type"], key)
        if key in resource["properties"]:
            return None
        entry = resource.get("unavailable", {}).get(key)
        if entry:
            return unknowns.from_record(entry).prefixed(f"{resource['resource_type']} {resource['id']}: ")
        return Reason(f"{resource['resource_type']} {resource['id']}: {key} missing")

    def body_problem(self, resource: dict, key: str) -> str | None:  # a Reason (keeps its causes)
        """Like detail_problem, for a detail whose answer must be an object (GetBackupPlan's BackupPlan):
        an HTTP 200 answer without it (or with something else there) is no answer, not "none"."""
        problem = self.detail_problem(resource, key)
        if problem is None and not isinstance(resource["properties"][key], dict):
            return Reason(f"{resource['resource_type']} {resource['id']}: the answer has no {key}")
        return problem

    def derived(self, resource: dict, name: str) -> Any:
        """Another linker's derived field of this resource: its value, or Unknown with the reason."""
        self._check_key(resource["resource_type"], f"derived.{name}")
        entry = resource["unavailable"].get(f"derived.{name}")
        if entry is not None:
            return Unknown(unknowns.from_record(entry))
        if name not in resource["derived"]:
            return Unknown(f"derived.{name} was not computed (its inputs were not collected)")
        return resource["derived"][name]

    # -- writes ------------------------------------------------------------------------------------

    def _check_provides(self, resource: dict, name: str) -> None:
        linker = self._linker
        if linker is not None and name not in linker.provides.get(resource["resource_type"], ()):
            raise LinkerError(f"linker {linker.name!r} stamps derived.{name} on {resource['resource_type']} "
                              "without declaring it in `provides`")

    def set_derived(self, resource: dict, name: str, value: Any) -> None:
        self._check_provides(resource, name)
        resource["unavailable"].pop(f"derived.{name}", None)
        resource["derived"][name] = value

    def set_unknown(self, resource: dict, name: str, reason: str) -> None:
        """Mark a derived field unknown; a `Reason` keeps its causes (the failed calls behind it)."""
        self._check_provides(resource, name)
        resource["derived"].pop(name, None)
        resource["unavailable"][f"derived.{name}"] = unknowns.record(reason)


def _listing_problem(resource_type: str, region: str, record: dict) -> Reason:
    errors = record.get("errors") or []
    found = unknowns.join(unknowns.from_record(e, "") for e in errors) if errors else Reason("")
    return found.prefixed(f"could not list {resource_type} in {region}: ") if str(found) else \
        Reason(f"could not list {resource_type} in {region}: collection failed", found.causes)
