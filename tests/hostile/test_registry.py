#!/usr/bin/env python3
"""Hostile registries (issue 12, points 1, 5, 6 and 14): Python HTTP servers on 127.0.0.1 that
misbehave, and an attacker's registry named by an image's base annotation.

A small fake registry serves one image (a gzip layer, its config, its manifest) and, per case,
misbehaves on one request: dripping bytes (ping, manifest, token, config, layer), slow header
lines, a 100 KiB header line, a huge WWW-Authenticate, an endless body, a redirect to another
port with credentials set, a 401 loop, 429 and 503 loops. Every case runs under the harness
limits (10 s, 256 MiB), forbids the password in any output and asserts which server received
credentials. Nothing here needs docker-registry: the registry suite (tests/registry) covers the
real one.

    tests/hostile/test_registry.py --layerscan PATH [--only WORD]
"""
import argparse
import base64
import hashlib
import http.server
import io
import json
import os
import re
import socketserver
import sys
import tarfile
import tempfile
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402

LS = None
USER = "scan-user"
PASSWORD = "pw-Zq8vT3kLr9Xs"  # must never be printed, nor sent to another registry
REPO = "team/app"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def gz(b):
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(b) + c.flush()


def tar_bytes(files):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


class Image:
    """One image: layer blob, config, manifest (and the same as a docker-archive)."""

    def __init__(self, labels=None, layer_size="declared", extra=0, compress=True):
        files = [("etc/hostname", b"app\n"), ("app/main.py", b"print('hi')\n")]
        if extra:
            files.append(("app/data.bin", os.urandom(extra)))
        self.tar = tar_bytes(files)
        self.layer = gz(self.tar) if compress else self.tar
        cfg = {"architecture": "amd64", "os": "linux", "created": "2026-01-20T00:00:00Z",
               "config": {"User": "1000", "Labels": labels or {}},
               "rootfs": {"type": "layers", "diff_ids": [sha(self.tar)]},
               "history": [{"created_by": "COPY app /app"}]}
        self.config = json.dumps(cfg).encode()
        ld = {"mediaType": "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compress
                                                                        else ""),
              "digest": sha(self.layer)}
        if layer_size == "declared":
            ld["size"] = len(self.layer)
        m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
             "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                        "digest": sha(self.config), "size": len(self.config)},
             "layers": [ld]}
        self.manifest = json.dumps(m).encode()

    def docker_archive(self):
        bio = io.BytesIO()
        with tarfile.open(fileobj=bio, mode="w") as t:
            for name, data in [("manifest.json", json.dumps(
                    [{"Config": "config.json", "RepoTags": ["app:1"],
                      "Layers": ["layer.tar"]}]).encode()),
                    ("config.json", self.config), ("layer.tar", self.tar)]:
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
        return bio.getvalue()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that hung up on a dripping answer


class FakeRegistry:
    """A registry on 127.0.0.1 serving `image` under REPO, misbehaving on the request whose
    kind (ping, manifest, config, layer, token) is in `faults`: faults[kind](handler) answers
    it instead. Records (path, Authorization) of every request."""

    def __init__(self, image=None, faults=None, auth=None):
        self.image = image or Image()
        self.faults = faults or {}
        self.auth = auth  # None, "basic", "bearer"
        self.log = []
        self.lock = threading.Lock()
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.handle(self)

            def do_POST(self):
                outer.handle(self)

            def do_HEAD(self):
                outer.handle(self)

        self.srv = Server(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()

    def authorizations(self):
        with self.lock:
            return [a for _, a in self.log if a]

    def requests(self):
        with self.lock:
            return list(self.log)

    def kind(self, path):
        if path.startswith("/token"):
            return "token"
        if path.rstrip("/") == "/v2":
            return "ping"
        if "/manifests/" in path:
            return "manifest"
        if path.endswith(sha(self.image.config)):
            return "config"
        if "/blobs/" in path:
            return "layer"
        return "other"

    def handle(self, h):
        path = h.path.split("?")[0]
        with self.lock:
            self.log.append((h.path, h.headers.get("Authorization")))
        k = self.kind(path)
        if k in self.faults:
            return self.faults[k](h)
        if k == "token":
            return send(h, 200, json.dumps({"token": "tok-" + "x" * 20,
                                            "expires_in": 300}).encode())
        if self.auth and not self.authorized(h):
            if self.auth == "basic":
                chal = 'Basic realm="fake"'
            else:
                chal = (f'Bearer realm="http://{self.host}/token",service="fake",'
                        f'scope="repository:{REPO}:pull"')
            return send(h, 401, b'{"errors":[{"code":"UNAUTHORIZED","message":"auth"}]}',
                        [("WWW-Authenticate", chal)])
        if k == "ping":
            return send(h, 200, b"{}")
        if k == "manifest":
            return send(h, 200, self.image.manifest, [("Content-Type", MT_MANIFEST)])
        if k == "config":
            return send(h, 200, self.image.config)
        if k == "layer":
            return send(h, 200, self.image.layer)
        return send(h, 404, b'{"errors":[{"code":"NOT_FOUND","message":"no"}]}')

    def authorized(self, h):
        a = h.headers.get("Authorization") or ""
        if self.auth == "basic":
            want = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            return a == "Basic " + want
        return a.startswith("Bearer tok-")


def send(h, status, body=b"", headers=(), content_type="application/json"):
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(body)))
    h.send_header("Docker-Distribution-API-Version", "registry/2.0")
    for k, v in headers:
        h.send_header(k, v)
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)


def raw(h, data):
    try:
        h.wfile.write(data)
        h.wfile.flush()
        return True
    except OSError:
        return False


def drip(data, every=1.0, head=b""):
    """A fault answering `head` at once, then `data` one byte every `every` seconds."""
    def fault(h):
        h.close_connection = True
        if head and not raw(h, head):
            return
        for i in range(len(data)):
            if not raw(h, data[i:i + 1]):
                return
            time.sleep(every)
    return fault


def response_bytes(status, body, headers=()):
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}",
             "Content-Type: application/json"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def headers_then_drip(body, every=1.0, length=None, extra=()):
    head = response_bytes(200, b"", extra).replace(
        b"Content-Length: 0", f"Content-Length: {length or len(body)}".encode())
    return drip(body, every, head)


ENV_CREDS = {"LAYERSCAN_USERNAME": USER, "LAYERSCAN_PASSWORD": PASSWORD}


def scan(args, env=None, input_bytes=None, home=None):
    e = {"HOME": home or HOME, "NO_PROXY": "*", "no_proxy": "*", "http_proxy": "",
         "https_proxy": "", "DOCKER_CONFIG": "", "REGISTRY_AUTH_FILE": ""}
    e.update(ENV_CREDS)
    if env:
        e.update(env)
    for k in [k for k, v in e.items() if v is None]:
        del e[k]
    return hostile.run(LS, ["scan", "-f", "json"] + args, env=e,
                       input_bytes=input_bytes)


def judge(name, res, rc=2, names=None, check=None):
    return hostile.case(name, res, rc=rc, names=names, forbid=[PASSWORD, base64.b64encode(
        f"{USER}:{PASSWORD}".encode()).decode()], check=check, layerscan=LS)


def no_oom(check):
    def c(res):
        if b"Out of memory" in res.err or b"out of memory" in res.err:
            return "reported as out of memory"
        return check(res)
    return c


def in_err(*words):
    def check(res):
        err = res.err.decode("utf-8", "replace")
        missing = [w for w in words if not re.search(w, err)]
        return f"stderr lacks {missing}: {err.strip()[-400:]}" if missing else None
    return check


def with_server(fn):
    def run():
        servers = []

        def mk(*a, **kw):
            s = FakeRegistry(*a, **kw)
            servers.append(s)
            return s
        try:
            fn(mk)
        finally:
            for s in servers:
                s.stop()
    run.__name__ = fn.__name__
    return run


GROUPS = []


def group(fn):
    GROUPS.append(with_server(fn))
    return fn


# --- point 5: drips and stalls ------------------------------------------------------------------

@group
def drips(mk):
    img = Image()
    cases = [
        ("drip-ping", "ping", drip(response_bytes(200, b"{}"))),
        ("drip-manifest", "manifest", drip(response_bytes(200, img.manifest,
                                                          [("Content-Type", MT_MANIFEST)]))),
        ("drip-manifest-body", "manifest",
         headers_then_drip(img.manifest, extra=[("Content-Type", MT_MANIFEST)])),
        ("drip-config", "config", headers_then_drip(img.config)),
        ("drip-layer", "layer", headers_then_drip(img.layer)),
        # 1 byte every 5 s: what held a scan 5 minutes before (60 s stall x 5 tries)
        ("drip-layer-5s", "layer", headers_then_drip(img.layer, every=5.0)),
        ("slow-header-lines", "manifest", drip(response_bytes(
            200, img.manifest, [("X-Pad-%d" % i, "y" * 20) for i in range(40)]), every=0.05)),
    ]
    for name, kind, fault in cases:
        r = mk(img, {kind: fault})
        res = scan([f"{r.host}/{REPO}:1"])
        what = {"ping": "ping", "manifest": "manifest 1", "config": "blob sha256:",
                "layer": "layer sha256:"}[kind]
        judge(name, res, names=r.host, check=in_err(re.escape(r.host), what, "stalled",
                                                    r"slower than 1 KiB per 5 s"))

    # the token request drips: a Bearer registry whose realm is slow
    r = mk(img, {"token": headers_then_drip(b'{"token":"tok-' + b"x" * 40 + b'"}')},
           auth="bearer")
    judge("drip-token", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=in_err(re.escape(r.host), "token", "stalled"))

    # a connection accepted and never answered: the first window, no retry
    r = mk(img, {"manifest": lambda h: time.sleep(30)})
    judge("silent-manifest", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=in_err("manifest 1", "stalled: sent 0 bytes"))

    # slow but not dripping (4 KiB a second, pauses of 1 s): within the rate, the scan completes
    big = Image(extra=16384)
    r = mk(big, {"layer": lambda h: slow_chunks(h, big.layer, 4096, 1.0)})
    judge("slow-layer-within-rate", scan([f"{r.host}/{REPO}:1"]), rc=0)

    # above the short window's rate for ever, below the sustained rate: stopped at the end of
    # the sustained-rate window (shortened here to 3 s at 20 KB), not retried
    steady = Image(extra=400000)
    r = mk(steady, {"layer": lambda h: slow_chunks(h, steady.layer, 512, 0.25)})
    judge("steady-trickle-layer", scan([f"{r.host}/{REPO}:1"], env={
        "LAYERSCAN_REGISTRY_LIMITS": "rate_window_ms=3000,rate_min_bytes=20000"}), names=r.host,
        check=in_err("stalled: sent", "per 3 s"))


def slow_chunks(h, body, chunk, every):
    h.close_connection = True
    if not raw(h, response_bytes(200, b"").replace(b"Content-Length: 0",
                                                   f"Content-Length: {len(body)}".encode())):
        return
    for i in range(0, len(body), chunk):
        if not raw(h, body[i:i + chunk]):
            return
        time.sleep(every)


@group
def retries(mk):
    img = Image()
    # 429 asking for an hour: not waited for
    r = mk(img, {"manifest": lambda h: send(h, 429, b'{"errors":[{"code":"TOOMANYREQUESTS",'
                                            b'"message":"slow down"}]}',
                                            [("Retry-After", "3600")])})
    judge("429-retry-after-hour", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=in_err("TOOMANYREQUESTS", "Retry-After 3600"))
    # 429 forever with Retry-After 2: at most the wait budget
    r = mk(img, {"manifest": lambda h: send(h, 429, b"{}", [("Retry-After", "2")])})
    judge("429-loop", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=lambda res: None if res.seconds < 9 else f"took {res.seconds:.1f} s")
    # 503 forever: bounded in count and time
    r = mk(img, {"layer": lambda h: send(h, 503, b"{}")})
    res = scan([f"{r.host}/{REPO}:1"])
    judge("503-loop", res, names=r.host, check=lambda res: None if len(
        [p for p, _ in r.requests() if "/blobs/" in p]) <= 6 else "more than 5 tries of the layer")
    # a 401 loop: the registry never accepts the token it asked for
    r = mk(img, {"manifest": lambda h: send(h, 401, b"{}", [(
        "WWW-Authenticate", f'Bearer realm="http://{h.server.server_address[0]}:'
        f'{h.server.server_address[1]}/token",service="fake"')])}, auth="bearer")
    res = scan([f"{r.host}/{REPO}:1"])
    judge("401-loop", res, names=r.host, check=lambda res: in_err("authentication failed")(res)
          or (None if len(r.requests()) < 12 else f"{len(r.requests())} requests"))
    # a stalled layer is not retried: one request, about one window
    r = mk(img, {"layer": headers_then_drip(img.layer)})
    res = scan([f"{r.host}/{REPO}:1"])
    judge("stall-not-retried", res, names=r.host, check=lambda res: (
        None if len([p for p, _ in r.requests() if "/blobs/sha256:" + sha(img.layer)[7:] in p])
        == 1 else "the dripping layer was asked for again"))


# --- point 14: headers over their bounds -------------------------------------------------------

@group
def headers(mk):
    img = Image()
    r = mk(img, {"manifest": lambda h: send(h, 200, img.manifest,
                                            [("Content-Type", MT_MANIFEST),
                                             ("X-Huge", "h" * 110_000)])})
    judge("100k-header-line", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=no_oom(in_err("manifest 1", "response header line over libcurl's 100 KiB")))
    # over our bound, under libcurl's: the header is named
    r = mk(img, {"ping": lambda h: send(h, 401, b"{}", [(
        "WWW-Authenticate", 'Bearer realm="http://127.0.0.1:1/t",x="' + "a" * 20_000 + '"')])})
    judge("www-authenticate-20k", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=no_oom(in_err(re.escape(r.host), "ping",
                              "response header WWW-Authenticate over 8 KiB")))
    # over libcurl's line limit: libcurl does not say which header, only that a line was too long
    r = mk(img, {"ping": lambda h: send(h, 401, b"{}", [(
        "WWW-Authenticate", 'Bearer realm="http://127.0.0.1:1/t",x="' + "a" * 1_000_000 + '"')])})
    judge("www-authenticate-1m", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=no_oom(in_err(re.escape(r.host), "ping", "response header")))
    # many small header lines: libcurl 7.x keeps them all, without a bound of its own
    many = response_bytes(200, img.manifest, [("X-Many-%d" % i, "m" * 200) for i in range(3000)])
    r = mk(img, {"manifest": lambda h: raw(h, many)})
    judge("headers-over-256k", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=in_err("response headers over 256 KiB"))
    r = mk(img, {"layer": lambda h: send(h, 307, b"", [("Location", "/x" * 6000)])})
    judge("long-location", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=in_err("response header Location over 8 KiB"))


# --- point 6 and endless bodies ----------------------------------------------------------------

def endless(head, chunk=b"\0" * 65536):
    def fault(h):
        h.close_connection = True
        if not raw(h, head):
            return
        while raw(h, chunk):
            pass
    return fault


@group
def endless_bodies(mk):
    img = Image()
    chunked_head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    b"Connection: close\r\n\r\n")
    r = mk(img, {"manifest": endless(chunked_head.replace(b"application/octet-stream",
                                                          MT_MANIFEST.encode()))})
    judge("endless-manifest", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=in_err("manifest 1", "larger than"))
    r = mk(img, {"layer": endless(chunked_head, img.layer + b"\0" * 65536)})
    judge("endless-layer-declared-size", scan([f"{r.host}/{REPO}:1"]), names=r.host,
          check=in_err("layer sha256:", "more bytes than"))
    # no size in the descriptor: the stream stops at the layer bound (lowered for the test)
    # (one tar entry that says 1 GiB, then zeros: the pipeline reads on; the digest would only
    # be checked at an end that never comes)
    nosize = Image(layer_size="absent", compress=False)
    big = tarfile.TarInfo("big.bin")
    big.size = 1 << 30
    big_head = big.tobuf(format=tarfile.USTAR_FORMAT)
    r = mk(nosize, {"layer": endless(chunked_head + big_head)})
    judge("endless-layer-no-size", scan([f"{r.host}/{REPO}:1"], env={
        "LAYERSCAN_REGISTRY_LIMITS": "max_blob=8388608"}), names=r.host,
        check=in_err("layer sha256:", "no size", "8388608 bytes"))


# --- point 1: credentials stay with their registry ---------------------------------------------

@group
def credentials(mk):
    img = Image()
    # a blob redirect to another port: the registry gets the password, the other host nothing
    other = mk(img)
    r = mk(img, {"layer": lambda h: send(h, 307, b"", [
        ("Location", f"http://{other.host}/v2/{REPO}/blobs/{sha(img.layer)}")])}, auth="basic")
    res = scan([f"{r.host}/{REPO}:1"])
    judge("redirect-other-port", res, rc=0, check=lambda res: (
        "the other port got an Authorization header" if other.authorizations() else
        None if r.authorizations() else "the registry itself got no credentials"))
    # a Bearer realm on the registry itself gets them (what docker does), the redirect target not
    other2 = mk(img)
    r = mk(img, {"layer": lambda h: send(h, 307, b"", [
        ("Location", f"http://{other2.host}/v2/{REPO}/blobs/{sha(img.layer)}")])}, auth="bearer")
    res = scan([f"{r.host}/{REPO}:1"])
    judge("redirect-other-port-bearer", res, rc=0, check=lambda res: (
        "the other port got an Authorization header" if other2.authorizations() else
        None if any(a.startswith("Basic ") for p, a in r.requests() if a and
                    p.startswith("/token")) else "the token realm got no credentials"))

    # the attacker's registry, named by the base label of a local docker-archive
    attacker = mk(img, auth="basic")
    base = f"{attacker.host}/library/debian:12"
    local = Image(labels={"org.opencontainers.image.base.name": base})
    res = scan(["docker-archive:-"], input_bytes=local.docker_archive())
    judge("local-base-gets-no-credentials", res, rc=0, check=lambda res: (
        f"the base registry got {len(attacker.authorizations())} credentials"
        if attacker.authorizations() else None if attacker.requests() else
        "the base registry was not asked at all") or in_err(
        f"base image: asking registry {re.escape(attacker.host)} for library/debian:12")(res))
    # from registry A: the base on B gets nothing of A's
    attacker2 = mk(img, auth="basic")
    a = mk(Image(labels={"org.opencontainers.image.base.name":
                         f"{attacker2.host}/library/debian:12"}), auth="basic")
    res = scan([f"{a.host}/{REPO}:1"])
    judge("registry-base-gets-no-credentials", res, rc=0, check=lambda res: (
        "the base registry got credentials" if attacker2.authorizations() else
        None if a.authorizations() else "registry A got no credentials"))
    # excluded by allowed-base-registries: no request at all
    attacker3 = mk(img, auth="basic")
    policy = os.path.join(HOME, "policy.yaml")
    with open(policy, "w") as f:
        f.write("allowed-base-registries:\n  - registry.example.com\n")
    local = Image(labels={"org.opencontainers.image.base.name":
                          f"{attacker3.host}/library/debian:12"})
    res = scan(["--policy", policy, "docker-archive:-"], input_bytes=local.docker_archive())
    judge("excluded-base-registry-not-contacted", res, rc=1, check=lambda res: (
        f"{len(attacker3.requests())} requests to an excluded registry"
        if attacker3.requests() else None))
    # named by --creds-for: it does get them
    b = mk(img, auth="basic")
    local = Image(labels={"org.opencontainers.image.base.name": f"{b.host}/{REPO}:1"})
    res = scan(["--creds-for", b.host, "docker-archive:-"], input_bytes=local.docker_archive())
    judge("creds-for-base", res, rc=0, check=lambda res: (
        None if b.authorizations() else "--creds-for: the base registry got no credentials"))
    # --creds-for takes a registry, not a repository or a URL with a path
    for bad in ("", "ghcr.io/team", "user@ghcr.io"):
        res = scan(["--creds-for", bad, "docker-archive:-"], input_bytes=local.docker_archive())
        judge(f"creds-for-rejects-{bad or 'empty'}", res, names="--creds-for")


def main():
    global LS, HOME
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    ap.add_argument("--only", help="run only the groups whose name contains this")
    args = ap.parse_args()
    LS = os.path.abspath(args.layerscan)
    HOME = tempfile.mkdtemp(prefix="lsc-hostile-reg-")
    os.makedirs(os.path.join(HOME, ".docker"))
    try:
        for g in GROUPS:
            if not args.only or args.only in g.__name__:
                g()
    finally:
        import shutil
        shutil.rmtree(HOME, ignore_errors=True)
    hostile.finish()


HOME = None

if __name__ == "__main__":
    main()
