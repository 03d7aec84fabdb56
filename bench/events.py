"""Evaluation and speed of the streaming event clustering (``yuqing.analysis.events``).

Run ``.venv/bin/python bench/events.py`` (~1.5 min on the shared 2-core box; ``--part
quality|load``, ``--events N`` background events, ``--exhaustive`` adds exact search under
load, ~10 min more).  Single process, single thread; times are CPU time of ``assign`` +
``commit`` (``time.process_time``), as other jobs share the machine.

Quality: posts of the COVID-19 Weibo hashtag-day files (17-19 Feb 2020) that carry exactly
one distinct hashtag; the hashtag is the true event label and is removed from the text.
Rows carry no time, so each gets a random second of its file's day (seed 0): file order
follows the crawl, hashtag by hashtag, which would hand the clusterer a temporal locality the
real stream does not have.  Posts go in time order, in batches of 5,000, through
``StoryIndex`` (default settings); each new story's head text goes to ``EventIndex``
(rjieba words of 2+ characters, a short stop list, jieba's IDF table); a post gets its
story's event.  Scores are per post: B-cubed precision / recall / F1 / F0.5 and NMI over all
posts, and B-cubed over the posts that keep 10+ words; for the defaults, other settings, a
threshold sweep, trivial baselines and an offline k-means told the number of labels.

Under load: the same stream with 100,000 background events (1-3 posts each of the other
Weibo sets) in memory from the start: speed, memory per event and quality at that size.
Worst case: stories drawn uniformly from the background events' posts, compared with exact
search (every term indexed and probed, no cap).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import rjieba
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yuqing.analysis.dedup import StoryIndex, StoryItem
from yuqing.analysis.dedup.textnorm import strip_decorations, strip_hashtags, strip_truncation
from yuqing.analysis.events import EventConfig, EventIndex, EventState, StoryDoc
from yuqing.analysis.events.vectors import add_scaled, story_vector
from yuqing.analysis.text.keywords import load_idf

DATA = Path(
    os.environ.get("YUQING_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared/data")
)
HASHTAG_FILES = sorted((DATA / "covid19_weibo_hashtag_days").glob("*.csv"))
NCOV = DATA / "ncov_weibo_2020_datafountain/nCov_10k_test.csv"
CED_ORIGINALS = DATA / "ced_weibo_rumor_reposts/original-microblog"
IDF = load_idf()  # jieba's analyse/idf.txt, median for unknown words, as the pipeline uses
BATCH = 5000
BACKGROUND_IDS = 10**8  # ids of background events; the stream's new events count from 1
HASHTAG = re.compile(r"#[^#\n]{1,60}#")
WORDISH = re.compile(r"[\w\u4e00-\u9fff]")
STOP_WORDS = """
我们 你们 他们 她们 它们 自己 大家 一个 一些 这个 那个 这些 那些 这样 那样 什么 怎么 为什么
没有 不是 就是 还是 也是 都是 已经 现在 今天 时候 可以 可能 因为 所以 但是 如果 然后 而且
真的 一下 一直 还有 只是 不能 不会 知道 觉得 希望 一定 看到 出来 起来 这么 那么 这里 那里
一起 之后 以后 之前 以前 其中 其他 所有 目前 通过 进行 表示 成为 需要 收起 全文 展开 视频
微博 转发 网页 链接 查看 图片
"""
STOP = frozenset(STOP_WORDS.split())


# -- data -------------------------------------------------------------------


def read_gb18030_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("gb18030", errors="replace")
    return list(csv.reader(io.StringIO(text)))[1:]


def clean(text: str) -> str:
    """What the pipeline clusters on: hashtags, links, mentions, video cards and
    ``…展开全文`` out."""
    return strip_hashtags(strip_decorations(strip_truncation(text)[0]))


def tokens(text: str) -> list[str]:
    """rjieba words of two or more characters with a letter, digit or CJK character,
    stop words removed (the pipeline's stage does the same with a longer list)."""
    return [
        w
        for w in rjieba.cut(text)
        if len(w) > 1 and w not in STOP and WORDISH.search(w) and not w.isdigit()
    ]


@dataclass(frozen=True, slots=True)
class Post:
    id: int
    time: datetime
    text: str  # hashtag removed
    label: str


def hashtag_posts(seed: int = 0) -> list[Post]:
    """Posts with exactly one distinct hashtag, at a random second of their day, in time order."""
    rng = random.Random(seed)
    posts: list[Post] = []
    for path in HASHTAG_FILES:
        month, day = (int(x) for x in path.stem.split("."))
        day0 = datetime(2020, month, day, tzinfo=UTC)
        for row in read_gb18030_csv(path):
            if len(row) < 2:
                continue
            tags = set(HASHTAG.findall(row[1]))
            if len(tags) != 1:
                continue
            moment = day0 + timedelta(seconds=rng.randrange(86400))
            posts.append(Post(len(posts) + 1, moment, strip_hashtags(row[1]), tags.pop()))
    posts.sort(key=lambda p: (p.time, p.id))
    return posts


@dataclass(frozen=True, slots=True)
class Stream:
    """Dedup output: per batch, the new stories' docs; per post, its story (final head)."""

    batches: list[list[StoryDoc]]
    story_of: dict[int, int]
    seconds: float


def dedup(posts: Sequence[Post]) -> Stream:
    """Run posts through ``StoryIndex`` as the pipeline would; collect new story heads.

    A story merged into another by a later batch keeps the event it got; its posts are
    scored with the surviving story's event (the head the story index reports).
    """
    index = StoryIndex()
    by_id = {p.id: p for p in posts}
    relabel: dict[int, int] = {}
    first_story: dict[int, int] = {}
    seen: set[int] = set()
    batches = []
    start = time.perf_counter()
    for s in range(0, len(posts), BATCH):
        batch = posts[s : s + BATCH]
        result = index.add_batch([StoryItem(p.id, p.text, p.time) for p in batch])
        relabel.update(result.relabelled)
        seen.update(result.relabelled.values())
        docs = []
        for p, head in zip(batch, result.story_ids, strict=True):
            first_story[p.id] = head
            if head not in seen:
                seen.add(head)
                h = by_id[head]
                docs.append(StoryDoc(head, h.time, tokens(clean(h.text))))
        batches.append(docs)
    seconds = time.perf_counter() - start

    def resolve(sid: int) -> int:
        while sid in relabel and relabel[sid] != sid:
            sid = relabel[sid]
        return sid

    return Stream(batches, {i: resolve(s) for i, s in first_story.items()}, seconds)


# -- clustering and scores ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    event_of_story: dict[int, int]
    stories: int
    assign_seconds: float


def cluster(stream: Stream, index: EventIndex, first_id: int = 1) -> Run:
    """Feed the story batches through ``index``; ids come from a counter, as rows would."""
    event_of: dict[int, int] = {}
    next_id = first_id
    spent = 0.0
    n = 0
    for docs in stream.batches:
        start = time.process_time()
        keys = index.assign(docs)
        mapping = {}
        for key in sorted(set(keys), reverse=True):
            if key < 0:
                mapping[key] = next_id
                next_id += 1
        index.commit(mapping)
        spent += time.process_time() - start
        n += len(docs)
        for doc, key in zip(docs, keys, strict=True):
            event_of[doc.story_id] = mapping.get(key, key)
    return Run(event_of, n, spent)


def bcubed(pred: Sequence[object], truth: Sequence[object]) -> tuple[float, float]:
    """B-cubed precision and recall (Amigó et al. 2009), every post weighted equally."""
    cells = Counter(zip(pred, truth, strict=True))
    psize, tsize = Counter(pred), Counter(truth)
    n = len(pred)
    p = sum(c * c / psize[a] for (a, _), c in cells.items()) / n
    r = sum(c * c / tsize[b] for (_, b), c in cells.items()) / n
    return p, r


def f_beta(p: float, r: float, beta: float) -> float:
    return (1 + beta * beta) * p * r / (beta * beta * p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Scorer:
    """Scores a clustering of the posts: all of them, and those with 10+ words left."""

    truth: list[str]
    wordy: list[int]

    def line(self, name: str, pred: Sequence[object], extra: str = "") -> str:
        p, r = bcubed(pred, self.truth)
        nmi = normalized_mutual_info_score(self.truth, pred)
        wp, wr = bcubed([pred[i] for i in self.wordy], [self.truth[i] for i in self.wordy])
        return (
            f"{name:<28} {p:.3f} {r:.3f} {f_beta(p, r, 1):.3f} {f_beta(p, r, 0.5):.3f} "
            f"{nmi:.3f} {len(set(pred)):>6,} | {wp:.3f} {wr:.3f} {f_beta(wp, wr, 0.5):.3f}"
            f" | {extra}"
        )

    @staticmethod
    def header(extra: str) -> str:
        return (
            f"{'':<28} {'B3 P':>5} {'R':>5} {'F1':>5} {'F0.5':>5} {'NMI':>5} {'events':>6} |"
            f" 10+ words: P {'R':>5} {'F0.5':>5} | {extra}"
        )


def kmeans_reference(words: Sequence[Sequence[str]], k: int) -> list[int]:
    """Offline MiniBatchKMeans on sublinear TF-IDF with the true number of labels: it sees
    the whole data set at once and is told how many events there are, which a stream never
    is.  An indication of how far the words alone can separate these labels."""
    matrix = TfidfVectorizer(analyzer=list, sublinear_tf=True, min_df=2).fit_transform(words)
    model = MiniBatchKMeans(k, random_state=0, n_init=3).fit(matrix)
    return [int(c) for c in model.labels_]


def quality(
    posts: Sequence[Post], stream: Stream, configs: dict[str, EventConfig],
    thresholds: Iterable[float],
) -> None:
    words = [tokens(clean(p.text)) for p in posts]
    scorer = Scorer([p.label for p in posts], [i for i, w in enumerate(words) if len(w) >= 10])
    stories = sum(len(b) for b in stream.batches)
    print(
        f"## quality: {len(posts):,} posts with one hashtag, {len(set(scorer.truth)):,} "
        f"labels, {stories:,} stories (dedup {stream.seconds:.1f} s); "
        f"{sum(1 for w in words if w):,} posts keep words once the hashtag is removed, "
        f"{len(scorer.wordy):,} keep 10+"
    )
    print(Scorer.header("stories/s (assign+commit, CPU)"))
    story = [stream.story_of[p.id] for p in posts]
    print(scorer.line("all in one event", [0] * len(posts)))
    print(scorer.line("each post alone", [p.id for p in posts]))
    print(scorer.line("each story alone", story))
    print(scorer.line("offline k-means, k=labels", kmeans_reference(words, len(set(scorer.truth)))))
    runs = dict(configs)
    for t in thresholds:
        runs.setdefault(f"threshold {t:.2f}", replace(configs["default"], threshold=t))
    for name, cfg in runs.items():
        run = cluster(stream, EventIndex(cfg))
        pred = [run.event_of_story[s] for s in story]
        print(scorer.line(name, pred, f"{run.stories / run.assign_seconds:,.0f}"))


# -- under load ----------------------------------------------------------------


def background_texts() -> list[str]:
    """Distinct cleaned texts (3+ words) of the other Weibo sets: DataFountain nCoV 10k,
    Lyu 2020, SMP2020-EWECT, weibo_senti_100k splits, CED originals.  None of them is in the
    hashtag-day files, so events made from them are noise the labelled stream must get past."""
    texts = [r[3] for r in read_gb18030_csv(NCOV) if len(r) > 3]
    lyu = DATA / "covid19_weibo_emotion_lyu2020/labeledData.csv"
    with lyu.open(encoding="utf-8-sig", newline="") as f:
        texts += [r[0] for r in list(csv.reader(f))[1:] if r]
    for name in ("virus_train.txt", "virus_eval_labeled.txt", "usual_eval_labeled.txt"):
        texts += [r["content"] for r in json.loads((DATA / "smp2020_ewect" / name).read_text())]
    senti = DATA / "weibo_senti_100k"
    for path in [*senti.glob("*_split/*.tsv"), *senti.glob("*_split/*.csv")]:
        texts += [ln.split("\t", 1)[-1] for ln in path.read_text().splitlines()[1:]]
    for path in senti.glob("*_split/*.txt"):
        texts += [ln.rsplit("\t", 1)[0] for ln in path.read_text().splitlines()]
    texts += [json.loads(p.read_text())["text"] for p in sorted(CED_ORIGINALS.glob("*.json"))]
    return [c for c in dict.fromkeys(map(clean, texts)) if len(tokens(c)) >= 3]


def background_states(
    config: EventConfig, words: Sequence[list[str]], count: int, seed: int = 0
) -> list[EventState]:
    """``count`` events made of 1-3 background posts each, active over the stream's days."""
    rng = random.Random(seed)
    start = datetime(2020, 2, 16, tzinfo=UTC)
    states = []
    for i in range(count):
        centroid: dict[str, float] = {}
        for _ in range(rng.randint(1, 3)):
            vec = story_vector(rng.choice(words), config.idf, config.default_idf, 64)
            centroid = add_scaled(centroid, vec, 1.0, config.centroid_terms)
        last = start + timedelta(seconds=rng.uniform(0, 4 * 86400))
        first = last - timedelta(seconds=rng.uniform(0, 86400))
        states.append(EventState(BACKGROUND_IDS + i, centroid, first, last, 1, 1.0))
    return states


def exhaustive(config: EventConfig) -> EventConfig:
    """Every term indexed and probed, no cap, every candidate verified: exact search."""
    return replace(
        config, posting_cap=10**9, probe_terms=config.story_terms,
        index_terms=config.centroid_terms, verify=10**9,
    )


def loaded(config: EventConfig, states: Sequence[EventState]) -> tuple[EventIndex, float]:
    """An index holding ``states``, and the bytes it took per event (tracemalloc)."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    index = EventIndex(config, states)
    per_event = (tracemalloc.get_traced_memory()[0] - base) / len(index)
    tracemalloc.stop()
    return index, per_event


def under_load(
    posts: Sequence[Post], stream: Stream, configs: dict[str, EventConfig],
    states: Sequence[EventState],
) -> None:
    """The hashtag stream again, with the background events in memory from the start."""
    words = [tokens(clean(p.text)) for p in posts]
    scorer = Scorer([p.label for p in posts], [i for i, w in enumerate(words) if len(w) >= 10])
    story = [stream.story_of[p.id] for p in posts]
    print(f"\n## under load: the same stream, {len(states):,} background events loaded first")
    print(Scorer.header("µs/story (CPU) best/median of 3 | events in memory | bytes/event"))
    for name, cfg in configs.items():
        _, per_event = loaded(cfg, states)
        costs = []
        for _ in range(3):
            index = EventIndex(cfg, states)
            before = len(index)
            run = cluster(stream, index)
            costs.append(run.assign_seconds / run.stories * 1e6)
        pred = [run.event_of_story[s] for s in story]
        print(scorer.line(
            name, pred,
            f"{min(costs):.1f}/{statistics.median(costs):.1f} | {before:,} → {len(index):,}"
            f" | {per_event:,.0f}",
        ))


def worst_case(
    config: EventConfig, texts: Sequence[str], states: Sequence[EventState], queries: int
) -> None:
    """Stories drawn uniformly from the background posts (20% of words dropped): every
    event is as likely to be joined as any other, which is the worst case for the posting
    lists' recency cap.  Decisions are compared with exact search on the same state."""
    rng = random.Random(1)
    moment = datetime(2020, 2, 18, tzinfo=UTC)
    picks = [rng.choice(texts) for _ in range(queries)]
    keep = [[rng.random() >= 0.2 for _ in range(400)] for _ in range(queries)]
    results = {}
    for name, cfg in (("default", config), ("exhaustive", exhaustive(config))):
        index = EventIndex(cfg, states)
        docs = [
            StoryDoc(10**9 + k, moment + timedelta(seconds=k),
                     [w for w, kept in zip(tokens(text), keep[k], strict=False) if kept])
            for k, text in enumerate(picks)
        ]
        start = time.process_time()
        keys = index.assign(docs)
        results[name] = (keys, (time.process_time() - start) / queries * 1e6)
    (keys, cost), (exact, exact_cost) = results["default"], results["exhaustive"]
    joined = sum(k > 0 for k in keys)
    same = sum(k == e or (k < 0 and e < 0) for k, e in zip(keys, exact, strict=True))
    print(
        f"\n## worst case: {queries:,} stories drawn uniformly from {len(states):,} events' "
        f"posts\ndefault: {cost:.1f} µs/story (CPU), {joined / queries:.1%} joined an event; "
        f"exact search: {exact_cost:,.0f} µs/story, {sum(e > 0 for e in exact) / queries:.1%} "
        f"joined; same decision as exact search for {same / queries:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=["quality", "load", "all"], default="all")
    parser.add_argument("--events", type=int, default=100_000, help="background events")
    parser.add_argument("--exhaustive", action="store_true",
                        help="also run exact search under load (slow: ~10 min)")
    args = parser.parse_args()
    default = EventConfig(idf=dict(IDF), default_idf=IDF.default)
    posts = hashtag_posts()
    stream = dedup(posts)
    if args.part in ("quality", "all"):
        configs = {
            "default": default,
            "K=16 centroid terms": replace(default, centroid_terms=16),
            "K=64 centroid terms": replace(default, centroid_terms=64),
            "posting cap 48": replace(default, posting_cap=48),
            "verify every candidate": replace(default, verify=10**9),
            "no idf (tf only)": replace(default, idf={}, default_idf=1.0),
        }
        quality(posts, stream, configs, [0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6])
    if args.part in ("load", "all"):
        texts = background_texts()
        states = background_states(default, [tokens(t) for t in texts], args.events)
        configs = {"default": default, "posting cap 48": replace(default, posting_cap=48)}
        if args.exhaustive:
            configs["exhaustive"] = exhaustive(default)
        under_load(posts, stream, configs, states)
        worst_case(default, texts, states, 300)


if __name__ == "__main__":
    main()
