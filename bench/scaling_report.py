#!/usr/bin/python3
"""Table (Markdown, on standard output) and plot (scaling.png) of a bench/scaling.sh run folder.

For every run: training rows, the model and its parameters, seconds per epoch (median of the
epochs in metrics.jsonl), whole-process wall time and peak resident memory (GNU time), and the
load average before and after. Usage: scaling_report.py RUN_FOLDER
"""
import json
import re
import statistics
import sys
from pathlib import Path

from gnu_time import gnu_time
from result_models import models


def main() -> None:
    work = Path(sys.argv[1])
    rows = []
    for record in sorted(work.glob("*.time")):
        name = record.stem
        result = json.loads((work / f"{name}.json").read_text())
        model = models(result)[0]
        epochs = [json.loads(line) for line in (work / name / "metrics.jsonl").read_text().splitlines() if line.strip()]
        epoch_seconds = statistics.median(e["seconds"] for e in epochs)
        measured = gnu_time(record)
        wall, peak = measured["wall"], measured["rss"]
        load = [line.split("load average:")[1].strip() for line in (work / f"{name}.load").read_text().splitlines()]
        train_rows = int(re.search(r"(\d+)", name.split("-")[1]).group(1)) - 1000 if name.startswith("rows-") else 59000
        rows.append(dict(name=name, rows=train_rows, spec=model["spec"], parameters=model["parameters"],
                         epoch=epoch_seconds, wall=wall, peak=peak, accuracy=model["testAccuracy"], load=load))
    print(f"Run folder: {work}")
    print()
    print("| run | training rows | model | parameters | s / epoch | whole process, s | peak RSS, MiB | test accuracy | load before -> after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: (r["name"].split("-")[0], r["rows"], r["parameters"])):
        print(f"| {r['name']} | {r['rows']:,} | {r['spec']} | {r['parameters']:,} | {r['epoch']:.2f} | {r['wall']:.1f} | "
              f"{r['peak']:,.0f} | {100 * r['accuracy']:.2f} % | {r['load'][0]} -> {r['load'][-1]} |")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\n(scaling.png not drawn: /usr/bin/python3 lacks matplotlib; apt-get install python3-matplotlib)")
        return
    by_rows = sorted((r for r in rows if r["spec"] == "mlp:800-800"), key=lambda r: r["rows"])
    by_width = sorted((r for r in rows if r["rows"] == 59000), key=lambda r: r["parameters"])
    figure, axes = plt.subplots(2, 2, figsize=(10, 7))
    for column, (series, x, label) in enumerate(((by_rows, "rows", "training rows (mlp:800-800)"),
                                                 (by_width, "parameters", "parameters (mlp:W-W, 59,000 rows)"))):
        xs = [r[x] for r in series]
        axes[0][column].plot(xs, [r["epoch"] for r in series], "o-")
        axes[0][column].set_ylabel("seconds per epoch")
        axes[1][column].plot(xs, [r["peak"] for r in series], "o-", color="tab:orange")
        axes[1][column].set_ylabel("peak resident memory, MiB")
        for row in (0, 1):
            axes[row][column].set_xlabel(label)
            axes[row][column].grid(alpha=0.3)
        axes[0][column].set_ylim(0, 1.1 * max(r["epoch"] for r in series))
        axes[1][column].set_ylim(0, 1.1 * max(r["peak"] for r in series))
        if x == "parameters":
            for r in series:
                axes[0][column].annotate(r["spec"], (r["parameters"], r["epoch"]), fontsize=7, textcoords="offset points", xytext=(3, 3))
    figure.suptitle("distill train: cost as the data and the model grow")
    figure.tight_layout()
    figure.savefig(work / "scaling.png", dpi=110)
    print(f"\nPlot: {work / 'scaling.png'}")


if __name__ == "__main__":
    main()
