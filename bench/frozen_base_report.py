#!/usr/bin/python3
"""The table of bench/frozen-base.sh: per round, the cached and the live head fine-tune's epoch seconds
(mean over epochs, from metrics.jsonl), the one-off cache pass (from the run's log line), process CPU
seconds (GNU time), and the ratios cached / live. Usage: frozen_base_report.py OUT"""
import json
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gnu_time import gnu_time  # noqa: E402


def run(out: Path, mode: str, round_: int):
    folder = out / f"{mode}-{round_}"
    epochs = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines() if line.strip()]
    seconds = [e["seconds"] for e in epochs]
    log = (out / f"{mode}-{round_}.log").read_text()
    cache = re.search(r"computed once in ([\d.]+) s", log)
    return {"epoch": statistics.mean(seconds), "epochs": len(seconds), "cache": float(cache.group(1)) if cache else 0.0,
            "accuracy": epochs[-1]["validationAccuracy"], **gnu_time(out / f"{mode}-{round_}.time")}


def main() -> None:
    out = Path(sys.argv[1])
    rounds = sorted(int(p.name.split("-")[1]) for p in out.glob("cached-*") if p.is_dir())
    lines = ["| Round | Epoch, cached (s) | Epoch, live (s) | Ratio | Cache pass (s) | Process CPU cached / live (s) | Last validation accuracy cached / live |",
             "|---|---|---|---|---|---|---|"]
    ratios = []
    for r in rounds:
        c, l = run(out, "cached", r), run(out, "live", r)
        ratios.append(c["epoch"] / l["epoch"])
        lines.append(f"| {r} | {c['epoch']:.3f} | {l['epoch']:.2f} | {ratios[-1]:.4f} | {c['cache']:.1f} | {c['cpu']:.1f} / {l['cpu']:.1f} | "
                     f"{c['accuracy']:.4f} / {l['accuracy']:.4f} |")
    lines.append("")
    lines.append(f"Median ratio of epoch seconds, cached / live: {statistics.median(ratios):.4f} (range {min(ratios):.4f}-{max(ratios):.4f}, {len(ratios)} rounds)")
    text = "\n".join(lines)
    (out / "summary.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
