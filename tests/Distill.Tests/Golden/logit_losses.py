"""Golden values for the logit losses mse, reverse-kl, jsd and deep mutual learning's, computed with PyTorch.

Rerun from the repository root (Debian's torch 1.13.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/logit_losses.py

It rewrites tests/Distill.Tests/Golden/logit_losses.json, which Losses/LogitLossGoldenTests.cs reads.
The inputs come from a seeded generator, so a rerun reproduces the file byte for byte.

Formulas (float64 throughout; p = softmax(z / T), KL summed over classes and averaged over the batch):
    mse         Kim et al. 2021, the authors' code (nn.MSELoss()): mean over samples and classes of
                (z_s - z_t)^2; no temperature.
    reverse_kl  T^2 * KL(p_s || p_t): the student's distribution first, mode-seeking.
    jsd         Agarwal et al. 2024 (GKD), as TRL's generalized_jsd_loss, times T^2:
                m = beta * p_t + (1 - beta) * p_s,
                JSD(beta) = beta * KL(p_t || m) + (1 - beta) * KL(p_s || m) for 0 < beta < 1;
                beta = 0 is the forward KL(p_t || p_s), beta = 1 the reverse KL(p_s || p_t).
    dml         Zhang et al. 2018, Eq. 10, for K peers: sum over i of CE(y, z_i) + T^2 / (K - 1) *
                sum over j != i of KL(p_j.detach() || p_i), the others' predictions as fixed targets,
                so the gradient for each peer is that of its own loss alone.
Each case holds the inputs, the loss and its gradient with respect to the student's logits (for dml:
the peers' logits stacked [K, batch, classes], the labels, the total and its gradient for every peer).
Tensors are stored as {"shape": [...], "data": [...]}, data flat in row-major order.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "logit_losses.json")
DTYPE = torch.float64


def mse(student, teacher):
    return F.mse_loss(student, teacher, reduction="mean")


def kl(p_log, q_log):
    """KL(p || q) from log-probabilities, summed over classes, averaged over the batch."""
    return (p_log.exp() * (p_log - q_log)).sum(dim=1).mean()


def reverse_kl(student, teacher, temperature):
    s = F.log_softmax(student / temperature, dim=1)
    t = F.log_softmax(teacher / temperature, dim=1)
    return temperature ** 2 * kl(s, t)


def jsd(student, teacher, beta, temperature):
    s = F.log_softmax(student / temperature, dim=1)
    t = F.log_softmax(teacher / temperature, dim=1)
    if beta == 0:
        value = kl(t, s)
    elif beta == 1:
        value = kl(s, t)
    else:
        m = torch.logsumexp(torch.stack([s + math.log(1 - beta), t + math.log(beta)]), dim=0)
        value = beta * kl(t, m) + (1 - beta) * kl(s, m)
    return temperature ** 2 * value


def dml(logits, labels, temperature):
    peers = logits.shape[0]
    total = 0
    for i in range(peers):
        log_i = F.log_softmax(logits[i] / temperature, dim=1)
        mimicry = sum(kl(F.log_softmax(logits[j].detach() / temperature, dim=1), log_i) for j in range(peers) if j != i)
        total = total + F.cross_entropy(logits[i], labels) + temperature ** 2 * mimicry / (peers - 1)
    return total


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    generator = torch.Generator().manual_seed(29)
    cases = []

    def add(name, function, parameters, batch, classes, scale, compute):
        student = (torch.randn(batch, classes, generator=generator, dtype=DTYPE) * scale).requires_grad_(True)
        teacher = torch.randn(batch, classes, generator=generator, dtype=DTYPE) * scale
        loss = compute(student, teacher)
        loss.backward()
        cases.append({
            "name": name,
            "function": function,
            "parameters": parameters,
            "student": tensor_json(student),
            "teacher": tensor_json(teacher),
            "value": loss.item(),
            "gradient": tensor_json(student.grad),
        })

    add("mse, 8 samples x 10 classes", "mse", {}, 8, 10, 3.0, mse)
    add("mse, 3 samples x 100 classes", "mse", {}, 3, 100, 5.0, mse)
    for temperature, batch, classes, scale in [(1.0, 6, 10, 2.0), (4.0, 5, 10, 5.0), (2.0, 4, 3, 3.0), (4.0, 3, 100, 8.0)]:
        add(f"reverse_kl, {batch} x {classes} at T={temperature:g}", "reverse_kl", {"temperature": temperature}, batch, classes, scale,
            lambda s, t, temperature=temperature: reverse_kl(s, t, temperature))
    for beta, temperature in [(0.0, 4.0), (0.1, 1.0), (0.5, 1.0), (0.5, 4.0), (0.9, 2.0), (1.0, 4.0)]:
        add(f"jsd, beta={beta:g} at T={temperature:g}", "jsd", {"beta": beta, "temperature": temperature}, 6, 10, 4.0,
            lambda s, t, beta=beta, temperature=temperature: jsd(s, t, beta, temperature))
    add("jsd, beta=0.5 at T=1, saturated logits of 30", "jsd", {"beta": 0.5, "temperature": 1.0}, 4, 10, 30.0,
        lambda s, t: jsd(s, t, 0.5, 1.0))

    for peers, temperature in [(2, 1.0), (3, 1.0), (3, 3.0)]:
        logits = (torch.randn(peers, 6, 10, generator=generator, dtype=DTYPE) * 3).requires_grad_(True)
        labels = torch.randint(0, 10, (6,), generator=generator)
        total = dml(logits, labels, temperature)
        total.backward()
        cases.append({
            "name": f"dml, {peers} peers at T={temperature:g}",
            "function": "dml",
            "parameters": {"temperature": temperature},
            "student": tensor_json(logits),
            "teacher": tensor_json(torch.zeros(0)),
            "labels": [int(v) for v in labels.tolist()],
            "value": total.item(),
            "gradient": tensor_json(logits.grad),
        })

    with open(OUTPUT, "w") as f:
        json.dump({"source": "tests/Distill.Tests/Golden/logit_losses.py", "torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
