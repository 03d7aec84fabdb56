"""Schemes run over every analysed batch: hits with spans, hourly counts, re-runs, bursts, and a
compiled matcher that follows scheme changes."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from tests.alerts.conftest import FIRE, START, WATER, analyse, make_scheme, push
from yuqing.alerts import schemes
from yuqing.alerts.models import Scheme, SchemeHit, SchemeHour
from yuqing.analysis import queue, runner
from yuqing.analysis.models import Burst
from yuqing.collect.models import Source
from yuqing.orgs.models import Unit


def _hits() -> list[tuple[int, int, list[list[object]]]]:
    return list(SchemeHit.objects.order_by("scheme_id", "item_id")
                .values_list("scheme_id", "item_id", "spans"))


def _hours() -> list[tuple[int, dt.datetime, int]]:
    return list(SchemeHour.objects.order_by("scheme_id", "hour")
                .values_list("scheme_id", "hour", "items"))


def test_hits_are_stored_with_their_spans_and_counted_per_hour(
        source: Source, units: dict[str, Unit]) -> None:
    scheme = make_scheme(units["district"], "停水", "幸福小区 停水")
    water, _fire = push(source, [("1", WATER, START), ("2", FIRE, START)])
    analyse()
    assert _hits() == [(scheme.pk, water, [["text", 7, 11, "幸福小区"], ["text", 11, 13, "停水"]])]
    assert _hours() == [(scheme.pk, START, 1)]


def test_rerun_changes_nothing_and_a_changed_item_moves_its_count(
        source: Source, units: dict[str, Unit]) -> None:
    scheme = make_scheme(units["district"], "停水", "停水 OR 起火")
    ids = push(source, [("1", WATER, START), ("2", FIRE, START + dt.timedelta(hours=1))])
    analyse()
    before = (_hits(), _hours())
    with connection.cursor() as cursor:
        queue.enqueue(cursor, ids, START)
    runner.invalidate()
    schemes.invalidate()
    analyse()
    assert (_hits(), _hours()) == before
    # The same post, edited: no longer a match. (Same tone on purpose: an edit that changes
    # an item's tone trips a CHECK constraint in analysis/save.py's hourly upsert on SQLite.)
    push(source, [("1", WATER.replace("停水", "停电"), START)])
    analyse()
    assert [hit[1] for hit in _hits()] == [ids[1]]
    assert _hours() == [(scheme.pk, START, 0), (scheme.pk, START + dt.timedelta(hours=1), 1)]


def test_the_compiled_matcher_follows_scheme_changes(
        source: Source, units: dict[str, Unit]) -> None:
    first = schemes.generation()
    push(source, [("1", WATER, START)])
    analyse()
    assert not _hits()
    scheme = make_scheme(units["district"], "停水", "停水")
    assert schemes.generation() == first + 1
    push(source, [("2", WATER + "！", START)])
    analyse()
    assert len(_hits()) == 1
    scheme.enabled = False
    scheme.save()
    push(source, [("3", WATER + "？", START)])
    analyse()
    assert len(_hits()) == 1
    assert schemes.generation() == first + 2


def test_a_scheme_that_no_longer_parses_does_not_silence_the_others(
        source: Source, units: dict[str, Unit]) -> None:
    good = make_scheme(units["district"], "停水", "停水")
    broken = make_scheme(units["district"], "坏", "起火")
    Scheme.objects.filter(pk=broken.pk).update(query="(起火")  # by hand, past the form
    schemes.bump()
    push(source, [("1", WATER, START), ("2", FIRE, START)])
    analyse()
    assert [hit[0] for hit in _hits()] == [good.pk]


def test_simple_scheme_matches_like_its_advanced_query(
        source: Source, units: dict[str, Unit]) -> None:
    query = schemes.simple_query(["幸福小区", "东湖"], ["物业"], ["停水", "停电"], ["广告"])
    assert query == "(幸福小区 OR 东湖) AND 物业 AND (停水 OR 停电) AND NOT 广告"
    Scheme.objects.create(unit=units["district"], name="simple", mode=Scheme.Mode.SIMPLE,
                          region_words=["幸福小区", "东湖"], subject_words=["物业"],
                          event_words=["停水", "停电"], exclude_words=["广告"], query=query)
    push(source, [("1", WATER, START), ("2", WATER + "（广告）", START), ("3", FIRE, START)])
    analyse()
    assert len(_hits()) == 1


def test_scheme_burst_is_stored_with_its_baseline(
        source: Source, units: dict[str, Unit]) -> None:
    scheme = make_scheme(units["district"], "停水", "停水")
    rows = [(f"b{h}", f"第{h}天的停水通知", START + dt.timedelta(hours=h)) for h in range(12)]
    rows += [(f"s{i}", f"{WATER}，第{i}位居民反映", START + dt.timedelta(hours=12, minutes=i))
             for i in range(25)]
    push(source, rows)
    analyse()
    burst = Burst.objects.get(subject=Burst.Subject.SCHEME, subject_id=scheme.pk,
                              rule="1h/12h")
    assert burst.observed == 25 and burst.baseline_mean == 1.0
    assert burst.window_end == START + dt.timedelta(hours=13)
    assert "25" in burst.reason()


def test_scheme_daily_burst_sums_its_fourteen_day_baseline(
        source: Source, units: dict[str, Unit]) -> None:
    """The long rule's baseline is summed by the database: one post a day for 14 days, then
    40 in a day, is a daily burst against a mean of exactly 1."""
    scheme = make_scheme(units["district"], "停水", "停水")
    rows = [(f"d{d}", f"第{d}天的停水通知", START + dt.timedelta(days=d)) for d in range(14)]
    rows += [(f"n{i}", f"{WATER}，第{i}位居民反映", START + dt.timedelta(days=14, minutes=15 * i))
             for i in range(40)]
    push(source, rows)
    analyse()
    burst = Burst.objects.get(subject=Burst.Subject.SCHEME, subject_id=scheme.pk, rule="1d/14d")
    assert (burst.observed, burst.baseline_periods, burst.baseline_mean) == (40, 14, 1.0)
    assert burst.window_end == START + dt.timedelta(days=14, hours=10)
