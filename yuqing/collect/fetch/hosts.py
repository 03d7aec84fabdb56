"""Per-host pacing and concurrency, shared by every source and thread of the process.

Politeness is owed to a *host*, not to a source: five sources on one site must together stay
within the site's limits. Each host gets a gate: at most ``concurrency`` requests in flight,
and request starts spaced ``delay`` seconds apart (or more, when robots.txt asks for a
crawl-delay). The gates live in memory, one set per process; workers on several machines
each keep their own (README, "Scale-out").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit


def host_of(url: str) -> str:
    """``host`` or ``host:port`` (default ports left out), lower-case: the politeness key."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80)
                     or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return host


@dataclass(frozen=True)
class HostRule:
    #: Seconds between the starts of two requests.
    delay: float
    concurrency: int


class HostGate:
    def __init__(self, rule: HostRule, next_start: float = 0.0) -> None:
        self.rule = rule
        self._slots = threading.BoundedSemaphore(max(1, rule.concurrency))
        self._lock = threading.Lock()
        self.next_start = next_start

    @contextmanager
    def slot(self, min_delay: float = 0.0) -> Iterator[None]:
        """Hold one of the host's request slots, started no sooner than the pacing allows."""
        with self._slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self.next_start)
                self.next_start = start + max(self.rule.delay, min_delay)
            if start > now:
                time.sleep(start - now)
            yield


class Gates:
    """The gate of each host; a changed rule (an edited host policy) replaces the gate and
    keeps its pacing, while requests already inside the old one finish there."""

    def __init__(self) -> None:
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()

    def get(self, host: str, rule: HostRule) -> HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None or gate.rule != rule:
                gate = self._gates[host] = HostGate(rule, gate.next_start if gate else 0.0)
            return gate


#: The process's gates.
GATES = Gates()
