"""--redact on a realistic account (the demo company): no original identifier in any output, the same
verdicts, suppressions and scores, Regions and zones kept readable; and the input never overwritten."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from drcheck.inventory import inventory_json
from drcheck.pipeline import assess
from drcheck.redact import Redactor, rule_literals
from drcheck.report.outputs import render_outputs
from drcheck.report.view import ReportOptions
from drcheck.suppressions import Suppression

# Properties whose values the client chose, inside or beside the resource's own name (issue 10).
CLIENT_CHOSEN = {"DNSName", "MemberClusters", "CreationToken", "LaunchTemplateName", "Description",
                 "ReplicationGroupDescription", "MasterUsername", "DBClusterIdentifier", "CacheClusterId",
                 "ReplicationGroupId", "LoadBalancerName", "TableName", "BucketName", "Name", "GroupName"}
# Identifiers of the demo company a reader would recognise: the grep below must include each of them.
KNOWN = {"brightpaw", "storefront", "partner-api", "orders-db", "sessions-redis", "shared-media", "tmp-exports",
         "storefront sessions", "nightly build cache", "loyalty-points", "123456789012"}


def _originals(inventory: dict, redactor: Redactor) -> set[str]:
    found: set[str] = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key in CLIENT_CHOSEN:
            found.add(node)

    for resource in inventory["resources"]:
        found.update(v for v in (resource["id"], resource["name"]) if isinstance(v, str))
        found.update(v for v in (resource.get("tags") or {}).values() if isinstance(v, str))
        walk(resource.get("properties") or {})
    found.update(e["resource_id"] for e in inventory.get("errors") or [] if isinstance(e.get("resource_id"), str))
    accounts = {a["account_id"] for a in inventory["accounts"]}
    return accounts | {value for value in found if not redactor.kept(value)}


@pytest.fixture(scope="module")
def redacted(demo_assessment, catalogue):
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    suppressions = [Suppression(rule="*", resource="tmp-exports*", reason="scratch", owner="ops", expires=tomorrow),
                    Suppression(rule="ec2-*", resource="scratch", reason="rebuilt nightly", owner="ops",
                                expires=tomorrow)]
    original = assess(catalogue, demo_assessment.inventory, suppressions=suppressions)
    redactor = Redactor(b"test-key", keep=rule_literals(catalogue.rules))
    return original, redactor.assessment(original), redactor


def test_no_original_identifier_in_any_output(redacted):
    original, result, redactor = redacted
    files = render_outputs(result, ("html", "pdf", "json", "csv", "md", "fixes"), ReportOptions())
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=files.pop("report.pdf"), capture_output=True,
                              check=True).stdout.decode()
    outputs = {name: content.decode() for name, content in files.items()}
    outputs |= {"report.pdf": pdf_text, "inventory.json": inventory_json(result.inventory).decode()}
    secrets = _originals(dict(original.inventory), redactor)
    assert KNOWN <= secrets, KNOWN - secrets
    leaks = []
    for name, text in outputs.items():
        for secret in secrets:
            if re.search(rf"(?<![A-Za-z0-9_-]){re.escape(secret)}(?![A-Za-z0-9_-])", text):
                leaks.append((name, secret))
    assert not leaks, leaks[:20]
    # Regions and zones are not the client's secret, and the report must read.
    assert "us-east-1" in outputs["report.html"] and "us-west-2" in outputs["report.html"]
    assert not re.search(r"What if redacted-", outputs["report.html"])


def test_same_verdicts_suppressions_and_scores(redacted):
    original, result, _ = redacted
    assert [(f["rule_id"], f["status"], "suppression" in f) for f in result.findings] == [
        (f["rule_id"], f["status"], "suppression" in f) for f in original.findings]
    assert any("suppression" in f for f in original.findings)
    assert result.scorecard["overall"] == original.scorecard["overall"]
    assert result.scorecard["counts"] == original.scorecard["counts"]
    assert result.scorecard_with_suppressions["overall"] == original.scorecard_with_suppressions["overall"]
    assert len(result.scorecard["by_account"]) == len(original.scorecard["by_account"])


def test_pseudonyms_are_stable_and_keep_regions(redacted, catalogue):
    original, result, redactor = redacted
    again = Redactor(b"test-key", keep=rule_literals(catalogue.rules)).assessment(original)
    assert again.findings == result.findings
    regions = {f["region"] for f in result.findings}
    assert regions <= {f["region"] for f in original.findings}
    zones = {z for r in result.inventory["resources"] for z in (r["properties"].get("AvailabilityZones") or [])
             if isinstance(z, str)}
    assert zones and all(re.fullmatch(r"us-(east|west)-[12][a-f]", z) for z in zones)
    assert redactor.account("123456789012") != "123456789012"
