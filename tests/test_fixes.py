"""Fixes that paste: every command filled in from the scan, the JSON documents they read written
beside them (and valid for the API they are sent to), Terraform filled and escaped, and fixes.sh
scripts that run nothing as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

from drcheck.collect.session import client_config, make_client_factory, open_account
from drcheck.demo.emulator import MissingApiEmulator
from drcheck.demo.run import demo_session, emulated_aws
from drcheck.demo.seed import seed_company
from drcheck.model import Status
from drcheck.pipeline import assess, load_catalogue, run_collection
from drcheck.report import story
from drcheck.report.fixes import FixContext, build_fixes
from drcheck.report.fixes.fill import fill_resource, hcl_escape
from drcheck.report.outputs import render_outputs
from drcheck.report.view import ReportOptions, build_view
from drcheck.ruleset.remediation import placeholders
from tests.test_report_view import make_finding

ROOT = Path(__file__).resolve().parents[1]
# Literal stand-ins the first remediation blocks used; none may come back.
EXAMPLE_VALUES = re.compile(r"subnet-[a-z]{4}\b|us-west-2|my-cluster|ZONE_ID|ETAG|CHANGE_ME|i-in-another|\b123456\b|"
                            r"999988887777|<region>[abc]\b|sg-1234|eipalloc-|orders-dlq|example\.com|my-template|"
                            r"DEVICE_TYPE|SECOND_LOCATION|file://(?!<)|<plan-id>|<policy-id>|<backup-id>")


@pytest.fixture(scope="module")
def demo():
    catalogue = load_catalogue(objectives=True)
    with emulated_aws():
        session = demo_session()
        MissingApiEmulator().install(session)
        company = seed_company(session)
        account = open_account(session, regions=company["regions"], all_regions=False)
        inventory = run_collection(catalogue, [account], client_factory=make_client_factory(client_config(4, 1)),
                                   max_workers=4)
    return assess(catalogue, inventory)


@pytest.fixture(scope="module")
def demo_fixes(demo):
    return build_fixes(demo.rules, demo.findings, demo.inventory)


@pytest.fixture(scope="module")
def demo_files(demo):
    return render_outputs(demo, ("md", "fixes"), ReportOptions(client="Brightpaw"))


def test_no_remediation_template_keeps_an_example_value(catalogue):
    found = [(r.id, m.group(0)) for r in catalogue.rules for key in ("cli", "terraform")
             for m in EXAMPLE_VALUES.finditer(r.remediation.get(key, ""))
             if not (m.group(0).startswith("us-west-2") and key == "terraform" and "# " in m.string)]
    assert found == []


def test_every_demo_command_is_filled_but_for_what_only_the_owner_knows(demo, demo_fixes):
    by_id = {r.id: r for r in demo.rules}
    failing = [f for f in demo.findings if f["status"] == Status.FAIL]
    assert sum(len(v) for v in demo_fixes.values()) == len(failing) > 50
    unfilled = []
    for rule_id, fixes in demo_fixes.items():
        inputs = set(by_id[rule_id].remediation.get("inputs") or {})
        for fix in fixes:
            assert fix.commands, f"{rule_id} {fix.name}: no command"
            left = {name for command in fix.commands for name in placeholders(command)}
            left |= {name for content in fix.documents.values() for name in placeholders(content.decode())}
            if left - inputs:
                unfilled.append((rule_id, fix.name, sorted(left - inputs)))
            assert {n["name"] for n in fix.needs} <= inputs, (rule_id, fix.needs)
            assert "file://" not in fix.terraform
    assert unfilled == []
    needing = {rule_id for rule_id, fixes in demo_fixes.items() for fix in fixes if fix.needs}
    # Only values no scan can know: the root user's MFA device and code, and a vault in another account.
    assert needing == {"s3-bucket-mfa-delete", "backup-plan-cross-account-copy"}


_SERVICES = {"s3api": "s3", "elbv2": "elbv2", "autoscaling": "autoscaling"}


def _operation(command: str):
    words = shlex.split(command.split(" || ")[-1])
    if words[:1] != ["aws"]:
        return None, None, {}
    model = botocore.session.get_session().get_service_model(_SERVICES.get(words[1], words[1]))
    name = next(op for op in model.operation_names if botocore.xform_name(op, "-") == words[2])
    args, key = {}, None
    for word in words[3:]:
        if word.startswith("--"):
            key = word[2:]
            args[key] = True
        elif key:
            args[key] = word
            key = None
    return model, name, args


def test_every_document_is_written_and_valid_for_the_call_that_reads_it(demo_fixes):
    validator = ParamValidator()
    checked = 0
    for fixes in demo_fixes.values():
        for fix in fixes:
            for command in fix.commands:
                model, name, args = _operation(command)
                for flag, value in args.items():
                    if not isinstance(value, str) or not value.startswith("file://"):
                        continue
                    path = value.removeprefix("file://")
                    assert path in fix.documents, f"{command}: {path} is not written"
                    document = json.loads(fix.documents[path])
                    members = model.operation_model(name).input_shape.members
                    member = next(m for m in members if botocore.xform_name(m, "-") == flag)
                    shape = members[member]
                    if shape.type_name == "string":  # a policy document passed as a string
                        assert isinstance(document, dict)
                        continue
                    report = validator.validate(document, shape)
                    assert not report.has_errors(), f"{path}: {report.generate_report()}"
                    checked += 1
    assert checked >= 15


def test_copies_keep_the_plan_and_add_a_copy_to_the_dr_vault(demo, demo_fixes):
    [weekly] = [f for f in demo_fixes["backup-plan-cross-region-copy"] if f.name == "weekly-local"]
    [document] = [json.loads(c) for p, c in weekly.documents.items() if "backup-plan-with-copy" in p]
    plan = next(r for r in demo.inventory["resources"] if r["name"] == "weekly-local")["properties"]["BackupPlan"]
    assert [r["RuleName"] for r in document["Rules"]] == [r["RuleName"] for r in plan["Rules"]]
    assert all("RuleId" not in r for r in document["Rules"]), "a Get-only field would make the update fail"
    copies = [c["DestinationBackupVaultArn"] for r in document["Rules"] for c in r["CopyActions"]]
    # The plan's same-Region copy is kept; the copy to the DR Region's existing vault is added.
    assert copies == ["arn:aws:backup:us-east-1:123456789012:backup-vault:local-archive",
                      "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault"]


def test_a_copy_creates_the_dr_vault_first_when_the_scan_found_none(catalogue):
    rule = next(r for r in catalogue.rules if r.id == "backup-plan-cross-region-copy")
    rules = [{"RuleName": "n", "RuleId": "x", "TargetBackupVaultName": "main", "ScheduleExpression": "cron(0 1 * * ? *)"}]
    plan = {"resource_type": rule.resource_type, "account_id": "111111111111", "region": "eu-west-1", "id": "p1",
            "name": "nightly",
            "properties": {"BackupPlanId": "p1", "BackupPlan": {"BackupPlanName": "nightly", "Rules": rules}}}
    context = FixContext.from_inventory({"accounts": [{"account_id": "111111111111", "regions": ["eu-west-1"]}],
                                         "resources": [plan]})
    finding = make_finding(rule, "nightly", "FAIL", account="111111111111", region="eu-west-1", resource_id="p1")
    fix = fill_resource(rule, finding, context)
    assert fix.commands[0].startswith("aws backup describe-backup-vault --backup-vault-name drcheck-dr --region "
                                      "eu-central-1 ") and "create-backup-vault" in fix.commands[0]
    assert fix.commands[-1].startswith("aws backup update-backup-plan --backup-plan-id p1 ")
    assert any("eu-central-1, the Region usually paired with eu-west-1" in n for n in fix.notes)


def test_values_are_quoted_outside_quotes_and_refused_inside_them(catalogue):
    table = next(r for r in catalogue.rules if r.id == "dynamodb-table-cross-region-copy")
    hostile = "t'; curl x | sh; '"
    finding = make_finding(table, hostile, "FAIL", resource_id=hostile)
    fix = fill_resource(table, finding, FixContext())
    assert shlex.split(fix.commands[0])[4] == hostile  # --table-name <resource_id>: quoted, one word
    mfa = next(r for r in catalogue.rules if r.id == "s3-bucket-mfa-delete")
    fix = fill_resource(mfa, make_finding(mfa, "b", "FAIL"), FixContext())
    assert '--mfa "<root_mfa_serial> <mfa_code>"' in fix.commands[0]  # inputs stay visible
    assert {n["name"] for n in fix.needs} == {"root_mfa_serial", "mfa_code"}


def test_terraform_values_cannot_reach_an_expression(catalogue):
    assert hcl_escape('a"b\\c ${file("/etc/passwd")} %{if}\nx') == 'a\\"b\\\\c $${file(\\"/etc/passwd\\")} %%{if}x'
    bucket = next(r for r in catalogue.rules if r.id == "s3-bucket-versioning")
    fix = fill_resource(bucket, make_finding(bucket, 'x"${evil}', "FAIL", resource_id='x"${evil}'), FixContext())
    assert 'bucket = "x\\"$${evil}"' in fix.terraform


def test_risky_changes_say_why(catalogue):
    by_id = {r.id: r for r in catalogue.rules}
    kinds = {rule_id: {r["kind"] for r in by_id[rule_id].remediation.get("risks") or ()}
             for rule_id in ("s3-bucket-mfa-delete", "s3-bucket-object-lock", "backup-vault-lock-compliance-mode",
                             "efs-file-system-multi-az", "rds-instance-multi-az")}
    assert kinds == {"s3-bucket-mfa-delete": {"root-user"}, "s3-bucket-object-lock": {"irreversible"},
                     "backup-vault-lock-compliance-mode": {"irreversible"}, "efs-file-system-multi-az": {"downtime"},
                     "rds-instance-multi-az": {"interruption"}}
    assert "123456" not in by_id["s3-bucket-mfa-delete"].remediation["terraform"]


def test_fixes_folder_has_a_commented_out_script_per_account_and_region(demo_files, tmp_path):
    scripts = sorted(p for p in demo_files if p.endswith("/fixes.sh"))
    assert scripts == ["fixes/123456789012/us-east-1/fixes.sh", "fixes/123456789012/us-west-2/fixes.sh"]
    assert "fixes/README.md" in demo_files and "fixes/123456789012/us-east-1/terraform-snippets.txt" in demo_files
    allowed = {"set -euo pipefail", 'cd "$(dirname "$0")/../../.."', "#!/usr/bin/env bash"}
    for name in scripts:
        for line in demo_files[name].decode().splitlines():
            assert not line or line.startswith("#") or line in allowed, f"{name}: live line {line!r}"
    for name, content in demo_files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "aws").write_text(f"#!/bin/sh\ntouch {tmp_path}/aws-was-called\n")
    (fake / "aws").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    for name in scripts:
        subprocess.run(["bash", "-n", str(tmp_path / name)], check=True)
        result = subprocess.run(["bash", str(tmp_path / name)], env=env, capture_output=True, text=True, cwd="/")
        assert result.returncode == 0, result.stderr
    assert not (tmp_path / "aws-was-called").exists(), "a fixes.sh ran a command as written"
    text = demo_files["fixes/123456789012/us-east-1/fixes.sh"].decode()
    assert "RISK, needs the root user" in text and "RISK, cannot be undone" in text
    for path in re.findall(r"file://(\S+)", text):
        assert path in demo_files, path


def test_hostile_names_stay_inside_comments_and_quotes(catalogue):
    from drcheck.report.fixes import fix_files

    rule = next(r for r in catalogue.rules if r.id == "dynamodb-table-pitr")
    evil = "t\nrm -rf / #$(id)"
    finding = make_finding(rule, evil, "FAIL", resource_id=evil)
    fix = fill_resource(rule, finding, FixContext())
    action = {"rule_id": rule.id, "rank": 1, "rule_title": rule.title, "severity": "high", "effort": "setting",
              "summary": "x", "risks": [], "after_ranks": []}
    files = fix_files([action], {rule.id: [fix]}, generated="now", collected="then")
    script = files["fixes/111111111111/us-east-1/fixes.sh"].decode()
    allowed = {"set -euo pipefail", 'cd "$(dirname "$0")/../../.."', "#!/usr/bin/env bash"}
    assert all(not line or line.startswith("#") or line in allowed for line in script.splitlines())
    assert "# rm -rf" in script  # the quoted name's second line is commented too


def test_outage_headline_and_the_2015_day_come_from_the_objectives_document(demo):
    view = build_view(demo, ReportOptions())
    headline = view["outage"]
    assert headline["text"].startswith("If us-east-1 fails today: ")
    assert re.search(r"\d of \d workloads? (are|is) down", headline["text"])
    day = view["day_2015"]
    assert day["region"] == "us-east-1" and day["service"] == "DynamoDB"
    assigned = [w["name"] for w in demo.objectives["workloads"] if w["assigned"]]
    assert [r["name"] for r in day["rows"]] == assigned
    assert {"id": "day-2015", "title": "The 2015 day", "level": 1} in view["sections"]
    ids = [s["id"] for s in view["sections"]]
    assert ids.index("plan") < ids.index("day-2015") < ids.index("objectives")
    assert story.outage_headline(None) is None and story.day_2015({}) is None
    # one subject, one verb: "loyalty fails over", "2 of 5 workloads stop"
    assert not re.search(r"\b(loyalty|storefront|orders) fail over", day["summary"])
    assert re.search(r"\b1 of \d+ workloads stop\b", day["summary"]) is None
