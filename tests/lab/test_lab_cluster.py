"""A running lab: DHCP leases match the inventory, every node answers ssh with the
host key the inventory knows, and each node is its own machine (host name, root, PIDs)."""
import json
import os
import unittest

from lab_fixture import LabTestCase


class LabClusterTest(LabTestCase):
    lab_nodes = 3

    def test_dhcp_leases_match_the_inventory(self):
        inventory = self.lab.inventory()
        self.assertEqual(sorted(inventory), self.lab.node_names() + ["frontend"])
        leases = {}
        with open(os.path.join(self.lab.labs, self.lab.name, "frontend", "dhcp.leases")) as f:
            for line in f:
                _, mac, ip, *_ = line.split()
                leases[mac] = ip
        for node in self.lab.node_names():
            mac, ip = inventory[node]
            self.assertEqual(leases.get(mac), ip, f"{node}: lease {leases} vs inventory {mac} {ip}")

    def test_each_node_holds_its_inventory_address(self):
        inventory = self.lab.inventory()
        for node in self.lab.node_names():
            r = self.lab.exec(node, "ip", "-4", "-j", "addr", "show", "dev", "eth0")
            self.assertEqual(r.code, 0, r)
            addresses = [a["local"] for a in json.loads(r.out)[0]["addr_info"]]
            self.assertEqual(addresses, [inventory[node][1]])
            r = self.lab.exec(node, "cat", "/sys/class/net/eth0/address")
            self.assertEqual(r.out.strip(), inventory[node][0])

    def test_ssh_reaches_every_node_with_checked_host_keys(self):
        for node in self.lab.node_names():
            r = self.lab.ssh(node, "hostname; cat /etc/debian_version")
            self.assertEqual(r.code, 0, r)
            self.assertEqual(r.out.splitlines()[0], node)
        # The keys come from the inventory: the known hosts file is its report.
        known = self.lab.ok("report", "known-hosts").out
        for node in self.lab.node_names():
            r = self.lab.exec(node, "cat", "/etc/ssh/ssh_host_ed25519_key.pub")
            self.assertIn(" ".join(r.out.split()[:2]), known)

    def test_ssh_refuses_a_node_whose_key_changed(self):
        node = self.lab.node_names()[-1]
        key = "/etc/ssh/ssh_host_ed25519_key"
        r = self.lab.exec(node, "sh", "-c", f"mkdir /root/keep && mv {key} {key}.pub /root/keep/ && "
                          f"ssh-keygen -q -t ed25519 -N '' -f {key} && kill $(cat /run/sshd.pid) && /usr/sbin/sshd")
        self.assertEqual(r.code, 0, r)
        try:
            r = self.lab.ssh(node, "true")
            self.assertEqual(r.code, 255, r)
            self.assertIn("HOST IDENTIFICATION HAS CHANGED", r.err)
        finally:
            r = self.lab.exec(node, "sh", "-c", f"mv /root/keep/* /etc/ssh/ && rmdir /root/keep && "
                              "kill $(cat /run/sshd.pid) && /usr/sbin/sshd")
            self.assertEqual(r.code, 0, r)
        self.assertEqual(self.lab.ssh(node, "true").code, 0)

    def test_nodes_are_separate_machines(self):
        roots = set()
        for node in self.lab.node_names():
            r = self.lab.exec(node, "sh", "-c", "hostname; echo $$; touch /root/mine-$(hostname); ls /root")
            self.assertEqual(r.code, 0, r)
            host, pid, *files = r.out.split()
            self.assertEqual(host, node)
            self.assertLess(int(pid), 100, "each node has its own PID namespace")
            self.assertEqual([f for f in files if f.startswith("mine-")], [f"mine-{node}"])
            roots.add(tuple(files))
        self.assertFalse(os.path.exists("/root/mine-compute-0-0"), "a node's files stay in its root")

    def test_every_node_runs_this_herd_from_a_read_only_bundle(self):
        version = self.lab.ok("--version").out.strip()
        for node in self.lab.node_names():
            r = self.lab.exec(node, "herd", "--version")
            self.assertEqual((r.code, r.out.strip()), (0, version), r)
            r = self.lab.exec(node, "sh", "-c", "touch /usr/lib/herd/planted")
            self.assertNotEqual(r.code, 0, "a node could write into the shared herd bundle")
            self.assertIn("Read-only", r.err)

    def test_host_network_namespace_has_no_lab_address_or_route(self):
        with open("/proc/net/fib_trie") as f:
            self.assertNotIn("198.51.100.", f.read())
        with open("/proc/net/route") as f:
            self.assertNotIn("0064 33C6", f.read().upper())

    def test_status_reports_every_member_healthy(self):
        r = self.lab.status()
        self.assertEqual(r.code, 0, r)
        status = r.json()
        self.assertTrue(status["healthy"])
        names = [m["name"] for m in status["members"]]
        self.assertEqual(names, ["frontend"] + self.lab.node_names())
        for member in status["members"][1:]:
            self.assertTrue(member["lease"] and member["service"] and member["address"] == member["ip"], member)

    def test_up_again_changes_nothing(self):
        before = self.lab.status().json()
        self.lab.up()
        after = self.lab.status().json()
        self.assertEqual([m["holder_pid"] for m in before["members"]], [m["holder_pid"] for m in after["members"]])

    def test_list_shows_the_lab(self):
        labs = self.lab.ok("lab", "list", "--json").json()
        mine = [l for l in labs if l["name"] == self.lab.name]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["nodes"], mine[0]["running"], mine[0]["leftover"]), (3, 3, False))

    def test_frontend_resolves_nodes_by_name(self):
        r = self.lab.exec("frontend", "getent", "hosts", "compute-0-1")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out.split()[0], self.lab.inventory()["compute-0-1"][1])


if __name__ == "__main__":
    unittest.main()
