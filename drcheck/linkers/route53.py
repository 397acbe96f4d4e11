"""Route 53 facts: does each failover record have its partner (PRIMARY and SECONDARY of the same
name and type in the same zone), and does the health check a record names exist and run?"""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

RECORD = "AWS::Route53::RecordSet"
HEALTH_CHECK = "AWS::Route53::HealthCheck"
PARTNER = {"PRIMARY": "SECONDARY", "SECONDARY": "PRIMARY"}


def _key(record: dict) -> tuple:
    p = record["properties"]
    # Route 53 stores names lower-case with a trailing dot; compare them the same way.
    return record["account_id"], p.get("HostedZoneId"), str(p.get("Name", "")).lower().rstrip("."), p.get("Type")


def link_failover_partners(index: ResourceIndex) -> None:
    """derived.failover_partner: the SetIdentifier of the other half of a failover pair, or None."""
    roles: dict[tuple, dict[str, str]] = {}
    for record in index.of_type(RECORD):
        role = record["properties"].get("Failover")
        if role:
            roles.setdefault(_key(record), {})[role] = record["properties"].get("SetIdentifier")
    for record in index.of_type(RECORD):
        role = record["properties"].get("Failover")
        if role in PARTNER:
            index.set_derived(record, "failover_partner", roles.get(_key(record), {}).get(PARTNER[role]))


def link_health_checks(index: ResourceIndex) -> None:
    """derived.health_check: what the HealthCheckId a record names really does (None: it names none).

    {HealthCheckId, Exists, Disabled, Inverted, Usable}. Usable is what failover and the other
    routing policies need: the check exists and is enabled. Route 53 treats a disabled health
    check as always healthy and keeps routing to its endpoint (HealthCheckConfig.Disabled, Route 53
    API reference), and a record whose health check was deleted has nothing to evaluate.
    """
    checks = {(c["account_id"], c["id"]): c for c in index.of_type(HEALTH_CHECK)}
    for record in index.of_type(RECORD):
        check_id = record["properties"].get("HealthCheckId")
        if not check_id:
            index.set_derived(record, "health_check", None)
            continue
        check = checks.get((record["account_id"], check_id))
        if check is None:
            problem = index.problem(record["account_id"], "global", HEALTH_CHECK)
            if problem:
                index.set_unknown(record, "health_check", problem)
            else:
                index.set_derived(record, "health_check", {"HealthCheckId": check_id, "Exists": False,
                                                           "Usable": False})
            continue
        config = check["properties"].get("HealthCheckConfig")
        if not isinstance(config, dict):
            index.set_unknown(record, "health_check", f"health check {check_id} came without its HealthCheckConfig")
            continue
        # Disabled and Inverted are optional members; omitted means false (the health check runs
        # and is not inverted), as CreateHealthCheck documents for both.
        disabled = config.get("Disabled") is True
        index.set_derived(record, "health_check", {
            "HealthCheckId": check_id, "Exists": True, "Disabled": disabled,
            "Inverted": config.get("Inverted") is True, "Usable": not disabled,
        })


LINKERS = (
    Linker(
        name="route53-failover-partners",
        provides={RECORD: ("failover_partner",)},
        reads={RECORD: ()},
        link=link_failover_partners,
    ),
    Linker(
        name="route53-health-checks",
        provides={RECORD: ("health_check",)},
        reads={RECORD: (), HEALTH_CHECK: ()},
        link=link_health_checks,
    ),
)
