"""Engagement counts as platforms display them ("1.2万", "10万+", "3,456", "") into integers.

Crawlers copy the counter text from the page, so the same column holds ints, digit strings
and abbreviated Chinese numbers. ``万`` is 10⁴, ``亿`` 10⁸; a trailing ``+`` ("at least")
is dropped, keeping the lower bound. Anything else raises :class:`CountParseError` rather
than becoming a plausible-looking wrong number.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

#: Largest value a ``PositiveBigIntegerField`` holds on every supported database.
MAX_COUNT = 2**63 - 1
_UNITS = {"": 1, "万": 10_000, "w": 10_000, "亿": 100_000_000, "k": 1_000}
_COUNT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(万|w|亿|k|)\+?", re.IGNORECASE)


class CountParseError(ValueError):
    """The value is not a count; the message quotes it."""


def _bounded(number: int, original: object) -> int:
    if number > MAX_COUNT:
        raise CountParseError(f"count {original!r} is too large")
    return number


def parse_count(value: object) -> int | None:
    """The count, ``None`` for an empty value, or :class:`CountParseError`."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CountParseError(f"{value!r} is not a count")
    if isinstance(value, int):
        if value < 0:
            raise CountParseError(f"count {value!r} is negative")
        return _bounded(value, value)
    if isinstance(value, float):
        if not math.isfinite(value) or value < 0 or not value.is_integer():
            raise CountParseError(f"{value!r} is not a count")
        return _bounded(int(value), value)
    if not isinstance(value, str):
        raise CountParseError(f"{value!r} is not a count")
    text = value.strip().replace(",", "")
    if not text:
        return None
    match = _COUNT.fullmatch(text)
    if not match:
        raise CountParseError(f"{value!r} is not a count")
    digits, unit = match.groups()
    if len(digits) > 40:  # also keeps clear of Python's limit on str→int conversion
        raise CountParseError(f"count {value!r} is too large")
    multiplier = _UNITS[unit.lower()]
    if "." in digits and multiplier == 1:
        raise CountParseError(f"{value!r} is not a whole number")
    # Decimal, not float: "1.2万" must be exactly 12000, never 11999.
    return _bounded(int(Decimal(digits) * multiplier), value)
