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


# --- main -------------------------------------------------------------------------------------

GROUPS = [oci_cases]


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
