#!/usr/bin/python3
"""The Python peer: the textbook PyTorch knowledge-distillation loop on MNIST MLPs.

Runs the same study as `distill compare` (teacher, scratch student, distilled student) with
the same models, data split sizes, batch size, epochs, optimiser (Adam, betas 0.9/0.999) and
Hinton loss (hard * CE + soft * T^2 * KL batchmean), written the way tutorials teach it:
DataLoader over a TensorDataset with shuffle=True, and a teacher forward pass on every
distillation step. Validation accuracy is measured after every epoch (as Distill does), the
epoch with the best validation accuracy is restored before the final test evaluation.

Prints one JSON object with the wall time of each phase and the test accuracies.
Run with Debian's torch: /usr/bin/python3 bench/peer_kd.py --help
"""
import argparse
import copy
import json
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def read_idx(path):
    with open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8)
    return data.reshape(dims)


def load_mnist(directory, validation, seed):
    def images(name):
        x = read_idx(os.path.join(directory, name)).float().div_(255.0)
        return x.sub_(MNIST_MEAN).div_(MNIST_STD).unsqueeze(1)

    x_train = images("train-images-idx3-ubyte")
    y_train = read_idx(os.path.join(directory, "train-labels-idx1-ubyte")).long()
    x_test = images("t10k-images-idx3-ubyte")
    y_test = read_idx(os.path.join(directory, "t10k-labels-idx1-ubyte")).long()
    order = torch.randperm(len(y_train), generator=torch.Generator().manual_seed(seed))
    val, tr = order[:validation], order[validation:]
    return (x_train[tr], y_train[tr]), (x_train[val], y_train[val]), (x_test, y_test)


def mlp(spec):
    """mlp:W1-W2[,dropout=p][,input-dropout=p], the subset of Distill's spec syntax the bench uses."""
    kind, body = spec.split(":", 1)
    if kind != "mlp":
        raise SystemExit(f"peer_kd.py only builds mlp: specs, not {spec!r}")
    parts = body.split(",")
    options = dict(p.split("=", 1) for p in parts[1:])
    dropout = float(options.get("dropout", 0))
    layers = [nn.Flatten()]
    if float(options.get("input-dropout", 0)) > 0:
        layers.append(nn.Dropout(float(options["input-dropout"])))
    width = 784
    for units in (int(u) for u in parts[0].split("-") if u):
        layers += [nn.Linear(width, units), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = units
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(y), 1000))
    model.train()
    return correct / len(y)


def kd_loss(student_logits, teacher_logits, labels, temperature, hard, soft):
    kl = F.kl_div(F.log_softmax(student_logits / temperature, dim=1),
                  F.softmax(teacher_logits / temperature, dim=1), reduction="batchmean")
    return hard * F.cross_entropy(student_logits, labels) + soft * temperature ** 2 * kl


def train(model, train_set, val_set, epochs, batch_size, lr, teacher=None, kd=None):
    loader = DataLoader(TensorDataset(*train_set), batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999))
    if teacher is not None:
        teacher.eval()
    best, best_state, epoch_seconds = -1.0, None, []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            logits = model(x)
            if teacher is None:
                loss = F.cross_entropy(logits, y)
            else:
                with torch.no_grad():
                    teacher_logits = teacher(x)
                loss = kd_loss(logits, teacher_logits, y, *kd)
            loss.backward()
            optimizer.step()
        val = accuracy(model, *val_set)
        epoch_seconds.append(time.perf_counter() - start)
        if val > best:
            best, best_state = val, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return epoch_seconds


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=os.path.join(os.environ.get("DISTILL_DATA", ".data"), "mnist"))
    p.add_argument("--teacher-spec", default="mlp:1200-1200")
    p.add_argument("--student-spec", default="mlp:800-800")
    p.add_argument("--teacher-epochs", type=int, default=2)
    p.add_argument("--student-epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--temperature", type=float, default=4.0)
    p.add_argument("--hard-weight", type=float, default=0.1)
    p.add_argument("--soft-weight", type=float, default=0.9)
    p.add_argument("--validation", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps torch's default")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)

    t0 = time.perf_counter()
    train_set, val_set, test_set = load_mnist(a.data_dir, a.validation, a.seed)
    phases, results = {"load": time.perf_counter() - t0}, {}
    kd = (a.temperature, a.hard_weight, a.soft_weight)
    for role, spec, epochs in (("teacher", a.teacher_spec, a.teacher_epochs),
                               ("scratch", a.student_spec, a.student_epochs),
                               ("distilled", a.student_spec, a.student_epochs)):
        print(f"Training {role}: {spec}", file=sys.stderr, flush=True)
        torch.manual_seed(a.seed)
        model = mlp(spec)
        start = time.perf_counter()
        epoch_seconds = train(model, train_set, val_set, epochs, a.batch_size, a.lr,
                              teacher=results["teacher"]["model"] if role == "distilled" else None, kd=kd)
        phases[role] = time.perf_counter() - start
        results[role] = {"model": model, "epoch_seconds": epoch_seconds,
                         "test_accuracy": accuracy(model, *test_set)}
    for r in results.values():
        r.pop("model")
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "args": vars(a),
               "phase_seconds": phases, "models": results}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
