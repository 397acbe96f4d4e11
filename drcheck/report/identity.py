"""Stable identities shared by the interchange formats (SARIF, OCSF, ASFF, JUnit) and the history.

A finding is the same finding across runs when its account, Region, rule and resource are the same
(the key `drcheck diff` matches on), so every format derives its id from that key: a consumer that
de-duplicates or tracks alerts (GitHub code scanning, Security Hub, a SIEM) sees one finding
change state instead of a new one each run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any


def finding_key(finding: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """(account id, Region, rule id, resource id)."""
    return (str(finding.get("account_id") or ""), str(finding.get("region") or ""), str(finding["rule_id"]),
            str(finding.get("resource_id") or ""))


def finding_uid(finding: Mapping[str, Any]) -> str:
    """A short, stable, opaque id for the finding's key (hex SHA-256 prefix)."""
    return hashlib.sha256("\x1f".join(finding_key(finding)).encode("utf-8")).hexdigest()[:32]


def resource_label(finding: Mapping[str, Any]) -> str:
    """What a person calls the resource: its ARN when it has one, else type and id."""
    return str(finding.get("resource_arn") or f"{finding.get('resource_type')} {finding.get('resource_id')}")

