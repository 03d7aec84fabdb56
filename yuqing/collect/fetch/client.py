"""The polite, bounded HTTP client every connector uses.

One request, in order: the URL must be http(s); robots.txt of its origin must allow it (unless
the source opted out); the host's gate paces it; the body is streamed and abandoned past
``max_bytes`` or past the time limit (a server that drips one byte a second defeats a plain
read timeout); redirects are followed by hand, each hop checked like the first, at most
``max_redirects`` of them and never in a circle. Timeouts, network errors, 429 and 5xx are
retried with exponential backoff (``Retry-After`` respected up to a minute). A 304 answers a
conditional GET (``If-None-Match`` / ``If-Modified-Since``) as "not modified".
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from yuqing.collect.fetch.charset import Decoded, decode
from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.fetch.hosts import GATES, Gates, HostRule, host_of
from yuqing.collect.fetch.policy import FetchPolicy
from yuqing.collect.fetch.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from yuqing.collect.fetch.robots import ROBOTS, Robots, RobotsCache

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Longest wait for a ``Retry-After``; a server asking for more is treated as failing.
_MAX_RETRY_AFTER = 60.0
# httpx logs every request at INFO: thousands of lines per run would drown the log.
logging.getLogger("httpx").setLevel(logging.WARNING)
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class Page:
    #: The URL that answered, after redirects.
    url: str
    status: int
    content: bytes
    #: Media type, lower-case, without parameters.
    content_type: str = ""
    #: The charset named by the Content-Type header, if any.
    charset: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False

    def decoded(self) -> Decoded:
        return decode(self.content, self.charset)


@dataclass
class _Answer:
    status: int
    headers: httpx.Headers
    content: bytes


class _Transient(Exception):
    """An attempt failed in a way worth retrying."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(str(error))
        self.error = error


def _size(count: int) -> str:
    return f"{count / 1_048_576:.1f} MB" if count >= 1_048_576 else f"{count // 1024} KB"


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _network_message(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server broke the HTTP protocol or closed the connection"
    return f"network error ({type(exc).__name__})"


class Fetcher:
    """Fetches URLs for one source run (thread-safe; share it between the run's threads)."""

    def __init__(self, policy: FetchPolicy, *, obey_robots: bool = True,
                 hosts: Mapping[str, HostRule] | None = None, gates: Gates = GATES,
                 robots: RobotsCache = ROBOTS) -> None:
        self.policy = policy
        self.obey_robots = obey_robots
        self._hosts = dict(hosts or {})
        self._gates = gates
        self._robots = robots
        self._token = policy.user_agent.split("/", 1)[0].strip() or "yuqing"
        self._client = httpx.Client(
            timeout=httpx.Timeout(policy.timeout), follow_redirects=False,
            headers={"User-Agent": policy.user_agent, "Accept": _ACCEPT,
                     "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )
        self._lock = threading.Lock()
        #: Requests sent (every attempt counts) and body bytes received, for the run record.
        self.requests = 0
        self.bytes = 0

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def rule(self, url: str) -> HostRule:
        """The pacing for ``url``'s host: its host policy, else the defaults."""
        default = HostRule(self.policy.host_delay, self.policy.host_concurrency)
        return self._hosts.get(host_of(url), default)

    def robots(self, url: str) -> Robots:
        """The robots.txt rules of ``url``'s origin (fetched on first use)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        return self._robots.get(origin, self._token, self._fetch_robots)

    def get(self, url: str, *, etag: str = "", last_modified: str = "",
            headers: Mapping[str, str] | None = None) -> Page:
        """The page at ``url``; raises :class:`FetchError` for anything but 2xx and 304.
        ``headers`` are sent as well (an API key, say)."""
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers, obey_robots=self.obey_robots,
                         max_bytes=self.policy.max_bytes)

    def _fetch_robots(self, url: str) -> tuple[int, bytes]:
        page = self._get(url, {}, obey_robots=False, max_bytes=ROBOTS_MAX_BYTES)
        return page.status, page.content

    def _get(self, url: str, headers: dict[str, str], *, obey_robots: bool,
             max_bytes: int) -> Page:
        _check_url(url)
        visited = [url]
        while True:
            delay = 0.0
            if obey_robots:
                robots = self.robots(url)
                if robots.blocked:
                    raise FetchError("robots_unavailable", robots.blocked)
                if not robots.allows(url):
                    raise FetchError("robots", f"robots.txt of {host_of(url)} does not allow "
                                               f"{url}")
                delay = robots.delay or 0.0
            answer, attempts = self._with_retries(url, headers, delay, max_bytes)
            location = answer.headers.get("location", "")
            if answer.status in _REDIRECTS and location:
                target = urljoin(url, location.strip())
                _check_url(target)
                if target in visited:
                    raise FetchError("redirects", "redirect loop: " + " → ".join(
                        [*visited[visited.index(target):], target]))
                visited.append(target)
                if len(visited) > self.policy.max_redirects + 1:
                    raise FetchError("redirects", f"more than {self.policy.max_redirects} "
                                     f"redirects, starting at {visited[0]}")
                url = target
                continue
            return self._page(url, answer, attempts)

    def _page(self, url: str, answer: _Answer, attempts: int) -> Page:
        if answer.status == 304:
            return Page(url, 304, b"", not_modified=True,
                        etag=answer.headers.get("etag", ""),
                        last_modified=answer.headers.get("last-modified", ""))
        if not 200 <= answer.status < 300:
            reason = httpx.codes.get_reason_phrase(answer.status)
            tries = f" (after {attempts} attempts)" if attempts > 1 else ""
            raise FetchError("http", f"HTTP {answer.status} {reason} from {url}{tries}",
                             status=answer.status)
        media, _sep, params = answer.headers.get("content-type", "").partition(";")
        declared = ""
        for param in params.split(";"):
            name, _eq, value = param.partition("=")
            if name.strip().lower() == "charset":
                declared = value.strip().strip("\"'")
        return Page(url, answer.status, answer.content, media.strip().lower(), declared,
                    answer.headers.get("etag", ""), answer.headers.get("last-modified", ""))

    def _with_retries(self, url: str, headers: dict[str, str], delay: float,
                      max_bytes: int) -> tuple[_Answer, int]:
        attempts = self.policy.retries + 1
        for attempt in range(1, attempts + 1):
            wait = self.policy.backoff * 2 ** (attempt - 1) * random.uniform(0.75, 1.25)
            try:
                answer = self._once(url, headers, delay, max_bytes)
            except _Transient as exc:
                if attempt == attempts:
                    suffix = f" (after {attempts} attempts)" if attempts > 1 else ""
                    raise FetchError(exc.error.reason, f"{exc.error}{suffix}",
                                     status=exc.error.status) from None
            else:
                if answer.status not in _RETRY_STATUSES or attempt == attempts:
                    return answer, attempt
                asked = _retry_after(answer.headers)
                if asked is not None:
                    if asked > _MAX_RETRY_AFTER:
                        return answer, attempt
                    wait = max(wait, asked)
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str], delay: float,
              max_bytes: int) -> _Answer:
        timeout = self.policy.timeout
        gate = self._gates.get(host_of(url), self.rule(url))
        with gate.slot(delay):
            started = time.monotonic()
            received = 0
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    self._count(requests=1)
                    if not 200 <= response.status_code < 300:
                        return _Answer(response.status_code, response.headers, b"")
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError("too_large", f"{url} is {_size(int(declared))}, over "
                                         f"the {_size(max_bytes)} limit; not downloaded")
                    chunks = []
                    for chunk in response.iter_bytes():
                        received += len(chunk)
                        if received > max_bytes:
                            raise FetchError("too_large", f"{url} sent more than "
                                             f"{_size(max_bytes)}; stopped reading")
                        if time.monotonic() - started > timeout:
                            raise _Transient(FetchError(
                                "timeout", f"{url} took longer than {timeout:g} s to send "
                                "its page; stopped reading"))
                        chunks.append(chunk)
                    return _Answer(response.status_code, response.headers, b"".join(chunks))
            except httpx.TimeoutException:
                raise _Transient(FetchError(
                    "timeout", f"{url} did not answer within {timeout:g} s")) from None
            except httpx.InvalidURL:
                raise FetchError("url", f"not a valid URL: {url!r}") from None
            except httpx.DecodingError:
                raise FetchError("http", f"{url} sent a body that could not be "
                                 "decompressed") from None
            except httpx.TransportError as exc:
                raise _Transient(FetchError("network",
                                            f"{url}: {_network_message(exc)}")) from None
            finally:
                self._count(received=received)

    def _count(self, *, requests: int = 0, received: int = 0) -> None:
        with self._lock:
            self.requests += requests
            self.bytes += received


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError("url", f"not a valid URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("url", f"not an http(s) URL: {url!r}")
