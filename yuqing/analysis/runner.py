"""Run the pipeline over the queue: batches, the lease, the cached context, failures.

:func:`analyse_pending` is the one entry point — the scheduler's ``analyse`` job in
``yuqing run``, the ``yuqing analyse`` command, an import that analyses what it stored, and a
Celery worker all call it. It takes the lease (one runner at a time), then repeatedly takes the
oldest queued items, runs the stages and commits the results, the queue removal and a new
generation in one transaction.

A batch that fails is retried item by item; an item that fails on its own is parked in the
queue with its error (``yuqing analyse --status`` lists them, ``--retry`` puts them back), so
one bad item never blocks the rest and nothing is lost.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from yuqing.analysis import context, lease, queue
from yuqing.analysis.hooks import run_after_analysis
from yuqing.analysis.models import PipelineState
from yuqing.analysis.pipeline import STAGES, STATE_STAGES, Batch, Record, run
from yuqing.analysis.sql import q, select_in, table
from yuqing.analysis.workers import TextWorkers
from yuqing.collect.models import Item
from yuqing.server.scheduler import stopping

logger = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_cache: context.Context | None = None
_workers: TextWorkers | None = None
#: CPU seconds per stage since the process started (``bench/pipeline.py`` prints them).
STAGE_CPU: dict[str, float] = {}
#: Batches whose text stages run in the workers beyond the one being saved, when the queue
#: holds a backlog.
AHEAD = 2
#: Seconds between looks at an empty queue while a run lingers (see :func:`follow_queue`):
#: one indexed query each, and what an item arriving then waits before its batch starts.
POLL = 0.05


@dataclass
class Summary:
    analysed: int = 0
    failed: int = 0
    batches: int = 0
    #: Another process holds the lease; it will analyse the queue.
    busy: bool = False


def _context() -> context.Context:
    """The cached context if it still matches the database, else a rebuilt one."""
    global _cache
    current = lease.generation()
    if _cache is None or _cache.generation != current:
        logger.info("building analysis context (generation %s)", current)
        _cache = context.build(current)
    return _cache


def invalidate() -> None:
    """Drop the cached context (after a failed batch left it ahead of the database)."""
    global _cache
    _cache = None


def _text_workers() -> TextWorkers | None:
    global _workers
    count = settings.YUQING_ANALYSIS_WORKERS
    if count and _workers is None:
        _workers = TextWorkers(count)
        atexit.register(_close_workers)
    return _workers


def _close_workers() -> None:
    global _workers
    if _workers is not None:
        _workers.close()
        _workers = None


def _time(published: datetime | None, collected: datetime) -> datetime:
    return published or collected


def load_records(ids: Sequence[int]) -> list[Record]:
    rows = Item.objects.filter(id__in=ids).order_by("id").values_list(
        "id", "title", "text", "published_at", "collected_at", "parent_id", "source__tier__rank",
        "region", "source__region", "reposts", "comments", "likes", "views", "fingerprint")
    return [
        Record(id=pk, title=title, text=text, time=_time(published, collected), parent_id=parent,
               tier_rank=rank, region_hint=region or source_region, reposts=reposts,
               comments=comments, likes=likes, views=views, fingerprint=fingerprint)
        for (pk, title, text, published, collected, parent, rank, region, source_region,
             reposts, comments, likes, views, fingerprint) in rows
    ]


def _stale(records: Sequence[Record]) -> bool:
    """Whether an item changed (re-imported, its parent linked) or went away since
    ``records`` were loaded for the workers — their text results would then be out of date."""
    sql = (f"SELECT id, {q('fingerprint')}, {q('parent_id')} FROM {table(Item)} "
           "WHERE id IN ")
    with connection.cursor() as cursor:
        now = {pk: (fingerprint, parent)
               for pk, fingerprint, parent in select_in(cursor, sql, [r.id for r in records])}
    return any(now.get(r.id) != (r.fingerprint, r.parent_id) for r in records)


def _commit(ids: Sequence[int], prepared: list[Record] | None = None) -> int:
    """Analyse ``ids`` in one transaction; returns how many items were analysed.

    ``prepared``: the records with the text stages already run (by the workers).
    """
    ctx = _context()
    with transaction.atomic():
        if prepared is not None and _stale(prepared):
            prepared = None  # analysed afresh from what the database holds now
        records = load_records(ids) if prepared is None else prepared
        if records:
            batch = run(Batch(records=records, context=ctx),
                        STAGES if prepared is None else STATE_STAGES, cpu_seconds=STAGE_CPU)
            started = time.process_time()
            run_after_analysis(batch)
            STAGE_CPU["hooks"] = STAGE_CPU.get("hooks", 0.0) + time.process_time() - started
        missing = set(ids) - {r.id for r in records}
        if missing:  # deleted meanwhile; their queue rows went with them
            logger.debug("%d queued items no longer exist", len(missing))
        expected = ctx.generation + 1
        # Anything else moving the generation meanwhile (an analyst's merge) makes the
        # context stale: it is rebuilt before the next batch.
        new = lease.bump()
        ctx.generation = new if new == expected else -1
        PipelineState.objects.filter(id=1).update(last_run_at=timezone.now(), last_error="")
    return len(records)


def _batch(ids: Sequence[int], summary: Summary, prepared: list[Record] | None = None) -> None:
    try:
        summary.analysed += _commit(ids, prepared)
        return
    except Exception:
        invalidate()
        error = traceback.format_exc()
        logger.exception("analysis batch of %d items failed", len(ids))
        PipelineState.objects.filter(id=1).update(last_error=error)
        if len(ids) == 1:
            queue.fail(ids[0], error)
            summary.failed += 1
            return
    for pk in ids:  # find the culprits; the others go through one by one
        _batch([pk], summary)


def follow_queue() -> Summary:
    """The scheduler's ``analyse`` job: analyse the queue, then keep watching it for
    ``YUQING_ANALYSIS_LINGER`` seconds after it empties.

    Without lingering, an item pushed just after the queue emptied waited for the job's
    next tick — up to ``YUQING_ANALYSIS_EVERY`` seconds, half of it on average, which was
    most of the median alert latency at 1,000 items/s (``bench/alerts.py``).
    """
    return analyse_pending(linger=settings.YUQING_ANALYSIS_LINGER)


def _await_items(size: int, seconds: float) -> list[int]:
    """The next queued ids, looking every :data:`POLL` seconds for up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stopping():
        time.sleep(POLL)
        if ids := queue.next_ids(size):
            return ids
    return []


def analyse_pending(*, max_batches: int | None = None, batch_size: int | None = None,
                    linger: float = 0.0) -> Summary:
    """Analyse queued items until the queue is empty (or ``max_batches`` ran).

    ``linger``: seconds to keep watching the empty queue before returning; items that
    arrive meanwhile are analysed at once, and the wait starts again when they are done.
    """
    size = batch_size or settings.YUQING_ANALYSIS_BATCH
    holder = lease.holder_id()
    summary = Summary()
    if not lease.acquire(holder):
        summary.busy = True
        return summary
    try:
        with _cache_lock:
            workers = _text_workers()
            # A stopping scheduler or worker (see ``stopping``) ends the run between batches:
            # under a steady stream the queue never empties, and the run would never end.
            while (max_batches is None or summary.batches < max_batches) and not stopping():
                ids = queue.next_ids(size) or _await_items(size, linger)
                if not ids:
                    break
                if workers is None:
                    _batch(ids, summary)
                    summary.batches += 1
                else:
                    _overlapped(workers, ids, size, summary, holder, max_batches)
                if not lease.acquire(holder):  # lapsed (a very slow batch): stop cleanly
                    break
    finally:
        lease.release(holder)
    return summary


def _prepared(futures: list[Future[tuple[list[Record], dict[str, float]]]]) -> list[Record] | None:
    """The workers' records of one batch, or None if a worker failed (the batch then runs
    inline, where a failing item is found and parked)."""
    records: list[Record] = []
    try:
        for future in futures:
            part, cpu = future.result()
            records.extend(part)
            for name, seconds in cpu.items():
                STAGE_CPU[name] = STAGE_CPU.get(name, 0.0) + seconds
    except Exception:
        logger.exception("text stages failed in a worker; running the batch inline")
        return None
    return records


def _overlapped(workers: TextWorkers, ids: list[int], size: int, summary: Summary,
                holder: str, max_batches: int | None) -> None:
    """Run batches with the next batch's text stages in the workers while this one saves;
    with a backlog (full batches), the next :data:`AHEAD`.

    With one batch ahead, a worker that finished early sat idle until the pipeline's process
    had saved the batch before and handed it the next one: the worker, the busier of the
    two, then lost 0.1–0.4 s of every batch of an import. A live stream (batches not full)
    keeps one ahead: an item that arrives then waits for fewer batches to be saved.
    """
    models = _context().model_names()
    pending = deque([(ids, workers.submit(load_records(ids), models))])
    last = ids[-1]
    while pending:
        while len(pending) <= (AHEAD if len(pending[-1][0]) >= size else 1) and (
                max_batches is None or summary.batches + len(pending) < max_batches
        ) and not stopping():
            following = queue.next_ids(size, after=last)
            if not following:
                break
            pending.append((following, workers.submit(load_records(following), models)))
            last = following[-1]
        ids, futures = pending.popleft()
        asked = time.monotonic()
        prepared = _prepared(futures)
        saving = time.monotonic()
        _batch(ids, summary, prepared)
        summary.batches += 1
        logger.debug("batch of %d items: %.3f s waiting for its text stages, %.3f s saving; "
                     "%d ahead", len(ids), saving - asked, time.monotonic() - saving,
                     len(pending))
        if not lease.acquire(holder):
            for _, waiting in pending:
                for future in waiting:
                    future.cancel()
            return


def mark_changed() -> None:
    """Call after an analyst changed stories or events: running contexts rebuild."""
    PipelineState.objects.get_or_create(id=1)
    PipelineState.objects.filter(id=1).update(generation=F("generation") + 1)
