#!/usr/bin/env bash
# The quantization-aware distillation bench of issue 29 item 4 (bench/RESULTS.md, "QAT"): for the
# quickstart student (mlp:128-32) and a zoo CNN (plaincnn:2) on an MNIST subset, the test accuracy,
# file size and ONNX Runtime latency of: float32, post-training int8 (export --int8, calibrated),
# QAT on labels, QAT with distillation (kd from the quickstart teacher), and the pruned student
# (70 % of the weights) fine-tuned on the labels against by distillation (prune --fine-tune).
#   bash bench/qat.sh [BIN] [OUT] [STAGE]   BIN: a published Distill.Cli (default: publish to /tmp/qat-bin)
# STAGE: all (default: teacher, seeds, report), seeds (teacher if missing, then the seeds; several such
# invocations with different SEEDS may run side by side on one OUT) or report (drop the weights, write the table).
# Knobs (environment): SEEDS (1 2), ROWS (10000 training rows, 1,000 of them validation; the full
# 10,000-image test set), EPOCHS (3 for the students), TEACHER_EPOCHS (2). Reduced for a shared 2-core machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-}"
out="${2:-$here/runs/qat}"
stage="${3:-all}"
if [ -z "$bin" ]; then
  dotnet publish "$here/../src/Distill.Cli" -c Release -o /tmp/qat-bin >/dev/null
  bin=/tmp/qat-bin/Distill.Cli
fi
export OMP_NUM_THREADS=1
mkdir -p "$out" "$out/eval" "$out/latency"
rows="${ROWS:-10000}"
data=/tmp/qat-mnist-$rows
[ -f "$data/t10k-labels-idx1-ubyte" ] || /usr/bin/python3 "$here/mnist_subset.py" "${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist" "$data" "$rows"
common=(--data "$data" --dataset mnist --validation 1000)

report() {
  rm -rf "$out"/onnx-* "$out"/*/prune "$out"/*/deploy
  find "$out" \( -name training-state.bin -o -name '*.bin' -o -name '*.onnx' -o -name '*.png' -o -name '*.html' \) -delete
  /usr/bin/python3 "$here/qat_report.py" "$out" > "$out/table.md"
  cat "$out/table.md"
}
if [ "$stage" = report ]; then report; exit 0; fi

# The quickstart teacher, trained once on the subset (kept when OUT has it); every student distils from it.
[ -f "$out/teacher/teacher/best.bin" ] || \
  "$bin" train --model cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3 "${common[@]}" --epochs "${TEACHER_EPOCHS:-2}" -o "$out/teacher" --force

measure() { # FILE.onnx NAME: accuracy and errors (ONNX Runtime), size and batch-1 latency
  "$bin" eval "$1" "${common[@]}" --json > "$out/eval/$2.json"
  "$bin" latency "$1" --batch-sizes 1 --seconds 0.3 --threads 1 --json > "$out/latency/$2.json"
}
for seed in ${SEEDS:-1 2}; do
  onnx="$out/onnx-$seed"
  mkdir -p "$onnx"
  for student in mlp:128-32 plaincnn:2; do
    tag="${student%%:*}-seed$seed"
    for mode in float qat; do
      flag=(); [ "$mode" = qat ] && flag=(--student-qat)
      "$bin" compare --teacher "$out/teacher" --student-spec "$student" --student-epochs "${EPOCHS:-3}" "${common[@]}" \
        --seed "$seed" "${flag[@]}" --temperature-warmup 0 -o "$out/$tag-$mode" --force
      for role in scratch distilled; do
        weights="$out/$tag-$mode/$role/best.bin"
        if [ "$mode" = float ]; then
          "$bin" export "$weights" --data "$data" -o "$onnx/$tag-$role-float32.onnx" --force
          measure "$onnx/$tag-$role-float32.onnx" "$tag-$role-float32"
        fi
        # Float students: post-training calibration; QAT students: their own observed ranges.
        "$bin" export "$weights" --int8 --data "$data" -o "$onnx/$tag-$role-$mode-int8.onnx" --force
        measure "$onnx/$tag-$role-$mode-int8.onnx" "$tag-$role-$mode-int8"
      done
    done
    # The distilled float student pruned to 70 % sparsity, fine-tuned 1 epoch on the labels or by distillation.
    for source in labels teacher; do
      "$bin" prune "$out/$tag-float" --sparsity 0.7 --fine-tune "$source" --seconds 0.3 --threads 1
      cp "$out/$tag-float/prune/curve.json" "$out/$tag-prune-$source.json"
    done
    rm -rf "$out/$tag-float/prune"
  done
  rm -rf "$onnx"
done
[ "$stage" = all ] && report
exit 0
