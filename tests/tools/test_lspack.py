#!/usr/bin/env python3
"""Self-test for lspack.py: our test images must be what real tools produce and accept.

- skopeo accepts every docker-archive flavour and OCI layout we write, and its
  own docker-archive output is byte-identical to our docker-archive-skopeo;
- umoci unpacks our OCI layouts and applies our whiteouts the way a runtime does;
- libarchive (through ctypes, when present) reads our PAX headers, including
  binary xattr values, the way layerscan's tar reader will;
- builds are reproducible, and each --tamper breaks exactly what it claims to
  (checked by an independent verifier below, not by lspack's own bookkeeping).

Exit 0 on success, 1 on failure, 77 when skopeo, umoci or zstd is missing.
`--slow` also checks the 1 GiB bomb tamper.
"""

import ctypes
import ctypes.util
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lspack  # noqa: E402

FAILS = []
PASSES = [0]


def check(cond, what):
    if cond:
        PASSES[0] += 1
    else:
        FAILS.append(what)
        print(f"FAIL: {what}", flush=True)
    return cond


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def sha_file(p):
    return lspack.sha256_file(p)


def tree_digest(path):
    """A digest of a file or of a whole directory tree (names, link targets, bytes)."""
    if os.path.isfile(path):
        return sha_file(path)
    h = hashlib.sha256()
    for dp, dns, fns in sorted(os.walk(path)):
        dns.sort()
        for n in sorted(fns):
            p = os.path.join(dp, n)
            h.update(os.path.relpath(p, path).encode() + b"\0")
            h.update(sha_file(p).encode())
    return h.hexdigest()


# ------------------------------------------------------------------ spec used by most checks

SPEC = {
    "created": "2026-10-01T12:00:00Z",
    "config": {"User": "1000", "Env": ["PATH=/usr/bin:/bin", "X=<&>"], "Labels": {"k": "v"}},
    "annotations": {"org.opencontainers.image.base.name": "docker.io/library/debian:12"},
    "layers": [
        {"created_by": "/bin/sh -c #(nop) ADD file:base in /", "files": [
            {"path": "etc", "type": "dir"},
            {"path": "etc/passwd", "content": "root:x:0:0:root:/root:/bin/sh\n"},
            {"path": "app", "type": "dir"},
            {"path": "app/.env", "content": "DEBUG=1\n"},
            {"path": "app/gone", "content": "bye\n"},
            {"path": "app/link", "type": "symlink", "target": ".env"},
            {"path": "app/hard", "type": "hardlink", "target": "app/.env"},
            {"path": "opq", "type": "dir"},
            {"path": "opq/old", "content": "old\n"},
            {"path": "usr/bin/ping", "content": "ELF", "mode": "4755",
             "xattrs": {"security.capability": "AQAAAgAgAAAAAAAAAAAAAAAAAAA="}},
            {"path": "deep/" + "d" * 120 + "/file", "content": "long name\n"},
            {"path": "big", "repeat": {"text": "abc\n", "count": 50000}},
            {"path": "zeros", "zeros": 70000},
        ]},
        {"created_by": "/bin/sh -c rm /app/gone", "compression": "none", "files": [
            {"path": "app/.wh.gone", "content": ""},
            {"path": "opq", "type": "dir"},
            {"path": "opq/.wh..wh..opq", "content": ""},
            {"path": "opq/new", "content": "new\n"},
        ]},
        # Same content as layer 0's sibling below: docker-archive must dedupe it.
        {"created_by": "/bin/sh -c true", "files": [{"path": "same", "content": "same\n"}]},
        {"created_by": "/bin/sh -c true", "files": [{"path": "same", "content": "same\n"}]},
    ],
    "empty_history": [{"index": 1, "created_by": "/bin/sh -c #(nop) USER 1000"}],
}

MULTI = {
    "platforms": ["linux/amd64", "linux/arm64/v8"],
    "attestation": True,
    "config": {"User": "1000"},
    "layers": [
        {"created_by": "base", "files": [{"path": "etc/hostname", "content": "x\n"}]},
        {"created_by": "arm only", "only_platform": "linux/arm64", "compression": "zstd",
         "files": [{"path": "app/.env", "content": "A=1\n"}]},
        {"created_by": "top", "compression": "none", "files": [{"path": "z", "content": "z\n"}]},
    ],
}


# ------------------------------------------------------------------ independent verifier

def decompress(path, media_type=None):
    """Bytes of a (possibly compressed) blob, chosen by magic like a careful reader."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as g:
            return g.read()
    if head in (b"\x28\xb5\x2f\xfd", b"\x50\x2a\x4d\x18"):
        r = subprocess.run(["zstd", "-dc", "-q", path], capture_output=True)
        if r.returncode:
            raise EOFError("zstd: " + r.stderr.decode(errors="replace").strip())
        return r.stdout
    with open(path, "rb") as f:
        return f.read()


def read_tar_fully(data):
    """Read every member, strictly: tarfile takes a truncated header for the end
    of the archive, Go's archive/tar and libarchive do not, so require a real
    end-of-archive zero block where tarfile stopped."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as t:
        n = 0
        for m in t:
            if m.isreg():
                got = t.extractfile(m).read()
                if len(got) != m.size:
                    raise EOFError("short member")
            n += 1
        end = t.offset
    if data[end:end + 512] != bytes(512):
        raise EOFError(f"no end-of-archive block at offset {end}")
    return n


def extract_archive(path, dest):
    """Extract an outer archive (optionally gzip/zstd) without following its links."""
    raw = decompress(path)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as t:
        for m in t:
            p = os.path.join(dest, m.name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            if m.isdir():
                os.makedirs(p, exist_ok=True)
            elif m.issym():
                os.symlink(m.linkname, p)
            elif m.isreg():
                with open(p, "wb") as f:
                    f.write(t.extractfile(m).read())


def check_layer(root, rel, claimed_digest, claimed_size, diff_id, i, probs, media_type=None):
    p = os.path.join(root, rel)
    try:
        with open(p, "rb"):
            pass
    except FileNotFoundError:
        probs.add(f"missing:{i}")
        return
    except OSError:
        probs.add(f"symlink-loop:{i}")
        return
    if claimed_digest and (sha_file(p) != claimed_digest or
                           (claimed_size is not None and os.path.getsize(p) != claimed_size)):
        probs.add(f"blob-digest:{i}")
    try:
        data = decompress(p, media_type)
    except (EOFError, OSError, zlib_error()):
        probs.add(f"decompress:{i}")
        return
    if diff_id and lspack.sha256_bytes(data) != diff_id:
        probs.add(f"diff-id:{i}")
    try:
        read_tar_fully(data)
    except (tarfile.TarError, EOFError):
        probs.add(f"tar:{i}")


def zlib_error():
    import zlib
    return zlib.error


def verify_docker(root, probs):
    try:
        with open(os.path.join(root, "manifest.json"), "rb") as f:
            items = json.loads(f.read())
    except (ValueError, UnicodeDecodeError):
        probs.add("manifest-json")
        return
    for item in items:
        cpath = os.path.join(root, item["Config"])
        want = os.path.basename(item["Config"]).split(".")[0]
        with open(cpath, "rb") as f:
            cfg_bytes = f.read()
        if hashlib.sha256(cfg_bytes).hexdigest() != want:
            probs.add("config-digest")
        diff_ids = json.loads(cfg_bytes)["rootfs"]["diff_ids"]
        for i, rel in enumerate(item["Layers"]):
            base = os.path.basename(rel)
            named = None  # only content-addressed names carry a digest to check
            if rel.startswith("blobs/sha256/"):
                named = "sha256:" + base
            elif base.endswith(".tar") and len(base) == 68:
                named = "sha256:" + base[:-4]
            check_layer(root, rel, named, None, diff_ids[i], i, probs)


def verify_oci(root, probs, platform_filter=None):
    with open(os.path.join(root, "index.json"), "rb") as f:
        index = json.loads(f.read())

    def blob(desc):
        p = os.path.join(root, "blobs", "sha256", desc["digest"].split(":")[1])
        if not os.path.exists(p):
            return None
        with open(p, "rb") as f:
            b = f.read()
        if lspack.sha256_bytes(b) != desc["digest"] or len(b) != desc["size"]:
            return "BAD"
        return b

    def visit(desc):
        b = blob(desc)
        if b == "BAD":
            probs.add("blob-digest:" + desc["mediaType"].rsplit(".", 2)[-2].split("+")[0])
            return
        try:
            doc = json.loads(b)
        except (ValueError, UnicodeDecodeError):
            probs.add("manifest-json")
            return
        if desc["mediaType"] == lspack.MT_OCI_INDEX:
            for d in doc["manifests"]:
                visit(d)
            return
        if (desc.get("annotations") or {}).get("vnd.docker.reference.type"):
            return
        cb = blob(doc["config"])
        if cb == "BAD":
            probs.add("config-digest")
            return
        diff_ids = json.loads(cb)["rootfs"]["diff_ids"]
        for i, ld in enumerate(doc["layers"]):
            check_layer(root, "blobs/sha256/" + ld["digest"].split(":")[1], ld["digest"],
                        ld["size"], diff_ids[i], i, probs, ld["mediaType"])

    for d in index["manifests"]:
        visit(d)


def verify(fmt, path):
    """Problems found in an image written by lspack, as a set of labels."""
    probs = set()
    with tempfile.TemporaryDirectory() as tmp:
        root = path
        if fmt != "oci":
            root = os.path.join(tmp, "x")
            try:
                extract_archive(path, root)
            except (tarfile.TarError, EOFError, OSError):
                return {"archive"}
        if fmt in ("oci", "oci-archive", "docker-archive-v25"):
            verify_oci(root, probs)
        if fmt.startswith("docker-archive"):
            verify_docker(root, probs)
    return probs


# ------------------------------------------------------------------ libarchive via ctypes

class LibArchive:
    """Just enough of libarchive to list entries with their xattrs."""

    def __init__(self):
        name = ctypes.util.find_library("archive") or "libarchive.so.13"
        la = ctypes.CDLL(name)
        vp, cp = ctypes.c_void_p, ctypes.c_char_p
        la.archive_read_new.restype = vp
        for fn in ("archive_read_support_format_all", "archive_read_support_filter_all",
                   "archive_read_data_skip", "archive_read_free"):
            getattr(la, fn).argtypes = [vp]
        la.archive_read_open_memory.argtypes = [vp, vp, ctypes.c_size_t]
        la.archive_read_next_header.argtypes = [vp, ctypes.POINTER(vp)]
        la.archive_error_string.restype = cp
        la.archive_error_string.argtypes = [vp]
        for fn in ("archive_entry_pathname", "archive_entry_symlink", "archive_entry_hardlink"):
            getattr(la, fn).restype = cp
            getattr(la, fn).argtypes = [vp]
        la.archive_entry_mode.argtypes = [vp]
        la.archive_entry_size.argtypes = [vp]
        la.archive_entry_size.restype = ctypes.c_int64
        la.archive_entry_xattr_reset.argtypes = [vp]
        la.archive_entry_xattr_next.argtypes = [vp, ctypes.POINTER(cp), ctypes.POINTER(vp),
                                                ctypes.POINTER(ctypes.c_size_t)]
        self.la = la

    def entries(self, data):
        la = self.la
        a = la.archive_read_new()
        la.archive_read_support_format_all(a)
        la.archive_read_support_filter_all(a)
        buf = ctypes.create_string_buffer(data, len(data))
        if la.archive_read_open_memory(a, buf, len(data)) != 0:
            raise RuntimeError(la.archive_error_string(a))
        out = []
        e = ctypes.c_void_p()
        try:
            while True:
                r = la.archive_read_next_header(a, ctypes.byref(e))
                if r == 1:  # ARCHIVE_EOF
                    break
                if r != 0:
                    raise RuntimeError(la.archive_error_string(a))
                xs = {}
                la.archive_entry_xattr_reset(e)
                n, v, s = ctypes.c_char_p(), ctypes.c_void_p(), ctypes.c_size_t()
                while la.archive_entry_xattr_next(e, ctypes.byref(n), ctypes.byref(v),
                                                  ctypes.byref(s)) == 0:
                    xs[n.value.decode()] = ctypes.string_at(v, s.value)
                out.append({"path": la.archive_entry_pathname(e).decode(),
                            "mode": la.archive_entry_mode(e), "size": la.archive_entry_size(e),
                            "symlink": la.archive_entry_symlink(e),
                            "hardlink": la.archive_entry_hardlink(e), "xattrs": xs})
                la.archive_read_data_skip(a)
        finally:
            la.archive_read_free(a)
        return out


# ------------------------------------------------------------------ the checks

def build(tmp, name, spec, fmt, **kw):
    out = os.path.join(tmp, name)
    info = lspack.pack(spec, tmp, fmt, out, **kw)
    return out, info


def test_determinism(tmp):
    for fmt in lspack.FORMATS:
        a, _ = build(tmp, f"det-a-{fmt}", SPEC, fmt, tag="demo/app:1.0")
        b, _ = build(tmp, f"det-b-{fmt}", SPEC, fmt, tag="demo/app:1.0")
        check(tree_digest(a) == tree_digest(b), f"{fmt}: two builds differ")
    for outer in ("gzip", "zstd"):
        a, _ = build(tmp, f"det-a-{outer}", SPEC, "docker-archive", outer=outer)
        b, _ = build(tmp, f"det-b-{outer}", SPEC, "docker-archive", outer=outer)
        check(sha_file(a) == sha_file(b), f"--outer {outer}: two builds differ")


def test_honest_images_verify(tmp):
    for spec_name, spec in (("SPEC", SPEC), ("MULTI", MULTI)):
        for fmt in lspack.FORMATS:
            for style in ("flat", "nested"):
                p, _ = build(tmp, f"hon-{spec_name}-{fmt}-{style}", spec, fmt, index_style=style)
                probs = verify(fmt, p)
                check(not probs, f"{spec_name} {fmt} {style}: honest image has problems {probs}")


def test_skopeo(tmp):
    # Our skopeo flavour is byte-identical to what skopeo writes from the same image.
    # (skopeo refuses to put zstd layers in a docker image; zstd is checked below.)
    for comp in ("gzip", "none"):
        oci, _ = build(tmp, f"sk-oci-{comp}", SPEC, "oci", tag="demo/app:1.0",
                       layer_compression=comp)
        ours, _ = build(tmp, f"sk-ours-{comp}.tar", SPEC, "docker-archive-skopeo",
                        tag="demo/app:1.0")
        theirs = os.path.join(tmp, f"sk-theirs-{comp}.tar")
        r = run(["skopeo", "copy", "-q", f"oci:{oci}:1.0", f"docker-archive:{theirs}:demo/app:1.0"])
        if check(r.returncode == 0, f"skopeo copy oci({comp}) -> docker-archive: {r.stderr}"):
            check(sha_file(ours) == sha_file(theirs),
                  f"docker-archive-skopeo differs from skopeo's own output ({comp} source)")

    # zstd layers decompress (per skopeo) to exactly the layer tars we claim.
    oci, info = build(tmp, "sk-oci-zstd", SPEC, "oci", tag="demo/app:1.0", layer_compression="zstd")
    dst = os.path.join(tmp, "sk-zstd-dir")
    r = run(["skopeo", "copy", "-q", "--dest-decompress", f"oci:{oci}:1.0", f"dir:{dst}"])
    if check(r.returncode == 0, f"skopeo copy zstd oci -> dir: {r.stderr}"):
        for L in info["images"][0]["layers"]:
            check(L["media_type"].endswith("+zstd"), "zstd media type")
            p = os.path.join(dst, L["diff_id"].split(":")[1])
            check(os.path.exists(p) and sha_file(p) == L["diff_id"],
                  f"skopeo's decompression of {L['digest']} is not {L['diff_id']}")

    # skopeo accepts every docker-archive flavour (it verifies layer digests on copy).
    for fmt in ("docker-archive", "docker-archive-v25", "docker-archive-skopeo"):
        for spec_name, spec in (("SPEC", SPEC), ("MULTI", MULTI)):
            p, info = build(tmp, f"acc-{spec_name}-{fmt}.tar", spec, fmt)
            dst = os.path.join(tmp, f"acc-{spec_name}-{fmt}-oci")
            r = run(["skopeo", "copy", "-q", f"docker-archive:{p}", f"oci:{dst}:x"])
            check(r.returncode == 0, f"skopeo rejects our {fmt} ({spec_name}): {r.stderr}")
            r = run(["skopeo", "inspect", "--config", f"docker-archive:{p}"])
            if check(r.returncode == 0, f"skopeo inspect --config {fmt}: {r.stderr}"):
                cfg = json.loads(r.stdout)
                main = [im for im in info["images"] if im["main"]][0]
                check(cfg["rootfs"]["diff_ids"] == [L["diff_id"] for L in main["layers"]],
                      f"{fmt}: skopeo sees other diff_ids")

    # A compressed docker-archive is the plain one, compressed.  (skopeo 1.9 cannot
    # read a gzip'd docker-archive at all, even one from GNU gzip, so compare bytes.)
    plain, _ = build(tmp, "outer-plain.tar", SPEC, "docker-archive")
    for outer in ("gzip", "zstd"):
        p, _ = build(tmp, f"outer.{outer}", SPEC, "docker-archive", outer=outer)
        check(decompress(p) == open(plain, "rb").read(), f"--outer {outer} is not plain+{outer}")
    p, _ = build(tmp, "outer.zst.tar", SPEC, "docker-archive", outer="zstd")
    r = run(["skopeo", "copy", "-q", f"docker-archive:{p}", f"oci:{tmp}/outer-zst-oci:x"])
    check(r.returncode == 0, f"skopeo rejects zstd docker-archive: {r.stderr}")

    # OCI layouts: skopeo inspect agrees with our digests; copy --all verifies every blob.
    for spec_name, spec in (("SPEC", SPEC), ("MULTI", MULTI)):
        for style in ("flat", "nested"):
            d, info = build(tmp, f"insp-{spec_name}-{style}", spec, "oci", tag="demo/app:1.0",
                            index_style=style)
            main = [im for im in info["images"] if im["main"]][0]
            r = run(["skopeo", "inspect", f"oci:{d}:1.0"])
            if check(r.returncode == 0, f"skopeo inspect oci {spec_name} {style}: {r.stderr}"):
                got = json.loads(r.stdout)
                # skopeo reports the digest of what the tag names: a nested index
                # or, in a flat index, the platform's manifest.
                want = info["index_digest"] if style == "nested" and spec is MULTI \
                    else main["manifest_digest"]
                check(got["Digest"] == want,
                      f"oci {spec_name} {style}: skopeo picked {got['Digest']}")
                check(got["Layers"] == [L["digest"] for L in main["layers"]],
                      f"oci {spec_name} {style}: layer digests differ")
            r = run(["skopeo", "copy", "-q", "--all", f"oci:{d}:1.0", f"oci:{d}-copy:x"])
            check(r.returncode == 0, f"skopeo copy --all oci {spec_name} {style}: {r.stderr}")
            a, _ = build(tmp, f"insp-{spec_name}-{style}.tar", spec, "oci-archive",
                         tag="demo/app:1.0", index_style=style)
            r = run(["skopeo", "inspect", "--raw", f"oci-archive:{a}:1.0"])
            check(r.returncode == 0, f"skopeo inspect oci-archive {spec_name} {style}: {r.stderr}")
    # The arm64 image really has its platform-only layer.
    d = os.path.join(tmp, "insp-MULTI-nested")
    r = run(["skopeo", "inspect", "--override-arch", "arm64", "--override-variant", "v8",
             f"oci:{d}:1.0"])
    if check(r.returncode == 0, f"skopeo inspect arm64: {r.stderr}"):
        check(len(json.loads(r.stdout)["Layers"]) == 3, "arm64 image lacks its own layer")


def test_umoci(tmp):
    for comp in ("gzip", "none"):  # umoci 0.4.7 has no zstd
        d, _ = build(tmp, f"um-{comp}", SPEC, "oci", tag="demo/app:1.0", layer_compression=comp)
        bundle = os.path.join(tmp, f"um-{comp}-bundle")
        r = run(["umoci", "unpack", "--rootless", "--image", f"{d}:1.0", bundle])
        if not check(r.returncode == 0, f"umoci unpack ({comp}): {r.stderr}"):
            continue
        rf = os.path.join(bundle, "rootfs")
        check(open(os.path.join(rf, "app/.env")).read() == "DEBUG=1\n", "umoci: /app/.env")
        check(os.readlink(os.path.join(rf, "app/link")) == ".env", "umoci: symlink")
        check(os.stat(os.path.join(rf, "app/hard")).st_ino ==
              os.stat(os.path.join(rf, "app/.env")).st_ino, "umoci: hardlink")
        check(not os.path.exists(os.path.join(rf, "app/gone")), "umoci: whiteout not applied")
        check(sorted(os.listdir(os.path.join(rf, "opq"))) == ["new"], "umoci: opaque dir")
        check(os.stat(os.path.join(rf, "usr/bin/ping")).st_mode & 0o7777 == 0o4755,
              "umoci: setuid mode")
        check(os.path.getsize(os.path.join(rf, "zeros")) == 70000, "umoci: zeros size")
        check(os.path.getsize(os.path.join(rf, "big")) == 200000, "umoci: repeat size")
        check(os.path.exists(os.path.join(rf, "deep", "d" * 120, "file")), "umoci: long name")


def test_tar_details(tmp):
    """PAX details, read back by libarchive (what layerscan links) and by tarfile."""
    spec = {"layers": [{"files": [
        {"path": "usr/bin/ping", "content": "x", "mode": "4755",
         "xattrs": {"security.capability": "AQAAAgAgAAAAAAAAAAAAAAAAAAA=",
                    "user.bin": "AP8KAD0g"}},
        {"path": "../escape", "content": "up"},
        {"path": "/abs/file", "content": "abs"},
        {"path": "n" * 150, "content": "long"},
        {"path": "l", "type": "symlink", "target": "t" * 150},
        {"path": "ünï", "content": "utf8"},
        {"path": "dev", "type": "chardev", "major": 1, "minor": 3},
        {"path": "big-uid", "content": "", "uid": 1 << 22, "gid": 7},
    ]}]}
    d, info = build(tmp, "tard", spec, "oci", layer_compression="none")
    lay = os.path.join(d, info["images"][0]["layers"][0]["member"])
    data = open(lay, "rb").read()
    check(len(data) % 512 == 0, "layer tar is not block aligned")
    check(data.endswith(b"\0" * 1024), "layer tar lacks its two zero blocks")
    with tarfile.open(lay) as t:
        ms = {m.name: m for m in t}
    check(set(ms) == {"usr/bin/ping", "../escape", "/abs/file", "n" * 150, "l", "ünï", "dev",
                      "big-uid"}, f"tarfile sees names {sorted(ms)}")
    check(ms["l"].linkname == "t" * 150, "long symlink target")
    check(ms["big-uid"].uid == 1 << 22, "big uid via PAX")
    cap = ms["usr/bin/ping"].pax_headers.get("SCHILY.xattr.security.capability", "")
    check(cap.encode("utf-8", "surrogateescape") == bytes.fromhex(
        "0100000200200000000000000000000000000000"), "tarfile: raw xattr bytes")
    try:
        la = LibArchive()
    except OSError:
        print("note: libarchive not loadable, skipping its cross-check")
        return
    ents = {e["path"]: e for e in la.entries(data)}
    check(ents["usr/bin/ping"]["xattrs"] == {
        "security.capability": bytes.fromhex("0100000200200000000000000000000000000000"),
        "user.bin": b"\x00\xff\n\x00= "}, f"libarchive xattrs {ents['usr/bin/ping']['xattrs']}")
    check(ents["usr/bin/ping"]["mode"] & 0o7777 == 0o4755, "libarchive: setuid mode")
    check("../escape" in ents and "/abs/file" in ents and "n" * 150 in ents,
          f"libarchive names {sorted(ents)}")
    check(ents["l"]["symlink"] == b"t" * 150, "libarchive: long symlink target")


# tamper -> {format: expected problem labels}; "*" is the default for every format.
# Layer 1 is uncompressed in SPEC and gzip (index 0 is gzip too) in OCI formats,
# so the labels differ where docker formats have no blob digest to check.
TAMPER_EXPECT = {
    "layer-digest:0": {"docker-archive": {"diff-id:0"},
                       "*": {"blob-digest:0", "diff-id:0"},
                       "oci": {"blob-digest:0"}, "oci-archive": {"blob-digest:0"}},
    "layer-digest:1": {"docker-archive": {"diff-id:1"}, "*": {"blob-digest:1", "diff-id:1"}},
    "diff-id:0": {"*": {"diff-id:0"}},
    "config-digest": {"*": {"config-digest"}},
    "truncate-layer:0": {"docker-archive": {"tar:0"}, "docker-archive-v25": {"tar:0"},
                         "docker-archive-skopeo": {"tar:0"}, "*": {"decompress:0"}},
    "truncate-layer:1": {"*": {"tar:1"}},
    "truncate-layer-raw:0": {"docker-archive": {"diff-id:0", "tar:0"},
                             "*": {"blob-digest:0", "diff-id:0", "tar:0"},
                             "oci": {"blob-digest:0", "decompress:0"},
                             "oci-archive": {"blob-digest:0", "decompress:0"}},
    "truncate-archive:0": {"*": {"archive"}},
    "size-overflow:0": {"*": {"tar:0"}},
    "symlink-loop:0": {"*": {"symlink-loop:0"}},
    "missing-layer:1": {"*": {"missing:1"}},
    "garbage-manifest": {"*": {"manifest-json"}},
}
TAMPER_FORMATS = {
    "symlink-loop:0": ("docker-archive", "docker-archive-skopeo"),
    "truncate-archive:0": ("docker-archive", "docker-archive-v25", "docker-archive-skopeo",
                           "oci-archive"),
}


def test_tampers(tmp):
    listed = run([sys.executable, os.path.join(HERE, "lspack.py"), "--list-tampers"]).stdout
    for kind in lspack.TAMPERS:
        check(kind in listed, f"--list-tampers lacks {kind}")
    for tamper, per_fmt in TAMPER_EXPECT.items():
        for fmt in TAMPER_FORMATS.get(tamper, lspack.FORMATS):
            p, _ = build(tmp, f"tam-{tamper.replace(':', '_')}-{fmt}", SPEC, fmt, tampers=[tamper])
            want = per_fmt.get(fmt, per_fmt["*"])
            got = verify(fmt, p)
            check(got == want, f"{tamper} on {fmt}: verifier found {sorted(got)}, want {sorted(want)}")
    # Compressed outer archives truncate as streams that end early.
    for outer in ("gzip", "zstd"):
        p, _ = build(tmp, f"tam-trunc.{outer}", SPEC, "docker-archive", outer=outer,
                     tampers=["truncate-archive:0"])
        check(verify("docker-archive", p) == {"archive"}, f"truncate-archive --outer {outer}")
    # zstd layers: the digest flip lands in a skippable frame, so the content is intact.
    p, _ = build(tmp, "tam-zstd", SPEC, "oci", layer_compression="zstd",
                 tampers=["layer-digest:0"])
    check(verify("oci", p) == {"blob-digest:0"}, "layer-digest on a zstd layer")
    # Real tools agree where they check: skopeo verifies blob digests on copy.
    for tamper in ("layer-digest:0", "truncate-layer-raw:0", "missing-layer:1", "garbage-manifest",
                   "config-digest"):
        p, _ = build(tmp, f"tam-sk-{tamper.replace(':', '_')}", SPEC, "oci", tag="a:b",
                     tampers=[tamper])
        r = run(["skopeo", "copy", "-q", f"oci:{p}:b", f"oci:{p}-copy:x"])
        check(r.returncode != 0, f"skopeo accepted an oci image with {tamper}")


def test_bomb(tmp):
    p, info = build(tmp, "bomb", SPEC, "oci", tampers=["bomb"])
    L = info["images"][0]["layers"][-1]
    check(L["media_type"].endswith("+gzip") and L["size"] < 8 << 20,
          f"bomb layer is {L['size']} bytes")
    h = hashlib.sha256()
    with gzip.open(os.path.join(p, L["member"]), "rb") as g:
        for chunk in iter(lambda: g.read(1 << 20), b""):
            h.update(chunk)
    check("sha256:" + h.hexdigest() == L["diff_id"], "bomb diff_id")


def main():
    missing = [t for t in ("skopeo", "umoci", "zstd") if shutil.which(t) is None]
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed")
        return 77
    slow = "--slow" in sys.argv
    tests = [test_determinism, test_tar_details, test_honest_images_verify, test_skopeo,
             test_umoci, test_tampers] + ([test_bomb] if slow else [])
    for t in tests:
        with tempfile.TemporaryDirectory(prefix="test-lspack-") as tmp:
            print(f"-- {t.__name__}", flush=True)
            try:
                t(tmp)
            except Exception as e:  # a crash is a failure with a traceback, not a silent pass
                import traceback
                traceback.print_exc()
                check(False, f"{t.__name__} crashed: {e!r}")
    print(f"test_lspack: {PASSES[0]} passed, {len(FAILS)} failed")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
