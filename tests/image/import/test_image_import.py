"""`herd image import` as a user runs it: a tar archive becomes a revision, --json, the
unchanged case, and bad input (missing, corrupt, hostile) exits 2 naming it with no revision."""
import gzip
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
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
        shutil.rmtree(self.dir, ignore_errors=True)

    def tar(self, name, members, compress=""):
        path = os.path.join(self.dir, name)
        with tarfile.open(path, "w:" + compress, format=tarfile.PAX_FORMAT) as t:
            for m in members:
                add(t, *m)
        return path

    def herd(self, *args):
        env = dict(os.environ, HERD_STORE=self.store, HERD_DB=os.path.join(self.dir, "herd.db"))
        return subprocess.run([HERD, *args], capture_output=True, text=True, env=env, timeout=120)

    def revisions(self, name):
        r = self.herd("image", "log", name, "--json")
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


if __name__ == "__main__":
    unittest.main()
