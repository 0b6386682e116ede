"""Nothing is left behind: after `down`, after an `up` that failed at any step, and
after herd was killed with SIGKILL in the middle of `up` (then `down` finds the rest)."""
import os
import signal
import time
import unittest

from lab_fixture import Lab, lab_namespaces

STEPS = ["network", "frontend", "dhcp", "nodes", "boot"]


def wait_until_ended(pid, seconds=10):
    """Returns once `pid` has exited (gone or a zombie): SIGKILL is delivered asynchronously
    and a PID namespace's init exits only after every process inside it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return
        except FileNotFoundError:
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} still runs {seconds} s after SIGKILL")


class CleanupTest(unittest.TestCase):
    def assert_clean(self, lab):
        self.assertEqual(lab.leftovers(), {"namespaces": [], "processes": [], "mounts": []})
        self.assertFalse(os.path.exists(os.path.join(lab.labs, lab.name, "state.json")))

    def test_down_removes_everything(self):
        lab = Lab(nodes=2)
        with lab:
            self.assertEqual(len(lab_namespaces(lab.name)), 4)  # switch, frontend, 2 nodes
            r = lab.herd("lab", "down", "--name", lab.name, "--json")
            self.assertEqual(r.code, 0, r)
            report = r.json()
            self.assertEqual(len(report["namespaces"]), 4)
            self.assertGreaterEqual(report["processes"], 3)
            self.assert_clean(lab)
            self.assertFalse(os.path.exists(os.path.join(lab.labs, lab.name)))
            r = lab.herd("lab", "down", "--name", lab.name)  # twice is fine
            self.assertEqual(r.code, 0, r)
            self.assertIn("nothing to remove", r.err)

    def test_failed_up_removes_what_it_made(self):
        for step in STEPS:
            with self.subTest(step=step):
                lab = Lab(nodes=2)
                try:
                    r = lab.herd("lab", "up", "--name", lab.name, "--nodes", "2", env={"HERD_LAB_FAIL_AT": step})
                    self.assertEqual(r.code, 1, r)
                    self.assertIn(f"injected failure at step '{step}'", r.err)
                    self.assert_clean(lab)
                finally:
                    lab.__exit__(None, None, None)

    def test_down_after_a_crash_finds_the_leftovers(self):
        for step in ["network", "dhcp", "nodes", "boot"]:
            with self.subTest(step=step):
                lab = Lab(nodes=2)
                try:
                    r = lab.herd("lab", "up", "--name", lab.name, "--nodes", "2", env={"HERD_LAB_CRASH_AT": step})
                    self.assertEqual(r.code, -signal.SIGKILL, r)
                    self.assertTrue(lab_namespaces(lab.name), "the crash left namespaces to find")
                    if step != "network":
                        self.assertTrue(lab.leftovers()["processes"], "the crash left processes to find")
                    listed = {l["name"]: l for l in lab.ok("lab", "list", "--json").json()}
                    self.assertIn(lab.name, listed)
                    r = lab.herd("lab", "down", "--name", lab.name)
                    self.assertEqual(r.code, 0, r)
                    self.assert_clean(lab)
                finally:
                    lab.__exit__(None, None, None)

    def test_leftovers_without_a_state_file_are_found_by_name(self):
        lab = Lab(nodes=2)
        try:
            r = lab.herd("lab", "up", "--name", lab.name, "--nodes", "2", env={"HERD_LAB_CRASH_AT": "boot"})
            self.assertEqual(r.code, -signal.SIGKILL, r)
            os.remove(os.path.join(lab.labs, lab.name, "state.json"))
            listed = {l["name"]: l for l in lab.ok("lab", "list", "--json").json()}
            self.assertTrue(listed[lab.name]["leftover"])
            lab.ok("lab", "down", "--name", lab.name)
            self.assert_clean(lab)
        finally:
            lab.__exit__(None, None, None)

    def test_a_dead_node_shows_in_status_and_up_repairs_it(self):
        with Lab(nodes=2) as lab:
            holder = lab.status().json()["members"][2]["holder_pid"]
            os.kill(holder, signal.SIGKILL)
            wait_until_ended(holder)
            r = lab.status()
            self.assertEqual(r.code, 1, r)
            dead = r.json()["members"][2]
            self.assertFalse(dead["running"] or dead["healthy"], dead)
            lab.up()
            self.assertEqual(lab.status().code, 0)
            self.assertEqual(lab.ssh("compute-0-1", "hostname").out.strip(), "compute-0-1")


if __name__ == "__main__":
    unittest.main()
