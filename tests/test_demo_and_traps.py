"""The demo company end to end: the DR traps it contains get the right verdicts, and the CLI writes
a PDF whose text carries the score and an HTML report where hostile names stay text."""

import json
import subprocess

from drcheck.report.outputs import render_outputs
from drcheck.report.view import ReportOptions
from tests.conftest import DEMO_HOSTILE_NAME as HOSTILE
from tests.conftest import verdicts


def test_demo_collects_without_errors(demo_assessment):
    assert demo_assessment.inventory["errors"] == []
    assert demo_assessment.scorecard["coverage"] == 100.0


def test_trap_aurora_members_judged_at_cluster_level(demo_assessment):
    instances = verdicts(demo_assessment.findings, "rds-instance-multi-az")
    assert instances["catalog-aurora-1"] == "NOT_APPLICABLE"
    assert instances["orders-db"] == "FAIL"
    clusters = verdicts(demo_assessment.findings, "rds-cluster-multi-az")
    assert clusters["catalog-aurora"] == "PASS" and clusters["audit-aurora"] == "FAIL"


def test_trap_same_region_replication_fails(demo_assessment):
    replication = verdicts(demo_assessment.findings, "s3-bucket-cross-region-replication")
    assert replication["brightpaw-assets"] == "PASS"
    assert replication["brightpaw-invoices"] == "FAIL"


def test_trap_suspended_versioning_fails(demo_assessment):
    versioning = verdicts(demo_assessment.findings, "s3-bucket-versioning")
    assert versioning["brightpaw-uploads"] == "FAIL"
    assert versioning["brightpaw-logs"] == "FAIL"
    assert versioning["brightpaw-assets"] == "PASS"


def test_trap_one_zone_efs_fails(demo_assessment):
    assert verdicts(demo_assessment.findings, "efs-file-system-multi-az") == {
        "shared-media": "PASS", "tmp-exports": "FAIL"}


def test_trap_copy_to_same_region_vault_fails(demo_assessment):
    assert verdicts(demo_assessment.findings, "backup-plan-cross-region-copy") == {
        "daily-backups": "PASS", "weekly-local": "FAIL"}


def test_protection_evidence_names_the_protection(demo_assessment):
    findings = {f["resource_name"]: f for f in demo_assessment.findings if f["rule_id"] == "ebs-volume-backup"}
    assert findings["web-data"]["status"] == "PASS"
    assert findings["web-data"]["evidence"]["derived.backup_plans"][0]["BackupPlanName"] == "daily-backups"
    assert findings["search-index"]["evidence"]["derived.dlm_policies"][0]["Description"].startswith("daily")
    assert findings["build-cache"]["evidence"]["derived.latest_snapshot_time"]
    assert findings["scratch"]["status"] == "FAIL"
    rds = {f["resource_name"]: f for f in demo_assessment.findings if f["rule_id"] == "rds-instance-backup-enabled"}
    assert rds["reporting-db"]["status"] == "PASS"
    assert rds["reporting-db"]["evidence"]["BackupRetentionPeriod"] == 1
    assert rds["reporting-db"]["evidence"]["derived.backup_plans"][0]["BackupPlanName"] == "daily-backups"


def test_hostile_name_is_escaped_in_html(demo_assessment):
    files = render_outputs(demo_assessment, ("html", "json"), ReportOptions(client=HOSTILE))
    html = files["report.html"].decode()
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert any(f["resource_name"] == HOSTILE for f in json.loads(files["findings.json"])["findings"])


def test_demo_cli_writes_all_files_and_pdf_shows_score(demo_report):
    for name in ("report.html", "report.pdf", "findings.json", "inventory.json"):
        assert (demo_report / name).stat().st_size > 0
    score = json.loads((demo_report / "findings.json").read_text())["score"]["overall"]
    text = subprocess.run(["pdftotext", str(demo_report / "report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert str(score) in text
