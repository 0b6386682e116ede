"""Golden images through the real `herd serve`: a node runs the image assigned to it
(`herd image update`), a no-change update is one request, an update moves only what
changed by batch GETs, a node cannot read an image not assigned to it (404), the outcome
reaches `herd image status`, --revision goes back, and overrides (templates of the
node's data) reach the node through its plan, over preserved paths, readable by it alone."""
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

    def connections(self, node):
        """The client ends (ADDR:PORT) of every connection `node`'s requests came over."""
        with open(os.path.join(self.dir, "server.log")) as f:
            return {line.split()[1] for line in f if f" node {node} " in line}

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
        earlier = self.connections(a.name)
        out = self.update(a)
        self.assertTrue(out["changed"])
        # The plan, every tree level, the content and the report: one TLS connection (each
        # stream needs a single fetcher here, and it takes the plan's connection).
        self.assertEqual(len(self.connections(a.name) - earlier), 1, "one connection for the whole update")
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

    def get_status(self, node, what):
        with open(os.path.join(node.agent, "agent.json")) as f:
            token = json.load(f)["token"]
        r = subprocess.run(["ip", "netns", "exec", self.ns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                            "--cacert", os.path.join(node.agent, "ca.crt"), "-H", f"Authorization: Bearer {token}",
                            f"{self.url}/api/v1/objects/batch/{what}"], capture_output=True, text=True)
        return r.stdout

    def test_overrides_reach_a_node_through_its_plan(self):
        d, e = Node(self, "img-d"), Node(self, "img-e")
        d.enroll()
        e.enroll()
        for n in (d, e):
            self.assign(n.name, "base")
        site = os.path.join(self.dir, "override-site")
        write(site, "/etc/motd", "the site's motd\n")
        mine = os.path.join(self.dir, "override-d")
        write(mine, "/etc/hostname.mustache", "{{node.name}}.{{node.attr.site_suffix}}\n")
        r = self.admin("image", "override", "set", "--global", site, "-m", "site", "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.admin("image", "override", "set", "--node", d.name, mine)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.admin("attr", "set", "site.suffix", "one", "--node", d.name)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        r = self.admin("image", "render", "base", d.name, "/etc/hostname")
        self.assertEqual((r.returncode, r.stdout), (0, f"{d.name}.one\n"), r.stderr)
        rendered = json.loads(self.admin("image", "render", "base", d.name, "--json").stdout)
        self.assertEqual(rendered["overrides"], ["/etc/hostname", "/etc/motd"])
        self.assertEqual({f["path"]: f["scope"] for f in rendered["files"]},
                         {"/etc/hostname": f"node {d.name}", "/etc/motd": "global"})

        r = self.admin("image", "status", d.name, "--json")
        self.assertIn(json.loads(r.stdout)["nodes"][0]["state"], ("never updated", "overrides pending"), r.stdout)
        self.update(d)
        self.update(e)
        r = self.admin("image", "status", d.name, "--json")
        self.assertEqual(json.loads(r.stdout)["nodes"][0]["state"], "up to date", r.stdout)
        self.assertEqual(read(d.root + "/etc/hostname"), f"{d.name}.one\n", "an override goes over a preserved path")
        self.assertEqual(read(e.root + "/etc/hostname"), "img-e\n", "the node's own where no override says")
        for n in (d, e):
            self.assertEqual(read(n.root + "/etc/motd"), "the site's motd\n")

        # What d's override rendered is d's alone.
        hostname = next(f for f in rendered["files"] if f["path"] == "/etc/hostname")["content"]
        self.assertEqual(self.get_status(d, hostname), "200")
        self.assertEqual(self.get_status(e, hostname), "404")

        # The node's data changed: so does its file, at the next update.
        self.admin("attr", "set", "site.suffix", "two", "--node", d.name)
        r = self.admin("image", "status", d.name, "--json")
        self.assertEqual(json.loads(r.stdout)["nodes"][0]["state"], "overrides pending", r.stdout)
        out = self.update(d)
        self.assertTrue(out["changed"])
        self.assertEqual(read(d.root + "/etc/hostname"), f"{d.name}.two\n")
        self.assertFalse(self.update(d)["changed"], "nothing changed since: a no-change update")

        # A template that does not parse is refused, and the override in place stays.
        broken = os.path.join(self.dir, "override-broken")
        write(broken, "/etc/motd.mustache", "{{#node}}never closed\n")
        r = self.admin("image", "override", "set", "--global", broken)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("motd.mustache", r.stderr)
        r = self.admin("image", "override", "set", "--global", os.path.join(self.dir, "no-such-folder"))
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("is not a folder", r.stderr)
        r = self.admin("image", "override", "set", site)
        self.assertEqual(r.returncode, 2, "no scope given")
        shown = json.loads(self.admin("image", "override", "show", "--global", "--json").stdout)
        self.assertEqual([f["path"] for f in shown["files"]], ["/etc", "/etc/motd"])

        # Removed: the image's file comes back; the preserved path keeps what it has.
        r = self.admin("image", "override", "remove", "--global")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.update(d)
        image_motd = self.admin("image", "render", "base", d.name, "/etc/motd").stdout
        self.assertIn("revision", image_motd)
        self.assertEqual(read(d.root + "/etc/motd"), image_motd)
        self.assertEqual(read(d.root + "/etc/hostname"), f"{d.name}.two\n")
        listed = json.loads(self.admin("image", "override", "list", "--json").stdout)
        self.assertEqual([o["scope"] for o in listed], [f"node {d.name}"])
        self.admin("image", "override", "remove", "--node", d.name)

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
