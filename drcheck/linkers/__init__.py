"""Linkers compute cross-resource facts once, after collection, and stamp them on resources.

A linker is a declaration: the derived fields it provides (per resource type), what it reads
(per resource type: detail keys, and other linkers' `derived.<field>`), and the function that
computes them. `load_linkers()` orders every linker so that each runs after the providers of
what it reads, and refuses a cycle, a missing provider or two providers of one field, so a
broken graph fails when the catalogue loads, not halfway through a scan. Each module here
declares LINKERS, a tuple of Linker.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from drcheck.linkers.index import LinkerError, ResourceIndex

__all__ = ["Field", "Linker", "LinkerError", "ResourceIndex", "load_linkers", "order_linkers"]


@dataclass(frozen=True)
class Field:
    """What a derived field holds, for the rule author (docs/derived-fields.md)."""

    type: str  # the value's shape: "boolean", "list of {Region, BackupPlanName, Rules}", …
    meaning: str


@dataclass(frozen=True)
class Linker:
    name: str
    provides: Mapping[str, tuple[str, ...]]  # resource type -> derived field names it stamps
    # resource type -> what it reads on resources of that type: detail keys (an empty tuple for
    # list-call fields only) and `derived.<field>` of other linkers. Every type here is collected
    # whenever any field of this linker is needed.
    reads: Mapping[str, tuple[str, ...]]
    link: Callable[[ResourceIndex], None]
    fields: Mapping[str, Field] = field(default_factory=dict)  # derived field -> its documentation
    # What it reads on the very resource it stamps (detail keys, `derived.<field>`), for each
    # type it provides on: collected only for the types a rule or the model asks about, so a rule
    # on volumes does not make the planner list every other type the linker could stamp.
    own_reads: tuple[str, ...] = ()

    def reads_of(self, resource_type: str) -> tuple[str, ...]:
        """Everything it may read on a resource of this type."""
        own = self.own_reads if resource_type in self.provides else ()
        return (*self.reads.get(resource_type, ()), *own)

    def derived_reads(self) -> list[tuple[str, str]]:
        """(resource type, derived field name) pairs this linker reads."""
        types = {*self.reads, *self.provides}
        return sorted({(t, key.removeprefix("derived.")) for t in types for key in self.reads_of(t)
                       if key.startswith("derived.")})


def _modules() -> Iterable[str]:
    for module_info in pkgutil.iter_modules(__path__):
        yield f"{__name__}.{module_info.name}"


def load_linkers(extra: Iterable[Linker] = ()) -> tuple[Linker, ...]:
    """Every built-in linker (plus `extra`), in an order where providers run before readers."""
    linkers: list[Linker] = []
    for name in _modules():
        linkers.extend(getattr(importlib.import_module(name), "LINKERS", ()))
    return order_linkers([*linkers, *extra])


def order_linkers(linkers: Iterable[Linker]) -> tuple[Linker, ...]:
    """Topological order of the linkers by their declared reads; LinkerError on a broken graph.

    Linkers that do not depend on each other keep no meaningful order (ties are broken by linker
    name only so that runs are reproducible); a test links the demo account with ties broken the
    other way and expects the same result.
    """
    linkers = list(linkers)
    problems: list[str] = []
    by_name: dict[str, Linker] = {}
    for linker in linkers:
        if linker.name in by_name:
            problems.append(f"two linkers are named {linker.name!r}")
        by_name[linker.name] = linker
    provider: dict[tuple[str, str], str] = {}
    for linker in linkers:
        for resource_type, names in linker.provides.items():
            for name in names:
                other = provider.setdefault((resource_type, name), linker.name)
                if other != linker.name:
                    problems.append(f"derived.{name} of {resource_type} is provided by both {other!r} and "
                                    f"{linker.name!r}")
        documented = set(linker.fields)
        if documented - {n for names in linker.provides.values() for n in names}:
            problems.append(f"linker {linker.name!r} documents fields it does not provide: "
                            f"{', '.join(sorted(documented - {n for ns in linker.provides.values() for n in ns}))}")
    after: dict[str, set[str]] = {linker.name: set() for linker in linkers}  # name -> providers it reads
    for linker in linkers:
        for resource_type, name in linker.derived_reads():
            source = provider.get((resource_type, name))
            if source is None:
                problems.append(f"linker {linker.name!r} reads derived.{name} of {resource_type}, "
                                "which no linker provides")
            else:
                after[linker.name].add(source)
    if problems:
        raise LinkerError("linker declarations are inconsistent: " + "; ".join(dict.fromkeys(problems)))
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(after):
        ready = sorted(n for n, sources in after.items() if n not in placed and sources <= placed)
        if not ready:
            raise LinkerError("linkers read each other's fields in a cycle: " + _cycle(after, placed))
        ordered.extend(ready)
        placed.update(ready)
    return tuple(by_name[n] for n in ordered)


def _cycle(after: Mapping[str, set[str]], placed: set[str]) -> str:
    """One cycle among the unplaced linkers, as 'a -> b -> a' (a reads b, b reads a)."""
    start = min(n for n in after if n not in placed)
    path = [start]
    while True:
        step = min(s for s in after[path[-1]] if s not in placed)
        if step in path:
            loop = path[path.index(step):] + [step]
            return " -> ".join(loop) + " (each reads the next one's derived fields)"
        path.append(step)
