"""Recursive cloning on a lab (docs/image.md, "Cloning a frontend"): a frontend's root (its
inventory, PKI, a join token, and a store holding an image) is captured into the lab
frontend's store, checked out into a folder that is the new machine's root, re-keyed with
`herd init --from-image`, and served by `herd serve` inside the lab frontend's namespace
on a second address (the clone's public address). A lab node then enrolls to the clone
(the old cluster's join token and CA do not work there) and `herd image update`s the
image the clone carries."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab_fixture import HERD, LabTestCase, Result  # noqa: E402
from herd_cli import start_serve  # noqa: E402  (lab_fixture put its folder on the path)

CLONE_IP = "198.51.100.100"  # on the lab network, never handed out (nodes count down from .254)


def herd_on(db, *args, timeout=300):
    """herd on the files of one frontend root (its inventory and PKI beside it)."""
    env = dict(os.environ, HERD_DB=db, HERD_PKI="")
    return Result(subprocess.run([HERD, *args], capture_output=True, text=True, env=env, timeout=timeout))


def ok(result, what):
    if result.code != 0:
        raise AssertionError(f"{what}: {result}")
    return result


class ImageCloneTest(LabTestCase):
    lab_nodes = 1
    server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.prepare()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def prepare(cls):
        lab = cls.lab
        cls.dir = tempfile.mkdtemp(prefix="herd-clone-")
        # The seed frontend's root: an inventory, its PKI, a join token and a store with an image.
        seed = os.path.join(cls.dir, "seed")
        seed_db = os.path.join(seed, "var/lib/herd/herd.db")
        seed_store = os.path.join(seed, "var/lib/herd/store")
        os.makedirs(os.path.dirname(seed_db))
        ok(herd_on(seed_db, "init", "--name", "seed", "--subnet", "203.0.113.0/24"), "init the seed")
        tree = os.path.join(cls.dir, "tree")
        os.makedirs(os.path.join(tree, "etc"))
        with open(os.path.join(tree, "etc/motd"), "w") as f:
            f.write("carried by the clone\n")
        ok(herd_on(seed_db, "image", "capture", "base", "--root", tree, "--store", seed_store), "capture base")
        cls.old_join = ok(herd_on(seed_db, "token", "create", "--uses", "5", "--json"), "seed token").json()["token"]
        cls.old_ca = ok(herd_on(seed_db, "token", "create", "--json"), "seed token").json()["ca_sha256"]

        # The image of the seed frontend, made and kept by the lab frontend (another store),
        # then installed on the new machine: here a folder that is its root.
        ok(lab.herd("image", "capture", "frontend", "--root", seed, "--store", lab.store), "capture the seed")
        cls.root = os.path.join(cls.dir, "clone")
        ok(lab.herd("image", "checkout", "frontend", cls.root, "--store", lab.store), "checkout")
        cls.db = os.path.join(cls.root, "var/lib/herd/herd.db")
        cls.store = os.path.join(cls.root, "var/lib/herd/store")
        cls.pki = os.path.join(cls.root, "var/lib/herd/pki")
        cls.rekey = ok(herd_on(cls.db, "init", "--from-image", "--root", cls.root, "--name", "clone",
                               "--public-address", CLONE_IP, "--json"), "re-key").json()

        # The clone's herd serve, in the lab frontend's namespace on its own address.
        if CLONE_IP in [ip for _, ip in lab.inventory().values()]:
            raise AssertionError(f"{CLONE_IP} is taken in the lab")
        cls.netns = f"herd-{lab.name}-fe"
        subprocess.run(["ip", "-n", cls.netns, "addr", "add", f"{CLONE_IP}/24", "dev", "eth0"], check=True)
        cls.log = open(os.path.join(cls.dir, "serve.log"), "w")
        cls.server, line = start_serve(
            ["ip", "netns", "exec", cls.netns, HERD, "--db", cls.db, "serve", "--listen", f"{CLONE_IP}:8443",
             "--store", cls.store, "--pki", cls.pki], cls.log)
        if line != f"listening on https://{CLONE_IP}:8443\n":
            raise AssertionError(f"the clone's herd serve said {line!r}: {cls.server_log()}")

    @classmethod
    def server_log(cls):
        with open(os.path.join(cls.dir, "serve.log"), errors="replace") as f:
            return f.read()[-3000:]

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.server is not None:
                cls.server.send_signal(signal.SIGTERM)  # ip netns exec execs herd: this PID is herd
                try:
                    cls.server.wait(30)
                except subprocess.TimeoutExpired:
                    cls.server.kill()
                    cls.server.wait()
                cls.server.stdout.close()
                cls.log.close()
            if hasattr(cls, "dir"):
                shutil.rmtree(cls.dir, ignore_errors=True)
        finally:
            super().tearDownClass()

    def on_node(self, *argv):
        return self.lab.exec("compute-0-0", *argv)

    def test_the_clone_is_a_frontend_of_its_own(self):
        self.assertEqual((self.rekey["old_cluster"], self.rekey["old_frontend"]), ("seed", "frontend"))
        self.assertEqual(self.rekey["join_tokens_revoked"], 2)
        self.assertNotEqual(self.rekey["ca_sha256"], self.old_ca)
        self.assertEqual(self.rekey["images"], ["base"])
        images = ok(herd_on(self.db, "image", "list", "--store", self.store, "--json"), "image list").json()
        self.assertEqual([i["image"] for i in images], ["base"], "the clone carries the seed's image")

        url = f"https://{CLONE_IP}:8443"
        # The old cluster's join token is revoked, and its CA is not the clone's.
        r = self.on_node("herd", "track", "init", "--server", url, "--join-token", self.old_join,
                         "--ca-sha256", self.rekey["ca_sha256"])
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("401", r.out + r.err)
        created = ok(herd_on(self.db, "token", "create", "--uses", "2", "--json"), "clone token").json()
        self.assertEqual(created["server"], url, "tokens name the public address")
        r = self.on_node("herd", "track", "init", "--server", url, "--join-token", created["token"],
                         "--ca-sha256", self.old_ca)
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("not trusting this server", r.err)

        # Enrolled to the clone, the node updates a folder to the image the clone carries.
        r = self.on_node(*created["command"].split())
        self.assertEqual(r.code, 0, f"{r}\n{self.server_log()}")
        nodes = [n["name"] for n in ok(herd_on(self.db, "node", "list", "--json"), "node list").json()]
        self.assertEqual(sorted(nodes), ["clone", "compute-0-0"])
        ok(herd_on(self.db, "attr", "set", "image", "base", "--node", "compute-0-0"), "attr set")
        self.assertEqual(self.on_node("mkdir", "-p", "/srv/from-clone").code, 0)
        r = self.on_node("herd", "image", "update", "--root", "/srv/from-clone", "--json")
        self.assertEqual(r.code, 0, f"{r}\n{self.server_log()}")
        self.assertEqual(self.on_node("cat", "/srv/from-clone/etc/motd").out, "carried by the clone\n")
        self.assertIn(" node compute-0-0 GET /api/v1/image/plan", self.server_log())


if __name__ == "__main__":
    unittest.main()
