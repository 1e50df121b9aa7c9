#!/usr/bin/python3
"""The PyTorch side of `Profile THREADS SPEC BATCH` (bench/Profile): the same MLP (Linear+ReLU
layers, 784 inputs, 10 classes) timed per training step, so a per-step gap between Distill and the
peers can be told apart from whole-process costs. Prints CPU-ms and wall-ms per step and GFLOP/s.
Usage: peer_step.py [threads] [hidden widths, e.g. 800-800] [batch]"""
import sys, time, torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
widths = [int(w) for w in (sys.argv[2] if len(sys.argv) > 2 else "800-800").split("-")]
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 128
torch.set_num_threads(threads)
torch.manual_seed(1)
layers, previous = [torch.nn.Flatten()], 784
for w in widths:
    layers += [torch.nn.Linear(previous, w), torch.nn.ReLU()]
    previous = w
model = torch.nn.Sequential(*layers, torch.nn.Linear(previous, 10))
parameters = sum(p.numel() for p in model.parameters())
x, y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
step_flops, forward_flops = 6.0 * parameters * batch, 2.0 * parameters * batch
print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, widths {widths}, batch {batch}, parameters {parameters:,}")


def timed(what, flops, repeats, action):
    action()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeats):
        action()
    cpu, wall = (time.process_time() - cpu) / repeats, (time.perf_counter() - wall) / repeats
    rate = f"{flops / cpu / 1e9:7.1f} GFLOP/CPU-s {flops / wall / 1e9:7.1f} GFLOP/s" if flops else ""
    print(f"{what:<34} {1000 * cpu:8.2f} CPU-ms {1000 * wall:8.2f} wall-ms {rate}")


a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
timed("matmul 2048 float32", 2.0 * 2048 ** 3, 10, lambda: a @ b)
timed("forward (train mode)", forward_flops, 40, lambda: model(x))


def backward():
    model.zero_grad()
    torch.nn.functional.cross_entropy(model(x), y).backward()


timed("forward + backward", step_flops, 40, backward)
for name, optimizer in [("step with Adam", torch.optim.Adam(model.parameters(), 1e-3)),
                        ("step with SGD (momentum 0.9)", torch.optim.SGD(model.parameters(), 1e-3, 0.9))]:
    def step():
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    timed(name, step_flops, 40, step)
    timed(name + " (optimizer only)", 0, 40, optimizer.step)
