#!/usr/bin/env bash
# The frozen-base cache (issue 25 item 3): a torchvision:resnet18 head fine-tune (--freeze all-but-head,
# no augmentation) on the first ROWS Fashion-MNIST training rows (VALIDATION of them held out) at SIZExSIZE,
# with the base's outputs cached once against the base run on every step (--live-frozen-base), alternating
# cached / live for ROUNDS rounds of EPOCHS epochs each. Per-epoch wall seconds come from metrics.jsonl,
# process CPU seconds (user + sys) from GNU time; on a shared machine read the CPU seconds.
# Usage: frozen-base.sh OUT [rounds] [rows] [size]   (EPOCHS, VALIDATION, TEST_ROWS, DATA: the subset's folder;
# threads: OMP_NUM_THREADS, default 1)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/.."
out="$1"; rounds="${2:-3}"; rows="${3:-5000}"; size="${4:-64}"
epochs="${EPOCHS:-3}"; validation="${VALIDATION:-500}"; test_rows="${TEST_ROWS:-1000}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
cli="$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll"
[[ -f "$cli" && "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$root/src/Distill.Cli" -c Release -v q -nologo >&2
data="${DATA:-/tmp/distill-frozen-base/fashion-$rows}"
mkdir -p "$out"
/usr/bin/python3 "$here/fashion_subset.py" "$data" "$rows" "$test_rows" >&2
for round in $(seq 1 "$rounds"); do
  for mode in cached live; do
    flag=(); [[ "$mode" == live ]] && flag=(--live-frozen-base)
    /usr/bin/time -v -o "$out/$mode-$round.time" dotnet "$cli" train -m torchvision:resnet18 --freeze all-but-head \
      --data "$data" --image-size "$size" --validation "$validation" --epochs "$epochs" --batch-size 64 --lr 0.01 \
      --seed 1 --out "$out/$mode-$round" "${flag[@]}" 2> "$out/$mode-$round.log" > /dev/null
  done
done
/usr/bin/python3 "$here/frozen_base_report.py" "$out"
