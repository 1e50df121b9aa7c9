#!/usr/bin/env bash
# Checks that every bench command starts (builds, parses its flags, finds the peer's Python
# and torch) without training anything. The only part of bench/ that CI runs (.ci/run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SMOKE=1 "$here/speed.sh"
SMOKE=1 "$here/peers.sh"
for study in tutorial keras hinton; do SMOKE=1 SKIP_BUILD=1 "$here/$study.sh"; done
SMOKE=1 SKIP_BUILD=1 "$here/dark-knowledge.sh"
SMOKE=1 SKIP_BUILD=1 "$here/case-study.sh"
SMOKE=1 "$here/defaults-study.sh"
SMOKE=1 "$here/profile.sh"
SMOKE=1 "$here/cnn-precision.sh"
SMOKE=1 "$here/scaling.sh"
SKIP_BUILD=1 "$here/reports.sh"
python3 "$here/compact.py" --check
