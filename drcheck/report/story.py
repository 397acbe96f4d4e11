"""The report's reading of the recovery-objectives document: which workload (and tier) each
resource serves, the executive outage headline, and "the 2015 day".

Everything the report takes from drcheck.objectives goes through the functions here, so a richer
objectives document (topology, cascades, numbers) changes only this module. Each function takes
the plain document (`Assessment.objectives`, or None when objectives were not estimated) and
returns plain values for the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drcheck.report.wording import listing

# September 2015: one DynamoDB sub-service in us-east-1 failed and took more than twenty AWS
# services that depend on it there down for hours (the README tells the story).
STORY_SERVICE = "dynamodb"
STORY_REGION = "us-east-1"
STORY_DATE = "September 2015"
STORY_LIMIT = ("A workload counts as affected when one of its components is a DynamoDB table in the Region. "
               "The AWS services that themselves depend on DynamoDB there (in 2015: SQS, Auto Scaling, CloudWatch "
               "and others) are not yet modelled, so the real day can be worse than this table.")


def workload_index(objectives: Mapping[str, Any] | None) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """(account, Region, type, id) -> {"workload", "tier", "tier_rank"} for every assigned component.

    tier_rank orders tiers by how demanding they are (shortest RTO, then RPO, first = 0); a
    component of no workload is absent, and ranks after every tier.
    """
    if not objectives:
        return {}
    ranks = tier_ranks(objectives)
    index = {}
    for workload in objectives.get("workloads") or ():
        if not workload.get("assigned"):
            continue
        tier = workload.get("tier")
        for component in workload.get("components") or ():
            key = (component.get("account_id"), component.get("region"), component.get("type"), component.get("id"))
            index[key] = {"workload": workload["name"], "tier": tier["name"] if tier else None,
                          "tier_rank": ranks.get(tier["name"], len(ranks)) if tier else len(ranks)}
    return index


def tier_ranks(objectives: Mapping[str, Any]) -> dict[str, int]:
    tiers = sorted(objectives.get("tiers") or (), key=lambda t: (t.get("rto_seconds", 0), t.get("rpo_seconds", 0)))
    return {t["name"]: i for i, t in enumerate(tiers)}


def _loses_data(workload: Mapping[str, Any]) -> bool | None:
    """True when the outage loses data for good or up to a non-zero RPO; None when unknown."""
    text = str(workload.get("data_at_risk") or "")
    if text in ("none", "0 s", ""):
        return False
    if text == "unknown" or text.startswith("unknown"):
        return None
    return True


def _outcome(scenario: Mapping[str, Any]) -> dict[str, Any]:
    workloads = [w for w in scenario.get("workloads") or () if w.get("assigned")]
    by_status: dict[str, list[str]] = {"survives": [], "degraded": [], "down": [], "unknown": []}
    for w in workloads:
        by_status.setdefault(w["status"], []).append(w["name"])
    losing = [w["name"] for w in workloads if w["status"] == "down" and _loses_data(w)]
    return {"total": len(workloads), "by_status": by_status, "losing_data": losing}


def outage_headline(objectives: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """"If us-east-1 fails today: 4 of 5 workloads are down; …" from the main Region's what-if."""
    if not objectives or not objectives.get("region_whatif"):
        return None
    whatif = objectives["region_whatif"]
    region = whatif["scenario"]["region"]
    outcome = _outcome(whatif)
    total = outcome["total"]
    if not total:
        return None
    status = outcome["by_status"]
    down, degraded, unknown = status["down"], status["degraded"], status["unknown"]
    parts = []
    if down:
        parts.append(f"{len(down)} of {total} workload{'s' if total != 1 else ''} "
                     f"{'are' if len(down) != 1 else 'is'} down ({listing(down, len(down))})")
    else:
        parts.append(f"none of the {total} workload{'s' if total != 1 else ''} is down")
    if outcome["losing_data"]:
        losing = outcome["losing_data"]
        parts.append(f"{listing(losing, len(losing))} lose{'s' if len(losing) == 1 else ''} data")
    if degraded:
        parts.append(f"{listing(degraded, len(degraded))} fail{'s' if len(degraded) == 1 else ''} over to "
                     "another Region")
    if unknown:
        parts.append(f"drcheck cannot tell for {listing(unknown, len(unknown))}")
    severity = "bad" if down else ("mixed" if degraded or unknown else "good")
    return {"region": region, "text": f"If {region} fails today: " + "; ".join(parts) + ".",
            "severity": severity, "down": len(down), "total": total, "anchor": "objectives-whatif-region"}


def story_scenario(objectives: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The document's what-if for one service in one Region that tells the 2015 story, if any."""
    for scenario in (objectives or {}).get("scenarios") or ():
        if scenario["scenario"].get("kind") == "service" and scenario["scenario"].get("service") == STORY_SERVICE:
            return scenario
    return None


def day_2015(objectives: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """"The 2015 day": what a DynamoDB outage in us-east-1 (or the main Region) does to each workload."""
    scenario = story_scenario(objectives)
    if scenario is None:
        return None
    region = scenario["scenario"]["region"]
    outcome = _outcome(scenario)
    rows = []
    for w in scenario.get("workloads") or ():
        if not w.get("assigned"):
            continue
        affected = w.get("affected", 0)
        rows.append({
            "name": w["name"],
            "tier": (w.get("tier") or {}).get("name"),
            "status": w["status"] if affected else "survives",
            "status_text": w["status_text"] if affected else "not affected",
            "why": _why(w),
            "data_at_risk": w.get("data_at_risk") if affected else "none",
            "time_to_recover": w.get("time_to_recover") if affected else "none",
            "tier_verdict": w.get("tier_verdict"),
        })
    status = outcome["by_status"]
    if not rows:
        return None
    if status["down"]:
        summary = (f"{len(status['down'])} of {outcome['total']} workloads "
                   f"{'stops' if len(status['down']) == 1 else 'stop'} "
                   f"({listing(status['down'], len(status['down']))}) until AWS restores the service or they are "
                   "rebuilt elsewhere")
    else:
        summary = f"none of the {outcome['total']} workloads stops"
    if status["degraded"]:
        verb = "fails" if len(status["degraded"]) == 1 else "fail"
        summary += f"; {listing(status['degraded'], len(status['degraded']))} {verb} over to another Region"
    if status["unknown"]:
        summary += f"; drcheck cannot tell for {listing(status['unknown'], len(status['unknown']))}"
    return {
        "region": region,
        "service": "DynamoDB",
        "is_story_region": region == STORY_REGION,
        "date": STORY_DATE,
        "summary": summary + ".",
        "limit": scenario.get("limit") or STORY_LIMIT,
        "rows": rows,
        "counts": {k: len(v) for k, v in status.items()},
    }


def _why(workload: Mapping[str, Any]) -> str:
    deciding = workload.get("deciding") or []
    if not workload.get("affected"):
        return "uses no DynamoDB table in the Region"
    if not deciding:
        return "every affected component keeps running"
    names = [f"{d['name']} ({d.get('label') or d.get('type')}: {d.get('case') or d.get('outcome')})" for d in deciding[:3]]
    more = len(deciding) + int(workload.get("deciding_more") or 0) - len(names)
    return "; ".join(names) + (f"; and {more} more" if more > 0 else "")

