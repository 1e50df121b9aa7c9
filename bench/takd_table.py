#!/usr/bin/python3
"""Tables for bench/RESULTS.md from the run folders of bench/takd.sh and bench/ensemble.sh.

Usage: bench/takd_table.py [TAKD_RUNS=bench/runs/takd] [ENSEMBLE_RUNS=bench/runs/ensemble]
Prints Markdown: the teachers, scratch / KD / TAKD per seed, the capacity sweep, the ensemble.
"""
import json
import statistics
import sys
from pathlib import Path

from result_models import models as flat_models

takd = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/runs/takd")
ensemble = Path(sys.argv[2] if len(sys.argv) > 2 else "bench/runs/ensemble")
SEEDS = (1, 2, 3)


def models(folder):
    path = folder / "results.json"
    return flat_models(json.loads(path.read_text())) if path.exists() else None


def student(folder):
    found = models(folder)
    if found is None:
        return None
    return next(m for m in found if m["role"] in ("scratch", "distilled"))


def teacher(n):
    return models(takd / f"teacher-plaincnn{n}")[0]


def pct(values):
    values = [v * 100 for v in values]
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.2f} %"
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f} %"


def per_seed(prefix):
    return [student(takd / f"{prefix}-s{s}") for s in SEEDS]


def row(name, runs, scratch=None):
    done = [r for r in runs if r is not None]
    cells = [f"{r['testAccuracy'] * 100:.2f}" if r else "–" for r in runs]
    saved = "–"
    if scratch is not None:
        pairs = [(a, b) for a, b in zip(runs, scratch) if a and b]
        if pairs:
            diffs = [b["testErrors"] - a["testErrors"] for a, b in pairs]
            saved = f"{statistics.mean(diffs):+.1f} ({min(diffs):+d} to {max(diffs):+d})"
    return f"| {name} | {' | '.join(cells)} | {pct([r['testAccuracy'] for r in done])} | {saved} |"


print("| Teacher | Parameters | Test accuracy | Training time |")
print("|---|---|---|---|")
for n in (4, 6, 8, 10):
    t = teacher(n)
    print(f"| plaincnn:{n} | {t['parameters']:,} | {t['testAccuracy'] * 100:.2f} % | {t['trainingSeconds']:.0f} s |")
print()

scratch = per_seed("scratch")
header = "| plaincnn:2 student | " + " | ".join(f"seed {s}" for s in SEEDS) + " | mean ± std | errors saved vs scratch (min to max) |"
print(header)
print("|---" * (len(SEEDS) + 3) + "|")
print(row("scratch (no KD)", scratch))
print(row("KD from plaincnn:10", per_seed("kd10"), scratch))
print(row("TAKD 10 -> 4 -> 2", per_seed("takd4"), scratch))
print(row("(assistant plaincnn:4, KD from 10)", per_seed("assistant4")))
kd, ta = per_seed("kd10"), per_seed("takd4")
pairs = [(a, b) for a, b in zip(ta, kd) if a and b]
if pairs:
    diffs = [b["testErrors"] - a["testErrors"] for a, b in pairs]
    print(f"\nTAKD minus KD, test errors saved per seed: {', '.join(f'{d:+d}' for d in diffs)} (mean {statistics.mean(diffs):+.1f}).")
print()

print("| Teacher | Teacher accuracy | " + " | ".join(f"student seed {s}" for s in SEEDS) + " | student mean ± std | errors saved vs scratch |")
print("|---" * (len(SEEDS) + 4) + "|")
for n in (4, 6, 8, 10):
    runs = per_seed(f"kd{n}")
    cells = row(f"plaincnn:{n}", runs, scratch).split(" | ", 1)[1]
    print(f"| plaincnn:{n} | {teacher(n)['testAccuracy'] * 100:.2f} % | {cells}")
print()

if ensemble.exists():
    print("| Source | Teacher accuracy | " + " | ".join(f"student seed {s}" for s in SEEDS) + " | student mean ± std | errors saved vs scratch |")
    print("|---" * (len(SEEDS) + 4) + "|")
    for n in (6, 8, 10):
        cells = row("", per_seed(f"kd{n}"), scratch).split(" | ", 1)[1]
        print(f"| plaincnn:{n} alone | {teacher(n)['testAccuracy'] * 100:.2f} % | {cells}")
    for mode in ("logits", "probabilities", "confidence"):
        runs = [models(ensemble / f"{mode}-s{s}") for s in SEEDS]
        if not any(runs):
            continue
        first = next(r for r in runs if r)
        combined = next(m for m in first if m["role"] == "teacher")
        students = [next(m for m in r if m["role"] == "distilled") if r else None for r in runs]
        cells = row("", students, scratch).split(" | ", 1)[1]
        print(f"| ensemble of 6, 8, 10 ({mode}) | {combined['testAccuracy'] * 100:.2f} % | {cells}")
        own_scratch = [next(m for m in r if m["role"] == "scratch") if r else None for r in runs]
        same = all(a is None or b is None or a["testErrors"] == b["testErrors"] for a, b in zip(own_scratch, scratch))
        print(f"\n(The {mode} runs' own scratch students {'match' if same else 'DIFFER from'} takd.sh's scratch runs seed for seed.)\n")
