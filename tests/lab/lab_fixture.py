"""A lab of N nodes for integration tests, in one line.

    class MyTest(LabTestCase):
        lab_nodes = 4              # optional: lab_dhcp = "kea"

        def test_something(self):
            self.assertEqual(self.lab.ssh("compute-0-0", "hostname").out.strip(), "compute-0-0")

Each lab gets its own name, inventory (HERD_DB) and lab folder (HERD_LAB_DIR) in a
scratch folder; the debootstrap root is shared through herd's cache. Tearing down checks
that nothing is left on the host: no namespace, no process inside one, no mount.
Needs root, as CI runs it.
"""
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from herd_cli import HERD, Result  # noqa: E402  (the CLI tests' runner and result)

_serial = itertools.count()


def netns_inode(name):
    try:
        return os.stat(f"/run/netns/{name}").st_ino
    except FileNotFoundError:
        return None


def lab_namespaces(name):
    try:
        return sorted(n for n in os.listdir("/run/netns") if n.startswith(f"herd-{name}-"))
    except FileNotFoundError:
        return []


def processes_in(namespaces):
    """PIDs of processes whose network namespace is one of `namespaces`."""
    inodes = {netns_inode(n) for n in namespaces} - {None}
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}/ns/net").st_ino in inodes:
                found.append(int(entry))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return found


def mounts_under(path):
    with open("/proc/self/mountinfo") as f:
        return [line for line in f if path in line]


class Lab:
    """A lab brought up on enter and taken down (and checked clean) on exit."""

    def __init__(self, nodes=3, dhcp="dnsmasq", name=None):
        self.nodes = nodes
        self.dhcp = dhcp
        self.name = name or f"t{os.getpid() % 100000}n{next(_serial)}"
        self.dir = tempfile.mkdtemp(prefix="herd-lab-")
        self.db = os.path.join(self.dir, "herd.db")
        self.labs = os.path.join(self.dir, "labs")
        self.env = dict(os.environ, HERD_DB=self.db, HERD_LAB_DIR=self.labs)
        # The store of the frontend's herd serve.
        self.store = os.path.join(self.labs, self.name, "store")

    def herd(self, *args, env=None, timeout=600, input=None):
        full_env = dict(self.env)
        full_env.update(env or {})
        proc = subprocess.run([HERD, *args], capture_output=True, text=True, env=full_env, timeout=timeout,
                              input=input)
        return Result(proc)

    def ok(self, *args, **kw):
        r = self.herd(*args, **kw)
        if r.code != 0:
            raise AssertionError(f"herd {' '.join(args)} failed: {r}")
        return r

    def up(self, **kw):
        return self.ok("lab", "up", "--name", self.name, "--nodes", str(self.nodes), "--dhcp", self.dhcp, **kw)

    def down(self):
        return self.ok("lab", "down", "--name", self.name)

    def status(self):
        return self.herd("lab", "status", "--name", self.name, "--json")

    def node_names(self):
        return [f"compute-0-{k}" for k in range(self.nodes)]

    def ssh(self, node, command):
        return self.herd("lab", "ssh", "--name", self.name, node, "--", command, timeout=60)

    def exec(self, member, *argv):
        return self.herd("lab", "exec", "--name", self.name, member, "--", *argv, timeout=60)

    def inventory(self):
        """{node name: (mac, ip)} on the lab network, from `herd node list --json`."""
        nodes = self.ok("node", "list", "--json").json()
        out = {}
        for node in nodes:
            for iface in node["interfaces"]:
                if iface["ip"].startswith("198.51.100.") or iface["ip"].startswith("203.0.113."):
                    out[node["name"]] = (iface["mac"], iface["ip"])
        return out

    def leftovers(self):
        """What of this lab is still on the host; empty when it is fully gone."""
        namespaces = lab_namespaces(self.name)
        return {"namespaces": namespaces, "processes": processes_in(namespaces),
                "mounts": mounts_under(self.labs)}

    def __enter__(self):
        try:
            self.up()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        try:
            self.herd("lab", "down", "--name", self.name)
            left = self.leftovers()
            if any(left.values()):
                raise AssertionError(f"lab {self.name} left things behind: {left}")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
        return False


class LabTestCase(unittest.TestCase):
    """A test class sharing one lab of `lab_nodes` nodes, brought up once."""

    lab_nodes = 3
    lab_dhcp = "dnsmasq"

    @classmethod
    def setUpClass(cls):
        # Not a skip: CI runs as root, and a lab test that quietly did not run proves nothing.
        if os.geteuid() != 0:
            raise AssertionError("lab tests need root (network namespaces, mounts)")
        cls.lab = Lab(nodes=cls.lab_nodes, dhcp=cls.lab_dhcp).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.lab.__exit__(None, None, None)
