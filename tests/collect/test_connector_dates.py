"""Publication times as Chinese pages write them: exact examples and properties."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuqing.collect.connectors.dates import find_when, parse_when
from yuqing.collect.importing.timeparse import TimeParseError

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=SH)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年11月21日 08:00", datetime(2026, 11, 21, 8, 0)),
    ("2026年11月21日08:00:30", datetime(2026, 11, 21, 8, 0, 30)),
    ("2026-11-21 08时05分", datetime(2026, 11, 21, 8, 5)),
    ("2026.11.21", datetime(2026, 11, 21)),
    ("2026/11/21 8:05", datetime(2026, 11, 21, 8, 5)),
    ("11-21 08:00", datetime(2026, 11, 21, 8, 0)),
    ("11/21", datetime(2026, 11, 21)),
    ("11月21日 08:00", datetime(2026, 11, 21, 8, 0)),
    ("12-31 23:00", datetime(2025, 12, 31, 23, 0)),  # would be in the future: last year
    ("刚刚", datetime(2026, 11, 22, 10, 0)),
    ("30秒前", datetime(2026, 11, 22, 9, 59, 30)),
    ("5分钟前", datetime(2026, 11, 22, 9, 55)),
    ("半小时前", datetime(2026, 11, 22, 9, 30)),
    ("3小时前", datetime(2026, 11, 22, 7, 0)),
    ("2天前", datetime(2026, 11, 20, 10, 0)),
    ("1周前", datetime(2026, 11, 15, 10, 0)),
    ("今天 08:00", datetime(2026, 11, 22, 8, 0)),
    ("昨天 08:00", datetime(2026, 11, 21, 8, 0)),
    ("前天", datetime(2026, 11, 20)),
    ("昨天 下午3:05", datetime(2026, 11, 21, 15, 5)),
    ("08:00", datetime(2026, 11, 22, 8, 0)),
    ("23:00", datetime(2026, 11, 21, 23, 0)),  # later than now today: yesterday
    ("２０２６年１１月２１日　０８：００", datetime(2026, 11, 21, 8, 0)),
    ("2026-11-21T08:00:00+08:00", datetime(2026, 11, 21, 8, 0)),
])
def test_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected.replace(tzinfo=SH)


@pytest.mark.parametrize("text", ["", "abc", "3个月前", "几分钟前", "13-45", "25:00",
                                  "2026年13月1日", "1.5", "第12期"])
def test_refusals(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_when(text, NOW)


def test_find_in_text_prefers_full_dates() -> None:
    assert find_when("发布时间：2026-11-21 08:00 来源：滨江发布 阅读 3小时前", NOW) == datetime(
        2026, 11, 21, 8, 0, tzinfo=SH)
    assert find_when("来源：滨江发布 3小时前", NOW) == NOW - timedelta(hours=3)
    assert find_when("第12期 共3页 版本1.2", NOW) is None


_moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SH))
_FULL_FORMS = ["%Y年%m月%d日 %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M",
               "%Y-%m-%d %H时%M分", "%Y年%m月%d日%H:%M"]


@given(_moments, st.sampled_from(_FULL_FORMS))
def test_full_dates_round_trip(moment: datetime, form: str) -> None:
    assert parse_when(moment.strftime(form), NOW) == moment


@given(st.integers(min_value=0, max_value=360 * 24 * 60), st.sampled_from(["%m-%d %H:%M",
                                                                           "%m月%d日 %H:%M"]))
def test_dates_without_a_year_are_in_the_past_year(minutes_ago: int, form: str) -> None:
    moment = NOW - timedelta(minutes=minutes_ago)
    text = moment.strftime(form)
    assert parse_when(text, NOW) == moment.replace(second=0, microsecond=0)


@given(st.integers(min_value=0, max_value=5000), st.sampled_from([
    ("分钟前", timedelta(minutes=1)), ("小时前", timedelta(hours=1)), ("天前", timedelta(days=1))]))
def test_relative_times(amount: int, unit: tuple[str, timedelta]) -> None:
    word, step = unit
    if step * amount > timedelta(days=3660):
        return
    assert parse_when(f"{amount}{word}", NOW) == NOW - step * amount


@given(_moments, st.text(alphabet="滨江区新闻来源：发布于作者阅读", max_size=20),
       st.text(alphabet="滨江区新闻来源：发布于作者阅读", max_size=20))
def test_found_inside_text(moment: datetime, before: str, after: str) -> None:
    text = f"{before} {moment:%Y-%m-%d %H:%M} {after}"
    assert find_when(text, NOW) == moment


@given(st.text(max_size=60))
def test_any_text_parses_or_is_refused_cleanly(text: str) -> None:
    try:
        result = parse_when(text, NOW)
    except TimeParseError:
        return
    assert result.tzinfo is not None


@given(st.text(max_size=200))
def test_search_never_raises(text: str) -> None:
    found = find_when(text, NOW)
    assert found is None or found.tzinfo is not None
