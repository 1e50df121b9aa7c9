#!/usr/bin/env bash
# Peak memory and pipeline throughput of image folders held in memory vs decoded on the fly.
# Folders: Fashion-MNIST written by `distill data export-images DIR --dataset fashion-mnist --limit N`
# (N training images, 10,000 test images), read as 32x32 RGB. One epoch of a tiny model (mlp:32) so
# the epoch time is mostly decoding and augmenting. Usage: bench/stream-memory.sh DATA_ROOT
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${DISTILL_BIN:-$(dirname "$here")/src/Distill.Cli/bin/Release/net10.0/Distill.Cli}"
root="$1"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
out="$here/runs/stream-memory"
mkdir -p "$out"
run() { # name folder stream workers
  local name="$1" data="$2" stream="$3" workers="$4"
  /usr/bin/time -v "$bin" train --data "$data" --image-size 32 --channels 3 --stream "$stream" --workers "$workers" \
    --model mlp:32 --epochs 1 --batch-size 128 --augment crop:2,hflip,rotate:5 --force --out "$out/$name" > "$out/$name.log" 2>&1
  rm -f "$out/$name"/*/training-state.bin "$out/$name"/*/*.bin
  echo "$name $(grep 'Maximum resident' "$out/$name.log" | awk '{print $6}') kB, wall $(grep 'Elapsed (wall' "$out/$name.log" | awk '{print $8}')"
}
for n in 10000 50000; do
  [[ -d "$root/f$n" ]] || "$bin" data export-images "$root/f$n" --dataset fashion-mnist --limit "$n"
done
run stream-10k-w2 "$root/f10000" true 2
run stream-50k-w2 "$root/f50000" true 2
run stream-10k-w1 "$root/f10000" true 1
run memory-10k "$root/f10000" false 2
run memory-50k "$root/f50000" false 2
