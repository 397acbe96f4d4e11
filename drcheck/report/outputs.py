"""Render every requested output in memory, then write them all; a render failure writes nothing."""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing as mp
import os
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from drcheck.inventory import inventory_json
from drcheck.outputs import write_files
from drcheck.paths import builtin_reports_dir
from drcheck.report.render import render_html, render_pdf
from drcheck.report.tabular import findings_csv, summary_markdown
from drcheck.report.view import ReportOptions, build_view

# format -> the file it writes; inventory.json is always written.
FORMATS = {"html": "report.html", "pdf": "report.pdf", "json": "findings.json", "csv": "findings.csv",
           "md": "summary.md"}
DEFAULT_FORMATS = ",".join(FORMATS)


def parse_formats(text: str) -> tuple[str, ...]:
    from drcheck.errors import UserError

    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UserError(f"--format: unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return chosen


def render_outputs(
    assessment,
    formats: tuple[str, ...],
    options: ReportOptions,
    template_dir: Path | None = None,
    objectives: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    template_dirs = ([template_dir] if template_dir else []) + [builtin_reports_dir()]
    files: dict[str, bytes] = {"inventory.json": inventory_json(dict(assessment.inventory))}
    with ExitStack() as stack:
        pdf_job = None
        if "pdf" in formats:
            # Laying out the PDF takes most of a report's time; it runs in a forked process while
            # this one renders the other formats (the machine has more than one core).
            print_html = render_html(build_view(assessment, options, objectives, for_print=True), template_dirs,
                                     for_print=True)
            pool = _pdf_pool()
            if pool is not None:
                stack.enter_context(pool)
                pdf_job = pool.submit(_render_pdf, print_html)
            else:
                files["report.pdf"] = render_pdf(print_html)
        if "json" in formats:
            files["findings.json"] = json.dumps(assessment.findings_document(), indent=1, default=str).encode("utf-8")
        if "csv" in formats:
            files["findings.csv"] = findings_csv(assessment.findings, assessment.rules)
        if "html" in formats or "md" in formats:
            view = build_view(assessment, options, objectives)
            if "html" in formats:
                files["report.html"] = render_html(view, template_dirs).encode("utf-8")
            if "md" in formats:
                files["summary.md"] = summary_markdown(view)
        if pdf_job is not None:
            files["report.pdf"] = pdf_job.result()
    return files


def _render_pdf(html: str) -> bytes:
    # Looked up at call time in the forked child, so it is this module's render_pdf whatever it is then.
    return render_pdf(html)


def _pdf_pool() -> cf.ProcessPoolExecutor | None:
    """A one-process pool that forks (inheriting everything already imported), or None where fork
    is unavailable or only one CPU is there to use."""
    if "fork" not in mp.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        return None
    return cf.ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))


def write_outputs(assessment, output_dir: Path, formats: tuple[str, ...], options: ReportOptions,
                  template_dir: Path | None = None, objectives: Mapping[str, Any] | None = None) -> list[Path]:
    return write_files(output_dir, render_outputs(assessment, formats, options, template_dir, objectives))
