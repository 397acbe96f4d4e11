"""Durations and duration ranges: how long data is lost for (RPO) or a service is down (RTO).

AWS documents most recovery figures as ranges ("typically 60-120 seconds") or lower bounds
("several minutes or longer"), so an estimate is a Span: a lower and an upper bound in seconds,
the upper one possibly open (None). Comparing a Span with a target is three-valued: met when even
the upper bound is within the target, not met when even the lower bound exceeds it, unknown
otherwise.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")


class DurationError(ValueError):
    pass


def parse_duration(text: object) -> float:
    """Seconds in a duration written like 0s, 90s, 15m, 1h, 24h or 7d."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise DurationError(f"{text!r} is not a duration (use e.g. 15m, 1h, 24h)")
    match = _PATTERN.match(text)
    if not match:
        raise DurationError(f"{text!r} is not a duration (use e.g. 15m, 1h, 24h)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def format_duration(seconds: float | None) -> str:
    """A short human form: 0 s, 35 s, 2 min, 1.5 h, 3 d; None reads as "open-ended"."""
    if seconds is None:
        return "open-ended"
    if seconds < 60:
        return f"{_trim(seconds)} s"
    if seconds < 3600:
        return f"{_trim(seconds / 60)} min"
    if seconds < 86400 * 2:
        return f"{_trim(seconds / 3600)} h"
    return f"{_trim(seconds / 86400)} d"


def _trim(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


@dataclass(frozen=True)
class Span:
    """A duration range in seconds; `high` None means "or longer" (no documented upper bound)."""

    low: float
    high: float | None

    def __post_init__(self) -> None:
        if self.low < 0 or (self.high is not None and self.high < self.low):
            raise ValueError(f"bad span {self.low}..{self.high}")

    @classmethod
    def exactly(cls, seconds: float) -> Span:
        return cls(seconds, seconds)

    def text(self) -> str:
        if self.high is None:
            return "no documented bound" if self.low == 0 else f"≥ {format_duration(self.low)}"
        if self.low == self.high:
            return format_duration(self.low)
        if self.low == 0:
            return f"≤ {format_duration(self.high)}"
        return f"{format_duration(self.low)}–{format_duration(self.high)}"

    def meets(self, target: float) -> bool | None:
        """True: within target whatever happens; False: cannot be within it; None: may or may not."""
        if self.high is not None and self.high <= target:
            return True
        if self.low > target:
            return False
        return None

    def upper(self) -> float:
        return math.inf if self.high is None else self.high

    def as_dict(self) -> dict:
        return {"low_seconds": self.low, "high_seconds": self.high, "text": self.text()}


def worst(spans: list[Span]) -> Span | None:
    """The span of the weakest of several components: the largest bounds of each."""
    if not spans:
        return None
    low = max(s.low for s in spans)
    high = None if any(s.high is None for s in spans) else max(s.high for s in spans if s.high is not None)
    return Span(low, high if high is None or high >= low else low)
