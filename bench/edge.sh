#!/usr/bin/env bash
# The edge bench of issue 12 (bench/RESULTS.md, "Edge"): the deploy table for the quickstart student
# and a zoo CNN student, and a PyTorch-trained ResNet-18 teacher distilled into a Distill student
# from its TorchScript and ONNX files against the scratch student, over seeds.
#   bash bench/edge.sh [BIN] [OUT]      BIN: a published Distill.Cli (default: publish to /tmp/edge-bin)
# Knobs (environment): SEEDS (1 2 3), STUDENT_EPOCHS (3), ZOO_EPOCHS (2), TEACHER_ROWS (6000), TEACHER_EPOCHS (1),
# TEACHER_BLOCKS (1,1,1,1: a ResNet-10; 2,2,2,2 is resnet18). Reduced for a shared 2-core machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-}"
out="${2:-$here/runs/edge}"
if [ -z "$bin" ]; then
  dotnet publish "$here/../src/Distill.Cli" -c Release -o /tmp/edge-bin >/dev/null
  bin=/tmp/edge-bin/Distill.Cli
fi
export OMP_NUM_THREADS=1
mkdir -p "$out"

# 1. The quickstart student and a zoo CNN student (plaincnn:4) distilled from the quickstart teacher.
"$bin" quickstart -o "$out/quickstart" --temperature-warmup 0 --force
"$bin" deploy "$out/quickstart" --threads 1
"$bin" distill --teacher "$out/quickstart/teacher/best.bin" --student-spec plaincnn:4 --epochs "${ZOO_EPOCHS:-2}" --temperature-warmup 0 -o "$out/zoo-plaincnn4" --force
"$bin" deploy "$out/zoo-plaincnn4" --threads 1

# 2. A teacher trained in PyTorch, imported from TorchScript and from ONNX, against the scratch student.
# The Distill runs use the first 12,000 MNIST training images (2,000 of them for validation) and the
# full test set, so the teacher's forward passes fit the time; the teacher trained on the first TEACHER_ROWS.
OMP_NUM_THREADS=2 /usr/bin/python3 "$here/pytorch_teacher.py" "$out/pytorch-teacher" --rows "${TEACHER_ROWS:-6000}" \
  --epochs "${TEACHER_EPOCHS:-1}" --blocks "${TEACHER_BLOCKS:-1,1,1,1}"
teacher="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$out/pytorch-teacher/teacher.json")"
/usr/bin/python3 - "$out/mnist12k" <<'PY'
import os, sys
src, dst, n = os.path.expanduser("~/.cache/distill/data/mnist"), sys.argv[1], 12000
os.makedirs(dst, exist_ok=True)
for name, size, header in [("train-images-idx3-ubyte", 784, 16), ("train-labels-idx1-ubyte", 1, 8)]:
    data = open(os.path.join(src, name), "rb").read()
    open(os.path.join(dst, name), "wb").write(data[:4] + n.to_bytes(4, "big") + data[8:header] + data[header:header + n * size])
for name in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]:
    open(os.path.join(dst, name), "wb").write(open(os.path.join(src, name), "rb").read())
PY
for seed in ${SEEDS:-1 2 3}; do
  for form in pt onnx; do
    "$bin" compare --teacher "$out/pytorch-teacher/$teacher.$form" --student-spec mlp:64-16 --student-epochs "${STUDENT_EPOCHS:-3}" \
      --data "$out/mnist12k" --dataset mnist --validation 2000 --seed "$seed" --temperature-warmup 0 -o "$out/pytorch-$form-seed$seed" --force
  done
done
find "$out" -name training-state.bin -delete
