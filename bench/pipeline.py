"""End-to-end benchmark: import (parse, ingest, store) and analysis of real Weibo text.

Texts are the real posts of ``covid19_weibo_hashtag_days`` (37,744) and the DataFountain nCoV
set (10,000), read from ``../shared/data``. A stream of N items is made from them so that it
looks like a live feed rather than one file repeated:

* 60 % of items are a real post as it was;
* 25 % are new texts: the first half of one real post joined to the second half of another
  (real vocabulary and length, but a text that did not exist);
* 15 % are reposts of an item of the last few hundred (``转发理由//@某人:原文``).

Items arrive at a constant 2,000 per hour of publication time, so 100k items span ~50 hours
and 1M ~500 hours: the story and event indexes' rolling windows then hold the same amount
whatever N is, which is what a linear-cost check needs. Everything runs in one process on a
fresh SQLite database in a temporary data directory; memory is the peak RSS of the process.
Tone and emotion come from the shipped lexicon unless ``--models`` names a ``models`` folder
of trained ones (``$YUQING_DATA_DIR/models`` after ``yuqing model train``).

    .venv/bin/python bench/pipeline.py [--items 100000 1000000] [--data DIR] [--models DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingest import peak_mb, setup  # the same set-up as the ingest benchmark

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
PER_HOUR = 2000
MAPPING = {name: name for name in ("external_id", "platform", "text", "published_at", "reposts",
                                   "likes", "comments", "parent_external_id")}


def _read_texts(data: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted((data / "covid19_weibo_hashtag_days").glob("*.csv")):
        rows = csv.reader(io.StringIO(path.read_bytes().decode("gb18030", errors="replace")))
        texts.extend(r[1] for r in list(rows)[1:] if len(r) > 1 and r[1].strip())
    ncov = data / "ncov_weibo_2020_datafountain" / "nCov_10k_test.csv"
    rows = csv.reader(io.StringIO(ncov.read_bytes().decode("gb18030", errors="replace")))
    texts.extend(r[3] for r in list(rows)[1:] if len(r) > 3 and r[3].strip())
    return texts


def write_stream(texts: list[str], count: int, path: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2020, 2, 1, tzinfo=UTC)
    recent: list[tuple[int, str]] = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            roll = rng.random()
            parent = ""
            if roll < 0.15 and recent:
                parent_id, original = rng.choice(recent)
                comment = rng.choice(["转发微博", "关注", "希望早日解决", ""])
                text = f"{comment}//@网友{rng.randrange(999)}:{original}"
                parent = str(parent_id)
            elif roll < 0.40:
                a, b = rng.choice(texts), rng.choice(texts)
                text = a[: len(a) // 2] + b[len(b) // 2:]
            else:
                text = rng.choice(texts)
            when = start + timedelta(seconds=i * 3600 / PER_HOUR)
            row = {"external_id": str(i), "platform": "weibo", "text": text,
                   "published_at": when.isoformat(), "reposts": rng.randrange(50),
                   "likes": rng.randrange(200), "comments": rng.randrange(30),
                   "parent_external_id": parent}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            recent.append((i, text))
            if len(recent) > 500:
                recent.pop(0)


def run_once(texts: list[str], count: int) -> dict[str, float]:
    from yuqing.analysis import runner
    from yuqing.audit.context import acting
    from yuqing.collect.importing import runner as importer
    from yuqing.collect.importing.presets import Options
    from yuqing.collect.importing.sources import import_source

    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "stream.jsonl"
        write_stream(texts, count, stream)
        with acting("cli"):
            source = import_source(f"bench {count}", "weibo")
            started = time.perf_counter()
            _run, tally = importer.run_import(
                importer.plan([stream], "generic", Options(mapping=MAPPING)), source)
            ingest = time.perf_counter() - started
            runner.invalidate()
            workers = runner._text_workers()  # started before timing, as in `yuqing run`
            if workers is not None:
                workers.warm(runner._context().model_names())
            started, cpu_started = time.perf_counter(), time.process_time()
            summary = runner.analyse_pending()
            analysis = time.perf_counter() - started
            analysis_cpu = time.process_time() - cpu_started
    assert tally.read == count and summary.failed == 0, (tally, summary)
    total = ingest + analysis
    from yuqing.analysis.models import Event, Story

    result = {
        "items": count, "ingest_s": ingest, "analysis_s": analysis, "total_s": total,
        "ingest_per_s": count / ingest, "analysis_per_s": summary.analysed / analysis,
        "end_to_end_per_s": count / total, "peak_rss_mb": peak_mb(),
        "stories": Story.objects.count(), "events": Event.objects.count(),
    }
    cpu = "  ".join(f"{name} {1e6 * seconds / count:.0f}"
                    for name, seconds in runner.STAGE_CPU.items())
    print(f"CPU µs per item by stage: {cpu}; all analysis "
          f"{1e6 * analysis_cpu / count:.0f} µs CPU, {1e6 * analysis / count:.0f} µs wall")
    print(f"{count:>9,} items: ingest {ingest:7.1f} s ({count / ingest:8,.0f}/s)  "
          f"analysis {analysis:7.1f} s ({summary.analysed / analysis:8,.0f}/s)  "
          f"end-to-end {count / total:8,.0f} items/s  peak RSS {peak_mb():,.0f} MB  "
          f"stories {result['stories']:,}  events {result['events']:,}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, nargs="+", default=[100_000])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--workers", type=int, default=0,
                        help="YUQING_ANALYSIS_WORKERS: text-stage worker processes")
    parser.add_argument("--models", type=Path,
                        help="a models folder of trained tone/emotion models to use")
    opts = parser.parse_args()
    if len(opts.items) > 1:
        # Each size in its own process: a fresh database and a fair memory peak.
        totals = {}
        for count in opts.items:
            out = subprocess.run(
                [sys.executable, __file__, "--items", str(count), "--data", str(opts.data),
                 "--workers", str(opts.workers), "--json",
                 *(["--models", str(opts.models)] if opts.models else [])],
                check=True, capture_output=True, text=True).stdout.splitlines()
            print("\n".join(out[:-1]), flush=True)
            totals[count] = json.loads(out[-1])["total_s"]
        small, large = min(totals), max(totals)
        print(f"cost ratio {large:,} / {small:,} items: {totals[large] / totals[small]:.1f}x "
              f"for {large / small:.0f}x the items")
        return
    texts = _read_texts(opts.data)
    os.environ["YUQING_ANALYSIS_WORKERS"] = str(opts.workers)
    print(f"{len(texts):,} real texts; stream at {PER_HOUR:,} items per hour of data time; "
          f"{opts.workers} text-stage workers; tone and emotion: "
          f"{opts.models or 'the shipped lexicon'}")
    with tempfile.TemporaryDirectory() as data_dir:
        if opts.models:
            (Path(data_dir) / "models").symlink_to(opts.models.resolve())
        setup(Path(data_dir), None)
        result = run_once(texts, opts.items[0])
    if opts.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
