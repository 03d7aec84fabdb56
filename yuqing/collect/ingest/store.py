"""The upsert on ``Item.natural_key``, batched for speed.

One lookup per batch finds which keys exist and with which fingerprint; new items are
bulk-inserted, changed ones updated, unchanged ones not touched at all (which is why a second
import of the same file is several times faster than the first). Runs in one transaction per
batch; a concurrent writer inserting the same key makes the batch retry once against the
now-existing rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction

from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Item, Source

_UPDATE_FIELDS = (
    "kind", "external_id", "url", "title", "text", "published_at", "likes", "reposts",
    "comments", "views", "parent_key", "region", "language", "author_hash", "author_display",
    "raw", "fingerprint",
)


def _lookup(keys: Sequence[str]) -> dict[str, tuple[int, str]]:
    rows = Item.objects.filter(natural_key__in=keys).values_list("natural_key", "id",
                                                                   "fingerprint")
    return {key: (pk, fp) for key, pk, fp in rows}


def _item(rec: ItemRecord, source: Source, now: datetime) -> Item:
    return Item(
        natural_key=rec.natural_key, platform=rec.platform, kind=rec.kind, source_id=source.pk,
        unit_id=source.unit_id, external_id=rec.external_id, url=rec.url, title=rec.title,
        text=rec.text, published_at=rec.published_at, collected_at=now, updated_at=now,
        likes=rec.likes, reposts=rec.reposts, comments=rec.comments, views=rec.views,
        parent_key=rec.parent_key, region=rec.region, language=rec.language,
        author_hash=rec.author_hash, author_display=rec.author_display, raw=rec.raw,
        fingerprint=rec.fingerprint,
    )


def _link_parents(records: Sequence[ItemRecord], inserted: Sequence[str]) -> None:
    """Point children at parents, whichever of the two arrived first."""
    wanted = {r.parent_key for r in records if r.parent_key}
    if inserted:  # children that arrived before these new items
        wanted.update(Item.objects.filter(parent_key__in=inserted, parent__isnull=True)
                      .values_list("parent_key", flat=True))
    if not wanted:
        return
    parents = Item.objects.filter(natural_key__in=wanted).values_list("natural_key", "id")
    for key, pk in parents:
        Item.objects.filter(parent_key=key, parent__isnull=True).update(parent_id=pk)


def _write(records: Sequence[ItemRecord], source: Source,
           now: datetime) -> dict[str, tuple[str, int]]:
    existing = _lookup([r.natural_key for r in records])
    new = [r for r in records if r.natural_key not in existing]
    changed = [r for r in records
               if r.natural_key in existing and existing[r.natural_key][1] != r.fingerprint]
    outcome: dict[str, tuple[str, int]] = {
        r.natural_key: ("unchanged", existing[r.natural_key][0])
        for r in records if r.natural_key in existing
    }
    if new:
        Item.objects.bulk_create([_item(r, source, now) for r in new], batch_size=500)
        for key, (new_pk, _fp) in _lookup([r.natural_key for r in new]).items():
            outcome[key] = ("inserted", new_pk)
    if changed:
        by_name = {f.name: f for f in Item._meta.concrete_fields}
        fields = [by_name[name] for name in _UPDATE_FIELDS]
        updated_at = by_name["updated_at"]
        sql = (f"UPDATE {Item._meta.db_table} SET "
               + ", ".join(f"{f.column} = %s" for f in (*fields, updated_at))
               + " WHERE id = %s")
        params = []
        for rec in changed:
            obj = _item(rec, source, now)
            values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            pk = existing[rec.natural_key][0]
            params.append([*values, updated_at.get_db_prep_save(now, connection), pk])
            outcome[rec.natural_key] = ("updated", pk)
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    _link_parents(records, [r.natural_key for r in new])
    return outcome


def upsert(records: Sequence[ItemRecord], source: Source,
           now: datetime) -> dict[str, tuple[str, int]]:
    if not records:
        return {}
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _write(records, source, now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
