"""Run a command against a throw-away PostgreSQL server on loopback.

``python tests/pgserver.py -- pytest …`` creates a cluster in a temporary directory with
Debian's binaries, starts it on a free port bound to 127.0.0.1 only, exports ``DATABASE_URL``
for the command, and removes everything afterwards. PostgreSQL refuses to run as root, so as
root the server runs as the ``postgres`` system user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    sys.exit("PostgreSQL server binaries not found: install Debian's postgresql package")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit("usage: pgserver.py -- COMMAND [ARGS…]")
    command = argv[argv.index("--") + 1:]
    bindir = _bindir()
    workdir = Path(tempfile.mkdtemp(prefix="yuqing-pg-"))
    datadir, sockdir = workdir / "data", workdir / "sock"
    sockdir.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(sockdir, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True,  # noqa: E731
                                       stdout=subprocess.DEVNULL)
    try:
        run(str(bindir / "initdb"), "-D", str(datadir), "-U", "yuqing", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8")
        opts = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sockdir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        run(str(bindir / "pg_ctl"), "-D", str(datadir), "-o", opts, "-w",
            "-l", str(workdir / "log"), "start")
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "yuqing", "yuqing")
        env = dict(os.environ, DATABASE_URL=f"postgres://yuqing@127.0.0.1:{port}/yuqing")
        print(f"pgserver: PostgreSQL on 127.0.0.1:{port}", flush=True)
        return subprocess.call(command, env=env)
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast",
                        "-w", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
