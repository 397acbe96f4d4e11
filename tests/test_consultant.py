"""Consultant operations on moto: an organization scan through assumed roles, an unreachable
account, collect → assess, redaction, suppressions, diff and CI gates."""

import gzip
import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from drcheck.collect.accounts import (
    AccountFilters,
    AccountSpec,
    accounts_from_file,
    accounts_from_organization,
    open_accounts,
)
from drcheck.collect.session import client_config, make_client_factory
from drcheck.diff import diff_findings
from drcheck.errors import UserError
from drcheck.pipeline import assess, gate_failures, run_collection
from drcheck.redact import Redactor
from drcheck.report.outputs import render_outputs
from drcheck.report.view import ReportOptions
from drcheck.suppressions import Suppression, apply_suppressions, load_suppressions

MANAGEMENT = "123456789012"


def _member_session(base, account_id):
    creds = base.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                           RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


def _deny_assume_role(session, account_id):
    """The role is missing in one account: AssumeRole into it is denied."""

    def respond(params, **_):
        if account_id in str(params.get("body", "")):
            parsed = {"Error": {"Code": "AccessDenied", "Message": "not authorized to perform sts:AssumeRole"},
                      "ResponseMetadata": {"HTTPStatusCode": 403}}
            return AWSResponse("https://sts.invalid/", 403, {}, None), parsed
        return None

    session.events.register("before-call.sts.AssumeRole", respond)


@pytest.fixture
def organization(aws):
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    prod_ou = org.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    members = {}
    for index in range(5):
        account_id = org.create_account(AccountName=f"client-{index}", Email=f"c{index}@example.com")[
            "CreateAccountStatus"]["AccountId"]
        if index < 2:
            org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=prod_ou)
        members[account_id] = f"client-{index}"
        session = _member_session(aws, account_id)
        session.client("s3").create_bucket(Bucket=f"client-{index}-data")
        if index == 4:
            session.client("s3").put_bucket_versioning(Bucket="client-4-data",
                                                       VersioningConfiguration={"Status": "Enabled"})
        session.client("efs").create_file_system(CreationToken=f"fs{index}", AvailabilityZoneName="us-east-1a",
                                                 Tags=[{"Key": "Name", "Value": f"client-{index}-files"}])
    return members, prod_ou


@pytest.fixture
def catalogue(catalogue):
    """Only the S3 and EFS rules: the organization's accounts hold buckets and file systems."""
    from dataclasses import replace

    return replace(catalogue, rules=tuple(r for r in catalogue.rules if r.service in ("s3", "efs")))


def _org_assessment(aws, catalogue, deny=None, filters=None):
    filters = filters or AccountFilters()
    if deny:
        _deny_assume_role(aws, deny)
    specs = [s for s in accounts_from_organization(aws, "us-east-1", "OrganizationAccountAccessRole", None, "aws",
                                                   MANAGEMENT) if filters.keep(s)]
    reachable, unreachable = open_accounts(aws, specs, regions=["us-east-1"], all_regions=False)
    inventory = run_collection(catalogue, reachable, client_factory=make_client_factory(client_config(4, 1)),
                               max_workers=4, unreachable=unreachable)
    return assess(catalogue, inventory), reachable, unreachable


def test_org_scan_through_assumed_roles_with_one_unreachable_account(aws, catalogue, organization):
    members, _ = organization
    missing = sorted(members)[2]
    assessment, reachable, unreachable = _org_assessment(aws, catalogue, deny=missing)
    assert {a.account_id for a in reachable} == (set(members) - {missing}) | {MANAGEMENT}
    assert [u["account_id"] for u in unreachable] == [missing]
    assert "AccessDenied" in unreachable[0]["reason"]
    efs = {f["account_id"]: f["status"] for f in assessment.findings if f["rule_id"] == "efs-file-system-multi-az"}
    # Every reachable member's One Zone file system; the unreachable account is one UNKNOWN (it counts
    # against coverage, never as "nothing to check").
    assert efs == {**{a: "FAIL" for a in set(members) - {missing}}, missing: "UNKNOWN"}
    card = assessment.scorecard
    assert set(card["by_account"]) >= set(members) - {missing}
    document = assessment.findings_document()
    assert document["unreachable_accounts"][0]["account_id"] == missing
    assert set(document["accounts"]) == {a.account_id for a in reachable}
    html = render_outputs(assessment, ("html",), ReportOptions())["report.html"].decode()
    reachable_name = next(name for account, name in members.items() if account != missing)
    assert f"{reachable_name}-files" in html


def test_org_filters_by_ou_and_name(aws, catalogue, organization):
    members, prod_ou = organization
    specs = accounts_from_organization(aws, "us-east-1", "OrganizationAccountAccessRole", None, "aws", MANAGEMENT)
    by_ou = {s.account_id for s in specs if AccountFilters(include_ous=(prod_ou,)).keep(s)}
    assert by_ou == {a for a, name in members.items() if name in ("client-0", "client-1")}
    by_name = {s.name for s in specs if AccountFilters(include_ous=("prod",), exclude_names=("*-1",)).keep(s)}
    assert by_name == {"client-0"}
    management = next(s for s in specs if s.account_id == MANAGEMENT)
    assert management.role_arn is None  # the caller's own account is scanned with the caller's credentials


def test_accounts_file(tmp_path):
    path = tmp_path / "accounts.yaml"
    path.write_text("- {account_id: '111122223333', role_arn: 'arn:aws:iam::111122223333:role/Audit', "
                    "external_id: xyz, name: shop}\n")
    assert accounts_from_file(path) == [AccountSpec("111122223333", "arn:aws:iam::111122223333:role/Audit", "xyz", "shop")]
    path.write_text("- {account_id: '1234'}\n")
    with pytest.raises(UserError, match="accounts.yaml"):
        accounts_from_file(path)


def test_collect_then_assess_gives_identical_findings(aws, catalogue, organization, tmp_path):
    assessment, _, _ = _org_assessment(aws, catalogue)
    saved = tmp_path / "inventory.json.gz"
    saved.write_bytes(gzip.compress(json.dumps(assessment.inventory).encode()))
    from drcheck.inventory import read_inventory

    again = assess(catalogue, read_inventory(saved))
    assert again.findings == assessment.findings
    assert again.scorecard == assessment.scorecard


def test_redaction_leaves_no_real_account_id_or_name_in_any_output(aws, catalogue, organization):
    members, _ = organization
    assessment, _, _ = _org_assessment(aws, catalogue)
    redactor = Redactor(b"test-key")
    redacted = assess(catalogue, redactor.inventory(dict(assessment.inventory)))
    files = render_outputs(redacted, ("html", "json", "pdf"), ReportOptions())
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=files.pop("report.pdf"), capture_output=True,
                              check=True).stdout.decode()
    outputs = {name: content.decode() for name, content in files.items()} | {"report.pdf": pdf_text}
    secrets = set(members) | {MANAGEMENT} | set(members.values())
    secrets |= {r["name"] for r in assessment.inventory["resources"]} | {r["id"] for r in assessment.inventory["resources"]}
    for name, text in outputs.items():
        for secret in secrets:
            assert not re.search(rf"(?<![A-Za-z0-9_-]){re.escape(secret)}(?![A-Za-z0-9_-])", text), (name, secret)
    # Same input, same pseudonym; and the verdicts are unchanged.
    assert Redactor(b"test-key").account(MANAGEMENT) == redactor.account(MANAGEMENT)
    assert [f["status"] for f in redacted.findings] == [f["status"] for f in assessment.findings]


def test_suppressions_apply_until_they_expire(tmp_path):
    path = tmp_path / "suppressions.yaml"
    path.write_text("suppressions:\n"
                    "  - {rule: 's3-*', resource: 'logs-*', reason: Logs are reproducible, owner: jane,"
                    " expires: 2027-01-31}\n"
                    "  - {rule: efs-file-system-multi-az, reason: Scratch data only, owner: bob, expires: 2026-01-01}\n")
    suppressions = load_suppressions(path)
    findings = [
        {"rule_id": "s3-bucket-versioning", "status": "FAIL", "resource_id": "logs-1", "account_id": "1", "region": "x",
         "severity": "high", "category": "backup", "service": "s3"},
        {"rule_id": "s3-bucket-versioning", "status": "FAIL", "resource_id": "data-1", "account_id": "1", "region": "x",
         "severity": "high", "category": "backup", "service": "s3"},
        {"rule_id": "efs-file-system-multi-az", "status": "FAIL", "resource_id": "fs-1", "account_id": "1",
         "region": "x", "severity": "high", "category": "high-availability", "service": "efs"},
    ]
    summary = apply_suppressions(findings, suppressions, date(2026, 11, 26))
    assert findings[0]["suppression"]["owner"] == "jane"
    assert "suppression" not in findings[1]
    assert "suppression" not in findings[2]  # expired: stops applying
    assert [s["rule"] for s in summary["expired"]] == ["efs-file-system-multi-az"]
    path.write_text("suppressions:\n  - {rule: x, owner: jane, expires: 2027-01-31}\n")
    with pytest.raises(UserError, match="reason"):
        load_suppressions(path)


def test_scores_with_and_without_suppressions_and_gates(aws, catalogue, organization):
    assessment, _, _ = _org_assessment(aws, catalogue)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    suppressed = assess(catalogue, assessment.inventory,
                        suppressions=[Suppression(rule="efs-*", reason="scratch", owner="ops", expires=tomorrow)])
    assert suppressed.scorecard == assessment.scorecard
    assert suppressed.scorecard_with_suppressions["overall"] > assessment.scorecard["overall"]
    assert gate_failures(assessment, 99, None) and not gate_failures(assessment, 0, None)
    assert gate_failures(assessment, None, "high")  # the One Zone file systems fail a high-severity rule
    assert gate_failures(suppressed, None, "high") == []  # ...until that risk is accepted
    assert gate_failures(suppressed, None, "medium")


def test_diff_between_two_scans(aws, catalogue, organization):
    members, _ = organization
    before, _, _ = _org_assessment(aws, catalogue)
    first = next(a for a, name in sorted(members.items()) if name != "client-4")  # client-4 is already versioned
    member = _member_session(aws, first)
    bucket = f"{members[first]}-data"
    member.client("s3").put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    member.client("efs").create_file_system(CreationToken="new-one", AvailabilityZoneName="us-east-1b")
    after, _, _ = _org_assessment(aws, catalogue)
    result = diff_findings(before.findings_document(), after.findings_document())
    assert [f["resource_id"] for f in result["fixed"]] == [bucket]
    assert "efs-file-system-multi-az" in {f["rule_id"] for f in result["new_failures"]}
    assert result["by_account"][first]["change"] > 0
    assert result["counts"]["still_failing"] > 0


def test_diff_cli(tmp_path):
    def document(status):
        return {"generated_at": "x", "findings": [{"rule_id": "r", "account_id": "1", "region": "x", "resource_id": "a",
                                                   "resource_name": "a", "status": status, "severity": "high",
                                                   "category": "backup", "service": "s3"}]}
    (tmp_path / "old.json").write_text(json.dumps(document("FAIL")))
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "findings.json").write_text(json.dumps(document("PASS")))
    result = subprocess.run([sys.executable, "-m", "drcheck", "diff", str(tmp_path / "old.json"), str(tmp_path / "new"),
                             "--json"], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["fixed"] == 1
    bad = subprocess.run([sys.executable, "-m", "drcheck", "diff", str(tmp_path / "nope.json"), str(tmp_path / "new")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Cannot read findings" in bad.stderr


def test_cli_collect_org_then_assess_with_redaction_suppressions_and_gates(aws, organization, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from drcheck.cli import app

    monkeypatch.setenv("DRCHECK_REDACT_KEY", "cli-test-key")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["collect", "--org", "--region", "us-east-1", "--only", "efs", "--gzip",
                                 "--exclude-name", "client-4", "-o", "inv", "--quiet"])
    assert result.exit_code == 0, result.output
    inventory = tmp_path / "inv" / "inventory.json.gz"
    data = json.loads(gzip.decompress(inventory.read_bytes()))
    members, _ = organization
    assert {a["account_id"] for a in data["accounts"]} == {MANAGEMENT} | {a for a, n in members.items() if n != "client-4"}

    (tmp_path / "accept.yaml").write_text(f"suppressions:\n  - {{rule: efs-*, reason: scratch only, owner: ops, "
                                          f"expires: '{date.today() + timedelta(days=30)}'}}\n")
    gated = runner.invoke(app, ["assess", str(inventory), "--only", "efs", "--format", "json", "-o", "a",
                                "--fail-on", "high", "--quiet"])
    assert gated.exit_code == 1  # One Zone file systems fail a high-severity rule
    accepted = runner.invoke(app, ["assess", str(inventory), "--only", "efs", "--format", "json", "-o", "b",
                                   "--fail-on", "high", "--suppressions", "accept.yaml", "--redact", "--quiet"])
    assert accepted.exit_code == 0, accepted.output
    document = json.loads((tmp_path / "b" / "findings.json").read_text())
    assert document["score_with_suppressions"]["overall"] in (None, 100.0)  # every failure accepted
    assert all("suppression" in f for f in document["findings"] if f["status"] == "FAIL")
    text = (tmp_path / "b" / "findings.json").read_text() + (tmp_path / "b" / "inventory.json").read_text()
    for account_id, name in members.items():
        assert account_id not in text and f"{name}-files" not in text


def test_report_shows_accounts_accepted_risks_and_progress(aws, catalogue, organization):
    members, _ = organization
    missing = sorted(members)[1]
    before, _, _ = _org_assessment(aws, catalogue, deny=missing)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    suppressions = [Suppression(rule="efs-*", reason="scratch data only", owner="ops@example.com", expires=tomorrow),
                    Suppression(rule="s3-*", reason="old exception", owner="cto", expires=yesterday)]
    after = assess(catalogue, before.inventory, suppressions=suppressions, baseline=before.findings_document())
    files = render_outputs(after, ("html", "pdf"), ReportOptions())
    html = files["report.html"].decode()
    for text in ('id="accounts"', "Accounts not scanned", "AccessDenied", 'id="accepted-risks"', "scratch data only",
                 "ops@example.com", "Expired suppressions", "old exception", 'id="progress"',
                 "Since the last assessment"):
        assert text in html, text
    assert html.index('href="#accounts"') < html.index('href="#plan"')  # listed in the contents
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=files["report.pdf"], capture_output=True,
                              check=True).stdout.decode()
    assert "Accounts not scanned" in pdf_text and "Accepted risks" in pdf_text


def test_doctor_checks_every_account_of_an_organization(aws, organization, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from drcheck.cli import app

    members, _ = organization
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["doctor", "--org", "--region", "us-east-1", "--only", "efs"])
    for account_id in (MANAGEMENT, *members):
        assert f"account {account_id}" in result.output
    assert "unreachable" not in result.output
    # moto has no backup:DescribeRegionSettings (the EFS rules read the Region's Backup opt-in): one
    # problem per account, and nothing else.
    problems = [line for line in result.output.splitlines() if "│ problem │" in line]
    assert len(problems) == len(members) + 1 and all("backup:DescribeRegionSettings" in p for p in problems)
    assert result.exit_code == 1
    (tmp_path / "accounts.yaml").write_text(f"- {{account_id: '{sorted(members)[0]}', role_arn: "
                                            f"'arn:aws:iam::{sorted(members)[0]}:role/OrganizationAccountAccessRole'}}\n")
    listed = CliRunner().invoke(app, ["doctor", "--accounts", "accounts.yaml", "--region", "us-east-1", "--only", "efs"])
    assert f"account {sorted(members)[0]}" in listed.output and f"account {MANAGEMENT}" not in listed.output
