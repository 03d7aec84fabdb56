"""Benchmark of search (``yuqing.search``): index build, size, latency, agreement with a scan.

**Corpus.** Every non-empty text of the shared Weibo datasets (DataFountain nCoV 10k, the
COVID hashtag days, weibo_senti_100k dev/test of two splits, SMP2020-EWECT, the Lyu et al.
COVID emotion set, CED originals and reposts): about 330,000 texts, 260,000 distinct. N items
are **resampled** from them with replacement (seed fixed); a quarter get a title (the first
30 characters of another resampled text). They are **re-timed** uniformly over the 60 days
from 2020-02-01, and given a platform, credibility tier, tone, region (one of 24 provinces'
capitals), unit (a district, 4 streets, 16 communities), source (500), event (20,000; 5%
none) and heat, drawn at random.

**Build.** Documents go straight into the embedded backend (``EmbeddedBackend.rebuild``),
bypassing the database: the figure is the index's, not SQLite's. One writer thread.

**Queries.** Four categories — 2-character words, 4-character words, phrases (quoted, 5 or
more characters, some with spaces), boolean (AND/OR/NOT, a title: field) — each run under
four filter sets (unit subtree + 7 days; platform + tone; street + 30 days; province +
tier), top 20 newest first with the exact total, as the search page asks. NEAR is run and
checked too, reported apart: between two 2-character words the index answers it; with a
longer word it narrows the candidates, which are then checked one at a time.

**Agreement.** Each query is also answered by a plain substring scan: Python's ``in`` over
the folded distinct texts, combined with numpy masks for the filters. Totals and top-20 ids
must be identical; full id sets are compared wherever the total is at most ``--full-max``.

**Pipeline** (``--pipeline N``): N items in a temporary database, the ``after_analysis``
hook's cost per 2,000-item batch, and the indexing job's throughput (database → index, one
commit per ``YUQING_SEARCH_INDEX_BATCH``).

**PostgreSQL** (``--postgres``): the same items and queries against the PostgreSQL backend,
in the database ``DATABASE_URL`` names (a throw-away one from ``tests/pgserver.py``).

    .venv/bin/python bench/search.py --items 1000000
    .venv/bin/python bench/search.py --items 10000000 --dir /var/tmp/yq-search-10m
    .venv/bin/python bench/search.py --pipeline 100000
    .venv/bin/python tests/pgserver.py -- .venv/bin/python bench/search.py --postgres \
        --items 1000000 --pipeline 100000
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from yuqing.search.backends.embedded import EmbeddedBackend  # noqa: E402
from yuqing.search.document import IndexDoc, time_bound  # noqa: E402
from yuqing.search.engine import Backend, Filters, Request, Sort, search  # noqa: E402
from yuqing.search.query import fold, parse  # noqa: E402

DATA = Path(os.environ.get("YUQING_SHARED_DATA", REPO.parent / "shared" / "data"))
SEED = 20200201
START = datetime(2020, 2, 1, tzinfo=UTC)
DAYS = 60
TITLE_CHARS = 30

PLATFORMS = ["weibo"] * 12 + ["wechat", "wechat", "news", "news", "douyin", "tieba", "zhihu",
                              "bilibili"]
TIERS = ["", "", "", "central", "provincial", "local-media", "government", "self-media"]
TONES = ["negative", "negative", "neutral", "neutral", "neutral", "positive"]
#: (display name, province code, city code): capitals of 24 provinces.
REGIONS = [
    ("湖北省武汉市", "420000", "420100"), ("北京市", "110000", "110000"),
    ("上海市", "310000", "310000"), ("广东省广州市", "440000", "440100"),
    ("浙江省杭州市", "330000", "330100"), ("江苏省南京市", "320000", "320100"),
    ("四川省成都市", "510000", "510100"), ("湖南省长沙市", "430000", "430100"),
    ("河南省郑州市", "410000", "410100"), ("山东省济南市", "370000", "370100"),
    ("河北省石家庄市", "130000", "130100"), ("陕西省西安市", "610000", "610100"),
    ("安徽省合肥市", "340000", "340100"), ("福建省福州市", "350000", "350100"),
    ("江西省南昌市", "360000", "360100"), ("辽宁省沈阳市", "210000", "210100"),
    ("吉林省长春市", "220000", "220100"), ("黑龙江省哈尔滨市", "230000", "230100"),
    ("云南省昆明市", "530000", "530100"), ("贵州省贵阳市", "520000", "520100"),
    ("山西省太原市", "140000", "140100"), ("甘肃省兰州市", "620000", "620100"),
    ("重庆市", "500000", "500000"), ("天津市", "120000", "120000"),
]
#: Unit 1 is the district; 2–5 its streets; 6–21 communities, four per street.
LEAVES = [(1, 2 + s, 6 + 4 * s + c) for s in range(4) for c in range(4)]


# -- corpus -------------------------------------------------------------------------------


def _gb18030_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("gb18030", errors="replace")
    return list(csv.reader(io.StringIO(text)))[1:]


def read_texts(root: Path) -> list[str]:
    out = [r[3] for r in _gb18030_rows(root / "ncov_weibo_2020_datafountain/nCov_10k_test.csv")
           if len(r) > 3]
    for path in sorted((root / "covid19_weibo_hashtag_days").glob("*.csv")):
        out += [r[1] for r in _gb18030_rows(path) if len(r) > 1]
    for name in ("paddlehub_split/dev.tsv", "paddlehub_split/test.tsv", "tdm_split/dev.csv",
                 "tdm_split/test.csv"):
        lines = (root / "weibo_senti_100k" / name).read_text(encoding="utf-8").splitlines()
        out += [line.partition("\t")[2] for line in lines[0 if name.endswith("tsv") else 1:]]
    for name in ("virus_train.txt", "usual_eval_labeled.txt", "virus_eval_labeled.txt"):
        out += [row["content"] for row in json.loads(
            (root / "smp2020_ewect" / name).read_text(encoding="utf-8"))]
    lyu = (root / "covid19_weibo_emotion_lyu2020/labeledData.csv").read_text(encoding="utf-8-sig")
    out += [row[0] for row in list(csv.reader(io.StringIO(lyu)))[1:] if row]
    ced = root / "ced_weibo_rumor_reposts"
    for path in sorted((ced / "original-microblog").glob("*.json")):
        out.append(json.loads(path.read_text(encoding="utf-8"))["text"])
    for path in sorted(ced.glob("*-repost/*.json")):
        out += [r["text"] for r in json.loads(path.read_text(encoding="utf-8")) if r.get("text")]
    return [t for t in out if t and t.strip()]


@dataclass
class Corpus:
    """N items as arrays (index ``i`` is item ``i + 1``), over a pool of real texts."""

    texts: list[str]
    folded: list[str]
    titles_folded: list[str]
    text_idx: np.ndarray
    title_idx: np.ndarray  # -1: no title
    seconds: np.ndarray  # since START
    platform: np.ndarray
    tier: np.ndarray
    tone: np.ndarray
    region: np.ndarray
    leaf: np.ndarray
    source: np.ndarray
    event: np.ndarray  # 0: none
    heat: np.ndarray

    @property
    def size(self) -> int:
        return len(self.text_idx)

    def doc(self, i: int) -> IndexDoc:
        title = self.title_idx[i]
        region = REGIONS[self.region[i]]
        event = int(self.event[i])
        return IndexDoc(
            id=i + 1, title=self.texts[title][:TITLE_CHARS] if title >= 0 else "",
            text=self.texts[self.text_idx[i]], region=region[0],
            platform=PLATFORMS[self.platform[i]], tier=TIERS[self.tier[i]],
            tone=TONES[self.tone[i]], province=region[1], city=region[2],
            scope=LEAVES[self.leaf[i]], source_id=int(self.source[i]),
            event_id=event or None, time=START + timedelta(seconds=int(self.seconds[i])),
            heat=float(self.heat[i]))


def make_corpus(texts: list[str], count: int) -> Corpus:
    rng = np.random.default_rng(SEED)
    pool = len(texts)

    def pick(options: Sequence[object]) -> np.ndarray:
        return rng.integers(0, len(options), count, dtype=np.int16)

    title_idx = rng.integers(0, pool, count, dtype=np.int32)
    title_idx[rng.random(count) >= 0.25] = -1
    event = rng.integers(1, 20_001, count, dtype=np.int32)
    event[rng.random(count) < 0.05] = 0
    return Corpus(
        texts=texts, folded=[fold(t) for t in texts],
        titles_folded=[fold(t[:TITLE_CHARS]) for t in texts],
        text_idx=rng.integers(0, pool, count, dtype=np.int32), title_idx=title_idx,
        seconds=rng.integers(0, DAYS * 86_400, count, dtype=np.int64),
        platform=pick(PLATFORMS), tier=pick(TIERS), tone=pick(TONES), region=pick(REGIONS),
        leaf=pick(LEAVES), source=rng.integers(1, 501, count, dtype=np.int32), event=event,
        heat=np.round(rng.exponential(8.0, count).clip(0, 100), 3))


def batches(corpus: Corpus, size: int = 10_000) -> Iterator[list[IndexDoc]]:
    for start in range(0, corpus.size, size):
        yield [corpus.doc(i) for i in range(start, min(start + size, corpus.size))]


# -- the substring scan -------------------------------------------------------------------


class Scan:
    """Reference answers: ``in`` on folded texts, numpy for the rest."""

    def __init__(self, corpus: Corpus) -> None:
        self.c = corpus
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        base = (corpus.seconds + int((START - datetime(2000, 1, 1, tzinfo=UTC))
                                      .total_seconds())).astype(np.uint64)
        self.keys = (base << np.uint64(32)) | np.arange(1, corpus.size + 1, dtype=np.uint64)

    def _pool(self, field: str, word: str) -> np.ndarray:
        key = (field, word)
        if key not in self._cache:
            pool = self.c.folded if field == "text" else self.c.titles_folded
            found = np.fromiter((word in t for t in pool), dtype=bool, count=len(pool))
            self._cache[key] = np.append(found, False)  # index -1: no title
        return self._cache[key]

    def text(self, word: str) -> np.ndarray:
        return self._pool("text", fold(word))[self.c.text_idx]

    def title(self, word: str) -> np.ndarray:
        return self._pool("title", fold(word))[self.c.title_idx]

    def has(self, word: str) -> np.ndarray:
        return self.text(word) | self.title(word)

    def near(self, a: str, b: str, gap: int) -> np.ndarray:
        """Near in the text (the bench's NEAR queries are chosen so titles cannot decide)."""
        a, b = fold(a), fold(b)

        def ok(t: str) -> bool:
            sa = [i for i in range(len(t)) if t.startswith(a, i)]
            sb = [j for j in range(len(t)) if t.startswith(b, j)]
            return any(0 <= j - (i + len(a)) <= gap or 0 <= i - (j + len(b)) <= gap
                       for i in sa for j in sb)

        found = np.fromiter((a in t and b in t and ok(t) for t in self.c.folded), dtype=bool,
                            count=len(self.c.folded))
        in_title = np.fromiter((a in t and b in t and ok(t) for t in self.c.titles_folded),
                               dtype=bool, count=len(self.c.titles_folded))
        return found[self.c.text_idx] | np.append(in_title, False)[self.c.title_idx]

    def filters(self, f: Filters) -> np.ndarray:
        c, mask = self.c, np.ones(self.c.size, dtype=bool)
        if f.scope is not None:
            mask &= np.array([f.scope in leaf for leaf in LEAVES])[c.leaf]
        if f.since is not None:
            mask &= self.keys >= np.uint64(time_bound(f.since))
        if f.until is not None:
            mask &= self.keys < np.uint64(time_bound(f.until))
        for values, column, options in ((f.platforms, c.platform, PLATFORMS),
                                        (f.tones, c.tone, TONES), (f.tiers, c.tier, TIERS)):
            if values:
                mask &= np.array([o in values for o in options])[column]
        if f.provinces:
            mask &= np.array([r[1] in f.provinces for r in REGIONS])[c.region]
        return mask

    def top(self, mask: np.ndarray, n: int) -> list[int]:
        keys = self.keys[mask]
        if len(keys) > n:
            keys = keys[np.argpartition(keys, len(keys) - n)[-n:]]
        return [int(k & np.uint64(0xFFFFFFFF)) for k in np.sort(keys)[::-1]]


# -- queries ------------------------------------------------------------------------------

Reference = Callable[[Scan], np.ndarray]


def contains(word: str) -> Reference:
    return lambda scan: scan.has(word)


QUERIES: dict[str, list[tuple[str, Reference]]] = {
    "2-char": [(w, contains(w)) for w in (
        "武汉", "医院", "口罩", "疫情", "确诊", "隔离", "加油", "物资", "谣言", "社区", "封城",
        "鄂州")],
    "4-char": [(w, contains(w)) for w in (
        "新冠肺炎", "疫情防控", "武汉加油", "医护人员", "居家隔离", "火神山医", "钟南山院",
        "确诊病例", "湖北武汉", "定点医院", "防控工作", "口罩价格")],
    "phrase": [(f'"{w}"', contains(w)) for w in (
        "中国 加油", "新型冠状病毒", "钟南山院士", "火神山医院", "武汉市中心医院", "#武汉加油#",
        "一线医护人员", "人传人", "抗击疫情", "湖北省卫健委")],
    "boolean": [
        ("(武汉 OR 湖北) 医院 -谣言",
         lambda s: (s.has("武汉") | s.has("湖北")) & s.has("医院") & ~s.has("谣言")),
        ("口罩 (涨价 OR 哄抬 OR 脱销)",
         lambda s: s.has("口罩") & (s.has("涨价") | s.has("哄抬") | s.has("脱销"))),
        ("确诊 -境外 -输入", lambda s: s.has("确诊") & ~s.has("境外") & ~s.has("输入")),
        ("(钟南山 OR 李兰娟) 院士", lambda s: (s.has("钟南山") | s.has("李兰娟")) & s.has("院士")),
        ("疫情 防控 社区 -转发",
         lambda s: s.has("疫情") & s.has("防控") & s.has("社区") & ~s.has("转发")),
        ("(封城 OR 封闭) (武汉 OR 黄冈 OR 孝感)",
         lambda s: (s.has("封城") | s.has("封闭")) & (s.has("武汉") | s.has("黄冈")
                                                    | s.has("孝感"))),
        ("title:武汉 OR 隔离", lambda s: s.title("武汉") | s.has("隔离")),
        ("医生 护士 -谣言", lambda s: s.has("医生") & s.has("护士") & ~s.has("谣言")),
    ],
    "near (2-char words)": [
        ("武汉 NEAR/5 封城", lambda s: s.near("武汉", "封城", 5)),
        ("口罩 NEAR/10 涨价", lambda s: s.near("口罩", "涨价", 10)),
        ("医院 NEAR/3 床位", lambda s: s.near("医院", "床位", 3)),
    ],
    "near (longer, checked)": [
        ("新冠肺炎 NEAR/10 确诊", lambda s: s.near("新冠肺炎", "确诊", 10)),
        ("武汉市 NEAR/5 医院", lambda s: s.near("武汉市", "医院", 5)),
        ("口罩 NEAR/8 买不到", lambda s: s.near("口罩", "买不到", 8)),
    ],
}
TARGET = ("2-char", "4-char", "phrase", "boolean")


def filter_sets() -> list[tuple[str, Filters]]:
    week = START + timedelta(days=20)
    return [
        ("street 2 + 7 days", Filters(scope=2, since=week, until=week + timedelta(days=7))),
        ("weibo + negative", Filters(platforms=frozenset({"weibo"}),
                                     tones=frozenset({"negative"}))),
        ("community 7 + 30 days", Filters(scope=7, since=START,
                                          until=START + timedelta(days=30))),
        ("Hubei + central/provincial", Filters(provinces=frozenset({"420000"}),
                                               tiers=frozenset({"central", "provincial"}))),
    ]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_queries(backend: Backend, corpus: Corpus, repeat: int, full_max: int) -> None:
    scan = Scan(corpus)

    def fetch(ids: Sequence[int]) -> dict[int, IndexDoc]:
        return {pk: corpus.doc(pk - 1) for pk in ids}

    filters = filter_sets()
    print(f"\nlatency, top 20 newest first with the exact total, {repeat} runs each "
          f"(ms; p50 / p95 / max):")
    agree = compared = full_sets = 0
    mismatches: list[str] = []
    facet_times: list[float] = []
    relevance_times: list[float] = []
    for category, queries in QUERIES.items():
        times: list[float] = []
        totals: list[int] = []
        for text, reference in queries:
            tree = parse(text)
            expected_text = reference(scan)
            for label, f in filters:
                request = Request(tree, f, Sort.TIME, 0, 20)
                search(backend, request, fetch, 1_000_000)  # warm this query's terms
                for _ in range(repeat):
                    started = time.perf_counter()
                    result = search(backend, request, fetch, 1_000_000)
                    times.append((time.perf_counter() - started) * 1000)
                wanted = expected_text & scan.filters(f)
                total = int(wanted.sum())
                totals.append(total)
                compared += 1
                ok = result.total == total and result.ids == scan.top(wanted, 20)
                if ok and total <= full_max:
                    full_sets += 1
                    everything = search(backend, Request(tree, f, Sort.TIME, 0, max(total, 1)),
                                        fetch, 1_000_000)
                    ok = sorted(everything.ids) == (np.flatnonzero(wanted) + 1).tolist()
                if ok:
                    agree += 1
                else:
                    mismatches.append(f"{text} [{label}]: index {result.total}, scan {total}")
                if category == "4-char":
                    started = time.perf_counter()
                    search(backend, Request(tree, f, Sort.RELEVANCE, 0, 20), fetch, 1_000_000)
                    relevance_times.append((time.perf_counter() - started) * 1000)
                if label == filters[0][0]:
                    started = time.perf_counter()
                    search(backend, Request(tree, f, Sort.TIME, 0, 20, facets=True), fetch,
                           1_000_000)
                    facet_times.append((time.perf_counter() - started) * 1000)
        marker = "  (target p95 <= 50 ms at 10M)" if category in TARGET else ""
        print(f"  {category:26s} {len(times):4d} runs  p50 {pct(times, 50):7.1f}  "
              f"p95 {pct(times, 95):7.1f}  max {max(times):7.1f}   matches per query "
              f"median {statistics.median(totals):,.0f}, max {max(totals):,}{marker}",
              flush=True)
    print(f"  {'4-char by relevance':26s} {len(relevance_times):4d} runs  "
          f"p50 {pct(relevance_times, 50):7.1f}  p95 {pct(relevance_times, 95):7.1f}")
    print(f"  {'with facets (4 fields)':26s} {len(facet_times):4d} runs  "
          f"p50 {pct(facet_times, 50):7.1f}  p95 {pct(facet_times, 95):7.1f}")
    print(f"\nagreement with the substring scan: {agree}/{compared} (query, filter) pairs "
          f"identical in total and top-20 ids; full id sets compared for {full_sets} of them "
          f"(total <= {full_max:,})")
    for line in mismatches:
        print("  MISMATCH", line)


# -- pipeline -----------------------------------------------------------------------------


def setup_django(data_dir: str) -> None:
    """Django on a fresh database: SQLite in ``data_dir``, or PostgreSQL if ``DATABASE_URL``
    names one (``python tests/pgserver.py -- .venv/bin/python bench/search.py …``)."""
    os.environ["YUQING_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "yuqing.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def postgres_build(corpus: Corpus) -> Backend:
    from django.db import connection

    from yuqing.search.backends.postgres import TABLE, PostgresBackend

    if connection.vendor != "postgresql":
        sys.exit("--postgres needs DATABASE_URL to name a PostgreSQL database")
    backend = PostgresBackend()
    started = time.perf_counter()
    written = backend.rebuild(batches(corpus))
    build = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
        cursor.execute(f"SELECT pg_total_relation_size('{TABLE}')")
        size = cursor.fetchone()[0]
    print(f"built {written:,} items into PostgreSQL in {build:.1f} s ({written / build:,.0f} "
          f"items/s), {size / 1e6:,.0f} MB with its indexes")
    return backend


def pipeline(texts: list[str], count: int) -> None:
    """The hook's cost per batch and the indexing job's throughput, on a real database."""
    from django.db import connection, transaction

    from yuqing.analysis.models import ItemAnalysis
    from yuqing.collect.models import Item, Source
    from yuqing.orgs.actions import ensure_unit
    from yuqing.search import conf, indexing

    unit = ensure_unit("bench", "基准测试单位")
    source = Source.objects.create(name="bench", platform="weibo", unit=unit)
    rng = random.Random(SEED)
    for start in range(0, count, 5000):
        items = [Item(natural_key=f"bench:{i}", platform="weibo", source=source, unit=unit,
                      text=rng.choice(texts), published_at=START + timedelta(seconds=i),
                      fingerprint="x") for i in range(start, min(count, start + 5000))]
        Item.objects.bulk_create(items)
    ids = list(Item.objects.order_by("id").values_list("id", flat=True))
    ItemAnalysis.objects.bulk_create(
        [ItemAnalysis(item_id=pk, story_id=pk, tone=rng.choice(TONES), tone_score=0.9,
                      tone_model="bench", emotion="neutral", emotion_score=0.9,
                      emotion_model="bench", province="420000", city="420100",
                      analysed_at=START) for pk in ids], batch_size=5000)
    hook = []
    for start in range(0, len(ids), 2000):
        with transaction.atomic():
            began = time.perf_counter()
            indexing.enqueue(ids[start:start + 2000])
            hook.append((time.perf_counter() - began) * 1000)
    began = time.perf_counter()
    done = indexing.drain()
    elapsed = time.perf_counter() - began
    print(f"\npipeline, {count:,} items in {connection.vendor}: after_analysis hook "
          f"{statistics.median(hook):.1f} ms per 2,000-item batch (median; max "
          f"{max(hook):.1f}); indexing job ({conf.backend_name()}) {done:,} items in "
          f"{elapsed:.1f} s = {done / elapsed:,.0f} items/s, one commit per "
          f"{conf.index_batch():,}")


# -- main ---------------------------------------------------------------------------------


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=0, help="items to index (e.g. 1000000)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--dir", type=Path, help="where to build (default: a temporary "
                        "directory, removed afterwards)")
    parser.add_argument("--reuse", action="store_true",
                        help="query an index already built in --dir with the same --items")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--full-max", type=int, default=200_000,
                        help="compare full id sets up to this many matches")
    parser.add_argument("--writer-mb", type=int, default=512)
    parser.add_argument("--pipeline", type=int, default=0, help="items for the pipeline part")
    parser.add_argument("--postgres", action="store_true",
                        help="the PostgreSQL backend instead (DATABASE_URL must name one)")
    args = parser.parse_args()

    started = time.perf_counter()
    texts = read_texts(args.data)
    print(f"{len(texts):,} texts ({len(set(texts)):,} distinct, mean "
          f"{statistics.mean(map(len, texts)):.0f} characters) read in "
          f"{time.perf_counter() - started:.1f} s")
    django_dir = tempfile.mkdtemp(prefix="yq-search-bench-db-")
    if args.postgres or args.pipeline:
        setup_django(django_dir)
    if args.items and args.postgres:
        corpus = make_corpus(texts, args.items)
        run_queries(postgres_build(corpus), corpus, args.repeat, args.full_max)
    elif args.items:
        corpus = make_corpus(texts, args.items)
        root = args.dir or Path(tempfile.mkdtemp(prefix="yq-search-bench-"))
        backend = EmbeddedBackend(root, writer_mb=args.writer_mb)
        try:
            if not args.reuse:
                shutil.rmtree(backend.path, ignore_errors=True)
                started = time.perf_counter()
                written = backend.rebuild(batches(corpus))
                build = time.perf_counter() - started
                print(f"built {written:,} items in {build:.1f} s ({written / build:,.0f} "
                      f"items/s), {dir_size(backend.path) / 1e6:,.0f} MB on disk")
            print(f"index: {backend.count():,} documents in {backend.segments()} segments")
            run_queries(backend, corpus, args.repeat, args.full_max)
        finally:
            if args.dir is None:
                shutil.rmtree(root, ignore_errors=True)
    if args.pipeline:
        pipeline(texts, args.pipeline)
    shutil.rmtree(django_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
