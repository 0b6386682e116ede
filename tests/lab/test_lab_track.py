"""The whole tracking story on a lab: the frontend runs herd serve; nodes enroll with a
join token (a node the inventory does not know appears in it), checkpoint and push; the
frontend sees every node's history; a node cannot read another node's checkpoints; and a
node whose files and local store are lost gets everything back from the server."""
import json
import unittest

from lab_fixture import LabTestCase


class LabTrackTest(LabTestCase):
    lab_nodes = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lab = cls.lab
        # compute-0-2 is forgotten by the inventory: enrollment must bring it back by itself.
        lab.ok("node", "remove", "compute-0-2")
        created = lab.ok("token", "create", "--uses", "3", "--server", "https://frontend:8443", "--json").json()
        cls.join = created["command"].split()
        for node in lab.node_names():
            r = lab.exec(node, *cls.join)
            if r.code != 0:
                raise AssertionError(f"{node}: enrollment failed: {r}")
            for message in ("first", "second"):
                r = lab.exec(node, "herd", "track", "checkpoint", "-m", message)
                if r.code != 0:
                    raise AssertionError(f"{node}: checkpoint failed: {r}")
                r = lab.exec(node, "herd", "track", "push")
                if r.code != 0:
                    raise AssertionError(f"{node}: push failed: {r}")

    def test_an_unknown_node_enrolls_into_the_inventory(self):
        inventory = self.lab.inventory()
        self.assertIn("compute-0-2", inventory)
        r = self.lab.exec("compute-0-2", "cat", "/sys/class/net/eth0/address")
        self.assertEqual(inventory["compute-0-2"][0], r.out.strip())

    def test_the_frontend_sees_every_nodes_history(self):
        for node in self.lab.node_names():
            log = self.lab.ok("track", "log", "--node", node, "--store", self.lab.store, "--json").json()
            self.assertEqual([c["message"] for c in log][-2:], ["second", "first"], node)
        r = self.lab.herd("store", "fsck", "--store", self.lab.store)
        self.assertEqual(r.code, 0, r)

    def test_the_frontend_compares_a_file_across_nodes(self):
        node = "compute-0-1"
        self.assertEqual(self.lab.exec(node, "sh", "-c", "echo tuned >> /etc/issue").code, 0)
        self.assertEqual(self.lab.exec(node, "herd", "track", "checkpoint", "-m", "tuned").code, 0)
        self.assertEqual(self.lab.exec(node, "herd", "track", "push").code, 0)
        r = self.lab.herd("track", "compare", "compute-0-[0-2]", "/etc/issue", "--store", self.lab.store, "--json")
        self.assertEqual(r.code, 1, r)  # they differ
        groups = r.json()["groups"]
        self.assertEqual(sorted(g["nodes"] for g in groups), ["compute-0-1", "compute-0-[0,2]"])
        r = self.lab.herd("pkg", "where", "openssh-server", "compute-0-[0-2]", "--store", self.lab.store, "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual([g["nodes"] for g in r.json()["groups"]], ["compute-0-[0-2]"])

    def test_a_node_cannot_read_another_nodes_checkpoints(self):
        r = self.lab.exec("compute-0-0", "herd", "track", "restore", "--node", "compute-0-1", "latest", "--dry-run")
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("403", r.err)
        # Nor push into them.
        r = self.lab.exec("compute-0-0", "herd", "track", "push", "--node", "compute-0-1")
        self.assertNotEqual(r.code, 0, r)

    def test_a_node_that_lost_everything_gets_it_back_from_the_server(self):
        node = "compute-0-0"
        before = self.lab.exec(node, "sh", "-c", "sha256sum /etc/hostname /etc/ssh/sshd_config.d/herd-lab.conf /etc/issue").out
        self.assertEqual(self.lab.exec(node, "sh", "-c", "rm -rf /var/lib/herd/store /etc/issue && echo broken > /etc/hostname").code, 0)
        r = self.lab.exec(node, "herd", "track", "restore", "--node", node, "latest")
        self.assertEqual(r.code, 0, r)
        after = self.lab.exec(node, "sh", "-c", "sha256sum /etc/hostname /etc/ssh/sshd_config.d/herd-lab.conf /etc/issue").out
        self.assertEqual(after, before)


if __name__ == "__main__":
    unittest.main()
