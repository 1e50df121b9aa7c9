#!/usr/bin/env bash
# What a run costs as the data and the model grow: `distill train` of an MLP for EPOCHS epochs on the
# first N rows of MNIST's training set (N in ROWS) at width 800-800, then on all 60,000 rows at each
# width in WIDTHS (mlp:W-W). Every run records whole-process wall time and peak RSS (GNU time) and
# the epoch times from metrics.jsonl; scaling_report.py writes the table (summary.md) and the plot
# (scaling.png, needs Debian's python3-matplotlib).
#
#   bench/scaling.sh                       # ROWS="10000 30000 60000", WIDTHS="100 200 400 800 1600", 2 epochs
#   ROWS="10000" WIDTHS="100" EPOCHS=1 bench/scaling.sh
#
# Threads: libtorch's default unless OMP_NUM_THREADS is set. CLI: a published Distill.Cli (default:
# this checkout's Release build). Validation: 1,000 rows held out at every size, so the training part
# is N - 1,000 rows. SMOKE=1 only checks that the pieces start.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export DISTILL_DATA="${DISTILL_DATA:-/tmp/distill-data}"
rows_list="${ROWS:-10000 30000 60000}"; widths="${WIDTHS:-100 200 400 800 1600}"; epochs="${EPOCHS:-2}"
cli="${CLI:-$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli}"
[[ -x "$cli" ]] || dotnet build "$root/src/Distill.Cli" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  "$cli" train --help > /dev/null
  /usr/bin/python3 -c 'import ast, sys; [ast.parse(open(f).read()) for f in sys.argv[1:]]' "$here/scaling_report.py" "$here/mnist_subset.py"
  echo "scaling: Distill starts; scripts parse"; exit 0
fi
"$cli" data fetch mnist > /dev/null
work="$here/runs/scaling-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$work"
{ echo "OMP_NUM_THREADS=${OMP_NUM_THREADS:-default} nproc=$(nproc) $(grep -m1 'model name' /proc/cpuinfo)"; date -u; } > "$work/env.txt"
run() {  # name rows width
  local name="$1" rows="$2" width="$3" data="$work/data-$2"
  [[ -d "$data" ]] || /usr/bin/python3 "$here/mnist_subset.py" "$DISTILL_DATA/mnist" "$data" "$rows"
  uptime > "$work/$name.load"
  /usr/bin/time -v -o "$work/$name.time" "$cli" train -m "mlp:$width-$width" --epochs "$epochs" --data "$data" \
    --validation 1000 --seed 1 --json --force -o "$work/$name" > "$work/$name.json" 2> "$work/$name.err"
  uptime >> "$work/$name.load"
  rm -f "$work/$name"/*/*.bin "$work/$name"/*.bin
}
for rows in $rows_list; do run "rows-$rows" "$rows" 800; done
for width in $widths; do
  if [[ "$width" == 800 && " $rows_list " == *" 60000 "* ]]; then continue; fi  # the same run as rows-60000
  run "width-$width" 60000 "$width"
done
rm -rf "$work"/data-*
/usr/bin/python3 "$here/scaling_report.py" "$work" | tee "$work/summary.md"
