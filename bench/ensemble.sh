#!/usr/bin/env bash
# An ensemble of three teachers against each of them alone, for the same plaincnn:2 student, 3 seeds.
# The teachers are those of bench/takd.sh (plaincnn:6, 8, 10, trained on the same Fashion-MNIST
# subset); the single-teacher students are takd.sh's kd6/kd8/kd10 runs (same seeds and options).
# Usage: bench/ensemble.sh DISTILL_BINARY [TAKD_RUNS=bench/runs/takd] [OUT=bench/runs/ensemble] [MODE=logits]
set -euo pipefail
bin=${1:?the Distill.Cli binary}
takd=${2:-bench/runs/takd}
out=${3:-bench/runs/ensemble}
mode=${4:-logits}
data=${DATA:-/tmp/distill-fashion-12k}
student_epochs=${STUDENT_EPOCHS:-8}
export OMP_NUM_THREADS=1
[ -f "$data/train-images-idx3-ubyte.gz" ] || /usr/bin/python3 "$(dirname "$0")/fashion_subset.py" "$data" 12000
mkdir -p "$out"
teachers=$takd/teacher-plaincnn6/teacher/best.bin,$takd/teacher-plaincnn8/teacher/best.bin,$takd/teacher-plaincnn10/teacher/best.bin
for seed in 1 2 3; do
  run=$out/$mode-s$seed
  [ -f "$run/results.json" ] && continue
  "$bin" compare --data "$data" --dataset fashion-mnist --validation 2000 --seed "$seed" \
      --teachers "$teachers" --ensemble "$mode" --student-spec plaincnn:2 \
      --student-epochs "$student_epochs" --student-schedule cosine --temperature-warmup 0 --out "$run" --force > "$run.log" 2>&1
done
