"""The frontend-wide views as an admin runs them: `herd track compare`, `herd pkg where`,
`herd pkg diff` over nodes checkpointed into one store, with output, --json, folding and
exit codes (0 same, 1 differ, 2 bad input)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERD = os.environ.get("HERD", os.path.join(os.path.dirname(__file__), "../../build/herd"))
OLD = 1577836800  # 2020-01-01: mtimes safely older than any stat cache

HOSTS = "127.0.0.1 localhost\n10.1.0.1 head\n"
BASE = {"bash": "5.2-1", "openssh-server": "1:9.2p1-2", "vim": "2:9.0-1"}


def dpkg_status(packages):
    return "".join(f"Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\n\n"
                   for name, version in sorted(packages.items()))


class FleetCliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="herd-fleet-cli-")
        self.store = os.path.join(self.dir, "store")
        self.env = dict(os.environ, HERD_DB=os.path.join(self.dir, "herd.db"), HERD_STORE=self.store)
        self.ok("init", "--subnet", "198.51.100.0/24", "--name", "test")
        self.ok("node", "add", "compute-0-[0-7]", "-a", "compute")
        # compute-0-[0-3,5] agree; 4 has another /etc/hosts, an older bash and no vim;
        # 6 lacks /etc/hosts; 7 never made a checkpoint.
        for k in [0, 1, 2, 3, 5]:
            self.checkpoint(k, HOSTS, BASE)
        self.checkpoint(4, HOSTS + "10.1.0.99 rogue\n", {"bash": "5.1-3", "openssh-server": "1:9.2p1-2"})
        self.checkpoint(6, None, BASE)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def herd(self, *args):
        return subprocess.run([HERD, *args], capture_output=True, text=True, env=self.env, timeout=120)

    def ok(self, *args, code=0):
        r = self.herd(*args)
        self.assertEqual(r.returncode, code, f"herd {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r

    def bad(self, code, expect, *args):
        r = self.herd(*args)
        self.assertEqual(r.returncode, code, f"herd {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        self.assertEqual(r.stdout, "", "errors go to stderr only")
        self.assertIn(expect, r.stderr)
        return r

    def write(self, root, path, text, mode=0o644):
        full = root + path
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
        os.chmod(full, mode)
        os.utime(full, (OLD, OLD))

    def checkpoint(self, k, hosts, packages):
        root = os.path.join(self.dir, f"root{k}")
        self.write(root, "/etc/hostname", f"compute-0-{k}\n")
        self.write(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")  # owner names come from the root
        self.write(root, "/etc/group", "root:x:0:\n")
        self.write(root, "/etc/ssh/sshd_config", "PermitRootLogin no\n", 0o600)
        if hosts is not None:
            self.write(root, "/etc/hosts", hosts)
        self.write(root, "/var/lib/dpkg/status", dpkg_status(packages))
        self.ok("track", "checkpoint", "--root", root, "--node", f"compute-0-{k}", "--store", self.store)

    def test_compare_folds_nodes_by_version_majority_first(self):
        r = self.ok("track", "compare", "compute-0-[0-7]", "/etc/hosts", code=1)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 4, r.stdout)
        self.assertTrue(lines[0].startswith("compute-0-[0-3,5]  (5)  file "), lines[0])
        if os.geteuid() == 0:  # the files are owned by whoever runs the test
            self.assertIn("0644 root:root", lines[0])
        self.assertTrue(lines[1].startswith("compute-0-4        (1)  file "), lines[1])
        self.assertRegex(lines[2], r"^compute-0-6 +\(1\)  absent$")
        self.assertRegex(lines[3], r"^compute-0-7 +\(1\)  no checkpoint$")

        out = json.loads(self.ok("track", "compare", "@compute", "/etc/hosts", "--json", code=1).stdout)
        self.assertFalse(out["agree"])
        self.assertEqual(out["path"], "/etc/hosts")
        self.assertEqual([(g["nodes"], g["count"], g["state"]) for g in out["groups"]],
                         [("compute-0-[0-3,5]", 5, "present"), ("compute-0-4", 1, "present"),
                          ("compute-0-6", 1, "absent"), ("compute-0-7", 1, "no checkpoint")])
        self.assertTrue(out["groups"][0]["majority"])
        self.assertEqual(out["groups"][0]["mode"], "0644")
        self.assertEqual(out["groups"][0]["node_list"], ["compute-0-0", "compute-0-1", "compute-0-2",
                                                         "compute-0-3", "compute-0-5"])

        # All agreeing (an absent file on every node agrees too): exit 0.
        same = self.ok("track", "compare", "compute-0-[0-3]", "/etc/ssh/sshd_config").stdout
        self.assertRegex(same, r"^compute-0-\[0-3\]  \(4\)  file [0-9a-f]{12}  0600 \S+  19 B\n$")
        self.ok("track", "compare", "compute-0-[0-3]", "/etc/nothing")
        self.assertTrue(json.loads(self.ok("track", "compare", "compute-0-[0-1]", "/etc/hosts", "--json").stdout)["agree"])
        # --where selects too, with PATH the only positional.
        self.ok("track", "compare", "/etc/hosts", "--where", 'appliance == "compute"', code=1)

    def test_compare_diff_against_the_majority(self):
        r = self.ok("track", "compare", "compute-0-[0-6]", "/etc/hosts", "--diff", code=1)
        self.assertIn("--- compute-0-[0-3,5]:/etc/hosts\n+++ compute-0-4:/etc/hosts\n", r.stdout)
        self.assertIn("+10.1.0.99 rogue\n", r.stdout)
        out = json.loads(self.ok("track", "compare", "compute-0-[0-6]", "/etc/hosts", "--diff", "--json", code=1).stdout)
        self.assertIn("+10.1.0.99 rogue", out["groups"][1]["diff"])
        self.assertNotIn("diff", out["groups"][0])

    def test_compare_bad_input_exits_2(self):
        self.bad(2, "compute-9-9", "track", "compare", "compute-9-9", "/etc/hosts")
        self.bad(2, "column", "track", "compare", "compute-0-[0-", "/etc/hosts")
        self.bad(2, "etc/hosts", "track", "compare", "compute-0-0", "etc/hosts")
        self.bad(2, "latest~x", "track", "compare", "compute-0-0", "/etc/hosts", "--checkpoint", "latest~x")
        self.bad(2, "give the nodes", "track", "compare", "/etc/hosts")

    def test_log_and_diff_with_node_on_the_frontend(self):
        log = json.loads(self.ok("track", "log", "--node", "compute-0-4", "--json").stdout)
        self.assertEqual(len(log), 1)
        self.assertEqual(log[0]["host"], "compute-0-4")
        self.bad(1, "no checkpoints of compute-0-7", "track", "log", "--node", "compute-0-7")
        self.bad(2, "compute-0-7", "track", "diff", "--node", "compute-0-7", "latest", "latest")
        root = os.path.join(self.dir, "root4")
        self.write(root, "/etc/hosts", HOSTS)
        self.ok("track", "checkpoint", "--root", root, "--node", "compute-0-4")
        diff = self.ok("track", "diff", "--node", "compute-0-4", "latest~1", "latest").stdout
        self.assertIn("-10.1.0.99 rogue\n", diff)

    def test_pkg_where(self):
        r = self.ok("pkg", "where", "bash", "compute-0-[0-7]")
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0], r"^compute-0-\[0-3,5-6\]  \(6\)  5\.2-1 \(amd64\)$")
        self.assertRegex(lines[1], r"^compute-0-4 +\(1\)  5\.1-3 \(amd64\)$")
        self.assertRegex(lines[2], r"^compute-0-7 +\(1\)  no checkpoint$")
        out = json.loads(self.ok("pkg", "where", "vim", "@compute", "--json").stdout)
        self.assertEqual([(g["nodes"], g["state"]) for g in out["groups"]],
                         [("compute-0-[0-3,5-6]", "installed"), ("compute-0-4", "not installed"),
                          ("compute-0-7", "no checkpoint")])
        self.assertEqual(out["groups"][0]["packages"], [{"name": "vim", "version": "2:9.0-1", "arch": "amd64"}])
        self.bad(2, "b a d", "pkg", "where", "b a d", "compute-0-0")
        self.bad(2, "compute-0-99", "pkg", "where", "bash", "compute-0-99")

    def test_pkg_diff(self):
        r = self.ok("pkg", "diff", "compute-0-[0-7]", code=1)
        self.assertIn("appliance compute: 8 nodes, 7 with a package list; majority set of 3 packages\n", r.stdout)
        self.assertRegex(r.stdout, r"  compute-0-\[0-3,5-6\]  \(6\)  same as the majority\n")
        self.assertIn("      missing  vim 2:9.0-1 (amd64)\n", r.stdout)
        self.assertIn("      older    bash 5.2-1 -> 5.1-3 (amd64)\n", r.stdout)
        self.assertRegex(r.stdout, r"  compute-0-7 +\(1\)  no checkpoint\n")
        out = json.loads(self.ok("pkg", "diff", "@compute", "--json", code=1).stdout)
        self.assertTrue(out["differ"])
        compute = out["appliances"][0]
        self.assertEqual(compute["matching"]["nodes"], "compute-0-[0-3,5-6]")
        self.assertEqual(compute["differing"][0]["nodes"], "compute-0-4")
        self.assertEqual(compute["differing"][0]["changed"],
                         [{"name": "bash", "arch": "amd64", "majority": "5.2-1", "version": "5.1-3", "order": "older"}])
        self.assertEqual(compute["no_checkpoint"]["nodes"], "compute-0-7")
        # Every node on the majority set: exit 0.
        self.assertFalse(json.loads(self.ok("pkg", "diff", "compute-0-[0-3]", "--json").stdout)["differ"])
        self.bad(2, "no nodes selected", "pkg", "diff")


if __name__ == "__main__":
    unittest.main()
