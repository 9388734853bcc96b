#!/usr/bin/env python3
"""lspack: a deterministic container-image packer for layerscan's tests.

Builds docker-archive (classic, Docker 25+, skopeo flavours), OCI layout and
oci-archive images from a small JSON spec, byte-for-byte reproducibly, and can
break them in precise ways (--tamper) for the hostile-input tests.

Standard library only (Debian 12's python3); the `zstd` command is used for
zstd compression.  See `lspack.py --help` and fixtures/README.md.

Design notes (the why):
- Tars are written by hand (TarStream) instead of with `tarfile`: we need names
  written verbatim (`../x`, `/abs`), binary PAX xattr values, header size fields
  that lie (size-overflow), streaming from generators (1 GiB of zeros) and a
  byte layout we fully control so digests are stable across Python versions.
- Every blob is first materialised in a private temp dir; the metadata
  (manifests, configs, index) is computed from those files and only then is the
  output assembled.  Tampering happens between those two steps, so each tamper
  can decide precisely which digests are "honest" and which lie.
- JSON is serialised the way Go's encoding/json does (compact, HTML-escaped),
  because every real producer is written in Go and skopeo's legacy layer IDs
  are digests of such JSON.
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zlib

CHUNK = 1 << 20
BLOCK = 512

MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}
MT_INTOTO = "application/vnd.in-toto+json"

FORMATS = ("docker-archive", "docker-archive-v25", "docker-archive-skopeo", "oci", "oci-archive")
DEFAULT_TAG = "layerscan-test/image:latest"
DEFAULT_CREATED = "2026-01-01T00:00:00Z"

TAMPERS = {
    "layer-digest": "flip one byte of layer N's blob after its digests were computed "
                    "(gzip: the header OS byte, so only the digest check can notice)",
    "diff-id": "the config's diff_id for layer N is a valid-looking wrong digest",
    "config-digest": "config bytes changed (same length, still JSON) after its digest was computed",
    "truncate-layer": "layer N's blob cut in half; digests describe the cut bytes, so only "
                      "decompression / tar parsing fails",
    "truncate-layer-raw": "layer N's blob cut in half; digests and size describe the full blob",
    "truncate-archive": "the outer tarball cut in the middle of layer N's member (archive formats)",
    "size-overflow": "in layer N the last regular file's header claims more data than follows; "
                     "digests describe the written bytes",
    "symlink-loop": "layer N's layer.tar is a symlink into a loop of two symlinks "
                    "(docker-archive, docker-archive-skopeo)",
    "missing-layer": "manifest references layer N but its blob/file is not in the image",
    "garbage-manifest": "manifest.json (docker) / the manifest blob (OCI) is not JSON; "
                        "index digests are honest",
    "bomb": "an extra last layer holding one 1 GiB file of zeros, gzip -1 (honest digests)",
}
# Tampers whose ARG is a layer index.
LAYER_TAMPERS = {"layer-digest", "diff-id", "truncate-layer", "truncate-layer-raw",
                 "truncate-archive", "size-overflow", "symlink-loop", "missing-layer"}

# Keys a spec may carry; run_case.py strips its own keys before packing.
SPEC_KEYS = {"created", "os", "architecture", "variant", "config", "annotations", "platforms",
             "attestation", "layers", "empty_history", "comment", "description"}
LAYER_KEYS = {"created_by", "tree", "files", "compression", "only_platform", "comment"}
ENTRY_KEYS = {"path", "type", "content", "content_b64", "zeros", "repeat", "target", "mode",
              "uid", "gid", "mtime", "xattrs", "major", "minor", "comment"}


class PackError(Exception):
    pass


# ---------------------------------------------------------------- helpers

def gojson(obj):
    """Serialise like Go's json.Marshal: compact, UTF-8, HTML characters escaped.

    Only strings can contain <, > or &, so escaping them globally is safe."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                 ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        s = s.replace(a, b)
    return s.encode("utf-8")


def sha256_bytes(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def hexof(digest):
    return digest.split(":", 1)[1]


def parse_platform(s):
    parts = s.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise PackError(f"bad platform {s!r} (want OS/ARCH[/VARIANT])")
    p = {"architecture": parts[1], "os": parts[0]}
    if len(parts) == 3:
        p["variant"] = parts[2]
    return p


def platform_str(p):
    return "/".join([p["os"], p["architecture"]] + ([p["variant"]] if p.get("variant") else []))


def platform_matches(want, p):
    """`want` is a spec string; a missing variant in it matches any variant."""
    w = parse_platform(want)
    return (w["os"] == p["os"] and w["architecture"] == p["architecture"]
            and (not w.get("variant") or w.get("variant") == p.get("variant")))


def split_tag(ref):
    """'demo/app:1.0' -> ('demo/app', '1.0'); a missing tag means 'latest'."""
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1:]
    return ref, "latest"


def normalized_name(repo):
    """Docker's normalisation (docker.io/library/...), as skopeo and containerd write it."""
    first = repo.split("/", 1)[0]
    if "/" in repo and ("." in first or ":" in first or first == "localhost"):
        return repo
    if "/" not in repo:
        return "docker.io/library/" + repo
    return "docker.io/" + repo


def copy_stream(src, dst):
    for chunk in iter(lambda: src.read(CHUNK), b""):
        dst.write(chunk)


class HashingWriter:
    """File wrapper that hashes and counts what goes through it."""

    def __init__(self, f):
        self.f = f
        self.h = hashlib.sha256()
        self.n = 0

    def write(self, b):
        self.f.write(b)
        self.h.update(b)
        self.n += len(b)

    def digest(self):
        return "sha256:" + self.h.hexdigest()


# ---------------------------------------------------------------- tar writer

def _octal(n, width):
    """A NUL-terminated zero-padded octal field, or None when it does not fit."""
    s = b"%0*o" % (width - 1, n)
    return s + b"\0" if len(s) == width - 1 and n >= 0 else None


def _pax_record(key, value):
    """One PAX record; its decimal length prefix counts its own digits."""
    body = b" " + key + b"=" + value + b"\n"
    for digits in range(1, 21):
        total = len(body) + digits
        if len(str(total)) == digits:
            return str(total).encode() + body
    raise PackError("PAX record too long")


class TarStream:
    """Minimal ustar/PAX writer; see the module docstring for why not `tarfile`.

    Matches Go's archive/tar conventions: ustar headers, a PAX 'x' header only
    when a field does not fit, two zero blocks at the end and no record padding."""

    def __init__(self, f):
        self.f = f
        self.pos = 0

    def _write(self, b):
        self.f.write(b)
        self.pos += len(b)

    @staticmethod
    def _enc(s):
        return s if isinstance(s, bytes) else s.encode("utf-8", "surrogateescape")

    def _header(self, name, typeflag, mode, uid, gid, size, mtime, linkname, devmajor, devminor):
        h = bytearray(BLOCK)
        h[0:len(name[:100])] = name[:100]
        h[100:108] = _octal(mode & 0o7777777, 8)
        h[108:116] = _octal(uid, 8) or _octal(0, 8)
        h[116:124] = _octal(gid, 8) or _octal(0, 8)
        sz = _octal(size, 12)
        if sz is None:  # GNU base-256, the PAX 'size' record carries the real value
            sz = b"\x80" + size.to_bytes(11, "big")
        h[124:136] = sz
        h[136:148] = _octal(mtime, 12) or _octal(0, 12)
        h[148:156] = b" " * 8
        h[156:157] = typeflag
        h[157:157 + len(linkname[:100])] = linkname[:100]
        h[257:263] = b"ustar\0"
        h[263:265] = b"00"
        # uname / gname stay empty: ids only, like a reproducible build would.
        h[329:337] = _octal(devmajor, 8)
        h[337:345] = _octal(devminor, 8)
        h[148:156] = b"%06o\0 " % sum(h)
        return bytes(h)

    def add(self, name, typeflag, mode, uid=0, gid=0, mtime=0, size=0, data=None,
            linkname="", xattrs=None, devmajor=0, devminor=0, claimed_size=None):
        """Write one member; `data` is an iterable of byte chunks totalling `size`.

        `claimed_size` (size-overflow tamper) is what the header says when it
        differs from what is really written.  Returns (header_offset, data_offset)."""
        name_b, link_b = self._enc(name), self._enc(linkname)
        hdr_size = size if claimed_size is None else claimed_size
        pax = []
        if len(name_b) > 100 or not name_b.isascii():
            pax.append((b"path", name_b))
        if len(link_b) > 100 or not link_b.isascii():
            pax.append((b"linkpath", link_b))
        if _octal(hdr_size, 12) is None:
            pax.append((b"size", str(hdr_size).encode()))
        for key, val in (("uid", uid), ("gid", gid), ("mtime", mtime)):
            if _octal(val, 8 if key != "mtime" else 12) is None:
                pax.append((key.encode(), str(val).encode()))
        for k in sorted(xattrs or {}):
            pax.append((b"SCHILY.xattr." + self._enc(k), xattrs[k]))
        start = self.pos
        if pax:
            records = b"".join(_pax_record(k, v) for k, v in pax)
            base = name_b.rstrip(b"/").rsplit(b"/", 1)[-1] or b"x"
            self._write(self._header((b"PaxHeaders.0/" + base)[:100], b"x", 0o644, 0, 0,
                                     len(records), 0, b"", 0, 0))
            self._write(records + b"\0" * (-len(records) % BLOCK))
        self._write(self._header(name_b, typeflag, mode, uid, gid, hdr_size, mtime, link_b,
                                 devmajor, devminor))
        data_off = self.pos
        written = 0
        for chunk in data or ():
            self._write(chunk)
            written += len(chunk)
        if written != size:
            raise PackError(f"{name}: wrote {written} bytes, expected {size}")
        self._write(b"\0" * (-written % BLOCK))
        return start, data_off

    def close(self):
        self._write(b"\0" * (2 * BLOCK))


# ---------------------------------------------------------------- layer entries

def _zeros(n):
    buf = bytes(CHUNK)
    while n > 0:
        k = min(n, CHUNK)
        yield buf[:k]
        n -= k


def _repeat(text, count):
    # Batch repetitions into ~1 MiB chunks: fast and still streaming.
    per = max(1, CHUNK // max(1, len(text)))
    while count > 0:
        k = min(per, count)
        yield text * k
        count -= k


def _file_chunks(path):
    with open(path, "rb") as f:
        yield from iter(lambda: f.read(CHUNK), b"")


def _parse_mode(v, default):
    if v is None:
        return default
    if isinstance(v, str):
        return int(v, 8)
    if isinstance(v, int):
        return v
    raise PackError(f"bad mode {v!r}")


def normalize_entry(e, where):
    if not isinstance(e, dict) or "path" not in e:
        raise PackError(f"{where}: an entry needs a 'path'")
    unknown = set(e) - ENTRY_KEYS
    if unknown:
        raise PackError(f"{where}: unknown entry keys {sorted(unknown)}")
    kind = e.get("type", "file")
    path = e["path"]
    n = {"path": path, "kind": kind, "uid": e.get("uid", 0), "gid": e.get("gid", 0),
         "mtime": e.get("mtime", 0), "target": e.get("target", ""), "size": 0, "data": None,
         "xattrs": {k: base64.b64decode(v) for k, v in (e.get("xattrs") or {}).items()},
         "major": e.get("major", 0), "minor": e.get("minor", 0)}
    if kind == "file":
        n["mode"] = _parse_mode(e.get("mode"), 0o644)
        sources = [k for k in ("content", "content_b64", "zeros", "repeat") if k in e]
        if len(sources) > 1:
            raise PackError(f"{where}: {path}: give only one of {sources}")
        if "content" in e:
            b = e["content"].encode("utf-8")
            n["size"], n["data"] = len(b), (lambda b=b: [b] if b else [])
        elif "content_b64" in e:
            b = base64.b64decode(e["content_b64"])
            n["size"], n["data"] = len(b), (lambda b=b: [b] if b else [])
        elif "zeros" in e:
            z = int(e["zeros"])
            n["size"], n["data"] = z, (lambda z=z: _zeros(z))
        elif "repeat" in e:
            t, c = e["repeat"]["text"].encode("utf-8"), int(e["repeat"]["count"])
            n["size"], n["data"] = len(t) * c, (lambda t=t, c=c: _repeat(t, c))
    elif kind == "dir":
        n["mode"] = _parse_mode(e.get("mode"), 0o755)
        if not path.endswith("/"):
            n["path"] = path + "/"  # as Docker/Go write directory names
    elif kind in ("symlink", "hardlink"):
        n["mode"] = _parse_mode(e.get("mode"), 0o777 if kind == "symlink" else 0o644)
        if "target" not in e:
            raise PackError(f"{where}: {path}: a {kind} needs a 'target'")
    elif kind in ("fifo", "chardev", "blockdev"):
        n["mode"] = _parse_mode(e.get("mode"), 0o644)
    else:
        raise PackError(f"{where}: {path}: unknown type {kind!r}")
    return n


def tree_entries(root):
    """Every file/dir/symlink under `root`, sorted by relative path, normalised."""
    if not os.path.isdir(root):
        raise PackError(f"tree {root} is not a directory")
    rels = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            rels.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    out = []
    for rel in sorted(rels):
        full = os.path.join(root, rel)
        st = os.lstat(full)
        base = {"kind": None, "uid": 0, "gid": 0, "mtime": 0, "target": "", "size": 0,
                "data": None, "xattrs": {}, "major": 0, "minor": 0}
        if stat.S_ISDIR(st.st_mode):
            out.append(dict(base, path=rel + "/", kind="dir", mode=0o755))
        elif stat.S_ISLNK(st.st_mode):
            out.append(dict(base, path=rel, kind="symlink", mode=0o777, target=os.readlink(full)))
        elif stat.S_ISREG(st.st_mode):
            # Only the exec bit survives git, so only it is taken from disk.
            mode = 0o755 if st.st_mode & stat.S_IXUSR else 0o644
            out.append(dict(base, path=rel, kind="file", mode=mode, size=st.st_size,
                            data=(lambda p=full: _file_chunks(p))))
        else:
            raise PackError(f"{full}: unsupported file type in a tree")
    return out


TYPEFLAG = {"file": b"0", "hardlink": b"1", "symlink": b"2", "chardev": b"3", "blockdev": b"4",
            "dir": b"5", "fifo": b"6"}


def write_layer_tar(entries, path, overflow=False):
    """Write a layer tar; returns facts the tampers need.

    overflow: the last regular file's header claims 1 MiB + the whole tar more
    than is written, so any reader runs out of input inside that member."""
    last_file = max((i for i, e in enumerate(entries) if e["kind"] == "file"), default=None)
    if overflow and last_file is None:
        raise PackError("size-overflow needs a layer with a regular file")
    info = {"content_offset": None}
    with open(path, "wb") as raw:
        hw = HashingWriter(raw)
        ts = TarStream(hw)
        for i, e in enumerate(entries):
            claimed = None
            if overflow and i == last_file:
                claimed = e["size"] + CHUNK + sum(x["size"] for x in entries) + 4096
            _, data_off = ts.add(e["path"], TYPEFLAG[e["kind"]], e["mode"], e["uid"], e["gid"],
                                 e["mtime"], e["size"], e["data"]() if e["data"] else None,
                                 e["target"], e["xattrs"], e["major"], e["minor"], claimed)
            if e["kind"] == "file" and e["size"] and info["content_offset"] is None:
                info["content_offset"] = data_off
        info["data_end"] = ts.pos
        ts.close()
    info.update(path=path, diff_id=hw.digest(), size=hw.n)
    return info


# ---------------------------------------------------------------- compression

def gzip_file(src, dst, level=6):
    """gzip without name or mtime (zlib's own header: mtime 0, OS 3): reproducible."""
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        for chunk in iter(lambda: fi.read(CHUNK), b""):
            fo.write(c.compress(chunk))
        fo.write(c.flush())


def zstd_file(src, dst, check=True):
    if shutil.which("zstd") is None:
        raise PackError("the zstd command is needed for zstd compression")
    args = ["zstd", "-q", "-f", "-3", "-T1", "--check" if check else "--no-check", src, "-o", dst]
    subprocess.run(args, check=True)


def compress_file(kind, src, dst, level=None):
    if kind == "gzip":
        gzip_file(src, dst, level or 6)
    elif kind == "zstd":
        zstd_file(src, dst)
    elif kind == "none":
        shutil.copyfile(src, dst)
    else:
        raise PackError(f"unknown compression {kind!r}")


# ---------------------------------------------------------------- blobs & images

class Blob:
    """Bytes to ship plus what the metadata will CLAIM about them.

    For an honest blob claimed digest/size equal the real ones; tampers make
    them differ on purpose."""

    def __init__(self, media_type, digest, size, path=None, data=None, diff_id=None,
                 omit=False, spec_index=None):
        self.media_type, self.digest, self.size = media_type, digest, size
        self.path, self.data = path, data
        self.diff_id, self.omit, self.spec_index = diff_id, omit, spec_index

    @classmethod
    def of_bytes(cls, media_type, data, claimed_digest=None):
        return cls(media_type, claimed_digest or sha256_bytes(data), len(data), data=data)

    def real_size(self):
        return len(self.data) if self.data is not None else os.path.getsize(self.path)

    def chunks(self):
        if self.data is not None:
            return [self.data] if self.data else []
        return _file_chunks(self.path)

    def real_digest(self):
        return sha256_bytes(self.data) if self.data is not None else sha256_file(self.path)

    def descriptor(self, **extra):
        d = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        d.update({k: v for k, v in extra.items() if v})
        return d


class Image:
    def __init__(self, platform, layers, config, manifest):
        self.platform, self.layers, self.config, self.manifest = platform, layers, config, manifest
        self.attestation = None  # (manifest Blob, [other blobs])


class Packer:
    def __init__(self, spec, base_dir, tag=DEFAULT_TAG, tampers=(), layer_compression=None,
                 index_style="flat", platform=None, workdir=None):
        unknown = set(spec) - SPEC_KEYS
        if unknown:
            raise PackError(f"unknown spec keys {sorted(unknown)}")
        self.spec, self.base_dir = spec, base_dir
        self.tag = tag
        self.repo, self.tagpart = split_tag(tag)
        self.layer_compression = layer_compression
        if index_style not in ("flat", "nested"):
            raise PackError("--index-style is flat or nested")
        self.index_style = index_style
        self.tampers = self._parse_tampers(tampers)
        self.work = workdir
        self.created = spec.get("created", DEFAULT_CREATED)

        self.layers = []
        for i, L in enumerate(spec.get("layers") or []):
            unknown = set(L) - LAYER_KEYS
            if unknown:
                raise PackError(f"layer {i}: unknown keys {sorted(unknown)}")
            entries = []
            if L.get("tree"):
                entries += tree_entries(os.path.join(base_dir, L["tree"]))
            entries += [normalize_entry(e, f"layer {i}") for e in L.get("files") or []]
            self.layers.append({"entries": entries, "created_by": L.get("created_by"),
                                "only_platform": L.get("only_platform"),
                                "compression": L.get("compression", "gzip"), "level": None})
        if "bomb" in self.tampers:
            self.layers.append({
                "entries": [{"path": "bomb.bin", "kind": "file", "mode": 0o644, "uid": 0,
                             "gid": 0, "mtime": 0, "target": "", "size": 1 << 30,
                             "data": lambda: _zeros(1 << 30), "xattrs": {}, "major": 0,
                             "minor": 0}],
                "created_by": "/bin/sh -c dd if=/dev/zero of=/bomb.bin bs=1M count=1024",
                "only_platform": None, "compression": "gzip", "level": 1, "bomb": True})
        for t, arg in self.tampers.items():
            if t in LAYER_TAMPERS and arg >= len(self.layers):
                raise PackError(f"--tamper {t}:{arg}: there are only {len(self.layers)} layers")

        if spec.get("platforms"):
            self.platforms = [parse_platform(p) for p in spec["platforms"]]
        else:
            p = {"architecture": spec.get("architecture", "amd64"), "os": spec.get("os", "linux")}
            if spec.get("variant"):
                p["variant"] = spec["variant"]
            self.platforms = [p]
        self.use_index = bool(spec.get("platforms")) or bool(spec.get("attestation"))
        if platform:
            sel = [p for p in self.platforms if platform_matches(platform, p)]
            if not sel:
                raise PackError(f"--platform {platform} is not one of the image's platforms")
            self.main_platform = sel[0]
        else:
            amd = [p for p in self.platforms if platform_str(p) == "linux/amd64"]
            self.main_platform = (amd or self.platforms)[0]
        self._raw = {}
        self._blobs = {}
        self._seq = 0
        self.index_digest = None  # of the nested index blob, when there is one

    # -- tampers

    @staticmethod
    def _parse_tampers(specs):
        out = {}
        for s in specs:
            kind, _, arg = s.partition(":")
            if kind not in TAMPERS:
                raise PackError(f"unknown tamper {kind!r} (see --list-tampers)")
            if arg and kind not in LAYER_TAMPERS:
                raise PackError(f"tamper {kind} takes no argument")
            out[kind] = int(arg) if arg else 0
        return out

    def _tampered(self, kind, layer_index):
        return kind in self.tampers and self.tampers[kind] == layer_index

    def _tmp(self, hint):
        self._seq += 1
        return os.path.join(self.work, f"{self._seq:04d}-{hint}")

    # -- layers

    def raw_layer(self, i):
        """The uncompressed layer tar of spec layer i (built once)."""
        if i not in self._raw:
            self._raw[i] = write_layer_tar(self.layers[i]["entries"], self._tmp(f"layer{i}.tar"),
                                           overflow=self._tampered("size-overflow", i))
        return self._raw[i]

    def compression_of(self, i, docker):
        if docker:
            return "none"  # docker save always ships uncompressed layer tars
        L = self.layers[i]
        if L.get("bomb"):
            return "gzip"
        return self.layer_compression or L["compression"]

    def layer_blob(self, i, comp):
        key = (i, comp)
        if key in self._blobs:
            return self._blobs[key]
        raw = self.raw_layer(i)
        L = self.layers[i]
        path = self._tmp(f"layer{i}.{comp}")
        if comp == "zstd" and self._tampered("layer-digest", i):
            # A zstd frame has no byte that decoders ignore, but a skippable
            # frame does: prefix one, so flipping its payload only breaks the digest.
            zpath = path + ".frame"
            zstd_file(raw["path"], zpath)
            with open(path, "wb") as fo, open(zpath, "rb") as fi:
                fo.write(b"\x50\x2a\x4d\x18" + (8).to_bytes(4, "little") + b"layersca")
                copy_stream(fi, fo)
        else:
            compress_file(comp, raw["path"], path, L["level"])
        digest, size, diff_id = sha256_file(path), os.path.getsize(path), raw["diff_id"]

        if self._tampered("layer-digest", i):
            if comp == "gzip":
                off = 9  # OS byte of the gzip header: ignored by every decoder
            elif comp == "zstd":
                off = 8
            else:
                off = raw["content_offset"]
                if off is None:
                    raise PackError(f"layer-digest:{i} needs a non-empty regular file in the layer")
            with open(path, "r+b") as f:
                f.seek(off)
                b = f.read(1)
                f.seek(off)
                f.write(bytes([b[0] ^ 0x01]))
        if self._tampered("truncate-layer", i) or self._tampered("truncate-layer-raw", i):
            if comp == "none":
                # Cut inside a header or data, never on a block boundary or in
                # the trailer: a tar that simply stops between members reads
                # as a clean EOF to many readers.
                if raw["data_end"] == 0:
                    raise PackError(f"truncate-layer:{i}: the layer is empty")
                cut = raw["data_end"] // 2
                if cut % BLOCK == 0:
                    cut += BLOCK // 2
            else:
                cut = size // 2
            with open(path, "r+b") as f:
                f.truncate(cut)
            if self._tampered("truncate-layer", i):
                digest, size = sha256_file(path), cut
                if comp == "none":
                    diff_id = digest
        if self._tampered("diff-id", i):
            diff_id = sha256_bytes(b"layerscan test: not the diff_id of layer %d" % i)
        blob = Blob(MT_LAYER[comp], digest, size, path=path, diff_id=diff_id,
                    omit=self._tampered("missing-layer", i), spec_index=i)
        self._blobs[key] = blob
        return blob

    # -- config, manifest, image

    def layer_indices(self, platform):
        return [i for i, L in enumerate(self.layers)
                if not L["only_platform"] or platform_matches(L["only_platform"], platform)]

    def history(self, indices):
        empty = {}
        for h in self.spec.get("empty_history") or []:
            empty.setdefault(int(h["index"]), []).append(h)
        out = []

        def entry(created_by, is_empty):
            e = {}
            if self.created is not None:
                e["created"] = self.created
            if created_by is not None:
                e["created_by"] = created_by
            if is_empty:
                e["empty_layer"] = True
            return e

        for i in range(len(self.layers)):
            for h in empty.pop(i, []):
                out.append(entry(h.get("created_by"), True))
            if i in indices:
                out.append(entry(self.layers[i]["created_by"], False))
        for k in sorted(empty):
            for h in empty[k]:
                out.append(entry(h.get("created_by"), True))
        return out

    def config_bytes(self, platform, diff_ids, indices):
        cfg = {"architecture": platform["architecture"]}
        if platform.get("variant"):
            cfg["variant"] = platform["variant"]
        cfg["os"] = platform["os"]
        if self.created is not None:
            cfg["created"] = self.created
        if self.spec.get("config", {}) is not None:
            cfg["config"] = dict(self.spec.get("config") or {})
        cfg["rootfs"] = {"type": "layers", "diff_ids": diff_ids}
        cfg["history"] = self.history(indices)
        return gojson(cfg)

    def _tamper_config(self, b):
        """Same length, still valid JSON, different bytes."""
        s = b.decode("utf-8")
        if self.created:
            c = self.created
            for k in range(len(c) - 1, -1, -1):
                if c[k].isdigit():
                    new = c[:k] + ("1" if c[k] != "1" else "2") + c[k + 1:]
                    return s.replace('"created":"%s"' % c, '"created":"%s"' % new, 1).encode()
        return s.replace('"type":"layers"', '"type":"Layers"', 1).encode()

    GARBAGE = b'{"schemaVersion":2,"config":\x00\xff this is not JSON <<<'

    def image(self, platform, docker):
        indices = self.layer_indices(platform)
        blobs = [self.layer_blob(i, self.compression_of(i, docker)) for i in indices]
        cfg = self.config_bytes(platform, [b.diff_id for b in blobs], indices)
        config = Blob.of_bytes(MT_OCI_CONFIG, cfg)
        if "config-digest" in self.tampers:
            config.data = self._tamper_config(cfg)
        m = {"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST, "config": config.descriptor(),
             "layers": [b.descriptor() for b in blobs]}
        if self.spec.get("annotations"):
            m["annotations"] = self.spec["annotations"]
        mb = self.GARBAGE if "garbage-manifest" in self.tampers else gojson(m)
        img = Image(platform, blobs, config, Blob.of_bytes(MT_OCI_MANIFEST, mb))
        if self.spec.get("attestation"):
            img.attestation = self.attestation_for(img)
        return img

    def attestation_for(self, img):
        """A BuildKit-style SBOM attestation manifest for img."""
        stmt = gojson({
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": "https://spdx.dev/Document",
            "subject": [{"name": "pkg:docker/" + self.repo + "@" + self.tagpart + "?platform="
                         + platform_str(img.platform).replace("/", "%2F"),
                         "digest": {"sha256": hexof(img.manifest.digest)}}],
            "predicate": {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
                          "name": "sbom", "packages": []}})
        layer = Blob.of_bytes(MT_INTOTO, stmt)
        cfg = Blob.of_bytes(MT_OCI_CONFIG, gojson({
            "architecture": "unknown", "os": "unknown", "config": {},
            "rootfs": {"type": "layers", "diff_ids": [layer.digest]}}))
        man = Blob.of_bytes(MT_OCI_MANIFEST, gojson({
            "schemaVersion": 2, "mediaType": MT_OCI_MANIFEST, "config": cfg.descriptor(),
            "layers": [layer.descriptor(annotations={
                "in-toto.io/predicate-type": "https://spdx.dev/Document"})]}))
        return man, [layer, cfg]

    def images(self, docker):
        return [self.image(p, docker) for p in self.platforms]

    def index(self, images, ref_ann):
        """(index.json bytes, extra blobs such as a nested index)."""
        if not self.use_index:
            return gojson({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                           "manifests": [images[0].manifest.descriptor(annotations=ref_ann)]}), []
        nested = self.index_style == "nested"
        descs = []
        for img in images:
            descs.append(img.manifest.descriptor(platform=img.platform,
                                                 annotations=None if nested else ref_ann))
        for img in images:
            if img.attestation:
                descs.append(img.attestation[0].descriptor(
                    platform={"architecture": "unknown", "os": "unknown"},
                    annotations={"vnd.docker.reference.digest": img.manifest.digest,
                                 "vnd.docker.reference.type": "attestation-manifest"}))
        body = {"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": descs}
        if not nested:
            return gojson(body), []
        nested_blob = Blob.of_bytes(MT_OCI_INDEX, gojson(body))
        self.index_digest = nested_blob.digest
        top = {"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
               "manifests": [nested_blob.descriptor(annotations=ref_ann)]}
        return gojson(top), [nested_blob]

    @staticmethod
    def all_blobs(images, extra):
        """Every blob of the layout, deduplicated by claimed digest."""
        seen = {}
        for img in images:
            group = img.layers + [img.config, img.manifest]
            if img.attestation:
                group += [img.attestation[0]] + img.attestation[1]
            for b in group:
                prev = seen.get(b.digest)
                if prev is not None and prev is not b and prev.real_digest() != b.real_digest():
                    raise PackError(f"two different blobs claim {b.digest} (a tamper on a layer "
                                    "that also appears untampered?)")
                if prev is None:
                    seen[b.digest] = b
        for b in extra:
            seen.setdefault(b.digest, b)
        return seen

    # -- output models: each returns a list of members for the archive writer

    def oci_members(self, ref_ann):
        images = self.images(docker=False)
        index_json, extra = self.index(images, ref_ann)
        blobs = self.all_blobs(images, extra)
        members = [("dir", "blobs/", None), ("dir", "blobs/sha256/", None)]
        for d in sorted(blobs, key=hexof):
            b = blobs[d]
            if not b.omit:
                members.append(("file", "blobs/sha256/" + hexof(d), b))
        members.append(("file", "index.json", Blob.of_bytes("", index_json)))
        members.append(("file", "oci-layout", Blob.of_bytes("", b'{"imageLayoutVersion":"1.0.0"}')))
        info = self.info(images, lambda b: "blobs/sha256/" + hexof(b.digest),
                         lambda img: "blobs/sha256/" + hexof(img.config.digest),
                         lambda img: "blobs/sha256/" + hexof(img.manifest.digest))
        return members, info

    def oci_ref_annotations(self, tag_given, nested):
        if not tag_given:
            return None
        ann = {"org.opencontainers.image.ref.name": self.tagpart}
        if nested:
            ann = {"io.containerd.image.name": normalized_name(self.repo) + ":" + self.tagpart,
                   **ann}
        return ann

    def docker_v25_members(self):
        images = self.images(docker=True)
        ann = {"io.containerd.image.name": normalized_name(self.repo) + ":" + self.tagpart,
               "org.opencontainers.image.ref.name": self.tagpart}
        index_json, extra = self.index(images, ann)
        blobs = self.all_blobs(images, extra)
        main = next(img for img in images if img.platform is self.main_platform)
        members = [("file", "oci-layout", Blob.of_bytes("", b'{"imageLayoutVersion":"1.0.0"}')),
                   ("dir", "blobs/", None), ("dir", "blobs/sha256/", None)]
        for d in sorted(blobs, key=hexof):
            if not blobs[d].omit:
                members.append(("file", "blobs/sha256/" + hexof(d), blobs[d]))
        ids, _ = self.legacy_ids(main, skopeo=False)
        members.append(("file", "repositories", Blob.of_bytes("", gojson(
            {self.repo: {self.tagpart: ids[-1]}} if ids else {}))))
        members.append(("file", "index.json", Blob.of_bytes("", index_json)))
        manifest = [{"Config": "blobs/sha256/" + hexof(main.config.digest),
                     "RepoTags": [self.tag],
                     "Layers": ["blobs/sha256/" + hexof(b.digest) for b in main.layers]}]
        mj = self.GARBAGE if "garbage-manifest" in self.tampers else gojson(manifest)
        members.append(("file", "manifest.json", Blob.of_bytes("", mj)))
        info = self.info(images, lambda b: "blobs/sha256/" + hexof(b.digest),
                         lambda img: "blobs/sha256/" + hexof(img.config.digest),
                         lambda img: "manifest.json")
        return members, info

    def legacy_ids(self, img, skopeo):
        """(per-layer v1 IDs, per-layer v1 `json` files).

        The IDs are computed like containers/image's docker-archive writer (a
        digest of the v1 JSON with the layer's chain ID mixed in), so the skopeo
        flavour matches skopeo byte for byte."""
        ids, jsons = [], []
        chain = None
        cfg = json.loads(img.config.data)
        for i, b in enumerate(img.layers):
            lc = {}
            if ids:
                lc["parent"] = ids[-1]
            if i == len(img.layers) - 1:
                for a in ("architecture", "config", "container", "container_config", "created",
                          "docker_version", "os"):
                    lc[a] = cfg.get(a)
            elif not skopeo:
                lc["created"] = "1970-01-01T00:00:00Z"
            # skopeo chains the blob digest it wrote (== the diff_id it computed)
            chain = b.digest if chain is None else sha256_bytes((chain + " " + b.digest).encode())
            lc["layer_id"] = chain
            lid = hashlib.sha256(gojson(dict(sorted(lc.items())))).hexdigest()
            del lc["layer_id"]
            lc["id"] = lid
            ids.append(lid)
            jsons.append(gojson(dict(sorted(lc.items()))))
        return ids, jsons

    def docker_classic_members(self):
        """`docker save` before Docker 25: <id>/{VERSION,json,layer.tar}, dirs sorted
        as docker's directory walk yields them; manifest.json last."""
        img = self.image(self.main_platform, docker=True)
        ids, jsons = self.legacy_ids(img, skopeo=False)
        loop = self.tampers.get("symlink-loop")
        first_path = {}   # real content -> first layer.tar that holds it
        per_id = {}
        layer_paths = []
        for i, (lid, b) in enumerate(zip(ids, img.layers)):
            key = (b.real_digest() if not b.omit else b.digest, b.diff_id)
            path = lid + "/layer.tar"
            layer_paths.append(path)
            ms = [("dir", lid + "/", None),
                  ("file", lid + "/VERSION", Blob.of_bytes("", b"1.0")),
                  ("file", lid + "/json", Blob.of_bytes("", jsons[i]))]
            if loop is not None and b.spec_index == loop:
                loop_id = hashlib.sha256(b"layerscan symlink loop " + lid.encode()).hexdigest()
                ms.append(("symlink", path, "../" + loop_id + "/layer.tar"))
                per_id[loop_id] = [("dir", loop_id + "/", None),
                                   ("symlink", loop_id + "/layer.tar", "../" + path)]
            elif key in first_path:
                ms.append(("symlink", path, "../" + first_path[key]))
            elif not b.omit:
                first_path[key] = path
                ms.append(("file", path, b))
            per_id[lid] = ms
        members = [m for k in sorted(per_id) for m in per_id[k]]
        members.append(("file", hexof(img.config.digest) + ".json", img.config))
        members.append(("file", "repositories", Blob.of_bytes("", gojson(
            {self.repo: {self.tagpart: ids[-1]}} if ids else {}))))
        manifest = [{"Config": hexof(img.config.digest) + ".json", "RepoTags": [self.tag],
                     "Layers": layer_paths}]
        mj = self.GARBAGE if "garbage-manifest" in self.tampers else gojson(manifest)
        members.append(("file", "manifest.json", Blob.of_bytes("", mj)))
        info = self.info([img], lambda b: layer_paths[img.layers.index(b)],
                         lambda im: hexof(im.config.digest) + ".json", lambda im: "manifest.json")
        return members, info

    def docker_skopeo_members(self):
        """Exactly what `skopeo copy ... docker-archive:` (containers/image) writes:
        <diffid>.tar per distinct layer, <config>.json, legacy <id>/ symlink dirs
        without directory entries, manifest.json, then repositories.  0444 files."""
        img = self.image(self.main_platform, docker=True)
        ids, jsons = self.legacy_ids(img, skopeo=True)
        loop = self.tampers.get("symlink-loop")
        members, written = [], set()
        for b in img.layers:
            name = hexof(b.digest) + ".tar"
            if name in written or b.omit:
                continue
            written.add(name)
            if loop is not None and b.spec_index == loop:
                lid = ids[img.layers.index(b)]
                members.append(("symlink", name, lid + "/layer.tar"))
            else:
                members.append(("file", name, b))
        members.append(("file", hexof(img.config.digest) + ".json", img.config))
        for lid, b, js in zip(ids, img.layers, jsons):
            members.append(("symlink", lid + "/layer.tar", "../" + hexof(b.digest) + ".tar"))
            members.append(("file", lid + "/VERSION", Blob.of_bytes("", b"1.0")))
            members.append(("file", lid + "/json", Blob.of_bytes("", js)))
        full = normalized_name(self.repo)
        manifest = [{"Config": hexof(img.config.digest) + ".json",
                     "RepoTags": [full + ":" + self.tagpart],
                     "Layers": [hexof(b.digest) + ".tar" for b in img.layers]}]
        mj = self.GARBAGE if "garbage-manifest" in self.tampers else gojson(manifest)
        members.append(("file", "manifest.json", Blob.of_bytes("", mj)))
        members.append(("file", "repositories", Blob.of_bytes("", gojson(
            {full: {self.tagpart: ids[-1]}} if ids else {}))))
        info = self.info([img], lambda b: hexof(b.digest) + ".tar",
                         lambda im: hexof(im.config.digest) + ".json", lambda im: "manifest.json")
        return members, info

    def info(self, images, layer_member, config_member, manifest_member):
        """What was written, for run_case.py's checks and error-message placeholders."""
        out = []
        for img in images:
            out.append({
                "platform": platform_str(img.platform),
                "main": img.platform is self.main_platform,
                "manifest_digest": img.manifest.digest,
                "config_digest": img.config.digest,
                "config_member": config_member(img),
                "manifest_member": manifest_member(img),
                "layers": [{"spec_index": b.spec_index, "digest": b.digest, "size": b.size,
                            "diff_id": b.diff_id, "media_type": b.media_type,
                            "member": layer_member(b),
                            "created_by": self.layers[b.spec_index]["created_by"]}
                           for b in img.layers]})
        return {"tag": self.tag, "index_digest": self.index_digest, "images": out}


# ---------------------------------------------------------------- output

MODES = {  # (dir mode, file mode) per flavour
    "docker-archive": (0o755, 0o644),
    "docker-archive-v25": (0o755, 0o644),
    "docker-archive-skopeo": (None, 0o444),
    "oci-archive": (0o755, 0o644),
}


def write_members(members, path, flavour, layer_blob_for_cut=None):
    """Write the archive; returns the (start, end) byte range of the member
    holding `layer_blob_for_cut`, for truncate-archive."""
    dmode, fmode = MODES[flavour]
    cut_range = None
    with open(path, "wb") as f:
        ts = TarStream(f)
        for kind, name, obj in members:
            if kind == "dir":
                ts.add(name, b"5", dmode)
            elif kind == "symlink":
                ts.add(name, b"2", 0 if flavour == "docker-archive-skopeo" else 0o777,
                       linkname=obj)
            else:
                _, off = ts.add(name, b"0", fmode, size=obj.real_size(), data=obj.chunks())
                if layer_blob_for_cut is not None and obj is layer_blob_for_cut:
                    cut_range = (off, off + obj.real_size())
        ts.close()
    return cut_range


def finish_archive(tar_path, out, outer, cut=None):
    """Apply the outer compression; with `cut`, produce a stream truncated there.

    A truncated compressed stream decodes exactly to tar[:cut] and then ends
    without its trailer, like an interrupted download of a .tar.gz."""
    if outer == "none":
        shutil.copyfile(tar_path, out)
        if cut is not None:
            with open(out, "r+b") as f:
                f.truncate(cut)
        return
    src = tar_path
    if cut is not None:
        src = tar_path + ".cut"
        with open(tar_path, "rb") as fi, open(src, "wb") as fo:
            left = cut
            while left:
                chunk = fi.read(min(CHUNK, left))
                fo.write(chunk)
                left -= len(chunk)
    if outer == "gzip":
        c = zlib.compressobj(6, zlib.DEFLATED, 31)
        with open(src, "rb") as fi, open(out, "wb") as fo:
            for chunk in iter(lambda: fi.read(CHUNK), b""):
                fo.write(c.compress(chunk))
            fo.write(c.flush(zlib.Z_SYNC_FLUSH if cut is not None else zlib.Z_FINISH))
    elif outer == "zstd":
        zstd_file(src, out)
        if cut is not None:
            # Drop the 4-byte content checksum: all data decodes, the frame never ends.
            with open(out, "r+b") as f:
                f.truncate(os.path.getsize(out) - 4)
    else:
        raise PackError(f"unknown --outer {outer!r}")


def pack(spec, base_dir, fmt, out, outer="none", tag=None, tampers=(), layer_compression=None,
         index_style="flat", platform=None):
    """Build one image; returns the info dict (see Packer.info)."""
    if fmt not in FORMATS:
        raise PackError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == "oci" and outer != "none":
        raise PackError("--outer applies to archive formats, not to an oci directory")
    tamper_kinds = {t.partition(":")[0] for t in tampers}
    if "symlink-loop" in tamper_kinds and fmt not in ("docker-archive", "docker-archive-skopeo"):
        raise PackError("symlink-loop applies to docker-archive and docker-archive-skopeo only")
    if "truncate-archive" in tamper_kinds and fmt == "oci":
        raise PackError("truncate-archive needs an archive format")
    with tempfile.TemporaryDirectory(prefix="lspack-") as work:
        p = Packer(spec, base_dir, tag=tag or DEFAULT_TAG, tampers=tampers,
                   layer_compression=layer_compression, index_style=index_style,
                   platform=platform, workdir=work)
        if fmt in ("oci", "oci-archive"):
            ann = p.oci_ref_annotations(tag is not None, index_style == "nested")
            members, info = p.oci_members(ann)
        elif fmt == "docker-archive":
            members, info = p.docker_classic_members()
        elif fmt == "docker-archive-v25":
            members, info = p.docker_v25_members()
        else:
            members, info = p.docker_skopeo_members()
        info["format"] = fmt
        info["path"] = out

        if fmt == "oci":
            if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
                raise PackError(f"{out} exists and is not an empty directory")
            os.makedirs(out, exist_ok=True)
            for kind, name, obj in members:
                dst = os.path.join(out, name)
                if kind == "dir":
                    os.makedirs(dst, exist_ok=True)
                else:
                    with open(dst, "wb") as f:
                        for chunk in obj.chunks():
                            f.write(chunk)
            return info

        target = None
        if "truncate-archive" in p.tampers:
            n = p.tampers["truncate-archive"]
            cands = [obj for kind, _, obj in members
                     if kind == "file" and isinstance(obj, Blob) and obj.spec_index == n]
            if not cands:
                raise PackError(f"truncate-archive:{n}: layer {n} has no member in this image")
            target = cands[0]
        tar_path = os.path.join(work, "out.tar")
        rng = write_members(members, tar_path, fmt, target)
        cut = None
        if target is not None:
            cut = (rng[0] + rng[1]) // 2
            if cut % BLOCK == 0:
                cut += 1
        tmp_out = out + ".lspack-tmp"
        finish_archive(tar_path, tmp_out, outer, cut)
        os.replace(tmp_out, out)
        return info


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Deterministic test image packer for layerscan (see fixtures/README.md).")
    ap.add_argument("spec", nargs="?", help="image spec JSON")
    ap.add_argument("--format", choices=FORMATS)
    ap.add_argument("--out", help="output file (directory for --format oci)")
    ap.add_argument("--outer", choices=("none", "gzip", "zstd"), default="none",
                    help="compress the whole archive")
    ap.add_argument("--tag", help=f"image name (default {DEFAULT_TAG}; OCI ref.name only when given)")
    ap.add_argument("--tamper", action="append", default=[], metavar="KIND[:N]",
                    help="break the image on purpose; repeatable; see --list-tampers")
    ap.add_argument("--layer-compression", choices=("none", "gzip", "zstd"),
                    help="override every layer's compression (OCI formats)")
    ap.add_argument("--index-style", choices=("flat", "nested"), default="flat",
                    help="multi-platform index: in index.json itself, or in a nested blob "
                         "(as buildkit writes it)")
    ap.add_argument("--platform", help="platform written by single-image formats "
                                       "(default linux/amd64 when present, else the first)")
    ap.add_argument("--info-json", help="write a description of the result (digests, member "
                                        "names) to this file")
    ap.add_argument("--list-tampers", action="store_true")
    a = ap.parse_args(argv)
    if a.list_tampers:
        for k, v in TAMPERS.items():
            print(f"{k + ('[:N]' if k in LAYER_TAMPERS else ''):24} {v}")
        return 0
    if not (a.spec and a.format and a.out):
        ap.error("SPEC, --format and --out are required")
    try:
        with open(a.spec, encoding="utf-8") as f:
            spec = json.load(f)
        info = pack(spec, os.path.dirname(os.path.abspath(a.spec)), a.format, a.out, a.outer,
                    a.tag, a.tamper, a.layer_compression, a.index_style, a.platform)
    except (PackError, OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        print(f"lspack: {e}", file=sys.stderr)
        return 2
    if a.info_json:
        with open(a.info_json, "w", encoding="utf-8") as f:
            json.dump(info, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
