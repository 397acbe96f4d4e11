"""An account that could not be assumed counts against coverage and is named on the report's cover and
in summary.md: never "coverage 100 %" with an account missing."""

from __future__ import annotations

import json
import re

from drcheck.paths import builtin_reports_dir
from drcheck.pipeline import assess
from drcheck.report.render import render_html
from drcheck.report.tabular import summary_markdown
from drcheck.report.view import UNREACHABLE_NAMED, ReportOptions, build_view
from tests.test_inventory_reader import BASE

DENIED = "AccessDenied: not authorized to perform sts:AssumeRole on arn:aws:iam::999988887777:role/audit"


def with_unreachable(count: int) -> dict:
    data = json.loads(json.dumps(BASE))
    data["unreachable_accounts"] = [{"account_id": f"99998888{7770 + i:04d}", "name": f"payments-{i}",
                                     "reason": DENIED} for i in range(count)]
    return data


def test_unreachable_accounts_count_against_coverage(catalogue):
    reached = assess(catalogue, with_unreachable(0))
    missing = assess(catalogue, with_unreachable(1))
    assert missing.scorecard["coverage"] < reached.scorecard["coverage"]
    unknown = [f for f in missing.findings if f["account_id"] == "999988887770"]
    assert {f["rule_id"] for f in unknown} == {r.id for r in catalogue.rules}
    assert all(f["status"] == "UNKNOWN" and "account 999988887770 (payments-0) could not be scanned: AccessDenied"
               in f["reason"] for f in unknown)
    assert missing.scorecard["overall"] == reached.scorecard["overall"], "the score speaks for what was judged"


def test_unreachable_accounts_are_named_on_the_cover_and_in_the_summary(catalogue):
    assessment = assess(catalogue, with_unreachable(UNREACHABLE_NAMED + 2))
    for for_print in (False, True):
        html = render_html(build_view(assessment, ReportOptions(), for_print=for_print), [builtin_reports_dir()],
                           for_print=for_print)
        cover = re.search(r'<header class="cover".*?</header>', html, re.S)
        assert cover is not None
        assert "Not scanned" in cover.group() and "999988887770 (payments-0): AccessDenied" in cover.group()
        assert "and 2 more" in cover.group()
    summary = summary_markdown(build_view(assessment, ReportOptions())).decode("utf-8")
    assert "**Not scanned:** `999988887770` (payments-0): AccessDenied" in summary
    assert "coverage 100%" not in summary
    assert "Not scanned" not in summary_markdown(build_view(assess(catalogue, with_unreachable(0)),
                                                            ReportOptions())).decode("utf-8")
