"""Benchmark of rumour matching (``yuqing.rumours``) on real debunks and real COVID posts.

Seeds a debunk base from ``covid_debunks_2020`` (丁香医生 134, 腾讯较真 481, 联合辟谣平台 1,000
entries) through the real importer into a fresh SQLite database, builds the matcher as each
process does (rarity weights from a sample of 20,000 of the posts, standing in for a
deployment's recent items), and runs the posts of ``../shared/data`` through it in batches of
2,000, as the analysis hook does:

* ``ncov``: the DataFountain nCoV set (10,000 posts, Jan–Feb 2020);
* ``days``: the hashtag days 17–19 Feb 2020 (37,744 posts);
* ``ced-rumour`` / ``ced-true``: CED source posts (2010–2014) the Weibo misinformation
  platform judged rumours (1,538) or not (1,849) — about other subjects than the base, so they
  show how often unrelated posts match at all;
* ``ced-reposts``: the non-empty reposts and comments of the CED subset kept (~196,000);
* ``news-true``: the epidemic news items of the same folder (头条 863, 腾讯 42): true reports,
  many about the same subjects as the base.

Printed: the base and the index; per set, posts, posts matched (rumour entries — false or
misleading — and all entries) per 1,000 posts, refuting posts, and throughput (posts/s, µs per
post) of the hook's work without the database (n-grams, sparse product, passages); for the
true sets, the matches found.

Precision is checked by hand: ``--sample FILE`` writes the pairs to judge — a seeded random
sample of 100 matched pairs (distinct post texts) at similarity ≥ 0.5 (``--sample-threshold``,
below the default 0.7, to show what a lower setting would add), and every pair at the default
threshold; ``bench/rumours_sample_judgements.tsv`` holds the judgements (post id, entry,
``yes``/``no``, reason), and the precision they give is printed. ``--pipeline N`` also runs N
posts through the real ingest and analysis pipeline and reports the rumour hook's share of
the analysis time.

    .venv/bin/python bench/rumours.py [--sample /tmp/sample.tsv] [--pipeline 20000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("YUQING_SHARED_DATA", REPO.parent / "shared" / "data"))
JUDGEMENTS = REPO / "bench" / "rumours_sample_judgements.tsv"
BATCH = 2000
BACKGROUND = 20_000
SAMPLE = 100
DEBUNKS = ("dxy_rumours.json", "jiaozhen_factchecks.json", "piyao_joint_platform_titles.json")


@dataclass(frozen=True)
class Post:
    id: str
    text: str
    day: int | None


def _setup(data_dir: Path) -> None:
    os.environ["YUQING_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("YUQING_SQLITE_PATH", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "yuqing.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# -- posts --------------------------------------------------------------------------------


def _gb18030_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("gb18030", errors="replace")
    return list(csv.DictReader(io.StringIO(text)))


def _day(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()


def ncov() -> list[Post]:
    posts = []
    for row in _gb18030_rows(DATA / "ncov_weibo_2020_datafountain/nCov_10k_test.csv"):
        when = row["微博发布时间"]
        day = _day(2020, int(when[0:2]), int(when[3:5])) if when[2:3] == "月" else None
        posts.append(Post("ncov:" + row["微博id"].strip(), row["微博中文内容"] or "", day))
    return posts


def days() -> list[Post]:
    posts = []
    for name in ("2.17", "2.18", "2.19"):
        rows = _gb18030_rows(DATA / "covid19_weibo_hashtag_days" / f"{name}.csv")
        day = _day(2020, 2, int(name[2:]))
        posts += [Post(f"day{name}:{i + 2}", row["text"] or "", day)
                  for i, row in enumerate(rows)]
    return posts


def smp_virus() -> list[Post]:
    posts = []
    for name in ("virus_train.txt", "virus_eval_labeled.txt"):
        rows = json.loads((DATA / "smp2020_ewect" / name).read_text(encoding="utf-8"))
        posts += [Post(f"smp-{name.split('_')[1]}:{r['id']}", r["content"] or "", None)
                  for r in rows]
    return posts


def lyu() -> list[Post]:
    path = DATA / "covid19_weibo_emotion_lyu2020/labeledData.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen: set[str] = set()
    posts = []
    for i, row in enumerate(rows):
        text = row["review"] or ""
        if text not in seen:  # the file repeats most rows
            seen.add(text)
            posts.append(Post(f"lyu:{i + 2}", text, None))
    return posts


def _unix_day(value: object) -> int | None:
    try:
        return datetime.fromtimestamp(int(value), UTC).date().toordinal()  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def ced() -> tuple[list[Post], list[Post], list[Post]]:
    folder = DATA / "ced_weibo_rumor_reposts"
    rumour: list[Post] = []
    true: list[Post] = []
    for path in sorted((folder / "original-microblog").glob("*.json")):
        post = json.loads(path.read_text(encoding="utf-8"))
        item = Post(f"ced:{path.stem}", post.get("text") or "", _unix_day(post.get("time")))
        (rumour if int(path.name.split("_")[0]) <= 2600 else true).append(item)
    reposts = []
    for sub in ("rumor-repost", "non-rumor-repost"):
        for path in sorted((folder / sub).glob("*.json")):
            for r in json.loads(path.read_text(encoding="utf-8")):
                if r.get("text"):
                    when = str(r.get("date") or "")
                    day = (date.fromisoformat(when[:10]).toordinal()
                           if len(when) >= 10 and when[4] == "-" else None)
                    reposts.append(Post(f"ced-repost:{path.stem}:{r['mid']}", r["text"], day))
    return rumour, true, reposts


def news() -> list[Post]:
    folder = DATA / "covid_debunks_2020"
    posts = []
    for i, row in enumerate(json.loads((folder / "toutiao_epidemic_news.json").read_text())):
        text = "\n".join(str(row.get(k) or "") for k in ("title", "summary")).strip()
        posts.append(Post(f"toutiao:{i}", text, _iso_day(row.get("date"))))
    for i, row in enumerate(json.loads((folder / "tencent_epidemic_news.json").read_text())):
        posts.append(Post(f"tencent:{i}", str(row.get("title") or ""),
                          _iso_day(row.get("publish_time"))))
    return posts


def _iso_day(value: object) -> int | None:
    text = str(value or "")
    try:
        return date.fromisoformat(text[:10]).toordinal()
    except ValueError:
        return None


# -- matching -----------------------------------------------------------------------------


@dataclass
class Found:
    post: Post
    debunk: int
    score: float
    refutes: bool


def seed() -> float:
    from yuqing.audit.context import acting
    from yuqing.rumours.importing.run import import_file

    started = time.perf_counter()
    with acting("cli"):
        for name in DEBUNKS:
            path = DATA / "covid_debunks_2020" / name
            outcome = import_file(path.read_bytes(), description=name)
            print(f"  {name}: {outcome.created} entries, {len(outcome.errors)} bad rows")
    return time.perf_counter() - started


@dataclass
class Built:
    #: The matcher with the configured settings, and one with a lower threshold (to sample
    #: below it); the loose one's matches at or above the threshold are the default's.
    config: Any
    loose: Any


def build(background_texts: Sequence[str], sample_threshold: float) -> Built:
    from yuqing.rumours import conf, engine
    from yuqing.rumours.matching.background import Background
    from yuqing.rumours.matching.index import Index

    started = time.perf_counter()
    counts = Background.from_texts(background_texts)
    weights = time.perf_counter() - started
    config = conf.current().matcher
    started = time.perf_counter()
    index = Index(engine.wordings(), counts,
                  replace(config, threshold=min(sample_threshold, config.threshold)))
    print(f"  rarity weights from {len(background_texts):,} posts: {weights:.2f} s; "
          f"index of {len(index):,} wordings, {len(index.vocabulary):,} n-grams: "
          f"{time.perf_counter() - started:.2f} s")
    return Built(config, index)


def run(index: Any, posts: Sequence[Post], prepare: Callable[[str], str]) -> tuple[
        list[Found], float]:
    """Match in batches as the hook does; returns the matches and CPU seconds."""
    from yuqing.rumours.matching.passages import find_passages
    from yuqing.rumours.matching.wording import refutes

    texts = [prepare(p.text) for p in posts]  # the pipeline's normalise stage, not timed
    found: list[Found] = []
    started = time.process_time()
    for start in range(0, len(posts), BATCH):
        chunk = posts[start:start + BATCH]
        matched = index.match(texts[start:start + BATCH],
                              [p.day if p.day is not None else 10**6 for p in chunk])
        for post, candidates in zip(chunk, matched, strict=True):
            for c in candidates:
                find_passages(post.text, c.wording.text)
                found.append(Found(post, c.debunk, c.score, refutes(post.text)))
    return found, time.process_time() - started


def report(label: str, posts: Sequence[Post], found: list[Found], seconds: float,
           rumour_ids: set[int]) -> None:
    matched = {f.post.id for f in found}
    rumours = {f.post.id for f in found if f.debunk in rumour_ids}
    refuting = {f.post.id for f in found if f.debunk in rumour_ids and f.refutes}
    per = 1000 / max(len(posts), 1)
    print(f"  {label:<12} {len(posts):>8,} posts  matched {len(matched):>5,} "
          f"({len(matched) * per:5.2f}‰)  rumour entries {len(rumours):>5,} "
          f"({len(rumours) * per:5.2f}‰, refuting {len(refuting):,})  "
          f"{len(posts) / max(seconds, 1e-9):>9,.0f} posts/s "
          f"({1e6 * seconds / max(len(posts), 1):.0f} µs/post)")


def distinct(found: list[Found]) -> list[Found]:
    """One pair per distinct post text and entry (the data repeat many posts verbatim)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for f in sorted(found, key=lambda f: (f.post.id, f.debunk)):
        key = ("".join(f.post.text.split()), f.debunk)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _key(entry: Any) -> str:
    return f"{entry.origin}:{entry.external_id}"


def write_sample(path: Path, pairs: list[Found], entries: dict[int, Any]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t")
        writer.writerow(["post_id", "debunk", "score", "verdict", "claim", "post"])
        for f in sorted(pairs, key=lambda f: -f.score):
            entry = entries[f.debunk]
            writer.writerow([f.post.id, _key(entry), f"{f.score:.3f}", entry.verdict,
                             entry.claim, " ".join(f.post.text.split())])
    print(f"  {len(pairs)} pairs to judge written to {path}")


def _precision(label: str, pairs: list[Found], verdicts: dict[tuple[str, str], str],
               entries: dict[int, Any]) -> None:
    keys = [(f.post.id, _key(entries[f.debunk])) for f in pairs]
    yes = sum(verdicts[k] == "yes" for k in keys)
    rumour = [k for k, f in zip(keys, pairs, strict=True) if entries[f.debunk].is_rumour]
    rumour_yes = sum(verdicts[k] == "yes" for k in rumour)
    print(f"  {label}: {yes}/{len(keys)} = {yes / max(len(keys), 1):.0%} "
          f"(with false or misleading entries: {rumour_yes}/{len(rumour)})")


def judged_precision(picked: list[Found], census: list[Found], entries: dict[int, Any],
                     default: float, loose: float) -> None:
    if not JUDGEMENTS.exists():
        print("  no hand judgements (bench/rumours_sample_judgements.tsv)")
        return
    with JUDGEMENTS.open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t") if r and r[0] != "post_id"]
    verdicts = {(r[0], r[1]): r[2] for r in rows}
    wanted = {(f.post.id, _key(entries[f.debunk])) for f in picked + census}
    if not wanted <= set(verdicts):
        print(f"  the judgements ({len(verdicts)} pairs) do not cover this run's "
              f"{len(wanted)} pairs; re-run with --sample and judge them")
        return
    print("Hand-checked precision (does the post repeat or clearly discuss the claim?):")
    _precision(f"random sample of {len(picked)} matches at similarity ≥ {loose:.2f}", picked,
               verdicts, entries)
    _precision(f"  of which ≥ {default:.2f}", [f for f in picked if f.score >= default],
               verdicts, entries)
    _precision(f"  of which < {default:.2f}", [f for f in picked if f.score < default],
               verdicts, entries)
    _precision(f"every match at the default threshold ({default:.2f})", census, verdicts,
               entries)


# -- the hook inside the real pipeline -------------------------------------------------------


def pipeline(posts: Sequence[Post], count: int) -> None:
    from yuqing.analysis import hooks, runner
    from yuqing.collect.ingest import pipeline as ingest
    from yuqing.collect.ingest.record import ItemRecord
    from yuqing.collect.models import CredibilityTier, Source
    from yuqing.orgs.actions import ensure_unit
    from yuqing.rumours import hook
    from yuqing.rumours.models import RumourMatch

    unit = ensure_unit("bench", "基准测试单位")
    source = Source.objects.create(name="bench", platform="weibo", kind="import", unit=unit,
                                   tier=CredibilityTier.objects.order_by("rank").last())
    calls: list[tuple[int, float]] = []

    def timed(batch: Any) -> None:
        started = time.perf_counter()
        hook.match_batch(batch)
        calls.append((len(batch.records), time.perf_counter() - started))

    position = hooks._after_analysis.index(hook.match_batch)
    hooks._after_analysis[position] = timed
    chosen = [p for p in posts if p.text.strip()][:count]
    base = datetime(2020, 2, 1, tzinfo=UTC)
    for start in range(0, len(chosen), BATCH):
        records = [ItemRecord(platform="weibo", external_id=p.id, text=p.text,
                              published_at=(datetime.fromordinal(p.day).replace(tzinfo=UTC)
                                            if p.day else base))
                   for p in chosen[start:start + BATCH]]
        ingest.run(ingest.Batch(source=source, records=records),
                   [*ingest.PREPARE, *ingest.WRITE])
    started = time.perf_counter()
    summary = runner.analyse_pending()
    total = time.perf_counter() - started
    hooks._after_analysis[position] = hook.match_batch
    spent = sum(seconds for _n, seconds in calls)
    warm = calls[1:]  # the first batch also builds the index (weights from 20,000 items)
    warm_items, warm_seconds = sum(n for n, _s in warm), sum(s for _n, s in warm)
    print(f"  {summary.analysed:,} items analysed in {total:.1f} s "
          f"({summary.analysed / total:,.0f} items/s); rumour hook {spent:.2f} s in all "
          f"({100 * spent / total:.1f} % of the analysis), of which {calls[0][1]:.2f} s in "
          f"the first batch (building the index); later batches "
          f"{warm_items / max(warm_seconds, 1e-9):,.0f} items/s "
          f"({1000 * warm_seconds / max(len(warm), 1):.0f} ms per batch of {BATCH:,}); "
          f"{RumourMatch.objects.count():,} matches stored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=Path, help="write the pairs to judge here")
    parser.add_argument("--sample-threshold", type=float, default=0.5,
                        help="similarity from which matches are sampled (default 0.5)")
    parser.add_argument("--pipeline", type=int, default=0,
                        help="also run this many posts through the analysis pipeline")
    parser.add_argument("--show", type=int, default=20, help="true-set matches printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp))
        from yuqing.analysis.text.normalise import normalise
        from yuqing.rumours.models import Debunk

        print("Debunk base:")
        print(f"  imported in {seed():.1f} s")
        entries = Debunk.objects.in_bulk()
        verdicts = Counter(e.verdict for e in entries.values())
        print("  verdicts: " + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()))
        rumour_ids = {pk for pk, e in entries.items() if e.is_rumour}
        ced_rumour, ced_true, reposts = ced()
        sets = {"ncov": ncov(), "days": days(), "smp-virus": smp_virus(), "lyu": lyu(),
                "ced-rumour": ced_rumour, "ced-true": ced_true, "ced-reposts": reposts,
                "news-true": news()}
        stream = sets["ncov"] + sets["days"]
        background = [p.text for p in random.Random(1).sample(stream, BACKGROUND)]
        index = build(background, args.sample_threshold)
        default = index.config.threshold

        def prepare(text: str) -> str:
            return normalise(text).text

        print(f"Matching (threshold {default}, evidence {index.config.min_evidence}, "
              f"lead days {index.config.lead_days}; timed at {args.sample_threshold}):")
        loose: dict[str, list[Found]] = {}
        total_posts, total_seconds = 0, 0.0
        for label, posts in sets.items():
            found, seconds = run(index.loose, posts, prepare)
            loose[label] = found
            total_posts += len(posts)
            total_seconds += seconds
            report(label, posts, [f for f in found if f.score >= default], seconds,
                   rumour_ids)
        print(f"  all sets: {total_posts:,} posts, {total_posts / total_seconds:,.0f} posts/s")
        for label in ("ced-true", "news-true"):
            hits = [f for f in loose[label] if f.debunk in rumour_ids and f.score >= default]
            print(f"True posts ({label}) matched with false or misleading entries: {len(hits)}")
            for f in hits[:args.show]:
                print(f"  {f.score:.2f} {'refutes ' if f.refutes else ''}"
                      f"[{entries[f.debunk].verdict}] {entries[f.debunk].claim} || "
                      f"{' '.join(f.post.text.split())[:90]}")
        pool = distinct([f for label in ("ncov", "days", "smp-virus", "lyu", "ced-reposts")
                         for f in loose[label]])
        census = [f for f in pool if f.score >= default]
        picked = random.Random(2020).sample(pool, min(SAMPLE, len(pool)))
        print(f"COVID-post matches: {len(pool)} distinct pairs at similarity ≥ "
              f"{args.sample_threshold}, {len(census)} at ≥ {default}")
        if args.sample:
            write_sample(args.sample, list({id(f): f for f in picked + census}.values()),
                         entries)
        judged_precision(picked, census, entries, default, args.sample_threshold)
        if args.pipeline:
            print("Rumour hook in the analysis pipeline:")
            pipeline(stream, args.pipeline)


if __name__ == "__main__":
    main()
