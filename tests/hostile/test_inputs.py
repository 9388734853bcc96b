#!/usr/bin/env python3
"""Hostile inputs to the decompressors and the local sources (issue 12, points 6, 7, 8, 11, 12),
and the cases that already held (a gzip bomb, lying sizes, truncated streams, deep JSON), so that
they stay held.

Every image is written here: docker-archive and oci-archive tarballs with Python's tarfile (in
an order we choose: the manifest first or last), OCI layouts as directories, gzip with zlib,
zstd with the zstd/pzstd tools when installed, else the skippable frame by hand. Each case runs
under the harness limits (hostile.py) and asserts exit 2 naming the blob or file, or the correct
report. Run directly: test_inputs.py --layerscan PATH.
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402

LS = None
HERE = os.path.dirname(os.path.abspath(__file__))
ENV_SECRET = "AKIAZ7QW3EXAMPLE4XYZ"  # an .env body: the sensitive-file rule names the path


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def gz(b, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    return c.compress(b) + c.flush()


def tar_bytes(files, fmt=tarfile.USTAR_FORMAT):
    """files: [(name, bytes)] -> an uncompressed tar."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=fmt) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


def marker_layer():
    """A layer whose report is recognisable: one .env file (a sensitive-file finding)."""
    return tar_bytes([("app/.env", b"DEBUG=1\n")])


def config_for(layers_uncompressed):
    return json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/bin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [sha(l) for l in layers_uncompressed]},
        "history": [{"created_by": "COPY . /"} for _ in layers_uncompressed],
    }).encode()


def write_tar(path, members, outer=None):
    """members: [(name, bytes) | (name, ('symlink', target))], in this order."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            if isinstance(data, tuple):
                ti.type = tarfile.SYMTYPE
                ti.linkname = data[1]
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    raw = bio.getvalue()
    if outer == "gzip":
        raw = gz(raw)
    with open(path, "wb") as f:
        f.write(raw)
    return path


def docker_archive(path, layers, names=None, manifest_first=False, extra=(), outer=None):
    """layers: [(blob bytes, uncompressed bytes)]; names: member names of the layers."""
    cfg = config_for([u for _, u in layers])
    cfg_name = sha(cfg)[7:] + ".json"
    names = names or ["%d/layer.tar" % i for i in range(len(layers))]
    manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["hostile/inputs:1"],
                            "Layers": names}]).encode()
    members = [(cfg_name, cfg)] + [(n, b) for n, (b, _) in zip(names, layers)] + list(extra)
    if manifest_first:
        members.insert(0, ("manifest.json", manifest))
    else:
        members.append(("manifest.json", manifest))
    return write_tar(path, members, outer)


def oci_layout(d, layers, media="application/vnd.oci.image.layer.v1.tar+gzip"):
    """layers: [(blob bytes, uncompressed bytes)] -> an OCI layout directory; returns digests."""
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)

    def put(b):
        with open(os.path.join(d, "blobs", "sha256", sha(b)[7:]), "wb") as f:
            f.write(b)
        return sha(b)

    cfg = config_for([u for _, u in layers])
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg),
                   "size": len(cfg)},
        "layers": [{"mediaType": media, "digest": put(b), "size": len(b)} for b, _ in layers],
    }).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(manifest),
        "size": len(manifest)}]}).encode()
    with open(os.path.join(d, "index.json"), "wb") as f:
        f.write(index)
    with open(os.path.join(d, "oci-layout"), "wb") as f:
        f.write(b'{"imageLayoutVersion": "1.0.0"}')
    return {"config": sha(cfg), "manifest": sha(manifest), "layers": [sha(b) for b, _ in layers]}


def blob_path(d, digest):
    return os.path.join(d, "blobs", "sha256", digest[7:])


def scan(target, **kw):
    return hostile.run(LS, ["scan", "--format", "json", "--no-progress", "--offline", target],
                       **kw)


def has_env_finding(res):
    try:
        rep = json.loads(res.out)
    except ValueError:
        return "no JSON report on standard output"
    paths = [f.get("location", {}).get("path") for f in rep.get("findings", [])]
    if "/app/.env" not in paths:
        return "the report lacks the /app/.env finding (paths: %r)" % paths[:5]
    return None


def case(name, res, **kw):
    kw.setdefault("layerscan", LS)
    return hostile.case(name, res, **kw)


# --- point 7: oci:DIR blobs checked before they are read -------------------------------------


def oci_cases(tmp):
    lay = marker_layer()
    blob = gz(lay)

    d = os.path.join(tmp, "oci-ok")
    oci_layout(d, [(blob, lay)])
    case("oci: a plain layout scans", scan("oci:" + d), rcs=[0, 1], check=has_env_finding)

    # the layer blob is a FIFO: opening must not block, reading must not happen
    d = os.path.join(tmp, "oci-fifo")
    dg = oci_layout(d, [(blob, lay)])
    os.unlink(blob_path(d, dg["layers"][0]))
    os.mkfifo(blob_path(d, dg["layers"][0]))
    case("oci: a layer blob that is a FIFO", scan("oci:" + d), rc=2,
         names=dg["layers"][0], check=lambda r: None if b"FIFO" in r.err else "no 'FIFO' said")

    # the config blob is a FIFO
    d = os.path.join(tmp, "oci-fifo-config")
    dg = oci_layout(d, [(blob, lay)])
    os.unlink(blob_path(d, dg["config"]))
    os.mkfifo(blob_path(d, dg["config"]))
    case("oci: a config blob that is a FIFO", scan("oci:" + d), rc=2, names=dg["config"])

    # index.json is a FIFO
    d = os.path.join(tmp, "oci-fifo-index")
    oci_layout(d, [(blob, lay)])
    os.unlink(os.path.join(d, "index.json"))
    os.mkfifo(os.path.join(d, "index.json"))
    case("oci: index.json that is a FIFO", scan("oci:" + d), rc=2, names="index.json")

    # a symlink to /dev/zero where the manifest says the layer has len(blob) bytes
    d = os.path.join(tmp, "oci-devzero")
    dg = oci_layout(d, [(blob, lay)])
    os.unlink(blob_path(d, dg["layers"][0]))
    os.symlink("/dev/zero", blob_path(d, dg["layers"][0]))
    case("oci: a layer blob linked to /dev/zero", scan("oci:" + d), rc=2, names=dg["layers"][0])

    # a relative link that climbs out of the layout to /dev/zero
    d = os.path.join(tmp, "oci-escape")
    dg = oci_layout(d, [(blob, lay)])
    os.unlink(blob_path(d, dg["layers"][0]))
    os.symlink("../../../../../../../../../../dev/zero", blob_path(d, dg["layers"][0]))
    case("oci: a layer link that leaves the layout", scan("oci:" + d), rc=2,
         names=dg["layers"][0])

    # a link out of the layout to a regular file of the right content is refused too
    d = os.path.join(tmp, "oci-escape-file")
    dg = oci_layout(d, [(blob, lay)])
    outside = os.path.join(tmp, "outside-" + dg["layers"][0][7:])
    os.rename(blob_path(d, dg["layers"][0]), outside)
    os.symlink(os.path.relpath(outside, os.path.dirname(blob_path(d, dg["layers"][0]))),
               blob_path(d, dg["layers"][0]))
    case("oci: a link to a good blob outside the layout", scan("oci:" + d), rc=2,
         names=dg["layers"][0], check=lambda r: None if b"layout" in r.err else "says nothing "
         "of the layout")

    # a link that stays inside the layout is followed (deduplicating tools write those)
    d = os.path.join(tmp, "oci-inner-link")
    dg = oci_layout(d, [(blob, lay)])
    os.makedirs(os.path.join(d, "store"))
    os.rename(blob_path(d, dg["layers"][0]), os.path.join(d, "store", "layer"))
    os.symlink("../../store/./layer", blob_path(d, dg["layers"][0]))
    case("oci: a link inside the layout is followed", scan("oci:" + d), rcs=[0, 1],
         check=has_env_finding)

    # the blobs directory itself is a link out of the layout
    d = os.path.join(tmp, "oci-blobs-link")
    oci_layout(d, [(blob, lay)])
    shutil.move(os.path.join(d, "blobs"), os.path.join(tmp, "blobs-elsewhere"))
    os.symlink(os.path.join(tmp, "blobs-elsewhere"), os.path.join(d, "blobs"))
    case("oci: blobs/ an absolute link out of the layout", scan("oci:" + d), rc=2,
         names=["blobs", d])

    # a link loop
    d = os.path.join(tmp, "oci-loop")
    dg = oci_layout(d, [(blob, lay)])
    p = blob_path(d, dg["layers"][0])
    os.unlink(p)
    os.symlink("loop-a", p)
    os.symlink("loop-b", os.path.join(os.path.dirname(p), "loop-a"))
    os.symlink("loop-a", os.path.join(os.path.dirname(p), "loop-b"))
    case("oci: a symlink loop", scan("oci:" + d), rc=2, names=dg["layers"][0])

    # the blob is a directory
    d = os.path.join(tmp, "oci-dir-blob")
    dg = oci_layout(d, [(blob, lay)])
    os.unlink(blob_path(d, dg["layers"][0]))
    os.mkdir(blob_path(d, dg["layers"][0]))
    case("oci: a layer blob that is a directory", scan("oci:" + d), rc=2, names=dg["layers"][0])

    # lying sizes: the file is longer than its descriptor
    d = os.path.join(tmp, "oci-size")
    dg = oci_layout(d, [(blob, lay)])
    with open(blob_path(d, dg["layers"][0]), "ab") as f:
        f.write(b"\0" * 100)
    case("oci: a layer longer than its descriptor", scan("oci:" + d), rc=2,
         names=dg["layers"][0], check=lambda r: None if b"descriptor" in r.err else
         "does not say the size disagrees")

    # a config longer than its descriptor (its digest is then wrong too; the size says it first)
    d = os.path.join(tmp, "oci-config-size")
    dg = oci_layout(d, [(blob, lay)])
    with open(blob_path(d, dg["config"]), "ab") as f:
        f.write(b" ")
    case("oci: a config longer than its descriptor", scan("oci:" + d), rc=2, names=dg["config"])

    # the manifest blob is /dev/zero: bounded by what a manifest may hold, no read to 64 GiB
    d = os.path.join(tmp, "oci-manifest-zero")
    dg = oci_layout(d, [(blob, lay)])
    os.unlink(blob_path(d, dg["manifest"]))
    os.symlink("/dev/zero", blob_path(d, dg["manifest"]))
    case("oci: a manifest blob linked to /dev/zero", scan("oci:" + d), rc=2,
         names=dg["manifest"])


# --- streaming writers: large members without holding them in memory -------------------------


class StreamTar:
    """A ustar writer into a file, optionally through gzip, for members given as chunks."""

    def __init__(self, path, outer=None):
        self.f = open(path, "wb")
        self.z = zlib.compressobj(9, zlib.DEFLATED, 31) if outer == "gzip" else None

    def _w(self, b):
        self.f.write(self.z.compress(b) if self.z else b)

    def add(self, name, size, chunks):
        ti = tarfile.TarInfo(name)
        ti.size = size
        ti.mtime = 1700000000
        self._w(ti.tobuf(format=tarfile.USTAR_FORMAT))
        n = 0
        for c in chunks:
            self._w(c)
            n += len(c)
        assert n == size, (name, n, size)
        if size % 512:
            self._w(b"\0" * (512 - size % 512))

    def add_bytes(self, name, data):
        self.add(name, len(data), [data])

    def close(self):
        self._w(b"\0" * 1024)
        if self.z:
            self.f.write(self.z.flush())
        self.f.close()


def zeros(n, chunk=1 << 20):
    while n > 0:
        k = min(n, chunk)
        yield bytes(k)
        n -= k


def docker_manifest(cfg_name, names):
    return json.dumps([{"Config": cfg_name, "RepoTags": ["hostile/inputs:1"],
                        "Layers": names}]).encode()


# --- point 6: padding and every compressed byte counted ----------------------------------------


def padding_cases(tmp):
    lay = marker_layer()
    blob = gz(lay)
    cfg = config_for([lay])
    cfg_name = sha(cfg)[7:] + ".json"

    # 256 MiB of zeros after the gzip layer, inside a docker-archive.tar.gz of a few hundred KB
    pad = 256 << 20
    p = os.path.join(tmp, "padded.tar.gz")
    t = StreamTar(p, outer="gzip")
    t.add_bytes(cfg_name, cfg)
    t.add("0/layer.tar", len(blob) + pad, [blob] + list(zeros(pad)))
    t.add_bytes("manifest.json", docker_manifest(cfg_name, ["0/layer.tar"]))
    t.close()
    case("gzip: 256 MiB of zero padding after the layer (archive of %d KB)"
         % (os.path.getsize(p) >> 10), scan("docker-archive:" + p), rc=2,
         names="0/layer.tar", check=lambda r: None if b"padding" in r.err else "no 'padding'")

    # a few KiB of padding is what tools write: fine
    p = os.path.join(tmp, "padded-little.tar")
    docker_archive(p, [(blob + bytes(10240), lay)])
    case("gzip: 10 KiB of zero padding after the layer is fine", scan("docker-archive:" + p),
         rcs=[0, 1], check=has_env_finding)

    # the same in an OCI layout, digests and sizes honest: the digest names the layer
    d = os.path.join(tmp, "oci-padded")
    dg = oci_layout(d, [(blob + bytes(1 << 20), lay)])
    case("gzip: 1 MiB of padding after an OCI layer", scan("oci:" + d), rc=2,
         names=dg["layers"][0])

    # zeros inside the compressed stream, after the tar's end: bounded like padding
    d = os.path.join(tmp, "oci-tar-tail")
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    tail = z.compress(lay) + b"".join(z.compress(c) for c in zeros(256 << 20)) + z.flush()
    dg = oci_layout(d, [(tail, lay)])
    case("tar: 256 MiB of zeros after the end of the tar, in the gzip stream", scan("oci:" + d),
         rc=2, names=dg["layers"][0],
         check=lambda r: None if b"after the end of the tar" in r.err else "not the tail bound")

    # concatenated members (pigz/bgzip style) stay fine
    half = len(lay) // 1024 * 512
    d = os.path.join(tmp, "oci-members")
    oci_layout(d, [(gz(lay[:half]) + gz(lay[half:]) + gz(b""), lay)])
    case("gzip: concatenated members stay fine", scan("oci:" + d), rcs=[0, 1],
         check=has_env_finding)

    # 3 MiB of empty members after the layer: nothing comes out, the compressed bound ends it
    d = os.path.join(tmp, "oci-empty-members")
    e = gz(b"")
    dg = oci_layout(d, [(blob + e * ((3 << 20) // len(e)), lay)])
    case("gzip: 3 MiB of empty members", scan("oci:" + d), rc=2, names=dg["layers"][0],
         check=lambda r: None if b"compressed bytes" in r.err else "no compressed bound said")

    # garbage after the stream
    d = os.path.join(tmp, "oci-garbage")
    dg = oci_layout(d, [(blob + b"GARBAGE", lay)])
    case("gzip: garbage after the layer", scan("oci:" + d), rc=2, names=dg["layers"][0])

    # a truncated gzip layer, digests honest
    d = os.path.join(tmp, "oci-truncated")
    dg = oci_layout(d, [(blob[:len(blob) // 2], lay)])
    case("gzip: a truncated layer", scan("oci:" + d), rc=2, names=dg["layers"][0])


# --- point 11: zstd that starts with a skippable frame -----------------------------------------


def skippable(payload, k=0):
    return bytes([0x50 + k, 0x2a, 0x4d, 0x18]) + len(payload).to_bytes(4, "little") + payload


def zstd_bytes(data, tmp, tool="zstd"):
    p = os.path.join(tmp, "zin")
    with open(p, "wb") as f:
        f.write(data)
    args = [tool, "-q", "-c", p] if tool == "zstd" else [tool, "-q", "-c", "-p", "2", p]
    return subprocess.run(args, check=True, stdout=subprocess.PIPE).stdout


def zstd_cases(tmp):
    lay = marker_layer()
    if not shutil.which("zstd"):
        print("note: zstd missing, zstd cases skipped")
        return
    frame = zstd_bytes(lay, tmp)
    variants = [("hand-made 12-byte skippable frame", skippable(b"\0\0\0\0") + frame),
                ("skippable frame 0x184D2A5F with 1000 bytes", skippable(bytes(1000), 15) + frame)]
    if shutil.which("pzstd"):
        variants.append(("pzstd output", zstd_bytes(lay, tmp, "pzstd")))
    for what, blob in variants:
        assert blob[1:4] == b"\x2a\x4d\x18", what
        d = os.path.join(tmp, "oci-zstd-" + str(len(blob)))
        oci_layout(d, [(blob, lay)], media="application/vnd.oci.image.layer.v1.tar+zstd")
        case("zstd: %s (oci)" % what, scan("oci:" + d), rcs=[0, 1], check=has_env_finding)
        p = os.path.join(tmp, "zstd-%d.tar" % len(blob))
        docker_archive(p, [(blob, lay)])
        case("zstd: %s (docker-archive, by content)" % what, scan("docker-archive:" + p),
             rcs=[0, 1], check=has_env_finding)

    # a skippable frame of 8 MiB before a one-entry layer: its bytes count
    d = os.path.join(tmp, "oci-zstd-huge-skip")
    dg = oci_layout(d, [(skippable(bytes(8 << 20)) + frame, lay)],
                    media="application/vnd.oci.image.layer.v1.tar+zstd")
    case("zstd: an 8 MiB skippable frame", scan("oci:" + d), rc=2, names=dg["layers"][0])


# --- point 12: tar detection by content, not by a name -----------------------------------------


def detection_cases(tmp):
    env = ("app/.env", b"DEBUG=1\n")
    for first in ("{weird}", "[x]", "{\"a\": 1}"):
        lay = tar_bytes([(first, b"not json at all"), env])
        p = os.path.join(tmp, "brace-%d.tar" % len(first))
        docker_archive(p, [(lay, lay)])
        case("tar: uncompressed layer whose first entry is %r" % first,
             scan("docker-archive:" + p), rcs=[0, 1], check=has_env_finding)
    # GNU and pax headers too
    for fmt, what in ((tarfile.GNU_FORMAT, "gnu"), (tarfile.PAX_FORMAT, "pax")):
        lay = tar_bytes([("{" + "x" * 150, b"long name"), env], fmt=fmt)
        p = os.path.join(tmp, "brace-%s.tar" % what)
        docker_archive(p, [(lay, lay)])
        case("tar: %s layer whose first entry is '{xxx...'" % what, scan("docker-archive:" + p),
             rcs=[0, 1], check=has_env_finding)
    # a layer member named *.json
    lay = marker_layer()
    p = os.path.join(tmp, "json-named.tar")
    docker_archive(p, [(lay, lay)], names=["layer.json"])
    case("tar: a layer member named layer.json", scan("docker-archive:" + p), rcs=[0, 1],
         check=has_env_finding)
    p = os.path.join(tmp, "json-named-gz.tar")
    docker_archive(p, [(gz(lay), lay)], names=["abc/layer.tar.json"], manifest_first=True)
    case("tar: a gzip layer named *.json, manifest first", scan("docker-archive:" + p),
         rcs=[0, 1], check=has_env_finding)
    # a JSON document named like a layer is still not a layer
    p = os.path.join(tmp, "json-as-layer.tar")
    docker_archive(p, [(b'{"not": "a tar"}', b"")], names=["0/layer.tar"])
    case("tar: a JSON member where the manifest wants a layer", scan("docker-archive:" + p),
         rc=2, names="0/layer.tar")


# --- point 8: archive members that are not blobs are not retained ------------------------------


def retention_cases(tmp):
    lay = marker_layer()
    blob = gz(lay)
    cfg = config_for([lay])
    cfg_name = sha(cfg)[7:] + ".json"

    p = os.path.join(tmp, "many-tiny.tar.gz")
    t = StreamTar(p, outer="gzip")
    t.add_bytes(cfg_name, cfg)
    t.add_bytes("0/layer.tar", blob)
    for i in range(99990):
        t.add_bytes("junk/%d" % i, b"x")
    t.add_bytes("manifest.json", docker_manifest(cfg_name, ["0/layer.tar"]))
    t.close()
    case("archive: 99,990 one-byte members (%d KB .tar.gz)" % (os.path.getsize(p) >> 10),
         scan("docker-archive:" + p), rcs=[0, 1], check=has_env_finding)

    empty = gz(bytes(1024))
    for first in (False, True):
        p = os.path.join(tmp, "many-layers-%s.tar" % first)
        t = StreamTar(p)
        if first:
            t.add_bytes("manifest.json", docker_manifest(cfg_name, ["0/layer.tar"]))
        t.add_bytes(cfg_name, cfg)
        t.add_bytes("0/layer.tar", blob)
        for i in range(5000):
            t.add_bytes("junk/%d/layer.tar" % i, empty)
        if not first:
            t.add_bytes("manifest.json", docker_manifest(cfg_name, ["0/layer.tar"]))
        t.close()
        if first:
            case("archive: 5000 unnamed layer blobs after manifest.json are skipped",
                 scan("docker-archive:" + p), rcs=[0, 1], check=has_env_finding)
        else:
            case("archive: 5000 layer blobs before manifest.json: bounded",
                 scan("docker-archive:" + p), rc=2, names=p)

    # 500 small layers (3 KB each) that each make the scan keep 1.2 MB of captured files
    # (/etc/passwd, os-release): bounded in bytes, not only in count
    big = gz(tar_bytes([("etc/passwd", (b"u:x:1000:1000::/home/u:/bin/sh\n" * 16000)[:500000]),
                        ("etc/os-release", b"ID=x\n" * 100000),
                        ("usr/lib/os-release", b"ID=y\n" * 100000)]))
    for first in (False, True):
        p = os.path.join(tmp, "captures-%s.tar" % first)
        t = StreamTar(p)
        if first:
            t.add_bytes("manifest.json", docker_manifest(cfg_name, ["0/layer.tar"]))
        t.add_bytes(cfg_name, cfg)
        t.add_bytes("0/layer.tar", blob)
        for i in range(500):
            t.add_bytes("c%d/layer.tar" % i, big)
        if not first:
            t.add_bytes("manifest.json", docker_manifest(cfg_name, ["0/layer.tar"]))
        t.close()
        if first:
            case("archive: 500 capture-heavy layers after manifest.json are skipped",
                 scan("docker-archive:" + p), rcs=[0, 1], check=has_env_finding)
        else:
            case("archive: 500 capture-heavy layers before manifest.json: bounded in bytes",
                 scan("docker-archive:" + p), rc=2, names=p,
                 check=lambda r: None if b"MiB of files and findings" in r.err else
                 "not the byte bound")

    # 300 layers that an early manifest.json names are the image's: no candidate bound applies
    empty_tar = bytes(1024)
    many = [(gz(empty_tar), empty_tar)] * 299 + [(blob, lay)]
    p = os.path.join(tmp, "named-300.tar")
    docker_archive(p, many, manifest_first=True)
    case("archive: 300 layers named by an early manifest.json", scan("docker-archive:" + p),
         rcs=[0, 1], check=has_env_finding)

    # a manifest first that names a member whose bytes do not look like anything: a layer anyway
    p = os.path.join(tmp, "manifest-first-names.tar")
    docker_archive(p, [(lay, lay)], names=["blob-without-a-name"], manifest_first=True)
    case("archive: manifest first, layer classified by it", scan("docker-archive:" + p),
         rcs=[0, 1], check=has_env_finding)

    # long member names: 100k names of 4000 bytes are 400 MB of names
    p = os.path.join(tmp, "long-names.tar.gz")
    t = StreamTar(p, outer="gzip")
    t.add_bytes(cfg_name, cfg)
    t.add_bytes("0/layer.tar", blob)
    for i in range(20000):
        ti = tarfile.TarInfo(("n%07d/" % i) + "a" * 3990)
        ti.size = 1
        ti.mtime = 1700000000
        t._w(ti.tobuf(format=tarfile.PAX_FORMAT) + b"x" + bytes(511))
    t.add_bytes("manifest.json", docker_manifest(cfg_name, ["0/layer.tar"]))
    t.close()
    case("archive: 20,000 members with 4000-byte names (80 MB of names)",
         scan("docker-archive:" + p), rc=2, names=p,
         check=lambda r: None if b"member names" in r.err else "not the name bound")


# --- point 7 for archives: the archive file itself ------------------------------------------


def archive_file_cases(tmp):
    lay = marker_layer()
    good = docker_archive(os.path.join(tmp, "good.tar"), [(gz(lay), lay)])
    with open(good, "rb") as f:
        good_bytes = f.read()

    case("archive: docker-archive:/dev/zero", scan("docker-archive:/dev/zero"), rc=2,
         names="/dev/zero")
    case("archive: oci-archive:/dev/zero", scan("oci-archive:/dev/zero"), rc=2,
         names="/dev/zero")
    case("archive: a directory as docker-archive", scan("docker-archive:" + tmp), rc=2,
         names=tmp)

    fifo = os.path.join(tmp, "nobody-writes")
    os.mkfifo(fifo)
    case("archive: a FIFO nobody writes does not hang", scan("docker-archive:" + fifo), rc=2,
         names=fifo)

    # a FIFO with a writer is a legitimate stream, read once
    import threading
    fifo = os.path.join(tmp, "writer")
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "wb") as f:
            f.write(good_bytes)

    th = threading.Thread(target=writer)
    th.start()
    import time
    time.sleep(0.2)
    case("archive: a FIFO with a writer is read as a stream", scan("docker-archive:" + fifo),
         rcs=[0, 1], check=has_env_finding)
    th.join(5)

    case("archive: standard input", hostile.run(LS, ["scan", "--format", "json", "--no-progress",
                                                     "--offline", "-"], input_bytes=good_bytes),
         rcs=[0, 1], check=has_env_finding)
    case("archive: empty standard input", hostile.run(LS, ["scan", "--no-progress", "--offline",
                                                           "-"], input_bytes=b""),
         rc=2, names="standard input")


# --- what already held stays held ------------------------------------------------------------


def held_cases(tmp):
    lay = marker_layer()
    blob = gz(lay)

    # a gzip bomb: 1 GiB of zeros in one file of one layer, 1 MB compressed: a correct report
    p = os.path.join(tmp, "bomb.tar")
    inner = os.path.join(tmp, "bomb-layer.gz")
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    size = 1 << 30
    ti = tarfile.TarInfo("zeros")
    ti.size = size
    ti.mtime = 1700000000
    h = hashlib.sha256()
    with open(inner, "wb") as f:
        for c in [ti.tobuf(format=tarfile.USTAR_FORMAT)] + list(zeros(size, 16 << 20)) + \
                [bytes(1024)]:
            h.update(c)
            f.write(z.compress(c))
        f.write(z.flush())
    with open(inner, "rb") as f:
        bomb = f.read()
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "rootfs": {"type": "layers",
                                 "diff_ids": [sha(lay), "sha256:" + h.hexdigest()]},
                      "history": [{"created_by": "a"}, {"created_by": "b"}]}).encode()
    cfg_name = sha(cfg)[7:] + ".json"
    write_tar(p, [(cfg_name, cfg), ("0/layer.tar", blob), ("1/layer.tar", bomb),
                  ("manifest.json", docker_manifest(cfg_name, ["0/layer.tar", "1/layer.tar"]))])
    case("held: a 1 GiB gzip bomb (%d KB) scans to a correct report" % (len(bomb) >> 10),
         scan("docker-archive:" + p), rcs=[0, 1], check=has_env_finding)

    # lying sizes: an entry that claims more data than follows
    bad = bytearray(lay)
    bad[124:136] = b"%011o\0" % (1 << 20)
    bad[148:156] = b" " * 8
    bad[148:156] = b"%06o\0 " % sum(bad[:512])
    bad = bytes(bad[:len(lay) - 1024])
    d = os.path.join(tmp, "oci-lying-size")
    dg = oci_layout(d, [(gz(bad), bad)])
    case("held: an entry claiming more data than follows", scan("oci:" + d), rc=2,
         names=dg["layers"][0])

    # a diff_id that lies
    cfgl = json.loads(config_for([lay]))
    cfgl["rootfs"]["diff_ids"] = [sha(b"other")]
    d = os.path.join(tmp, "oci-diffid")
    dg = oci_layout(d, [(blob, lay)])
    # rewrite config + manifest + index with the lying diff_id
    c2 = json.dumps(cfgl).encode()
    man = json.loads(open(blob_path(d, dg["manifest"]), "rb").read())
    open(blob_path(d, sha(c2)), "wb").write(c2)
    man["config"]["digest"], man["config"]["size"] = sha(c2), len(c2)
    m2 = json.dumps(man).encode()
    open(blob_path(d, sha(m2)), "wb").write(m2)
    open(os.path.join(d, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(m2),
         "size": len(m2)}]}))
    case("held: a diff_id that does not match", scan("oci:" + d), rc=2, names=dg["layers"][0])

    # 100k-deep JSON as the config
    deep = b"[" * 100000 + b"]" * 100000
    d = os.path.join(tmp, "oci-deep")
    dg = oci_layout(d, [(blob, lay)])
    open(blob_path(d, sha(deep)), "wb").write(deep)
    man = json.loads(open(blob_path(d, dg["manifest"]), "rb").read())
    man["config"]["digest"], man["config"]["size"] = sha(deep), len(deep)
    m2 = json.dumps(man).encode()
    open(blob_path(d, sha(m2)), "wb").write(m2)
    open(os.path.join(d, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(m2),
         "size": len(m2)}]}))
    case("held: a 100k-deep JSON config", scan("oci:" + d), rc=2, names=sha(deep))

    # a deep JSON manifest.json in an archive
    p = os.path.join(tmp, "deep-manifest.tar")
    write_tar(p, [("manifest.json", deep)])
    case("held: a 100k-deep manifest.json", scan("docker-archive:" + p), rc=2,
         names=["manifest.json", p])

    # a truncated archive
    good = docker_archive(os.path.join(tmp, "to-cut.tar"), [(blob, lay)])
    with open(good, "rb") as f:
        raw = f.read()
    p = os.path.join(tmp, "cut.tar")
    with open(p, "wb") as f:
        f.write(raw[:raw.find(blob) + len(blob) // 2])
    case("held: an archive cut in the middle of the layer", scan("docker-archive:" + p), rc=2,
         names=p)


# --- main -------------------------------------------------------------------------------------

def many_layers_case(tmp):
    """A docker save of 400 layers, manifest.json last (several images' worth): every layer is
    held until the manifest names it, within the candidate bound and the memory limit."""
    spec = os.path.join(tmp, "400.json")
    with open(spec, "w") as f:
        json.dump({"layers": [{"files": [{"path": "f%d.txt" % i, "content": "x%d\n" % i}]}
                              for i in range(400)]}, f)
    out = os.path.join(tmp, "400.tar")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "tools", "lspack.py"), spec,
                    "--format", "docker-archive", "--out", out], check=True,
                   stdout=subprocess.DEVNULL)

    def all_layers(res):
        try:
            n = len(json.loads(res.out)["image"]["layers"])
        except (ValueError, KeyError):
            return "no JSON report"
        return None if n == 400 else f"{n} layers in the report"
    case("archive: 400 layers before manifest.json (a docker save of several images)",
         scan("docker-archive:" + out), rcs=[0, 1], check=all_layers)


GROUPS = [oci_cases, padding_cases, zstd_cases, detection_cases, retention_cases,
          archive_file_cases, held_cases, many_layers_case]


def main():
    global LS
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    ap.add_argument("--only", help="run only the case groups whose name contains this")
    args = ap.parse_args()
    LS = os.path.abspath(args.layerscan)
    tmp = tempfile.mkdtemp(prefix="lsc-inputs-")
    try:
        for g in GROUPS:
            if not args.only or args.only in g.__name__:
                g(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    hostile.finish()


if __name__ == "__main__":
    main()
