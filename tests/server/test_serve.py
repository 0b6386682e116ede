"""`herd serve` as nodes and admins use it (docs/server.md), over real TLS inside a
network namespace, with curl as the client."""
import hashlib
import json
import os
import subprocess
import tempfile
import unittest

from server_fixture import ADDRESS, HERD, ServerTestCase, object_file, record


class TlsAndAuthTest(ServerTestCase):
    def test_init_made_the_pki(self):
        for name, mode in [("ca.key", 0o600), ("server.key", 0o600), ("admin.token", 0o600), ("ca.crt", None),
                           ("server.crt", None)]:
            st = os.stat(os.path.join(self.pki, name))
            if mode is not None:
                self.assertEqual(st.st_mode & 0o777, mode, name)
        v = subprocess.run(["openssl", "verify", "-CAfile", self.ca, os.path.join(self.pki, "server.crt")],
                           capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertTrue(self.admin.startswith("herd-admin."))

    def test_tls_is_verified_against_the_cluster_ca(self):
        self.assertEqual(self.expect(200, "GET", "/api/v1/health").json()["status"], "ok")
        # By address too: the certificate names the frontend's address.
        r = self.in_ns("curl", "-sS", "--cacert", self.ca, f"https://{ADDRESS}:8443/api/v1/health", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        # A foreign CA does not verify the server.
        foreign = os.path.join(self.dir, "foreign")
        os.makedirs(foreign, exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", os.path.join(foreign, "key"), "-out", os.path.join(foreign, "crt"), "-subj",
                        "/CN=foreign", "-days", "1"], check=True, capture_output=True)
        r = self.request("GET", "/api/v1/health", cacert=os.path.join(foreign, "crt"))
        self.assertEqual(r.curl_code, 60, r)  # peer certificate cannot be authenticated
        # TLS 1.1 is refused.
        r = self.request("GET", "/api/v1/health", extra=["--tls-max", "1.1"])
        self.assertNotEqual(r.curl_code, 0, r)

    def test_health_and_ca_need_no_token(self):
        h = self.expect(200, "GET", "/api/v1/health").json()
        self.assertEqual(h["version"], self.herd("--version").stdout.split()[-1])
        ca = self.expect(200, "GET", "/api/v1/ca")
        with open(self.ca, "rb") as f:
            self.assertEqual(ca.body, f.read())
        self.assertEqual(ca.headers["content-type"], "application/x-pem-file")
        token = self.join_token()
        self.assertEqual(token["ca_sha256"], hashlib.sha256(ca.body).hexdigest())
        self.assertIn(f"--ca-sha256 {token['ca_sha256']}", token["command"])
        self.assertIn(f"--join-token {token['token']}", token["command"])
        self.assertTrue(token["command"].startswith(f"herd track init --server https://{ADDRESS}:8443 "))

    def test_missing_or_bad_tokens_are_401(self):
        self.expect(401, "GET", "/api/v1/refs")
        self.expect(401, "GET", "/api/v1/refs", token="nonsense")
        self.expect(401, "GET", "/api/v1/refs", token="herd-admin." + "A" * 43)
        self.expect(401, "GET", "/api/v1/refs", token="herd-node.0123456789ab." + "A" * 43)
        # A join token only enrolls.
        self.expect(401, "GET", "/api/v1/refs", token=self.join_token()["token"])
        self.expect(200, "GET", "/api/v1/refs", token=self.admin)

    def test_requests_are_logged(self):
        self.expect(200, "GET", "/api/v1/refs", token=self.admin)
        log = self.server_log()
        self.assertRegex(log, r"\d{4}-\d\d-\d\dT\S+Z 203\.0\.113\.1:\d+ admin GET /api/v1/refs 200 \d+ [\d.]+ms")

    def test_bad_requests(self):
        self.expect(404, "GET", "/api/v1/nosuch", token=self.admin)
        self.expect(405, "DELETE", "/api/v1/refs/images/x", token=self.admin)
        self.expect(400, "PUT", "/api/v1/refs/images/x", token=self.admin, body="{not json")
        self.expect(400, "PUT", "/api/v1/refs/images/x", token=self.admin, body='{"expected": null, "value": "12"}')
        self.expect(400, "PUT", "/api/v1/refs/..bad", token=self.admin, body='{"expected": null, "value": "%s"}' % ("0" * 64))
        self.expect(400, "POST", "/api/v1/enroll", body="[]")
        self.expect(400, "GET", "/api/v1/objects/xyz", token=self.admin)
        self.expect(400, "POST", "/api/v1/objects/missing", token=self.admin, body=b"\0" * 33)
        r = self.expect(413, "PUT", "/api/v1/refs/images/x", token=self.admin, body=b" " * (1024 * 1024 + 1))
        self.assertIn("limit", r.json()["error"])
        # Oversized headers.
        self.assertIn(self.request("GET", "/api/v1/health", headers=["X-Big: " + "a" * 9000]).status, (400, 431))
        # The server still serves.
        self.expect(200, "GET", "/api/v1/health")


class ObjectsAndRefsTest(ServerTestCase):
    def test_object_get_etag_and_304(self):
        name, file = object_file(1, b"hello from the admin")
        r = self.upload(self.admin, {name: file}).json()
        self.assertEqual(r, {"stored": 1, "present": 0})
        self.assertEqual(self.upload(self.admin, {name: file}).json(), {"stored": 0, "present": 1})
        got = self.expect(200, "GET", f"/api/v1/objects/{name}", token=self.admin)
        self.assertEqual(got.body, file)
        self.assertEqual(got.headers["etag"], f'"{name}"')
        self.assertEqual(got.headers["cache-control"], "private, max-age=31536000, immutable")
        self.assertEqual(got.headers["content-type"], "application/octet-stream")
        self.expect(304, "GET", f"/api/v1/objects/{name}", token=self.admin, headers=[f'If-None-Match: "{name}"'])
        self.expect(200, "GET", f"/api/v1/objects/{name}", token=self.admin, headers=['If-None-Match: "other"'])
        self.expect(404, "GET", f"/api/v1/objects/{'0' * 64}", token=self.admin)

    def test_missing_answers_what_the_store_lacks(self):
        have, file = object_file(1, b"present for missing")
        self.upload(self.admin, {have: file})
        lack = hashlib.sha256(b"never stored").hexdigest()
        body = bytes.fromhex(lack) + bytes.fromhex(have) + bytes.fromhex(lack)
        r = self.expect(200, "POST", "/api/v1/objects/missing", token=self.admin, body=body)
        self.assertEqual(r.body, bytes.fromhex(lack) * 2)
        self.assertEqual(self.expect(200, "POST", "/api/v1/objects/missing", token=self.admin, body=b"").body, b"")

    def test_fetch_answers_many_objects_at_once(self):
        objects = dict(object_file(1, f"fetched {i}".encode()) for i in range(3))
        self.upload(self.admin, objects)
        names = sorted(objects)
        body = b"".join(bytes.fromhex(n) for n in names)
        got = self.expect(200, "POST", "/api/v1/objects/fetch", token=self.admin, body=body)
        self.assertEqual(got.body, b"".join(record(n, objects[n]) for n in names))  # in the order asked
        self.assertEqual(self.expect(200, "POST", "/api/v1/objects/fetch", token=self.admin, body=b"").body, b"")
        # One unknown object: 404 naming it, nothing else sent.
        lack = hashlib.sha256(b"never stored").hexdigest()
        r = self.expect(404, "POST", "/api/v1/objects/fetch", token=self.admin, body=body + bytes.fromhex(lack))
        self.assertIn(lack, r.json()["error"])
        self.expect(400, "POST", "/api/v1/objects/fetch", token=self.admin, body=b"\0" * 33)
        self.expect(413, "POST", "/api/v1/objects/fetch", token=self.admin, body=b"\0" * 32 * 4097)
        self.expect(405, "GET", "/api/v1/objects/fetch", token=self.admin)
        self.expect(401, "POST", "/api/v1/objects/fetch", body=body)

    def test_a_corrupt_record_stores_nothing(self):
        before = json.loads(self.herd("store", "fsck", "--json").stdout)
        good, good_file = object_file(1, b"good record in a bad upload")
        bad, bad_file = object_file(1, b"bad record")
        bad_file = bad_file[:-1] + b"X"
        r = self.upload(self.admin, {good: good_file, bad: bad_file}, status=400)
        self.assertIn(bad, r.json()["error"])
        self.expect(404, "GET", f"/api/v1/objects/{good}", token=self.admin)
        # A truncated body is refused as well.
        body = record(good, good_file)[:-3]
        self.expect(400, "POST", "/api/v1/objects", token=self.admin, body=body)
        after = json.loads(self.herd("store", "fsck", "--json").stdout)
        self.assertTrue(after["ok"], after)
        self.assertEqual(after["objects"], before["objects"])
        self.assertEqual(os.listdir(os.path.join(self.store, "tmp")), [])

    def test_refs_compare_and_swap(self):
        snap, objects = self.checkpoint("refs-admin", {"a.conf": "one\n"})
        ref = "/api/v1/refs/images/refs-test"
        # Missing objects: 422 listing them.
        r = self.expect(422, "PUT", ref, token=self.admin, body=json.dumps({"expected": None, "value": snap}))
        self.assertEqual(r.json()["missing"], [snap])
        self.upload(self.admin, {snap: objects[snap]})
        r = self.expect(422, "PUT", ref, token=self.admin, body=json.dumps({"expected": None, "value": snap}))
        self.assertTrue(r.json()["missing"])
        self.assertNotIn(snap, r.json()["missing"])
        self.upload(self.admin, objects)
        r = self.expect(200, "PUT", ref, token=self.admin, body=json.dumps({"expected": None, "value": snap}))
        self.assertEqual(r.json(), {"name": "images/refs-test", "hash": snap})
        self.assertEqual(self.expect(200, "GET", ref, token=self.admin).json(), {"name": "images/refs-test", "hash": snap})
        # A stale expectation: 409 with the current value.
        r = self.expect(409, "PUT", ref, token=self.admin, body=json.dumps({"expected": None, "value": snap}))
        self.assertEqual(r.json()["current"], snap)
        r = self.expect(409, "PUT", "/api/v1/refs/images/none", token=self.admin,
                        body=json.dumps({"expected": snap, "value": snap}))
        self.assertIsNone(r.json()["current"])
        listing = self.expect(200, "GET", "/api/v1/refs?prefix=images/refs", token=self.admin).json()
        self.assertEqual(listing, {"refs": {"images/refs-test": snap}})
        self.expect(404, "GET", "/api/v1/refs/images/none", token=self.admin)
        fsck = json.loads(self.herd("store", "fsck", "--json").stdout)
        self.assertTrue(fsck["ok"], fsck)

    def test_a_ref_must_name_a_snapshot(self):
        name, file = object_file(1, b"not a snapshot")
        self.upload(self.admin, {name: file})
        self.expect(422, "PUT", "/api/v1/refs/images/blob", token=self.admin,
                    body=json.dumps({"expected": None, "value": name}))


class EnrollmentTest(ServerTestCase):
    def nodes(self):
        return {n["name"]: n for n in json.loads(self.herd("node", "list", "--json").stdout)}

    def test_enrollment_adds_a_node_once(self):
        t = self.join_token("--uses", "2")
        r = self.enroll(t["token"], "enr-a", ["02:00:00:00:aa:01"]).json()
        self.assertEqual(r["node"], "enr-a")
        self.assertTrue(r["token"].startswith("herd-node."))
        node = self.nodes()["enr-a"]
        self.assertEqual(node["appliance"], "compute")
        self.assertEqual(node["interfaces"][0]["mac"], "02:00:00:00:aa:01")
        self.assertTrue(node["interfaces"][0]["ip"].startswith("203.0.113."))
        # The same machine again (another hostname, same MAC): the same node, a new credential.
        again = self.enroll(t["token"], "other-name", ["02:00:00:00:AA:01"]).json()
        self.assertEqual(again["node"], "enr-a")
        self.assertNotIn("other-name", self.nodes())
        self.expect(401, "GET", "/api/v1/refs", token=r["token"])  # the old credential is revoked
        self.expect(200, "GET", "/api/v1/refs", token=again["token"])
        # Used up.
        self.enroll(t["token"], "enr-b", ["02:00:00:00:aa:02"], status=401)
        self.assertNotIn("enr-b", self.nodes())
        listed = {x["id"]: x for x in json.loads(self.herd("token", "list", "--json").stdout)}
        self.assertEqual(listed[t["id"]]["uses_left"], 0)
        self.assertEqual(listed[t["id"]]["state"], "used up")

    def test_revoked_expired_and_unknown_tokens_are_401(self):
        revoked = self.join_token()
        self.herd("token", "revoke", revoked["id"])
        self.enroll(revoked["token"], "enr-r", [], status=401)
        expired = self.join_token("--ttl", "3600")
        self.set_token_field(expired["id"], "expires", 1)
        self.enroll(expired["token"], "enr-e", [], status=401)
        self.enroll("herd-join.0123456789ab." + "A" * 43, "enr-u", [], status=401)
        fake = revoked["token"][:-1] + ("A" if revoked["token"][-1] != "A" else "B")
        self.enroll(fake, "enr-f", [], status=401)
        self.assertFalse({"enr-r", "enr-e", "enr-u", "enr-f"} & set(self.nodes()))
        self.herd("token", "revoke", "nosuch", code=2)

    def test_bad_enrollments_do_not_use_the_token(self):
        t = self.join_token("--appliance", "compute")
        self.enroll(t["token"], "bad host name", [], status=400)
        self.enroll(t["token"], "enr-m", ["zz:zz"], status=400)
        self.enroll(t["token"], "enr-c", ["02:00:00:00:cc:01"])
        t2 = self.join_token()
        self.enroll(t2["token"], "enr-c", ["02:00:00:00:cc:02"], status=409)  # another machine named enr-c
        self.enroll(t2["token"], "enr-d", [])

    def test_token_options(self):
        self.herd("token", "create", "--uses", "0", code=2)
        self.herd("token", "create", "--appliance", "nosuch", code=2)
        out = self.herd("token", "create", "--server", "https://fe.example:9443").stdout
        self.assertIn("herd track init --server https://fe.example:9443 --join-token herd-join.", out)
        self.assertIn("--ca-sha256 ", out)


class NodeAccessTest(ServerTestCase):
    def enrolled(self, name, mac):
        t = self.join_token()
        return self.enroll(t["token"], name, [mac]).json()["token"]

    def push(self, token, node, files, expected=None, status=200):
        snap, objects = self.checkpoint(node, files, [expected] if expected else [])
        lacking = self.expect(200, "POST", "/api/v1/objects/missing", token=token,
                              body=b"".join(bytes.fromhex(n) for n in objects)).body
        wanted = {lacking[i:i + 32].hex() for i in range(0, len(lacking), 32)}
        self.upload(token, {n: f for n, f in objects.items() if n in wanted})
        self.expect(status, "PUT", f"/api/v1/refs/checkpoints/{node}", token=token,
                    body=json.dumps({"expected": expected, "value": snap}))
        return snap, objects

    def test_nodes_see_only_their_own(self):
        a = self.enrolled("acc-a", "02:00:00:00:dd:01")
        b = self.enrolled("acc-b", "02:00:00:00:dd:02")
        snap_a, objs_a = self.push(a, "acc-a", {"a.conf": "a's config\n", "shared": "same\n"})
        snap_b, objs_b = self.push(b, "acc-b", {"b.conf": "b's secret\n", "shared": "same\n"})
        self.assertEqual(self.expect(200, "GET", "/api/v1/refs/checkpoints/acc-a", token=a).json()["hash"], snap_a)
        # Refs: only its own, whatever the prefix.
        self.expect(403, "GET", "/api/v1/refs/checkpoints/acc-b", token=a)
        self.expect(403, "GET", "/api/v1/refs/checkpoints/nobody", token=a)
        self.expect(403, "PUT", "/api/v1/refs/checkpoints/acc-b", token=a,
                    body=json.dumps({"expected": snap_b, "value": snap_a}))
        self.expect(403, "PUT", "/api/v1/refs/images/evil", token=a, body=json.dumps({"expected": None, "value": snap_a}))
        self.assertEqual(self.expect(200, "GET", "/api/v1/refs?prefix=checkpoints/", token=a).json(),
                         {"refs": {"checkpoints/acc-a": snap_a}})
        self.assertEqual(self.expect(200, "GET", "/api/v1/refs?prefix=images/", token=a).json(),
                         {"refs": {"checkpoints/acc-a": snap_a}})
        # Objects: a reads its own, not b's (404 as if absent), and b's look lacking to a.
        for n in objs_a:
            self.expect(200, "GET", f"/api/v1/objects/{n}", token=a)
        only_b = [n for n in objs_b if n not in objs_a]
        self.assertTrue(only_b)
        for n in only_b:
            self.expect(404, "GET", f"/api/v1/objects/{n}", token=a)
            self.expect(200, "GET", f"/api/v1/objects/{n}", token=self.admin)
        lacking = self.expect(200, "POST", "/api/v1/objects/missing", token=a,
                              body=b"".join(bytes.fromhex(n) for n in only_b)).body
        self.assertEqual(lacking, b"".join(bytes.fromhex(n) for n in only_b))
        # Fetched at once: a's own objects yes; with one of b's among them, 404 naming it.
        self.expect(200, "POST", "/api/v1/objects/fetch", token=a, body=b"".join(bytes.fromhex(n) for n in objs_a))
        r = self.expect(404, "POST", "/api/v1/objects/fetch", token=a,
                        body=b"".join(bytes.fromhex(n) for n in list(objs_a) + only_b[:1]))
        self.assertIn(only_b[0], r.json()["error"])
        # a pointing its ref at b's snapshot: refused, b's objects reported lacking.
        r = self.expect(422, "PUT", "/api/v1/refs/checkpoints/acc-a", token=a,
                        body=json.dumps({"expected": snap_a, "value": snap_b}))
        self.assertIn(snap_b, r.json()["missing"])
        self.assertEqual(self.expect(200, "GET", "/api/v1/refs/checkpoints/acc-a", token=a).json()["hash"], snap_a)
        # A node pushes a second checkpoint on top of its first.
        self.push(a, "acc-a", {"a.conf": "a's config, changed\n"}, expected=snap_a)
        # Inventory: its own entry only.
        self.expect(200, "GET", "/api/v1/nodes/acc-a", token=a)
        self.expect(403, "GET", "/api/v1/nodes/acc-b", token=a)
        self.expect(403, "GET", "/api/v1/nodes", token=a)

    def test_a_node_reads_the_image_assigned_to_it_only(self):
        a = self.enrolled("img-a", "02:00:00:00:ee:01")
        snap, objects = self.checkpoint("golden", {"image.conf": "golden\n"})
        self.upload(self.admin, objects)
        for n in objects:
            self.expect(404, "GET", f"/api/v1/objects/{n}", token=a)
        self.expect(200, "PUT", "/api/v1/refs/images/golden/revisions/1", token=self.admin,
                    body=json.dumps({"expected": None, "value": snap}))
        for n in objects:  # an image, but not this node's
            self.expect(404, "GET", f"/api/v1/objects/{n}", token=a)
        self.herd("attr", "set", "image", "golden", "--node", "img-a")
        for n in objects:
            got = self.expect(200, "GET", f"/api/v1/objects/{n}", token=a)
            self.assertEqual(got.body, objects[n])
        lacking = self.expect(200, "POST", "/api/v1/objects/missing", token=a,
                              body=b"".join(bytes.fromhex(n) for n in objects)).body
        self.assertEqual(lacking, b"")

    def test_access_follows_the_inventory_at_once(self):
        # The server caches which node a token is and which image a node runs (state.h):
        # a change by another process (herd attr set) or by the server itself (a second
        # enrollment revokes the first credential) applies from the very next request.
        a = self.enrolled("flw-a", "02:00:00:00:ef:01")
        one_snap, one = self.checkpoint("golden", {"one.conf": "image one\n"})
        two_snap, two = self.checkpoint("golden", {"two.conf": "image two\n"})
        self.upload(self.admin, {**one, **two})
        for name, snap in (("one", one_snap), ("two", two_snap)):
            self.expect(200, "PUT", f"/api/v1/refs/images/{name}/revisions/1", token=self.admin,
                        body=json.dumps({"expected": None, "value": snap}))
        only_one = [n for n in one if n not in two]
        only_two = [n for n in two if n not in one]
        self.assertTrue(only_one and only_two)

        def readable(names):
            batch = self.request("GET", "/api/v1/objects/batch/" + ",".join(names), token=a).status
            each = {self.request("GET", f"/api/v1/objects/{n}", token=a).status for n in names}
            self.assertEqual(each, {batch}, "a batch and single GETs agree")
            self.assertIn(batch, (200, 404))
            return batch == 200

        self.herd("attr", "set", "image", "one", "--node", "flw-a")
        for _ in range(3):  # warm whatever is cached
            self.assertTrue(readable(only_one))
            self.assertFalse(readable(only_two))
        self.herd("attr", "set", "image", "two", "--node", "flw-a")
        self.assertFalse(readable(only_one), "the image the node no longer runs is 404 at once")
        self.assertTrue(readable(only_two))
        self.herd("attr", "unset", "image", "--node", "flw-a")
        self.assertFalse(readable(only_one))
        self.assertFalse(readable(only_two), "no image: nothing of any image")
        self.herd("attr", "set", "image", "one", "--appliance", "compute")
        self.assertTrue(readable(only_one), "an appliance default applies at once too")
        # Enrolling again revokes the first credential: 401 at once, the new one works.
        self.expect(200, "GET", f"/api/v1/objects/{only_one[0]}", token=a)
        again = self.enroll(self.join_token()["token"], "flw-a", ["02:00:00:00:ef:01"]).json()["token"]
        self.expect(401, "GET", f"/api/v1/objects/{only_one[0]}", token=a)
        self.expect(200, "GET", f"/api/v1/objects/{only_one[0]}", token=again)
        self.herd("attr", "unset", "image", "--appliance", "compute")


class InventoryApiTest(ServerTestCase):
    def test_nodes_as_the_cli_prints_them(self):
        self.herd("node", "add", "inv-[1-3]", "--appliance", "compute", "--network", "private")
        listed = self.expect(200, "GET", "/api/v1/nodes", token=self.admin).json()
        self.assertEqual(listed["nodes"], json.loads(self.herd("node", "list", "--json").stdout))
        some = self.expect(200, "GET", "/api/v1/nodes?select=inv-%5B1-2%5D", token=self.admin).json()
        self.assertEqual([n["name"] for n in some["nodes"]], ["inv-1", "inv-2"])
        shown = self.expect(200, "GET", "/api/v1/nodes/inv-2", token=self.admin).json()
        self.assertEqual(shown, json.loads(self.herd("node", "show", "inv-2", "--json").stdout))
        self.expect(404, "GET", "/api/v1/nodes/nosuch", token=self.admin)
        self.expect(400, "GET", "/api/v1/nodes?select=inv-%5B", token=self.admin)


class ServeUsageTest(ServerTestCase):
    @classmethod
    def start_server(cls, *extra):
        pass  # no server: only the namespace, for the commands that must refuse to start

    def serve(self, *args, env=None, listen=f"{ADDRESS}:8444"):
        return self.in_ns(HERD, "serve", "--listen", listen, *args, check=False, env=env or self.env(), timeout=60)

    def test_serve_without_pki_exits_2_naming_the_folder(self):
        missing = os.path.join(self.dir, "no-pki")
        r = self.serve("--pki", missing, "--store", self.store)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(missing, r.stderr.decode())
        self.assertEqual(r.stdout, b"")
        r = self.serve("--store", self.store, env=self.env(HERD_PKI=missing))
        self.assertEqual(r.returncode, 2)
        self.assertIn(missing, r.stderr.decode())

    def test_bad_listen_and_threads(self):
        r = self.serve("--store", self.store, listen="nonsense")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("nonsense", r.stderr.decode())
        r = self.serve("--threads", "-1", "--store", self.store)
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_init_with_pki_elsewhere_and_failed_init_leaves_nothing(self):
        d = tempfile.mkdtemp(dir=self.dir)
        env = dict(os.environ, HERD_DB=os.path.join(d, "herd.db"))
        env.pop("HERD_PKI", None)
        r = subprocess.run([HERD, "init", "--pki", os.path.join(d, "elsewhere")], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(d, "elsewhere", "ca.crt")))
        self.assertFalse(os.path.exists(os.path.join(d, "pki")))
        # A second cluster whose PKI folder holds a CA already: init fails and leaves no inventory.
        env["HERD_DB"] = os.path.join(d, "second.db")
        r = subprocess.run([HERD, "init", "--pki", os.path.join(d, "elsewhere")], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(os.path.join(d, "elsewhere"), r.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "second.db")))
        # The default: pki beside the database.
        env["HERD_DB"] = os.path.join(d, "third", "herd.db")
        os.makedirs(os.path.join(d, "third"))
        r = subprocess.run([HERD, "init"], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(d, "third", "pki", "admin.token")))


if __name__ == "__main__":
    unittest.main()
