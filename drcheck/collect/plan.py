"""Which collectors and detail calls the selected rules need, and nothing more."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from drcheck.collectors.spec import Collector
from drcheck.linkers import Linker


@dataclass(frozen=True)
class PlannedCollector:
    collector: Collector
    detail_keys: frozenset[str]  # details to call for each resource, in the collector's declared order

    @property
    def resource_type(self) -> str:
        return self.collector.resource_type

    def details(self):
        return tuple(d for d in self.collector.details if d.key in self.detail_keys)

    def permissions(self) -> set[str]:
        return self.collector.permissions(set(self.detail_keys))


@dataclass(frozen=True)
class Plan:
    collectors: tuple[PlannedCollector, ...]  # parents before their children

    def get(self, resource_type: str) -> PlannedCollector | None:
        return next((p for p in self.collectors if p.resource_type == resource_type), None)

    def children_of(self, resource_type: str) -> tuple[PlannedCollector, ...]:
        return tuple(p for p in self.collectors if p.collector.parent == resource_type)

    def permissions(self) -> list[str]:
        """Every IAM action the planned collector calls need, sorted (identity and discovery calls:
        drcheck.policy)."""
        return sorted(set().union(*(p.permissions() for p in self.collectors)))


def make_plan(
    needs: Iterable[tuple[str, Iterable[str]]],
    collectors: Mapping[str, Collector],
    linkers: Iterable[Linker],
) -> Plan:
    """Plan the calls for `needs`: (resource type, field roots a rule reads) pairs.

    A field root is a list-call field (no extra call), a detail key (one call per resource), or
    `derived.<name>`, which pulls in whatever the linker providing it reads, transitively (a
    linker may read other linkers' derived fields).
    """
    linkers = tuple(linkers)
    wanted: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    queue = [(resource_type, root) for resource_type, roots in needs for root in ("", *roots)]
    while queue:
        resource_type, root = queue.pop()
        if (resource_type, root) in seen:
            continue
        seen.add((resource_type, root))
        collector = collectors.get(resource_type)
        if collector is None:
            raise ValueError(f"no collector declares {resource_type}")
        detail_keys = wanted.setdefault(resource_type, set())
        detail_keys.update(d.key for d in collector.details if d.always or d.key == root)
        if collector.parent:
            queue.append((collector.parent, ""))
        if not root.startswith("derived."):
            continue
        field_name = root.removeprefix("derived.")
        providers = [ln for ln in linkers if field_name in ln.provides.get(resource_type, ())]
        if not providers:
            raise ValueError(f"no linker provides derived.{field_name} for {resource_type}")
        for linker in providers:
            for required_type, required_roots in linker.reads.items():
                queue.extend((required_type, r) for r in ("", *required_roots))
            queue.extend((resource_type, r) for r in linker.own_reads)
    ordered = _parents_first(wanted, collectors)
    return Plan(tuple(PlannedCollector(collectors[t], frozenset(wanted[t])) for t in ordered))


def _parents_first(wanted: Mapping[str, set[str]], collectors: Mapping[str, Collector]) -> list[str]:
    ordered: list[str] = []

    def visit(resource_type: str) -> None:
        if resource_type in ordered:
            return
        parent = collectors[resource_type].parent
        if parent:
            visit(parent)
        ordered.append(resource_type)

    for resource_type in sorted(wanted):
        visit(resource_type)
    return ordered
