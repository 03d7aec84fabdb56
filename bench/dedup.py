"""Benchmark of the near-duplicate / story engine (``yuqing.analysis.dedup``).

Run ``.venv/bin/python bench/dedup.py`` (add ``--quick`` to skip datasketch and
the long stream).  Single-threaded: numpy's BLAS is not involved and the
index uses none of its threads.  Figures and method are written up in
``docs/benchmarks.md`` ("Near-duplicates").

Parts:
1. speed and memory on 100,000 posts built from real texts, against
   datasketch MinHashLSH with the issue's settings;
2. quality (pairwise and B-cubed precision/recall) on CED repost cascades and
   on the hashtag-day files with synthesised edited copies;
3. memory on a long stream (30 days, 72 h window) stays flat.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import functools
import glob
import io
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yuqing.analysis.dedup import StoryConfig, StoryIndex, StoryItem
from yuqing.analysis.dedup.textnorm import match_text

DATA = Path(
    os.environ.get("YUQING_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared/data")
)
HASHTAG_FILES = sorted((DATA / "covid19_weibo_hashtag_days").glob("*.csv"))
NCOV = DATA / "ncov_weibo_2020_datafountain/nCov_10k_test.csv"
CED = DATA / "ced_weibo_rumor_reposts"
BATCH = 5000
ORACLE = 0.8  # difflib (Ratcliff/Obershelp) similarity that makes two texts "the same"
EMOTICONS = ["[哈哈]", "[泪]", "[doge]", "[心]", "[赞]", "[怒]", "[蜡烛]", "[加油]"]


# -- data -------------------------------------------------------------------


def read_gb18030_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("gb18030", errors="replace")
    return list(csv.reader(io.StringIO(text)))[1:]


def hashtag_texts() -> list[tuple[str, str]]:
    """(day, text) of every row of the hashtag-day files, in file order."""
    return [(p.stem, r[1]) for p in HASHTAG_FILES for r in read_gb18030_csv(p) if len(r) > 1]


def ncov_texts() -> list[str]:
    return [r[3] for r in read_gb18030_csv(NCOV) if len(r) > 3]


@dataclass
class Cascade:
    root: str
    root_text: str
    root_time: int
    items: list[dict[str, str]]


def parse_ced_date(value: str, year: int) -> int | None:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return int(datetime.strptime(value, fmt).replace(tzinfo=UTC).timestamp())
        except ValueError:
            pass
    try:
        moment = datetime.strptime(f"{year}年{value}", "%Y年%m月%d日 %H:%M")
    except ValueError:
        return None
    return int(moment.replace(tzinfo=UTC).timestamp())


def ced_cascades() -> list[Cascade]:
    out = []
    for path in sorted(glob.glob(str(CED / "*-repost" / "*.json"))):
        name = Path(path).name
        original = json.loads((CED / "original-microblog" / name).read_text())
        items = json.loads(Path(path).read_text())
        try:
            root_time = int(original["time"])
        except (TypeError, ValueError):
            dates = [parse_ced_date(i["date"], 2013) for i in items]
            root_time = min(d for d in dates if d is not None) - 1
        out.append(Cascade(name.split("_")[1], original["text"], root_time, items))
    return out


def ced_original_texts() -> list[str]:
    return [
        json.loads(p.read_text())["text"]
        for p in sorted((CED / "original-microblog").glob("*.json"))
    ]


# -- synthetic edits --------------------------------------------------------


def edit(text: str, rng: random.Random, alphabet: str) -> str:
    """A plausible edited copy: a few character edits, decorations or a repost chain."""
    op = rng.choice(["chars", "chars", "decorate", "repost", "strip_chain"])
    if op == "strip_chain" and "//@" in text:
        return text.split("//@", 1)[1].split(":", 1)[-1]
    if op == "decorate":
        return f"{rng.choice(EMOTICONS)}{text} http://t.cn/{rng.randrange(10**6):06d}{rng.choice(EMOTICONS)}"
    if op == "repost":
        comment = rng.choice(["", "转发微博", "顶", "太难了", "加油！", "心疼"])
        return f"{comment}//@用户{rng.randrange(10**5)}:{text}"
    chars = list(text)
    for _ in range(1 if len(chars) < 30 else rng.randint(1, 3)):
        pos = rng.randrange(max(1, len(chars)))
        kind = rng.choice("idr")
        if kind == "i" or not chars:
            chars.insert(pos, rng.choice(alphabet))
        elif kind == "d":
            del chars[pos]
        else:
            chars[pos] = rng.choice(alphabet)
    return "".join(chars)


# -- grouping metrics -------------------------------------------------------


class DSU:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        p = self.parent
        p.setdefault(x, x)
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def scores(pred: dict[int, int], truth: dict[int, int], items: Iterable[int]) -> dict[str, float]:
    """Pairwise and B-cubed precision/recall of clustering ``pred`` against ``truth``."""
    items = list(items)
    cells = Counter((pred[i], truth[i]) for i in items)
    psize = Counter(pred[i] for i in items)
    tsize = Counter(truth[i] for i in items)

    def pairs(c: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in c)

    tp, pp, tt = pairs(cells.values()), pairs(psize.values()), pairs(tsize.values())
    n = len(items)
    b3p = sum(c * c / psize[p] for (p, _), c in cells.items()) / n
    b3r = sum(c * c / tsize[t] for (_, t), c in cells.items()) / n
    return {
        "pair_p": tp / pp if pp else 1.0,
        "pair_r": tp / tt if tt else 1.0,
        "b3_p": b3p,
        "b3_r": b3r,
        "truth_pairs": tt,
        "pred_pairs": pp,
        "items": n,
    }


def same(a: str, b: str) -> bool:
    """The independent oracle: difflib similarity of normalised contents ≥ ORACLE."""
    if not a or not b:
        return False
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return m.real_quick_ratio() >= ORACLE and m.quick_ratio() >= ORACLE and m.ratio() >= ORACLE


def fmt(s: dict[str, float]) -> str:
    return (
        f"pairwise P {s['pair_p']:.3f} R {s['pair_r']:.3f} | B3 P {s['b3_p']:.3f} "
        f"R {s['b3_r']:.3f} | items {s['items']:,} truth pairs {s['truth_pairs']:,} "
        f"predicted pairs {s['pred_pairs']:,}"
    )


def run_index(items: Sequence[StoryItem], config: StoryConfig | None = None) -> dict[int, int]:
    """Feed items in time order, in batches; return item id → final story id.

    A later batch can merge stories or give one an earlier head; the
    ``relabelled`` maps are followed to each story's final head, as a
    pipeline updating stored story ids would.
    """
    index = StoryIndex(config)
    story: dict[int, int] = {}
    relabel: dict[int, int] = {}
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        result = index.add_batch(batch)
        relabel.update(result.relabelled)
        for it, sid in zip(batch, result.story_ids, strict=True):
            story[it.id] = sid

    def resolve(sid: int) -> int:
        while sid in relabel and relabel[sid] != sid:
            sid = relabel[sid]
        return sid

    return {i: resolve(s) for i, s in story.items()}


def pooled_truth(
    dsu: DSU, pred: dict[int, int], content: dict[int, str], ids: Iterable[int]
) -> dict[int, int]:
    """Truth clusters after adding predicted links that the oracle confirms.

    Each post is judged against its predicted story head (the pair the index
    itself would have verified), so truth pairs that neither the rule nor the
    index found are still missing: recall is relative to this pool.
    """
    for i in ids:
        head = pred[i]
        if head != i and head in content and same(content[i], content[head]):
            dsu.union(i, head)
    return {i: dsu.find(i) for i in ids}


# -- part 1: speed and memory -----------------------------------------------


def speed_corpus(n: int, seed: int = 0) -> list[StoryItem]:
    """100k posts: 80% real texts sampled without replacement, 20% edited copies."""
    rng = random.Random(seed)
    pool = [t for _, t in hashtag_texts()] + ncov_texts() + ced_original_texts()
    for c in ced_cascades():
        pool.extend(i["text"] for i in c.items if i["text"])
    rng.shuffle(pool)
    real = pool[: int(n * 0.8)]
    alphabet = "".join(set("".join(real[:2000])))
    texts = real + [edit(rng.choice(real), rng, alphabet) for _ in range(n - len(real))]
    rng.shuffle(texts)
    t0 = datetime(2020, 2, 17, tzinfo=UTC)
    step = 72 * 3600 / n
    return [StoryItem(i + 1, t, t0 + timedelta(seconds=i * step)) for i, t in enumerate(texts)]


def time_ours(items: Sequence[StoryItem], config: StoryConfig | None = None) -> float:
    index = StoryIndex(config)
    start = time.perf_counter()
    for s in range(0, len(items), BATCH):
        index.add_batch(items[s : s + BATCH])
    return len(items) / (time.perf_counter() - start)


def memory_ours(
    items: Sequence[StoryItem], config: StoryConfig | None = None
) -> tuple[float, float]:
    """(numpy bytes per indexed post, tracemalloc bytes per indexed post)."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    index = StoryIndex(config)
    for s in range(0, len(items), BATCH):
        index.add_batch(items[s : s + BATCH])
    traced = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return index.nbytes / len(index), traced / len(index)


def shingles(content: str) -> list[bytes]:
    return [content[i : i + 3].encode() for i in range(max(1, len(content) - 2))]


def datasketch_run(
    items: Sequence[StoryItem], measure_memory: bool
) -> tuple[float, float, dict[int, int]]:
    """The issue's baseline: 128 perms, char 3-grams, threshold 0.7, same normalisation.

    Grouping: query before insert, union with every candidate returned
    (datasketch returns LSH candidates, it does not verify them).
    """
    from datasketch import MinHash, MinHashLSH

    if measure_memory:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    dsu = DSU()
    indexed = 0
    start = time.perf_counter()
    for it in items:
        content = match_text(it.text).content
        dsu.find(it.id)
        if len(content) < 6:
            continue
        m = MinHash(num_perm=128)
        m.update_batch(shingles(content))
        for other in lsh.query(m):
            dsu.union(it.id, other)
        lsh.insert(it.id, m)
        indexed += 1
    rate = len(items) / (time.perf_counter() - start)
    per_post = 0.0
    if measure_memory:
        per_post = (tracemalloc.get_traced_memory()[0] - base) / indexed
        tracemalloc.stop()
    return rate, per_post, {it.id: dsu.find(it.id) for it in items}


# -- part 2a: CED -------------------------------------------------------------


def ced_eval(window: timedelta) -> None:
    cascades = ced_cascades()
    ids: dict[str, int] = {}

    def num(mid: str) -> int:
        return ids.setdefault(mid, len(ids) + 1)

    items: list[StoryItem] = []
    content: dict[int, str] = {}
    own: dict[int, str] = {}
    parent: dict[int, int] = {}
    root_of: dict[int, int] = {}
    for c in cascades:
        year = datetime.fromtimestamp(c.root_time, UTC).year
        rid = num(c.root)
        items.append(StoryItem(rid, c.root_text, datetime.fromtimestamp(c.root_time, UTC)))
        for raw in c.items:
            moment = parse_ced_date(raw["date"], year) or c.root_time
            iid = num(raw["mid"])
            pid = num(raw["parent"]) if raw["parent"] else rid
            parent[iid], root_of[iid] = pid, rid
            items.append(StoryItem(iid, raw["text"], datetime.fromtimestamp(moment, UTC), pid))
    for post in items:
        m = match_text(post.text)
        content[post.id], own[post.id] = m.content, m.own
    items.sort(key=lambda it: (it.published_at, it.id))
    all_ids = [it.id for it in items]

    start = time.perf_counter()
    pred = run_index(items, StoryConfig(window=window))
    rate = len(items) / (time.perf_counter() - start)

    # Truth: plain reposts (own words < 6 chars) follow their parent; text
    # that the oracle finds the same as its cascade's root joins the root;
    # equal normalised texts (≥ 6 chars) are one story.
    dsu = DSU()
    by_text: dict[str, int] = {}
    for i in all_ids:
        if i in parent and len(own[i]) < 6:
            dsu.union(i, parent[i])
        elif i in root_of and same(own[i], content[root_of[i]]):
            dsu.union(i, root_of[i])
        if len(content[i]) >= 6:
            dsu.union(i, by_text.setdefault(content[i], i))
    strict = {i: dsu.find(i) for i in all_ids}
    pooled = pooled_truth(dsu, pred, content, all_ids)
    texty = [i for i in all_ids if not (i in parent and len(own[i]) < 6)]
    print(f"\n## CED cascades, window {window}: {len(items):,} posts, {rate:,.0f} posts/s")
    print("all posts, strict truth:    ", fmt(scores(pred, strict, all_ids)))
    print("all posts, pooled truth:    ", fmt(scores(pred, pooled, all_ids)))
    print("text-matched posts, strict: ", fmt(scores(pred, strict, texty)))
    print("text-matched posts, pooled: ", fmt(scores(pred, pooled, texty)))


# -- part 2b: hashtag days ----------------------------------------------------


def hashtag_items(copies: int, seed: int = 1) -> tuple[list[StoryItem], dict[int, int]]:
    """Real rows plus edited copies; returns items and copy id → source id."""
    rng = random.Random(seed)
    rows = hashtag_texts()
    day0 = {d: datetime(2020, 2, int(d.split(".")[1]), tzinfo=UTC) for d in {d for d, _ in rows}}
    per_day = Counter(d for d, _ in rows)
    seen: Counter[str] = Counter()
    items = []
    for i, (day, text) in enumerate(rows):
        # Rows carry no time; spread each day's rows evenly over the day.
        moment = day0[day] + timedelta(seconds=86400 * seen[day] / per_day[day])
        seen[day] += 1
        items.append(StoryItem(i + 1, text, moment))
    alphabet = "".join(set("".join(t for _, t in rows[:2000])))
    sources = [it for it in items if len(match_text(it.text).content) >= 10]
    source_of = {}
    for k in range(copies):
        src = rng.choice(sources)
        cid = len(rows) + k + 1
        moment = src.published_at + timedelta(seconds=rng.randrange(86400))
        items.append(StoryItem(cid, edit(src.text, rng, alphabet), moment))
        source_of[cid] = src.id
    items.sort(key=lambda it: (it.published_at, it.id))
    return items, source_of


def hashtag_eval(configs: dict[str, StoryConfig], with_datasketch: bool) -> None:
    items, source_of = hashtag_items(5000)
    content = {it.id: match_text(it.text).content for it in items}
    all_ids = [it.id for it in items]
    # Truth: equal normalised content (≥ 6 chars) + each copy with its source.
    dsu = DSU()
    by_text: dict[str, int] = {}
    for i in all_ids:
        if len(content[i]) >= 6:
            dsu.union(i, by_text.setdefault(content[i], i))
    for cid, sid in source_of.items():
        dsu.union(cid, sid)
    base_parent = dict(dsu.parent)
    strict = {i: dsu.find(i) for i in all_ids}
    copies = [c for c in source_of]
    print(f"\n## hashtag days: {len(items):,} posts ({len(source_of):,} synthesised copies)")
    runs: dict[str, Callable[[], dict[int, int]]] = {
        name: functools.partial(run_index, items, cfg) for name, cfg in configs.items()
    }
    if with_datasketch:
        runs["datasketch 128p t0.7"] = lambda: datasketch_run(items, False)[2]
    for name, run in runs.items():
        pred = run()
        d = DSU()
        d.parent = dict(base_parent)
        pooled = pooled_truth(d, pred, content, all_ids)
        copy_recall = sum(pred[c] == pred[source_of[c]] for c in copies) / len(copies)
        print(f"{name}: copies joined their source {copy_recall:.3f}")
        print("   strict:", fmt(scores(pred, strict, all_ids)))
        print("   pooled:", fmt(scores(pred, pooled, all_ids)))


# -- part 3: long stream ------------------------------------------------------


def long_stream(days: int, per_day: int) -> None:
    base = speed_corpus(100_000, seed=2)
    rng = random.Random(3)
    alphabet = "".join(set("".join(it.text for it in base[:2000])))
    index = StoryIndex()
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    print(f"\n## long stream: {days} days x {per_day:,} posts/day, window 72 h")
    next_id = 1
    for day in range(days):
        for s in range(0, per_day, BATCH):
            batch = []
            for k in range(BATCH):
                src = base[rng.randrange(len(base))].text
                text = edit(src, rng, alphabet) if rng.random() < 0.5 else src
                moment = t0 + timedelta(days=day, seconds=86400 * (s + k) / per_day)
                batch.append(StoryItem(next_id, text, moment))
                next_id += 1
            index.add_batch(batch)
        print(f"day {day + 1:2d}: indexed {len(index):,} posts, {index.nbytes / 2**20:.1f} MiB")


# -- main ---------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip datasketch and the long stream")
    parser.add_argument(
        "--part", choices=["speed", "ced", "hashtag", "stream", "all"], default="all"
    )
    args = parser.parse_args()
    configs = {
        "ours 64 bins/16 bands t0.7 (default)": StoryConfig(),
        "ours 128 bins/32 bands t0.7": StoryConfig(num_bins=128, bands=32),
        "ours 64 bins/16 bands t0.6": StoryConfig(threshold=0.6),
    }
    if args.part in ("speed", "all"):
        items = speed_corpus(100_000)
        print(f"## speed: {len(items):,} posts, batches of {BATCH:,}")
        for name, cfg in configs.items():
            rates = [time_ours(items, cfg) for _ in range(3)]
            numpy_b, traced_b = memory_ours(items, cfg)
            print(
                f"{name}: posts/s best {max(rates):,.0f} median {statistics.median(rates):,.0f}"
                f" | bytes/indexed post: numpy {numpy_b:,.0f}, tracemalloc {traced_b:,.0f}"
            )
        if not args.quick:
            rate, _, _ = datasketch_run(items, False)
            _, mem, _ = datasketch_run(items[:20_000], True)
            print(
                f"datasketch: posts/s {rate:,.0f} | tracemalloc bytes/indexed post"
                f" {mem:,.0f} (first 20k)"
            )
    if args.part in ("ced", "all"):
        ced_eval(timedelta(hours=72))
        ced_eval(timedelta(days=3650))
    if args.part in ("hashtag", "all"):
        hashtag_eval(configs, with_datasketch=not args.quick)
    if args.part in ("stream", "all") and not args.quick:
        long_stream(days=12, per_day=25_000)


if __name__ == "__main__":
    main()
