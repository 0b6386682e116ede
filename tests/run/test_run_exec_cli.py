"""herd run from the command line with the exec transport (no ssh): what the lab tests
check over ssh, plus output that is not UTF-8 in JSON and in the saved failed set."""
import json
import os
import pty
import select
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from herd_cli import HERD, HerdTestCase  # noqa: E402


class RunExec(HerdTestCase):
    def setUp(self):
        super().setUp()
        self.ok("node", "add", "-a", "compute", "c[1-4]")
        self.state = os.path.join(self.dir, "run-failed")

    def run_exec(self, *args, **kw):
        env = {"HERD_RUN_STATE": self.state}
        return self.herd("run", "-n", "--transport", "exec", *args, env=env, **kw)

    def test_json_output_that_is_not_utf8(self):
        r = self.run_exec("--json", "c[1-2]", "--", "printf 'caf\\351\\n'")
        self.assertEqual(r.code, 0, r)
        results = json.loads(r.out)
        self.assertEqual([x["stdout"] for x in results], [["caf\ufffd"], ["caf\ufffd"]])

    def test_a_failing_command_that_is_not_utf8_is_saved_for_retry(self):
        r = self.run_exec("c[1-4]", "--", "[ ${HERD_NODE#c} -le 2 ] || exit 4; : '\udce9'")
        self.assertEqual(r.code, 4, r)
        self.assertIn("exit 4: c[3-4] (2)", r.err)
        with open(self.state, encoding="utf-8") as f:
            self.assertEqual(json.load(f)["nodes"], "c[3-4]")
        again = self.run_exec("--retry-failed", "--", "echo $HERD_NODE")
        self.assertEqual(again.code, 0, again)
        self.assertEqual(sorted(again.out.splitlines()), ["c3: c3", "c4: c4"])

    def test_simple_and_shell_commands_agree(self):
        direct = self.run_exec("-L", "c[1-4]", "--", "seq 1 2")
        shell = self.run_exec("-L", "c[1-4]", "--", "seq 1 2;")
        self.assertEqual(direct.code, 0, direct)
        self.assertEqual(direct.out, shell.out)
        missing = self.run_exec("c1", "--", "herd-no-such-program")
        self.assertEqual(missing.code, 127, missing)
        self.assertIn("not found", missing.err)

    def test_exclude(self):
        r = self.run_exec("-L", "-x", "c[2,4]", "c[1-4]", "--", "echo $HERD_NODE")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out, "c1: c1\nc3: c3\n")
        r = self.run_exec("-L", "-x", "@compute", "--where", "name like 'c*'", "--", "true")
        self.assertEqual((r.code, r.out), (2, ""), r)
        self.assertIn("-x @compute: leaves no node of the selection", r.err)
        r = self.run_exec("-x", "c9", "c[1-4]", "--", "true")
        self.assertEqual((r.code, r.out), (2, ""), r)
        self.assertIn("unknown node(s): c9", r.err)

    def test_no_labels(self):
        r = self.run_exec("-L", "-N", "c[1-3]", "--", "echo $HERD_NODE")
        self.assertEqual(r.out, "c1\nc2\nc3\n")
        r = self.run_exec("-b", "-N", "c[1-3]", "--", "echo same")
        self.assertEqual(r.out, "same\n")

    def test_progress_on_a_terminal_only(self):
        # stderr a terminal, output gathered for the end: a progress line there, erased
        # before the gathered output; piped stderr gets none.
        primary, secondary = pty.openpty()
        proc = subprocess.Popen([HERD, "run", "-n", "-b", "--transport", "exec", "c[1-4]", "--",
                                 "echo same"], stdout=subprocess.PIPE, stderr=secondary,
                                env=dict(os.environ, HERD_DB=self.db, HERD_RUN_STATE=self.state))
        os.close(secondary)
        terminal = b""
        while True:
            ready, _, _ = select.select([primary], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the child side is closed
                break
            if not chunk:
                break
            terminal += chunk
        out, _ = proc.communicate(timeout=60)
        os.close(primary)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(out, b"---------------\nc[1-4] (4)\n---------------\nsame\n")
        self.assertIn(b"herd run: 4/4 nodes done", terminal)
        self.assertTrue(terminal.endswith(b"\r\x1b[K"), terminal)
        piped = self.run_exec("-b", "c[1-4]", "--", "echo same")
        self.assertEqual(piped.err, "")


if __name__ == "__main__":
    unittest.main()
