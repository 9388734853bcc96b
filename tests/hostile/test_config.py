#!/usr/bin/env python3
"""Hostile image metadata (issue 12): manifests, configs and indexes of an OCI layout that lie,
nest, overflow or flood, each generated here from one small image packed by tests/tools/lspack.py.

Every case exits as expected under the harness limits (tests/hostile/hostile.py): 2 with a
message naming the blob or file, or a report with the right findings. Among them: JSON nested
100k deep, a digest with a path in it, sizes that are negative, fractional or 2^62, 200k layers,
duplicate keys, NUL and invalid UTF-8 in strings, 500k Env entries, 300k labels, 300k history
entries, an index of 300k manifests, and 150k secrets in Env (image-stage findings past their cap
are counted as truncated and still fail the gate, never an error).
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hostile  # noqa: E402

PACK = os.path.join(HERE, "..", "tools", "lspack.py")
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
PASSWD = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def ghp(rng):
    body = "".join(rng.choice(B62) for _ in range(30))
    n, tail = zlib.crc32(body.encode()), ""
    while n:
        tail, n = B62[n % 62] + tail, n // 62
    return "ghp_" + body + tail.rjust(6, "0")


class Layouts:
    """Copies of one packed OCI layout, each with its index, manifest or config rewritten."""

    def __init__(self, work, spec):
        self.work = work
        self.base = os.path.join(work, "base")
        path = os.path.join(work, "spec.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        subprocess.run([sys.executable, PACK, path, "--format", "oci", "--out", self.base],
                       check=True, stdout=subprocess.DEVNULL)
        self.n = 0

    def make(self, manifest=None, config=None, index=None, raw_manifest=None, raw_config=None,
             raw_index=None):
        """A layout whose config, manifest and index are rewritten in that order, each digest
        honest unless the raw bytes say otherwise. Returns (dir, config digest, manifest
        digest)."""
        self.n += 1
        d = os.path.join(self.work, "l%d" % self.n)
        shutil.copytree(self.base, d)

        def load(digest):
            with open(os.path.join(d, "blobs", "sha256", digest[7:])) as f:
                return json.load(f)

        def store(b):
            with open(os.path.join(d, "blobs", "sha256", sha(b)[7:]), "wb") as f:
                f.write(b)
            return sha(b)
        with open(os.path.join(d, "index.json")) as f:
            idx = json.load(f)
        man = load(idx["manifests"][0]["digest"])
        cfg = load(man["config"]["digest"])
        if config:
            cfg = config(cfg) or cfg
        cb = raw_config if raw_config is not None else json.dumps(cfg).encode()
        man["config"]["digest"], man["config"]["size"] = store(cb), len(cb)
        if manifest:
            man = manifest(man) or man
        mb = raw_manifest if raw_manifest is not None else json.dumps(man).encode()
        idx["manifests"][0]["digest"], idx["manifests"][0]["size"] = store(mb), len(mb)
        if index:
            idx = index(idx) or idx
        ib = raw_index if raw_index is not None else json.dumps(idx).encode()
        with open(os.path.join(d, "index.json"), "wb") as f:
            f.write(ib)
        return d, sha(cb), sha(mb)


def layer0(field, value):
    def edit(m):
        m["layers"][0] = dict(m["layers"][0], **{field: value})
    return edit


def report_check(want_rule=None, min_truncated=None):
    def check(res):
        try:
            r = json.loads(res.out)
        except ValueError:
            return "no JSON report"
        if want_rule and not any(f["rule_id"] == want_rule for f in r.get("findings", [])):
            return f"no {want_rule} finding"
        if min_truncated is not None:
            n = r.get("summary", {}).get("truncated_findings", 0)
            if n < min_truncated:
                return f"summary.truncated_findings {n}, expected at least {min_truncated}"
        return None
    return check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    args = ap.parse_args()
    ls = args.layerscan
    work = tempfile.mkdtemp(prefix="lsc-hostile-config-")
    rng = random.Random(12)
    spec = {"config": {"User": "app", "Env": ["PATH=/usr/bin"]},
            "layers": [{"files": [{"path": "etc/passwd", "content": PASSWD},
                                  {"path": "app/hello.txt", "content": "hi\n"}]}]}
    try:
        L = Layouts(work, spec)

        def scan(d, *extra):
            return hostile.run(ls, ["scan", "--format", "json"] + list(extra) + ["oci:" + d])

        deep = b"[" * 100000 + b"]" * 100000
        d, c, m = L.make(raw_config=b'{"a":' + deep + b"}")
        hostile.case("config nested 100k deep", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(raw_manifest=b'{"a":' + deep + b"}")
        hostile.case("manifest nested 100k deep", scan(d), rc=2, names=m, layerscan=ls)
        d, c, m = L.make(manifest=layer0("digest", "sha256:../../../../etc/passwd"))
        hostile.case("a layer digest holding a path", scan(d), rc=2, names=m, layerscan=ls)
        d, c, m = L.make(manifest=layer0("digest", "sha512:" + "a" * 128))
        hostile.case("a layer digest of another algorithm", scan(d), rc=2, names=m,
                     layerscan=ls)
        for what, size in (("negative", -5), ("fractional", 1.5e300)):
            d, c, m = L.make(manifest=layer0("size", size))
            hostile.case(f"a {what} layer size", scan(d), rc=2, names=m, layerscan=ls)
        d, c, m = L.make(manifest=layer0("size", 2 ** 62))
        hostile.case("a layer size of 2^62", scan(d), rc=2, names="sha256:", layerscan=ls,
                     check=lambda r: None if b"4611686018427387904" in r.err
                     else "the declared size is not named")
        d, c, m = L.make(manifest=lambda m: m.__setitem__("layers", m["layers"] * 200000))
        hostile.case("200k layers in a manifest", scan(d), rc=2, names="blob sha256:",
                     layerscan=ls)
        d, c, m = L.make(raw_config=b'{"architecture":"amd64","os":"linux","rootfs":{"type":'
                         b'"layers","diff_ids":[]},"config":{"User":"app"},'
                         b'"config":{"User":"root"}}')
        hostile.case("duplicate keys in the config", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(config=lambda x: x["config"].__setitem__("User", "ro\u0000ot"))
        hostile.case("a NUL in the config's User", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(raw_config=b'{"architecture":"amd64","os":"linux","rootfs":{"type":'
                         b'"layers","diff_ids":[]},"config":{"User":"\xff\xfe"}}')
        hostile.case("invalid UTF-8 in the config", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(raw_config=b"[1,2,3]")
        hostile.case("a config that is an array", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(raw_config=b'{"architecture":"amd64","os":"linux","rootfs":{"type":'
                         b'"layers","diff_ids":[]},"created":' + b"9" * 10000 + b"}")
        hostile.case("a 10,000-digit number", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(config=lambda x: x["config"].__setitem__("Env", ["A=" + "x" * 20000000]))
        hostile.case("a 20 MB Env value", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(config=lambda x: x["rootfs"].__setitem__("diff_ids", []))
        hostile.case("fewer diff_ids than layers", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(config=lambda x: x.__setitem__("history",
                                                          [{"created_by": "RUN x"}] * 300000))
        hostile.case("300k history entries", scan(d), rc=2, names=c, layerscan=ls)
        d, c, m = L.make(index=lambda i: i.__setitem__("manifests", i["manifests"] * 300000))
        hostile.case("an index of 300k manifests", scan(d), rc=2, names="index.json",
                     layerscan=ls)
        d, c, m = L.make(manifest=lambda x: x.__setitem__(
            "mediaType", "application/vnd.oci.image.index.v1+json"))
        hostile.case("a manifest that says it is an index", scan(d), rc=2, names=m,
                     layerscan=ls)
        d, c, m = L.make(config=lambda x: x["config"].__setitem__(
            "Env", ["A%d=b" % i for i in range(500000)]))
        hostile.case("500k Env entries", scan(d), rc=0, layerscan=ls, check=report_check())
        d, c, m = L.make(config=lambda x: x["config"].__setitem__(
            "Labels", {"k%d" % i: "v" for i in range(300000)}))
        hostile.case("300k labels", scan(d), rc=0, layerscan=ls, check=report_check())
        d, c, m = L.make(config=lambda x: x.__setitem__("created", "2026-13-45T99:99:99Z"))
        hostile.case("a created date that is no date", scan(d), rc=0, layerscan=ls,
                     check=report_check())
        tokens = [ghp(rng) for _ in range(150000)]
        d, c, m = L.make(config=lambda x: x["config"].__setitem__(
            "Env", ["T%x=%s" % (i, t) for i, t in enumerate(tokens)]))
        hostile.case("150k secrets in Env: counted past the caps, the gate fails", scan(d),
                     rc=1, layerscan=ls, forbid=tokens[:50] + tokens[-50:],
                     check=report_check("github-pat", 140000))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    hostile.finish()


if __name__ == "__main__":
    main()
