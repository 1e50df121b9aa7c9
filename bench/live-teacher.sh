#!/usr/bin/env bash
# Live-teacher distillation against the scratch student with the same augmentation, Distill and
# the strongest PyTorch loop (bench/peer_fast.py --live-teacher: the teacher under torch.no_grad()
# on the same augmented batches), alternating Distill / peer for ROUNDS rounds in one script.
# Each Distill round also times the parts of an epoch alone (augmentation, student steps, teacher
# forward). Both teachers keep their initial weights: the cost of a forward pass does not depend
# on them. Reports wall and CPU seconds; on a shared machine read the CPU seconds.
# PRECISION=bfloat16: both sides in bfloat16 (Distill's student steps and teacher forward; the peer under
# torch.autocast, which covers its teacher's forward too).
# Usage: live-teacher.sh IDX_DIR OUT [rounds] [validation rows]   (threads: OMP_NUM_THREADS, default 1)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$1"; out="$2"; rounds="${3:-3}"; validation="${4:-500}"
teacher="cnn:c32-relu-c32-relu-mp2-c64-relu-c64-relu-mp2-fc128-relu-drop0.3"
student="cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu"
augment="hflip,rotate:10"
precision="${PRECISION:-float32}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
mkdir -p "$out"
dotnet build "$here/Profile" -c Release -v q -nologo >&2
for round in $(seq 1 "$rounds"); do
  dotnet "$here/Profile/bin/Release/net10.0/Profile.dll" live-teacher "$data" "$teacher" "$student" "$augment" 1 "$validation" - "$precision" \
    > "$out/distill-$round.txt"
  /usr/bin/python3 "$here/peer_fast.py" --data-dir "$data" --validation "$validation" --threads "$OMP_NUM_THREADS" \
    --teacher-spec "$teacher" --student-spec "$student" --teacher-epochs 0 --student-epochs 1 \
    --live-teacher --augment "$augment" --precision "$precision" > "$out/peer-$round.json"
done
/usr/bin/python3 "$here/live_teacher_report.py" "$out"
