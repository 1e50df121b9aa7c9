#!/usr/bin/env bash
# Distill against both PyTorch peers, alternating runs (Distill, tutorial loop, strongest loop, then
# again), RUNS times each: whole-process wall time, CPU time and peak RSS (GNU time), per-phase
# RSS/CPU (phase_mem.py) and the load average before and after every run. Medians in the table.
# STUDY=mlp (default): `distill compare` vs peer_kd.py and peer_fast.py on TEACHER/STUDENT, 2+2 epochs.
# STUDY=cnn: `distill train` of MODEL for EPOCHS vs peer_fast.py --only teacher (peer_kd.py builds MLPs only).
# Env: RUNS (3), TEACHER, STUDENT, TEMPERATURE, TEACHER_EPOCHS, STUDENT_EPOCHS, MODEL, EPOCHS, PRECISION,
# CLI (a published Distill.Cli; default: this checkout's Release build), SMOKE=1 (only checks that all start).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export DISTILL_DATA="${DISTILL_DATA:-/tmp/distill-data}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
source "$here/openblas-core.sh"
study="${STUDY:-mlp}"; runs="${RUNS:-3}"; precision="${PRECISION:-float32}"
teacher="${TEACHER:-mlp:1200-1200,dropout=0.3}"; student="${STUDENT:-mlp:800-800}"; temperature="${TEMPERATURE:-20}"
te="${TEACHER_EPOCHS:-2}"; se="${STUDENT_EPOCHS:-2}"
model="${MODEL:-cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3}"; epochs="${EPOCHS:-1}"
cli="${CLI:-$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli}"
[[ -x "$cli" ]] || dotnet build "$root/src/Distill.Cli" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  "$cli" compare --help >/dev/null
  /usr/bin/python3 -c 'import ast, sys; [ast.parse(open(f).read()) for f in sys.argv[1:]]' "$here/peer_kd.py" "$here/peer_fast.py"
  echo "peers: Distill starts; both peers parse"; exit 0
fi
work="$here/runs/peers-$study-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$work"
echo "OMP_NUM_THREADS=$OMP_NUM_THREADS OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-} nproc=$(nproc) $(grep -m1 'model name' /proc/cpuinfo)" > "$work/env.txt"
run() {  # name, command...
  local name="$1"; shift
  { date -u +%FT%TZ; uptime; } > "$work/$name.load"
  /usr/bin/time -v -o "$work/$name.time" /usr/bin/python3 "$here/phase_mem.py" --stdout "$work/$name.json" \
    --report "$work/$name-mem.json" -- "$@" 2> "$work/$name.err"
  uptime >> "$work/$name.load"
}
for i in $(seq 1 "$runs"); do
  if [[ "$study" == mlp ]]; then
    run "distill-$i" "$cli" compare --teacher-spec "$teacher" --student-spec "$student" --teacher-epochs "$te" --student-epochs "$se" \
      --teacher-batch-size 128 --student-batch-size 128 -T "$temperature" --temperature-warmup 0 --teacher-precision "$precision" --student-precision "$precision" \
      --seed 1 --json --force -o "$work/distill-$i-run"
    run "tutorial-$i" /usr/bin/python3 "$here/peer_kd.py" --teacher-spec "$teacher" --student-spec "$student" \
      --teacher-epochs "$te" --student-epochs "$se" --temperature "$temperature" --seed 1
    run "fast-$i" /usr/bin/python3 "$here/peer_fast.py" --teacher-spec "$teacher" --student-spec "$student" \
      --teacher-epochs "$te" --student-epochs "$se" --temperature "$temperature" --seed 1
  else
    run "distill-$i" "$cli" train -m "$model" --epochs "$epochs" --precision "$precision" --seed 1 --json --force -o "$work/distill-$i-run"
    run "fast-$i" /usr/bin/python3 "$here/peer_fast.py" --only teacher --teacher-spec "$model" --teacher-epochs "$epochs" --seed 1
  fi
  rm -f "$work"/distill-"$i"-run/*/training-state.bin "$work"/distill-"$i"-run/training-state.bin "$work"/distill-"$i"-run/*/*.bin "$work"/distill-"$i"-run/*.bin
done
/usr/bin/python3 "$here/peers_report.py" "$work" | tee "$work/summary.md"
