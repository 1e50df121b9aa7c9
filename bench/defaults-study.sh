#!/usr/bin/env bash
# Issue 26 item 4: do Hinton KD's defaults lose to scratch on short budgets? Runs the sweep of
# bench/defaults-study.json (mlp:64 on 5,000 MNIST rows, budgets 1-60 epochs x T x hard/soft split,
# 5 seeds, one CNN teacher) as JOBS shards of one thread each into one run folder, merges them, drops
# the weights (never committed) and prints the paired table of bench/defaults_study.py.
#
#   bench/defaults-study.sh                          # into bench/runs/defaults-study
#   OUT=/tmp/x JOBS=1 bench/defaults-study.sh --set seeds=[1,2]   # a shorter look
#
# Committed from the folder: config.json experiment.json metrics.jsonl sweep.{json,md} table.{json,md}
# gradients.{json,md} run.json experiment-command.txt .distill-run (then bench/compact.py).
# Extra arguments go to every `distill run` (e.g. --set overrides). DISTILL is the Distill.Cli
# binary (default: the Release build, built when missing); DISTILL_DATA the cache with mnist/.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${OUT:-$repo/bench/runs/defaults-study}")"
jobs="${JOBS:-2}"
rows="${ROWS:-5000}"
distill="${DISTILL:-$repo/src/Distill.Cli/bin/Release/net10.0/Distill.Cli}"
[ -x "$distill" ] || (cd "$repo" && dotnet build -c Release src/Distill.Cli -v q -nologo >/dev/null)
if [[ "${SMOKE:-0}" == 1 ]]; then
  "$distill" run --help > /dev/null
  python3 -c 'import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]' "$repo/bench/defaults_study.py" "$repo/bench/kd_gradient_scale.py"
  echo "defaults-study: smoke ok"
  exit 0
fi
data="/tmp/distill-mnist-$rows"
[ -f "$data/train-labels-idx1-ubyte" ] || python3 "$repo/bench/mnist_subset.py" "${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist" "$data" "$rows"
export OMP_NUM_THREADS=1
mkdir -p "$(dirname "$out")"
start=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
pids=()
for ((i = 0; i < jobs; i++)); do
  "$distill" run "$repo/bench/defaults-study.json" --set "dataDirectory=$data" --shard "$i/$jobs" --out "$out" "$@" \
    > "$out.shard$i.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$distill" merge "$out" > "$out.merge.log" 2>&1
# The logs join the folder once Distill is done with it (a run folder holds only what Distill wrote).
for ((i = 0; i < jobs; i++)); do mv "$out.shard$i.log" "$out/shard$i.log"; done
mv "$out.merge.log" "$out/merge.log"
for cache in "$out"/logits-cache/*.bin; do
  /usr/bin/python3 "$repo/bench/kd_gradient_scale.py" "$cache" --json "$out/gradients.json" > "$out/gradients.md"
done
rm -rf "$out/logits-cache"
find "$out" \( -name '*.bin' -o -name '*.png' -o -name '*.html' \) -delete
python3 - "$out/run.json" "$start" "$load_before" "$jobs" "$rows" "$*" <<'PY'
import json, subprocess, sys, time
path, start, load_before, jobs, rows, extra = sys.argv[1:]
json.dump({
    "command": ("bench/defaults-study.sh " + extra).strip(),
    "experiment": "bench/defaults-study.json",
    "data": f"the first {rows} MNIST training rows (bench/mnist_subset.py), the 10,000 test images",
    "shards": int(jobs), "threadsPerProcess": 1,
    "wallSeconds": round(time.time() - int(start)),
    "machine": f"{subprocess.run(['nproc', '--all'], capture_output=True, text=True).stdout.strip()} cores shared with other work; "
               f"load average before {load_before}, after {open('/proc/loadavg').read().split()[:3]}",
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
}, open(path, "w"), separators=(",", ":"))
open(path, "a").write("\n")
PY
python3 "$repo/bench/defaults_study.py" "$out" --json "$out/table.json" | tee "$out/table.md"
