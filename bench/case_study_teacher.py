#!/usr/bin/python3
"""The "pretrained" teacher of the transfer-learning case study (bench/case-study.sh), made by Debian's
PyTorch 1.13 + torchvision 0.14: `torchvision.models.resnet18(num_classes=K)`, unchanged (7x7 stride-2
stem, max pool, 3-channel input), trained briefly on an image folder and saved as
`torch.save(model.state_dict(), WEIGHTS)`. It stands in for ImageNet weights, which would need the internet.

Preprocessing, the same as Distill's `--image-size 64 --channels 3 --normalize imagenet` on these folders:
the PNGs are already 64x64 RGB (case_study_data.py resized them), so each image is only read by PIL as
RGB, scaled to [0, 1] (ToTensor: pixel / 255) and standardised per channel with ImageNet's mean
(0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225). Training adds a random horizontal flip.

Writes OUT/teacher.json (test accuracy and errors, the settings, wall and CPU seconds, versions) and
OUT/test-errors.json (each misclassified test file with its label and prediction).
Usage: OMP_NUM_THREADS=2 /usr/bin/python3 bench/case_study_teacher.py DATA OUT WEIGHTS [--epochs 3] [--seed 1]
DATA holds train/ and test/, one subfolder per class.
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torchvision
from torchvision import transforms

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def load(folder):
    data = torchvision.datasets.ImageFolder(folder, transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)]))
    x = torch.stack([data[i][0] for i in range(len(data))])
    return x, torch.tensor(data.targets), data.classes, [os.path.relpath(p, folder) for p, _ in data.samples]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("weights")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    start, cpu = time.time(), time.process_time()

    train_x, train_y, classes, _ = load(os.path.join(args.data, "train"))
    test_x, test_y, test_classes, files = load(os.path.join(args.data, "test"))
    if test_classes != classes:
        raise SystemExit(f"case_study_teacher.py: the test classes {test_classes} differ from the training classes {classes}")
    model = torchvision.models.resnet18(num_classes=len(classes))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    steps = args.epochs * ((len(train_x) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=steps)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_x))
        for i in range(0, len(train_x), args.batch):
            rows = order[i: i + args.batch]
            x = train_x[rows]
            flip = torch.rand(len(rows)) < 0.5
            x[flip] = x[flip].flip(3)
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x), train_y[rows])
            loss.backward()
            optimizer.step()
            schedule.step()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f} ({time.time() - start:.0f} s)", flush=True)
    train_seconds = time.time() - start

    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(test_x[i: i + 250]).argmax(1) for i in range(0, len(test_x), 250)])
    wrong = (predicted != test_y).nonzero().flatten().tolist()
    torch.save(model.state_dict(), args.weights)
    result = {
        "model": f"torchvision.models.resnet18(num_classes={len(classes)})",
        "classes": classes, "train_images": len(train_x), "test_images": len(test_x),
        "epochs": args.epochs, "batch": args.batch, "optimizer": f"SGD momentum 0.9, weight decay 5e-4, OneCycle max lr {args.lr}",
        "augment": "random horizontal flip", "seed": args.seed,
        "preprocessing": "PNG 64x64 RGB as stored; ToTensor (pixel / 255); Normalize(ImageNet mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225))",
        "test_errors": len(wrong), "test_accuracy": 1 - len(wrong) / len(test_x),
        "train_seconds": round(train_seconds, 1), "seconds": round(time.time() - start, 1), "cpu_seconds": round(time.process_time() - cpu, 1),
        "threads": torch.get_num_threads(), "torch": torch.__version__, "torchvision": torchvision.__version__,
    }
    print(f"test accuracy {result['test_accuracy']:.4f} ({len(wrong)} errors of {len(test_x)})")
    with open(os.path.join(args.out, "teacher.json"), "w") as f:
        json.dump(result, f, indent=2)
    with open(os.path.join(args.out, "test-errors.json"), "w") as f:
        json.dump([{"file": files[i], "label": classes[test_y[i]], "predicted": classes[predicted[i]]} for i in wrong], f, indent=1)


if __name__ == "__main__":
    main()
