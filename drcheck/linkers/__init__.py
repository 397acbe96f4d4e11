"""Linkers compute cross-resource facts once, after collection, and stamp them on resources.

A linker declares what it provides (derived field names per resource type) and what it requires
(resource types and their detail keys), so the planner can collect its inputs. Each module here
declares LINKERS, a tuple of Linker.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from drcheck.linkers.index import ResourceIndex


@dataclass(frozen=True)
class Linker:
    name: str
    provides: Mapping[str, tuple[str, ...]]  # resource type -> derived field names
    requires: Mapping[str, tuple[str, ...]]  # resource type -> field roots (detail keys) it reads
    link: Callable[[ResourceIndex], None]


def all_linkers() -> tuple[Linker, ...]:
    linkers: list[Linker] = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "index":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        linkers.extend(getattr(module, "LINKERS", ()))
    return tuple(linkers)


def link_inventory(inventory: dict, linkers: Iterable[Linker]) -> list[dict]:
    """Copies of the inventory's resources with their `derived` fields filled in.

    The inventory itself is left as collected, so it can be saved, and re-linked by a later
    version of drcheck.
    """
    resources = []
    for resource in inventory.get("resources", []):
        linked = dict(resource)
        linked["derived"] = {}
        linked["unavailable"] = copy.copy(resource.get("unavailable", {}))
        resources.append(linked)
    index = ResourceIndex(resources, inventory.get("collections", []))
    for linker in linkers:
        linker.link(index)
    return resources
