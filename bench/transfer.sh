#!/usr/bin/env bash
# Soft targets on data without labels (Hinton, Vinyals, Dean 2015: "train the teacher on large data
# and the student on small data using the soft targets"): an MNIST student that keeps a FRACTION of
# the training labels (--labeled-fraction; the validation split is carved from those), trained alone
# (compare's scratch student) against the same student distilled with the other training images as an
# unlabeled transfer set. The teacher is trained once on all 60,000 MNIST labels (the "large data"
# teacher) and loaded by every seed. The students read the first ROWS training images (mnist_subset.py;
# 60000: all of them) and the whole test set; the default, 12,000 rows with 5 % labels, keeps the
# issue's 600 labels while fitting a shared 2-core machine (ROWS=60000 FRACTION=0.01 is the full-size
# run). Seeds run in parallel (one `distill compare` each); then transfer_summary.py writes mean ± std
# and the paired difference with its 95 % t interval.
# Env: SEEDS (1 2 3), ROWS (12000), FRACTION (0.05), TEACHER (mlp:800-800), STUDENT (mlp:128-32),
# EPOCHS (10), BATCH (64), TEACHER_EPOCHS (2), OUT.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
data="${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist"
out="${OUT:-$here/runs/transfer-mnist}"
cli="$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll"
[[ -f "$cli" && "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$root" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  dotnet "$cli" compare --help | grep -q -- --labeled-fraction && echo "transfer: compare starts" && exit 0
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
mkdir -p "$out"
teacher="$out/teacher"
if [[ ! -f "$teacher/teacher/best.bin" && ! -f "$teacher/model/best.bin" ]]; then
  echo "== teacher: distill train on all labels" >&2
  dotnet "$cli" train --data "$data" -m "${TEACHER:-mlp:800-800}" --epochs "${TEACHER_EPOCHS:-2}" \
    --seed 1 --json --force -o "$teacher" > "$out/teacher.json"
fi
rows="${ROWS:-12000}"
students="$data"
if [[ "$rows" != 60000 ]]; then
  students="${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist-first-$rows"
  [[ -d "$students" ]] || /usr/bin/python3 "$here/mnist_subset.py" "$data" "$students" "$rows"
fi
pids=()
for seed in ${SEEDS:-1 2 3}; do
  echo "== seed $seed: ${FRACTION:-0.05} of $rows labels, alone vs distilled with the rest unlabeled" >&2
  dotnet "$cli" compare --data "$students" --dataset mnist --teacher "$teacher" --student-spec "${STUDENT:-mlp:128-32}" \
    --labeled-fraction "${FRACTION:-0.05}" --student-epochs "${EPOCHS:-10}" --student-batch-size "${BATCH:-64}" \
    --seed "$seed" --temperature-warmup 0 --json --force -o "$out/seed-$seed" > "$out/seed-$seed.json" 2> "$out/seed-$seed.stderr.txt" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
/usr/bin/python3 "$here/transfer_summary.py" "$out"/seed-*.json | tee "$out/summary.txt"
