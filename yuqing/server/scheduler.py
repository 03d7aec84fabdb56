"""Periodic jobs, run in background threads of ``yuqing scheduler`` or on Celery workers.

A job is a plain function taking no arguments, registered once with :func:`register`. The
scheduler claims each due run and launches it: in a thread of its own process by default, or,
with a broker configured, as a message to ``yuqing worker`` processes
(:mod:`yuqing.server.broker`), which run the same function. Run state lives in
:class:`~yuqing.server.models.ScheduledJob` rows; a run starts only after a conditional UPDATE
has claimed the row, so no job runs twice at once — not in one process, not across several.
A job that was due several times while nothing ran is run once, and then due a full interval
later.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from yuqing.audit.context import acting
from yuqing.server.models import ScheduledJob

logger = logging.getLogger(__name__)

#: A claim older than this is taken to belong to a run whose process died; it may be re-claimed.
DEFAULT_TIMEOUT = timedelta(hours=1)
_RELEASE_ATTEMPTS = 5
#: The stop event of the scheduler running the job in this thread (see :func:`stopping`).
_current = threading.local()
#: Set when the whole process is shutting down (a Celery worker's warm shutdown).
_process_stopping = threading.Event()


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[[], object]
    timeout: timedelta = DEFAULT_TIMEOUT


_registry: dict[str, Job] = {}


def register(name: str, every: timedelta, func: Callable[[], object], *,
             timeout: timedelta = DEFAULT_TIMEOUT) -> Job:
    """Add a periodic job; each app registers its own in ``AppConfig.ready``."""
    if name in _registry:
        raise ValueError(f"a job named {name!r} is already registered")
    if every <= timedelta(0) or timeout <= timedelta(0):
        raise ValueError("a job's interval and timeout must be positive")
    job = _registry[name] = Job(name, every, func, timeout)
    return job


def stopping() -> bool:
    """Whether the scheduler or worker running the current job is stopping: a job that runs
    for a while (the delivery worker's, the lingering analysis) ends early, rather than
    outlive the stop and keep its claim until its timeout."""
    event: threading.Event | None = getattr(_current, "stop", None)
    return _process_stopping.is_set() or (event is not None and event.is_set())


def stop_process() -> None:
    """Tell every job running in this process to end (see :func:`stopping`)."""
    _process_stopping.set()


def find(name: str) -> Job:
    """The registered job called ``name`` (KeyError if none is)."""
    return _registry[name]


def registered() -> list[Job]:
    return list(_registry.values())


def sync(jobs: Iterable[Job], now: datetime) -> None:
    """Give every job a state row; a job never seen before is due at once.

    A stored due time further away than the job's interval (the interval was shortened since)
    is pulled in, so a configuration change takes effect without waiting out the old one.
    """
    for job in jobs:
        ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_due": now})
        ScheduledJob.objects.filter(name=job.name, next_due__gt=now + job.every).update(
            next_due=now + job.every)


def claim(job: Job, now: datetime) -> bool:
    """Take the job for one run if it is due and nobody holds it; one UPDATE, so atomic.

    The next due time moves on at the claim, counted from now rather than from the missed due
    time: however many runs were missed, one run catches up.
    """
    free = Q(running_since__isnull=True) | Q(running_since__lt=now - job.timeout)
    return ScheduledJob.objects.filter(free, name=job.name, next_due__lte=now).update(
        running_since=now, last_started_at=now, next_due=now + job.every) == 1


def execute(job: Job, claimed_at: datetime) -> None:
    """Run a claimed job, record how it went and release the claim.

    The job's own exceptions are logged and stored in ``last_error``, not raised: one failing
    job must not stop the others.
    """
    logger.info("job %s started", job.name)
    started = time.monotonic()
    error = ""
    try:
        with acting("system"):
            job.func()
    except Exception:
        error = traceback.format_exc()
        logger.exception("job %s failed", job.name)
    duration = timedelta(seconds=time.monotonic() - started)
    if not error:
        logger.info("job %s finished in %.1fs", job.name, duration.total_seconds())
    _release(job, claimed_at, duration, error)


def _release(job: Job, claimed_at: datetime, duration: timedelta, error: str) -> None:
    """Record the outcome, retrying briefly: a lost release leaves the job claimed, and so
    not run again, until its timeout — worth a few attempts past a locked or busy database."""
    for attempt in range(_RELEASE_ATTEMPTS):
        try:
            # Matching the claim time means a run that outlived its timeout, and was
            # re-claimed, does not release the newer run's claim.
            ScheduledJob.objects.filter(name=job.name, running_since=claimed_at).update(
                running_since=None, last_duration=duration, last_error=error)
            return
        except DatabaseError:
            if attempt == _RELEASE_ATTEMPTS - 1:
                logger.exception("could not record the run of job %s", job.name)
                return
            time.sleep(0.1 * 2**attempt)


#: Starts a claimed run somewhere else than in a thread of the scheduler (see
#: :class:`Scheduler`); it must not block, and raises if the run could not be handed over.
Launch = Callable[[Job, datetime], object]


class Scheduler:
    """Polls the job table and starts each claimed run: in its own worker thread, or through
    ``launch`` (a broker's queue) when one is given."""

    def __init__(self, jobs: Iterable[Job] | None = None, *,
                 poll_seconds: float | None = None, launch: Launch | None = None) -> None:
        self.jobs = list(registered() if jobs is None else jobs)
        self.launch = launch
        #: By default as often as the most frequent job needs (the analysis pipeline runs
        #: every second so alerts are not late), and at least every 30 s.
        self.poll_seconds = poll_seconds if poll_seconds is not None else min(
            [30.0, *(job.every.total_seconds() for job in self.jobs)])
        self._stop = threading.Event()
        self._loop_thread: threading.Thread | None = None
        self._workers: list[threading.Thread] = []

    def tick(self, now: datetime | None = None) -> list[threading.Thread]:
        """Start every job that is due and could be claimed; returns the started threads."""
        now = now or timezone.now()
        started = []
        for job in self.jobs:
            if not claim(job, now):
                continue
            if self.launch is not None:
                self._hand_over(job, now)
                continue
            worker = threading.Thread(target=self._work, args=(job, now),
                                      name=f"job-{job.name}", daemon=True)
            worker.start()
            started.append(worker)
        self._workers = [w for w in self._workers if w.is_alive()] + started
        return started

    def _hand_over(self, job: Job, claimed_at: datetime) -> None:
        """Send the claimed run to ``launch``; if that fails (the broker is down), release the
        claim with the error, so the run is tried again when next due, not after the
        job's timeout."""
        assert self.launch is not None
        try:
            self.launch(job, claimed_at)
        except Exception:
            logger.exception("could not hand job %s over", job.name)
            _release(job, claimed_at, timedelta(0), traceback.format_exc())

    def start(self) -> None:
        sync(self.jobs, timezone.now())
        self._loop_thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._loop_thread.start()
        logger.info("scheduler started: %s", ", ".join(j.name for j in self.jobs) or "no jobs")

    def stop(self, wait_seconds: float = 10.0) -> None:
        """Stop polling and give running jobs a moment to finish.

        A run still going when the process exits keeps its claim until the job's timeout;
        no other process starts it again before then.
        """
        self._stop.set()
        deadline = time.monotonic() + wait_seconds
        for thread in [t for t in (self._loop_thread, *self._workers) if t is not None]:
            thread.join(max(0.0, deadline - time.monotonic()))
        logger.info("scheduler stopped")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a database hiccup must not end scheduling for good
                logger.exception("scheduler tick failed")
            finally:
                connection.close()
            self._stop.wait(self.poll_seconds)

    def _work(self, job: Job, claimed_at: datetime) -> None:
        _current.stop = self._stop
        try:
            execute(job, claimed_at)
        finally:
            connection.close()
