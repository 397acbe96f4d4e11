"""findings.junit.xml: the findings as JUnit test results, for CI dashboards (Jenkins, GitLab,
GitHub Actions test reporters), in the Apache Ant JUnit schema most of them read.

One test suite per rule, one test case per resource it judged. FAIL is a failure, UNKNOWN an
error (the check could not run: the reason and any missing permission are the message),
NOT_APPLICABLE and suppressed findings (accepted risks) are skipped, PASS passes. Checks take no
measurable time of their own, so every time is 0.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from drcheck.model import Status


def junit_bytes(assessment: Any) -> bytes:
    by_rule: dict[str, list[dict]] = {}
    for finding in assessment.findings:
        by_rule.setdefault(finding["rule_id"], []).append(finding)
    # The Ant schema's timestamp has no zone: it is UTC here.
    moment = datetime.fromisoformat(assessment.generated_at.replace("Z", "+00:00")).astimezone(UTC)
    timestamp = moment.strftime("%Y-%m-%dT%H:%M:%S")
    accounts = ",".join(a["account_id"] for a in assessment.inventory.get("accounts", [])) or "inventory"
    root = ET.Element("testsuites")
    for index, rule in enumerate(assessment.rules):
        _suite(root, index, rule, by_rule.get(rule.id, []), timestamp, accounts)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _suite(root: ET.Element, index: int, rule: Any, findings: list[dict], timestamp: str, accounts: str) -> None:
    outcomes = [_outcome(f) for f in findings]
    suite = ET.SubElement(root, "testsuite", {
        "package": f"drcheck.{rule.service}", "id": str(index), "name": rule.id, "timestamp": timestamp,
        "hostname": accounts, "tests": str(len(findings)),
        "failures": str(outcomes.count("failure")), "errors": str(outcomes.count("error")),
        "skipped": str(outcomes.count("skipped")), "time": "0",
    })
    properties = ET.SubElement(suite, "properties")
    for name in ("title", "severity", "category", "resource_type"):
        ET.SubElement(properties, "property", {"name": name, "value": str(getattr(rule, name))})
    for finding, outcome in zip(findings, outcomes, strict=True):
        _case(suite, rule, finding, outcome)
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")


def _outcome(finding: Mapping[str, Any]) -> str | None:
    if finding.get("suppression") or finding["status"] == Status.NOT_APPLICABLE:
        return "skipped"
    return {Status.FAIL: "failure", Status.UNKNOWN: "error"}.get(finding["status"])


def _case(suite: ET.Element, rule: Any, finding: Mapping[str, Any], outcome: str | None) -> None:
    name = finding.get("resource_name") or finding.get("resource_id")
    case = ET.SubElement(suite, "testcase", {
        "name": f"{name} ({finding.get('account_id')} {finding.get('region')})",
        "classname": f"{rule.service}.{rule.id}", "time": "0",
    })
    if outcome is None:
        return
    message = str(finding.get("message") or "")
    if outcome == "skipped":
        suppression = finding.get("suppression")
        text = f"accepted risk: {suppression['reason']} (owner {suppression['owner']}, expires " \
               f"{suppression['expires']})" if suppression else message
        ET.SubElement(case, "skipped", {"message": text})
        return
    details = [f"resource: {finding.get('resource_arn') or finding.get('resource_id')}",
               f"severity: {finding['severity']}"]
    if finding.get("reason"):
        details.append(f"why: {finding['reason']}")
    if finding.get("missing_permissions"):
        details.append(f"missing permissions: {', '.join(finding['missing_permissions'])}")
    details += [f"{path} = {json.dumps(value, default=str)}" for path, value in (finding.get("evidence") or {}).items()]
    element = ET.SubElement(case, outcome, {"message": message, "type": f"{finding['status']} {finding['severity']}"})
    element.text = "\n".join(details)
