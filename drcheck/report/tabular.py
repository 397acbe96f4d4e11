"""findings.csv (one row per finding, for spreadsheets) and summary.md (for a ticket or a PR comment).

Both carry account data into tools that interpret text: a spreadsheet runs a cell that starts
with `=`, and Markdown turns brackets into links and images that fetch. Cells are neutralised
and identifiers are written as code spans, so neither can happen.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from drcheck.model import Status
from drcheck.report.plan import filled_command
from drcheck.text import mark_deceptive

CSV_COLUMNS = (
    "rule_id", "title", "status", "severity", "category", "service", "resource_type", "account_id", "region",
    "resource_id", "resource_name", "resource_arn", "message", "reason", "missing_permissions", "evidence",
    "tags", "effort", "remediation_cli",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would start a formula."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
    return "'" + value if value.startswith(_FORMULA_START) else value


def findings_csv(findings: Sequence[Mapping[str, Any]], rules: Sequence[Any],
                 fixes: Mapping[str, Sequence[Any]] | None = None) -> bytes:
    """Every finding, with the filled remediation commands for failures (drcheck.report.fixes, one
    per line, setup first). UTF-8 with BOM for Excel."""
    by_id = {r.id: r for r in rules}
    commands = {(fix.rule_id, fix.account_id, fix.region, fix.resource_id): "\n".join(fix.commands)
                for rule_fixes in (fixes or {}).values() for fix in rule_fixes}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in findings:
        rule = by_id.get(f["rule_id"])
        remediation = rule.remediation if rule else {}
        row = {
            **{k: f.get(k) for k in CSV_COLUMNS},
            "missing_permissions": ";".join(f.get("missing_permissions") or ()),
            "evidence": f.get("evidence") or {},
            "tags": f.get("tags") or {},
            "effort": remediation.get("effort", "") if f["status"] == Status.FAIL else "",
            "remediation_cli": commands.get((f["rule_id"], f["account_id"], f["region"], f["resource_id"]),
                                            filled_command(remediation.get("cli", ""), f))
            if f["status"] == Status.FAIL else "",
        }
        writer.writerow([csv_cell(row[k]) for k in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


# The inline constructs: emphasis, code, links and images, HTML, tables, strikethrough, entities.
_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]<>|~!&])")


def md_text(value: Any) -> str:
    """Plain text for Markdown: the marks that start inline syntax backslash-escaped, lines joined,
    bidi overrides and zero-width characters shown as `[U+202E]` (as in the HTML report)."""
    return _MD_PUNCTUATION.sub(r"\\\1", " ".join(mark_deceptive(str(value)).split()))


def md_code(value: Any) -> str:
    """An identifier as a code span: no links, images or HTML inside, whatever the text holds."""
    text = " ".join(mark_deceptive(str(value)).split()).replace("|", "\\|")  # GFM splits table cells on | even in code
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def summary_markdown(view: Mapping[str, Any]) -> bytes:
    """The score, top risks, first steps and the plan, short enough for a ticket."""
    lines = [f"# {md_text(view['title'])}" + (f" — {md_text(view['client'])}" if view.get("client") else ""), ""]
    counts = view["counts"]
    score = "n/a" if view["score"] is None else f"{view['score']:.1f}/100"
    coverage = "n/a" if view["coverage"] is None else f"{view['coverage']:g}%"
    lines += [
        f"**Score {score} (grade {view['grade'] or '–'})**, coverage {coverage}: {counts['FAIL']:,} failing, "
        f"{counts['PASS']:,} passing, {counts['UNKNOWN']:,} not evaluated, {counts['NOT_APPLICABLE']:,} not applicable.",
        "",
        "Accounts " + ", ".join(md_code(a) for a in view["accounts"]) + " · Regions "
        + (", ".join(md_code(r) for r in view["regions"]) or "none") + f" · collected {md_text(view['collected_at'])}",
        "",
    ]
    if view.get("unreachable"):
        more = f"; and {view['unreachable_more']} more" if view.get("unreachable_more") else ""
        lines += ["**Not scanned:** " + "; ".join(
            md_code(u["account_id"]) + (f" ({md_text(u['name'])})" if u["name"] else "") + f": {md_text(u['reason'])}"
            for u in view["unreachable"]) + more + ". Their checks count as not evaluated in the coverage.", ""]
    lines += [
        "> " + md_text(view["meaning"]),
        "",
    ]
    if view["risks"]:
        lines += ["## Top risks", ""]
        for i, risk in enumerate(view["risks"], start=1):
            if risk["count"] == 1:
                who = f"{md_code(risk['names'][0])} ({md_text(risk['noun'])}, {md_code(risk['region'])})"
            else:
                more = risk["count"] - len(risk["names"])
                who = (f"{risk['count']} of {risk['of']} {md_text(risk['noun'])} ("
                       + ", ".join(md_code(n) for n in risk["names"]) + (f" and {more} more" if more else "") + ")")
            lines.append(f"{i}. **{risk['severity']}** {who}: {md_text(risk['message'])}")
        lines.append("")
    lines += ["## What to do first", ""] + [f"- {md_text(step)}" for step in view["steps"]] + [""]
    if view["actions"]:
        lines += ["## Remediation plan", "",
                  "| # | Fix | Severity | Failing | Effort | Points | Score after |",
                  "|--:|-----|----------|--------:|--------|-------:|------------:|"]
        for a in view["actions"]:
            after = "n/a" if a["score_after"] is None else f"{a['score_after']:g}"
            lines.append(f"| {a['rank']} | {md_text(a['rule_title'])} | {a['severity']} | {a['failing_count']} | "
                         f"{a['effort']} | +{a['points']:g} | {after} |")
        lines.append("")
    unknown_rules = (view.get("accepted_risks_part") or {}).get("unknown_rules") or []
    if unknown_rules:
        lines += ["## Suppressions naming no rule", "",
                  "These suppress nothing (a typo?): " + ", ".join(md_code(s["rule"]) for s in unknown_rules) + ".", ""]
    if view["unknown_count"]:
        lines += ["## Not evaluated", "",
                  f"{view['unknown_count']:,} checks could not be evaluated and are not in the score."]
        if view["missing_permissions"]:
            lines.append("Missing permissions: " + ", ".join(
                f"{md_code(p['permission'])} ({p['checks']})" for p in view["missing_permissions"]) + ".")
        lines.append("")
    lines.append(f"_Generated by {md_text(view['tool'])} on {md_text(view['generated_at'])}. Details in "
                 "report.pdf or report.html; every finding in findings.csv._")
    return ("\n".join(lines) + "\n").encode("utf-8")
