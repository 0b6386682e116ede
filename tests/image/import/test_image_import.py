"""`herd image import` as a user runs it: a tar archive becomes a revision, --json, the
unchanged case, bad input (missing, corrupt, hostile) exits 2 naming it with no revision,
and kill -9 at each named step and at random instants (as OSTree's tests do) leaves the
image's revisions as they were or with the whole new one, a store that passes fsck, and a
rerun that succeeds."""
import gzip
import io
import json
import os
import random
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
import unittest

HERD = os.environ.get("HERD", os.path.join(os.path.dirname(__file__), "../../../build/herd"))
OLD = 1577836800


def add(tar, name, data=b"", mode=0o644, kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.mtime = OLD
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


class ImageImportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="herd-image-import-")
        self.store = os.path.join(self.dir, "store")

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.dir])  # quicker than shutil.rmtree on a few stores

    def tar(self, name, members, compress=""):
        path = os.path.join(self.dir, name)
        with tarfile.open(path, "w:" + compress, format=tarfile.PAX_FORMAT) as t:
            for m in members:
                add(t, *m)
        return path

    def env(self, store=None, **extra):
        return dict(os.environ, HERD_STORE=store or self.store, HERD_DB=os.path.join(self.dir, "herd.db"), **extra)

    def herd(self, *args, store=None):
        return subprocess.run([HERD, *args], capture_output=True, text=True, env=self.env(store), timeout=120)

    def revisions(self, name, store=None):
        r = self.herd("image", "log", name, "--json", store=store)
        return json.loads(r.stdout) if r.returncode == 0 else []

    def bad(self, expect, *args):
        r = self.herd("image", "import", *args)
        self.assertEqual(r.returncode, 2, f"{r.stdout}\n{r.stderr}")
        self.assertEqual(r.stdout, "")
        self.assertIn(expect, r.stderr)
        return r

    def rootfs(self):
        return [("etc", b"", 0o755, tarfile.DIRTYPE),
                ("etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
                ("etc/hostname", b"golden\n"),
                ("var/lib/dpkg/status", b"Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2\n"),
                ("usr/bin/tool", b"#!/bin/sh\n", 0o755),
                ("usr/bin/tool2", b"", 0o755, tarfile.LNKTYPE, "usr/bin/tool"),
                ("lib", b"", 0o777, tarfile.SYMTYPE, "usr/lib")]

    def test_import_json_and_unchanged(self):
        path = self.tar("root.tar.gz", self.rootfs(), "gz")
        r = self.herd("image", "import", "base", path, "-m", "from a tarball", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        made = json.loads(r.stdout)
        self.assertEqual(made["revision"], 1)
        self.assertEqual(made["format"], "tar")
        self.assertEqual(made["package_count"], 1)
        show = json.loads(self.herd("image", "show", "base", "--json").stdout)
        self.assertIn("import " + path, json.dumps(show))
        # /etc/hostname is a default capture exclude; the rest is there.
        self.assertEqual(made["files"], 4)
        again = self.herd("image", "import", "base", path)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("unchanged", again.stderr)
        self.assertEqual(len(self.revisions("base")), 1)

    def test_bad_input_exits_2_and_makes_no_revision(self):
        self.bad("no-such.tar", "base", os.path.join(self.dir, "no-such.tar"))
        with open(self.tar("root.tar.gz", self.rootfs(), "gz"), "rb") as f:
            good = f.read()
        truncated = os.path.join(self.dir, "truncated.tar.gz")
        with open(truncated, "wb") as f:
            f.write(good[: len(good) // 2])
        self.bad("truncated.tar.gz", "base", truncated)
        self.bad("../escape", "base", self.tar("dots.tar", [("ok", b"x"), ("../escape", b"x")]))
        self.bad("lnk/passwd", "base", self.tar("through.tar", [("lnk", b"", 0o777, tarfile.SYMTYPE, "/etc"),
                                                              ("lnk/passwd", b"x")]))
        self.bad("bad name", "bad name", self.tar("fine.tar", [("a", b"x")]))
        self.assertEqual(self.revisions("base"), [])

    # --- kill -9

    def big_tar(self, name, seed):
        """A few MB in a few hundred members (new content for each seed), so that an import
        takes a measurable time."""
        rng = random.Random(seed)
        members = self.rootfs()
        for i in range(300):
            members.append((f"usr/share/data/d{i % 10}/f{i}", rng.randbytes(rng.randrange(1000, 30000))))
        return self.tar(name, members)

    def import_killed(self, store, archive, env_extra=None, delay=None):
        """`herd image import base ARCHIVE` into `store`, killed with SIGKILL after `delay`
        seconds (None: let it run, or die at its HERD_IMAGE_CRASH_AT step). Returns its exit status."""
        p = subprocess.Popen([HERD, "image", "import", "base", archive, "-m", "the new one"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=self.env(store, **(env_extra or {})))
        if delay is not None:
            try:
                p.wait(delay)  # the random instant of the kill, not a readiness wait
            except subprocess.TimeoutExpired:
                p.kill()
        _, err = p.communicate(timeout=120)
        return p.returncode, err.decode(errors="replace")

    def check_after_kill(self, archive, before, new_tree, what):
        """The revisions as they were, or with a complete new one; fsck passes; the rerun
        makes (or finds) the new revision."""
        revisions = sorted(r["revision"] for r in self.revisions("base"))
        self.assertIn(revisions, (before, before + [len(before) + 1]), what)
        fsck = self.herd("store", "fsck")
        self.assertEqual(fsck.returncode, 0, f"{what}: fsck: {fsck.stdout}\n{fsck.stderr}")
        if len(revisions) > len(before):
            shown = json.loads(self.herd("image", "show", f"base:{revisions[-1]}", "--json").stdout)
            self.assertEqual(shown["tree"], new_tree, f"{what}: the new revision is not the whole import")
        rerun = self.herd("image", "import", "base", archive)
        self.assertEqual(rerun.returncode, 0, f"{what}: rerun: {rerun.stderr}")
        self.assertEqual(sorted(r["revision"] for r in self.revisions("base")), before + [len(before) + 1], what)
        shown = json.loads(self.herd("image", "show", "base", "--json").stdout)
        self.assertEqual(shown["tree"], new_tree, what)

    def test_kill_9_leaves_no_partial_revision(self):
        # One store throughout (copying stores is slow here); each kill imports an archive
        # of its own, so every run writes new objects and makes the next revision.
        steps = ("layer", "trees", "synced", "before-revision")
        archives = [self.big_tar(f"archive-{k}.tar", k) for k in range(1 + len(steps) + 10)]
        self.assertEqual(self.herd("image", "import", "base", archives[0]).returncode, 0)
        # The tree each archive makes, and how long an import takes, from a store of its own.
        reference = os.path.join(self.dir, "reference")
        trees, times = [], []
        for archive in archives:
            start = time.monotonic()
            r = self.herd("image", "import", "base", archive, "--json", store=reference)
            times.append(time.monotonic() - start)
            self.assertEqual(r.returncode, 0, r.stderr)
            trees.append(json.loads(r.stdout)["tree"])
        measured = max(times[1:])
        scenarios = [(step, None) for step in steps] + [(None, random.uniform(0, measured)) for _ in range(10)]
        for k, (step, delay) in enumerate(scenarios, start=1):
            before = sorted(r["revision"] for r in self.revisions("base"))
            if step:  # at a named step: killed there, nothing made yet
                code, err = self.import_killed(self.store, archives[k], {"HERD_IMAGE_CRASH_AT": step})
                self.assertEqual(code, -signal.SIGKILL, f"HERD_IMAGE_CRASH_AT={step}: {err}")
                self.assertEqual(sorted(r["revision"] for r in self.revisions("base")), before, step)
                what = f"killed at {step}"
            else:  # at a random instant within the measured duration
                self.import_killed(self.store, archives[k], delay=delay)
                what = f"killed after {delay:.3f}s of {measured:.3f}s"
            self.check_after_kill(archives[k], before, trees[k], what)

if __name__ == "__main__":
    unittest.main()
