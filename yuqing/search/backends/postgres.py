"""The PostgreSQL backend: one table of folded texts with a character-bigram ``tsvector``.

``search_document`` (created by this app's migration ``0002``, on PostgreSQL only) holds each
item's folded title, text and region and a ``tsvector`` of the distinct bigrams of the three
(each ended with ``\\n``, which folded text never contains), under a GIN index. A word is
answered in two steps that PostgreSQL plans together:

* the index narrows to rows holding all of the word's bigrams (``'武汉' & '汉市'``; a word of
  one character ``c`` is the prefix query ``'c':*`` — every occurrence of ``c`` starts a
  bigram, because every field ends with ``\\n``);
* ``strpos`` on the folded column decides, exactly, as the query language defines a word.

The bigrams are stored without positions. Phrase queries (``<->``) would narrow further,
but ``tsvector`` positions stop at 16,383 and keep at most 256 per lexeme, so a long article
would silently lose matches; ``strpos`` has no such limit. A text whose bigrams would pass
``tsvector``'s 1 MB limit is stored without them and is always a candidate.

``AND``/``OR``/``NOT`` and keyword fields become the same SQL; ``NEAR`` is narrowed to rows
holding both words in a shared field and checked one by one by :mod:`yuqing.search.engine`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from yuqing.search.document import FACETS, IndexDoc, time_bound
from yuqing.search.engine import Answer, Backend, FacetCounts, Request, Sort, sorted_counts
from yuqing.search.query import FIELDS, FieldKind, Near, Node, Not, Or, Term, fold
from yuqing.search.query.fields import DEFAULT_FIELDS

__all__ = ["TABLE", "PostgresBackend", "bigrams"]

TABLE = "search_document"
END = "\n"
#: ``tsvector`` refuses more than 1 MB; beyond this estimate a row keeps no bigrams.
_MAX_GRAM_BYTES = 900_000
_COLUMNS = {"title": "title", "text": "body", "region": "region"}
_WRITE_COLUMNS = ("item_id", "scope", "source_id", "event_id", "platform", "tier", "tone",
                  "province", "city", "tkey", "hkey", "title", "body", "region")
_INSERT = (
    f"INSERT INTO {TABLE} ({', '.join(_WRITE_COLUMNS)}, grams) "
    f"VALUES ({', '.join(['%s'] * len(_WRITE_COLUMNS))}, array_to_tsvector(%s::text[])) "
    "ON CONFLICT (item_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_WRITE_COLUMNS[1:], "grams"))
)
#: ``GROUPING(platform, tone, tier, province)`` of each grouping set.
_GROUPING = {0b0111: "platform", 0b1011: "tone", 0b1101: "tier", 0b1110: "province"}


def bigrams(*fields: str) -> list[str] | None:
    """Distinct bigrams of the folded fields, each ended with ``\\n``; ``None`` if too many."""
    grams: set[str] = set()
    for value in fields:
        text = value + END
        grams.update(text[i:i + 2] for i in range(len(text) - 1))
    size = sum(len(g.encode("utf-8")) + 8 for g in grams)
    return sorted(grams) if size <= _MAX_GRAM_BYTES else None


def _lexeme(gram: str) -> str:
    return "'" + gram.replace("\\", "\\\\").replace("'", "''") + "'"


def _word_tsquery(value: str) -> str:
    if len(value) == 1:
        return _lexeme(value) + ":*"
    grams = dict.fromkeys(value[i:i + 2] for i in range(len(value) - 1))
    return " & ".join(_lexeme(g) for g in grams)


class _Where:
    """Query tree → SQL condition with its parameters and a ``tsquery`` that narrows it.

    Each node gives ``(condition, tsquery or None, exact)``; a condition that is not exact
    is a superset of the matches (``TRUE`` at worst).
    """

    def __init__(self) -> None:
        self.params: list[Any] = []

    def node(self, node: Node) -> tuple[str, str | None, bool]:
        if isinstance(node, Term):
            if node.field is not None and FIELDS[node.field].kind is FieldKind.KEYWORD:
                self.params.append(node.value)
                return f"{node.field} = %s", None, True
            return self.word(_fields(node), node.value), _word_tsquery(node.value), True
        if isinstance(node, Near):
            shared = [name for name in _fields(node.left) if name in _fields(node.right)]
            both = []
            for name in shared:
                both.append(f"({self.word((name,), node.left.value)} AND "
                            f"{self.word((name,), node.right.value)})")
            tsquery = (f"({_word_tsquery(node.left.value)}) & "
                       f"({_word_tsquery(node.right.value)})")
            return "(" + " OR ".join(both) + ")", tsquery, False
        if isinstance(node, Not):
            mark = len(self.params)
            condition, _, exact = self.node(node.child)
            if not exact:
                del self.params[mark:]
                return "TRUE", None, False
            return f"NOT {condition}", None, True
        parts = [self.node(child) for child in node.children]
        exact = all(flag for _, _, flag in parts)
        queries = [q for _, q, _ in parts if q is not None]
        if isinstance(node, Or):
            either = (" | ".join(f"({q})" for q in queries)
                      if len(queries) == len(parts) else None)
            return "(" + " OR ".join(c for c, _, _ in parts) + ")", either, exact
        joint = " & ".join(f"({q})" for q in queries) or None
        return "(" + " AND ".join(c for c, _, _ in parts) + ")", joint, exact

    def word(self, fields: Sequence[str], value: str) -> str:
        self.params.extend([value] * len(fields))
        return "(" + " OR ".join(f"strpos({_COLUMNS[name]}, %s) > 0" for name in fields) + ")"


def _fields(term: Term) -> tuple[str, ...]:
    return DEFAULT_FIELDS if term.field is None else (term.field,)


class PostgresBackend(Backend):
    """The ``search_document`` table of the default database."""

    name = "postgres"

    def write(self, docs: Sequence[IndexDoc], deleted: Sequence[int] = ()) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if deleted:
                cursor.execute(f"DELETE FROM {TABLE} WHERE item_id = ANY(%s)", [list(deleted)])
            if docs:
                cursor.executemany(_INSERT, [self._row(doc) for doc in docs])

    @staticmethod
    def _row(doc: IndexDoc) -> list[Any]:
        title, text, region = fold(doc.title), fold(doc.text), fold(doc.region)
        return [doc.id, list(doc.scope), doc.source_id, doc.event_id, fold(doc.platform),
                fold(doc.tier), fold(doc.tone), doc.province, doc.city, doc.time_key,
                doc.heat_key, title, text, region, bigrams(title, text, region)]

    def rebuild(self, batches: Iterable[Sequence[IndexDoc]]) -> int:
        written = 0
        # One transaction: searches see the old rows until the new ones are all there.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            for batch in batches:
                cursor.executemany(_INSERT, [self._row(doc) for doc in batch])
                written += len(batch)
        return written

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            return int(cursor.fetchone()[0])

    def _where(self, request: Request) -> tuple[str, list[Any], str | None, bool]:
        where = _Where()
        conditions: list[str] = []
        tsquery: str | None = None
        exact = True
        if request.query is not None:
            condition, tsquery, exact = where.node(request.query)
            conditions.append(condition)
        params = where.params
        if tsquery is not None:
            conditions.insert(0, "(grams @@ %s::tsquery OR grams IS NULL)")
            params.insert(0, tsquery)
        f = request.filters
        if f.scope is not None:
            conditions.append("scope @> ARRAY[%s]::bigint[]")
            params.append(f.scope)
        if f.since is not None:
            conditions.append("tkey >= %s")
            params.append(time_bound(f.since))
        if f.until is not None:
            conditions.append("tkey < %s")
            params.append(time_bound(f.until))
        for column, values in (("platform", f.platforms), ("tier", f.tiers), ("tone", f.tones)):
            if values:
                conditions.append(f"{column} = ANY(%s)")
                params.append(sorted(fold(v) for v in values))
        for column, codes in (("province", f.provinces), ("city", f.cities)):
            if codes:
                conditions.append(f"{column} = ANY(%s)")
                params.append(sorted(codes))
        for column, numbers in (("source_id", f.sources), ("event_id", f.events)):
            if numbers:
                conditions.append(f"{column} = ANY(%s)")
                params.append(sorted(numbers))
        return " AND ".join(conditions) or "TRUE", params, tsquery, exact

    def query(self, request: Request, cap: int) -> Answer:
        where, params, tsquery, exact = self._where(request)
        order, order_params = "tkey DESC", []
        if request.sort == Sort.HEAT:
            order = "hkey DESC"
        elif request.sort == Sort.RELEVANCE and tsquery is not None:
            order = "COALESCE(ts_rank(grams, %s::tsquery), 0) DESC, tkey DESC"
            order_params = [tsquery]
        offset, limit = (request.offset, request.limit) if exact else (0, cap)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", params)
            total = int(cursor.fetchone()[0])
            cursor.execute(f"SELECT item_id FROM {TABLE} WHERE {where} ORDER BY {order} "
                           "LIMIT %s OFFSET %s", [*params, *order_params, limit, offset])
            ids = [int(row[0]) for row in cursor.fetchall()]
            facets = self._facets(cursor, where, params) if exact and request.facets else {}
        return Answer(exact, total, ids, facets)

    @staticmethod
    def _facets(cursor: Any, where: str, params: list[Any]) -> FacetCounts:
        cursor.execute(
            f"SELECT {', '.join(FACETS)}, GROUPING({', '.join(FACETS)}), count(*) "
            f"FROM {TABLE} WHERE {where} "
            f"GROUP BY GROUPING SETS ({', '.join(f'({name})' for name in FACETS)})", params)
        pairs: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        for *values, grouping, count in cursor.fetchall():
            name = _GROUPING[grouping]
            pairs[name].append((values[FACETS.index(name)] or "", int(count)))
        return {name: sorted_counts(found) for name, found in pairs.items()}
