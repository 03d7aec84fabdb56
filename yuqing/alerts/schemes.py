"""Schemes as queries, and the one compiled matcher of all enabled schemes.

Both modes end as query text: advanced mode is what the analyst typed, simple mode the
canonical form of its four word lists (what the form shows when switching to advanced). The
matcher of every enabled scheme is compiled once per process and kept until the generation
counter in :class:`~yuqing.alerts.models.MatcherState` moves — bumped in the same transaction
as any scheme change, so every process (web, scheduler, a worker) notices on its next batch.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import post_delete, post_save

from yuqing.alerts.models import MatcherState, Scheme
from yuqing.analysis.sql import q, table
from yuqing.search.query import (
    Node,
    QuerySyntaxError,
    SchemeError,
    SchemeMatcher,
    check_scheme,
    compile_schemes,
    parse,
    simple_scheme,
    unparse,
)

logger = logging.getLogger(__name__)


def simple_query(region: list[str], subject: list[str], event: list[str],
                 exclude: list[str]) -> str:
    """The advanced-mode text equivalent to the four lists (:class:`SchemeError` when none
    of the first three has a word)."""
    return unparse(simple_scheme(region, subject, event, exclude))


def scheme_tree(query: str) -> Node:
    """Parse ``query`` and check it can serve as a scheme.

    Raises :class:`QuerySyntaxError` (with its position) or :class:`SchemeError`.
    """
    tree = parse(query)
    check_scheme(tree)
    return tree


# -- the generation counter -----------------------------------------------------------------


def generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('generation')} FROM {table(MatcherState)} WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump() -> None:
    """Tell every process its compiled matcher is stale; call inside the changing transaction.

    One upsert statement rather than ``get_or_create``: bookkeeping, not a user's edit, so it
    fires no model signal (and writes no audit entry).
    """
    name = table(MatcherState)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {name} (id, {q('generation')}) VALUES (1, 1) "
                       f"ON CONFLICT (id) DO UPDATE SET {q('generation')} = "
                       f"{name}.{q('generation')} + 1")


def _scheme_changed(sender: type[Scheme], **kwargs: object) -> None:
    bump()


def connect() -> None:
    """Bump the generation on every save or delete of a scheme, by whatever path."""
    post_save.connect(_scheme_changed, sender=Scheme, dispatch_uid="alerts-scheme-saved")
    post_delete.connect(_scheme_changed, sender=Scheme, dispatch_uid="alerts-scheme-deleted")


# -- the compiled matcher -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemeInfo:
    id: int
    name: str
    unit_id: int
    unit_path: str


@dataclass(frozen=True)
class Compiled:
    generation: int
    matcher: SchemeMatcher
    schemes: dict[int, SchemeInfo]

    def in_subtree(self, path: str) -> frozenset[int]:
        """Enabled schemes of the unit with materialised ``path`` and of the units below it."""
        return frozenset(s.id for s in self.schemes.values() if s.unit_path.startswith(path))


def _compile(current: int, rows: Iterable[tuple[int, str, str, int, str]]) -> Compiled:
    trees: dict[int, Node] = {}
    infos: dict[int, SchemeInfo] = {}
    for pk, name, query, unit_id, path in rows:
        try:
            trees[pk] = scheme_tree(query)
        except (QuerySyntaxError, SchemeError) as exc:
            # Saved schemes were validated; one that no longer parses (edited in the database
            # by hand, or a grammar change) must not silence all the others.
            logger.error("scheme %s (%s) skipped: %s", pk, name, exc)
            continue
        infos[pk] = SchemeInfo(pk, name, unit_id, path)
    return Compiled(current, compile_schemes(trees), infos)


_lock = threading.Lock()
_cache: Compiled | None = None


def compiled() -> Compiled:
    """The matcher of every enabled scheme, rebuilt when the schemes changed."""
    global _cache
    current = generation()
    with _lock:
        if _cache is None or _cache.generation != current:
            rows = Scheme.objects.filter(enabled=True).values_list(
                "id", "name", "query", "unit_id", "unit__path")
            _cache = _compile(current, rows)
            logger.info("compiled %d schemes (generation %s)", len(_cache.schemes), current)
        return _cache


def invalidate() -> None:
    """Forget the compiled matcher (a test database rolled back under the same generation)."""
    global _cache
    with _lock:
        _cache = None
