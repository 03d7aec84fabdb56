"""When a source runs: an interval (``30m``, ``2h``, ``1d``, ``1h30m``) or a cron line.

Cron is the classic five fields — minute, hour, day of month, month, day of week (0 or 7 =
Sunday) — with ``*``, ``a-b``, ``*/n``, ``a-b/n`` and lists, read in the configured time zone
(so ``0 8 * * 1-5`` is eight in the morning in Beijing on weekdays). As in cron, when both day
fields are restricted a day matching either one counts.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from yuqing.collect.connectors.registry import DEFAULT_EVERY

#: Shortest interval accepted: politeness, and the dispatcher looks every 30 s anyway.
MIN_EVERY = timedelta(minutes=1)
#: Longest random delay added to a due time, so sources on one schedule do not start at once.
MAX_JITTER = timedelta(minutes=10)
_INTERVAL = re.compile(r"(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*"
                       r"(?:(\d+)\s*s)?", re.IGNORECASE)
_CRON_TEXT = re.compile(r"[0-9*/,\-\s]+")
_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12),
           ("day of week", 0, 7))
#: Days searched for the next matching one (a 29 February schedule can wait four years).
_HORIZON_DAYS = 5 * 366
_GAP_HORIZON = timedelta(days=8)


class ScheduleError(ValueError):
    """The schedule cannot be read; the message says what is wrong."""


def _field(text: str, name: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        match = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part.strip())
        if not match:
            raise ScheduleError(f"{name}: cannot read {part!r}")
        whole, start, end, step = match.groups()
        first = low if whole == "*" else int(start)
        last = high if whole == "*" else int(end) if end else first
        if step and whole != "*" and not end:
            last = high  # "5/15" means from 5 to the end, every 15
        if not low <= first <= last <= high:
            raise ScheduleError(f"{name}: {part!r} is outside {low}–{high}")
        stride = int(step) if step else 1
        if stride < 1:
            raise ScheduleError(f"{name}: a step must be at least 1")
        values.update(range(first, last + 1, stride))
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, text: str) -> Cron:
        parts = text.split()
        if len(parts) != 5:
            raise ScheduleError("a cron line has five fields: minute hour day month weekday")
        minutes, hours, days, months, weekdays = (
            _field(part, name, low, high)
            for part, (name, low, high) in zip(parts, _FIELDS, strict=True))
        weekdays = frozenset(0 if d == 7 else d for d in weekdays)
        return cls(minutes, hours, days, months, weekdays, parts[2] == "*", parts[4] == "*")

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_date = day.day in self.days
        by_weekday = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return by_date and by_weekday
        return by_date or by_weekday

    def next_after(self, moment: datetime, zone: ZoneInfo) -> datetime:
        local = moment.astimezone(zone)
        start = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
        for offset in range(_HORIZON_DAYS):
            day = start.date() + timedelta(days=offset)
            if not self._day_matches(day):
                continue
            earliest = start.time() if offset == 0 else time.min
            for hour in sorted(self.hours):
                for minute in sorted(self.minutes):
                    if time(hour, minute) >= earliest:
                        return datetime.combine(day, time(hour, minute), tzinfo=zone)
        raise ScheduleError("the cron line never matches a real date")


@dataclass(frozen=True)
class Schedule:
    text: str
    every: timedelta | None = None
    cron: Cron | None = None

    def next_after(self, moment: datetime) -> datetime:
        if self.cron is not None:
            return self.cron.next_after(moment, ZoneInfo(settings.TIME_ZONE))
        assert self.every is not None
        return moment + self.every

    @cached_property
    def _gaps(self) -> tuple[timedelta, timedelta]:
        """Shortest and longest wait between runs; for a cron line, over its runs of the
        coming week (or next 2,000 runs), so that nights and weekends count."""
        if self.every is not None:
            return self.every, self.every
        first = self.next_after(timezone.now())
        times = [first]
        while len(times) < 2000 and times[-1] - first < _GAP_HORIZON:
            times.append(self.next_after(times[-1]))
        gaps = [b - a for a, b in itertools.pairwise(times)] or [timedelta(days=366)]
        return min(gaps), max(gaps)

    @property
    def longest_gap(self) -> timedelta:
        return self._gaps[1]

    @property
    def jitter_limit(self) -> timedelta:
        """A tenth of the shortest gap, at most :data:`MAX_JITTER`."""
        return min(self._gaps[0] / 10, MAX_JITTER)


@lru_cache(maxsize=1024)
def parse(text: str, kind: str) -> Schedule:
    """The schedule written as ``text``; empty means the default for sources of ``kind``."""
    text = text.strip()
    if not text:
        every = DEFAULT_EVERY.get(kind)
        if every is None:
            raise ScheduleError("this kind of source is not collected on a schedule")
        return Schedule("", every=every)
    if len(text.split()) > 1 and _CRON_TEXT.fullmatch(text):
        return Schedule(text, cron=Cron.parse(text))
    match = _INTERVAL.fullmatch(text)
    if not match or not any(match.groups()):
        raise ScheduleError(f"{text!r} is neither an interval (30m, 2h, 1d) nor a cron line")
    d, h, m, s = (int(g or 0) for g in match.groups())
    every = timedelta(days=d, hours=h, minutes=m, seconds=s)
    if every < MIN_EVERY:
        raise ScheduleError("the shortest interval is one minute")
    return Schedule(text, every=every)
