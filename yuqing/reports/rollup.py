"""Hourly counts per unit: volume by platform and tone, regions, events, sources.

The dashboard and reports must be fast on a day of a million items, so they never count
items: they read :class:`~yuqing.reports.models.UnitHour`, :class:`RegionHour` and
:class:`UnitEventHour`, a few thousand rows a day.

Those rows are recomputed, not incremented. Each analysed batch marks the (unit, hour) pairs it
touched (:func:`mark_batch`, a hook of the analysis pipeline: one query, one insert); an
analyst's merge or split marks the hours of the events it changed (:func:`mark_event`). The
``reports-rollup`` job (:func:`refresh`) then counts each marked hour again from the items and
their analyses — one indexed range of one unit's items — and replaces its rows. Recounting
makes the rows exact whatever happened to an item since (re-analysed with another tone, moved
to another event), which adding differences could only be by knowing the item's previous
state. A mark is removed in the same transaction that rewrites its hour, so a crash loses
nothing, and a batch committed meanwhile marks the hour again.

Not marked: an item deleted outright (an administrator's clean-up) or moved to another hour
by a corrected publication time keeps its old count until that hour is marked again.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q

from yuqing.analysis.models import Event, ItemAnalysis, Tone
from yuqing.analysis.save import hour_of
from yuqing.collect.models import Item
from yuqing.reports.models import DirtyHour, RegionHour, SourceHour, UnitEventHour, UnitHour

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Batch

HOUR = timedelta(hours=1)
#: Marks taken from the table at a time.
_CHUNK = 500


def _mark(pairs: Iterable[tuple[int, datetime]]) -> None:
    DirtyHour.objects.bulk_create([DirtyHour(unit_id=unit, hour=hour)
                                   for unit, hour in sorted(set(pairs))],
                                  ignore_conflicts=True)


def mark_batch(batch: Batch) -> None:
    """After-analysis hook: mark the (unit, hour) pairs of the batch's items."""
    ids = [rec.id for rec in batch.records]
    units: dict[int, int] = {}
    for start in range(0, len(ids), 2000):
        units.update(Item.objects.filter(id__in=ids[start:start + 2000])
                     .values_list("id", "unit_id"))
    _mark((units[rec.id], hour_of(rec.time)) for rec in batch.records if rec.id in units)


def mark_event(event_id: int) -> None:
    """Mark every hour in which ``event_id`` had items (an analyst moved items out of it)."""
    _mark(UnitEventHour.objects.filter(event_id=event_id)
          .values_list("unit_id", "hour").distinct())


def event_saved(sender: type[Event], instance: Event, created: bool, **kwargs: object) -> None:
    """``post_save`` of :class:`Event`: the pipeline writes events with plain SQL, so this
    only fires for analysts' merges, splits and renames."""
    if not created:
        mark_event(instance.pk)


def recompute(unit_id: int, hour: datetime) -> None:
    """Replace the counts of one unit's hour with a fresh count of its items."""
    end = hour + HOUR
    analyses = ItemAnalysis.objects.filter(item__unit_id=unit_id)
    # Two ranges, each served by the (unit, published_at) index: an item's time is its
    # publication time, else (rarely) when it was collected.
    ranges = (Q(item__published_at__gte=hour, item__published_at__lt=end),
              Q(item__published_at__isnull=True, item__collected_at__gte=hour,
                item__collected_at__lt=end))
    volume: dict[tuple[str, str], int] = defaultdict(int)
    regions: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    events: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    sources: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for in_hour in ranges:
        rows = (analyses.filter(in_hour)
                .values_list("item__platform", "item__source_id", "tone", "event_id",
                             "province", "city")
                .annotate(n=Count("item_id")).order_by())
        for platform, source, tone, event, province, city, n in rows:
            negative = n if tone == Tone.NEGATIVE else 0
            volume[(platform, tone)] += n
            sources[source][0] += n
            sources[source][1] += negative
            if province:
                region = regions[(province, city)]
                region[0] += n
                region[1] += negative
            if event is not None:
                counts = events[event]
                counts[0] += n
                counts[1] += negative
    for model in (UnitHour, RegionHour, UnitEventHour, SourceHour):
        model.objects.filter(unit_id=unit_id, hour=hour).delete()
    UnitHour.objects.bulk_create([
        UnitHour(unit_id=unit_id, hour=hour, platform=platform, tone=tone, items=n)
        for (platform, tone), n in sorted(volume.items())])
    SourceHour.objects.bulk_create([
        SourceHour(unit_id=unit_id, hour=hour, source_id=source, items=n, negative=negative)
        for source, (n, negative) in sorted(sources.items())])
    RegionHour.objects.bulk_create([
        RegionHour(unit_id=unit_id, hour=hour, province=province, city=city, items=n,
                   negative=negative)
        for (province, city), (n, negative) in sorted(regions.items())])
    # An event deleted since (by an administrator) has no row to point at.
    live = set(Event.objects.filter(pk__in=list(events)).values_list("pk", flat=True))
    UnitEventHour.objects.bulk_create([
        UnitEventHour(unit_id=unit_id, hour=hour, event_id=event, items=n, negative=negative)
        for event, (n, negative) in sorted(events.items()) if event in live], batch_size=2000)


def refresh(*, budget_seconds: float | None = None) -> int:
    """Recount every marked hour, newest first (what the dashboard shows); returns how many.

    ``budget_seconds``: stop taking new marks after this long (the rest stay marked).
    """
    started = time.monotonic()
    done = 0
    while True:
        marks = list(DirtyHour.objects.order_by("-hour", "unit_id")
                     .values_list("id", "unit_id", "hour")[:_CHUNK])
        if not marks:
            return done
        for pk, unit_id, hour in marks:
            with transaction.atomic():
                # Another process may have taken the mark; only its taker recounts.
                if DirtyHour.objects.filter(pk=pk).delete()[0]:
                    recompute(unit_id, hour)
                    done += 1
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                return done
