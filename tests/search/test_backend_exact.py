"""Both backends return exactly what a plain substring scan finds, in the same order.

Each case is a query as a user types it and, beside it, the same question written by hand
as Python ``in`` tests on the folded fields — not through the query library's evaluator, so
the backends are held to the plain meaning of "contains". The PostgreSQL backend runs when
the tests do (``tests/pgserver.py``); the embedded one always.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from tests.search.posts import make_posts
from yuqing.search.backends.embedded import EmbeddedBackend
from yuqing.search.backends.postgres import PostgresBackend, bigrams
from yuqing.search.document import FACETS, IndexDoc
from yuqing.search.engine import Backend, Filters, Request, Sort, search
from yuqing.search.query import fold, parse

POSTS = make_posts()
BY_ID = {doc.id: doc for doc in POSTS}


def title(doc: IndexDoc) -> str:
    return fold(doc.title)


def text(doc: IndexDoc) -> str:
    return fold(doc.text)


def has(doc: IndexDoc, word: str) -> bool:
    return word in title(doc) or word in text(doc)


def near(doc: IndexDoc, a: str, b: str, gap: int) -> bool:
    """An occurrence of ``a`` and one of ``b`` in one field, at most ``gap`` apart."""
    for field in (title(doc), text(doc)):
        starts_a = [i for i in range(len(field)) if field.startswith(a, i)]
        starts_b = [i for i in range(len(field)) if field.startswith(b, i)]
        if any(0 <= j - (i + len(a)) <= gap or 0 <= i - (j + len(b)) <= gap
               for i in starts_a for j in starts_b):
            return True
    return False


Case = tuple[str, Callable[[IndexDoc], bool]]

CASES: list[Case] = [
    # two characters
    ("武汉", lambda d: has(d, "武汉")),
    ("哈哈", lambda d: has(d, "哈哈")),
    ("封城", lambda d: has(d, "封城")),
    ("汉市", lambda d: has(d, "汉市")),
    # one character: no bigram of its own
    ("汉", lambda d: has(d, "汉")),
    ("的", lambda d: has(d, "的")),
    ("医", lambda d: has(d, "医")),
    ("院", lambda d: has(d, "院")),
    ("鄂", lambda d: has(d, "鄂")),
    # three and four characters
    ("武汉市", lambda d: has(d, "武汉市")),
    ("哈哈哈", lambda d: has(d, "哈哈哈")),
    ("新冠肺炎", lambda d: has(d, "新冠肺炎")),
    ("武汉封城", lambda d: has(d, "武汉封城")),
    ("疫情防控", lambda d: has(d, "疫情防控")),
    ("哈哈哈哈", lambda d: has(d, "哈哈哈哈")),
    ("武漢", lambda d: has(d, "武漢")),
    # phrases, spaces, folding
    ('"武汉 封城"', lambda d: has(d, "武汉 封城")),
    ('"新冠 肺炎"', lambda d: has(d, "新冠 肺炎")),
    ("ＣＯＶＩＤ－１９", lambda d: has(d, "covid-19")),
    ('"//@网友"', lambda d: has(d, "//@网友")),
    ("钟南山院士", lambda d: has(d, "钟南山院士")),
    # boolean and fields
    ("(武汉 OR 湖北) 医院 -谣言",
     lambda d: (has(d, "武汉") or has(d, "湖北")) and has(d, "医院") and not has(d, "谣言")),
    ("武汉 -封城", lambda d: has(d, "武汉") and not has(d, "封城")),
    ("NOT 武汉", lambda d: not has(d, "武汉")),
    ("-汉 -的", lambda d: not has(d, "汉") and not has(d, "的")),
    ("title:武汉 OR text:医院", lambda d: "武汉" in title(d) or "医院" in text(d)),
    ("region:武汉 医院", lambda d: "武汉" in fold(d.region) and has(d, "医院")),
    ("platform:weibo 加油", lambda d: d.platform == "weibo" and has(d, "加油")),
    ("tone:负面 疫情", lambda d: d.tone == "negative" and has(d, "疫情")),
    ("tier:central OR 哈", lambda d: d.tier == "central" or has(d, "哈")),
    ("title:(哈 OR 汉) -tone:positive",
     lambda d: ("哈" in title(d) or "汉" in title(d)) and d.tone != "positive"),
    # NEAR: narrowed by the index, decided one by one
    ("武汉 NEAR/3 封城", lambda d: near(d, "武汉", "封城", 3)),
    ("封城 NEAR/0 以后", lambda d: near(d, "封城", "以后", 0)),
    ("医院 NEAR/10 哈哈 OR 谣言", lambda d: near(d, "医院", "哈哈", 10) or has(d, "谣言")),
    ("疫情 -(武汉 NEAR/5 封城)", lambda d: has(d, "疫情") and not near(d, "武汉", "封城", 5)),
]

FILTERS: list[tuple[Filters, Callable[[IndexDoc], bool]]] = [
    (Filters(), lambda d: True),
    (Filters(scope=2), lambda d: 2 in d.scope),
    (Filters(since=datetime(2020, 1, 25, tzinfo=UTC), until=datetime(2020, 2, 3, tzinfo=UTC),
             platforms=frozenset({"weibo", "news"})),
     lambda d: datetime(2020, 1, 25, tzinfo=UTC) <= d.time < datetime(2020, 2, 3, tzinfo=UTC)
     and d.platform in ("weibo", "news")),
    (Filters(tones=frozenset({"negative"}), tiers=frozenset({"central", "government"}),
             provinces=frozenset({"420000"})),
     lambda d: d.tone == "negative" and d.tier in ("central", "government")
     and d.province == "420000"),
    (Filters(cities=frozenset({"420100"}), events=frozenset({1, 2}), sources=frozenset({2, 3})),
     lambda d: d.city == "420100" and d.event_id in (1, 2) and d.source_id in (2, 3)),
]


@pytest.fixture(params=["embedded", pytest.param("postgres", marks=pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the PostgreSQL backend runs when the tests run on PostgreSQL"))])
def backend(request: pytest.FixtureRequest, tmp_path: Path, db: None) -> Iterator[Backend]:
    if request.param == "postgres":
        chosen: Backend = PostgresBackend()
    else:
        chosen = EmbeddedBackend(tmp_path / "index", writer_mb=16)
    chosen.write(POSTS[:200])
    chosen.write(POSTS[200:])
    yield chosen


def fetch(ids: Sequence[int]) -> dict[int, IndexDoc]:
    return {pk: BY_ID[pk] for pk in ids if pk in BY_ID}


def run(backend: Backend, request: Request) -> tuple[int, list[int], dict[str, list]]:
    result = search(backend, request, fetch, verify_max=10_000)
    assert result.exact_total
    return result.total, result.ids, result.facets


def expected_facets(docs: list[IndexDoc]) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for name in FACETS:
        counts = Counter(getattr(d, name) for d in docs if getattr(d, name))
        out[name] = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    return out


@pytest.mark.parametrize(("query", "reference"), CASES, ids=[q for q, _ in CASES])
def test_every_case_with_every_filter(backend: Backend, query: str,
                                      reference: Callable[[IndexDoc], bool]) -> None:
    tree = parse(query)
    for filters, passes in FILTERS:
        wanted = sorted((d for d in POSTS if reference(d) and passes(d)),
                        key=lambda d: d.time_key, reverse=True)
        total, ids, facets = run(backend, Request(tree, filters, Sort.TIME, 0, 1000, True))
        assert total == len(wanted), (query, filters)
        assert ids == [d.id for d in wanted], (query, filters)
        assert facets == expected_facets(wanted), (query, filters)


@pytest.mark.parametrize("query", ["武汉", "汉", "武汉 NEAR/3 封城", "NOT 哈哈"])
def test_pages_and_sort_orders(backend: Backend, query: str) -> None:
    tree = parse(query)
    everything = {d.id: d for d in POSTS}
    _, by_time, _ = run(backend, Request(tree, Filters(), Sort.TIME, 0, 1000))
    _, by_heat, _ = run(backend, Request(tree, Filters(), Sort.HEAT, 0, 1000))
    _, by_score, _ = run(backend, Request(tree, Filters(), Sort.RELEVANCE, 0, 1000))
    assert by_heat == sorted(by_time, key=lambda pk: everything[pk].heat_key, reverse=True)
    assert sorted(by_score) == sorted(by_time)
    for offset, limit in ((0, 7), (7, 7), (len(by_time) - 3, 10)):
        total, page, _ = run(backend, Request(tree, Filters(), Sort.TIME, offset, limit))
        assert total == len(by_time)
        assert page == by_time[offset:offset + limit]


def test_no_query_lists_everything_the_filters_let_through(backend: Backend) -> None:
    total, ids, facets = run(backend, Request(None, Filters(scope=3), Sort.TIME, 0, 1000, True))
    wanted = sorted((d for d in POSTS if 3 in d.scope), key=lambda d: d.time_key, reverse=True)
    assert (total, ids) == (len(wanted), [d.id for d in wanted])
    assert facets == expected_facets(wanted)


def test_rewriting_replaces_and_deleting_removes(backend: Backend) -> None:
    changed = POSTS[0]
    renamed = replace(changed, title="", text="独一无二的句子")
    backend.write([renamed], deleted=[POSTS[1].id])
    backend.write([renamed])  # idempotent
    total, ids, _ = run(backend, Request(parse("独一无二"), Filters(), Sort.TIME, 0, 10))
    assert (total, ids) == (1, [changed.id])
    assert backend.count() == len(POSTS) - 1
    everything = {**BY_ID, changed.id: renamed}
    everything.pop(POSTS[1].id)
    total, ids, _ = run(backend, Request(parse("武汉"), Filters(), Sort.TIME, 0, 1000))
    assert set(ids) == {pk for pk, d in everything.items() if has(d, "武汉")}


def test_a_text_too_long_for_a_tsvector_is_still_found(backend: Backend) -> None:
    rng = random.Random(5)
    text = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(80_000)) + "独一无二"
    assert bigrams("", fold(text), "") is None  # PostgreSQL keeps no bigrams for it
    backend.write([replace(POSTS[0], id=10_000, title="", text=text)])
    total, ids, _ = run(backend, Request(parse("独一无二"), Filters(), Sort.TIME, 0, 10))
    assert (total, ids) == (1, [10_000])
    total, ids, _ = run(backend, Request(parse("独一"), Filters(), Sort.TIME, 0, 10))
    assert ids == [10_000]


def test_rebuild_replaces_everything(backend: Backend) -> None:
    assert backend.rebuild([POSTS[:10], POSTS[10:20]]) == 20
    assert backend.count() == 20
    total, _, _ = run(backend, Request(None, Filters(), Sort.TIME, 0, 5))
    assert total == 20


def test_near_finds_every_match_among_repeated_characters(tmp_path: Path) -> None:
    """NEAR of two 2-character words is answered by the index alone, other NEARs are
    narrowed to items whose words are close; with four characters in all, words overlap and
    repeat everywhere, so a wrong answer or a narrowing that dropped a match would show."""
    rng = random.Random(11)
    alphabet = "甲乙丙丁"
    base = POSTS[0]
    docs = [replace(base, id=pk, title="".join(rng.choices(alphabet, k=rng.randint(0, 6))),
                    text="".join(rng.choices(alphabet, k=rng.randint(1, 40))))
            for pk in range(1, 401)]
    by_id = {doc.id: doc for doc in docs}
    backend = EmbeddedBackend(tmp_path / "index", writer_mb=16)
    backend.write(docs)
    for _ in range(200):
        left, right = ("".join(rng.choices(alphabet, k=rng.choice((1, 2, 2, 3, 4))))
                       for _ in range(2))
        gap = rng.randint(0, 7)
        query = f"{left} NEAR/{gap} {right}"
        request = Request(parse(query), Filters(), Sort.TIME, 0, 1000)
        assert backend.query(request, 1000).exact == (len(left) == len(right) == 2)
        result = search(backend, request, lambda ids: {pk: by_id[pk] for pk in ids},
                        verify_max=10_000)
        wanted = {d.id for d in docs if near(d, left, right, gap)}
        assert result.exact_total
        assert (result.total, set(result.ids)) == (len(wanted), wanted), query
