"""End-to-end alert benchmark: from a post pushed through the API to a webhook received.

Starts a real ``yuqing run`` (web server + scheduler, temporary data directory, SQLite) and a
local HTTP receiver configured as the unit's notify webhook channel. The unit watches 500
monitoring schemes built like district offices write them (``bench/schemes.py``: real place
names, subjects and events) plus planted ones, with two rules: a negative match from a source
of tier rank ≤ 2, and a burst of any scheme. Then it pushes real Weibo posts from
``../shared/data`` through ``POST /api/v1/items`` at a steady rate (default 1,000 items/s for
60 s) from a tier-4 "self media" source, and on top of that:

* **planted matches** — posts from a tier-1 source about invented places (``青松里007号院``
  停水…), one per planted scheme, spread over the run: each must raise exactly one alert;
* **a planted burst** — 30 posts about an invented estate (``翠湖湾``) within a few seconds:
  its scheme's first hour against an empty baseline, one burst alert expected (counted from the
  push of the 10th post, the rule's minimum count).

It prints the push rate achieved, the analysis queue's worst backlog, the latency from sending
a planted post to its webhook arriving (p50/p95/max), missed and duplicate alerts (a delivery
key received twice, or two alerts for one rule and subject), and the other alerts the real
posts raised.

    .venv/bin/python bench/alerts.py [--rate 1000] [--seconds 60] [--schemes 500] [--workers N]
                                     [--data DIR] [--broker]

``--broker`` runs the scale-out set-up on this machine: a redis-server on loopback as
``YUQING_CELERY_BROKER``, and a ``yuqing worker`` next to ``yuqing run``, whose scheduler then
only claims runs and sends them to the worker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]

import schemes as scheme_bench  # noqa: E402  (bench/schemes.py: the scheme generator)

from tests import redisserver  # noqa: E402  (a loopback redis-server, as in the tests)

SEED = 20240501
PLANTED_TEXT = "{place}停水三天了，物业一直不给说法，居民生活非常困难，大家都很愤怒（{n}）"
BURST_PLACE = "翠湖湾"
BURST_TEXT = BURST_PLACE + "小区附近发生燃气爆炸，第{i}位目击者说现场有人受伤，消防正在处置"
BURST_POSTS = 30
#: The burst rule's minimum count in an hour (yuqing.analysis.bursts.RULES[0].min_count).
BURST_MIN = 10
NAME = re.compile(r"“(planted-(?:\d{3}|burst))”")
#: Concurrent background push clients.
PUSHERS = 4
#: Posts pushed and analysed before the clock starts: the first batch loads the models.
WARM_UP = 200


def planted_place(k: int) -> str:
    return f"青松里{k:03d}号院"


# -- the webhook receiver ---------------------------------------------------------------------


@dataclass
class Received:
    at: float
    payload: dict[str, Any]


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_receiver(inbox: Inbox) -> ThreadingHTTPServer:
    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            arrived = time.time()
            with inbox.lock:
                inbox.received.append(Received(arrived, json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the bench reads the inbox."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# -- set-up (in this process, on the same SQLite file, before the server starts) -----------


@dataclass
class Setup:
    background_token: str
    official_token: str
    planted: dict[str, int]
    schemes: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def configure(data_dir: Path, port: int, workers: int) -> dict[str, str]:
    env = {**os.environ, "YUQING_DATA_DIR": str(data_dir), "YUQING_HOST": "127.0.0.1",
           "YUQING_PORT": str(port), "YUQING_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "YUQING_ANALYSIS_WORKERS": str(workers),
           "DJANGO_SETTINGS_MODULE": "yuqing.settings"}
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    return env


def set_up(count: int, planted: int, receiver_url: str) -> Setup:
    import django

    django.setup()
    from django.core.management import call_command

    from yuqing.alerts import schemes
    from yuqing.alerts.models import AlertRule, Scheme
    from yuqing.collect.models import ApiToken, CredibilityTier, Source, SourceKind
    from yuqing.notify.models import Channel
    from yuqing.orgs.actions import ensure_unit
    from yuqing.search.query import unparse

    call_command("migrate", verbosity=0)
    unit = ensure_unit("bench", "基准区")
    tiers = {t.code: t for t in CredibilityTier.objects.all()}
    crawled = Source.objects.create(name="微博采集", platform="weibo", kind=SourceKind.PUSH,
                                    unit=unit, tier=tiers["self_media"])
    official = Source.objects.create(name="权威媒体", platform="weibo", kind=SourceKind.PUSH,
                                     unit=unit, tier=tiers["central_media"])
    trees = scheme_bench.make_schemes(count, random.Random(SEED))
    rows = [Scheme(unit=unit, name=f"scheme-{pk:03d}", mode=Scheme.Mode.ADVANCED,
                   query=unparse(tree)) for pk, tree in trees.items()]
    rows += [Scheme(unit=unit, name=f"planted-{k:03d}", mode=Scheme.Mode.ADVANCED,
                    query=f"{planted_place(k)} AND 停水") for k in range(planted)]
    rows.append(Scheme(unit=unit, name="planted-burst", mode=Scheme.Mode.ADVANCED,
                       query=BURST_PLACE))
    Scheme.objects.bulk_create(rows)
    schemes.bump()  # a bulk insert sends no signal
    AlertRule.objects.create(unit=unit, name="负面·权威来源", kind=AlertRule.Kind.NEGATIVE,
                             max_tier_rank=2, min_confidence=0.6)
    AlertRule.objects.create(unit=unit, name="方案突增", kind=AlertRule.Kind.BURST,
                             burst_of=AlertRule.BurstOf.SCHEME)
    Channel.objects.create(name="bench webhook", kind="webhook", unit=unit,
                           config={"url": receiver_url})
    ids = dict(Scheme.objects.filter(name__startswith="planted-").values_list("name", "id"))
    return Setup(ApiToken.issue(crawled, "bench")[1], ApiToken.issue(official, "bench")[1], ids,
                 len(rows))


# -- pushing ----------------------------------------------------------------------------------


@dataclass
class Pushed:
    background: int = 0
    planted: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = 0.0
    finished: float = 0.0
    #: Planted scheme name → when its post was sent (wall clock, as the server's stamps).
    sent: dict[str, float] = field(default_factory=dict)


def _post(client: httpx.Client, token: str, items: list[dict[str, Any]], pushed: Pushed,
          *, planted: bool = False) -> None:
    response = client.post("/api/v1/items", json={"items": items},
                           headers={"Authorization": f"Bearer {token}"})
    with pushed.lock:
        pushed.requests += 1
        if response.status_code != 200:
            pushed.errors.append(f"{response.status_code}: {response.text[:200]}")
        elif planted:
            pushed.planted += len(items)
        else:
            pushed.background += len(items)


def _item(external_id: str, text: str) -> dict[str, Any]:
    return {"platform": "weibo", "external_id": external_id, "text": text,
            "published_at": datetime.now().astimezone().isoformat(timespec="seconds")}


def push_background(base: str, token: str, texts: list[str], rate: int, seconds: float,
                    batch: int, pushed: Pushed) -> None:
    """``rate`` items/s in requests of ``batch``, issued on a fixed schedule by a few
    concurrent clients, so one request held up by the database does not hold up the next;
    requests that fall behind are sent late, not faster: the achieved rate is reported."""
    interval = batch / rate
    steps = int(rate * seconds / batch)
    local = threading.local()

    def send(step: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=120)
        items = [_item(f"bg-{step}-{i}", texts[(step * batch + i) % len(texts)])
                 for i in range(batch)]
        _post(client, token, items, pushed)

    with ThreadPoolExecutor(max_workers=PUSHERS) as pool:
        pushed.started = time.monotonic()
        for step in range(steps):
            delay = pushed.started + step * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, step)
    pushed.finished = time.monotonic()


def push_planted(base: str, official: str, crawled: str, planted: int, seconds: float,
                 pushed: Pushed, start: float) -> None:
    """One planted match every ``seconds / (planted + 1)`` s; the burst at 40 % of the run."""
    plan: list[tuple[float, str]] = [((k + 1) * seconds / (planted + 1), f"planted-{k:03d}")
                                     for k in range(planted)]
    burst_at = 0.4 * seconds
    plan += [(burst_at + i * 0.2, f"burst-{i}") for i in range(BURST_POSTS)]
    plan.sort()
    with httpx.Client(base_url=base, timeout=60) as client:
        for at, name in plan:
            delay = start + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if name.startswith("burst-"):
                i = int(name.split("-")[1])
                if i + 1 == BURST_MIN:
                    pushed.sent["planted-burst"] = time.time()
                _post(client, crawled, [_item(name, BURST_TEXT.format(i=i + 1))], pushed,
                      planted=True)
            else:
                k = int(name.split("-")[1])
                pushed.sent[name] = time.time()
                _post(client, official, [_item(name, PLANTED_TEXT.format(
                    place=planted_place(k), n=k))], pushed, planted=True)


def warm_up(base: str, token: str, texts: list[str]) -> None:
    """Push a few posts and wait until they are analysed: the first batch of a process loads
    the segmenter and classifiers, a start-up cost a running server has long paid."""
    with httpx.Client(base_url=base, timeout=120) as client:
        _post(client, token, [_item(f"warm-{i}", text) for i, text in enumerate(texts)],
              Pushed())
    deadline = time.monotonic() + 120
    while queue_length() and time.monotonic() < deadline:
        time.sleep(0.2)


# -- watching and reporting -------------------------------------------------------------------


def queue_length() -> int:
    from yuqing.analysis.models import Pending

    return Pending.objects.filter(error="").count()


def watch_queue(stop: threading.Event, worst: list[int]) -> None:
    from django.db import connection

    while not stop.wait(1.0):
        worst.append(queue_length())
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


STEPS = ("stored", "analysed and raised", "delivered")


def breakdown(sent: dict[str, float], received: dict[str, float]) -> dict[str, tuple[float, ...]]:
    """Per planted alert: send → item stored (its ``collected_at``) → analysed and alert
    raised (``first_fired``) → webhook received (:data:`STEPS`), from the server's own time
    stamps (the same machine clock as the bench's)."""
    from yuqing.alerts.models import Alert
    from yuqing.collect.models import Item

    spans: dict[str, tuple[float, ...]] = {}
    for name, at in sent.items():
        alert = Alert.objects.filter(scheme__name=name).order_by("id").first()
        if alert is None or name not in received:
            continue
        post = name if name != "planted-burst" else f"burst-{BURST_MIN - 1}"
        stored = Item.objects.get(external_id=post).collected_at.timestamp()
        marks = [at, stored, alert.first_fired.timestamp(), received[name]]
        spans[name] = tuple(end - begin for begin, end in pairwise(marks))
    return spans


def report(setup: Setup, pushed: Pushed, inbox: Inbox, backlog: list[int],
           rate: int, seconds: float) -> None:
    from django.db.models import Count

    from yuqing.alerts.models import Alert
    from yuqing.analysis.models import ItemAnalysis
    from yuqing.collect.models import Item

    span = pushed.finished - pushed.started
    print(f"pushed {pushed.background:,} real posts ({rate * seconds:,.0f} planned at "
          f"{rate}/s) in {span:.1f} s: {pushed.background / span:,.0f} items/s achieved; "
          f"plus {pushed.planted} planted; {pushed.requests:,} requests, "
          f"{len(pushed.errors)} failed"
          + (f" (first: {pushed.errors[0]})" if pushed.errors else ""))
    print(f"analysis queue: worst backlog {max(backlog, default=0):,} items "
          f"(sampled every second); {ItemAnalysis.objects.count():,} of "
          f"{Item.objects.count():,} items analysed at the end")
    first: dict[str, float] = {}
    keys: Counter[str] = Counter()
    other = 0
    for got in inbox.received:
        keys[got.payload.get("key", "")] += 1
        found = NAME.search(got.payload.get("body", ""))
        if found and found.group(1) in setup.planted:
            first.setdefault(found.group(1), got.at)
        elif not got.payload.get("key", "").endswith(":escalated"):
            other += 1
    latencies = {name: first[name] - sent for name, sent in pushed.sent.items()
                 if name in first}
    expected = sorted(pushed.sent)
    missed = [name for name in expected if name not in first]
    repeated = {key: n for key, n in keys.items() if n > 1}
    twins = list(Alert.objects.values("rule_id", "subject_key").annotate(n=Count("id"))
                 .filter(n__gt=1))
    values = list(latencies.values())
    spans = breakdown(pushed.sent, first)
    if values:
        print(f"latency push → webhook over {len(values)} planted alerts: "
              f"p50 {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s, "
              f"max {max(values):.2f} s (burst: {latencies.get('planted-burst', float('nan')):.2f}"
              f" s from its {BURST_MIN}th post)")
    if spans:
        print("  where it went (medians): " + ", ".join(
            f"{label} {statistics.median(s[i] for s in spans.values()):.2f} s"
            for i, label in enumerate(STEPS)))
        slowest = sorted(spans, key=lambda name: -latencies[name])[:3]
        print("  slowest: " + "; ".join(
            f"{name} sent {datetime.fromtimestamp(pushed.sent[name]):%H:%M:%S.%f}"[:-3] + ": "
            + ", ".join(
                f"{label} {span:.2f} s" for label, span in zip(STEPS, spans[name],
                                                                strict=True))
            for name in slowest))
    print(f"missed: {len(missed)} of {len(expected)} planted"
          + (f" ({', '.join(missed[:10])})" if missed else ""))
    print(f"duplicates: {len(repeated)} delivery keys received more than once, "
          f"{len(twins)} rule/subject pairs with more than one alert")
    alerts = Alert.objects.count()
    print(f"alerts raised: {alerts} ({len(setup.planted)} planted schemes; {other} webhook "
          f"messages about the real posts' own matches and bursts); "
          f"{len(inbox.received)} webhook requests in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=scheme_bench.DATA)
    parser.add_argument("--rate", type=int, default=1000, help="background items per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=100, help="items per push request")
    parser.add_argument("--schemes", type=int, default=500)
    parser.add_argument("--planted", type=int, default=20)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="YUQING_ANALYSIS_WORKERS of the server (default: cores - 1)")
    parser.add_argument("--drain", type=float, default=60.0,
                        help="seconds to wait after pushing for the last alerts")
    parser.add_argument("--broker", action="store_true",
                        help="jobs through a local Redis to a yuqing worker (scale-out)")
    parser.add_argument("--log", type=Path,
                        help="keep the server's log here (YUQING_LOG_LEVEL sets its detail)")
    args = parser.parse_args()

    texts = [t for corpus in scheme_bench.datasets(args.data).values() for t in corpus
             if t.strip()]
    random.Random(SEED).shuffle(texts)
    inbox = Inbox()
    receiver = start_receiver(inbox)
    host, port = receiver.server_address[:2]
    with tempfile.TemporaryDirectory(prefix="yuqing-bench-alerts-") as tmp:
        data_dir = Path(tmp)
        web_port = free_port()
        env = configure(data_dir, web_port, args.workers)
        started = time.perf_counter()
        setup = set_up(args.schemes, args.planted, f"http://{host!s}:{port}/hook")
        print(f"{setup.schemes} schemes ({args.planted} planted + the burst's) and 2 rules set "
              f"up in {time.perf_counter() - started:.1f} s; {len(texts):,} real posts to draw "
              f"from; {args.workers} analysis worker process(es)")
        log = data_dir / "run.log"
        redis = redisserver.start(data_dir) if args.broker else None
        processes = [["run"]]
        if redis is not None:
            env["YUQING_CELERY_BROKER"] = redis.url
            processes.append(["worker"])
        with log.open("w") as out:
            servers = [subprocess.Popen([sys.executable, "-m", "yuqing", *command], env=env,
                                        stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
                       for command in processes]
        server = servers[0]
        base = f"http://127.0.0.1:{web_port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/login/", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("yuqing run did not start:\n" + log.read_text())
                time.sleep(0.2)
            warm_up(base, setup.background_token, texts[-WARM_UP:])
            pushed = Pushed()
            stop = threading.Event()
            backlog: list[int] = []
            watcher = threading.Thread(target=watch_queue, args=(stop, backlog), daemon=True)
            watcher.start()
            start = time.monotonic()
            planter = threading.Thread(target=push_planted, args=(
                base, setup.official_token, setup.background_token, args.planted, args.seconds,
                pushed, start))
            planter.start()
            push_background(base, setup.background_token, texts, args.rate, args.seconds,
                            args.batch, pushed)
            planter.join()
            deadline = time.monotonic() + args.drain
            while time.monotonic() < deadline:
                got = {m.group(1) for r in list(inbox.received)
                       if (m := NAME.search(r.payload.get("body", "")))}
                if set(pushed.sent) <= got and queue_length() == 0:
                    break
                time.sleep(0.5)
            time.sleep(2.0)  # let late (duplicate) deliveries show up if there were any
            stop.set()
            watcher.join()
        finally:
            for process in servers:
                process.send_signal(signal.SIGTERM)
            for process in servers:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
            if redis is not None:
                redis.stop()
        report(setup, pushed, inbox, backlog, args.rate, args.seconds)
        if args.log:
            args.log.write_text(log.read_text())
        errors = [line for line in log.read_text().splitlines() if " ERROR " in line]
        if errors:
            print(f"{len(errors)} errors in the server log, first: {errors[0]}")
    receiver.shutdown()


if __name__ == "__main__":
    main()
