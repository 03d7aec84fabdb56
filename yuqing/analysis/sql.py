"""Plain-SQL helpers for the per-batch work, portable between SQLite and PostgreSQL.

The pipeline's save stage and the hooks after it run on every batch of up to thousands of
items inside the pipeline's transaction; they read and write with a few parameterised
statements (chunked ``IN`` lists, ``executemany`` upserts) rather than one ORM call per row:
Django's ``__in`` look-ups spent more time preparing 2,000 ids than the database spent
answering, and bulk writes fire no per-row signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

#: Ids per ``IN (…)`` list: under SQLite's and PostgreSQL's parameter limits.
CHUNK = 2000


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[Any]) -> str:
    return q(model._meta.db_table)


def placeholders(count: int) -> str:
    return "(" + ", ".join(["%s"] * count) + ")"


def select_in(cursor: CursorWrapper, sql: str, ids: Sequence[Any],
              params: Sequence[Any] = (), suffix: str = "") -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (ending in ``IN ``) for ``ids``, ``params`` first, in chunks;
    ``suffix`` follows the list (a ``GROUP BY``, say)."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        cursor.execute(sql + placeholders(len(chunk)) + suffix, [*params, *chunk])
        rows.extend(cursor.fetchall())
    return rows


def when(value: Any) -> Any:
    """A datetime as the backend stores it (``executemany`` does not adapt by itself)."""
    return connection.ops.adapt_datetimefield_value(value)


def as_json(value: Any) -> Any:
    return connection.ops.adapt_json_value(value, None)


def aware(stamp: datetime) -> datetime:
    """A timestamp read by a raw cursor: naive UTC from SQLite, aware from PostgreSQL."""
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
