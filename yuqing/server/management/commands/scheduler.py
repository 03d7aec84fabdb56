"""``yuqing scheduler``: the background jobs (collection, analysis, alerts, indexing) alone.

``yuqing run`` starts one of these as a child process next to its web server; a deployment
that runs services separately can run ``yuqing serve`` and ``yuqing scheduler`` instead. The
jobs' claims live in the database, so two schedulers never start the same run.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand

from yuqing.server import web
from yuqing.server.scheduler import Scheduler


class Command(BaseCommand):
    help = "Run the periodic jobs (no web server) until SIGINT or SIGTERM."

    def handle(self, *args: Any, **opts: Any) -> None:
        web.check_migrated()
        stopped = threading.Event()
        scheduler = Scheduler()
        with web.stop_on_signals(stopped.set):
            scheduler.start()
            while not stopped.wait(1.0):
                pass
            scheduler.stop()
        self.stdout.write("yuqing scheduler stopped")
