#!/usr/bin/python3
"""The strongest plain PyTorch loop: the peer to beat, beside the tutorial-style bench/peer_kd.py.

Same study, models, data split, batch size, epochs, optimiser (Adam), loss and model selection as
peer_kd.py and `distill compare`, written the way someone who profiles their loop writes it:
- the training tensors are held once; every epoch draws one permutation and each batch is
  taken by indexing the tensors with a slice of it (no DataLoader, no per-example collation);
- `zero_grad(set_to_none=True)`; evaluation under `torch.inference_mode()` in batches of 1,000;
- the teacher's logits for the (unaugmented) training set are computed once and indexed with the
  same permutation slice, as Distill's logit cache does (`--live-teacher` runs it every step);
- `--only ROLE` trains one model (the CNN timings: `distill train` against this);
- `--precision bfloat16` runs the training steps under CPU autocast (bench/cnn-precision.sh);
- `--augment hflip,rotate:D,crop:N` transforms every training batch as Distill's `--augment` does
  (each image mirrored with probability 0.5, turned by an angle uniform in [-D, D] degrees with
  bilinear resampling, shifted by up to N pixels; black fills the corners); with `--live-teacher`
  the teacher runs under `torch.no_grad()` on the same augmented batch the student sees.

Models: `mlp:W1-W2[,dropout=p][,input-dropout=p]` (as peer_kd.py), Distill's `cnn:` tokens
(c{filters}[k{kernel}][s{stride}], mp{size}[s{stride}], relu, lrelu{slope}, fc{units},
drop{rate}, bn, gap; "same" padding) and `resnet:{6n+2}` (RepDistiller's CIFAR ResNet, as
src/Distill/Models/Zoo/ResNetCifar.cs builds it). `--print-params` prints the parameter count
and exits, to check the architecture against `distill models`.
Prints one JSON object (phase wall times, epoch times, test accuracies), like peer_kd.py.
"""
import argparse
import copy
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_kd import kd_loss, load_mnist, mlp  # noqa: E402


class SameConv(nn.Module):
    """Keras "same" padding for any stride, as Distill's SameConv2d pads (extra pixel at the end)."""

    def __init__(self, cin, cout, kernel, stride):
        super().__init__()
        self.kernel, self.stride = kernel, stride
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride)

    def forward(self, x):
        return self.conv(F.pad(x, same_padding(x, self.kernel, self.stride)))


class SamePool(nn.Module):
    def __init__(self, size, stride):
        super().__init__()
        self.size, self.stride = size, stride

    def forward(self, x):
        pad = same_padding(x, self.size, self.stride)
        if any(pad):
            x = F.pad(x, pad, value=-math.inf)
        return F.max_pool2d(x, self.size, self.stride)


def same_padding(x, kernel, stride):
    def side(n):
        out = -(-n // stride)
        total = max((out - 1) * stride + kernel - n, 0)
        return total // 2, total - total // 2
    top, bottom = side(x.shape[2])
    left, right = side(x.shape[3])
    return (left, right, top, bottom)


def cnn(spec, shape):
    layers, probe = [], torch.zeros(1, *shape)
    for token in spec.split(":", 1)[1].split("-"):
        if m := re.fullmatch(r"c(\d+)(?:k(\d+))?(?:s(\d+))?", token):
            layer = SameConv(probe.shape[1], int(m[1]), int(m[2] or 3), int(m[3] or 1))
        elif m := re.fullmatch(r"mp(\d+)(?:s(\d+))?", token):
            layer = SamePool(int(m[1]), int(m[2] or m[1]))
        elif token == "relu":
            layer = nn.ReLU()
        elif m := re.fullmatch(r"lrelu([\d.]+)?", token):
            layer = nn.LeakyReLU(float(m[1] or 0.01))
        elif m := re.fullmatch(r"fc(\d+)", token):
            if probe.dim() > 2:
                layers.append(nn.Flatten())
                probe = probe.flatten(1)
            layer = nn.Linear(probe.shape[1], int(m[1]))
        elif m := re.fullmatch(r"drop([\d.]+)", token):
            layer = nn.Dropout(float(m[1]))
        elif token == "bn":
            layer = nn.BatchNorm2d(probe.shape[1]) if probe.dim() == 4 else nn.BatchNorm1d(probe.shape[1])
        elif token == "gap":
            layer = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        else:
            raise SystemExit(f"peer_fast.py does not know the cnn token {token!r} in {spec!r}")
        layers.append(layer)
        layer.eval()
        with torch.no_grad():
            probe = layer(probe)
    if probe.dim() > 2:
        layers.append(nn.Flatten())
        probe = probe.flatten(1)
    layers.append(nn.Linear(probe.shape[1], 10))
    return nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))


def resnet(spec, shape):
    depth = int(spec.split(":", 1)[1])
    n = (depth - 2) // 6
    widths = [16, 16, 32, 64]
    layers = [nn.Conv2d(shape[0], 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = widths[0]
    for cout, stride in zip(widths[1:], (1, 2, 2)):
        for i in range(n):
            layers.append(Block(cin, cout, stride if i == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 10)]
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    return model


def build(spec, shape):
    kind = spec.split(":", 1)[0]
    if kind == "mlp":
        return mlp(spec)
    if kind == "cnn":
        return cnn(spec, shape)
    if kind == "resnet":
        return resnet(spec, shape)
    raise SystemExit(f"peer_fast.py builds mlp:, cnn: and resnet: specs, not {spec!r}")


def augmenter(spec, black):
    """A function that transforms a batch [N, C, H, W] by the comma-separated transforms of spec, in order."""
    steps = []
    for token in filter(None, (spec or "").split(",")):
        name, _, value = token.partition(":")
        if name == "hflip":
            steps.append(lambda x: torch.where(torch.rand(len(x)).lt(0.5).view(-1, 1, 1, 1), x.flip(3), x))
        elif name == "rotate":
            steps.append(lambda x, d=float(value): rotate(x, (torch.rand(len(x), dtype=torch.float64) * 2 - 1) * d, black))
        elif name in ("crop", "jitter"):
            steps.append(lambda x, n=int(value): shift(x, n, black))
        else:
            raise SystemExit(f"peer_fast.py does not know the augmentation {token!r}")

    def apply(x):
        with torch.no_grad():
            for step in steps:
                x = step(x)
        return x
    return apply if steps else None


def rotate(x, degrees, black):
    """Each image turned by its angle about its centre (bilinear, align_corners False), as Distill's RandomRotation."""
    radians = degrees * (math.pi / 180)
    cos, sin = radians.cos(), radians.sin()
    theta = torch.zeros(len(x), 2, 3)
    theta[:, :, :2] = torch.stack([cos, sin, -sin, cos], 1).view(-1, 2, 2).float()
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x - black, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + black


def shift(x, padding, black):
    """Random crop of the image padded with black on every side, as Distill's RandomShift."""
    n, c, h, w = x.shape
    padded = F.pad(x - black, (padding,) * 4) + black
    offsets = torch.randint(0, 2 * padding + 1, (n, 2))
    rows = torch.arange(h).unsqueeze(0) + offsets[:, :1]
    cols = torch.arange(w).unsqueeze(0) + offsets[:, 1:]
    index = (rows.unsqueeze(2) * (w + 2 * padding) + cols.unsqueeze(1)).view(n, 1, h * w).expand(n, c, h * w)
    return padded.flatten(2).gather(2, index).view(n, c, h, w)


@torch.inference_mode()
def logits_of(model, x):
    model.eval()
    out = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    model.train()
    return out


def accuracy(model, x, y):
    return (logits_of(model, x).argmax(1) == y).float().mean().item()


def train(model, train_set, val_set, epochs, batch_size, lr, teacher=None, cached=None, kd=None, augment=None, bf16=False):
    x_all, y_all = train_set
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999))
    best, best_state, epoch_seconds, epoch_cpu = -1.0, None, [], []
    for _ in range(epochs):
        start, cpu = time.perf_counter(), time.process_time()
        model.train()
        order = torch.randperm(len(y_all))
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            x, y = x_all[idx], y_all[idx]
            if augment is not None:
                x = augment(x)
            optimizer.zero_grad(set_to_none=True)
            # bf16: PyTorch's CPU autocast (products and convolutions in bfloat16, float32 weights).
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits = model(x)
                if kd is None:
                    loss = F.cross_entropy(logits, y)
                else:
                    if cached is not None:
                        teacher_logits = cached[idx]
                    else:
                        with torch.no_grad():
                            teacher_logits = teacher(x)
                    loss = kd_loss(logits, teacher_logits, y, *kd)
            loss.backward()
            optimizer.step()
        val = accuracy(model, *val_set)
        epoch_seconds.append(time.perf_counter() - start)
        epoch_cpu.append(time.process_time() - cpu)
        if val > best:
            best, best_state = val, copy.deepcopy(model.state_dict())
    if best_state is not None:
        model.load_state_dict(best_state)
    return epoch_seconds, epoch_cpu


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=os.path.join(os.environ.get("DISTILL_DATA", ".data"), "mnist"))
    p.add_argument("--teacher-spec", default="mlp:1200-1200")
    p.add_argument("--student-spec", default="mlp:800-800")
    p.add_argument("--teacher-epochs", type=int, default=2, help="0 keeps the teacher's initial weights (for timings)")
    p.add_argument("--student-epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--temperature", type=float, default=4.0)
    p.add_argument("--hard-weight", type=float, default=0.1)
    p.add_argument("--soft-weight", type=float, default=0.9)
    p.add_argument("--validation", type=int, default=5000)
    p.add_argument("--train-rows", type=int, default=0, help="use only the first N training rows (scaling runs)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps torch's default")
    p.add_argument("--only", choices=["teacher", "scratch"], help="train this one model (teacher spec for teacher, student spec for scratch)")
    p.add_argument("--live-teacher", action="store_true", help="run the teacher on every distillation step instead of caching its logits")
    p.add_argument("--augment", default="", help="transform every training batch: hflip, rotate:D, crop:N, comma-separated")
    p.add_argument("--channels-last", action="store_true", help="models and inputs in channels-last memory format")
    p.add_argument("--precision", choices=["float32", "bfloat16"], default="float32",
                   help="bfloat16: training steps under torch.autocast('cpu', bfloat16); evaluation stays float32")
    p.add_argument("--print-params", action="store_true", help="print the parameter counts of both specs and exit")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.print_params:
        for spec in (a.teacher_spec, a.student_spec):
            print(spec, sum(q.numel() for q in build(spec, (1, 28, 28)).parameters()))
        return

    t0 = time.perf_counter()
    train_set, val_set, test_set = load_mnist(a.data_dir, a.validation, a.seed)
    if a.train_rows:
        train_set = tuple(t[:a.train_rows] for t in train_set)
    if a.channels_last:
        train_set, val_set, test_set = [(x.contiguous(memory_format=torch.channels_last), y)
                                        for x, y in (train_set, val_set, test_set)]
    phases, results = {"load": time.perf_counter() - t0}, {}
    kd = (a.temperature, a.hard_weight, a.soft_weight)
    augment = augmenter(a.augment, train_set[0].min().item())
    plan = (("teacher", a.teacher_spec, a.teacher_epochs),
            ("scratch", a.student_spec, a.student_epochs),
            ("distilled", a.student_spec, a.student_epochs))
    if a.only:
        plan = [r for r in plan if r[0] == a.only]
    if augment is not None and not a.live_teacher and any(r[0] == "distilled" for r in plan):
        raise SystemExit("peer_fast.py: --augment needs --live-teacher (cached logits are of the unaugmented images)")
    for role, spec, epochs in plan:
        print(f"Training {role}: {spec}", file=sys.stderr, flush=True)
        torch.manual_seed(a.seed)
        model = build(spec, tuple(train_set[0].shape[1:]))
        if a.channels_last:
            model = model.to(memory_format=torch.channels_last)
        start = time.perf_counter()
        teacher = cached = None
        if role == "distilled":
            teacher = results["teacher"]["model"]
            teacher.eval()
            if not a.live_teacher:
                cached = logits_of(teacher, train_set[0])
        epoch_seconds, epoch_cpu = train(model, train_set, val_set, epochs, a.batch_size, a.lr,
                              teacher=teacher, cached=cached, kd=kd if role == "distilled" else None,
                              augment=augment if role != "teacher" else None, bf16=a.precision == "bfloat16")
        phases[role] = time.perf_counter() - start
        results[role] = {"model": model, "epoch_seconds": epoch_seconds, "epoch_cpu_seconds": epoch_cpu,
                         "test_accuracy": accuracy(model, *test_set)}
    for r in results.values():
        r.pop("model")
    phases["total"] = time.perf_counter() - t0
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "args": vars(a),
               "phase_seconds": phases, "models": results}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
