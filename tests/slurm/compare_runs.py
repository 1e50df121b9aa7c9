"""Checks that two finished experiment folders hold the same results: the numbers in experiment.json
(teacher, and per seed and point the scratch and distilled students) and every model's weights
(best.bin) byte for byte. Usage: python3 compare_runs.py ONE_PROCESS_RUN MERGED_RUN"""
import json
import os
import sys


def outcome(model):
    return (model["testAccuracy"], model["testErrors"], model["bestEpoch"],
            [round(h["validationAccuracy"], 12) for h in model["history"]])


def main():
    one, merged = sys.argv[1], sys.argv[2]
    a = json.load(open(os.path.join(one, "experiment.json")))
    b = json.load(open(os.path.join(merged, "experiment.json")))
    problems = []
    if outcome(a["teacher"]) != outcome(b["teacher"]):
        problems.append("the teacher differs")
    runs_a = {(r["point"]["id"], r["seed"]): r for r in a["runs"]}
    runs_b = {(r["point"]["id"], r["seed"]): r for r in b["runs"]}
    if runs_a.keys() != runs_b.keys():
        problems.append(f"the points differ: {sorted(runs_a)} against {sorted(runs_b)}")
    for key in sorted(runs_a.keys() & runs_b.keys()):
        for role in ("scratch", "distilled"):
            if outcome(runs_a[key][role]) != outcome(runs_b[key][role]):
                problems.append(f"{role} of point {key[0]} seed {key[1]} differs")
    weights = 0
    for root, _, files in os.walk(one):
        for name in files:
            if name != "best.bin":
                continue
            relative = os.path.relpath(os.path.join(root, name), one)
            other = os.path.join(merged, relative)
            weights += 1
            if not os.path.exists(other) or open(other, "rb").read() != open(os.path.join(one, relative), "rb").read():
                problems.append(f"{relative} differs")
    if problems:
        print("compare_runs: " + "; ".join(problems))
        sys.exit(1)
    print(f"compare_runs: same numbers for the teacher and {len(runs_a)} point runs, {weights} weight files identical")


if __name__ == "__main__":
    main()
