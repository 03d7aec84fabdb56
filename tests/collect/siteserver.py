"""A real HTTP server on 127.0.0.1 serving the fixture sites, with misbehaving endpoints.

Files under ``tests/fixtures/sites`` are served as they are, except that ``{{base}}`` in text
files becomes the server's own address (sitemaps and feeds need absolute URLs). Static files
carry an ETag and a Last-Modified and answer conditional requests with 304. Every request is
logged, so tests can assert what was fetched, how often, and with which headers.

Misbehaving endpoints, under ``/bad/``: ``slow`` (answers after ``slow_seconds``), ``drip``
(one byte every 0.2 s), ``500``, ``flaky`` (500 twice, then a feed), ``loop`` (a redirect
circle), ``redirects/N`` (a chain of N), ``huge`` (``huge_bytes`` of body, no length given),
``huge-declared`` (announces 50 MB), ``wrong-charset`` (GBK bytes labelled UTF-8),
``429`` (once, with Retry-After); ``robots_status`` makes robots.txt answer with an error.
The JSON API lives under ``/api/``; ``/sitemap/news.xml.gz`` is a gzipped sitemap.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
#: One fixed modification time for every fixture file, so Last-Modified is stable.
_MODIFIED = formatdate(1_795_219_200, usegmt=True)
_TYPES = {".html": "text/html", ".xml": "application/xml", ".json": "application/json",
          ".txt": "text/plain"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class SiteServer:
    root: Path = SITES
    slow_seconds: float = 3.0
    huge_bytes: int = 1024 * 1024
    #: ``robots.txt`` answers with this status instead of the file (0: serve the file).
    robots_status: int = 0
    log: list[Request] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    stopping: threading.Event = field(default_factory=threading.Event)
    _server: _Server | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return self.counts[path]

    def start(self) -> SiteServer:
        site = self

        class Handler(_Handler):
            server_site = site

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early (timeouts, size caps) are what the tests are about."""


class _Handler(BaseHTTPRequestHandler):
    server_site: SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is kept in :attr:`SiteServer.log`."""

    def do_GET(self) -> None:
        site = self.server_site
        parts = urlsplit(self.path)
        site.log.append(Request("GET", parts.path, {k.lower(): v for k, v in
                                                    self.headers.items()}))
        site.counts[parts.path] += 1
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        handler = _ROUTES.get(parts.path) or next(
            (h for prefix, h in _PREFIXES if parts.path.startswith(prefix)), None)
        if handler is not None:
            handler(self, query)
        else:
            self._static(parts.path)

    # --- helpers -----------------------------------------------------------------------------

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _static(self, path: str) -> None:
        site = self.server_site
        if path == "/robots.txt" and site.robots_status:
            self.send(site.robots_status, b"robots unavailable", "text/plain")
            return
        file = (site.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if site.root not in file.parents or not file.is_file():
            self.send(404, b"<html><body>not found</body></html>")
            return
        body = file.read_bytes()
        if file.suffix in (".html", ".xml", ".json", ".txt"):
            body = body.replace(b"{{base}}", site.base.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send(304, headers={"ETag": etag})
            return
        content_type = _TYPES.get(file.suffix, "application/octet-stream")
        # GBK pages, like many real ones, declare their charset only inside the document.
        gbk = file.relative_to(site.root).parts[0] == "gbk" or "-gbk" in file.name
        if file.suffix in (".html", ".json", ".txt") and not gbk:
            content_type += "; charset=utf-8"
        self.send(200, body, content_type, {"ETag": etag, "Last-Modified": _MODIFIED})


Route = Callable[[_Handler, dict[str, str]], None]


def _slow(handler: _Handler, query: dict[str, str]) -> None:
    handler.server_site.stopping.wait(handler.server_site.slow_seconds)
    handler.send(200, b"<html><body>late</body></html>")


def _drip(handler: _Handler, query: dict[str, str]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    for _ in range(100):
        if handler.server_site.stopping.wait(0.2):
            return
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return


def _error(handler: _Handler, query: dict[str, str]) -> None:
    handler.send(500, b"<html><body>Internal Server Error</body></html>")


def _flaky(handler: _Handler, query: dict[str, str]) -> None:
    if handler.server_site.hits("/bad/flaky") <= 2:
        _error(handler, query)
    else:
        handler._static("/feeds/rss.xml")


def _loop(handler: _Handler, query: dict[str, str]) -> None:
    target = "/bad/loop2" if urlsplit(handler.path).path == "/bad/loop" else "/bad/loop"
    handler.send(302, headers={"Location": target})


def _chain(handler: _Handler, query: dict[str, str]) -> None:
    left = int(urlsplit(handler.path).path.rsplit("/", 1)[1])
    target = f"/bad/redirects/{left - 1}" if left > 1 else "/news/index.html"
    handler.send(301, headers={"Location": target})


def _huge(handler: _Handler, query: dict[str, str]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"<p>" + "很长的页面".encode() * 200 + b"</p>"
    sent = 0
    try:
        while sent < handler.server_site.huge_bytes:
            handler.wfile.write(chunk)
            sent += len(chunk)
    except OSError:
        pass
    handler.close_connection = True


def _huge_declared(handler: _Handler, query: dict[str, str]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(50 * 1024 * 1024))
    handler.end_headers()
    handler.close_connection = True


def _wrong_charset(handler: _Handler, query: dict[str, str]) -> None:
    body = (handler.server_site.root / "gbk/2026/11/21/b2002.html").read_bytes()
    handler.send(200, body, "text/html; charset=utf-8")


def _too_many(handler: _Handler, query: dict[str, str]) -> None:
    if handler.server_site.hits("/bad/429") == 1:
        handler.send(429, b"slow down", "text/plain", {"Retry-After": "1"})
    else:
        handler._static("/feeds/atom.xml")


def _gzipped_sitemap(handler: _Handler, query: dict[str, str]) -> None:
    text = (handler.server_site.root / "sitemap" / "sitemap-news.xml").read_text("utf-8")
    body = gzip.compress(text.replace("{{base}}", handler.server_site.base).encode())
    handler.send(200, body, "application/x-gzip")


def _api_items(handler: _Handler) -> list[dict[str, Any]]:
    text = (handler.server_site.root / "api" / "items.json").read_text("utf-8")
    data: list[dict[str, Any]] = json.loads(text.replace("{{base}}", handler.server_site.base))
    return data


def _api_pages(handler: _Handler, query: dict[str, str]) -> None:
    """``/api/news?page=N&size=S``: ``{"code": 0, "data": {"list": [...], "total": T}}``."""
    items = _api_items(handler)
    page, size = int(query.get("page", "1")), int(query.get("size", "2"))
    chunk = items[(page - 1) * size:page * size]
    body = json.dumps({"code": 0, "data": {"list": chunk, "total": len(items)}},
                      ensure_ascii=False).encode()
    handler.send(200, body, "application/json; charset=utf-8")


def _api_cursor(handler: _Handler, query: dict[str, str]) -> None:
    """``/api/feed?cursor=C``: two items per answer and ``next`` until the end."""
    items = _api_items(handler)
    start = int(query.get("cursor", "0"))
    following = start + 2 if start + 2 < len(items) else None
    body = json.dumps({"items": items[start:start + 2], "next": following},
                      ensure_ascii=False).encode()
    handler.send(200, body, "application/json")


def _api_not_json(handler: _Handler, query: dict[str, str]) -> None:
    handler.send(200, b"<html><body>Login required</body></html>", "text/html")


_ROUTES: dict[str, Route] = {
    "/bad/slow": _slow, "/bad/drip": _drip, "/bad/500": _error, "/bad/flaky": _flaky,
    "/bad/loop": _loop, "/bad/loop2": _loop, "/bad/huge": _huge,
    "/bad/huge-declared": _huge_declared, "/bad/wrong-charset": _wrong_charset,
    "/bad/429": _too_many, "/api/news": _api_pages, "/api/feed": _api_cursor,
    "/api/broken": _api_not_json, "/sitemap/news.xml.gz": _gzipped_sitemap,
}
_PREFIXES: list[tuple[str, Route]] = [("/bad/redirects/", _chain)]


def start(**options: Any) -> SiteServer:
    """A started server; stop it with :meth:`SiteServer.stop`."""
    server = SiteServer(**options)
    return server.start()


def fast_fetching(settings: Any) -> None:
    """Test-sized limits: the misbehaving endpoints answer in seconds, not minutes."""
    settings.YUQING_FETCH_TIMEOUT = 1
    settings.YUQING_FETCH_BACKOFF_MS = 10
    settings.YUQING_FETCH_HOST_DELAY_MS = 0
    settings.YUQING_FETCH_RETRIES = 1
    settings.YUQING_FETCH_HOST_CONCURRENCY = 4
    settings.YUQING_FETCH_MAX_BYTES = 256 * 1024


def set_up_rss_source(yuqing: Callable[..., str], site: SiteServer, directory: Path) -> None:
    """Through the ``yuqing`` commands of a fresh data directory (``yuqing(*args)`` runs one):
    migrate, a district unit, and one RSS source reading the site's feed (three items)."""
    yuqing("migrate", "-v0")
    yuqing("shell", "-c", "from yuqing.orgs.actions import ensure_unit; "
                          "ensure_unit('district', '滨江区')")
    listing = directory / "sources.yaml"
    listing.write_text(yaml.safe_dump({"sources": [
        {"name": "滨江发布", "platform": "news", "kind": "rss",
         "url": site.url("/feeds/rss.xml"), "unit": "district"}]}, allow_unicode=True),
        encoding="utf-8")
    yuqing("sources", "import", str(listing))


def make_source(kind: str, url: str = "", *, unit: Any, name: str = "",
                platform: str = "news", **fields: Any) -> Any:
    """A source of ``kind`` in ``unit`` (named after its kind unless ``name`` is given)."""
    from yuqing.collect.models import Source

    return Source.objects.create(name=name or f"{kind} source", platform=platform, kind=kind,
                                 url=url, unit=unit, **fields)


def collect(source: Any) -> Any:
    """Run ``source`` once, now, as ``yuqing sources fetch`` does; returns its FetchRun."""
    from yuqing.collect.sources import dispatch

    run = dispatch.run_now(source)
    assert run is not None, "the source was already claimed"
    return run
