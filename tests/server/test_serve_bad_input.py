"""Bad input to the image routes of a real `herd serve`: a malformed `PUT /api/v1/image/state`
(not JSON, wrong types, deeply nested, oversize) is refused naming the problem and stores
nothing under image-status/; a malformed `GET /api/v1/objects/batch/...` list (too many
hashes, none, a bad one, empty items) is 400 naming it; a node cannot ask for another
node's plan or report for another node; the server keeps serving throughout."""
import json
import os

from server_fixture import ServerTestCase, object_file

DEPLOYED = {"image": "base", "revision": 1, "snapshot": "a" * 64, "image_tree": "b" * 64, "tree": "c" * 64}


class ImageStateBadInputTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.status_dir = os.path.join(cls.dir, "image-status")  # beside the store

    def enrolled(self, name, mac):
        return self.enroll(self.join_token()["token"], name, [mac]).json()["token"]

    def stored(self):
        return sorted(os.listdir(self.status_dir)) if os.path.isdir(self.status_dir) else []

    def refused(self, status, body, expect, token):
        r = self.expect(status, "PUT", "/api/v1/image/state", token=token, body=body)
        self.assertIn(expect, r.json()["error"], f"{body[:80]!r}: {r}")
        self.assertEqual(self.stored(), [], f"{body[:80]!r} left a report behind")
        self.expect(200, "GET", "/api/v1/health")  # still serving
        return r

    def test_a_malformed_report_is_refused_and_stores_nothing(self):
        node = self.enrolled("state-a", "02:00:00:00:5a:01")
        self.refused(400, "{not json", "not a JSON object", node)
        self.refused(400, "[1, 2]", "not a JSON object", node)
        self.refused(400, '"a string"', "not a JSON object", node)
        self.refused(400, json.dumps({"reboot_needed": "yes"}), '"reboot_needed" is not true or false', node)
        self.refused(400, json.dumps({"reboot_reasons": "kernel"}), '"reboot_reasons" is not a list', node)
        self.refused(400, json.dumps({"reboot_reasons": [1]}), '"reboot_reasons" holds a non-string', node)
        self.refused(400, json.dumps({"repaired": -1}), '"repaired" is not a count', node)
        self.refused(400, json.dumps({"error": 7}), '"error" is not a string', node)
        self.refused(400, json.dumps({"deployed": []}), '"deployed" is not an object', node)
        self.refused(400, json.dumps({"deployed": dict(DEPLOYED, revision="one")}), '"revision"', node)
        self.refused(400, json.dumps({"deployed": dict(DEPLOYED, tree="xyz")}), '"tree"', node)
        # Deeply nested JSON, just under the body limit: refused, not a crashed server.
        depth = 500_000
        deep = '{"deployed": {"image": "base", "x": ' + "[" * depth + "]" * depth + "}}"
        self.refused(400, deep, "nested more than 32 levels deep", node)
        deep_top = '{"error": ' + "[" * depth + "]" * depth + "}"
        self.refused(400, deep_top, "nested more than 32 levels deep", node)
        # Over the 1 MiB limit of a JSON body: 413 naming the limit, before it is read.
        self.refused(413, b"{" + b" " * (1 << 20) + b"}", "limit", node)
        # The same node's well-formed report is recorded, under its own name whatever the
        # body says, and a later malformed one leaves it as it was.
        r = self.expect(200, "PUT", "/api/v1/image/state", token=node,
                        body=json.dumps({"node": "someone-else", "deployed": DEPLOYED, "reboot_needed": True}))
        self.assertEqual(r.json(), {"node": "state-a", "recorded": True})
        self.assertEqual(self.stored(), ["state-a.json"])
        with open(os.path.join(self.status_dir, "state-a.json"), "rb") as f:
            good = f.read()
        self.expect(400, "PUT", "/api/v1/image/state", token=node, body='{"repaired": "many"}')
        with open(os.path.join(self.status_dir, "state-a.json"), "rb") as f:
            self.assertEqual(f.read(), good)
        self.assertEqual(self.stored(), ["state-a.json"])

    def test_a_node_speaks_only_for_itself(self):
        a = self.enrolled("state-b", "02:00:00:00:5a:02")
        self.enrolled("state-c", "02:00:00:00:5a:03")
        self.herd("attr", "set", "image", "nosuch-image", "--node", "state-c")
        r = self.expect(403, "GET", "/api/v1/image/plan?node=state-c", token=a)
        self.assertIn("state-c", r.json()["error"])
        self.expect(403, "GET", "/api/v1/image/plan?node=nobody", token=a)
        r = self.expect(403, "PUT", "/api/v1/image/state?node=state-c", token=a, body=json.dumps({"deployed": DEPLOYED}))
        self.assertIn("state-c", r.json()["error"])
        self.assertFalse(os.path.exists(os.path.join(self.status_dir, "state-c.json")))
        # Its own name is fine (and it has no image: 404 saying so); the admin must name one.
        r = self.expect(404, "GET", "/api/v1/image/plan?node=state-b", token=a)
        self.assertIn("no image assigned", r.json()["error"])
        self.expect(404, "GET", "/api/v1/image/plan", token=a)
        r = self.expect(400, "GET", "/api/v1/image/plan", token=self.admin)
        self.assertIn("?node=", r.json()["error"])
        r = self.expect(404, "GET", "/api/v1/image/plan?node=state-c", token=self.admin)
        self.assertIn("nosuch-image", r.json()["error"])


class ObjectBatchBadInputTest(ServerTestCase):
    def test_a_malformed_batch_list_is_400_naming_it(self):
        objects = dict(object_file(1, f"batch object {i}".encode()) for i in range(97))
        self.upload(self.admin, objects)
        names = list(objects)
        batch = "/api/v1/objects/batch/"

        def bad(path, expect):
            r = self.expect(400, "GET", batch + path, token=self.admin)
            self.assertIn(expect, r.json()["error"], path[:100])

        bad(",".join(names), "more than 96 objects in one batch")
        bad("", "the batch names no object")
        bad(names[0] + ",,", "batch item 2: \"\" is not 64 lowercase hex digits")
        bad(names[0] + ",," + names[1], "batch item 2")
        bad("," + names[0], "batch item 1")
        bad(names[0] + ",", "batch item 2")
        bad(names[0] + "," + names[1][:63], f"batch item 2: \"{names[1][:63]}\"")
        bad(names[0] + "," + names[1].upper(), "batch item 2")
        bad(names[0] + ";" + names[1], "batch item 1")
        bad("z" * 64, "batch item 1")
        # 96 is allowed, in the order asked, duplicates included.
        got = self.expect(200, "GET", batch + ",".join(names[:96]), token=self.admin)
        self.assertEqual(got.body.count(objects[names[5]]), 1)
        self.expect(200, "GET", batch + names[3] + "," + names[3], token=self.admin)
        r = self.expect(404, "GET", batch + names[0] + "," + "0" * 64, token=self.admin)
        self.assertIn("0" * 64, r.json()["error"])
        # A node that may not read them gets 404, as if the store lacked them.
        node = self.enroll(self.join_token()["token"], "batch-a", ["02:00:00:00:5b:01"]).json()["token"]
        r = self.expect(404, "GET", batch + names[0], token=node)
        self.assertIn(names[0], r.json()["error"])
        self.expect(400, "GET", batch + names[0] + ",,", token=node)
