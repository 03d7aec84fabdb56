"""Scale-out: the background jobs run by Celery workers, with Redis as the broker.

One machine runs ``yuqing run`` (web server and scheduler, jobs in threads). When that is not
enough, set ``YUQING_CELERY_BROKER`` (``redis://host:6379/0``) and ``DATABASE_URL``
(PostgreSQL) on every machine: the scheduler then claims each due run in the database exactly
as before, but sends it to the broker instead of starting a thread, and ``yuqing worker``
processes, on as many machines as needed, run it — the same registered function, under the
same claim. Collection runs of single sources are sent the same way (:mod:`yuqing.collect.tasks`),
so many sources are fetched on many machines.

Nothing depends on the broker keeping a message: a claim that no worker takes up expires after
the job's timeout (a source's after its heartbeat goes stale) and is taken again, and a
message that arrives after its claim was re-taken finds the claim gone and does nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import Celery
from celery.signals import task_postrun, worker_shutting_down
from django.conf import settings
from django.db import connection

from yuqing.server import scheduler
from yuqing.server.models import ScheduledJob

logger = logging.getLogger(__name__)

app = Celery("yuqing", include=["yuqing.collect.tasks"])
app.conf.update(
    # With no broker configured nothing is ever sent; "memory://" keeps the app importable.
    broker_url=settings.YUQING_CELERY_BROKER or "memory://",
    broker_connection_retry_on_startup=True,
    # A message is taken off the queue when a worker starts it (the default): a worker that
    # dies mid-run leaves the claim, which expires, rather than a message run twice.
    task_acks_late=False,
    task_ignore_result=True,
    # A worker takes a run only when a thread is free for it: long jobs (the lingering
    # analysis, 30-s delivery runs) must not hold other runs in a worker's prefetch.
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    timezone=settings.TIME_ZONE,
    enable_utc=True,
)


def enabled() -> bool:
    """Whether runs go to the broker (``YUQING_CELERY_BROKER`` is set)."""
    return bool(settings.YUQING_CELERY_BROKER)


def run_claimed(name: str, claimed_at: datetime) -> str:
    """Run the registered job ``name`` claimed at ``claimed_at``, if the claim is still that
    one; returns ``"done"``, or ``"lost"`` when the claim expired and was re-taken (or was
    released) meanwhile — the newer claim's run is the one that counts."""
    job = scheduler.find(name)
    if not ScheduledJob.objects.filter(name=name, running_since=claimed_at).exists():
        logger.warning("job %s claimed at %s is no longer claimed; not run", name, claimed_at)
        return "lost"
    scheduler.execute(job, claimed_at)
    return "done"


@app.task(name="yuqing.job")
def run_job(name: str, claimed_at: str) -> str:
    """The broker's message for one claimed run (times travel as ISO 8601 text)."""
    return run_claimed(name, datetime.fromisoformat(claimed_at))


def send_job(job: scheduler.Job, claimed_at: datetime) -> None:
    """The scheduler's ``launch`` with a broker: queue the claimed run for a worker. The
    message expires with the claim: once the claim can be re-taken, it is of no use."""
    run_job.apply_async((job.name, claimed_at.isoformat()),
                        expires=job.timeout.total_seconds())


@worker_shutting_down.connect
def _stop_jobs(**_: Any) -> None:
    """A worker's warm shutdown waits for the runs in progress: tell them to end, or the
    lingering analysis under a steady stream would never let the worker stop."""
    scheduler.stop_process()


@task_postrun.connect
def _close_connection(**_: Any) -> None:
    """Each run ends with its database connection closed, as in the scheduler's threads: a
    worker's threads live for days, and a connection kept that long breaks with its server."""
    connection.close()
