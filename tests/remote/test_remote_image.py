"""Golden images through the real `herd serve`: a node runs the image assigned to it
(`herd image update`), a no-change update is one request, an update moves only what
changed by batch GETs, a node cannot read an image not assigned to it (404), the outcome
reaches `herd image status`, and --revision goes back."""
import json
import os
import subprocess
import unittest

from remote_fixture import OLD, Node, ServerTestCase


def write(root, path, data, mode=0o644):
    full = root + path
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(full, mode)
    os.utime(full, (OLD, OLD))


def read(path):
    with open(path, "rb") as f:
        return f.read().decode(errors="replace")


class ImageServerTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.golden = os.path.join(cls.dir, "golden")
        for i in range(40):
            write(cls.golden, f"/usr/share/doc/f{i}", f"file {i}\n" * 50)
        write(cls.golden, "/etc/motd", "revision one\n")
        write(cls.golden, "/usr/bin/tool", "#!/bin/sh\necho one\n", 0o755)
        write(cls.golden, "/etc/munge/munge.key", "base's secret\n", 0o600)
        r = cls.admin("image", "capture", "base", "--root", cls.golden, "-m", "first", "--json")
        assert r.returncode == 0, r.stdout + r.stderr
        other = os.path.join(cls.dir, "other")
        write(other, "/etc/munge/munge.key", "gpu's secret\n", 0o600)
        r = cls.admin("image", "capture", "gpu", "--root", other, "--json")
        assert r.returncode == 0, r.stdout + r.stderr

    def requests(self, what):
        with open(os.path.join(self.dir, "server.log")) as f:
            return f.read().count(what)

    def assign(self, node, image):
        r = self.admin("attr", "set", "image", image, "--node", node)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def update(self, node, *args, code=0):
        r = node.herd("image", "update", "--root", node.root, "--json", *args)
        self.assertEqual(r.returncode, code, f"herd image update {args}:\n{r.stdout}\n{r.stderr}")
        return json.loads(r.stdout) if code == 0 else r

    def test_a_node_runs_its_image_and_only_its_image(self):
        a = Node(self, "img-a")
        a.enroll()
        self.assign(a.name, "base")
        out = self.update(a)
        self.assertTrue(out["changed"])
        self.assertEqual(out["after"]["revision"], 1)
        self.assertEqual(read(a.root + "/etc/motd"), "revision one\n")
        self.assertEqual(read(a.root + "/usr/share/doc/f7"), "file 7\n" * 50)
        self.assertEqual(os.stat(a.root + "/usr/bin/tool").st_mode & 0o7777, 0o755)
        self.assertEqual(read(a.root + "/etc/hostname"), "img-a\n", "a preserved path stays the node's")
        self.assertGreater(self.requests("GET /api/v1/objects/batch/"), 0)

        # A no-change update is one request: the plan, answered 304.
        plans = self.requests("GET /api/v1/image/plan")
        batches = self.requests("GET /api/v1/objects/batch/")
        out = self.update(a)
        self.assertFalse(out["changed"])
        self.assertEqual(self.requests("GET /api/v1/image/plan"), plans + 1)
        self.assertEqual(self.requests("GET /api/v1/objects/batch/"), batches)
        self.assertIn("/api/v1/image/plan 304", read(os.path.join(self.dir, "server.log")))

        # The frontend knows what it runs.
        r = self.admin("image", "status", a.name, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        status = json.loads(r.stdout)["nodes"][0]
        self.assertEqual((status["runs"], status["state"]), ("base:1", "up to date"))

        # Another image's objects are 404 to this node, as if the store lacked them.
        with open(os.path.join(a.agent, "agent.json")) as f:
            token = json.load(f)["token"]
        gpu = json.loads(self.admin("image", "show", "gpu", "--json").stdout)
        base = json.loads(self.admin("image", "show", "base", "--json").stdout)
        for snapshot, want in ((gpu["id"], "404"), (gpu["tree"], "404"), (base["id"], "200")):
            r = subprocess.run(["ip", "netns", "exec", self.ns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                "--cacert", os.path.join(a.agent, "ca.crt"), "-H", f"Authorization: Bearer {token}",
                                f"{self.url}/api/v1/objects/batch/{snapshot}"], capture_output=True, text=True)
            self.assertEqual(r.stdout, want, snapshot)

    def test_an_update_moves_only_what_changed_and_revision_goes_back(self):
        b = Node(self, "img-b")
        b.enroll()
        self.assign(b.name, "base")
        self.update(b)
        changed = os.path.join(self.dir, "golden2")
        subprocess.run(["cp", "-a", self.golden, changed], check=True)
        write(changed, "/etc/motd", "revision two\n")
        os.unlink(changed + "/usr/share/doc/f3")
        write(changed, "/opt/new", "new in two\n")
        r = self.admin("image", "capture", "base", "--root", changed, "-m", "second", "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        revision = json.loads(r.stdout)["revision"]

        out = self.update(b)
        self.assertEqual(out["after"]["revision"], revision)
        self.assertEqual((out["created"], out["updated"], out["removed"]), (1, 1, 1))
        self.assertLess(out["objects_fetched"], 20, "the changed folders' trees and two blobs, not the image")
        self.assertEqual(read(b.root + "/etc/motd"), "revision two\n")
        self.assertFalse(os.path.exists(b.root + "/usr/share/doc/f3"))

        # A pinned earlier revision: back to one.
        out = self.update(b, "--revision", "1")
        self.assertEqual(out["after"]["revision"], 1)
        self.assertEqual(read(b.root + "/etc/motd"), "revision one\n")
        self.assertTrue(os.path.exists(b.root + "/usr/share/doc/f3"))
        self.assertFalse(os.path.exists(b.root + "/opt/new"))
        self.assert_server_store_whole()

    def test_a_node_without_an_image_is_told_how_to_assign_one(self):
        c = Node(self, "img-c")
        c.enroll()
        r = self.update(c, code=2)
        self.assertIn("has no image assigned", r.stderr)
        self.assertIn("herd attr set image", r.stderr)
        self.assertEqual(os.listdir(c.root), ["etc"], "nothing was written")
        r = self.update(c, "--revision", "99", code=2)
        self.assign(c.name, "base")
        r = self.update(c, "--revision", "99", code=2)
        self.assertIn("99", r.stderr)


if __name__ == "__main__":
    unittest.main()
