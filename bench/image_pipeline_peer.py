#!/usr/bin/python3
"""The peer of `Profile pipeline`: torchvision's ImageFolder over the same train/ folder, the same
transforms (RandomCrop with the same padding, RandomHorizontalFlip, ToTensor, Normalize with the
folder's mean and std), DataLoader(batch, shuffle=True, num_workers=WORKERS). Times EPOCHS epochs
after a warm-up epoch and prints one JSON object like Distill's: images per second, seconds per
epoch, peak resident memory of the main process and of its workers (ru_maxrss).
Usage: image_pipeline_peer.py FOLDER SIZE PAD BATCH EPOCHS WORKERS
"""
import json
import resource
import sys
import time

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

folder, size, pad, batch, epochs, workers = sys.argv[1], *map(int, sys.argv[2:7])
torch.manual_seed(1)
transform = transforms.Compose([
    transforms.RandomCrop(size, padding=pad),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize([0.13, 0.13, 0.13], [0.3, 0.3, 0.3]),
])
data = datasets.ImageFolder(f"{folder}/train", transform=transform)
loader = DataLoader(data, batch_size=batch, shuffle=True, num_workers=workers)
seconds = []
checksum = 0.0
for epoch in range(epochs + 1):
    start = time.perf_counter()
    for inputs, labels in loader:
        checksum += float(inputs[0, 0, 0, 0])
    if epoch > 0:
        seconds.append(time.perf_counter() - start)
print(json.dumps({
    "tool": "torchvision",
    "mode": f"ImageFolder+DataLoader(num_workers={workers})",
    "size": size,
    "images": len(data),
    "batch": batch,
    "augment": f"RandomCrop(padding={pad}),RandomHorizontalFlip",
    "workers": workers,
    "epochs": epochs,
    "epochSeconds": seconds,
    "imagesPerSecond": len(data) * epochs / sum(seconds),
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "peakWorkerRssMiB": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "torch": torch.__version__,
    "checksum": checksum,
}))
