"""Burst statistics: which hours fall in the observed period and in each baseline period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import poisson

from yuqing.analysis import bursts

LATEST = datetime(2026, 11, 20, 15, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _by_walking(hourly: dict[datetime, int], start: datetime, end: datetime) -> int:
    """The definition: every hour of [start, end) looked up one by one."""
    total, hour = 0, start
    while hour < end:
        total += hourly.get(hour, 0)
        hour += HOUR
    return total


def test_edges_of_the_hourly_rule() -> None:
    rule = bursts.RULES[0]  # 1 h against the 12 h before
    hourly = {LATEST: 40, LATEST - HOUR: 6, LATEST - 12 * HOUR: 6, LATEST - 13 * HOUR: 99,
              LATEST + HOUR: 500}
    found = bursts.measure(hourly, LATEST, rule)
    assert found.observed == 40  # the hour after the latest is not counted
    assert found.baseline_mean == 1.0  # 6 + 6 over 12 periods; 13 hours back is outside
    assert (found.window_start, found.window_end) == (LATEST, LATEST + HOUR)
    assert bursts.is_burst(found) and found.ratio == 40.0  # the mean is above the floor
    assert found.p_value == poisson.sf(39, 1.0)  # P(at least 40 | Poisson(1))


@given(st.dictionaries(st.integers(-24 * 16, 2), st.integers(0, 50), max_size=80),
       st.sampled_from(bursts.RULES))
def test_counts_match_an_hour_by_hour_walk(offsets: dict[int, int], rule: bursts.Rule) -> None:
    hourly = {LATEST + k * HOUR: n for k, n in offsets.items()}
    found = bursts.measure(hourly, LATEST, rule)
    end = LATEST + HOUR
    assert found.observed == _by_walking(hourly, end - rule.period, end)
    baseline = [_by_walking(hourly, end - (k + 2) * rule.period, end - (k + 1) * rule.period)
                for k in range(rule.baseline_periods)]
    assert found.baseline_mean == sum(baseline) / rule.baseline_periods


@given(st.dictionaries(st.integers(-24 * 16, 2), st.integers(0, 50), max_size=80),
       st.sampled_from(bursts.RULES))
def test_a_recent_window_decides_the_observed_count(offsets: dict[int, int],
                                                    rule: bursts.Rule) -> None:
    """The pipeline reads the last day of every event first and the long baseline only where
    the count could fire: the observed count must not need more than that day."""
    hourly = {LATEST + k * HOUR: n for k, n in offsets.items()}
    recent = {h: n for h, n in hourly.items() if h >= LATEST + HOUR - bursts.RECENT}
    assert bursts.observed(recent, LATEST, rule) == bursts.measure(hourly, LATEST, rule).observed
    if bursts.span(rule) <= bursts.RECENT:  # a short rule is decided by the recent hours alone
        assert bursts.measure(recent, LATEST, rule) == bursts.measure(hourly, LATEST, rule)


@given(st.dictionaries(st.integers(-24 * 16, 2), st.integers(0, 50), max_size=80),
       st.sampled_from(bursts.RULES))
def test_a_baseline_total_decides_like_the_hourly_series(offsets: dict[int, int],
                                                         rule: bursts.Rule) -> None:
    """The database sums a long baseline over ``baseline_window``: the finding must be the one
    the full hourly series gives."""
    hourly = {LATEST + k * HOUR: n for k, n in offsets.items()}
    start, end = bursts.baseline_window(rule, LATEST)
    assert end - start == rule.baseline_periods * rule.period
    total = _by_walking(hourly, start, end)
    judged = bursts.judge(rule, LATEST, bursts.observed(hourly, LATEST, rule), total)
    assert judged == bursts.measure(hourly, LATEST, rule)
