#!/usr/bin/python3
"""Summarises bench/transfer.sh: per seed, the scratch student (1 % of the labels) and the distilled
one (the same labels plus the other 99 % as an unlabeled transfer set), both at the epoch the
validation split chose, on the full test set; then mean ± sample std of each, and the paired
difference (distilled - scratch) with its 95 % Student-t interval.
Usage: transfer_summary.py RUN.json...   (the --json output of each seed's `distill compare`)
"""
import json, math, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from result_models import models  # noqa: E402

# Two-sided 95 % quantiles of Student's t for 1..9 degrees of freedom.
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262]


def model(run, role):
    return next(m for m in models(run) if m["role"] == role)


runs = [(path, json.load(open(path))) for path in sys.argv[1:]]
rows = []
for path, run in runs:
    scratch, distilled = model(run, "scratch"), model(run, "distilled")
    rows.append((path, 100 * scratch["testAccuracy"], 100 * distilled["testAccuracy"], scratch["testErrors"], distilled["testErrors"]))
print("| run | scratch acc % (errors) | distilled acc % (errors) | difference (points) |")
print("|---|---|---|---|")
for path, s, d, se, de in rows:
    print(f"| {path} | {s:.2f} ({se}) | {d:.2f} ({de}) | {d - s:+.2f} |")
n = len(rows)
scratch = [r[1] for r in rows]
distilled = [r[2] for r in rows]
diffs = [d - s for s, d in zip(scratch, distilled)]
sd = lambda values: statistics.stdev(values) if len(values) > 1 else 0.0
print(f"\nscratch:   {statistics.fmean(scratch):.2f} ± {sd(scratch):.2f} % (n = {n})")
print(f"distilled: {statistics.fmean(distilled):.2f} ± {sd(distilled):.2f} %")
mean = statistics.fmean(diffs)
if n > 1:
    half = T95[n - 2] * sd(diffs) / math.sqrt(n)
    print(f"paired difference: {mean:+.2f} points, 95 % interval [{mean - half:+.2f}, {mean + half:+.2f}] (t, {n - 1} df)")
else:
    print(f"paired difference: {mean:+.2f} points (one seed: no interval)")
