#!/usr/bin/env python3
"""Scratch against distilled, seed by seed, from the `--json` results that `distill quickstart` or
`distill compare` printed (bench/quickstart-seeds.sh's threads-*/seed-N.json, study.sh's seed-N.json).

For every FOLDER: a table of teacher / scratch / distilled test errors per seed, then the paired
difference distilled - scratch in test-accuracy points and in errors saved: mean, 95 % t interval over
the seeds (the interval excludes 0 only for a gain or loss beyond the seed spread), and the seeds won.
With two folders (A B) whose seeds pair up (same teacher and scratch student per seed), also B's
distilled against A's distilled.

Usage: bench/paired_seeds.py FOLDER [FOLDER2] [--json OUT]
"""
import glob
import json
import os
import re
import statistics
import sys

from t_interval import half_width

# Two-sided 95 % Student t quantiles by degrees of freedom.


def runs(folder):
    found = {}
    for path in glob.glob(os.path.join(folder, "**", "seed-*.json"), recursive=True):
        seed = int(re.search(r"seed-(\d+)\.json$", path).group(1))
        result = json.load(open(path))
        # Older results list the models; today's hold the teacher and the one run's pair.
        models = {m["role"]: m for m in result["models"]} if "models" in result else \
            {"teacher": result["teacher"], "scratch": result["runs"][0]["scratch"], "distilled": result["runs"][0]["distilled"]}
        found[seed] = {"teacher": models["teacher"]["testErrors"], "scratch": models["scratch"]["testErrors"],
                       "distilled": models["distilled"]["testErrors"], "test": result["testCount"],
                       "hyperparameters": models["distilled"].get("hyperparameters")}
    return dict(sorted(found.items()))


def paired(differences):
    mean = statistics.mean(differences)
    if len(differences) < 2:
        return {"mean": mean, "low": None, "high": None, "won": sum(d > 0 for d in differences), "seeds": len(differences)}
    half = half_width(differences)
    return {"mean": mean, "low": mean - half, "high": mean + half, "won": sum(d > 0 for d in differences), "seeds": len(differences)}


def text(p, digits=2, sign=True):
    fmt = f"{{:{'+' if sign else ''}.{digits}f}}"
    interval = "" if p["low"] is None else f" [{fmt.format(p['low'])}, {fmt.format(p['high'])}]"
    bold = p["low"] is not None and (p["low"] > 0 or p["high"] < 0)
    head = fmt.format(p["mean"])
    return f"{'**' + head + '**' if bold else head}{interval}, {p['won']} of {p['seeds']} seeds"


def summary(folder):
    rows = runs(folder)
    if not rows:
        sys.exit(f"paired_seeds.py: no seed-N.json under {folder}")
    print(f"{folder} ({next(iter(rows.values()))['hyperparameters']})\n")
    print("| Seed | Teacher errors | Scratch errors | Distilled errors | Saved |")
    print("|---|---|---|---|---|")
    for seed, r in rows.items():
        print(f"| {seed} | {r['teacher']} | {r['scratch']} | {r['distilled']} | {r['scratch'] - r['distilled']} |")
    points = paired([100 * (r["scratch"] - r["distilled"]) / r["test"] for r in rows.values()])
    saved = paired([r["scratch"] - r["distilled"] for r in rows.values()])
    print(f"\nDistilled - scratch: {text(points)} (test-accuracy points); errors saved {text(saved, 1)}.\n")
    return rows, {"pointsOverScratch": points, "errorsSaved": saved}


def main(argv):
    out = None
    if "--json" in argv:
        i = argv.index("--json")
        out = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    report = {}
    tables = []
    for folder in argv:
        rows, stats = summary(folder)
        tables.append(rows)
        report[folder] = {"seeds": rows, **stats}
    if len(tables) == 2:
        a, b = tables
        seeds = sorted(set(a) & set(b))
        same = all(a[s]["scratch"] == b[s]["scratch"] for s in seeds)
        diff = paired([100 * (a[s]["distilled"] - b[s]["distilled"]) / a[s]["test"] for s in seeds])
        print(f"{argv[1]} - {argv[0]} (distilled students, paired by seed; scratch identical: {same}): {text(diff)} (test-accuracy points).")
        report["secondMinusFirst"] = {"pointsDistilled": diff, "scratchIdentical": same}
    if out:
        json.dump(report, open(out, "w"), separators=(",", ":"))
        open(out, "a").write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
