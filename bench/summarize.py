#!/usr/bin/python3
"""Summarises the results.json of several seeds of one study as a Markdown table.

Best = the epoch chosen on the validation split; last = the final epoch. Both on the full test set.
Usage: summarize.py TITLE RUN_FOLDER...   (prints Markdown on stdout)
"""
import json, statistics, sys

from result_models import models

title, folders = sys.argv[1], sys.argv[2:]
runs = [{"models": models(json.load(open(f"{f}/results.json")))} for f in folders]
roles = [m["role"] for m in runs[0]["models"]]


def stats(values):
    mean = statistics.fmean(values)
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return mean, spread, min(values), max(values)


def fmt_acc(values):
    mean, sd, lo, hi = stats([100 * v for v in values])
    return f"{mean:.2f} ± {sd:.2f} ({lo:.2f}–{hi:.2f})"


def fmt_err(values):
    mean, sd, lo, hi = stats(values)
    return f"{mean:.1f} ± {sd:.1f} ({lo:.0f}–{hi:.0f})"


print(f"#### {title}: {len(runs)} seed(s)\n")
print("| Model | Spec | Params | Best-epoch test acc % | Best-epoch errors | Last-epoch test acc % | Last-epoch errors | Best epoch per seed | Train s (mean) |")
print("|---|---|---|---|---|---|---|---|---|")
for role in roles:
    ms = [next(m for m in r["models"] if m["role"] == role) for r in runs]
    print(f"| {role} | `{ms[0]['spec']}` | {ms[0]['parameters']:,} | {fmt_acc([m['testAccuracy'] for m in ms])} | "
          f"{fmt_err([m['testErrors'] for m in ms])} | {fmt_acc([m['lastEpochTestAccuracy'] for m in ms])} | "
          f"{fmt_err([m['lastEpochTestErrors'] for m in ms])} | {', '.join(str(m['bestEpoch']) for m in ms)} | "
          f"{statistics.fmean(m['trainingSeconds'] for m in ms):.0f} |")
print("\nmean ± sample std (min–max) over seeds; run folders: " + ", ".join(f"`{f}`" for f in folders) + "\n")
