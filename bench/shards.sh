#!/usr/bin/env bash
# The 2-shard timing (docs/scale.md): bench/shards-2way.json in one process at one thread, then as
# two shards side by side at one thread each (`--shard i/2`, stage all: the shard without the seed's
# shared scratch baseline trains the teacher while the other trains the baseline) and the merge;
# wall times of both, and whether the merged results equal the one-process run, into
# bench/runs/NAME/timing.json, NAME the experiment's file name (EXPERIMENT, default bench/shards-2way.json;
# bench/shards-2way-cnn.json sweeps a small CNN). Usage: [EXPERIMENT=FILE] bash bench/shards.sh [WORK_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(realpath -m "${1:-$(mktemp -d /tmp/distill-shards.XXXXXX)}")"
distill="$repo/src/Distill.Cli/bin/Release/net10.0/Distill.Cli"
[ -x "$distill" ] || (cd "$repo" && dotnet build -c Release src/Distill.Cli -v q -nologo >/dev/null)
mkdir -p "$work"
python3 "$repo/bench/mnist_subset.py" "${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist" "$work/mnist-10k" 10000
source_experiment="$(realpath "${EXPERIMENT:-$repo/bench/shards-2way.json}")"
name="$(basename "$source_experiment" .json)"
experiment="$work/$name.json"; mkdir -p "$repo/bench/runs/$name"
sed "s|\"dataset\": \"mnist\"|\"dataDirectory\": \"$work/mnist-10k\"|" "$source_experiment" > "$experiment"
export OMP_NUM_THREADS=1
now() { date +%s.%N; }
load_before=$(cut -d" " -f1-3 /proc/loadavg)

start=$(now)
"$distill" run "$experiment" --out "$work/one" > "$work/one.log" 2>&1
one=$(echo "$(now) - $start" | bc)

start=$(now)
"$distill" run "$experiment" --shard 0/2 --out "$work/sharded" > "$work/shard0.log" 2>&1 &
first=$!
"$distill" run "$experiment" --shard 1/2 --out "$work/sharded" > "$work/shard1.log" 2>&1
wait "$first"
"$distill" merge "$work/sharded" > "$work/merge.log" 2>&1
sharded=$(echo "$(now) - $start" | bc)

same=$(python3 "$repo/tests/slurm/compare_runs.py" "$work/one" "$work/sharded" && echo true || echo false)
ratio=$(printf "%.3f" "$(echo "scale=6; $sharded / $one" | bc)")
python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin), separators=(",", ":")))' > "$repo/bench/runs/$name/timing.json" <<JSON
{
  "command": "EXPERIMENT=bench/$name.json bash bench/shards.sh",
  "experiment": "bench/$name.json",
  "threadsPerProcess": 1,
  "oneProcessSeconds": $one,
  "twoShardsSeconds": $sharded,
  "ratio": $ratio,
  "sameResults": ${same##*$'\n'},
  "machine": "$(nproc --all) cores shared with other work; load average (1, 5, 15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
JSON
cat "$repo/bench/runs/$name/timing.json"; echo
