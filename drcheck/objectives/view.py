"""The report's objectives data (view["objectives"]): the objectives document, or None."""

from __future__ import annotations

from typing import Any


def objectives_view(assessment: Any) -> dict[str, Any] | None:
    """The document drcheck.objectives.document built for this assessment; None when there is none
    (objectives not estimated, or no workload component in the inventory)."""
    document = getattr(assessment, "objectives", None)
    return document or None
