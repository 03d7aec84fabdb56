"""The queue of items waiting for analysis (:class:`~yuqing.analysis.models.Pending`).

Filled from inside the item write's transaction (a hook of the ingest store), emptied by the
pipeline in the transaction that stores the analysis: between the two, an item is always
either queued or analysed, whatever crashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.backends.utils import CursorWrapper

from yuqing.analysis.models import Pending
from yuqing.analysis.sql import CHUNK, placeholders, table, when


def enqueue(cursor: CursorWrapper, ids: Sequence[int], now: datetime) -> None:
    """Queue ``ids``; an item already waiting keeps its place (and its first queued time);
    a parked one that changed gets another chance."""
    stamp = when(now)
    cursor.executemany(
        f"INSERT INTO {table(Pending)} (item_id, queued_at, error) VALUES (%s, %s, '') "
        "ON CONFLICT (item_id) DO UPDATE SET error = ''",
        [(pk, stamp) for pk in ids])


def next_ids(limit: int, after: int | None = None) -> list[int]:
    """The oldest ``limit`` queued item ids (by id, which is arrival order), optionally only
    those after ``after`` (the batch being saved while this one is prepared)."""
    pending = Pending.objects.filter(error="")
    if after is not None:
        pending = pending.filter(item_id__gt=after)
    return list(pending.order_by("item_id").values_list("item_id", flat=True)[:limit])


def fail(item_id: int, error: str) -> None:
    """Park an item that fails analysis on its own, with the reason; the rest go on."""
    Pending.objects.filter(item_id=item_id).update(error=error or "failed")


def retry_failed() -> int:
    """Put parked items back in line (after a fix); returns how many."""
    return Pending.objects.exclude(error="").update(error="")


def done(cursor: CursorWrapper, ids: Sequence[int]) -> None:
    """Remove analysed items; call inside the transaction that stored their analysis."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        cursor.execute(f"DELETE FROM {table(Pending)} WHERE item_id IN "
                       + placeholders(len(chunk)), list(chunk))


def waiting() -> tuple[int, int]:
    """``(queued, parked after failing)``."""
    return Pending.objects.filter(error="").count(), Pending.objects.exclude(error="").count()
