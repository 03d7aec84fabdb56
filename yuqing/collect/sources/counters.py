"""Daily figures per source (:class:`~yuqing.collect.models.SourceDay`), kept by SQL upserts.

New items are counted by an ingest after-write hook, inside the transaction that stores them
— for every source, whether its items were collected, pushed or imported. An item write passes
the ids of inserted and changed items; the inserted ones are those collected at this very
write's time. Runs are counted when a collection run ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from yuqing.collect.models import Item, SourceDay

#: Ids per ``IN (…)`` list, under every backend's limit on bound parameters.
_CHUNK = 2000


def _upsert(cursor: CursorWrapper, rows: Sequence[tuple[int, int, int, int, datetime | None]],
            now: datetime) -> None:
    """Add ``(source id, items, runs, failed runs, last item time)`` to today's rows."""
    quote = connection.ops.quote_name
    table = quote(SourceDay._meta.db_table)
    day = connection.ops.adapt_datefield_value(timezone.localdate(now))
    when = connection.ops.adapt_datetimefield_value
    # ON CONFLICT … DO UPDATE: SQLite ≥ 3.24 and PostgreSQL ≥ 9.5 alike.
    cursor.executemany(
        f"INSERT INTO {table} (source_id, day, items, runs, failed_runs, last_item_at) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (source_id, day) DO UPDATE SET "
        f"items = {table}.items + excluded.items, runs = {table}.runs + excluded.runs, "
        f"failed_runs = {table}.failed_runs + excluded.failed_runs, "
        f"last_item_at = COALESCE(excluded.last_item_at, {table}.last_item_at)",
        [(source, day, items, runs, failed, when(last)) for source, items, runs, failed, last
         in rows])


def count_new_items(cursor: CursorWrapper, ids: Sequence[int], now: datetime) -> None:
    """The ingest after-write hook: count the items just inserted, per source."""
    table = connection.ops.quote_name(Item._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    counts: dict[int, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start:start + _CHUNK])
        cursor.execute(
            f"SELECT source_id, COUNT(*) FROM {table} WHERE collected_at = %s AND id IN ("
            + ", ".join(["%s"] * len(chunk)) + ") GROUP BY source_id", [stamp, *chunk])
        for source, count in cursor.fetchall():
            counts[source] = counts.get(source, 0) + count
    if counts:
        _upsert(cursor, [(source, n, 0, 0, now) for source, n in counts.items()], now)


def count_run(source_id: int, *, failed: bool, now: datetime) -> None:
    with connection.cursor() as cursor:
        _upsert(cursor, [(source_id, 0, 1, int(failed), None)], now)
