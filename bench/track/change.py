#!/usr/bin/env python3
"""The "1% change" step of bench/track, on a tree made by make-data.py.

Usage: change.py DIR [--seed N] [--scale D]

At full size (--scale 1), with the files picked by a PRNG seeded with N:
  - 170 small text files (under 64 KiB) get one line inserted at a random line;
  - 20 binaries (*.bin) get 4 KiB overwritten in place at a random offset (not aligned;
    same size, same inode);
  - 10 other small files are deleted;
  - 20 new files of 8 KiB of text are added (new-SEED-NN.conf in random folders).
--scale D divides every count by D (at least 1 of each), like make-data.py.
Deterministic: the same tree, seed and scale give the same result.
"""
import argparse
import os
import random
import sys

KIB = 1024


def scaled(n, scale):
    return max(1, round(n / scale))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=int, default=1)
    args = ap.parse_args()

    folders, binaries, small = [], [], []
    for parent, dirs, files in os.walk(args.dir):
        dirs.sort()
        folders.append(parent)
        for name in sorted(files):
            path = os.path.join(parent, name)
            if name.endswith(".bin"):
                binaries.append(path)
            elif os.lstat(path).st_size < 64 * KIB:
                small.append(path)
    rng = random.Random(args.seed)
    n_edit, n_bin = scaled(170, args.scale), scaled(20, args.scale)
    n_del, n_new = scaled(10, args.scale), scaled(20, args.scale)
    if len(small) < n_edit + n_del or len(binaries) < n_bin:
        sys.exit(f"change.py: {args.dir} is not a tree from make-data.py at this scale")

    picked = rng.sample(small, n_edit + n_del)
    for path in picked[:n_edit]:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        at = rng.randrange(len(lines))
        lines.insert(at, f"inserted.by_change = seed-{args.seed}-{rng.randrange(1 << 30)}".encode())
        with open(path, "wb") as f:
            f.write(b"\n".join(lines))
    for path in picked[n_edit:]:
        os.unlink(path)
    for path in rng.sample(binaries, n_bin):
        size = os.lstat(path).st_size
        with open(path, "r+b") as f:
            f.seek(rng.randrange(size - 4 * KIB + 1))
            f.write(rng.randbytes(4 * KIB))
    for i in range(n_new):
        folder = rng.choice(folders)
        lines, size = [], 0
        while size < 8 * KIB:
            line = f"new.{rng.randrange(1 << 20)}_key{i} = value-{rng.randrange(1 << 30)}"
            lines.append(line)
            size += len(line) + 1
        data = "\n".join(lines).encode()[: 8 * KIB - 1] + b"\n"
        with open(os.path.join(folder, f"new-{args.seed}-{i:02d}.conf"), "xb") as f:
            f.write(data)
    print(f"change.py: {n_edit} files got a line, {n_bin} binaries 4 KiB overwritten, "
          f"{n_del} deleted, {n_new} new 8 KiB files", file=sys.stderr)


if __name__ == "__main__":
    main()
