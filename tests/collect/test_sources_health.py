"""Source health: items per day counted at every write, statuses, and silent sources."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.collect.siteserver import make_source
from yuqing.collect.api.push import push
from yuqing.collect.ingest import pipeline
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import ApiToken, RunOutcome, Source, SourceDay, SourceState
from yuqing.collect.sources.health import Health, health, silent_sources
from yuqing.orgs.models import Unit

pytestmark = pytest.mark.django_db


def _write(source: Source, *texts: str) -> None:
    records = [ItemRecord(platform=source.platform, text=t) for t in texts]
    pipeline.run(pipeline.Batch(source=source, records=records),
                 [*pipeline.PREPARE, *pipeline.WRITE])


def _state(source: Source, **fields: Any) -> None:
    now = timezone.now()
    defaults = {"last_finished_at": now, "last_outcome": RunOutcome.OK,
                "last_success_at": now}
    SourceState.objects.update_or_create(source=source, defaults={**defaults, **fields})


def test_new_items_are_counted_per_source_and_day(units: dict[str, Unit],
                                                  source: Source) -> None:
    other = make_source("rss", "https://example.org/feed", unit=units["district"])
    _write(source, "一", "二", "三")
    _write(source, "一", "四")  # one repeat: counted once
    _write(other, "五")
    day = timezone.localdate()
    assert SourceDay.objects.get(source=source, day=day).items == 4
    assert SourceDay.objects.get(source=other, day=day).items == 1


def test_pushed_items_count_too(source: Source) -> None:
    token, _secret = ApiToken.issue(source, "crawler")
    push(token, [{"platform": "weibo", "external_id": "p1", "text": "推送的内容"},
                 {"platform": "weibo", "external_id": "p2", "text": "另一条"}])
    push(token, [{"platform": "weibo", "external_id": "p1", "text": "推送的内容（改）"}])
    state = health([source])[source.pk]
    assert state.items_per_day == 2.0  # one day of figures so far: 2 new items
    assert state.last_item_at is not None


def test_statuses(units: dict[str, Unit]) -> None:
    unit = units["district"]
    now = timezone.now()
    day = timedelta(days=1)
    pending = make_source("rss", "https://a.example/feed", unit=unit, name="pending")
    healthy = make_source("rss", "https://b.example/feed", unit=unit, name="healthy")
    _state(healthy)
    _write(healthy, "新内容")
    degraded = make_source("rss", "https://c.example/feed", unit=unit, name="degraded")
    _state(degraded, last_outcome=RunOutcome.PARTIAL, last_error="1 page failed")
    _write(degraded, "新内容二")
    once = make_source("rss", "https://d.example/feed", unit=unit, name="failed once")
    _state(once, last_outcome=RunOutcome.FAILED, failures=1)
    _write(once, "新内容三")
    failing = make_source("rss", "https://e.example/feed", unit=unit, name="failing")
    _state(failing, last_outcome=RunOutcome.FAILED, failures=2, last_error="HTTP 500")
    silent = make_source("rss", "https://f.example/feed", unit=unit, name="silent")
    _state(silent)
    SourceState.objects.filter(pk=silent.pk).update(created_at=now - 3 * day)
    disabled = make_source("rss", "https://g.example/feed", unit=unit, name="off",
                           enabled=False)
    states = health([pending, healthy, degraded, once, failing, silent, disabled], now)
    assert {s.name: states[s.pk].status for s in
            (pending, healthy, degraded, once, failing, silent, disabled)} == {
        "pending": Health.PENDING, "healthy": Health.HEALTHY, "degraded": Health.DEGRADED,
        "failed once": Health.DEGRADED, "failing": Health.FAILING, "silent": Health.SILENT,
        "off": Health.DISABLED}
    assert states[failing.pk].last_error == "HTTP 500"
    # The default gap of a 15-minute feed: twice its interval, but at least a day.
    assert states[healthy.pk].expected_gap == day


def test_silent_sources_for_alerting(units: dict[str, Unit], source: Source) -> None:
    feed = make_source("rss", "https://example.org/feed", unit=units["street_a"],
                       schedule="1d", silent_after=timedelta(hours=6))
    _state(feed)
    _write(feed, "最后一条")
    now = timezone.now()
    assert silent_sources(now) == []
    later = now + timedelta(hours=7)
    found = silent_sources(later)
    assert [(s.source_id, s.name, s.unit_id, s.kind) for s in found] == [
        (feed.pk, feed.name, units["street_a"].pk, "rss")]
    assert found[0].expected_gap == timedelta(hours=6)
    last = found[0].last_item_at
    assert last is not None and last <= now
    assert found[0].silent_since == last + timedelta(hours=6)
    # A pushed source that received nothing for a day is silent too (default gap).
    pushed = make_source("push", unit=units["district"], name="pushed")
    token, _secret = ApiToken.issue(pushed, "crawler")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    assert sorted(s.name for s in silent_sources(now + timedelta(days=2))) == ["pushed", feed.name]
    # Sources without a connector (file imports) are never silent by default.
    assert source.kind == "account"
