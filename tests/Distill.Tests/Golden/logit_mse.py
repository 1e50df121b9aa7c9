"""Golden values for the logit-MSE method of docs/extending.md, computed with PyTorch.

Rerun from the repository root (Debian's torch 1.13.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/logit_mse.py

It rewrites tests/Distill.Tests/Golden/logit_mse.json, which Extending/LogitMseTests.cs reads.
The inputs come from a seeded generator, so a rerun reproduces the file byte for byte.

The loss is Ba & Caruana 2014 ("Do Deep Nets Really Need to be Deep?"): the student regresses
the teacher's logits, L = mean over samples and classes of (z_s - z_t)^2; centred, each sample's
logits first lose their mean over the classes, so a shift the softmax ignores costs nothing.
Each case holds the inputs, the unweighted loss and its gradient with respect to the student's
logits, in float64. Tensors are stored as {"shape": [...], "data": [...]}, data flat in row-major order.
"""

import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "logit_mse.json")


def logit_mse(student, teacher, centered):
    """Ba & Caruana 2014: mean squared difference of the logits, optionally centred per sample."""
    if centered:
        student = student - student.mean(dim=1, keepdim=True)
        teacher = teacher - teacher.mean(dim=1, keepdim=True)
    return ((student - teacher) ** 2).mean()


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    generator = torch.Generator().manual_seed(24)
    cases = []
    for name, batch, classes, centered, shift in [
        ("8 samples x 10 classes", 8, 10, False, 0.0),
        ("8 samples x 10 classes, centred", 8, 10, True, 0.0),
        ("5 samples x 3 classes, teacher shifted by 7, centred", 5, 3, True, 7.0),
    ]:
        student = (torch.randn(batch, classes, generator=generator, dtype=torch.float64) * 2).requires_grad_(True)
        teacher = torch.randn(batch, classes, generator=generator, dtype=torch.float64) * 3 + shift
        loss = logit_mse(student, teacher, centered)
        loss.backward()
        cases.append({
            "name": name,
            "centered": centered,
            "student": tensor_json(student),
            "teacher": tensor_json(teacher),
            "value": loss.item(),
            "gradient": tensor_json(student.grad),
        })
    with open(OUTPUT, "w") as f:
        json.dump({"source": "tests/Distill.Tests/Golden/logit_mse.py", "torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
