"""Teachers from another framework, for Distill's imported-teacher tests.

Rerun from the repository root (Debian's torch 1.13.1; no GPU, network or onnx package needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/make_teachers.py

It trains two small PyTorch classifiers of 1x12x12 inputs and 10 classes (an MLP and a CNN with
batch norm) on synthetic images laid out like the tests' SyntheticIdx data (each class lights its
own 3x3 block; pixels standardised with MNIST's mean and std, as Distill loads them), then writes
for each NAME in (mlp, cnn):

    teacher_NAME.pt    TorchScript, torch.jit.trace of the model in eval mode
    teacher_NAME.onnx  ONNX, torch.onnx.export at opset 13 with a dynamic batch dimension

and teachers.json: the fixed inputs (seeded, [6, 1, 12, 12], flat row-major) and the logits
PyTorch computed for them with each model ([6, 10], flat row-major). ImportedTeacherTests.cs
checks that Distill's teachers reproduce those logits within 1e-5.
"""

import json
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
SIDE, CLASSES = 12, 10
MEAN, STD = 0.1307, 0.3081


def synthetic(count, generator):
    """Class k lights the 3x3 block at row k // 4, column k % 4, with uniform noise on top."""
    labels = torch.arange(count) % CLASSES
    noise = torch.randint(-60, 60, (count, SIDE, SIDE), generator=generator)
    mask = torch.zeros(count, SIDE, SIDE, dtype=torch.bool)
    block = SIDE // 4
    for i, label in enumerate(labels.tolist()):
        top, left = label // 4 * block, label % 4 * block
        mask[i, top:top + block, left:left + block] = True
    pixels = (torch.where(mask, 170, 30) + noise).clamp(0, 255).float()
    return ((pixels / 255 - MEAN) / STD).unsqueeze(1), labels


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(SIDE * SIDE, 32), nn.ReLU(), nn.Linear(32, CLASSES))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 3 * 3, CLASSES))


def train(model, images, labels, generator):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(150):
        rows = torch.randint(0, images.shape[0], (64,), generator=generator)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(images[rows]), labels[rows])
        loss.backward()
        optimizer.step()
    model.eval()
    return model


def main():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    images, labels = synthetic(1000, generator)
    inputs = torch.randn(6, 1, SIDE, SIDE, generator=torch.Generator().manual_seed(1))
    golden = {"input_shape": [6, 1, SIDE, SIDE], "inputs": inputs.flatten().tolist()}
    for name, build in (("mlp", mlp), ("cnn", cnn)):
        model = train(build(), images, labels, generator)
        with torch.no_grad():
            accuracy = (model(images).argmax(1) == labels).float().mean().item()
            golden[name] = {"logits": model(inputs).flatten().tolist(), "train_accuracy": accuracy}
            torch.jit.trace(model, inputs).save(os.path.join(HERE, f"teacher_{name}.pt"))
            torch.onnx.export(model, inputs, os.path.join(HERE, f"teacher_{name}.onnx"), opset_version=13,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(HERE, "teachers.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
