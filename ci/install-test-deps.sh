#!/usr/bin/env bash
# What the test suite needs beyond Python packages: Debian's Chromium, for the browser
# test of the HTML report (tests/test_browser.py). Installed once; needs root (apt).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi
