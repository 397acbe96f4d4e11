"""How often a backup schedule runs: the longest gap between two runs of an AWS cron expression.

AWS Backup rules and DLM policies write schedules as `cron(minutes hours day-of-month month
day-of-week year)`. The longest gap between runs is the worst-case data loss of a restore from
those backups (before job start and copy delays), so that is what we compute. Tokens we do not
model (L, W, #) raise ScheduleError: the caller reports the interval as unknown, never a guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                       "DEC"), start=1)}
_DAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
_WINDOW_DAYS = 2 * 366  # long enough for yearly gaps between monthly or day-of-year schedules


class ScheduleError(ValueError):
    pass


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int] | None:
    """Allowed values of one cron field; None for `?` (no restriction from this field)."""
    if field == "?":
        return None
    allowed: set[int] = set()
    for part in field.upper().split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise ScheduleError(f"bad step in {field!r}")
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _number(first, names), _number(last, names)
        else:
            start = _number(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise ScheduleError(f"value out of range in {field!r}")
        allowed.update(range(start, end + 1, step))
    return allowed


def _number(text: str, names: dict[str, int] | None) -> int:
    if names and text in names:
        return names[text]
    if not text.isdigit():
        raise ScheduleError(f"unsupported cron token {text!r}")
    return int(text)


def cron_max_gap_seconds(expression: str) -> float:
    """Longest time between two consecutive runs of `cron(...)`, in seconds."""
    match = re.fullmatch(r"\s*cron\((.*)\)\s*", expression or "")
    if not match:
        raise ScheduleError(f"not a cron expression: {expression!r}")
    fields = match.group(1).split()
    if len(fields) != 6:
        raise ScheduleError(f"expected 6 cron fields, got {len(fields)} in {expression!r}")
    minute, hour, day_of_month, month, day_of_week, year = fields
    if year not in ("*", "?"):
        raise ScheduleError(f"schedule limited to certain years: {expression!r}")
    minutes = _values(minute, 0, 59) or set()
    hours = _values(hour, 0, 23) or set()
    months = _values(month, 1, 12, _MONTHS) or set()
    days = _values(day_of_month, 1, 31)
    weekdays = _values(day_of_week, 1, 7, _DAYS)
    if not minutes or not hours or not months:
        raise ScheduleError(f"minutes, hours and months must be given: {expression!r}")
    times = sorted(h * 60 + m for h in hours for m in minutes)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    start = date(2024, 1, 1)
    previous: int | None = None
    for offset in range(_WINDOW_DAYS):
        day = start + timedelta(days=offset)
        if day.month not in months:
            continue
        if days is not None and day.day not in days:
            continue
        if weekdays is not None and (day.isoweekday() % 7) + 1 not in weekdays:
            continue
        if previous is not None:
            gaps.append((offset - previous) * 1440 + times[0] - times[-1])
        previous = offset
    if previous is None:
        raise ScheduleError(f"schedule never runs: {expression!r}")
    if not gaps:  # one run in the whole window
        raise ScheduleError(f"schedule runs less than once a year: {expression!r}")
    return float(max(gaps) * 60)


def dlm_interval_seconds(create_rule: dict) -> float:
    """Longest gap between snapshots of a DLM CreateRule (Interval/IntervalUnit or CronExpression)."""
    if create_rule.get("CronExpression"):
        return cron_max_gap_seconds(create_rule["CronExpression"])
    interval, unit = create_rule.get("Interval"), create_rule.get("IntervalUnit")
    if isinstance(interval, int) and interval > 0 and unit == "HOURS":
        return float(interval * 3600)
    raise ScheduleError(f"unrecognised DLM CreateRule {create_rule!r}")
