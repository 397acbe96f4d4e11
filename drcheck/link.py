"""The link stage: an inventory, as collected, becomes a linked inventory (resources with their
`derived` facts), read by evaluation and by the recovery-objectives model. Linking happens once
per assessment; nothing downstream links again.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drcheck.linkers import Linker
from drcheck.linkers.index import LinkerError, ResourceIndex


@dataclass(frozen=True)
class LinkedInventory:
    """An inventory with every linker's facts stamped on copies of its resources.

    `inventory` is left exactly as collected (it can be saved, and re-linked by a later drcheck);
    `resources` are the linked copies, each with `derived` and its own `unavailable`.
    """

    inventory: Mapping[str, Any]
    resources: list[dict]
    index: ResourceIndex
    collected_at: datetime  # time-based rules and estimates measure from here
    collections: list[dict]  # the inventory's collection records: which scopes were listed, and how

    def of_type(self, resource_type: str) -> list[dict]:
        return [r for r in self.resources if r["resource_type"] == resource_type]


def collected_at(inventory: Mapping[str, Any]) -> datetime:
    """When the inventory was collected (now, for an inventory that does not say)."""
    stamp = inventory.get("generated_at")
    if not stamp:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link(inventory: Mapping[str, Any], linkers: Iterable[Linker]) -> LinkedInventory:
    """Run the linkers, in the order given, over copies of the inventory's resources.

    The order must put providers before their readers (`load_linkers` and `order_linkers` make
    one); a reader placed before its provider is a LinkerError. A provider left out altogether
    is allowed: what it would provide reads as unknown ("not computed").
    """
    sequence = tuple(linkers)
    _check_order(sequence)
    resources = []
    for resource in inventory.get("resources", []):
        linked = dict(resource)
        linked["derived"] = {}
        linked["unavailable"] = copy.copy(resource.get("unavailable") or {})
        resources.append(linked)
    collections = list(inventory.get("collections", []))
    index = ResourceIndex(resources, collections)
    for linker in sequence:
        try:
            linker.link(index.for_linker(linker))
        except LinkerError:
            raise  # a linker reading what it did not declare is drcheck's bug, not the account's data
        except Exception as exc:  # noqa: BLE001 - contained: its facts are unknown, the run goes on
            contain_linker_failure(linker, index, exc)
    return LinkedInventory(inventory=inventory, resources=resources, index=index,
                           collected_at=collected_at(inventory), collections=collections)


def contain_linker_failure(linker: Linker, index: ResourceIndex, exc: Exception) -> None:
    """A linker that raised on data no check foresaw (one resource's odd answer): every fact it had
    not yet stamped is unknown with the reason, so only the findings that read them say UNKNOWN."""
    reason = (f"linker {linker.name} could not compute this from the collected data "
              f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})")
    for resource_type, names in linker.provides.items():
        for resource in index.of_type(resource_type):
            for name in names:
                if name not in resource["derived"] and f"derived.{name}" not in resource["unavailable"]:
                    index.set_unknown(resource, name, reason)


def _check_order(sequence: tuple[Linker, ...]) -> None:
    position = {}
    for number, linker in enumerate(sequence):
        for resource_type, names in linker.provides.items():
            for name in names:
                position[(resource_type, name)] = number
    for number, linker in enumerate(sequence):
        for read in linker.derived_reads():
            if position.get(read, -1) >= number:
                raise LinkerError(f"linker {linker.name!r} would run before the provider of derived.{read[1]} "
                                  f"of {read[0]}; order the linkers with order_linkers()")
