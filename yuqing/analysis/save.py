"""Write one analysed batch: item results, stories, events, hourly volumes, bursts.

Aggregates (items per story, per event, per hour and tone) are changed by *differences*: an
item that was analysed before first takes back what its previous analysis added, then adds
what the new one says. That keeps every counter exact when a batch is re-run after a crash,
when an item's text changes and it is analysed again, and when the same file is imported twice.

Statements are plain parameterised SQL with ``ON CONFLICT`` upserts (SQLite ≥ 3.24 and
PostgreSQL both accept them), batched with ``executemany``: one analysed batch is a few
statements, not one per item. The caller holds the transaction.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from yuqing.analysis import burstcheck, bursts, heat, queue
from yuqing.analysis.models import Burst, Event, EventHour, ItemAnalysis, Story, Tone
from yuqing.analysis.sql import as_json, placeholders, q, select_in, table, when

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Batch, Record

_TITLE_END = re.compile(r"[。！？!?\n]")
TITLE_LENGTH = 60


@dataclass(frozen=True, slots=True)
class Previous:
    """What an item's last analysis contributed to the aggregates."""

    story_id: int
    event_id: int | None
    tone: str
    engagement: float


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def event_title(rec: Record) -> str:
    """The opening story's title, else its first sentence, cut to :data:`TITLE_LENGTH`."""
    if rec.title:
        return rec.title[:TITLE_LENGTH]
    text = rec.norm.own if rec.norm and rec.norm.own else rec.content
    first = _TITLE_END.split(text.strip(), maxsplit=1)[0].strip() or text.strip()
    return first[:TITLE_LENGTH] or f"#{rec.id}"


def _previous(cursor: CursorWrapper, ids: Sequence[int]) -> dict[int, Previous]:
    sql = (f"SELECT {q('item_id')}, {q('story_id')}, {q('event_id')}, {q('tone')}, "
           f"{q('engagement')} FROM {table(ItemAnalysis)} WHERE {q('item_id')} IN ")
    return {pk: Previous(story, event, tone, eng)
            for pk, story, event, tone, eng in select_in(cursor, sql, ids)}


#: Rows per multi-row INSERT: 16 columns × 50 stays under SQLite's oldest limit of 999
#: parameters.
_EVENT_ROWS = 50


def _create_events(cursor: CursorWrapper, batch: Batch, now: datetime) -> None:
    """Rows for the events this batch opened; provisional keys become real ids everywhere.

    Plain SQL with ``RETURNING id``: the ORM's ``bulk_create`` spent ~90 % of its time
    preparing the values of the 16 columns. Like ``bulk_create``, it relies on the database
    returning the ids in the order of the rows (SQLite and PostgreSQL do).
    """
    if not batch.new_events:
        return
    keys = sorted(batch.new_events, reverse=True)  # -1, -2, …: the order they were opened
    empty_list, empty_dict, stamp = as_json([]), as_json({}), when(now)
    columns = ("title", "keywords", "centroid", "first_seen", "last_seen", "stories", "items",
               "negative", "neutral", "positive", "engagement", "heat", "risk",
               "merged_into_id", "title_locked", "created_at")
    ids: list[int] = []
    for start in range(0, len(keys), _EVENT_ROWS):
        chunk = [batch.new_events[k] for k in keys[start:start + _EVENT_ROWS]]
        params: list[Any] = []
        for rec in chunk:
            params += [event_title(rec), empty_list, empty_dict, when(rec.time), when(rec.time),
                       0, 0, 0, 0, 0, 0.0, 0.0, 0.0, None, False, stamp]
        cursor.execute(
            f"INSERT INTO {table(Event)} ({', '.join(q(c) for c in columns)}) VALUES "
            + ", ".join([placeholders(len(columns))] * len(chunk)) + " RETURNING id", params)
        ids += [row[0] for row in cursor.fetchall()]
    mapping = dict(zip(keys, ids, strict=True))
    batch.context.events.commit(mapping)
    for rec in batch.records:
        if rec.event_id is not None and rec.event_id < 0:
            rec.event_id = mapping[rec.event_id]


def _apply_relabels(cursor: CursorWrapper, relabelled: dict[int, int]) -> None:
    """Stories that gained an earlier head or merged: move their rows and items."""
    for old, new in sorted(relabelled.items()):
        source = Story.objects.filter(id=old).first()
        if source is None:
            continue
        target = Story.objects.filter(id=new).first()
        if target is None:
            Story.objects.create(id=new, event_id=source.event_id, pinned=source.pinned,
                                 items=source.items, first_seen=source.first_seen,
                                 last_seen=source.last_seen)
        else:
            Story.objects.filter(id=new).update(
                items=target.items + source.items,
                first_seen=min(target.first_seen, source.first_seen),
                last_seen=max(target.last_seen, source.last_seen),
                event_id=target.event_id or source.event_id)
        source.delete()
        cursor.execute(f"UPDATE {table(ItemAnalysis)} SET {q('story_id')} = %s "
                       f"WHERE {q('story_id')} = %s", [new, old])


def _upsert_items(cursor: CursorWrapper, batch: Batch, now: datetime) -> None:
    ctx = batch.context
    tone_model = f"{ctx.tone.name}:{ctx.tone.version}"[:80]
    emotion_model = f"{ctx.emotion.name}:{ctx.emotion.version}"[:80]
    stamp = when(now)
    columns = ("item_id", "story_id", "event_id", "tone", "tone_score", "tone_model", "emotion",
               "emotion_score", "emotion_model", "province", "city", "district", "keywords",
               "truncated", "engagement", "heat", "risk", "analysed_at")
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns[1:])
    sql = (f"INSERT INTO {table(ItemAnalysis)} ({', '.join(q(c) for c in columns)}) "
           f"VALUES {placeholders(len(columns))} "
           f"ON CONFLICT ({q('item_id')}) DO UPDATE SET {updates}")
    rows = []
    for rec in batch.records:
        region = rec.region
        rows.append([
            rec.id, rec.story_id, rec.event_id, rec.tone, rec.tone_score, tone_model,
            rec.emotion, rec.emotion_score, emotion_model,
            (region.province or "") if region else "", (region.city or "") if region else "",
            (region.district or "") if region else "",
            as_json(rec.keywords), bool(rec.norm and rec.norm.truncated),
            rec.engagement, rec.heat, rec.risk, stamp,
        ])
    cursor.executemany(sql, rows)


def _min_max(table: str) -> str:
    """``first_seen``/``last_seen`` widened by the incoming row (portable LEAST/GREATEST)."""
    first, last = q("first_seen"), q("last_seen")
    return (f"{first} = CASE WHEN excluded.{first} < {table}.{first} "
            f"THEN excluded.{first} ELSE {table}.{first} END, "
            f"{last} = CASE WHEN excluded.{last} > {table}.{last} "
            f"THEN excluded.{last} ELSE {table}.{last} END")


def _upsert_stories(cursor: CursorWrapper, batch: Batch,
                    previous: dict[int, Previous]) -> None:
    delta: Counter[int] = Counter()
    span: dict[int, tuple[datetime, datetime]] = {}
    event_of: dict[int, int | None] = {}
    for rec in batch.records:
        delta[rec.story_id] += 1
        lo, hi = span.get(rec.story_id, (rec.time, rec.time))
        span[rec.story_id] = (min(lo, rec.time), max(hi, rec.time))
        event_of.setdefault(rec.story_id, rec.event_id)
        old = previous.get(rec.id)
        if old is not None:
            delta[batch.relabelled.get(old.story_id, old.story_id)] -= 1
    stories = table(Story)
    sql = (f"INSERT INTO {stories} (id, {q('event_id')}, {q('pinned')}, {q('items')}, "
           f"{q('first_seen')}, {q('last_seen')}) VALUES (%s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT (id) DO UPDATE SET {q('items')} = {stories}.{q('items')} + "
           f"excluded.{q('items')}, {_min_max(stories)}")
    rows = []
    for story, change in sorted(delta.items()):
        # An item left a story that gains none here, or more left than joined: the story
        # exists, only its count changes (an insert would fail its CHECK on a negative count).
        if story not in span or change < 0:
            cursor.execute(f"UPDATE {stories} SET {q('items')} = {q('items')} + %s "
                           "WHERE id = %s", [change, story])
            continue
        lo, hi = span[story]
        rows.append([story, event_of[story], False, change, when(lo), when(hi)])
    if rows:
        cursor.executemany(sql, rows)


@dataclass
class _EventDelta:
    items: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    engagement: float = 0.0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, tone: str, engagement: float, sign: int, when: datetime | None) -> None:
        self.items += sign
        self.engagement += sign * engagement
        if tone == Tone.NEGATIVE:
            self.negative += sign
        elif tone == Tone.POSITIVE:
            self.positive += sign
        else:
            self.neutral += sign
        if when is not None:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)


def _event_and_hour_deltas(
    batch: Batch, previous: dict[int, Previous]
) -> tuple[dict[int, _EventDelta], dict[tuple[int, datetime], _EventDelta]]:
    events: dict[int, _EventDelta] = defaultdict(_EventDelta)
    hours: dict[tuple[int, datetime], _EventDelta] = defaultdict(_EventDelta)
    for rec in batch.records:
        hour = hour_of(rec.time)
        old = previous.get(rec.id)
        if old is not None and old.event_id is not None:
            old_event = batch.context.follow(old.event_id)
            if old_event is not None:
                events[old_event].add(old.tone, old.engagement, -1, None)
                hours[(old_event, hour)].add(old.tone, 0.0, -1, None)
        if rec.event_id is not None:
            events[rec.event_id].add(rec.tone, rec.engagement, 1, rec.time)
            hours[(rec.event_id, hour)].add(rec.tone, 0.0, 1, None)
    return events, hours


def _update_events(cursor: CursorWrapper, deltas: dict[int, _EventDelta]) -> None:
    counters = ("items", "negative", "neutral", "positive", "engagement")
    adds = ", ".join(f"{q(c)} = {q(c)} + %s" for c in counters)
    first, last = q("first_seen"), q("last_seen")
    sql = (f"UPDATE {table(Event)} SET {adds}, "
           f"{first} = CASE WHEN %s < {first} THEN %s ELSE {first} END, "
           f"{last} = CASE WHEN %s > {last} THEN %s ELSE {last} END WHERE id = %s")
    rows = []
    for event, d in sorted(deltas.items()):
        lo = when(d.first) if d.first else None
        hi = when(d.last) if d.last else None
        rows.append([d.items, d.negative, d.neutral, d.positive, d.engagement,
                     lo, lo, hi, hi, event])
    cursor.executemany(sql, rows)


def _upsert_hours(cursor: CursorWrapper, hours: dict[tuple[int, datetime], _EventDelta]) -> None:
    hours_table = table(EventHour)
    counters = ("items", "negative", "neutral", "positive")
    adds = ", ".join(f"{q(c)} = {hours_table}.{q(c)} + excluded.{q(c)}" for c in counters)
    sql = (f"INSERT INTO {hours_table} ({q('event_id')}, {q('hour')}, "
           + ", ".join(q(c) for c in counters) + ") VALUES (%s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT ({q('event_id')}, {q('hour')}) DO UPDATE SET {adds}")
    # A row is inserted only when every count is ≥ 0: the database checks the CHECK
    # constraints of the row to insert before it resolves the conflict (SQLite does), so
    # an hour that loses items is changed with a plain UPDATE — it exists, its items were
    # counted there.
    grow, shrink = [], []
    for (event, hour), d in sorted(hours.items()):
        counts = [d.items, d.negative, d.neutral, d.positive]
        if min(counts) >= 0:
            grow.append([event, when(hour), *counts])
        else:
            shrink.append([*counts, event, when(hour)])
    if grow:
        cursor.executemany(sql, grow)
    if shrink:
        sets = ", ".join(f"{q(c)} = {q(c)} + %s" for c in counters)
        cursor.executemany(f"UPDATE {hours_table} SET {sets} WHERE {q('event_id')} = %s AND "
                           f"{q('hour')} = %s", shrink)


def _refresh_events(cursor: CursorWrapper, batch: Batch, touched: set[int],
                    now: datetime) -> None:
    """Centroids, keywords, story counts, bursts, heat and risk of the events just changed."""
    ctx = batch.context
    ids = sorted(touched)
    states = {s.id: s for s in ctx.events.states(ids)}
    latest: dict[int, datetime] = {}
    for rec in batch.records:
        if rec.event_id in touched:
            hour = hour_of(rec.time)
            latest[rec.event_id] = max(latest.get(rec.event_id, hour), hour)
    event_id = q("event_id")
    story_counts = dict(select_in(
        cursor, f"SELECT {event_id}, COUNT(*) FROM {table(Story)} WHERE {event_id} IN ", ids,
        suffix=f" GROUP BY {event_id}"))
    totals = {pk: (items, negative, eng) for pk, items, negative, eng in select_in(
        cursor, f"SELECT id, {q('items')}, {q('negative')}, {q('engagement')} "
                f"FROM {table(Event)} WHERE id IN ", ids)}
    least = min(rule.min_count for rule in bursts.RULES)
    growth = _detect_bursts(cursor, {pk: hour for pk, hour in latest.items()
                                     if totals.get(pk, (0, 0, 0.0))[0] >= least}, now)
    scores: list[list[Any]] = []
    shapes: list[list[Any]] = []
    for pk in ids:
        if pk not in totals:
            continue
        items, negative, eng = totals[pk]
        hot, risky = heat.event_scores(items, eng, negative, growth.get(pk, 1.0))
        scores.append([story_counts.get(pk, 0), hot, risky, pk])
        state = states.get(pk)
        if state is not None:
            shapes.append([as_json(dict(state.centroid)),
                           as_json(ctx.top_terms(state)), pk])
    events = table(Event)
    cursor.executemany(f"UPDATE {events} SET {q('stories')} = %s, {q('heat')} = %s, "
                       f"{q('risk')} = %s WHERE id = %s", scores)
    if shapes:
        cursor.executemany(f"UPDATE {events} SET {q('centroid')} = %s, {q('keywords')} = %s "
                           "WHERE id = %s", shapes)


def _detect_bursts(cursor: CursorWrapper, latest: dict[int, datetime],
                   now: datetime) -> dict[int, float]:
    """Store the bursts of the events in ``latest``; return each one's growth (latest hour
    over its baseline)."""
    growth: dict[int, float] = {}
    found: list[tuple[int, bursts.Finding]] = []
    for event, findings in burstcheck.measure_all(cursor, EventHour, "event_id", latest).items():
        for finding in findings:
            if finding.rule is bursts.RULES[0]:
                growth[event] = finding.ratio
            if bursts.is_burst(finding):
                found.append((event, finding))
    burstcheck.store(cursor, Burst.Subject.EVENT, found, now)
    return growth


def save(batch: Batch) -> set[int]:
    """Store the batch (inside the caller's transaction); return the events it changed."""
    now = timezone.now()
    ids = [rec.id for rec in batch.records]
    with connection.cursor() as cursor:
        _create_events(cursor, batch, now)
        previous = _previous(cursor, ids)
        _apply_relabels(cursor, batch.relabelled)
        _upsert_items(cursor, batch, now)
        _upsert_stories(cursor, batch, previous)
        events, hours = _event_and_hour_deltas(batch, previous)
        if events:
            _update_events(cursor, events)
            _upsert_hours(cursor, hours)
        queue.done(cursor, ids)
        touched = set(events)
        _refresh_events(cursor, batch, touched, now)
    return touched
