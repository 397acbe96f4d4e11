"""Comparing Regions when either side may not be known.

A resource listed globally (an S3 bucket whose location could not be read, a global database
with no members) carries the Region "unknown", and a Region read from an ARN or an answer can be
missing. Two unknown Regions are not "the same Region", and a known Region against an unknown
one is not "another Region": either way the answer is not known.
"""

from __future__ import annotations

from typing import Any

UNKNOWN_REGION = "unknown"  # what collection records for a resource whose Region it could not learn


def known_region(region: Any) -> str | None:
    """The Region, or None when it is not known."""
    return None if region in (None, "", UNKNOWN_REGION) or not isinstance(region, str) else region


def other_region(one: Any, other: Any) -> bool | None:
    """Whether two Regions differ; None when either is not known."""
    first, second = known_region(one), known_region(other)
    if first is None or second is None:
        return None
    return first != second
