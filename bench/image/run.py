#!/usr/bin/env python3
"""bench/image: herd's golden images against what SystemImager does, rsync, side by side on
the same data in one run.

Two network namespaces joined by a veth: the frontend (203.0.113.1) runs `herd serve` and
an rsync daemon exporting the image folder; the nodes' namespace (203.0.113.2) runs the
clients, each into a root folder of its own. Data: bench/track's tree (make-data.py: 20,000
files, ~1.15 GB; --small: 1/20) and its 1% change (change.py).

  capture      herd image capture --root DATA     vs rsync -aHAX --numeric-ids DATA/ IMAGE/
  deploy       herd image update into an empty root vs rsync -aHAX --numeric-ids --delete
               rsync://frontend/image/ ROOT/ (si_updateclient)
  no-change    the same again (herd: median of 3)
  verify       herd image update --verify with nothing changed, vs rsync's no-change
  after 1%     recapture, then the update: time and bytes on the wire (herd: object bytes
               fetched; rsync: total bytes received, from --stats)
  fleet N      N clients updating to the changed revision at once from the one frontend
               (N = 16, 32; each from the first revision): wall time and the frontend's CPU
               seconds (herd serve's, vs the rsync daemon's and its children's)

Caches are warm for every tool alike; `sync` runs before each timed step, and each rsync
step is timed to durable, as herd's are (rsync, then `sync`; herd syncs before it records
the revision), so neither pays for the other's write-back.
Usage: bench/image/run.sh [--small] [--fleet N,N]   (root; $HERD or build/herd)
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HERD = os.environ.get("HERD", os.path.join(REPO, "build", "herd"))
FE_IP, NODE_IP = "203.0.113.1", "203.0.113.2"
PORT_RSYNC = 8873


def sh(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r


def timed(argv, **kw):
    subprocess.run(["sync"])
    t = time.perf_counter()
    r = sh(argv, **kw)
    return time.perf_counter() - t, r


def cpu_seconds(pid):
    """utime + stime + reaped children's, of `pid`, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / os.sysconf("SC_CLK_TCK")


class Bench:
    def __init__(self, args):
        self.args = args
        base = "/var/tmp"
        self.work = tempfile.mkdtemp(prefix="herd-bench-image-", dir=base)
        self.tag = f"{os.getpid() % 100000}"
        self.fe, self.nodes = f"herd-bimg-fe-{self.tag}", f"herd-bimg-nd-{self.tag}"
        self.procs = []
        self.data = os.path.join(self.work, "data")
        self.image = os.path.join(self.work, "rsync-image")
        self.fleet_data = os.path.join(self.work, "fleet-data")
        self.fleet_image = os.path.join(self.work, "rsync-fleet")
        self.store = os.path.join(self.work, "fe", "store")
        self.env = dict(os.environ, HERD_DB=os.path.join(self.work, "fe", "herd.db"), HERD_STORE=self.store)
        self.env.pop("HERD_PKI", None)

    # --- set-up and tear-down
    def ip(self, *args):
        sh(["ip", *args])

    def start(self):
        os.makedirs(os.path.join(self.work, "fe"))
        self.ip("netns", "add", self.fe)
        self.ip("netns", "add", self.nodes)
        for ns in (self.fe, self.nodes):
            self.ip("-n", ns, "link", "set", "lo", "up")
        self.ip("-n", self.fe, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", self.nodes)
        self.ip("-n", self.fe, "addr", "add", f"{FE_IP}/24", "dev", "v0")
        self.ip("-n", self.nodes, "addr", "add", f"{NODE_IP}/24", "dev", "v1")
        self.ip("-n", self.fe, "link", "set", "v0", "up")
        self.ip("-n", self.nodes, "link", "set", "v1", "up")
        sh([HERD, "init", "--subnet", "203.0.113.0/24", "--name", "bench"], env=self.env)
        self.server = subprocess.Popen(
            ["ip", "netns", "exec", self.fe, HERD, "serve", "--listen", f"{FE_IP}:8443", "--store", self.store],
            stdout=subprocess.PIPE, stderr=open(os.path.join(self.work, "serve.log"), "w"), text=True, env=self.env)
        self.procs.append(self.server)
        watchdog = threading.Timer(60, self.server.kill)
        watchdog.start()
        line = self.server.stdout.readline()
        watchdog.cancel()
        if not line.startswith("listening on"):
            raise RuntimeError(f"herd serve did not start: {line!r}")
        # The server's own pid: `ip netns exec` execs herd in place.
        self.server_pid = self.server.pid
        os.makedirs(self.image)
        os.makedirs(self.fleet_image)
        conf = os.path.join(self.work, "rsyncd.conf")
        with open(conf, "w") as f:
            f.write(f"pid file = {self.work}/rsyncd.pid\nuse chroot = no\nnumeric ids = yes\n"
                    f"[image]\n  path = {self.image}\n  read only = yes\n  uid = root\n  gid = root\n"
                    f"[fleet]\n  path = {self.fleet_image}\n  read only = yes\n  uid = root\n  gid = root\n")
        self.rsyncd = subprocess.Popen(["ip", "netns", "exec", self.fe, "rsync", "--daemon", "--no-detach",
                                        f"--address={FE_IP}", f"--port={PORT_RSYNC}", f"--config={conf}"],
                                       stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.work, "rsyncd.log"), "w"))
        self.procs.append(self.rsyncd)
        deadline = time.time() + 30
        while sh_ok(["ip", "netns", "exec", self.nodes, "rsync", f"rsync://{FE_IP}:{PORT_RSYNC}/"]) is False:
            if time.time() > deadline or self.rsyncd.poll() is not None:
                raise RuntimeError("the rsync daemon did not start")
        # One enrolled agent; every client root uses its credential.
        token = json.loads(sh([HERD, "token", "create", "--server", f"https://{FE_IP}:8443", "--uses", "1", "--json"],
                              env=self.env).stdout)
        self.agent = os.path.join(self.work, "agent")
        enroll_root = os.path.join(self.work, "enroll-root")
        os.makedirs(enroll_root)
        r = self.node(["track", "init", "--server", f"https://{FE_IP}:8443", "--join-token", token["token"],
                       "--ca-sha256", token["ca_sha256"], "--root", enroll_root])
        self.node_name = r.stdout.strip()
        sh([HERD, "attr", "set", "image", "bench", "--node", self.node_name], env=self.env)

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for ns in (self.fe, self.nodes):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(self.work, ignore_errors=True)

    # --- the clients
    def node_env(self):
        env = {k: v for k, v in os.environ.items() if k not in ("HERD_STORE", "HERD_DB")}
        env["HERD_AGENT_DIR"] = self.agent
        return env

    def node(self, argv):
        return sh(["ip", "netns", "exec", self.nodes, HERD, *argv], env=self.node_env())

    def herd_update(self, root, *extra):
        t, r = timed(["ip", "netns", "exec", self.nodes, HERD, "image", "update", "--root", root, "--json", *extra],
                     env=self.node_env())
        return t, json.loads(r.stdout)

    def rsync_update(self, root, module="image"):
        t, r = timed(["ip", "netns", "exec", self.nodes, "sh", "-c",
                      f"rsync -aHAX --numeric-ids --delete --stats rsync://{FE_IP}:{PORT_RSYNC}/{module}/ {root}/ && sync"])
        received = 0
        for line in r.stdout.splitlines():
            if line.startswith("Total bytes received:"):
                received = int(line.split(":")[1].replace(",", "").strip())
        return t, received

    def capture(self, image="bench", data=None, copy=None):
        data, copy = data or self.data, copy or self.image
        t_herd, r = timed([HERD, "image", "capture", image, "--root", data, "--json"], env=self.env)
        t_rsync, _ = timed(["sh", "-c", f"rsync -aHAX --numeric-ids --delete {data}/ {copy}/ && sync"])
        return t_herd, t_rsync, json.loads(r.stdout)["revision"]

    # --- the run
    def run(self):
        a = self.args
        scale = "20" if a.small else "1"
        sh(["python3", os.path.join(REPO, "bench", "track", "make-data.py"), self.data, "--seed", "1", "--scale", scale])
        files = sum(len(f) for _, _, f in os.walk(self.data))
        size = int(sh(["du", "-sb", self.data]).stdout.split()[0])
        self.start()
        res = {}
        res["capture"] = self.capture()[:2]
        herd_root, rsync_root = os.path.join(self.work, "herd-root"), os.path.join(self.work, "rsync-root")
        os.makedirs(herd_root)
        os.makedirs(rsync_root)
        t, out = self.herd_update(herd_root)
        res["deploy"] = (t, self.rsync_update(rsync_root)[0])
        nochange_herd, nochange_rsync, verify = [], [], []
        for _ in range(3):
            nochange_herd.append(self.herd_update(herd_root)[0])
            nochange_rsync.append(self.rsync_update(rsync_root)[0])
            verify.append(self.herd_update(herd_root, "--verify")[0])
        res["no-change"] = (statistics.median(nochange_herd), statistics.median(nochange_rsync))
        res["verify no-change"] = (statistics.median(verify), statistics.median(nochange_rsync))
        sh(["python3", os.path.join(REPO, "bench", "track", "change.py"), self.data, "--seed", "1", "--scale", scale])
        t_herd, t_rsync, _ = self.capture()
        res["recapture after 1%"] = (t_herd, t_rsync)
        t_h, out = self.herd_update(herd_root)
        t_r, received = self.rsync_update(rsync_root)
        res["update after 1%"] = (t_h, t_r)
        wire = (out["bytes_fetched"], received)
        for root in (herd_root, rsync_root):
            shutil.rmtree(root)
        fleet_res = {}
        fleet = [int(n) for n in a.fleet.split(",") if n]
        if fleet:
            fleet_res = self.fleet_runs(fleet)
        self.report(files, size, res, wire, fleet_res)

    def fleet_runs(self, sizes):
        """Fleets update a small tree (bench/track's at 1/20, its own seed): revision 1 into
        a base root each way, the change, revision 2, then N copies of the base at once."""
        sh(["python3", os.path.join(REPO, "bench", "track", "make-data.py"), self.fleet_data, "--seed", "2",
            "--scale", "20"])
        self.capture("fleet", self.fleet_data, self.fleet_image)
        sh([HERD, "attr", "set", "image", "fleet", "--node", self.node_name], env=self.env)
        herd_base, rsync_base = os.path.join(self.work, "fleet-herd-base"), os.path.join(self.work, "fleet-rsync-base")
        os.makedirs(herd_base)
        os.makedirs(rsync_base)
        self.herd_update(herd_base)
        self.rsync_update(rsync_base, "fleet")
        sh(["python3", os.path.join(REPO, "bench", "track", "change.py"), self.fleet_data, "--seed", "2", "--scale", "20"])
        self.capture("fleet", self.fleet_data, self.fleet_image)
        self.fleet_size = int(sh(["du", "-sb", self.fleet_data]).stdout.split()[0])
        return {n: self.fleet(n, herd_base, rsync_base) for n in sizes}

    def fleet(self, n, herd_base, rsync_base):
        herd_roots, rsync_roots = [], []
        for k in range(n):
            h, r = os.path.join(self.work, f"f{n}-herd-{k}"), os.path.join(self.work, f"f{n}-rsync-{k}")
            sh(["cp", "-a", herd_base, h])
            sh(["cp", "-a", rsync_base, r])
            herd_roots.append(h)
            rsync_roots.append(r)

        def wave(argvs):
            subprocess.run(["sync"])
            t = time.perf_counter()
            procs = [subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.node_env())
                     for argv in argvs]
            for p in procs:
                _, err = p.communicate()
                if p.returncode != 0:
                    raise RuntimeError(f"a fleet client failed: {err.decode()[-1000:]}")
            return time.perf_counter() - t

        cpu0 = cpu_seconds(self.server_pid)
        t_herd = wave([["ip", "netns", "exec", self.nodes, HERD, "image", "update", "--root", r, "--json"]
                       for r in herd_roots])
        cpu_herd = cpu_seconds(self.server_pid) - cpu0
        cpu0 = cpu_seconds(self.rsyncd.pid)
        t_rsync = wave([["ip", "netns", "exec", self.nodes, "rsync", "-aHAX", "--numeric-ids", "--delete",
                         f"rsync://{FE_IP}:{PORT_RSYNC}/fleet/", r + "/"] for r in rsync_roots] + [["sync"]])
        cpu_rsync = cpu_seconds(self.rsyncd.pid) - cpu0
        for r in herd_roots + rsync_roots:
            shutil.rmtree(r, ignore_errors=True)
        return t_herd, t_rsync, cpu_herd, cpu_rsync

    def report(self, files, size, res, wire, fleet):
        goals = {"capture": 1.2, "deploy": 1.0, "no-change": 0.5, "verify no-change": 1.0, "update after 1%": 1.0}
        print(f"image benchmark: {files} files, {size / 1e6:.1f} MB; herd serve and an rsync daemon on one "
              f"frontend namespace, clients in another")
        print(f"  {'':24} {'herd s':>9} {'rsync s':>9} {'ratio':>8} {'goal':>7}")
        for key, (h, r) in res.items():
            goal = goals.get(key)
            ratio = h / r if r > 0 else float("inf")
            verdict = "" if goal is None else ("met" if ratio <= goal else "NOT met")
            print(f"  {key:24} {h:9.3f} {r:9.3f} {ratio:7.2f}x {'<= ' + str(goal) + 'x' if goal else '':>7} {verdict}")
        h, r = wire
        ratio = h / r if r else float("inf")
        print(f"  {'wire bytes after 1%':24} {h / 1e6:8.2f}M {r / 1e6:8.2f}M {ratio:7.2f}x {'<= 3x':>7} "
              f"{'met' if ratio <= 3 else 'NOT met'}")
        if fleet:
            print(f"  fleets: {self.fleet_size / 1e6:.1f} MB trees, each client from revision 1 to 2 (the 1% change)")
        for n, (th, tr, ch, cr) in fleet.items():
            print(f"  fleet of {n:<3} wall        {th:9.3f} {tr:9.3f} {th / tr:7.2f}x {'<= 1x':>7} "
                  f"{'met' if th <= tr else 'NOT met'}")
            print(f"  fleet of {n:<3} server CPU  {ch:9.3f} {cr:9.3f} {ch / cr if cr else 0:7.2f}x {'<= 0.33x':>7} "
                  f"{'met' if ch <= cr / 3 else 'NOT met'}")


def sh_ok(argv):
    return subprocess.run(argv, capture_output=True).returncode == 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--small", action="store_true", help="1/20 of the data, a quick check")
    p.add_argument("--fleet", default="16,32", help="fleet sizes, comma-separated (default 16,32; '' for none)")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/image needs root (network namespaces)")
    b = Bench(args)
    try:
        b.run()
    finally:
        b.stop()


if __name__ == "__main__":
    main()
