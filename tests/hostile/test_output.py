#!/usr/bin/env python3
"""Hostile output cases (issue 12, points 2 and 13): secrets that sit where no finding's match
field is (an ENV name, a label or annotation key, a history line, a file name, the USER) and
image text that would drive a terminal (ESC sequences, BEL, C1 controls, bidi overrides, invalid
UTF-8) in every format, with and without --show-secrets, and in error messages.

For every image and format: without --show-secrets no token appears in stdout or stderr; with it,
it does (so the case proves the token was detected); no raw ESC, BEL or C1 byte and no bidi
override in the table's stdout or in any stderr; JSON and SARIF parse; JUnit parses as XML.
Images are packed at test time with tests/tools/lspack.py.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LSPACK = os.path.join(HERE, "..", "tools", "lspack.py")
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
FORMATS = ("table", "json", "sarif", "junit")
RAW_BAD = [b"\x1b", b"\x07", b"\x9b", b"\xc2\x9b", b"\xc2\x85", b"\xe2\x80\xae", b"\xe2\x81\xa6"]

rng = random.Random(12)


def b62_6(n):
    s = ""
    while n:
        s, n = B62[n % 62] + s, n // 62
    return s.rjust(6, "0")


def ghp():
    """A GitHub personal access token with a valid CRC32 checksum (the rule checks it)."""
    body = "".join(rng.choice(B62) for _ in range(30))
    return "ghp_" + body + b62_6(zlib.crc32(body.encode()))


def pack(tmp, name, spec, tag=None):
    sp = os.path.join(tmp, name + ".json")
    out = os.path.join(tmp, name + ".tar")
    with open(sp, "w") as f:
        json.dump(spec, f)
    cmd = [sys.executable, LSPACK, "--format", "docker-archive", "--out", out, sp]
    if tag:
        cmd[2:2] = ["--tag", tag]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def no_raw_controls(data, where):
    for b in RAW_BAD:
        if b in data:
            return f"raw {b!r} in {where}"
    return None


def parses(fmt, out):
    try:
        if fmt in ("json", "sarif"):
            json.loads(out.decode("utf-8"))
        elif fmt == "junit":
            ET.fromstring(out)
    except Exception as e:  # noqa: BLE001
        return f"{fmt} does not parse: {e}"
    return None


def judge(fmt, show, secrets, want_in=()):
    def check(res):
        if fmt in ("json", "sarif", "junit"):
            msg = parses(fmt, res.out)
            if msg:
                return msg
        if fmt == "table":
            msg = no_raw_controls(res.out, "the table")
            if msg:
                return msg
        msg = no_raw_controls(res.err, "stderr")
        if msg:
            return msg
        if show:
            for s in secrets:
                if s.encode() not in res.out:
                    return f"--show-secrets: {s[:12]}... not in the output"
        for w in want_in:
            if w.encode() not in res.out:
                return f"{w!r} not in the output"
        return None
    return check


def every_format(ls, name, image, secrets, rc=1, want_in=(), extra=()):
    for fmt in FORMATS:
        for show in (False, True):
            args = ["scan", "--format", fmt, "--fail-on", "high"] + list(extra)
            if show:
                args.append("--show-secrets")
            res = hostile.run(ls, args + [f"docker-archive:{image}"])
            hostile.case(f"{name} [{fmt}{' --show-secrets' if show else ''}]", res, rc=rc,
                         forbid=() if show else secrets,
                         check=judge(fmt, show, secrets, want_in), layerscan=ls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    a = ap.parse_args()
    ls = os.path.abspath(a.layerscan)
    tmp = tempfile.mkdtemp(prefix="ls-output-")

    # --- point 2: a token where the finding's match is not the only place it is printed
    env_name, env_val, label_key, ann_key = ghp(), ghp(), ghp(), ghp()
    hist, user, fname, link = ghp(), ghp(), ghp(), ghp()
    spec = {
        "config": {"Env": [f"{env_name}=1", f"GH={env_val}"],
                   "Labels": {label_key: "v", "org.example.note": "x"},
                   "User": user},
        "annotations": {ann_key: "v"},
        "layers": [{"created_by": f"RUN echo {hist} > /dev/null # buildkit",
                    "files": [{"path": f"app/{fname}", "content": "x\n"},
                              {"path": "etc/passwd", "content": "root:x:0:0::/root:/bin/sh\n"},
                              {"path": "app/link", "type": "symlink",
                               "target": f"/run/{link}"}]}],
    }
    tag_tok = ghp()
    secrets = [env_name, env_val, label_key, hist, user, fname, link, tag_tok]
    img = pack(tmp, "names", spec, tag=f"team/{tag_tok}:latest")
    every_format(ls, "tokens as ENV name, label key, history, USER, file name, link", img,
                 secrets)
    # oci-archive carries the manifest annotations (docker-archive has none)
    sp = os.path.join(tmp, "ann.json")
    with open(sp, "w") as f:
        json.dump(spec, f)
    oci = os.path.join(tmp, "ann.oci.tar")
    subprocess.run([sys.executable, LSPACK, "--format", "oci-archive", "--tag",
                    f"team/{tag_tok}:latest", "--out", oci, sp], check=True, capture_output=True)
    for fmt in FORMATS:
        for show in (False, True):
            args = ["scan", "--format", fmt, "--fail-on", "high"]
            if show:
                args.append("--show-secrets")
            res = hostile.run(ls, args + [f"oci-archive:{oci}"])
            hostile.case(f"token as an annotation key [{fmt}{' --show-secrets' if show else ''}]",
                         res, rc=1, forbid=() if show else secrets + [ann_key],
                         check=judge(fmt, show, [ann_key]), layerscan=ls)

    # JSON: the history line is redacted under image.layers[].created_by as well
    res = hostile.run(ls, ["scan", "--format", "json", f"docker-archive:{img}"])

    def created_by_redacted(res):
        rep = json.loads(res.out)
        cb = rep["image"]["layers"][0]["created_by"]
        if hist in cb or not cb.startswith("RUN echo ghp_") or "****" not in cb:
            return f"created_by not redacted as expected: {cb!r}"
        paths = [f["location"]["path"] or "" for f in rep["findings"]]
        if not any(p.startswith("/app/ghp_") and "****" in p for p in paths):
            return f"the file named after a token is not a redacted finding path: {paths}"
        if not any(f["location"]["source"] == "config.user" for f in rep["findings"]):
            return "no finding for the USER that is a token"
        return None
    hostile.case("json created_by and paths redacted", res, rc=1, forbid=secrets,
                 check=created_by_redacted, layerscan=ls)

    # --- point 13: control characters, bidi overrides, invalid UTF-8 from the image
    evil = "\x1b]2;pwned\x07\x1b[2J\u202etxt.exe\u2066\u0085\u009b"
    spec = {
        "config": {"Env": ["A=1"], "Labels": {"x" + evil: "v" + evil},
                   "User": "app" + evil},
        "layers": [{"created_by": "RUN true" + evil,
                    "files": [{"path": "app/" + evil + "/f", "content": "x\n", "mode": 0o777},
                              {"path": "app/bad\udcff\udcc0name", "content": "y\n",
                               "mode": 0o777}]}],
    }
    img = pack(tmp, "evil", spec, tag="evil/\x1b[2J:latest")
    every_format(ls, "ESC, BEL, C1, bidi and invalid UTF-8 in names", img, [], rc=None,
                 want_in=())

    def json_keeps_bytes(res):
        rep = json.loads(res.out)
        paths = [f["location"]["path"] or "" for f in rep["findings"]]
        if "/app/bad\\xff\\xc0name" not in paths:
            return f"invalid UTF-8 path not shown as \\xNN escapes: {paths}"
        if not any(p.startswith("/app/\x1b]2;pwned") for p in paths):
            return f"the ESC path is not kept as JSON text: {paths}"
        return None
    res = hostile.run(ls, ["scan", "--format", "json", f"docker-archive:{img}"])
    hostile.case("json: invalid UTF-8 path as \\xNN, controls as JSON escapes", res, rc=None,
                 check=json_keeps_bytes, layerscan=ls)

    def table_escapes(res):
        if b"\\x1b]2;pwned\\x07" not in res.out or b"\\u202etxt.exe" not in res.out:
            return "the table does not show the escapes"
        if b"bad\\xff\\xc0name" not in res.out:
            return "the table does not show invalid UTF-8 as \\xNN"
        return None
    res = hostile.run(ls, ["scan", f"docker-archive:{img}"])
    hostile.case("table shows escapes", res, rc=None, check=table_escapes, layerscan=ls)

    # a config whose label is not UTF-8 is not JSON (RFC 8259): exit 2 naming the config, and
    # the bad byte, if quoted, is escaped
    def handmade(name, config_bytes):
        import hashlib
        import io
        import tarfile
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
            ti = tarfile.TarInfo("f")
            ti.size = 0
            t.addfile(ti, io.BytesIO(b""))
        lb = layer.getvalue()
        config_bytes = config_bytes.replace(b"DIFFID", b"sha256:" +
                                            hashlib.sha256(lb).hexdigest().encode())
        cname = hashlib.sha256(config_bytes).hexdigest() + ".json"
        manifest = json.dumps([{"Config": cname, "RepoTags": ["a/b:c"],
                                "Layers": ["l/layer.tar"]}]).encode()
        out = os.path.join(tmp, name)
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
            for n, b in ((cname, config_bytes), ("l/layer.tar", lb), ("manifest.json", manifest)):
                ti = tarfile.TarInfo(n)
                ti.size = len(b)
                t.addfile(ti, io.BytesIO(b))
        return out, cname
    cfg = (b'{"architecture":"amd64","os":"linux","config":{"Labels":{"k\xff\x1b[2J":"v"}},'
           b'"rootfs":{"type":"layers","diff_ids":["DIFFID"]}}')
    bad_cfg, cname = handmade("badutf8.tar", cfg)
    for fmt in FORMATS:
        res = hostile.run(ls, ["scan", "--format", fmt, f"docker-archive:{bad_cfg}"])
        hostile.case(f"config label not UTF-8 [{fmt}]", res, rc=2, names=[cname, "config"],
                     check=lambda r: no_raw_controls(r.err, "stderr") or (
                         None if r.out == b"" else "a report despite the error"), layerscan=ls)
    # the same label written as JSON escapes is valid: the report escapes it
    cfg = (b'{"architecture":"amd64","os":"linux","config":{"Labels":{"k\\u001b[2J":"v"},'
           b'"User":"u\\u009b\\u202e"},"rootfs":{"type":"layers","diff_ids":["DIFFID"]}}')
    ok_cfg, _ = handmade("escutf8.tar", cfg)
    for fmt in FORMATS:
        res = hostile.run(ls, ["scan", "--format", fmt, f"docker-archive:{ok_cfg}"])
        hostile.case(f"config label and user with JSON-escaped controls [{fmt}]", res,
                     rcs=[0, 1], check=judge(fmt, False, []), layerscan=ls)

    # --- errors that quote a hostile name
    def err_clean(res):
        return no_raw_controls(res.err, "stderr") or (
            None if b"\\x1b" in res.err else "the error does not show the ESC as \\x1b")
    bad = os.path.join(tmp, "missing\x1b]2;pwned\x07\u202e.tar")
    res = hostile.run(ls, ["scan", f"docker-archive:{bad}"])
    hostile.case("missing file named with ESC", res, rc=2, names="missing", check=err_clean,
                 layerscan=ls)
    res = hostile.run(ls, ["scan", "--offline", "reg\x1b[2J.invalid/x\x07:\u009b1"])
    hostile.case("bad reference with ESC", res, rc=2, names="reg", check=err_clean, layerscan=ls)
    img2 = pack(tmp, "tag", {"config": {}, "layers": [{"files": []}]}, tag="a/b:c")
    res = hostile.run(ls, ["scan", f"docker-archive:{img2}:no\x1b[31mtag\x07"])
    hostile.case("unknown tag with ESC", res, rc=2, names=["no", img2], check=err_clean,
                 layerscan=ls)
    tok = ghp()
    res = hostile.run(ls, ["scan", f"docker-archive:{tmp}/{tok}.tar"])
    hostile.case("error quoting a token-named file", res, rc=2, names=tmp, forbid=[tok],
                 check=lambda r: None if b"ghp_" in r.err else "the name is gone entirely",
                 layerscan=ls)
    res = hostile.run(ls, ["scan", "--show-secrets", f"docker-archive:{tmp}/{tok}.tar"])
    hostile.case("error quoting a token-named file, --show-secrets", res, rc=2, names=tok,
                 layerscan=ls)

    hostile.finish()


if __name__ == "__main__":
    main()
