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

from yuqing.analysis import bursts, heat, queue
from yuqing.analysis.models import Burst, Event, EventHour, ItemAnalysis, Story, Tone

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


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Any]) -> str:
    return _q(model._meta.db_table)


def _in(values: Sequence[object]) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def event_title(rec: Record) -> str:
    """The opening story's title, else its first sentence, cut to :data:`TITLE_LENGTH`."""
    if rec.title:
        return rec.title[:TITLE_LENGTH]
    text = rec.norm.own if rec.norm and rec.norm.own else rec.content
    first = _TITLE_END.split(text.strip(), maxsplit=1)[0].strip() or text.strip()
    return first[:TITLE_LENGTH] or f"#{rec.id}"


def _select_in(cursor: CursorWrapper, sql: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (ending in ``IN ``) for ``ids``, in chunks under the parameter limits.

    Plain SQL: Django's ``__in`` look-ups spent more time preparing 2,000 ids than the
    database spent answering.
    """
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start:start + 2000]
        cursor.execute(sql + _in(chunk), list(chunk))
        rows.extend(cursor.fetchall())
    return rows


def _previous(cursor: CursorWrapper, ids: Sequence[int]) -> dict[int, Previous]:
    sql = (f"SELECT {_q('item_id')}, {_q('story_id')}, {_q('event_id')}, {_q('tone')}, "
           f"{_q('engagement')} FROM {_table(ItemAnalysis)} WHERE {_q('item_id')} IN ")
    return {pk: Previous(story, event, tone, eng)
            for pk, story, event, tone, eng in _select_in(cursor, sql, ids)}


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
    when = connection.ops.adapt_datetimefield_value
    as_json = connection.ops.adapt_json_value
    empty_list, empty_dict, stamp = as_json([], None), as_json({}, None), when(now)
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
            f"INSERT INTO {_table(Event)} ({', '.join(_q(c) for c in columns)}) VALUES "
            + ", ".join([_in(columns)] * len(chunk)) + " RETURNING id", params)
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
        cursor.execute(f"UPDATE {_table(ItemAnalysis)} SET {_q('story_id')} = %s "
                       f"WHERE {_q('story_id')} = %s", [new, old])


def _upsert_items(cursor: CursorWrapper, batch: Batch, now: datetime) -> None:
    ops = connection.ops
    ctx = batch.context
    tone_model = f"{ctx.tone.name}:{ctx.tone.version}"[:80]
    emotion_model = f"{ctx.emotion.name}:{ctx.emotion.version}"[:80]
    stamp = ops.adapt_datetimefield_value(now)
    columns = ("item_id", "story_id", "event_id", "tone", "tone_score", "tone_model", "emotion",
               "emotion_score", "emotion_model", "province", "city", "district", "keywords",
               "truncated", "engagement", "heat", "risk", "analysed_at")
    updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in columns[1:])
    sql = (f"INSERT INTO {_table(ItemAnalysis)} ({', '.join(_q(c) for c in columns)}) "
           f"VALUES {_in(columns)} ON CONFLICT ({_q('item_id')}) DO UPDATE SET {updates}")
    rows = []
    for rec in batch.records:
        region = rec.region
        rows.append([
            rec.id, rec.story_id, rec.event_id, rec.tone, rec.tone_score, tone_model,
            rec.emotion, rec.emotion_score, emotion_model,
            (region.province or "") if region else "", (region.city or "") if region else "",
            (region.district or "") if region else "",
            ops.adapt_json_value(rec.keywords, None), bool(rec.norm and rec.norm.truncated),
            rec.engagement, rec.heat, rec.risk, stamp,
        ])
    cursor.executemany(sql, rows)


def _min_max(table: str) -> str:
    """``first_seen``/``last_seen`` widened by the incoming row (portable LEAST/GREATEST)."""
    first, last = _q("first_seen"), _q("last_seen")
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
    table = _table(Story)
    sql = (f"INSERT INTO {table} (id, {_q('event_id')}, {_q('pinned')}, {_q('items')}, "
           f"{_q('first_seen')}, {_q('last_seen')}) VALUES (%s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT (id) DO UPDATE SET {_q('items')} = {table}.{_q('items')} + "
           f"excluded.{_q('items')}, {_min_max(table)}")
    when = connection.ops.adapt_datetimefield_value
    rows = []
    for story, change in sorted(delta.items()):
        if story not in span:  # an item left this story: only its count changes
            cursor.execute(f"UPDATE {table} SET {_q('items')} = {_q('items')} + %s "
                           "WHERE id = %s", [change, story])
            continue
        lo, hi = span[story]
        if change < 0:  # the story exists (items left it); an insert would fail its CHECK
            cursor.execute(f"UPDATE {table} SET {_q('items')} = {_q('items')} + %s "
                           "WHERE id = %s", [change, story])
            continue
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
    when = connection.ops.adapt_datetimefield_value
    counters = ("items", "negative", "neutral", "positive", "engagement")
    adds = ", ".join(f"{_q(c)} = {_q(c)} + %s" for c in counters)
    first, last = _q("first_seen"), _q("last_seen")
    sql = (f"UPDATE {_table(Event)} SET {adds}, "
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
    when = connection.ops.adapt_datetimefield_value
    table = _table(EventHour)
    counters = ("items", "negative", "neutral", "positive")
    adds = ", ".join(f"{_q(c)} = {table}.{_q(c)} + excluded.{_q(c)}" for c in counters)
    sql = (f"INSERT INTO {table} ({_q('event_id')}, {_q('hour')}, "
           + ", ".join(_q(c) for c in counters) + ") VALUES (%s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT ({_q('event_id')}, {_q('hour')}) DO UPDATE SET {adds}")
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
        sets = ", ".join(f"{_q(c)} = {_q(c)} + %s" for c in counters)
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {_q('event_id')} = %s AND "
                           f"{_q('hour')} = %s", shrink)


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
    event_id = _q("event_id")
    story_counts = {}
    for start in range(0, len(ids), 2000):
        chunk = ids[start:start + 2000]
        cursor.execute(f"SELECT {event_id}, COUNT(*) FROM {_table(Story)} WHERE {event_id} IN "
                       + _in(chunk) + f" GROUP BY {event_id}", list(chunk))
        story_counts.update(cursor.fetchall())
    totals = {pk: (items, negative, eng) for pk, items, negative, eng in _select_in(
        cursor, f"SELECT id, {_q('items')}, {_q('negative')}, {_q('engagement')} "
                f"FROM {_table(Event)} WHERE id IN ", ids)}
    growth = _detect_bursts(
        cursor, [pk for pk in ids if pk in latest and totals.get(pk, (0, 0, 0.0))[0]
                 >= min(rule.min_count for rule in bursts.RULES)], latest, now)
    as_json = connection.ops.adapt_json_value
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
            shapes.append([as_json(dict(state.centroid), None),
                           as_json(ctx.top_terms(state), None), pk])
    table = _table(Event)
    cursor.executemany(f"UPDATE {table} SET {_q('stories')} = %s, {_q('heat')} = %s, "
                       f"{_q('risk')} = %s WHERE id = %s", scores)
    if shapes:
        cursor.executemany(f"UPDATE {table} SET {_q('centroid')} = %s, {_q('keywords')} = %s "
                           "WHERE id = %s", shapes)


def _hourly(events: list[int], start: datetime) -> dict[int, dict[datetime, int]]:
    """Items per hour of ``events`` from ``start`` on."""
    series: dict[int, dict[datetime, int]] = defaultdict(dict)
    for chunk_start in range(0, len(events), 2000):
        rows = EventHour.objects.filter(event_id__in=events[chunk_start:chunk_start + 2000],
                                        hour__gte=start).values_list("event_id", "hour", "items")
        for event, hour, items in rows:
            series[event][hour] = items
    return series


def _detect_bursts(cursor: CursorWrapper, events: list[int], latest: dict[int, datetime],
                   now: datetime) -> dict[int, float]:
    """Store bursts of ``events``; return each one's growth (latest hour over its baseline).

    Two reads: the last :data:`bursts.RECENT` hours of every event, which decide the short
    rules and each long rule's observed count; then the full baseline (15 days) only of the
    events whose count could fire a long rule. Reading 360 hours of every touched event in
    every batch grew to most of the save stage as the history filled up.
    """
    if not events:
        return {}
    series = _hourly(events, min(latest[e] for e in events) + bursts.HOUR - bursts.RECENT)
    long_rules = [rule for rule in bursts.RULES if bursts.span(rule) > bursts.RECENT]
    busy = [e for e in events if any(
        bursts.observed(series[e], latest[e], rule) >= rule.min_count for rule in long_rules)]
    if busy:
        series.update(_hourly(busy, min(bursts.baseline_start(latest[e]) for e in busy)))
    growth: dict[int, float] = {}
    when = connection.ops.adapt_datetimefield_value
    found_rows: list[list[Any]] = []
    for event in events:
        for rule in bursts.RULES:
            found = bursts.measure(series[event], latest[event], rule)
            if rule is bursts.RULES[0]:
                growth[event] = found.ratio
            if bursts.is_burst(found):
                found_rows.append([
                    Burst.Subject.EVENT.value, event, rule.code, when(found.window_start),
                    when(found.window_end), found.observed, found.baseline_mean,
                    rule.baseline_periods, found.p_value, found.ratio, when(now)])
    if found_rows:
        columns = ("subject", "subject_id", "rule", "window_start", "window_end", "observed",
                   "baseline_mean", "baseline_periods", "p_value", "ratio", "detected_at")
        keep = ("subject", "subject_id", "rule", "window_end", "detected_at")
        updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in columns if c not in keep)
        cursor.executemany(
            f"INSERT INTO {_table(Burst)} ({', '.join(_q(c) for c in columns)}) "
            f"VALUES {_in(columns)} ON CONFLICT ({_q('subject')}, {_q('subject_id')}, "
            f"{_q('rule')}, {_q('window_end')}) DO UPDATE SET {updates}", found_rows)
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
