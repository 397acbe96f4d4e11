"""Every run is kept (DIR.runs/<time>/), DIR shows the latest as one set, and the previous run of the
same scope is the baseline; no command overwrites its own input."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.errors import UserError
from drcheck.runfolders import previous_run, publish_run, runs_dir
from tests.inventories import inventory, resource

TABLE = "AWS::DynamoDB::Table"


def _inventory(pitr: str, account: str | None = None) -> dict:
    table = resource(TABLE, "orders", TableName="orders",
                     ContinuousBackupsDescription={"ContinuousBackupsStatus": "ENABLED",
                                                   "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": pitr}})
    data = inventory([table])
    if account:
        data["accounts"][0]["account_id"] = account
        for r in data["resources"]:
            r["account_id"] = account
    return data


def _assess(tmp_path, data: dict, *extra: str):
    source = tmp_path / "inputs" / f"inventory-{len(list(tmp_path.glob('inputs/*')))}.json"
    source.parent.mkdir(exist_ok=True)
    source.write_text(json.dumps(data))
    return CliRunner().invoke(app, ["assess", str(source), "--only", "dynamodb-table-pitr", "--format", "json,md",
                                    "-o", str(tmp_path / "out"), "--no-history", "-q", *extra])


def test_every_run_is_kept_and_the_previous_one_is_the_baseline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = _assess(tmp_path, _inventory("DISABLED"))
    assert first.exit_code == 0, first.output
    second = _assess(tmp_path, _inventory("ENABLED"))
    assert second.exit_code == 0, second.output
    runs = sorted(p for p in runs_dir(tmp_path / "out").iterdir())
    assert len(runs) == 2
    assert (tmp_path / "out").resolve() == runs[1].resolve()
    older = json.loads((runs[0] / "findings.json").read_text())
    latest = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert [f["status"] for f in older["findings"]] == ["FAIL"]
    assert "baseline" not in older
    assert latest["baseline"]["counts"]["fixed"] == 1, "the previous run of the same scope is the baseline"
    # Another scope (another account) is not compared with this one.
    third = _assess(tmp_path, _inventory("ENABLED", account="444455556666"))
    assert third.exit_code == 0, third.output
    assert "baseline" not in json.loads((tmp_path / "out" / "findings.json").read_text())


def test_a_failed_publication_leaves_the_previous_run_whole(tmp_path, monkeypatch):
    out = tmp_path / "out"
    publish_run(out, {"findings.json": b'{"findings": []}', "summary.md": b"first"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import drcheck.outputs

    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 2:  # the second file of the new set
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(drcheck.outputs.os, "replace", failing_replace)
    with pytest.raises(UserError, match="No space left"):
        publish_run(out, {"findings.json": b'{"findings": [1]}', "summary.md": b"second"})
    monkeypatch.setattr(drcheck.outputs.os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in runs_dir(out).iterdir() if p.name.startswith(".")] == [], "no partial run left"
    assert len(list(runs_dir(out).iterdir())) == 1


def test_an_existing_folder_is_never_removed_and_its_input_never_overwritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    legacy = tmp_path / "out"
    legacy.mkdir()
    original = json.dumps(_inventory("DISABLED"))
    (legacy / "inventory.json").write_text(original)
    (legacy / "notes.txt").write_text("mine")
    result = CliRunner().invoke(app, ["assess", "out/inventory.json", "--redact", "-o", "out", "--format", "json",
                                      "--no-history", "--only", "dynamodb-table-pitr"])
    assert isinstance(result.exception, UserError)  # main() prints it as one line, exit 2
    assert "inputs" in str(result.exception) and "another --output-dir" in str(result.exception)
    assert (legacy / "inventory.json").read_text() == original
    # Written elsewhere, the run is published and the original stays.
    result = CliRunner().invoke(app, ["assess", "out/inventory.json", "--redact", "-o", "shared", "--format", "json",
                                      "--no-history", "--only", "dynamodb-table-pitr"])
    assert result.exit_code == 0, result.output
    assert (legacy / "inventory.json").read_text() == original and (legacy / "notes.txt").read_text() == "mine"


def test_assessing_the_latest_run_into_the_same_folder_keeps_the_input(tmp_path, monkeypatch):
    """The default flow: `assess drcheck-report/inventory.json --redact` writes a new run; the inventory it
    read stays in its own run folder, byte for byte."""
    monkeypatch.chdir(tmp_path)
    publish_run(tmp_path / "out", {"inventory.json": json.dumps(_inventory("DISABLED")).encode()})
    [first_run] = runs_dir(tmp_path / "out").iterdir()
    original = (first_run / "inventory.json").read_bytes()
    result = CliRunner().invoke(app, ["assess", "out/inventory.json", "--redact", "-o", "out", "--format", "json",
                                      "--no-history", "--only", "dynamodb-table-pitr"])
    assert result.exit_code == 0, result.output
    assert (first_run / "inventory.json").read_bytes() == original
    assert (tmp_path / "out" / "inventory.json").read_bytes() != original  # the latest run is the redacted one


def test_previous_run_ignores_runs_without_findings(tmp_path):
    out = tmp_path / "out"
    publish_run(out, {"inventory.json": b"{}"})
    assert previous_run(out, ["1"], ["us-east-1"]) is None
