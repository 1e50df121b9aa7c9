"""Golden values for the report's agreement and calibration numbers, computed with PyTorch.

Rerun from the repository root (Debian's torch 1.13.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/report_metrics.py

It rewrites tests/Distill.Tests/Golden/report_metrics.json, which PredictionMetricsTests.cs reads.
The inputs come from a seeded generator, so a rerun reproduces the file byte for byte.

Definitions (float64 throughout):
    top-1 agreement = mean(argmax(teacher) == argmax(student))
    mean KL         = kl_div(log_softmax(student), softmax(teacher), 'batchmean')   (T = 1, nats)
    ECE             = Guo et al. 2017: confidence = max softmax, 15 equal bins (lo, hi],
                      sum over bins of |bin| / n * |accuracy(bin) - mean confidence(bin)|
Matrices are stored flat in row-major order, shape [rows, classes].
"""

import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "report_metrics.json")
BINS = 15


def ece(logits, labels):
    probabilities = F.softmax(logits, dim=1)
    confidence, predicted = probabilities.max(dim=1)
    correct = predicted.eq(labels).double()
    edges = torch.linspace(0, 1, BINS + 1, dtype=torch.float64)
    total = torch.zeros((), dtype=torch.float64)
    for lower, upper in zip(edges[:-1], edges[1:]):
        inside = (confidence > lower) & (confidence <= upper)
        if inside.any():
            share = inside.double().mean()
            total += share * (correct[inside].mean() - confidence[inside].mean()).abs()
    return total.item()


def case(generator, rows, classes, teacher_scale, student_scale):
    teacher = torch.randn(rows, classes, generator=generator, dtype=torch.float64) * teacher_scale
    # A student that partly follows the teacher, as a distilled one would.
    student = 0.6 * teacher + torch.randn(rows, classes, generator=generator, dtype=torch.float64) * student_scale
    labels = torch.where(torch.rand(rows, generator=generator, dtype=torch.float64) < 0.8,
                         teacher.argmax(dim=1), torch.randint(0, classes, (rows,), generator=generator))
    return {
        "rows": rows,
        "classes": classes,
        "teacher": teacher.flatten().tolist(),
        "student": student.flatten().tolist(),
        "labels": labels.tolist(),
        "topOneAgreement": teacher.argmax(dim=1).eq(student.argmax(dim=1)).double().mean().item(),
        "meanKl": F.kl_div(F.log_softmax(student, dim=1), F.softmax(teacher, dim=1), reduction="batchmean").item(),
        "teacherEce": ece(teacher, labels),
        "studentEce": ece(student, labels),
    }


def main():
    generator = torch.Generator().manual_seed(14)
    cases = [case(generator, 120, 10, 3.0, 2.0), case(generator, 97, 3, 1.0, 1.5), case(generator, 30, 100, 6.0, 4.0)]
    with open(OUTPUT, "w") as f:
        json.dump({"bins": BINS, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
