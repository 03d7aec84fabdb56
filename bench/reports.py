"""Benchmark: a daily report for a day of 100k items in HTML, PDF and DOCX (target ≤ 10 s), and
the dashboard on that day and on a day of 1M items.

Data: the real posts of ``covid19_weibo_hashtag_days`` and the DataFountain nCoV set (read
from ``../shared/data``) made into a stream as ``bench/pipeline.py`` does (60 % real posts,
25 % halves of two posts joined, 15 % reposts of a recent item, with a parent link), re-timed
evenly over one local day (2020-02-01, Asia/Shanghai) and spread over six sources of three
units (a district and two streets), on five platforms and four credibility tiers. Items go
through the real ingest and analysis pipelines into a fresh SQLite database; then the hourly
rollups are computed and the report is generated (three runs; the median is reported, with
the time of each step of the best run).

The 1M-item dashboard: the dashboard reads only rollup rows, so the 100k day's rows are
multiplied by ``--scale`` (10): every count ×10, and every event's rows copied onto
``scale - 1`` new events (ten times the events, as ten times the posts would open) — the
row counts a day of 1M such items would have. Analysing a real 1M-item day takes far longer
than the rest (see bench/pipeline.py); ``--items 1000000`` does it if wanted.

    .venv/bin/python bench/reports.py [--items 100000] [--scale 10] [--data DIR]
"""

from __future__ import annotations

import argparse
import functools
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(REPO), str(BENCH)]

import pipeline as pipeline_bench  # noqa: E402  (bench/pipeline.py: texts, fresh database)

DAY = date(2020, 2, 1)
ZONE = ZoneInfo("Asia/Shanghai")
#: (name, platform, unit, tier code, share of the items)
SOURCES = [
    ("区融媒体中心", "weibo", "bench", "government", 0.10),
    ("本地生活号", "weibo", "street-1", "self_media", 0.35),
    ("社区论坛", "forum", "street-1", "individual", 0.20),
    ("晚报网", "news", "street-2", "local_media", 0.10),
    ("街道公众号", "wechat", "street-2", "self_media", 0.15),
    ("短视频号", "douyin", "bench", "self_media", 0.10),
]
BATCH = 2000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def build_day(texts: list[str], count: int, seed: int = 11) -> dict[str, float]:
    """Store and analyse ``count`` items of :data:`DAY`; returns the seconds of each step."""
    from yuqing.analysis import runner
    from yuqing.audit.context import acting
    from yuqing.collect.ingest import pipeline as ingest
    from yuqing.collect.ingest.record import ItemRecord
    from yuqing.collect.models import CredibilityTier, Source
    from yuqing.orgs.actions import ensure_unit
    from yuqing.orgs.models import Unit
    from yuqing.reports import rollup

    root = Unit.objects.get(code="bench")
    units = {"bench": root}
    for code, name in (("street-1", "东湖街道"), ("street-2", "西湖街道")):
        units[code] = ensure_unit(code, name, parent=root, kind="street")
    sources = [Source.objects.create(name=name, platform=platform, unit=units[unit],
                                     tier=CredibilityTier.objects.get(code=tier))
               for name, platform, unit, tier, _share in SOURCES]
    weights = [share for *_rest, share in SOURCES]
    rng = random.Random(seed)
    start = datetime.combine(DAY, clock(), tzinfo=ZONE)
    pending: dict[int, list[ItemRecord]] = {s.pk: [] for s in sources}
    recent: list[tuple[int, str, str]] = []  # (source index, external id, text)
    steps = {"ingest_s": 0.0}

    def flush(source: Source) -> None:
        records = pending[source.pk]
        if records:
            spent, _batch = timed(lambda: ingest.run(ingest.Batch(source=source,
                                                                  records=records),
                                                     [*ingest.PREPARE, *ingest.WRITE]))
            steps["ingest_s"] += spent
            pending[source.pk] = []

    with acting("cli"):
        for i in range(count):
            index = rng.choices(range(len(sources)), weights)[0]
            roll, parent = rng.random(), ""
            if roll < 0.15 and recent:
                index, parent, original = rng.choice(recent)
                # A repost on the same source (same platform): the ingest links it to its
                # parent whichever is stored first.
                text = f"{rng.choice(['转发微博', '关注', '希望早日解决', ''])}//@网友" \
                       f"{rng.randrange(999)}:{original}"
            elif roll < 0.40:
                a, b = rng.choice(texts), rng.choice(texts)
                text = a[: len(a) // 2] + b[len(b) // 2:]
            else:
                text = rng.choice(texts)
            source = sources[index]
            pending[source.pk].append(ItemRecord(
                platform=source.platform, external_id=str(i), text=text,
                published_at=start + timedelta(seconds=i * 86_400 / count),
                reposts=rng.randrange(50), likes=rng.randrange(200),
                comments=rng.randrange(30), parent_external_id=parent))
            recent.append((index, str(i), text))
            if len(recent) > 500:
                recent.pop(0)
            if len(pending[source.pk]) >= BATCH:
                flush(source)
        for source in sources:
            flush(source)
        runner.invalidate()
        steps["analysis_s"], summary = timed(runner.analyse_pending)
        assert summary.failed == 0, summary
        steps["rollup_s"], steps["rollup_hours"] = timed(rollup.refresh)
    return steps


def report_steps() -> dict[str, float]:
    """One daily report, step by step, with the functions :func:`generate.render` calls."""
    from django.conf import settings
    from django.utils import translation

    from yuqing.orgs.models import Unit
    from yuqing.reports import charts, content, documents, formats, generate, word
    from yuqing.reports.figures import Period
    from yuqing.reports.models import Kind
    from yuqing.reports.scope import of_unit

    scope = of_unit(Unit.objects.get(code="bench"))
    period = Period.local_days(DAY)
    steps: dict[str, float] = {}
    with translation.override(settings.LANGUAGE_CODE):
        doc = content.Document(kind=Kind.DAILY, title="bench", number=1, issuer=scope.label,
                               issued=datetime.now(ZONE), period_start=period.start,
                               period_end=period.end, period_last_day=DAY)
        steps["content"], _ = timed(lambda: content.periodic(
            doc, scope, period, generate.TOP_EVENTS[Kind.DAILY]))
        chosen = documents.choose(Kind.DAILY, scope.unit)
        steps["template"], body = timed(lambda: documents.render_body(
            chosen, {"doc": doc, "charts": doc.charts}))
        steps["charts"], images = timed(lambda: {
            key: charts.render_png(spec) for key, spec in doc.charts.items()
            if f'src="chart:{key}"' in body})
        steps["html"], _ = timed(lambda: formats.html_file(doc.title, body, images))
        steps["pdf"], _ = timed(lambda: formats.pdf_file(doc.title, body, images))
        steps["docx"], _ = timed(lambda: word.render(doc.title, body, images))
    return steps


def scale_rollups(scale: int) -> None:
    """Make the rollup rows of :data:`DAY` those of a day ``scale`` times as busy."""
    from django.db import transaction
    from django.db.models import F

    from yuqing.analysis.models import Event
    from yuqing.reports.models import RegionHour, SourceHour, UnitEventHour, UnitHour

    with transaction.atomic():
        for model in (UnitHour, RegionHour, SourceHour):
            model.objects.update(items=F("items") * scale)
        RegionHour.objects.update(negative=F("negative") * scale)
        SourceHour.objects.update(negative=F("negative") * scale)
        originals = list(Event.objects.all())
        rows = list(UnitEventHour.objects.values_list("unit_id", "hour", "event_id", "items",
                                                      "negative"))
        for _copy in range(scale - 1):
            copies = Event.objects.bulk_create([
                Event(title=e.title, keywords=e.keywords, first_seen=e.first_seen,
                      last_seen=e.last_seen, items=e.items, negative=e.negative,
                      neutral=e.neutral, positive=e.positive, heat=e.heat, risk=e.risk)
                for e in originals], batch_size=5000)
            mapping = {e.pk: c.pk for e, c in zip(originals, copies, strict=True)}
            UnitEventHour.objects.bulk_create([
                UnitEventHour(unit_id=u, hour=h, event_id=mapping[e], items=n, negative=neg)
                for u, h, e, n, neg in rows], batch_size=5000)


def dashboard_times(runs: int = 5) -> dict[str, float]:
    """Median seconds of the dashboard (24 h ending with :data:`DAY`) and its event panel."""
    from yuqing.orgs.models import Unit, User
    from yuqing.orgs.roles import Role
    from yuqing.reports import dashboard, figures
    from yuqing.reports.scope import of_unit

    admin = User.objects.filter(role=Role.ADMIN).first() or User.objects.create(
        username="bench-admin", role=Role.ADMIN)
    now = datetime.combine(DAY, clock(23, 59), tzinfo=ZONE)
    found: dict[str, float] = {}
    period = figures.Period.last_hours(24, now)

    def median(func: Callable[[], Any]) -> float:
        return statistics.median(timed(func)[0] for _run in range(runs))

    for code in ("bench", "street-2"):
        scope = of_unit(Unit.objects.get(code=code))
        found[f"dashboard_{code}_s"] = median(
            functools.partial(dashboard.build, admin, scope, 24, now))
        found[f"top_events_{code}_s"] = median(
            functools.partial(figures.top_events, scope, period, dashboard.TOP_EVENTS))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--scale", type=int, default=10,
                        help="dashboard: multiply the day's rollup rows by this")
    parser.add_argument("--runs", type=int, default=3, help="report generations timed")
    parser.add_argument("--data", type=Path, default=pipeline_bench.DEFAULT_DATA)
    opts = parser.parse_args()
    texts = pipeline_bench._read_texts(opts.data)
    with tempfile.TemporaryDirectory() as data_dir:
        pipeline_bench._setup(Path(data_dir))
        from django.db import connection

        from yuqing.orgs.models import Unit
        from yuqing.reports import generate
        from yuqing.reports.models import RegionHour, SourceHour, UnitEventHour, UnitHour
        from yuqing.reports.scope import of_unit

        built = build_day(texts, opts.items)
        print(f"{opts.items:,} items of {DAY}: ingest {built['ingest_s']:.1f} s, analysis "
              f"{built['analysis_s']:.1f} s, rollup {built['rollup_s']:.2f} s for "
              f"{built['rollup_hours']:.0f} unit-hours", flush=True)
        rows = {m.__name__: m.objects.count()
                for m in (UnitHour, RegionHour, UnitEventHour, SourceHour)}
        print("rollup rows:", ", ".join(f"{k} {v:,}" for k, v in rows.items()))

        scope = of_unit(Unit.objects.get(code="bench"))
        totals = []
        for run in range(opts.runs):
            spent, made = timed(lambda: generate.render("daily", scope, day=DAY))
            totals.append(spent)
            sizes = ", ".join(f"{fmt} {len(data) / 1024:,.0f} KiB"
                              for fmt, data in made.files.items())
            print(f"daily report run {run + 1}: {spent:.2f} s ({sizes}; "
                  f"{len(made.document.cited)} items cited)", flush=True)
        steps = report_steps()
        print(f"daily report, all three formats: median {statistics.median(totals):.2f} s, "
              f"best {min(totals):.2f} s (target ≤ 10 s); steps: "
              + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))

        at_day = dashboard_times()
        print(f"dashboard, {opts.items:,}-item day: "
              + ", ".join(f"{k} {1000 * v:.0f} ms" for k, v in at_day.items()))
        scale_rollups(opts.scale)
        rows = {m.__name__: m.objects.count()
                for m in (UnitHour, RegionHour, UnitEventHour, SourceHour)}
        print(f"×{opts.scale} rollups:", ", ".join(f"{k} {v:,}" for k, v in rows.items()))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        scaled = dashboard_times()
        print(f"dashboard, {opts.items * opts.scale:,}-item day: "
              + ", ".join(f"{k} {1000 * v:.0f} ms" for k, v in scaled.items()))
        print(f"peak RSS {_peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
