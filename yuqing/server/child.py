"""The scheduler as a child process of ``yuqing run``, restarted if it dies.

Python runs one thread at a time per process. With the web server and the jobs in one
process, push-API requests and the analysis pipeline took turns on one core, and alerts fell
behind at 1,000 items/s on a 2-core machine; as two processes each gets a core.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

logger = logging.getLogger(__name__)

#: Seconds before restarting a scheduler that exited, doubled after each quick failure.
FIRST_DELAY, MAX_DELAY = 1.0, 60.0
#: A run this long is not a crash loop: the delay starts again from :data:`FIRST_DELAY`.
HEALTHY_SECONDS = 60.0
STOP_SECONDS = 20.0


class SchedulerProcess:
    """Starts ``yuqing scheduler`` and keeps it running until :meth:`stop`."""

    def __init__(self) -> None:
        self.command = [sys.executable, "-m", "yuqing", "scheduler", "--parent", str(os.getpid())]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._watcher = threading.Thread(target=self._watch, name="scheduler-process",
                                         daemon=True)

    def start(self) -> None:
        self._spawn()
        self._watcher.start()

    def stop(self) -> None:
        """SIGTERM, then a kill if the jobs in flight do not finish in :data:`STOP_SECONDS`."""
        with self._lock:  # no restart can slip in after this
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                logger.error("the scheduler did not stop in %.0f s; killing it", STOP_SECONDS)
                process.kill()
                process.wait()
        if self._watcher.is_alive():
            self._watcher.join(STOP_SECONDS)

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            self._process = subprocess.Popen(self.command)  # output goes where ours goes
        logger.info("yuqing scheduler pid %s", self._process.pid)
        return self._process

    def _watch(self) -> None:
        delay = FIRST_DELAY
        process = self._process
        while process is not None:
            began = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - began >= HEALTHY_SECONDS:
                delay = FIRST_DELAY
            logger.error("the scheduler process exited with code %s; restarting it in %.0f s",
                         code, delay)
            if self._stopping.wait(delay):
                return
            process = self._spawn()
            delay = min(delay * 2, MAX_DELAY)
