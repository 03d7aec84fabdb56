"""``yuqing run``: the web application, and the background jobs in a child process.

The simplest deployment: one service to start. The jobs run in ``yuqing scheduler`` (see
``yuqing/server/child.py`` for why a process, not a thread); its claims live in the database,
so running several of these is also safe.
"""

from __future__ import annotations

from collections.abc import Callable

from yuqing.server.child import SchedulerProcess
from yuqing.server.management.commands import serve


class Command(serve.Command):
    help = "Serve the web application and run the periodic jobs in a child process."

    def around_server(self, serve: Callable[[], None]) -> None:
        scheduler = SchedulerProcess()
        scheduler.start()
        try:
            serve()
        finally:
            scheduler.stop()
