"""findings.asff.json: findings in the AWS Security Finding Format, for the user to import into
Security Hub themselves (drcheck stays read-only and never calls BatchImportFindings).

The file is a JSON array of AwsSecurityFinding objects (botocore's securityhub shape is the
schema). Import it from the account the findings are about, or from the Security Hub
administrator account, 100 at a time (the API's limit), e.g.
`jq -c '_nwise(100) | {Findings: .}' findings.asff.json` and `aws securityhub batch-import-findings
--cli-input-json` for each batch. ProductArn is that account's default product in the scan's
first Region, where the findings are meant to be imported; each resource keeps its own Region.

Verdicts map onto Compliance.Status: PASS → PASSED, FAIL → FAILED, UNKNOWN → NOT_AVAILABLE (the
check could not be performed; the reason is in the description); NOT_APPLICABLE findings are left
out, as Security Hub does for its own controls. Suppressed findings have workflow SUPPRESSED.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from drcheck import __version__
from drcheck.model import Status
from drcheck.outputs import json_bytes
from drcheck.report.identity import finding_uid

SCHEMA_VERSION = "2018-10-08"
COMPLIANCE = {Status.PASS: "PASSED", Status.FAIL: "FAILED", Status.UNKNOWN: "NOT_AVAILABLE"}
FINDING_TYPE = "Software and Configuration Checks/AWS Security Best Practices/Disaster Recovery"
NOT_A_REGION = ("global", "all", "")
# The API's length limits (botocore's model does not carry them all).
TITLE_MAX, DESCRIPTION_MAX, RECOMMENDATION_MAX = 256, 1024, 512


def asff_resource_types() -> dict[str, str]:
    """Lower-cased `aws<service><type>` -> Security Hub's spelling, from botocore's ResourceDetails."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("securityhub")
    return {name.lower(): name for name in model.shape_for("ResourceDetails").members}


def asff_findings(assessment: Any) -> list[dict[str, Any]]:
    accounts = assessment.inventory.get("accounts", [])
    partitions = {a["account_id"]: a.get("partition") or "aws" for a in accounts}
    regions = [r for r in assessment.inventory.get("regions", []) if r not in NOT_A_REGION]
    home = regions[0] if regions else "us-east-1"
    rules = {rule.id: rule for rule in assessment.rules}
    types = asff_resource_types()
    timestamp = _timestamp(assessment.generated_at)
    return [_finding(f, rules.get(f["rule_id"]), partitions, home, types, timestamp)
            for f in assessment.findings if f["status"] in COMPLIANCE]


def asff_bytes(assessment: Any) -> bytes:
    return json_bytes(asff_findings(assessment))


def _timestamp(value: str) -> str:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _resource_type(resource_type: str, types: Mapping[str, str]) -> str:
    parts = resource_type.split("::")
    return types.get("".join(parts).lower(), "Other") if len(parts) == 3 else "Other"


def _finding(finding: Mapping[str, Any], rule: Any, partitions: Mapping[str, str], home: str,
             types: Mapping[str, str], timestamp: str) -> dict[str, Any]:
    account = str(finding.get("account_id") or "")
    partition = partitions.get(account, "aws")
    status = Status(finding["status"])
    region = str(finding.get("region") or "")
    description = finding.get("message") or finding["title"]
    if status == Status.UNKNOWN and finding.get("reason"):
        description = f"{description} Why: {finding['reason']}"
    if finding.get("missing_permissions"):
        description += f" Missing permissions: {', '.join(finding['missing_permissions'])}."
    resource: dict[str, Any] = {
        "Type": _resource_type(str(finding.get("resource_type") or ""), types),
        "Id": str(finding.get("resource_arn") or finding.get("resource_id") or ""),
        "Partition": partition,
    }
    if region not in NOT_A_REGION:
        resource["Region"] = region
    if finding.get("tags"):
        resource["Tags"] = {str(k): str(v) for k, v in finding["tags"].items()}
    workflow = "SUPPRESSED" if finding.get("suppression") else ("RESOLVED" if status == Status.PASS else "NEW")
    result: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"drcheck/{finding_uid(finding)}",
        "ProductArn": f"arn:{partition}:securityhub:{home}:{account}:product/{account}/default",
        "ProductName": "drcheck",
        "CompanyName": "drcheck",
        "GeneratorId": f"drcheck/{finding['rule_id']}",
        "AwsAccountId": account,
        "Types": [FINDING_TYPE],
        "CreatedAt": timestamp,
        "UpdatedAt": timestamp,
        "Severity": {"Label": finding["severity"].upper() if status != Status.PASS else "INFORMATIONAL",
                     "Original": finding["severity"]},
        "Title": _cut(finding["title"], TITLE_MAX),
        "Description": _cut(description, DESCRIPTION_MAX),
        "Resources": [resource],
        "Compliance": {"Status": COMPLIANCE[status]},
        "Workflow": {"Status": workflow},
        "RecordState": "ACTIVE",
        "ProductFields": {"drcheck/RuleId": finding["rule_id"], "drcheck/Status": status.value,
                          "drcheck/Category": finding["category"], "ProviderVersion": __version__},
    }
    if rule is not None:
        requirements = [f"AWS Well-Architected {ref}" for ref in rule.references.get("well_architected") or []]
        requirements += [f"AWS Security Hub {ref}" for ref in rule.references.get("security_hub") or []]
        if requirements:
            result["Compliance"]["RelatedRequirements"] = requirements[:32]
        if rule.remediation.get("summary"):
            recommendation = {"Text": _cut(rule.remediation["summary"], RECOMMENDATION_MAX)}
            if rule.references.get("docs"):
                recommendation["Url"] = rule.references["docs"][0]
            result["Remediation"] = {"Recommendation": recommendation}
    return result
