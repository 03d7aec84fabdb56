"""Benchmark of ``yuqing import``: items per second, peak memory, and re-import speed-up.

Runs against a fresh SQLite database in a temporary data directory (never the developer's),
importing the DataFountain nCoV Weibo CSV (10,000 rows, preset ``datafountain-weibo``) and
the three hashtag-day files (37,744 rows, ``weibo-hashtag-days``), then the same files again.
``--rows N`` also imports a synthetic CSV of N rows (real rows repeated with new ids) to show
that memory does not grow with the input.

    .venv/bin/python bench/ingest.py [--data DIR] [--rows N] [--batch N]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DATAFOUNTAIN = Path("ncov_weibo_2020_datafountain") / "nCov_10k_test.csv"
HASHTAG_DAYS = Path("covid19_weibo_hashtag_days")


def setup(data_dir: Path, batch: int | None) -> None:
    """Point Django at an empty data directory, then migrate and create the root unit."""
    os.environ["YUQING_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("YUQING_SQLITE_PATH", None)
    if batch:
        os.environ["YUQING_IMPORT_BATCH"] = str(batch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "yuqing.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    from yuqing.orgs.actions import ensure_unit

    call_command("migrate", verbosity=0)
    ensure_unit("bench", "基准测试单位")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _import(label: str, groups: list[tuple[str, list[Path]]]) -> tuple[float, int]:
    """Import each group of files with its preset; print and return (seconds, rows read)."""
    from yuqing.audit.context import acting
    from yuqing.collect.importing import runner
    from yuqing.collect.importing.presets import Options
    from yuqing.collect.importing.sources import import_source
    from yuqing.collect.importing.timeparse import clear_cache

    clear_cache()  # start cold, as a new ``yuqing import`` process would
    options = Options(year=2020)
    started, cpu = time.perf_counter(), time.process_time()
    read = 0
    with acting("cli"):
        source = import_source("bench weibo", "weibo")
        for preset, paths in groups:
            _run, tally = runner.run_import(runner.plan(paths, preset, options), source)
            assert tally.balanced, tally
            read += tally.read
            print(f"  {label} {preset}: {tally.as_dict()}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label}: {read} rows in {seconds:.2f} s = {read / seconds:,.0f} items/s "
          f"(CPU {cpu:.2f} s = {read / cpu:,.0f} items/CPU-s); "
          f"peak RSS so far {peak_mb():.0f} MB")
    return seconds, read


def _synthetic_rows(source: Path, rows: int) -> Iterator[list[str]]:
    """The DataFountain rows over and over, each pass with its ids shifted so every row is a
    new item (the texts repeat; the natural key is the Weibo id)."""
    produced = 0
    for round_no in range(rows):
        with source.open(encoding="gb18030", errors="replace", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for fields in reader:
                fields[0] = str(int(fields[0]) + round_no * 10**17)
                yield fields
                produced += 1
                if produced >= rows:
                    return


def _write_synthetic(source: Path, target: Path, rows: int) -> Path:
    with source.open(encoding="gb18030", errors="replace", newline="") as f:
        header = next(csv.reader(f))
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(_synthetic_rows(source, rows))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"shared data directory (default {DEFAULT_DATA})")
    parser.add_argument("--rows", type=int, default=0,
                        help="also import a synthetic CSV of this many rows")
    parser.add_argument("--batch", type=int, default=None,
                        help="rows per batch (default: YUQING_IMPORT_BATCH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yuqing-bench-") as tmp:
        setup(Path(tmp), args.batch)
        groups = [
            ("datafountain-weibo", [args.data / DATAFOUNTAIN]),
            ("weibo-hashtag-days", sorted((args.data / HASHTAG_DAYS).glob("*.csv"))),
        ]
        first, _ = _import("first run", groups)
        second, _ = _import("second run", groups)
        print(f"second run {first / second:.1f}× faster than the first")
        from yuqing.collect.models import Item

        print(f"items in the database: {Item.objects.count()}")
        if args.rows:
            peak_before = peak_mb()
            big = _write_synthetic(args.data / DATAFOUNTAIN, Path(tmp) / "synthetic.csv",
                                   args.rows)
            print(f"synthetic file: {args.rows} rows, {big.stat().st_size / 2**20:.0f} MiB")
            _import("synthetic", [("datafountain-weibo", [big])])
            print(f"peak RSS {peak_before:.0f} MB before the synthetic import, "
                  f"{peak_mb():.0f} MB after")


if __name__ == "__main__":
    main()
