"""findings.sarif: SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.

One result per FAIL (kind `fail`, level by severity) and per UNKNOWN (kind `review`: drcheck could
not tell, so a person should look); PASS and NOT_APPLICABLE are left out, so a fixed resource's
alert closes on the next upload. An AWS resource has no source file: its location is its ARN (or
a `urn:drcheck:` name when it has none) as the artifact URI plus a logical location, and the
finding's stable key is a partial fingerprint, so alerts follow the resource across runs.
Suppressed findings carry a SARIF suppression with the accepted risk's reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from drcheck import __version__
from drcheck.model import Status
from drcheck.outputs import json_bytes
from drcheck.report.identity import finding_uid

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning ranks security alerts by this property (0.1-10; >= 9 critical, >= 7 high).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_URI_SAFE = ":/@!$&'()*+,;=-._~"


def sarif_document(assessment: Any) -> dict[str, Any]:
    rules = list(assessment.rules)
    index = {rule.id: position for position, rule in enumerate(rules)}
    results = [_result(f, index) for f in assessment.findings
               if f["status"] in (Status.FAIL, Status.UNKNOWN) and f["rule_id"] in index]
    accounts = ",".join(a["account_id"] for a in assessment.inventory.get("accounts", []))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "drcheck",
                "version": __version__,
                "rules": [_rule(rule) for rule in rules],
            }},
            # One category per account set: uploads for different accounts do not close each other's alerts.
            "automationDetails": {"id": f"drcheck/{accounts or 'inventory'}/"},
            "invocations": [{"executionSuccessful": True, "endTimeUtc": assessment.generated_at}],
            "results": results,
        }],
    }


def sarif_bytes(assessment: Any) -> bytes:
    return json_bytes(sarif_document(assessment))


def _rule(rule: Any) -> dict[str, Any]:
    remediation = rule.remediation
    help_lines = [remediation.get("summary", "")]
    if remediation.get("cli"):
        help_lines += ["", "AWS CLI:", "", "    " + remediation["cli"].strip().replace("\n", "\n    ")]
    docs = list(rule.references.get("docs") or [])
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.description.split())},
        "help": {"text": "\n".join(help_lines).strip(), "markdown": "\n".join(help_lines).strip()},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": list(dict.fromkeys(["disaster-recovery", rule.category, rule.service])),
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
            "resource_type": rule.resource_type,
            "well_architected": list(rule.references.get("well_architected") or []),
            "security_hub": list(rule.references.get("security_hub") or []),
        },
    }
    if docs:
        entry["helpUri"] = docs[0]
    return entry


def _location_uri(finding: Mapping[str, Any]) -> str:
    if finding.get("resource_arn"):
        return quote(str(finding["resource_arn"]), safe=_URI_SAFE)
    parts = (finding.get("account_id"), finding.get("region"), finding.get("resource_type"), finding.get("resource_id"))
    return "urn:drcheck:" + ":".join(quote(str(p or ""), safe="-._~") for p in parts)


def _result(finding: Mapping[str, Any], index: Mapping[str, int]) -> dict[str, Any]:
    failed = finding["status"] == Status.FAIL
    message = finding.get("message") or ""
    if not failed and finding.get("reason"):
        message = f"{message} {finding['reason']}".strip()
    name = finding.get("resource_name") or finding.get("resource_id")
    result: dict[str, Any] = {
        "ruleId": finding["rule_id"],
        "ruleIndex": index[finding["rule_id"]],
        "kind": "fail" if failed else "review",
        # SARIF: a result whose kind is not `fail` has level `none`.
        "level": LEVELS[finding["severity"]] if failed else "none",
        "message": {"text": f"{name} ({finding.get('account_id')}, {finding.get('region')}): {message}"},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": _location_uri(finding)}},
            "logicalLocations": [{"name": str(name), "fullyQualifiedName": str(finding.get("resource_arn") or
                                                                               finding.get("resource_id")),
                                  "kind": "resource"}],
        }],
        "partialFingerprints": {"drcheckFindingKey/v1": finding_uid(finding)},
        "properties": {"status": finding["status"], "account_id": finding.get("account_id"),
                       "region": finding.get("region"), "resource_type": finding.get("resource_type"),
                       "resource_id": finding.get("resource_id"),
                       **({"missing_permissions": finding["missing_permissions"]}
                          if finding.get("missing_permissions") else {})},
    }
    if finding.get("suppression"):
        suppression = finding["suppression"]
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f"{suppression['reason']} (owner {suppression['owner']}, "
                                                    f"expires {suppression['expires']})"}]
    return result
