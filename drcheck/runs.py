"""Run flows shared by scan and demo: collect with progress, assess, write, summarise on the console."""

from __future__ import annotations

import gzip
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from drcheck.collect.workers import Deadlines
from drcheck.diff import diff_findings, progress_line
from drcheck.errors import UserError
from drcheck.feedback import closing_lines, collecting, stages
from drcheck.history import History, resolve_baseline, scope_of
from drcheck.inventory import inventory_json
from drcheck.outputs import check_output_dir, write_files
from drcheck.pipeline import Assessment, Catalogue, assess, gate_failures, run_collection
from drcheck.redact import Redactor, rule_literals
from drcheck.report.outputs import FORMATS, parse_formats, render_report
from drcheck.report.pdf_worker import PdfWorker
from drcheck.report.view import ReportOptions
from drcheck.runfolders import previous_run, publish_run, runs_dir
from drcheck.suppressions import Suppression, unknown_rule_suppressions
from drcheck.text import terminal_text


@dataclass(frozen=True)
class AssessOptions:
    """How findings are derived from an inventory, beyond the rules themselves."""

    parameters: dict = field(default_factory=dict)
    suppressions: list[Suppression] | None = None
    baseline: dict | None = None
    redactor: Redactor | None = None
    fail_under: float | None = None
    fail_on: str | None = None
    min_coverage: float | None = None
    allow_unknown: bool = False
    # The run history (None with --no-history): earlier runs feed the report's trend, this run is
    # recorded once its reports are written. `baseline_ref` is `@ID` / `@last`, resolved in it.
    history: History | None = None
    baseline_ref: str | None = None
    command: str = "assess"
    # The output folder: with no --baseline, its previous run of the same scope is the baseline.
    previous_runs: Path | None = None


# `-o -` / `--stdout`: one machine-readable format on stdout, nothing else there (the console is stderr).
STDOUT = Path("-")
STDOUT_FORMATS = ("json", "sarif", "ocsf", "asff", "junit", "csv", "md")


def stdout_format(formats: str, default: bool) -> str:
    """The one format printed on stdout: json when --format was left at its default."""
    if default:
        return "json"
    chosen = parse_formats(formats)
    if len(chosen) != 1 or chosen[0] not in STDOUT_FORMATS:
        raise UserError(f"-o - / --stdout prints one format: choose one of {', '.join(STDOUT_FORMATS)} "
                        f"(got --format {formats})")
    return chosen[0]


def assess_inventory(catalogue: Catalogue, inventory: dict, options: AssessOptions,
                     console: Console | None = None) -> Assessment:
    """Redact (if asked) before anything is derived, then evaluate, suppress, score, compare.

    With a console, a line says which stage is running (assessing a big inventory takes a while)."""
    with stages(console) if console is not None else nullcontext(None) as stage:
        return _assess(catalogue, inventory, options, stage)


def _assess(catalogue: Catalogue, inventory: dict, options: AssessOptions,
            stage: Callable[[str], None] | None) -> Assessment:
    # Verdicts, suppressions and scores are decided on the real names; only then is the assessment
    # redacted (so a resource-scoped suppression still matches), and the baseline, which is a
    # redacted run too, compared with the redacted findings.
    assessment = assess(catalogue, inventory, parameters=options.parameters, suppressions=options.suppressions,
                        on_stage=stage)
    if options.suppressions:
        assessment = replace(assessment, suppressions={**(assessment.suppressions or {}), "unknown_rules": [
            s.describe() for s in unknown_rule_suppressions(options.suppressions, catalogue)]})
    if options.redactor is not None:
        if stage:
            stage("Redacting names and account ids")
        assessment = options.redactor.keeping(rule_literals(catalogue.available or catalogue.rules)).assessment(
            assessment)
    inventory = dict(assessment.inventory)
    baseline = options.baseline
    if options.baseline_ref is not None:
        if options.history is None:
            raise UserError(f"--baseline {options.baseline_ref} reads the run history: drop --no-history")
        baseline = resolve_baseline(options.baseline_ref, options.history, inventory)
    elif baseline is None and options.previous_runs is not None and options.previous_runs != STDOUT:
        _, accounts, regions = scope_of(inventory)
        previous = previous_run(options.previous_runs, list(accounts), list(regions))
        if previous is not None:
            baseline = previous[1]
            if stage:
                stage(f"Comparing with the previous run {previous[0].name}")
    if baseline:
        assessment = replace(assessment, baseline=diff_findings(
            dict(baseline), {"generated_at": assessment.generated_at, "findings": assessment.findings}))
    if options.history is not None:
        scope, _, _ = scope_of(inventory)
        earlier = tuple(run.as_dict() for run in options.history.runs(scope=scope))
        assessment = replace(assessment, history=earlier)
    return assessment


def record_run(assessment: Assessment, options: AssessOptions, console: Console) -> int | None:
    """Add the run to the history (after its reports are written) and say under which id."""
    if options.history is None:
        return None
    run_id = options.history.record(assessment, options.command)
    console.print(f"Recorded as run @{run_id} in {options.history.path} (drcheck history)", highlight=False,
                  soft_wrap=True)
    return run_id


def check_gates(assessment: Assessment, options: AssessOptions, console: Console) -> int:
    """Exit status for CI: 1 when --fail-under / --fail-on / --min-coverage trip, else 0."""
    reasons = gate_failures(assessment, options.fail_under, options.fail_on, options.min_coverage,
                            options.allow_unknown)
    for reason in reasons:
        console.print(f"[red]Gate failed:[/red] {terminal_text(reason)}", highlight=False)
    return 1 if reasons else 0


def report_and_summarise(assessment: Assessment, output_dir: Path, formats: str, options: ReportOptions,
                         template_dir: Path | None, console: Console, pdf_worker: PdfWorker | None = None) -> list[Path]:
    """Write the reports (or print the one format on stdout), then the score line, the outage headline,
    the top fixes and where the files are (the last lines: a founder needs no file to know what to do first)."""
    chosen = parse_formats(formats)
    with stages(console) as stage:
        rendered = render_report(assessment, chosen, options, template_dir, pdf_worker=pdf_worker, stage=stage)
        if output_dir == STDOUT:
            [name] = [FORMATS[f] for f in chosen]
            sys.stdout.buffer.write(rendered.files[name])
            sys.stdout.buffer.flush()
            written: list[Path] = []
        else:
            stage("Writing the files")
            written = publish_run(output_dir, rendered.files)
    card = assessment.scorecard
    score = "n/a" if card["overall"] is None else f"{card['overall']}/100"
    coverage = "n/a" if card["coverage"] is None else f"{card['coverage']}%"
    counts = card["counts"]
    console.print(
        f"Score [bold]{score}[/bold] (grade {card['grade'] or '–'}), coverage {coverage} — "
        f"{counts['PASS']} pass, {counts['FAIL']} fail, {counts['UNKNOWN']} unknown, "
        f"{counts['NOT_APPLICABLE']} not applicable"
    )
    if assessment.scorecard_with_suppressions is not None:
        suppressed = sum(1 for f in assessment.findings if "suppression" in f)
        expired = (assessment.suppressions or {}).get("expired") or []
        console.print(f"With {suppressed} suppressed finding(s) left out: score "
                      f"{assessment.scorecard_with_suppressions['overall']}; "
                      f"{len(expired)} suppression(s) expired", highlight=False)
    for unknown in (assessment.suppressions or {}).get("unknown_rules") or []:
        console.print(f"[yellow]Suppression for rule {terminal_text(unknown['rule'])!s} names no rule drcheck has "
                      "(see: drcheck rules list): it suppresses nothing.[/yellow]", highlight=False)
    if assessment.baseline is not None:
        console.print(f"Since the baseline: {progress_line(assessment.baseline)}", highlight=False)
    if output_dir == STDOUT:
        console.print(f"{FORMATS[chosen[0]]} printed on standard output", highlight=False, soft_wrap=True)
    else:
        closing_lines(console, actions=rendered.actions, outage=rendered.outage, output_dir=output_dir,
                      written=written)
    return written


def collect_with_progress(catalogue: Catalogue, accounts: list, *, max_workers: int,
             client_factory: Callable[[Any, str, str], Any], console: Console,
             unreachable: list[dict] | None, deadlines: Deadlines | None = None) -> dict:
    for entry in unreachable or []:
        console.print(f"[yellow]Account {terminal_text(entry['account_id'])} skipped: "
                      f"{terminal_text(entry['reason'])}[/yellow]", highlight=False)
    for account in accounts:
        for skipped in account.skipped_regions:
            console.print(f"[yellow]{terminal_text(account.account_id)} {terminal_text(skipped['region'])} skipped: "
                          f"{terminal_text(skipped['reason'])}[/yellow]",
                          highlight=False)
    with collecting(console) as on_progress:
        inventory = run_collection(catalogue, accounts, client_factory=client_factory,
                                   max_workers=max_workers, progress=on_progress, unreachable=unreachable,
                                   deadlines=deadlines)
    stopped = inventory.get("stopped_early")
    if stopped:
        console.print(f"[yellow]Collection stopped early: {terminal_text(stopped['reason'])}; "
                      f"{stopped['unfinished_tasks']} unfinished task(s) are UNKNOWN.[/yellow]", highlight=False)
    failed = len(inventory["errors"])
    if failed:
        console.print(f"[yellow]{failed} API call(s) failed; the checks that needed them are UNKNOWN "
                      f"(see the report's \"Not evaluated\" section).[/yellow]")
    return inventory


def save_inventory_first(inventory: dict, output_dir: Path) -> Path | None:
    """The collected inventory, written (atomically) as soon as collection ends, beside the kept runs
    (DIR.runs/<time>.inventory.json): whatever fails later while assessing or rendering, what was
    collected is kept and can be assessed again (`drcheck assess`). Not inside DIR, which shows the
    previous run until this one is published as one set; removed once it is (the run holds it)."""
    if output_dir == STDOUT:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    [path] = write_files(runs_dir(output_dir), {f"{stamp}.inventory.json": inventory_json(inventory)})
    return path


def collect_inventory(catalogue: Catalogue, accounts: list, *, max_workers: int,
                      client_factory: Callable[[Any, str, str], Any], output_dir: Path, gzip_output: bool,
                      console: Console, unreachable: list[dict] | None = None,
                      redactor: Redactor | None = None, deadlines: Deadlines | None = None) -> Path:
    """`drcheck collect`: the inventory only, optionally gzipped (and redacted)."""
    check_output_dir(output_dir)
    inventory = collect_with_progress(catalogue, accounts, max_workers=max_workers, client_factory=client_factory,
                         console=console, unreachable=unreachable, deadlines=deadlines)
    if redactor is not None:
        inventory = redactor.keeping(rule_literals(catalogue.available or catalogue.rules)).inventory(inventory)
    content = inventory_json(inventory)
    name = "inventory.json.gz" if gzip_output else "inventory.json"
    if gzip_output:
        content = gzip.compress(content, mtime=0)
    if output_dir == STDOUT:  # `collect -o -`: the inventory on stdout, for a pipe
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        console.print(f"Inventory of {len(inventory['resources'])} resources printed on standard output",
                      highlight=False)
        return STDOUT
    [path] = publish_run(output_dir, {name: content})
    console.print(f"Inventory of {len(inventory['resources'])} resources written to {path}", highlight=False)
    return path


def collect_and_report(
    catalogue: Catalogue,
    accounts: list,
    *,
    max_workers: int,
    client_factory: Callable[[Any, str, str], Any],
    output_dir: Path,
    formats: str,
    options: ReportOptions,
    template_dir: Path | None,
    console: Console,
    assess_options: AssessOptions | None = None,
    unreachable: list[dict] | None = None,
    pdf_worker: PdfWorker | None = None,
    deadlines: Deadlines | None = None,
) -> Assessment:
    """The scan flow: collect (with a progress bar), assess, write reports, summarise.

    The PDF worker (started here unless the caller started one earlier) gets ready while we collect.
    """
    chosen = parse_formats(formats)  # refuse a bad --format before spending minutes collecting
    check_output_dir(output_dir)  # and an unusable output folder (callers that call AWS first check earlier)
    own_worker = PdfWorker() if pdf_worker is None and "pdf" in chosen else nullcontext(pdf_worker)
    with own_worker as pdf_worker:
        inventory = collect_with_progress(catalogue, accounts, max_workers=max_workers, client_factory=client_factory,
                             console=console, unreachable=unreachable, deadlines=deadlines)
        assess_options = assess_options or AssessOptions()
        kept = inventory
        if assess_options.redactor is not None:  # on disk it is redacted like every output (verdicts use real names)
            kept = assess_options.redactor.keeping(rule_literals(catalogue.available or catalogue.rules)).inventory(
                inventory)
        saved = save_inventory_first(kept, output_dir)
        try:
            assessment = assess_inventory(catalogue, inventory, assess_options, console)
            report_and_summarise(assessment, output_dir, formats, options, template_dir, console, pdf_worker)
        except BaseException:
            if saved is not None:  # the error follows in one line; say first that nothing collected is lost
                Console(stderr=True).print(f"[yellow]The collected inventory is kept in {terminal_text(saved)} "
                              f"(drcheck assess {terminal_text(saved)} re-runs the assessment).[/yellow]",
                              highlight=False, soft_wrap=True)
            raise
        if saved is not None:
            saved.unlink(missing_ok=True)  # the published run holds inventory.json now
        record_run(assessment, assess_options, console)
    return assessment
