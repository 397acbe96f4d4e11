"""Run flows shared by scan and demo: collect with progress, assess, write, summarise on the console."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from drcheck.pipeline import Assessment, Catalogue, assess, run_collection
from drcheck.report.outputs import parse_formats, write_outputs
from drcheck.report.view import ReportOptions


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]Collecting[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("API calls"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def report_and_summarise(assessment: Assessment, output_dir: Path, formats: str, options: ReportOptions,
                         template_dir: Path | None, console: Console) -> list[Path]:
    """Write the reports, then print the score line and where they are."""
    written = write_outputs(assessment, output_dir, parse_formats(formats), options, template_dir)
    card = assessment.scorecard
    score = "n/a" if card["overall"] is None else f"{card['overall']}/100"
    coverage = "n/a" if card["coverage"] is None else f"{card['coverage']}%"
    counts = card["counts"]
    console.print(
        f"Score [bold]{score}[/bold] (grade {card['grade'] or '–'}), coverage {coverage} — "
        f"{counts['PASS']} pass, {counts['FAIL']} fail, {counts['UNKNOWN']} unknown, "
        f"{counts['NOT_APPLICABLE']} not applicable"
    )
    console.print(f"Report written to {output_dir}/ ({', '.join(p.name for p in written)})", highlight=False)
    return written


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
    parameters: dict | None = None,
) -> Assessment:
    """The scan flow: collect (with a progress bar), assess, write reports, summarise."""
    parse_formats(formats)  # refuse a bad --format before spending minutes collecting
    with _progress(console) as progress:
        task = progress.add_task("collect", total=None)

        def on_progress(done: int, scheduled: int) -> None:
            progress.update(task, completed=done, total=scheduled)

        inventory = run_collection(catalogue, accounts, client_factory=client_factory,
                                   max_workers=max_workers, progress=on_progress)
    failed = len(inventory["errors"])
    if failed:
        console.print(f"[yellow]{failed} API call(s) failed; the checks that needed them are UNKNOWN "
                      f"(see the report's \"Not evaluated\" section).[/yellow]")
    assessment = assess(catalogue, inventory, parameters=parameters)
    report_and_summarise(assessment, output_dir, formats, options, template_dir, console)
    return assessment
