"""Severity-weighted scores: overall, per category and per service, with coverage beside them.

score    = 100 × Σ weight(PASS) / Σ weight(PASS + FAIL)
coverage = 100 × count(PASS + FAIL) / count(PASS + FAIL + UNKNOWN)
weights: critical 10, high 5, medium 3, low 1. UNKNOWN and NOT_APPLICABLE do not enter the score;
UNKNOWN lowers coverage instead, so a score is never better for having looked at less.
Grades: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F; no grade when nothing was evaluated.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from drcheck.model import SEVERITY_WEIGHTS, Status

GRADE_FLOORS = (("A", 90.0), ("B", 80.0), ("C", 70.0), ("D", 60.0))


def grade(score: float | None) -> str | None:
    if score is None:
        return None
    return next((letter for letter, floor in GRADE_FLOORS if score >= floor), "F")


def _summary(findings: list[Mapping[str, Any]]) -> dict[str, Any]:
    counts = Counter(f["status"] for f in findings)
    earned = sum(SEVERITY_WEIGHTS[f["severity"]] for f in findings if f["status"] == Status.PASS)
    possible = earned + sum(SEVERITY_WEIGHTS[f["severity"]] for f in findings if f["status"] == Status.FAIL)
    evaluated = counts[Status.PASS] + counts[Status.FAIL]
    looked_for = evaluated + counts[Status.UNKNOWN]
    score = round(100 * earned / possible, 1) if possible else None
    return {
        "score": score,
        "grade": grade(score),
        "coverage": round(100 * evaluated / looked_for, 1) if looked_for else None,
        "counts": {s.value: counts.get(s.value, 0) for s in Status},
        "weight_earned": earned,
        "weight_possible": possible,
    }


def score(findings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The score card: overall, by_category, by_service and by_account summaries."""
    findings = list(findings)
    by_category: dict[str, list] = defaultdict(list)
    by_service: dict[str, list] = defaultdict(list)
    by_account: dict[str, list] = defaultdict(list)
    for finding in findings:
        by_category[finding["category"]].append(finding)
        by_service[finding["service"]].append(finding)
        by_account[finding.get("account_id") or ""].append(finding)
    overall = _summary(findings)
    return {
        "overall": overall["score"],
        "grade": overall["grade"],
        "coverage": overall["coverage"],
        "counts": overall["counts"],
        "weight_earned": overall["weight_earned"],
        "weight_possible": overall["weight_possible"],
        "by_category": {k: _summary(v) for k, v in sorted(by_category.items())},
        "by_service": {k: _summary(v) for k, v in sorted(by_service.items())},
        "by_account": {k: _summary(v) for k, v in sorted(by_account.items())},
        "formula": "score = 100 × Σ weight(PASS) / Σ weight(PASS+FAIL); coverage = (PASS+FAIL) / "
                   "(PASS+FAIL+UNKNOWN); weights critical 10, high 5, medium 3, low 1",
    }
