#!/usr/bin/env python3
"""Makes the data set for bench/track: a tree shaped like a big /etc plus its binaries.

Usage: make-data.py DIR [--seed N] [--scale D]

Full size (--scale 1): 420 folders in three levels (4 top, 8 under each, 12 under each
of those), 20,000 files, about 1.15 GB:
  - 200 incompressible binaries (*.bin) of 2-6 MiB, bytes from the seeded PRNG;
  - 800 text files (*.log, *.txt) of 64-256 KiB;
  - 19,000 small text files (*.conf, ...) of 512 B - 18 KiB.
Text is config-like lines drawn from a seeded pool, so it compresses like real text.
Modes: most files 0644, some 0600 and 0755. --scale D divides every count by D (the
file sizes stay as they are): --scale 20 is the ~1/20 data set of `run.sh --small`.

The same seed and scale give the same names, modes and bytes on every run (mtimes are
whatever the clock says). DIR must not exist or be empty.
"""
import argparse
import os
import random
import sys
import time

KIB = 1024
MIB = 1024 * KIB

TOP = ["etc", "opt", "srv", "var"]
WORDS = (
    "alpha bravo cache daemon engine filter gateway host index journal kernel ldap mount "
    "network option policy queue route service timer user volume worker zone backup cluster "
    "compute storage login batch slurm munge ntp chrony dns dhcp pxe boot image node rack "
    "switch fabric infiniband ethernet vlan bond bridge firewall audit syslog cron logrotate "
    "limits sysctl modprobe udev systemd profile sudoers ssh pam nsswitch resolv hosts fstab"
).split()
SMALL_EXT = [".conf", ".cfg", ".ini", ".yaml", ".rules", ".list", ".sh", ""]
BIG_EXT = [".log", ".txt"]


def scaled(n, scale):
    return max(1, round(n / scale))


def make_folders(scale):
    """420 folders at full scale (breadth-first: 4 + 32 + 384), fewer when scaled."""
    want = scaled(420, scale)
    folders = []
    level1 = list(TOP)
    level2 = [f"{t}/{WORDS[(i * 7 + j) % len(WORDS)]}.d{j}" for i, t in enumerate(level1)
              for j in range(8)]
    level3 = [f"{p}/{WORDS[(i * 13 + j) % len(WORDS)]}{j:02d}" for i, p in enumerate(level2)
              for j in range(12)]
    for f in level1 + level2 + level3:
        if len(folders) == want:
            break
        folders.append(f)
    return folders


def line_pool(rng, n=65536):
    """Config-like lines: keys, values, comments, numbers and addresses."""
    pool = []
    for i in range(n):
        kind = rng.random()
        a, b, c = rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS)
        if kind < 0.45:
            line = f"{a}.{b}_{c} = {rng.choice(WORDS)}-{rng.randrange(100000)}"
        elif kind < 0.65:
            line = f"# {a} {b} {c}: {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}"
        elif kind < 0.85:
            line = (f"{a}{rng.randrange(1000):03d} 10.{rng.randrange(256)}.{rng.randrange(256)}."
                    f"{rng.randrange(256)} {b}{rng.randrange(100)} {c}")
        else:
            line = f"    {a}_{b} {rng.randrange(1 << 32):08x} {c} {rng.random():.6f}"
        pool.append(line)
    return pool


def text_bytes(rng, pool, size):
    """`size` bytes of whole lines from the pool, ending with a newline."""
    lines = rng.choices(pool, k=size // 30 + 4)  # lines average ~40 bytes: always enough
    data = "\n".join(lines).encode()
    return data[: size - 1] + b"\n"


def write(path, data, mode):
    with open(path, "wb", buffering=0) as f:
        f.write(data)
    os.chmod(path, mode)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=int, default=1, help="divide every count by this")
    args = ap.parse_args()

    if os.path.exists(args.dir) and os.listdir(args.dir):
        sys.exit(f"make-data.py: {args.dir} is not empty")
    started = time.monotonic()
    rng = random.Random(args.seed)
    folders = make_folders(args.scale)
    for f in folders:
        os.makedirs(os.path.join(args.dir, f), exist_ok=True)
    pool = line_pool(rng)

    n_bin = scaled(200, args.scale)
    n_big = scaled(800, args.scale)
    n_small = scaled(19000, args.scale)
    total = 0
    serial = 0

    def place(name_stem, ext):
        nonlocal serial
        serial += 1
        folder = rng.choice(folders)
        return os.path.join(args.dir, folder, f"{name_stem}-{serial:05d}{ext}")

    for _ in range(n_bin):
        size = rng.randrange(2 * MIB, 6 * MIB + 1)
        path = place(rng.choice(WORDS), ".bin")
        write(path, rng.randbytes(size), 0o755 if rng.random() < 0.3 else 0o644)
        total += size
    for _ in range(n_big):
        size = rng.randrange(64 * KIB, 256 * KIB + 1)
        path = place(rng.choice(WORDS), rng.choice(BIG_EXT))
        write(path, text_bytes(rng, pool, size), 0o644)
        total += size
    for _ in range(n_small):
        size = rng.randrange(512, 18 * KIB + 1)
        path = place(rng.choice(WORDS), rng.choice(SMALL_EXT))
        r = rng.random()
        mode = 0o600 if r < 0.05 else 0o755 if r < 0.08 else 0o644
        write(path, text_bytes(rng, pool, size), mode)
        total += size

    files = n_bin + n_big + n_small
    print(f"make-data.py: {files} files in {len(folders)} folders, {total / 1e9:.3f} GB "
          f"({total / 2**30:.3f} GiB) in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
