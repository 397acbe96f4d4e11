"""The condition language: all / any / not, leaves of one field and one operator, list quantifiers.

Three-valued: every node evaluates to True, False or None (unknown). Missing data is unknown,
never False and never True, unless the rule says what an absent field means (`default`).

Values a path can resolve to:
- a value (including None: the API answered null, or a feature is "not configured");
- ABSENT: the containing object was read but has no such key (the API omits it);
- Unknown(reason): the data could not be read (call failed, not collected, not computed).

Path roots: API fields, `derived.<field>` (linkers), `tags.<key>`, `resource.<id|arn|…>`, and in
the recovery-objectives model only `workload.<fact>` (WORKLOAD).

A path step ending in `[]` projects over a list: `Nodes[].AvailabilityZone` is the list of every
node's zone (items without the field are left out; nested projections flatten), so a rule can
count distinct zones with `distinct_gte` without a linker.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drcheck.unknowns import Reason, causes_of, from_record

MAX_EVIDENCE_ITEMS = 20


def _prefixed(reason: str, prefix: str) -> str:
    """The reason with a prefix, keeping the causes a Reason carries."""
    return Reason(reason, causes_of(reason)).prefixed(prefix)

# `workload.<fact>`: facts about the resource's workload (which needs drcheck.yaml's workloads, so no
# linker can know them). The objectives stage puts them on its own view of a component; the
# linked resources never carry them, and rules cannot name them (the field check refuses it).
WORKLOAD = "workload"


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


@dataclass(frozen=True)
class Unknown:
    reason: str


@dataclass
class Context:
    """What a condition is evaluated against: one resource (or one list item), params and time."""

    root: Mapping[str, Any]  # the resource record, or a list item
    params: Mapping[str, Any]
    now: datetime
    is_item: bool = False
    prefix: str = ""  # path of the list item, for evidence ("derived.replication_destinations[]")
    # The collector's detail keys: each is stored or marked unavailable, so one that is simply
    # not there (an inventory from before the detail existed, a hand-made one) is unknown, and a
    # leaf's `default` never stands in for a whole missing answer.
    detail_keys: frozenset[str] = frozenset()


@dataclass
class Outcome:
    value: bool | None
    evidence: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


# -- path resolution -----------------------------------------------------------------------------


def _split(path: str) -> list[str]:
    return path.split(".")


def resolve(ctx: Context, path: str) -> Any:
    """Value, ABSENT or Unknown for `path` in the context (see module docstring)."""
    parts = _split(path)
    if ctx.is_item:
        return _walk(ctx.root, parts, ctx.root.get("_unavailable") if isinstance(ctx.root, dict) else None)
    resource = ctx.root
    unavailable = resource.get("unavailable") or {}
    head = parts[0]
    if head == "derived":
        name = parts[1].removesuffix("[]") if len(parts) > 1 else ""
        key = f"derived.{name}"
        if key in unavailable:
            return Unknown(from_record(unavailable[key]))
        derived = resource.get("derived") or {}
        if name not in derived:
            return Unknown(f"{key} was not computed (its inputs were not collected)")
        return _walk(derived, parts[1:], None)
    if head == "tags":
        if "tags" in unavailable:
            return Unknown(from_record(unavailable["tags"], "tags not available"))
        return (resource.get("tags") or {}).get(".".join(parts[1:]))
    if head == "resource":
        return resource.get(".".join(parts[1:]), ABSENT)
    if head == WORKLOAD:
        facts = resource.get(WORKLOAD)
        if not isinstance(facts, Mapping):
            return Unknown("workload facts exist only in the recovery-objectives estimate")
        return _walk(facts, parts[1:], None)
    properties = resource.get("properties") or {}
    root = parts[0].removesuffix("[]")
    if root in ctx.detail_keys and root not in properties and root not in unavailable:
        return Unknown(f"{root} is not in the inventory (its detail call's answer was not stored)")
    return _walk(properties, parts, unavailable)


def _walk(obj: Any, parts: list[str], unavailable: Mapping[str, Any] | None) -> Any:
    for i, step in enumerate(parts):
        part = step.removesuffix("[]")
        if obj is None:
            return None  # below a null ("not configured") everything is null, known
        if not isinstance(obj, dict):
            return Unknown(f"{'.'.join(parts[:i])} is not an object")
        if part not in obj:
            if i == 0 and unavailable and part in unavailable:
                return Unknown(from_record(unavailable[part]))
            return ABSENT
        obj = obj[part]
        if step.endswith("[]"):
            return _project(obj, parts[i + 1:], ".".join(parts[:i + 1]))
    return obj


def _project(items: Any, rest: list[str], label: str) -> Any:
    """The values of `rest` in each item of a list (a null list has none); unknown if any item is."""
    if items is None:
        return []
    if not isinstance(items, list):
        return Unknown(f"{label} is not a list")
    nested = any(step.endswith("[]") for step in rest)
    values: list[Any] = []
    for item in items:
        value = _walk(item, rest, item.get("_unavailable") if isinstance(item, dict) else None) if rest else item
        if isinstance(value, Unknown):
            return value
        if value is ABSENT or value is None:
            continue
        if nested and isinstance(value, list):
            values.extend(value)
        else:
            values.append(value)
    return values


# -- nodes -----------------------------------------------------------------------------------------


class Node(ABC):
    @abstractmethod
    def evaluate(self, ctx: Context) -> Outcome:
        """True, False or None (unknown), with the evidence read and the reasons for unknown."""

    @abstractmethod
    def fields(self) -> list[str]:
        """Field paths this node reads; `A[].B` is field B of each item of list A."""

    def leaves(self, prefix: str = "") -> list[tuple[str, Leaf]]:
        """(full field path, leaf) for every leaf below this node (load-time operand checks)."""
        return [leaf for child in self._children() for leaf in child.leaves(prefix)]

    def _children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class AllOf(Node):
    children: tuple[Node, ...]

    def evaluate(self, ctx: Context) -> Outcome:
        outcomes = [c.evaluate(ctx) for c in self.children]
        if any(o.value is False for o in outcomes):
            value: bool | None = False
        elif any(o.value is None for o in outcomes):
            value = None
        else:
            value = True
        return _combine(value, outcomes)

    def fields(self) -> list[str]:
        return [f for c in self.children for f in c.fields()]

    def _children(self) -> tuple[Node, ...]:
        return self.children


@dataclass(frozen=True)
class AnyOf(Node):
    children: tuple[Node, ...]

    def evaluate(self, ctx: Context) -> Outcome:
        outcomes = [c.evaluate(ctx) for c in self.children]
        if any(o.value is True for o in outcomes):
            value: bool | None = True
        elif any(o.value is None for o in outcomes):
            value = None
        else:
            value = False
        return _combine(value, outcomes)

    def fields(self) -> list[str]:
        return [f for c in self.children for f in c.fields()]

    def _children(self) -> tuple[Node, ...]:
        return self.children


@dataclass(frozen=True)
class Not(Node):
    child: Node

    def evaluate(self, ctx: Context) -> Outcome:
        outcome = self.child.evaluate(ctx)
        outcome.value = None if outcome.value is None else not outcome.value
        return outcome

    def fields(self) -> list[str]:
        return self.child.fields()

    def _children(self) -> tuple[Node, ...]:
        return (self.child,)


def _combine(value: bool | None, outcomes: list[Outcome]) -> Outcome:
    evidence: dict[str, Any] = {}
    reasons: list[str] = []
    for o in outcomes:
        evidence.update(o.evidence)
        if value is None:
            reasons.extend(r for r in o.reasons if r not in reasons)
    return Outcome(value, evidence, reasons)


@dataclass(frozen=True)
class Operand:
    """A literal, or a reference to a rule parameter resolved at evaluation time."""

    literal: Any = None
    param: str | None = None

    def get(self, ctx: Context) -> Any:
        return ctx.params[self.param] if self.param else self.literal


@dataclass(frozen=True)
class Leaf(Node):
    path: str
    operator: str
    operand: Operand
    default: Any = ABSENT
    # Where AWS documents what an omitted field means (for `default`, or `exists` read as an
    # answer): the rule's claim, kept with it so it can be checked and shown.
    absence_source: str | None = None

    def evaluate(self, ctx: Context) -> Outcome:
        value = resolve(ctx, self.path)
        label = ctx.prefix + self.path
        if isinstance(value, Unknown):
            return Outcome(None, {label: "UNKNOWN"}, [_prefixed(value.reason, f"{label}: ")])
        if value is ABSENT and self.operator != "exists":
            if self.default is ABSENT:
                return Outcome(None, {label: "ABSENT"}, [f"{label} is not in the API response"])
            value = self.default
        result = OPERATORS[self.operator](value, self.operand.get(ctx), ctx)
        return Outcome(result, {label: _evidence_value(value)})

    def fields(self) -> list[str]:
        return [self.path]

    def leaves(self, prefix: str = "") -> list[tuple[str, Leaf]]:
        return [(prefix + self.path, self)]


@dataclass(frozen=True)
class Quantifier(Node):
    """any_item / all_item / no_item: a condition over each element of a list field."""

    path: str
    kind: str  # "any_item" | "all_item" | "no_item"
    child: Node
    default: Any = ABSENT
    absence_source: str | None = None

    def evaluate(self, ctx: Context) -> Outcome:
        value = resolve(ctx, self.path)
        label = ctx.prefix + self.path
        if isinstance(value, Unknown):
            return Outcome(None, {label: "UNKNOWN"}, [_prefixed(value.reason, f"{label}: ")])
        if value is ABSENT:
            if self.default is ABSENT:
                return Outcome(None, {label: "ABSENT"}, [f"{label} is not in the API response"])
            value = self.default
        if value is None:
            value = []  # a null list (feature not configured) has no items
        if not isinstance(value, list):
            return Outcome(None, {label: _evidence_value(value)}, [f"{label} is not a list"])
        outcomes = []
        for item in value:
            item_ctx = Context(item if isinstance(item, dict) else {"_value": item}, ctx.params, ctx.now,
                               is_item=True, prefix=f"{label}[].")
            outcomes.append(self.child.evaluate(item_ctx))
        if self.kind == "any_item":
            combined = _quantify(outcomes, want=True)
        elif self.kind == "all_item":
            combined = _quantify(outcomes, want=False, negate_result=True)
        else:  # no_item
            combined = _quantify(outcomes, want=True, negate_result=True)
        combined.evidence = {label: _evidence_value(value)}
        return combined

    def fields(self) -> list[str]:
        return [self.path] + [f"{self.path}[].{p}" for p in self.child.fields()]

    def leaves(self, prefix: str = "") -> list[tuple[str, Leaf]]:
        return self.child.leaves(f"{prefix}{self.path}[].")


def _quantify(outcomes: list[Outcome], want: bool, negate_result: bool = False) -> Outcome:
    """any (want=True): True if some item is True. all: not any item False. no: not any item True."""
    if any(o.value is want for o in outcomes):
        value: bool | None = True
    elif any(o.value is None for o in outcomes):
        value = None
    else:
        value = False
    if negate_result and value is not None:
        value = not value
    reasons = [r for o in outcomes if o.value is None for r in o.reasons] if value is None else []
    return Outcome(value, {}, reasons)


def _evidence_value(value: Any) -> Any:
    if isinstance(value, list) and len(value) > MAX_EVIDENCE_ITEMS:
        return value[:MAX_EVIDENCE_ITEMS] + [f"... {len(value) - MAX_EVIDENCE_ITEMS} more"]
    return value


# -- operators: (observed value, operand, context) -> bool -------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _compare(test: Callable[[float, float], bool]) -> Callable[[Any, Any, Context], bool]:
    def operator(value: Any, operand: Any, ctx: Context) -> bool:
        number = _number(value)
        return number is not None and test(number, float(operand))

    return operator


def _age_days(value: Any, ctx: Context) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ctx.now.tzinfo)
    return (ctx.now - moment).total_seconds() / 86400


def _length(value: Any) -> int:
    return len(value) if isinstance(value, list | dict | str) else 0


def _distinct(value: Any) -> int:
    """How many different non-null values a list holds (zones of nodes, Regions of replicas)."""
    if not isinstance(value, list):
        return 0
    return len({repr(v) for v in value if v is not None})


OPERATORS: dict[str, Callable[[Any, Any, Context], bool]] = {
    "equals": lambda v, o, c: v == o,
    "not_equals": lambda v, o, c: v != o,
    "in": lambda v, o, c: v in o,
    "not_in": lambda v, o, c: v not in o,
    "gt": _compare(lambda a, b: a > b),
    "gte": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b),
    "lte": _compare(lambda a, b: a <= b),
    "exists": lambda v, o, c: (v is not ABSENT and v is not None) == bool(o),
    "empty": lambda v, o, c: (_length(v) == 0) == bool(o),
    "length_gte": lambda v, o, c: _length(v) >= o,
    "length_lte": lambda v, o, c: _length(v) <= o,
    "distinct_gte": lambda v, o, c: _distinct(v) >= o,
    "contains": lambda v, o, c: isinstance(v, list | str) and o in v,
    "matches": lambda v, o, c: isinstance(v, str) and re.search(o, v) is not None,
    "age_days_lte": lambda v, o, c: (a := _age_days(v, c)) is not None and a <= float(o),
    "age_days_gt": lambda v, o, c: (a := _age_days(v, c)) is None or a > float(o),
}
QUANTIFIERS = ("any_item", "all_item", "no_item")
NUMERIC_OPERATORS = {"gt", "gte", "lt", "lte", "length_gte", "length_lte", "distinct_gte", "age_days_lte",
                     "age_days_gt"}


# -- compiling YAML into nodes ---------------------------------------------------------------------

COUNT_OPERATORS = {"length_gte", "length_lte", "distinct_gte"}
BOOLEAN_OPERATORS = {"exists", "empty"}


def operand_problem(operator: str, operand: Any) -> str | None:
    """Why `operand` cannot be given to `operator` (None when it can).

    Checked at load time with the literal or the parameter's default, so that no operand type can
    make an operator raise at evaluation: `length_gte: "2"` is refused here, not found on a resource.
    """
    is_number = isinstance(operand, int | float) and not isinstance(operand, bool)
    if operator in COUNT_OPERATORS:
        if not (isinstance(operand, int) and not isinstance(operand, bool) and operand >= 0):
            return f"{operator} needs a whole number of at least 0, got {operand!r}"
    elif operator in NUMERIC_OPERATORS:
        if not is_number or operand != operand or operand in (float("inf"), float("-inf")):
            return f"{operator} needs a number, got {operand!r}"
    elif operator in BOOLEAN_OPERATORS:
        if not isinstance(operand, bool):
            return f"{operator} needs true or false, got {operand!r}"
    elif operator in ("in", "not_in"):
        if not isinstance(operand, list):
            return f"{operator} needs a list, got {operand!r}"
    elif operator == "matches":
        if not isinstance(operand, str):
            return f"matches needs a regular expression (text), got {operand!r}"
        try:
            re.compile(operand)
        except re.error as exc:
            return f"bad regular expression: {exc}"
    elif operator == "contains":
        if not (isinstance(operand, str) or is_number or isinstance(operand, bool)):
            return f"contains needs a text, number or boolean to look for, got {operand!r}"
    return None



class ConditionError(ValueError):
    pass


def compile_condition(spec: Any, params: Mapping[str, Any], where: str = "condition") -> Node:
    """Build a node tree from its YAML form; raises ConditionError naming the bad part."""
    if not isinstance(spec, dict):
        raise ConditionError(f"{where}: expected a mapping, got {type(spec).__name__}")
    if "all" in spec or "any" in spec:
        kind = "all" if "all" in spec else "any"
        if set(spec) != {kind}:
            raise ConditionError(f"{where}: '{kind}' must stand alone, found also {sorted(set(spec) - {kind})}")
        children = spec[kind]
        if not isinstance(children, list) or not children:
            raise ConditionError(f"{where}.{kind}: expected a non-empty list")
        nodes = tuple(compile_condition(c, params, f"{where}.{kind}[{i}]") for i, c in enumerate(children))
        return AllOf(nodes) if kind == "all" else AnyOf(nodes)
    if "not" in spec:
        if set(spec) != {"not"}:
            raise ConditionError(f"{where}: 'not' must stand alone")
        return Not(compile_condition(spec["not"], params, f"{where}.not"))
    if "field" not in spec:
        raise ConditionError(f"{where}: expected all, any, not or a field leaf; got keys {sorted(spec)}")
    path = spec["field"]
    if not isinstance(path, str) or not re.fullmatch(r"[A-Za-z_][\w:/-]*(\[\])?(\.[\w:/-]+(\[\])?)*", path) \
            or path.endswith("[]"):
        raise ConditionError(f"{where}: bad field path {path!r}")
    default = spec.get("default", ABSENT)
    absence_source = spec.get("absence_source")
    operators = [k for k in spec if k not in ("field", "default", "absence_source")]
    if len(operators) != 1:
        raise ConditionError(f"{where} ({path}): expected exactly one operator, found {operators or 'none'}")
    operator = operators[0]
    if operator in QUANTIFIERS:
        if absence_source is not None and default is ABSENT:
            raise ConditionError(f"{where} ({path}): absence_source documents a default; give one")
        return Quantifier(path, operator, compile_condition(spec[operator], params, f"{where}.{operator}"), default,
                          _absence_source(absence_source, where, path))
    if operator not in OPERATORS:
        known = ", ".join(sorted([*OPERATORS, *QUANTIFIERS]))
        raise ConditionError(f"{where} ({path}): unknown operator {operator!r} (known: {known})")
    raw = spec[operator]
    if isinstance(raw, dict) and set(raw) == {"param"}:
        if not isinstance(raw["param"], str) or raw["param"] not in params:
            raise ConditionError(f"{where} ({path}): unknown parameter {raw['param']!r}")
        operand = Operand(param=raw["param"])
        sample = params[raw["param"]]
    else:
        operand = Operand(literal=raw)
        sample = raw
    problem = operand_problem(operator, sample)
    if problem:
        raise ConditionError(f"{where} ({path}): {problem}")
    if absence_source is not None and default is ABSENT and operator != "exists":
        raise ConditionError(f"{where} ({path}): absence_source documents what an omitted field means; "
                             "it goes with `default` or `exists`")
    return Leaf(path, operator, operand, default, _absence_source(absence_source, where, path))


def _absence_source(value: Any, where: str, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConditionError(f"{where} ({path}): absence_source must be text naming the AWS documentation")
    return value.strip()
