"""The run history: what a run records, trends by scope, baselines from history, bad databases in
one line, and two processes recording at once without corrupting it."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from drcheck.diff import diff_findings
from drcheck.errors import UserError
from drcheck.history import default_path, open_history, resolve_baseline, rules_version, scope_of
from drcheck.score import score
from tests.test_report_view import A1, A2, make_finding, sample_assessment


@pytest.fixture(scope="module")
def assessment(catalogue):
    return sample_assessment(catalogue)


def improved(assessment):
    """The same scope a week later with every failure fixed."""
    findings = [{**f, "status": "PASS"} if f["status"] == "FAIL" else f for f in assessment.findings]
    return replace(assessment, findings=findings, scorecard=score(findings), generated_at="2026-03-08T10:00:00+00:00")


def test_the_tests_never_write_the_real_user_history(tmp_path_factory, monkeypatch):
    """conftest points $DRCHECK_HISTORY and the data directory into the test run's temp folder."""
    sandbox = tmp_path_factory.getbasetemp()
    assert sandbox in default_path().parents
    monkeypatch.delenv("DRCHECK_HISTORY")
    assert sandbox in default_path().parents  # platformdirs reads $XDG_DATA_HOME


def test_a_run_records_scores_counts_and_every_finding(tmp_path, assessment):
    history = open_history(tmp_path / "h.sqlite3")
    run_id = history.record(assessment, "assess")
    [run] = history.runs()
    assert run.id == run_id and run.command == "assess"
    assert run.accounts == (A1, A2) and run.regions == ("eu-west-1", "us-east-1")
    assert run.overall == assessment.scorecard["overall"] and run.grade == assessment.scorecard["grade"]
    assert run.counts == assessment.scorecard["counts"]
    assert set(run.scores["by_category"]) == set(assessment.scorecard["by_category"])
    assert set(run.scores["by_account"]) == {A1, A2}
    assert run.rules_version == rules_version(assessment.rules)
    document = history.findings_document(run_id)
    assert [(f["rule_id"], f["resource_id"], f["status"]) for f in document["findings"]] == [
        (f["rule_id"], f["resource_id"], f["status"]) for f in assessment.findings]
    with sqlite3.connect(tmp_path / "h.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_recorded_run_is_a_baseline_like_its_findings_json(tmp_path, assessment):
    history = open_history(tmp_path / "h.sqlite3")
    first = history.record(assessment, "scan")
    later = improved(assessment)
    from_history = diff_findings(resolve_baseline(f"@{first}", history, later.inventory),
                                 {"generated_at": later.generated_at, "findings": later.findings})
    from_file = diff_findings({"generated_at": assessment.generated_at, "findings": assessment.findings},
                              {"generated_at": later.generated_at, "findings": later.findings})
    assert from_history["counts"] == from_file["counts"] and from_history["overall"] == from_file["overall"]
    assert from_history["counts"]["fixed"] == 8
    assert resolve_baseline("@last", history, later.inventory)["history_run"] == first


def test_runs_are_listed_by_scope_oldest_first(tmp_path, assessment):
    history = open_history(tmp_path / "h.sqlite3")
    other = replace(assessment, inventory={**assessment.inventory, "regions": ["us-east-1"]})
    ids = [history.record(assessment, "scan"), history.record(other, "scan"), history.record(improved(assessment), "scan")]
    scope, _, _ = scope_of(assessment.inventory)
    assert [r.id for r in history.runs(scope=scope)] == [ids[0], ids[2]]
    assert [r.id for r in history.runs(limit=2)] == ids[1:]
    assert [r.id for r in history.runs(account=A2)] == ids


def test_bad_baseline_references_are_one_line(tmp_path, assessment):
    history = open_history(tmp_path / "h.sqlite3")
    with pytest.raises(UserError, match="no earlier run of this scope"):
        resolve_baseline("@last", history, assessment.inventory)
    with pytest.raises(UserError, match="no run @42"):
        resolve_baseline("@42", history, assessment.inventory)
    with pytest.raises(UserError, match="expected @<run id> or @last"):
        resolve_baseline("@yesterday", history, assessment.inventory)


def test_a_file_that_is_not_a_history_database_is_one_line(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database " * 100)
    with pytest.raises(UserError, match="is not a drcheck history database"):
        open_history(path)
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(UserError, match="newer drcheck"):
        open_history(newer)
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(UserError, match="cannot create"):
        open_history(blocked / "sub" / "h.sqlite3")


def test_workload_scores_come_from_the_objectives_components(tmp_path, catalogue):
    by_id = {r.id: r for r in catalogue.rules}
    rds = by_id["rds-instance-multi-az"]
    findings = [make_finding(rds, "pay-db", "FAIL"), make_finding(rds, "shop-db", "PASS")]
    objectives = {"workloads": [
        {"name": "payments", "assigned": True, "components": [{"account_id": A1, "region": "us-east-1", "id": "pay-db"}]},
        {"name": "shop", "assigned": True, "components": [{"account_id": A1, "region": "us-east-1", "id": "shop-db"}]},
        {"name": "unassigned", "assigned": False, "components": []}]}
    assessment = replace(sample_assessment(catalogue), findings=findings, scorecard=score(findings),
                         objectives=objectives)
    history = open_history(tmp_path / "h.sqlite3")
    history.record(assessment, "scan")
    [run] = history.runs()
    assert run.scores["by_workload"] == {"payments": 0.0, "shop": 100.0}


def _record_many(path: str, catalogue_findings: list, count: int, barrier) -> None:
    from drcheck.pipeline import Assessment

    inventory = {"generated_at": "2026-03-01T09:30:00+00:00", "regions": ["us-east-1"],
                 "accounts": [{"account_id": A1}]}
    assessment = Assessment(inventory=inventory, findings=catalogue_findings, scorecard=score(catalogue_findings),
                            rules=(), generated_at="2026-03-01T10:00:00+00:00")
    history = open_history(Path(path))
    barrier.wait()
    for _ in range(count):
        history.record(assessment, f"scan-{os.getpid()}")


def test_two_processes_recording_at_once_lose_and_corrupt_nothing(tmp_path, assessment):
    path = tmp_path / "shared.sqlite3"
    findings = assessment.findings * 50  # 750 rows a run: transactions long enough to overlap
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=_record_many, args=(str(path), findings, 15, barrier)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [w.exitcode for w in workers] == [0, 0]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        per_run = connection.execute("SELECT run_id, COUNT(*) FROM findings GROUP BY run_id").fetchall()
        commands = connection.execute("SELECT command, COUNT(*) FROM runs GROUP BY command").fetchall()
    assert len(per_run) == 30 and {n for _, n in per_run} == {len(findings)}  # every run whole
    assert sorted(n for _, n in commands) == [15, 15]


def test_the_report_shows_progress_over_time_from_earlier_runs_of_the_scope(tmp_path, catalogue, assessment):
    from drcheck.paths import builtin_reports_dir
    from drcheck.report.render import render_html
    from drcheck.report.view import ReportOptions, build_view
    from drcheck.runs import AssessOptions, assess_inventory

    history = open_history(tmp_path / "h.sqlite3")
    assert build_view(assessment, ReportOptions())["trend"] is None  # no earlier run: no chart
    history.record(assessment, "scan")
    history.record(improved(assessment), "scan")
    inventory = {"schema_version": 1, **assessment.inventory, "resources": [], "collections": [], "plan": {},
                 "errors": []}
    latest = assess_inventory(replace(catalogue, objectives=None), inventory, AssessOptions(history=history))
    assert [run["id"] for run in latest.history] == [1, 2]
    view = build_view(latest, ReportOptions())
    part = view["trend"]
    assert [row["run"] for row in part["rows"]] == ["@1", "@2", "this run"]
    assert part["rows"][1]["change"] == round(100.0 - assessment.scorecard["overall"], 1)
    # This run evaluated nothing, so its report is the short one (no trend section); the same
    # history beside evaluated findings is drawn as the "Progress over time" section.
    assert "trend" not in [s["id"] for s in view["sections"]]
    view = build_view(replace(latest, findings=assessment.findings, scorecard=assessment.scorecard), ReportOptions())
    part = view["trend"]
    assert [row["run"] for row in part["rows"]] == ["@1", "@2", "this run"]
    assert "trend" in [s["id"] for s in view["sections"]]
    html = render_html(view, [builtin_reports_dir()])
    assert 'id="trend-h">Progress over time' in html and "<svg" in part["svg"] and "<polyline" in part["svg"]


def test_trend_chart_labels_stay_text():
    from drcheck.report.trend import trend_chart

    svg = trend_chart([{"run": "@1", "date": "<script>x</script>", "overall": 50.0, "grade": "F",
                        "rules_changed": False}, {"run": "this run", "date": "2026", "overall": None, "grade": None,
                                                  "rules_changed": False}])
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_trend_marks_a_run_whose_rules_changed(tmp_path, catalogue, assessment):
    from drcheck.report.trend import trend_part

    history = open_history(tmp_path / "h.sqlite3")
    history.record(assessment, "scan")
    fewer_rules = replace(improved(assessment), rules=assessment.rules[:-1])
    history.record(fewer_rules, "scan")
    earlier = tuple(run.as_dict() for run in history.runs())
    part = trend_part(replace(assessment, history=earlier))
    assert [row["rules_changed"] for row in part["rows"]] == [False, True, True]
