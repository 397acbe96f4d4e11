"""End to end: `python -m drcheck demo -o DIR` writes the four reports, and the PDF is a real document:
pages render to PNG, text extracts, the contents page's numbers point at the right pages, fonts
are embedded. Then `assess` on the demo's inventory exercises --logo, --paper and --format.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_report_view import PNG_1PX

ROOT = Path(__file__).resolve().parents[1]
PARTS = ["Executive summary", "Remediation plan", "Findings by category", "Not evaluated", "Appendix"]


def drcheck(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drcheck", *args], capture_output=True, text=True, cwd=cwd, env=_env())


def _env() -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def demo_dir(demo_report) -> Path:
    return demo_report


def test_demo_writes_every_report(demo_dir):
    names = {p.name for p in demo_dir.iterdir()}
    assert {"report.pdf", "report.html", "findings.csv", "summary.md", "findings.json", "inventory.json"} <= names
    findings = json.loads((demo_dir / "findings.json").read_text())["findings"]
    rows = list(csv.DictReader(io.StringIO((demo_dir / "findings.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(findings) > 0
    assert [(r["rule_id"], r["resource_id"], r["status"]) for r in rows] == [
        (f["rule_id"], f["resource_id"], f["status"]) for f in findings]
    summary = (demo_dir / "summary.md").read_text()
    assert summary.startswith("# Disaster-recovery readiness report — Brightpaw")
    assert "## Remediation plan" in summary and "## Top risks" in summary


def test_pdf_pages_render_and_text_extracts(demo_dir, tmp_path):
    pdf = demo_dir / "report.pdf"
    info = poppler("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 10 <= pages <= 60
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info)
    poppler("pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page"))
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    pages_text = page_texts(pdf)
    assert len(pages_text) == pages and all(t.strip() for t in pages_text)
    assert "Brightpaw (demo account)" in pages_text[2]  # the running header, from page 3 on
    assert f"Page 3 of {pages}" in pages_text[2]


def page_texts(pdf: Path) -> list[str]:
    return poppler("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def heading_page(pages_text: list[str], title: str) -> int:
    """The first page (1-based, after the contents) with `title` alone on a line."""
    return next(i + 1 for i, text in enumerate(pages_text) if i >= 2
                and any(line.strip() == title for line in text.splitlines()))


def test_contents_page_numbers_point_at_their_sections(demo_dir):
    pages_text = page_texts(demo_dir / "report.pdf")
    contents = pages_text[1]
    found = []
    for title in PARTS + ["Glossary"]:
        listed = int(re.search(re.escape(title) + r"\s*\.+\s*(\d+)", contents).group(1))
        assert heading_page(pages_text, title) == listed, title
        found.append(listed)
    assert found == sorted(found), "parts out of order"


def test_pdf_fonts_are_embedded(demo_dir):
    rows = poppler("pdffonts", str(demo_dir / "report.pdf")).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        emb = row.split()[-5]  # name type encoding emb sub uni object ID
        assert emb == "yes", row


def test_html_has_every_part_and_inlines_everything(demo_dir):
    html = (demo_dir / "report.html").read_text()
    for anchor in ("summary", "at-a-glance", "plan", "findings", "not-evaluated", "appendix", "method", "catalogue",
                   "glossary"):
        assert f'id="{anchor}"' in html
    # Nothing is loaded from outside: no src= or stylesheet link leaves the file. (Plain <a href> links
    # to AWS documentation are navigation the reader may follow, not resources the page loads.)
    assert not re.search(r"""src=["']?(https?:|//|file:)""", html)
    assert not re.search(r"""<link[^>]+href=["']?(https?:|//|file:)""", html)
    assert not re.search(r"""href=["']?file:""", html)
    assert len(html.encode()) < 1_000_000


def test_assess_with_logo_paper_and_formats(demo_dir, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1PX)
    out = tmp_path / "out"
    result = drcheck("assess", str(demo_dir / "inventory.json"), "-o", str(out), "--logo", str(logo),
                     "--paper", "letter", "--format", "pdf,md", "--client", "Acme", "--quiet")
    assert result.returncode == 0, result.stderr
    assert {p.name for p in out.iterdir()} == {"inventory.json", "report.pdf", "summary.md"}
    info = poppler("pdfinfo", str(out / "report.pdf"))
    assert re.search(r"Page size:\s+612 x 792 pts \(letter\)", info)
    assert "image" in poppler("pdfimages", "-list", str(out / "report.pdf")).splitlines()[-1]


def test_logo_from_config_is_resolved_beside_the_config(demo_dir, tmp_path):
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(PNG_1PX)
    config = tmp_path / "drcheck.yaml"
    config.write_text("report:\n  client: Acme\n  logo: brand/logo.png\n")
    out = tmp_path / "out"
    result = drcheck("assess", str(demo_dir / "inventory.json"), "-o", str(out), "--config", str(config),
                     "--format", "html", "--quiet")
    assert result.returncode == 0, result.stderr
    assert 'src="data:image/png;base64,' in (out / "report.html").read_text()


@pytest.mark.parametrize("logo, message", [("missing.png", "is not a file"), ("notes.txt", "not a PNG, JPEG or SVG")])
def test_bad_logo_is_one_line_and_exit_2(demo_dir, tmp_path, logo, message):
    (tmp_path / "notes.txt").write_text("hello")
    result = drcheck("assess", str(demo_dir / "inventory.json"), "-o", str(tmp_path / "out"),
                     "--logo", str(tmp_path / logo))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_pdf_is_tagged_for_accessibility(demo_dir):
    # WeasyPrint here offers PDF/UA-1 (render.accessibility_options): structure tags and metadata.
    from drcheck.report.render import accessibility_options

    info = poppler("pdfinfo", str(demo_dir / "report.pdf"))
    if accessibility_options():
        assert re.search(r"Tagged:\s+yes", info), info


def test_pdf_reads_as_words_not_internals(demo_dir):
    # issue 11's page review: no CloudFormation type names, no "(s)" plurals, no "not collected"
    # for what drcheck collects, no doubled plural, and the glossary does not end on a page of its own.
    pages_text = page_texts(demo_dir / "report.pdf")
    text = "\n".join(pages_text)
    flat = re.sub(r"\s+", " ", text)
    assert not re.search(r"AWS::\w+::\w+", flat)
    assert "(s) " not in flat and "settingss" not in flat
    assert "not collected by drcheck" not in flat and "replication not collected" not in flat
    assert "compute capacity in" not in flat
    assert "nothing evaluated" not in flat
    last = pages_text[-1]
    assert len([line for line in last.splitlines() if line.strip()]) > 6, last
