#!/usr/bin/env python3
"""Writes benchmark node names, one per line, in random order (fixed seed).

    generate.py names COUNT      COUNT names "cn00001".., about 1 in 6 missing, plus two other patterns
    generate.py scattered COUNT  COUNT 5-axis names "x1000c3s7b1n2": cabinets of 8x8x2x4 slots
                                 (x1000c[0-7]s[0-7]b[0-1]n[0-3]), drawn at random across enough
                                 cabinets that about 40% of the slots stay empty
"""
import random
import sys


def names(count, rng):
    slots = [f"cn{i:05d}" for i in range(1, count * 6 // 5 + 1)]
    slots += [f"gpu{i}" for i in range(1, count // 50 + 1)]
    slots += [f"login{i}" for i in range(1, 5)]
    return rng.sample(slots, count)


def scattered(count, rng):
    per_cabinet = 8 * 8 * 2 * 4
    cabinets = int(count / per_cabinet / 0.6) + 1
    slots = [f"x{1000 + x}c{c}s{s}b{b}n{n}"
             for x in range(cabinets) for c in range(8) for s in range(8) for b in range(2) for n in range(4)]
    return rng.sample(slots, count)


def main():
    kind, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(42)
    generated = {"names": names, "scattered": scattered}[kind](count, rng)
    sys.stdout.write("\n".join(generated) + "\n")


if __name__ == "__main__":
    main()
