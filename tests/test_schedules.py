"""The longest gap between runs of AWS cron() and rate() schedule expressions."""

import pytest

from drcheck.linkers.schedules import ScheduleError, max_interval_hours


@pytest.mark.parametrize("expression,hours", [
    ("cron(0 5 ? * * *)", 24),
    ("cron(15 * ? * * *)", 1),
    ("cron(0 5,17 ? * * *)", 12),
    ("cron(0 0/4 ? * * *)", 4),
    ("cron(0 1,2,23 ? * * *)", 21),            # uneven times: the longest gap, not the average
    ("cron(0 5 ? * SUN *)", 168),
    ("cron(0 5 ? * MON-FRI *)", 72),           # Friday to Monday
    ("cron(0 5 ? * FRI-MON *)", 96),           # wrapping range: Monday to Friday
    ("cron(0 5 1 * ? *)", 31 * 24),
    ("cron(0 5 1,15 * ? *)", 17 * 24),         # the 15th to the 1st of a 31-day month
    ("cron(0 5 L * ? *)", 31 * 24),            # last day of February to last day of March
    ("cron(0 5 ? * 2#1 *)", 35 * 24),          # first Monday of the month
    ("cron(0 5 ? * 6L *)", 35 * 24),           # last Friday of the month
    ("cron(0 5 15W * ? *)", 32 * 24),
    ("cron(0 5 1 1 ? *)", 366 * 24),           # yearly, across a leap year
    ("cron(0 5 ? JAN,JUL * *)", 154 * 24),     # 31 July to 1 January
    ("rate(12 hours)", 12),
    ("rate(1 day)", 24),
])
def test_longest_gap(expression, hours):
    assert max_interval_hours(expression) == pytest.approx(hours)


@pytest.mark.parametrize("expression,message", [
    ("cron(0 5 * *)", "six fields"),
    ("cron(0 5 ? * 9 *)", "out of range"),
    ("cron(0 5 1 * MON *)", "must be '?'"),
    ("cron(0 5 ? * * 2019)", "fewer than two days"),
    ("at(2026-01-01T00:00:00)", "not a cron"),
    ("cron(0 x ? * * *)", "cannot read"),
    ("rate(2 fortnights)", "unsupported rate"),
])
def test_unreadable_expressions_say_why(expression, message):
    with pytest.raises(ScheduleError, match=message):
        max_interval_hours(expression)
