"""`herd init --from-image` on a folder laid out as a frontend's root: the re-key as a user
sees it, and bad usage or input refused with exit 2 and nothing written."""
import hashlib
import os
import sqlite3

from herd_cli import HerdTestCase


class InitFromImageTest(HerdTestCase):
    init_args = None

    def setUp(self):
        super().setUp()
        # A frontend's root as an installed image of it has it (docs/image.md).
        self.root = os.path.join(self.dir, "root")
        self.herd_dir = os.path.join(self.root, "var", "lib", "herd")
        os.makedirs(self.herd_dir)
        self.db = os.path.join(self.herd_dir, "herd.db")
        self.pki = os.path.join(self.herd_dir, "pki")
        self.ok("init", "--name", "seed", "--subnet", "198.51.100.0/24")
        self.ok("node", "add", "compute-0-0", "--appliance", "compute", "--network", "private")
        self.old_token = self.ok("token", "create", "--json").json()["id"]

    def herd(self, *args, input=None, env=None):
        return super().herd(*args, input=input, env=dict(env or {}, HERD_PKI=""))

    def read(self, name):
        with open(os.path.join(self.pki, name), "rb") as f:
            return f.read()

    def state(self):
        """The inventory and the PKI, to prove a refused command wrote nothing."""
        files = sorted(os.listdir(self.herd_dir))
        return (self.snapshot(), self.ok("token", "list", "--json").out, files, self.read("ca.crt"),
                self.read("admin.token"))

    def rekey(self, *args):
        return self.herd("init", "--from-image", "--root", self.root, *args)

    def test_rekey_renames_revokes_and_makes_a_new_pki(self):
        old_ca = self.read("ca.crt")
        r = self.rekey("--name", "clone", "--public-address", "203.0.113.9", "--json")
        self.assertEqual(r.code, 0, r)
        report = r.json()
        self.assertEqual((report["cluster"], report["old_cluster"]), ("clone", "seed"))
        self.assertEqual((report["frontend"], report["old_frontend"]), ("clone", "frontend"), "--frontend defaults to --name")
        self.assertEqual(report["join_tokens_revoked"], 1)
        self.assertEqual(report["images"], [])
        self.assertIn("no store here, so the clone carries no images", r.err)
        self.assertEqual(report["ca_sha256"], hashlib.sha256(self.read("ca.crt")).hexdigest())
        self.assertNotEqual(self.read("ca.crt"), old_ca)
        names = [n["name"] for n in self.ok("node", "list", "--json").json()]
        self.assertEqual(sorted(names), ["clone", "compute-0-0"])
        tokens = {t["id"]: t for t in self.ok("token", "list", "--json").json()}
        self.assertTrue(tokens[self.old_token]["revoked"], tokens)
        # New join tokens name the clone's public address and its new CA.
        created = self.ok("token", "create", "--json").json()
        self.assertEqual(created["server"], "https://203.0.113.9:8443")
        self.assertEqual(created["ca_sha256"], report["ca_sha256"])

        # --frontend names the node apart from the cluster; a rerun re-keys again.
        r = self.rekey("--name", "clone", "--frontend", "fe", "--public-address", "clone.example.org", "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual((r.json()["frontend"], r.json()["old_frontend"]), ("fe", "clone"))
        self.assertEqual(r.json()["join_tokens_revoked"], 1, "the token made after the first re-key")

    def test_an_interrupted_rekey_stops_herd_serve_until_rerun(self):
        # What a kill -9 between the inventory's commit and the PKI swap leaves (the gtest
        # server.RekeyTest kills it for real): the pending mark in the inventory.
        with sqlite3.connect(self.db) as db:
            db.execute("INSERT INTO settings (name, value) VALUES ('rekey_pending', 'x')")
        # 203.0.113.77 is on no interface here: were the check missing, serve could not listen.
        r = self.herd("serve", "--listen", "203.0.113.77:8443", "--store", os.path.join(self.herd_dir, "store"))
        self.assertEqual(r.code, 2, r)
        self.assertIn("herd init --from-image` was interrupted", r.err)
        self.assertIn(self.db, r.err)
        r = self.rekey("--name", "clone", "--public-address", "203.0.113.9", "--json")
        self.assertEqual(r.code, 0, r)
        self.assertTrue(r.json()["resumed"])
        with sqlite3.connect(self.db) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM settings WHERE name = 'rekey_pending'").fetchone()[0], 0)

    def test_bad_input_writes_nothing(self):
        before = self.state()
        cases = [
            (["--name", "a b", "--public-address", "203.0.113.9"], "--name 'a b'"),
            (["--name", "clone", "--public-address", "203.0.113.300"], "--public-address '203.0.113.300'"),
            (["--name", "clone", "--frontend", "compute-0-0", "--public-address", "203.0.113.9"],
             "--frontend 'compute-0-0': a node of that name exists already"),
            (["--public-address", "203.0.113.9"], "--from-image needs --name"),
            (["--name", "clone"], "--from-image needs --public-address"),
            (["--name", "clone", "--public-address", "203.0.113.9", "--subnet", "10.0.0.0/8"], "--subnet"),
            (["--name", "clone", "--public-address", "203.0.113.9", "--pki", self.pki], "--pki"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.rekey(*args)
                self.assertEqual(r.code, 2, r)
                self.assertEqual(r.out, "")
                self.assertIn(message, r.err)
                self.assertEqual(self.state(), before)

    def test_a_root_without_an_inventory_is_refused(self):
        empty = os.path.join(self.dir, "empty")
        os.mkdir(empty)
        r = self.herd("init", "--from-image", "--root", empty, "--name", "clone", "--public-address", "203.0.113.9")
        self.assertEqual(r.code, 2, r)
        self.assertIn(f"{empty}/var/lib/herd/herd.db: no herd inventory here", r.err)
        self.assertEqual(os.listdir(empty), [], "nothing written")
        r = self.herd("init", "--from-image", "--root", os.path.join(self.dir, "absent"), "--name", "c",
                      "--public-address", "203.0.113.9")
        self.assertEqual(r.code, 2, r)
        self.assertIn("absent: no such folder", r.err)

    def test_root_and_public_address_need_from_image(self):
        for args in (["--root", self.root], ["--public-address", "203.0.113.9"]):
            with self.subTest(args=args):
                r = self.herd("init", *args)
                self.assertEqual(r.code, 2, r)
                self.assertIn("--from-image", r.err)

    def test_help_tells_the_from_image_options(self):
        out = self.ok("init", "--help").out
        for word in ["--from-image", "--public-address", "--root", "ROOT/var/lib/herd/herd.db", "revoked"]:
            self.assertIn(word, out)


if __name__ == "__main__":
    import unittest
    unittest.main()
