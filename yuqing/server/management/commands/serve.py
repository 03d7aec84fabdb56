"""``yuqing serve``: the web application on waitress, nothing else."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from yuqing.server import web


class Command(BaseCommand):
    help = "Serve the web application with waitress (static files included)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default=settings.YUQING_HOST,
                            help="address to listen on (default: YUQING_HOST)")
        parser.add_argument("--port", type=int, default=settings.YUQING_PORT,
                            help="port to listen on (default: YUQING_PORT)")

    def handle(self, *args: Any, **opts: Any) -> None:
        web.check_migrated()
        with web.stop_on_signals():
            self.around_server(lambda: web.serve(opts["host"], opts["port"],
                                                 settings.YUQING_WEB_THREADS))
        self.stdout.write("yuqing stopped")

    def around_server(self, serve: Callable[[], None]) -> None:
        """What runs alongside the web server; ``yuqing run`` adds the scheduler here."""
        serve()
