"""Writes a small synthetic digit set in MNIST's IDX format (12x12 images, 10 classes), so the Slurm
test needs no download: each class is a bright bar at its own place plus noise, which an MLP learns
in an epoch or two. Usage: python3 tiny_idx.py FOLDER [TRAIN] [TEST]"""
import os
import random
import struct
import sys


def write(folder, prefix, count, rng, side=12, classes=10):
    labels = [i % classes for i in range(count)]
    rng.shuffle(labels)
    pixels = bytearray()
    for label in labels:
        for y in range(side):
            for x in range(side):
                bar = (y == label + 1) or (x == label + 1 and label % 2 == 0)
                value = (200 if bar else 20) + rng.randint(-20, 20)
                pixels.append(max(0, min(255, value)))
    with open(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, count, side, side) + bytes(pixels))
    with open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, count) + bytes(labels))


def main():
    folder = sys.argv[1]
    train = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    test = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(7)
    write(folder, "train", train, rng)
    write(folder, "t10k", test, rng)


if __name__ == "__main__":
    main()
