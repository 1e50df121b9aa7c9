#!/usr/bin/env bash
# bfloat16 against float32 for one training epoch of the quickstart CNN, side by side in one run:
# Distill (`Profile epoch`: the trainer as `distill train` runs it, same split and oneDNN switching)
# and the strongest PyTorch loop (peer_fast.py --only teacher, float32 and CPU autocast bfloat16),
# alternating float32 / bfloat16 runs RUNS times, one thread each. Distill's epochs are timed in
# process CPU time (user + sys) as well as wall time, the peer's in time.process_time() and wall:
# CPU time holds up on a machine shared with other work, wall time does not.
# Env: RUNS (3), MODEL, PEER (1; 0 skips the peer), BEFORE (the Profile.dll of another build, timed
# after each Distill run of the same precision), SMOKE=1 (only builds and checks the scripts).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export DISTILL_DATA="${DISTILL_DATA:-$HOME/.cache/distill/data}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
source "$here/openblas-core.sh"
runs="${RUNS:-3}"; model="${MODEL:-cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3}"; peer="${PEER:-1}"
dotnet build "$here/Profile" -c Release -v q -nologo >&2
profile="$here/Profile/bin/Release/net10.0/Profile.dll"
if [[ "${SMOKE:-0}" == 1 ]]; then
  /usr/bin/python3 -c 'import ast, sys; [ast.parse(open(f).read()) for f in sys.argv[1:]]' "$here/peer_fast.py" "$here/cnn_precision_report.py"
  echo "cnn-precision: built; scripts parse"; exit 0
fi
work="$here/runs/cnn-precision-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$work"
{ echo "OMP_NUM_THREADS=$OMP_NUM_THREADS OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-} nproc=$(nproc) $(grep -m1 'model name' /proc/cpuinfo)";
  echo "commit $(git -C "$here" rev-parse --short HEAD) model $model runs $runs before ${BEFORE:-none}"; } > "$work/env.txt"
timed() {  # name, command...
  local name="$1"; shift
  { date -u +%FT%TZ; uptime; } >> "$work/load.txt"
  "$@" > "$work/$name.json" 2> "$work/$name.err"
}
for i in $(seq 1 "$runs"); do
  for precision in float32 bfloat16; do
    timed "distill-$precision-$i" dotnet "$profile" epoch "$DISTILL_DATA/mnist" "$precision" "$model"
    [[ -n "${BEFORE:-}" ]] && timed "before-$precision-$i" dotnet "$BEFORE" epoch "$DISTILL_DATA/mnist" "$precision" "$model"
    [[ "$peer" == 1 ]] && timed "peer-$precision-$i" /usr/bin/python3 "$here/peer_fast.py" --only teacher --teacher-spec "$model" \
      --teacher-epochs 1 --seed 1 --precision "$precision" --data-dir "$DISTILL_DATA/mnist"
  done
done
uptime >> "$work/load.txt"
/usr/bin/python3 "$here/cnn_precision_report.py" "$work" | tee "$work/summary.md"
