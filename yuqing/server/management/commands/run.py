"""``yuqing run``: the web application and the background scheduler in one process.

The simplest deployment: one service, nothing else to start. The scheduler's claims live in
the database, so running several of these (or a separate scheduler later) is also safe.
"""

from __future__ import annotations

from collections.abc import Callable

from yuqing.server.management.commands import serve
from yuqing.server.scheduler import Scheduler


class Command(serve.Command):
    help = "Serve the web application and run the periodic jobs in the background."

    def around_server(self, serve: Callable[[], None]) -> None:
        scheduler = Scheduler()
        scheduler.start()
        try:
            serve()
        finally:
            scheduler.stop()
