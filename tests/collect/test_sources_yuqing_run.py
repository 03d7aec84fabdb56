"""``yuqing run`` collects sources by itself: a real process, its scheduler, the dispatcher
and the collection threads, against the local fixture site."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.collect import siteserver

_PLACE = frozenset({"DATABASE_URL", "YUQING_SQLITE_PATH", "YUQING_STATIC_ROOT",
                    "YUQING_QUARANTINE_DIR"})


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PLACE}
    env.update(YUQING_DATA_DIR=str(data_dir), YUQING_ENV_FILE=str(data_dir / "none.env"),
               YUQING_FETCH_HOST_DELAY_MS="0", YUQING_FETCH_TIMEOUT="2")
    return env


def _yuqing(data_dir: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "yuqing", *args], env=_env(data_dir),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_yuqing_run_collects_a_new_source(tmp_path: Path) -> None:
    site = siteserver.start()
    try:
        siteserver.set_up_rss_source(lambda *args: _yuqing(tmp_path, *args), site, tmp_path)
        log = tmp_path / "run.log"
        with log.open("w") as out:
            proc = subprocess.Popen([sys.executable, "-m", "yuqing", "run", "--host",
                                     "127.0.0.1", "--port", str(_free_port())],
                                    env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while site.hits("/feeds/rss.xml") == 0:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            while "healthy" not in (listing_now := _yuqing(tmp_path, "sources")):
                assert time.monotonic() < deadline, listing_now + log.read_text()
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)
        assert "3.0 items/day" in listing_now
        assert site.hits("/feeds/rss.xml") == 1  # due again only in 15 minutes
    finally:
        site.stop()
