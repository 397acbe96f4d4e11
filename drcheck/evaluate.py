"""Apply rules to a linked inventory: one finding per (rule, resource), plus UNKNOWN where we could not look."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from drcheck import unknowns
from drcheck.link import LinkedInventory
from drcheck.model import Status
from drcheck.ruleset.rule import Rule
from drcheck.unknowns import Cause


def evaluate(
    rules: Iterable[Rule],
    linked: LinkedInventory,
    *,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict]:
    """Findings for every rule over the linked inventory, in rule order then resource order.

    Time-based rules measure age against the inventory's collection time, so assessing the same
    inventory later gives the same verdicts.
    """
    parameters = parameters or {}
    now = linked.collected_at
    inventory = linked.inventory
    by_type: dict[str, list[dict]] = defaultdict(list)
    for resource in linked.resources:
        by_type[resource["resource_type"]].append(resource)
    collections: dict[str, list[dict]] = defaultdict(list)
    for record in linked.collections:
        collections[record["resource_type"]].append(record)
    findings: list[dict] = []
    for rule in rules:
        params = {**rule.defaults(), **(parameters.get(rule.id) or {})}
        findings.extend(_not_looked(rule, inventory, collections.get(rule.resource_type, [])))
        for resource in by_type.get(rule.resource_type, []):
            verdict = rule.judge(resource, now, params)
            findings.append(_finding(rule, resource, verdict))
    return findings


def _not_looked(rule: Rule, inventory: Mapping[str, Any], records: list[dict]) -> list[dict]:
    """UNKNOWN findings for every scope where the rule's resources could not be listed.

    An empty result from a failed list call must never read as "nothing to check here".
    """
    findings = []
    for record in records:
        if record.get("status") == "ok":
            continue
        errors = record.get("errors") or []
        reasons = unknowns.join(unknowns.from_record(e, "") for e in errors)
        findings.append(_scope_finding(rule, record["account_id"], record["region"],
                                       f"could not list {rule.resource_type}: {reasons or 'collection failed'}",
                                       reasons.causes))
    looked_accounts = {r["account_id"] for r in records}
    for account in inventory.get("accounts", []):
        # The inventory was collected for other rules: this rule's resources were never listed.
        if account["account_id"] not in looked_accounts:
            findings.append(_scope_finding(rule, account["account_id"], "all",
                                           f"{rule.resource_type} was not collected in this inventory", ()))
    for entry in inventory.get("unreachable_accounts", []):
        # An account we could not get into is not "nothing to check": it counts against coverage.
        who = entry["account_id"] + (f" ({entry['name']})" if entry.get("name") else "")
        findings.append(_scope_finding(rule, entry["account_id"], "all",
                                       f"account {who} could not be scanned: {entry.get('reason') or 'unreachable'}",
                                       ()))
    return findings


def _scope_finding(rule: Rule, account_id: str, region: str, reason: str, causes: tuple[Cause, ...]) -> dict:
    return {
        "rule_id": rule.id,
        "title": rule.title,
        "status": Status.UNKNOWN.value,
        "severity": rule.severity,
        "category": rule.category,
        "service": rule.service,
        "resource_type": rule.resource_type,
        "resource_id": "*",
        "resource_arn": None,
        "resource_name": f"all {rule.resource_type} in {region}",
        "region": region,
        "account_id": account_id,
        "message": "Could not look.",
        "reason": reason,
        **_unknown_fields(causes),
        "evidence": {},
        "tags": {},
    }


def _finding(rule: Rule, resource: Mapping[str, Any], verdict: Mapping[str, Any]) -> dict:
    finding = {
        "rule_id": rule.id,
        "title": rule.title,
        "status": verdict["status"],
        "severity": rule.severity,
        "category": rule.category,
        "service": rule.service,
        "resource_type": rule.resource_type,
        "resource_id": resource["id"],
        "resource_arn": resource.get("arn"),
        "resource_name": resource.get("name") or resource["id"],
        "region": resource["region"],
        "account_id": resource["account_id"],
        "message": verdict["message"],
        "evidence": verdict["evidence"],
        "tags": resource.get("tags") or {},
    }
    if verdict["status"] == Status.UNKNOWN.value:
        reason = verdict.get("reason", "")
        finding["reason"] = str(reason)
        finding.update(_unknown_fields(unknowns.causes_of(reason)))
    return finding


def _unknown_fields(causes: tuple[Cause, ...]) -> dict:
    """What an UNKNOWN finding says about its causes: the permissions to grant (access denied only)
    and every failed call, as values (the report words them)."""
    return {"missing_permissions": unknowns.permissions_to_grant(causes),
            "unknown_causes": [c.as_dict() for c in causes]}
