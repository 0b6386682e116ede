"""The node side against the real `herd serve`: enrollment with a pinned CA, push (only
missing objects move), restore of a node into an empty root from the server, node
isolation, and kill -9 of a push at each step."""
import hashlib
import json
import os
import stat
import unittest

from remote_fixture import OLD, Node, ServerTestCase


def tree_of(root):
    """path -> (kind, mode, uid, gid, mtime, content or link target) beneath root."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            full = os.path.join(folder, name)
            st = os.lstat(full)
            rel = os.path.relpath(full, root)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(full)
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    data = f.read()
            else:
                data = None
            mtime = None if stat.S_ISDIR(st.st_mode) else st.st_mtime_ns
            out[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, mtime, data)
    return out


class EnrollTest(ServerTestCase):
    def test_a_wrong_pin_is_refused_and_saves_nothing(self):
        node = Node(self, "pin-bad")
        self.set_mac()
        token = self.join_token()
        wrong = token["ca_sha256"][:-1] + ("0" if token["ca_sha256"][-1] != "0" else "1")
        r = node.herd("track", "init", "--server", self.url, "--join-token", token["token"], "--ca-sha256", wrong,
                      "--root", node.root)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("not the pinned", r.stderr)
        self.assertIn(wrong, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(node.agent, "agent.json")))

    def test_a_right_pin_enrolls_and_saves_the_agent_state(self):
        node = Node(self, "pin-good")
        name = node.enroll()
        self.assertTrue(name)
        config = os.path.join(node.agent, "agent.json")
        self.assertEqual(stat.S_IMODE(os.stat(config).st_mode), 0o600)
        with open(config) as f:
            agent = json.load(f)
        self.assertEqual(agent["server"], self.url)
        self.assertEqual(agent["node"], name)
        self.assertTrue(agent["token"].startswith("herd-node."))
        with open(os.path.join(node.agent, "ca.crt"), "rb") as f:
            pem = f.read()
        self.assertEqual(hashlib.sha256(pem).hexdigest(), self.join_token()["ca_sha256"])
        # The node is in the inventory, with d0's MAC.
        r = self.admin("node", "show", name, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_a_ca_file_instead_of_a_pin(self):
        node = Node(self, "ca-file")
        self.set_mac()
        token = self.join_token()
        ca = os.path.join(self.dir, "pki", "ca.crt")
        r = node.ok("track", "init", "--server", self.url, "--join-token", token["token"], "--ca", ca,
                    "--root", node.root, "--json")
        self.assertEqual(json.loads(r.stdout)["node"], "ca-file")
        with open(ca, "rb") as a, open(os.path.join(node.agent, "ca.crt"), "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_a_bad_join_token_fails_naming_the_server(self):
        node = Node(self, "tok-bad")
        token = self.join_token()
        r = node.herd("track", "init", "--server", self.url, "--join-token", token["token"] + "x",
                      "--ca-sha256", token["ca_sha256"], "--root", node.root)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("401", r.stderr)
        self.assertIn(self.url, r.stderr)


class PushRestoreTest(ServerTestCase):
    def populate(self, node):
        node.write("/etc/hosts", "127.0.0.1 localhost\n")
        node.write("/etc/ssh/sshd_config", "PermitRootLogin no\n", 0o600)
        node.write("/etc/app/deep/config.ini", "a = 1\n", 0o640)
        node.write("/etc/big.bin", os.urandom(400 * 1024))
        for i in range(30):
            node.write(f"/opt/tool/lib/f{i}.txt", f"file {i}\n" * (i + 1))
        os.symlink("../opt/tool", node.root + "/etc/tool-link")
        os.makedirs(node.root + "/root/.ssh", exist_ok=True)
        node.write("/root/.ssh/authorized_keys", "ssh-ed25519 AAAA test\n", 0o600)
        os.chmod(node.root + "/root/.ssh", 0o700)

    def test_push_sends_only_missing_objects_and_restore_rebuilds_the_root(self):
        node = Node(self, "pr-1")
        self.populate(node)
        node.enroll()
        first = node.checkpoint("first")
        r = node.push()
        self.assertIsNone(r["before"])
        self.assertEqual(r["head"], first["id"])
        self.assertGreater(r["objects_sent"], 30)
        self.assertGreater(r["bytes_sent"], 400 * 1024 // 2)
        self.assertEqual(self.server_ref(node.name), first["id"])
        self.assertTrue(node.push()["up_to_date"])

        node.write("/etc/app/deep/config.ini", "a = 2\n", 0o640)
        second = node.checkpoint("second")
        r = node.push()
        self.assertEqual(r["before"], first["id"])
        self.assertEqual(r["checkpoints"], 1)
        # The new blob, the /etc/app/deep, /etc/app, /etc and / trees, the snapshot.
        self.assertLessEqual(r["objects_sent"], 6, r)
        self.assertGreaterEqual(r["objects_sent"], 3, r)
        self.assertEqual(self.server_ref(node.name), second["id"])
        self.assert_server_store_whole()

        # Disaster recovery: a freshly installed machine (new agent folder, empty store,
        # empty root) enrolls again and restores the node from the server.
        fresh = Node(self, "pr-1-reinstalled")
        token = self.join_token()  # same hardware: d0 keeps the node's MAC
        fresh.ok("track", "init", "--server", self.url, "--join-token", token["token"],
                 "--ca-sha256", token["ca_sha256"], "--node", node.name, "--root", fresh.root)
        empty = os.path.join(fresh.dir, "empty-root")
        os.makedirs(empty)
        requests_before = self.object_requests()
        r = fresh.herd("track", "restore", "--node", node.name, "latest", "--root", empty)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("pulled checkpoints/" + node.name, r.stderr)
        # A folder's objects come in one request: one GET for each snapshot and its package
        # list, POST /objects/fetch for the rest.
        gets, fetches = (after - before for after, before in zip(self.object_requests(), requests_before))
        self.assertLessEqual(gets, 4)
        self.assertGreaterEqual(fetches, 1)
        self.assertEqual(tree_of(empty), tree_of(node.root))
        # The pulled history is the node's: its log shows both checkpoints.
        log = json.loads(fresh.ok("track", "log", "--node", node.name, "--root", empty, "--json").stdout)
        self.assertEqual([c["id"] for c in log], [second["id"], first["id"]])
        # And the reinstalled node carries on pushing from there.
        with open(empty + "/etc/hosts", "a") as f:
            f.write("10.0.0.1 head\n")
        fresh.root = empty
        fresh.name = node.name
        third = fresh.checkpoint("after reinstall")
        r = fresh.push()
        self.assertEqual(r["before"], second["id"])
        self.assertEqual(r["head"], third["id"])
        self.assertLessEqual(r["objects_sent"], 4, r)

    def test_a_history_the_server_lacks_is_not_pushed_over_its_own(self):
        node = Node(self, "pr-2")
        self.populate(node)
        node.enroll()
        node.checkpoint("first")
        node.push()
        # Another machine with the same name pushes a history of its own: refused.
        other = Node(self, "pr-2-other")
        other.write("/etc/motd", "other\n")
        token = self.join_token()  # same MAC, same name: the server sees the same node
        other.ok("track", "init", "--server", self.url, "--join-token", token["token"],
                 "--ca-sha256", token["ca_sha256"], "--node", node.name, "--root", other.root)
        other.name = node.name
        other.checkpoint("mine")
        r = other.herd("track", "push")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("not in this node's history", r.stderr)
        self.assertIn(f"herd track restore --node {node.name} latest", r.stderr)


class IsolationTest(ServerTestCase):
    def test_a_node_cannot_push_to_another_nodes_ref(self):
        a = Node(self, "iso-a")
        a.write("/etc/motd", "a\n")
        a.enroll()
        a.checkpoint()
        a.push()
        b = Node(self, "iso-b")
        b.write("/etc/motd", "b\n")
        b.enroll()
        self.assertNotEqual(a.name, b.name)
        # b records a checkpoint under a's name and tries to push it with its own token.
        b.ok("track", "checkpoint", "--root", b.root, "--node", a.name)
        before = self.server_ref(a.name)
        r = b.herd("track", "push", "--node", a.name)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("403", r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(self.server_ref(a.name), before)
        # Nor restore a's checkpoints.
        empty = os.path.join(b.dir, "empty")
        os.makedirs(empty)
        r = b.herd("track", "restore", "--node", a.name, "latest", "--root", empty)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("403", r.stderr)
        self.assertEqual(os.listdir(empty), [])


class PushCrashTest(ServerTestCase):
    def test_kill_9_at_each_step_then_fsck_and_rerun(self):
        node = Node(self, "crash")
        for i in range(40):
            node.write(f"/etc/conf.d/f{i}.conf", os.urandom(3000))
        node.enroll()
        pushed = node.checkpoint("base")["id"]
        node.push()
        for round_, step in enumerate(["after-missing", "mid-upload", "before-ref"]):
            with self.subTest(step=step):
                for i in range(0, 40, 3):
                    node.write(f"/etc/conf.d/f{i}.conf", os.urandom(3000))
                head = node.checkpoint(f"round {round_}")["id"]
                env = {"HERD_PUSH_CRASH_AT": step, "HERD_PUSH_BATCH_BYTES": "8192"}
                r = node.herd("track", "push", env=env)
                self.assertEqual(r.returncode, -9, f"push was to be killed at {step}: {r.stderr}")
                self.assert_server_store_whole()
                self.assertEqual(self.server_ref(node.name), pushed, "the server keeps the previous checkpoint")
                r = node.push()
                self.assertEqual(r["head"], head)
                self.assertEqual(r["before"], pushed)
                if step != "after-missing":
                    self.assertGreater(r["objects_skipped"], 0, "what the killed push sent is not sent again")
                self.assertEqual(self.server_ref(node.name), head)
                self.assert_server_store_whole()
                pushed = head


if __name__ == "__main__":
    unittest.main()
