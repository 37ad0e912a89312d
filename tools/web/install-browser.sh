#!/usr/bin/env bash
# What the browser tests (tests/web) need, for CI and for a new machine:
#   * Debian's Chromium (/usr/bin/chromium): Playwright's own browser download cannot work
#     here, so never run `playwright install`;
#   * a Devanagari font, so that the Hindi pages (and their screenshots) show letters,
#     not boxes;
#   * Playwright for Python, whose driver ships inside the wheel.
# Safe to run again: it installs only what is missing.
#
# Usage: tools/web/install-browser.sh [PYTHON]   (default: .venv/bin/python, else python3)
set -euo pipefail

cd "$(dirname "$0")/../.."
PYTHON="${1:-${PYTHON:-}}"
if [ -z "$PYTHON" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! fc-list :lang=hi 2>/dev/null | grep -q .; then need+=(fonts-lohit-deva); fi
if [ "${#need[@]}" -gt 0 ]; then
  echo "install-browser: apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! "$PYTHON" -c "import playwright.sync_api" 2>/dev/null; then
  echo "install-browser: pip install playwright"
  "$PYTHON" -m pip install -q "playwright>=1.45,<2"
fi

/usr/bin/chromium --version 2>/dev/null | head -1
"$PYTHON" -c "from importlib.metadata import version; print('playwright', version('playwright'))"
