"""Keeping the index in step with the database: the queue, the indexing job, the rebuild.

Whatever changes what search must see about an item — its analysis (the ``after_analysis``
hook), an analyst's correction or event merge, a deletion — only adds a row to
:class:`~yuqing.search.models.PendingItem`, in the same transaction. The ``search-index``
job (:func:`drain`, every ``YUQING_SEARCH_INDEX_EVERY`` seconds) reads queued items from the
database in batches of ``YUQING_SEARCH_INDEX_BATCH`` and writes each batch to the index in
one commit. The pipeline therefore pays one bulk insert per batch, index commits happen in
their own thread, and the database stays the one source of truth: re-indexing an item is
idempotent, and :func:`reindex` rebuilds everything from it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from yuqing.analysis.models import LabelCorrection
from yuqing.analysis.region import region_name
from yuqing.collect.models import Item
from yuqing.orgs.models import Unit
from yuqing.search import conf
from yuqing.search.backends import get_backend
from yuqing.search.document import IndexDoc
from yuqing.search.engine import IndexBusy
from yuqing.search.models import PendingItem

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Batch

__all__ = ["after_analysis", "drain", "enqueue", "load_docs", "reindex"]

logger = logging.getLogger(__name__)

#: Ids per ``IN (…)`` list: below SQLite's limit on host parameters.
_CHUNK = 2000


def _chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def enqueue(item_ids: Iterable[int]) -> None:
    """Mark items for (re-)indexing, inside the caller's transaction.

    One upsert statement (both databases have ``ON CONFLICT``; PostgreSQL takes the ids as
    one array): 2–10 ms for a batch of 2,000, a fraction of what building model instances
    for ``bulk_create`` costs, since the analysis pipeline pays it on every batch.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    token = secrets.randbits(62)
    ids = sorted(set(item_ids))
    table = connection.ops.quote_name(PendingItem._meta.db_table)
    insert = f"INSERT INTO {table} (item_id, token, queued_at) "
    upsert = (" ON CONFLICT (item_id) DO UPDATE SET token = excluded.token, "
              "queued_at = excluded.queued_at")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "SELECT unnest(%s::bigint[]), %s, %s" + upsert,
                           [ids, token, now])
            return
        for chunk in _chunks(ids):
            cursor.execute(insert + "VALUES " + ", ".join(["(%s, %s, %s)"] * len(chunk))
                           + upsert, [value for pk in chunk for value in (pk, token, now)])


def after_analysis(batch: Batch) -> None:
    """The ``after_analysis`` hook: the analysed items are (re-)indexed shortly."""
    enqueue(rec.id for rec in batch.records)


class _Scopes:
    """Unit id → the unit and its ancestors, from the unit paths (units are few)."""

    def __init__(self) -> None:
        units = list(Unit.objects.values_list("id", "path"))
        by_path = {path: pk for pk, path in units}
        self._scopes: dict[int, tuple[int, ...]] = {}
        for pk, path in units:
            codes = path.strip("/").split("/")
            prefixes = ("/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes) + 1))
            self._scopes[pk] = tuple(by_path[p] for p in prefixes if p in by_path)

    def __call__(self, unit_id: int) -> tuple[int, ...]:
        return self._scopes.get(unit_id, (unit_id,))


_FIELDS = ("id", "title", "text", "platform", "unit_id", "source_id", "published_at",
           "collected_at", "source__tier__code", "analysis__tone", "analysis__province",
           "analysis__city", "analysis__district", "analysis__event_id", "analysis__heat")


def load_docs(ids: Sequence[int]) -> dict[int, IndexDoc]:
    """The index documents of the items among ``ids`` that exist, read from the database.

    The tone is an analyst's correction where there is one (what the item page shows);
    the region is the analysed one, named as ``region:`` searches it.
    """
    scopes = _Scopes()
    docs: dict[int, IndexDoc] = {}
    for chunk in _chunks(list(ids)):
        corrections = dict(LabelCorrection.objects.filter(
            item_id__in=chunk, task=LabelCorrection.Task.TONE).values_list("item_id", "label"))
        for (pk, title, text, platform, unit_id, source_id, published, collected, tier,
             tone, province, city, district, event_id, heat) in (
                Item.objects.filter(id__in=chunk).values_list(*_FIELDS)):
            docs[pk] = IndexDoc(
                id=pk, title=title, text=text,
                region=region_name(province, city, district) if province else "",
                platform=platform, tier=tier or "", tone=corrections.get(pk, tone or ""),
                province=province or "", city=city or "", scope=scopes(unit_id),
                source_id=source_id, event_id=event_id, time=published or collected,
                heat=heat or 0.0)
    return docs


def _forget(rows: Sequence[tuple[int, int]]) -> None:
    """Remove queue rows that still carry the token that was read (see PendingItem)."""
    table = connection.ops.quote_name(PendingItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {table} WHERE item_id = %s AND token = %s", rows)


def drain() -> int:
    """Index every queued item, one commit per batch; returns how many were indexed.

    If another process is writing the index (a rebuild, a second ``yuqing run``), the rows
    stay queued for the next run.
    """
    backend = get_backend()
    size = conf.index_batch()
    done = 0
    while True:
        rows = list(PendingItem.objects.order_by("queued_at", "item_id")
                    .values_list("item_id", "token")[:size])
        if not rows:
            return done
        ids = [pk for pk, _ in rows]
        docs = load_docs(ids)
        try:
            backend.write(list(docs.values()), [pk for pk in ids if pk not in docs])
        except IndexBusy:
            logger.info("search index busy; %d queued items wait for the next run", len(rows))
            return done
        _forget(rows)
        done += len(rows)


def all_docs(batch: int = _CHUNK) -> Iterator[list[IndexDoc]]:
    """Every item's document, in id order, a batch at a time."""
    last = 0
    while True:
        ids = list(Item.objects.filter(id__gt=last).order_by("id")
                   .values_list("id", flat=True)[:batch])
        if not ids:
            return
        docs = load_docs(ids)
        yield [docs[pk] for pk in ids if pk in docs]
        last = ids[-1]


def reindex() -> int:
    """Rebuild the whole index from the database; returns the number of items indexed.

    Queued rows are left for the next :func:`drain`: one may belong to a transaction that
    had not committed when the rebuild read its item, and writing an item twice is harmless.
    """
    return get_backend().rebuild(all_docs())
