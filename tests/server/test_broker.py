"""Scale-out: the scheduler hands claimed runs to a broker, ``yuqing worker`` runs them.

The in-process tests check the hand-over and the claim checks; the last one runs the real
thing — redis-server, ``yuqing scheduler`` and ``yuqing worker`` as separate processes, on a
new database of the test run's PostgreSQL server (a SQLite file without one) — and watches a
source get collected and its items analysed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests import redisserver
from tests.collect import siteserver
from yuqing.analysis.runner import analyse_pending
from yuqing.server import broker, scheduler
from yuqing.server.models import ScheduledJob
from yuqing.server.scheduler import Job, Scheduler, claim, sync

DAY = timedelta(days=1)


@pytest.fixture
def process_stop() -> Iterator[None]:
    """The process-wide stop flag is cleared again, or every later test would see it."""
    yield
    scheduler._process_stopping.clear()


@pytest.mark.django_db
def test_a_sent_run_runs_only_under_its_own_claim() -> None:
    job = scheduler.find("clearsessions")
    now = timezone.now()
    sync([job], now)
    assert claim(job, now)
    newer = now + job.every  # due again, and the first claim has timed out
    assert claim(job, newer)  # the first message waited in the broker all that time
    assert broker.run_claimed("clearsessions", now) == "lost"
    assert ScheduledJob.objects.get(name="clearsessions").running_since == newer
    assert broker.run_claimed("clearsessions", newer) == "done"
    row = ScheduledJob.objects.get(name="clearsessions")
    assert row.running_since is None and row.last_error == ""
    assert broker.run_claimed("clearsessions", newer) == "lost"  # delivered twice


@pytest.mark.django_db
def test_the_scheduler_hands_claimed_runs_over_instead_of_running_them() -> None:
    ran: list[str] = []
    sent: list[tuple[str, datetime]] = []
    job = Job("test-job", DAY, lambda: ran.append("ran"))
    now = timezone.now()
    sync([job], now)
    started = Scheduler([job], launch=lambda j, at: sent.append((j.name, at))).tick(now)
    assert started == [] and ran == []
    assert sent == [("test-job", now)]
    assert ScheduledJob.objects.get(name="test-job").running_since == now  # still claimed


@pytest.mark.django_db
def test_a_run_the_broker_refused_is_released_with_the_error() -> None:
    def refuse(job: Job, claimed_at: datetime) -> None:
        raise ConnectionRefusedError("broker down")

    job = Job("test-job", DAY, lambda: None)
    now = timezone.now()
    sync([job], now)
    Scheduler([job], launch=refuse).tick(now)
    row = ScheduledJob.objects.get(name="test-job")
    assert row.running_since is None  # not held until the job's timeout
    assert "broker down" in row.last_error
    assert row.next_due == now + DAY


@pytest.mark.django_db
def test_a_stopping_worker_ends_a_lingering_analysis(process_stop: None) -> None:
    timer = threading.Timer(0.3, scheduler.stop_process)
    timer.start()
    began = time.monotonic()
    summary = analyse_pending(linger=30)
    assert time.monotonic() - began < 3
    assert summary.batches == 0 and scheduler.stopping()
    timer.join()


def test_worker_refuses_to_start_without_a_broker(settings: object) -> None:
    settings.YUQING_CELERY_BROKER = ""  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="YUQING_CELERY_BROKER is not set"):
        call_command("worker")


@pytest.mark.django_db
def test_worker_refuses_a_concurrency_below_one(settings: object) -> None:
    settings.YUQING_CELERY_BROKER = "redis://127.0.0.1:9/0"  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="at least 1"):
        call_command("worker", "--concurrency", "0")


# --- the real processes ---------------------------------------------------------------------

_PLACE = frozenset({"DATABASE_URL", "YUQING_SQLITE_PATH", "YUQING_STATIC_ROOT",
                    "YUQING_QUARANTINE_DIR", "YUQING_CELERY_BROKER"})


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PLACE}
    env.update(YUQING_DATA_DIR=str(data_dir), YUQING_ENV_FILE=str(data_dir / "none.env"),
               YUQING_FETCH_HOST_DELAY_MS="0", YUQING_FETCH_TIMEOUT="2")
    return env


@contextlib.contextmanager
def _database(tmp_path: Path) -> Iterator[tuple[dict[str, str], Callable[[str], int]]]:
    """The processes' database: a new one on the PostgreSQL server of the test run, when there
    is one (scale-out's real setting), else a SQLite file; with a row counter for a table."""
    server = os.environ.get("DATABASE_URL", "")
    if not server:
        def count_sqlite(table: str) -> int:
            with sqlite3.connect(tmp_path / "yuqing.sqlite3") as db:
                return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

        yield {}, count_sqlite
        return
    name = f"yuqing_broker_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = server.rsplit("/", 1)[0] + "/" + name

    def count_postgres(table: str) -> int:
        with psycopg.connect(url) as db:
            row = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
            assert row is not None
            return int(row[0])

    try:
        yield {"DATABASE_URL": url}, count_postgres
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _wait(condition: Callable[[], bool], seconds: float, explain: Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, explain()
        time.sleep(0.2)


def test_scheduler_and_worker_processes_collect_and_analyse_through_redis(
        tmp_path: Path) -> None:
    with _database(tmp_path) as (database, count):
        _collect_and_analyse(tmp_path, {**_env(tmp_path), **database}, count)


def _collect_and_analyse(tmp_path: Path, env: dict[str, str],
                         count: Callable[[str], int]) -> None:
    redis = redisserver.start(tmp_path)
    site = siteserver.start()
    env["YUQING_CELERY_BROKER"] = redis.url

    def yuqing(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "yuqing", *args], env=env,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    processes: list[subprocess.Popen[bytes]] = []
    logs = {name: tmp_path / f"{name}.log" for name in ("scheduler", "worker")}
    try:
        siteserver.set_up_rss_source(yuqing, site, tmp_path)
        for name, args in (("scheduler", ["scheduler"]),
                           ("worker", ["worker", "--concurrency", "4"])):
            with logs[name].open("w") as out:
                processes.append(subprocess.Popen([sys.executable, "-m", "yuqing", *args],
                                                  env=env, stdout=out,
                                                  stderr=subprocess.STDOUT))

        def explain() -> str:
            return "\n".join(f"--- {n}\n{p.read_text()}" for n, p in logs.items())

        _wait(lambda: site.hits("/feeds/rss.xml") > 0, 60, explain)
        _wait(lambda: count("analysis_itemanalysis") == 3, 60, explain)
        assert "healthy" in yuqing("sources")
        assert count("analysis_pending") == 0
        worker_log, scheduler_log = logs["worker"].read_text(), logs["scheduler"].read_text()
        # The runs happened in the worker; the scheduler only claimed and sent them.
        assert "job analyse started" in worker_log
        assert "yuqing.collect" in worker_log
        assert "job analyse started" not in scheduler_log
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        stopped = [process.wait(30) for process in processes]
        site.stop()
        redis.stop()
    assert stopped == [0, 0]
    assert site.hits("/feeds/rss.xml") == 1  # due again only in 15 minutes
