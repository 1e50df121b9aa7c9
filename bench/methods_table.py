#!/usr/bin/python3
"""The method table of `distill run` experiments on one student (bench/methods5-fashion.json and friends).

Reads every run folder given (its experiment.json when the run was merged; otherwise the outcome.json of
every model it finished) and pairs models by seed. Per row: test accuracy (the validation-chosen
epoch's; mean ± sample std over seeds), the paired difference in accuracy points against the scratch
student of the same seed and against kd of the same seed (mean, 95 % Student-t interval over the seeds,
seeds won), the method's own trained parameters, and its mean epoch time over the scratch student's.
A difference is bold only where its interval excludes 0.

Rows come from a sweep over `distillation.method` or over whole `distillation` objects (one row per
point; a point that pins temperatureWarmupEpochs 0 is named "METHOD (T t, no warm-up)"), and from a study
without a sweep: its distilled student, born-again generations and their ensemble, mutual-learning peers,
their cohort and the mean of the peers. Folders that share seeds share the scratch student: its test
errors must agree (training is deterministic) or the script stops.

Usage: methods_table.py RUN_FOLDER... [--json FILE]   (Markdown on stdout; --json writes the rows' numbers)
"""
import glob
import json
import os
import statistics
import sys

from t_interval import half_width

# Two-sided 95 % quantiles of Student's t by degrees of freedom (1-10).


def paired(first, second):
    """Mean, 95 % t interval and seeds won of first - second over the seeds both have; None below two seeds."""
    seeds = sorted(set(first) & set(second))
    diffs = [first[s] - second[s] for s in seeds]
    if len(diffs) < 2:
        return None
    mean = statistics.fmean(diffs)
    half = half_width(diffs)
    return {"n": len(diffs), "mean": mean, "low": mean - half, "high": mean + half,
            "won": sum(d > 0 for d in diffs), "lost": sum(d < 0 for d in diffs)}


def cell(diff):
    if diff is None:
        return "–"
    text = f"{diff['mean']:+.2f} [{diff['low']:+.2f}, {diff['high']:+.2f}]"
    if diff["low"] > 0 or diff["high"] < 0:
        text = f"**{text}**"
    return f"{text}, won {diff['won']} of {diff['n']}"


def point_name(point):
    """The row name of a sweep point: its method, with kd's pinned temperature and warm-up where stated."""
    values = {s["key"]: s["value"] for s in point["settings"]}
    if "distillation" in values:
        options = json.loads(values["distillation"])
        name = options.get("method", "kd")
        if options.get("temperatureWarmupEpochs") == 0:
            name += f" (T {options.get('temperature', 4):g}, no warm-up)"
        return name
    if "distillation.method" in values:
        try:
            return json.loads(values["distillation.method"])
        except ValueError:
            return values["distillation.method"]
    return ", ".join(f"{k}={v}" for k, v in values.items()) or "distilled"


def other_name(outcome):
    """Names of the models a study adds beside its distilled student, from the folder they were saved in."""
    folder = model_folder(outcome)
    if folder.startswith("generation-"):
        return f"born-again generation {folder.split('-')[1]}"
    if folder == "generations":
        return "born-again ensemble of the generations"
    if folder.startswith("mutual/peer-"):
        return f"mutual-learning peer {folder.split('-')[-1]}"
    if folder.startswith("mutual"):
        return "mutual-learning cohort (mean logits)"
    return outcome.get("label") or folder


def model_folder(outcome):
    """The model's folder below its seed folder (points/p01/distilled, generation-1, mutual/peer-2...)."""
    path = outcome.get("weightsPath") or outcome.get("predictionsPath") or ""
    parts = path.replace("\\", "/").split("/")
    seed_at = max((i for i, p in enumerate(parts) if p.startswith("seed-")), default=-1)
    return "/".join(parts[seed_at + 1:-1])


def load(folder):
    """(seed -> scratch outcome, [(row name, seed, outcome)], teacher outcome) of one run folder."""
    if os.path.exists(f"{folder}/experiment.json"):
        experiment = json.load(open(f"{folder}/experiment.json"))
        scratch, models = {}, []
        for run in experiment["runs"]:
            seed = run["seed"]
            scratch[seed] = run["scratch"]
            name = point_name(run["point"]) if experiment.get("sweepKeys") else "born-again: kd from generation 0 at the student's seed"
            models.append((name, seed, run["distilled"]))
            models.extend((other_name(o), seed, o) for o in run.get("others", []))
        return scratch, models, experiment.get("teacher")
    config = json.load(open(f"{folder}/config.json"))
    scratch, models = {}, []
    for seed_folder in sorted(glob.glob(f"{folder}/seed-*")):
        seed = int(seed_folder.rsplit("-", 1)[1])
        for path in sorted(glob.glob(f"{seed_folder}/**/outcome.json", recursive=True)):
            outcome = json.load(open(path))
            relative = os.path.relpath(os.path.dirname(path), seed_folder)
            if relative == "scratch" or (relative.endswith("/scratch") and outcome.get("role") == "scratch"):
                scratch[seed] = outcome
            elif relative.startswith("points/"):
                parameters = (config.get("sweep") or {}).get("parameters", {})
                index = int(relative.split("/")[1][1:]) - 1
                key, values = next(iter(parameters.items()))
                point = {"settings": [{"key": key, "value": json.dumps(values[index])}]}
                models.append((point_name(point), seed, outcome))
            elif relative == "distilled":
                models.append(("born-again: kd from generation 0 at the student's seed", seed, outcome))
            else:
                outcome.setdefault("weightsPath", f"seed-{seed}/{relative}/best.bin")
                models.append((other_name(outcome), seed, outcome))
    teacher_path = config.get("teacherPath") or f"{folder}/teacher/best.bin"
    teacher_outcome = os.path.join(os.path.dirname(teacher_path), "outcome.json")
    teacher = json.load(open(teacher_outcome)) if os.path.exists(teacher_outcome) else None
    return scratch, models, teacher


def epoch_seconds(outcome):
    history = outcome.get("history") or []
    return statistics.fmean(r["seconds"] for r in history) if history else None


def main(argv):
    json_path = None
    if "--json" in argv:
        at = argv.index("--json")
        json_path = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    scratch, rows, teachers = {}, {}, []
    for folder in argv:
        folder_scratch, models, teacher = load(folder)
        for seed, outcome in folder_scratch.items():
            if seed in scratch and scratch[seed]["testErrors"] != outcome["testErrors"]:
                sys.exit(f"The scratch students of seed {seed} differ between the folders ({scratch[seed]['testErrors']} "
                         f"and {outcome['testErrors']} test errors in {folder}).")
            scratch.setdefault(seed, outcome)
        for name, seed, outcome in models:
            rows.setdefault(name, {})[seed] = outcome
        if teacher is not None and all(t["weightsPath"] != teacher["weightsPath"] for _, t in teachers):
            teachers.append((folder, teacher))

    # The mean of the peers, per seed: what one peer of the cohort is worth on average.
    peers = [name for name in rows if name.startswith("mutual-learning peer ")]
    if len(peers) >= 2:
        rows["mutual-learning, mean of the peers"] = {
            s: {"testAccuracy": statistics.fmean(rows[p][s]["testAccuracy"] for p in peers)}
            for s in set.intersection(*(set(rows[p]) for p in peers))}

    accuracy = lambda outcomes: {s: 100 * o["testAccuracy"] for s, o in outcomes.items()}
    seeds = sorted(scratch)
    scratch_accuracy = accuracy(scratch)
    kd_name = next((n for n in rows if n == "kd" or n.startswith("kd (")), None)
    kd_accuracy = accuracy(rows[kd_name]) if kd_name else {}
    scratch_epoch = statistics.fmean(e for e in (epoch_seconds(o) for o in scratch.values()) if e)

    for folder, teacher in teachers:
        print(f"Teacher of `{folder}`: `{teacher['spec']}` ({teacher['parameters']:,} parameters), "
              f"{100 * teacher['testAccuracy']:.2f} % ({teacher['testErrors']} errors).  ")
    print(f"\nSeeds {', '.join(map(str, seeds))}; differences in accuracy points, paired by seed, mean [95 % t interval].\n")
    print("| Row | Test accuracy | − scratch | − kd | Method parameters | Epoch time / scratch |")
    print("|---|---|---|---|---|---|")
    table = []

    def row(name, values, outcomes, versus_scratch, versus_kd):
        mean = statistics.fmean(values.values())
        std = statistics.stdev(values.values()) if len(values) > 1 else 0.0
        seeds_cell = "" if len(values) == len(seeds) else f" ({len(values)} of {len(seeds)} seeds)"
        times = [e for e in (epoch_seconds(o) for o in outcomes.values()) if e]
        ratio = f"{statistics.fmean(times) / scratch_epoch:.2f}" if times else "–"
        params = next(iter(outcomes.values())).get("methodParameters")
        params_cell = "–" if params is None else f"{params:,}"
        print(f"| {name}{seeds_cell} | {mean:.2f} ± {std:.2f} % | {cell(versus_scratch)} | {cell(versus_kd)} | {params_cell} | {ratio} |")
        table.append({"row": name, "seeds": sorted(values), "accuracyMean": mean, "accuracyStd": std,
                      "versusScratch": versus_scratch, "versusKd": versus_kd, "epochTimeOverScratch": ratio})

    row("scratch", scratch_accuracy, scratch, None, None)
    for name, outcomes in rows.items():
        values = accuracy(outcomes)
        row(name, values, outcomes, paired(values, scratch_accuracy), None if name == kd_name else paired(values, kd_accuracy))
    if json_path:
        with open(json_path, "w") as f:
            f.write(json.dumps({"folders": argv, "seeds": seeds, "rows": table}, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
