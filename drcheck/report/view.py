"""The view model a report template reads: plain values built from the assessment, nothing computed in Jinja.

Sections and the table of contents
----------------------------------
`view["sections"]` lists the document's headings in order: dicts with `id` (the HTML anchor),
`title` and `level` (1 = part, 2 = section inside it). The contents page (HTML and PDF, with
page numbers) is built from this list only, so a template partial that adds a heading must add
its entry too. Two ways, both keeping document order:

* pass `objectives={"sections": [{"id": "objectives", "title": "Recovery objectives", "level": 1,
  "after": "plan"}, {"id": "objectives-method", "title": "…", "level": 2, "before": "glossary"}], …}`
  to `build_view`: each entry is placed after (or before) the named section;
* or call `insert_section(view["sections"], entry, after=…)` on a built view.

`view["objectives"]` is passed through untouched (None by default); report.html.j2 includes
objectives.html.j2 after the remediation plan and objectives_appendix.html.j2 in the appendix
when it is set.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from drcheck import __version__
from drcheck.model import CATEGORIES, SEVERITY_WEIGHTS, Status
from drcheck.objectives.view import objectives_view
from drcheck.report import charts, story
from drcheck.report.consulting import accepted_risks_part, accounts_part, progress_part
from drcheck.report.fixes import build_fixes
from drcheck.report.gaps import failed_calls, missing_permissions, unknown_groups
from drcheck.report.plan import PRIORITY_SENTENCE, RISKS, first_steps, remediation_plan, top_risks
from drcheck.report.trend import trend_part
from drcheck.report.wording import (
    CATEGORY_MEANINGS,
    GRADE_MEANINGS,
    NO_GRADE_MEANING,
    category_title,
    human_date,
    resource_noun,
    service_title,
)
from drcheck.score import GRADE_FLOORS, score

# A report is read, not searched: past these counts a list stops informing and only adds pages
# (and render time: WeasyPrint lays out ~5 pages a second). The HTML, which has a filter box,
# lists more. findings.csv always has every finding.
MAX_RESOURCES_PER_RULE = 5
MAX_RESOURCES_PER_RULE_HTML = 50
# Per medium: resources named per plan action, filled AWS CLI commands per action, resources
# named per not-evaluated cause.
# Print limits keep a big account's PDF readable and its layout time bounded (WeasyPrint lays out
# about five pages a second); the HTML report and findings.csv carry everything.
class MediumLimits(TypedDict):
    """How many items a medium lists per part (None: all)."""

    plan: int
    commands: int
    cause: int
    detailed_actions: int | None
    plan_rows: int | None
    unknown_groups: int | None


MEDIUM_LIMITS: dict[str, MediumLimits] = {
    "print": {"plan": 5, "commands": 1, "cause": 6, "detailed_actions": 10, "plan_rows": 30, "unknown_groups": 20},
    "html": {"plan": 20, "commands": 10, "cause": 20, "detailed_actions": None, "plan_rows": None,
             "unknown_groups": None},
}
EVIDENCE_CHARS = 120
LEAD_CHARS = 220  # the printed findings table quotes this much of a rule's description
TAGS_SHOWN = 4  # owner, environment, team…: enough to find who to ask, without the whole tag set
TAG_CHARS = 60
UNREACHABLE_NAMED = 5  # accounts not scanned named on the cover (the Accounts section lists them all)


@dataclass(frozen=True)
class ReportOptions:
    title: str = "Disaster-recovery readiness report"
    client: str | None = None
    assessor: str | None = None
    paper: str = "a4"
    logo: str | None = None  # a data: URL, from drcheck.report.logo.logo_data_url (validated)
    max_resources_per_rule: int = MAX_RESOURCES_PER_RULE  # failing (and 2× passing) resources per rule, PDF
    max_resources_per_rule_html: int = MAX_RESOURCES_PER_RULE_HTML


def insert_section(sections: list[dict[str, Any]], entry: Mapping[str, Any], *, after: str | None = None,
                   before: str | None = None) -> None:
    """Put a ToC entry after section `after` (and its subsections) or before `before`; else at the end."""
    entry = {"level": 1, **{k: v for k, v in entry.items() if k not in ("after", "before")}}
    ids = [s["id"] for s in sections]
    if before in ids:
        sections.insert(ids.index(before), entry)
        return
    if after in ids:
        index = ids.index(after)
        level = sections[index]["level"]
        index += 1
        while index < len(sections) and sections[index]["level"] > level:
            index += 1
        sections.insert(index, entry)
        return
    sections.append(entry)


def build_view(assessment: Any, options: ReportOptions, objectives: Mapping[str, Any] | None = None, *,
               for_print: bool = False, fixes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The view for the HTML page, or (for_print) for the PDF, which lists fewer resources per rule.

    `fixes` (drcheck.report.fixes.build_fixes) is computed here when the caller has not already.
    """
    if fixes is None:
        fixes = build_fixes(assessment.rules, assessment.findings, assessment.inventory)
    if objectives is None:
        objectives = objectives_view(assessment)
    card = assessment.scorecard
    findings = assessment.findings
    inventory = assessment.inventory
    limit = options.max_resources_per_rule if for_print else options.max_resources_per_rule_html
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for finding in findings:
        by_rule[finding["rule_id"]].append(finding)
    accounts = [a["account_id"] for a in inventory.get("accounts", [])]
    # Named on the cover and in summary.md: their checks are UNKNOWN, so the coverage shows the gap.
    unreachable = [{"account_id": u["account_id"], "name": u.get("name") or "",
                    "reason": _short(u.get("reason") or "unreachable", 160)}
                   for u in inventory.get("unreachable_accounts", [])]

    medium = MEDIUM_LIMITS["print" if for_print else "html"]
    document = getattr(assessment, "objectives", None)
    workload_of = story.workload_index(document)
    actions = remediation_plan(assessment.rules, by_rule, card, min(limit, medium["plan"]), medium["commands"],
                               workloads=workload_of,
                               tier_count=len(story.tier_ranks(document or {})), fixes=fixes)
    action_of = {a["rule_id"]: a for a in actions}
    rule_views = [_rule_view(rule, by_rule.get(rule.id, []), action_of.get(rule.id), limit, workload_of)
                  for rule in assessment.rules if by_rule.get(rule.id)]
    categories = _categories(rule_views, card, compact_clean=for_print)
    permissions = missing_permissions(findings)
    causes = unknown_groups(findings, {r.id: r.title for r in assessment.rules}, min(limit, medium["cause"]))
    unknown_count = card["counts"].get("UNKNOWN", 0)

    view: dict[str, Any] = {
        "title": options.title,
        "client": options.client,
        "assessor": options.assessor,
        "paper": options.paper,
        "logo": options.logo,
        "tool": f"drcheck {__version__}",
        "generated_at": human_date(assessment.generated_at),
        "collected_at": human_date(inventory.get("generated_at")),
        "date": human_date(inventory.get("generated_at") or assessment.generated_at).split(",")[0],
        "accounts": accounts,
        "unreachable": unreachable[:UNREACHABLE_NAMED],
        "unreachable_more": max(0, len(unreachable) - UNREACHABLE_NAMED),
        "multi_account": len({f["account_id"] for f in findings}) > 1,
        "regions": list(inventory.get("regions", [])),
        "resource_count": len(inventory.get("resources", [])),
        "rule_count": len(assessment.rules),
        "score": card["overall"],
        "grade": card["grade"],
        "coverage": card["coverage"],
        "counts": card["counts"],
        "checks": len(findings),
        "evaluated": card["counts"].get("PASS", 0) + card["counts"].get("FAIL", 0),
        "weight_earned": card.get("weight_earned", 0),
        "weight_possible": card.get("weight_possible", 0),
        "formula": card["formula"],
        "meaning": GRADE_MEANINGS.get(card["grade"] or "", NO_GRADE_MEANING),
        "meaning_head": GRADE_MEANINGS.get(card["grade"] or "", NO_GRADE_MEANING).split(". ", 1)[0] + ".",
        "meaning_rest": (GRADE_MEANINGS.get(card["grade"] or "", NO_GRADE_MEANING).split(". ", 1) + [""])[1],
        "weakest": _weakest(categories),
        "risks": top_risks(actions, rules=assessment.rules),
        "steps": first_steps(actions, card, unknown_count, [p["permission"] for p in permissions]),
        "actions": actions,
        "priority": PRIORITY_SENTENCE,
        # Print details the actions that matter most (every top risk, at least the first ten); every
        # action stays in the ranked table, and the HTML report and fixes/ carry every command
        # (layout time grows with pages).
        "detailed_actions": actions[:max(medium["detailed_actions"] or len(actions), RISKS)],
        "outage": story.outage_headline(document),
        "day_2015": story.day_2015(document),
        "plan_rows": actions[:medium["plan_rows"]],
        "categories": categories,
        "filters": _filters(rule_views, actions),
        "services": [{"name": k, **v} for k, v in card["by_service"].items()],
        "unknown_groups": causes[:medium["unknown_groups"]],
        "unknown_groups_total": len(causes),
        "unknown_count": unknown_count,
        "missing_permissions": permissions,
        "failed_calls": failed_calls(inventory.get("errors", [])),
        # The PDF lists only rules that found something to judge: with 100+ rules, the idle ones
        # would fill pages (and layout time) without telling the reader anything; the HTML has all.
        "catalogue": [r for r in _catalogue(assessment.rules, by_rule) if r["anchor"] or not for_print],
        "catalogue_idle": sum(1 for r in assessment.rules if not by_rule.get(r.id)) if for_print else 0,
        "weights": [{"severity": s, "weight": w} for s, w in SEVERITY_WEIGHTS.items()],
        "grade_floors": [{"grade": g, "floor": f} for g, f in GRADE_FLOORS],
        "max_resources": limit,
        "charts": _charts(card, categories, findings),
        "objectives": objectives,
        "accounts_part": accounts_part(assessment),
        "accepted_risks_part": accepted_risks_part(assessment, for_print),
        "progress_part": progress_part(assessment, for_print),
        "trend": trend_part(assessment),
    }
    view["sections"] = _sections(categories)
    if view["accounts_part"]:
        insert_section(view["sections"], {"id": "accounts", "title": "Accounts", "level": 1}, before="plan")
    if view["progress_part"]:
        insert_section(view["sections"], {"id": "progress", "title": "Since the last assessment", "level": 1},
                       before="plan")
    if view["trend"]:
        insert_section(view["sections"], {"id": "trend", "title": "Progress over time", "level": 1}, before="plan")
    if view["accepted_risks_part"]:
        insert_section(view["sections"], {"id": "accepted-risks", "title": "Accepted risks", "level": 1},
                       before="not-evaluated")
    for entry in (objectives or {}).get("sections", []):
        insert_section(view["sections"], entry, after=entry.get("after"), before=entry.get("before"))
    if view["day_2015"]:
        insert_section(view["sections"], {"id": "day-2015", "title": "The 2015 day", "level": 1},
                       before="objectives" if objectives else None, after="plan")
    # Nothing passed or failed: no score, no plan, no findings to read. The report says so on a few
    # pages (why, and what to change before scanning again) instead of two dozen empty ones.
    view["nothing_evaluated"] = not view["evaluated"]
    if view["nothing_evaluated"]:
        view["sections"] = [{"id": "summary", "title": "Nothing could be evaluated", "level": 1}]
        if unknown_count or view["failed_calls"].get("total"):
            view["sections"].append({"id": "not-evaluated", "title": "Not evaluated", "level": 1})
        view["sections"] += [{"id": "appendix", "title": "Appendix", "level": 1},
                             {"id": "method", "title": "Method and scoring", "level": 2}]
        view["selected_types"] = sorted({resource_noun(r.resource_type, 2) for r in assessment.rules})
    return view


def _rule_view(rule: Any, findings: list[dict], action: Mapping[str, Any] | None, limit: int,
               workload_of: Mapping[tuple[str, str, str, str], Mapping[str, Any]] | None = None) -> dict[str, Any]:
    by_status: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        by_status[f["status"]].append(f)
    failing, passing = by_status[Status.FAIL], by_status[Status.PASS]
    workload_of = workload_of or {}

    def workload(f: Mapping[str, Any]) -> str:
        found = workload_of.get((f["account_id"], f["region"], f["resource_type"], f["resource_id"]))
        return str(found["workload"]) if found else ""

    judged = [f for f in findings if f["status"] != Status.NOT_APPLICABLE]
    deciding = _deciding_fields(rule)
    return {
        "id": rule.id,
        "anchor": f"rule-{rule.id}",
        "title": rule.title,
        "service": rule.service,
        "category": rule.category,
        "severity": rule.severity,
        "description": rule.description.strip(),
        "description_lead": _first_sentences(rule.description, 1),
        "fail_message": rule.messages.get("fail", ""),
        "noun": resource_noun(rule.resource_type, 2),
        "counts": {s.value: len(by_status[s.value]) for s in Status},
        "impact": action["impact"] if action else 0,
        "action": {"rank": action["rank"], "anchor": action["anchor"]} if action else None,
        # What the report's filters match on (reports/report.js): every judged resource's Region,
        # account and workload, not only the listed ones.
        "regions": sorted({f["region"] for f in judged}),
        "accounts": sorted({f["account_id"] for f in judged}),
        "workloads": sorted({w for f in judged if (w := workload(f))}),
        "failing": [{**_failing(f, deciding), "workload": workload(f)} for f in failing[:limit]],
        "failing_more": max(0, len(failing) - limit),
        "passing": [f["resource_name"] for f in passing[: 2 * limit]],  # names only: cheap to list
        "passing_more": max(0, len(passing) - 2 * limit),
        "not_applicable_message": rule.messages.get("not_applicable", ""),
        "references": rule.references,
    }


def _filters(rule_views: list[dict], actions: list[dict]) -> dict[str, list[dict[str, str]]]:
    """The choices of the HTML report's filter bar (severity, service, Region, account, workload):
    only values the plan or the findings hold, each as {value, label}."""
    judged = [r for r in rule_views if r["counts"]["PASS"] or r["counts"]["FAIL"] or r["counts"]["UNKNOWN"]]
    items = judged + list(actions)
    severities = {r["severity"] for r in items}
    return {
        "severity": [{"value": s, "label": s} for s in SEVERITY_WEIGHTS if s in severities],
        "service": sorted(({"value": s, "label": service_title(s)} for s in {r["service"] for r in items}),
                          key=lambda o: o["label"].lower()),
        "region": [{"value": v, "label": v} for v in sorted({v for r in items for v in r["regions"]})],
        "account": [{"value": v, "label": v} for v in sorted({v for r in items for v in r["accounts"]})],
        "workload": [{"value": v, "label": v} for v in sorted({v for r in items for v in r["workloads"]})],
    }


def _deciding_fields(rule: Any) -> dict[str, dict[str, set]]:
    """For each list field the rule quantifies over: the item fields its condition reads, and the
    literal values it compares an item's Key with ({"Attributes": {"fields": {"Key", "Value"},
    "keys": {"deletion_protection.enabled"}}}), so evidence can show the items that decide first."""
    found: dict[str, dict[str, set]] = {}
    conditions = [c for c in (getattr(rule, "condition", None), getattr(rule, "applies_when", None)) if c is not None]
    for condition in conditions:
        try:
            leaves = condition.leaves()
        except AttributeError:  # a stand-in rule in a test
            continue
        for path, leaf in leaves:
            if "[]." not in path:
                continue
            top, inner = path.split("[].", 1)
            entry = found.setdefault(top, {"fields": set(), "keys": set()})
            entry["fields"].add(inner.split(".", 1)[0].split("[]", 1)[0])
            literal = getattr(getattr(leaf, "operand", None), "literal", None)
            if inner == "Key" and leaf.operator == "equals" and isinstance(literal, str):
                entry["keys"].add(literal)
    return found


def _deciding_items(value: Any, deciding: Mapping[str, set] | None) -> Any:
    """A list of records cut to what decides: the items whose Key the rule names (AWS's Key/Value
    attribute lists), each item reduced to the fields the rule reads. Other values unchanged."""
    if not deciding or not isinstance(value, list) or not all(isinstance(i, dict) for i in value) or not value:
        return value
    items = value
    if deciding["keys"] and all("Key" in i for i in items):
        items = [i for i in items if i.get("Key") in deciding["keys"]]
        if not items:
            return f"no item with Key {' or '.join(sorted(deciding['keys']))} (of {len(value)})"
    if deciding["fields"]:
        items = [{k: v for k, v in i.items() if k in deciding["fields"]} for i in items]
    return items


def _failing(finding: Mapping[str, Any], deciding: Mapping[str, Mapping[str, set]] | None = None) -> dict[str, Any]:
    deciding = deciding or {}
    return {
        "name": finding["resource_name"],
        "ident": finding["resource_id"],  # the ARN repeats Region and account (own columns); it is in the CSV
        "region": finding["region"],
        "account_id": finding["account_id"],
        # Plain strings, one per cell: a box per value is what makes a long PDF slow to lay out.
        "evidence": "\n".join(f"{k} = {_evidence_value(_deciding_items(v, deciding.get(k)))}"
                              for k, v in (finding.get("evidence") or {}).items()),
        "tags": _tags(finding.get("tags") or {}),
    }


def _tags(tags: Mapping[str, Any]) -> str:
    shown = sorted(k for k in tags if k != "Name" and not str(k).startswith("aws:"))[:TAGS_SHOWN]
    return " · ".join(f"{_short(str(k), TAG_CHARS)}={_short(str(tags[k]), TAG_CHARS)}" for k in shown)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _evidence_value(value: Any) -> str:
    return _short(json.dumps(value, default=str, ensure_ascii=False, sort_keys=True), EVIDENCE_CHARS)


def _categories(rule_views: list[dict], card: Mapping[str, Any], compact_clean: bool = False) -> list[dict[str, Any]]:
    """Rules by category, worst first. With compact_clean (print), rules where nothing failed or was
    left unevaluated go to `clean_rules`, shown as one table row each instead of a full block."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for rule in rule_views:
        grouped[rule["category"]].append(rule)
    order = list(CATEGORIES) + sorted(set(grouped) - set(CATEGORIES))
    categories = []
    for name in order:
        if name not in grouped:
            continue
        rules = sorted(grouped[name], key=lambda r: (-r["impact"], -SEVERITY_WEIGHTS[r["severity"]], r["id"]))
        clean = [r for r in rules if compact_clean and not r["counts"]["FAIL"] and not r["counts"]["UNKNOWN"]]
        rules = [r for r in rules if r not in clean]
        summary = card["by_category"].get(name, {})
        categories.append({"id": name, "anchor": f"cat-{name}", "title": category_title(name),
                           "meaning": CATEGORY_MEANINGS.get(name, ""), "score": summary.get("score"),
                           "grade": summary.get("grade"), "coverage": summary.get("coverage"),
                           "counts": summary.get("counts", {}), "rules": rules, "clean_rules": clean})
    return categories


def _first_sentences(text: str, count: int) -> str:
    """The opening sentences of a rule description (what it checks and why), for the printed report."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()))
    lead = " ".join(sentences[:count])
    if len(lead) > LEAD_CHARS:
        lead = lead[:LEAD_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return lead


def _weakest(categories: list[dict]) -> dict[str, Any] | None:
    scored = [c for c in categories if c["score"] is not None]
    if not scored:
        return None
    worst = min(scored, key=lambda c: c["score"])
    return {"title": worst["title"], "score": worst["score"], "meaning": worst["meaning"], "anchor": worst["anchor"]}


def _catalogue(rules: Any, by_rule: Mapping[str, list[dict]]) -> list[dict[str, Any]]:
    rows = []
    for rule in sorted(rules, key=lambda r: (list(CATEGORIES).index(r.category) if r.category in CATEGORIES
                                             else len(CATEGORIES), r.id)):
        counts = {s.value: 0 for s in Status}
        for f in by_rule.get(rule.id, []):
            counts[f["status"]] += 1
        rows.append({"id": rule.id, "title": rule.title, "service": rule.service,
                     "category": category_title(rule.category), "severity": rule.severity, "counts": counts,
                     "well_architected": list(rule.references.get("well_architected", [])),
                     "security_hub": list(rule.references.get("security_hub", [])),
                     "anchor": f"rule-{rule.id}" if by_rule.get(rule.id) else None})
    return rows


def _charts(card: Mapping[str, Any], categories: list[dict], findings: list[dict]) -> dict[str, str]:
    def note(c: Mapping[str, Any]) -> str:
        return " · ".join(x for x in (f"grade {c['grade']}" if c["grade"] else "",
                                      f"coverage {c['coverage']:g}%" if c["coverage"] is not None else "") if x)

    category_rows = [charts.ScoreRow(c["title"], c["score"], note(c)) for c in categories]
    service_rows = [charts.CountRow(service_title(s), dict(v["counts"])) for s, v in card["by_service"].items()]
    titles = {c["id"]: c["title"] for c in categories}
    by_region: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        if f["status"] != Status.NOT_APPLICABLE:
            by_region[f["region"]].append(f)
    cells = {(region, titles.get(cat, cat)): summary["score"]
             for region, subset in by_region.items() for cat, summary in score(subset)["by_category"].items()}
    return {
        "gauge": charts.gauge(card["overall"], card["grade"], card["coverage"]),
        "categories": charts.score_bars(category_rows, title="Score by category"),
        "services": charts.status_bars(service_rows, title="Checks by service: pass, fail, not evaluated, not applicable"),
        "heat_map": charts.heat_map(sorted(by_region), [c["title"] for c in categories], cells,
                                    title="Score by Region and category"),
    }


def _sections(categories: list[dict]) -> list[dict[str, Any]]:
    sections = [
        {"id": "summary", "title": "Executive summary", "level": 1},
        {"id": "at-a-glance", "title": "Scores at a glance", "level": 2},
        {"id": "plan", "title": "Remediation plan", "level": 1},
        {"id": "findings", "title": "Findings by category", "level": 1},
    ]
    sections += [{"id": c["anchor"], "title": c["title"], "level": 2} for c in categories]
    sections += [
        {"id": "not-evaluated", "title": "Not evaluated", "level": 1},
        {"id": "appendix", "title": "Appendix", "level": 1},
        {"id": "method", "title": "Method and scoring", "level": 2},
        {"id": "catalogue", "title": "Rules run", "level": 2},
        {"id": "glossary", "title": "Glossary", "level": 2},
    ]
    return sections
