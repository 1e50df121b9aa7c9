#!/usr/bin/env bash
# Does the quickstart's gain hold? Runs `distill quickstart` for every seed at every thread count
# and prints teacher / scratch / distilled test errors per run, then mean ± std of the gain.
#
#   bench/quickstart-seeds.sh                      # seeds 1-5, OMP_NUM_THREADS=1 and libtorch's default
#   SEEDS="1 2" THREADS="1" bench/quickstart-seeds.sh
#   REUSE_TEACHER=1 bench/quickstart-seeds.sh      # seed 1 trains the teacher; later seeds load it
#                                                  # (--teacher RUN_DIR), so only the students vary
#   TEACHER=RUN_DIR bench/quickstart-seeds.sh      # every run loads this teacher (--teacher RUN_DIR)
#
# DISTILL is the distill command (default: dotnet run of src/Distill.Cli in Release); OUT the
# folder that gets one run folder per thread count and seed (default bench/runs/quickstart-seeds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SEEDS="${SEEDS:-1 2 3 4 5}"
THREADS="${THREADS:-1 default}"
OUT="${OUT:-$here/runs/quickstart-seeds}"
DISTILL="${DISTILL:-dotnet run --project $here/../src/Distill.Cli -c Release --}"
if [[ "${SMOKE:-0}" == 1 ]]; then
  $DISTILL quickstart --help > /dev/null
  echo "quickstart-seeds: smoke ok"
  exit 0
fi
mkdir -p "$OUT"
for threads in $THREADS; do
  for seed in $SEEDS; do
    run="$OUT/threads-$threads/seed-$seed"
    mkdir -p "$OUT/threads-$threads"
    extra=()
    if [[ -n "${TEACHER:-}" ]]; then extra=(--teacher "$TEACHER"); fi
    if [[ "${REUSE_TEACHER:-0}" == 1 && "$seed" != "$(echo $SEEDS | cut -d' ' -f1)" ]]; then
      extra=(--teacher "$OUT/threads-$threads/seed-$(echo $SEEDS | cut -d' ' -f1)")
    fi
    start=$(date +%s)
    if [[ "$threads" == default ]]; then
      env -u OMP_NUM_THREADS $DISTILL quickstart --seed "$seed" --out "$run" --force --json "${extra[@]}" > "$run.json.tmp"
    else
      OMP_NUM_THREADS="$threads" $DISTILL quickstart --seed "$seed" --out "$run" --force --json "${extra[@]}" > "$run.json.tmp"
    fi
    mv "$run.json.tmp" "$run.json"
    echo "threads=$threads seed=$seed wall=$(( $(date +%s) - start ))s load=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/log.txt"
    rm -f "$run"/*/training-state.bin "$run"/training-state.bin
  done
done
python3 - "$OUT" <<'PY'
import json, glob, os, statistics, sys
out = sys.argv[1]
rows = []
for path in sorted(glob.glob(os.path.join(out, "threads-*", "seed-*.json"))):
    result = json.load(open(path))
    # Older results list the models; today's hold the teacher and the one run's pair.
    models = result["models"] if "models" in result else [result["teacher"], result["runs"][0]["scratch"], result["runs"][0]["distilled"]]
    errors = {m["role"]: m["testErrors"] for m in models}
    threads = os.path.basename(os.path.dirname(path))[len("threads-"):]
    seed = os.path.basename(path)[len("seed-"):-len(".json")]
    rows.append((threads, int(seed), errors["teacher"], errors["scratch"], errors["distilled"]))
print("| threads | seed | teacher errors | scratch errors | distilled errors | saved by distillation |")
print("|---|---|---|---|---|---|")
for t, s, te, sc, di in rows:
    print(f"| {t} | {s} | {te} | {sc} | {di} | {sc - di} |")
for t in sorted({r[0] for r in rows}):
    gains = [r[3] - r[4] for r in rows if r[0] == t]
    spread = statistics.stdev(gains) if len(gains) > 1 else 0.0
    print(f"\nthreads={t}: distilled beat scratch on {sum(g > 0 for g in gains)} of {len(gains)} seeds; "
          f"errors saved {statistics.mean(gains):.1f} ± {spread:.1f} (min {min(gains)}, max {max(gains)})")
PY
