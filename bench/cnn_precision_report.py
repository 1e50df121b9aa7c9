#!/usr/bin/env python3
"""Table of bench/cnn-precision.sh: epoch CPU and wall seconds per program and precision (medians of
the runs, each run listed), float32 / bfloat16 per alternating pair, and Distill against the peer.

Usage: bench/cnn_precision_report.py RUN_FOLDER
"""
import glob
import json
import os
import re
import statistics
import sys


def load(folder):
    runs = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        m = re.match(r"(distill|before|peer)-(float32|bfloat16)-(\d+)\.json$", os.path.basename(path))
        if not m or os.path.getsize(path) == 0:
            continue
        who, precision, run = m.group(1), m.group(2), int(m.group(3))
        data = json.load(open(path))
        if who == "peer":
            model = data["models"]["teacher"]
            cpu, wall, acc = model["epoch_cpu_seconds"][0], model["epoch_seconds"][0], model["test_accuracy"]
        else:
            cpu, wall, acc = data["cpu_s"], data["epoch_wall_s"][0], data["val_accuracy"]
        runs[(who, precision, run)] = {"cpu": cpu, "wall": wall, "accuracy": acc}
    return runs


def main(folder):
    runs = load(folder)
    numbers = sorted({r for _, _, r in runs})
    print("| program | precision | epoch CPU s (median; runs) | epoch wall s (median; runs) | accuracy (Distill: validation; peer: test) |")
    print("|---|---|---|---|---|")
    for who in ("distill", "before", "peer"):
        for precision in ("float32", "bfloat16"):
            rows = [runs[(who, precision, r)] for r in numbers if (who, precision, r) in runs]
            if not rows:
                continue
            cpu = [x["cpu"] for x in rows]
            wall = [x["wall"] for x in rows]
            print(f"| {who} | {precision} | **{statistics.median(cpu):.2f}** ({' / '.join(f'{v:.2f}' for v in cpu)}) | "
                  f"{statistics.median(wall):.2f} ({' / '.join(f'{v:.2f}' for v in wall)}) | {rows[0]['accuracy']:.4f} |")
    print()
    print("| ratio | CPU time: medians | per pair | wall time: medians | per pair |")
    print("|---|---|---|---|---|")

    def ratio(name, top, bottom):
        pairs = [r for r in numbers if top + (r,) in runs and bottom + (r,) in runs]
        if not pairs:
            return
        out = [name]
        for key in ("cpu", "wall"):
            t = [runs[top + (r,)][key] for r in pairs]
            b = [runs[bottom + (r,)][key] for r in pairs]
            out += [f"**{statistics.median(t) / statistics.median(b):.2f}x**", " / ".join(f"{x / y:.2f}" for x, y in zip(t, b))]
        print("| " + " | ".join(out) + " |")

    ratio("Distill float32 / Distill bfloat16", ("distill", "float32"), ("distill", "bfloat16"))
    ratio("before float32 / before bfloat16", ("before", "float32"), ("before", "bfloat16"))
    ratio("before bfloat16 / Distill bfloat16", ("before", "bfloat16"), ("distill", "bfloat16"))
    ratio("peer float32 / peer bfloat16", ("peer", "float32"), ("peer", "bfloat16"))
    ratio("peer float32 / Distill float32", ("peer", "float32"), ("distill", "float32"))
    ratio("peer bfloat16 / Distill bfloat16", ("peer", "bfloat16"), ("distill", "bfloat16"))
    ratio("peer float32 / Distill bfloat16", ("peer", "float32"), ("distill", "bfloat16"))


if __name__ == "__main__":
    main(sys.argv[1])
