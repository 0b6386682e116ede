"""A real `herd serve` inside a network namespace, and nodes that talk to it.

Each test class gets a namespace herd-rmt-<pid>-<n> with lo up and a dummy interface
d0 (a veth whose peer d1 is in the namespace too) holding 203.0.113.1/24, a fresh inventory (`herd init --subnet 203.0.113.0/24`, so
the frontend is 203.0.113.1 and the server certificate names it) and the server on
203.0.113.1:8443. Every herd command of a node runs inside the namespace (`ip netns
exec`); `ip netns exec` mounts the namespace's own /sys, so the MACs a node reports are
d0's and d1's, and a test gives each node its own by setting them before enrolling.
Only the server's PID is ever signalled; the namespace is deleted in tearDownClass.
Needs root and iproute2, as CI runs it.
"""
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from herd_cli import HERD, start_serve  # noqa: E402

OLD = 1577836800  # 2020-01-01: mtimes safely older than any stat cache
SERVER_IP = "203.0.113.1"
_serial = itertools.count()
_macs = itertools.count(1)


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=kw.pop("timeout", 180), **kw)


def usable():
    """Why these tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    if shutil.which("ip") is None:
        return "needs iproute2"
    if not os.path.exists(HERD):
        return f"no herd binary at {HERD}"
    r = run([HERD, "serve", "--help"])
    if r.returncode != 0:
        return "this herd has no `herd serve`"
    return None


class Node:
    """One node: its own root, agent folder (and so its own store and credential)."""

    def __init__(self, case, name):
        self.case = case
        self.name = name  # the name it asks for; enroll() sets what the server gave
        self.dir = os.path.join(case.dir, "node-" + name)
        self.root = os.path.join(self.dir, "root")
        self.agent = os.path.join(self.dir, "agent")
        os.makedirs(self.root)
        self.write("/etc/hostname", name + "\n")

    def write(self, path, data, mode=0o644):
        full = self.root + path
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.chmod(full, mode)
        os.utime(full, (OLD, OLD))

    def herd(self, *args, env=None):
        full_env = {k: v for k, v in os.environ.items() if k != "HERD_STORE"}
        full_env.update(HERD_AGENT_DIR=self.agent, HERD_DB=os.path.join(self.dir, "no.db"),
                        HERD_PKI=os.path.join(self.dir, "no-pki"))
        full_env.update(env or {})
        return run(["ip", "netns", "exec", self.case.ns, HERD, *args], env=full_env)

    def ok(self, *args, **kw):
        r = self.herd(*args, **kw)
        self.case.assertEqual(r.returncode, 0, f"herd {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r

    def enroll(self):
        """Gives d0 a MAC of its own, then `herd track init` with a fresh join token."""
        self.case.set_mac()
        token = self.case.join_token()
        r = self.ok("track", "init", "--server", self.case.url, "--join-token", token["token"],
                    "--ca-sha256", token["ca_sha256"], "--root", self.root)
        self.name = r.stdout.strip()
        return self.name

    def checkpoint(self, message="test"):
        return json.loads(self.ok("track", "checkpoint", "--root", self.root, "--node", self.name,
                                  "-m", message, "--json").stdout)

    def push(self, *args, env=None):
        return json.loads(self.ok("track", "push", "--json", *args, env=env).stdout)


class ServerTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        why = usable()
        if why:
            raise unittest.SkipTest(why)
        cls.dir = tempfile.mkdtemp(prefix="herd-remote-")
        cls.ns = f"herd-rmt-{os.getpid()}-{next(_serial)}"
        cls.server = None
        cls.db = os.path.join(cls.dir, "herd.db")
        cls.store = os.path.join(cls.dir, "server-store")
        cls.url = f"https://{SERVER_IP}:8443"
        try:
            cls._start()
        except BaseException:
            cls._stop()
            raise

    @classmethod
    def _ip(cls, *args):
        r = run(["ip", *args])
        if r.returncode != 0:
            raise RuntimeError(f"ip {' '.join(args)}: {r.stderr}")

    @classmethod
    def admin(cls, *args):
        """herd on the frontend's files (no network: runs in the root namespace)."""
        env = dict(os.environ, HERD_DB=cls.db, HERD_STORE=cls.store)
        env.pop("HERD_PKI", None)
        return run([HERD, *args], env=env)

    @classmethod
    def _start(cls):
        cls._ip("netns", "add", cls.ns)
        cls._ip("-n", cls.ns, "link", "set", "lo", "up")
        # A veth pair with both ends in the namespace (this kernel may lack dummy links).
        cls._ip("-n", cls.ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        cls._ip("-n", cls.ns, "addr", "add", f"{SERVER_IP}/24", "dev", "d0")
        cls._ip("-n", cls.ns, "link", "set", "d0", "up")
        cls._ip("-n", cls.ns, "link", "set", "d1", "up")
        r = cls.admin("init", "--subnet", "203.0.113.0/24", "--name", "rmt")
        if r.returncode != 0:
            raise RuntimeError(f"herd init: {r.stdout}{r.stderr}")
        env = dict(os.environ, HERD_DB=cls.db)
        env.pop("HERD_PKI", None)
        cls.server_log = open(os.path.join(cls.dir, "server.log"), "w")
        cls.server, line = start_serve(
            ["ip", "netns", "exec", cls.ns, HERD, "serve", "--listen", f"{SERVER_IP}:8443", "--store", cls.store],
            cls.server_log, env)
        if not line.startswith("listening on https://"):
            raise RuntimeError(f"herd serve did not start: {line!r}\n{cls.log()}")

    @classmethod
    def log(cls):
        try:
            with open(os.path.join(cls.dir, "server.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    @classmethod
    def object_requests(cls):
        """(GET /objects/HASH, POST /objects/fetch) requests in the server's log so far."""
        with open(os.path.join(cls.dir, "server.log")) as f:
            log = f.read()
        return log.count(" GET /api/v1/objects/"), log.count(" POST /api/v1/objects/fetch ")

    @classmethod
    def _stop(cls):
        if cls.server is not None:
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
            cls.server.stdout.close()
            cls.server_log.close()
        run(["ip", "netns", "del", cls.ns])
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls._stop()

    def set_mac(self):
        """New MACs for d0 and d1: the next node enrolling is new hardware."""
        for link in ("d0", "d1"):
            n = next(_macs)
            self._ip("-n", self.ns, "link", "set", link, "address",
                     f"02:00:5e:{os.getpid() % 256:02x}:{n // 256:02x}:{n % 256:02x}")

    def join_token(self):
        r = self.admin("token", "create", "--server", self.url, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout)

    def server_ref(self, node):
        try:
            with open(os.path.join(self.store, "refs", "checkpoints", node)) as f:
                return f.read().strip()
        except FileNotFoundError:
            return None

    def assert_server_store_whole(self):
        r = self.admin("store", "fsck", "--store", self.store, "--json")
        self.assertEqual(r.returncode, 0, f"server store fsck:\n{r.stdout}\n{r.stderr}")
        self.assertTrue(json.loads(r.stdout)["ok"])
