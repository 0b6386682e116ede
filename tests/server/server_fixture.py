"""`herd serve` inside a network namespace, and curl as its client in the same namespace.

Network rules (docs/../shared/design.md): the server and every client run inside a
namespace this fixture creates (herd-srv-<pid>-<n>, loopback up plus a veth pair inside
it with 203.0.113.1/24); the namespace and the processes started here are removed by their
names and PIDs in the class cleanup, even when a test fails.
"""
import hashlib
import itertools
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

HERD = os.environ.get("HERD", os.path.join(os.path.dirname(__file__), "../../build/herd"))
ADDRESS = "203.0.113.1"
PORT = 8443
HOST = "frontend"  # in the server certificate's subjectAltName; curl --resolve maps it
_counter = itertools.count()


def object_file(kind: int, payload: bytes):
    """An object's name and file as docs/store-format.md describes them (raw encoding)."""
    name = hashlib.sha256(bytes([kind]) + payload).hexdigest()
    header = b"HOBJ" + bytes([1, kind, 0, 0]) + len(payload).to_bytes(8, "little")
    return name, header + payload


def _str(b: bytes) -> bytes:
    return len(b).to_bytes(4, "little") + b


def tree(entries):
    """A tree payload of (name, type, content hash, size) entries: files (1) and folders (2)."""
    out = bytes([1]) + len(entries).to_bytes(4, "little")
    for name, kind, content, size in sorted(entries, key=lambda e: e[0].encode()):
        mode = 0o644 if kind == 1 else 0o755
        out += (_str(name.encode()) + bytes([kind]) + mode.to_bytes(4, "little") + bytes(8) + _str(b"root") +
                _str(b"root") + bytes(8) + size.to_bytes(8, "little") + bytes(4) + _str(b"") + bytes(8) + bytes(4) +
                bytes.fromhex(content))
    return out


def snapshot_payload(tree_hash, parents, message, author):
    return (bytes([1]) + bytes.fromhex(tree_hash) + len(parents).to_bytes(4, "little") +
            b"".join(bytes.fromhex(p) for p in parents) + time.time_ns().to_bytes(8, "little", signed=True) +
            _str(author.encode()) + _str(message.encode()) + bytes(4))


def record(name: str, file: bytes) -> bytes:
    return bytes.fromhex(name) + len(file).to_bytes(8, "little") + file


def decode_batch(body: bytes):
    """The (name, file) records of an object batch, in order."""
    out, at = [], 0
    while at < len(body):
        name, size = body[at:at + 32].hex(), int.from_bytes(body[at + 32:at + 40], "little")
        out.append((name, body[at + 40:at + 40 + size]))
        at += 40 + size
    return out


class Reply:
    def __init__(self, status, body, headers, curl_code, err):
        self.status = status
        self.body = body
        self.headers = headers
        self.curl_code = curl_code
        self.err = err

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"HTTP {self.status} (curl {self.curl_code}) {self.body[:400]!r} {self.err}"


class ServerTestCase(unittest.TestCase):
    """One cluster, one store and one running `herd serve` for the whole class."""

    server = None

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="herd-serve-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, ignore_errors=True)
        cls.db = os.path.join(cls.dir, "herd.db")
        cls.store = os.path.join(cls.dir, "store")
        cls.pki = os.path.join(cls.dir, "pki")
        cls.ca = os.path.join(cls.pki, "ca.crt")
        r = cls.run_herd("init", "--subnet", "203.0.113.0/24", "--name", "test")
        assert r.returncode == 0, r.stderr
        with open(os.path.join(cls.pki, "admin.token")) as f:
            cls.admin = f.read().strip()

        cls.ns = f"herd-srv-{os.getpid()}-{next(_counter)}"
        subprocess.run(["ip", "netns", "add", cls.ns], check=True)
        cls.addClassCleanup(subprocess.run, ["ip", "netns", "delete", cls.ns], capture_output=True)
        cls.in_ns("ip", "link", "set", "lo", "up")
        # This kernel has no dummy links: a veth pair with both ends in the namespace
        # gives the address an interface of its own all the same.
        cls.in_ns("ip", "link", "add", "herd0", "type", "veth", "peer", "name", "herd1")
        cls.in_ns("ip", "addr", "add", f"{ADDRESS}/24", "dev", "herd0")
        cls.in_ns("ip", "link", "set", "herd0", "up")
        cls.in_ns("ip", "link", "set", "herd1", "up")
        cls.start_server()

    @classmethod
    def start_server(cls, *extra):
        cls.log = open(os.path.join(cls.dir, "serve.log"), "ab")
        cls.addClassCleanup(cls.log.close)
        cls.server = subprocess.Popen(
            ["ip", "netns", "exec", cls.ns, HERD, "serve", "--listen", f"{ADDRESS}:{PORT}", "--store", cls.store,
             "--pki", cls.pki, "--threads", "3", *extra],
            stdout=subprocess.PIPE, stderr=cls.log, env=cls.env())
        cls.addClassCleanup(cls.stop_server)
        line = cls.read_line(cls.server.stdout, 60)
        assert line == f"listening on https://{ADDRESS}:{PORT}\n", f"herd serve said {line!r}; log: {cls.server_log()}"

    @classmethod
    def stop_server(cls):
        if cls.server and cls.server.poll() is None:
            cls.server.send_signal(signal.SIGTERM)  # ip netns exec execs herd: this PID is herd
            try:
                cls.server.wait(30)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
        if cls.server:
            cls.server.stdout.close()

    @staticmethod
    def read_line(pipe, timeout):
        """One line from `pipe`, waiting at most `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        data = b""
        fd = pipe.fileno()
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 1)
            if not chunk:
                break
            data += chunk
        return data.decode()

    @classmethod
    def server_log(cls):
        with open(os.path.join(cls.dir, "serve.log"), errors="replace") as f:
            return f.read()[-3000:]

    @classmethod
    def env(cls, **extra):
        e = dict(os.environ, HERD_DB=cls.db, HERD_STORE=cls.store, HERD_PKI=cls.pki)
        e.update(extra)
        return e

    @classmethod
    def run_herd(cls, *args, env=None):
        return subprocess.run([HERD, *args], capture_output=True, text=True, env=env or cls.env(), timeout=120)

    def herd(self, *args, code=0):
        r = self.run_herd(*args)
        self.assertEqual(r.returncode, code, f"herd {' '.join(args)}: {r.stdout}\n{r.stderr}")
        return r

    @classmethod
    def in_ns(cls, *argv, **kw):
        return subprocess.run(["ip", "netns", "exec", cls.ns, *argv], check=kw.pop("check", True),
                              capture_output=True, **kw)

    def request(self, method, path, token=None, body=None, headers=(), cacert=None, extra=()):
        """One HTTPS request with curl inside the namespace."""
        work = tempfile.mkdtemp(dir=self.dir)
        out, head = os.path.join(work, "body"), os.path.join(work, "headers")
        argv = ["curl", "-sS", "--max-time", "60", "--cacert", cacert or self.ca, "--resolve", f"{HOST}:{PORT}:{ADDRESS}",
                "-X", method, "-o", out, "-D", head, "-w", "%{http_code}", *extra]
        if token:
            argv += ["-H", f"Authorization: Bearer {token}"]
        for h in headers:
            argv += ["-H", h]
        if body is not None:
            argv += ["--data-binary", "@-", "-H", "Expect:"]
        argv.append(f"https://{HOST}:{PORT}{path}")
        p = self.in_ns(*argv, input=body if isinstance(body, (bytes, type(None))) else body.encode(), check=False)
        status = int(p.stdout.decode() or 0)
        data = b""
        if os.path.exists(out):
            with open(out, "rb") as f:
                data = f.read()
        hdrs = {}
        if os.path.exists(head):
            with open(head, errors="replace") as f:
                for line in f:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        hdrs[k.strip().lower()] = v.strip()
        shutil.rmtree(work, ignore_errors=True)
        return Reply(status, data, hdrs, p.returncode, p.stderr.decode(errors="replace"))

    def expect(self, status, method, path, **kw):
        r = self.request(method, path, **kw)
        self.assertEqual(r.status, status, f"{method} {path}: {r}")
        return r

    # Store and enrollment helpers.

    def upload(self, token, objects, status=200):
        """Uploads {name: file} as one request."""
        body = b"".join(record(n, f) for n, f in objects.items())
        return self.expect(status, "POST", "/api/v1/objects", token=token, body=body)

    def checkpoint(self, node, files, parents=()):
        """A snapshot of /etc/app holding `files` ({name: text}), encoded here as
        docs/store-format.md describes trees and snapshots (independent of how `herd track`
        keeps its own store): returns (snapshot hash, {name: object file})."""
        objects = {}

        def put(kind, payload):
            name, file = object_file(kind, payload)
            objects[name] = file
            return name

        app = [(name, 1, put(1, text.encode()), len(text.encode())) for name, text in files.items()]
        etc = [("app", 2, put(3, tree(app)), 0)]
        root = [("etc", 2, put(3, tree(etc)), 0)]
        snapshot = put(4, snapshot_payload(put(3, tree(root)), parents, f"checkpoint of {node}", f"root@{node}"))
        return snapshot, objects

    def join_token(self, *args):
        out = self.herd("token", "create", "--json", *args).stdout
        return json.loads(out)

    def enroll(self, token, hostname, macs, status=200):
        body = json.dumps({"join_token": token, "hostname": hostname, "macs": macs})
        return self.expect(status, "POST", "/api/v1/enroll", body=body)

    def set_token_field(self, token_id, field, value):
        db = sqlite3.connect(self.db)
        with db:
            db.execute(f"UPDATE join_tokens SET {field} = ? WHERE id = ?", (value, token_id))
        db.close()
