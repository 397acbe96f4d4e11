"""Which of the DR whitepaper's strategies a workload follows, read from its Region-loss cases.

Backup and restore, pilot light, warm standby and multi-site active/active differ in what is
already running in a second Region: copies of the data (backup), live replicas (pilot light),
replicas plus running compute (warm standby), or a full second deployment taking traffic (active/
active). drcheck cannot see how traffic is routed, so it tells the last two apart by capacity:
a second Region running as much compute as the first is called active/active, less is warm standby.
"""

from __future__ import annotations

from typing import Any

from drcheck.objectives.estimate import Estimate

STRATEGIES = {
    "none": "none (no copy outside the primary Region)",
    "backup_restore": "backup & restore",
    "pilot_light": "pilot light",
    "warm_standby": "warm standby",
    "active_active": "multi-site active/active",
    "unknown": "unknown",
}
SOURCE = "dr-strategies"


def _capacity(component: Any) -> int:
    props = component.resource["properties"]
    if component.resource["resource_type"] == "AWS::AutoScaling::AutoScalingGroup":
        desired = props.get("DesiredCapacity")  # an odd answer (not a count) is no capacity, not a crash
        return desired if isinstance(desired, int) and not isinstance(desired, bool) and desired > 0 else 0
    if component.resource["resource_type"] == "AWS::EC2::Instance":
        return 1 if (props.get("State") or {}).get("Name") == "running" else 0
    return 0


def classify(members: list[Any]) -> dict[str, Any]:
    """The strategy, the primary Region, and the evidence (one line per deciding component)."""
    counted = [m for m in members if m.counted and m.type_model is not None]
    regions: dict[str, int] = {}
    for m in members:
        regions[m.resource["region"]] = regions.get(m.resource["region"], 0) + 1
    primary = max(sorted(regions), key=lambda r: regions[r]) if regions else None
    capacity: dict[str, int] = {}
    for m in counted:
        if m.type_model.compute:
            capacity[m.resource["region"]] = capacity.get(m.resource["region"], 0) + _capacity(m)
    evidence: list[str] = []
    levels: list[str] = []
    for m in counted:
        if not m.type_model.stateful:
            continue
        est: Estimate = m.estimates["region"]
        level = est.case.dr_level if est.case and est.outcome != "unknown" else "unknown"
        levels.append(level or "unknown")
        evidence.append(f"{m.label} {m.resource.get('name') or m.resource['id']} ({m.resource['region']}): "
                        f"{est.case.label if est.case else 'unknown: ' + (est.reason or '')}")
    others = {r: c for r, c in capacity.items() if r != primary}
    for region, amount in sorted(capacity.items()):
        evidence.append(f"{amount} running instance{'' if amount == 1 else 's'} in {region}"
                        " (Auto Scaling groups' desired capacity and running EC2 instances)")
    if "none" in levels:
        key = "none"
    elif "unknown" in levels:
        key = "unknown"
    elif "backup" in levels:
        key = "backup_restore"
    elif not any(others.values()):
        key = "pilot_light" if levels else "none"
    else:
        key = "active_active" if max(others.values()) >= capacity.get(primary or "", 0) else "warm_standby"
    if not levels and not capacity:
        key = "none"
    return {"key": key, "name": STRATEGIES[key], "primary_region": primary, "evidence": evidence, "source": SOURCE}
