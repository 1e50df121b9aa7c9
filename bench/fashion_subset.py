#!/usr/bin/python3
"""Writes the first N training rows of Debian's Fashion-MNIST (and the whole test set) as an IDX folder.

The teacher-assistant bench trains on this subset to fit a shared 2-core machine; the test set is
the full 10,000 images (TEST_N: only the first TEST_N). Usage: fashion_subset.py OUT_DIR [N=12000] [TEST_N]
"""
import gzip
import shutil
import struct
import sys
from pathlib import Path

SOURCE = Path("/usr/share/datasets/fashion-mnist")


def cut(out: Path, part: str, rows: int) -> None:
    """The first ROWS images and labels of PART (train or t10k), written as IDX files in OUT."""
    with gzip.open(SOURCE / f"{part}-images-idx3-ubyte.gz") as f:
        images = f.read()
    with gzip.open(SOURCE / f"{part}-labels-idx1-ubyte.gz") as f:
        labels = f.read()
    with gzip.open(out / f"{part}-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 2051, rows, 28, 28) + images[16:16 + rows * 784])
    with gzip.open(out / f"{part}-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 2049, rows) + labels[8:8 + rows])


def main() -> None:
    out = Path(sys.argv[1])
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
    out.mkdir(parents=True, exist_ok=True)
    cut(out, "train", rows)
    if len(sys.argv) <= 3:
        for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
            shutil.copy(SOURCE / name, out / name)
        return
    cut(out, "t10k", int(sys.argv[3]))


if __name__ == "__main__":
    main()
