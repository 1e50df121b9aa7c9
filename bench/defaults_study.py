#!/usr/bin/python3
"""Summarises a defaults study (bench/defaults-study.sh): per budget and KD setting, the paired difference
distilled - scratch in test accuracy over the seeds, as mean and 95 % t interval, and the seeds won.

Reads the experiment.json of a sweep over studentTraining.epochs, distillation.temperature and
distillation.softTargetWeight (with or without hardLabelWeight); the scratch twin of each point is
the one its run names (one per seed and budget). Test accuracy is the validation-chosen epoch's
("best"; --last for the final epoch's). Writes Markdown on stdout and, with --json FILE, the same
numbers as JSON.

Usage: defaults_study.py RUN_DIR [--last] [--json FILE]
"""
import json
import statistics
import sys

from t_interval import half_width

# Two-sided 95 % quantiles of Student's t by degrees of freedom (1-30); beyond, the normal's.


def interval(diffs):
    mean = statistics.fmean(diffs)
    if len(diffs) < 2:
        return mean, mean, mean
    half = half_width(diffs)
    return mean, mean - half, mean + half


def setting_of(point, base, epochs_default):
    """Budget, temperature, soft and hard weight of a point (the file's where the sweep keeps them), and its other keys."""
    values = {s["key"]: s["value"] for s in point["settings"]}
    epochs = int(values.pop("studentTraining.epochs", epochs_default))
    temperature = float(values.pop("distillation.temperature", base.get("temperature", 4)))
    soft = float(values.pop("distillation.softTargetWeight", base.get("softTargetWeight", 0.9)))
    hard = float(values.pop("distillation.hardLabelWeight")) if "distillation.hardLabelWeight" in values else base.get("hardLabelWeight")
    warmup = int(values.pop("distillation.temperatureWarmupEpochs", base.get("temperatureWarmupEpochs", 0)))
    return epochs, temperature, soft, hard, warmup


def name_of(temperature, soft, hard, warmup):
    hard = "kd's" if hard is None else f"{hard:g}"
    return f"T {temperature:g}, {hard}, {soft:g}" + (f", T warm-up {warmup} ep" if warmup else "")


def curves_of(cells, longest):
    """Mean validation accuracy per epoch of the longest budget's scratch and distilled students, per setting."""
    curves = []
    for (epochs, temperature, soft, hard, warmup), runs in sorted(cells.items(), key=lambda c: (c[0][3] or 0, c[0][1], c[0][4])):
        if epochs != longest:
            continue
        if not curves:
            curves.append(curve("scratch", [r["scratch"] for r in runs]))
        curves.append(curve(name_of(temperature, soft, hard, warmup), [r["distilled"] for r in runs]))
    return curves


def curve(name, models):
    epochs = min(len(m["history"]) for m in models)
    def label_ce(m):
        terms = m["history"][0].get("unweightedLossTerms") or m["history"][0]["lossTerms"]
        return terms.get("hard_ce", terms.get("ce", float("nan")))
    return {
        "model": name,
        "validationAccuracy": [statistics.fmean(100 * m["history"][e]["validationAccuracy"] for m in models) for e in range(epochs)],
        "labelCrossEntropyEpoch1": statistics.fmean(label_ce(m) for m in models),
    }


def main(argv):
    folder = argv[0]
    last = "--last" in argv
    out = argv[argv.index("--json") + 1] if "--json" in argv else None
    experiment = json.load(open(f"{folder}/experiment.json", encoding="utf-8"))
    config = json.load(open(f"{folder}/config.json", encoding="utf-8"))
    complementary = (config.get("sweep") or {}).get("complementaryHardWeight", False)
    base = config.get("distillation") or {}
    epochs_default = (config.get("studentTraining") or {}).get("epochs")
    accuracy = "lastEpochTestAccuracy" if last else "testAccuracy"
    errors = "lastEpochTestErrors" if last else "testErrors"
    cells = {}
    for run in experiment["runs"]:
        epochs, temperature, soft, hard, warmup = setting_of(run["point"], base, epochs_default)
        if complementary:
            hard = round(1 - soft, 6)
        cells.setdefault((epochs, temperature, soft, hard, warmup), []).append(run)
    budgets = sorted({k[0] for k in cells})
    settings = sorted({k[1:] for k in cells}, key=lambda s: (s[2] if s[2] is not None else -1, s[0], s[3]))
    rows = []
    for (epochs, temperature, soft, hard, warmup), runs in sorted(cells.items()):
        diffs = [100 * (r["distilled"][accuracy] - r["scratch"][accuracy]) for r in runs]
        mean, low, high = interval(diffs)
        rows.append({
            "epochs": epochs, "temperature": temperature, "softTargetWeight": soft, "hardLabelWeight": hard,
            "temperatureWarmupEpochs": warmup,
            "seeds": [r["seed"] for r in runs],
            "scratchAccuracy": statistics.fmean(100 * r["scratch"][accuracy] for r in runs),
            "distilledAccuracy": statistics.fmean(100 * r["distilled"][accuracy] for r in runs),
            "scratchErrors": [r["scratch"][errors] for r in runs],
            "distilledErrors": [r["distilled"][errors] for r in runs],
            "differencePoints": {"mean": mean, "low95": low, "high95": high},
            "seedsWon": sum(r["distilled"][errors] < r["scratch"][errors] for r in runs),
            "seedsTied": sum(r["distilled"][errors] == r["scratch"][errors] for r in runs),
        })
    by_key = {(r["epochs"], r["temperature"], r["softTargetWeight"], r["hardLabelWeight"], r["temperatureWarmupEpochs"]): r for r in rows}
    teacher = experiment.get("teacher") or {}
    print(f"Defaults study `{folder}`: {'last' if last else 'validation-chosen'} epoch, "
          f"teacher {teacher.get('spec', '?')} {100 * teacher.get('testAccuracy', float('nan')):.2f} % "
          f"({teacher.get('testErrors', '?')} errors), {len(experiment.get('seeds', []))} seeds.\n")
    print("Scratch test accuracy (mean over seeds): " + ", ".join(
        f"{e} ep {statistics.fmean(r['scratchAccuracy'] for r in rows if r['epochs'] == e):.2f} %" for e in budgets) + "\n")
    print("Cell: distilled - scratch in test-accuracy points, mean [95 % t interval over the paired seeds], seeds won.\n")
    print("| T, hard, soft | " + " | ".join(f"{e} ep" for e in budgets) + " |")
    print("|---|" + "---|" * len(budgets))
    for temperature, soft, hard, warmup in settings:
        line = []
        for e in budgets:
            r = by_key.get((e, temperature, soft, hard, warmup))
            if r is None:
                line.append("")
                continue
            d = r["differencePoints"]
            mark = "**" if d["low95"] > 0 or d["high95"] < 0 else ""
            line.append(f"{mark}{d['mean']:+.2f}{mark} [{d['low95']:+.2f}, {d['high95']:+.2f}] {r['seedsWon']}/{len(r['seeds'])}")
        print(f"| {name_of(temperature, soft, hard, warmup)} | " + " | ".join(line) + " |")
    print("\nBold: the interval excludes 0.\n")
    curves = curves_of(cells, max(budgets))
    marks = [e for e in (1, 2, 3, 5, 10, 15, 20, 30, 40, 60) if e <= max(budgets)]
    print(f"Validation accuracy (%, mean over seeds) along the {max(budgets)}-epoch runs, and the student's own cross-entropy "
          "with the labels after epoch 1 (training batches, unweighted):\n")
    print("| Model | " + " | ".join(f"ep {e}" for e in marks) + " | CE after ep 1 |")
    print("|---|" + "---|" * (len(marks) + 1))
    for curve in curves:
        print(f"| {curve['model']} | " + " | ".join(f"{curve['validationAccuracy'][e - 1]:.2f}" for e in marks)
              + f" | {curve['labelCrossEntropyEpoch1']:.3f} |")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"runDirectory": folder, "epoch": "last" if last else "best", "teacher": {
                "spec": teacher.get("spec"), "testAccuracy": teacher.get("testAccuracy"), "testErrors": teacher.get("testErrors")},
                "cells": rows, "curves": curves}, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
