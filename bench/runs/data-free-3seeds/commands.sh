#!/usr/bin/env bash
# bench/data-free.sh's commands, seeds 1-3, with a fixed binary copy (the repo's Release folder gets rebuilt meanwhile).
set -euo pipefail
cli=/work/hinton/bin/Distill.Cli
out=/work/datafree/runs
mkdir -p "$out"
export OMP_NUM_THREADS=1
timed() { local name="$1"; shift; /usr/bin/time -v -o "$out/$name.time" "$cli" "$@" --json --force > "$out/$name.json"; }
[[ -f "$out/teacher/results.json" ]] || timed teacher train --dataset mnist -m lenet5 --epochs 2 --seed 1 -o "$out/teacher"
for seed in 1 2 3; do
  [[ -f "$out/zskd-$seed/results.json" ]] || timed "zskd-$seed" distill --teacher "$out/teacher" --student-spec lenet5-half --data-free zskd --dataset mnist \
    --impressions 1200 --impression-steps 200 --batch-size 200 --epochs 20 --lr 0.002 --seed "$seed" -o "$out/zskd-$seed"
  [[ -f "$out/dafl-$seed/results.json" ]] || timed "dafl-$seed" distill --teacher "$out/teacher" --student-spec lenet5-half --data-free dafl --dataset mnist \
    --epochs 4 --steps-per-epoch 30 --batch-size 64 --lr 0.002 --seed "$seed" -o "$out/dafl-$seed"
done
echo done
