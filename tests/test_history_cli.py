"""The command line around the run history and machine output: `assess` records runs, `drcheck
history` lists them with their change, `--baseline @ID|@last`, `-o -` / `--stdout` print one format
and nothing else on stdout, and `drcheck init` writes a settings file that loads and is documented."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from drcheck.cli import main
from drcheck.config import CONFIG_SCHEMA, load_config
from drcheck.config_template import CONFIG_TEMPLATE

ROOT = Path(__file__).resolve().parents[1]


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["drcheck", *args])
    code = 0
    try:
        main()
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def inventory(demo_report) -> Path:
    return demo_report / "inventory.json"


def test_assess_records_runs_and_history_lists_them_with_the_change(monkeypatch, capsys, tmp_path, inventory):
    db = tmp_path / "runs.sqlite3"
    for index in (1, 2):
        code, out, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / f"r{index}"),
                                 "--format", "json", "--history", str(db))
        assert code == 0, err
        assert f"Recorded as run @{index} in {db}" in err
    code, out, err = run_cli(monkeypatch, capsys, "history", "--history", str(db), "--json")
    assert code == 0, err
    runs = json.loads(out)
    assert [r["id"] for r in runs] == [1, 2] and [r["command"] for r in runs] == ["assess", "assess"]
    assert runs[0]["first_of_scope"] and runs[1]["change"] == 0.0
    assert runs[1]["accounts"] == ["123456789012"] and runs[1]["regions"] == ["us-east-1", "us-west-2"]
    code, out, err = run_cli(monkeypatch, capsys, "history", "--history", str(db))
    assert code == 0 and "@2" in out and "+0" in out and "Trend" in out


@pytest.mark.parametrize("columns", ["80", "160"])
def test_history_headers_and_scores_are_whole_at_any_width(monkeypatch, capsys, tmp_path, inventory, columns):
    # rich cuts what does not fit to "acco…"; on 80 columns the lists become counts instead.
    db = tmp_path / "runs.sqlite3"
    for index in (1, 2):
        assert run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / f"r{index}"),
                       "--format", "json", "--history", str(db))[0] == 0
    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = run_cli(monkeypatch, capsys, "history", "--history", str(db))
    assert code == 0 and "…" not in out
    assert all(len(line) <= int(columns) for line in out.splitlines())
    wide = columns == "160"
    assert ("123456789012" in out and "us-east-1, us-west-2" in out) if wide else "1 acct, 2 Reg" in out
    assert "Trend for 123456789012 in us-east-1, us-west-2: 2 runs" in " ".join(out.split())


def test_no_history_records_nothing(monkeypatch, capsys, tmp_path, inventory):
    db = tmp_path / "runs.sqlite3"
    code, _, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / "r"), "--format", "json",
                           "--history", str(db), "--no-history")
    assert code == 0, err
    assert "Recorded" not in err and not db.exists()


def test_baseline_from_history(monkeypatch, capsys, tmp_path, inventory):
    db = tmp_path / "runs.sqlite3"
    args = ("--format", "json", "--history", str(db))
    assert run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / "a"), *args)[0] == 0
    code, _, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / "b"), *args,
                           "--baseline", "@last")
    assert code == 0, err
    assert "Since the baseline: score change 0.0" in err
    baseline = json.loads((tmp_path / "b" / "findings.json").read_text())["baseline"]
    assert baseline["counts"]["new_failures"] == 0
    code, _, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / "c"), *args,
                           "--baseline", "@1")
    assert code == 0, err
    code, _, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / "d"), *args,
                           "--baseline", "@99")
    assert code == 2 and "no run @99" in err and not (tmp_path / "d").exists()
    code, _, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / "e"), "--no-history",
                           "--baseline", "@last")
    assert code == 2 and "drop --no-history" in err


def test_an_unusable_history_is_one_line_before_any_work(monkeypatch, capsys, tmp_path, inventory):
    bad = tmp_path / "history.sqlite3"
    bad.write_text("this is not sqlite " * 200)
    code, out, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", str(tmp_path / "out"),
                             "--history", str(bad))
    assert code == 2
    assert [line for line in err.splitlines() if line.strip()] == [
        line for line in err.splitlines() if "is not a drcheck history database" in line]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [("-o", "-", "--format", "json"), ("--stdout",), ("-o", "-")])
def test_machine_output_on_stdout_and_nothing_else(monkeypatch, capsys, tmp_path, inventory, args):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(monkeypatch, capsys, "assess", str(inventory), *args)
    assert code == 0, err
    document = json.loads(out)  # stdout is exactly findings.json
    assert document["findings"] and document["score"]
    assert "findings.json printed on standard output" in err
    assert list(tmp_path.iterdir()) == []  # no folder named "-", no files


def test_stdout_takes_any_one_machine_format(monkeypatch, capsys, tmp_path, inventory):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "--stdout", "--format", "sarif")
    assert code == 0, err
    assert json.loads(out)["version"] == "2.1.0"
    code, out, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", "-", "--format", "json,sarif")
    assert code == 2 and out == "" and "prints one format" in err
    code, out, err = run_cli(monkeypatch, capsys, "assess", str(inventory), "-o", "-", "--format", "pdf")
    assert code == 2 and out == ""


def _config_keys(data: dict, schema: dict, prefix: str = "") -> list[str]:
    """Dotted key paths of a config document; map-valued sections (rule ids, workload or tier names) as <name>."""
    keys = []
    for key, value in data.items():
        properties = schema.get("properties") or {}
        child = properties.get(key) if key in properties else schema.get("additionalProperties") or {}
        name = key if key in properties else "<name>"
        path = f"{prefix}{name}"
        keys.append(path)
        if isinstance(value, dict) and isinstance(child, dict) and child.get("type") == "object":
            keys += _config_keys(value, child, path + ".")
    return keys


def _schema_keys(schema: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, child in (schema.get("properties") or {}).items():
        keys.append(prefix + key)
        keys += _schema_keys(child, prefix + key + ".")
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and extra.get("properties"):
        keys += _schema_keys(extra, prefix + "<name>.")
    return keys


def test_init_writes_a_config_that_loads_changes_nothing_and_is_documented(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(monkeypatch, capsys, "init")
    assert code == 0, err
    written = tmp_path / "drcheck.yaml"
    assert written.read_text() == CONFIG_TEMPLATE
    config = load_config(written)
    from drcheck.objectives.settings import Settings, settings_from_config

    settings = settings_from_config(config)
    assert (settings.tag_keys, settings.cloudformation_stacks, settings.default_tier) == (
        Settings().tag_keys, Settings().cloudformation_stacks, Settings().default_tier)
    reference = (ROOT / "docs" / "configuration.md").read_text()
    for key in _config_keys(yaml.safe_load(CONFIG_TEMPLATE), CONFIG_SCHEMA):
        assert f"`{key}`" in reference, key
    code, _, err = run_cli(monkeypatch, capsys, "init")
    assert code == 2 and "already exists" in err
    assert run_cli(monkeypatch, capsys, "init", "--force")[0] == 0


def test_every_config_key_is_documented_and_in_the_template():
    reference = (ROOT / "docs" / "configuration.md").read_text()
    template_keys = set(_config_keys(yaml.safe_load(CONFIG_TEMPLATE), CONFIG_SCHEMA))
    for key in _schema_keys(CONFIG_SCHEMA):
        assert f"`{key}`" in reference, f"{key} is not in docs/configuration.md"
        if "<name>" not in key:
            assert key in template_keys, f"{key} is not in drcheck init's template"


def test_the_init_template_parses_with_the_scans_own_checks(tmp_path, catalogue):
    from drcheck.config import check_parameters

    path = tmp_path / "drcheck.yaml"
    path.write_text(CONFIG_TEMPLATE)
    config = load_config(path)
    check_parameters(config.parameters, catalogue.rules, config.source)
    assert config.rules == {"parameters": {}, "only": [], "skip": [], "dirs": []}


def test_collect_prints_the_inventory_on_stdout(aws, monkeypatch, capsys, tmp_path):
    aws.client("s3").create_bucket(Bucket="piped-bucket")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(monkeypatch, capsys, "collect", "--region", "us-east-1", "--only", "s3", "-o", "-")
    assert code == 0, err
    inventory = json.loads(out)
    assert "piped-bucket" in {r["id"] for r in inventory["resources"]}
    assert "printed on standard output" in err and list(tmp_path.iterdir()) == []
