"""``yuqing serve`` and ``yuqing run`` as real processes, spoken to over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HTMX = "/static/vendor/htmx/htmx.min.js"


#: Variables that would point the server at another database or data directory.
_PLACE = frozenset({"DATABASE_URL", "YUQING_SQLITE_PATH", "YUQING_STATIC_ROOT",
                    "YUQING_QUARANTINE_DIR"})


def _env(data_dir: Path) -> dict[str, str]:
    """A throw-away SQLite database in ``data_dir``, whatever the test run itself uses."""
    env = {k: v for k, v in os.environ.items() if k not in _PLACE}
    env.update(YUQING_DATA_DIR=str(data_dir), YUQING_ENV_FILE=str(data_dir / "none.env"))
    return env


def _yuqing(data_dir: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yuqing", *args], env=_env(data_dir),
                          capture_output=True, text=True, timeout=60, check=False,
                          **kwargs)  # type: ignore[call-overload]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("served")
    result = _yuqing(data_dir, "migrate", "-v0")
    assert result.returncode == 0, result.stderr
    return data_dir


@contextmanager
def _running(data_dir: Path, command: str) -> Iterator[tuple[str, Path]]:
    """Start the server, wait until it answers, yield (base URL, log); stop it with SIGTERM
    and check that it shut down cleanly."""
    port = _free_port()
    log = data_dir / f"{command}-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "yuqing", command, "--host", "127.0.0.1", "--port", str(port)],
            env=_env(data_dir), stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                _get(base + "/login/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base, log
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "yuqing stopped" in log.read_text()


def test_serve_answers_pages_and_static_files(migrated: Path) -> None:
    with _running(migrated, "serve") as (base, _log):
        status, body = _get(base + "/login/")
        assert status == 200
        assert b"csrfmiddlewaretoken" in body
        status, body = _get(base + HTMX)
        assert status == 200
        assert b"htmx" in body
        with pytest.raises(urllib.error.HTTPError) as missing:
            _get(base + "/static/vendor/htmx/no-such-file.js")
        assert missing.value.code == 404


def _wait_for(log: Path, text: str, count: int = 1) -> None:
    deadline = time.monotonic() + 60  # a child Python process starting on a busy CI machine
    while log.read_text().count(text) < count:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


def test_run_also_runs_the_scheduler(migrated: Path) -> None:
    with _running(migrated, "run") as (base, log):
        _wait_for(log, "job clearsessions finished")
        assert _get(base + HTMX)[0] == 200
    assert "yuqing scheduler stopped" in log.read_text()


def test_run_restarts_a_scheduler_that_died(migrated: Path) -> None:
    with _running(migrated, "run") as (base, log):
        _wait_for(log, "scheduler started")
        child = int(next(line.split()[-1] for line in log.read_text().splitlines()
                          if "yuqing scheduler pid" in line))
        os.kill(child, signal.SIGKILL)
        _wait_for(log, "restarting it in 1 s")
        _wait_for(log, "scheduler started", count=2)
        assert _get(base + "/login/")[0] == 200  # the web server never stopped
    assert "yuqing scheduler stopped" in log.read_text()


def test_a_killed_run_leaves_no_scheduler_behind(migrated: Path) -> None:
    port = _free_port()
    log = migrated / f"killed-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "yuqing", "run", "--host", "127.0.0.1", "--port", str(port)],
            env=_env(migrated), stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(log, "scheduler started")
        child = int(next(line.split()[-1] for line in log.read_text().splitlines()
                         if "yuqing scheduler pid" in line))
    finally:
        proc.kill()  # no chance to stop its child
        proc.wait()
    _wait_for(log, "yuqing scheduler stopped")
    deadline = time.monotonic() + 30
    while Path(f"/proc/{child}").exists():  # gone, not a zombie: init reaps orphans
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    assert f"parent process {proc.pid} is gone" in log.read_text()


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = _yuqing(tmp_path, "serve", "--port", str(_free_port()))
    assert result.returncode != 0
    assert "yuqing migrate" in result.stderr
