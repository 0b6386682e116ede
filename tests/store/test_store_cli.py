"""`herd store init|fsck|gc` as a user runs them: output, --json, exit codes."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERD = os.environ.get("HERD", os.path.join(os.path.dirname(__file__), "../../build/herd"))


class StoreCliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="herd-store-cli-")
        self.store = os.path.join(self.dir, "store")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def herd(self, *args, env=None):
        full_env = dict(os.environ, HERD_DB=os.path.join(self.dir, "herd.db"))
        full_env.update(env or {})
        return subprocess.run([HERD, *args], capture_output=True, text=True, env=full_env, timeout=120)

    def ok(self, *args, **kw):
        r = self.herd(*args, **kw)
        self.assertEqual(r.returncode, 0, f"herd {' '.join(args)}: {r.stdout}\n{r.stderr}")
        return r

    def put_blob(self, payload: bytes) -> str:
        """Writes a published blob object by hand, as docs/store-format.md describes it."""
        import hashlib
        name = hashlib.sha256(b"\x01" + payload).hexdigest()
        header = b"HOBJ" + bytes([1, 1, 0, 0]) + len(payload).to_bytes(8, "little")
        path = os.path.join(self.store, "objects", name[:2], name[2:])
        with open(path, "wb") as f:
            f.write(header + payload)
        return name

    def put_pack(self, payloads):
        """Writes a published pack and its index by hand, as docs/store-format.md describes
        them. Returns the object names and the pack's path without extension."""
        import hashlib
        import struct
        pack = b"HPCK" + bytes([1, 0, 0, 0])
        entries, names = [], []
        for payload in payloads:
            name = hashlib.sha256(b"\x01" + payload).digest()
            body = b"HOBJ" + bytes([1, 1, 0, 0]) + len(payload).to_bytes(8, "little") + payload
            entries.append((name, len(pack), len(body)))
            names.append(name.hex())
            pack += body
        index = b"HIDX" + struct.pack("<IQQ", 1, len(entries), len(pack))
        for name, offset, length in sorted(entries):
            index += name + struct.pack("<QQ", offset, length)
        index += hashlib.sha256(index).digest()
        base = os.path.join(self.store, "objects", "packs", "pack-" + "0" * 31 + "1")
        with open(base + ".pack", "wb") as f:
            f.write(pack)
        with open(base + ".idx", "wb") as f:
            f.write(index)
        return names, base

    def test_hand_written_pack_verifies_and_gc_removes_it(self):
        self.ok("store", "init", "--store", self.store)
        names, base = self.put_pack([b"first", b"second object", b""])
        report = json.loads(self.ok("store", "fsck", "--store", self.store, "--json").stdout)
        self.assertTrue(report["ok"], report)
        self.assertEqual(report["blobs"], 3)
        self.assertEqual(report["garbage"], [])
        # A damaged byte in one object: garbage naming the object and the pack.
        with open(base + ".pack", "r+b") as f:
            f.seek(8 + 16)
            f.write(b"F")
        report = json.loads(self.ok("store", "fsck", "--store", self.store, "--json").stdout)
        self.assertEqual(len(report["garbage"]), 1, report)
        self.assertIn(names[0], report["garbage"][0])
        self.assertIn(base + ".pack", report["garbage"][0])
        self.ok("store", "gc", "--store", self.store, "--grace", "0")
        self.assertFalse(os.path.exists(base + ".pack"))
        self.assertFalse(os.path.exists(base + ".idx"))

    def test_init_fsck_gc_on_an_empty_store(self):
        self.ok("store", "init", "--store", self.store)
        self.ok("store", "init", "--store", self.store)  # idempotent
        with open(os.path.join(self.store, "format")) as f:
            self.assertEqual(f.read(), "herd-store 2\n")
        r = self.ok("store", "fsck", "--store", self.store, "--json")
        report = json.loads(r.stdout)
        self.assertTrue(report["ok"])
        self.assertEqual(report["objects"], 0)
        self.assertIn("ok", self.ok("store", "fsck", env={"HERD_STORE": self.store}).stdout)
        gc = json.loads(self.ok("store", "gc", "--store", self.store, "--grace", "0", "--json").stdout)
        self.assertEqual(gc["removed"], 0)

    def test_hand_written_object_verifies_and_gc_removes_it(self):
        self.ok("store", "init", "--store", self.store)
        name = self.put_blob(b"written by the format document")
        report = json.loads(self.ok("store", "fsck", "--store", self.store, "--json").stdout)
        self.assertEqual(report["blobs"], 1)
        self.assertEqual(report["garbage"], [])
        dry = json.loads(self.ok("store", "gc", "--store", self.store, "--grace", "0", "--dry-run", "--json").stdout)
        self.assertEqual(dry["removed"], 1)
        self.assertTrue(os.path.exists(os.path.join(self.store, "objects", name[:2], name[2:])))
        kept = json.loads(self.ok("store", "gc", "--store", self.store, "--json").stdout)
        self.assertEqual((kept["removed"], kept["young"]), (0, 1))
        self.ok("store", "gc", "--store", self.store, "--grace", "0")
        self.assertFalse(os.path.exists(os.path.join(self.store, "objects", name[:2], name[2:])))

    def test_fsck_fails_on_a_broken_ref(self):
        self.ok("store", "init", "--store", self.store)
        missing = "ab" * 32
        os.makedirs(os.path.join(self.store, "refs", "images"))
        with open(os.path.join(self.store, "refs", "images", "base"), "w") as f:
            f.write(missing + "\n")
        r = self.herd("store", "fsck", "--store", self.store)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn(f"missing snapshot {missing}", r.stdout)
        self.assertIn("ref images/base", r.stdout)
        self.assertIn("problem", r.stderr)
        r = self.herd("store", "gc", "--store", self.store)
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing removed", r.stderr)

    def test_bad_usage_and_bad_stores(self):
        self.assertEqual(self.herd("store").returncode, 2)
        self.assertEqual(self.herd("store", "gc", "--grace", "soon").returncode, 2)
        self.ok("store", "init", "--store", self.store)
        r = self.herd("store", "gc", "--store", self.store, "--grace", "-5")
        self.assertEqual(r.returncode, 2, r)
        r = self.herd("store", "fsck", "--store", os.path.join(self.dir, "nowhere"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a herd store", r.stderr)
        with open(os.path.join(self.dir, "keep.txt"), "w") as f:
            f.write("x")
        r = self.herd("store", "init", "--store", self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not empty", r.stderr)


if __name__ == "__main__":
    unittest.main()
