"""``yuqing search [status|index|reindex]``: the search index and its queue.

``status`` (the default) prints the backend, how many items the index holds and how many
wait to be indexed; ``index`` indexes the waiting items now (what the ``search-index`` job of
``yuqing run`` does every few seconds); ``reindex`` rebuilds the whole index from the
database — after restoring a backup, after an upgrade that changed the index format, or to
start using the PostgreSQL backend.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yuqing.audit.context import acting
from yuqing.collect.models import Item
from yuqing.search import indexing
from yuqing.search.backends import get_backend
from yuqing.search.engine import IndexBusy
from yuqing.search.models import PendingItem


class Command(BaseCommand):
    help = "Show the search index, index waiting items now, or rebuild it from the database."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action")
        sub.add_parser("status", help="backend, indexed and waiting items (default)")
        sub.add_parser("index", help="index the items waiting in the queue now")
        sub.add_parser("reindex", help="rebuild the whole index from the database")

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting("cli"):
            getattr(self, f"_{opts.get('action') or 'status'}")()

    def _status(self) -> None:
        backend = get_backend()
        self.stdout.write(f"backend: {backend.name}")
        self.stdout.write(f"indexed: {backend.count()} of {Item.objects.count()} items")
        self.stdout.write(f"waiting: {PendingItem.objects.count()}")

    def _index(self) -> None:
        started = time.monotonic()
        done = indexing.drain()
        self.stdout.write(f"indexed {done} items in {time.monotonic() - started:.1f}s")
        if PendingItem.objects.exists():
            self.stdout.write("the index is busy (another process is writing it); "
                              "the rest waits for the next run")

    def _reindex(self) -> None:
        started = time.monotonic()
        try:
            done = indexing.reindex()
        except IndexBusy as exc:
            raise CommandError("another process is writing the index (is `yuqing run` "
                               "indexing?); try again in a moment") from exc
        self.stdout.write(f"rebuilt the {get_backend().name} index: {done} items in "
                          f"{time.monotonic() - started:.1f}s")
