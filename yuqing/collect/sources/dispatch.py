"""Which sources run when, and one run from claim to record.

The scheduler of ``yuqing run`` calls :func:`dispatch` every 30 seconds. It claims each due
source with one conditional UPDATE of its :class:`~yuqing.collect.models.SourceState` row —
free (not running, or its run's heartbeat stopped long ago) and due — and moves the due time
on at the claim, counted from *now*: however many runs were missed while yuqing was down, one
run catches up. A random delay of up to a tenth of the interval (at most ten minutes) keeps
sources with the same schedule from all starting at once. Claimed sources are handed to
:func:`collect`, which takes ids only and keeps all state in the database, so that it runs in
a thread here or on a Celery worker (:mod:`yuqing.collect.tasks`); no two runs of one source
ever overlap, in one process or across several.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.connectors import registry
from yuqing.collect.connectors.base import ConfigError, SourceFailed
from yuqing.collect.fetch.client import Fetcher
from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.fetch.hosts import HostRule
from yuqing.collect.fetch.policy import FetchPolicy
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import (
    FetchRun,
    HostPolicy,
    RunOutcome,
    Source,
    SourceDay,
    SourceState,
    UrlState,
)
from yuqing.collect.sources import counters, schedule
from yuqing.collect.sources.run import ClaimLost, CollectionRun, Report
from yuqing.collect.sources.workers import Workers

logger = logging.getLogger(__name__)

#: A claim whose heartbeat is older than this belongs to a run that died; it may be re-taken.
STALE = timedelta(minutes=10)
#: Items shown by a test fetch (and articles fetched for it).
PREVIEW_ITEMS = 5
#: How long run records and daily figures are kept.
RUNS_KEPT = timedelta(days=90)
DAYS_KEPT = timedelta(days=400)


def host_rules() -> dict[str, HostRule]:
    return {p.host.lower(): HostRule(p.delay_ms / 1000, p.concurrency)
            for p in HostPolicy.objects.all()}


def _fetcher(source: Source) -> Fetcher:
    return Fetcher(FetchPolicy.from_settings(), obey_robots=source.obey_robots,
                   hosts=host_rules())


def next_due(source: Source, now: datetime) -> datetime:
    """The next run after ``now``, with jitter; an unreadable schedule (written around the
    form) falls back to the kind's default rather than stopping the source."""
    try:
        plan = schedule.parse(source.schedule, source.kind)
    except schedule.ScheduleError:
        plan = schedule.parse("", source.kind)
    jitter = plan.jitter_limit.total_seconds() * random.random()
    return plan.next_after(now) + timedelta(seconds=jitter)


def _free(now: datetime) -> Q:
    return Q(running_since__isnull=True) | Q(heartbeat_at__lt=now - STALE)


def _ensure_states() -> None:
    missing = Source.objects.filter(enabled=True, kind__in=registry.FETCHING,
                                    state__isnull=True).values_list("pk", flat=True)
    SourceState.objects.bulk_create([SourceState(source_id=pk) for pk in missing],
                                    ignore_conflicts=True)


def claim(source: Source, now: datetime, *, manual: bool = False) -> bool:
    """Take ``source`` for one run; a manual run need not be due, only free."""
    rows = SourceState.objects.filter(_free(now), pk=source.pk)
    if manual:
        return rows.update(running_since=now, heartbeat_at=now, last_started_at=now) == 1
    rows = rows.filter(Q(next_due__isnull=True) | Q(next_due__lte=now))
    return rows.update(running_since=now, heartbeat_at=now, last_started_at=now,
                       next_due=next_due(source, now)) == 1


_pool: Workers | None = None
_pool_lock = threading.Lock()


def _workers() -> Workers:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Workers(settings.YUQING_COLLECT_WORKERS, collect)
        return _pool


def in_flight(now: datetime) -> int:
    """Runs claimed and still alive (their heartbeat is fresh), in any process."""
    return SourceState.objects.filter(running_since__isnull=False,
                                      heartbeat_at__gte=now - STALE).count()


def _submitter(now: datetime) -> tuple[Callable[[int, datetime], object], int]:
    """Where claimed runs go, and how many may be claimed now."""
    from yuqing.server import broker

    if broker.enabled():
        from yuqing.collect import tasks

        return tasks.send, max(0, settings.YUQING_COLLECT_WORKERS - in_flight(now))
    pool = _workers()
    return pool.submit, pool.free()


def dispatch(now: datetime | None = None, *,
             submit: Callable[[int, datetime], object] | None = None,
             limit: int | None = None) -> list[int]:
    """Claim the due sources (at most ``limit``) and ``submit`` each; returns their ids.

    By default runs go to this process's collection threads, and only as many are claimed as
    threads are free, so a claimed source never waits in a queue. With a broker
    (:mod:`yuqing.server.broker`) they go to the workers, at most
    ``YUQING_COLLECT_WORKERS`` runs in flight across all of them.
    """
    now = now or timezone.now()
    if submit is None:
        submit, limit = _submitter(now)
    if limit == 0:
        return []
    _ensure_states()
    due = (Source.objects.filter(enabled=True, kind__in=registry.FETCHING)
           .filter(Q(state__next_due__isnull=True) | Q(state__next_due__lte=now))
           .filter(Q(state__running_since__isnull=True)
                   | Q(state__heartbeat_at__lt=now - STALE))
           .order_by(F("state__next_due").asc(nulls_first=True), "pk"))
    claimed = []
    for source in due[:limit] if limit is not None else due:
        if claim(source, now):
            submit(source.pk, now)
            claimed.append(source.pk)
    return claimed


def request_run(source: Source) -> None:
    """Make ``source`` due now (the "fetch now" button); the dispatcher starts it."""
    SourceState.objects.bulk_create([SourceState(source=source)], ignore_conflicts=True)
    SourceState.objects.filter(pk=source.pk).update(next_due=timezone.now())


def collect(source_id: int, claimed_at: datetime) -> str:
    """Run the source claimed at ``claimed_at`` and record the outcome; returns it."""
    source = Source.objects.select_related("unit").filter(pk=source_id).first()
    held = SourceState.objects.filter(pk=source_id, running_since=claimed_at)
    if source is None or not held.update(heartbeat_at=timezone.now()):
        return "lost"
    state = SourceState.objects.get(pk=source_id)
    started = timezone.now()
    run: CollectionRun | None = None
    error = ""
    try:
        connector = registry.get(source.kind)
        if connector is None or source.kind not in registry.FETCHING:
            raise SourceFailed("sources of this kind are not collected on a schedule")
        config = connector.settings(source)
        with _fetcher(source) as fetcher:
            run = CollectionRun(source, fetcher, now=started, cursor=dict(state.cursor),
                                budget=settings.YUQING_COLLECT_MAX_PAGES, claim=claimed_at)
            completed = False
            try:
                connector.collect(run, config)
                completed = True
            finally:
                run.finish(completed=completed)  # what came before a failure is kept
    except ClaimLost:
        logger.warning("source #%s: run abandoned, another run took the source over",
                       source_id)
        return "lost"
    except (SourceFailed, FetchError, ConfigError) as exc:
        error = str(exc)
    except Exception as exc:
        logger.exception("source #%s: the run failed", source_id)
        error = f"internal error ({type(exc).__name__}: {exc})"
    return _finish(source, claimed_at, started, run, error).outcome


def _summary(report: Report) -> str:
    first = next((p for p in report.problems if p["level"] == "error"), None)
    if first is None:
        return ""
    return (f"{report.errors} page(s) or record(s) failed; first: {first['url']}: "
            f"{first['message']}")


def _finish(source: Source, claimed_at: datetime, started: datetime,
            run: CollectionRun | None, error: str) -> FetchRun:
    now = timezone.now()
    report = run.report if run is not None else Report()
    tally = report.tally
    outcome = (RunOutcome.FAILED if error else
               RunOutcome.PARTIAL if report.errors else RunOutcome.OK)
    fetch_run = FetchRun(
        source=source, started_at=started, finished_at=now, outcome=outcome,
        requests=run.fetcher.requests if run else 0, bytes=run.fetcher.bytes if run else 0,
        not_modified=report.not_modified, skipped=report.skipped, inserted=tally.inserted,
        updated=tally.updated, unchanged=tally.unchanged, rejected=tally.rejected,
        repeats=tally.repeats, error=error, problems=report.problems)
    FetchRun.objects.bulk_create([fetch_run])  # no save(): runs are not users' edits
    fields: dict[str, Any] = {"running_since": None, "heartbeat_at": now,
                              "last_finished_at": now, "last_outcome": outcome}
    if outcome == RunOutcome.FAILED:
        fields.update(last_error=error, last_error_at=now, failures=F("failures") + 1)
    else:
        fields.update(last_success_at=now, failures=0)
        if outcome == RunOutcome.PARTIAL:
            fields.update(last_error=_summary(report), last_error_at=now)
    SourceState.objects.filter(pk=source.pk, running_since=claimed_at).update(**fields)
    counters.count_run(source.pk, failed=outcome == RunOutcome.FAILED, now=now)
    if tally.inserted or tally.updated:
        record(Action.COLLECT, obj=source, details={
            "collected": source.kind, "run": fetch_run.pk, "outcome": outcome,
            **tally.as_dict()})
    return fetch_run


def run_now(source: Source) -> FetchRun | None:
    """Collect ``source`` at once in this thread (``yuqing sources fetch``); ``None`` when
    another run holds it."""
    now = timezone.now()
    SourceState.objects.bulk_create([SourceState(source=source)], ignore_conflicts=True)
    if not claim(source, now, manual=True):
        return None
    collect(source.pk, now)
    return FetchRun.objects.filter(source=source).order_by("-pk").first()


@dataclass
class Preview:
    """What a run would collect now, without storing anything."""

    items: list[tuple[ItemRecord, str]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    #: HTTP requests made (robots.txt and retries included).
    requests: int = 0
    error: str = ""


def preview(source: Source, limit: int = PREVIEW_ITEMS) -> Preview:
    """A test fetch of ``source`` (saved or not): at most ``limit`` articles fetched."""
    connector = registry.get(source.kind)
    if connector is None or source.kind not in registry.FETCHING:
        return Preview(error="sources of this kind are not fetched")
    try:
        config = connector.settings(source)
    except ConfigError as exc:
        return Preview(error=str(exc))
    state = SourceState.objects.filter(pk=source.pk).first() if source.pk else None
    with _fetcher(source) as fetcher:
        run = CollectionRun(source, fetcher, now=timezone.now(),
                            cursor=dict(state.cursor) if state else {}, budget=limit,
                            preview=True)
        error = ""
        try:
            connector.collect(run, config)
            run.finish(completed=True)
        except (SourceFailed, FetchError, ConfigError) as exc:
            error = str(exc)
        except Exception as exc:  # a test fetch must show the problem, not a server error
            logger.exception("test fetch of source %s failed", source)
            error = f"internal error ({type(exc).__name__}: {exc})"
    return Preview(run.report.previewed, run.report.problems, fetcher.requests, error)


def _prune(model: type[models.Model], column: str, before: Any) -> None:
    """Delete old rows in one statement: no per-row signals for runtime bookkeeping."""
    quote = connection.ops.quote_name
    value = (connection.ops.adapt_datetimefield_value(before) if isinstance(before, datetime)
             else connection.ops.adapt_datefield_value(before))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} < %s",
                       [value])


def housekeeping(now: datetime | None = None) -> None:
    """Forget article URLs not linked for ``YUQING_COLLECT_SEEN_DAYS``, and old run records
    and daily figures."""
    now = now or timezone.now()
    _prune(UrlState, "last_seen", now - timedelta(days=settings.YUQING_COLLECT_SEEN_DAYS))
    _prune(FetchRun, "started_at", now - RUNS_KEPT)
    _prune(SourceDay, "day", timezone.localdate(now) - DAYS_KEPT)
