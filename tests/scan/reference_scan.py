#!/usr/bin/env python3
"""A slow, simple reference model of `layerscan scan -f json`, for checking the
case files in tests/scan/cases while (or after) the C implementation changes.

It implements only what the cases need: the local transports of CONTRACT.md,
digest / diff_id verification, whiteout and opaque-directory overlay
semantics, and the `root-user` and `env-file` rules.  When the real scanner and
this model disagree on a case, one of them (or the case) is wrong: look.

  tests/scan/run_case.py --layerscan tests/scan/reference_scan.py tests/scan/cases
"""

import gzip
import hashlib
import json
import os
import posixpath
import re
import subprocess
import sys
import tempfile
import zlib

SEV_ORDER = ["info", "low", "medium", "high", "critical"]
RULES = {
    "root-user": ("user", "high", "Container runs as root"),
    "env-file": ("sensitive-file", "high", "Environment file (.env) in the image"),
}
ENV_EXCEPT = {".env.example", ".env.sample", ".env.template", ".env.dist"}


class ScanError(Exception):
    pass


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


# ------------------------------------------------------------------ blob streams

class Reader:
    """read(n) over a decompressed blob that hashes every byte it hands out."""

    def __init__(self, path, where):
        self.where = where
        self.h = hashlib.sha256()
        self.proc = None
        with open(path, "rb") as f:
            magic = f.read(4)
        if magic[:2] == b"\x1f\x8b":
            self.f = gzip.open(path, "rb")
        elif magic in (b"\x28\xb5\x2f\xfd", b"\x50\x2a\x4d\x18"):
            self.proc = subprocess.Popen(["zstd", "-dcq", path], stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
            self.f = self.proc.stdout
        else:
            self.f = open(path, "rb")

    def read(self, n):
        try:
            b = self.f.read(n)
        except (EOFError, OSError, zlib.error) as e:
            raise ScanError(f"{self.where}: cannot decompress: {e}")
        self.h.update(b)
        return b

    def finish(self):
        while self.read(1 << 20):
            pass
        if self.proc and self.proc.wait() != 0:
            raise ScanError(f"{self.where}: cannot decompress: zstd stream is corrupt or truncated")
        self.f.close()
        return "sha256:" + self.h.hexdigest()


def read_exact(r, n, where):
    b = b""
    while len(b) < n:
        chunk = r.read(n - len(b))
        if not chunk:
            raise ScanError(f"{where}: unexpected end of data (truncated tar)")
        b += chunk
    return b


def tar_number(field):
    if field[:1] and field[0] & 0x80:
        return int.from_bytes(field[1:], "big")
    s = field.split(b"\0", 1)[0].strip()
    return int(s, 8) if s else 0


def iter_tar(r, where, keep_limit=65536):
    """Strict tar reader: yields (name, type, linkname, size, data-or-None)."""
    pax = {}
    longname = None
    while True:
        hdr = read_exact(r, 512, where)
        if hdr == bytes(512):
            return
        chk = sum(hdr[:148]) + 8 * 32 + sum(hdr[156:])
        if tar_number(hdr[148:156]) != chk:
            raise ScanError(f"{where}: bad tar header checksum")
        name = hdr[:100].split(b"\0", 1)[0]
        prefix = hdr[345:500].split(b"\0", 1)[0]
        if hdr[257:262] == b"ustar" and prefix:
            name = prefix + b"/" + name
        typ = hdr[156:157]
        link = hdr[157:257].split(b"\0", 1)[0]
        size = tar_number(hdr[124:136])
        if typ in (b"x", b"g", b"L", b"K"):
            body = read_exact(r, size + (-size % 512), where)[:size]
            if typ == b"x":
                while body:
                    n, rest = body.split(b" ", 1)
                    rec, body = body[:int(n)], body[int(n):]
                    k, v = rec.split(b" ", 1)[1][:-1].split(b"=", 1)
                    pax[k] = v
            elif typ == b"L":
                longname = body.rstrip(b"\0")
            continue
        if longname:
            name, longname = longname, None
        if b"path" in pax:
            name = pax[b"path"]
        if b"linkpath" in pax:
            link = pax[b"linkpath"]
        if b"size" in pax:
            size = int(pax[b"size"])
        pax = {}
        if typ in (b"1", b"2", b"3", b"4", b"5", b"6"):
            size = 0
        keep = size <= keep_limit
        data = b"" if keep else None
        left = size + (-size % 512)
        while left:
            chunk = read_exact(r, min(left, 1 << 20), where)
            if keep:
                data += chunk
            left -= len(chunk)
        yield name.decode("utf-8", "surrogateescape"), typ, link.decode("utf-8", "replace"), \
            size, (data[:size] if keep else None)


# ------------------------------------------------------------------ image loading

def open_input(target, tmp):
    """-> (transport, root dir, tag)"""
    tag = None
    if target == "-" or target == "docker-archive:-":
        p = os.path.join(tmp, "stdin.tar")
        with open(p, "wb") as f:
            f.write(sys.stdin.buffer.read())
        return "docker-archive", extract(p, tmp, "standard input"), None
    m = re.match(r"^(docker-archive|oci|oci-archive):(.*)$", target)
    if m:
        transport, rest = m.groups()
        path = rest
        if transport != "docker-archive" and not os.path.exists(rest) and ":" in rest:
            path, tag = rest.rsplit(":", 1)
    elif os.path.exists(target):
        path = target
        transport = "oci" if os.path.isdir(target) else None
    else:
        raise ScanError(f"{target}: registry references are not supported by the reference model")
    if not os.path.exists(path):
        raise ScanError(f"{path}: no such file or directory")
    if transport == "oci":
        return "oci", path, tag
    root = extract(path, tmp, path)
    if transport is None:
        transport = "docker-archive" if os.path.exists(os.path.join(root, "manifest.json")) \
            else "oci-archive"
    return transport, root, tag


def extract(path, tmp, where):
    root = os.path.join(tmp, "root")
    os.makedirs(root)
    r = Reader(path, where)
    for name, typ, link, size, data in iter_tar(r, where, keep_limit=256 << 20):
        n = posixpath.normpath(name)
        if n.startswith("..") or n.startswith("/"):
            raise ScanError(f"{where}: member {name} escapes the archive")
        p = os.path.join(root, n)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if typ == b"5":
            os.makedirs(p, exist_ok=True)
        elif typ == b"2":
            os.symlink(link, p)
        elif typ in (b"0", b"\0"):
            if data is None:
                raise ScanError("reference model: archive member too large")
            with open(p, "wb") as f:
                f.write(data)
    r.finish()
    return root


def member(root, rel, where):
    p = os.path.join(root, rel)
    try:
        real = os.path.realpath(p, strict=True)
    except FileNotFoundError:
        raise ScanError(f"{where}: {rel}: missing from the image")
    except OSError as e:
        raise ScanError(f"{where}: {rel}: {e.strerror} (symlink loop?)")
    if not real.startswith(os.path.realpath(root) + os.sep):
        raise ScanError(f"{where}: {rel}: points outside the archive")
    return real


def want_platform(s):
    parts = s.split("/")
    return {"os": parts[0], "architecture": parts[1], "variant": parts[2] if len(parts) > 2 else None}


def platform_ok(want, p):
    return (p.get("os") == want["os"] and p.get("architecture") == want["architecture"]
            and (not want["variant"] or p.get("variant") == want["variant"]))


def load_oci(root, tag, platform, where):
    def blob(desc):
        rel = "blobs/sha256/" + desc["digest"].split(":", 1)[1]
        p = member(root, rel, where)
        with open(p, "rb") as f:
            b = f.read()
        if sha(b) != desc["digest"] or len(b) != desc["size"]:
            raise ScanError(f"{where}: {rel}: digest mismatch")
        return b

    def parse(b, rel):
        try:
            return json.loads(b)
        except ValueError:
            raise ScanError(f"{where}: {rel}: not valid JSON")

    with open(member(root, "index.json", where), "rb") as f:
        index = parse(f.read(), "index.json")
    descs = index.get("manifests") or []
    if tag:
        descs = [d for d in descs
                 if (d.get("annotations") or {}).get("org.opencontainers.image.ref.name") == tag]
        if not descs:
            raise ScanError(f"{where}: no image tagged {tag}")
    while True:
        if len(descs) == 1 and "platform" not in descs[0]:
            d = descs[0]
        else:
            cands = [d for d in descs if d.get("platform") and
                     platform_ok(want_platform(platform), d["platform"])]
            if not cands:
                raise ScanError(f"{where}: no image for platform {platform}")
            d = cands[0]
        b = blob(d)
        doc = parse(b, "blobs/sha256/" + d["digest"].split(":")[1])
        if d["mediaType"] == "application/vnd.oci.image.index.v1+json":
            descs = doc["manifests"]
            continue
        cfg_b = blob(doc["config"])
        cfg = parse(cfg_b, "config")
        layers = [{"rel": "blobs/sha256/" + L["digest"].split(":")[1], "digest": L["digest"],
                   "size": L["size"], "media_type": L["mediaType"], "verify_digest": True}
                  for L in doc["layers"]]
        return cfg, doc["config"]["digest"], d["digest"], layers


def load_docker(root, where):
    rel = "manifest.json"
    with open(member(root, rel, where), "rb") as f:
        try:
            items = json.loads(f.read())
        except ValueError:
            raise ScanError(f"{where}: manifest.json: not valid JSON")
    item = items[0]
    crel = item["Config"]
    with open(member(root, crel, where), "rb") as f:
        cfg_b = f.read()
    named = os.path.basename(crel).split(".")[0]
    if re.fullmatch(r"[0-9a-f]{64}", named) and sha(cfg_b) != "sha256:" + named:
        raise ScanError(f"{where}: {crel}: config digest mismatch")
    try:
        cfg = json.loads(cfg_b)
    except ValueError:
        raise ScanError(f"{where}: {crel}: not valid JSON")
    layers = []
    for lrel in item["Layers"]:
        base = os.path.basename(lrel)
        m = re.fullmatch(r"([0-9a-f]{64})(\.tar)?", base)
        named = "sha256:" + m.group(1) if m and ("blobs/" in lrel or m.group(2)) else None
        layers.append({"rel": lrel, "digest": named, "size": None,
                       "media_type": "application/vnd.docker.image.rootfs.diff.tar",
                       "verify_digest": named is not None})
    return cfg, sha(cfg_b), None, layers


# ------------------------------------------------------------------ overlay + rules

def clean(name):
    n = posixpath.normpath("/" + name)
    return n if n != "//" else "/"


def scan_layers(root, cfg, layers, where):
    diff_ids = cfg["rootfs"]["diff_ids"]
    if len(diff_ids) != len(layers):
        raise ScanError(f"{where}: config has {len(diff_ids)} diff_ids for {len(layers)} layers")
    state = {}       # path -> (layer index, kind, inode) in the merged view
    contents = {}    # path -> small file content, for /etc/passwd
    candidates = []  # (layer, path, inode)
    inodes = {}      # (layer, path) -> inode, for hardlinks within a layer
    files = 0
    for i, L in enumerate(layers):
        p = member(root, L["rel"], where)
        if L["verify_digest"]:
            h = hashlib.sha256()
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            if "sha256:" + h.hexdigest() != L["digest"] or (
                    L["size"] is not None and os.path.getsize(p) != L["size"]):
                raise ScanError(f"{where}: {L['rel']}: digest mismatch")
        r = Reader(p, f"{where}: {L['rel']}")
        for name, typ, link, size, data in iter_tar(r, f"{where}: {L['rel']}"):
            files += 1
            path = clean(name)
            parent, base = posixpath.split(path)
            if base == ".wh..wh..opq":
                for k in [k for k in state if k.startswith(parent.rstrip("/") + "/")
                          and state[k][0] < i]:
                    del state[k]
                continue
            if base.startswith(".wh."):
                gone = posixpath.join(parent, base[4:])
                for k in [k for k in state if (k == gone or k.startswith(gone + "/"))
                          and state[k][0] < i]:
                    del state[k]
                continue
            kind = {b"5": "dir", b"2": "symlink", b"1": "file"}.get(typ, "file" if typ in (
                b"0", b"\0") else "other")
            # A hardlink shares its target's inode: content-centric visibility.
            inode = inodes.get((i, clean(link))) if typ == b"1" else None
            inode = inode or (i, path)
            inodes[(i, path)] = inode
            # Any ancestor that is not a directory is replaced by one.
            anc = parent
            while anc not in ("/", ""):
                if anc in state and state[anc][1] != "dir":
                    del state[anc]
                anc = posixpath.dirname(anc)
            old = state.get(path)
            if old and not (old[1] == "dir" and kind == "dir"):
                for k in [k for k in state if k.startswith(path.rstrip("/") + "/")]:
                    del state[k]
            if path != "/":
                state[path] = (i, kind, inode)
            if kind == "file" and data is not None:
                contents[path] = data
            if typ == b"1" and clean(link) in contents:
                contents[path] = contents[clean(link)]
            if kind == "file" and (base == ".env" or base.startswith(".env.")) \
                    and base not in ENV_EXCEPT:
                candidates.append((i, path, inode))
        got = r.finish()
        if got != diff_ids[i]:
            raise ScanError(f"{where}: {L['rel']}: diff_id mismatch: the config says "
                            f"{diff_ids[i]}, the layer is {got}")
    visible = {v[2] for v in state.values()}
    findings = []
    for i, path, inode in candidates:
        findings.append(finding("env-file", "file", i, layers[i], path, inode in visible))
    user = (cfg.get("config") or {}).get("User") or ""
    name = user.split(":", 1)[0]
    root_user = name in ("", "root", "0")
    if not root_user and not name.isdigit():
        passwd = contents.get("/etc/passwd", b"").decode("utf-8", "replace")
        if "/etc/passwd" in state:
            for line in passwd.splitlines():
                f = line.split(":")
                if len(f) > 2 and f[0] == name and f[2] == "0":
                    root_user = True
    if root_user:
        findings.append(finding("root-user", "config.user", None, None, None, True))
    return findings, user, files


def finding(rule, source, layer_index, layer, path, final):
    cat, sev, title = RULES[rule]
    fp = hashlib.sha256(f"{rule}|{layer_index}|{path}".encode()).hexdigest()[:32]
    return {"rule_id": rule, "category": cat, "severity": sev, "title": title,
            "location": {"source": source, "layer_index": layer_index,
                         "layer_digest": layer["digest"] if layer else None,
                         "path": path, "line": None},
            "in_final_image": final, "match": None, "fingerprint": fp}


def main(argv):
    if not argv or argv[0] != "scan":
        print("usage: reference_scan.py scan -f json [--platform P] [--fail-on S] TARGET",
              file=sys.stderr)
        return 2
    args, platform, fail_on, target = argv[1:], "linux/amd64", "high", None
    it = iter(args)
    for a in it:
        if a in ("-f", "--format"):
            if next(it) != "json":
                print("reference model: only -f json", file=sys.stderr)
                return 2
        elif a == "--platform":
            platform = next(it)
        elif a == "--fail-on":
            fail_on = next(it)
        elif a in ("--no-progress", "-q", "--quiet"):
            pass
        elif target is None:
            target = a
        else:
            print(f"reference model: unexpected argument {a}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        try:
            transport, root, tag = open_input(target, tmp)
            where = "standard input" if target in ("-", "docker-archive:-") else target
            if transport == "docker-archive" and not os.path.exists(os.path.join(root, "index.json")):
                cfg, cdig, mdig, layers = load_docker(root, where)
                p = want_platform(platform)
                if "--platform" in args and not platform_ok(p, cfg):
                    raise ScanError(f"{where}: the image is not {platform}")
            elif transport == "docker-archive":
                # Docker 25+: index.json can name every platform; manifest.json only one.
                cfg, cdig, mdig, layers = load_oci(root, None, platform, where)
                load_docker(root, where)
            else:
                cfg, cdig, mdig, layers = load_oci(root, tag, platform, where)
            findings, user, files = scan_layers(root, cfg, layers, where)
        except ScanError as e:
            print(f"reference_scan: error: {e}", file=sys.stderr)
            return 2
    hist = [h for h in cfg.get("history") or [] if not h.get("empty_layer")]
    limit = len(SEV_ORDER) if fail_on == "never" else SEV_ORDER.index(fail_on)
    failed = any(SEV_ORDER.index(f["severity"]) >= limit for f in findings)
    summary = {s: sum(1 for f in findings if f["severity"] == s) for s in reversed(SEV_ORDER)}
    summary.update(total=len(findings), ignored=0)
    rep = {
        "schema": "layerscan/report/v1",
        "tool": {"name": "layerscan-reference-model", "version": "0"},
        "target": {"input": target, "transport": transport, "reference": None,
                   "manifest_digest": mdig, "config_digest": cdig,
                   "platform": "/".join(x for x in (cfg.get("os"), cfg.get("architecture"),
                                                    cfg.get("variant")) if x)},
        "image": {"user": user, "created": cfg.get("created"), "os": None,
                  "layers": [{"index": i, "digest": L["digest"] or cfg["rootfs"]["diff_ids"][i],
                              "diff_id": cfg["rootfs"]["diff_ids"][i],
                              "media_type": L["media_type"], "size": L["size"],
                              "created_by": hist[i].get("created_by") if i < len(hist) else None}
                             for i, L in enumerate(layers)]},
        "findings": findings,
        "summary": summary,
        "stats": {"layers": len(layers), "files": files, "bytes_uncompressed": 0,
                  "duration_ms": 0},
        "result": "fail" if failed else "pass",
    }
    print(json.dumps(rep, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
