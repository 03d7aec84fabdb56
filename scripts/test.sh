#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite: lint and type checks,
# then pytest on SQLite (browser tests included), then again on a real PostgreSQL server
# that tests/pgserver.py starts on loopback for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export YUQING_DATA_DIR="${YUQING_DATA_DIR:-$(mktemp -d -t yuqing-test-XXXX)}"
echo "==> ruff"
.venv/bin/ruff check .
echo "==> mypy"
.venv/bin/mypy yuqing
echo "==> pytest on SQLite"
.venv/bin/pytest -p no:cacheprovider "$@"
echo "==> pytest on PostgreSQL"
.venv/bin/python tests/pgserver.py -- .venv/bin/pytest -p no:cacheprovider -m "not browser" "$@"
