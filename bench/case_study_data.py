#!/usr/bin/python3
"""Writes the image folders of the transfer-learning case study (bench/case-study.sh) from Fashion-MNIST.

Every image is resized (bilinear, PIL) from 28x28 to SIZE x SIZE and turned into RGB (the grey value in
all three channels) before it is saved as PNG, so PyTorch and Distill read the very same pixels: no
resizing or channel handling is left to either side. Two sets, whose training images do not overlap:

  OUT/pretrain/{train,test}/C   classes 0-4 only (T-shirt/top, Trouser, Pullover, Dress, Coat): PyTorch's
                                "pretraining" set, the stand-in for ImageNet (no download is possible here).
                                train: the first PRETRAIN training images of those classes from row 30,000 on;
                                test: the test images of those classes among test rows 1,000-2,999.
  OUT/study/{train,val,test}/C  all 10 classes: the set Distill fine-tunes a new head on and distils on.
                                train: training rows 0..N-1, val: the next N/6, test: test rows 0-999.

Class folders are named "K-name" (0-tshirt ... 9-boot), so every sort (torchvision's ImageFolder, Distill)
gives the label order K. Usage: case_study_data.py FASHION_IDX_DIR OUT_DIR [SIZE=64] [N=3000] [PRETRAIN=3000]
"""
import gzip
import struct
import sys
from pathlib import Path

from PIL import Image

NAMES = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
PRETRAIN_CLASSES = 5


def read(folder, stem):
    for name in (stem, stem + ".gz"):
        path = folder / name
        if path.exists():
            data = path.read_bytes()
            return gzip.decompress(data) if name.endswith(".gz") else data
    raise SystemExit(f"case_study_data.py: {folder} holds no {stem}[.gz]; run 'distill data fetch fashion-mnist'")


def images(folder, part):
    data = read(folder, f"{part}-images-idx3-ubyte")
    _, count, rows, columns = struct.unpack(">IIII", data[:16])
    pixels = [data[16 + i * rows * columns:16 + (i + 1) * rows * columns] for i in range(count)]
    return pixels, rows, columns, read(folder, f"{part}-labels-idx1-ubyte")[8:]


def write(folder, rows_of_part, size):
    pixels, rows, columns, labels, indices = rows_of_part
    for i in indices:
        label = labels[i]
        target = folder / f"{label}-{NAMES[label]}"
        target.mkdir(parents=True, exist_ok=True)
        image = Image.frombytes("L", (columns, rows), pixels[i]).resize((size, size), Image.BILINEAR).convert("RGB")
        image.save(target / f"{i:05d}.png")
    return len(indices)


def main():
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
    pretrain = int(sys.argv[5]) if len(sys.argv) > 5 else 3000
    train, rows, columns, train_labels = images(source, "train")
    test, _, _, test_labels = images(source, "t10k")
    if n + n // 6 > 30000:
        raise SystemExit("case_study_data.py: N must leave rows 30,000 on to the pretraining set")
    first = [i for i in range(30000, len(train)) if train_labels[i] < PRETRAIN_CLASSES][:pretrain]
    held = [i for i in range(1000, 3000) if test_labels[i] < PRETRAIN_CLASSES]
    counts = {
        "pretrain/train": write(out / "pretrain" / "train", (train, rows, columns, train_labels, first), size),
        "pretrain/test": write(out / "pretrain" / "test", (test, rows, columns, test_labels, held), size),
        "study/train": write(out / "study" / "train", (train, rows, columns, train_labels, range(n)), size),
        "study/val": write(out / "study" / "val", (train, rows, columns, train_labels, range(n, n + n // 6)), size),
        "study/test": write(out / "study" / "test", (test, rows, columns, test_labels, range(1000)), size),
    }
    print(", ".join(f"{part}: {count}" for part, count in counts.items()) + f" images of {size}x{size} RGB in {out}")


main()
