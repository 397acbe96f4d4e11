"""The report's objectives data (view["objectives"]): the objectives document, or None."""

from __future__ import annotations

from typing import Any

# Headings of reports/objectives.html.j2 and objectives_appendix.html.j2, for the contents page
# (drcheck.report.view places each after or before the named report section).
SECTIONS = (
    {"id": "objectives", "title": "Recovery objectives", "level": 1, "after": "plan"},
    {"id": "objectives-assumptions", "title": "Recovery assumptions", "level": 2, "before": "glossary"},
)


def objectives_view(assessment: Any) -> dict[str, Any] | None:
    """The document drcheck.objectives.document built for this assessment, with its contents-page
    entries; None when there is none (not estimated, or no workload component in the inventory)."""
    document = getattr(assessment, "objectives", None)
    if not document:
        return None
    return {**document, "sections": [dict(s) for s in SECTIONS]}
