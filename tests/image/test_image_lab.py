"""Golden images on a lab, as an administrator runs them: capture from a golden client
over ssh (capabilities, ACLs and xattrs survive), a staged rollout whose failing canary
check stops it, `herd image status`, a change made with `herd image exec`, a deploy to
every node, a rollback of one, and an appliance override rendered per node."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab_fixture import HERD, LabTestCase  # noqa: E402


class ImageLabTest(LabTestCase):
    lab_nodes = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lab = cls.lab
        created = lab.ok("token", "create", "--uses", "3", "--server", "https://frontend:8443", "--json").json()
        for node in lab.node_names():
            r = lab.exec(node, *created["command"].split())
            if r.code != 0:
                raise AssertionError(f"{node}: enrollment failed: {r}")
        # The golden client: a file with a capability (ping's case), an ACL and an xattr.
        golden = ("echo golden > /etc/motd && cp /bin/busybox /usr/local/bin/pingish && "
                  "setcap cap_net_raw+ep /usr/local/bin/pingish && setfacl -m u:1001:r /etc/motd && "
                  "setfattr -n user.note -v kept /etc/motd")
        r = lab.exec("compute-0-0", "sh", "-c", golden)
        if r.code != 0:
            raise AssertionError(f"golden client: {r}")

    def frontend(self, *args):
        return self.lab.exec("frontend", HERD, *args, "--store", self.lab.store)

    def status(self):
        r = self.lab.herd("image", "status", "compute-0-[0-2]", "--store", self.lab.store, "--json")
        self.assertEqual(r.code, 0, r)
        return {n["node"]: (n["runs"], n["state"]) for n in r.json()["nodes"]}

    def test_the_golden_image_story(self):
        lab = self.lab
        r = self.frontend("image", "capture", "base", "--from", "compute-0-0", "-m", "golden", "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.json()["revision"], 1)
        lab.ok("attr", "set", "image", "base", "--appliance", "compute")

        # A canary whose check fails stops the rollout: compute-0-2 is not touched.
        r = self.frontend("image", "deploy", "compute-0-[1-2]", "--canary", "1", "--check", "test -e /nonexistent")
        self.assertEqual(r.code, 1, r)
        self.assertIn("canary failed on compute-0-1", r.err)
        self.assertEqual(lab.exec("compute-0-1", "cat", "/etc/motd").out, "golden\n")
        self.assertNotEqual(lab.exec("compute-0-2", "cat", "/etc/motd").out, "golden\n")
        state = self.status()
        self.assertEqual(state["compute-0-1"], ("base:1", "up to date"))
        self.assertEqual(state["compute-0-2"], (None, "never updated"))

        r = self.frontend("image", "deploy", "compute-0-[0-2]", "--canary", "1", "--check", "grep -q golden /etc/motd")
        self.assertEqual(r.code, 0, r)
        node = "compute-0-2"
        self.assertIn("cap_net_raw=ep", lab.exec(node, "getcap", "/usr/local/bin/pingish").out)
        self.assertIn("user:1001:r--", lab.exec(node, "getfacl", "-p", "/etc/motd").out)
        self.assertIn('user.note="kept"', lab.exec(node, "getfattr", "-d", "/etc/motd").out)
        self.assertEqual(lab.exec(node, "cat", "/etc/hostname").out.strip(), node, "a preserved path")
        self.assertEqual(set(self.status().values()), {("base:1", "up to date")})

        # Change the image on the frontend, deploy it everywhere, roll one node back.
        r = lab.herd("image", "exec", "base", "--store", lab.store, "-m", "v2", "--", "sh", "-c",
                     "echo v2 > /etc/motd && useradd -m -u 1500 alice")
        self.assertEqual(r.code, 0, r)
        r = self.frontend("image", "deploy", "compute-0-[0-2]", "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(json.loads(r.out)["ok"], "compute-0-[0-2]")
        self.assertEqual(lab.exec(node, "cat", "/etc/motd").out, "v2\n")
        self.assertEqual(lab.exec(node, "id", "-u", "alice").out.strip(), "1500")
        self.assertEqual(set(self.status().values()), {("base:2", "up to date")})

        r = self.frontend("image", "rollback", "compute-0-1")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(lab.exec("compute-0-1", "cat", "/etc/motd").out, "golden\n")
        self.assertNotEqual(lab.exec("compute-0-1", "id", "-u", "alice").code, 0)
        state = self.status()
        self.assertEqual(state["compute-0-1"], ("base:1", "up to date"))
        self.assertEqual(state["compute-0-0"], ("base:2", "up to date"))

        # An appliance override (a template of each node's data) reaches every node by deploy.
        site = os.path.join(lab.dir, "site")
        os.makedirs(os.path.join(site, "etc"))
        with open(os.path.join(site, "etc", "issue.net.mustache"), "w") as f:
            f.write("{{node.name}} at {{node.ip}}\n")
        lab.ok("image", "override", "set", "--appliance", "compute", site, "--store", lab.store)
        self.assertEqual(set(s for _, s in self.status().values()), {"overrides pending"})
        r = self.frontend("image", "deploy", "compute-0-[0-2]", "--json")
        self.assertEqual(r.code, 0, r)
        for n in lab.node_names():
            interfaces = lab.herd("node", "show", n, "--json").json()["interfaces"]
            ip = next(i["ip"] for i in sorted(interfaces, key=lambda i: i["device"]) if i["ip"])
            self.assertEqual(lab.exec(n, "cat", "/etc/issue.net").out, f"{n} at {ip}\n")
        self.assertEqual(set(s for _, s in self.status().values()), {"up to date"})

        # A no-change deploy changes nothing anywhere.
        r = self.frontend("image", "deploy", "compute-0-[0-2]", "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual([n["changed"] for n in json.loads(r.out)["nodes"]], [False, False, False])


if __name__ == "__main__":
    unittest.main()
