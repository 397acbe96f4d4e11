"""Feedback while working: a progress bar that never goes backwards, stage lines while assessing, and
closing lines that name the top fixes and point at report.html only when it was written."""

from __future__ import annotations

import random
from pathlib import Path

from rich.console import Console

from drcheck.feedback import ForwardOnly, closing_lines, written_summary
from drcheck.pipeline import assess
from drcheck.report.outputs import render_report
from drcheck.report.view import ReportOptions
from drcheck.runs import report_and_summarise
from tests.test_report_view import sample_assessment


def test_the_bar_is_exact_with_a_fixed_total_and_never_goes_back_while_it_grows():
    bar = ForwardOnly()
    assert [round(bar.update(done, 10), 6) for done in range(11)] == [d / 10 for d in range(11)]
    chooser = random.Random(3)
    bar, done, scheduled, last = ForwardOnly(), 0, 5, 0.0
    for step in range(10_000):
        if done == scheduled:
            break
        done = min(done + chooser.randint(0, 2), scheduled)
        if step < 200 and chooser.random() < 0.4:
            scheduled += chooser.randint(1, 30)  # a listing returned: its resources' calls are queued
        fraction = bar.update(done, scheduled)
        assert last <= fraction <= 1.0
        last = fraction
    assert bar.update(done, scheduled) == 1.0


def test_assess_names_its_stages(catalogue):
    seen: list[str] = []
    assess(catalogue, {"generated_at": "2026-03-01T09:30:00+00:00", "resources": [], "collections": []},
           on_stage=seen.append)
    assert seen[:2] == ["Linking 0 resources", f"Evaluating {len(catalogue.rules)} rules"]


def test_rendering_names_its_stages_and_returns_the_plan(catalogue):
    seen: list[str] = []
    rendered = render_report(sample_assessment(catalogue), ("html", "fixes"), ReportOptions(), stage=seen.append)
    assert "Filling in the fixes" in seen and not any("PDF" in s for s in seen)
    assert [a["rank"] for a in rendered.actions] == [1, 2, 3]
    assert "report.html" in rendered.files and "fixes/README.md" in rendered.files


def _console() -> Console:
    return Console(record=True, width=1000, force_terminal=False, color_system=None)


def test_closing_lines_name_the_top_three_fixes_and_open_only_what_was_written(catalogue, tmp_path):
    assessment = sample_assessment(catalogue)
    console = _console()
    report_and_summarise(assessment, tmp_path, "json,md", ReportOptions(), None, console)
    text = console.export_text()
    assert "Open" not in text, "no report.html was written"
    lines = text.strip().splitlines()
    assert lines[-4].startswith("Fix first (the plan's order; details in the report)")
    assert [line[:5] for line in lines[-3:]] == ["  1. ", "  2. ", "  3. "]
    assert "db-0, db-1, db-2 (us-east-1)" in lines[-3]
    console = _console()
    report_and_summarise(assessment, tmp_path, "html", ReportOptions(), None, console)
    assert console.export_text().strip().splitlines()[-1] == f"Open {tmp_path / 'report.html'}"
    # on 80 columns a long fix wraps under its own text, not under its number
    narrow = Console(record=True, width=60, force_terminal=False, color_system=None)
    report_and_summarise(assessment, tmp_path, "json", ReportOptions(), None, narrow)
    tail = narrow.export_text().splitlines()
    start = next(i for i, line in enumerate(tail) if line.startswith("Fix first"))
    fix_lines = [line for line in tail[start + 1:] if line.strip()]
    assert len(fix_lines) > 3, "the sample's fixes should wrap at 60 columns"
    assert all(line.startswith("  ") for line in fix_lines) and all(
        line[:5] in ("  1. ", "  2. ", "  3. ") or line.startswith("     ") for line in fix_lines), fix_lines


def test_written_summary_counts_the_fixes_folder(tmp_path):
    paths = [tmp_path / "report.html", tmp_path / "fixes/1/us-east-1/fixes.sh", tmp_path / "fixes/1/us-east-1/a.json",
             tmp_path / "fixes/README.md"]
    assert written_summary(tmp_path, paths) == f"{tmp_path}/ (report.html, fixes/: 1 script, 1 document)"


def test_closing_lines_keep_account_text_out_of_markup(tmp_path):
    console = _console()
    action = {"rank": 1, "summary": "Do it", "resources": [{"name": "[bold]x[/bold]"}], "failing_count": 1,
              "regions": ["us-east-1"], "risks": []}
    closing_lines(console, actions=[action], outage={"text": "If [red]x[/red] fails"}, output_dir=Path("out"),
                  written=[])
    text = console.export_text()
    assert "[bold]x[/bold]" in text and "[red]x[/red]" in text
