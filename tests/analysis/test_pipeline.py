"""The analysis pipeline end to end: queue, stages, aggregates, re-runs, bursts, failures."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yuqing.analysis import lease, queue, runner
from yuqing.analysis.actions import recount
from yuqing.analysis.models import Burst, Event, EventHour, ItemAnalysis, Pending, Story
from yuqing.analysis.pipeline import TEXT_STAGES, Batch, run
from yuqing.collect.ingest import pipeline as ingest
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Item, Source

START = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)

WATER = "滨江区东湖街道幸福小区停水三天了，物业一直不给说法，居民生活非常困难"
WATER_COPY = "滨江区东湖街道幸福小区停水三天了，物业一直不给说法，居民生活非常困难！！"
WATER_RELATED = "幸福小区停水第四天，物业仍然没有说法，东湖街道居民到物业办公室讨说法"
FIRE = "西湖街道一家餐馆厨房起火，消防车及时赶到，火势很快被扑灭，没有人员受伤"
CONCERT = "周末滨江体育中心举办大型演唱会，现场气氛热烈，观众纷纷表示非常开心"


def _ingest(source: Source, rows: list[tuple[str, str, dt.datetime]],
            **extra: object) -> list[int]:
    records = [ItemRecord(platform="weibo", external_id=ext, text=text, published_at=when,
                          **extra)  # type: ignore[arg-type]
               for ext, text, when in rows]
    batch = ingest.run(ingest.Batch(source=source, records=records),
                       [*ingest.PREPARE, *ingest.WRITE])
    return [batch.outcome[rec.natural_key][1] for rec in records]  # in input order


@pytest.fixture(autouse=True)
def _fresh_context() -> None:
    runner.invalidate()


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "items": list(ItemAnalysis.objects.order_by("item_id").values_list(
            "item_id", "story_id", "event_id", "tone", "emotion", "province", "city",
            "keywords", "heat", "risk")),
        "stories": list(Story.objects.order_by("id").values_list(
            "id", "event_id", "items", "first_seen", "last_seen")),
        "events": list(Event.objects.order_by("id").values_list(
            "id", "items", "stories", "negative", "neutral", "positive", "first_seen",
            "last_seen", "heat", "risk")),
        "hours": list(EventHour.objects.order_by("event_id", "hour").values_list(
            "event_id", "hour", "items", "negative", "neutral", "positive")),
        "bursts": list(Burst.objects.order_by("id").values_list(
            "subject_id", "rule", "window_end", "observed")),
    }


def test_stored_items_are_queued_in_the_write_transaction(source: Source) -> None:
    ids = _ingest(source, [("1", WATER, START), ("2", FIRE, START)])
    assert sorted(Pending.objects.values_list("item_id", flat=True)) == sorted(ids)
    _ingest(source, [("1", WATER, START)])  # unchanged: not queued again
    assert Pending.objects.count() == 2


def test_pipeline_analyses_queue_and_groups_stories_and_events(source: Source) -> None:
    ids = _ingest(source, [
        ("1", WATER, START), ("2", WATER_COPY, START + dt.timedelta(minutes=5)),
        ("3", WATER_RELATED, START + dt.timedelta(hours=1)),
        ("4", FIRE, START + dt.timedelta(minutes=30)),
    ])
    summary = runner.analyse_pending()
    assert summary.analysed == 4 and summary.failed == 0
    assert not Pending.objects.exists()
    rows = {a.item_id: a for a in ItemAnalysis.objects.all()}
    water, copy, related, fire = (rows[pk] for pk in ids)
    assert water.story_id == copy.story_id == ids[0]  # the earliest copy heads the story
    assert Story.objects.get(id=ids[0]).items == 2
    assert related.story_id == ids[2]
    assert water.event_id == related.event_id != fire.event_id
    event = Event.objects.get(id=water.event_id)
    assert (event.items, event.stories) == (3, 2)
    assert event.first_seen == START and event.keywords
    assert water.tone_model and water.emotion_model  # every label names its model
    assert water.province == "" or len(water.province) == 6


def test_rerunning_a_batch_changes_nothing(source: Source) -> None:
    ids = _ingest(source, [("1", WATER, START), ("2", WATER_COPY, START),
                           ("3", CONCERT, START + dt.timedelta(hours=2))])
    runner.analyse_pending()
    before = _snapshot()
    with connection.cursor() as cursor:
        queue.enqueue(cursor, ids, START)
    runner.invalidate()  # as after a crash: the context is rebuilt from the database
    runner.analyse_pending()
    assert _snapshot() == before


def test_changed_item_moves_its_counts(source: Source) -> None:
    _ingest(source, [("1", WATER, START), ("2", FIRE, START)])
    runner.analyse_pending()
    _ingest(source, [("1", CONCERT, START)])  # same id, new text: queued again
    runner.analyse_pending()
    totals = {e.pk: (e.items, e.negative, e.neutral, e.positive) for e in Event.objects.all()}
    recount(totals)
    assert totals == {e.pk: (e.items, e.negative, e.neutral, e.positive)
                      for e in Event.objects.all()}
    assert sum(t[0] for t in totals.values()) == 2


def test_records_prepared_before_a_change_are_not_saved(source: Source) -> None:
    """The workers prepare batches ahead; an item re-imported meanwhile is analysed afresh."""
    ids = _ingest(source, [("1", WATER, START), ("2", FIRE, START)])
    prepared = run(Batch(records=runner.load_records(ids), context=runner._context()),
                   TEXT_STAGES).records
    _ingest(source, [("1", CONCERT, START)])  # new text while the batch waits to be saved
    summary = runner.Summary()
    runner._batch(ids, summary, prepared)
    assert summary.analysed == 2 and summary.failed == 0
    assert "演唱会" in ItemAnalysis.objects.get(item_id=ids[0]).keywords
    assert not Pending.objects.exists()


def test_daily_burst_reads_its_fourteen_day_baseline(source: Source) -> None:
    """The long rule's baseline is read in a second query, only for events busy enough."""
    rows = [(f"d{d}", f"{WATER}（第{d}天）", START + dt.timedelta(days=d)) for d in range(14)]
    rows += [(f"n{i}", f"{WATER}（现场{i}）",
              START + dt.timedelta(days=14, minutes=15 * i)) for i in range(40)]
    _ingest(source, rows)
    runner.analyse_pending()
    events = set(ItemAnalysis.objects.values_list("event_id", flat=True))
    assert len(events) == 1
    burst = Burst.objects.get(subject_id=events.pop(), rule="1d/14d")
    assert (burst.observed, burst.baseline_periods) == (40, 14)
    assert burst.baseline_mean == 1.0  # one post a day before: the whole baseline was read


def test_burst_is_stored_with_its_baseline(source: Source) -> None:
    rows = [(f"b{h}", f"{WATER}（第{h}小时）", START + dt.timedelta(hours=h)) for h in range(12)]
    rows += [(f"s{i}", f"{WATER_RELATED}，现场照片{i}号", START + dt.timedelta(hours=12, minutes=i))
             for i in range(30)]
    _ingest(source, rows)
    runner.analyse_pending()
    event = ItemAnalysis.objects.get(item__external_id="s0").event_id
    burst = Burst.objects.get(subject_id=event, rule="1h/12h")
    assert burst.observed >= 30 and burst.baseline_periods == 12
    assert burst.baseline_mean <= 1.0 and burst.ratio >= 10
    assert str(burst.observed) in burst.reason()


def test_failing_item_is_parked_and_the_rest_go_on(
        source: Source, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _ingest(source, [("1", WATER, START), ("2", "坏数据触发模型错误", START),
                           ("3", FIRE, START)])
    from yuqing.analysis import pipeline

    real = pipeline.ToneAndEmotion.run

    def flaky(self: pipeline.ToneAndEmotion, batch: pipeline.Batch) -> pipeline.Batch:
        if any("坏数据" in r.text for r in batch.records):
            raise pipeline.StageError(self.name, "classifier failed: boom")
        return real(self, batch)

    monkeypatch.setattr(pipeline.ToneAndEmotion, "run", flaky)
    summary = runner.analyse_pending()
    assert (summary.analysed, summary.failed) == (2, 1)
    parked = Pending.objects.get()
    assert parked.item_id == ids[1] and "boom" in parked.error
    assert runner.analyse_pending().analysed == 0  # parked items are not retried in a loop
    monkeypatch.setattr(pipeline.ToneAndEmotion, "run", real)
    assert queue.retry_failed() == 1
    assert runner.analyse_pending().analysed == 1


def test_one_runner_at_a_time(source: Source) -> None:
    _ingest(source, [("1", WATER, START)])
    assert lease.acquire("other-process")
    assert runner.analyse_pending().busy
    lease.release("other-process")
    assert runner.analyse_pending().analysed == 1


@pytest.mark.django_db(transaction=True)  # the second item is stored by another thread
def test_a_lingering_run_analyses_what_arrives_after_the_queue_emptied(source: Source) -> None:
    _ingest(source, [("1", WATER, START)])
    runner.analyse_pending(max_batches=1)  # the context is built: the next run is quick
    _ingest(source, [("2", FIRE, START)])
    stored = threading.Event()

    def push_later() -> None:
        try:
            while Pending.objects.exists():  # until the run has emptied the queue
                time.sleep(0.01)
            _ingest(source, [("3", CONCERT, START)])
            stored.set()
        finally:
            connection.close()

    pusher = threading.Thread(target=push_later)
    pusher.start()
    started = time.monotonic()
    summary = runner.analyse_pending(linger=1)
    took = time.monotonic() - started
    pusher.join()
    assert stored.is_set()
    assert summary.analysed == 2  # item 2, then item 3 in the same run
    assert not Pending.objects.exists()
    assert 1.0 <= took < 10  # after item 3 it watched the empty queue for another second
    assert runner.analyse_pending(linger=0).analysed == 0  # no lingering: returns at once


_TEXTS = [WATER, WATER_COPY, WATER_RELATED, FIRE, CONCERT,
          "东湖街道幸福小区恢复供水，物业公开致歉", "西湖街道餐馆火灾原因查明，系线路老化"]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(_TEXTS) - 1), st.integers(0, 48)),
                min_size=1, max_size=12),
       st.data())
def test_property_rerun_is_a_no_op(
        source: Source, rows: list[tuple[int, int]], data: st.DataObject) -> None:
    Item.objects.all().delete()
    Event.objects.all().delete()
    Story.objects.all().delete()
    runner.invalidate()
    ids = _ingest(source, [(f"p{i}", _TEXTS[t], START + dt.timedelta(hours=h))
                           for i, (t, h) in enumerate(rows)])
    runner.analyse_pending(batch_size=data.draw(st.integers(1, 5)))
    before = _snapshot()
    again = data.draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    with connection.cursor() as cursor:
        queue.enqueue(cursor, again, START)
    if data.draw(st.booleans()):
        runner.invalidate()
    runner.analyse_pending(batch_size=data.draw(st.integers(1, 5)))
    assert _snapshot() == before


def test_counts_match_a_recount(source: Source, make_user: Callable[..., object]) -> None:
    _ingest(source, [(f"c{i}", _TEXTS[i % len(_TEXTS)], START + dt.timedelta(hours=i))
                     for i in range(20)])
    runner.analyse_pending(batch_size=3)
    before = _snapshot()
    recount(Event.objects.values_list("id", flat=True))
    after = _snapshot()
    assert before["hours"] == after["hours"]
    assert [e[:8] for e in before["events"]] == [e[:8] for e in after["events"]]


def test_worker_processes_give_the_same_results(
        source: Source, settings: object) -> None:
    rows = [(f"x{i}", _TEXTS[i % len(_TEXTS)] + f" 第{i}条", START + dt.timedelta(minutes=7 * i))
            for i in range(40)]
    _ingest(source, rows)
    runner.analyse_pending(batch_size=7)
    inline = _snapshot()
    Item.objects.all().delete()
    Event.objects.all().delete()
    Story.objects.all().delete()
    runner.invalidate()
    settings.YUQING_ANALYSIS_WORKERS = 1  # type: ignore[attr-defined]
    try:
        _ingest(source, rows)
        summary = runner.analyse_pending(batch_size=7)
    finally:
        runner._close_workers()
    assert summary.analysed == 40 and summary.batches == 6
    parallel = _snapshot()
    # Ids differ (items were re-created); everything else must match in order.
    assert [r[3:] for r in parallel["items"]] == [r[3:] for r in inline["items"]]
    assert len(parallel["events"]) == len(inline["events"])
    assert [e[1:8] for e in parallel["events"]] == [e[1:8] for e in inline["events"]]


def test_reanalysed_item_that_changes_tone_and_event_is_not_parked(source: Source) -> None:
    _ingest(source, [("t1", "东湖街道幸福小区停水三天，物业不管，居民非常愤怒，太差劲了", START),
                     ("t2", "东湖街道幸福小区停水三天，物业不管，居民非常愤怒，太糟糕了", START)])
    runner.analyse_pending()
    _ingest(source, [("t1", "周末体育中心演唱会非常精彩，观众开心极了，感谢主办方", START)])
    summary = runner.analyse_pending()
    assert (summary.analysed, summary.failed) == (1, 0)
    assert not Pending.objects.exists()
    before = _snapshot()
    recount(Event.objects.values_list("id", flat=True))
    assert _snapshot()["hours"] == before["hours"]
