"""The WSGI server (waitress) and what must hold before it may start."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from waitress.server import create_server

from yuqing.wsgi import application


def check_migrated() -> None:
    """Refuse to serve a database the code does not match: pages would fail one by one."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    if plan:
        raise CommandError(
            f"the database has {len(plan)} unapplied migration(s): run `yuqing migrate` first"
        )


def public_url(host: str, port: int) -> str:
    """The address to print for people: a wildcard bind is reached through loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


@contextmanager
def stop_on_signals(stop: Callable[[], object] | None = None) -> Iterator[None]:
    """Turn SIGTERM (service managers, ``docker stop``) into the same clean exit as Ctrl-C.

    By default both raise ``SystemExit``; ``stop`` is called instead where a loop polls a
    flag (the scheduler's main thread).
    """
    def handler(signum: int, frame: FrameType | None) -> None:
        if stop is None:
            # waitress ends its loop, and lets requests in flight finish, on SystemExit.
            raise SystemExit(0)
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def serve(host: str, port: int, threads: int) -> None:
    """Serve the project until SIGINT or SIGTERM, then return."""
    server = create_server(application, host=host, port=port, threads=threads)
    server.print_listen("yuqing serving on http://{}:{}")
    try:
        server.run()
    finally:
        server.close()
