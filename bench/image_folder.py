#!/usr/bin/python3
"""Writes MNIST (the IDX folder given) as an image folder for the image-pipeline bench: train/, val/
and test/, one subfolder per digit, PNG files resized (bilinear) to SIZE x SIZE and turned into RGB,
the form a user's photo folder has. The first N training images go to train/, the next N/10 to val/,
the first N/10 test images to test/.
Usage: image_folder.py MNIST_DIR OUT_DIR SIZE [N=2000]
"""
import struct
import sys
from pathlib import Path

from PIL import Image


def images(path):
    data = Path(path).read_bytes()
    _, count, rows, columns = struct.unpack(">IIII", data[:16])
    return [data[16 + i * rows * columns:16 + (i + 1) * rows * columns] for i in range(count)], rows, columns


def labels(path):
    return Path(path).read_bytes()[8:]


def write(out, part, pixels, digits, rows, columns, size):
    for i, (image, digit) in enumerate(zip(pixels, digits)):
        folder = out / part / str(digit)
        folder.mkdir(parents=True, exist_ok=True)
        Image.frombytes("L", (columns, rows), image).resize((size, size), Image.BILINEAR).convert("RGB").save(folder / f"{i:05d}.png")


def main():
    source, out, size = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    train, rows, columns = images(source / "train-images-idx3-ubyte")
    train_labels = labels(source / "train-labels-idx1-ubyte")
    test, _, _ = images(source / "t10k-images-idx3-ubyte")
    test_labels = labels(source / "t10k-labels-idx1-ubyte")
    write(out, "train", train[:n], train_labels[:n], rows, columns, size)
    write(out, "val", train[n:n + n // 10], train_labels[n:n + n // 10], rows, columns, size)
    write(out, "test", test[:n // 10], test_labels[:n // 10], rows, columns, size)


main()
