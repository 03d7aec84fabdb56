"""Loads ``sample_items.jsonl`` through the ingest pipeline, like any other source would.

Each line gives its time as ``hours_ago``. The demo's clock is the moment its sources were
created: a re-run computes the same publication times and so changes nothing, and
``yuqing demo --reset`` (new sources, a new clock) makes the sample look current again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from yuqing.analysis import queue
from yuqing.analysis.actions import recount
from yuqing.analysis.models import Event, ItemAnalysis, Story
from yuqing.analysis.runner import mark_changed
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.ingest import pipeline, privacy
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import CredibilityTier, Item, Source, SourceKind
from yuqing.orgs.models import Unit
from yuqing.reports import rollup

SAMPLE = Path(__file__).with_name("sample_items.jsonl")
#: Sites crawled page by page; every other platform is followed as accounts.
_WEB_PLATFORMS = frozenset({"news", "forum", "tieba"})


@dataclass(frozen=True)
class Loaded:
    total: int
    counts: Counter[str]
    #: The demo's "now": the sample's times are counted back from it.
    clock: datetime


def read_sample(path: Path = SAMPLE) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield {**json.loads(line), "_line": number}


def _source_unit(name: str, units: dict[str, Unit], district: Unit) -> Unit:
    """A source named after a street (``东湖街道发布``) belongs to that street."""
    for unit in units.values():
        if unit.kind == "street" and unit.name in name:
            return unit
    return district


def ensure_sources(rows: list[dict[str, Any]], units: dict[str, Unit],
                   district: Unit) -> dict[tuple[str, str], Source]:
    tiers = {t.code: t for t in CredibilityTier.objects.all()}
    sources = {}
    for row in rows:
        key = (row["platform"], row["source"])
        if key not in sources:
            sources[key], _ = Source.objects.get_or_create(
                platform=row["platform"], name=row["source"],
                defaults={
                    "kind": SourceKind.WEB if row["platform"] in _WEB_PLATFORMS
                    else SourceKind.ACCOUNT,
                    "tier": tiers[row["tier"]], "region": "滨江区",
                    "unit": _source_unit(row["source"], units, district),
                },
            )
    return sources


def _record(row: dict[str, Any], clock: datetime) -> ItemRecord:
    return ItemRecord(
        platform=row["platform"], kind=row["kind"], external_id=row["external_id"],
        url=row["url"], title=row.get("title", ""), text=row["text"],
        published_at=clock - timedelta(hours=row["hours_ago"]),
        likes=row.get("likes"), reposts=row.get("reposts"), comments=row.get("comments"),
        views=row.get("views"), parent_external_id=row.get("parent_external_id", ""),
        region=row.get("region", ""), author_id=row.get("author_id", ""),
        author_name=row.get("author_name", ""),
        raw=privacy.scrub({k: v for k, v in row.items() if k != "_line"}),
        origin=f"{SAMPLE.name}:{row['_line']}",
    )


def load(units: dict[str, Unit], district: Unit) -> Loaded:
    """Upsert every sample item; raises if the pipeline rejects one (the sample is wrong)."""
    rows = list(read_sample())
    sources = ensure_sources(rows, units, district)
    clock = Source.objects.filter(pk__in=[s.pk for s in sources.values()]).aggregate(
        first=Min("created_at"))["first"]
    counts: Counter[str] = Counter()
    with transaction.atomic():
        for key, source in sources.items():
            records = [_record(r, clock) for r in rows if (r["platform"], r["source"]) == key]
            batch = pipeline.run(pipeline.Batch(source=source, records=records),
                                 [*pipeline.PREPARE, *pipeline.WRITE])
            if batch.rejected:
                bad = batch.rejected[0]
                raise ValueError(f"{bad.record.origin}: {bad.reason}")
            counts.update(status for status, _ in batch.outcome.values())
        if counts["inserted"] or counts["updated"]:
            record(Action.IMPORT, model=Item._meta.label, object_repr="demo sample items",
                   details=dict(counts))
    return Loaded(total=len(rows), counts=counts, clock=clock)


def _sample_sources() -> list[Source]:
    names = {(r["platform"], r["source"]) for r in read_sample()}
    return [s for s in Source.objects.all() if (s.platform, s.name) in names]


def reanalyse() -> int:
    """Queue the sample items already analysed for analysis again; returns how many.

    Schemes, rules and debunk entries are checked against an item when it is analysed (the
    after-analysis hooks), so content the demo adds to a database whose sample was analysed
    before (by an older ``yuqing demo``) would otherwise match nothing until ``--reset``.
    """
    ids = list(ItemAnalysis.objects.filter(item__source__in=_sample_sources())
               .values_list("item_id", flat=True))
    if ids:
        with transaction.atomic(), connection.cursor() as cursor:
            queue.enqueue(cursor, ids, timezone.now())
    return len(ids)


def remove() -> int:
    """Delete the demo's items and sources (``--reset``); returns how many items went.

    The analysis is taken back with them: events and stories made only of sample items are
    deleted, events that also hold other items are recounted (with their dashboard hours),
    and the running pipeline rebuilds its indexes. Otherwise reloaded items would join the
    old events and every count would double.
    """
    sources = _sample_sources()
    items = Item.objects.filter(source__in=sources)
    count = items.count()
    with transaction.atomic():
        analysed = ItemAnalysis.objects.filter(item__in=items)
        stories = set(analysed.values_list("story_id", flat=True))
        events = set(analysed.exclude(event=None).values_list("event_id", flat=True))
        shared = set(ItemAnalysis.objects.filter(event_id__in=events)
                     .exclude(item__in=items).values_list("event_id", flat=True))
        items.delete()
        Source.objects.filter(pk__in=[s.pk for s in sources]).delete()
        Story.objects.filter(id__in=stories).exclude(
            id__in=ItemAnalysis.objects.values("story_id")).delete()
        Event.objects.filter(id__in=events - shared).delete()
        recount(shared)
        for event in shared:
            rollup.mark_event(event)
        mark_changed()
    return count
