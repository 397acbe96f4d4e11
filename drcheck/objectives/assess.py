"""The objectives stage: group a linked inventory's resources into workloads, estimate every
component under every disruption, and judge each workload against its tier.

Works on a saved inventory (no AWS calls), linked once by the link stage; the result is plain,
JSON-serialisable data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drcheck.link import LinkedInventory
from drcheck.objectives.durations import Span, worst
from drcheck.objectives.estimate import OUTCOME_RANK, Estimate, estimate, unknown, zones_of
from drcheck.objectives.model import DISRUPTIONS, Model, TypeModel
from drcheck.objectives.settings import Settings, Tier
from drcheck.objectives.workloads import UNASSIGNED, TierChoice, assign_workloads, choose_tier, resource_key
from drcheck.ruleset.conditions import WORKLOAD, Context, Unknown


@dataclass
class Component:
    # The linked resource, plus `workload` facts for compute types (a view: the linked inventory is
    # read by evaluation too, and is never written here).
    resource: dict[str, Any]
    type_model: TypeModel | None  # None: drcheck has no recovery model for this type
    workload: str | None
    how: str
    represented_by: str | None = None  # why another resource stands for this one
    zones: list[str] | None | Unknown = None
    estimates: dict[str, Estimate] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        return self.represented_by is None

    @property
    def label(self) -> str:
        return self.type_model.label if self.type_model else self.resource["resource_type"]

    def ref(self) -> dict[str, Any]:
        r = self.resource
        return {"name": r.get("name") or r["id"], "id": r["id"], "arn": r.get("arn"), "type": r["resource_type"],
                "label": self.label, "region": r["region"], "account_id": r["account_id"]}


@dataclass
class Prepared:
    now: datetime
    inventory: Mapping[str, Any]
    model: Model
    settings: Settings
    components: list[Component]
    supporting: list[dict[str, Any]]
    tiers: dict[str, TierChoice]

    def workload_names(self) -> list[str]:
        return sorted({c.workload for c in self.components if c.workload is not None})

    def members(self, workload: str | None) -> list[Component]:
        return [c for c in self.components if c.workload == workload]


def prepare(linked: LinkedInventory, model: Model, settings: Settings) -> Prepared:
    now = linked.collected_at
    inventory = linked.inventory
    resources = linked.resources
    members = assign_workloads(resources, settings)
    components: list[Component] = []
    supporting: list[dict[str, Any]] = []
    for resource in resources:
        if not model.is_component(resource["resource_type"]):
            supporting.append(resource)
            continue
        membership = members[resource_key(resource)]
        type_model = model.types.get(resource["resource_type"])
        component = Component(resource, type_model, membership.workload, membership.how)
        if type_model and type_model.represented_by:
            node, note = type_model.represented_by
            if node.evaluate(Context(resource, {}, now)).value is True:
                component.represented_by = note
        components.append(component)
    _add_workload_facts(components)
    for component in components:
        _estimate_all(component, now)
    tiers = {name: choose_tier(name, [c.resource for c in components if c.workload == name], settings)
             for name in {c.workload for c in components if c.workload is not None}}
    return Prepared(now, inventory, model, settings, components, supporting, tiers)


def _add_workload_facts(components: list[Component]) -> None:
    """workload.peer_regions: other Regions where the same workload runs this resource type."""
    regions: dict[tuple[str, str], set[str]] = {}
    for c in components:
        if c.workload is not None and c.counted:
            regions.setdefault((c.workload, c.resource["resource_type"]), set()).add(c.resource["region"])
    for c in components:
        if c.type_model and c.type_model.compute:
            found = regions.get((c.workload, c.resource["resource_type"]), set()) if c.workload else set()
            c.resource = {**c.resource, WORKLOAD: {"peer_regions": sorted(found - {c.resource["region"]})}}


def _estimate_all(component: Component, now: datetime) -> None:
    if component.type_model is None:
        reason = f"drcheck has no recovery model for {component.resource['resource_type']} yet"
        component.estimates = {d: unknown(d, reason) for d in DISRUPTIONS}
        component.zones = Unknown(reason)
        return
    component.zones = zones_of(component.type_model, component.resource, now)
    component.estimates = {d: estimate(component.type_model, component.resource, d, now) for d in DISRUPTIONS}


# -- judging against tiers -----------------------------------------------------------------------


def _and(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def verdict_text(value: bool | None) -> str:
    return {True: "met", False: "not met", None: "unknown"}[value]


def judge(items: list[tuple[Component, Estimate]], tier: Tier | None, tier_problem: str | None = None) -> dict:
    """A workload's figures for one disruption: its weakest component's, and met / not met / unknown."""
    counted = [(c, e) for c, e in items if c.counted]
    lost = [(c, e) for c, e in counted if e.outcome == "lost"]
    unknowns = [(c, e) for c, e in counted if e.outcome == "unknown"]
    spans_rpo = [e.rpo for _, e in counted if e.rpo is not None and e.outcome not in ("lost", "unknown")]
    spans_rto = [e.rto for _, e in counted if e.rto is not None and e.outcome not in ("lost", "unknown")]
    result: dict[str, Any] = {
        "rpo_text": _combined_text(worst(spans_rpo), lost, unknowns),
        "rto_text": _combined_text(worst(spans_rto), lost, unknowns),
        "worst_outcome": max((e.outcome for _, e in counted), key=lambda o: OUTCOME_RANK[o], default="unaffected"),
    }
    if tier is None:
        result.update(met=None, rpo_met=None, rto_met=None, verdict="unknown",
                      reason=tier_problem or "no tier", deciding=[])
        return result
    checks = [(c, e, e.meets(tier.rpo, tier.rto)) for c, e in counted]
    rpo_met = _and(m["rpo"] for _, _, m in checks)
    rto_met = _and(m["rto"] for _, _, m in checks)
    met = _and([rpo_met, rto_met])
    failing = [(c, e) for c, e, m in checks if False in m.values()]
    undecided = [(c, e) for c, e, m in checks if False not in m.values() and None in m.values()]
    deciding = failing if met is False else undecided if met is None else []
    deciding.sort(key=lambda ce: (-OUTCOME_RANK[ce[1].outcome], -(ce[1].rpo.upper() if ce[1].rpo else 0)))
    result.update(met=met, rpo_met=rpo_met, rto_met=rto_met, verdict=verdict_text(met),
                  deciding=[_deciding(c, e) for c, e in deciding[:5]], deciding_more=max(0, len(deciding) - 5))
    return result


def _combined_text(span: Span | None, lost: list, unknowns: list) -> str:
    if lost:
        return "not recoverable"
    text = span.text() if span else "none"
    if unknowns:
        many = len(unknowns)
        return f"{text}, unknown for {many} component{'' if many == 1 else 's'}" if span else "unknown"
    return text


def _deciding(component: Component, est: Estimate) -> dict[str, Any]:
    return {**component.ref(), "outcome": est.outcome, "case": est.case.label if est.case else None,
            "rpo_text": est.rpo_text(), "rto_text": est.rto_text(), "reason": est.reason}


def component_view(component: Component, tier: Tier | None) -> dict[str, Any]:
    estimates = {}
    for disruption, est in component.estimates.items():
        entry = est.as_dict()
        if tier is not None and component.counted:
            checks = est.meets(tier.rpo, tier.rto)
            entry["met"] = verdict_text(_and(checks.values()))
        estimates[disruption] = entry
    zones = component.zones
    return {**component.ref(), "workload": component.workload, "how": component.how,
            "represented_by": component.represented_by, "tags": component.resource.get("tags") or {},
            "zones": "unknown" if isinstance(zones, Unknown) else ("regional" if zones is None else zones),
            "estimates": estimates}


def workload_results(prepared: Prepared) -> list[dict[str, Any]]:
    """Per workload (then the unassigned group): tier, per-disruption figures and verdicts, components."""
    from drcheck.objectives.advice import advise
    from drcheck.objectives.strategy import classify

    results = []
    names: list[str | None] = [*prepared.workload_names(), None]
    for name in names:
        members = prepared.members(name)
        if not members:
            continue
        choice = prepared.tiers.get(name) if name else TierChoice(None, "unassigned", "unassigned resources have no tier")
        tier = choice.tier if choice else None
        disruptions = {d: judge([(c, c.estimates[d]) for c in members], tier, choice.problem if choice else None)
                       for d in DISRUPTIONS}
        results.append({
            "name": name or UNASSIGNED,
            "assigned": name is not None,
            "tier": tier.as_dict() if tier else None,
            "tier_how": choice.how if choice else "",
            "tier_problem": choice.problem if choice else None,
            "regions": sorted({c.resource["region"] for c in members}),
            "disruptions": disruptions,
            "strategy": classify(members) if name else None,
            "advice": advise(members, tier) if tier else [],
            "components": [component_view(c, tier) for c in members],
        })
    return results
