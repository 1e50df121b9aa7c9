#!/usr/bin/python3
"""Table of bench/live-teacher.sh's runs: per round the scratch and distilled epochs of Distill and of
the PyTorch peer (CPU seconds, wall in brackets), the distilled/scratch ratio of each and Distill's
distilled epoch against the peer's; medians over the rounds. Usage: live_teacher_report.py OUT."""
import json
import statistics
import sys
from pathlib import Path


def distill(path):
    rows = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[0].isdigit() and parts[1] != "rows,":
            what = " ".join(parts[1:-2])
            rows[what] = (float(parts[-1]), float(parts[-2]))
    return rows["epoch, scratch"], rows["epoch, distilled, live teacher"]


def peer(path):
    models = json.loads(path.read_text())["models"]
    return tuple((models[r]["epoch_cpu_seconds"][0], models[r]["epoch_seconds"][0]) for r in ("scratch", "distilled"))


out = Path(sys.argv[1])
rounds = sorted(int(p.stem.split("-")[1]) for p in out.glob("distill-*.txt"))
print("| round | Distill scratch | Distill distilled | ratio | peer scratch | peer distilled | ratio | peer / Distill, distilled |")
print("|---|---|---|---|---|---|---|---|")
columns = []
for r in rounds:
    (ds, dd), (ps, pd) = distill(out / f"distill-{r}.txt"), peer(out / f"peer-{r}.json")
    row = (ds[0], dd[0], dd[0] / ds[0], ps[0], pd[0], pd[0] / ps[0], pd[0] / dd[0])
    columns.append(row)
    print(f"| {r} | {ds[0]:.2f} ({ds[1]:.1f}) | {dd[0]:.2f} ({dd[1]:.1f}) | {row[2]:.2f}x | {ps[0]:.2f} ({ps[1]:.1f}) | {pd[0]:.2f} ({pd[1]:.1f}) | {row[5]:.2f}x | {row[6]:.2f}x |")
medians = [statistics.median(c) for c in zip(*columns)]
print(f"| median | {medians[0]:.2f} | {medians[1]:.2f} | {medians[2]:.2f}x | {medians[3]:.2f} | {medians[4]:.2f} | {medians[5]:.2f}x | {medians[6]:.2f}x |")
