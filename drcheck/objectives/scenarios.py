"""What-if outages: a Region, an Availability Zone, or one service in one Region goes down.

Each component is either outside the outage (not affected), inside it (the model's Region or
zone case applies), or we cannot tell (its zone is unknown): unknown, never assumed safe. A
service outage makes that service's resources in the Region behave as in a Region loss: their
copies in that Region are out of reach, copies elsewhere are not.

A workload survives when every affected component keeps running, is degraded when some fail over
to a live copy, and is down when any must be restored, rebuilt or is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from drcheck.errors import UserError
from drcheck.objectives.assess import Component, Prepared, judge
from drcheck.objectives.estimate import OUTCOME_RANK, Estimate, unaffected, unknown
from drcheck.objectives.workloads import UNASSIGNED
from drcheck.ruleset.conditions import Unknown

# --service names (and aliases) -> the boto3 service of the resources they take down. An EC2
# outage also takes the instances of Auto Scaling groups.
SERVICE_ALIASES = {
    "ec2": ("ec2", "autoscaling"), "ebs": ("ec2:volume",), "autoscaling": ("autoscaling",),
    "rds": ("rds",), "aurora": ("rds",), "dynamodb": ("dynamodb",), "s3": ("s3",),
    "elbv2": ("elbv2",), "elb": ("elbv2",), "elasticloadbalancing": ("elbv2",),
    "efs": ("efs",), "elasticfilesystem": ("efs",), "elasticache": ("elasticache",),
}
STATUS_TEXT = {"survives": "survives", "degraded": "degraded (fails over)", "down": "down", "unknown": "unknown"}
_ZONE_ID = re.compile(r"^[a-z]{2,4}\d+-az\d+$")
_ZONE_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+[a-z](-[a-z0-9-]+)?$")


@dataclass(frozen=True)
class Scenario:
    kind: str  # region | az | service
    region: str
    zone: str | None = None  # zone name for kind "az" (or the zone ID given, with `zone_names`)
    service: str | None = None
    # --az given as a zone ID: its name in each account (AZ names are mapped to zones per account).
    zone_names: tuple[tuple[str, str], ...] = ()

    @property
    def disruption(self) -> str:
        return "az" if self.kind == "az" else "region"

    def title(self) -> str:
        if self.kind == "az":
            return f"What if Availability Zone {self.zone} goes down?"
        if self.kind == "service":
            return f"What if {self.service} goes down in {self.region}?"
        return f"What if {self.region} goes down?"

    def affects(self, component: Component) -> bool | str:
        """True, False, or the reason we cannot tell."""
        resource = component.resource
        if resource["region"] == "unknown":
            return "the resource's Region is unknown"
        if resource["region"] != self.region:
            return False
        if self.kind == "service":
            scopes = SERVICE_ALIASES[self.service or ""]
            return resource["service"] in scopes or (
                "ec2:volume" in scopes and resource["resource_type"] == "AWS::EC2::Volume")
        if self.kind == "az":
            zones = component.zones
            if isinstance(zones, Unknown):
                return f"its Availability Zone is unknown: {zones.reason}"
            zone = self.zone
            if self.zone_names:
                zone = dict(self.zone_names).get(str(resource.get("account_id")))
                if zone is None:
                    return f"zone ID {self.zone} has no known zone name in account {resource.get('account_id')}"
            return zones is None or zone in zones
        return True


def make_scenario(prepared: Prepared, region: str | None, az: str | None, service: str | None) -> Scenario:
    """Check the flags against the inventory; UserError (one line, exit 2) when they do not fit."""
    regions = sorted(set(prepared.inventory.get("regions", [])) | {c.resource["region"] for c in prepared.components
                                                                   if c.resource["region"] != "unknown"})
    if az:
        if region or service:
            raise UserError("--az names its own Region: use --az alone")
        seen, ids = _inventory_zones(prepared)
        if _ZONE_ID.match(az):
            names = tuple(sorted((account, mapping[az]) for account, mapping in ids.items() if az in mapping))
            if not names:
                raise UserError(f"--az {az}: this inventory does not map that zone ID to a zone name in any account; "
                                "use the zone name (e.g. us-east-1a)")
            found = next((r for r in regions if names[0][1].startswith(r)), None)
            if found is None:
                raise UserError(f"--az {az}: no scanned Region holds this zone (scanned: {', '.join(regions) or 'none'})")
            return Scenario("az", found, zone=az, zone_names=names)
        if not _ZONE_NAME.match(az):
            raise UserError(f"--az {az}: not an Availability Zone name (us-east-1a) or zone ID (use1-az1)")
        found = next((r for r in regions if az.startswith(r)), None)
        if found is None:
            raise UserError(f"--az {az}: no scanned Region holds this zone (scanned: {', '.join(regions) or 'none'})")
        known = sorted({zone for zones in seen.values() for zone in zones if zone.startswith(found)})
        if az not in known:
            raise UserError(f"--az {az}: no resource in this inventory is in that zone (zones in {found}: "
                            f"{', '.join(known) or 'none'})")
        return Scenario("az", found, zone=az)
    if not region:
        raise UserError("say what goes down: --outage-region REGION, --az ZONE, or --service SERVICE --outage-region REGION")
    if region not in regions:
        raise UserError(f"--outage-region {region}: not in this inventory (scanned: {', '.join(regions) or 'none'})")
    if service:
        name = service.lower()
        if name not in SERVICE_ALIASES:
            raise UserError(f"--service {service}: unknown service (known: {', '.join(sorted(SERVICE_ALIASES))})")
        return Scenario("service", region, service=name)
    return Scenario("region", region)


def _inventory_zones(prepared: Prepared) -> tuple[dict[str, set[str]], dict[str, dict[str, str]]]:
    """(account -> zone names any resource is in, account -> zone ID -> zone name).

    Per account: AWS maps zone names to physical zones independently for each account, so use1-az1
    may be us-east-1a in one account and us-east-1c in another."""
    names: dict[str, set[str]] = {}
    ids: dict[str, dict[str, str]] = {}

    def walk(node: Any, account: str) -> None:
        if isinstance(node, dict):
            for name_key in ("AvailabilityZoneName", "AvailabilityZone", "ZoneName"):
                name, zone_id = node.get(name_key), node.get("AvailabilityZoneId", node.get("ZoneId"))
                if isinstance(name, str) and isinstance(zone_id, str) and _ZONE_ID.match(zone_id):
                    ids.setdefault(account, {})[zone_id] = name
            for value in node.values():
                walk(value, account)
        elif isinstance(node, list):
            for item in node:
                walk(item, account)
        elif isinstance(node, str) and _ZONE_NAME.match(node):
            names.setdefault(account, set()).add(node)

    resources = list(prepared.inventory.get("resources") or []) or [c.resource for c in prepared.components]
    for resource in resources:
        walk(resource.get("properties") or {}, str(resource.get("account_id")))
    return names, ids


def _scenario_estimate(scenario: Scenario, component: Component) -> Estimate:
    affected = scenario.affects(component)
    if affected is False:
        return unaffected(scenario.disruption)
    if affected is not True:
        return unknown(scenario.disruption, affected)
    return component.estimates[scenario.disruption]


def _status(estimates: list[Estimate]) -> str:
    outcomes = {e.outcome for e in estimates}
    if outcomes & {"restore", "lost"}:
        return "down"
    if "unknown" in outcomes:
        return "unknown"
    if "failover" in outcomes:
        return "degraded"
    return "survives"


def run_scenario(prepared: Prepared, scenario: Scenario) -> dict[str, Any]:
    workloads = []
    names: list[str | None] = [*prepared.workload_names(), None]
    for name in names:
        members = [c for c in prepared.members(name) if c.counted]
        if not members:
            continue
        items = [(c, _scenario_estimate(scenario, c)) for c in members]
        affected = [(c, e) for c, e in items if e.outcome != "unaffected"]
        status = _status([e for _, e in affected])
        choice = prepared.tiers.get(name) if name else None
        figures = judge(affected, choice.tier if choice else None, choice.problem if choice else None)
        worst = {"down": ("restore", "lost"), "unknown": ("unknown",), "degraded": ("failover",)}.get(status, ())
        deciding = sorted((ce for ce in affected if ce[1].outcome in worst),
                          key=lambda ce: -OUTCOME_RANK[ce[1].outcome])
        workloads.append({
            "name": name or UNASSIGNED,
            "assigned": name is not None,
            "status": status,
            "status_text": STATUS_TEXT[status],
            "tier": choice.tier.as_dict() if choice and choice.tier else None,
            "data_at_risk": figures["rpo_text"] if affected else "none",
            "time_to_recover": figures["rto_text"] if affected else "none",
            "tier_verdict": figures["verdict"] if affected else "met",
            "affected": len(affected),
            "components": len(members),
            "deciding": [{**c.ref(), "outcome": e.outcome, "case": case.label if (case := e.case or e.at_worst)
                          else None, "rpo_text": e.rpo_text(), "rto_text": e.rto_text(),
                          "reason": e.reason} for c, e in deciding[:8]],
            "deciding_more": max(0, len(deciding) - 8),
        })
    counts = {s: sum(1 for w in workloads if w["assigned"] and w["status"] == s) for s in STATUS_TEXT}
    return {"scenario": {"kind": scenario.kind, "region": scenario.region, "zone": scenario.zone,
                         "service": scenario.service, "title": scenario.title()},
            "counts": counts, "workloads": workloads}
