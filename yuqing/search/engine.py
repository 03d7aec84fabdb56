"""One search interface over two backends, with the same exact results from both.

A backend turns a query tree and filters into its own index query. For words, phrases,
``AND``/``OR``/``NOT`` and every field, both backends' answers are exact (see their modules),
so counts, pages and facets come straight from the index. ``NEAR`` (and, in the embedded
backend, a rare query too wide to expand) is only narrowed by the index: the backend then
returns every candidate in result order and :func:`search` keeps those that
:func:`~yuqing.search.query.matches` accepts — the reference definition of the language —
checking at most ``verify_max`` of them; beyond that the total is marked as an estimate.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from yuqing.search.document import FACETS, IndexDoc
from yuqing.search.query import Node, matches

__all__ = ["Answer", "Backend", "Fetch", "Filters", "IndexBusy", "Request", "Result", "Sort",
           "search"]


class Sort(StrEnum):
    TIME = "time"
    RELEVANCE = "relevance"
    HEAT = "heat"


@dataclass(frozen=True)
class Filters:
    """Restrictions besides the query; empty sets and ``None`` restrict nothing."""

    #: Only items of this unit and the units below it (``None``: every unit).
    scope: int | None = None
    #: ``since <= time < until``, to the second.
    since: datetime | None = None
    until: datetime | None = None
    platforms: frozenset[str] = frozenset()
    sources: frozenset[int] = frozenset()
    tiers: frozenset[str] = frozenset()
    tones: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    events: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Request:
    """``query`` ``None`` means every item that passes the filters."""

    query: Node | None
    filters: Filters = Filters()
    sort: Sort = Sort.TIME
    offset: int = 0
    limit: int = 20
    facets: bool = False


FacetCounts = dict[str, list[tuple[str, int]]]


@dataclass
class Answer:
    """A backend's answer. ``exact``: ``total`` matches, ``ids`` the requested page and
    ``facets`` their counts. Otherwise ``ids`` are every candidate in result order (at most
    the cap it was given) and ``total`` how many candidates there are."""

    exact: bool
    total: int
    ids: list[int]
    facets: FacetCounts = field(default_factory=dict)


@dataclass
class Result:
    total: int
    #: False only when more candidates than ``verify_max`` had to be checked one by one:
    #: ``total`` is then the checked share scaled up to all candidates.
    exact_total: bool
    ids: list[int]
    facets: FacetCounts = field(default_factory=dict)


class IndexBusy(RuntimeError):
    """Another process (or thread) is writing the index; try again later."""


class Backend(ABC):
    """A search index: written in batches, queried through :func:`search`."""

    name: str

    @abstractmethod
    def write(self, docs: Sequence[IndexDoc], deleted: Sequence[int] = ()) -> None:
        """Add or replace ``docs`` and remove the items ``deleted``, in one commit."""

    @abstractmethod
    def rebuild(self, batches: Iterable[Sequence[IndexDoc]]) -> int:
        """Replace the whole index by ``batches``; searches see the old index until the new
        one is complete. Returns the number of documents written."""

    @abstractmethod
    def count(self) -> int:
        """Documents in the index."""

    @abstractmethod
    def query(self, request: Request, cap: int) -> Answer:
        """The exact answer to ``request``, or its candidates (at most ``cap``)."""


#: Loads the indexed documents of some ids (those that still exist), for the exact check.
Fetch = Callable[[Sequence[int]], Mapping[int, IndexDoc]]


def count_facets(docs: Iterable[IndexDoc]) -> FacetCounts:
    """Counts per value of each facet, most frequent first (ties by value)."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for doc in docs:
        for name in FACETS:
            value = getattr(doc, name)
            if value:
                counters[name][value] += 1
    return {name: sorted_counts(counter.items()) for name, counter in counters.items()}


def sorted_counts(pairs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(((v, n) for v, n in pairs if v and n), key=lambda p: (-p[1], p[0]))


def search(backend: Backend, request: Request, fetch: Fetch, verify_max: int) -> Result:
    """Run ``request``; exact results whichever backend answers."""
    answer = backend.query(request, verify_max)
    if answer.exact:
        return Result(answer.total, True, answer.ids, answer.facets)
    if request.query is None:  # pragma: no cover - a backend is always exact without a query
        raise AssertionError("a query without words was not answered exactly")
    query = request.query
    docs = fetch(answer.ids)
    kept = [docs[pk] for pk in answer.ids if pk in docs and matches(query, docs[pk].query_doc())]
    complete = len(answer.ids) >= answer.total
    total = len(kept)
    if not complete and answer.ids:
        total = round(len(kept) * answer.total / len(answer.ids))
    page = kept[request.offset:request.offset + request.limit]
    facets = count_facets(kept) if request.facets else {}
    return Result(total, complete, [doc.id for doc in page], facets)
