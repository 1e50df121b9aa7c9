#!/usr/bin/env bash
# The use-after-free check of bench/RELIABILITY.md: a `distill compare` (augmented CNN teacher and
# student, kd+fitnets, 10,000 MNIST rows, one epoch each) RUNS times under tests/GcPressure, a startup
# hook that collects garbage and runs finalizers without pause, with tiered compilation off so every
# method is optimized from its first call. A TorchSharp tensor or scalar that nothing holds while
# libtorch reads it is then freed under it at once. Prints each run's exit code and its error, and
# writes bench/runs/gc-pressure/results.jsonl. Not a CI test: TorchSharp's own implicit scalars (its
# optimizers) can still be freed this way, which no code of ours can hold.
# Usage: RUNS=5 bash bench/gc-pressure.sh [WORK_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(realpath -m "${1:-$(mktemp -d /tmp/distill-gc-pressure.XXXXXX)}")"
runs="${RUNS:-5}"
(cd "$repo" && dotnet build -c Release src/Distill.Cli -v q -nologo >/dev/null && dotnet build -c Release tests/GcPressure -v q -nologo >/dev/null)
distill="$repo/src/Distill.Cli/bin/Release/net10.0/Distill.Cli"
hook="$repo/tests/GcPressure/bin/Release/net10.0/GcPressure.dll"
mkdir -p "$work" "$repo/bench/runs/gc-pressure"
python3 "$repo/bench/mnist_subset.py" "${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist" "$work/mnist-10k" 10000
out="$repo/bench/runs/gc-pressure/results.jsonl"
: > "$out"
for i in $(seq 1 "$runs"); do
  set +e
  DOTNET_STARTUP_HOOKS="$hook" DOTNET_TieredCompilation=0 DISTILL_DEBUG=1 "$distill" compare --data-dir "$work/mnist-10k" \
    --out "$work/run-$i" --validation 1000 --teacher-spec cnn:c8-relu-mp2-fc16 --student-spec cnn:c4-relu-mp2-fc8 \
    --teacher-epochs 1 --student-epochs 1 --teacher-augment rotate:10,hflip --student-augment rotate:10,hflip \
    --method kd+fitnets > "$work/run-$i.log" 2>&1
  code=$?
  set -e
  site=$(grep -m1 -E "^   at Distill\." "$work/run-$i.log" | sed 's/ in .*//; s/^ *at //' || true)
  error=$(grep -m1 -E "Exception|error:" "$work/run-$i.log" | cut -c1-160 || true)
  echo "run $i: exit $code ${site:+at $site} ${error}"
  python3 -c 'import json, sys; print(json.dumps({"run": int(sys.argv[1]), "exit": int(sys.argv[2]), "site": sys.argv[3], "error": sys.argv[4], "commit": sys.argv[5], "date": sys.argv[6]}))' \
    "$i" "$code" "$site" "$error" "$(git -C "$repo" rev-parse --short HEAD)" "$(date -u +%FT%TZ)" >> "$out"
done
