#!/usr/bin/env bash
# The transfer-learning case study (issue 25 item 4) end to end on Fashion-MNIST PNG folders, 64x64 RGB:
#  1. data: case_study_data.py writes .data/case-study/pretrain (classes 0-4) and .data/case-study/study
#     (all 10 classes; training images disjoint from the pretraining set's);
#  2. "pretraining": Debian's PyTorch trains torchvision.models.resnet18(num_classes=5) on pretrain/train
#     for PT_EPOCHS (case_study_teacher.py) and saves its state_dict, the stand-in for ImageNet weights
#     (kept and reused while OUT/pytorch/teacher.json and the weights exist);
#  3. the checkpoint check: `distill eval -m torchvision:resnet18 --weights` on pretrain/test, with the
#     same preprocessing, must give PyTorch's test errors;
#  4. the case study in one command: `distill run examples/case-study-resnet18.json` (new 10-class head
#     on the frozen base, head lr, hflip, early stopping; a small CNN from scratch, with kd, with at);
#  5. `distill export` of both distilled students to ONNX, and `distill eval` of each ONNX file (ONNX
#     Runtime) on the test set against the student's own test errors in TorchSharp.
# Every phase is timed by GNU time; case_study_summary.py writes OUT/summary.md. Weights, ONNX files and
# pictures stay out of bench/ (.data/case-study and the ignored *.png/*.html).
# Env: OUT (bench/runs/case-study), DATA (.data/case-study), PT_EPOCHS (3), SEED (1), OMP_NUM_THREADS (1), SKIP_BUILD, SMOKE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
cli="$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll"
[[ -f "$cli" && "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$root" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  dotnet "$cli" eval --help | grep -q -- --weights
  dotnet "$cli" run --help | grep -q -- --set
  /usr/bin/python3 "$here/case_study_teacher.py" --help | grep -q -- --epochs
  /usr/bin/python3 -c 'import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]' "$here/case_study_data.py" "$here/case_study_summary.py"
  echo "case-study: eval --weights, run and the PyTorch scripts start" && exit 0
fi
# One thread each: libtorch's spinning OpenMP threads slow down several-fold on a core another job holds (README.md).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
out="${OUT:-$here/runs/case-study}"
data="${DATA:-.data/case-study}"
weights="$data/resnet18-fashion-0to4.pth"
fashion="${DISTILL_DATA:-$HOME/.cache/distill/data}/fashion-mnist"
timed() { local name="$1"; shift; /usr/bin/time -v -o "$out/time-$name.txt" "$@"; }
mkdir -p "$out"

[[ -f "$fashion/train-labels-idx1-ubyte" || -f "$fashion/train-labels-idx1-ubyte.gz" ]] || dotnet "$cli" data fetch fashion-mnist
if [[ ! -d "$data/study/test" ]]; then
  echo "== data: $data" >&2
  timed data /usr/bin/python3 "$here/case_study_data.py" "$fashion" "$data" 64 3000 3000 | tee "$out/data.txt"
fi

if [[ ! -f "$weights" || ! -f "$out/pytorch/teacher.json" ]]; then
  echo "== pretraining in PyTorch: resnet18, 5 classes, ${PT_EPOCHS:-3} epochs" >&2
  timed pytorch /usr/bin/python3 "$here/case_study_teacher.py" "$data/pretrain" "$out/pytorch" "$weights" \
    --epochs "${PT_EPOCHS:-3}" --seed "${SEED:-1}" | tee "$out/pytorch.log"
fi

echo "== the checkpoint in Distill: eval -m torchvision:resnet18 --weights" >&2
timed eval dotnet "$cli" eval -m torchvision:resnet18 --weights "$weights" --data "$data/pretrain" \
  --image-size 64 --channels 3 --normalize imagenet --json > "$out/eval-pytorch-weights.json"

echo "== the case study: distill run examples/case-study-resnet18.json" >&2
timed run dotnet "$cli" run examples/case-study-resnet18.json --set "data=$data/study" --set "teacherTraining.weights=$weights" \
  --set "seeds=[${SEED:-1}]" --out "$out/run" --force --json > "$out/run.json" 2> "$out/run.log"
rm -f "$out"/run/*/training-state.bin "$out"/run/*/*/training-state.bin "$out"/run/*/*/*/*/training-state.bin

echo "== ONNX: export each distilled student, evaluate it in ONNX Runtime" >&2
for student in "$out"/run/seed-*/points/*/; do
  point="$(basename "$student")"
  timed "export-$point" dotnet "$cli" export "${student}distilled/best.bin" -o "$data/student-$point.onnx" --force > "$out/export-$point.txt"
  dotnet "$cli" eval "$data/student-$point.onnx" --data "$data/study" --image-size 64 --channels 3 --normalize imagenet --json > "$out/eval-onnx-$point.json"
done
/usr/bin/python3 "$here/case_study_summary.py" "$out" | tee "$out/summary.md"
