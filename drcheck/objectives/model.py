"""The recovery model (assumptions.yaml): loaded, validated, and asked what it needs collected.

Validation happens at load time, like rules: the YAML against a schema, every condition compiled
by the rule condition language, every field path checked against botocore's shapes (a typo fails
loading), every figure's source defined, and the last case of each disruption unconditional so
every resource gets an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema

from drcheck.collectors.spec import Collector
from drcheck.errors import UserError
from drcheck.linkers import Linker
from drcheck.objectives.durations import DurationError, Span, format_duration, parse_duration
from drcheck.ruleset.conditions import WORKLOAD, ConditionError, Context, Node, Unknown, compile_condition, resolve
from drcheck.ruleset.fields import FieldChecker
from drcheck.yamlfile import YamlProblem, load_yaml_text

ASSUMPTIONS_FILE = Path(__file__).with_name("assumptions.yaml")
DISRUPTIONS = ("az", "region", "data")
OUTCOMES = ("continues", "failover", "restore", "lost", "not_applicable")
DR_LEVELS = ("replica", "backup", "none")
# Recovery roles (drcheck.collectors.spec) whose resources are workload components.
COMPONENT_ROLES = ("stateful", "stateless")
# Facts the objectives stage computes itself, read as `workload.<fact>` (they depend on workloads,
# which linkers do not know): available to the conditions of compute types, never collected.
WORKLOAD_FACTS = ("peer_regions",)

_DURATION = {"type": "string"}
_FIGURE = {
    "oneOf": [
        {"type": "string"},
        {"type": "object", "additionalProperties": False, "required": ["low"],
         "properties": {"low": _DURATION, "high": {"type": ["string", "null"]}, "high_field": {"type": "string"}}},
        {"type": "object", "additionalProperties": False, "required": ["low_age_field"],
         "properties": {"low_age_field": {"type": "string"}}},
    ]
}
_CASE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "label", "sources"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "label": {"type": "string", "minLength": 1},
        "when": {"type": "object"},
        "unknown": {"type": "string", "minLength": 1},
        "outcome": {"enum": list(OUTCOMES)},
        "rpo": _FIGURE,
        "rto": _FIGURE,
        "sources": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "note": {"type": "string"},
        "dr_level": {"enum": list(DR_LEVELS)},
        "advice": {"type": "object", "additionalProperties": False, "required": ["text", "cost"],
                   "properties": {"text": {"type": "string"}, "cost": {"type": "integer", "minimum": 1}}},
    },
}
SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "disruptions", "sources", "types"],
    "properties": {
        "schema_version": {"const": 1},
        "disruptions": {"type": "object", "required": list(DISRUPTIONS), "additionalProperties": False,
                        "properties": {d: {"type": "string"} for d in DISRUPTIONS}},
        "sources": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": False, "required": ["title", "url", "says"],
            "properties": {"title": {"type": "string"}, "url": {"type": "string", "pattern": "^https://"},
                           "says": {"type": "string"}}}},
        "types": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": False, "required": ["label", "zones", "cases"],
            "properties": {
                "label": {"type": "string"},
                "compute": {"type": "boolean"},
                "zones": {"oneOf": [{"const": "regional"}, {"type": "array", "minItems": 1, "items": {"type": "string"}}]},
                "zones_when_empty": {"enum": ["regional", "unknown"]},
                "represented_by": {"type": "object", "additionalProperties": False, "required": ["when", "note"],
                                   "properties": {"when": {"type": "object"}, "note": {"type": "string"}}},
                "cases": {"type": "object", "additionalProperties": False, "required": list(DISRUPTIONS),
                          "properties": {d: {"type": "array", "minItems": 1, "items": _CASE} for d in DISRUPTIONS}},
            }}},
    },
}


class AssumptionsError(UserError):
    """The assumptions file is invalid (a drcheck bug when it is the built-in one)."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    says: str


@dataclass(frozen=True)
class NoData:
    """RPO of a resource that holds no data."""


NO_DATA = NoData()


@dataclass(frozen=True)
class Figure:
    """An RPO or RTO: a fixed span, a span whose upper bound is an observed interval, an open span
    starting at the age of an observed timestamp, or "holds no data"."""

    kind: str  # fixed | field | age | none
    low: float = 0.0
    high: float | None = None
    field: str | None = None

    def resolve(self, resource: Mapping[str, Any], now: datetime) -> Span | NoData | Unknown:
        if self.kind == "none":
            return NO_DATA
        if self.kind == "fixed":
            return Span(self.low, self.high)
        value = resolve(Context(resource, {}, now), self.field or "")
        if isinstance(value, Unknown):
            return value
        if self.kind == "field":
            if not isinstance(value, int | float) or isinstance(value, bool):
                return Unknown(f"{self.field} is not a number of seconds ({value!r})")
            return Span(self.low, max(float(value), self.low))
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return Unknown(f"{self.field} is not a timestamp ({value!r})")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=now.tzinfo)
        return Span(max(0.0, (now - moment).total_seconds()), None)

    def text(self) -> str:
        """How the assumption table shows the figure."""
        if self.kind == "none":
            return "no data"
        if self.kind == "fixed":
            return Span(self.low, self.high).text()
        if self.kind == "field":
            name = self.field.removeprefix("derived.").replace("_", " ") if self.field else "interval"
            return f"≤ observed {name}"
        return "≥ age of the latest snapshot (grows until the next one)"


@dataclass(frozen=True)
class Case:
    id: str
    label: str
    disruption: str
    condition: Node | None
    outcome: str | None  # None with `unknown` set
    unknown: str | None
    rpo: Figure | None
    rto: Figure | None
    sources: tuple[str, ...]
    note: str | None = None
    dr_level: str | None = None
    advice: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class TypeModel:
    resource_type: str
    label: str
    stateful: bool
    compute: bool
    zones: tuple[str, ...] | None  # None: regional (in every zone of its Region)
    zones_when_empty: str
    represented_by: tuple[Node, str] | None
    cases: Mapping[str, tuple[Case, ...]]


@dataclass(frozen=True)
class Model:
    disruptions: Mapping[str, str]
    sources: Mapping[str, Source]
    roles: Mapping[str, str]  # resource type -> its collector's recovery role
    types: Mapping[str, TypeModel]
    path: Path = field(default=ASSUMPTIONS_FILE)

    def is_component(self, resource_type: str) -> bool:
        """Stateful and stateless types are workload components; supporting ones are only read."""
        return self.roles.get(resource_type) in COMPONENT_ROLES

    def needs(self) -> list[tuple[str, set[str]]]:
        """(resource type, field roots) pairs the planner must collect for the model."""
        needs = []
        for type_model in self.types.values():
            roots: set[str] = set()
            for path in _type_paths(type_model):
                roots.add(_root(path))
            roots.discard(WORKLOAD)
            needs.append((type_model.resource_type, roots))
        return needs


def _root(path: str) -> str:
    steps = path.split(".")
    first = steps[0].removesuffix("[]")
    return f"derived.{steps[1].removesuffix('[]')}" if first == "derived" else first


def _type_paths(type_model: TypeModel) -> list[str]:
    paths: list[str] = list(type_model.zones or ())
    if type_model.represented_by:
        paths += type_model.represented_by[0].fields()
    for cases in type_model.cases.values():
        for case in cases:
            if case.condition is not None:
                paths += case.condition.fields()
            paths += [f.field for f in (case.rpo, case.rto) if f is not None and f.field]
    return paths


def load_model(collectors: Mapping[str, Collector], linkers: Iterable[Linker], path: Path | None = None,
               *, check_fields: bool = True) -> Model:
    """Load and validate the assumption table; AssumptionsError names the bad part.

    check_fields=False skips the botocore shape check of field paths (0.4 s): scans do that for the
    shipped table, whose paths the test suite checks.
    """
    path = path or ASSUMPTIONS_FILE
    try:
        data = load_yaml_text(path.read_bytes())[1]  # bounded like every YAML drcheck reads
    except OSError as exc:
        raise AssumptionsError(f"{path}: cannot load: {exc.strerror or exc}") from None
    except YamlProblem as problem:
        raise AssumptionsError(f"{path}:{problem.line or 1}: cannot load: {problem.message}") from None
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "top level"
        raise AssumptionsError(f"{path}: {where}: {error.message}")
    sources = {key: Source(key, **value) for key, value in data["sources"].items()}
    derived: dict[str, set[str]] = {}
    workload: dict[str, set[str]] = {}
    for linker in linkers:
        for resource_type, names in linker.provides.items():
            derived.setdefault(resource_type, set()).update(names)
    types: dict[str, TypeModel] = {}
    for resource_type, spec in data["types"].items():
        where = f"{path}: types.{resource_type}"
        if resource_type not in collectors:
            raise AssumptionsError(f"{where}: no collector declares this resource type")
        role = collectors[resource_type].recovery_role
        if role not in COMPONENT_ROLES:
            raise AssumptionsError(f"{where}: its collector's recovery role is {role!r}: only stateful and "
                                   "stateless types are workload components with a recovery model")
        spec = {**spec, "stateful": role == "stateful"}
        if spec.get("compute"):
            workload.setdefault(resource_type, set()).update(WORKLOAD_FACTS)
        types[resource_type] = _type_model(resource_type, spec, sources, where)
    checker = FieldChecker(dict(collectors), derived, workload) if check_fields else None
    for type_model in (types.values() if checker is not None else ()):
        problems = checker.problems(type_model.resource_type, _type_paths(type_model)) if checker is not None else []
        if problems:
            raise AssumptionsError(f"{path}: types.{type_model.resource_type}: {problems[0][1]}")
    return Model(disruptions=data["disruptions"], sources=sources,
                 roles={t: c.recovery_role or "" for t, c in collectors.items()}, types=types, path=path)


def _type_model(resource_type: str, spec: dict, sources: Mapping[str, Source], where: str) -> TypeModel:
    represented = None
    if "represented_by" in spec:
        represented = (_condition(spec["represented_by"]["when"], f"{where}.represented_by.when"),
                       spec["represented_by"]["note"])
    cases: dict[str, tuple[Case, ...]] = {}
    for disruption in DISRUPTIONS:
        entries = spec["cases"][disruption]
        built = []
        for i, entry in enumerate(entries):
            built.append(_case(entry, disruption, sources, f"{where}.cases.{disruption}[{i}]"))
        if built[-1].condition is not None:
            raise AssumptionsError(f"{where}.cases.{disruption}: the last case must have no 'when', "
                                   "so that every resource gets an answer")
        ids = [c.id for c in built]
        if len(set(ids)) != len(ids):
            raise AssumptionsError(f"{where}.cases.{disruption}: duplicate case ids")
        cases[disruption] = tuple(built)
    zones = None if spec["zones"] == "regional" else tuple(spec["zones"])
    return TypeModel(resource_type=resource_type, label=spec["label"], stateful=spec["stateful"],
                     compute=bool(spec.get("compute")), zones=zones,
                     zones_when_empty=spec.get("zones_when_empty", "unknown"),
                     represented_by=represented, cases=cases)


def _condition(spec: Any, where: str) -> Node:
    try:
        return compile_condition(spec, {}, where)
    except ConditionError as exc:
        raise AssumptionsError(f"{exc}") from None


def _case(entry: dict, disruption: str, sources: Mapping[str, Source], where: str) -> Case:
    for source in entry["sources"]:
        if source not in sources:
            raise AssumptionsError(f"{where}: unknown source {source!r}")
    unknown = entry.get("unknown")
    outcome = entry.get("outcome")
    if (unknown is None) == (outcome is None):
        raise AssumptionsError(f"{where}: give exactly one of 'outcome' and 'unknown'")
    needs_figures = outcome not in (None, "lost")
    for key in ("rpo", "rto"):
        if needs_figures != (key in entry):
            raise AssumptionsError(f"{where}: {key} is {'required' if needs_figures else 'not allowed'} "
                                   f"for outcome {outcome or 'unknown'}")
    return Case(
        id=entry["id"],
        label=entry["label"],
        disruption=disruption,
        condition=_condition(entry["when"], f"{where}.when") if "when" in entry else None,
        outcome=outcome,
        unknown=unknown,
        rpo=_figure(entry.get("rpo"), f"{where}.rpo"),
        rto=_figure(entry.get("rto"), f"{where}.rto"),
        sources=tuple(entry["sources"]),
        note=entry.get("note"),
        dr_level=entry.get("dr_level"),
        advice=entry.get("advice"),
    )


def _figure(spec: Any, where: str) -> Figure | None:
    if spec is None:
        return None
    try:
        if spec == "none":
            return Figure("none")
        if isinstance(spec, str):
            seconds = parse_duration(spec)
            return Figure("fixed", seconds, seconds)
        if "low_age_field" in spec:
            return Figure("age", field=spec["low_age_field"])
        low = parse_duration(spec["low"])
        if "high_field" in spec:
            return Figure("field", low, field=spec["high_field"])
        high = None if spec.get("high") is None else parse_duration(spec["high"])
        if high is not None and high < low:
            raise AssumptionsError(f"{where}: high {format_duration(high)} is below low {format_duration(low)}")
        return Figure("fixed", low, high)
    except DurationError as exc:
        raise AssumptionsError(f"{where}: {exc}") from None
