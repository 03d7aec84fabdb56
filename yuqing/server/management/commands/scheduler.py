"""``yuqing scheduler``: the background jobs (collection, analysis, alerts, indexing) alone.

``yuqing run`` starts one of these as a child process next to its web server; a deployment
that runs services separately can run ``yuqing serve`` and ``yuqing scheduler`` instead. The
jobs' claims live in the database, so two schedulers never start the same run. With
``YUQING_CELERY_BROKER`` set it only claims runs and sends them to ``yuqing worker`` processes.
"""

from __future__ import annotations

import argparse
import os
import threading
from typing import Any

from django.core.management.base import BaseCommand

from yuqing.server import broker, web
from yuqing.server.scheduler import Scheduler


class Command(BaseCommand):
    help = "Run the periodic jobs (no web server) until SIGINT or SIGTERM."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--parent", type=int, metavar="PID",
            help="also stop when process PID is no longer this one's parent (yuqing run "
                 "passes its own: a killed yuqing run must not leave its jobs running)")

    def handle(self, *args: Any, **opts: Any) -> None:
        web.check_migrated()
        stopped = threading.Event()
        # With a broker, claimed runs go to ``yuqing worker`` processes instead of threads.
        scheduler = Scheduler(launch=broker.send_job if broker.enabled() else None)
        parent = opts["parent"]
        with web.stop_on_signals(stopped.set):
            scheduler.start()
            while not stopped.wait(1.0):
                if parent is not None and os.getppid() != parent:
                    self.stderr.write(f"parent process {parent} is gone; stopping")
                    break
            scheduler.stop()
        self.stdout.write("yuqing scheduler stopped")
