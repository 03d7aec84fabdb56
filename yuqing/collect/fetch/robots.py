"""robots.txt as RFC 9309 reads it, fetched once per host and remembered for a while.

Not :mod:`urllib.robotparser`: it ignores the ``*`` and ``$`` wildcards (common on Chinese
sites: ``Disallow: /*?*``) and applies the first matching rule instead of the longest. Here a
group for ``yuqing`` wins over ``*``; within it the longest matching rule decides, ``Allow``
winning a tie. A missing robots.txt (any 4xx) allows everything; one that cannot be fetched
(5xx, network error) disallows everything until it can be, as the RFC asks.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from yuqing.collect.fetch.errors import FetchError

#: How long a robots.txt is trusted, and how soon an unreachable one is tried again.
TTL = 24 * 3600.0
RETRY_UNREACHABLE = 600.0
#: RFC 9309: parse at least 500 KiB; anything beyond is ignored.
MAX_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 60.0


def _pattern(path: str) -> re.Pattern[str]:
    anchored = path.endswith("$")
    body = path[:-1] if anchored else path
    regex = ".*".join(re.escape(_canonical(part)) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


def _canonical(path: str) -> str:
    """Percent-encoding made uniform, so ``/新闻`` and ``/%E6%96%B0%E9%97%BB`` compare equal."""
    return quote(unquote(path), safe="/?&=;:@!$'()*+,~%-._")


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[int, bool, re.Pattern[str]]] = field(default_factory=list)
    delay: float | None = None


@dataclass
class Robots:
    """One host's rules for one product token (``yuqing``)."""

    rules: list[tuple[int, bool, re.Pattern[str]]] = field(default_factory=list)
    delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)
    #: Why everything is disallowed (robots.txt unreachable); "" when the rules decide.
    blocked: str = ""

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        target = _canonical((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if target == "/robots.txt":
            return True
        if self.blocked:
            return False
        best: tuple[int, bool] | None = None
        for length, allow, pattern in self.rules:
            if pattern.match(target) and (best is None or (length, allow) > best):
                best = (length, allow)
        return best is None or best[1]


def parse(text: str, token: str) -> Robots:
    groups: list[_Group] = []
    sitemaps: list[str] = []
    current: _Group | None = None
    in_agents = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if current is None or not in_agents:
                current = _Group()
                groups.append(current)
            current.agents.append(value.lower())
            in_agents = True
            continue
        if key == "sitemap":
            sitemaps.append(value)
            continue
        in_agents = False
        if current is None:
            continue
        if key in ("allow", "disallow") and value:
            current.rules.append((len(value), key == "allow", _pattern(value)))
        elif key == "crawl-delay":
            with contextlib.suppress(ValueError):
                current.delay = min(max(float(value), 0.0), MAX_CRAWL_DELAY)
    token = token.lower()
    chosen = ([g for g in groups if token in g.agents]
              or [g for g in groups if "*" in g.agents])
    delays = [g.delay for g in chosen if g.delay is not None]
    return Robots(rules=[rule for g in chosen for rule in g.rules],
                  delay=max(delays) if delays else None, sitemaps=sitemaps)


#: ``fetch(url) -> (status, body)`` of a 2xx answer; raises :class:`FetchError` otherwise.
Fetch = Callable[[str], tuple[int, bytes]]


class RobotsCache:
    """Rules per origin (``scheme://host:port``), fetched at most once at a time."""

    def __init__(self, ttl: float = TTL, retry_unreachable: float = RETRY_UNREACHABLE) -> None:
        self.ttl = ttl
        self.retry_unreachable = retry_unreachable
        self._entries: dict[str, tuple[float, Robots]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, origin: str, token: str, fetch: Fetch) -> Robots:
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            cached = self._entries.get(origin)
            if cached and cached[0] > time.monotonic():
                return cached[1]
            robots, ttl = self._load(origin, token, fetch)
            self._entries[origin] = (time.monotonic() + ttl, robots)
            return robots

    def _load(self, origin: str, token: str, fetch: Fetch) -> tuple[Robots, float]:
        try:
            status, body = fetch(origin + "/robots.txt")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return Robots(), self.ttl
            return (Robots(blocked=f"robots.txt could not be fetched ({exc})"),
                    self.retry_unreachable)
        if status >= 300:  # the fetch function follows redirects; a 304 is not expected
            return (Robots(blocked=f"robots.txt could not be fetched (HTTP {status})"),
                    self.retry_unreachable)
        text = body[:MAX_BYTES].decode("utf-8", "replace")
        return parse(text, token), self.ttl


#: The process's robots.txt memory.
ROBOTS = RobotsCache()
