#!/usr/bin/python3
"""Writes the first N training rows of an MNIST IDX folder (and its whole test set) as a new IDX folder.

Usage: mnist_subset.py SOURCE_DIR OUT_DIR N. SOURCE_DIR holds the four files, plain or .gz
(Distill's cache, $DISTILL_DATA/mnist, holds them plain). bench/scaling.sh uses it to time
training on 10k, 30k and 60k rows.
"""
import gzip
import struct
import sys
from pathlib import Path


def read(folder: Path, name: str) -> bytes:
    plain = folder / name
    if plain.exists():
        return plain.read_bytes()
    with gzip.open(folder / (name + ".gz")) as f:
        return f.read()


def main() -> None:
    source, out, rows = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    images, labels = read(source, "train-images-idx3-ubyte"), read(source, "train-labels-idx1-ubyte")
    available = struct.unpack(">I", labels[4:8])[0]
    if not 0 < rows <= available:
        sys.exit(f"mnist_subset.py: {rows} rows asked for, the training set has {available}.")
    side_rows, side_columns = struct.unpack(">II", images[8:16])
    size = side_rows * side_columns
    out.mkdir(parents=True, exist_ok=True)
    (out / "train-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, rows, side_rows, side_columns) + images[16:16 + rows * size])
    (out / "train-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, rows) + labels[8:8 + rows])
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (out / name).write_bytes(read(source, name))


if __name__ == "__main__":
    main()
