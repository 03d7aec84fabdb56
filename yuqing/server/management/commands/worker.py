"""``yuqing worker``: a Celery worker that runs the jobs the scheduler sends to the broker.

Scale-out (:mod:`yuqing.server.broker`): start as many as needed, on any machine that reaches
the broker and the database. Runs are threads, as in the embedded scheduler: the analysis run
starts its own text-stage processes (``YUQING_ANALYSIS_WORKERS``), which a process pool's
daemonic children could not, and most jobs wait on the network or the database.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yuqing.server import broker, scheduler, web


def default_concurrency() -> int:
    """One thread per registered job and per collection run at once: every job may be
    running at the same time (several run for long), and a run waiting for a thread would
    wait behind the longest of them."""
    return len(scheduler.registered()) + settings.YUQING_COLLECT_WORKERS


class Command(BaseCommand):
    help = "Run the background jobs sent through YUQING_CELERY_BROKER (scale-out)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--concurrency", type=int, default=None, metavar="N",
                            help="runs at once (default: one per registered job plus "
                                 "YUQING_COLLECT_WORKERS)")
        parser.add_argument("--hostname", default=None,
                            help="this worker's name in Celery's logs (default: celery@host)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not broker.enabled():
            raise CommandError("YUQING_CELERY_BROKER is not set: without a broker, "
                               "yuqing run (or yuqing scheduler) runs the jobs itself")
        web.check_migrated()
        concurrency = opts["concurrency"]
        if concurrency is None:
            concurrency = default_concurrency()
        elif concurrency < 1:
            raise CommandError("--concurrency must be at least 1")
        argv = ["worker", "--pool", "threads", "--concurrency", str(concurrency),
                "--loglevel", settings.YUQING_LOG_LEVEL,
                # No worker-to-worker chatter: every coordination is a claim in the database.
                "--without-gossip", "--without-mingle"]
        if opts["hostname"]:
            argv += ["--hostname", opts["hostname"]]
        broker.app.worker_main(argv)
