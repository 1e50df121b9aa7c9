#!/usr/bin/env bash
# Side-by-side speed of one KD study: Distill (`distill compare`) and the textbook PyTorch loop
# (bench/peer_kd.py), back to back on the same MLPs, data, batch size, epochs and optimiser.
# Writes bench/results/speed-<UTC time>.json and prints a Markdown table (phase times, ratio
# peer/Distill, cached-distillation vs scratch epoch, GFLOP/s vs peak, peak RSS per phase).
# Env: TEACHER, STUDENT, TEACHER_EPOCHS, STUDENT_EPOCHS, BATCH, SEED, THREADS (sets OMP_NUM_THREADS
# for both when given), PRECISION (Distill's training precision, float32 or bfloat16; the peer
# always trains in float32), SMOKE=1 (only checks that both programs start).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
export DISTILL_DATA="${DISTILL_DATA:-/tmp/distill-data}"
teacher="${TEACHER:-mlp:1200-1200}"; student="${STUDENT:-mlp:800-800}"
te="${TEACHER_EPOCHS:-2}"; se="${STUDENT_EPOCHS:-2}"; batch="${BATCH:-128}"; seed="${SEED:-1}"; precision="${PRECISION:-float32}"
[[ -n "${THREADS:-}" ]] && export OMP_NUM_THREADS="$THREADS"
source "$here/openblas-core.sh"
cli="$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll"
[[ -f "$cli" && "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$root" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  dotnet "$cli" compare --help >/dev/null
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    /usr/bin/python3 "$here/peer_kd.py" --help >/dev/null && echo "speed: both start"
  else
    # A machine without Debian's python3-torch (CI's, say) can still prove the peer parses.
    /usr/bin/python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' "$here/peer_kd.py"
    echo "speed: Distill starts; the peer parses (install python3-torch to run it)"
  fi
  exit 0
fi
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$here/runs/speed-$stamp"; mkdir -p "$work" "$here/results"
echo "OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset} OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}, nice $(nice), Distill precision $precision" > "$work/env.txt"

echo "== Distill" >&2
/usr/bin/time -v -o "$work/distill.time" /usr/bin/python3 "$here/phase_mem.py" --stdout "$work/distill.json" --report "$work/distill-mem.json" -- \
  dotnet "$cli" compare --teacher-spec "$teacher" --student-spec "$student" --teacher-epochs "$te" --student-epochs "$se" \
  --teacher-batch-size "$batch" --student-batch-size "$batch" --teacher-precision "$precision" --student-precision "$precision" \
  --seed "$seed" --temperature-warmup 0 --json --force -o "$work/distill-run"
echo "== peer (PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))" >&2
/usr/bin/time -v -o "$work/peer.time" /usr/bin/python3 "$here/phase_mem.py" --stdout "$work/peer.json" --report "$work/peer-mem.json" -- \
  /usr/bin/python3 "$here/peer_kd.py" --teacher-spec "$teacher" --student-spec "$student" --teacher-epochs "$te" --student-epochs "$se" \
  --batch-size "$batch" --seed "$seed"

/usr/bin/python3 "$here/speed_report.py" "$work" | tee "$here/results/speed-$stamp.md"
