"""Time and count parsing: documented forms parse exactly; anything else fails cleanly."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuqing.collect.importing.counts import CountParseError, parse_count
from yuqing.collect.importing.timeparse import TimeParseError, parse_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-01 12:00:00", datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    ("2024-03-01 12:00", datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    ("2024-03-01T04:00:00Z", datetime(2024, 3, 1, 4, 0, tzinfo=UTC)),
    ("2024-03-01T12:00:00+08:00", datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    ("2024-03-01", datetime(2024, 3, 1, tzinfo=SHANGHAI)),
    ("2024/3/1", datetime(2024, 3, 1, tzinfo=SHANGHAI)),
    ("2024/03/01 08:05:09", datetime(2024, 3, 1, 8, 5, 9, tzinfo=SHANGHAI)),
    ("2024年03月01日 12:00", datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    (" 1709265600 ", datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    (1709265600, datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    (1709265600000, datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    ("1709265600000", datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
    (1709265600.5, datetime(2024, 3, 1, 12, 0, 0, 500000, tzinfo=SHANGHAI)),
    (datetime(2024, 3, 1, 12, 0), datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)),
])
def test_accepted_forms(value: object, expected: datetime) -> None:
    parsed = parse_time(value)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_month_day_needs_the_year() -> None:
    assert parse_time("03月01日 12:00", year=2020) == datetime(2020, 3, 1, 12, tzinfo=SHANGHAI)
    with pytest.raises(TimeParseError, match="--year"):
        parse_time("03月01日 12:00")


@pytest.mark.parametrize("value", [
    "", "昨天", "3小时前", "02月30日 10:00", "2024-13-01", "2024/02/30", "12345", "1e10",
    "２０２４-03-01", True, None, [], float("nan"), -5, "9999999999999999999999",
    "1800-01-01", "2024-03-01 25:00",
])
def test_refused_forms(value: object) -> None:
    with pytest.raises(TimeParseError):
        parse_time(value, year=2020)


@given(st.text(max_size=40), st.one_of(st.none(), st.integers(1, 9999)))
def test_any_text_parses_or_raises_time_parse_error(value: str, year: int | None) -> None:
    try:
        parsed = parse_time(value, year=year)
    except TimeParseError:
        return
    assert parsed.tzinfo is not None


@given(st.one_of(st.integers(), st.floats()))
def test_any_number_parses_or_raises_time_parse_error(value: float) -> None:
    try:
        parsed = parse_time(value)
    except TimeParseError:
        return
    assert 1900 <= parsed.year <= 2100


@given(st.from_regex(r"20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]) ([01][0-9]|2[0-3]):"
                     r"[0-5][0-9]:[0-5][0-9]", fullmatch=True))
def test_text_times_round_trip(text: str) -> None:
    assert parse_time(text).strftime("%Y-%m-%d %H:%M:%S") == text


@pytest.mark.parametrize(("value", "expected"), [
    ("", None), (None, None), ("  ", None), (0, 0), (12, 12), ("12", 12), ("1,024", 1024),
    ("1.2万", 12_000), ("10万+", 100_000), ("3亿", 300_000_000), ("1.5k", 1_500),
    ("2.5w", 25_000), ("999+", 999), (7.0, 7),
])
def test_counts(value: object, expected: int | None) -> None:
    assert parse_count(value) == expected


@pytest.mark.parametrize("value", ["很多", "-3", -3, "1.5", 1.5, True, "万", "1万万", [],
                                   "9" * 30])
def test_refused_counts(value: object) -> None:
    with pytest.raises(CountParseError):
        parse_count(value)


@given(st.text(max_size=20))
def test_any_text_is_a_count_or_raises_count_parse_error(value: str) -> None:
    try:
        parsed = parse_count(value)
    except CountParseError:
        return
    assert parsed is None or parsed >= 0


@given(st.integers(0, 10**6), st.sampled_from(["", "万", "亿", "+", "万+"]))
def test_displayed_counts_are_lower_bounds(number: int, suffix: str) -> None:
    multiplier = 10**8 if "亿" in suffix else 10**4 if "万" in suffix else 1
    assert parse_count(f"{number}{suffix}") == number * multiplier
