"""Account data is untrusted: hostile names and tags must reach HTML and PDF as text and fetch nothing.

An EBS volume in moto carries markup in its Name tag, file:// and http:// URLs, a long string,
RTL text and emoji in other tags. It goes through the real collect → assess → render path. A
local HTTP server stands in for "the network": any request to it fails the test.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from drcheck.demo.emulator import MissingApiEmulator
from drcheck.paths import builtin_reports_dir
from drcheck.pipeline import Catalogue, assess
from drcheck.report.render import render_html, render_pdf
from drcheck.report.view import ReportOptions, build_view
from tests.conftest import collect_for_rules

MARKUP = "<img src=x onerror=alert(1)>"
RTL = "مرحبا بالعالم"
EMOJI = "🔥💾"
LONG = "L" * 240 + "END"


@contextmanager
def listening_server():
    """A local HTTP server recording every request path; yields (base URL, hits)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def hostile_assessment(session, catalogue, base_url: str):
    """The real pipeline over one EBS volume whose tags are hostile (moto, AWS Backup/DLM emulated)."""
    MissingApiEmulator().install(session)
    ec2 = session.client("ec2", region_name="us-east-1")
    tags = [{"Key": "Name", "Value": MARKUP}, {"Key": "Owner", "Value": "file:///etc/passwd"},
            {"Key": "Link", "Value": f"{base_url}/pixel.png"}, {"Key": "Note", "Value": f"{RTL} {EMOJI}"},
            {"Key": "Zlong", "Value": LONG}]
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": tags}])
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": LONG}]}])
    rules = tuple(r for r in catalogue.rules if r.id == "ebs-volume-backup")
    inventory = collect_for_rules(session, catalogue, [r.id for r in rules])
    return assess(Catalogue(catalogue.collectors, catalogue.linkers, rules), inventory)


def test_hostile_tags_render_as_text_and_fetch_nothing(aws, catalogue, tmp_path):
    with listening_server() as (base_url, hits):
        assessment = hostile_assessment(aws, catalogue, base_url)
        statuses = {f["resource_name"]: f["status"] for f in assessment.findings}
        assert statuses == {MARKUP: "FAIL", LONG: "FAIL"}
        options = ReportOptions(client="Acme <b>Corp</b>")
        html = render_html(build_view(assessment, options), [builtin_reports_dir()])
        refused: list[str] = []
        pdf = render_pdf(render_html(build_view(assessment, options, for_print=True), [builtin_reports_dir()],
                                     for_print=True), refused=refused)
        assert hits == [], "the report fetched a URL from the account data"
        assert refused == [], f"the PDF asked for {refused}: account data became markup"

    # HTML: the markup is escaped text; no element carries it.
    assert MARKUP not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "onerror" not in re.sub(r"&lt;img src=x onerror=alert\(1\)&gt;", "", html)
    assert "Acme &lt;b&gt;Corp&lt;/b&gt;" in html
    for text in (RTL, EMOJI, "file:///etc/passwd", f"{base_url}/pixel.png", LONG):
        assert text in html
    assert len(re.findall(r"<img\b", html)) == 0

    # The suggested command names the volume by its id (the document it reads is named after the id too),
    # so the hostile name never reaches a shell line.
    assert "backup-selection-resource-vol-" in html
    commands = [c for a in build_view(assessment, options)["actions"] for fix in a["fixes"] for c in fix["commands"]]
    assert commands and not any(MARKUP in c for c in commands)

    # PDF: the same strings are extractable text (-raw: content-stream order keeps each table cell's
    # text together; reading order interleaves wrapped lines of neighbouring cells).
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for needle in (MARKUP, "file:///etc/passwd", "Owner=file:///etc/passwd", f"{base_url}/pixel.png",
                   "Acme<b>Corp</b>", "L" * 50):
        assert re.sub(r"\s+", "", needle) in flat, needle
    for word in RTL.split() + list(EMOJI):
        assert word in text


def test_offline_fetcher_refuses_network_and_files(tmp_path):
    """Defence in depth: even real <img>/<link> elements fetch nothing but data: URLs and the allowed file."""
    allowed = tmp_path / "logo.svg"
    allowed.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    with listening_server() as (base_url, hits):
        html = (f'<html><head><link rel="stylesheet" href="{base_url}/style.css"></head><body>'
                f'<img src="{base_url}/pixel.png"><img src="file:///etc/passwd">'
                f'<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=">'
                f'<img src="{allowed.as_uri()}"><p>text</p></body></html>')
        refused: list[str] = []
        pdf = render_pdf(html, allowed_files=(allowed.as_uri(),), refused=refused)
        assert hits == []
    assert sorted(refused) == sorted([f"{base_url}/style.css", f"{base_url}/pixel.png", "file:///etc/passwd"])
    assert pdf.startswith(b"%PDF")


def test_template_marks_only_our_own_content_safe():
    """`|safe` is for our CSS, JS and the escaped SVG charts; account data never takes that path."""
    uses = []
    for path in sorted(Path(builtin_reports_dir()).glob("*.j2")):
        uses += [(path.name, m) for m in re.findall(r"\{\{\s*([^}|]+?)\s*\|\s*safe\s*\}\}", path.read_text())]
    assert {expr for _, expr in uses} <= {"css", "script", "view.charts.gauge", "view.charts.categories",
                                          "view.charts.services", "view.charts.heat_map", "view.trend.svg"}, uses


@pytest.mark.parametrize("name", [MARKUP, "x]]></text><script>alert(1)</script>"])
def test_chart_labels_from_regions_stay_text(name):
    from drcheck.report import charts

    svg = charts.heat_map([name], ["Backup"], {(name, "Backup"): 50.0}, title="t")
    assert "<script" not in svg and "<img" not in svg
