#!/usr/bin/env python3
"""Validation-error curves of Hinton et al. 2015 §3's models from committed run folders.

Reads each run folder's results.json (a compare run), or the outcome.json of each model folder in
an experiment's seed folder (their per-epoch history), and writes, per study and
model, the validation errors at every epoch (mean, min and max over the seeds' folders), the test
errors of the validation-chosen epoch, the training seconds, and the epoch where the curve
flattens: the first epoch whose best-so-far mean validation errors are within FLAT errors of the
whole run's best. Usage:
  bench/hinton_curves.py --flat 5 --json OUT.json NAME=FOLDER[,FOLDER...] ...
e.g. hinton-long=bench/runs/hinton-long/seed-1,bench/runs/hinton-long/seed-2,bench/runs/hinton-long/seed-3
"""
import argparse
import json
import os
import statistics


def load(folder):
    """A compare run's results.json, or an experiment seed's folder of models (each its outcome.json)."""
    results = os.path.join(folder, "results.json")
    if os.path.exists(results):
        with open(results) as f:
            result = json.load(f)
        if "models" not in result:  # today's results.json: the teacher and the runs' models
            result["models"] = [m for m in [result.get("teacher")] + (result.get("unpaired") or []) if m]
        return result
    models = []
    for name in sorted(os.listdir(folder)):
        outcome = os.path.join(folder, name, "outcome.json")
        if os.path.exists(outcome):
            with open(outcome) as f:
                model = json.load(f)
            model["role"] = name
            models.append(model)
    return {"models": models}


def curve(models, flat):
    epochs = min(len(m["history"]) for m in models)
    per_epoch = []
    for e in range(epochs):
        errors = []
        for m in models:
            h = m["history"][e]
            count = m.get("_validationRows")
            errors.append(round((1 - h["validationAccuracy"]) * count))
        per_epoch.append({"epoch": e + 1, "mean": statistics.mean(errors), "min": min(errors), "max": max(errors)})
    best = min(p["mean"] for p in per_epoch)
    running = float("inf")
    flattens = None
    for p in per_epoch:
        running = min(running, p["mean"])
        if running - best <= flat:
            flattens = p["epoch"]
            break
    return per_epoch, best, flattens


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flat", type=float, default=5.0)
    parser.add_argument("--validation-rows", type=int, default=5000)
    parser.add_argument("--json")
    parser.add_argument("studies", nargs="+")
    args = parser.parse_args()
    out = {"flatWithin": args.flat, "validationRows": args.validation_rows, "studies": []}
    for study in args.studies:
        name, folders = study.split("=", 1)
        runs = [load(f) for f in folders.split(",")]
        roles = [m["role"] for m in runs[0]["models"]]
        for role in roles:
            models = [next(m for m in r["models"] if m["role"] == role) for r in runs]
            models = [m for m in models if m.get("history")]  # a loaded teacher has no curve of its own
            if not models:
                continue
            for m in models:
                m["_validationRows"] = args.validation_rows
            per_epoch, best, flattens = curve(models, args.flat)
            entry = {
                "study": name, "model": role, "spec": models[0]["spec"], "seeds": len(models),
                "testErrors": [m["testErrors"] for m in models],
                "lastEpochTestErrors": [m.get("lastEpochTestErrors") for m in models],
                "bestEpochs": [m["bestEpoch"] for m in models],
                "trainingSeconds": [round(m["trainingSeconds"], 1) for m in models],
                "bestMeanValidationErrors": best, "flattensAtEpoch": flattens, "curve": per_epoch,
            }
            out["studies"].append(entry)
            marks = [e for e in (1, 2, 5, 10, 20, 30, 40, 50, 60, 100, 150, 200, 250, 300) if e <= len(per_epoch)]
            cells = " ".join(f"{e}:{per_epoch[e - 1]['mean']:.1f}" for e in marks)
            print(f"{name} {role}: flattens at epoch {flattens} (best mean {best:.1f} validation errors); "
                  f"test {entry['testErrors']}; seconds {entry['trainingSeconds']}; {cells}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
