#!/usr/bin/env python3
"""Differential test: `herd nodeset` against ClusterShell 1.9's `nodeset`, string for string.

    differential_test.py HERD_BINARY [--seed N] [--cases N] [--verbose]

Generates node sets of every kind ClusterShell accepts (1-D with padding, steps, mixed
padding, several bracket groups, scattered nD sets, operators, odd spacing and signs,
random junk) and checks that `herd nodeset -f/-e/-c ARGS` prints what `nodeset -f/-e/-c
ARGS` prints, and that one fails exactly when the other does.

ClusterShell's `nodeset` entry point (ClusterShell.CLI.Nodeset.main, what /usr/bin/nodeset
runs) is called inside this process, because starting Python costs 0.25 s a run; a few
cases also run /usr/bin/nodeset itself to show both give the same answers. Both sides
run two at a time (two worker processes for ClusterShell, two herd processes).
"""

import argparse
import concurrent.futures
import contextlib
import io
import multiprocessing
import os
import random
import shutil
import subprocess
import sys


def ensure_clustershell():
    """Re-runs this script with nodeset's own interpreter if ClusterShell is not importable."""
    try:
        import ClusterShell  # noqa: F401
        return
    except ImportError:
        pass
    nodeset = shutil.which("nodeset")
    if nodeset:
        with open(nodeset) as script:
            first = script.readline()
        if first.startswith("#!"):
            interpreter = first[2:].strip().split()[0]
            if os.path.realpath(interpreter) != os.path.realpath(sys.executable):
                os.execv(interpreter, [interpreter] + sys.argv)
    sys.exit("ClusterShell is not installed (Debian package clustershell)")


ensure_clustershell()
from ClusterShell.CLI.Nodeset import main as clustershell_main  # noqa: E402


def clustershell(args):
    """(ok, stdout) of `nodeset ARGS`, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_stdin = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["nodeset"] + args, io.StringIO("")
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            clustershell_main()
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    finally:
        sys.argv, sys.stdin = saved_argv, saved_stdin
    return code == 0, out.getvalue() if code == 0 else ""


def herd(binary, args):
    """(ok, stdout) of `herd nodeset ARGS`."""
    run = subprocess.run([binary, "nodeset"] + args, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    return run.returncode == 0, run.stdout if run.returncode == 0 else ""


# --- generators: each returns the argument list of one `nodeset` command, without -f/-e/-c


class Generator:
    PREFIXES = ["n", "node", "cn-", "x", "gpu", "r", "a.b_", "n-", "%p", "N", "c@"]
    SUFFIXES = ["", "", "", "-ib", "-ipmi", ".lan", "x", "%"]

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def choice(self, items):
        return self.rng.choice(items)

    def index(self, value, width):
        return str(value).zfill(width)

    def width(self):
        return self.choice([0, 0, 1, 2, 2, 3, 4])

    def names_1d(self):
        """Names with one index: gaps, mixed padding, several patterns."""
        prefixes = [self.choice(self.PREFIXES) for _ in range(self.rng.randint(1, 3))]
        top = self.choice([9, 20, 120, 1100])
        mixed = self.rng.random() < 0.4
        fixed = self.width()
        names = []
        for _ in range(self.rng.randint(1, 60)):
            width = self.width() if mixed else fixed
            names.append(self.choice(prefixes) + self.index(self.rng.randint(0, top), width)
                         + self.choice(self.SUFFIXES[:3]))
        return names

    def range_item(self):
        width = self.width()
        start = self.rng.randint(0, 120)
        kind = self.rng.random()
        if kind < 0.3:
            return self.index(start, width)
        end = start + self.rng.randint(0, 40)
        if len(str(end)) > width and width > 0 and len(str(start)) < len(str(end)):
            width = 0  # ClusterShell rejects "01-100"; keep most items valid
        item = self.index(start, width) + "-" + self.index(end, width if width else 0)
        if kind > 0.75:
            item += "/" + str(self.rng.randint(1, 6))
        return item

    def ranges(self):
        return ",".join(self.range_item() for _ in range(self.rng.randint(1, 4)))

    def bracketed(self):
        """One or several bracket groups: "n[1-5,07]", "r[1-2]n[01-16]-ib"."""
        text = self.choice(self.PREFIXES)
        for group in range(self.rng.choice([1, 1, 2, 2, 3])):
            if group > 0:
                text += self.choice(["n", "s", "-", "c", "x", "b"])
            text += "[" + self.ranges() + "]"
        return text + self.choice(self.SUFFIXES)

    def nd_points(self):
        """A scattered nD set given as names: a small grid with random gaps."""
        dims = self.rng.choice([2, 2, 3, 3, 4, 5])
        sizes = [self.rng.randint(1, 4) for _ in range(dims)]
        starts = [self.rng.choice([0, 1, 8, 98]) for _ in range(dims)]
        widths = [self.choice([0, 0, 2]) for _ in range(dims)]
        density = self.rng.choice([0.3, 0.6, 0.9, 1.0])
        labels = ["x", "c", "s", "b", "n"]
        names = []

        def walk(axis, parts):
            if axis == dims:
                if self.rng.random() < density:
                    names.append("".join(parts))
                return
            for i in range(sizes[axis]):
                walk(axis + 1, parts + [labels[axis] + self.index(starts[axis] + i, widths[axis])])

        walk(0, [])
        return names or ["x1c1"]

    def nd_mixed(self):
        """nD names whose indexes mix paddings on each axis ("x1c07", "x01c7")."""
        dims = self.rng.choice([2, 3])
        names = set()
        for _ in range(self.rng.randint(1, 40)):
            parts = [label + self.index(self.rng.randint(0, 12), self.choice([0, 1, 2, 3]))
                     for label in ["x", "c", "s"][:dims]]
            names.add("".join(parts))
        return sorted(names, key=lambda _: self.rng.random())

    def operand(self):
        kind = self.rng.random()
        if kind < 0.35:
            return self.bracketed()
        if kind < 0.7:
            return ",".join(self.nd_points())
        return ",".join(self.names_1d())

    def expression(self):
        parts = [self.operand() for _ in range(self.rng.randint(2, 4))]
        text = parts[0]
        for part in parts[1:]:
            text += self.choice([",", ",", "!", "&", "^"]) + part
        return text

    ODD = [
        "n[1-3", "n[1-3]]", "n]1", "n[1]2[3]", "n[1][2]", "n1[0-5]", "n1[5-10]", "n[1-2]0",
        "n[1-3/2]0", "n[ 1 - 3 ]", "n[+5]", "n[+0]", "n[1_0]", "n[05 /1]", "n[-3-2]", "n[-8--4]",
        "n[x-3-5]", "n[-5]", "n[01-100]", "n[5-3]", "n[1-5/0]", "n[5/2]", "n[]", "n[1,,2]",
        "a,,b", "a,", ",a", "a!", "!a", "a!b", "a^a", "a&a", "n[1-5]!n[2-3],n9", "  n1 , n2  ",
        "n 1", "a%b", "a%%b[1-2]", "n[1-2]x[3-4]y[5-6]", "[1-3]", "[1-2]x", "1[2-3]", "n[0-10]",
        "n[9-11]", "n[99-100]", "n[098-101]", "n[08-99,100]", "n[0,00,000]", "n[7,07,007]",
        "n[1-3]&n[2-5]^n[4-8]", "n[1-10]x[1-10]!n[2-9]x[2-9]", "r[1-2]n[01-16]", "n[1-1000000]",
        "n0[1-3]", "n00", "n-1", "n[-1-1]", "n[1-3]n", "n1n2n3", "n[1-2]1[3-4]", "n[1-2]\tx",
        "n[0-3/2,1-3/2]", "n[1-20/3,2-20/3]",
    ]

    def odd(self):
        return self.choice(self.ODD)

    def junk(self):
        return "".join(self.choice("n12[]0-,!&^/ x9") for _ in range(self.rng.randint(1, 14)))

    def case(self):
        """(mode-independent arguments, whether the case may use options)."""
        kind = self.rng.random()
        if kind < 0.15:
            return self.names_1d()
        if kind < 0.35:
            return [self.bracketed() for _ in range(self.rng.randint(1, 3))]
        if kind < 0.5:
            names = self.nd_points()
            return names if self.rng.random() < 0.5 else [",".join(names)]
        if kind < 0.55:
            return [",".join(self.nd_mixed())]
        if kind < 0.7:
            return [self.expression()]
        if kind < 0.8:
            return [self.odd()]
        if kind < 0.88:
            return [self.junk()]
        return self.with_operations()

    def with_operations(self):
        """Set operations given as options: leading -x/-i/-X, and inline after operands."""
        args = []
        for option in self.rng.sample(["-x", "-i", "-X"], self.rng.randint(0, 2)):
            args += [option, self.operand()]
        args.append(self.operand())
        for _ in range(self.rng.randint(0, 3)):
            args += [self.choice(["-x", "-i", "-X", "--exclude", "--intersection", "--xor"]), self.operand()]
            if self.rng.random() < 0.3:
                args.append(self.operand())
        return args

    def modes(self):
        """Command options to try on a case."""
        modes = [["-f"], ["-e"], ["-c"]]
        if self.rng.random() < 0.15:
            modes.append(["-f", "--autostep", self.choice(["2", "3", "4", "auto", "50%", "0", "1"])])
        if self.rng.random() < 0.1:
            modes.append(["-e", "-S", self.choice([",", "\\n", ":"])])
        if self.rng.random() < 0.1:
            modes.append(["-f", "--axis", self.choice(["1", "2", "1-2", "-1", "3"])])
        return modes

    def rangeset_case(self):
        return [self.choice([self.ranges(), self.ranges(), "1-5,7", "-3-2", "01-10,100", "x", ""])
                for _ in range(self.rng.randint(1, 2))]


def commands(seed, count):
    generator = Generator(seed)
    out = []
    for _ in range(count):
        case = generator.case()
        for mode in generator.modes():
            out.append(mode + case)
    for _ in range(count // 20):
        case = generator.rangeset_case()
        for mode in (["-R", "-f"], ["-R", "-e"], ["-R", "-c"], ["-R", "-f", "--autostep", "3"]):
            out.append(mode + case)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("herd")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=800)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()

    todo = commands(options.seed, options.cases)
    with multiprocessing.Pool(2) as workers:
        expected = workers.map(clustershell, todo, chunksize=20)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        actual = list(pool.map(lambda args: herd(options.herd, args), todo))

    # The in-process entry point is /usr/bin/nodeset's program.
    for args, want in list(zip(todo, expected))[:4]:
        run = subprocess.run(["nodeset"] + args, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if (run.returncode == 0, run.stdout if run.returncode == 0 else "") != want:
            print(f"in-process ClusterShell differs from /usr/bin/nodeset on {args!r}")
            return 1

    failures = [(args, want, got) for args, want, got in zip(todo, expected, actual) if want != got]
    errors = sum(1 for ok, _ in expected if not ok)
    print(f"{len(todo)} commands ({errors} rejected by ClusterShell), {len(failures)} differences")
    for args, want, got in failures[: 20 if not options.verbose else len(failures)]:
        print(f"\nnodeset {' '.join(repr(a) for a in args)}")
        print(f"  clustershell: {'ok' if want[0] else 'error'} {want[1][:400]!r}")
        print(f"  herd:         {'ok' if got[0] else 'error'} {got[1][:400]!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
