"""The cheapest changes that would meet a workload's tier, read from the model's better cases.

For each component that does not meet the tier under a disruption, look at the cases listed
before the one that applies (the model lists cases best first) that carry advice, keep those whose
figures would not fail the tier, and suggest the cheapest (then the one that surely fixes most).
Where AWS documents no bound (restore times), the advice says the objective then stays unknown. Figures
that depend on a schedule (backup every N hours) count as achievable when the tier's RPO allows
an hourly schedule, the most frequent one DLM policies offer.
"""

from __future__ import annotations

from typing import Any

from drcheck.objectives.durations import Span
from drcheck.objectives.model import Case, Figure
from drcheck.objectives.settings import Tier

SCHEDULE_FLOOR = 3600.0  # hourly: the shortest DLM interval (and a common AWS Backup one)


def _span(figure: Figure | None, tier_rpo: float) -> Span | None:
    if figure is None:
        return None
    if figure.kind == "none":
        return Span.exactly(0)
    if figure.kind == "fixed":
        return Span(figure.low, figure.high)
    if figure.kind == "field" and tier_rpo >= SCHEDULE_FLOOR:
        return Span(figure.low, tier_rpo)
    return None


def _would_meet(case: Case, tier: Tier) -> dict[str, bool | None]:
    rpo, rto = _span(case.rpo, tier.rpo), _span(case.rto, tier.rpo)
    return {"rpo": rpo.meets(tier.rpo) if rpo else None, "rto": rto.meets(tier.rto) if rto else None}


def advise(members: list[Any], tier: Tier) -> list[dict[str, Any]]:
    advice: list[dict[str, Any]] = []
    for component in members:
        if not component.counted or component.type_model is None:
            continue
        for disruption, est in component.estimates.items():
            if est.case is None and est.at_worst is None:
                continue
            now = est.meets(tier.rpo, tier.rto)
            open_dims = [k for k, v in now.items() if v is not True]
            if not open_dims:
                continue
            current = est.case or est.at_worst
            cases = component.type_model.cases[disruption]
            better = cases[:cases.index(current)]
            options = []
            for position, case in enumerate(better):
                if not case.advice:
                    continue
                would = _would_meet(case, tier)
                if False in would.values():
                    continue
                fixed = sum(would[k] is True for k in open_dims)
                improves = fixed or any(now[k] is False for k in open_dims)
                if not improves:
                    continue
                # A change that meets everything open beats a partial one; then the cheapest.
                options.append((fixed < len(open_dims), case.advice["cost"], -fixed, position, case))
            if not options:
                continue
            best = min(options, key=lambda o: o[:4])[4]
            would = _would_meet(best, tier)
            text = best.advice["text"]
            if best.rpo is not None and best.rpo.kind == "field":
                text += f" (at least every {Tier('t', tier.rpo, tier.rto).as_dict()['rpo']})"
            unsure = [k.upper() for k in open_dims if would[k] is None]
            advice.append({**component.ref(), "disruption": disruption, "change": text, "cost": best.advice["cost"],
                           "fixes": [k for k in open_dims if would[k] is True], "case": best.label,
                           "then_unknown": unsure, "sources": list(best.sources)})
    advice.sort(key=lambda a: (a["cost"], a["name"], a["disruption"]))
    return advice
