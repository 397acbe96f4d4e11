"""The report parts consultants add: scores per account, accepted risks, progress since a baseline.

Each part is None when it has nothing to say (one reachable account, no suppressions file, no
baseline), and the report leaves its section out.
"""

from __future__ import annotations

from typing import Any

from drcheck.report.wording import category_title, human_date

LIST_LIMIT = {"print": 15, "html": 100}


def accounts_part(assessment: Any) -> dict[str, Any] | None:
    """Scores per account, then the accounts that could not be scanned and why."""
    inventory = assessment.inventory
    names = {a["account_id"]: a.get("name") for a in inventory.get("accounts", [])}
    unreachable = list(inventory.get("unreachable_accounts", []))
    skipped = [{"account_id": a["account_id"], **s} for a in inventory.get("accounts", [])
               for s in a.get("skipped_regions", [])]
    if len(names) < 2 and not unreachable and not skipped:
        return None
    by_account = assessment.scorecard.get("by_account", {})
    rows = []
    for account_id in sorted(names):
        card = by_account.get(account_id, {})
        rows.append({"account_id": account_id, "name": names[account_id] or "", "score": card.get("score"),
                     "grade": card.get("grade"), "coverage": card.get("coverage"),
                     "counts": card.get("counts", {})})
    rows.sort(key=lambda r: (r["score"] is None, r["score"] if r["score"] is not None else 0))
    return {"rows": rows, "unreachable": unreachable, "skipped_regions": skipped}


def accepted_risks_part(assessment: Any, for_print: bool) -> dict[str, Any] | None:
    """Suppressed findings with their reason, owner and expiry; expired and unused suppressions."""
    applied = assessment.suppressions
    if applied is None:
        return None
    limit = LIST_LIMIT["print" if for_print else "html"]
    suppressed = [f for f in assessment.findings if "suppression" in f]
    with_suppressions = assessment.scorecard_with_suppressions or {}
    return {
        "count": len(suppressed),
        "findings": [{"rule_id": f["rule_id"], "title": f["title"], "resource_name": f.get("resource_name"),
                      "account_id": f.get("account_id"), "region": f.get("region"), "status": f["status"],
                      **f["suppression"]} for f in suppressed[:limit]],
        "more": max(0, len(suppressed) - limit),
        "expired": applied.get("expired", []),
        "unused": applied.get("unused", []),
        "unknown_rules": applied.get("unknown_rules", []),
        "score_without": assessment.scorecard["overall"],
        "grade_without": assessment.scorecard["grade"],
        "score_with": with_suppressions.get("overall"),
        "grade_with": with_suppressions.get("grade"),
    }


def progress_part(assessment: Any, for_print: bool) -> dict[str, Any] | None:
    """What changed since the baseline assessment (--baseline)."""
    diff = assessment.baseline
    if diff is None:
        return None
    limit = LIST_LIMIT["print" if for_print else "html"]
    lists = {}
    for key in ("new_failures", "regressed", "fixed", "no_longer_visible", "still_failing"):
        lists[key] = diff[key][:limit]
        lists[f"{key}_more"] = max(0, len(diff[key]) - limit)
    return {
        "since": human_date(diff.get("old_generated_at")) if diff.get("old_generated_at") else None,
        "overall": diff["overall"],
        "by_category": [{"name": category_title(name), **row} for name, row in diff["by_category"].items()],
        "by_account": [{"name": name, **row} for name, row in diff["by_account"].items()],
        "counts": diff["counts"],
        **lists,
    }
