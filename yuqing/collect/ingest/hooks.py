"""Work that must happen in the same transaction as an item write, registered by other apps.

The analysis capability queues every inserted or changed item here; doing it inside the
write's transaction (rather than with a signal after it) means an item can never be stored
without being queued, even if the process dies between the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.db.backends.utils import CursorWrapper

#: ``(cursor, ids of items inserted or changed, time of the write)``.
AfterWrite = Callable[[CursorWrapper, Sequence[int], datetime], None]

_after_write: list[AfterWrite] = []


def after_write(func: AfterWrite) -> AfterWrite:
    """Register ``func`` to run inside every item write's transaction; idempotent."""
    if func not in _after_write:
        _after_write.append(func)
    return func


def run_after_write(cursor: CursorWrapper, ids: Sequence[int], now: datetime) -> None:
    if ids:
        for func in _after_write:
            func(cursor, ids, now)
