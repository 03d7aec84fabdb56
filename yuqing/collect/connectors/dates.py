"""Publication times as Chinese web pages write them, relative to the time of fetching.

Builds on :func:`yuqing.collect.importing.timeparse.parse_time` (Unix times, ISO 8601,
``2026/11/21 08:00``, ``2026年11月21日 08:00``) and adds what pages show but exports do not:

* dates with other separators: ``2026.11.21``, ``2026-11-21 08时00分``, ``2026年11月21日08:00``;
* no year: ``11-21 08:00``, ``11/21``, ``11月21日 08:00`` — this year, or last year when that
  would be more than a day in the future (a page read on 2 January showing ``12-31``);
* relative: ``刚刚``, ``30秒前``, ``5分钟前``, ``半小时前``, ``3小时前``, ``2天前``, ``1周前``;
* day words: ``今天 08:00``, ``昨天 08:00``, ``前天``; a bare ``08:00`` (today, or yesterday
  when that would be in the future);
* ``上午``/``下午``/``晚上`` before a time; full-width digits and colons.

:func:`parse_when` reads a value that is only a time (a list page's time column, an element
picked by a selector); :func:`find_when` finds the first time inside longer text ("发布时间：
2026-11-21 08:00 来源：滨江发布"). Both refuse rather than guess: months ago ("3个月前") are too
vague to chart and are not accepted, nor are "几分钟前" (a few minutes ago) and the like.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from yuqing.collect.importing.timeparse import MAX_YEAR, MIN_YEAR, TimeParseError, parse_time

_CLOCK = (r"(?:\s*(上午|早上|凌晨|中午|下午|晚上|傍晚)?\s*(\d{1,2})\s*[:时]\s*(\d{1,2})\s*分?"
          r"(?:\s*[:]\s*(\d{1,2})|\s*(\d{1,2})\s*秒)?)?")
_FULL = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
                   r"(?:\s*T)?" + _CLOCK)
_MONTH_DAY = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:[-/]|月)\s*(\d{1,2})(?:\s*日)?(?![\d.])"
                        + _CLOCK)
_RELATIVE = re.compile(r"(\d+|半|一|两)\s*(秒钟?|分钟|个?小时|个?钟头|天|日|周|星期)\s*前")
_DAY_WORD = re.compile(r"(今天|今日|昨天|昨日|前天)" + _CLOCK)
#: In running text "今天" is prose ("食堂今天开业"); only with a clock is it a timestamp.
_DAY_WORD_CLOCK = re.compile(r"(今天|今日|昨天|昨日|前天)" + _CLOCK.removesuffix(")?") + ")")
_JUST_NOW = re.compile(r"刚刚|刚才")
_BARE_CLOCK = re.compile(r"(?<![\d:])" + _CLOCK.removeprefix("(?:").removesuffix(")?")
                         + r"(?![\d:])")
_UNITS = {"秒": 1, "秒钟": 1, "分钟": 60, "小时": 3600, "个小时": 3600, "钟头": 3600,
          "个钟头": 3600, "天": 86400, "日": 86400, "周": 604800, "星期": 604800}
_NUMBER_WORDS = {"一": 1, "两": 2, "半": 0.5}
_DAYS_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_AFTERNOON = frozenset({"下午", "晚上", "傍晚"})


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _hour(period: str | None, hour: int) -> int:
    if period in _AFTERNOON and hour < 12:
        return hour + 12
    if period == "中午" and hour < 6:
        return hour + 12
    return hour


def _clock(groups: tuple[str | None, ...]) -> tuple[int, int, int]:
    """(hour, minute, second) from the five groups of ``_CLOCK`` (all None: midnight)."""
    period, hour, minute, sec_colon, sec_word = groups
    if hour is None:
        return 0, 0, 0
    return _hour(period, int(hour)), int(minute or 0), int(sec_colon or sec_word or 0)


def _build(text: str, year: int, month: int, day: int,
           clock: tuple[int, int, int]) -> datetime:
    try:
        value = datetime(year, month, day, *clock, tzinfo=_zone())
    except ValueError:
        raise TimeParseError(f"{text!r} is not a valid date") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise TimeParseError(f"time {text!r} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def _full(match: re.Match[str], now: datetime) -> datetime:
    year, month, day = (int(g) for g in match.groups()[:3])
    return _build(match.group(), year, month, day, _clock(match.groups()[3:]))


def _month_day(match: re.Match[str], now: datetime) -> datetime:
    month, day = int(match.group(1)), int(match.group(2))
    clock = _clock(match.groups()[2:])
    local = now.astimezone(_zone())
    try:
        value = _build(match.group(), local.year, month, day, clock)
    except TimeParseError:
        if (month, day) != (2, 29):
            raise
        value = _build(match.group(), local.year - 1, month, day, clock)
    if value > now + timedelta(days=1):
        value = _build(match.group(), local.year - 1, month, day, clock)
    return value


def _relative(match: re.Match[str], now: datetime) -> datetime:
    amount, unit = match.groups()
    number = _NUMBER_WORDS[amount] if amount in _NUMBER_WORDS else int(amount)
    seconds = number * _UNITS[unit]
    if seconds > 3660 * 86400:
        raise TimeParseError(f"{match.group()!r} is too far back")
    return now - timedelta(seconds=seconds)


def _day_word(match: re.Match[str], now: datetime) -> datetime:
    day = now.astimezone(_zone()) - timedelta(days=_DAYS_BACK[match.group(1)])
    return _build(match.group(), day.year, day.month, day.day, _clock(match.groups()[1:]))


def _just_now(match: re.Match[str], now: datetime) -> datetime:
    return now


def _bare_clock(match: re.Match[str], now: datetime) -> datetime:
    local = now.astimezone(_zone())
    value = _build(match.group(), local.year, local.month, local.day, _clock(match.groups()))
    if value > now + timedelta(minutes=5):
        value -= timedelta(days=1)
    return value


#: In order of trust: a full date beats a relative phrase beats a month and day.
_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], datetime], datetime]], ...] = (
    (_FULL, _full),
    (_RELATIVE, _relative),
    (_DAY_WORD, _day_word),
    (_JUST_NOW, _just_now),
    (_MONTH_DAY, _month_day),
)

#: Within running text, words that are prose more often than timestamps need a clock
#: ("食堂今天开业" is not midnight today) or are left out ("记者刚刚获悉").
_SEARCH_FORMS = tuple((_DAY_WORD_CLOCK if pattern is _DAY_WORD else pattern, build)
                      for pattern, build in _FORMS if pattern is not _JUST_NOW)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_when(value: str, now: datetime) -> datetime:
    """The time ``value`` states (aware), or :class:`TimeParseError`."""
    text = _normal(value)
    if not text:
        raise TimeParseError("empty time")
    try:
        return parse_time(text)
    except TimeParseError:
        pass
    for pattern, build in (*_FORMS, (_BARE_CLOCK, _bare_clock)):
        match = pattern.fullmatch(text)
        if match:
            return build(match, now)
    raise TimeParseError(f"{value!r} is not a time")


def find_when(text: str, now: datetime) -> datetime | None:
    """The first time stated in ``text`` by the most trustworthy form found, or ``None``."""
    normal = _normal(text)
    for pattern, build in _SEARCH_FORMS:
        for match in pattern.finditer(normal):
            try:
                return build(match, now)
            except TimeParseError:
                continue
    return None
