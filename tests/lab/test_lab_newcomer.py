"""A new user's first hour: `herd init` with its defaults (private 10.1.0.0/16, which no lab
may use), then `herd lab up --nodes 2`, typed as the README says (the lab's name comes from
$HERD_LAB, as a user's would from the default). The lab adds its network and the
frontend's address on it, says so, issues a server certificate that names the new
address, and the nodes answer ssh, `herd run` and enroll. A network that overlaps the lab
subnet is refused with exit 2, nothing written, naming the one command that works, and
that command works.
"""
import os
import shlex
import unittest

from lab_fixture import Lab, lab_namespaces


class NewUser(Lab):
    """A lab in a fresh folder whose commands are typed without --name."""

    def __init__(self):
        super().__init__(nodes=2)
        self.env["HERD_LAB"] = self.name
        self.pki = os.path.join(self.dir, "pki")

    def frontend_curl(self, url, *extra):
        """curl from inside the lab's frontend, trusting only the cluster's CA."""
        return self.exec("frontend", "curl", "-sS", "--max-time", "10", "--cacert", os.path.join(self.pki, "ca.crt"),
                         *extra, url)


class NewcomerTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            raise AssertionError("lab tests need root (network namespaces, mounts)")
        self.user = NewUser()

    def tearDown(self):
        self.user.__exit__(None, None, None)

    def test_init_then_lab_up_just_works(self):
        u = self.user
        u.ok("init")
        networks_before = u.ok("network", "list", "--json").json()
        self.assertEqual([n["name"] for n in networks_before], ["private"])

        r = u.ok("lab", "up", "--nodes", "2")
        # What it wrote into the inventory is said, even with stderr not a terminal.
        self.assertIn("inventory: added network lab 198.51.100.0/24", r.err)
        self.assertIn("gave the frontend frontend the address 198.51.100.1 on network lab (interface lab0)", r.err)
        self.assertIn("issued a new server certificate", r.err)
        self.assertIn("198.51.100.1", r.out)

        frontend = u.ok("node", "show", "frontend", "--json").json()
        by_network = {i["network"]: i["ip"] for i in frontend["interfaces"]}
        self.assertEqual(by_network, {"private": "10.1.0.1", "lab": "198.51.100.1"})

        for node in u.node_names():
            r = u.ssh(node, "hostname")
            self.assertEqual((r.code, r.out.strip()), (0, node), r)
        # stdin "": herd run hands its stdin to every node, and the command reads none.
        r = u.herd("lab", "exec", "frontend", "--", os.environ["HERD"], "run", "compute-0-[0-1]", "--", "hostname",
                   input="", timeout=60)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(sorted(r.out.splitlines()), ["compute-0-0: compute-0-0", "compute-0-1: compute-0-1"])

        # The server certificate names the frontend's new address and name; the CA is the one init made.
        r = u.frontend_curl("https://198.51.100.1:8443/api/v1/health")
        self.assertEqual(r.code, 0, r)
        self.assertIn('"status":"ok"', r.out.replace(" ", ""))
        r = u.frontend_curl("https://frontend.lab.local:8443/api/v1/health", "--resolve",
                            "frontend.lab.local:8443:198.51.100.1")
        self.assertEqual(r.code, 0, r)
        join = u.ok("token", "create", "--uses", "1", "--server", "https://frontend:8443", "--json").json()["command"]
        r = u.exec("compute-0-0", *join.split())
        self.assertEqual(r.code, 0, r)

        # Up again: the lab runs as asked, nothing is written or issued again.
        r = u.ok("lab", "up", "--nodes", "2")
        self.assertNotIn("inventory:", r.err)
        self.assertNotIn("certificate", r.err)

        r = u.ok("lab", "down")
        self.assertIn(f"lab {u.name} is down", r.err)
        self.assertEqual(lab_namespaces(u.name), [])

    def test_a_network_overlapping_the_lab_subnet_names_the_command_that_works(self):
        u = self.user
        u.ok("init", "--subnet", "198.51.100.0/25")
        networks_before = u.ok("network", "list", "--json").json()
        nodes_before = u.ok("node", "list", "--json").json()

        r = u.herd("lab", "up", "--nodes", "2")
        self.assertEqual(r.code, 2, r)
        self.assertEqual(r.out, "")
        self.assertIn("--subnet 198.51.100.0/24 overlaps network private (198.51.100.0/25)", r.err)
        self.assertEqual(lab_namespaces(u.name), [])
        self.assertFalse(os.path.exists(u.labs), "nothing written")
        self.assertEqual(u.ok("network", "list", "--json").json(), networks_before)
        self.assertEqual(u.ok("node", "list", "--json").json(), nodes_before)

        # The message ends with the one command to run; it works as given.
        command = r.err.strip().rsplit(": ", 1)[1]
        self.assertEqual(command, "herd lab up --nodes 2 --subnet 198.51.100.0/25")
        argv = shlex.split(command)
        u.ok(*argv[1:])
        for node in u.node_names():
            r = u.ssh(node, "hostname")
            self.assertEqual((r.code, r.out.strip()), (0, node), r)
        self.assertEqual(u.ok("network", "list", "--json").json(), networks_before, "the lab used network private")


if __name__ == "__main__":
    unittest.main()
