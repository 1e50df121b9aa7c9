"""A teacher trained in PyTorch for the edge bench: a torchvision ResNet-18 adapted to MNIST.

Run with Debian's torch 1.13.1 and torchvision 0.14.1 (no network, no GPU):

    OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_teacher.py OUT_DIR [--rows 12000] [--epochs 1] [--blocks 2,2,2,2]

The network is torchvision's ResNet with basic blocks, resnet18 by default or fewer blocks per
stage with --blocks 1,1,1,1 (a ResNet-10; random initialisation: pretrained weights would need the
internet) with a 3x3 stride-1 stem for 1-channel 28x28 inputs and a 10-way classifier. It is trained
with SGD + momentum on the first --rows MNIST training images (standardised as Distill loads MNIST:
(pixel / 255 - 0.1307) / 0.3081), then written as OUT_DIR/NAME.pt (torch.jit.trace) and
OUT_DIR/NAME.onnx (opset 13, dynamic batch), NAME resnet18 or resnet10, with its test accuracy in OUT_DIR/teacher.json.
MNIST is read from Distill's cache (~/.cache/distill/data/mnist, `distill data fetch mnist`).
"""

import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torchvision

MEAN, STD = 0.1307, 0.3081


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, part):
    names = {f.split("-")[0] + "-" + f.split("-")[1]: f for f in os.listdir(folder)}
    images = idx(os.path.join(folder, names[f"{part}-images"]))
    labels = idx(os.path.join(folder, names[f"{part}-labels"]))
    x = torch.from_numpy(images.astype(np.float32) / 255)
    return ((x - MEAN) / STD).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def resnet_mnist(blocks):
    """torchvision's ResNet with basic blocks ([2, 2, 2, 2] is resnet18, [1, 1, 1, 1] a ResNet-10)."""
    model = torchvision.models.resnet.ResNet(torchvision.models.resnet.BasicBlock, blocks, num_classes=10)
    model.conv1 = nn.Conv2d(1, 64, 3, stride=1, padding=1, bias=False)
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=12000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--blocks", default="2,2,2,2", help="basic blocks per stage: 2,2,2,2 is resnet18, 1,1,1,1 a ResNet-10")
    parser.add_argument("--data", default=os.path.expanduser("~/.cache/distill/data/mnist"))
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "t10k")
    train_x, train_y = train_x[: args.rows], train_y[: args.rows]
    blocks = [int(b) for b in args.blocks.split(",")]
    name = "resnet18" if blocks == [2, 2, 2, 2] else "resnet" + str(2 + 2 * sum(blocks))
    model = resnet_mnist(blocks)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    steps = args.epochs * ((len(train_x) + 127) // 128)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, total_steps=steps)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_x))
        for i in range(0, len(train_x), 128):
            rows = order[i: i + 128]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(train_x[rows]), train_y[rows])
            loss.backward()
            optimizer.step()
            schedule.step()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f} ({time.time() - start:.0f} s)", flush=True)

    model.eval()
    with torch.no_grad():
        correct = sum((model(test_x[i: i + 500]).argmax(1) == test_y[i: i + 500]).sum().item() for i in range(0, len(test_x), 500))
    accuracy = correct / len(test_x)
    print(f"test accuracy {accuracy:.4f}")
    example = test_x[:2]
    torch.jit.trace(model, example).save(os.path.join(args.out, name + ".pt"))
    torch.onnx.export(model, example, os.path.join(args.out, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(args.out, "teacher.json"), "w") as f:
        json.dump({"model": f"torchvision ResNet (BasicBlock, {blocks}), 3x3 stride-1 stem, 1 channel, 10 classes", "file": name, "train_rows": args.rows,
                   "epochs": args.epochs, "seed": args.seed, "test_accuracy": accuracy,
                   "seconds": round(time.time() - start, 1), "torch": torch.__version__, "torchvision": torchvision.__version__}, f, indent=2)


if __name__ == "__main__":
    main()
