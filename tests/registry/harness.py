#!/usr/bin/env python3
"""A loopback container registry for layerscan's registry tests.

Pieces (all on 127.0.0.1, all torn down by Harness.__exit__, also on an exception, Ctrl-C or
SIGTERM; child processes also get PR_SET_PDEATHSIG so they die with us if we are killed):

  Registry      Debian's docker-registry (distribution 2.8) with filesystem storage in a temp dir,
                auth "none", "htpasswd" (bcrypt, made by `htpasswd -Bbn`) or "token".
  TokenServer   the docker token protocol (https://distribution.github.io/distribution/spec/auth/):
                GET realm?service=&scope= (optional Basic credentials, offline_token=true) and the
                OAuth2 POST form (grant_type=password / refresh_token); RS256 JWTs whose `x5c`
                header chains to the registry's rootcertbundle. Records every request.
  FaultProxy    a reverse proxy in front of a registry that injects faults per test: HTTP status
                N times (500/502/503, 429 + Retry-After), a body cut after K bytes (connection
                closed; Range requests are passed through so a client can resume), 307 redirects
                of blob GETs to a BlobCDN, a flipped byte in a blob, a 404 for a path, or any canned
                response (e.g. a schema-1 manifest). Logs every request with all its headers.
  BlobCDN       a second HTTP server that serves blobs straight from the registry's storage (as a
                signed-URL CDN would: no auth of its own), with Range support, recording every
                request and whether it carried an Authorization header.
  push helpers  build an image from an lspack spec (tests/tools/lspack.py) as an OCI layout and
                `skopeo copy` it into a registry, one image or a whole multi-platform index.

    with Harness() as h:
        reg = h.registry(auth="htpasswd", users={"alice": "pw"})
        proxy = h.proxy(reg)
        digest = h.push_spec(spec, reg, "team/app:v1", creds=("alice", "pw"))
        proxy.fail(r"/v2/.*/manifests/.*", status=500, times=2)
        ... run a client against proxy.host ...
        assert proxy.hits(r"/v2/team/app/blobs/.*")

`harness.py --self-test` checks every piece against skopeo (no layerscan needed).
"""

import argparse
import base64
import contextlib
import ctypes
import datetime
import hashlib
import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import ssl
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import lspack  # noqa: E402

REGISTRY_BIN = os.environ.get("LAYERSCAN_TEST_REGISTRY", "/usr/bin/docker-registry")
LOOPBACK = "127.0.0.1"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "proxy-connection"}

MT_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
BLOB_PATH = r"/v2/.+/blobs/sha256:[0-9a-f]{64}"
MANIFEST_PATH = r"/v2/.+/manifests/[^/]+"


def missing_tools():
    """What the registry tests need and this machine lacks (empty list: all there)."""
    missing = []
    if not os.access(REGISTRY_BIN, os.X_OK):
        missing.append(REGISTRY_BIN + " (Debian package docker-registry)")
    for tool, pkg in (("skopeo", "skopeo"), ("htpasswd", "apache2-utils")):
        if not shutil.which(tool):
            missing.append(f"{tool} (Debian package {pkg})")
    try:
        import cryptography  # noqa: F401
    except ImportError:
        missing.append("python3 cryptography module (Debian package python3-cryptography)")
    return missing


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def blob_path(repo, digest):
    return f"/v2/{re.escape(repo)}/blobs/{re.escape(digest)}"


def manifest_path(repo, ref):
    return f"/v2/{re.escape(repo)}/manifests/{re.escape(ref)}"


def _die_with_parent():
    """A preexec_fn: SIGKILL the child when the process that started it dies (even by SIGKILL,
    which leaves no chance to clean up)."""
    parent = os.getpid()

    def preexec():
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before prctl: nobody would signal us
            os._exit(1)
    return preexec


def _b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _basic_user(header):
    """(user, password) from an Authorization: Basic header, else None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, pw = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        return user, pw
    except (ValueError, UnicodeDecodeError):
        return None


def registry_error(code, message, status_detail=None):
    return json.dumps({"errors": [{"code": code, "message": message,
                                   "detail": status_detail}]}).encode()


class Log:
    """A thread-safe request log: a list of dicts."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items = []

    def add(self, entry):
        with self._lock:
            self._items.append(entry)
        return entry

    def all(self):
        with self._lock:
            return list(self._items)

    def clear(self):
        with self._lock:
            self._items.clear()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lsctest"
    timeout = 120

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, body=b"", headers=(), content_type="application/json"):
        self.send_response(status)
        hdrs = list(headers)
        if content_type and not any(k.lower() == "content-type" for k, _ in hdrs):
            hdrs.append(("Content-Type", content_type))
        for k, v in hdrs:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def header_dict(self):
        out = {}
        for k, v in self.headers.items():
            k = k.lower()
            out[k] = out[k] + ", " + v if k in out else v
        return out


class _Server:
    """An http.server in a daemon thread on 127.0.0.1:0."""

    def __init__(self, handler_cls, owner):
        cls = type(handler_cls.__name__, (handler_cls,), {"owner": owner})
        self.httpd = _QuietServer((LOOPBACK, 0), cls)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ============================================================== the registry


class Registry:
    """docker-registry on 127.0.0.1:<free port>. Start with Harness.registry()."""

    def __init__(self, harness, auth="none", users=None, token_server=None, log_level="info",
                 tls=False):
        if auth not in ("none", "htpasswd", "token"):
            raise ValueError(f"unknown auth mode {auth!r}")
        if auth == "token" and token_server is None:
            raise ValueError("auth='token' needs a token_server")
        self.harness = harness
        self.auth = auth
        self.users = dict(users or {})
        self.token_server = token_server
        self.dir = tempfile.mkdtemp(prefix=f"registry-{auth}-", dir=harness.tmp)
        self.storage = os.path.join(self.dir, "storage")
        os.makedirs(self.storage)
        self.config = os.path.join(self.dir, "config.yml")
        self.logfile = os.path.join(self.dir, "registry.log")
        self.log_level = log_level
        self.proc = None
        self.port = None
        # tls: HTTPS with a certificate for 127.0.0.1 issued by a test CA (self.ca_file)
        self.tls = tls
        self.ca_file = self.cert_file = self.key_file = None
        if tls:
            self.ca_file, self.cert_file, self.key_file = _server_cert(self.dir)

    @property
    def host(self):
        return f"{LOOPBACK}:{self.port}"

    def _config_text(self):
        q = json.dumps  # a JSON string is a valid YAML double-quoted scalar
        lines = ["version: 0.1",
                 "log:", f"  level: {self.log_level}", "  formatter: text",
                 "storage:", "  filesystem:", f"    rootdirectory: {q(self.storage)}",
                 "  delete:", "    enabled: true",
                 "  maintenance:", "    uploadpurging:", "      enabled: false",
                 "http:", f"  addr: {q(self.host)}", f"  secret: {q(secrets.token_hex(16))}",
                 "  headers:", "    X-Content-Type-Options: [nosniff]"]
        if self.tls:
            lines += ["  tls:", f"    certificate: {q(self.cert_file)}", f"    key: {q(self.key_file)}"]
        if self.auth == "htpasswd":
            path = os.path.join(self.dir, "htpasswd")
            with open(path, "w") as f:
                for user, pw in self.users.items():
                    f.write(subprocess.run(["htpasswd", "-Bbn", user, pw], check=True,
                                           capture_output=True, text=True).stdout.strip() + "\n")
            lines += ["auth:", "  htpasswd:", '    realm: "layerscan-test"', f"    path: {q(path)}"]
        elif self.auth == "token":
            ts = self.token_server
            lines += ["auth:", "  token:", f"    realm: {q(ts.realm)}", f"    service: {q(ts.service)}",
                      f"    issuer: {q(ts.issuer)}", f"    rootcertbundle: {q(ts.root_cert_path)}",
                      "    autoredirect: false"]
        return "\n".join(lines) + "\n"

    def start(self, timeout=20):
        last = None
        for _attempt in range(3):  # free_port() can race with another process; retry then
            self.port = free_port()
            with open(self.config, "w") as f:
                f.write(self._config_text())
            log = open(self.logfile, "ab")
            self.proc = subprocess.Popen([REGISTRY_BIN, "serve", self.config], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, preexec_fn=_die_with_parent(),
                                         cwd=self.dir)
            log.close()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    last = f"docker-registry exited {self.proc.returncode}: {self.log_tail()}"
                    break
                try:
                    if self.tls:
                        c = http.client.HTTPSConnection(LOOPBACK, self.port, timeout=2,
                                                        context=ssl._create_unverified_context())
                    else:
                        c = http.client.HTTPConnection(LOOPBACK, self.port, timeout=2)
                    c.request("GET", "/v2/")
                    st = c.getresponse().status
                    c.close()
                    if st in (200, 401):
                        return self
                except OSError:
                    pass
                time.sleep(0.05)
            else:
                last = f"docker-registry not ready after {timeout}s: {self.log_tail()}"
            self.stop()
        raise RuntimeError(last)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_tail(self, n=20):
        try:
            with open(self.logfile, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def blob_file(self, digest):
        algo, hexd = digest.split(":", 1)
        return os.path.join(self.storage, "docker", "registry", "v2", "blobs", algo, hexd[:2], hexd,
                            "data")


def _server_cert(directory):
    """A CA and a server certificate for 127.0.0.1 it issued: (ca.pem, cert.pem, key.pem)."""
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("layerscan-test TLS CA"))
          .issuer_name(name("layerscan-test TLS CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=7))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name(LOOPBACK))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = [os.path.join(directory, n) for n in ("ca.pem", "cert.pem", "key.pem")]
    with open(paths[0], "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths[1], "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths[2], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return paths


# ============================================================== the token server


class _CA:
    """A root CA and a token-signing leaf certificate it issued (generated once per process)."""
    _cached = None

    @classmethod
    def get(cls):
        if cls._cached is None:
            cls._cached = cls()
        return cls._cached

    def __init__(self):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
        now = datetime.datetime.now(datetime.timezone.utc)

        def name(cn):
            return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ca = (x509.CertificateBuilder().subject_name(name("layerscan-test token CA"))
              .issuer_name(name("layerscan-test token CA")).public_key(ca_key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(days=1))
              .not_valid_after(now + datetime.timedelta(days=7))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                           key_encipherment=False, data_encipherment=False,
                                           key_agreement=False, key_cert_sign=True, crl_sign=True,
                                           encipher_only=False, decipher_only=False), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        leaf = (x509.CertificateBuilder().subject_name(name("layerscan-test token signer"))
                .issuer_name(ca.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=7))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                             key_encipherment=False, data_encipherment=False,
                                             key_agreement=False, key_cert_sign=False, crl_sign=False,
                                             encipher_only=False, decipher_only=False), critical=True)
                .sign(ca_key, hashes.SHA256()))
        self.key = key
        self.root_pem = ca.public_bytes(serialization.Encoding.PEM)
        self.x5c = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                    for c in (leaf, ca)]

    def sign_jwt(self, claims):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         _b64url(json.dumps(claims, separators=(",", ":")).encode()))
        sig = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + _b64url(sig)


class _TokenHandler(_Handler):
    def do_GET(self):
        self.owner._handle(self, "GET")

    def do_POST(self):
        self.owner._handle(self, "POST")


class TokenServer:
    """The docker token protocol. Start with Harness.token_server().

    users:      {name: password}; a user with valid credentials gets every action it asks for.
    anonymous:  True (anonymous pull of any repository), False, or a collection of repository
                names anonymous clients may pull.
    anonymous_denied: "401" (the token server refuses: 401) or "empty" (Docker Hub's way: a token
                with no access, so the registry answers 401 insufficient_scope).
    requests:   every request: {"t", "method", "path", "query", "form", "authorization",
                "user", "grant_type", "scopes", "status"}.
    """

    def __init__(self, harness, users=None, anonymous=True, anonymous_denied="401",
                 service="layerscan-test-registry", issuer="layerscan-test-token-issuer",
                 expires_in=300):
        self.harness = harness
        self.users = dict(users or {})
        self.anonymous = anonymous
        self.anonymous_denied = anonymous_denied
        self.service = service
        self.issuer = issuer
        self.expires_in = expires_in
        self.refresh_tokens = {}  # token -> user
        self.log = Log()
        self.ca = _CA.get()
        d = tempfile.mkdtemp(prefix="token-", dir=harness.tmp)
        self.root_cert_path = os.path.join(d, "root.pem")
        with open(self.root_cert_path, "wb") as f:
            f.write(self.ca.root_pem)
        self.server = _Server(_TokenHandler, self)
        self.port = self.server.port

    @property
    def realm(self):
        return f"http://{LOOPBACK}:{self.port}/token"

    @property
    def requests(self):
        return self.log.all()

    def stop(self):
        self.server.stop()

    def add_refresh_token(self, user):
        """A refresh token (what a docker config.json stores as `identitytoken`) for user."""
        tok = "lsc-refresh-" + secrets.token_urlsafe(24)
        self.refresh_tokens[tok] = user
        return tok

    def scope_counts(self, granted_only=False):
        """{scope: number of token requests (GET and POST) that asked for it}."""
        counts = {}
        for r in self.requests:
            if r["status"] == 200 or not granted_only:
                for s in r["scopes"]:
                    counts[s] = counts.get(s, 0) + 1
        return counts

    def _anon_allowed(self, repo):
        if self.anonymous is True or self.anonymous is False:
            return self.anonymous
        return repo in self.anonymous

    def _grant(self, user, scopes):
        access = []
        for s in scopes:
            parts = s.split(":")
            if len(parts) < 3:
                continue
            typ, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1].split(",")
            if user is None:
                actions = [a for a in actions if a == "pull"] if (
                    typ == "repository" and self._anon_allowed(name)) else []
            if actions:
                access.append({"type": typ, "name": name, "actions": actions})
        return access

    def _token(self, user, scopes):
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": user or "", "aud": self.service, "exp": now + self.expires_in,
                  "nbf": now - 10, "iat": now, "jti": secrets.token_hex(12),
                  "access": self._grant(user, scopes)}
        return self.ca.sign_jwt(claims), now

    def _handle(self, h, method):
        u = urllib.parse.urlsplit(h.path)
        query = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        body = h.read_body() if method == "POST" else b""
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        authz = h.headers.get("Authorization")
        entry = {"t": time.monotonic(), "method": method, "path": u.path, "query": query,
                 "form": form, "authorization": authz, "headers": h.header_dict(),
                 "user": None, "grant_type": None, "scopes": [], "status": None}

        def done(status, obj, headers=()):
            entry["status"] = status
            self.log.add(entry)
            h.reply(status, json.dumps(obj).encode(), headers)

        def unauthorized(msg):
            done(401, {"errors": [{"code": "UNAUTHORIZED", "message": msg}]},
                 [("WWW-Authenticate", 'Basic realm="layerscan-test token server"')])

        if u.path != "/token":
            return done(404, {"errors": [{"code": "NOT_FOUND", "message": u.path}]})
        src = form if method == "POST" else query
        scopes = [s for v in src.get("scope", []) for s in v.split(" ") if s]
        entry["scopes"] = scopes
        if src.get("service", [self.service])[0] != self.service:
            return done(400, {"errors": [{"code": "INVALID_SERVICE", "message": "unknown service"}]})
        user = None
        refresh = None
        if method == "POST":
            grant = src.get("grant_type", [""])[0]
            entry["grant_type"] = grant
            if grant == "password":
                name, pw = src.get("username", [""])[0], src.get("password", [""])[0]
                if self.users.get(name) != pw or name == "":
                    return unauthorized("invalid username or password")
                user = name
                if src.get("access_type", [""])[0] == "offline":
                    refresh = self.add_refresh_token(user)
            elif grant == "refresh_token":
                tok = src.get("refresh_token", [""])[0]
                if tok not in self.refresh_tokens:
                    return unauthorized("invalid refresh token")
                user = self.refresh_tokens[tok]
                refresh = tok
            else:
                return done(400, {"error": "unsupported_grant_type"})
        else:
            cred = _basic_user(authz)
            if authz and not cred:
                return unauthorized("unsupported Authorization header")
            if cred:
                if self.users.get(cred[0]) != cred[1]:
                    return unauthorized("invalid username or password")
                user = cred[0]
                if query.get("offline_token", [""])[0] == "true":
                    refresh = self.add_refresh_token(user)
        entry["user"] = user
        if user is None and self.anonymous_denied == "401":
            for s in scopes:
                parts = s.split(":")
                if parts[0] == "repository" and not self._anon_allowed(":".join(parts[1:-1])):
                    return unauthorized("anonymous access to this repository is not allowed")
        token, now = self._token(user, scopes)
        issued = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        if method == "POST":
            resp = {"access_token": token, "token_type": "Bearer", "scope": " ".join(scopes),
                    "expires_in": self.expires_in, "issued_at": issued}
        else:
            resp = {"token": token, "access_token": token, "expires_in": self.expires_in,
                    "issued_at": issued}
        if refresh:
            resp["refresh_token"] = refresh
        done(200, resp)


# ============================================================== blob CDN


class _CDNHandler(_Handler):
    def do_GET(self):
        self.owner._handle(self)

    def do_HEAD(self):
        self.owner._handle(self)


def _parse_range(value, size):
    """(start, end inclusive) for a single 'bytes=a-b' / 'bytes=a-' / 'bytes=-n', else None."""
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", value or "")
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return None
    if m.group(1) == "":
        n = int(m.group(2))
        return (max(0, size - n), size - 1) if n else None
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else size - 1
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


class BlobCDN:
    """Serves /cdn/<algo>/<hex> from a registry's storage; records every request.

    reject_authorization: answer 400 to a request that carries an Authorization header, as S3
    does for a presigned URL ("Only one auth mechanism allowed").
    """

    def __init__(self, harness, registry, reject_authorization=False):
        self.harness = harness
        self.registry = registry
        self.reject_authorization = reject_authorization
        self.log = Log()
        self.server = _Server(_CDNHandler, self)
        self.port = self.server.port

    @property
    def host(self):
        return f"{LOOPBACK}:{self.port}"

    @property
    def requests(self):
        return self.log.all()

    def url_for(self, digest):
        algo, hexd = digest.split(":", 1)
        return (f"http://{self.host}/cdn/{algo}/{hexd}?X-Lsc-Expires={int(time.time()) + 600}"
                f"&X-Lsc-Signature={secrets.token_hex(8)}")

    def saw_authorization(self):
        return any("authorization" in r["headers"] for r in self.requests)

    def stop(self):
        self.server.stop()

    def _handle(self, h):
        u = urllib.parse.urlsplit(h.path)
        headers = h.header_dict()
        entry = self.log.add({"t": time.monotonic(), "method": h.command, "path": u.path,
                              "query": u.query, "headers": headers, "status": None, "digest": None})
        m = re.fullmatch(r"/cdn/(sha256)/([0-9a-f]{64})", u.path)
        if self.reject_authorization and "authorization" in headers:
            entry["status"] = 400
            return h.reply(400, b"<Error><Code>InvalidArgument</Code><Message>Only one auth "
                           b"mechanism allowed</Message></Error>", content_type="application/xml")
        path = self.registry.blob_file(m.group(1) + ":" + m.group(2)) if m else None
        if not path or not os.path.exists(path):
            entry["status"] = 404
            return h.reply(404, b"<Error><Code>NoSuchKey</Code></Error>", content_type="application/xml")
        entry["digest"] = m.group(1) + ":" + m.group(2)
        size = os.path.getsize(path)
        start, end, status = 0, size - 1, 200
        extra = [("Accept-Ranges", "bytes"), ("ETag", '"' + m.group(2) + '"')]
        if "range" in headers:
            rng = _parse_range(headers["range"], size)
            if rng is None:
                entry["status"] = 416
                return h.reply(416, b"", [("Content-Range", f"bytes */{size}")])
            start, end, status = rng[0], rng[1], 206
            extra.append(("Content-Range", f"bytes {start}-{end}/{size}"))
        entry["status"] = status
        h.send_response(status)
        for k, v in extra:
            h.send_header(k, v)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(end - start + 1))
        h.end_headers()
        if h.command == "HEAD":
            return
        with open(path, "rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = f.read(min(left, 1 << 16))
                if not chunk:
                    break
                h.wfile.write(chunk)
                left -= len(chunk)


# ============================================================== the fault-injecting proxy


class Fault:
    """One programmed fault. `times` None means every matching request."""

    def __init__(self, kind, path, methods=("GET",), times=1, **params):
        self.kind = kind
        self.path = path
        self.regex = re.compile(path)
        self.methods = {m.upper() for m in methods} if methods else None
        self.times = times
        self.hits = 0
        self.params = params

    def matches(self, method, path):
        if self.times is not None and self.hits >= self.times:
            return False
        return (self.methods is None or method in self.methods) and self.regex.fullmatch(path)

    def __repr__(self):
        return f"Fault({self.kind} {self.path} hits={self.hits}/{self.times} {self.params})"


class _ProxyHandler(_Handler):
    def handle(self):
        # A client that tries HTTPS first (docker's rule for loopback registries) sends a TLS
        # ClientHello to this plain-HTTP port: log it and answer as Go's net/http (the registry
        # itself) does, with a plain-text 400, which the client sees as a TLS failure.
        try:
            first = self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return
        if first == b"\x16":
            self.owner.log.add({"t": time.monotonic(), "method": "TLS-HANDSHAKE", "path": "",
                                "query": "", "headers": {}, "status": 400, "fault": None, "sent": 0,
                                "content_range": None})
            with contextlib.suppress(OSError):
                self.connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                                        b"charset=utf-8\r\nConnection: close\r\n\r\n"
                                        b"400 Bad Request")
            return
        super().handle()

    def do_GET(self):
        self.owner._handle(self)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET


class FaultProxy:
    """A reverse proxy on 127.0.0.1:<port> in front of a registry. Start with Harness.proxy().

    Every request is logged in `requests`: {"t" (monotonic), "method", "path", "query",
    "headers" (lower-case names, all of them, Authorization included), "status" (what the client
    got), "fault" (the Fault's kind or None), "sent" (body bytes sent), "content_range"}.
    The Host header is passed upstream unchanged, so the registry's own absolute URLs (upload
    locations) point at the proxy.
    """

    def __init__(self, harness, upstream, cdn=None):
        self.harness = harness
        self.upstream = upstream
        self.cdn = cdn
        self.faults = []
        self._lock = threading.Lock()
        self.log = Log()
        self.server = _Server(_ProxyHandler, self)
        self.port = self.server.port

    @property
    def host(self):
        return f"{LOOPBACK}:{self.port}"

    @property
    def requests(self):
        return self.log.all()

    def stop(self):
        self.server.stop()

    # -- programming

    def add(self, fault):
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self):
        """Drop every fault and the request log."""
        with self._lock:
            self.faults = []
        self.log.clear()

    def fail(self, path, status=500, times=1, methods=("GET", "HEAD"), headers=(), body=None):
        """Answer `status` (with an error body) `times` times, then pass through."""
        return self.add(Fault("status", path, methods, times, status=status, headers=list(headers),
                              body=body))

    def throttle(self, path, times=1, retry_after="1", methods=("GET", "HEAD")):
        """429 Too Many Requests with Retry-After, `times` times."""
        return self.add(Fault("status", path, methods, times, status=429,
                              headers=[("Retry-After", str(retry_after))],
                              body=registry_error("TOOMANYREQUESTS", "too many requests")))

    def cut(self, path, after, times=1):
        """Pass a full (200) GET through but close the connection after `after` body bytes.
        Range requests (206) are never cut and do not count."""
        return self.add(Fault("cut", path, ("GET",), times, after=after))

    def redirect_blobs(self, cdn=None, path=BLOB_PATH, times=None, status=307):
        """Blob GETs that the registry would answer 200 (so auth still applies) are answered
        `status` with a Location on the CDN instead."""
        cdn = cdn or self.cdn
        if cdn is None:
            raise ValueError("redirect_blobs needs a BlobCDN")
        return self.add(Fault("redirect", path, ("GET",), times, cdn=cdn, status=status))

    def corrupt(self, path, offset=None, times=None):
        """Flip (xor 0xff) the body byte at absolute blob offset `offset` (default: the middle)."""
        return self.add(Fault("corrupt", path, ("GET",), times, offset=offset))

    def not_found(self, path, times=None, methods=("GET", "HEAD")):
        """404 with the registry's error JSON (BLOB_UNKNOWN / MANIFEST_UNKNOWN / NAME_UNKNOWN)."""
        return self.add(Fault("notfound", path, methods, times))

    def respond(self, path, status, body=b"", headers=(), times=None, methods=("GET", "HEAD")):
        """A canned response (HEAD gets the headers and the body's length)."""
        return self.add(Fault("respond", path, methods, times, status=status, headers=list(headers),
                              body=body))

    def schema1_manifest(self, repo, ref, times=None):
        """Serve a (fake, unsigned-but-shaped) schema 1 signed manifest for repo:ref."""
        body = json.dumps({
            "schemaVersion": 1, "name": repo, "tag": ref, "architecture": "amd64",
            "fsLayers": [{"blobSum": "sha256:" + "a" * 64}],
            "history": [{"v1Compatibility": json.dumps({"id": "b" * 64, "created":
                                                         "2016-01-01T00:00:00Z", "os": "linux"})}],
            "signatures": [{"header": {"jwk": {"crv": "P-256", "kid": "XXXX:YYYY", "kty": "EC",
                                               "x": "AAAA", "y": "BBBB"}, "alg": "ES256"},
                            "signature": "c2lnbmF0dXJl", "protected": "e30"}]}, indent=3).encode()
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        return self.respond(manifest_path(repo, ref), 200, body,
                            [("Content-Type", MT_SCHEMA1_SIGNED), ("Docker-Content-Digest", digest),
                             ("Docker-Distribution-Api-Version", "registry/2.0")], times)

    # -- queries

    def hits(self, path_regex, method=None):
        r = re.compile(path_regex)
        return [e for e in self.requests
                if r.fullmatch(e["path"]) and (method is None or e["method"] == method)]

    # -- the proxying

    def _take(self, method, path):
        with self._lock:
            for f in self.faults:
                if f.matches(method, path):
                    f.hits += 1
                    return f
        return None

    def _handle(self, h):
        u = urllib.parse.urlsplit(h.path)
        body = h.read_body()
        entry = {"t": time.monotonic(), "method": h.command, "path": u.path, "query": u.query,
                 "headers": h.header_dict(), "status": None, "fault": None, "sent": 0,
                 "content_range": None}
        self.log.add(entry)
        fault = self._take(h.command, u.path)
        if fault:
            entry["fault"] = fault.kind
        try:
            if fault and fault.kind in ("status", "respond", "notfound"):
                return self._canned(h, entry, fault, u.path)
            self._forward(h, entry, fault, u, body)
        except (ConnectionError, socket.timeout, BrokenPipeError):
            h.close_connection = True

    def _canned(self, h, entry, fault, path):
        p = fault.params
        if fault.kind == "notfound":
            code = ("BLOB_UNKNOWN" if "/blobs/" in path else "MANIFEST_UNKNOWN"
                    if "/manifests/" in path else "NAME_UNKNOWN")
            status, headers, body = 404, [], registry_error(code, code.lower().replace("_", " "))
        else:
            status, headers, body = p["status"], p["headers"], p.get("body")
            if body is None:
                body = registry_error({500: "UNKNOWN", 429: "TOOMANYREQUESTS"}.get(status, "UNAVAILABLE"),
                                      f"injected {status}")
        entry["status"] = status
        ct = None if any(k.lower() == "content-type" for k, _ in headers) else "application/json"
        h.reply(status, body, headers + [("Docker-Distribution-Api-Version", "registry/2.0")], ct)
        entry["sent"] = 0 if h.command == "HEAD" else len(body)

    def _forward(self, h, entry, fault, u, body):
        conn = http.client.HTTPConnection(LOOPBACK, self.upstream.port, timeout=120)
        try:
            target = u.path + ("?" + u.query if u.query else "")
            conn.putrequest(h.command, target, skip_host=True, skip_accept_encoding=True)
            for k, v in h.headers.items():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    conn.putheader(k, v)
            if body or h.command in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            length = resp.getheader("Content-Length")
            no_body = h.command == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200

            if fault and fault.kind == "redirect":
                if resp.status == 200 and h.command == "GET":
                    digest = u.path.rsplit("/", 1)[1]
                    loc = fault.params["cdn"].url_for(digest)
                    entry["status"] = fault.params["status"]
                    return h.reply(fault.params["status"], b"", [
                        ("Location", loc), ("Docker-Distribution-Api-Version", "registry/2.0")],
                        content_type=None)
                fault.hits -= 1  # not redirected: does not count
                entry["fault"] = None
                fault = None
            if fault and fault.kind == "cut" and resp.status != 200:
                fault.hits -= 1
                entry["fault"] = None
                fault = None

            if not no_body and length is None:
                data = resp.read()
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
                headers.append(("Content-Length", str(len(data))))
                length = str(len(data))
                chunks = iter([data])
            else:
                chunks = iter(lambda: resp.read(1 << 16), b"")
            entry["status"] = resp.status
            cr = resp.getheader("Content-Range")
            entry["content_range"] = cr
            h.send_response_only(resp.status, resp.reason)
            for k, v in headers:
                h.send_header(k, v)
            h.end_headers()
            if no_body:
                return
            pos = 0
            if cr:
                m = re.match(r"bytes (\d+)-", cr)
                pos = int(m.group(1)) if m else 0
            flip = None
            if fault and fault.kind == "corrupt":
                total = int(cr.rsplit("/", 1)[1]) if cr and "/" in cr and not cr.endswith("*") \
                    else int(length)
                flip = fault.params["offset"] if fault.params["offset"] is not None else total // 2
            limit = fault.params["after"] if fault and fault.kind == "cut" else None
            sent = 0
            for chunk in chunks:
                if flip is not None and pos <= flip < pos + len(chunk):
                    b = bytearray(chunk)
                    b[flip - pos] ^= 0xFF
                    chunk = bytes(b)
                if limit is not None and sent + len(chunk) >= limit:
                    h.wfile.write(chunk[:limit - sent])
                    sent = limit
                    h.wfile.flush()
                    entry["sent"] = sent
                    h.close_connection = True
                    with contextlib.suppress(OSError):
                        h.connection.shutdown(socket.SHUT_RDWR)
                    return
                h.wfile.write(chunk)
                pos += len(chunk)
                sent += len(chunk)
            entry["sent"] = sent
        finally:
            conn.close()


# ============================================================== push helpers


def build_oci(spec, out, tag, base_dir=None, **kw):
    """Pack an lspack spec as an OCI layout at `out` with ref.name from `tag`; returns lspack's
    info dict (digests, sizes, per-platform images). kw: index_style, layer_compression, ..."""
    if os.path.exists(out):
        shutil.rmtree(out)
    return lspack.pack(spec, base_dir or os.getcwd(), "oci", out, tag=tag, **kw)


def build_docker_archive(spec, out, platform=None, base_dir=None, tag=None):
    if os.path.exists(out):
        os.unlink(out)
    return lspack.pack(spec, base_dir or os.getcwd(), "docker-archive", out, tag=tag,
                       platform=platform)


# ============================================================== the harness


class Harness:
    """Owns every server and process started through it; __exit__ stops them all."""

    def __init__(self, keep=False, tmp=None):
        self.keep = keep
        self._given_tmp = tmp
        self.tmp = None
        self._things = []
        self._old_handlers = {}

    def __enter__(self):
        self.tmp = self._given_tmp or tempfile.mkdtemp(prefix="lsc-registry-")
        os.makedirs(self.tmp, exist_ok=True)
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home, exist_ok=True)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGHUP):
                self._old_handlers[sig] = signal.signal(sig, self._on_signal)
        return self

    def _on_signal(self, signum, frame):
        raise SystemExit(128 + signum)  # unwinds through __exit__

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        for thing in reversed(self._things):
            with contextlib.suppress(Exception):
                thing.stop()
        self._things = []
        for sig, old in self._old_handlers.items():
            signal.signal(sig, old)
        self._old_handlers = {}
        if self.tmp and not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _own(self, thing):
        self._things.append(thing)
        return thing

    # -- servers

    def token_server(self, **kw):
        return self._own(TokenServer(self, **kw))

    def registry(self, auth="none", users=None, token_server=None, **kw):
        r = self._own(Registry(self, auth, users, token_server, **kw))
        r.start()
        return r

    def cdn(self, registry, **kw):
        return self._own(BlobCDN(self, registry, **kw))

    def proxy(self, registry, cdn=None):
        return self._own(FaultProxy(self, registry, cdn))

    # -- skopeo

    def skopeo_env(self):
        env = dict(os.environ)
        for k in ("REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "XDG_RUNTIME_DIR", "http_proxy",
                  "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(k, None)
        env["HOME"] = self.home
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        return env

    def skopeo(self, args, check=True, timeout=120):
        p = subprocess.run(["skopeo", "--insecure-policy"] + list(args), capture_output=True,
                           text=True, env=self.skopeo_env(), timeout=timeout,
                           preexec_fn=_die_with_parent())
        if check and p.returncode != 0:
            raise RuntimeError(f"skopeo {' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
        return p

    def push_oci(self, layout, layout_tag, host, ref, creds=None, all_images=False):
        """skopeo copy oci:LAYOUT:TAG docker://HOST/REF; returns the pushed manifest digest."""
        dfile = os.path.join(self.tmp, f"digest-{secrets.token_hex(4)}")
        args = ["copy", "--quiet", "--dest-tls-verify=false", "--digestfile", dfile]
        if creds:
            args += ["--dest-creds", f"{creds[0]}:{creds[1]}"]
        if all_images:
            args.append("--all")
        self.skopeo(args + [f"oci:{layout}:{layout_tag}", f"docker://{host}/{ref}"])
        with open(dfile) as f:
            return f.read().strip()

    def push_spec(self, spec, registry, ref, creds=None, base_dir=None, **pack_kw):
        """Build `spec` with lspack (multi-platform specs as a nested index, pushed with --all)
        and push it to registry as REF ("repo:tag"). Returns {"digest", "info", "layout", "ref"}."""
        multi = bool(spec.get("platforms"))
        if multi:
            pack_kw.setdefault("index_style", "nested")
        repo, tag = lspack.split_tag(ref)
        layout = tempfile.mkdtemp(prefix="oci-", dir=self.tmp)
        info = build_oci(spec, layout, ref, base_dir, **pack_kw)
        host = registry if isinstance(registry, str) else registry.host
        digest = self.push_oci(layout, tag, host, ref, creds, all_images=multi)
        return {"digest": digest, "info": info, "layout": layout, "ref": ref, "repo": repo, "tag": tag}


# ============================================================== self-test (skopeo as the client)


SELFTEST_SPEC = {
    "created": "2026-10-01T12:00:00Z",
    "config": {"User": "1000"},
    "layers": [
        {"created_by": "ADD base", "files": [{"path": "etc/hostname", "content": "box\n"}]},
        {"created_by": "COPY blob", "files": [
            {"path": "opt/random.bin",
             "content_b64": base64.b64encode(
                 __import__("random").Random(5).randbytes(300_000)).decode()}]},
        {"created_by": "COPY app", "files": [{"path": "app/main.py", "content": "print(1)\n"}]},
    ],
}


def _fetch(port, path, headers=None):
    """(body bytes, status, complete?) of a GET, reading to EOF even when cut short."""
    c = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    try:
        data, full = r.read(), True
    except http.client.IncompleteRead as e:
        data, full = e.partial, False
    c.close()
    return data, r.status, full


def _selftest(keep=False):
    results = []

    def check(cond, what, detail=""):
        results.append(bool(cond))
        print(("PASS " if cond else "FAIL ") + what + ("" if cond or not detail else f"\n    {detail}"))
        sys.stdout.flush()

    missing = missing_tools()
    if missing:
        print("skip: missing " + ", ".join(missing))
        return 77
    with Harness(keep=keep) as h:
        out = os.path.join(h.tmp, "out")

        def copy(src, creds=None, extra=()):
            shutil.rmtree(out, ignore_errors=True)
            args = ["copy", "--quiet", "--src-tls-verify=false"] + list(extra)
            if creds:
                args += ["--src-creds", f"{creds[0]}:{creds[1]}"]
            return h.skopeo(args + [src, f"oci:{out}:x"], check=False)

        def inspect(src, creds=None, raw=False):
            args = ["inspect", "--tls-verify=false"] + (["--raw"] if raw else [])
            if creds:
                args += ["--creds", f"{creds[0]}:{creds[1]}"]
            return h.skopeo(args + [src], check=False)

        # ---- no auth, through the proxy
        reg = h.registry()
        cdn = h.cdn(reg)
        px = h.proxy(reg, cdn)
        img = h.push_spec(SELFTEST_SPEC, reg, "self/app:v1")
        layers = img["info"]["images"][0]["layers"]
        big = layers[1]["digest"]
        ref = f"docker://{px.host}/self/app:v1"
        p = inspect(ref)
        check(p.returncode == 0 and json.loads(p.stdout)["Digest"] == img["digest"],
              "open registry: skopeo inspect through the proxy sees the pushed digest", p.stderr)
        check(px.hits(manifest_path("self/app", "v1")), "proxy logged the manifest request")
        p = inspect(f"docker://{px.host}/self/app@{img['digest']}", raw=True)
        check(p.returncode == 0 and hashlib.sha256(p.stdout.encode()).hexdigest() == img["digest"][7:],
              "inspect --raw by digest returns the exact manifest bytes")

        # skopeo 1.9 does not retry a 5xx (only 429), so: two failing inspects, then one that works
        px.clear()
        px.fail(MANIFEST_PATH, 500, times=2)
        rcs = [inspect(ref).returncode for _ in range(3)]
        fl = [e["status"] for e in px.hits(MANIFEST_PATH)]
        check(rcs[0] != 0 and rcs[1] != 0 and rcs[2] == 0 and fl[:2] == [500, 500] and 200 in fl[2:],
              "500 twice on the manifest, then passed through", f"rcs={rcs} statuses={fl}")
        px.clear()
        px.fail(BLOB_PATH, 503, times=1)
        p = copy(ref)
        check(p.returncode != 0 and "503" in p.stderr, "503 on a blob reaches the client", p.stderr)
        p = copy(ref)
        check(p.returncode == 0, "... and the next copy works", p.stderr)

        px.clear()
        px.throttle(blob_path("self/app", big), times=1)
        p = copy(ref, extra=["--retry-times", "3"])
        th = px.hits(blob_path("self/app", big), "GET")
        check(p.returncode == 0 and th and th[0]["status"] == 429 and
              th[0]["fault"] == "status" and len(th) >= 2,
              "429 + Retry-After once on a blob, then served", p.stderr + repr(th))
        if len(th) >= 2:
            print(f"    (skopeo waited {th[1]['t'] - th[0]['t']:.2f}s after the 429)")

        # skopeo 1.9 (containers/image 5.23) does not resume a cut body, so the cut and the Range
        # pass-through are checked with a plain HTTP client
        px.clear()
        px.cut(blob_path("self/app", big), after=100_000)
        got, status1, full = _fetch(px.port, blob_path("self/app", big))
        check(status1 == 200 and len(got) == 100_000 and not full,
              "cut: the first blob GET ends after 100000 of its bytes", f"{status1} {len(got)}")
        rest, status2, full2 = _fetch(px.port, blob_path("self/app", big), {"Range": "bytes=100000-"})
        check(status2 == 206 and full2 and lspack.sha256_bytes(got + rest) == big,
              "cut: Range: bytes=100000- is passed through (206) and completes the blob",
              f"{status2} {len(rest)}")
        g = px.hits(blob_path("self/app", big), "GET")
        check([e["fault"] for e in g] == ["cut", None] and g[1]["headers"].get("range") ==
              "bytes=100000-" and g[1]["content_range"].startswith("bytes 100000-"),
              "cut: the log shows the cut GET and the Range GET", repr(g))
        px.clear()
        px.cut(blob_path("self/app", big), after=100_000)
        p = copy(ref)
        print(f"    (skopeo copy over a cut body: exit {p.returncode}; log "
              f"{[(e['headers'].get('range'), e['status'], e['sent']) for e in px.hits(BLOB_PATH, 'GET')]})")

        px.clear()
        px.corrupt(blob_path("self/app", big), offset=9)
        p = copy(ref)
        check(p.returncode != 0 and "digest" in p.stderr.lower(),
              "corrupt: skopeo rejects a blob with one flipped byte (digest mismatch)", p.stderr)

        px.clear()
        px.not_found(blob_path("self/app", layers[2]["digest"]))
        p = copy(ref)
        check(p.returncode != 0 and px.hits(blob_path("self/app", layers[2]["digest"]))[0]["status"] == 404,
              "not_found: skopeo fails on a 404 blob", p.stderr)

        px.clear()
        px.schema1_manifest("self/app", "old")
        p = inspect(f"docker://{px.host}/self/app:old", raw=True)
        check(p.returncode == 0 and '"schemaVersion": 1' in p.stdout,
              "schema1: canned schema-1 manifest served with its media type", p.stderr)
        e = px.hits(manifest_path("self/app", "old"))
        check(e and e[0]["fault"] == "respond", "schema1: logged as a canned response")

        px.clear()
        px.redirect_blobs()
        p = copy(ref)
        check(p.returncode == 0 and len(cdn.requests) >= len(layers) + 1 and
              all(r["status"] in (200, 206) for r in cdn.requests),
              "307: every blob GET redirected to the CDN and served from there (no auth)",
              p.stderr + repr(cdn.requests))
        check(all(e["status"] == 307 for e in px.hits(BLOB_PATH, "GET")),
              "307: the proxy answered every blob GET with 307")

        # ---- htpasswd
        users = {"alice": "wonderland-Pw1"}
        breg = h.registry(auth="htpasswd", users=users)
        bcdn = h.cdn(breg)
        bpx = h.proxy(breg, bcdn)
        h.push_spec(SELFTEST_SPEC, breg, "private/app:v1", creds=("alice", users["alice"]))
        bref = f"docker://{bpx.host}/private/app:v1"
        p = inspect(bref)
        check(p.returncode != 0 and any(e["status"] == 401 for e in bpx.requests),
              "htpasswd: no credentials -> 401 and skopeo fails", p.stderr)
        p = inspect(bref, creds=("alice", "wrong"))
        check(p.returncode != 0, "htpasswd: wrong password -> skopeo fails", p.stderr)
        bpx.clear()
        p = inspect(bref, creds=("alice", users["alice"]))
        check(p.returncode == 0, "htpasswd: skopeo inspect with the right password", p.stderr)
        check(any((e["headers"].get("authorization") or "").startswith("Basic ") for e in bpx.requests),
              "htpasswd: proxy log records the Authorization header")
        bpx.clear()
        bpx.redirect_blobs()
        p = copy(bref, creds=("alice", users["alice"]))
        check(p.returncode == 0 and len(bcdn.requests) >= len(layers) + 1,
              "htpasswd + 307: skopeo copies via the CDN", p.stderr)
        print(f"    (CDN saw an Authorization header from skopeo: {bcdn.saw_authorization()})")
        # a CDN that refuses Authorization, as S3 does for presigned URLs
        bcdn.reject_authorization = True
        bcdn.log.clear()
        p = copy(bref, creds=("alice", users["alice"]))
        print(f"    (S3-like CDN that rejects Authorization: skopeo exit {p.returncode})")

        # ---- token
        ts = h.token_server(users={"bob": "builder-Pw2"}, anonymous={"public/app"})
        treg = h.registry(auth="token", token_server=ts)
        tpx = h.proxy(treg)
        h.push_spec(SELFTEST_SPEC, treg, "public/app:v1", creds=("bob", "builder-Pw2"))
        h.push_spec(SELFTEST_SPEC, treg, "private/app:v1", creds=("bob", "builder-Pw2"))
        check(any(r["user"] == "bob" and any(s.endswith("push,pull") or "push" in s
                                              for s in r["scopes"]) for r in ts.requests),
              "token: the push got a push token for bob")
        ts.log.clear()
        tpx.clear()
        p = copy(f"docker://{tpx.host}/public/app:v1")
        check(p.returncode == 0 and ts.requests and all(r["user"] is None for r in ts.requests),
              "token: anonymous pull of a public repository", p.stderr + repr(ts.requests))
        check(any(("authorization" in e["headers"]) and
                  e["headers"]["authorization"].startswith("Bearer ") for e in tpx.requests),
              "token: the registry was sent Bearer tokens")
        print(f"    (skopeo token requests per scope: {ts.scope_counts()})")
        ts.log.clear()
        p = inspect(f"docker://{tpx.host}/private/app:v1")
        check(p.returncode != 0 and ts.requests and ts.requests[0]["status"] == 401,
              "token: anonymous pull of a private repository is refused", p.stderr)
        p = inspect(f"docker://{tpx.host}/private/app:v1", creds=("bob", "nope"))
        check(p.returncode != 0, "token: wrong password refused", p.stderr)
        ts.log.clear()
        p = copy(f"docker://{tpx.host}/private/app:v1", creds=("bob", "builder-Pw2"))
        check(p.returncode == 0 and any(r["user"] == "bob" for r in ts.requests),
              "token: pull with credentials", p.stderr)
        # identity token (refresh token) via the OAuth2 POST form, skopeo --authfile
        rt = ts.add_refresh_token("bob")
        authfile = os.path.join(h.tmp, "idtoken.json")
        with open(authfile, "w") as f:
            # what `docker login` writes for an identity token: "auth" is "user:" (no password)
            json.dump({"auths": {tpx.host: {"auth": base64.b64encode(b"bob:").decode(),
                                            "identitytoken": rt}}}, f)
        ts.log.clear()
        shutil.rmtree(out, ignore_errors=True)
        p = h.skopeo(["copy", "--quiet", "--src-tls-verify=false", "--authfile", authfile,
                      f"docker://{tpx.host}/private/app:v1", f"oci:{out}:x"], check=False)
        posts = [r for r in ts.requests if r["method"] == "POST"]
        check(p.returncode == 0 and posts and posts[0]["grant_type"] == "refresh_token" and
              posts[0]["form"].get("refresh_token") == [rt],
              "token: identitytoken -> POST grant_type=refresh_token", p.stderr + repr(ts.requests))
        # password grant, as a client would do it
        c = http.client.HTTPConnection(LOOPBACK, ts.port, timeout=10)
        c.request("POST", "/token", urllib.parse.urlencode({
            "grant_type": "password", "username": "bob", "password": "builder-Pw2",
            "service": ts.service, "scope": "repository:private/app:pull", "client_id": "t",
            "access_type": "offline"}), {"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        tok = json.loads(r.read())
        c.close()
        check(r.status == 200 and "access_token" in tok and "refresh_token" in tok,
              "token: POST grant_type=password returns access_token and refresh_token", repr(tok))
        cc = http.client.HTTPConnection(LOOPBACK, treg.port, timeout=10)
        cc.request("GET", "/v2/private/app/manifests/v1",
                   headers={"Authorization": "Bearer " + tok.get("access_token", ""),
                            "Accept": lspack.MT_OCI_MANIFEST})
        r = cc.getresponse()
        r.read()
        cc.close()
        check(r.status == 200, "token: the password-grant token is accepted by the registry")

        # ---- multi-platform index
        multi = dict(SELFTEST_SPEC, platforms=["linux/amd64", "linux/arm64"])
        mimg = h.push_spec(multi, reg, "self/multi:v1")
        p = inspect(f"docker://{px.host}/self/multi:v1", raw=True)
        idx = json.loads(p.stdout) if p.returncode == 0 else {}
        check(idx.get("mediaType") == lspack.MT_OCI_INDEX and
              sorted(m["platform"]["architecture"] for m in idx.get("manifests", [])) ==
              ["amd64", "arm64"] and mimg["digest"] == mimg["info"]["index_digest"],
              "multi-platform: the index with amd64 and arm64 is in the registry", p.stderr)

        px.clear()
        p = h.skopeo(["inspect", f"docker://{px.host}/self/app:v1"], check=False)
        check(p.returncode != 0 and px.requests and
              all(e["method"] == "TLS-HANDSHAKE" for e in px.requests) and
              "server gave HTTP response to HTTPS client" in p.stderr,
              "a TLS ClientHello on the proxy is logged as TLS-HANDSHAKE and refused",
              p.stderr + repr(px.requests))
        import ssl
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        try:
            with socket.create_connection((LOOPBACK, px.port), timeout=5) as s:
                ctx.wrap_socket(s).close()
            tls_err = None
        except (ssl.SSLError, OSError) as e:
            tls_err = e
        check(tls_err is not None, f"an OpenSSL client fails its handshake quickly ({tls_err})")

        # ---- connection refused
        p = inspect(f"docker://{LOOPBACK}:{free_port()}/x/y:z")
        check(p.returncode != 0 and "refused" in p.stderr, "connection refused registry", p.stderr)

        live = [t for t in h._things if isinstance(t, Registry)]
        pids = [t.proc.pid for t in live]
    gone = all(not os.path.exists(f"/proc/{pid}") or
               open(f"/proc/{pid}/stat").read().split()[2] == "Z" for pid in pids)
    check(gone, "every docker-registry process is gone after the harness closed")
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--self-test", action="store_true", help="check the harness against skopeo")
    ap.add_argument("--serve", choices=("none", "htpasswd", "token"),
                    help="start a registry (+ proxy, CDN) and wait, for poking at by hand")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    a = ap.parse_args()
    if a.self_test:
        try:
            return _selftest(a.keep)
        except Exception:
            traceback.print_exc()
            return 1
    if a.serve:
        missing = missing_tools()
        if missing:
            print("missing: " + ", ".join(missing))
            return 77
        with Harness(keep=a.keep) as h:
            users = {"user": "pass"}
            ts = h.token_server(users=users) if a.serve == "token" else None
            reg = h.registry(auth=a.serve, users=users, token_server=ts)
            cdn = h.cdn(reg)
            px = h.proxy(reg, cdn)
            print(f"registry {reg.host}  proxy {px.host}  cdn {cdn.host}" +
                  (f"  token realm {ts.realm}" if ts else "") + f"  (users {users}); Ctrl-C stops")
            print(f"dir {h.tmp}")
            sys.stdout.flush()
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
        return 0
    ap.print_help()
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
