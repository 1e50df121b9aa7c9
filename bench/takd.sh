#!/usr/bin/env bash
# Teacher-assistant distillation (Mirzadeh et al. 2020) on a Fashion-MNIST subset, as separate
# commands so each model is its own run folder: teachers plaincnn:4/6/8/10 (seed 1), then for each
# seed the plaincnn:2 student from scratch, distilled (kd) from every teacher, and through a
# plaincnn:4 assistant distilled from plaincnn:10 (TAKD). A finished run (results.json) is skipped.
# Usage: bench/takd.sh DISTILL_BINARY [OUT=bench/runs/takd] [JOBS=2]
set -euo pipefail
bin=${1:?the Distill.Cli binary}
out=${2:-bench/runs/takd}
jobs=${3:-2}
data=${DATA:-/tmp/distill-fashion-12k}
teacher_epochs=${TEACHER_EPOCHS:-6}
student_epochs=${STUDENT_EPOCHS:-8}
export OMP_NUM_THREADS=1
[ -f "$data/train-images-idx3-ubyte.gz" ] || /usr/bin/python3 "$(dirname "$0")/fashion_subset.py" "$data" 12000
mkdir -p "$out"
common=(--data "$data" --dataset fashion-mnist --validation 2000 --schedule cosine)

run() { # folder, then the command's arguments
  local folder=$1; shift
  [ -f "$out/$folder/results.json" ] && return 0
  "$bin" "$@" "${common[@]}" --out "$out/$folder" --force > "$out/$folder.log" 2>&1 || { echo "failed: $folder" >&2; return 1; }
}
export -f run; export bin out data

teacher() { run "teacher-plaincnn$1" train -m "plaincnn:$1" --role teacher --epochs "$teacher_epochs" --seed 1; }
teacher 10 & for n in 4 6 8; do teacher $n; done; wait

student_jobs() {
  for seed in 1 2 3; do
    echo "scratch-s$seed train -m plaincnn:2 --role scratch --epochs $student_epochs --seed $seed --temperature-warmup 0"
    echo "assistant4-s$seed distill --teacher $out/teacher-plaincnn10/teacher/best.bin -s plaincnn:4 --epochs $student_epochs --seed $seed --temperature-warmup 0"
    for n in 10 8 6 4; do
      echo "kd$n-s$seed distill --teacher $out/teacher-plaincnn$n/teacher/best.bin -s plaincnn:2 --epochs $student_epochs --seed $seed --temperature-warmup 0"
    done
  done
}
student_jobs | xargs -P "$jobs" -L 1 bash -c 'common=('"${common[*]@Q}"'); run "$@"' _
for seed in 1 2 3; do
  echo "takd4-s$seed distill --teacher $out/assistant4-s$seed/distilled/best.bin -s plaincnn:2 --epochs $student_epochs --seed $seed --temperature-warmup 0"
done | xargs -P "$jobs" -L 1 bash -c 'common=('"${common[*]@Q}"'); run "$@"' _
