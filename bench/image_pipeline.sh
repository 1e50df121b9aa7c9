#!/usr/bin/env bash
# Image pipeline speed, Distill against torchvision, side by side on one folder: MNIST written as
# RGB PNG folders (image_folder.py) at 64x64 and 224x224; the same augmentation (pad-and-crop by
# PAD pixels, horizontal flip) and standardisation; batches of BATCH in a shuffled order; EPOCHS timed
# epochs after a warm-up. Distill (bench/Profile `pipeline`) runs streamed (decoding every epoch on
# WORKERS threads, as the peer does) and in memory (its default for a folder that fits: decoded once,
# then augmented and batched); the peer is ImageFolder + DataLoader(num_workers=WORKERS). Runs
# alternate A B A B, RUNS times, so a shared machine's load falls on both alike.
# Env: SIZES ("64 224"), N (2000 training images), BATCH (64), EPOCHS (2), PAD (4), WORKERS (2), RUNS (2), OUT.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
mnist="${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist"
out="${OUT:-$here/runs/image-pipeline-$(date -u +%Y%m%d-%H%M)}"
n="${N:-2000}"; batch="${BATCH:-64}"; epochs="${EPOCHS:-2}"; pad="${PAD:-4}"; workers="${WORKERS:-2}"
profile="$here/Profile/bin/Release/net10.0/Profile"
[[ -x "$profile" && "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$here/Profile" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  /usr/bin/python3 -c "import torchvision" && echo "image_pipeline: peer and tool present" && exit 0
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
mkdir -p "$out"
for size in ${SIZES:-64 224}; do
  folder="${IMAGES:-/tmp/distill-images}/mnist-rgb-$size-$n"
  [[ -d "$folder/train" ]] || /usr/bin/python3 "$here/image_folder.py" "$mnist" "$folder" "$size" "$n"
  for run in $(seq 1 "${RUNS:-2}"); do
    echo "== $size px, run $run" >&2
    "$profile" pipeline "$folder" "$size" "crop:$pad,hflip" "$batch" "$epochs" true "$workers" > "$out/distill-streamed-$size-$run.json"
    /usr/bin/python3 "$here/image_pipeline_peer.py" "$folder" "$size" "$pad" "$batch" "$epochs" "$workers" > "$out/torchvision-$size-$run.json"
    "$profile" pipeline "$folder" "$size" "crop:$pad,hflip" "$batch" "$epochs" false "$workers" > "$out/distill-in-memory-$size-$run.json"
  done
done
/usr/bin/python3 - "$out" <<'PY' | tee "$out/summary.txt"
import json, pathlib, statistics, sys
out = pathlib.Path(sys.argv[1])
runs = [json.loads(p.read_text()) | {"file": p.name} for p in sorted(out.glob("*.json"))]
for size in sorted({r["size"] for r in runs}):
    peer = [r for r in runs if r["size"] == size and r["tool"] == "torchvision"]
    peer_ips = statistics.median(r["imagesPerSecond"] for r in peer)
    print(f"{size}x{size}: torchvision {peer_ips:.0f} img/s (median of {len(peer)}), peak RSS {max(r['peakRssMiB'] for r in peer):.0f} MiB main + {max(r['peakWorkerRssMiB'] for r in peer):.0f} MiB largest worker")
    for mode in ("streamed", "in-memory"):
        mine = [r for r in runs if r["size"] == size and r["tool"] == "distill" and r["mode"] == mode]
        ips = statistics.median(r["imagesPerSecond"] for r in mine)
        pairs = [m["imagesPerSecond"] / p["imagesPerSecond"] for m, p in zip(mine, peer)]
        print(f"  distill {mode}: {ips:.0f} img/s, ratio {ips / peer_ips:.2f}x (per run: {', '.join(f'{x:.2f}' for x in pairs)}), peak RSS {max(r['peakRssMiB'] for r in mine):.0f} MiB, load {statistics.median(r['loadSeconds'] for r in mine):.1f} s")
PY
