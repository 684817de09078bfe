#!/usr/bin/env bash
# What the test suite needs beyond Python packages, from Debian (needs root, apt):
# - Chromium, for the browser test of the HTML report (tests/test_browser.py);
# - libseccomp-dev and capsh (libcap2-bin), for ../shared/envs/dockerlike.sh, which
#   reproduces Gradescope's and PrairieLearn's Docker (tests/test_tier_docker.py);
# - a static libc (libc6-dev) for the static-binary case of the Docker tier.
# Installed once.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v capsh >/dev/null 2>&1 || need+=(libcap2-bin)
[ -e /usr/include/seccomp.h ] || need+=(libseccomp-dev)
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || [ -e /usr/lib/aarch64-linux-gnu/libc.a ] \
  || need+=(libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
