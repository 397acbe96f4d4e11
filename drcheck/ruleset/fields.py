"""Check a rule's field paths against what the collector really returns, using botocore's shapes.

A typo such as `MultiAz` for `MultiAZ` would otherwise read as "absent" and turn every verdict
UNKNOWN; here it fails when the rule is loaded, naming the field and the members that exist.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape

from drcheck.collectors.spec import Collector
from drcheck.ruleset.conditions import WORKLOAD

RESOURCE_FIELDS = {"id", "arn", "name", "region", "account_id", "resource_type", "service"}

_ANY = object()  # a node whose inside we cannot check (derived values, maps, documents)


class FieldChecker:
    """Validates field paths per resource type; one botocore session, service models loaded once."""

    def __init__(self, collectors: dict[str, Collector], derived: dict[str, set[str]],
                 workload: Mapping[str, set[str]] | None = None):
        self._collectors = collectors
        self._derived = derived  # resource type -> derived field names linkers provide
        self._workload = workload or {}  # resource type -> workload facts (objectives model only)
        self._core = botocore.session.get_session()
        self._models: dict[str, Any] = {}
        self._roots: dict[str, dict[str, Any]] = {}

    def problems(self, resource_type: str, paths: Iterable[str]) -> list[tuple[str, str]]:
        """(path, message) for every path that does not exist in the collected data."""
        root = self._root(resource_type)
        found = []
        for path in paths:
            problem = self._check(resource_type, root, path)
            if problem:
                found.append((path, problem))
        return found

    def kind(self, resource_type: str, path: str) -> str | None:
        """botocore's type of the value at an API field path ("string", "list", …); None when not known
        (derived fields, tags, maps, documents, or a path that does not exist)."""
        if path.split(".")[0] in ("derived", "tags", "resource", WORKLOAD):
            return None
        node: Any = self._root(resource_type)
        for step in path.split("."):
            name = step.removesuffix("[]")
            if isinstance(node, StructureShape):
                node = node.members.get(name, _ANY)
            elif isinstance(node, dict):
                node = node.get(name, _ANY)
            elif isinstance(node, ListShape) and name == "_value":
                node = node.member
            else:
                return None
            if step.endswith("[]"):
                node = node.member if isinstance(node, ListShape) else _ANY
        return node.type_name if isinstance(node, Shape) and not _is_document(node) else None

    # -- shapes ---------------------------------------------------------------------------------

    def _model(self, service: str):
        if service not in self._models:
            self._models[service] = self._core.get_service_model(service)
        return self._models[service]

    def _root(self, resource_type: str) -> dict[str, Any]:
        if resource_type in self._roots:
            return self._roots[resource_type]
        collector = self._collectors[resource_type]
        model = self._model(collector.service)
        members: dict[str, Any] = {}
        item = _select(model.operation_model(collector.list_operation).output_shape, collector.result_key)
        if isinstance(item, ListShape):
            item = item.member  # result_key names the list; its items are the resources
        if collector.item_name:
            members[collector.item_name] = item
        elif isinstance(item, StructureShape):
            members.update(item.members)
        else:
            members = {}
        for param in collector.parent_params:
            members.setdefault(param, _ANY)
        for detail in collector.details:
            output = model.operation_model(detail.operation).output_shape
            # A per-item detail stores a map (item -> result): its keys are data, not fields.
            members[detail.key] = _ANY if detail.each else (_select(output, detail.result) if detail.result else output)
        self._roots[resource_type] = members
        return members

    def _check(self, resource_type: str, root: dict[str, Any], path: str) -> str | None:
        steps = path.split(".")
        head = steps[0]
        if head == "derived":
            provided = self._derived.get(resource_type, set())
            name = steps[1].removesuffix("[]") if len(steps) > 1 else ""
            if name not in provided:
                return f"unknown derived field {'.'.join(steps[:2])!r} for {resource_type} (provided: {sorted(provided)})"
            return None
        if head == WORKLOAD:
            known = self._workload.get(resource_type, set())
            name = steps[1] if len(steps) > 1 else ""
            if name not in known:
                return (f"unknown workload fact {path!r} for {resource_type}" if known else
                        f"{path!r}: workload facts exist only in the recovery-objectives model's compute types")
            return None
        if head == "tags":
            return None if len(steps) > 1 else "tags needs a tag key, e.g. tags.Environment"
        if head == "resource":
            return None if len(steps) == 2 and steps[1] in RESOURCE_FIELDS else (
                f"unknown resource field {path!r} (known: {sorted(RESOURCE_FIELDS)})")
        node: Any = root
        for i, step in enumerate(steps):
            into_items = step.endswith("[]")
            name = step.removesuffix("[]")
            if node is _ANY:
                return None
            if isinstance(node, dict):
                members = node
            elif isinstance(node, StructureShape):
                members = node.members
            elif isinstance(node, MapShape) or _is_document(node):
                return None
            else:
                return f"{'.'.join(steps[:i])!r} has no fields (it is a {_kind(node)})"
            if name not in members and name != "_value":
                where = ".".join(steps[:i]) or resource_type
                return f"unknown field {name!r} in {where}{_suggest(name, members)}"
            node = members.get(name, _ANY)
            if into_items:
                if node is _ANY:
                    return None
                if not isinstance(node, ListShape):
                    return f"{'.'.join(steps[:i + 1])!r} is not a list"
                node = node.member
        return None


def _suggest(name: str, members: Iterable[str]) -> str:
    by_lower = {m.lower(): m for m in members}
    if name.lower() in by_lower:
        return f" (did you mean {by_lower[name.lower()]!r}?)"
    close = difflib.get_close_matches(name, list(members), n=3, cutoff=0.6)
    if close:
        return f" (did you mean {' or '.join(repr(c) for c in close)}?)"
    return f" (known: {', '.join(sorted(members)[:30])}{', …' if len(list(members)) > 30 else ''})"


def _select(shape: Shape, expression: str | None) -> Any:
    """The shape a simple JMESPath (`A.B`, `A[0].B`, `A[].B[]`) selects from `shape`."""
    if not expression:
        return shape
    node: Any = shape
    for token in re.findall(r"[A-Za-z_]\w*|\[\d*\]", expression):
        if token.startswith("["):
            node = node.member if isinstance(node, ListShape) else _ANY
            continue
        if isinstance(node, StructureShape) and token in node.members:
            node = node.members[token]
        else:
            return _ANY
    return node


def _is_document(shape: Any) -> bool:
    return isinstance(shape, Shape) and shape.type_name == "structure" and getattr(shape, "is_document_type", False)


def _kind(node: Any) -> str:
    return getattr(node, "type_name", type(node).__name__)
