"""The threads of one process that send claimed deliveries.

A send waits on a remote server, so each runs in its own thread and a slow or hanging
channel holds only its own thread, up to the timeout. The dispatcher asks how many threads
are free and how many sends each channel has running, and claims no more than that: a
claimed delivery never waits in a queue behind another channel's, and one channel never
takes every thread. The threads are daemons; a send cut off by the process ending keeps its
claim until the lease runs out, and is then sent again.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable

from django.db import connection

from yuqing.audit.context import acting

logger = logging.getLogger(__name__)

Task = Callable[[], object]


class Senders:
    def __init__(self, size: int, on_done: Callable[[], None] = lambda: None) -> None:
        self.size = size
        self._on_done = on_done
        self._queue: queue.SimpleQueue[tuple[int, Task]] = queue.SimpleQueue()
        self._changed = threading.Condition()
        self._channels: Counter[int] = Counter()
        self._limits: dict[int, int] = {}
        self._threads = 0

    def free(self) -> int:
        with self._changed:
            return max(0, self.size - self._channels.total())

    def running(self, channel_id: int) -> int:
        with self._changed:
            return self._channels[channel_id]

    def full(self) -> list[int]:
        """Channels running as many sends as they may."""
        with self._changed:
            return [c for c, n in self._channels.items() if n >= self._limits.get(c, 1)]

    def submit(self, channel_id: int, task: Task, *, limit: int = 1) -> None:
        """Run ``task``, a send to ``channel_id``, which may have ``limit`` sends at once."""
        with self._changed:
            self._channels[channel_id] += 1
            self._limits[channel_id] = limit
            if self._threads < self.size:
                self._threads += 1
                threading.Thread(target=self._loop, daemon=True,
                                 name=f"notify-{self._threads}").start()
        self._queue.put((channel_id, task))

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no send is running (tests; a clean stop); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._channels.total(), timeout)

    def _loop(self) -> None:
        while True:
            channel_id, task = self._queue.get()
            try:
                with acting("system"):
                    task()
            except Exception:  # the task records its own failures; this is a bug or the DB
                logger.exception("sending to channel #%s failed", channel_id)
            finally:
                # An idle thread must not hold a connection (PostgreSQL counts them, and a
                # database cannot be dropped or migrated under them); reconnecting costs
                # milliseconds next to a send.
                connection.close()
                with self._changed:
                    self._channels[channel_id] -= 1
                    if not self._channels[channel_id]:
                        del self._channels[channel_id]
                        self._limits.pop(channel_id, None)
                    self._changed.notify_all()
                self._on_done()


_senders: Senders | None = None
_lock = threading.Lock()


def senders(size: int, on_done: Callable[[], None]) -> Senders:
    """This process's senders, created on first use with ``size`` threads at most."""
    global _senders
    with _lock:
        if _senders is None:
            _senders = Senders(size, on_done)
        return _senders
