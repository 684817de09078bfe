#!/usr/bin/env bash
# Gradescope: runs once when the autograder image is built (as root, Ubuntu).
# Installs sockgrade from the source shipped in the autograder zip.
set -euo pipefail
apt-get update -q
apt-get install -y -q python3 python3-venv python3-pip gcc make
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q /autograder/source
