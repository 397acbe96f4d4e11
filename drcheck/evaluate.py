"""Apply rules to a linked inventory: one finding per (rule, resource), plus UNKNOWN where we could not look."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from drcheck.link import LinkedInventory
from drcheck.model import Status
from drcheck.ruleset.rule import Rule

# A failed call's reason ends "...; needs service:Action" (drcheck.collect.runner.CallError).
_NEEDS = re.compile(r"needs ([a-z0-9-]+:[A-Za-z0-9]+)")


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
        reasons = "; ".join(e.get("reason", "") for e in record.get("errors", [])) or "collection failed"
        findings.append(_scope_finding(rule, record["account_id"], record["region"],
                                       f"could not list {rule.resource_type}: {reasons}", record.get("errors", [])))
    looked_accounts = {r["account_id"] for r in records}
    for account in inventory.get("accounts", []):
        # The inventory was collected for other rules: this rule's resources were never listed.
        if account["account_id"] not in looked_accounts:
            findings.append(_scope_finding(rule, account["account_id"], "all",
                                           f"{rule.resource_type} was not collected in this inventory", []))
    return findings


def _scope_finding(rule: Rule, account_id: str, region: str, reason: str, errors: list[dict]) -> dict:
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
        "missing_permissions": sorted({e["permission"] for e in errors if e.get("permission")}),
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
        finding["reason"] = verdict.get("reason", "")
        finding["missing_permissions"] = sorted({
            entry["permission"] for entry in (resource.get("unavailable") or {}).values()
            if isinstance(entry, dict) and entry.get("permission") and entry.get("error_code")
            and entry.get("operation", "") in finding["reason"]
        } | set(_NEEDS.findall(finding["reason"])))  # failed calls behind a linker's derived field
    return finding
