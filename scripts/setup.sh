#!/usr/bin/env bash
# Installs everything yuqing needs on a fresh Debian 12 machine (Python 3.11):
# system packages, a virtual environment with the project, and front-end assets
# from the npm registry. Safe to re-run; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv python3-dev build-essential   # the virtual environment
  gettext                                    # compiles the zh-hans / en translations
  postgresql postgresql-contrib              # second database backend, tested in CI
  redis-server                               # Celery broker for scale-out
  chromium                                   # browser tests (Playwright drives Debian's build)
  fonts-wqy-zenhei fonts-noto-cjk            # Chinese fonts for PDF / DOCX reports
  libpango-1.0-0 libpangoft2-1.0-0           # WeasyPrint renders PDF reports with Pango
  nodejs npm                                 # installs the front-end libraries at build time
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may already have Node.js from another source; only its npm matters.
if command -v npm >/dev/null 2>&1; then
  tmp=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
echo "==> installing yuqing into .venv"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"

echo "==> installing front-end libraries (npm)"
npm ci --no-audit --no-fund --loglevel=error

echo "==> compiling translations"
.venv/bin/yuqing compilemessages --ignore=.venv --ignore=node_modules --ignore=var >/dev/null
echo "==> setup done"
