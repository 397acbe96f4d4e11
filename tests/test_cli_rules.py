"""`drcheck rules list|show|check`, --rules-dir, --only/--skip and drcheck.yaml rule settings,
through the real entry point (exit codes and messages as a user sees them)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from drcheck.cli import main
from drcheck.paths import builtin_rules_dir


def cli(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["drcheck", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    return exit_.value.code or 0, out, err


def _custom_rule(folder: Path, rule_id: str = "s3-bucket-team-tag", **changes) -> Path:
    """A custom rule derived from a built-in one, with its own id."""
    data = yaml.safe_load((builtin_rules_dir() / "s3" / "s3-bucket-versioning.yaml").read_text())
    data.update(id=rule_id, title="Buckets carry a team tag", **changes)
    data["condition"] = {"field": "tags.team", "exists": True}
    data["examples"] = [
        {"name": "tagged", "status": "PASS", "resource": {"tags": {"team": "core"}}},
        {"name": "untagged", "status": "FAIL", "resource": {"tags": {}}},
    ]
    (folder / "s3").mkdir(parents=True, exist_ok=True)
    path = folder / "s3" / f"{rule_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_rules_list_json(capsys, monkeypatch, catalogue):
    code, out, _ = cli(capsys, monkeypatch, "rules", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == len(catalogue.rules)
    row = next(r for r in rows if r["id"] == "rds-cluster-cross-region")
    assert row["service"] == "rds" and row["severity"] == "medium" and row["category"] == "replication"
    assert "REL10-BP01" in row["references"]["well_architected"]
    assert {e["status"] for e in row["examples"]} >= {"PASS", "FAIL", "NOT_APPLICABLE"}


def test_rules_show(capsys, monkeypatch):
    code, out, _ = cli(capsys, monkeypatch, "rules", "show", "rds-instance-backup-enabled")
    assert code == 0
    assert "min_retention_days = 7" in out and "aws rds modify-db-instance" in out and "RDS.11" in out
    code, _, err = cli(capsys, monkeypatch, "rules", "show", "rds-instance-backup-enabeld")
    assert code == 2 and "no rule with id 'rds-instance-backup-enabeld'" in err


def test_rules_dir_adds_custom_rules(capsys, monkeypatch, tmp_path):
    _custom_rule(tmp_path)
    code, out, _ = cli(capsys, monkeypatch, "rules", "list", "--json", "--rules-dir", str(tmp_path))
    assert code == 0 and "s3-bucket-team-tag" in {r["id"] for r in json.loads(out)}


def test_rules_check_passes_a_good_directory(capsys, monkeypatch, tmp_path):
    _custom_rule(tmp_path)
    code, out, err = cli(capsys, monkeypatch, "rules", "check", str(tmp_path))
    assert code == 0, err
    assert "1 rule(s) valid, 2 example(s) pass" in out


def test_rules_check_names_file_and_line_of_every_problem(capsys, monkeypatch, tmp_path):
    _custom_rule(tmp_path, "s3-bucket-ok")
    wrong_verdict = _custom_rule(tmp_path, "s3-bucket-wrong-example")
    data = yaml.safe_load(wrong_verdict.read_text())
    data["examples"][1]["status"] = "PASS"
    data["examples"].append({"name": "tagged again", "status": "FAIL", "resource": {"tags": {"team": "x"}}})
    wrong_verdict.write_text(yaml.safe_dump(data, sort_keys=False))
    typo = _custom_rule(tmp_path, "s3-bucket-typo")
    typo.write_text(typo.read_text().replace("field: tags.team", "field: BucketVersioning.Stauts"))
    broken = tmp_path / "s3" / "s3-bucket-broken.yaml"
    broken.write_text("id: s3-bucket-broken\ntitle: [unclosed\n")
    clash = _custom_rule(tmp_path, "s3-bucket-versioning")  # a built-in id

    code, out, err = cli(capsys, monkeypatch, "rules", "check", str(tmp_path))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert any(line.startswith(f"{broken}:") and "invalid YAML" in line for line in lines), lines
    assert any(line.startswith(f"{typo}:") and "unknown field 'Stauts'" in line for line in lines), lines
    assert any(line.startswith(f"{clash}:1: rule id 's3-bucket-versioning' is already defined in") for line in lines)
    example_lines = [line for line in lines if line.startswith(f"{wrong_verdict}:")]
    assert len(example_lines) == 2, lines
    assert "example 'untagged': expected PASS, got FAIL" in example_lines[0]
    # The line number is the example's own line in the file.
    numbered = int(example_lines[0].split(":")[1])
    assert "name: untagged" in wrong_verdict.read_text().splitlines()[numbered - 1]
    assert lines[-1] == f"5 problem(s) in {tmp_path}"


def test_rules_check_usage_errors(capsys, monkeypatch, tmp_path):
    code, _, err = cli(capsys, monkeypatch, "rules", "check", str(tmp_path / "missing"))
    assert code == 2 and "rules directory not found" in err
    code, _, err = cli(capsys, monkeypatch, "rules", "check", str(tmp_path))
    assert code == 2 and "no rule files (*.yaml) found" in err


def test_rules_check_on_the_builtin_rules(capsys, monkeypatch, catalogue):
    code, out, _ = cli(capsys, monkeypatch, "rules", "check", str(builtin_rules_dir()))
    assert code == 0 and out.startswith(f"{len(catalogue.rules)} rule(s) valid")


def test_only_and_skip_select_rules_and_reject_unknown_selectors(capsys, monkeypatch):
    from drcheck.pipeline import load_catalogue

    selected = load_catalogue(only=["dynamodb"], skip=["dynamodb-table-pitr"]).rules
    assert selected and {r.service for r in selected} == {"dynamodb"}
    assert "dynamodb-table-pitr" not in {r.id for r in selected}
    code, out, _ = cli(capsys, monkeypatch, "permissions", "--only", "dynamodb", "--skip", "dynamodb-table-pitr")
    actions = json.loads(out)["Statement"][0]["Action"]
    # A narrowed run checks only the selected rules (no recovery objectives), so PITR is not read.
    assert code == 0 and "dynamodb:DescribeTable" in actions and "dynamodb:DescribeContinuousBackups" not in actions
    code, _, err = cli(capsys, monkeypatch, "permissions", "--only", "dynamo")
    assert code == 2 and "'dynamo' is not a rule id, service or category" in err


# -- drcheck.yaml: parameters, rule selection, extra rule directories ------------------------------


def _inventory(tmp_path: Path) -> Path:
    """A saved inventory with one RDS instance keeping 7 days of automated backups."""
    instance = {
        "resource_type": "AWS::RDS::DBInstance", "service": "rds", "account_id": "111122223333",
        "region": "us-east-1", "id": "orders", "arn": "arn:aws:rds:us-east-1:111122223333:db:orders",
        "name": "orders", "tags": {}, "unavailable": {},
        "properties": {"DBInstanceIdentifier": "orders", "BackupRetentionPeriod": 7, "MultiAZ": True,
                       "DeletionProtection": True},
    }
    inventory = {
        "schema_version": 1, "generated_at": "2026-01-15T12:00:00+00:00",
        "accounts": [{"account_id": "111122223333", "partition": "aws", "regions": ["us-east-1"]}],
        "regions": ["us-east-1"], "plan": {},
        "collections": [{"account_id": "111122223333", "region": region, "resource_type": kind, "status": "ok"}
                        for region, kind in [("us-east-1", "AWS::RDS::DBInstance"), ("us-east-1", "AWS::RDS::DBSnapshot"),
                                             ("us-east-1", "AWS::Backup::BackupPlan"),
                                             ("us-east-1", "AWS::Backup::BackupSelection")]],
        "resources": [instance], "errors": [],
    }
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(inventory))
    return path


def _assess(capsys, monkeypatch, tmp_path, config: dict | None) -> tuple[int, dict | None, str]:
    args = ["assess", str(_inventory(tmp_path)), "--format", "json", "-o", str(tmp_path / "out"), "--quiet",
            "--only", "rds-instance-backup-enabled"]
    if config is not None:
        (tmp_path / "drcheck.yaml").write_text(yaml.safe_dump(config))
        args += ["--config", str(tmp_path / "drcheck.yaml")]
    code, _, err = cli(capsys, monkeypatch, *args)
    document = tmp_path / "out" / "findings.json"
    return code, json.loads(document.read_text()) if code == 0 else None, err


def test_config_parameters_override_rule_defaults(capsys, monkeypatch, tmp_path):
    code, findings, err = _assess(capsys, monkeypatch, tmp_path, None)
    assert code == 0, err
    assert [f["status"] for f in findings["findings"]] == ["PASS"]
    stricter = {"rules": {"parameters": {"rds-instance-backup-enabled": {"min_retention_days": 14}}}}
    code, findings, err = _assess(capsys, monkeypatch, tmp_path, stricter)
    assert code == 0, err
    assert [f["status"] for f in findings["findings"]] == ["FAIL"]


@pytest.mark.parametrize("parameters,message", [
    ({"rds-instance-backup-enabled": {"min_retention": 14}}, "unknown parameter 'min_retention'"),
    ({"rds-instance-backup-enabled": {"min_retention_days": "fourteen"}}, "expected a value like 7"),
    ({"rds-instance-backup-enabeld": {"min_retention_days": 14}}, "no rule 'rds-instance-backup-enabeld'"),
])
def test_config_parameter_errors(capsys, monkeypatch, tmp_path, parameters, message):
    code, _, err = _assess(capsys, monkeypatch, tmp_path, {"rules": {"parameters": parameters}})
    assert code == 2 and message in err
    assert "Traceback" not in err


def test_config_rule_dirs_and_selection(capsys, monkeypatch, tmp_path):
    shutil.rmtree(tmp_path / "custom", ignore_errors=True)
    _custom_rule(tmp_path / "custom")
    (tmp_path / "drcheck.yaml").write_text(yaml.safe_dump({"rules": {"dirs": ["custom"], "only": ["s3"],
                                                                      "skip": ["s3-bucket-versioning"]}}))
    code, out, err = cli(capsys, monkeypatch, "assess", str(_inventory(tmp_path)), "--format", "json", "-o",
                         str(tmp_path / "out"), "--quiet", "--config", str(tmp_path / "drcheck.yaml"))
    assert code == 0, err
    rules = {r["id"] for r in json.loads((tmp_path / "out" / "findings.json").read_text())["rules"]}
    assert "s3-bucket-team-tag" in rules and "s3-bucket-versioning" not in rules
    assert all(r.startswith("s3-") for r in rules)


def test_parameters_of_a_rule_left_out_by_only_do_not_abort(capsys, monkeypatch, tmp_path):
    """The config docstring's own example: parameters for rules outside --only are checked, not refused."""
    config = {"rules": {"parameters": {"rds-instance-backup-enabled": {"min_retention_days": 14},
                                       "dynamodb-table-pitr": {}}}}
    code, findings, err = _assess(capsys, monkeypatch, tmp_path, config)
    assert code == 0, err
    assert [f["status"] for f in findings["findings"]] == ["FAIL"]


def test_selectors_name_their_kind(capsys, monkeypatch):
    from drcheck.errors import UserError
    from drcheck.pipeline import load_catalogue

    both = load_catalogue(only=["backup"]).rules
    service = load_catalogue(only=["service:backup"]).rules
    category = load_catalogue(only=["category:backup"]).rules
    assert {r.service for r in service} == {"backup"}
    assert {r.category for r in category} == {"backup"}
    assert {r.id for r in both} == {r.id for r in service} | {r.id for r in category}
    assert {r.id for r in category} - {r.id for r in service}, "backup the category spans other services"
    assert [r.id for r in load_catalogue(only=["rule:dynamodb-table-pitr"]).rules] == ["dynamodb-table-pitr"]
    assert "dynamodb-table-pitr" not in {r.id for r in load_catalogue(only=["service:dynamodb"],
                                                                       skip=["rule:dynamodb-table-pitr"]).rules}
    with pytest.raises(UserError, match="service:NAME"):
        load_catalogue(only=["service:nope"])
    code, out, _ = cli(capsys, monkeypatch, "scan", "--help")
    assert "service:NAME" in " ".join(out.split()) and "bare name" in " ".join(out.split())


def test_a_suppression_naming_no_rule_is_reported(capsys, monkeypatch, tmp_path):
    (tmp_path / "accept.yaml").write_text("suppressions:\n  - {rule: rds-instance-backup-enabeld, reason: typo, "
                                          "owner: ops, expires: 2099-01-01}\n")
    code, _, err = cli(capsys, monkeypatch, "assess", str(_inventory(tmp_path)), "--format", "json,html,md", "-o",
                       str(tmp_path / "out"), "--only", "rds-instance-backup-enabled", "--suppressions",
                       str(tmp_path / "accept.yaml"), "--no-history")
    assert code == 0, err
    assert "rds-instance-backup-enabeld" in err and "names no rule" in err
    out = tmp_path / "out"
    assert "rds-instance-backup-enabeld" in (out / "report.html").read_text()
    assert "Suppressions naming no rule" in (out / "report.html").read_text()
    assert "rds-instance-backup-enabeld" in (out / "summary.md").read_text()
    document = json.loads((out / "findings.json").read_text())
    assert [s["rule"] for s in document["suppressions"]["unknown_rules"]] == ["rds-instance-backup-enabeld"]
