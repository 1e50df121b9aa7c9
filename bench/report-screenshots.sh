#!/usr/bin/env bash
# Screenshots of a run's report.html in a real browser (Debian's headless Chromium), at a laptop
# width (1366x900) and a phone width (390x844): the top of the page and the sections named below,
# reached by their anchors. Look at them after any change to the report's layout.
#
#   bash bench/report-screenshots.sh RUN_DIR [OUT_DIR]      (OUT_DIR defaults to RUN_DIR/screenshots)
#
# Needs `apt-get install -y chromium`. Laptop screenshots are taken at half scale
# (--force-device-scale-factor, LAPTOP_SCALE=0.5) so they stay small enough to commit; phone ones
# at full scale (PHONE_SCALE=1, 390 pixels wide).
set -euo pipefail

run=${1:?usage: bash bench/report-screenshots.sh RUN_DIR [OUT_DIR]}
report="$(cd "$run" && pwd)/report.html"
out=${2:-$run/screenshots}
if ! command -v chromium > /dev/null; then
  echo "report-screenshots: chromium is not installed (apt-get install -y chromium); no screenshots taken." >&2
  exit 2
fi
[ -f "$report" ] || { echo "report-screenshots: $report does not exist; run distill report $run first." >&2; exit 1; }
mkdir -p "$out"
laptop_scale=${LAPTOP_SCALE:-0.5}
phone_scale=${PHONE_SCALE:-1}

# A section is reached through an iframe pointing at report.html#anchor: headless Chromium paints a
# blank page when the top-level URL itself carries the fragment.
frame="$(mktemp --suffix=.html)"
trap 'rm -f "$frame"' EXIT
shoot() { # name width height anchor scale
  printf '<!DOCTYPE html><html><body style="margin:0"><iframe src="file://%s#%s" style="width:%spx;height:%spx;border:0;display:block"></iframe></body></html>' \
    "$report" "$4" "$2" "$3" > "$frame"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=10000 --force-device-scale-factor="$5" \
    --window-size="$2,$3" --screenshot="$out/$1.png" "file://$frame" > /dev/null 2>&1
  echo "$out/$1.png ($2x$3${4:+, #$4})"
}

for section in "" comparison losses student-against-teacher calibration per-class-accuracy precision-recall-and-f1 roc-and-precision-recall-two-classes edge-deployment test-images-teacher-scratch-and-distilled misclassified-test-images sweep; do
  grep -q "id=\"$section\"" "$report" || [ -z "$section" ] || continue
  name=${section:-top}
  shoot "laptop-$name" 1366 900 "$section" "$laptop_scale"
  shoot "phone-$name" 390 844 "$section" "$phone_scale"
done
