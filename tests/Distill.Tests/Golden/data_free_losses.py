"""Golden values for the data-free distillation losses (src/Distill/DataFree/DataFreeLosses.cs), computed with PyTorch.

Rerun from the repository root (Debian's torch 1.13.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/data_free_losses.py

It rewrites tests/Distill.Tests/Golden/data_free_losses.json, which DataFree/DataFreeLossGoldenTests.cs reads.
The inputs come from a seeded generator, so a rerun reproduces the file byte for byte.

The formulas follow the papers and, where they differ in a detail, the authors' code:
- DAFL (Chen et al. 2019, DAFL_train.py): one-hot loss = cross_entropy(z, argmax z); activation loss
  = -features.abs().mean(); information-entropy loss = sum_j p_j * log10(p_j), p the batch's mean softmax.
- DeepInversion (Yin et al. 2020, deepinversion.py's DeepInversionFeatureHook): per batch-norm layer,
  ||running_var - var||_2 + ||running_mean - mean||_2 with the batch's biased per-channel variance, summed
  over layers; the total-variation prior is its loss_var_l2 (four neighbour differences, L2 norms added).
- Zero-Shot KD (Nayak et al. 2019): class similarity C = cosine of the final layer's weight rows; the
  Dirichlet concentration of class k is beta * min-max(C[k]); the impression loss is the cross-entropy of
  the soft target y with softmax(z / tau), averaged over the batch.
Each case holds the inputs, the value and the gradients, in float64. Tensors are stored as
{"shape": [...], "data": [...]}, data flat in row-major order.
"""

import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "data_free_losses.json")


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def one_hot(logits):
    return F.cross_entropy(logits, logits.argmax(1))


def activation(features):
    return -features.abs().mean()


def information_entropy(logits):
    mean = F.softmax(logits, dim=1).mean(dim=0)
    return (mean * torch.log10(mean)).sum()


def bn_statistics(layers):
    total = 0
    for x, running_mean, running_var in layers:
        channels = x.shape[1]
        per_channel = x.transpose(0, 1).reshape(channels, -1)
        mean = per_channel.mean(1)
        var = per_channel.var(1, unbiased=False)
        total = total + torch.norm(running_var - var, 2) + torch.norm(running_mean - mean, 2)
    return total


def class_similarity(weights):
    unit = weights / weights.norm(dim=1, keepdim=True)
    return unit @ unit.t()


def concentration(similarity, beta):
    low = similarity.min(dim=1, keepdim=True).values
    high = similarity.max(dim=1, keepdim=True).values
    return beta * (similarity - low) / (high - low)


def soft_target_ce(logits, targets, tau):
    return -(targets * F.log_softmax(logits / tau, dim=1)).sum(1).mean()


def total_variation(x):
    d1 = x[:, :, :, :-1] - x[:, :, :, 1:]
    d2 = x[:, :, :-1, :] - x[:, :, 1:, :]
    d3 = x[:, :, 1:, :-1] - x[:, :, :-1, 1:]
    d4 = x[:, :, :-1, :-1] - x[:, :, 1:, 1:]
    return torch.norm(d1) + torch.norm(d2) + torch.norm(d3) + torch.norm(d4)


def with_gradient(f, *inputs):
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    value = f(*leaves)
    value.backward()
    return value.item(), [tensor_json(t.grad) for t in leaves]


def main():
    g = torch.Generator().manual_seed(29)
    d = torch.float64
    logits = torch.randn(8, 10, generator=g, dtype=d) * 3
    skewed = torch.randn(6, 4, generator=g, dtype=d) + torch.tensor([4.0, 0, 0, 0], dtype=d)
    features = torch.randn(8, 84, generator=g, dtype=d)
    out = {"source": "tests/Distill.Tests/Golden/data_free_losses.py", "torch_version": torch.__version__}
    cases = []
    for name, z in [("8 x 10", logits), ("6 x 4, one class dominant", skewed)]:
        oh, (oh_grad,) = with_gradient(one_hot, z)
        ie, (ie_grad,) = with_gradient(information_entropy, z)
        cases.append({"name": name, "logits": tensor_json(z), "oneHot": oh, "oneHotGradient": oh_grad,
                      "entropy": ie, "entropyGradient": ie_grad})
    out["logitCases"] = cases
    value, (grad,) = with_gradient(activation, features)
    out["activation"] = {"features": tensor_json(features), "value": value, "gradient": grad}

    conv = torch.randn(5, 3, 4, 4, generator=g, dtype=d) * 1.5 + 0.5
    dense = torch.randn(7, 6, generator=g, dtype=d) * 0.7 - 0.2
    stats = [(torch.randn(3, generator=g, dtype=d) * 0.3, torch.rand(3, generator=g, dtype=d) + 0.5),
             (torch.randn(6, generator=g, dtype=d) * 0.3, torch.rand(6, generator=g, dtype=d) + 0.5)]
    value, (g_conv, g_dense) = with_gradient(lambda a, b: bn_statistics([(a, *stats[0]), (b, *stats[1])]), conv, dense)
    out["batchNorm"] = {"inputs": [tensor_json(conv), tensor_json(dense)],
                        "runningMeans": [tensor_json(s[0]) for s in stats], "runningVariances": [tensor_json(s[1]) for s in stats],
                        "value": value, "gradients": [g_conv, g_dense]}

    weights = torch.randn(10, 84, generator=g, dtype=d)
    similarity = class_similarity(weights)
    out["similarity"] = {"weights": tensor_json(weights), "similarity": tensor_json(similarity),
                         "concentrations": [{"beta": b, "value": tensor_json(concentration(similarity, b))} for b in (1.0, 0.1)]}

    targets = torch.distributions.Dirichlet(concentration(similarity, 1.0)[:8].clamp_min(1e-3)).sample()
    targets = targets.to(d)
    value, (grad,) = with_gradient(lambda z: soft_target_ce(z, targets, 20.0), logits)
    out["softTarget"] = {"logits": tensor_json(logits), "targets": tensor_json(targets), "temperature": 20.0, "value": value, "gradient": grad}

    images = torch.randn(2, 3, 5, 6, generator=g, dtype=d)
    value, (grad,) = with_gradient(total_variation, images)
    out["totalVariation"] = {"images": tensor_json(images), "value": value, "gradient": grad}

    with open(OUTPUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    torch.manual_seed(29)
    main()
