"""Schedules: intervals and cron lines, read in the office's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from yuqing.collect.sources.schedule import MAX_JITTER, ScheduleError, parse

SH = ZoneInfo("Asia/Shanghai")
SATURDAY = datetime(2026, 11, 21, 7, 59, 30, tzinfo=SH)


@pytest.mark.parametrize(("text", "every"), [
    ("30m", timedelta(minutes=30)), ("1h30m", timedelta(hours=1, minutes=30)),
    ("2h", timedelta(hours=2)), ("1d", timedelta(days=1)), ("90s", timedelta(seconds=90)),
    ("15 min", timedelta(minutes=15)),
])
def test_intervals(text: str, every: timedelta) -> None:
    schedule = parse(text, "web")
    assert schedule.every == every
    assert schedule.next_after(SATURDAY) == SATURDAY + every
    assert schedule.jitter_limit == min(every / 10, MAX_JITTER)


def test_empty_means_the_kinds_default() -> None:
    assert parse("", "rss").every == timedelta(minutes=15)
    assert parse("", "folder").every == timedelta(minutes=5)
    with pytest.raises(ScheduleError, match="not collected on a schedule"):
        parse("", "push")


@pytest.mark.parametrize(("line", "expected"), [
    ("*/20 7-22 * * *", datetime(2026, 11, 21, 8, 0)),
    ("0 8 * * 1-5", datetime(2026, 11, 23, 8, 0)),        # Saturday: on to Monday
    ("0 8 * * 0,6", datetime(2026, 11, 21, 8, 0)),
    ("0 8 * * 7", datetime(2026, 11, 22, 8, 0)),          # 7 is Sunday too
    ("0 0 29 2 *", datetime(2028, 2, 29, 0, 0)),
    ("5/15 * * * *", datetime(2026, 11, 21, 8, 5)),
    ("30 9 1 * 1", datetime(2026, 11, 23, 9, 30)),        # day 1 OR Monday, as in cron
    ("0 12 25 12 *", datetime(2026, 12, 25, 12, 0)),
])
def test_cron_lines(line: str, expected: datetime) -> None:
    assert parse(line, "web").next_after(SATURDAY) == expected.replace(tzinfo=SH)


def test_cron_gaps_count_nights_and_weekends() -> None:
    assert parse("*/20 7-22 * * *", "web").longest_gap == timedelta(hours=8, minutes=20)
    assert parse("*/20 7-22 * * *", "web").jitter_limit == timedelta(minutes=2)
    assert parse("0 8 * * 1-5", "web").longest_gap == timedelta(days=3)


@pytest.mark.parametrize(("text", "message"), [
    ("10s", "the shortest interval is one minute"),
    ("abc", "neither an interval"),
    ("* * *", "five fields"),
    ("60 * * * *", "minute: '60' is outside 0–59"),
    ("0 0 31 2 *", "never matches a real date"),
    ("0 25 * * *", "hour: '25' is outside 0–23"),
    ("*/0 * * * *", "a step must be at least 1"),
])
def test_refusals(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse(text, "web").next_after(SATURDAY)
