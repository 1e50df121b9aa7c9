#!/usr/bin/python3
"""The method-zoo table of a `distill run` sweep over distillation.method (bench/methods-fashion.json).

Per method: test accuracy and errors (mean ± sample std over seeds, best-validation epoch), the gain
in errors over the scratch student of the same seed (mean, and min–max over seeds), the gain over
Hinton KD of the same seed, the methods' own trained parameters, and the mean epoch wall time
relative to the scratch student's mean epoch in the same run.
Usage: methods_table.py RUN_FOLDER...   (one folder per seed or one for all; prints Markdown on stdout)
"""
import json, statistics, sys

experiments = [json.load(open(f"{folder}/experiment.json")) for folder in sys.argv[1:]]
seeds = [s for e in experiments for s in e["seeds"]]
run = {"teacher": experiments[0]["teacher"], "runs": [r for e in experiments for r in e["runs"]]}


def method(point):
    for setting in point["settings"]:
        if setting["key"] == "distillation.method":
            try:
                return json.loads(setting["value"])
            except ValueError:
                return setting["value"]
    return "kd"


def mean_sd(values):
    m = statistics.fmean(values)
    return m, (statistics.stdev(values) if len(values) > 1 else 0.0)


def epoch_seconds(outcome):
    return statistics.fmean(r["seconds"] for r in outcome["history"])


by_method, scratch = {}, {}
for r in run["runs"]:
    by_method.setdefault(method(r["point"]), {})[r["seed"]] = r["distilled"]
    scratch[r["seed"]] = r["scratch"]

scratch_epoch = statistics.fmean(epoch_seconds(s) for s in scratch.values())
teacher = run["teacher"]
print(f"Teacher `{teacher['spec']}` ({teacher['parameters']:,} parameters): {100 * teacher['testAccuracy']:.2f} % ({teacher['testErrors']} errors).\n")
print("| Method | Test accuracy | Test errors | Errors saved vs scratch (min–max over seeds) | Errors saved vs KD | Method parameters | Epoch time / scratch |")
print("|---|---|---|---|---|---|---|")
acc = [100 * scratch[s]["testAccuracy"] for s in seeds]
err = [scratch[s]["testErrors"] for s in seeds]
print(f"| scratch | {mean_sd(acc)[0]:.2f} ± {mean_sd(acc)[1]:.2f} % | {mean_sd(err)[0]:.0f} ± {mean_sd(err)[1]:.0f} | – | – | – | 1.00 |")
for name, outcomes in by_method.items():
    acc = [100 * outcomes[s]["testAccuracy"] for s in seeds]
    err = [outcomes[s]["testErrors"] for s in seeds]
    saved = [scratch[s]["testErrors"] - outcomes[s]["testErrors"] for s in seeds]
    vs_kd = [by_method["kd"][s]["testErrors"] - outcomes[s]["testErrors"] for s in seeds] if "kd" in by_method else None
    ratio = statistics.fmean(epoch_seconds(outcomes[s]) for s in seeds) / scratch_epoch
    kd_cell = "–" if name == "kd" or vs_kd is None else f"{statistics.fmean(vs_kd):+.0f} ({min(vs_kd):+d} to {max(vs_kd):+d})"
    params = outcomes[seeds[0]].get("methodParameters", 0)
    print(f"| {name} | {mean_sd(acc)[0]:.2f} ± {mean_sd(acc)[1]:.2f} % | {mean_sd(err)[0]:.0f} ± {mean_sd(err)[1]:.0f} | "
          f"{statistics.fmean(saved):+.0f} ({min(saved):+d} to {max(saved):+d}) | {kd_cell} | {params:,} | {ratio:.2f} |")
