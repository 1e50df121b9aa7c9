#!/usr/bin/env bash
# The quantization-aware distillation bench of issue 29 item 4 (bench/RESULTS.md, "QAT"): for the
# quickstart student (mlp:128-32) and a zoo CNN (plaincnn:2) on an MNIST subset, the test accuracy,
# file size and ONNX Runtime latency of: float32, post-training int8 (export --int8, calibrated),
# QAT on labels, QAT with distillation (kd from the quickstart teacher), and the pruned student
# (70 % of the weights) fine-tuned on the labels against by distillation (prune --fine-tune).
#   bash bench/qat.sh [BIN] [OUT]      BIN: a published Distill.Cli (default: publish to /tmp/qat-bin)
# Knobs (environment): SEEDS (1 2), ROWS (10000 training rows, 1,000 of them validation; the full
# 10,000-image test set), EPOCHS (3 for the students), TEACHER_EPOCHS (2). Reduced for a shared 2-core machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-}"
out="${2:-$here/runs/qat}"
if [ -z "$bin" ]; then
  dotnet publish "$here/../src/Distill.Cli" -c Release -o /tmp/qat-bin >/dev/null
  bin=/tmp/qat-bin/Distill.Cli
fi
export OMP_NUM_THREADS=1
mkdir -p "$out"
data=/tmp/qat-mnist
/usr/bin/python3 "$here/mnist_subset.py" "${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist" "$data" "${ROWS:-10000}"
common=(--data "$data" --dataset mnist --validation 1000)

# The quickstart teacher, trained once on the subset; every student distils from it.
"$bin" train --model cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3 "${common[@]}" --epochs "${TEACHER_EPOCHS:-2}" -o "$out/teacher" --force

measure() { # FILE.onnx NAME: accuracy and errors (ONNX Runtime), size and batch-1 latency
  "$bin" eval "$1" "${common[@]}" --json > "$out/eval/$2.json"
  "$bin" latency "$1" --batch-sizes 1 --seconds 0.3 --threads 1 --json > "$out/latency/$2.json"
}
mkdir -p "$out/eval" "$out/latency" "$out/onnx"
for seed in ${SEEDS:-1 2}; do
  for student in mlp:128-32 plaincnn:2; do
    tag="${student%%:*}-seed$seed"
    for mode in float qat; do
      flag=(); [ "$mode" = qat ] && flag=(--student-qat)
      "$bin" compare --teacher "$out/teacher" --student-spec "$student" --student-epochs "${EPOCHS:-3}" "${common[@]}" \
        --seed "$seed" "${flag[@]}" --temperature-warmup 0 -o "$out/$tag-$mode" --force
      for role in scratch distilled; do
        weights="$out/$tag-$mode/$role/best.bin"
        if [ "$mode" = float ]; then
          "$bin" export "$weights" --data "$data" -o "$out/onnx/$tag-$role-float32.onnx" --force
          measure "$out/onnx/$tag-$role-float32.onnx" "$tag-$role-float32"
        fi
        # Float students: post-training calibration; QAT students: their own observed ranges.
        "$bin" export "$weights" --int8 --data "$data" -o "$out/onnx/$tag-$role-$mode-int8.onnx" --force
        measure "$out/onnx/$tag-$role-$mode-int8.onnx" "$tag-$role-$mode-int8"
      done
    done
    # The distilled float student pruned to 70 % sparsity, fine-tuned 1 epoch on the labels or by distillation.
    for source in labels teacher; do
      "$bin" prune "$out/$tag-float" --sparsity 0.7 --fine-tune "$source" --seconds 0.3 --threads 1
      cp "$out/$tag-float/prune/curve.json" "$out/$tag-prune-$source.json"
    done
  done
done
rm -rf "$out/onnx" "$out"/*/prune "$out"/*/deploy
find "$out" \( -name training-state.bin -o -name '*.bin' -o -name '*.onnx' -o -name '*.png' -o -name '*.html' \) -delete
/usr/bin/python3 "$here/qat_report.py" "$out" > "$out/table.md"
cat "$out/table.md"
