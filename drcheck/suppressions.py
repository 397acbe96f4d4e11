"""Accepted risks: a suppressions file marks matching findings with a reason, owner and expiry.

    suppressions:
      - rule: s3-bucket-cross-region-replication    # rule id, or a glob (s3-*)
        resource: "brightpaw-logs*"                 # optional glob on resource id, ARN or name
        account: "111122223333"                     # optional
        region: us-east-1                           # optional
        tags: {env: dev}                            # optional; every tag must match
        reason: Logs are reproducible from the source systems
        owner: jane@example.com
        expires: 2027-03-31

A suppression applies to FAIL and UNKNOWN findings until its expiry date (inclusive). Suppressed
findings keep their status and gain a `suppression` entry; scores are computed both with them
(as assessed) and without them (accepted risks left out). Expired suppressions stop applying and
are reported so that someone renews or fixes them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from drcheck.model import Status
from drcheck.yamlfile import check_schema, read_yaml

SUPPRESSIONS_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["suppressions"],
    "properties": {
        "suppressions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["rule", "reason", "owner", "expires"],
                "properties": {
                    "rule": {"type": "string", "minLength": 1},
                    "resource": {"type": "string", "minLength": 1},
                    "account": {"type": "string", "pattern": "^[0-9]{12}$"},
                    "region": {"type": "string"},
                    "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                    "reason": {"type": "string", "minLength": 3},
                    "owner": {"type": "string", "minLength": 1},
                    "expires": {"type": "string", "format": "date"},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Suppression:
    rule: str
    reason: str
    owner: str
    expires: date
    resource: str | None = None
    account: str | None = None
    region: str | None = None
    tags: tuple[tuple[str, str], ...] = ()

    def describe(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"rule": self.rule, "reason": self.reason, "owner": self.owner,
                                 "expires": self.expires.isoformat()}
        for key in ("resource", "account", "region"):
            if getattr(self, key):
                entry[key] = getattr(self, key)
        if self.tags:
            entry["tags"] = dict(self.tags)
        return entry

    def matches(self, finding: dict[str, Any]) -> bool:
        if not fnmatch.fnmatchcase(finding["rule_id"], self.rule):
            return False
        if self.account and finding.get("account_id") != self.account:
            return False
        if self.region and finding.get("region") != self.region:
            return False
        if self.resource and not any(
            fnmatch.fnmatchcase(str(finding.get(key) or ""), self.resource)
            for key in ("resource_id", "resource_arn", "resource_name")
        ):
            return False
        tags = finding.get("tags") or {}
        return all(tags.get(k) == v for k, v in self.tags)


def load_suppressions(path: Path) -> list[Suppression]:
    data = read_yaml(path, "suppressions")
    if isinstance(data, dict):
        # YAML reads an unquoted 2027-03-31 as a date; the schema wants text.
        for entry in data.get("suppressions") or []:
            if isinstance(entry, dict) and isinstance(entry.get("expires"), date):
                entry["expires"] = entry["expires"].isoformat()
    check_schema(data, SUPPRESSIONS_SCHEMA, path, "suppressions", formats=True)
    return [
        Suppression(rule=e["rule"], reason=e["reason"], owner=e["owner"], expires=date.fromisoformat(e["expires"]),
                    resource=e.get("resource"), account=e.get("account"), region=e.get("region"),
                    tags=tuple(sorted((e.get("tags") or {}).items())))
        for e in data["suppressions"]
    ]


def apply_suppressions(findings: list[dict], suppressions: list[Suppression], today: date) -> dict[str, Any]:
    """Mark suppressed findings in place; returns {"active": [...], "expired": [...], "unused": [...]}."""
    active = [s for s in suppressions if s.expires >= today]
    expired = [s for s in suppressions if s.expires < today]
    used: set[int] = set()
    for finding in findings:
        if finding["status"] not in (Status.FAIL, Status.UNKNOWN):
            continue
        for index, suppression in enumerate(active):
            if suppression.matches(finding):
                finding["suppression"] = suppression.describe()
                used.add(index)
                break
    return {
        "active": [s.describe() for s in active],
        "expired": [s.describe() for s in expired],
        "unused": [s.describe() for i, s in enumerate(active) if i not in used],
    }


def unknown_rule_suppressions(suppressions: list[Suppression], catalogue: Any) -> list[Suppression]:
    """Suppressions whose rule (id or glob) names no rule drcheck has: a typo would otherwise hide nothing,
    silently."""
    ids = [r.id for r in (getattr(catalogue, "available", ()) or catalogue.rules)]
    return [s for s in suppressions if not any(fnmatch.fnmatchcase(rule_id, s.rule) for rule_id in ids)]
