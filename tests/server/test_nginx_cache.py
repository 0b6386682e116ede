"""An HTTP cache in front of herd serve: nginx (the real one), configured as
docs/server.md "Behind a cache" says, serves a second GET of an object or of a batch from
its cache, to the same node or to another node of the rack that may read it, keyed by
name alone; every use of a cached reply is authorized again by herd serve with the
caller's own credential (a 304 without a body), so a node that may not read an object
(another image, another node's object, a revoked credential) never gets it from the cache."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from server_fixture import ADDRESS, HOST, PORT, ServerTestCase, decode_batch, object_file

CACHE_PORT = 8080

NGINX_CONF = """
# The test folders are root-only (mkdtemp), so the worker runs as root too.
user root;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log {dir}/access.log;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  proxy_cache_path {dir}/cache keys_zone=herd_objects:1m max_size=256m inactive=30d use_temp_path=off;
  upstream herd {{ server {address}:{port}; keepalive 8; }}
  server {{
    listen {address}:{cache_port};
    # Objects are immutable and named by their hash: cache them, keyed by name, and let
    # herd authorize every use (docs/server.md, "Behind a cache").
    location /api/v1/objects/ {{
      proxy_pass https://herd;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_name {host};
      proxy_ssl_server_name on;
      proxy_ssl_verify on;
      proxy_ssl_trusted_certificate {ca};
      proxy_cache herd_objects;
      proxy_cache_key "$uri";
      proxy_cache_methods GET;
      proxy_cache_revalidate on;
      proxy_ignore_headers Cache-Control;
      add_header X-Cache-Status $upstream_cache_status always;
    }}
  }}
}}
"""


class NginxCacheTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ngx = tempfile.mkdtemp(dir=cls.dir, prefix="nginx-")
        conf = os.path.join(cls.ngx, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(dir=cls.ngx, address=ADDRESS, port=PORT, cache_port=CACHE_PORT, host=HOST,
                                      ca=cls.ca))
        check = cls.in_ns("nginx", "-t", "-c", conf, "-p", cls.ngx, check=False)
        assert check.returncode == 0, check.stderr.decode()
        cls.nginx = subprocess.Popen(["ip", "netns", "exec", cls.ns, "nginx", "-c", conf, "-p", cls.ngx, "-g",
                                      "daemon off;"], stderr=subprocess.PIPE)
        cls.addClassCleanup(cls.stop_nginx)
        # Ready when the namespace has a socket listening on the cache port (or nginx died).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and cls.nginx.poll() is None:
            ss = cls.in_ns("ss", "-Hltn", f"sport = :{CACHE_PORT}").stdout.decode()
            if ss.strip():
                break
            time.sleep(0.05)
        assert cls.nginx.poll() is None, f"nginx exited: {cls.nginx.stderr.read().decode()}"

    @classmethod
    def stop_nginx(cls):
        if cls.nginx.poll() is None:
            cls.nginx.terminate()  # ip netns exec execs nginx: this PID is nginx's master
            cls.nginx.wait(30)

    def through_cache(self, path, token):
        p = self.in_ns("curl", "-sS", "--max-time", "30", "-D", "-", "-o", os.path.join(self.ngx, "reply"),
                       "-H", f"Authorization: Bearer {token}", f"http://{ADDRESS}:{CACHE_PORT}{path}", check=False)
        head = p.stdout.decode(errors="replace")
        status = int(re.search(r"^HTTP/\S+ (\d+)", head, re.M).group(1)) if head else 0
        cache = re.search(r"^X-Cache-Status: (\S+)", head, re.M | re.I)
        with open(os.path.join(self.ngx, "reply"), "rb") as f:
            body = f.read()
        if status >= 500:
            with open(os.path.join(self.ngx, "error.log"), errors="replace") as f:
                raise AssertionError(f"nginx answered {status}: {f.read()[-2000:]}")
        return status, cache.group(1) if cache else None, body

    def served_by_herd(self, path):
        """How many times herd serve answered GET `path`, by status ({"200": n, "304": m})."""
        with open(os.path.join(self.dir, "serve.log"), errors="replace") as f:
            found = re.findall(rf" GET {re.escape(path)} (\d+) (\d+) ", f.read())
        out = {}
        for status, size in found:
            out[status] = out.get(status, 0) + 1
            if status == "304":
                self.assertEqual(size, "0", "a 304 carries no body")
        return out

    def test_a_second_get_is_served_from_the_cache(self):
        name, file = object_file(1, b"an immutable object, fetched twice through nginx")
        self.upload(self.admin, {name: file})
        path = f"/api/v1/objects/{name}"
        self.assertEqual(self.through_cache(path, self.admin), (200, "MISS", file))
        self.assertEqual(self.served_by_herd(path), {"200": 1})
        self.assertEqual(self.through_cache(path, self.admin), (200, "REVALIDATED", file))
        self.assertEqual(self.served_by_herd(path), {"200": 1, "304": 1}, "herd sent the object twice")

    def test_a_second_batch_get_is_served_from_the_cache(self):
        objects = dict(object_file(1, f"batch member {i}, fetched twice through nginx".encode()) for i in range(5))
        self.upload(self.admin, objects)
        names = list(objects)
        path = "/api/v1/objects/batch/" + ",".join(names)
        status, cache, body = self.through_cache(path, self.admin)
        self.assertEqual((status, cache), (200, "MISS"))
        self.assertEqual(decode_batch(body), [(n, objects[n]) for n in names])
        for _ in range(2):
            self.assertEqual(self.through_cache(path, self.admin), (200, "REVALIDATED", body))
        self.assertEqual(self.served_by_herd(path), {"200": 1, "304": 2}, "herd sent the batch again")
        # Another list is another reply (and another cache entry).
        other = "/api/v1/objects/batch/" + ",".join(reversed(names))
        status, cache, body2 = self.through_cache(other, self.admin)
        self.assertEqual((status, cache), (200, "MISS"))
        self.assertEqual(decode_batch(body2), [(n, objects[n]) for n in reversed(names)])

    def test_the_cache_never_serves_one_credential_what_another_fetched(self):
        name, file = object_file(1, b"only the admin may read this one")
        self.upload(self.admin, {name: file})
        self.assertEqual(self.through_cache(f"/api/v1/objects/{name}", self.admin)[0], 200)
        token = self.join_token()["token"]
        node_token = self.enroll(token, "cache-node", ["02:00:00:00:0c:01"]).json()["token"]
        status, cache, body = self.through_cache(f"/api/v1/objects/{name}", node_token)
        self.assertEqual(status, 404, f"the cache served another credential's object ({cache})")
        self.assertNotEqual(body, file)
        status, _, _ = self.through_cache(f"/api/v1/objects/{name}", "herd-node.bogus.bogus")
        self.assertEqual(status, 401)

    def image(self, name, files):
        """An image revision made of `files`, as refs/images/NAME/revisions/1: its objects."""
        snap, objects = self.checkpoint(name, files)
        self.upload(self.admin, objects)
        self.expect(200, "PUT", f"/api/v1/refs/images/{name}/revisions/1", token=self.admin,
                    body=json.dumps({"expected": None, "value": snap}))
        return objects

    def test_a_rack_shares_one_cache_entry(self):
        objects = self.image("rack-image", {"motd": "one copy for the rack\n", "big": "x" * 5000})
        path = "/api/v1/objects/batch/" + ",".join(objects)
        nodes = [self.enroll(self.join_token()["token"], f"rack-{i}", [f"02:00:00:00:0d:0{i}"]).json()["token"]
                 for i in range(3)]
        for i in range(3):
            self.herd("attr", "set", "image", "rack-image", "--node", f"rack-{i}")
        status, cache, body = self.through_cache(path, nodes[0])
        self.assertEqual((status, cache), (200, "MISS"))
        for token in nodes[1:]:
            self.assertEqual(self.through_cache(path, token), (200, "REVALIDATED", body))
        self.assertEqual(self.served_by_herd(path), {"200": 1, "304": 2}, "herd sent the batch more than once")

    def test_a_node_that_may_not_read_a_cached_batch_does_not_get_it(self):
        secret = self.image("secret-image", {"munge.key": "the secret image's key\n"})
        self.image("plain-image", {"motd": "nothing secret\n"})
        names = list(secret)
        batch = "/api/v1/objects/batch/" + ",".join(names)
        one = f"/api/v1/objects/{names[0]}"
        a = self.enroll(self.join_token()["token"], "cache-a", ["02:00:00:00:0c:0a"]).json()["token"]
        b = self.enroll(self.join_token()["token"], "cache-b", ["02:00:00:00:0c:0b"]).json()["token"]
        self.herd("attr", "set", "image", "secret-image", "--node", "cache-a")
        self.herd("attr", "set", "image", "plain-image", "--node", "cache-b")
        status, cache, body = self.through_cache(batch, a)
        self.assertEqual((status, cache), (200, "MISS"))
        self.assertEqual(decode_batch(body), [(n, secret[n]) for n in names])
        self.assertEqual(self.through_cache(one, a)[:2], (200, "MISS"))
        self.assertEqual(self.through_cache(batch, a)[:2], (200, "REVALIDATED"))
        # Another node, on another image: herd says 404 to it, whatever the cache holds.
        self.assertEqual(self.through_cache(batch, b)[0], 404)
        self.assertEqual(self.through_cache(one, b)[0], 404)
        # a is given another image: the secret one is no longer a's to read, cached or not.
        self.herd("attr", "set", "image", "plain-image", "--node", "cache-a")
        self.expect(404, "GET", batch, token=a)
        status, cache, body = self.through_cache(batch, a)
        self.assertEqual(status, 404, f"a cached batch was served to a node that may not read it ({cache})")
        self.assertEqual(self.through_cache(one, a)[0], 404, "a cached object was served to a node that may not read it")
        # Back on the secret image, then re-enrolled: the old credential is revoked.
        self.herd("attr", "set", "image", "secret-image", "--node", "cache-a")
        self.assertEqual(self.through_cache(batch, a)[0], 200)
        self.enroll(self.join_token()["token"], "cache-a", ["02:00:00:00:0c:0a"])
        self.assertEqual(self.through_cache(batch, a)[0], 401, "a cached batch was served to a revoked credential")
        self.assertEqual(self.through_cache(one, a)[0], 401, "a cached object was served to a revoked credential")
