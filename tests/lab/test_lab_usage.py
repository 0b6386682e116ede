"""Bad input: a clear message naming what is wrong, exit 2, and nothing made."""
import os
import unittest

from lab_fixture import Lab, lab_namespaces


class LabUsageTest(unittest.TestCase):
    def setUp(self):
        self.lab = Lab(nodes=2)

    def tearDown(self):
        self.lab.__exit__(None, None, None)

    def bad(self, *args, expect):
        r = self.lab.herd(*args)
        self.assertEqual(r.code, 2, r)
        self.assertEqual(r.out, "")
        self.assertIn(expect, r.err)
        self.assertEqual(lab_namespaces(self.lab.name), [])
        self.assertFalse(os.path.exists(self.lab.labs), "nothing written")
        self.assertFalse(os.path.exists(self.lab.db), "no inventory created")

    def test_subnet_outside_the_test_ranges_is_refused(self):
        for subnet in ["10.1.0.0/24", "192.0.2.0/24", "198.51.100.0/23", "198.51.100.7/24", "nonsense"]:
            self.bad("lab", "up", "--name", self.lab.name, "--subnet", subnet, expect=f"--subnet '{subnet}'")

    def test_bad_names_counts_and_servers(self):
        self.bad("lab", "up", "--name", "Bad-Name", expect="--name 'Bad-Name'")
        self.bad("lab", "up", "--name", self.lab.name, "--nodes", "0", expect="--nodes 0")
        self.bad("lab", "up", "--name", self.lab.name, "--nodes", "300", expect="--nodes 300")
        self.bad("lab", "up", "--name", self.lab.name, "--subnet", "203.0.113.0/28", "--nodes", "13",
                 expect="1 to 12 nodes")
        self.bad("lab", "up", "--name", self.lab.name, "--dhcp", "bootpd", expect="--dhcp 'bootpd'")

    def test_commands_on_a_lab_that_does_not_exist(self):
        self.bad("lab", "status", "--name", self.lab.name, expect=f"no lab '{self.lab.name}'")
        self.bad("lab", "exec", "--name", self.lab.name, "compute-0-0", "--", "true", expect=f"no lab '{self.lab.name}'")
        self.bad("lab", "ssh", "--name", self.lab.name, "compute-0-0", expect=f"no lab '{self.lab.name}'")
        self.bad("lab", "exec", "--name", self.lab.name, expect="member is required")


class LabMemberUsageTest(unittest.TestCase):
    def test_unknown_member(self):
        with Lab(nodes=1) as lab:
            r = lab.herd("lab", "exec", "--name", lab.name, "compute-9-9", "--", "true")
            self.assertEqual(r.code, 2, r)
            self.assertIn("no member 'compute-9-9'", r.err)
            r = lab.herd("lab", "ssh", "--name", lab.name, "frontend")
            self.assertEqual(r.code, 2, r)
            r = lab.herd("lab", "exec", "--name", lab.name, "compute-0-0", "--", "sh", "-c", "exit 7")
            self.assertEqual(r.code, 7, "exec passes the command's exit code on")


if __name__ == "__main__":
    unittest.main()
