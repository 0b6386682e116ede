"""herd run and herd copy on a lab of 4 nodes with real sshd, run on the lab's frontend
(its ssh_config points at the lab key and the known hosts generated from the inventory)."""
import os
import shutil
import stat
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab_fixture import HERD, LabTestCase  # noqa: E402

ALL = "compute-0-[0-3]"


class RunOnLab(LabTestCase):
    lab_nodes = 4

    def herd(self, *args, input=""):
        """herd inside the frontend's namespaces, as an admin on the frontend runs it."""
        return self.lab.herd("lab", "exec", "--name", self.lab.name, "frontend", "--", HERD, *args,
                             input=input, timeout=180)

    def test_outputs_are_prefixed_by_node(self):
        r = self.herd("run", ALL, "--", "hostname; echo oops >&2")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(sorted(r.out.splitlines()), [f"compute-0-{k}: compute-0-{k}" for k in range(4)])
        self.assertEqual(sorted(r.err.splitlines()), [f"compute-0-{k}: oops" for k in range(4)])

    def test_gathered_and_ordered(self):
        r = self.herd("run", "-b", ALL, "--", "echo same; uname -s")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out, f"---------------\n{ALL} (4)\n---------------\nsame\nLinux\n")
        r = self.herd("run", "-L", ALL, "--", "hostname; hostname")
        self.assertEqual(r.out.splitlines(), [f"compute-0-{k}: compute-0-{k}" for k in range(4) for _ in (0, 1)])

    def test_exit_codes_summary_and_retry(self):
        r = self.herd("run", ALL, "--", "case $(hostname) in compute-0-1) exit 3;; compute-0-2) exit 5;; esac")
        self.assertEqual(r.code, 5, r)
        self.assertIn("exit 3: compute-0-1 (1)", r.err)
        self.assertIn("exit 5: compute-0-2 (1)", r.err)
        r = self.herd("run", "--retry-failed", "--", "hostname")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(sorted(r.out.splitlines()), ["compute-0-1: compute-0-1", "compute-0-2: compute-0-2"])
        r = self.herd("--json", "run", "--retry-failed", "--", "true")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out.strip(), "", "the last run had no failure: nothing to retry")

    def test_timeout_kills_a_sleeping_node(self):
        start = time.monotonic()
        r = self.herd("run", "-t", "3", ALL, "--", "[ $(hostname) = compute-0-3 ] && sleep 120; echo done")
        self.assertLess(time.monotonic() - start, 60)
        self.assertEqual(r.code, 124, r)
        self.assertIn("timed out: compute-0-3 (1)", r.err)
        self.assertEqual(len(r.out.splitlines()), 3)

    def test_stdin_env_and_json(self):
        r = self.herd("--json", "run", "-e", "GREETING=it's me", "compute-0-[0-1]", "--", 'cat; echo "$GREETING"',
                      input="from stdin\n")
        self.assertEqual(r.code, 0, r)
        results = r.json()
        self.assertEqual([x["node"] for x in results], ["compute-0-0", "compute-0-1"])
        for x in results:
            self.assertEqual(x["stdout"], ["from stdin", "it's me"])
            self.assertEqual((x["status"], x["exit_code"]), ("ok", 0))

    def test_login_user(self):
        # -l is ssh's User: root has the lab's key, an account without it cannot log in.
        r = self.herd("run", "-l", "root", "compute-0-[0-1]", "--", "id -un")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(sorted(r.out.splitlines()), ["compute-0-0: root", "compute-0-1: root"])
        r = self.herd("run", "-l", "nobody", "compute-0-0", "--", "id -un")
        self.assertEqual(r.code, 255, r)
        self.assertIn("unreachable (exit 255): compute-0-0 (1)", r.err)

    def test_bad_selection_runs_nothing(self):
        r = self.herd("run", "compute-0-[0-9]", "--", "touch /tmp/should-not-exist")
        self.assertEqual(r.code, 2, r)
        self.assertIn("unknown node(s): compute-0-[4-9]", r.err)
        r = self.herd("run", "--where", "rack == 99", "--", "true")
        self.assertEqual(r.code, 2, r)
        self.assertEqual(self.herd("run", ALL, "--", "test ! -e /tmp/should-not-exist").code, 0)

    def test_copy_both_ways(self):
        work = tempfile.mkdtemp(prefix="herd-copy-")
        try:
            src = os.path.join(work, "tool.sh")
            with open(src, "w") as f:
                f.write("#!/bin/sh\necho tool\n")
            os.chmod(src, 0o751)
            folder = os.path.join(work, "conf")
            os.makedirs(os.path.join(folder, "sub"))
            with open(os.path.join(folder, "sub", "a.conf"), "w") as f:
                f.write("a\n")
            r = self.herd("copy", ALL, src, folder, "/tmp/")
            self.assertEqual(r.code, 0, r)
            r = self.herd("run", "-b", ALL, "--", "stat -c %a /tmp/tool.sh; /tmp/tool.sh; cat /tmp/conf/sub/a.conf")
            self.assertEqual(r.out, f"---------------\n{ALL} (4)\n---------------\n751\ntool\na\n", r)

            dest = os.path.join(work, "back")
            r = self.herd("copy", "--reverse", "compute-0-[0-1]", "/etc/hostname", "/tmp/tool.sh", dest)
            self.assertEqual(r.code, 0, r)
            for k in (0, 1):
                with open(os.path.join(dest, f"compute-0-{k}", "hostname")) as f:
                    self.assertEqual(f.read().strip(), f"compute-0-{k}")
                mode = stat.S_IMODE(os.stat(os.path.join(dest, f"compute-0-{k}", "tool.sh")).st_mode)
                self.assertEqual(mode, 0o751)
            self.assertEqual(sorted(os.listdir(dest)), ["compute-0-0", "compute-0-1"])
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_z_unreachable_node_then_retry(self):
        """Runs last (name order): stops one node's sshd, then starts it again."""
        node = "compute-0-3"
        self.assertEqual(self.lab.exec(node, "sh", "-c", "kill $(cat /run/sshd.pid)").code, 0)
        try:
            r = self.herd("run", ALL, "--connect-timeout", "5", "--", "hostname")
            self.assertEqual(r.code, 255, r)
            self.assertIn(f"unreachable (exit 255): {node} (1)", r.err)
            self.assertEqual(len(r.out.splitlines()), 3)
            r = self.herd("copy", ALL, "/etc/hostname", "/tmp/copied")
            self.assertEqual(r.code, 255, r)
            self.assertIn(f"unreachable (exit 255): {node} (1)", r.err)
        finally:
            self.assertEqual(self.lab.exec(node, "/usr/sbin/sshd").code, 0)
        # sshd forks into the background once it listens: the node is reachable again.
        r = self.herd("run", "--retry-failed", "--", "hostname")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out, f"{node}: {node}\n")
        self.assertEqual(self.lab.status().code, 0)
