"""Runs the built `herd` binary against a scratch inventory, as a user would."""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest

HERD = os.environ.get("HERD", os.path.join(os.path.dirname(__file__), "../../build/herd"))


def start_serve(argv, stderr, env=None, timeout=60):
    """Starts `argv` (herd serve, perhaps under `ip netns exec`) with stderr to `stderr` and
    waits for its first line on stdout ("listening on URL"), not for a time: returns the
    process and that line ("" when the server died, or said nothing within `timeout`
    seconds and a watchdog killed it)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        line = proc.stdout.readline()
    finally:
        watchdog.cancel()
    return proc, line


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


class HerdTestCase(unittest.TestCase):
    """Each test gets a fresh folder and a cluster made by `herd init`."""

    init_args = ["--subnet", "198.51.100.0/24", "--name", "test"]

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="herd-cli-")
        self.db = os.path.join(self.dir, "herd.db")
        if self.init_args is not None:
            self.ok("init", *self.init_args)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def herd(self, *args, input=None, env=None):
        full_env = dict(os.environ, HERD_DB=self.db)
        full_env.update(env or {})
        proc = subprocess.run([HERD, *args], input=input, capture_output=True, text=True, env=full_env, timeout=120)
        return Result(proc)

    def ok(self, *args, **kw):
        r = self.herd(*args, **kw)
        self.assertEqual(r.code, 0, f"herd {' '.join(args)} failed: {r}")
        return r

    def bad(self, *args, expect=None, code=2, **kw):
        """Runs a command that must fail with `code` and a message containing `expect`."""
        r = self.herd(*args, **kw)
        self.assertEqual(r.code, code, f"herd {' '.join(args)}: {r}")
        self.assertEqual(r.out, "", "errors go to stderr only")
        if expect:
            self.assertIn(expect, r.err)
        return r

    def snapshot(self):
        """The inventory's content, to prove a failed command wrote nothing."""
        return self.ok("node", "list", "--json").out + self.ok("attr", "list", "--json", "--secrets").out + \
            self.ok("group", "list", "--json").out + self.ok("network", "list", "--json").out
