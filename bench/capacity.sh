#!/usr/bin/env bash
# The capacity-gap sweep as one command: the plaincnn:2 student distilled from each plain-CNN teacher
# of bench/takd.sh (4, 6, 8, 10 layers, loaded from their run folders), one seed; writes capacity.md
# and capacity.png into the run folder. The same students, 3 seeds, are takd.sh's kd4..kd10 runs.
# Usage: bench/capacity.sh DISTILL_BINARY [TAKD_RUNS=bench/runs/takd] [OUT=bench/runs/capacity] [SEED=1]
set -euo pipefail
bin=${1:?the Distill.Cli binary}
takd=${2:-bench/runs/takd}
out=${3:-bench/runs/capacity}
seed=${4:-1}
data=${DATA:-/tmp/distill-fashion-12k}
export OMP_NUM_THREADS=1
[ -f "$data/train-images-idx3-ubyte.gz" ] || /usr/bin/python3 "$(dirname "$0")/fashion_subset.py" "$data" 12000
"$bin" compare --data "$data" --dataset fashion-mnist --validation 2000 --seed "$seed" \
    --teacher "$takd/teacher-plaincnn10/teacher/best.bin" \
    --teacher-sweep "$takd/teacher-plaincnn4,$takd/teacher-plaincnn6,$takd/teacher-plaincnn8" \
    --student-spec plaincnn:2 --student-epochs "${STUDENT_EPOCHS:-8}" --student-schedule cosine --temperature-warmup 0 \
    --out "$out" --force > "$out.log" 2>&1
