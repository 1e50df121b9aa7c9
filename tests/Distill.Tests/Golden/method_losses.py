"""Golden values for the method zoo's pure losses, computed with PyTorch.

Rerun from the repository root (Debian's torch 1.13.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/method_losses.py

It rewrites tests/Distill.Tests/Golden/method_losses.json, which MethodGoldenTests.cs reads.
The inputs come from a seeded generator, so a rerun reproduces the file byte for byte.

Every loss below is written afresh from the formula of the reference implementation named in
its docstring (mdistiller for FitNets, AT, SP, RKD, PKT, NST, DKD; RepDistiller for CRD; the
authors' code for logit standardization), in float64, with the same eps values. Each case holds
its input tensors, its scalar parameters, the unweighted loss and the gradient of the loss with
respect to each student-side input. Tensors are stored as {"shape": [...], "data": [...]},
data flat in row-major order.
"""

import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "method_losses.json")
DTYPE = torch.float64


def pool_larger_to_smaller(student, teacher):
    """mdistiller compares the heights and average-pools the taller map down to the other's size."""
    if student.shape[2] > teacher.shape[2]:
        student = F.adaptive_avg_pool2d(student, teacher.shape[2:])
    elif student.shape[2] < teacher.shape[2]:
        teacher = F.adaptive_avg_pool2d(teacher, student.shape[2:])
    return student, teacher


def fitnets_hint(student, teacher):
    """Romero et al. 2015: mean squared error between regressed student and teacher features."""
    return ((student - teacher) ** 2).mean()


def attention_map(feature, p):
    """Channel mean of f^p, flattened over positions, divided by its L2 norm (floor 1e-12)."""
    pooled = feature.pow(p).mean(dim=1).flatten(1)
    return pooled / pooled.norm(dim=1, keepdim=True).clamp_min(1e-12)


def attention_transfer(student, teacher, p=2.0):
    """Zagoruyko & Komodakis 2017, mdistiller: mean over batch and positions of the squared map difference."""
    student, teacher = pool_larger_to_smaller(student, teacher)
    return (attention_map(student, p) - attention_map(teacher, p)).pow(2).mean()


def similarity_preserving(student, teacher):
    """Tung & Mori 2019, mdistiller: row-normalised batch Gram matrices, squared Frobenius / b^2."""
    batch = student.shape[0]

    def similarity(feature):
        flat = feature.reshape(batch, -1)
        gram = flat @ flat.T
        return gram / gram.norm(dim=1, keepdim=True).clamp_min(1e-12)

    return ((similarity(teacher) - similarity(student)) ** 2).sum() / (batch * batch)


def pairwise_distances(embedding, squared, eps):
    squares = (embedding * embedding).sum(dim=1)
    distances = (squares[:, None] + squares[None, :] - 2 * embedding @ embedding.T).clamp_min(eps)
    if not squared:
        distances = distances.sqrt()
    off_diagonal = 1 - torch.eye(embedding.shape[0], dtype=embedding.dtype)
    return distances * off_diagonal


def rkd_distance(student, teacher, squared=False, eps=1e-12):
    """Park et al. 2019, mdistiller: distances over their mean positive entry, smooth L1 (beta 1), mean."""
    def normalised(embedding):
        distances = pairwise_distances(embedding.reshape(embedding.shape[0], -1), squared, eps)
        positive = distances > 0
        return distances / (distances * positive).sum() * positive.sum()

    return F.smooth_l1_loss(normalised(student), normalised(teacher.detach()), reduction="mean", beta=1.0)


def rkd_angle(student, teacher):
    """Park et al. 2019, mdistiller: cosines of every triple's angle, smooth L1 (beta 1), mean."""
    def angles(embedding):
        flat = embedding.reshape(embedding.shape[0], -1)
        differences = flat[None, :, :] - flat[:, None, :]
        unit = differences / differences.norm(dim=2, keepdim=True).clamp_min(1e-12)
        return torch.einsum("ijd,ikd->ijk", unit, unit).reshape(-1)

    return F.smooth_l1_loss(angles(student), angles(teacher.detach()), reduction="mean", beta=1.0)


def probabilistic_transfer(student, teacher, eps=1e-7):
    """Passalis & Tefas 2018, mdistiller: cosine kernel mapped to [0, 1], row-normalised, KL mean over b^2."""
    def conditional(feature):
        flat = feature.reshape(feature.shape[0], -1)
        unit = flat / (flat.norm(dim=1, keepdim=True) + eps)
        unit = torch.nan_to_num(unit, nan=0.0)
        kernel = (unit @ unit.T + 1) / 2
        return kernel / kernel.sum(dim=1, keepdim=True)

    model = conditional(student)
    target = conditional(teacher)
    return (target * ((target + eps) / (model + eps)).log()).mean()


def neuron_selectivity(student, teacher):
    """Huang & Wang 2017, mdistiller: MMD with k(x, y) = (x.y)^2 over L2-normalised channel rows."""
    student, teacher = pool_larger_to_smaller(student, teacher)

    def rows(feature):
        flat = feature.reshape(feature.shape[0], feature.shape[1], -1)
        return flat / flat.norm(dim=2, keepdim=True).clamp_min(1e-12)

    def kernel_mean(a, b):
        return torch.einsum("bid,bjd->bij", a, b).pow(2).mean()

    s, t = rows(student), rows(teacher)
    return kernel_mean(t, t).detach() + kernel_mean(s, s) - 2 * kernel_mean(s, t)


def dkd_parts(student, teacher, labels, temperature):
    """Zhao et al. 2022, mdistiller: TCKD on [p_target, 1 - p_target], NCKD with the target logit pushed down by 1000."""
    target = F.one_hot(labels, student.shape[1]).to(DTYPE)
    batch = student.shape[0]

    def binary(logits):
        probabilities = torch.softmax(logits / temperature, dim=1)
        target_probability = (probabilities * target).sum(dim=1)
        other_probability = (probabilities * (1 - target)).sum(dim=1)
        return torch.stack([target_probability, other_probability], dim=1)

    student_binary, teacher_binary = binary(student), binary(teacher)
    tckd = (teacher_binary * (teacher_binary.log() - student_binary.log())).sum() / batch * temperature ** 2

    student_log = torch.log_softmax(student / temperature - 1000.0 * target, dim=1)
    teacher_probabilities = torch.softmax(teacher / temperature - 1000.0 * target, dim=1)
    nckd_terms = torch.xlogy(teacher_probabilities, teacher_probabilities) - teacher_probabilities * student_log
    nckd = nckd_terms.sum() / batch * temperature ** 2
    return tckd, nckd


def crd_scores(memory_rows, embeddings, temperature, normalizer):
    """RepDistiller ContrastMemory: exp(<memory row, v> / nce_t) / Z for the positive and K negatives."""
    return torch.exp(torch.einsum("bkd,bd->bk", memory_rows, embeddings) / temperature) / normalizer


def crd_nce(scores, data_count):
    """Tian et al. 2020, RepDistiller ContrastLoss (Eq. 18): NCE with noise K / N, eps 1e-7, summed over the batch / b."""
    eps = 1e-7
    noise = (scores.shape[1] - 1) / data_count
    positive = scores[:, 0]
    negatives = scores[:, 1:]
    log_positive = (positive / (positive + noise + eps)).log()
    log_negative = (noise / (negatives + noise + eps)).log()
    return -(log_positive.sum() + log_negative.sum()) / scores.shape[0]


def standardize(logits, eps=1e-7):
    """Sun et al. 2024, the authors' code: (z - mean) / (eps + unbiased std) over the classes."""
    return (logits - logits.mean(dim=-1, keepdim=True)) / (eps + logits.std(dim=-1, unbiased=True, keepdim=True))


def logit_standardization(student, teacher, temperature):
    s = standardize(student) / temperature
    t = standardize(teacher) / temperature
    teacher_probabilities = torch.softmax(t, dim=1)
    kl = (teacher_probabilities * (torch.log_softmax(t, dim=1) - torch.log_softmax(s, dim=1))).sum(dim=1).mean()
    return kl * temperature ** 2


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


class Builder:
    def __init__(self, seed):
        self.generator = torch.Generator().manual_seed(seed)
        self.cases = []

    def randn(self, *shape, scale=1.0):
        return torch.randn(*shape, generator=self.generator, dtype=DTYPE) * scale

    def add(self, name, function, inputs, student_side, parameters=None, labels=None, compute=None):
        """compute(inputs, parameters, labels) -> loss; gradients are taken for the student-side inputs."""
        inputs = {k: v.clone().requires_grad_(k in student_side) for k, v in inputs.items()}
        loss = compute(inputs, parameters or {}, labels)
        loss.backward()
        case = {
            "name": name,
            "function": function,
            "parameters": parameters or {},
            "inputs": {k: tensor_json(v) for k, v in inputs.items()},
            "value": loss.item(),
            "gradients": {k: tensor_json(inputs[k].grad) for k in student_side},
        }
        if labels is not None:
            case["labels"] = [int(v) for v in labels.tolist()]
        self.cases.append(case)


def main():
    b = Builder(20260317)

    def relu_maps(*shape):
        return torch.relu(b.randn(*shape))

    b.add("FitNets hint between 8x32x8x8 regressed student and teacher maps", "fitnets_hint",
          {"student": b.randn(8, 32, 8, 8), "teacher": b.randn(8, 32, 8, 8)}, ["student"],
          compute=lambda i, p, l: fitnets_hint(i["student"], i["teacher"]))

    at_pairs = [
        ("8x16x8x8 student and 8x32x8x8 teacher", (8, 16, 8, 8), (8, 32, 8, 8)),
        ("an 8x8 student pooled to the 4x4 teacher", (8, 16, 8, 8), (8, 32, 4, 4)),
        ("an 8x8 teacher pooled to the 4x4 student", (8, 16, 4, 4), (8, 32, 8, 8)),
    ]
    for label, s_shape, t_shape in at_pairs:
        b.add(f"attention transfer, {label}", "attention_transfer",
              {"student": relu_maps(*s_shape), "teacher": relu_maps(*t_shape)}, ["student"],
              {"p": 2.0}, compute=lambda i, p, l: attention_transfer(i["student"], i["teacher"], p["p"]))
    b.add("attention transfer summed over two stages of different sizes", "attention_transfer_sum",
          {"student0": relu_maps(8, 8, 8, 8), "teacher0": relu_maps(8, 16, 8, 8),
           "student1": relu_maps(8, 16, 4, 4), "teacher1": relu_maps(8, 32, 2, 2)},
          ["student0", "student1"], {"p": 2.0},
          compute=lambda i, p, l: attention_transfer(i["student0"], i["teacher0"], p["p"])
          + attention_transfer(i["student1"], i["teacher1"], p["p"]))

    b.add("similarity preserving on 8x64 and 8x128 embeddings", "similarity_preserving",
          {"student": b.randn(8, 64), "teacher": b.randn(8, 128)}, ["student"],
          compute=lambda i, p, l: similarity_preserving(i["student"], i["teacher"]))
    b.add("similarity preserving on 8x16x8x8 and 8x32x4x4 feature maps", "similarity_preserving",
          {"student": relu_maps(8, 16, 8, 8), "teacher": relu_maps(8, 32, 4, 4)}, ["student"],
          compute=lambda i, p, l: similarity_preserving(i["student"], i["teacher"]))

    for squared in (False, True):
        b.add(f"RKD distance on 8x64 and 8x128 embeddings, squared={squared}", "rkd_distance",
              {"student": b.randn(8, 64), "teacher": b.randn(8, 128, scale=3.0)}, ["student"],
              {"squared": 1.0 if squared else 0.0, "eps": 1e-12},
              compute=lambda i, p, l: rkd_distance(i["student"], i["teacher"], p["squared"] == 1.0, p["eps"]))
    b.add("RKD angle on 8x64 and 8x128 embeddings", "rkd_angle",
          {"student": b.randn(8, 64), "teacher": b.randn(8, 128, scale=3.0)}, ["student"],
          compute=lambda i, p, l: rkd_angle(i["student"], i["teacher"]))

    b.add("PKT on 8x64 and 8x128 embeddings", "probabilistic_transfer",
          {"student": b.randn(8, 64), "teacher": b.randn(8, 128)}, ["student"], {"eps": 1e-7},
          compute=lambda i, p, l: probabilistic_transfer(i["student"], i["teacher"], p["eps"]))

    for label, s_shape, t_shape in at_pairs:
        b.add(f"NST, {label}", "neuron_selectivity",
              {"student": relu_maps(*s_shape), "teacher": relu_maps(*t_shape)}, ["student"],
              compute=lambda i, p, l: neuron_selectivity(i["student"], i["teacher"]))
    b.add("NST summed over two stages of different sizes", "neuron_selectivity_sum",
          {"student0": relu_maps(8, 8, 8, 8), "teacher0": relu_maps(8, 16, 8, 8),
           "student1": relu_maps(8, 16, 4, 4), "teacher1": relu_maps(8, 32, 2, 2)},
          ["student0", "student1"],
          compute=lambda i, p, l: neuron_selectivity(i["student0"], i["teacher0"])
          + neuron_selectivity(i["student1"], i["teacher1"]))

    for temperature in (1.0, 4.0):
        student, teacher = b.randn(8, 10, scale=3.0), b.randn(8, 10, scale=5.0)
        labels = torch.randint(0, 10, (8,), generator=b.generator)
        for part, index in (("target-class", 0), ("non-target-class", 1)):
            b.add(f"DKD {part} part on 8x10 logits at T={temperature:g}", f"dkd_{part.replace('-', '_')}",
                  {"student": student, "teacher": teacher}, ["student"], {"temperature": temperature}, labels,
                  compute=lambda i, p, l, k=index: dkd_parts(i["student"], i["teacher"], l, p["temperature"])[k])

    embeddings = F.normalize(b.randn(8, 128), dim=1)
    count, negatives, nce_t = 500, 16, 0.07
    stdv = 1.0 / (128 / 3) ** 0.5
    memory_rows = (torch.rand(8, negatives + 1, 128, generator=b.generator, dtype=DTYPE) * 2 - 1) * stdv
    # RepDistiller sets Z once, from the first batch: mean score times the data count.
    normalizer = (crd_scores(memory_rows, embeddings, nce_t, 1.0).mean() * count).item()
    b.add("CRD scores of 8x128 embeddings against 17 memory rows each, then the NCE loss",
          "crd_scores_then_nce", {"embeddings": embeddings, "memory_rows": memory_rows}, ["embeddings"],
          {"temperature": nce_t, "normalizer": normalizer, "data_count": float(count)},
          compute=lambda i, p, l: crd_nce(crd_scores(i["memory_rows"], i["embeddings"], p["temperature"],
                                                     p["normalizer"]), p["data_count"]))
    scores = crd_scores(memory_rows, embeddings, nce_t, normalizer)
    b.add("CRD NCE loss of 8x17 scores", "crd_nce", {"scores": scores}, ["scores"],
          {"data_count": float(count)}, compute=lambda i, p, l: crd_nce(i["scores"], p["data_count"]))

    for temperature in (2.0, 4.0):
        b.add(f"logit standardization on 8x10 logits at T={temperature:g}", "logit_standardization",
              {"student": b.randn(8, 10, scale=3.0) + 2.0, "teacher": b.randn(8, 10, scale=8.0) - 1.0},
              ["student"], {"temperature": temperature},
              compute=lambda i, p, l: logit_standardization(i["student"], i["teacher"], p["temperature"]))

    document = {
        "source": "tests/Distill.Tests/Golden/method_losses.py",
        "torch_version": torch.__version__,
        "dtype": "float64",
        "cases": b.cases,
    }
    with open(OUTPUT, "w", encoding="utf-8") as stream:
        # One case per line: the file is mostly long arrays of float64 written in full.
        stream.write("{\n")
        header = {k: v for k, v in document.items() if k != "cases"}
        for key, value in header.items():
            stream.write(f" {json.dumps(key)}: {json.dumps(value)},\n")
        stream.write(' "cases": [\n')
        lines = [" " + json.dumps(case, separators=(",", ":")) for case in document["cases"]]
        stream.write(",\n".join(lines))
        stream.write("\n ]\n}\n")
        stream.write("\n")
    print(f"wrote {len(b.cases)} cases to {OUTPUT} ({os.path.getsize(OUTPUT)} bytes)")


if __name__ == "__main__":
    main()
