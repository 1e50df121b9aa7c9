"""Golden values for Distill's logit-distillation losses, computed with textbook PyTorch.

Rerun from the repository root (Debian's torch 1.13.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/kd_losses.py

It rewrites tests/Distill.Tests/Golden/kd_losses.json, which GoldenLossTests.cs reads.
The inputs come from a seeded generator, so a rerun reproduces the file byte for byte.

Formulas (float64 throughout), Hinton, Vinyals, Dean 2015, arXiv:1503.02531:
    soft targets = softmax(teacher / T)
    soft loss    = T^2 * kl_div(log_softmax(student / T), softmax(teacher / T), 'batchmean')
    hard loss    = cross_entropy(student, labels)            (mean over the batch)
    total        = hard_label_weight * hard + soft_target_weight * soft
    gradient     = d total / d student logits
Matrices are stored flat in row-major order, shape [batch, classes].
"""

import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "kd_losses.json")


def gaussian_logits(generator, batch, classes, scale):
    return torch.randn(batch, classes, generator=generator, dtype=torch.float64) * scale


def saturated_logits(generator, batch, classes, magnitude):
    """Logits of exactly +magnitude or -magnitude: softmax saturates, exp(-2 * magnitude) underflows float32."""
    signs = torch.randint(0, 2, (batch, classes), generator=generator).to(torch.float64) * 2 - 1
    return signs * magnitude


# name, batch, classes, temperature, hard weight, soft weight, kind of logits, scale
CASES = [
    ("three classes at T=1, equal weights", 4, 3, 1.0, 0.5, 0.5, "gaussian", 2.0),
    ("ten classes at T=2, hard 0.1 soft 0.9", 8, 10, 2.0, 0.1, 0.9, "gaussian", 3.0),
    ("ten classes at T=4, hard 0.1 soft 0.9", 5, 10, 4.0, 0.1, 0.9, "gaussian", 5.0),
    ("a hundred classes at T=4, soft term only", 6, 100, 4.0, 0.0, 1.0, "gaussian", 4.0),
    ("ten classes at T=20, hard 0.5 soft 0.5", 7, 10, 20.0, 0.5, 0.5, "gaussian", 8.0),
    ("one example, three classes at T=2, hard term only", 1, 3, 2.0, 1.0, 0.0, "gaussian", 1.0),
    ("saturated logits of +-30 at T=1, equal weights", 4, 10, 1.0, 0.5, 0.5, "saturated", 30.0),
    ("saturated logits of +-30 at T=4, hard 0.1 soft 0.9", 3, 100, 4.0, 0.1, 0.9, "saturated", 30.0),
    ("saturated logits of +-30 at T=20, soft term only", 5, 3, 20.0, 0.0, 1.0, "saturated", 30.0),
]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def build_case(generator, name, batch, classes, temperature, hard_weight, soft_weight, kind, scale):
    make = gaussian_logits if kind == "gaussian" else saturated_logits
    student = make(generator, batch, classes, scale).requires_grad_()
    teacher = make(generator, batch, classes, scale)
    labels = torch.randint(0, classes, (batch,), generator=generator, dtype=torch.int64)

    soft_targets = F.softmax(teacher / temperature, dim=1)
    soft = temperature ** 2 * F.kl_div(
        F.log_softmax(student / temperature, dim=1),
        F.softmax(teacher / temperature, dim=1),
        reduction="batchmean",
    )
    hard = F.cross_entropy(student, labels)
    total = hard_weight * hard + soft_weight * soft
    total.backward()

    return {
        "name": name,
        "batch": batch,
        "classes": classes,
        "temperature": temperature,
        "hard_label_weight": hard_weight,
        "soft_target_weight": soft_weight,
        "student_logits": flat(student),
        "teacher_logits": flat(teacher),
        "labels": [int(v) for v in labels.tolist()],
        "soft_targets": flat(soft_targets),
        "soft_loss": soft.item(),
        "hard_loss": hard.item(),
        "total": total.item(),
        "student_logits_grad": flat(student.grad),
    }


def main():
    generator = torch.Generator().manual_seed(20150309)
    cases = [build_case(generator, *case) for case in CASES]
    document = {
        "source": "tests/Distill.Tests/Golden/kd_losses.py",
        "torch_version": torch.__version__,
        "dtype": "float64",
        "cases": cases,
    }
    with open(OUTPUT, "w", encoding="utf-8") as stream:
        json.dump(document, stream, indent=1)
        stream.write("\n")
    print(f"wrote {len(cases)} cases to {OUTPUT} ({os.path.getsize(OUTPUT)} bytes)")


if __name__ == "__main__":
    main()
