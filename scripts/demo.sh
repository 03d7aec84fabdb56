#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), loads the fictional demo district and starts yuqing
# with its scheduler. Prints the URL and the demo logins; Ctrl-C stops it. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export YUQING_DATA_DIR="${YUQING_DATA_DIR:-$PWD/var}"
exec .venv/bin/yuqing demo --serve "$@"
