"""Render every requested output in memory, then write them all; a render failure writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drcheck.inventory import inventory_json
from drcheck.outputs import json_bytes, write_files
from drcheck.paths import builtin_reports_dir
from drcheck.report.asff import asff_bytes
from drcheck.report.fixes import build_fixes, fix_files
from drcheck.report.junit import junit_bytes
from drcheck.report.ocsf import ocsf_bytes
from drcheck.report.pdf_worker import PdfWorker
from drcheck.report.render import render_html, render_pdf
from drcheck.report.sarif import sarif_bytes
from drcheck.report.tabular import findings_csv, summary_markdown
from drcheck.report.view import ReportOptions, build_view

# format -> the file it writes (fixes: a folder); inventory.json is always written.
FORMATS = {"html": "report.html", "pdf": "report.pdf", "json": "findings.json", "csv": "findings.csv",
           "md": "summary.md", "fixes": "fixes/", "sarif": "findings.sarif", "ocsf": "findings.ocsf.json",
           "asff": "findings.asff.json", "junit": "findings.junit.xml"}
DEFAULT_FORMATS = "html,pdf,json,csv,md,fixes"  # the interchange formats below are written only when asked for
# Interchange formats for other tools, each rendered from the assessment alone by its own module.
INTERCHANGE: dict[str, Callable[[Any], bytes]] = {"sarif": sarif_bytes, "ocsf": ocsf_bytes, "asff": asff_bytes,
                                                  "junit": junit_bytes}


def parse_formats(text: str) -> tuple[str, ...]:
    from drcheck.errors import UserError

    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UserError(f"--format: unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return chosen


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]  # file name (fixes/… holds folders) -> content
    actions: list[dict[str, Any]]  # the remediation plan, in order (the console names the first ones)
    outage: dict[str, Any] | None  # the executive outage headline, when objectives were estimated


def render_outputs(
    assessment,
    formats: tuple[str, ...],
    options: ReportOptions,
    template_dir: Path | None = None,
    objectives: Mapping[str, Any] | None = None,
    pdf_worker: PdfWorker | None = None,
) -> dict[str, bytes]:
    """Every requested file's bytes. With a started PdfWorker the PDF is laid out in the worker
    while this process renders the other formats."""
    return render_report(assessment, formats, options, template_dir, objectives, pdf_worker).files


def render_report(
    assessment,
    formats: tuple[str, ...],
    options: ReportOptions,
    template_dir: Path | None = None,
    objectives: Mapping[str, Any] | None = None,
    pdf_worker: PdfWorker | None = None,
    stage: Callable[[str], None] | None = None,
) -> Rendered:
    """The files (as render_outputs) and the plan and headline the console summary reads.

    `stage` is told what is being rendered, for the progress line."""
    stage = stage or (lambda _text: None)
    template_dirs = ([template_dir] if template_dir else []) + [builtin_reports_dir()]
    files: dict[str, bytes] = {"inventory.json": inventory_json(dict(assessment.inventory))}
    stage("Filling in the fixes")
    fixes = build_fixes(assessment.rules, assessment.findings, assessment.inventory)
    pdf_result = None
    if "pdf" in formats:
        stage("Laying out the PDF")
        print_html = render_html(build_view(assessment, options, objectives, for_print=True, fixes=fixes),
                                 template_dirs, for_print=True)
        if pdf_worker is not None:
            pdf_result = pdf_worker.submit(print_html)
        else:
            files["report.pdf"] = render_pdf(print_html)
    stage("Writing the HTML report, findings and fixes" + (" (the PDF is laid out meanwhile)" if pdf_result else ""))
    if "json" in formats:
        files["findings.json"] = json_bytes(assessment.findings_document())
    if "csv" in formats:
        files["findings.csv"] = findings_csv(assessment.findings, assessment.rules, fixes)
    for name, render in INTERCHANGE.items():
        if name in formats:
            files[FORMATS[name]] = render(assessment)
    view = build_view(assessment, options, objectives, fixes=fixes)
    if "html" in formats:
        files["report.html"] = render_html(view, template_dirs).encode("utf-8")
    if "md" in formats:
        files["summary.md"] = summary_markdown(view)
    if "fixes" in formats:
        files.update(fix_files(view["actions"], fixes, generated=view["generated_at"],
                               collected=view["collected_at"]))
    if pdf_result is not None:
        stage("Finishing the PDF layout")
        files["report.pdf"] = pdf_result()
    return Rendered(files, view["actions"], view["outage"])


def write_outputs(assessment, output_dir: Path, formats: tuple[str, ...], options: ReportOptions,
                  template_dir: Path | None = None, objectives: Mapping[str, Any] | None = None,
                  pdf_worker: PdfWorker | None = None) -> list[Path]:
    return write_files(output_dir, render_outputs(assessment, formats, options, template_dir, objectives, pdf_worker))
