"""`herd track` as a user runs it on a scratch root: output, --json, exit codes."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERD = os.environ.get("HERD", os.path.join(os.path.dirname(__file__), "../../build/herd"))
OLD = 1577836800  # 2020-01-01: mtimes safely older than any stat cache


class TrackCliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="herd-track-cli-")
        self.root = os.path.join(self.dir, "root")
        self.store = os.path.join(self.dir, "store")
        self.write("/etc/hostname", "cn-7\n")
        self.write("/etc/hosts", "127.0.0.1 localhost\n")
        self.write("/etc/ssh/sshd_config", "PermitRootLogin no\n", 0o600)
        self.write("/var/lib/dpkg/status",
                   "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, path, text, mode=0o644):
        full = self.root + path
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
        os.chmod(full, mode)
        os.utime(full, (OLD, OLD))

    def herd(self, *args):
        env = dict(os.environ, HERD_STORE=self.store, HERD_DB=os.path.join(self.dir, "herd.db"))
        return subprocess.run([HERD, "track", *args, "--root", self.root], capture_output=True, text=True,
                              env=env, timeout=120)

    def ok(self, *args):
        r = self.herd(*args)
        self.assertEqual(r.returncode, 0, f"herd track {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r

    def bad(self, code, expect, *args):
        r = self.herd(*args)
        self.assertEqual(r.returncode, code, f"herd track {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        self.assertEqual(r.stdout, "", "errors go to stderr only")
        self.assertIn(expect, r.stderr)
        return r

    def test_checkpoint_log_status_diff_show(self):
        first = json.loads(self.ok("checkpoint", "-m", "installed", "--json").stdout)
        self.assertEqual(first["host"], "cn-7")
        self.assertEqual(first["package_backend"], "dpkg")
        self.assertIn("no changes since checkpoint", self.ok("status").stdout)

        self.write("/etc/hosts", "127.0.0.1 localhost\n10.1.0.1 head\n")
        os.chmod(self.root + "/etc/ssh/sshd_config", 0o644)
        self.write("/etc/motd", "hello\n")
        status = self.ok("status")  # exit 0 with changes too
        self.assertIn("M  /etc/hosts", status.stdout)
        self.assertIn("A  /etc/motd", status.stdout)
        self.assertIn("m  /etc/ssh/sshd_config  (mode 0600 -> 0644)", status.stdout)
        changes = {c["path"]: c["change"] for c in json.loads(self.ok("status", "--json").stdout)["changes"]}
        self.assertEqual(changes, {"/etc/hosts": "modified", "/etc/motd": "added", "/etc/ssh/sshd_config": "metadata"})

        diff = self.ok("diff").stdout
        self.assertIn("--- a/etc/hosts\n+++ b/etc/hosts\n@@ -1 +1,2 @@\n 127.0.0.1 localhost\n+10.1.0.1 head\n", diff)
        self.assertIn("mode 0600 -> 0644", diff)

        second = json.loads(self.ok("checkpoint", "-m", "edited", "--json").stdout)
        self.assertEqual(second["changes"], 3)
        self.assertEqual(second["parent"], first["id"])
        log = json.loads(self.ok("log", "--json").stdout)
        self.assertEqual([c["message"] for c in log], ["edited", "installed"])
        self.assertEqual(log[0]["changes"], 3)
        table = self.ok("log").stdout.splitlines()
        self.assertTrue(table[0].startswith("ID"))
        self.assertTrue(table[1].startswith(second["id"][:12]))

        self.assertEqual(self.ok("show", "latest~1:/etc/hosts").stdout, "127.0.0.1 localhost\n")
        self.assertEqual(self.ok("show", first["id"][:6] + ":/etc/hosts").stdout, "127.0.0.1 localhost\n")
        self.assertEqual(json.loads(self.ok("show", "latest:/etc/ssh/sshd_config", "--json").stdout)["mode"], "0644")
        between = self.ok("diff", "latest~1", "latest").stdout
        self.assertIn("+10.1.0.1 head", between)

    def test_restore_dry_run_then_for_real(self):
        self.ok("checkpoint")
        self.write("/etc/hosts", "evil\n")
        self.write("/etc/extra", "x\n")
        dry = self.ok("restore", "latest", "--dry-run")
        self.assertIn("update    /etc/hosts  (content)", dry.stdout)
        self.assertIn("remove    /etc/extra  (file)", dry.stdout)
        self.assertTrue(os.path.exists(self.root + "/etc/extra"))
        one = self.ok("restore", "latest", "/etc/hosts")
        self.assertIn("/etc/hosts", one.stdout)
        self.assertTrue(os.path.exists(self.root + "/etc/extra"), "a path restore removes nothing")
        actions = json.loads(self.ok("restore", "latest", "--json").stdout)["actions"]
        self.assertEqual(actions, [{"action": "remove", "path": "/etc/extra", "detail": "file"}])
        with open(self.root + "/etc/hosts") as f:
            self.assertEqual(f.read(), "127.0.0.1 localhost\n")
        self.assertIn("no changes", self.ok("status").stdout)
        verify = json.loads(self.ok("verify", "--json").stdout)
        self.assertEqual(verify["problems"], [])

    def test_package_restore_prints_and_only_runs_with_yes(self):
        self.ok("checkpoint")
        self.write("/var/lib/dpkg/status",
                   "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.3\n\n"
                   "Package: extra\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n")
        status = self.ok("status").stdout
        self.assertIn("upgraded    bash 5.2 -> 5.3 (amd64)", status)
        self.assertIn("added       extra 1 (all)", status)
        r = self.ok("restore", "latest", "--packages")
        self.assertIn("apt-get install -y --allow-downgrades bash=5.2", r.stdout)
        self.assertIn("apt-get remove -y extra", r.stdout)
        self.assertIn("add --yes", r.stderr)
        self.assertTrue(r.stdout.splitlines()[-1].startswith("chroot " + self.root))

    def test_bad_input_exits_2_and_names_it(self):
        conf = os.path.join(self.dir, "track.conf")
        with open(conf, "w") as f:
            f.write("track /etc\nfrobnicate /x\n")
        self.bad(2, f"{conf}:2: unknown directive 'frobnicate'", "checkpoint", "--config", conf)
        self.ok("checkpoint")
        self.bad(2, "checkpoint 'ab'", "show", "ab:/etc/hosts")
        self.bad(2, "expected CHECKPOINT:PATH", "show", "latest")
        self.bad(2, "/etc/nope is not in checkpoint", "show", "latest:/etc/nope")
        self.bad(2, "there are only 1 checkpoints", "diff", "latest~1")
        self.bad(2, "is not in the checkpoint", "restore", "latest", "/etc/nope")
        self.bad(2, "may not contain '..'", "restore", "latest", "/etc/../etc/hosts")
        self.bad(2, "node name", "checkpoint", "--node", "bad/name")
        r = subprocess.run([HERD, "track", "frob"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)

    def test_status_without_a_checkpoint_fails(self):
        os.makedirs(self.store)
        self.ok("checkpoint", "--node", "other")
        self.bad(1, "no checkpoint of cn-7 yet", "status")


if __name__ == "__main__":
    unittest.main()
