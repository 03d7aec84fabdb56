"""Benchmark of scheduled collection: a local news site of 10,000 articles behind list pages.

A server process serves ``/V/list/N.html`` (50 article links each, and a link
"下一页" to the next) and ``/V/a/ID.html`` (a ~6 KB Chinese article page with navigation,
sidebar and footer, like a district news site), with ETags; V gives every run its own
pages. A web source is collected into a fresh SQLite database in a temporary data
directory, end to end — robots.txt, list pages, article fetches, extraction, the ingest
pipeline, the seen-URL memory — and pages/s and items/s are printed for:

* the default politeness (one request per second per host, two at once), over a short run;
* politeness relaxed for a trusted host (a host policy: no pause, ``--concurrency`` at once),
  with automatic extraction (trafilatura) and with configured selectors (lxml only);
* a re-run of the relaxed source (everything already seen: one 304).

``--profile`` collects the relaxed source again with the fetch threads replaced by a single
thread, under cProfile, and prints where the CPU time goes.

    .venv/bin/python bench/collect.py [--articles 10000] [--concurrency 4] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import multiprocessing
import os
import pstats
import sys
import tempfile
import time
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PER_LIST = 50

_NAV = "".join(f'<li><a href="/channel/{i}.html">栏目{i}</a></li>' for i in range(1, 25))
_SIDE = "".join(f'<li><a href="/topic/{i}.html">专题报道：城市更新第{i}期</a></li>'
                for i in range(1, 16))
_SENTENCES = ("滨江区今天召开新闻发布会，介绍城市更新和民生实事项目的最新进展。",
              "区住建局负责人表示，今年以来全区共启动老旧小区改造项目二十三个。",
              "市民代表参加了会议，并就停车难、加装电梯等问题提出意见建议。",
              "相关部门负责人逐一回答了记者提问，表示将尽快研究落实。")


def _article(number: int) -> bytes:
    day = 1 + number % 28
    paragraphs = "".join(
        f"<p>{''.join(_SENTENCES[(number + i + j) % 4] for j in range(3))}</p>"
        for i in range(8))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>滨江新闻第{number}号：城市更新工作取得新进展_滨江新闻网</title></head>
<body><div class="header"><ul class="nav">{_NAV}</ul></div>
<div class="main"><div class="article">
<h1 class="title">滨江新闻第{number}号：城市更新工作取得新进展</h1>
<div class="info">发布时间：2026年10月{day:02d}日 {number % 24:02d}:{number % 60:02d}
　来源：滨江发布</div>
<div class="content">{paragraphs}</div></div>
<div class="sidebar"><h3>热点专题</h3><ul>{_SIDE}</ul></div></div>
<div class="footer">版权所有 © 2026 滨江新闻网 地址：滨江区江滨路1号 备案号：浙ICP备00000000号</div>
</body></html>""".encode()


def _list(variant: str, page: int, pages: int, articles: int) -> bytes:
    first = (page - 1) * PER_LIST + 1
    links = "".join(
        f'<li><a href="/{variant}/a/{n}.html">滨江新闻第{n}号：城市更新工作取得新进展</a>'
        f'<span class="date">10-{1 + n % 28:02d}</span></li>'
        for n in range(first, min(first + PER_LIST, articles + 1)))
    following = f'<a href="/{variant}/list/{page + 1}.html">下一页</a>' if page < pages else ""
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>本地要闻 第{page}页 - 滨江新闻网</title></head>
<body><div class="header"><ul class="nav">{_NAV}</ul></div>
<ul class="news-list">{links}</ul><div class="pager">{following}</div>
<div class="footer">版权所有 © 2026 滨江新闻网</div></body></html>""".encode()


def _serve(articles: int, ready: Any) -> None:
    pages = -(-articles // PER_LIST)
    cache: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle's algorithm the second waits for
        # the client's delayed ACK (40 ms) and the benchmark would measure that instead.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            path = self.path
            body = cache.get(path)
            if body is None:
                # /<variant>/list/N.html and /<variant>/a/N.html: each run its own articles.
                variant, _sep, rest = path.lstrip("/").partition("/")
                if path == "/robots.txt":
                    body = b"User-agent: *\nDisallow: /admin/\n"
                elif rest.startswith("list/"):
                    body = _list(variant, int(rest[5:].split(".")[0]), pages, articles)
                elif rest.startswith("a/"):
                    body = _article(int(rest[2:].split(".")[0]))
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                cache[path] = body
            etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ready.put(server.server_address[1])
    server.serve_forever()


def _setup(data_dir: Path) -> None:
    os.environ["YUQING_DATA_DIR"] = str(data_dir)
    os.environ["YUQING_ENV_FILE"] = str(data_dir / "none.env")
    for name in ("DATABASE_URL", "YUQING_SQLITE_PATH"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "yuqing.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    from yuqing.orgs.actions import ensure_unit

    call_command("migrate", verbosity=0)
    ensure_unit("bench", "基准测试单位")


class _Inline:
    """A stand-in for the fetch thread pool that runs each task at once, in this thread, so
    that cProfile sees the fetching and extraction too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def submit(self, func: Any, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(func(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future


def _collect(label: str, base: str, *, name: str, pages: int, max_pages: int,
             config: dict[str, Any], relaxed: int, profile: bool = False) -> None:
    from django.conf import settings

    from yuqing.collect.models import HostPolicy, Source
    from yuqing.collect.sources import dispatch, run
    from yuqing.orgs.models import Unit

    settings.YUQING_COLLECT_MAX_PAGES = max_pages
    host = base.removeprefix("http://")
    HostPolicy.objects.filter(host=host).delete()
    if relaxed:
        HostPolicy.objects.create(host=host, delay_ms=0, concurrency=relaxed,
                                  note="benchmark: trusted local host")
    source, _created = Source.objects.get_or_create(
        platform="news", name=name, defaults={
            "kind": "web", "url": f"{base}/{name}/list/1.html",
            "unit": Unit.objects.get(code="bench"),
            "config": {"list_pages": pages, **config}})
    profiler = cProfile.Profile() if profile else None
    if profile:
        run.ThreadPoolExecutor = _Inline  # type: ignore[assignment,misc]
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    record = dispatch.run_now(source)
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert record is not None
    problems = f", {len(record.problems)} problems" if record.problems else ""
    print(f"{label}: {record.requests:,} pages ({record.not_modified} not modified) and "
          f"{record.inserted:,} new items in {seconds:.1f} s = "
          f"{record.requests / seconds:,.0f} pages/s, {record.inserted / seconds:,.0f} items/s "
          f"(CPU {cpu:.1f} s, {record.outcome}{problems})", flush=True)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="requests at once to the trusted host (default 4)")
    parser.add_argument("--default-pages", type=int, default=20,
                        help="articles fetched at the default politeness (default 20)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile a relaxed run (single-threaded)")
    args = parser.parse_args()
    ready: Any = multiprocessing.get_context("fork").Queue()
    server = multiprocessing.get_context("fork").Process(
        target=_serve, args=(args.articles, ready), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ready.get(timeout=10)}"
    lists = -(-args.articles // PER_LIST)
    print(f"site: {args.articles:,} articles behind {lists} list pages at {base}")
    selectors = {"link_selector": "ul.news-list a", "title_selector": "h1.title",
                 "body_selector": "div.content p", "time_selector": "div.info"}
    everything = args.articles + lists + 10
    try:
        with tempfile.TemporaryDirectory(prefix="yuqing-bench-") as tmp:
            _setup(Path(tmp))
            _collect("default politeness (1 request/s per host, 2 at once)", base,
                     name="default", pages=1, max_pages=args.default_pages, config={},
                     relaxed=0)
            _collect(f"relaxed ({args.concurrency} at once, no pause), automatic extraction",
                     base, name="auto", pages=lists, max_pages=everything, config={},
                     relaxed=args.concurrency)
            _collect(f"relaxed ({args.concurrency} at once, no pause), selectors", base,
                     name="selectors", pages=lists, max_pages=everything, config=selectors,
                     relaxed=args.concurrency)
            _collect("re-run of the relaxed source (all seen)", base, name="selectors",
                     pages=lists, max_pages=everything, config=selectors,
                     relaxed=args.concurrency)
            if args.profile:
                _collect("profiled (one thread), automatic extraction", base, name="profiled",
                         pages=lists, max_pages=min(everything, 2000), config={},
                         relaxed=args.concurrency, profile=True)
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
