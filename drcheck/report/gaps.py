"""What the score does not cover: UNKNOWN findings grouped by cause, missing permissions, failed calls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from drcheck.model import SEVERITY_WEIGHTS, Status


def unknown_groups(findings: Iterable[Mapping[str, Any]], titles: Mapping[str, str],
                   max_resources: int) -> list[dict[str, Any]]:
    """UNKNOWN findings grouped by (rule, reason, missing permissions), most severe and largest first.

    Thousands of resources usually share a handful of causes (one denied permission); grouping
    lists every cause while keeping the document short. Every resource is in findings.csv.
    """
    groups: dict[tuple, dict[str, Any]] = {}
    for f in findings:
        if f["status"] != Status.UNKNOWN:
            continue
        permissions = tuple(f.get("missing_permissions") or ())
        key = (f["rule_id"], f.get("reason") or "no reason recorded", permissions)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "rule_id": f["rule_id"], "rule_title": titles.get(f["rule_id"], f["rule_id"]),
                "rule_anchor": f"rule-{f['rule_id']}", "severity": f["severity"], "reason": key[1],
                "permissions": list(permissions), "count": 0, "resources": [],
            }
        group["count"] += 1
        if len(group["resources"]) < max_resources:
            group["resources"].append({"name": f["resource_name"], "region": f["region"],
                                       "account_id": f["account_id"]})
    ordered = sorted(groups.values(), key=lambda g: (-SEVERITY_WEIGHTS[g["severity"]], -g["count"], g["rule_id"]))
    for group in ordered:
        group["more"] = group["count"] - len(group["resources"])
        # One plain string, not markup per resource: thousands of inline boxes are what makes a
        # long PDF slow, and a cause reads fine as a sentence.
        names = [f"{r['name']} ({r['region']})" for r in group["resources"]]
        group["listing"] = ", ".join(names) + (f", and {group['more']} more (findings.csv)" if group["more"] else "")
    return ordered


def missing_permissions(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each IAM permission whose absence left checks unevaluated, with how many and which rules."""
    checks: dict[str, int] = defaultdict(int)
    rules: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f["status"] != Status.UNKNOWN:
            continue
        for permission in f.get("missing_permissions") or ():
            checks[permission] += 1
            rules[permission].add(f["rule_id"])
    return [{"permission": p, "checks": checks[p], "rules": sorted(rules[p])}
            for p in sorted(checks, key=lambda p: (-checks[p], p))]


def failed_calls(errors: Sequence[Mapping[str, Any]], limit: int = 40) -> dict[str, Any]:
    """The inventory's failed API calls grouped by (service, operation, error code)."""
    groups: dict[tuple, dict[str, Any]] = {}
    for error in errors:
        key = (error.get("service", ""), error.get("operation", ""), error.get("error_code") or "error")
        group = groups.get(key)
        if group is None:
            group = groups[key] = {"service": key[0], "operation": key[1], "error_code": key[2],
                                   "permission": error.get("permission") or "", "count": 0, "regions": set(),
                                   "message": _short(str(error.get("message") or ""), 200)}
        group["count"] += 1
        group["regions"].add(str(error.get("region") or ""))
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["service"], g["operation"]))
    for group in ordered:
        group["regions"] = sorted(r for r in group["regions"] if r)
    return {"groups": ordered[:limit], "more": max(0, len(ordered) - limit), "total": len(errors)}


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
