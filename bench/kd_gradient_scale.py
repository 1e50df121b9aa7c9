#!/usr/bin/python3
"""How much of Hinton KD's first steps is the hard term? From a teacher's cached training logits
(a run folder's logits-cache/*.bin: int64 rows, int64 classes, then float32 logits in row order).

At the start a student's logits are near 0, so its softmax at any temperature is near uniform (u).
Per sample, the gradient of each term with respect to the student's logits is then
  hard: hardWeight * (u - y),             norm hardWeight * sqrt((1 - 1/C)^2 + (C - 1)/C^2)
  soft: softWeight * T * (u - q_t^T),     q_t^T = softmax(z_t / T)   (the T^2 of the loss times 1/T)
With Adam the overall scale of the loss does not matter, only the mix of the two directions, so the
ratio soft / hard says how much the labels steer the first updates. For large T the soft gradient
tends to softWeight * (z_s - z_t) / C (centred logits): a regression onto the teacher's logits,
whose size the student has to grow into before its ranking of the classes is the teacher's.

Usage: kd_gradient_scale.py CACHE.bin [--json FILE]   (prints a Markdown table)
"""
import json
import math
import struct
import sys

import torch

SETTINGS = [(1, 0.1, 0.9), (2, 0.1, 0.9), (4, 0.1, 0.9), (1, 0.5, 0.5), (2, 0.5, 0.5), (4, 0.5, 0.5)]


def main(argv):
    data = open(argv[0], "rb").read()
    rows, classes = struct.unpack("<qq", data[:16])
    logits = torch.frombuffer(bytearray(data[16:]), dtype=torch.float32).reshape(rows, classes).double()
    uniform = torch.full((classes,), 1.0 / classes, dtype=torch.float64)
    hard_norm = math.sqrt((1 - 1 / classes) ** 2 + (classes - 1) / classes ** 2)
    top2 = logits.topk(2, dim=1).values
    stats = {
        "rows": rows, "classes": classes,
        "meanTop1MinusTop2": (top2[:, 0] - top2[:, 1]).mean().item(),
        "meanCentredLogitNorm": (logits - logits.mean(1, keepdim=True)).norm(dim=1).mean().item(),
    }
    table = []
    for temperature, hard, soft in SETTINGS:
        q = torch.softmax(logits / temperature, dim=1)
        soft_norm = (soft * temperature * (uniform - q).norm(dim=1)).mean().item()
        table.append({
            "temperature": temperature, "hardLabelWeight": hard, "softTargetWeight": soft,
            "teacherTopProbability": q.max(1).values.mean().item(),
            "hardGradientNorm": hard * hard_norm, "softGradientNorm": soft_norm,
            "softOverHard": soft_norm / (hard * hard_norm),
        })
    print(f"Teacher logits: {rows} rows x {classes} classes; mean top-1 minus top-2 logit {stats['meanTop1MinusTop2']:.2f}, "
          f"mean norm of the centred logits {stats['meanCentredLogitNorm']:.2f}.\n")
    print("| T | hard | soft | teacher's mean top probability at T | hard-term gradient norm | soft-term gradient norm | soft / hard |")
    print("|---|---|---|---|---|---|---|")
    for r in table:
        print(f"| {r['temperature']:g} | {r['hardLabelWeight']:g} | {r['softTargetWeight']:g} | {r['teacherTopProbability']:.3f} | "
              f"{r['hardGradientNorm']:.3f} | {r['softGradientNorm']:.3f} | {r['softOverHard']:.1f} |")
    if "--json" in argv:
        with open(argv[argv.index("--json") + 1], "w", encoding="utf-8") as f:
            json.dump({"teacherLogits": stats, "atStart": table}, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
