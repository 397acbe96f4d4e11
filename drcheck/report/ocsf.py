"""findings.ocsf.json: every finding as an OCSF 1.3.0 Detection Finding (class 2004), the shape
Security Lake, Security Hub and most SIEMs ingest.

The file is a JSON array of events, one per finding. `status_code` carries the verdict (PASS,
FAIL, UNKNOWN, NOT_APPLICABLE) and `status_detail` its message or, for UNKNOWN, why drcheck could
not tell. FAIL and UNKNOWN keep the rule's severity; PASS and NOT_APPLICABLE are Informational, so
a SIEM alerting on severity is not paged for good news. A suppressed finding has status
Suppressed. The `cloud` profile names the account and Region; the evidence (the observed values
that decided the verdict) goes in `unmapped`, which OCSF keeps for producer-specific data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from drcheck import __version__
from drcheck.model import Status
from drcheck.outputs import json_bytes
from drcheck.report.identity import finding_uid

OCSF_VERSION = "1.3.0"
CATEGORY_UID, CLASS_UID, ACTIVITY_CREATE = 2, 2004, 1  # Findings / Detection Finding / Create
SEVERITY_IDS = {"low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"), "critical": (5, "Critical")}
INFORMATIONAL = (1, "Informational")
STATUS_NEW, STATUS_SUPPRESSED = (1, "New"), (3, "Suppressed")
AWS_ACCOUNT = 10  # account.type_id "AWS Account"
ANALYTIC_RULE = 1  # analytic.type_id "Rule"


def ocsf_events(assessment: Any) -> list[dict[str, Any]]:
    rules = {rule.id: rule for rule in assessment.rules}
    time = _epoch_ms(assessment.generated_at)
    return [_event(finding, rules.get(finding["rule_id"]), time) for finding in assessment.findings]


def ocsf_bytes(assessment: Any) -> bytes:
    return json_bytes(ocsf_events(assessment))


def _epoch_ms(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000)


def _event(finding: Mapping[str, Any], rule: Any, time: int) -> dict[str, Any]:
    status = finding["status"]
    judged = status in (Status.FAIL, Status.UNKNOWN)
    severity_id, severity = SEVERITY_IDS[finding["severity"]] if judged else INFORMATIONAL
    status_id, status_name = STATUS_SUPPRESSED if finding.get("suppression") else STATUS_NEW
    detail = finding.get("message") or ""
    if status == Status.UNKNOWN and finding.get("reason"):
        detail = f"{detail} {finding['reason']}".strip()
    name = str(finding.get("resource_name") or finding.get("resource_id") or "")
    event: dict[str, Any] = {
        "category_uid": CATEGORY_UID, "category_name": "Findings",
        "class_uid": CLASS_UID, "class_name": "Detection Finding",
        "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Detection Finding: Create",
        "time": time,
        "severity_id": severity_id, "severity": severity,
        "status_id": status_id, "status": status_name,
        "status_code": str(status), "status_detail": detail,
        "message": f"{finding['title']}: {name}: {detail}" if detail else f"{finding['title']}: {name}",
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {"name": "drcheck", "vendor_name": "drcheck", "version": __version__},
            "event_code": finding["rule_id"],
        },
        "cloud": {
            "provider": "AWS",
            "region": str(finding.get("region") or ""),
            "account": {"uid": str(finding.get("account_id") or ""), "type_id": AWS_ACCOUNT, "type": "AWS Account"},
        },
        "finding_info": {
            "uid": finding_uid(finding),
            "title": finding["title"],
            "desc": " ".join(rule.description.split()) if rule is not None else finding["title"],
            "types": [f"disaster-recovery/{finding['category']}"],
            "analytic": {"uid": finding["rule_id"], "name": finding["title"], "type_id": ANALYTIC_RULE,
                         "type": "Rule", "category": finding["category"]},
        },
        "resources": [{
            "uid": str(finding.get("resource_arn") or finding.get("resource_id") or ""),
            "name": name,
            "type": str(finding.get("resource_type") or ""),
            "region": str(finding.get("region") or ""),
            **({"labels": [f"{k}={v}" for k, v in sorted((finding.get("tags") or {}).items())]}
               if finding.get("tags") else {}),
        }],
        "unmapped": {
            "evidence": finding.get("evidence") or {},
            **{key: finding[key] for key in ("reason", "missing_permissions", "suppression") if finding.get(key)},
        },
    }
    if rule is not None and rule.remediation.get("summary"):
        remediation: dict[str, Any] = {"desc": rule.remediation["summary"]}
        if rule.references.get("docs"):
            remediation["references"] = list(rule.references["docs"])
        event["remediation"] = remediation
    return event
