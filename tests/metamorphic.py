"""The engine of the metamorphic false-PASS hunt (issue 9, section 3).

A verdict of PASS (or NOT_APPLICABLE, which hides a resource just as well) must never rest on a
value that is missing. So for a judged resource, each field and each derived fact a rule reads is
removed, or marked unknown, one at a time, and the rule judges again. When the verdict is still
PASS or NOT_APPLICABLE, the same spot is then filled with adversarial values: if some value gives
FAIL, the favourable verdict under the missing value hid a failure, that is the missing data was
read as a favourable answer. (PASS and NOT_APPLICABLE trading places is not that: a resource whose
exemption field is missing is judged on its own merits.) The exception is a field whose absence
AWS documents: a removal read through a leaf that names its `absence_source`.

Three-valued logic makes this sound: a condition that is True with an input unknown is True for
every value of it, so a flip under substitution can only come from missing data turned into a
value somewhere (a default, an `exists`, a linker that reads "not there" as "none").

Linker inputs get the same treatment on a whole inventory (`linker_input_flags`): each top-level
field or detail answer a linker reads is removed (or its call marked failed) on every resource of
its type, each list call is made to fail, and the result is compared with perturbed values.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drcheck.ruleset.conditions import ABSENT, AllOf, AnyOf, Leaf, Not, Quantifier, Unknown
from drcheck.ruleset.examples import EXAMPLE_NOW, example_resource
from drcheck.ruleset.rule import Rule

DEFINITE = {"PASS", "FAIL", "NOT_APPLICABLE"}
FAVOURABLE = {"PASS", "NOT_APPLICABLE"}
REASON = "missing on purpose (metamorphic test)"
GENERIC_VALUES: tuple[Any, ...] = (
    None, True, False, 0, 1, 2, 3, 10, 10**6, -1, "", "x", [], [{}], {}, ["x"],
    "2000-01-01T00:00:00+00:00", "2026-01-15T11:00:00+00:00", "2999-01-01T00:00:00+00:00",
)


@dataclass(frozen=True)
class Flag:
    """A verdict that stayed favourable on the strength of a missing value."""

    rule: str
    subject: str  # example name or resource id
    mutation: str  # "remove" | "unknown"
    location: str
    verdict: str
    flipped_to: tuple[str, ...]

    def __str__(self) -> str:
        return (f"{self.rule} / {self.subject}: {self.mutation} {self.location} -> {self.verdict}, "
                f"yet a value there gives {', '.join(self.flipped_to)}")


# -- what a rule reads ------------------------------------------------------------------------------

def _leaves(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, Leaf):
        yield prefix + node.path, node
    elif isinstance(node, Quantifier):
        yield prefix + node.path, node
        yield from _leaves(node.child, f"{prefix}{node.path}[].")
    elif isinstance(node, AllOf | AnyOf):
        for child in node.children:
            yield from _leaves(child, prefix)
    elif isinstance(node, Not):
        yield from _leaves(node.child, prefix)


def rule_leaves(rule: Rule) -> list[tuple[str, Any]]:
    return [leaf for node in (rule.applies_when, rule.condition) if node is not None for leaf in _leaves(node)]


def _operands(rule: Rule, params: dict) -> list[Any]:
    """Values worth trying at a spot: the rule's own operands, around them, and counts of items."""
    values: list[Any] = []
    for _, leaf in rule_leaves(rule):
        if not isinstance(leaf, Leaf):
            continue
        value = params[leaf.operand.param] if leaf.operand.param else leaf.operand.literal
        values.append(value)
        if isinstance(value, list):
            values.extend(value)
            values.append(value[:1])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            count = int(max(0, min(value + 1, 4)))
            values += [value - 1, value + 1, [{}] * count, [f"v{i}" for i in range(count)],
                       {f"k{i}": 1 for i in range(count)}]
        elif isinstance(value, str):
            values.append([value])
    return values


# -- where a read path lands in one resource ---------------------------------------------------------

Location = tuple[Any, ...]  # keys and list indexes from the resource record down to the spot


@dataclass(frozen=True)
class Spot:
    location: Location
    kind: str  # "property" (top-level), "nested", "item" (field of a list item), "derived", "tag"
    covered_by: tuple[Any, ...]  # the leaves reading at or below this spot

    @property
    def label(self) -> str:
        return ".".join(str(step) for step in self.location)


def spots(rule: Rule, record: dict) -> list[Spot]:
    """Every spot of `record` that one of the rule's read paths passes through, and exists."""
    found: dict[Location, list[Any]] = {}
    kinds: dict[Location, str] = {}
    for path, leaf in rule_leaves(rule):
        parts = path.split(".")
        if parts[0] == "resource":
            continue
        if parts[0] == "tags":
            key = ".".join(parts[1:])
            if key in (record.get("tags") or {}):
                found.setdefault(("tags", key), []).append(leaf)
                kinds[("tags", key)] = "tag"
            continue
        if parts[0] == "derived":
            name = parts[1].removesuffix("[]")
            if name in (record.get("derived") or {}):
                found.setdefault(("derived", name), []).append(leaf)
                kinds[("derived", name)] = "derived"
                # Inside a derived fact only a list item's own unknown marker is real (the linker
                # writes `_unavailable`); other inner shapes are the linker's vocabulary.
                if parts[1].endswith("[]") and len(parts) > 2 and isinstance(record["derived"][name], list):
                    field = parts[2].removesuffix("[]")
                    for index, item in enumerate(record["derived"][name]):
                        if isinstance(item, dict) and field in item:
                            location = ("derived", name, index, field)
                            found.setdefault(location, []).append(leaf)
                            kinds[location] = "item"
            continue
        _walk_spots(record["properties"], ("properties",), parts, leaf, found, kinds, depth=0)
    return [Spot(location, kinds[location], tuple(leaves)) for location, leaves in found.items()]


def _walk_spots(obj: Any, at: Location, steps: list[str], leaf: Any, found: dict, kinds: dict, depth: int) -> None:
    if not steps or not isinstance(obj, dict):
        return
    step = steps[0]
    name = step.removesuffix("[]")
    if name not in obj:
        return
    here = (*at, name)
    found.setdefault(here, []).append(leaf)
    kinds[here] = "property" if depth == 0 else "item" if isinstance(at[-1], int) else "nested"
    value = obj[name]
    if step.endswith("[]"):
        for index, item in enumerate(value if isinstance(value, list) else []):
            _walk_spots(item, (*here, index), steps[1:], leaf, found, kinds, depth + 1)
    else:
        _walk_spots(value, here, steps[1:], leaf, found, kinds, depth + 1)


def _parent(record: dict, location: Location) -> Any:
    node: Any = record
    for step in location[:-1]:
        node = node[step]
    return node


def removed(record: dict, spot: Spot) -> dict:
    mutated = copy.deepcopy(record)
    parent = _parent(mutated, spot.location)
    if spot.kind == "tag":
        del parent[spot.location[-1]]
    else:
        del parent[spot.location[-1]]
    return mutated


def unknown(record: dict, spot: Spot) -> dict:
    mutated = copy.deepcopy(record)
    parent = _parent(mutated, spot.location)
    key = spot.location[-1]
    mark = {"reason": REASON}
    if spot.kind == "property":
        del parent[key]
        mutated.setdefault("unavailable", {})[key] = mark
    elif spot.kind == "derived":
        del parent[key]
        mutated.setdefault("unavailable", {})[f"derived.{key}"] = mark
    elif spot.kind == "tag":
        mutated.setdefault("unavailable", {})["tags"] = mark
    elif spot.kind == "item":
        del parent[key]
        parent.setdefault("_unavailable", {})[key] = mark
    else:
        parent[key] = Unknown(REASON)  # unknown below the top of a raw answer: the language must cope
    return mutated


def substituted(record: dict, spot: Spot, value: Any) -> dict:
    mutated = copy.deepcopy(record)
    _parent(mutated, spot.location)[spot.location[-1]] = copy.deepcopy(value)
    return mutated


def _documented_absence(spot: Spot) -> bool:
    """A removal AWS documents: read through a leaf naming where absence is documented."""
    return any(getattr(leaf, "absence_source", None) for leaf in spot.covered_by)


# -- the hunt on one judged resource ------------------------------------------------------------------

def hunt(rule: Rule, record: dict, now: datetime, params: dict, subject: str) -> list[Flag]:
    """Flags for one resource the rule judges PASS (or NOT_APPLICABLE)."""
    flags = []
    values = GENERIC_VALUES + tuple(_operands(rule, params))
    for spot in spots(rule, record):
        for mutation, mutate in (("remove", removed), ("unknown", unknown)):
            if mutation == "remove" and spot.kind == "item" and spot.location[0] == "derived":
                continue  # a derived item's fields are the linker's vocabulary, not an API answer
            verdict = rule.judge(mutate(record, spot), now, params)["status"]
            if verdict not in FAVOURABLE:
                continue
            if mutation == "remove" and _documented_absence(spot):
                continue
            flipped = sorted({status for value in values
                              if (status := rule.judge(substituted(record, spot, value), now, params)["status"])
                              in DEFINITE and status != verdict})
            if "FAIL" in flipped:
                flags.append(Flag(rule.id, subject, mutation, spot.label, verdict, tuple(flipped)))
    return flags


def hunt_examples(rules: Iterable[Rule]) -> tuple[list[Flag], int]:
    """Flags over every PASS example of every rule, and how many examples were hunted."""
    flags: list[Flag] = []
    hunted = 0
    for rule in rules:
        for example in rule.examples:
            if example["status"] != "PASS":
                continue
            hunted += 1
            params = {**rule.defaults(), **(example.get("params") or {})}
            now = datetime.fromisoformat(example["now"]) if example.get("now") else EXAMPLE_NOW
            flags += hunt(rule, example_resource(rule, example), now, params, f"example {example['name']!r}")
    return flags, hunted


def hunt_resources(rules: Iterable[Rule], linked: list[dict], now: datetime,
                   statuses: Callable[[Rule, dict], str] | None = None) -> tuple[list[Flag], int]:
    """The same hunt over linked resources of an inventory, for every favourable verdict."""
    by_type: dict[str, list[dict]] = {}
    for record in linked:
        by_type.setdefault(record["resource_type"], []).append(record)
    flags: list[Flag] = []
    hunted = 0
    for rule in rules:
        params = rule.defaults()
        for record in by_type.get(rule.resource_type, []):
            if rule.judge(record, now, params)["status"] not in FAVOURABLE:
                continue
            hunted += 1
            flags += hunt(rule, record, now, params, f"{record['region']} {record['id']}")
    return flags, hunted


# -- linker inputs on a whole inventory -----------------------------------------------------------------

class _Recording(dict):
    """A resource's properties that note which top-level keys a linker looks at."""

    def __init__(self, data: dict, seen: set, resource_type: str):
        super().__init__(data)
        self._seen, self._type = seen, resource_type

    def __getitem__(self, key):
        self._seen.add((self._type, key))
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._seen.add((self._type, key))
        return super().get(key, default)

    def __contains__(self, key):
        self._seen.add((self._type, key))
        return super().__contains__(key)


def linker_reads(inventory: dict, link: Callable[[dict], list[dict]]) -> set[tuple[str, str]]:
    """(resource type, top-level property key) pairs the linkers read, found by watching them."""
    seen: set[tuple[str, str]] = set()
    watched = dict(inventory)
    watched["resources"] = [{**r, "properties": _Recording(r["properties"], seen, r["resource_type"])}
                            for r in inventory["resources"]]
    link(watched)
    present = {(r["resource_type"], key) for r in inventory["resources"] for key in r["properties"]}
    return seen & present


def _emptied(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return 0
    if isinstance(value, str):
        return ""
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return value  # null ("not configured") has no emptier form


def fuzz_value(value: Any, rng: random.Random, pool: dict[str, list[Any]] | None = None, key: str = "") -> Any:
    """A plausible other value of the same shape: flipped flags, moved numbers and dates, another
    value seen for the same key elsewhere in the inventory, lists with an item dropped or repeated."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return max(0, value + rng.choice((-7, -1, 1, 3, 30, 400)))
    if isinstance(value, float):
        return value * rng.choice((0.0, 0.5, 2.0))
    if isinstance(value, str):
        if len(value) >= 19 and value[4] == "-" and value[10] == "T":
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
                from datetime import timedelta

                return (moment + timedelta(days=rng.choice((-400, -40, -8, -3, -1, 1)))).isoformat()
            except ValueError:
                pass
        # Another value AWS gave for the same key elsewhere: real shapes only (a made-up CIDR or
        # ARN would test parsing, which the response corpus does, not the verdicts).
        others = [v for v in (pool or {}).get(key, []) if v != value and isinstance(v, str)]
        return rng.choice(others) if others else value
    if isinstance(value, list):
        items = [fuzz_value(v, rng, pool, key) for v in value]
        if items and rng.random() < 0.4:
            items.pop(rng.randrange(len(items)))
        elif items and rng.random() < 0.4:
            items.append(copy.deepcopy(items[0]))
        return items
    if isinstance(value, dict):
        return {k: fuzz_value(v, rng, pool, k) if rng.random() < 0.5 else v for k, v in value.items()}
    return value


def value_pool(inventory: dict) -> dict[str, list[Any]]:
    """Every scalar value seen under each key, so fuzzing can swap in a real other value."""
    pool: dict[str, set] = {}

    def visit(obj: Any, key: str = "") -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                visit(v, k)
        elif isinstance(obj, list):
            for v in obj:
                visit(v, key)
        elif isinstance(obj, str | int | float | bool) and key:
            pool.setdefault(key, set()).add(json.dumps(obj))

    for record in inventory["resources"]:
        visit(record["properties"])
    return {k: [json.loads(v) for v in sorted(vs)] for k, vs in pool.items()}


def fuzzed(inventory: dict, seed: int, rate: float = 0.3) -> dict:
    """A copy of the inventory with about `rate` of each resource's top-level values fuzzed."""
    rng = random.Random(seed)
    pool = value_pool(inventory)
    copied = copy.deepcopy(inventory)
    for record in copied["resources"]:
        for key in sorted(record["properties"]):
            if rng.random() < rate:
                record["properties"][key] = fuzz_value(record["properties"][key], rng, pool, key)
    return copied


@dataclass(frozen=True)
class InputFlag:
    mutation: str  # "remove", "unknown" or "list-failed"
    resource_type: str
    key: str
    rule: str
    resource: str
    verdict: str
    flipped_to: tuple[str, ...]

    def __str__(self) -> str:
        return (f"{self.mutation} {self.resource_type}.{self.key}: {self.rule} on {self.resource} -> "
                f"{self.verdict}, yet values there give {', '.join(self.flipped_to)}")


def linker_input_flags(inventory: dict, verdicts: Callable[[dict], dict[tuple[str, str], str]],
                       link: Callable[[dict], list[dict]], collectors: dict,
                       documented: set[tuple[str, str]] = frozenset(), seed: int = 0) -> tuple[list[InputFlag], int]:
    """Flags where a linker input that is removed, unknown or unlisted leaves a verdict favourable
    although values of that input give FAIL. `verdicts(inventory)` maps (rule, resource) to status;
    `collectors` (resource type -> Collector) tells detail keys and their "not configured" answers.
    """
    detail_keys = {t: {d.key for d in c.details} for t, c in collectors.items()}
    not_configured = {t: {d.key for d in c.details if d.not_configured} for t, c in collectors.items()}
    rng = random.Random(seed)
    pool = value_pool(inventory)
    reads = sorted(linker_reads(inventory, link))
    types = sorted({t for t, _ in reads})
    flags: list[InputFlag] = []
    tried = 0

    def changed(resource_type: str, edit: Callable[[dict], None]) -> dict:
        """A copy of the inventory in which only the resources of one type are new objects."""
        copied = dict(inventory)
        copied["resources"] = []
        for record in inventory["resources"]:
            if record["resource_type"] == resource_type:
                record = {**record, "properties": copy.deepcopy(record["properties"]),
                          "unavailable": dict(record.get("unavailable") or {})}
                edit(record)
            copied["resources"].append(record)
        return copied

    def with_values(resource_type: str, key: str, make: Callable[[Any], Any]) -> dict:
        def edit(record: dict) -> None:
            if key in record["properties"]:
                record["properties"][key] = make(record["properties"][key])
        return changed(resource_type, edit)

    def without(resource_type: str, key: str, mark: bool) -> dict:
        def edit(record: dict) -> None:
            if key in record["properties"]:
                del record["properties"][key]
                if mark:
                    record["unavailable"][key] = {"reason": REASON, "operation": "Metamorphic",
                                                  "error_code": "InternalFailure"}
        return changed(resource_type, edit)

    def judge(mutations: list[tuple[str, dict]], resource_type: str, key: str, perturbations: list[dict]) -> None:
        nonlocal tried
        others = [verdicts(p) for p in perturbations]
        for mutation, changed in mutations:
            tried += 1
            if mutation == "remove" and (resource_type, key) in documented:
                continue
            for finding, status in verdicts(changed).items():
                if status not in FAVOURABLE:
                    continue
                flipped = sorted({o[finding] for o in others if o.get(finding) in DEFINITE and o[finding] != status})
                if "FAIL" in flipped:
                    flags.append(InputFlag(mutation, resource_type, key, finding[0], finding[1], status,
                                           tuple(flipped)))

    for resource_type, key in reads:
        perturbations = [with_values(resource_type, key, _emptied),
                         with_values(resource_type, key, lambda v, k=key: fuzz_value(v, rng, pool, k))]
        if key in not_configured.get(resource_type, set()):
            perturbations.append(with_values(resource_type, key, lambda _: None))  # "not configured"
        mutations = [("remove", without(resource_type, key, mark=False))]
        if key in detail_keys.get(resource_type, set()):
            mutations.append(("unknown", without(resource_type, key, mark=True)))
        judge(mutations, resource_type, key, perturbations)
    for resource_type in types:
        others = [r for r in inventory["resources"] if r["resource_type"] != resource_type]
        failure = [{"reason": REASON, "error_code": "AccessDenied", "operation": "Metamorphic"}]
        failed = {**inventory, "resources": others, "collections": [
            {**c, "status": "error", "errors": failure} if c["resource_type"] == resource_type else c
            for c in inventory["collections"]]}
        empty = {**inventory, "resources": others}
        judge([("list-failed", failed)], resource_type, "*", [empty, inventory])
    return flags, tried


__all__ = ["ABSENT", "Flag", "InputFlag", "fuzzed", "hunt_examples", "hunt_resources", "linker_input_flags",
           "linker_reads"]
