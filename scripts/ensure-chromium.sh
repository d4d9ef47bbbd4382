#!/usr/bin/env bash
# The console's browser tests (e2e/test/console-*.test.ts) drive Debian's chromium with
# playwright-core; no browser is downloaded from anywhere else. Installs the Debian package where
# it is missing and apt is usable; otherwise says so (the browser suites then fail naming it).
# CHROMIUM_PATH points the suites at another build.
set -uo pipefail

chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ -x "$chromium_path" ]]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
  echo "test: installing chromium (Debian) for the console's browser tests"
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; }; then
    exit 0
  fi
fi
echo "test: no chromium at $chromium_path and it could not be installed (apt-get install chromium)" >&2
exit 1
