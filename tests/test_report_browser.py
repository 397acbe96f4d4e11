"""The HTML report in a real browser: Debian's headless Chromium must load it offline with no
console errors (a Content-Security-Policy violation is one), run its script, and show every
section. Chromium is required: CI installs it (.ci/run); without it this test fails, loudly.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from drcheck.paths import builtin_reports_dir
from drcheck.report.render import render_html
from drcheck.report.view import build_view
from tests.test_report_hostile import EMOJI, MARKUP, RTL, hostile_assessment, listening_server
from tests.test_report_view import OPTIONS, sample_assessment


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is required for the HTML report test: apt-get install chromium (.ci/run installs it)")


def run_chromium(target: Path, profile: Path, *flags: str) -> tuple[str, list[str]]:
    """Load a file in headless Chromium; returns stdout and the page's console messages."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *flags, target.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True)
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, console


class _Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def dom(html: str) -> _Dom:
    parser = _Dom()
    parser.feed(html)
    return parser


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_report_loads_offline_with_every_section_and_no_console_error(catalogue, tmp_path):
    view = build_view(sample_assessment(catalogue), OPTIONS)
    page = tmp_path / "report.html"
    page.write_text(render_html(view, [builtin_reports_dir()]), encoding="utf-8")

    dumped, console = run_chromium(page, tmp_path / "profile", "--dump-dom")
    assert console == [], "\n".join(console)
    loaded = dom(dumped)
    ids = {attrs.get("id") for _, attrs in loaded.elements}
    missing = [s["id"] for s in view["sections"] if s["id"] not in ids]
    assert missing == [], f"sections missing in the browser's DOM: {missing}"
    # The filter bar is hidden in the markup and shown by the script: it ran under the CSP.
    bar = next(attrs for tag, attrs in loaded.elements if attrs.get("id") == "filter")
    assert "hidden" not in bar
    filters = {attrs.get("data-filter") for tag, attrs in loaded.elements if tag == "select"}
    assert {"severity", "service"} <= filters
    assert any(tag == "button" and attrs.get("class") == "sort" for tag, attrs in loaded.elements)
    assert sum(1 for tag, attrs in loaded.elements if tag == "svg" and attrs.get("class") == "chart") == 4

    shot = tmp_path / "report.png"
    _, console = run_chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2400",
                              "--hide-scrollbars")
    assert console == [], "\n".join(console)
    assert png_size(shot) == (1280, 2400) and shot.stat().st_size > 50_000  # a blank page compresses to ~5 KB

    printed = tmp_path / "printed.pdf"
    _, console = run_chromium(page, tmp_path / "profile", f"--print-to-pdf={printed}", "--no-pdf-header-footer")
    assert console == [] and printed.read_bytes().startswith(b"%PDF")


def test_hostile_account_data_stays_text_in_the_browser(aws, catalogue, tmp_path):
    with listening_server() as (base_url, hits):
        assessment = hostile_assessment(aws, catalogue, base_url)
        page = tmp_path / "report.html"
        page.write_text(render_html(build_view(assessment, OPTIONS), [builtin_reports_dir()]), encoding="utf-8")
        dumped, console = run_chromium(page, tmp_path / "profile", "--dump-dom")
        assert hits == [], "the browser fetched a URL taken from the account"
    assert console == [], "\n".join(console)
    loaded = dom(dumped)
    assert [tag for tag, _ in loaded.elements if tag in ("img", "iframe", "object", "embed")] == []
    assert all(not any(name.startswith("on") for name in attrs) for _, attrs in loaded.elements)
    text = "".join(loaded.text)
    for needle in (MARKUP, RTL, EMOJI, "file:///etc/passwd", f"{base_url}/pixel.png"):
        assert needle in text


# Drives the report's own script like a reader would (choose a severity, sort by points) and writes
# what the page then shows into the DOM. The page is the real report minus its CSP, which would
# (rightly) refuse this extra script.
DRIVER = """<script>
window.addEventListener("load", function () {
  var out = {};
  var select = document.querySelector("select[data-filter=severity]");
  var wanted = select.options[select.options.length - 1].value;
  select.value = wanted;
  select.dispatchEvent(new Event("change"));
  var rows = Array.prototype.slice.call(document.querySelectorAll(".plan-table tbody tr[data-severity]"));
  out.wanted = wanted;
  out.shown = rows.filter(function (r) { return !r.classList.contains("is-hidden"); })
                  .map(function (r) { return r.getAttribute("data-severity"); });
  out.rules = Array.prototype.slice.call(document.querySelectorAll("#findings article.rule:not(.is-hidden)"))
                  .map(function (r) { return r.getAttribute("data-severity"); });
  document.querySelector("#filter").reset();
  document.querySelector("#filter").dispatchEvent(new Event("reset"));
  var points = Array.prototype.slice.call(document.querySelectorAll(".plan-table th[data-sort]"))
                  .filter(function (th) { return th.textContent.indexOf("Points") !== -1; })[0];
  points.querySelector("button").click();
  out.points = Array.prototype.slice.call(document.querySelectorAll(".plan-table tbody tr[data-severity]"))
                  .map(function (r) { return parseFloat(r.cells[points.cellIndex].getAttribute("data-value")); });
  var pre = document.createElement("pre"); pre.id = "driver"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def test_filters_and_sorting_work_in_the_browser(catalogue, tmp_path):
    import html as html_module
    import json
    import re

    view = build_view(sample_assessment(catalogue), OPTIONS)
    page_html = render_html(view, [builtin_reports_dir()])
    page_html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page_html)
    page = tmp_path / "driven.html"
    page.write_text(page_html.replace("</body>", DRIVER + "</body>"), encoding="utf-8")
    dumped, _ = run_chromium(page, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=5000")
    found = re.search(r'<pre id="driver">(.*?)</pre>', dumped, re.S)
    assert found, "the driver did not run"
    out = json.loads(html_module.unescape(found.group(1)))
    severities = {a["severity"] for a in view["plan_rows"]}
    assert len(severities) > 1, "the sample needs two severities to show filtering"
    assert out["shown"] and set(out["shown"]) == {out["wanted"]}
    assert len(out["shown"]) == sum(1 for a in view["plan_rows"] if a["severity"] == out["wanted"])
    assert out["rules"] and set(out["rules"]) == {out["wanted"]}
    assert out["points"] == sorted(out["points"]) and len(out["points"]) == len(view["plan_rows"])
