"""Each analysed batch through every enabled scheme: hits, hourly counts, scheme bursts.

Runs inside the batch's transaction (see :mod:`yuqing.alerts.hook`), so an item is never
analysed without having been matched, and a re-run batch changes nothing: an item's earlier
hits are replaced by its new ones and the hourly counts move by the difference, exactly as
the pipeline keeps event counts. Bursts use the same rules as events
(:data:`yuqing.analysis.bursts.RULES`) and are stored as ``analysis.Burst`` rows with
subject "scheme".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.backends.utils import CursorWrapper

from yuqing.alerts.models import SchemeHit, SchemeHour
from yuqing.alerts.schemes import Compiled
from yuqing.analysis import burstcheck, bursts
from yuqing.analysis.models import Burst
from yuqing.analysis.save import hour_of
from yuqing.analysis.sql import as_json, aware, q, select_in, table, when
from yuqing.collect.models import CredibilityTier, Item, Source
from yuqing.search.query import Doc, Hit

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Record


@dataclass(frozen=True, slots=True)
class ItemMeta:
    """What the pipeline's record lacks and schemes and reasons need."""

    platform: str
    unit_id: int
    source_id: int
    source_name: str
    tier_code: str
    tier_name: str


@dataclass
class BatchMatches:
    compiled: Compiled
    meta: dict[int, ItemMeta]
    #: Record id → the schemes it matched, with spans.
    hits: dict[int, list[Hit]]
    #: ``(scheme id, item id)`` matched now and not before (a re-analysis does not re-fire).
    new: set[tuple[int, int]] = field(default_factory=set)
    #: Scheme bursts measured on this batch (stored, with ids).
    bursts: list[Burst] = field(default_factory=list)


def load_meta(cursor: CursorWrapper, ids: Sequence[int]) -> dict[int, ItemMeta]:
    item, source, tier = table(Item), table(Source), table(CredibilityTier)
    sql = (f"SELECT i.id, i.{q('platform')}, i.{q('unit_id')}, i.{q('source_id')}, "
           f"s.{q('name')}, t.{q('code')}, t.{q('name')} FROM {item} i "
           f"JOIN {source} s ON s.id = i.{q('source_id')} "
           f"LEFT JOIN {tier} t ON t.id = s.{q('tier_id')} WHERE i.id IN ")
    return {pk: ItemMeta(platform, unit, src, src_name, code or "", tier_name or "")
            for pk, platform, unit, src, src_name, code, tier_name
            in select_in(cursor, sql, ids)}


def doc_of(rec: Record, meta: ItemMeta | None) -> Doc:
    return Doc(title=rec.title, text=rec.text, platform=meta.platform if meta else "",
               tier=meta.tier_code if meta else "",
               region=rec.region.name if rec.region else "", tone=rec.tone)


def spans_json(hit: Hit) -> list[list[object]]:
    return [[s.field, s.start, s.end, s.term] for s in hit.spans]


def _store_hits(cursor: CursorWrapper, records: Sequence[Record], hits: dict[int, list[Hit]],
                now: datetime) -> tuple[set[tuple[int, int]], dict[int, datetime]]:
    """Replace the batch items' hits; returns the new pairs and, per scheme with a change,
    the latest hour it changed."""
    ids = [rec.id for rec in records]
    hit_table = table(SchemeHit)
    old = {(scheme, item): stamp for scheme, item, stamp in select_in(
        cursor, f"SELECT {q('scheme_id')}, {q('item_id')}, {q('time')} FROM {hit_table} "
                f"WHERE {q('item_id')} IN ", ids)}
    current: dict[tuple[int, int], tuple[Hit, datetime]] = {
        (hit.scheme_id, rec.id): (hit, rec.time) for rec in records for hit in hits[rec.id]}
    delta: Counter[tuple[int, datetime]] = Counter()
    for (scheme, _item), stamp in old.items():
        delta[(scheme, hour_of(aware(stamp)))] -= 1
    for (scheme, _item), (_hit, stamp) in current.items():
        delta[(scheme, hour_of(stamp))] += 1
    gone = [list(pair) for pair in old if pair not in current]
    if gone:
        cursor.executemany(f"DELETE FROM {hit_table} WHERE {q('scheme_id')} = %s "
                           f"AND {q('item_id')} = %s", gone)
    if current:
        columns = ("scheme_id", "item_id", "spans", "time", "matched_at")
        updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns[2:])
        cursor.executemany(
            f"INSERT INTO {hit_table} ({', '.join(q(c) for c in columns)}) VALUES (%s, %s, %s, "
            f"%s, %s) ON CONFLICT ({q('scheme_id')}, {q('item_id')}) DO UPDATE SET {updates}",
            [[scheme, item, as_json(spans_json(hit)), when(stamp), when(now)]
             for (scheme, item), (hit, stamp) in sorted(current.items())])
    changed = {key: n for key, n in delta.items() if n}
    if changed:
        hour_table = table(SchemeHour)
        cursor.executemany(
            f"INSERT INTO {hour_table} ({q('scheme_id')}, {q('hour')}, {q('items')}) "
            f"VALUES (%s, %s, %s) ON CONFLICT ({q('scheme_id')}, {q('hour')}) DO UPDATE SET "
            f"{q('items')} = {hour_table}.{q('items')} + excluded.{q('items')}",
            [[scheme, when(hour), n] for (scheme, hour), n in sorted(changed.items())])
    latest: dict[int, datetime] = {}
    for (scheme, hour), n in delta.items():
        if n > 0:
            latest[scheme] = max(latest.get(scheme, hour), hour)
    return {pair for pair in current if pair not in old}, latest


def detect_bursts(cursor: CursorWrapper, latest: dict[int, datetime],
                  now: datetime) -> list[Burst]:
    """Measure the schemes whose latest hour changed (read as
    :func:`~yuqing.analysis.burstcheck.measure_all` says); store and return their bursts."""
    found = [(scheme, m) for scheme, measured in burstcheck.measure_all(
                 cursor, SchemeHour, "scheme_id", latest).items()
             for m in measured if bursts.is_burst(m)]
    if not found:
        return []
    burstcheck.store(cursor, Burst.Subject.SCHEME, found, now)
    stored = Burst.objects.filter(subject=Burst.Subject.SCHEME,
                                  subject_id__in={scheme for scheme, _ in found},
                                  window_end__in={m.window_end for _, m in found})
    wanted = {(scheme, m.rule.code, m.window_end) for scheme, m in found}
    return [b for b in stored if (b.subject_id, b.rule, b.window_end) in wanted]


def match_batch(cursor: CursorWrapper, records: Sequence[Record], compiled: Compiled,
                now: datetime) -> BatchMatches:
    """Match, store hits and hourly counts, detect scheme bursts."""
    meta = load_meta(cursor, [rec.id for rec in records])
    matcher = compiled.matcher
    hits = {rec.id: matcher.match(doc_of(rec, meta.get(rec.id))) for rec in records}
    new, latest = _store_hits(cursor, records, hits, now)
    return BatchMatches(compiled, meta, hits, new, detect_bursts(cursor, latest, now))
