"""The longest gap between two runs of an AWS schedule expression: `cron(...)` or `rate(...)`.

AWS Backup plan rules and Data Lifecycle Manager schedules use the six-field AWS cron syntax
(minutes, hours, day-of-month, month, day-of-week, year; `?`, `L`, `W` and `#` included). The
worst-case gap, not the average, is what bounds the recovery point objective: a plan that runs on
the 1st and the 15th leaves a 17-day gap at the end of most months.

Gaps are measured by walking the calendar days of a fixed six-year window (leap year included),
so the answer is the same whenever drcheck runs. Times are in the expression's own time zone;
a daylight-saving shift can move a run by an hour, which this ignores.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

WINDOW_START = date(2024, 1, 1)
WINDOW_END = date(2029, 12, 31)
MONTHS = {name: i for i, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
WEEKDAYS = {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
RATE_UNITS = {"minute": 1 / 60, "minutes": 1 / 60, "hour": 1, "hours": 1, "day": 24, "days": 24}


class ScheduleError(ValueError):
    """The expression cannot be read; the message says why."""


@lru_cache(maxsize=1024)  # a pure function of the text; walking six years of days is the costly part
def max_interval_hours(expression: str) -> float:
    """Hours of the longest gap between consecutive runs; raises ScheduleError if unreadable."""
    text = (expression or "").strip()
    rate = re.fullmatch(r"rate\(\s*(\d+)\s+([a-z]+)\s*\)", text)
    if rate:
        unit = RATE_UNITS.get(rate.group(2))
        if unit is None or int(rate.group(1)) < 1:
            raise ScheduleError(f"unsupported rate expression {text!r}")
        return int(rate.group(1)) * unit
    cron = re.fullmatch(r"cron\((.*)\)", text)
    if not cron:
        raise ScheduleError(f"not a cron() or rate() expression: {text!r}")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise ScheduleError(f"a cron expression has six fields, {text!r} has {len(fields)}")
    return _cron_max_gap(fields, text)


def _cron_max_gap(fields: list[str], text: str) -> float:
    minutes = _values(fields[0], 0, 59, {}, "minutes", text)
    hours = _values(fields[1], 0, 23, {}, "hours", text)
    months = _values(fields[3], 1, 12, MONTHS, "month", text)
    years = _values(fields[5], 1970, 2199, {}, "year", text)
    day_matches = _day_matcher(fields[2], fields[4], text)
    times = sorted(h * 60 + m for h in hours for m in minutes)  # minutes after midnight
    longest = max((b - a for a, b in zip(times, times[1:], strict=False)), default=0)
    previous_day: date | None = None
    runs_days = 0
    day = WINDOW_START
    while day <= WINDOW_END:
        if day.month in months and day.year in years and day_matches(day):
            if previous_day is not None:
                gap = (day - previous_day).days * 1440 + times[0] - times[-1]
                longest = max(longest, gap)
            previous_day = day
            runs_days += 1
        day += timedelta(days=1)
    if runs_days < 2:
        raise ScheduleError(f"{text} runs on fewer than two days in {WINDOW_START.year}-{WINDOW_END.year}")
    return longest / 60


def _values(field: str, low: int, high: int, names: dict[str, int], what: str, text: str) -> set[int]:
    """The set of values a plain cron field (`*`, `a-b`, `a/n`, `a,b`, names) allows."""
    if field in ("*", "?"):
        return set(range(low, high + 1))
    allowed: set[int] = set()
    for part in field.split(","):
        match = re.fullmatch(r"(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:/(\d+))?", part)
        if not match:
            raise ScheduleError(f"cannot read the {what} field {field!r} of {text}")
        start_text, end_text, step_text = match.groups()
        if start_text == "*":
            start, end = low, high
        else:
            start = _number(start_text, names, what, text)
            end = _number(end_text, names, what, text) if end_text else (high if step_text else start)
        step = int(step_text) if step_text else 1
        if step < 1 or not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"{what} field {field!r} of {text} is out of range")
        if end >= start:
            allowed.update(range(start, end + 1, step))
        else:  # wrapping range such as FRI-MON
            allowed.update(v for v in list(range(start, high + 1)) + list(range(low, end + 1))
                           if (v - start) % (high - low + 1) % step == 0)
    return allowed


def _number(token: str, names: dict[str, int], what: str, text: str) -> int:
    if token.upper() in names:
        return names[token.upper()]
    if token.isdigit():
        return int(token)
    raise ScheduleError(f"cannot read {token!r} in the {what} field of {text}")


def _cron_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Python Monday=0 -> cron SUN=1 .. SAT=7


def _day_matcher(dom: str, dow: str, text: str):
    """A predicate over dates for the day-of-month and day-of-week fields (one of them is `?`)."""
    dom_matcher = _dom_matcher(dom, text)
    dow_matcher = _dow_matcher(dow, text)
    if dom != "?" and dow != "?" and dom != "*" and dow != "*":
        raise ScheduleError(f"{text}: day-of-month or day-of-week must be '?'")
    return lambda day: dom_matcher(day) and dow_matcher(day)


def _dom_matcher(field: str, text: str):
    if field in ("*", "?"):
        return lambda day: True
    if field == "L":
        return lambda day: day.day == calendar.monthrange(day.year, day.month)[1]
    if field == "LW":
        return lambda day: day == _nearest_weekday(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    weekday = re.fullmatch(r"(\d+)W", field)
    if weekday:
        target = int(weekday.group(1))
        return lambda day: day == _nearest_weekday(day.year, day.month, target)
    days = _values(field, 1, 31, {}, "day-of-month", text)
    return lambda day: day.day in days


def _nearest_weekday(year: int, month: int, target: int) -> date | None:
    last = calendar.monthrange(year, month)[1]
    if target > last:
        return None
    day = date(year, month, target)
    if day.weekday() == 5:  # Saturday: the Friday before, unless that leaves the month
        return day - timedelta(days=1) if target > 1 else day + timedelta(days=2)
    if day.weekday() == 6:  # Sunday: the Monday after, unless that leaves the month
        return day + timedelta(days=1) if target < last else day - timedelta(days=2)
    return day


def _dow_matcher(field: str, text: str):
    if field in ("*", "?"):
        return lambda day: True
    nth = re.fullmatch(r"([A-Za-z0-9]+)#([1-5])", field)
    if nth:
        weekday = _number(nth.group(1), WEEKDAYS, "day-of-week", text)
        which = int(nth.group(2))
        return lambda day: _cron_weekday(day) == weekday and (day.day - 1) // 7 + 1 == which
    last = re.fullmatch(r"([A-Za-z0-9]*)L", field)
    if last:
        if not last.group(1):  # plain L: the last day of the week, Saturday
            return lambda day: _cron_weekday(day) == 7
        weekday = _number(last.group(1), WEEKDAYS, "day-of-week", text)
        return lambda day: (_cron_weekday(day) == weekday
                            and day.day + 7 > calendar.monthrange(day.year, day.month)[1])
    days = _values(field, 1, 7, WEEKDAYS, "day-of-week", text)
    return lambda day: _cron_weekday(day) in days


def dlm_interval_hours(create_rule: dict) -> float:
    """Longest gap between snapshots of a DLM CreateRule (CronExpression, or Interval in HOURS)."""
    if create_rule.get("CronExpression"):
        return max_interval_hours(create_rule["CronExpression"])
    if create_rule.get("Interval") and create_rule.get("IntervalUnit", "HOURS") == "HOURS":
        return float(create_rule["Interval"])
    raise ScheduleError(f"cannot read the DLM create rule {create_rule}")
