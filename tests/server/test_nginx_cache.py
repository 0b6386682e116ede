"""An HTTP cache in front of herd serve: nginx (the real one), configured as
docs/server.md "Behind a cache" says, serves a second GET of an object from its cache,
keyed by the credential, so one node's cached objects are never served to another."""
import os
import re
import shutil
import subprocess
import tempfile
import time

from server_fixture import ADDRESS, HOST, PORT, ServerTestCase, object_file

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
    # Objects are immutable and named by their hash: cache them for as long as nginx
    # keeps anything, keyed by credential and name (docs/server.md, "Behind a cache").
    location /api/v1/objects/ {{
      proxy_pass https://herd;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_name {host};
      proxy_ssl_server_name on;
      proxy_ssl_verify on;
      proxy_ssl_trusted_certificate {ca};
      proxy_cache herd_objects;
      proxy_cache_key "$http_authorization $uri";
      proxy_cache_methods GET;
      proxy_ignore_headers Cache-Control;
      proxy_cache_valid 200 30d;
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

    def served_by_herd(self, name):
        return self.server_log().count(f"/api/v1/objects/{name}")

    def test_a_second_get_is_served_from_the_cache(self):
        name, file = object_file(1, b"an immutable object, fetched twice through nginx")
        self.upload(self.admin, {name: file})
        self.assertEqual(self.through_cache(f"/api/v1/objects/{name}", self.admin), (200, "MISS", file))
        before = self.served_by_herd(name)
        self.assertEqual(self.through_cache(f"/api/v1/objects/{name}", self.admin), (200, "HIT", file))
        self.assertEqual(self.served_by_herd(name), before, "the cached GET reached herd serve")

    def test_the_cache_never_serves_one_credential_what_another_fetched(self):
        name, file = object_file(1, b"only the admin may read this one")
        self.upload(self.admin, {name: file})
        self.assertEqual(self.through_cache(f"/api/v1/objects/{name}", self.admin)[0], 200)
        token = self.join_token()["token"]
        node_token = self.enroll(token, "cache-node", ["02:00:00:00:0c:01"]).json()["token"]
        status, cache, _ = self.through_cache(f"/api/v1/objects/{name}", node_token)
        self.assertEqual((status, cache), (404, "MISS"))
        status, _, _ = self.through_cache(f"/api/v1/objects/{name}", "herd-node.bogus.bogus")
        self.assertEqual(status, 401)
