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

from django.db import transaction
from django.db.models import Min

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.ingest import pipeline, privacy
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import CredibilityTier, Item, Source, SourceKind
from yuqing.orgs.models import Unit

SAMPLE = Path(__file__).with_name("sample_items.jsonl")
#: Sites crawled page by page; every other platform is followed as accounts.
_WEB_PLATFORMS = frozenset({"news", "forum", "tieba"})


@dataclass(frozen=True)
class Loaded:
    total: int
    counts: Counter[str]


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
    return Loaded(total=len(rows), counts=counts)


def remove() -> int:
    """Delete the demo's items and sources (``--reset``); returns how many items went."""
    names = {(r["platform"], r["source"]) for r in read_sample()}
    sources = [s for s in Source.objects.all() if (s.platform, s.name) in names]
    items = Item.objects.filter(source__in=sources)
    count = items.count()
    items.delete()
    Source.objects.filter(pk__in=[s.pk for s in sources]).delete()
    return count
