#!/usr/bin/python3
"""Median table of a bench/peers.sh folder: wall, CPU and peak RSS per program, ratios vs Distill, loads."""
import glob, json, os, statistics, sys

from gnu_time import gnu_time

work = sys.argv[1]


rows = {}
for path in sorted(glob.glob(os.path.join(work, "*.time"))):
    name = os.path.basename(path)[:-5]
    program, _ = name.rsplit("-", 1)
    entry = gnu_time(path)
    entry["load"] = [l.split("load average:")[1].split(",")[0].strip() for l in open(os.path.join(work, name + ".load")) if "load average" in l]
    mem = os.path.join(work, name + "-mem.json")
    entry["phases"] = json.load(open(mem)) if os.path.exists(mem) else {}
    rows.setdefault(program, []).append(entry)

median = {p: {k: statistics.median(e[k] for e in es) for k in ("wall", "cpu", "rss")} for p, es in rows.items()}
base = median.get("distill")
print(f"Folder `{os.path.relpath(work)}`; {len(next(iter(rows.values())))} run(s) each, alternating; medians.\n")
print("| Program | Wall s | CPU s | Peak RSS MiB | Wall ratio (program / Distill) | CPU ratio | Runs (wall s; load before -> after) |")
print("|---|---|---|---|---|---|---|")
for program, m in median.items():
    runs = "; ".join(f"{e['wall']:.0f} ({' -> '.join(e['load'])})" for e in rows[program])
    ratio = f"{m['wall'] / base['wall']:.2f}x" if base else ""
    cpu_ratio = f"{m['cpu'] / base['cpu']:.2f}x" if base else ""
    print(f"| {program} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['rss']:.0f} | {ratio} | {cpu_ratio} | {runs} |")
print("\nPeak RSS MiB per phase (first run):\n")
for program, es in rows.items():
    print(f"- {program}: {es[0]['phases'].get('peak_rss_mib_by_phase')}; CPU s per phase {es[0]['phases'].get('cpu_seconds_by_phase')}")
