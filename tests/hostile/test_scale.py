#!/usr/bin/env python3
"""Hostile scale cases (issue 12, points 3, 4, 9, 10): inputs a few megabytes long that made the
scan quadratic or made it take gigabytes.

- 200k names chosen to collide under FNV-1a's low bits (the old unkeyed path-map hash) against
  200k random names of the same length: within 3x of the random ones' time, measured here;
- 100k files and 100k hard links to them, hidden by a root opaque marker in a later layer, against
  200k plain files and no marker: within 3x (the faster of two runs of each);
- 1M world-writable files: findings capped, the excess reported as truncated, exit 1 (the kept
  findings fail the scan);
- 60k findings with 4000-byte paths: the same; 200k (800 MB of names): exit 2 naming the layer;
- 1,500 symlinks with 900 KB targets: exit 2 naming the layer and the entry, like an over-long
  hard-link target.

Every image is written here, with a small ustar/pax writer (fast enough for a million entries),
as a docker-archive whose layers are gzip'd tars. Run directly: test_scale.py --layerscan PATH.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import random
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402

# --- a minimal tar writer ------------------------------------------------------------------------


def _octal(n, width):
    return (b"%0*o" % (width - 1, n)) + b"\0"


def _header(name, typeflag, mode, size=0, linkname=b""):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = _octal(mode, 8)
    h[108:116] = _octal(0, 8)
    h[116:124] = _octal(0, 8)
    h[124:136] = _octal(size, 12)
    h[136:148] = _octal(0, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def _pax(records):
    body = b""
    for k, v in records:
        rec = b" " + k + b"=" + v + b"\n"
        n = len(rec)
        while len(b"%d" % n) + len(rec) != n:
            n = len(b"%d" % n) + len(rec)
        body += b"%d" % n + rec
    pad = (-len(body)) % 512
    return _header(b"PaxHeader", b"x", 0o644, len(body)) + body + b"\0" * pad


class Tar:
    """Appends entries to a list of byte blocks; bytes() ends the archive."""

    def __init__(self):
        self.parts = []

    def add(self, name, typeflag=b"0", mode=0o644, data=b"", link=b""):
        name = name.encode() if isinstance(name, str) else name
        link = link.encode() if isinstance(link, str) else link
        if len(name) > 99 or len(link) > 99:
            recs = []
            if len(name) > 99:
                recs.append((b"path", name))
                name = name[:99]
            if len(link) > 99:
                recs.append((b"linkpath", link))
                link = link[:99]
            self.parts.append(_pax(recs))
        self.parts.append(_header(name, typeflag, mode, len(data), link))
        if data:
            self.parts.append(data + b"\0" * ((-len(data)) % 512))

    def bytes(self):
        return b"".join(self.parts) + b"\0" * 1024


def gz(b):
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    return c.compress(b) + c.flush()


def docker_archive(layers):
    """A docker-archive (tar) of gzip'd layer tars, given as raw tar bytes."""
    out = Tar()
    names, diff_ids = [], []
    for i, raw in enumerate(layers):
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        blob = gz(raw)
        name = "layer%d.tar.gz" % i
        names.append(name)
        out.add(name, data=blob)
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"User": "1000"},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "layer %d" % i} for i in range(len(layers))],
    }).encode()
    out.add("config.json", data=config)
    out.add("manifest.json", data=json.dumps([
        {"Config": "config.json", "RepoTags": ["scale/test:latest"], "Layers": names}]).encode())
    return out.bytes()


# --- FNV-1a low-bit collisions -------------------------------------------------------------------

FNV_BASIS = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
K = 24  # colliding in the low 24 bits collides in every table up to 16M slots
MASK = (1 << K) - 1
ALPHA = b"abcdefghijklmnopqrstuvwxyz0123456789"


def fnv_step(h, block):
    for c in block:
        h = ((h ^ c) * FNV_PRIME) & MASK
    return h


def fnv_low(data):
    return fnv_step(FNV_BASIS & MASK, data)


def colliding_pair(state):
    """Two different 4-byte blocks that take the low K bits of state to the same value."""
    seen = {}
    for a in ALPHA:
        for b in ALPHA:
            for c in ALPHA:
                for d in ALPHA[:8]:
                    blk = bytes((a, b, c, d))
                    h = fnv_step(state, blk)
                    if h in seen:
                        return seen[h], blk, h
                    seen[h] = blk
    raise RuntimeError("no collision")


def colliding_names(prefix, n):
    """n names (prefix + blocks) whose FNV-1a hashes agree in their low K bits."""
    bits = max(1, (n - 1).bit_length())
    state = fnv_low(prefix)
    pairs = []
    for _ in range(bits):
        a, b, state = colliding_pair(state)
        pairs.append((a, b))
    names = []
    for i in range(n):
        names.append(prefix + b"".join(p[(i >> k) & 1] for k, p in enumerate(pairs)))
    return names


def random_names(prefix, n, length, rng):
    names = set()
    while len(names) < n:
        names.add(prefix + bytes(rng.choice(ALPHA) for _ in range(length)))
    return sorted(names)


# --- the cases ------------------------------------------------------------------------------------


def write_image(path, layers):
    with open(path, "wb") as f:
        f.write(docker_archive(layers))


def flat_layer(names, mode=0o644):
    t = Tar()
    t.add("c/", b"5", 0o755)
    for n in names:
        t.add(n, mode=mode)
    return t.bytes()


def report(res):
    try:
        return json.loads(res.out)
    except ValueError:
        return None


def truncated_check(min_truncated):
    def check(res):
        r = report(res)
        if r is None:
            return "no JSON report on standard output"
        n = r.get("summary", {}).get("truncated_findings")
        if not isinstance(n, int) or n < min_truncated:
            return f"summary.truncated_findings is {n!r}, expected at least {min_truncated}"
        per = sum(li.get("findings_truncated", 0) for li in r["image"]["layers"])
        if per < min_truncated:
            return f"layers' findings_truncated add up to {per}, expected {min_truncated}"
        if "truncated" not in res.err.decode("utf-8", "replace"):
            return "no warning about truncated findings on standard error"
        if not r.get("findings"):
            return "no finding kept"
        return None
    return check


def gen_collide(path):
    coll = [n[1:] for n in colliding_names(b"/c/", 200000)]
    low = {fnv_low(b"/" + n) for n in coll}
    assert len(low) == 1, "the generator's names do not collide"
    write_image(path, [flat_layer(coll)])
    return len(coll[0]) - 2


def gen_random(path, length):
    write_image(path, [flat_layer(random_names(b"c/", 200000, length, random.Random(12)))])


def hardlink_layers(links):
    t = Tar()
    t.add("c/", b"5", 0o755)
    for i in range(100000):
        t.add("c/f%06d" % i, mode=0o666)
    # the baseline has as many entries: 100k more plain files where the other has the links
    for i in range(100000):
        if links:
            t.add("c/f%06dL" % i, b"1", 0o666, link="c/f%06d" % i)
        else:
            t.add("c/f%06dL" % i, mode=0o666)
    top = Tar()
    if links:
        top.add(".wh..wh..opq")
    top.add("x", data=b"x")
    return [t.bytes(), top.bytes()]


def gen_world(path):
    t = Tar()
    t.add("c/", b"5", 0o755)
    for i in range(1000000):
        t.add("c/%x" % i, mode=0o666)
    write_image(path, [t.bytes()])


def gen_longpath(path, mode="777", count="60000", typeflag="5"):
    """COUNT world-writable directories (a finding each; typeflag 0: regular files) under one
    3990-byte directory, named in pax headers. 60k x 4000 bytes stays under the 256 MiB of names
    a layer may carry; 200k is over it. For a regular file libarchive itself converts the name to
    wide characters (its trailing-slash test, ~17 ns a byte): the bound on names is what keeps
    that to seconds."""
    t = Tar()
    deep = "/".join(["d%02d" % (i % 100) for i in range(990)])[:3990]
    t.add(deep + "/", b"5", 0o755)
    tf = typeflag.encode()
    for i in range(int(count)):
        t.add(("%s/%06d/" if tf == b"5" else "%s/%06d") % (deep, i), tf, int(mode, 8))
    write_image(path, [t.bytes()])


def gen_symlinks(path):
    t = Tar()
    target = "/" + "s" * 900000
    for i in range(1500):
        t.add("l%04d" % i, b"2", 0o777, link=target)
    write_image(path, [t.bytes()])


def gen_symlink_one(path):
    t = Tar()
    t.add("ok", b"2", 0o777, link="/" + "s" * 4000)
    t.add("bad", b"2", 0o777, link="/" + "s" * 5000)
    write_image(path, [t.bytes()])


GENERATORS = {
    "collide": gen_collide, "random": lambda p, n: gen_random(p, int(n)),
    "hardlink-plain": lambda p: write_image(p, hardlink_layers(False)),
    "hardlink-linked": lambda p: write_image(p, hardlink_layers(True)),
    "world": gen_world, "longpath": gen_longpath,
    "longpath-plain": lambda p: gen_longpath(p, "755"),
    "longpath-files": lambda p: gen_longpath(p, "777", "200000", "0"),
    "longpath-dirs": lambda p: gen_longpath(p, "777", "200000", "5"),
    "symlinks": gen_symlinks,
    "symlink-one": gen_symlink_one,
}


def generate(d, kind, *extra):
    """Writes the image in a child process: its memory is not the scanned child's (a forked
    child's peak RSS counts the parent's pages until exec). Returns (path, what it printed)."""
    import subprocess
    path = os.path.join(d, kind + ".tar")
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--gen", kind, path]
                         + list(extra), check=True, capture_output=True, text=True).stdout
    return path, out.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan")
    ap.add_argument("--only", help="run only the cases whose name contains this")
    ap.add_argument("--gen", nargs="+", metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.gen:
        r = GENERATORS[args.gen[0]](*args.gen[1:])
        if r is not None:
            print(r)
        return
    if not args.layerscan:
        ap.error("--layerscan is required")
    ls = args.layerscan
    d = tempfile.mkdtemp(prefix="lsc-scale-")

    def want(name):
        return not args.only or args.only in name

    def scan(path, *extra):
        return hostile.run(ls, ["scan", "--format", "json"] + list(extra)
                           + ["docker-archive:" + path])

    def within(base, what):
        limit = 3 * max(base.seconds, 0.3)
        return lambda r: None if r.seconds <= limit else \
            f"{r.seconds:.2f} s, over 3x {what}'s {base.seconds:.2f} s"

    try:
        if want("collide"):
            pc, length = generate(d, "collide")
            pr, _ = generate(d, "random", length)
            rr = min(scan(pr), scan(pr), key=lambda r: r.seconds)
            hostile.case("200k random names", rr, rc=0, layerscan=ls)
            rc_ = min(scan(pc), scan(pc), key=lambda r: r.seconds)
            hostile.case("200k names colliding under FNV-1a", rc_, rc=0, layerscan=ls,
                         check=within(rr, "the random names"))

        if want("hardlink"):
            pb, _ = generate(d, "hardlink-plain")
            pl, _ = generate(d, "hardlink-linked")
            # the faster of two runs each: one busy moment on a shared machine is not a ratio
            rb = min(scan(pb), scan(pb), key=lambda r: r.seconds)
            hostile.case("200k files, no links, no marker", rb, rc=0, layerscan=ls)
            rl = min(scan(pl), scan(pl), key=lambda r: r.seconds)
            hostile.case("100k files + 100k hard links under a root opaque marker", rl,
                         rc=0, layerscan=ls, check=within(rb, "the same number of plain files"))

        if want("world"):
            p, _ = generate(d, "world")
            hostile.case("1M world-writable files", scan(p), rc=0, layerscan=ls,
                         check=truncated_check(900000))
            # truncation never turns a failing scan into a passing one
            hostile.case("1M world-writable files, --fail-on medium", scan(p, "--fail-on",
                         "medium"), rc=1, layerscan=ls, check=truncated_check(900000))
            os.unlink(p)

        if want("longpath"):
            # 240 MB of pax names: the findings must cost little beside libarchive's own work
            pb, _ = generate(d, "longpath-plain")
            rb = scan(pb)
            hostile.case("60k directories with 4000-byte paths, no finding", rb, rc=0,
                         layerscan=ls)
            os.unlink(pb)
            p, _ = generate(d, "longpath")
            r = scan(p, "--fail-on", "medium")
            check = truncated_check(30000)
            limit = 1.5 * rb.seconds + 0.5
            hostile.case("60k findings with 4000-byte paths", r, rc=1, layerscan=ls,
                         check=lambda r: check(r) or (None if r.seconds <= limit else
                                                      f"{r.seconds:.2f} s, over 1.5x the "
                                                      f"same without findings ({rb.seconds:.2f} s)"))
            os.unlink(p)
            # 800 MB of names: over the layer's bound on names, exit 2 naming the layer, in
            # seconds (regular files cost libarchive a wide-character conversion each)
            for kind, what in (("longpath-files", "regular files"),
                               ("longpath-dirs", "directories")):
                p, _ = generate(d, kind)
                hostile.case(f"200k world-writable {what} with 4000-byte paths", scan(p), rc=2,
                             layerscan=ls, names="layer0.tar.gz",
                             check=lambda r: None if b"MiB of entry names" in r.err
                             else "the message does not name the bound on names")
                os.unlink(p)

        if want("symlink"):
            p, _ = generate(d, "symlinks")
            hostile.case("1,500 symlinks with 900 KB targets", scan(p), rc=2, layerscan=ls,
                         names="layer0.tar.gz",
                         check=lambda r: None if b"/l0000: link target too long" in r.err
                         else "the message does not name the entry /l0000")
            p, _ = generate(d, "symlink-one")
            hostile.case("a 5000-byte symlink target after a 4000-byte one", scan(p), rc=2,
                         layerscan=ls, names="layer0.tar.gz",
                         check=lambda r: None if b"/bad: link target too long" in r.err
                         else "the message does not name the entry /bad")
    finally:
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)
    hostile.finish()


if __name__ == "__main__":
    main()
