"""Benchmark of the Chinese text stages and region recognition (``yuqing.analysis.text``,
``yuqing.analysis.region``).

Run ``.venv/bin/python bench/text.py`` (``--limit N`` posts, default 20,000; ``--repeat R``
timed runs, best kept; ``--show-regions N`` prints N random posts with the region found, to
check precision by eye).  Single process, single thread.

Corpus: real Weibo posts — the DataFountain nCoV test file (GB18030), the weibo_senti_100k
paddlehub test split and the two SMP2020-EWECT eval files — read from ``../shared/data``
(``YUQING_SHARED_DATA`` overrides), cycled up to ``--limit``.

Printed per stage: items/s, characters/s and µs per item; each stage is timed on the previous
stage's output, as the pipeline runs them: normalise → segment (``content``) → TF-IDF →
region (``text`` + a source hint).  Also: normalise with traditional → simplified, TextRank on
groups of 200 posts, the per-post total, one-time set-up costs, and precision/recall of region
recognition on ``tests/fixtures/region_sentences.tsv``.

Tone and emotion (both classifiers on batches of 2,000 ``text`` forms, as the pipeline's tone
stage calls them): the shipped lexicon, and with ``--models DIR`` (a ``models`` folder written
by ``yuqing model train``) the newest trained models, by array look-ups
(:mod:`yuqing.analysis.tone.lookup`) and by the vectorisers' own ``transform``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import joblib

from yuqing.analysis.region import RegionMatch, RegionMatcher, load_divisions
from yuqing.analysis.text import Segmenter, load_idf, normalise_many, textrank, tfidf
from yuqing.analysis.tone.lexicon import LexiconEmotionModel, LexiconToneModel, read
from yuqing.analysis.tone.model import LinearModel, TextClassifier

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("YUQING_SHARED_DATA", ROOT.parent / "shared/data"))
FIXTURE = ROOT / "tests/fixtures/region_sentences.tsv"
HINTS = ["广东省深圳市", "湖北省武汉市", "", "北京市", "", "四川省成都市武侯区"]
T = TypeVar("T")


# -- data ---------------------------------------------------------------------------------


def ncov() -> list[str]:
    raw = (DATA / "ncov_weibo_2020_datafountain/nCov_10k_test.csv").read_bytes()
    rows = csv.reader(io.StringIO(raw.decode("gb18030", errors="replace")))
    next(rows)
    return [r[3] for r in rows if len(r) > 3 and r[3].strip()]


def senti() -> list[str]:
    path = DATA / "weibo_senti_100k/paddlehub_split/test.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def smp() -> list[str]:
    texts = []
    for name in ("virus_eval_labeled.txt", "usual_eval_labeled.txt"):
        data = json.loads((DATA / "smp2020_ewect" / name).read_text(encoding="utf-8"))
        texts += [d["content"] for d in data]
    return texts


def corpus(limit: int) -> list[str]:
    texts = ncov() + senti() + smp()
    random.Random(7).shuffle(texts)
    return [texts[i % len(texts)] for i in range(limit)]


# -- timing -------------------------------------------------------------------------------


def timed(fn: Callable[[], T], repeat: int) -> tuple[T, float]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return result, best


def report(stage: str, items: int, chars: int, seconds: float) -> float:
    per = seconds / items * 1e6
    print(f"{stage:<28} {items / seconds:>11,.0f} items/s {chars / seconds:>13,.0f} chars/s "
          f"{per:>8.1f} µs/item")
    return per


# -- region quality -----------------------------------------------------------------------


def region_fixture() -> list[tuple[str, str, tuple[str, str, str]]]:
    rows = []
    with FIXTURE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rows.append((row["text"], row["hint"],
                         (row["province"], row["city"], row["district"])))
    return rows


def region_quality(matcher: RegionMatcher) -> None:
    """Field-level precision and recall over province, city and district."""
    rows = region_fixture()
    tp = fp = fn = exact = 0
    per_level = {name: [0, 0, 0] for name in ("province", "city", "district")}
    for text, hint, expected in rows:
        match = matcher.recognise(text, hint=hint)
        got = (match.province, match.city or "", match.district or "") if match else ("", "", "")
        exact += got == expected
        for name, g, e in zip(per_level, got, expected, strict=True):
            counts = per_level[name]
            if g and g == e:
                counts[0] += 1
            elif g:
                counts[1] += 1
            if e and g != e:
                counts[2] += 1
    print(f"\nregion fixture ({len(rows)} sentences, {FIXTURE.relative_to(ROOT)}):")
    for name, (t, p, n) in per_level.items():
        tp, fp, fn = tp + t, fp + p, fn + n
        print(f"  {name:<9} precision {t / max(t + p, 1):.3f}  recall {t / max(t + n, 1):.3f}"
              f"  (tp {t}, fp {p}, fn {n})")
    print(f"  all       precision {tp / max(tp + fp, 1):.3f}  recall {tp / max(tp + fn, 1):.3f}"
          f"  exact rows {exact}/{len(rows)}")


def show_regions(texts: Sequence[str], matches: Sequence[RegionMatch | None], n: int) -> None:
    found = [(t, m) for t, m in zip(texts, matches, strict=True) if m and not m.from_hint]
    print(f"\n{len(found):,} of {len(texts):,} posts name a place; {n} of them at random:")
    for text, match in random.Random(1).sample(found, min(n, len(found))):
        print(f"  {match.name:<16} {'/'.join(match.evidence):<14} {text[:70]!r}")


# -- main ---------------------------------------------------------------------------------


def _classify(models: Sequence[TextClassifier], texts: Sequence[str]) -> int:
    """Labels given (batches of 2,000, every model on a batch before the next batch)."""
    done = 0
    for start in range(0, len(texts), 2000):
        for model in models:
            done += len(model.predict(texts[start:start + 2000]))
    return done


def tone_and_emotion(texts: Sequence[str], folder: Path | None, repeat: int) -> None:
    """Both classifiers per post: the lexicon, and trained models if ``folder`` is given."""
    chars = sum(map(len, texts))
    lexicon: list[TextClassifier] = [LexiconToneModel(), LexiconEmotionModel()]

    def lexicon_run() -> int:
        read.cache_clear()  # its memo would otherwise serve the repeats
        return _classify(lexicon, texts)

    _, t = timed(lexicon_run, repeat)
    report("tone + emotion (lexicon)", len(texts), chars, t)
    if folder is None:
        return
    trained: list[LinearModel] = [joblib.load(max((folder / task).iterdir()) / "model.joblib")
                                  for task in ("tone", "emotion")]
    _classify(trained, texts[:10])  # builds the look-ups once, as a worker does
    _, t = timed(lambda: _classify(trained, texts), repeat)
    report("tone + emotion (trained)", len(texts), chars, t)
    for model in trained:
        model.features._lookups = (None, None)
    _, t = timed(lambda: _classify(trained, texts), repeat)
    report("  vectorisers' transform", len(texts), chars, t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show-regions", type=int, default=0)
    parser.add_argument("--models", type=Path, help="a models folder of trained tone/emotion "
                        "models to time as well")
    args = parser.parse_args()

    texts = corpus(args.limit)
    chars = sum(map(len, texts))
    hints = [HINTS[i % len(HINTS)] for i in range(len(texts))]
    print(f"{len(texts):,} posts, {chars:,} characters ({chars / len(texts):.0f} per post), "
          f"best of {args.repeat}\n")

    start = time.perf_counter()
    normalise_many(["预热"], to_simplified=True)
    setup = {"normalise tables": time.perf_counter() - start}
    start = time.perf_counter()
    segmenter = Segmenter(["龙华区民政局"])
    setup["rjieba dictionary"] = time.perf_counter() - start
    start = time.perf_counter()
    idf = load_idf()
    setup["IDF table"] = time.perf_counter() - start
    start = time.perf_counter()
    matcher = RegionMatcher(load_divisions())
    setup["divisions + matcher"] = time.perf_counter() - start

    norms, t = timed(lambda: normalise_many(texts), args.repeat)
    total = report("normalise", len(texts), chars, t)
    _, t = timed(lambda: normalise_many(texts, to_simplified=True), args.repeat)
    report("normalise (t2s)", len(texts), chars, t)
    contents = [n.content for n in norms]
    tokens, t = timed(lambda: segmenter.cut_many(contents), args.repeat)
    total += report("segment", len(texts), sum(map(len, contents)), t)
    _, t = timed(lambda: [tfidf(ts, 8, idf=idf) for ts in tokens], args.repeat)
    total += report("keywords (tf-idf, k=8)", len(texts), sum(map(len, contents)), t)
    normed = [n.text for n in norms]
    matches, t = timed(lambda: matcher.recognise_many(normed, hints), args.repeat)
    total += report("region (with hints)", len(texts), sum(map(len, normed)), t)
    tone_and_emotion(normed, args.models, args.repeat)
    groups = [tokens[i:i + 200] for i in range(0, len(tokens), 200)]
    _, t = timed(lambda: [textrank(g, 10) for g in groups], args.repeat)
    print(f"{'textrank (groups of 200)':<28} {len(groups) / t:>11,.0f} groups/s "
          f"{len(texts) / t:>11,.0f} posts/s")
    print(f"\nnormalise + segment + keywords + region: {total:.1f} µs per post "
          f"({1e6 / total:,.0f} posts/s on one core)")
    print("set-up, once per process: " + ", ".join(f"{k} {v * 1000:.0f} ms"
                                                     for k, v in setup.items()))
    with_place = sum(1 for m in matches if m and not m.from_hint)
    print(f"posts naming a place: {with_place:,} of {len(texts):,}")
    region_quality(matcher)
    if args.show_regions:
        show_regions(normed, matches, args.show_regions)


if __name__ == "__main__":
    main()
