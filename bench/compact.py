#!/usr/bin/env python3
"""Keeps bench/runs small without losing data: what `distill report` rebuilds or another file repeats goes.

For every tracked file under bench/runs (or the folders given):
- JSON is rewritten without indentation (the same values; Distill and the bench scripts read either);
- a run folder's summary.md is removed: `distill report RUN` rebuilds it from results.json / experiment.json
  (a bench script's own summary.md, e.g. peers.sh's table, stays);
- best.json / last.json (the model cards of best.bin / last.bin, whose weights are never committed) are removed;
- a model's outcome.json is removed where a results.json or experiment.json above it holds the same outcome
  (kept where it is the only record, as in a sweep that never wrote experiment.json).

Usage: bench/compact.py [--check] [FOLDER ...]   (default: bench/runs; --check lists what it would change and exits 1 if anything)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def tracked(folders):
    out = subprocess.run(["git", "ls-files", "--", *folders], capture_output=True, text=True, cwd=REPO, check=True).stdout
    return [os.path.join(REPO, f) for f in out.split("\n") if f]


def holder(path):
    """The results.json / experiment.json of the run above a model folder, if any."""
    folder = os.path.dirname(os.path.dirname(path))
    while folder.startswith(os.path.join(REPO, "bench", "runs")):
        for name in ("results.json", "experiment.json"):
            candidate = os.path.join(folder, name)
            if os.path.exists(candidate):
                return candidate
        folder = os.path.dirname(folder)
    return None


def in_run(path):
    """Whether a file sits in a Distill run folder (so `distill report` rebuilds it), not a bench script's own output."""
    folder = os.path.dirname(path)
    return any(os.path.exists(os.path.join(folder, n)) for n in ("results.json", "experiment.json", ".distill-run"))


def repeated(outcome_path, holder_path):
    """Whether the holder's text contains this outcome (compared as compact JSON, paths aside)."""
    outcome = json.load(open(outcome_path, encoding="utf-8"))
    text = json.dumps(json.load(open(holder_path, encoding="utf-8")), separators=(",", ":"))
    key = json.dumps(outcome.get("history"), separators=(",", ":"))
    return outcome.get("history") is not None and key in text and str(outcome.get("testErrors")) in text


def compact(path):
    text = open(path, encoding="utf-8").read()
    try:
        value = json.loads(text)
    except ValueError:
        return None
    small = json.dumps(value, separators=(",", ":"), ensure_ascii=False) + "\n"
    return small if small != text else None


def main(argv):
    check = "--check" in argv
    folders = [a for a in argv if a != "--check"] or ["bench/runs"]
    changes = []
    for path in tracked(folders):
        if not os.path.exists(path):
            continue
        name = os.path.basename(path)
        if name in ("best.json", "last.json") or (name == "summary.md" and in_run(path)):
            changes.append(("remove", path, None))
        elif name == "outcome.json" and (h := holder(path)) and repeated(path, h):
            changes.append(("remove", path, None))
        elif name.endswith(".json") and (small := compact(path)) is not None:
            changes.append(("compact", path, small))
    for action, path, small in changes:
        shown = os.path.relpath(path, REPO)
        if check:
            print(f"{action} {shown}")
        elif action == "remove":
            subprocess.run(["git", "rm", "-q", "--cached", "--", shown], cwd=REPO, check=True)
            os.remove(path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(small)
    if check and changes:
        print(f"compact.py: {len(changes)} files under {' '.join(folders)} are not compact; run bench/compact.py")
        return 1
    if not check:
        print(f"compact.py: {sum(a == 'remove' for a, _, _ in changes)} removed, {sum(a == 'compact' for a, _, _ in changes)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
