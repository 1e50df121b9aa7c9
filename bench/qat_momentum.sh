#!/usr/bin/env bash
# Checks why the distilled QAT MLP of the first QAT table lost accuracy (bench/RESULTS.md, "QAT at a real
# budget"): the same run (first 6,000 MNIST rows, 2-epoch teacher, mlp:128-32 distilled 2 epochs with
# --student-qat, seed 2), its weights then evaluated three ways in ONNX Runtime: int8 on the ranges the
# training observed (momentum 0.01), float32 (no quantization), and int8 on ranges calibrated afresh over
# 1,000 training rows (min-max) for the same weights. If the observed ranges lag, the third recovers what
# the first loses; the ranges of both files are listed side by side (qat_ranges.py).
#   bash bench/qat_momentum.sh [BIN] [OUT]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-/tmp/qat-bin/Distill.Cli}"
out="${2:-$here/runs/qat-momentum}"
export OMP_NUM_THREADS=1
data=/tmp/qat-mnist-6000
[ -f "$data/t10k-labels-idx1-ubyte" ] || /usr/bin/python3 "$here/mnist_subset.py" "${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist" "$data" 6000
common=(--data "$data" --dataset mnist --validation 1000)
mkdir -p "$out/eval"
[ -f "$out/teacher/teacher/best.bin" ] || "$bin" train --model cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3 "${common[@]}" --epochs 2 -o "$out/teacher" --force
"$bin" compare --teacher "$out/teacher" --student-spec mlp:128-32 --student-epochs 2 "${common[@]}" --seed 2 --student-qat -o "$out/student" --force
weights="$out/student/distilled/best.bin"
files=/tmp/qat-momentum-files
mkdir -p "$files/float"
"$bin" export "$weights" --int8 -o "$files/observed.onnx" --force
# The same weights as a float model: the card without its ranges, so export calibrates.
cp "$weights" "$files/float/best.bin"
/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c.pop("quantizationAware"); json.dump(c, open(sys.argv[2], "w"))' \
  "${weights%.bin}.json" "$files/float/best.json"
"$bin" export "$files/float/best.bin" -o "$files/float32.onnx" --force
"$bin" export "$files/float/best.bin" --int8 --data "$data" -o "$files/calibrated.onnx" --force
for name in observed float32 calibrated; do "$bin" eval "$files/$name.onnx" "${common[@]}" --json > "$out/eval/$name.json"; done
/usr/bin/python3 "$here/qat_ranges.py" observed="$files/observed.onnx" calibrated="$files/calibrated.onnx" > "$out/ranges.json"
find "$out" \( -name training-state.bin -o -name '*.bin' -o -name '*.onnx' -o -name '*.png' -o -name '*.html' \) -delete
rm -rf "$files"
for name in observed float32 calibrated; do /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], r["accuracy"])' "$out/eval/$name.json" "$name"; done
cat "$out/ranges.json"
