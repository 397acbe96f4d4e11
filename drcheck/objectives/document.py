"""The objectives result as one plain document: workloads, the main Region's what-if, the AZ-loss
summary and the assumption table. The report and `--json` outputs read it; nothing is computed
in templates.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from drcheck.objectives.assess import Prepared, workload_results
from drcheck.objectives.durations import format_duration
from drcheck.objectives.model import DISRUPTIONS, Model
from drcheck.objectives.scenarios import Scenario, run_scenario
from drcheck.ruleset.conditions import Unknown


def main_region(prepared: Prepared) -> str | None:
    """The Region holding most workload components (ties: alphabetical)."""
    counts = Counter(c.resource["region"] for c in prepared.components if c.counted and c.resource["region"] != "unknown")
    return min(counts, key=lambda r: (-counts[r], r)) if counts else None


def az_summary(prepared: Prepared) -> list[dict[str, Any]]:
    zones = sorted({z for c in prepared.components if c.counted and isinstance(c.zones, list) for z in c.zones})
    rows = []
    for zone in zones:
        region = next((c.resource["region"] for c in prepared.components
                       if isinstance(c.zones, list) and zone in c.zones), None)
        if region is None:
            continue
        result = run_scenario(prepared, Scenario("az", region, zone=zone))
        rows.append({"zone": zone, "region": region, "counts": result["counts"],
                     "down": [w["name"] for w in result["workloads"] if w["assigned"] and w["status"] == "down"],
                     "unknown": [w["name"] for w in result["workloads"] if w["assigned"] and w["status"] == "unknown"]})
    return rows


def assumptions_table(model: Model) -> dict[str, Any]:
    rows = []
    for type_model in model.types.values():
        for disruption in DISRUPTIONS:
            for case in type_model.cases[disruption]:
                rows.append({
                    "type": type_model.resource_type, "label": type_model.label, "disruption": disruption,
                    "disruption_text": model.disruptions[disruption], "case": case.id, "when": case.label,
                    "outcome": case.outcome or "unknown",
                    "rpo": case.rpo.text() if case.rpo else ("—" if case.outcome == "lost" else "unknown"),
                    "rto": case.rto.text() if case.rto else ("—" if case.outcome == "lost" else "unknown"),
                    "unknown": case.unknown, "note": case.note,
                    "sources": [{"id": s, "title": model.sources[s].title, "url": model.sources[s].url}
                                for s in case.sources],
                })
    return {"file": model.path.name, "rows": rows,
            "sources": [{"id": s.id, "title": s.title, "url": s.url, "says": s.says} for s in model.sources.values()]}


def story_scenarios(prepared: Prepared, region: str | None) -> list[dict[str, Any]]:
    """The report's "2015 day": DynamoDB down in us-east-1 (when scanned; else in the main Region)."""
    regions = {c.resource["region"] for c in prepared.components if c.counted}
    where = "us-east-1" if "us-east-1" in regions else region
    return [run_scenario(prepared, Scenario("service", where, service="dynamodb"))] if where else []


def objectives_document(prepared: Prepared) -> dict[str, Any]:
    region = main_region(prepared)
    counted = [c for c in prepared.components if c.counted]
    return {
        "collected_at": prepared.inventory.get("generated_at"),
        "disruptions": dict(prepared.model.disruptions),
        "tiers": [t.as_dict() for t in prepared.settings.tiers.values()],
        "workloads": workload_results(prepared),
        "main_region": region,
        "region_whatif": run_scenario(prepared, Scenario("region", region)) if region else None,
        "scenarios": story_scenarios(prepared, region),
        "az_summary": az_summary(prepared),
        "unassigned_count": sum(1 for c in counted if c.workload is None),
        "component_count": len(counted),
        "unknown_zones": sum(1 for c in counted if isinstance(c.zones, Unknown)),
        "supporting": dict(sorted(Counter(r["resource_type"] for r in prepared.supporting).items())),
        "assumptions": assumptions_table(prepared.model),
        "schedule_note": f"Backup schedules count as their longest gap between runs; "
                         f"job start windows and copy times add to it (e.g. a daily plan reads {format_duration(86400)}).",
    }
