"""Diff, baseline and gates never mistake blindness for progress (issue 10)."""

from __future__ import annotations

import json
import subprocess
import sys

from drcheck.diff import diff_findings, progress_line
from drcheck.pipeline import Assessment, gate_failures
from drcheck.score import score


def _finding(resource: str, status: str, severity: str = "high", **extra) -> dict:
    return {"rule_id": "r", "title": "Rule", "account_id": "111122223333", "region": "us-east-1",
            "resource_id": resource, "resource_name": resource, "status": status, "severity": severity,
            "category": "backup", "service": "s3", **extra}


def _document(*findings: dict) -> dict:
    return {"generated_at": "2026-01-01T00:00:00+00:00", "findings": list(findings)}


def test_fail_to_unknown_is_no_longer_visible_never_fixed():
    old = _document(_finding("a", "FAIL"), _finding("b", "PASS"), _finding("c", "FAIL"))
    new = _document(_finding("a", "UNKNOWN"), _finding("b", "PASS"), _finding("c", "FAIL"))
    result = diff_findings(old, new)
    assert result["counts"]["fixed"] == 0
    assert [(f["resource_id"], f["was"], f["now"]) for f in result["no_longer_visible"]] == [("a", "FAIL", "UNKNOWN")]
    # The plain score rises (UNKNOWN is left out of it); the change over what both runs saw does not.
    assert result["overall"]["change"] > 0
    assert result["overall"]["visible_change"] == 0
    assert "no longer visible" in progress_line(result) and "not progress" in progress_line(result)


def test_every_change_says_what_it_was():
    old = _document(_finding("pass", "PASS"), _finding("na", "NOT_APPLICABLE"), _finding("fixed", "FAIL"))
    new = _document(_finding("pass", "FAIL"), _finding("na", "FAIL"), _finding("fixed", "PASS"),
                    _finding("brand-new", "FAIL"))
    result = diff_findings(old, new)
    assert [(f["resource_id"], f["was"]) for f in result["regressed"]] == [("pass", "PASS")]
    assert sorted((f["resource_id"], f["was"]) for f in result["new_failures"]) == [
        ("brand-new", None), ("na", "NOT_APPLICABLE")]
    assert [(f["resource_id"], f["was"], f["now"]) for f in result["fixed"]] == [("fixed", "FAIL", "PASS")]


def test_diff_cli_names_blindness_and_previous_status(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps(_document(_finding("a", "FAIL"), _finding("n", "NOT_APPLICABLE"))))
    (tmp_path / "new.json").write_text(json.dumps(_document(_finding("a", "UNKNOWN"), _finding("n", "FAIL"))))
    result = subprocess.run([sys.executable, "-m", "drcheck", "diff", str(tmp_path / "old.json"),
                             str(tmp_path / "new.json")], capture_output=True, text=True, env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "no longer visible" in result.stdout and "not progress" in result.stdout
    assert "FAIL -> UNKNOWN" in result.stdout and "NOT_APPLICABLE -> FAIL" in result.stdout
    assert "Fixed: 0" in result.stdout


def _assessment(*findings: dict) -> Assessment:
    return Assessment(inventory={}, findings=list(findings), scorecard=score(findings), rules=(), generated_at="x")


def test_fail_on_counts_unknown_of_that_severity_unless_allowed():
    blind = _assessment(_finding("a", "UNKNOWN", "critical"), _finding("b", "PASS", "low"))
    [reason] = gate_failures(blind, None, "critical")
    assert "1 failing finding(s)" in reason and "UNKNOWN" in reason
    assert gate_failures(blind, None, "critical", allow_unknown=True) == []
    assert gate_failures(_assessment(_finding("a", "UNKNOWN", "low")), None, "critical") == []


def test_min_coverage_gate():
    nothing_seen = _assessment(_finding("a", "UNKNOWN"), _finding("b", "UNKNOWN"))
    assert nothing_seen.scorecard["coverage"] == 0
    [reason] = gate_failures(nothing_seen, None, None, min_coverage=50)
    assert "coverage 0% is below --min-coverage 50" in reason
    half = _assessment(_finding("a", "UNKNOWN"), _finding("b", "PASS"))
    assert gate_failures(half, None, None, min_coverage=50) == []
    assert gate_failures(half, None, None, min_coverage=50.1)
    assert gate_failures(_assessment(), None, None, min_coverage=1), "no findings at all is no coverage"


def test_gates_from_the_command_line(tmp_path, demo_report):
    inventory = demo_report / "inventory.json"
    base = [sys.executable, "-m", "drcheck", "assess", str(inventory), "--only", "dynamodb", "--format", "json", "-q",
            "--no-history"]
    strict = subprocess.run([*base, "-o", str(tmp_path / "a"), "--min-coverage", "100"], capture_output=True, text=True)
    findings = json.loads((tmp_path / "a" / "findings.json").read_text())
    coverage = findings["score"]["coverage"]
    assert (strict.returncode == 1) == (coverage < 100), strict.stderr
    loose = subprocess.run([*base, "-o", str(tmp_path / "b"), "--min-coverage", "0"], capture_output=True, text=True)
    assert loose.returncode == 0, loose.stderr
