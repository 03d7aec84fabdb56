"""Threads of ``yuqing run`` that collect claimed sources, so a slow source never holds up
the dispatcher or the other sources.

:func:`yuqing.collect.sources.dispatch.collect` takes only ids and a timestamp and keeps its
state in the database; with a broker configured, the dispatcher hands it to Celery workers
instead (:mod:`yuqing.collect.tasks`). The threads are daemons: a run cut off by the process
ending keeps its claim until its heartbeat is stale, and is then taken up again.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime

from django.db import connection

from yuqing.audit.context import acting

logger = logging.getLogger(__name__)

Job = Callable[[int, datetime], object]


class Workers:
    def __init__(self, size: int, job: Job) -> None:
        self.size = size
        self._job = job
        self._queue: queue.SimpleQueue[tuple[int, datetime]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._busy = 0
        self._waiting = 0
        self._threads: list[threading.Thread] = []

    def free(self) -> int:
        """Runs that could start now."""
        with self._lock:
            return max(0, self.size - self._busy - self._waiting)

    def submit(self, source_id: int, claimed_at: datetime) -> None:
        with self._lock:
            self._waiting += 1
            if len(self._threads) < self.size:
                thread = threading.Thread(target=self._loop, daemon=True,
                                          name=f"collect-{len(self._threads) + 1}")
                self._threads.append(thread)
                thread.start()
        self._queue.put((source_id, claimed_at))

    def _loop(self) -> None:
        while True:
            source_id, claimed_at = self._queue.get()
            with self._lock:
                self._waiting -= 1
                self._busy += 1
            try:
                with acting("system"):
                    self._job(source_id, claimed_at)
            except Exception:  # the job records its own errors; this is a bug or the database
                logger.exception("collecting source #%s failed", source_id)
            finally:
                connection.close()
                with self._lock:
                    self._busy -= 1
