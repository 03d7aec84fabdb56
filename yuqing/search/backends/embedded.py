"""The embedded backend: a tantivy index of character bigrams at their real positions.

Each text field (title, text, region) is folded (:func:`~yuqing.search.query.fold`), ended
with ``\\n`` and indexed as its overlapping character bigrams, each at the position of its
first character. tantivy's own ``ngram`` tokenizer puts every gram at position 0, so instead
the text is rewritten as the concatenation of its bigrams (``武汉市`` → ``武汉汉市市\\n``) and
cut into pairs by a regex tokenizer, which numbers them 0, 1, 2…: positions are then
character offsets and a phrase query over a word's bigrams finds exactly the places where
the word occurs. That makes the index exact, not approximate:

* a word of two characters is one term; a longer word is a phrase of the bigrams at its
  offsets 0, 2, 4… (and its last two characters), each at its relative position — they
  cover the word, so the phrase matches exactly where the word is a substring;
* a word of one character ``c`` is every bigram that starts with ``c`` (a regex over the
  term dictionary); since every field ends with ``\\n``, which folded text never contains,
  each occurrence of ``c`` starts a bigram;
* ``AND``/``OR``/``NOT`` and keyword fields are the same boolean query in the index;
* ``NEAR`` between two words of two characters is phrases of the two bigrams with a gap
  and a slop (:meth:`_Translator.near`).

Other ``NEAR`` queries are narrowed (both words, their first bigrams close together in one
shared field) and checked one by one.

Filters and sort keys are fast fields; ``scope`` holds the item's unit and its ancestors, so
"my unit and below" is one term.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import numpy as np
import tantivy

from yuqing.search.document import FACETS, IndexDoc, time_bound
from yuqing.search.engine import (
    Answer,
    Backend,
    FacetCounts,
    IndexBusy,
    Request,
    Sort,
    sorted_counts,
)
from yuqing.search.query import FIELDS, FieldKind, Near, Node, Not, Or, Term, fold
from yuqing.search.query.fields import DEFAULT_FIELDS

__all__ = ["SCHEMA_VERSION", "EmbeddedBackend", "bigram_text"]

#: Bumped whenever the schema or the text encoding changes: a new version lives in a new
#: directory, and ``yuqing search reindex`` fills it.
SCHEMA_VERSION = 1
TOKENIZER = "yuqing_pairs"
TEXT_FIELDS = ("title", "text", "region")
KEYWORD_FIELDS = ("platform", "tier", "tone", "province", "city")
#: A field's end: folding turns every line break into a space, so this never occurs inside.
END = "\n"
_FACET_SIZE = 1000
#: Up to this many values a filter is a union of term queries, beyond it a term set.
_FEW = 8
#: Facet counts run beside the page of hits: tantivy releases the interpreter lock while it
#: searches, so a faceted query costs about the slower of the two passes instead of their
#: sum (1M items, 新冠肺炎: hits 6.8 ms, facets 5.9, in turn 12.8, side by side 7.1).
_FACET_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-facets")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="position")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    for name in ("scope", "source", "event"):
        builder.add_unsigned_field(name, indexed=True)
    builder.add_unsigned_field("tkey", fast=True)
    builder.add_unsigned_field("hkey", fast=True)
    return builder.build()


def _analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"(?s)..")).build()


def bigram_text(value: str) -> str:
    """``fold(value) + "\\n"`` written as its bigrams one after the other.

    Interleaving the code points of the text and of the text shifted by one is done on a
    UTF-32 array: a few microseconds for a post, against tens for a Python loop.
    """
    text = fold(value) + END
    try:
        raw = text.encode("utf-32-le")
    except UnicodeEncodeError:  # a lone surrogate from a badly decoded file
        text = text.encode("utf-8", "replace").decode("utf-8")
        raw = text.encode("utf-32-le")
    chars = np.frombuffer(raw, dtype=np.uint32)
    pairs = np.empty(2 * (len(chars) - 1), dtype=np.uint32)
    pairs[0::2] = chars[:-1]
    pairs[1::2] = chars[1:]
    return pairs.tobytes().decode("utf-32-le")


def _escape(char: str) -> str:
    return f"\\x{{{ord(char):x}}}"


class _Translator:
    """Query tree → tantivy query. Each node gives ``(query, exact)``; ``query`` ``None``
    means "no restriction" (only ever for a node that is not exact)."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def word(self, field: str, value: str) -> tantivy.Query:
        if len(value) == 1:
            return tantivy.Query.regex_query(self.schema, field, _escape(value) + "(?s:.)")
        if len(value) == 2:
            return tantivy.Query.term_query(self.schema, field, value)
        # Bigrams at offsets 0, 2, 4… (and the last two characters) cover the word: fewer
        # posting lists to intersect than every overlapping bigram, and still exact.
        offsets = [*range(0, len(value) - 1, 2), len(value) - 2]
        grams: list[str | tuple[int, str]] = [
            (offset, value[offset:offset + 2]) for offset in dict.fromkeys(offsets)]
        return tantivy.Query.phrase_query(self.schema, field, grams)

    def near(self, field: str, left: str, right: str, gap: int) -> tuple[tantivy.Query, bool]:
        """``left NEAR/gap right`` in ``field``: exact for two words of two characters,
        otherwise candidates that are checked one by one.

        A two-term phrase whose second term is placed ``shift`` positions after where it
        would follow the first, with slop ``s``, matches where the second term starts
        ``shift - s`` to ``shift + s`` positions after that place (tantivy's slop counts
        both directions; checked against a scan, with repeated characters too). Phrases
        of the words' first bigrams with ``shift`` and ``s`` of half the gap cover gaps
        0 to ``gap`` exactly, in each order — for words of two characters that is NEAR
        itself; for longer words both words are required besides, and the items found are
        checked.
        """
        words = [self.word(field, left), self.word(field, right)]
        if len(left) < 2 or len(right) < 2:
            return _all(words), False
        half = gap // 2
        shifts = [half] if gap % 2 == 0 else [half, half + 1]
        close = _any([
            tantivy.Query.phrase_query(self.schema, field,
                                       [(0, a[:2]), (len(a) + shift, b[:2])], slop=half)
            for a, b in ((left, right), (right, left)) for shift in shifts])
        if len(left) == len(right) == 2:
            return close, True
        return _all([close, *words]), False

    def node(self, node: Node) -> tuple[tantivy.Query | None, bool]:
        if isinstance(node, Term):
            if node.field is not None and FIELDS[node.field].kind is FieldKind.KEYWORD:
                return tantivy.Query.term_query(self.schema, node.field, node.value), True
            fields = DEFAULT_FIELDS if node.field is None else (node.field,)
            return _any([self.word(name, node.value) for name in fields]), True
        if isinstance(node, Near):
            shared = [name for name in _fields(node.left) if name in _fields(node.right)]
            near = [self.near(name, node.left.value, node.right.value, node.distance)
                    for name in shared]
            return _any([query for query, _ in near]), all(flag for _, flag in near)
        if isinstance(node, Not):
            excluded = self.negated(node)
            return (None, False) if excluded is None else (_boolean([], [excluded]), True)
        if isinstance(node, Or):
            parts = [self.node(child) for child in node.children]
            queries = [query for query, _ in parts if query is not None]
            if len(queries) < len(parts):
                return None, False
            return _any(queries), all(flag for _, flag in parts)
        must: list[tantivy.Query] = []
        must_not: list[tantivy.Query] = []
        exact = True
        for child in node.children:
            if isinstance(child, Not):
                # Excluded inside this AND rather than as an AND of "everything but".
                negated = self.negated(child)
                if negated is None:
                    exact = False
                else:
                    must_not.append(negated)
                continue
            query, flag = self.node(child)
            exact = exact and flag
            if query is not None:
                must.append(query)
        if not must and not must_not:
            return None, exact
        return _boolean(must, must_not), exact

    def negated(self, node: Not) -> tantivy.Query | None:
        """What ``node`` excludes, or ``None`` when the index cannot say exactly."""
        child, exact = self.node(node.child)
        return child if exact else None


def _fields(term: Term) -> tuple[str, ...]:
    return DEFAULT_FIELDS if term.field is None else (term.field,)


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _one_of(schema: tantivy.Schema, field: str, values: Sequence[str | int]) -> tantivy.Query:
    """A filter on a few values: term queries skip through their postings inside an
    intersection, where a term set first collects every document it matches."""
    if len(values) <= _FEW:
        return _any([tantivy.Query.term_query(schema, field, value) for value in values])
    return tantivy.Query.term_set_query(schema, field, list(values))


def _boolean(must: list[tantivy.Query], must_not: list[tantivy.Query]) -> tantivy.Query:
    if not must_not:
        return _all(must)
    # A boolean query of only MustNot clauses matches nothing in tantivy.
    clauses = [(tantivy.Occur.Must, q) for q in must or [tantivy.Query.all_query()]]
    return tantivy.Query.boolean_query(
        clauses + [(tantivy.Occur.MustNot, q) for q in must_not])


class EmbeddedBackend(Backend):
    """A tantivy index under ``root/v<SCHEMA_VERSION>``, opened lazily, shared by threads.

    Writers are short-lived (one per batch): tantivy allows one writer per index across
    processes, so holding one would lock out ``yuqing search reindex`` or an import that
    analyses in its own process. Readers reload on each commit, from any process.
    """

    name = "embedded"

    def __init__(self, root: Path, *, writer_mb: int = 128, threads: int = 1) -> None:
        self.path = root / f"v{SCHEMA_VERSION}"
        self.writer_mb = writer_mb
        self.threads = threads
        self._index: tantivy.Index | None = None
        self._schema = _schema()
        self._translate = _Translator(self._schema)
        #: One writer at a time in this process (tantivy's lock file covers other processes).
        self._lock = threading.Lock()
        self._open_lock = threading.Lock()

    def _open(self) -> tantivy.Index:
        with self._open_lock:  # web threads may ask at once
            if self._index is None:
                self.path.mkdir(parents=True, exist_ok=True)
                index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
                index.register_tokenizer(TOKENIZER, _analyzer())
                self._index = index
            return self._index

    @contextmanager
    def _writer(self, threads: int) -> Iterator[tantivy.IndexWriter]:
        with self._lock:
            index = self._open()
            try:
                writer = index.writer(heap_size=self.writer_mb * 1_000_000, num_threads=threads)
            except ValueError as exc:
                if "LockBusy" in str(exc):
                    raise IndexBusy(str(exc)) from exc
                raise
            try:
                yield writer
            except BaseException:
                writer.rollback()
                raise
            finally:
                # Lets the merges this commit started finish: a writer dropped mid-merge
                # abandons them, and the segments would pile up.
                writer.wait_merging_threads()
            index.reload()

    def _document(self, doc: IndexDoc) -> tantivy.Document:
        out = tantivy.Document()
        out.add_unsigned("id", doc.id)
        out.add_text("title", bigram_text(doc.title))
        out.add_text("text", bigram_text(doc.text))
        out.add_text("region", bigram_text(doc.region))
        for name in KEYWORD_FIELDS:
            value = getattr(doc, name)
            if value:
                out.add_text(name, fold(value))
        for unit in doc.scope:
            out.add_unsigned("scope", unit)
        out.add_unsigned("source", doc.source_id)
        if doc.event_id is not None:
            out.add_unsigned("event", doc.event_id)
        out.add_unsigned("tkey", doc.time_key)
        out.add_unsigned("hkey", doc.heat_key)
        return out

    def write(self, docs: Sequence[IndexDoc], deleted: Sequence[int] = ()) -> None:
        ids = [*deleted, *(doc.id for doc in docs)]
        if not ids:
            return
        with self._writer(self.threads) as writer:
            writer.delete_documents_by_query(
                tantivy.Query.term_set_query(self._schema, "id", ids))
            for doc in docs:
                writer.add_document(self._document(doc))
            writer.commit()

    def rebuild(self, batches: Iterable[Sequence[IndexDoc]]) -> int:
        written = 0
        with self._writer(self.threads) as writer:
            writer.delete_all_documents()
            for batch in batches:
                for doc in batch:
                    writer.add_document(self._document(doc))
                written += len(batch)
            writer.commit()
        return written

    def count(self) -> int:
        return int(self._open().searcher().num_docs)

    def segments(self) -> int:
        """Segments a search visits (each costs a little per term; merges keep them few)."""
        return int(self._open().searcher().num_segments)

    # -- searching ----------------------------------------------------------------------

    def _filters(self, request: Request) -> list[tantivy.Query]:
        f, schema, query = request.filters, self._schema, tantivy.Query
        out = []
        if f.scope is not None:
            out.append(query.term_query(schema, "scope", f.scope))
        if f.since is not None or f.until is not None:
            out.append(query.range_query(
                schema, "tkey", tantivy.FieldType.Unsigned,
                time_bound(f.since) if f.since is not None else 0,
                time_bound(f.until) if f.until is not None else (1 << 64) - 1,
                include_upper=f.until is None))
        for name, values in (("platform", f.platforms), ("tier", f.tiers),
                             ("tone", f.tones), ("province", f.provinces),
                             ("city", f.cities)):
            if values:
                out.append(_one_of(schema, name, sorted(fold(v) for v in values)))
        for name, numbers in (("source", f.sources), ("event", f.events)):
            if numbers:
                out.append(_one_of(schema, name, sorted(numbers)))
        return out

    def _compile(self, request: Request) -> tuple[tantivy.Query, bool]:
        text, exact = (None, True) if request.query is None else self._translate.node(
            request.query)
        clauses = ([] if text is None else [text]) + self._filters(request)
        if not clauses:
            return tantivy.Query.all_query(), exact
        return _all(clauses), exact

    def query(self, request: Request, cap: int) -> Answer:
        compiled, exact = self._compile(request)
        searcher = self._open().searcher()
        if exact:
            offset, limit = request.offset, request.limit
        else:
            offset, limit = 0, cap
        order = {Sort.TIME: "tkey", Sort.HEAT: "hkey"}.get(request.sort)
        facets = (_FACET_THREADS.submit(self._facets, searcher, compiled)
                  if exact and request.facets else None)
        result = searcher.search(compiled, limit=max(limit, 1), offset=offset, count=True,
                                 order_by_field=order, order=tantivy.Order.Desc)
        hits = result.hits[:limit]
        ids = [int(cast(int, v))
               for v in searcher.fast_field_values("id", [a for _, a in hits])]
        total = int(result.count or 0)  # type: ignore[attr-defined]  # missing from the stub
        return Answer(exact, total, ids, facets.result() if facets is not None else {})

    @staticmethod
    def _facets(searcher: tantivy.Searcher, compiled: tantivy.Query) -> FacetCounts:
        spec = {name: {"terms": {"field": name, "size": _FACET_SIZE}} for name in FACETS}
        result = searcher.aggregate(compiled, spec)
        return {name: sorted_counts((b["key"], int(b["doc_count"]))
                                    for b in result.get(name, {}).get("buckets", []))
                for name in FACETS}
