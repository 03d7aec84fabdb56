"""Publication times as exports write them, into aware datetimes — or a clear refusal.

Crawler exports mix Unix seconds, Unix milliseconds and several text layouts, sometimes in
one file. A time that matches none of the accepted forms raises :class:`TimeParseError`
instead of being guessed, because a wrong date silently corrupts every trend chart built on it.

Accepted: ``datetime`` objects; Unix seconds or milliseconds (int, float or numeric string;
above 1e11 means milliseconds); ISO 8601 (``2024-03-01T12:00:00+08:00``, ``2024-03-01``);
``YYYY-MM-DD HH:MM[:SS]``; ``YYYY/MM/DD[ HH:MM[:SS]]``; ``YYYY年MM月DD日[ HH:MM[:SS]]``;
``MM月DD日 HH:MM`` (needs the year from the caller). Naive times are in ``settings.TIME_ZONE``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings

#: Earliest and latest believable publication years; outside is a corrupt value, not a post.
MIN_YEAR, MAX_YEAR = 1900, 2100
#: Unix times below this (1973-03-03) are more likely counts or ids than timestamps.
_MIN_UNIX = 100_000_000
_MS_THRESHOLD = 100_000_000_000

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SLASHED = re.compile(
    r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?"
)
_CHINESE = re.compile(
    r"(?:([0-9]{4})年)?([0-9]{1,2})月([0-9]{1,2})日"
    r"(?:\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?"
)


class TimeParseError(ValueError):
    """The value is not a time in any accepted form; the message quotes it."""


def _checked(value: datetime, original: object) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise TimeParseError(f"time {original!r} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def _from_unix(number: float, original: object) -> datetime:
    if not math.isfinite(number) or number < _MIN_UNIX:
        raise TimeParseError(f"{original!r} is not a Unix time")
    seconds = number / 1000 if number > _MS_THRESHOLD else number
    try:
        local = datetime.fromtimestamp(seconds, UTC).astimezone(ZoneInfo(settings.TIME_ZONE))
        return _checked(local, original)
    except (OverflowError, OSError, ValueError):
        raise TimeParseError(f"{original!r} is not a Unix time") from None


def _parts(match: re.Match[str], year: int | None, text: str) -> datetime:
    y, mo, d, h, mi, s = match.groups()
    if y is None:
        if year is None:
            raise TimeParseError(f"{text!r} has no year; give the year (--year)")
        y = str(year)
    try:
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        raise TimeParseError(f"{text!r} is not a valid date") from None


@lru_cache(maxsize=8192)
def _parse_text(text: str, year: int | None, zone: str) -> datetime:
    """Cached (per time zone): exports repeat the same minute-resolution timestamps
    thousands of times."""
    if _NUMBER.fullmatch(text):
        return _from_unix(float(text) if "." in text else int(text), text)
    match = _SLASHED.fullmatch(text) or _CHINESE.fullmatch(text)
    if match:
        return _checked(_parts(match, year, text), text)
    if not text[:4].isascii() or not text[:4].isdigit():
        raise TimeParseError(f"{text!r} is not a time")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00", 1) if text.endswith("Z")
                                        else text)
    except ValueError:
        raise TimeParseError(f"{text!r} is not a time") from None
    return _checked(parsed, text)


def clear_cache() -> None:
    """Forget cached parses (benchmarks start each run cold, like a new process)."""
    _parse_text.cache_clear()


def parse_time(value: object, *, year: int | None = None) -> datetime:
    """An aware datetime for ``value``, or :class:`TimeParseError`.

    ``year`` completes dates written without one (``03月01日 12:00``); without it such dates
    are refused rather than assumed to be this year.
    """
    if isinstance(value, datetime):
        return _checked(value, value)
    if isinstance(value, bool):
        raise TimeParseError(f"{value!r} is not a time")
    if isinstance(value, int | float):
        return _from_unix(value, value)
    if not isinstance(value, str):
        raise TimeParseError(f"{value!r} is not a time")
    text = value.strip()
    if not text:
        raise TimeParseError("empty time")
    return _parse_text(text, year, settings.TIME_ZONE)
