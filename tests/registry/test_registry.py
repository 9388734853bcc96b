#!/usr/bin/env python3
"""layerscan against a real registry on 127.0.0.1: pulls, auth, and every failure mode.

    tests/registry/test_registry.py --layerscan build/layerscan
    tests/registry/test_registry.py --layerscan build/layerscan --only 'token|cut' -v

Registries (Debian's docker-registry: none / htpasswd / token auth), a token server, a
fault-injecting proxy and a blob "CDN" come from harness.py; images are built with
tests/tools/lspack.py and pushed with skopeo. Every scan goes through the proxy, so each case can
inject faults and assert on what layerscan sent. Findings of a registry scan are compared with a
scan of the same spec packed as a docker-archive (rule_id, path, layer_index, line,
in_final_image, match).

Exit 0 all passed, 1 something failed, 77 docker-registry, skopeo, htpasswd or python3
cryptography missing. Last line: "N passed, M failed".
Environment: LAYERSCAN_WRAPPER (e.g. "valgrind -q --error-exitcode=99") goes in front of
layerscan; LAYERSCAN_TEST_TIMEOUT (seconds, default 120) bounds each scan.
"""

import argparse
import base64
import functools
import itertools
import json
import os
import random
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import BLOB_PATH, MANIFEST_PATH, blob_path, manifest_path  # noqa: E402

TIMEOUT = int(os.environ.get("LAYERSCAN_TEST_TIMEOUT", "120"))
WRAPPER = shlex.split(os.environ.get("LAYERSCAN_WRAPPER", ""))
CREATED = "2026-10-01T12:00:00Z"

BASIC_USER, BASIC_PASS = "lsc-alice", "Lsc-b4sic-PW-q7z9x"
TOKEN_USER, TOKEN_PASS = "lsc-bob", "Lsc-t0ken-PW-m3k8w"
GH_PAT = "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"  # fires github-pat (from the scan cases)
HELPER = "lsctest"
BIG = 400_000  # bytes of incompressible data in layer 2: the blob that gets cut

PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"

# 3 layers: a secret in a file, a .env deleted by a later layer, root user (no config.User)
SPEC = {
    "created": CREATED,
    "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]},
    "layers": [
        {"created_by": "/bin/sh -c #(nop) ADD file:rootfs in /",
         "files": [{"path": "etc", "type": "dir"},
                   {"path": "etc/passwd", "content": PASSWD},
                   {"path": "etc/hostname", "content": "box\n"},
                   {"path": "bin", "type": "dir"},
                   {"path": "bin/hello", "content": "#!/bin/sh\necho hello\n", "mode": "755"}]},
        {"created_by": "/bin/sh -c #(nop) COPY app /app",
         "files": [{"path": "app", "type": "dir"},
                   {"path": "app/config.yaml",
                    "content": "name: billing\nlisten: :8080\ngithub:\n  token: " + GH_PAT + "\n"},
                   {"path": "app/.env", "content": "DB_HOST=db\nDB_PASSWORD=hunter2hunter2\n"},
                   {"path": "app/main.py", "content": "print('hi')\n"}]},
        {"created_by": "/bin/sh -c rm /app/.env && fetch-data /opt/data.bin",
         "files": [{"path": "app", "type": "dir"},
                   {"path": "app/.wh..env", "content": ""},
                   {"path": "opt", "type": "dir"},
                   {"path": "opt/data.bin", "content_b64": base64.b64encode(
                       random.Random(11).randbytes(BIG)).decode()}]},
    ],
}

# two platforms; only arm64 has the .env layer
MULTI_SPEC = {
    "created": CREATED,
    "platforms": ["linux/amd64", "linux/arm64"],
    "config": {"User": "1000"},
    "layers": [
        {"created_by": "/bin/sh -c #(nop) ADD file:base in /",
         "files": [{"path": "etc", "type": "dir"}, {"path": "etc/passwd", "content": PASSWD}]},
        {"created_by": "/bin/sh -c #(nop) COPY arm64.env /app/.env", "only_platform": "linux/arm64",
         "files": [{"path": "app", "type": "dir"},
                   {"path": "app/.env", "content": "ARCH=arm64\nAPI_TOKEN=" + GH_PAT + "\n"}]},
        {"created_by": "/bin/sh -c #(nop) COPY README /",
         "files": [{"path": "README", "content": "hi\n"}]},
    ],
}


class Failure(Exception):
    pass


def expect(cond, what, detail=""):
    if not cond:
        raise Failure(what + (("\n" + detail) if detail else ""))


class Run:
    def __init__(self, args, rc, out, err, secs):
        self.args, self.rc, self.out, self.err, self.secs = args, rc, out, err, secs

    def describe(self):
        return (f"  $ layerscan scan {' '.join(shlex.quote(a) for a in self.args)}\n"
                f"  exit {self.rc} after {self.secs:.1f}s\n  stderr: {self.err.strip()[-1500:]!r}\n"
                f"  stdout: {self.out.strip()[:600]!r}")

    def report(self):
        try:
            return json.loads(self.out)
        except ValueError as e:
            raise Failure(f"stdout is not a JSON report ({e})\n" + self.describe())


def finding_key(f):
    loc = f.get("location") or {}
    return (f.get("rule_id"), loc.get("path"), loc.get("layer_index"), loc.get("line"),
            f.get("in_final_image"), f.get("match"))


def keys(report):
    return sorted((finding_key(f) for f in report.get("findings") or []), key=repr)


class Ctx:
    """Lazily started registries (one per auth mode), each behind its own proxy and CDN."""

    def __init__(self, h, layerscan, verbose):
        self.h = h
        self.layerscan = layerscan
        self.verbose = verbose
        self.home = os.path.join(h.tmp, "empty-home")
        os.makedirs(self.home, exist_ok=True)
        self.bindir = os.path.join(h.tmp, "bin")
        os.makedirs(self.bindir, exist_ok=True)
        self.helper_log = os.path.join(h.tmp, "helper.log")
        self._n = itertools.count()
        self.deadline = None

    # -- layerscan

    def scan(self, args, env=None, home=None, path_prepend=None, timeout=TIMEOUT):
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left < 5:
                raise Failure("not run: the suite's time budget (--budget) is spent")
            timeout = min(timeout, int(left))
        e = {k: v for k, v in os.environ.items()
             if k not in ("DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "LAYERSCAN_USERNAME",
                          "LAYERSCAN_PASSWORD", "XDG_RUNTIME_DIR", "NO_COLOR", "http_proxy",
                          "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                          "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE")}
        e["HOME"] = home or self.home
        e["NO_PROXY"] = e["no_proxy"] = "127.0.0.1,localhost"
        e["LAYERSCAN_NOW"] = CREATED
        if path_prepend:
            e["PATH"] = path_prepend + os.pathsep + e.get("PATH", "/usr/bin:/bin")
        e.update(env or {})
        t0 = time.monotonic()
        try:
            p = subprocess.run(WRAPPER + [self.layerscan, "scan"] + list(args), env=e,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                               preexec_fn=harness._die_with_parent())
        except subprocess.TimeoutExpired as ex:
            r = Run(args, None, (ex.stdout or b"").decode("utf-8", "replace"),
                    (ex.stderr or b"").decode("utf-8", "replace"), timeout)
            raise Failure(f"layerscan did not finish within {timeout}s\n" + r.describe())
        r = Run(args, p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)
        if self.verbose:
            print(r.describe())
        return r

    # -- images, baselines

    @functools.cached_property
    def baseline(self):
        """{"amd64"/"arm64"/"main": report} from docker-archive scans of the same specs."""
        out = {}
        for name, spec, plat in (("main", SPEC, None), ("amd64", MULTI_SPEC, "linux/amd64"),
                                 ("arm64", MULTI_SPEC, "linux/arm64")):
            tar = os.path.join(self.h.tmp, f"baseline-{name}.tar")
            harness.build_docker_archive(spec, tar, platform=plat)
            r = self.scan(["-q", "-f", "json", "docker-archive:" + tar])
            expect(r.rc in (0, 1), f"baseline scan of the {name} docker-archive", r.describe())
            out[name] = (r.rc, r.report())
        rules = {f["rule_id"] for f in out["main"][1]["findings"]}
        expect({"root-user", "env-file", "github-pat"} <= rules,
               "baseline: the test image's findings include root-user, env-file, github-pat",
               repr(sorted(rules)))
        expect("env-file" in {f["rule_id"] for f in out["arm64"][1]["findings"]} and
               "env-file" not in {f["rule_id"] for f in out["amd64"][1]["findings"]},
               "baseline: the arm64 image has the .env, the amd64 image does not")
        return out

    def same_as_baseline(self, r, which="main"):
        rc, base = self.baseline[which]
        expect(r.rc == rc, f"exit {rc} as for the docker-archive scan", r.describe())
        got, want = keys(r.report()), keys(base)
        if got != want:
            missing = [k for k in want if k not in got]
            extra = [k for k in got if k not in want]
            raise Failure("findings differ from the docker-archive scan\n"
                          f"  missing: {missing}\n  extra:   {extra}\n" + r.describe())

    def _stack(self, auth, users=None, token_server=None):
        reg = self.h.registry(auth=auth, users=users, token_server=token_server)
        cdn = self.h.cdn(reg)
        return reg, cdn, self.h.proxy(reg, cdn)

    @functools.cached_property
    def open(self):
        reg, cdn, px = self._stack("none")
        img = self.h.push_spec(SPEC, reg, "test/app:v1")
        multi = self.h.push_spec(MULTI_SPEC, reg, "test/multi:v1")
        return {"reg": reg, "cdn": cdn, "px": px, "img": img, "multi": multi}

    @functools.cached_property
    def tls(self):
        """An HTTPS registry (no proxy) whose certificate a test CA issued."""
        reg = self.h.registry(auth="none", tls=True)
        img = self.h.push_spec(SPEC, reg, "test/app:v1")
        return {"reg": reg, "img": img}

    @functools.cached_property
    def basic(self):
        reg, cdn, px = self._stack("htpasswd", {BASIC_USER: BASIC_PASS})
        img = self.h.push_spec(SPEC, reg, "private/app:v1", creds=(BASIC_USER, BASIC_PASS))
        return {"reg": reg, "cdn": cdn, "px": px, "img": img}

    @functools.cached_property
    def token(self):
        ts = self.h.token_server(users={TOKEN_USER: TOKEN_PASS}, anonymous={"public/app"})
        reg, cdn, px = self._stack("token", token_server=ts)
        pub = self.h.push_spec(SPEC, reg, "public/app:v1", creds=(TOKEN_USER, TOKEN_PASS))
        priv = self.h.push_spec(SPEC, reg, "private/app:v1", creds=(TOKEN_USER, TOKEN_PASS))
        ts.log.clear()
        return {"reg": reg, "cdn": cdn, "px": px, "ts": ts, "pub": pub, "priv": priv}

    def fresh(self, stack):
        """The stack with its proxy's faults and logs (and CDN / token logs) cleared."""
        stack["px"].clear()
        stack["cdn"].log.clear()
        if "ts" in stack:
            stack["ts"].log.clear()
        return stack

    # -- credentials

    def write_config(self, obj, name="config.json", directory=None):
        d = directory or os.path.join(self.h.tmp, f"cfg-{next(self._n)}")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name)
        with open(path, "w") as f:
            json.dump(obj, f)
        return path

    def auths(self, host, user, pw):
        return {"auths": {host: {"auth": base64.b64encode(f"{user}:{pw}".encode()).decode()}}}

    def install_helper(self, host, user, pw):
        """docker-credential-lsctest on a PATH dir; it logs "ACTION SERVERURL" to helper_log."""
        path = os.path.join(self.bindir, "docker-credential-" + HELPER)
        with open(path, "w") as f:
            f.write(f"""#!/bin/sh
# test credential helper: `get` answers for {host} only
server=$(cat)
printf '%s %s\\n' "$1" "$server" >> '{self.helper_log}'
[ "$1" = get ] || {{ echo "unsupported action $1" >&2; exit 1; }}
case "$server" in
*'{host}'*) printf '{{"ServerURL":"%s","Username":"{user}","Secret":"{pw}"}}\\n' "$server" ;;
*) echo "credentials not found in native keychain"; exit 1 ;;
esac
""")
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        if os.path.exists(self.helper_log):
            os.unlink(self.helper_log)
        return self.bindir

    def helper_calls(self):
        if not os.path.exists(self.helper_log):
            return []
        with open(self.helper_log) as f:
            return [line.rstrip("\n") for line in f]


def no_secret_printed(r, *secrets):
    for s in secrets:
        expect(s not in r.out and s not in r.err, f"{s!r} does not appear in stdout or stderr",
               r.describe())


def auth_failed(r, host):
    expect(r.rc == 2, "exit 2", r.describe())
    expect("authentication failed" in r.err.lower(), 'stderr says "authentication failed"',
           r.describe())
    expect(host in r.err, f"stderr names the registry {host}", r.describe())
    expect(r.out.strip() == "", "no report on stdout", r.describe())


def failed_naming(r, *needles, why=None):
    """Exit 2, no report, stderr names every needle and (regex `why`) says what went wrong."""
    expect(r.rc == 2, "exit 2", r.describe())
    for n in needles:
        expect(n.lower() in r.err.lower(), f"stderr names {n!r}", r.describe())
    if why:
        expect(re.search(why, r.err, re.I), f"stderr says what failed (/{why}/)", r.describe())
    expect(r.out.strip() == "", "no report on stdout", r.describe())


NOT_FOUND = r"not found|unknown|no such|does not exist|404"


def basic_secrets():
    return [BASIC_PASS, base64.b64encode(f"{BASIC_USER}:{BASIC_PASS}".encode()).decode()]


def pulled_every_blob(px, img, repo):
    info = img["info"]["images"][0]
    for d in [L["digest"] for L in info["layers"]] + [info["config_digest"]]:
        expect(px.hits(blob_path(repo, d), "GET"), f"layerscan fetched blob {d} through the proxy")


# ================================================================ cases

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ---- anonymous pulls (no auth)

@case
def anonymous_by_tag(c):
    s = c.fresh(c.open)
    r = c.scan(["-q", "-f", "json", f"{s['px'].host}/test/app:v1"])
    c.same_as_baseline(r)
    pulled_every_blob(s["px"], s["img"], "test/app")


@case
def anonymous_by_tag_insecure(c):
    s = c.fresh(c.open)
    c.same_as_baseline(c.scan(["-q", "-f", "json", "--insecure", f"{s['px'].host}/test/app:v1"]))


@case
def anonymous_by_digest(c):
    s = c.fresh(c.open)
    r = c.scan(["-q", "-f", "json", f"{s['px'].host}/test/app@{s['img']['digest']}"])
    c.same_as_baseline(r)
    expect(s["px"].hits(manifest_path("test/app", s["img"]["digest"])),
           "the manifest was fetched by its digest")
    expect(not s["px"].hits(manifest_path("test/app", "v1")), "the tag was not used")


@case
def anonymous_by_digest_insecure(c):
    s = c.fresh(c.open)
    c.same_as_baseline(c.scan(["-q", "-f", "json", "--insecure",
                               f"docker://{s['px'].host}/test/app@{s['img']['digest']}"]))


@case
def anonymous_docker_prefix(c):
    s = c.fresh(c.open)
    c.same_as_baseline(c.scan(["-q", "-f", "json", f"docker://{s['px'].host}/test/app:v1"]))


@case
def anonymous_docker_prefix_insecure_output_file(c):
    s = c.fresh(c.open)
    out = os.path.join(c.h.tmp, "report-o.json")
    r = c.scan(["-q", "-f", "json", "--insecure", "-o", out, f"docker://{s['px'].host}/test/app:v1"])
    expect(r.out == "", "-o: nothing on stdout", r.describe())
    expect(os.path.exists(out), "-o: the report file was written", r.describe())
    with open(out) as f:
        r.out = f.read()
    c.same_as_baseline(r)


@case
def anonymous_direct_registry(c):
    """No proxy in between: layerscan against docker-registry itself."""
    s = c.open
    c.same_as_baseline(c.scan(["-q", "-f", "json", f"docker://{s['reg'].host}/test/app:v1"]))


@case
def anonymous_jobs_1(c):
    s = c.fresh(c.open)
    c.same_as_baseline(c.scan(["-q", "-f", "json", "-j", "1", f"{s['px'].host}/test/app:v1"]))


# ---- credentials stay with their registry (issue 12, point 1)

B_USER, B_PASS = "lsc-b-user", "Lsc-B-only-PW-t5v2"


class RecordingRegistry:
    """An "attacker registry" on 127.0.0.1: answers every request 401 with a Basic challenge
    and records each request's path and Authorization header."""

    def __init__(self):
        import http.server
        import threading
        self.log = []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.log.append((self.path, self.headers.get("Authorization")))
                body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="attacker"')
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Docker-Distribution-API-Version", "registry/2.0")
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.host = f"127.0.0.1:{self.srv.server_address[1]}"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()

    def authorizations(self):
        return [a for _, a in self.log if a]

    def users(self):
        """The user names of the Basic credentials it received."""
        out = []
        for a in self.authorizations():
            if a.startswith("Basic "):
                out.append(base64.b64decode(a[6:]).decode("utf-8", "replace").split(":")[0])
            else:
                out.append(a.split(" ")[0])
        return out


def base_spec(base_ref, where="annotations"):
    spec = json.loads(json.dumps(SPEC))
    if where == "annotations":
        spec["annotations"] = {"org.opencontainers.image.base.name": base_ref}
    else:
        spec["config"]["Labels"] = {"org.opencontainers.image.base.name": base_ref}
    return spec


def with_attacker(fn):
    @functools.wraps(fn)
    def run(c):
        b = RecordingRegistry()
        try:
            fn(c, b)
        finally:
            b.stop()
    return run


BASIC_ENV = {"LAYERSCAN_USERNAME": BASIC_USER, "LAYERSCAN_PASSWORD": BASIC_PASS}


def asked_base(r, b):
    expect(f"base image: asking registry {b.host} for library/debian:12" in r.err,
           "standard error says which registry is asked for the base", r.describe())


@case
@with_attacker
def base_on_other_registry_gets_no_credentials(c, b):
    """(a) an image in registry A whose base annotation names registry B: B gets nothing."""
    s = c.fresh(c.basic)
    a = s["px"].host
    c.h.push_spec(base_spec(f"{b.host}/library/debian:12"), s["reg"], "private/based:v1",
                  creds=(BASIC_USER, BASIC_PASS))
    r = c.scan(["-f", "json", f"{a}/private/based:v1"], env=BASIC_ENV)
    expect(r.rc in (0, 1), "the scan completes", r.describe())
    expect(b.log, "registry B was asked for the base (the test needs it to be)", r.describe())
    expect(not b.authorizations(), f"registry B received no credentials, got {b.users()}",
           r.describe())
    expect(any(e["headers"].get("authorization", "").startswith("Basic ")
               for e in s["px"].requests), "registry A did get its credentials")
    asked_base(r, b)
    no_secret_printed(r, *basic_secrets())


@case
@with_attacker
def base_of_local_archive_gets_no_credentials(c, b):
    """(b) the same from a local docker-archive (the base as a config label)."""
    tar = os.path.join(c.h.tmp, "based.tar")
    harness.build_docker_archive(base_spec(f"{b.host}/library/debian:12", "labels"), tar)
    r = c.scan(["-f", "json", "docker-archive:" + tar], env=BASIC_ENV)
    expect(r.rc in (0, 1), "the scan completes", r.describe())
    expect(b.log, "registry B was asked for the base", r.describe())
    expect(not b.authorizations(), f"registry B received no credentials, got {b.users()}",
           r.describe())
    asked_base(r, b)
    no_secret_printed(r, *basic_secrets())


@case
@with_attacker
def base_registry_excluded_by_policy_not_contacted(c, b):
    """(c) allowed-base-registries excludes B: not a single request to B."""
    s = c.fresh(c.basic)
    a = s["px"].host
    c.h.push_spec(base_spec(f"{b.host}/library/debian:12"), s["reg"], "private/based:v1",
                  creds=(BASIC_USER, BASIC_PASS))
    pol = os.path.join(c.h.tmp, f"policy-{next(c._n)}.yaml")
    with open(pol, "w") as f:
        f.write(f"allowed-base-registries:\n  - {a}\n  - docker.io\n")
    r = c.scan(["-f", "json", "--policy", pol, f"{a}/private/based:v1"], env=BASIC_ENV)
    expect(r.rc == 1, "exit 1: base-registry-not-allowed is high", r.describe())
    expect(not b.log, f"registry B received {len(b.log)} requests", r.describe())
    rules = {f["rule_id"] for f in r.report()["findings"]}
    expect({"base-registry-not-allowed", "base-freshness-unknown"} <= rules,
           "the finding, and freshness unknown", repr(sorted(rules)))
    # and from a local tarball
    tar = os.path.join(c.h.tmp, "based-pol.tar")
    harness.build_docker_archive(base_spec(f"{b.host}/library/debian:12", "labels"), tar)
    r = c.scan(["-f", "json", "--policy", pol, "docker-archive:" + tar], env=BASIC_ENV)
    expect(r.rc == 1 and not b.log, "no request to B from a local scan either", r.describe())


@case
@with_attacker
def creds_for_and_layerscan_registry_name_the_base_registry(c, b):
    """(d) --creds-for B, or LAYERSCAN_REGISTRY=B: B does get the environment's credentials."""
    tar = os.path.join(c.h.tmp, "based-d.tar")
    harness.build_docker_archive(base_spec(f"{b.host}/library/debian:12", "labels"), tar)
    r = c.scan(["-f", "json", "--creds-for", b.host, "docker-archive:" + tar], env=BASIC_ENV)
    expect(r.rc in (0, 1), "the scan completes", r.describe())
    expect(BASIC_USER in b.users(), f"--creds-for: B got the credentials ({b.users()})",
           r.describe())
    b.log.clear()
    r = c.scan(["-f", "json", "docker-archive:" + tar],
               env=dict(BASIC_ENV, LAYERSCAN_REGISTRY=f"ghcr.io, {b.host}"))
    expect(BASIC_USER in b.users(), f"LAYERSCAN_REGISTRY: B got them ({b.users()})",
           r.describe())
    b.log.clear()
    # another port of the same host is another registry
    host, port = b.host.rsplit(":", 1)
    r = c.scan(["-f", "json", "--creds-for", f"{host}:{int(port) + 1}", "docker-archive:" + tar],
               env=BASIC_ENV)
    expect(not b.authorizations(), "a --creds-for of another port does not name B",
           r.describe())
    no_secret_printed(r, *basic_secrets())


@case
@with_attacker
def base_registry_gets_its_own_auth_file_entry(c, b):
    """(e) an auth file with entries for A and B: B gets B's entry, never A's (nor the env's)."""
    s = c.fresh(c.basic)
    a = s["px"].host
    c.h.push_spec(base_spec(f"{b.host}/library/debian:12"), s["reg"], "private/based:v1",
                  creds=(BASIC_USER, BASIC_PASS))
    cfg = c.auths(a, BASIC_USER, BASIC_PASS)
    cfg["auths"][b.host] = c.auths(b.host, B_USER, B_PASS)["auths"][b.host]
    af = c.write_config(cfg, "auth.json")
    for env in ({}, BASIC_ENV):
        b.log.clear()
        r = c.scan(["-f", "json", "--authfile", af, f"{a}/private/based:v1"], env=env)
        expect(r.rc in (0, 1), "the scan completes", r.describe())
        expect(b.users() and set(b.users()) == {B_USER},
               f"B got B's entry only ({b.users()}), env {sorted(env)}", r.describe())
        no_secret_printed(r, *basic_secrets(), B_PASS)


# ---- htpasswd (basic auth)

@case
def basic_authfile(c):
    s = c.fresh(c.basic)
    host = s["px"].host
    af = c.write_config(c.auths(host, BASIC_USER, BASIC_PASS), "auth.json")
    r = c.scan(["-q", "-f", "json", "--authfile", af, f"{host}/private/app:v1"])
    c.same_as_baseline(r)
    no_secret_printed(r, *basic_secrets())
    expect(any(e["headers"].get("authorization", "").startswith("Basic ")
               for e in s["px"].requests), "layerscan sent Basic credentials")


@case
def basic_env_username_password(c):
    s = c.fresh(c.basic)
    r = c.scan(["-q", "-f", "json", f"docker://{s['px'].host}/private/app:v1"],
               env={"LAYERSCAN_USERNAME": BASIC_USER, "LAYERSCAN_PASSWORD": BASIC_PASS})
    c.same_as_baseline(r)
    no_secret_printed(r, *basic_secrets())


@case
def basic_docker_config_env(c):
    s = c.fresh(c.basic)
    cfg = c.write_config(c.auths(s["px"].host, BASIC_USER, BASIC_PASS))
    r = c.scan(["-q", "-f", "json", f"{s['px'].host}/private/app:v1"],
               env={"DOCKER_CONFIG": os.path.dirname(cfg)})
    c.same_as_baseline(r)
    no_secret_printed(r, *basic_secrets())


@case
def basic_registry_auth_file_env(c):
    s = c.fresh(c.basic)
    af = c.write_config(c.auths(s["px"].host, BASIC_USER, BASIC_PASS), "auth.json")
    r = c.scan(["-q", "-f", "json", f"{s['px'].host}/private/app:v1"],
               env={"REGISTRY_AUTH_FILE": af})
    c.same_as_baseline(r)


@case
def basic_home_docker_config(c):
    s = c.fresh(c.basic)
    home = os.path.join(c.h.tmp, "home-with-docker")
    c.write_config(c.auths(s["px"].host, BASIC_USER, BASIC_PASS),
                   directory=os.path.join(home, ".docker"))
    r = c.scan(["-q", "-f", "json", f"{s['px'].host}/private/app:v1"], home=home)
    c.same_as_baseline(r)


@case
def basic_cred_helpers(c):
    s = c.fresh(c.basic)
    host = s["px"].host
    bindir = c.install_helper(host, BASIC_USER, BASIC_PASS)
    af = c.write_config({"auths": {}, "credHelpers": {host: HELPER}}, "config.json")
    r = c.scan(["-q", "-f", "json", "--authfile", af, f"{host}/private/app:v1"],
               path_prepend=bindir)
    c.same_as_baseline(r)
    calls = c.helper_calls()
    expect(calls and all(x.startswith("get ") and host in x for x in calls),
           f"docker-credential-{HELPER} was run as `get` with the server {host} on stdin",
           repr(calls))
    no_secret_printed(r, BASIC_PASS)


@case
def basic_creds_store(c):
    s = c.fresh(c.basic)
    host = s["px"].host
    bindir = c.install_helper(host, BASIC_USER, BASIC_PASS)
    # what `docker login` leaves behind with a credsStore: an empty auths entry
    cfg = c.write_config({"auths": {host: {}}, "credsStore": HELPER})
    r = c.scan(["-q", "-f", "json", f"{host}/private/app:v1"], path_prepend=bindir,
               env={"DOCKER_CONFIG": os.path.dirname(cfg)})
    c.same_as_baseline(r)
    calls = c.helper_calls()
    expect(calls and all(x.startswith("get ") and host in x for x in calls),
           f"docker-credential-{HELPER} was run as `get` with the server {host} on stdin",
           repr(calls))


@case
def basic_wrong_password(c):
    s = c.fresh(c.basic)
    host = s["px"].host
    wrong = "Wr0ng-PW-zz81"
    af = c.write_config(c.auths(host, BASIC_USER, wrong), "auth.json")
    r = c.scan(["-q", "-f", "json", "--authfile", af, f"{host}/private/app:v1"])
    auth_failed(r, host)
    no_secret_printed(r, wrong, base64.b64encode(f"{BASIC_USER}:{wrong}".encode()).decode())


@case
def basic_no_credentials(c):
    s = c.fresh(c.basic)
    auth_failed(c.scan(["-q", "-f", "json", f"docker://{s['px'].host}/private/app:v1"]),
                s["px"].host)


@case
def basic_password_never_printed(c):
    s = c.fresh(c.basic)
    host = s["px"].host
    good = c.write_config(c.auths(host, BASIC_USER, BASIC_PASS), "auth.json")
    bad_pw = BASIC_PASS + "-nope"
    bad = c.write_config(c.auths(host, BASIC_USER, bad_pw), "auth.json")
    for fmt in ("json", "table"):
        r = c.scan(["-f", fmt, "--authfile", good, f"{host}/private/app:v1"])
        expect(r.rc == 1, f"-f {fmt}: exit 1", r.describe())
        no_secret_printed(r, *basic_secrets())
        r = c.scan(["-f", fmt, f"{host}/private/app:v1"],
                   env={"LAYERSCAN_USERNAME": BASIC_USER, "LAYERSCAN_PASSWORD": bad_pw})
        expect(r.rc == 2, f"-f {fmt}, wrong password: exit 2", r.describe())
        no_secret_printed(r, bad_pw, *basic_secrets())


# ---- token auth

@case
def token_anonymous_public(c):
    s = c.fresh(c.token)
    ts = s["ts"]
    c.same_as_baseline(c.scan(["-q", "-f", "json", f"{s['px'].host}/public/app:v1"]))
    expect(ts.requests and all(r["user"] is None and r["authorization"] is None
                               for r in ts.requests),
           "anonymous token requests (no Authorization)", repr(ts.requests))
    expect(any("repository:public/app:pull" in r["scopes"] and r["query"].get("service") ==
               [ts.service] for r in ts.requests),
           "a token for scope repository:public/app:pull and the registry's service",
           repr([(r["query"], r["scopes"]) for r in ts.requests]))
    expect(all(e["headers"].get("authorization", "Bearer ").startswith("Bearer ")
               for e in s["px"].requests), "the registry only ever got Bearer tokens")


@case
def token_credentials(c):
    s = c.fresh(c.token)
    host = s["px"].host
    af = c.write_config(c.auths(host, TOKEN_USER, TOKEN_PASS), "auth.json")
    r = c.scan(["-q", "-f", "json", "--authfile", af, f"{host}/private/app:v1"])
    c.same_as_baseline(r)
    expect(any(t["user"] == TOKEN_USER and t["status"] == 200 for t in s["ts"].requests),
           "the token server authenticated the user", repr(s["ts"].requests))
    no_secret_printed(r, TOKEN_PASS)
    expect(not any(e["headers"].get("authorization", "").startswith("Basic ")
                   for e in s["px"].requests),
           "the registry (as opposed to the token server) never got the Basic credentials")


@case
def token_wrong_password(c):
    s = c.fresh(c.token)
    host = s["px"].host
    r = c.scan(["-q", "-f", "json", f"{host}/private/app:v1"],
               env={"LAYERSCAN_USERNAME": TOKEN_USER, "LAYERSCAN_PASSWORD": "not-" + TOKEN_PASS})
    auth_failed(r, host)
    no_secret_printed(r, "not-" + TOKEN_PASS)


@case
def token_anonymous_private_refused(c):
    s = c.fresh(c.token)
    auth_failed(c.scan(["-q", "-f", "json", f"{s['px'].host}/private/app:v1"]), s["px"].host)


@case
def token_identitytoken(c):
    s = c.fresh(c.token)
    host, ts = s["px"].host, s["ts"]
    rt = ts.add_refresh_token(TOKEN_USER)
    # what `docker login` writes for an identity token: "auth" is "user:" with no password
    af = c.write_config({"auths": {host: {"auth": base64.b64encode(f"{TOKEN_USER}:".encode())
                                          .decode(), "identitytoken": rt}}}, "auth.json")
    r = c.scan(["-q", "-f", "json", "--authfile", af, f"{host}/private/app:v1"])
    c.same_as_baseline(r)
    posts = [t for t in ts.requests if t["method"] == "POST"]
    expect(posts and all(p["grant_type"] == "refresh_token" and p["form"].get("refresh_token") ==
                         [rt] for p in posts),
           "the identity token was exchanged with POST grant_type=refresh_token",
           repr(ts.requests))
    expect(not any(t["method"] == "GET" for t in ts.requests),
           "no GET (Basic) token request when an identity token is configured", repr(ts.requests))
    no_secret_printed(r, rt)


@case
def token_reuse(c):
    s = c.fresh(c.token)
    host, ts = s["px"].host, s["ts"]
    af = c.write_config(c.auths(host, TOKEN_USER, TOKEN_PASS), "auth.json")
    r = c.scan(["-q", "-f", "json", "-j1", "--authfile", af, f"{host}/private/app:v1"])
    c.same_as_baseline(r)
    counts = ts.scope_counts()
    blobs = len(s["px"].hits(BLOB_PATH, "GET"))
    expect(counts.get("repository:private/app:pull"), "a pull token was requested", repr(counts))
    expect(all(n <= 2 for n in counts.values()),
           f"at most 2 token requests per scope for {blobs} blob GETs", repr(counts))


@case
def token_redirect_to_cdn(c):
    s = c.fresh(c.token)
    host = s["px"].host
    s["px"].redirect_blobs()
    r = c.scan(["-q", "-f", "json", f"{host}/public/app:v1"])
    c.same_as_baseline(r)
    cdn = s["cdn"]
    expect(cdn.requests, "blobs were fetched from the CDN")
    expect(not cdn.saw_authorization(), "the Bearer token was not sent to the CDN (another port)",
           repr([q["headers"].get("authorization") for q in cdn.requests]))


# ---- multi-platform index

@case
def platform_arm64(c):
    s = c.fresh(c.open)
    img = next(i for i in s["multi"]["info"]["images"] if i["platform"] == "linux/arm64")
    r = c.scan(["-q", "-f", "json", "--platform", "linux/arm64", f"{s['px'].host}/test/multi:v1"])
    c.same_as_baseline(r, "arm64")
    t = r.report().get("target") or {}
    expect(t.get("platform") == "linux/arm64", "target.platform is linux/arm64", repr(t))
    expect(t.get("config_digest") == img["config_digest"],
           "target.config_digest is the arm64 image's config", repr(t))
    expect(not s["px"].hits(blob_path("test/multi", next(
        i for i in s["multi"]["info"]["images"] if i["platform"] == "linux/amd64")["config_digest"])),
        "the amd64 config was not fetched")


@case
def platform_default_amd64(c):
    s = c.fresh(c.open)
    img = next(i for i in s["multi"]["info"]["images"] if i["platform"] == "linux/amd64")
    r = c.scan(["-q", "-f", "json", f"docker://{s['px'].host}/test/multi:v1"])
    c.same_as_baseline(r, "amd64")
    t = r.report().get("target") or {}
    expect(t.get("platform") == "linux/amd64" and t.get("config_digest") == img["config_digest"],
           "target: linux/amd64 and its config digest", repr(t))


@case
def platform_missing(c):
    s = c.fresh(c.open)
    r = c.scan(["-q", "-f", "json", "--platform", "linux/s390x", f"{s['px'].host}/test/multi:v1"])
    failed_naming(r, "s390x")
    expect(s["px"].hits(manifest_path("test/multi", "v1")), "the index was fetched")


# ---- errors and transient failures

@case
def missing_tag(c):
    s = c.fresh(c.open)
    host = s["px"].host
    failed_naming(c.scan(["-q", "-f", "json", f"{host}/test/app:nosuchtag"]), host, "nosuchtag",
                  why=NOT_FOUND)
    expect(s["px"].hits(manifest_path("test/app", "nosuchtag")), "the registry was asked for it")


@case
def missing_repository(c):
    s = c.fresh(c.open)
    host = s["px"].host
    failed_naming(c.scan(["-q", "-f", "json", f"docker://{host}/no/such-repo:v1"]), host,
                  "no/such-repo", why=NOT_FOUND)
    expect(s["px"].hits(manifest_path("no/such-repo", "v1")), "the registry was asked for it")


@case
def missing_blob(c):
    s = c.fresh(c.open)
    host = s["px"].host
    d = s["img"]["info"]["images"][0]["layers"][1]["digest"]
    s["px"].not_found(blob_path("test/app", d))
    failed_naming(c.scan(["-q", "-f", "json", f"{host}/test/app:v1"]), host, d[7:19],
                  why=NOT_FOUND)


@case
def http_500_twice_then_ok(c):
    s = c.fresh(c.open)
    px = s["px"]
    f = px.fail(MANIFEST_PATH, 500, times=2)
    c.same_as_baseline(c.scan(["-q", "-f", "json", f"{px.host}/test/app:v1"]))
    expect(f.hits == 2, "the registry answered 500 twice", repr(f))
    expect(px.hits(MANIFEST_PATH)[-1]["status"] == 200, "then the manifest request succeeded")


@case
def http_502_503_on_a_blob(c):
    s = c.fresh(c.open)
    px = s["px"]
    d = s["img"]["info"]["images"][0]["layers"][2]["digest"]
    f1 = px.fail(blob_path("test/app", d), 502, times=1, methods=("GET",))
    f2 = px.fail(blob_path("test/app", d), 503, times=1, methods=("GET",))
    c.same_as_baseline(c.scan(["-q", "-f", "json", f"{px.host}/test/app:v1"]))
    expect(f1.hits == 1 and f2.hits == 1, "502 then 503 were served for the blob", repr([f1, f2]))


@case
def http_429_retry_after(c):
    s = c.fresh(c.open)
    px = s["px"]
    d = s["img"]["info"]["images"][0]["layers"][2]["digest"]
    path = blob_path("test/app", d)
    f = px.throttle(path, times=1, retry_after="1", methods=("GET",))
    c.same_as_baseline(c.scan(["-q", "-f", "json", f"{px.host}/test/app:v1"]))
    got = px.hits(path, "GET")
    expect(f.hits == 1 and len(got) >= 2 and got[0]["status"] == 429,
           "429 was served, then the blob was fetched again", repr(got))
    gap = got[1]["t"] - got[0]["t"]
    expect(gap >= 0.9, f"the retry waited for Retry-After: 1 (waited {gap:.2f}s)")


@case
def cut_body_resumed_with_range(c):
    s = c.fresh(c.open)
    px = s["px"]
    d = s["img"]["info"]["images"][0]["layers"][2]["digest"]
    size = s["img"]["info"]["images"][0]["layers"][2]["size"]
    path = blob_path("test/app", d)
    f = px.cut(path, after=100_000)
    c.same_as_baseline(c.scan(["-q", "-f", "json", f"{px.host}/test/app:v1"]))
    got = px.hits(path, "GET")
    expect(f.hits == 1 and got and got[0]["fault"] == "cut" and got[0]["sent"] == 100_000,
           f"the blob ({size} bytes) was cut after 100000 bytes", repr(got))
    ranged = [e for e in got[1:] if "range" in e["headers"]]
    expect(ranged, "the download was resumed with a Range request",
           repr([(e["headers"].get("range"), e["status"]) for e in got]))
    m = re.fullmatch(r"bytes=(\d+)-(\d*)", ranged[0]["headers"]["range"].strip())
    expect(m and 0 < int(m.group(1)) <= 100_000 and ranged[0]["status"] == 206,
           "Range: bytes=N- with 0 < N <= 100000, answered 206", repr(ranged[0]))


@case
def redirect_to_cdn_basic_auth(c):
    s = c.fresh(c.basic)
    px, cdn = s["px"], s["cdn"]
    af = c.write_config(c.auths(px.host, BASIC_USER, BASIC_PASS), "auth.json")
    px.redirect_blobs()
    c.same_as_baseline(c.scan(["-q", "-f", "json", "--authfile", af, f"{px.host}/private/app:v1"]))
    info = s["img"]["info"]["images"][0]
    served = {q["digest"] for q in cdn.requests if q["status"] in (200, 206)}
    want = {L["digest"] for L in info["layers"]} | {info["config_digest"]}
    expect(want <= served, "every layer and the config came from the CDN",
           f"missing {sorted(want - served)}")
    gets = px.hits(BLOB_PATH, "GET")
    expect(any(e["status"] == 307 for e in gets) and not any(e["status"] == 200 for e in gets),
           "blob GETs were answered with 307, never served by the registry itself",
           repr([e["status"] for e in gets]))
    expect(not cdn.saw_authorization(),
           "no Authorization header was sent to the CDN (another port)",
           repr([q["headers"].get("authorization") for q in cdn.requests]))


@case
def corrupt_blob(c):
    s = c.fresh(c.open)
    px = s["px"]
    layer = s["img"]["info"]["images"][0]["layers"][1]
    d = layer["digest"]
    expect(layer["media_type"].endswith("+gzip"), "test setup: layer 1 is gzip", repr(layer))
    # byte 9 is the gzip header's OS byte: the layer still inflates to the same tar, so only
    # the digest check can notice
    px.corrupt(blob_path("test/app", d), offset=9)
    r = c.scan(["-q", "-f", "json", f"{px.host}/test/app:v1"])
    failed_naming(r, "digest", d[7:19], px.host)


@case
def schema1_manifest(c):
    s = c.fresh(c.open)
    px = s["px"]
    px.schema1_manifest("test/app", "legacy")
    r = c.scan(["-q", "-f", "json", f"{px.host}/test/app:legacy"])
    failed_naming(r, px.host)
    expect(re.search(r"schema[ _-]?(version)?[ :=]*1|v1\+prettyjws", r.err, re.I),
           "stderr mentions schema 1", r.describe())


# ---- TLS

@case
def tls_verified_against_ssl_cert_file(c):
    s = c.tls
    r = c.scan(["-q", "-f", "json", f"{s['reg'].host}/test/app:v1"],
               env={"SSL_CERT_FILE": s["reg"].ca_file})
    c.same_as_baseline(r)


@case
def tls_unknown_issuer_fails_even_on_loopback(c):
    """A certificate that does not verify is an error, never a fallback to plain HTTP."""
    s = c.tls
    r = c.scan(["-q", "-f", "json", f"{s['reg'].host}/test/app:v1"])
    failed_naming(r, s["reg"].host, why=r"certificate|verif|SSL|TLS")


@case
def tls_insecure_skips_verification(c):
    s = c.tls
    c.same_as_baseline(c.scan(["-q", "-f", "json", "--insecure", f"{s['reg'].host}/test/app:v1"]))


@case
def connection_refused(c):
    host = f"127.0.0.1:{harness.free_port()}"
    failed_naming(c.scan(["-q", "-f", "json", f"docker://{host}/test/app:v1"]), host,
                  why=r"connect|refused")


# ================================================================ main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layerscan", required=True)
    ap.add_argument("--only", help="run the cases whose name matches this regex")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (registry logs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every layerscan run")
    ap.add_argument("--budget", type=float, default=540,
                    help="seconds for the whole suite (default 540, under meson's 600): later "
                         "scans get what is left and fail once it is spent, so a hanging client "
                         "still ends with a summary line; 0 = no budget")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        print("\n".join(fn.__name__ for fn in CASES))
        return 0
    missing = harness.missing_tools()
    if missing:
        print("skip: missing " + ", ".join(missing))
        return 77
    layerscan = os.path.abspath(a.layerscan)
    if not os.access(layerscan, os.X_OK):
        print(f"no layerscan binary at {layerscan}")
        return 2
    cases = [fn for fn in CASES if not a.only or re.search(a.only, fn.__name__)]
    passed = failed = 0
    t0 = time.monotonic()
    with harness.Harness(keep=a.keep) as h:
        ctx = Ctx(h, layerscan, a.verbose)
        if a.budget:
            ctx.deadline = t0 + a.budget
        for fn in cases:
            t = time.monotonic()
            try:
                fn(ctx)
                passed += 1
                print(f"PASS {fn.__name__} ({time.monotonic() - t:.1f}s)")
            except Failure as e:
                failed += 1
                print(f"FAIL {fn.__name__}: " + str(e).replace("\n", "\n    "))
            except Exception:
                failed += 1
                print(f"FAIL {fn.__name__}: harness error\n    " +
                      traceback.format_exc().replace("\n", "\n    "))
            sys.stdout.flush()
        if a.keep:
            print(f"kept {h.tmp}")
    print(f"({time.monotonic() - t0:.0f}s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
