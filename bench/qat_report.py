#!/usr/bin/python3
"""The table of bench/qat.sh: reads OUT/eval, OUT/latency and OUT/*-prune-*.json, writes
bench/results/NAME.json (NAME: the folder's name) and prints the markdown table (bench/RESULTS.md, "Quantization-aware distillation").

Usage: qat_report.py OUT. Accuracy and errors are ONNX Runtime's on the test set; size is the file's;
latency the median of single-row forward passes in ONNX Runtime, 1 thread. Differences are paired by seed.
"""
import json
import re
import statistics
import sys
from pathlib import Path

from t_interval import half_width

ROWS = [
    ("float32, labels", "scratch-float32"),
    ("float32, distilled (kd)", "distilled-float32"),
    ("post-training int8, labels", "scratch-float-int8"),
    ("post-training int8, distilled", "distilled-float-int8"),
    ("QAT int8, labels", "scratch-qat-int8"),
    ("QAT int8, distilled (QAT with distillation)", "distilled-qat-int8"),
    ("pruned 70 %, fine-tuned on labels", "prune-labels"),
    ("pruned 70 %, fine-tuned by distillation", "prune-teacher"),
]
PAIRS = [
    ("QAT with distillation - QAT on labels", "distilled-qat-int8", "scratch-qat-int8"),
    ("QAT with distillation - post-training int8 (of the distilled float student)", "distilled-qat-int8", "distilled-float-int8"),
    ("QAT with distillation - post-training int8 (of the labels-only float student)", "distilled-qat-int8", "scratch-float-int8"),
    ("QAT on labels - post-training int8 (labels)", "scratch-qat-int8", "scratch-float-int8"),
    ("post-training int8 - float32 (labels)", "scratch-float-int8", "scratch-float32"),
    ("float32: distilled - labels", "distilled-float32", "scratch-float32"),
    ("pruned: fine-tune by distillation - on labels", "prune-teacher", "prune-labels"),
]
# Two-sided 95 % Student t quantiles by degrees of freedom (1-10).


def interval(diffs):
    """Mean and 95 % t interval of paired differences; None for fewer than 2."""
    if len(diffs) < 2:
        return None
    half = half_width(diffs)
    return statistics.mean(diffs) - half, statistics.mean(diffs) + half


def median_latency(entries):
    rows = [e for e in entries if e.get("batchSize") == 1 and "ONNX" in e.get("runtime", "")]
    return rows[0]["medianMilliseconds"] if rows else None


def measurements(out):
    found = {}
    for path in sorted((out / "eval").glob("*.json")):
        arch, seed, variant = re.match(r"(.+)-seed(\d+)-(.+)", path.stem).groups()
        report = json.loads(path.read_text())
        latency = json.loads((out / "latency" / path.name).read_text())
        entries = [m for r in (latency if isinstance(latency, list) else [latency]) for m in r.get("measurements", r.get("latency", [r]))]
        found[(arch, int(seed), variant)] = {"accuracy": report["accuracy"], "errors": report["errors"],
                                             "bytes": report["sizeBytes"], "latency_ms": median_latency(entries)}
    for path in sorted(out.glob("*-prune-*.json")):
        arch, seed, source = re.match(r"(.+)-seed(\d+)-prune-(.+)", path.stem).groups()
        rows = [r for r in json.loads(path.read_text())["rows"] if r["model"].startswith("sparsity") and r["runtime"] == "ONNX Runtime"]
        row = rows[0]
        found[(arch, int(seed), "prune-" + source)] = {"accuracy": row["testAccuracy"], "errors": None, "bytes": row["sizeBytes"],
                                                      "latency_ms": median_latency(row["latency"])}
    return found


def main():
    out = Path(sys.argv[1])
    found = measurements(out)
    archs = sorted({a for a, _, _ in found})
    seeds = sorted({s for _, s, _ in found})
    result = {"command": "bash bench/qat.sh", "seeds": seeds, "models": {}}
    lines = []
    for arch in archs:
        table = []
        lines += [f"**{arch}** (seeds {', '.join(map(str, seeds))}; accuracy per seed)", "",
                  "| Model | Test accuracy (ORT) | Mean | Size | Latency, batch 1 (ORT, 1 thread) |", "|---|---|---|---|---|"]
        for label, variant in ROWS:
            values = [found[(arch, s, variant)] for s in seeds if (arch, s, variant) in found]
            if not values:
                continue
            accuracies = [v["accuracy"] for v in values]
            latencies = [v["latency_ms"] for v in values if v["latency_ms"] is not None]
            row = {"model": label, "variant": variant, "accuracy": accuracies, "errors": [v["errors"] for v in values],
                   "bytes": values[0]["bytes"], "latency_ms": latencies}
            table.append(row)
            lines.append(f"| {label} | {' / '.join(f'{a * 100:.2f} %' for a in accuracies)} | {statistics.mean(accuracies) * 100:.2f} % "
                         f"| {values[0]['bytes'] / 1024:.1f} KiB | {statistics.median(latencies):.3f} ms |" if latencies else "| - |")
        differences = []
        lines += ["", "| Paired difference (accuracy points) | Per seed | Mean | 95 % t interval | Seeds won |", "|---|---|---|---|---|"]
        for label, left, right in PAIRS:
            diffs = [(found[(arch, s, left)]["accuracy"] - found[(arch, s, right)]["accuracy"]) * 100
                     for s in seeds if (arch, s, left) in found and (arch, s, right) in found]
            if diffs:
                bounds = interval(diffs)
                won = sum(d > 0 for d in diffs)
                differences.append({"pair": label, "points": diffs, "interval95": bounds, "seedsWon": won})
                shown = f"[{bounds[0]:+.2f}, {bounds[1]:+.2f}]" if bounds else "-"
                lines.append(f"| {label} | {' / '.join(f'{d:+.2f}' for d in diffs)} | {statistics.mean(diffs):+.2f} | {shown} | {won} of {len(diffs)} |")
        lines.append("")
        result["models"][arch] = {"rows": table, "paired_differences": differences}
    results = Path(__file__).resolve().parent / "results" / f"{out.name}.json"
    results.write_text(json.dumps(result, separators=(",", ":")) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
