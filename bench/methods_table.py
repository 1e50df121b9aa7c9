#!/usr/bin/python3
"""The method-zoo table of a `distill run` sweep over distillation.method (bench/methods-fashion.json).

Per method: test accuracy and errors (mean ± sample std over seeds, best-validation epoch), the gain
in errors over the scratch student of the same seed (mean, and min–max over seeds), the gain over
Hinton KD of the same seed, the methods' own trained parameters, and the mean epoch wall time
relative to the scratch student's mean epoch in the same run.
Usage: methods_table.py RUN_FOLDER...   (one folder per seed or one for all; prints Markdown on stdout)
"""
import json, statistics, sys

import glob, os


def load(folder):
    """experiment.json when the run finished; otherwise the outcome.json of every model it finished."""
    if os.path.exists(f"{folder}/experiment.json"):
        return json.load(open(f"{folder}/experiment.json"))
    config = json.load(open(f"{folder}/config.json"))
    methods = config["sweep"]["parameters"]["distillation.method"]
    runs, teacher = [], None
    for seed_folder in sorted(glob.glob(f"{folder}/seed-*")):
        seed = int(seed_folder.rsplit("-", 1)[1])
        scratch = json.load(open(f"{seed_folder}/scratch/outcome.json"))
        for i, name in enumerate(methods):
            path = f"{seed_folder}/points/p{i + 1:02d}/distilled/outcome.json"
            if os.path.exists(path):
                point = {"settings": [{"key": "distillation.method", "value": json.dumps(name)}]}
                runs.append({"point": point, "seed": seed, "scratch": scratch, "distilled": json.load(open(path))})
    teacher = json.load(open(os.path.join(os.path.dirname(config["teacherPath"]), "outcome.json")))
    return {"seeds": sorted({r["seed"] for r in runs}), "teacher": teacher, "runs": runs}


experiments = [load(folder) for folder in sys.argv[1:]]
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
    done = [s for s in seeds if s in outcomes]
    acc = [100 * outcomes[s]["testAccuracy"] for s in done]
    err = [outcomes[s]["testErrors"] for s in done]
    saved = [scratch[s]["testErrors"] - outcomes[s]["testErrors"] for s in done]
    vs_kd = [by_method["kd"][s]["testErrors"] - outcomes[s]["testErrors"] for s in done if s in by_method.get("kd", {})]
    ratio = statistics.fmean(epoch_seconds(outcomes[s]) for s in done) / scratch_epoch
    kd_cell = "–" if name == "kd" or not vs_kd else f"{statistics.fmean(vs_kd):+.0f} ({min(vs_kd):+d} to {max(vs_kd):+d})"
    params = outcomes[done[0]].get("methodParameters", 0)
    seeds_cell = "" if len(done) == len(seeds) else f" ({len(done)} of {len(seeds)} seeds)"
    print(f"| {name}{seeds_cell} | {mean_sd(acc)[0]:.2f} ± {mean_sd(acc)[1]:.2f} % | {mean_sd(err)[0]:.0f} ± {mean_sd(err)[1]:.0f} | "
          f"{statistics.fmean(saved):+.0f} ({min(saved):+d} to {max(saved):+d}) | {kd_cell} | {params:,} | {ratio:.2f} |")
