#!/usr/bin/env python3
"""The stale-base checks against Debian's docker-registry on 127.0.0.1.

A base image base:1 is pushed; images built on it (the same layer specs, so the same layers) carry
the base annotations; then base:1 is re-pushed with a changed layer and a later date. Each case
scans an image (an OCI layout on disk; the base is looked up in the registry) at a fixed clock
(LAYERSCAN_NOW) and checks the stale-base findings.

    tests/registry/test_stale.py --layerscan build/layerscan [--only REGEX] [-v]

Exit 0 all passed, 1 a case failed, 77 docker-registry or skopeo is missing.
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

NOW = "2026-11-23T00:00:00Z"
BASE_V1_CREATED = "2026-09-01T10:00:00Z"
BASE_V2_CREATED = "2026-11-01T10:00:00Z"
IMAGE_CREATED = "2026-09-15T12:00:00Z"
OS_RELEASE = ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
              'VERSION_ID="12"\nID=debian\n')


def base_layers(version):
    return [
        {"created_by": "ADD rootfs.tar /", "files": [
            {"path": "etc", "type": "dir"},
            {"path": "etc/os-release", "content": OS_RELEASE},
            {"path": "etc/passwd", "content": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n"}]},
        {"created_by": "RUN apt-get upgrade", "files": [
            {"path": "usr", "type": "dir"}, {"path": "usr/lib", "type": "dir"},
            {"path": "usr/lib/libssl.so.3", "content": f"libssl build {version}\n"}]},
    ]


def base_spec(version, created, platforms=None):
    s = {"created": created, "config": {"User": "1000"}, "layers": base_layers(version)}
    if platforms:
        s["platforms"] = platforms
    return s


def image_spec(annotations=None, labels=None, created=IMAGE_CREATED):
    s = {"created": created, "config": {"User": "1000"},
         "layers": base_layers(1) + [{"created_by": "COPY app /app", "files": [
             {"path": "app", "type": "dir"}, {"path": "app/main.py", "content": "print('hi')\n"}]}]}
    if annotations:
        s["annotations"] = annotations
    if labels:
        s["config"]["Labels"] = labels
    return s


class Failure(Exception):
    pass


def expect(cond, what, detail=""):
    if not cond:
        raise Failure(what + ("\n" + detail if detail else ""))


class Ctx:
    def __init__(self, h, layerscan, verbose):
        self.h, self.layerscan, self.verbose = h, layerscan, verbose
        self.reg = h.registry(auth="none")
        self.host = self.reg.host
        self.n = 0

    def layout(self, spec, **kw):
        self.n += 1
        out = os.path.join(self.h.tmp, f"img-{self.n}")
        info = harness.build_oci(spec, out, "img:1", **kw)
        return out, info

    def scan(self, target, *args):
        env = {k: v for k, v in os.environ.items()
               if k not in ("DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "http_proxy", "https_proxy")}
        env.update({"HOME": self.h.home, "LAYERSCAN_NOW": NOW, "NO_PROXY": "127.0.0.1",
                    "no_proxy": "127.0.0.1"})
        p = subprocess.run([self.layerscan, "scan", "-q", "-f", "json", *args, target], env=env,
                           capture_output=True, text=True, timeout=120)
        if self.verbose:
            print(p.stdout[:4000], p.stderr)
        expect(p.returncode in (0, 1), f"scan exits 0 or 1, not {p.returncode}", p.stderr)
        rep = json.loads(p.stdout)
        return [f for f in rep["findings"] if f["category"] == "stale-base"], p

    def push_base(self, version, created, ref="base:1", platforms=None):
        return self.h.push_spec(base_spec(version, created, platforms), self.reg, ref)


def rules(findings):
    return sorted(f["rule_id"] for f in findings)


def one(findings, rule):
    got = [f for f in findings if f["rule_id"] == rule]
    expect(len(got) == 1, f"exactly one {rule}", json.dumps(findings, indent=1))
    return got[0]


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def current_then_stale_after_repush(c):
    b1 = c.push_base(1, BASE_V1_CREATED, "moving/base:1")
    ann = {"org.opencontainers.image.base.name": f"{c.host}/moving/base:1",
           "org.opencontainers.image.base.digest": b1["digest"]}
    img, _ = c.layout(image_spec(ann))
    f, _ = c.scan(f"oci:{img}")
    expect("base-outdated" not in rules(f) and "base-freshness-unknown" not in rules(f),
           "before the re-push the base is current", json.dumps(f, indent=1))
    c.push_base(2, BASE_V2_CREATED, "moving/base:1")
    f, p = c.scan(f"oci:{img}")
    o = one(f, "base-outdated")
    d = o["detail"]
    expect(o["severity"] == "high", "base-outdated is high")
    expect(f"{c.host}/moving/base:1" in d, "names the base", d)
    expect("2026-11-01" in d and "2026-09-01" in d, "gives both build dates", d)
    expect(re.search(r"\b61 days\b", d), "says how many days the base lags (61)", d)
    expect(p.returncode == 1, "a high finding fails the scan")


@case
def current_by_diff_ids_without_digest(c):
    c.push_base(1, BASE_V1_CREATED, "nodigest/base:1")
    img, _ = c.layout(image_spec({"org.opencontainers.image.base.name": f"{c.host}/nodigest/base:1"}))
    f, _ = c.scan(f"oci:{img}")
    expect("base-outdated" not in rules(f), "current by its layers", json.dumps(f, indent=1))
    c.push_base(3, BASE_V2_CREATED, "nodigest/base:1")
    f, _ = c.scan(f"oci:{img}")
    one(f, "base-outdated")


@case
def annotation_with_index_digest(c):
    b = c.push_base(1, BASE_V1_CREATED, "multi/base:1", platforms=["linux/amd64", "linux/arm64"])
    ann = {"org.opencontainers.image.base.name": f"{c.host}/multi/base:1",
           "org.opencontainers.image.base.digest": b["digest"]}
    img, _ = c.layout(image_spec(ann))
    f, _ = c.scan(f"oci:{img}")
    expect(not {"base-outdated", "base-annotation-mismatch"} & set(rules(f)),
           "index digest recorded: current", json.dumps(f, indent=1))


@case
def annotation_with_platform_manifest_digest(c):
    b = c.push_base(1, BASE_V1_CREATED, "multi2/base:1", platforms=["linux/amd64", "linux/arm64"])
    amd = [i for i in b["info"]["images"] if i["platform"].startswith("linux/amd64")][0]
    ann = {"org.opencontainers.image.base.name": f"{c.host}/multi2/base:1",
           "org.opencontainers.image.base.digest": amd["manifest_digest"]}
    img, _ = c.layout(image_spec(ann))
    f, _ = c.scan(f"oci:{img}")
    expect(not {"base-outdated", "base-annotation-mismatch"} & set(rules(f)),
           "platform manifest digest recorded: current", json.dumps(f, indent=1))
    c.push_base(4, BASE_V2_CREATED, "multi2/base:1", platforms=["linux/amd64", "linux/arm64"])
    f, _ = c.scan(f"oci:{img}")
    one(f, "base-outdated")


@case
def wrong_annotation_digest(c):
    # the recorded digest is another image of the base's repository: its layers are not ours
    other = c.h.push_spec({"created": BASE_V1_CREATED, "config": {"User": "1"},
                           "layers": [{"created_by": "x", "files": [{"path": "x", "content": "x\n"}]}]},
                          c.reg, "wrong/base:other")
    c.push_base(5, BASE_V2_CREATED, "wrong/base:1")
    ann = {"org.opencontainers.image.base.name": f"{c.host}/wrong/base:1",
           "org.opencontainers.image.base.digest": other["digest"]}
    img, _ = c.layout(image_spec(ann))
    f, _ = c.scan(f"oci:{img}")
    m = one(f, "base-annotation-mismatch")
    expect("not this image's first layers" in m["detail"], "says the layers differ", m["detail"])
    # a digest the repository does not have
    ann["org.opencontainers.image.base.digest"] = "sha256:" + "ab" * 32
    img, _ = c.layout(image_spec(ann))
    f, _ = c.scan(f"oci:{img}")
    m = one(f, "base-annotation-mismatch")
    expect("is not in" in m["detail"], "says the digest is not there", m["detail"])


@case
def labels_name_the_base(c):
    c.push_base(1, BASE_V1_CREATED, "labels/base:1")
    img, _ = c.layout(image_spec(labels={"org.opencontainers.image.base.name": f"{c.host}/labels/base:1"}))
    f, _ = c.scan(f"oci:{img}")
    expect("base-unknown" not in rules(f) and "base-outdated" not in rules(f),
           "labels name a current base", json.dumps(f, indent=1))


@case
def unreachable_registry(c):
    host = f"127.0.0.1:{harness.free_port()}"
    img, _ = c.layout(image_spec({"org.opencontainers.image.base.name": f"{host}/gone/base:1"}))
    f, _ = c.scan(f"oci:{img}")
    u = one(f, "base-freshness-unknown")
    expect(host in u["detail"], "names the unreachable registry", u["detail"])


@case
def offline_skips_the_lookup(c):
    img, _ = c.layout(image_spec({"org.opencontainers.image.base.name": f"{c.host}/moving/base:1"}))
    f, _ = c.scan(f"oci:{img}", "--offline")
    u = one(f, "base-freshness-unknown")
    expect("--offline" in u["detail"], "says --offline", u["detail"])


@case
def base_option_overrides_annotations(c):
    c.push_base(1, BASE_V1_CREATED, "fresh/base:1")
    c.push_base(1, BASE_V1_CREATED, "moved/base:1")
    c.push_base(6, BASE_V2_CREATED, "moved/base:1")
    img, _ = c.layout(image_spec({"org.opencontainers.image.base.name": f"{c.host}/fresh/base:1"}))
    f, _ = c.scan(f"oci:{img}")
    expect("base-outdated" not in rules(f), "the annotated base is current", json.dumps(f))
    f, _ = c.scan(f"oci:{img}", "--base", f"{c.host}/moved/base:1")
    o = one(f, "base-outdated")
    expect("moved/base:1" in o["detail"] and "--base" in o["detail"], "--base is the base",
           o["detail"])


@case
def no_base_known(c):
    img, _ = c.layout(image_spec())
    f, _ = c.scan(f"oci:{img}")
    one(f, "base-unknown")


@case
def typosquatted_base_names(c):
    img, _ = c.layout(image_spec())
    for name, near in (("pyhton:3.12", "python"), ("ubunut:24.04", "ubuntu"),
                       ("library/alpnie:3.20", "alpine"), ("nginxx:1.27", "nginx")):
        f, _ = c.scan(f"oci:{img}", "--offline", "--base", name)
        t = one(f, "base-typosquat")
        expect(t["severity"] == "high" and near in t["detail"], f"{name} is a near miss of {near}",
               t["detail"])
    for name in ("python:3.12", "ubuntu:24.04", "alpine:3.20", "nginx:1.27", "redis:7",
                 "postgres:16", "node:22"):
        f, _ = c.scan(f"oci:{img}", "--offline", "--base", name)
        expect("base-typosquat" not in rules(f), f"{name} is not a typo", json.dumps(f))


@case
def image_age(c):
    old, _ = c.layout(image_spec(created="2026-07-01T00:00:00Z"))
    f, _ = c.scan(f"oci:{old}", "--offline")
    o = one(f, "image-too-old")
    expect(o["severity"] == "medium" and "2026-07-01" in o["detail"], "old image", o["detail"])
    fresh, _ = c.layout(image_spec(created="2026-11-01T00:00:00Z"))
    f, _ = c.scan(f"oci:{fresh}", "--offline")
    expect("image-too-old" not in rules(f) and "image-age-unknown" not in rules(f), "fresh image",
           json.dumps(f))
    zero, _ = c.layout(image_spec(created="1970-01-01T00:00:00Z"))
    f, _ = c.scan(f"oci:{zero}", "--offline")
    one(f, "image-age-unknown")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layerscan", required=True)
    ap.add_argument("--only")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    missing = harness.missing_tools()
    if missing:
        print(f"skip: missing {', '.join(missing)}")
        return 77
    passed = failed = 0
    with harness.Harness() as h:
        c = Ctx(h, os.path.abspath(a.layerscan), a.verbose)
        for fn in CASES:
            if a.only and not re.search(a.only, fn.__name__):
                continue
            try:
                fn(c)
                print(f"PASS {fn.__name__}")
                passed += 1
            except Exception as e:  # noqa: BLE001 - report and go on
                print(f"FAIL {fn.__name__}: {e}")
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
