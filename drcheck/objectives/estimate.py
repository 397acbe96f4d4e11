"""One resource, one disruption: which case of the model applies, and its RPO and RTO.

Cases are listed best first; the first whose condition holds decides. A condition that cannot be
evaluated (missing data) makes the estimate unknown, with the reason and the case that applies at
worst; it never falls through to a later case as if the better one were known to be absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drcheck.objectives.durations import Span
from drcheck.objectives.model import Case, NoData, TypeModel
from drcheck.ruleset.conditions import Context, Unknown, resolve

# How bad an outcome is for the workload, for ordering and "deciding" components.
OUTCOME_RANK = {"unaffected": 0, "not_applicable": 0, "continues": 1, "failover": 2, "restore": 3, "lost": 4,
                "unknown": 3}
OUTCOME_TEXT = {
    "unaffected": "not affected",
    "not_applicable": "not applicable (holds no data)",
    "continues": "keeps running",
    "failover": "fails over",
    "restore": "restore or rebuild",
    "lost": "not recoverable",
    "unknown": "unknown",
}


@dataclass
class Estimate:
    disruption: str
    outcome: str  # an OUTCOME_RANK key
    case: Case | None = None
    rpo: Span | None = None  # None: lost, unknown or no data
    rto: Span | None = None
    no_data: bool = False
    reason: str | None = None  # why unknown
    at_worst: Case | None = None  # the case that applies if the undecided better ones do not
    evidence: dict[str, Any] = field(default_factory=dict)

    def rpo_text(self) -> str:
        if self.outcome == "lost":
            return "not recoverable"
        if self.outcome == "unknown":
            return "unknown"
        if self.no_data or self.outcome in ("unaffected", "not_applicable"):
            return "no data at risk" if self.no_data or self.outcome == "not_applicable" else "none"
        return self.rpo.text() if self.rpo else "unknown"

    def rto_text(self) -> str:
        if self.outcome == "lost":
            return "not recoverable"
        if self.outcome == "unknown":
            return "unknown"
        if self.outcome in ("unaffected", "not_applicable"):
            return "none"
        if self.rto is None:
            return "unknown"
        if self.rto.high is None and self.outcome in ("restore", "failover"):
            base = self.rto.text() if self.rto.low else "not documented"
            return f"{base} (measure it: restore test or failover drill)"
        return self.rto.text()

    def meets(self, rpo_target: float, rto_target: float) -> dict[str, bool | None]:
        """Three-valued check against a tier, per objective."""
        if self.outcome == "lost":
            return {"rpo": False, "rto": False}
        if self.outcome == "unknown":
            return {"rpo": None, "rto": None}
        if self.outcome in ("unaffected", "not_applicable"):
            return {"rpo": True, "rto": True}
        rpo = True if self.no_data else (self.rpo.meets(rpo_target) if self.rpo else None)
        rto = self.rto.meets(rto_target) if self.rto else None
        return {"rpo": rpo, "rto": rto}

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "outcome": self.outcome,
            "outcome_text": OUTCOME_TEXT[self.outcome],
            "case": self.case.id if self.case else None,
            "case_label": self.case.label if self.case else None,
            "rpo": self.rpo.as_dict() if self.rpo and not self.no_data else None,
            "rpo_text": self.rpo_text(),
            "rto": self.rto.as_dict() if self.rto else None,
            "rto_text": self.rto_text(),
            "sources": list(self.case.sources) if self.case else [],
            "evidence": self.evidence,
        }
        if self.case and self.case.note:
            out["note"] = self.case.note
        if self.reason:
            out["reason"] = self.reason
        if self.at_worst:
            out["at_worst"] = self.at_worst.label
        return out


def unaffected(disruption: str) -> Estimate:
    return Estimate(disruption, "unaffected", rpo=Span.exactly(0), rto=Span.exactly(0))


def unknown(disruption: str, reason: str) -> Estimate:
    return Estimate(disruption, "unknown", reason=reason)


def estimate(type_model: TypeModel, resource: Mapping[str, Any], disruption: str, now: datetime) -> Estimate:
    ctx = Context(resource, {}, now)
    undecided: list[str] = []
    evidence: dict[str, Any] = {}
    for case in type_model.cases[disruption]:
        if case.condition is not None:
            outcome = case.condition.evaluate(ctx)
            evidence.update(outcome.evidence)
            if outcome.value is None:
                undecided.append(f"{case.label}: {'; '.join(outcome.reasons) or 'could not tell'}")
                continue
            if outcome.value is False:
                continue
        if case.unknown:
            return Estimate(disruption, "unknown", case=case, reason="; ".join([*undecided, case.unknown]),
                            evidence=evidence)
        if undecided:
            return Estimate(disruption, "unknown", reason="; ".join(undecided), at_worst=case, evidence=evidence)
        return _decided(case, resource, now, evidence)
    raise AssertionError(f"{type_model.resource_type}: no unconditional last case for {disruption}")


def _decided(case: Case, resource: Mapping[str, Any], now: datetime, evidence: dict[str, Any]) -> Estimate:
    result = Estimate(case.disruption, case.outcome or "unknown", case=case, evidence=evidence)
    if case.outcome == "lost":
        return result
    for name in ("rpo", "rto"):
        figure = getattr(case, name)
        value = figure.resolve(resource, now)
        if isinstance(value, Unknown):
            return Estimate(case.disruption, "unknown", reason=f"{case.label}: {figure.field}: {value.reason}",
                            at_worst=case, evidence=evidence)
        if isinstance(value, NoData):
            result.no_data = True
            value = Span.exactly(0)
        if figure.field:
            evidence[figure.field] = resolve(Context(resource, {}, now), figure.field)
        setattr(result, name, value)
    return result


def zones_of(type_model: TypeModel, resource: Mapping[str, Any], now: datetime) -> list[str] | None | Unknown:
    """The Availability Zones a resource runs in: a list, None for "regional" (every zone), or Unknown."""
    if type_model.zones is None:
        return None
    found: list[str] = []
    for path in type_model.zones:
        value = _collect(resource, path, now)
        if isinstance(value, Unknown):
            return value
        found.extend(v for v in value if isinstance(v, str) and v)
    if not found:
        if type_model.zones_when_empty == "regional":
            return None
        return Unknown(f"no Availability Zone in {', '.join(type_model.zones)}")
    return sorted(set(found))


def _collect(resource: Mapping[str, Any], path: str, now: datetime) -> list[Any] | Unknown:
    """Values at a path that may step into lists with `[]` (NodeGroups[].NodeGroupMembers[].X)."""
    head, _, rest = path.partition("[]")
    value = resolve(Context(resource, {}, now), head.rstrip("."))
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, list | str):
        return []
    items = value if isinstance(value, list) else [value]
    if not rest:
        return list(items)
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict):
            sub = _collect({"properties": item}, rest.lstrip("."), now) if rest.lstrip(".") else [item]
            if isinstance(sub, Unknown):
                return sub
            out.extend(sub)
    return out
