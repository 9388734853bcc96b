#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets: tests/fuzz/corpus/<target>/.

Every seed is a small, real input of its kind (manifests, an index with platforms and an
attestation, a config with history, docker save's manifest.json, tars in ustar, pax and GNU
formats, gzip and zstd layers, docker save, Docker 25+ and OCI archives), built here from fixed
content with fixed timestamps, so the output is the same on every run. The output is committed;
run this again after changing it:

    python3 tests/fuzz/make_corpus.py [--out DIR]

Only the Python standard library is needed. The zstd seeds are written by hand (raw, RLE and
skippable frames) so they need no zstd module; when the zstd program is installed, one seed
compressed by it (entropy-coded blocks) is written too.
"""

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile

MTIME = 1700000000  # 2023-11-14: fixed, so every tar is byte-for-byte reproducible

MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
MT_OCI_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_OCI_LAYER_ZST = "application/vnd.oci.image.layer.v1.tar+zstd"
MT_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MT_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MT_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MT_DOCKER_LAYER_GZ = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def sha256(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def hexof(b):
    return hashlib.sha256(b).hexdigest()


def js(obj):
    """JSON as registries and docker write it: compact, keys in a fixed order."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def js_pretty(obj):
    return (json.dumps(obj, indent=3, sort_keys=True) + "\n").encode()


# --- tar -------------------------------------------------------------------------------------


def tar(members, fmt=tarfile.PAX_FORMAT):
    """A tar of members, each a dict: name, and data | dir | symlink | hardlink | chr | fifo,
    with optional mode, uid, gid, pax (extra pax records). Ends right after the end-of-archive
    marker: no padding to tarfile's 10 KiB record, to keep the seeds small."""
    bio = io.BytesIO()
    tf = tarfile.open(fileobj=bio, mode="w", format=fmt, encoding="utf-8")
    for m in members:
        ti = tarfile.TarInfo(m["name"])
        ti.mtime = MTIME
        ti.uid = m.get("uid", 0)
        ti.gid = m.get("gid", 0)
        ti.uname = m.get("uname", "")
        ti.gname = m.get("gname", "")
        data = None
        if "dir" in m:
            ti.type = tarfile.DIRTYPE
            ti.mode = m.get("mode", 0o755)
        elif "symlink" in m:
            ti.type = tarfile.SYMTYPE
            ti.linkname = m["symlink"]
            ti.mode = 0o777
        elif "hardlink" in m:
            ti.type = tarfile.LNKTYPE
            ti.linkname = m["hardlink"]
            ti.mode = m.get("mode", 0o644)
        elif "chr" in m:
            ti.type = tarfile.CHRTYPE
            ti.devmajor, ti.devminor = m["chr"]
            ti.mode = 0o666
        elif "fifo" in m:
            ti.type = tarfile.FIFOTYPE
            ti.mode = 0o644
        else:
            data = m["data"]
            ti.size = len(data)
            ti.mode = m.get("mode", 0o644)
        if "pax" in m:
            ti.pax_headers = dict(m["pax"])
        tf.addfile(ti, io.BytesIO(data) if data is not None else None)
    end = tf.offset
    tf.close()
    return bio.getvalue()[:end] + b"\0" * 1024


def gz(b):
    return gzip.compress(b, compresslevel=9, mtime=0)


# --- zstd frames by hand ---------------------------------------------------------------------

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def zstd_block(kind, payload, regen, last):
    """A block header (3 bytes LE: last, type, size) and its payload; kind 0 raw, 1 RLE."""
    size = regen if kind == 1 else len(payload)
    hdr = (size << 3) | (kind << 1) | (1 if last else 0)
    return struct.pack("<I", hdr)[:3] + payload


def zstd_raw_frame(data):
    """One single-segment frame with a 4-byte content size and raw blocks; runs of one byte of 64
    or more become RLE blocks, so both block kinds are in the seed."""
    blocks = []
    i = 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i] and j - i < 4096:
            j += 1
        if j - i >= 64:
            blocks.append((1, data[i:i + 1], j - i))
            i = j
            continue
        k = i
        while k < len(data) and k - i < 4096:
            r = k
            while r < len(data) and data[r] == data[k] and r - k < 64:
                r += 1
            if r - k >= 64:
                break
            k += 1
        blocks.append((0, data[i:k], k - i))
        i = k
    fhd = (2 << 6) | (1 << 5)  # FCS_Field_Size 4 bytes, Single_Segment, no checksum, no dict
    out = ZSTD_MAGIC + bytes([fhd]) + struct.pack("<I", len(data))
    for n, (kind, payload, regen) in enumerate(blocks):
        out += zstd_block(kind, payload, regen, n == len(blocks) - 1)
    return out


def zstd_skippable(payload):
    return struct.pack("<II", 0x184D2A50, len(payload)) + payload


def zstd_cli(data):
    exe = shutil.which("zstd")
    if not exe:
        return None
    r = subprocess.run([exe, "-19", "-q", "-c", "--no-progress"], input=data,
                       stdout=subprocess.PIPE, check=True)
    return r.stdout


# --- the image content ---------------------------------------------------------------------------

PASSWD = (b"root:x:0:0:root:/root:/bin/sh\n"
          b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
          b"app:x:1000:1000::/home/app:/bin/sh\n"
          b"toor:x:0:0::/root:/bin/sh\n")
SHADOW = b"root:$6$salt$0123456789abcdef:19000:0:99999:7:::\napp:!:19000::::::\n"
OS_ALPINE = (b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\n'
             b'PRETTY_NAME="Alpine Linux v3.18"\nHOME_URL="https://alpinelinux.org/"\n')
OS_DEBIAN = (b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
             b'VERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n')
PEM = (b"-----BEGIN OPENSSH PRIVATE KEY-----\n"
       b"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
       b"-----END OPENSSH PRIVATE KEY-----\n")
ENV = b"DATABASE_URL=postgres://app:hunter2@db:5432/app\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
AWS = (b"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
       b"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
DOCKER_AUTH = b'{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}\n'


def base_layer():
    """A base layer: /etc with passwd and shadow, os-release as docker images lay it out (a
    symlink into /usr/lib), a hard link, a device, a fifo, a setuid binary."""
    return tar([
        {"name": "bin", "dir": True},
        {"name": "bin/busybox", "data": b"\x7fELF\x02\x01\x01" + b"\0" * 57, "mode": 0o755},
        {"name": "bin/sh", "hardlink": "bin/busybox", "mode": 0o755},
        {"name": "bin/su", "data": b"\x7fELF\x02\x01\x01" + b"\0" * 9, "mode": 0o4755},
        {"name": "dev", "dir": True},
        {"name": "dev/null", "chr": (1, 3)},
        {"name": "etc", "dir": True},
        {"name": "etc/passwd", "data": PASSWD},
        {"name": "etc/shadow", "data": SHADOW, "mode": 0o640},
        {"name": "etc/os-release", "symlink": "../usr/lib/os-release"},
        {"name": "run/initctl", "fifo": True},
        {"name": "tmp", "dir": True, "mode": 0o1777},
        {"name": "usr/lib/os-release", "data": OS_ALPINE},
    ])


def app_layer():
    """A layer on top: secrets and credentials where detectors look, a whiteout and an opaque
    directory for the overlay, a file with an xattr."""
    return tar([
        {"name": "app", "dir": True},
        {"name": "app/.env", "data": ENV},
        {"name": "app/.wh.old.conf", "data": b""},
        {"name": "etc/.wh.shadow", "data": b""},
        {"name": "home/app/.aws/credentials", "data": AWS, "uid": 1000, "gid": 1000},
        {"name": "root/.docker/config.json", "data": DOCKER_AUTH, "mode": 0o600},
        {"name": "root/.ssh/id_ed25519", "data": PEM, "mode": 0o600},
        {"name": "srv/.wh..wh..opq", "data": b""},
        {"name": "usr/bin/ping", "data": b"\x7fELF",
         "pax": {"SCHILY.xattr.security.capability": "\x01\x00\x00\x02 \x00"}},
        {"name": "var/www/html/index.html", "data": b"<p>hello</p>\n", "mode": 0o666},
    ])


def fill(label, n):
    """n deterministic bytes that look random: the key material of the seeds (no real key)."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def der(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    lb = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(lb)]) + lb + body


def pem(label, body, headers=""):
    b64 = base64.b64encode(body).decode()
    lines = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    return f"-----BEGIN {label}-----\n{headers}{lines}\n-----END {label}-----\n".encode()


def ssh_str(b):
    return struct.pack(">I", len(b)) + b


def openssh_key(cipher, kdf, kdfopts):
    pub = ssh_str(b"ssh-ed25519") + ssh_str(fill("ed-pub", 32))
    priv = (fill("check", 4) * 2 + ssh_str(b"ssh-ed25519") + ssh_str(fill("ed-pub", 32))
            + ssh_str(fill("ed-priv", 64)) + ssh_str(b"seed@layerscan"))
    priv += bytes(range(1, 1 + (-len(priv)) % 8))
    blob = (b"openssh-key-v1\0" + ssh_str(cipher) + ssh_str(kdf) + ssh_str(kdfopts)
            + struct.pack(">I", 1) + ssh_str(pub) + ssh_str(priv))
    return pem("OPENSSH PRIVATE KEY", blob)


def rsa_traditional():
    body = (der(0x02, b"\0") + der(0x02, b"\0" + fill("n", 64)) + der(0x02, b"\x01\0\x01")
            + der(0x02, fill("d", 64)))
    return pem("RSA PRIVATE KEY", der(0x30, body))


def pkcs8_ed25519():
    body = (der(0x02, b"\0") + der(0x30, der(0x06, b"\x2b\x65\x70"))
            + der(0x04, der(0x04, fill("k", 32))))
    return pem("PRIVATE KEY", der(0x30, body))


def pkcs8_encrypted():
    algo = der(0x30, der(0x06, bytes.fromhex("2a864886f70d01050d")) + der(0x30, fill("p", 40)))
    return pem("ENCRYPTED PRIVATE KEY", der(0x30, algo + der(0x04, fill("ct", 64))))


def ec_proc_encrypted():
    return pem("EC PRIVATE KEY", fill("ec", 48),
               "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n")


def pgp_secret_block():
    packet = bytes([0x95, 0x00, 0x58, 0x04]) + fill("pgp", 0x57)
    armor = pem("PGP PRIVATE KEY BLOCK", packet, "Version: seed\n\n")
    return armor.replace(b"\n-----END", b"\n=Ab1c\n-----END")


def putty_key():
    pub = base64.b64encode(ssh_str(b"ssh-ed25519") + ssh_str(fill("ed-pub", 32))).decode()
    priv = base64.b64encode(ssh_str(fill("ed-priv", 32))).decode()
    return (f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: seed\n"
            f"Public-Lines: 1\n{pub}\nPrivate-Lines: 1\n{priv}\n"
            f"Private-MAC: {fill('mac', 32).hex()}\n").encode()


def jks(entries, magic=0xFEEDFEED):
    out = struct.pack(">III", magic, 2, len(entries))
    for tag, alias in entries:
        out += struct.pack(">I", tag) + struct.pack(">H", len(alias)) + alias + fill("ts", 8)
        if tag == 2:
            cert = der(0x30, fill("cert", 60))
            out += struct.pack(">H", 5) + b"X.509" + struct.pack(">I", len(cert)) + cert
        else:
            out += struct.pack(">I", 48) + fill("protected", 48)
    return out + fill("sha1", 20)


def credentials_layer():
    """A layer with one file for (nearly) every rule of the sensitive-file detector, with values
    that are no placeholders, so that the seeds reach the validators' deep paths."""
    b64 = lambda b: base64.b64encode(b).decode()
    pw = "Zq8xL2pVw7rT"
    sa = {"type": "service_account", "project_id": "seed-project",
          "private_key_id": fill("kid", 20).hex(), "private_key": pkcs8_ed25519().decode(),
          "client_email": "svc@seed-project.iam.gserviceaccount.com"}
    hexv = lambda label, n: fill(label, n).hex()
    bpw = pw.encode()
    files = [
        ("root/.ssh/id_rsa", rsa_traditional()),
        ("root/.ssh/id_ed25519", openssh_key(b"none", b"none", b"")),
        ("root/.ssh/id_enc", openssh_key(b"aes256-ctr", b"bcrypt",
                                         ssh_str(fill("salt", 16)) + struct.pack(">I", 16))),
        ("etc/ssl/private/server.key", pkcs8_ed25519() + pkcs8_encrypted() + ec_proc_encrypted()),
        ("home/app/.gnupg/private-keys-v1.d/0123.key", b"(21:protected-private-key(3:ecc))"),
        ("home/app/key.asc", pgp_secret_block()),
        ("home/app/putty.ppk", putty_key()),
        ("home/app/.aws/credentials",
         f"[default]\naws_access_key_id = AKIA{hexv('ak', 8).upper()}\n"
         f"aws_secret_access_key = {b64(fill('sk', 30))}\n".encode()),
        ("srv/sa.json", js(sa)),
        ("root/.config/gcloud/application_default_credentials.json",
         js({"client_id": "c", "refresh_token": "1//" + hexv("rt", 24),
             "type": "authorized_user"})),
        ("root/.azure/accessTokens.json", js([{"accessToken": hexv("az", 24)}])),
        ("root/.docker/config.json",
         js({"auths": {"registry.example.com": {"auth": b64(f"deploy:{pw}".encode())}}})),
        ("root/.dockercfg",
         js({"https://index.docker.io/v1/": {"auth": b64(b"u:" + bpw)}})),
        ("app/.npmrc", f"//registry.npmjs.org/:_authToken=npm_{hexv('npm', 18)}\n".encode()),
        ("root/.pypirc",
         f"[pypi]\nusername = __token__\npassword = pypi-{hexv('pypi', 16)}\n".encode()),
        ("root/.netrc", f"machine api.example.com login deploy password {pw}\n".encode()),
        ("root/.git-credentials", f"https://deploy:{pw}@git.example.com\n".encode()),
        ("srv/repo/.git/config",
         f"[remote \"origin\"]\n\turl = https://ci:{pw}@git.example.com/r.git\n".encode()),
        ("root/.kube/config", b"apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n"
         b"    token: " + hexv("kube", 20).encode() + b"\n"),
        ("srv/cluster.yaml",
         b"kind: Config\nusers:\n- name: u\n  user:\n    password: " + bpw + b"\n"),
        ("etc/nginx/.htpasswd", b"admin:$apr1$abcdefgh$0123456789abcdefghijk/\n"),
        ("srv/infra/terraform.tfstate", b'{"version":4,"resources":[]}\n'),
        ("srv/app/keystore.jks", jks([(2, b"ca"), (1, b"server")])),
        ("srv/app/ca-certs.jks", jks([(2, b"ca")])),
        ("srv/app/secrets.dat", jks([(3, b"aes")], magic=0xCECECECE)),
        ("srv/app/client.p12", der(0x30, fill("p12", 90))),
        ("root/.bash_history", b"mysql -u root -pS3cret\nexit\n"),
        ("root/.pgpass", f"db:5432:app:app:{pw}\n".encode()),
        ("root/.my.cnf", f"[client]\nuser=root\npassword=\"{pw}\"\n".encode()),
        ("root/.mylogin.cnf", fill("mylogin", 40)),
        ("root/.s3cfg", f"[default]\naccess_key = AKIA0\nsecret_key = {pw}\n".encode()),
        ("root/.config/gh/hosts.yml",
         b"github.com:\n    oauth_token: gho_" + hexv("gh", 18).encode() + b"\n"),
        ("root/.cargo/credentials.toml",
         b"[registry]\ntoken = \"cio" + hexv("cargo", 16).encode() + b"\"\n"),
        ("root/.gem/credentials",
         b"---\n:rubygems_api_key: rubygems_" + hexv("gem", 16).encode() + b"\n"),
        ("root/.composer/auth.json",
         js({"http-basic": {"repo.example.com": {"username": "u", "password": pw}},
             "github-oauth": {"github.com": "ghp_" + hexv("co", 18)}})),
        ("root/.m2/settings.xml",
         b"<settings><servers><!-- <password>x</password> --><server><id>r</id>"
         b"<password>" + bpw + b"</password></server></servers></settings>\n"),
        ("root/.vault-token", b"hvs." + hexv("vault", 16).encode() + b"\n"),
        ("root/.terraform.d/credentials.tfrc.json",
         js({"credentials": {"app.terraform.io": {"token": hexv("tf", 20)}}})),
        ("root/.nuget/NuGet/NuGet.Config",
         b'<configuration><packageSourceCredentials><s><add key="ClearTextPassword" value="'
         + bpw + b'" /></s></packageSourceCredentials></configuration>\n'),
        ("app/.yarnrc.yml", b"npmAuthToken: " + hexv("yarn", 16).encode() + b"\n"),
        ("etc/pip.conf",
         f"[global]\nindex-url = https://u:{pw}@pypi.example.com/simple\n".encode()),
    ]
    return tar([{"name": n, "data": d, "mode": 0o600} for n, d in files])


def alnum(label, n):
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(chars[b % len(chars)] for b in fill(label, n))


def secrets_text():
    """Tokens in the shapes secret scanners look for, in the contexts they appear in (generated
    values, no real credential), over a few lines, one of them longer than a chunk."""
    return "".join([
        "# .env of a service\n",
        f"AWS_ACCESS_KEY_ID=AKIA{fill('ak', 8).hex().upper()}\n",
        f"AWS_SECRET_ACCESS_KEY={base64.b64encode(fill('sk', 30)).decode()}\n",
        f"GITHUB_TOKEN=ghp_{alnum('gh', 36)}\n",
        f"SLACK_BOT_TOKEN=xoxb-1234567890-1234567890123-{fill('sl', 12).hex()[:24]}\n",
        f"STRIPE_KEY=sk_live_{fill('st', 12).hex()}\n",
        f"GOOGLE_API_KEY=AIza{alnum('gk', 35)}\n",
        f"DATABASE_URL=postgres://app:{fill('db', 8).hex()}@db.internal:5432/app\n",
        "JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.urlsafe_b64encode(
            b'{"sub":"1234567890","name":"seed"}').decode().rstrip("=") + "."
        + base64.urlsafe_b64encode(fill("jwt", 32)).decode().rstrip("=") + "\n",
        "x" * 300 + f" token={fill('long', 20).hex()}\n",
        pkcs8_ed25519().decode(),
    ]).encode()


def config(diff_ids, user="app", with_history=True):
    c = {
        "architecture": "amd64",
        "os": "linux",
        "created": "2023-11-14T22:13:20Z",
        "config": {
            "User": user,
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "API_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz"],
            "Cmd": ["/bin/sh"],
            "WorkingDir": "/app",
            "Labels": {"org.opencontainers.image.source": "https://example.com/app",
                       "db.password": "Xk9mQ2vL8pR4zT6w"},
            "ExposedPorts": {"8080/tcp": {}},
            "Volumes": {"/data": {}},
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    if with_history:
        c["history"] = [
            {"created": "2023-11-14T22:13:20Z",
             "created_by": "/bin/sh -c #(nop) ADD file:0123abcd in / "},
            {"created": "2023-11-14T22:13:20Z",
             "created_by": "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]", "empty_layer": True},
            {"created": "2023-11-14T22:13:21Z", "created_by": "COPY . /app # buildkit",
             "comment": "buildkit.dockerfile.v0"},
            {"created": "2023-11-14T22:13:21Z", "created_by": "USER app", "empty_layer": True},
            {"created": "2023-11-14T22:13:21Z", "empty_layer": True, "comment": "buildkit.dockerfile.v0",
             "created_by": "RUN |2 NPM_TOKEN=npm_0123456789abcdefghijklmnopqrstuvwxyz "
                           "DB_PASSWORD=Xk9mQ2vL8pR4zT6w /bin/sh -c npm ci"},
        ]
    return c


def descriptor(mt, blob, **extra):
    d = {"mediaType": mt, "digest": sha256(blob), "size": len(blob)}
    d.update(extra)
    return d


def image_manifest(mt, cfg_mt, cfg, layers, annotations=None):
    m = {"schemaVersion": 2, "mediaType": mt, "config": descriptor(cfg_mt, cfg),
         "layers": [descriptor(lmt, blob) for lmt, blob in layers]}
    if annotations:
        m["annotations"] = annotations
    return m


# --- archives ------------------------------------------------------------------------------------


def docker_legacy_archive(l1, l2, cfg):
    """docker save before Docker 25: <id>/layer.tar, <config hex>.json, manifest.json,
    repositories; the third layer is a symlink to the first, as docker writes a repeated layer."""
    id1, id2 = hexof(b"id1" + l1), hexof(b"id2" + l2)
    id3 = hexof(b"id3" + l1)
    cname = hexof(cfg) + ".json"
    manifest = [{"Config": cname, "RepoTags": ["example.com/app:1.0"],
                 "Layers": [id1 + "/layer.tar", id2 + "/layer.tar", id3 + "/layer.tar"]}]
    return tar([
        {"name": id1, "dir": True},
        {"name": id1 + "/VERSION", "data": b"1.0"},
        {"name": id1 + "/json", "data": js({"id": id1})},
        {"name": id1 + "/layer.tar", "data": l1},
        {"name": id2, "dir": True},
        {"name": id2 + "/VERSION", "data": b"1.0"},
        {"name": id2 + "/json", "data": js({"id": id2, "parent": id1})},
        {"name": id2 + "/layer.tar", "data": l2},
        {"name": id3, "dir": True},
        {"name": id3 + "/layer.tar", "symlink": "../" + id1 + "/layer.tar"},
        {"name": cname, "data": cfg},
        {"name": "manifest.json", "data": js(manifest)},
        {"name": "repositories", "data": js({"example.com/app": {"1.0": id3}})},
    ], fmt=tarfile.USTAR_FORMAT)


def docker25_archive(l1, l2):
    """docker save from Docker 25 on: an OCI layout (blobs/sha256, index.json, oci-layout) with
    manifest.json beside it for older loaders."""
    cfg = js(config([sha256(l1), sha256(l2)]))
    man = js(image_manifest(MT_OCI_MANIFEST, MT_OCI_CONFIG, cfg,
                            [(MT_OCI_LAYER, l1), (MT_OCI_LAYER, l2)]))
    index = {"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [
        descriptor(MT_OCI_MANIFEST, man, annotations={
            "io.containerd.image.name": "example.com/app:1.0",
            "org.opencontainers.image.ref.name": "1.0"})]}
    manifest = [{"Config": "blobs/sha256/" + hexof(cfg), "RepoTags": ["example.com/app:1.0"],
                 "Layers": ["blobs/sha256/" + hexof(l1), "blobs/sha256/" + hexof(l2)],
                 "LayerSources": {}}]
    return tar([
        {"name": "blobs", "dir": True},
        {"name": "blobs/sha256", "dir": True},
        {"name": "blobs/sha256/" + hexof(l1), "data": l1},
        {"name": "blobs/sha256/" + hexof(l2), "data": l2},
        {"name": "blobs/sha256/" + hexof(cfg), "data": cfg},
        {"name": "blobs/sha256/" + hexof(man), "data": man},
        {"name": "index.json", "data": js(index)},
        {"name": "manifest.json", "data": js(manifest)},
        {"name": "oci-layout", "data": js({"imageLayoutVersion": "1.0.0"})},
    ], fmt=tarfile.PAX_FORMAT)


def oci_archive(l1, l2):
    """An OCI archive as buildx writes it: index.json -> a nested index with linux/amd64,
    linux/arm64 and a BuildKit attestation -> the amd64 manifest; gzip layers. Only the blobs of
    the amd64 image are in it, as after a platform-filtered copy."""
    g1, g2 = gz(l1), gz(l2)
    cfg = js(config([sha256(l1), sha256(l2)]))
    man = js(image_manifest(MT_OCI_MANIFEST, MT_OCI_CONFIG, cfg,
                            [(MT_OCI_LAYER_GZ, g1), (MT_OCI_LAYER_GZ, g2)],
                            {"org.opencontainers.image.created": "2023-11-14T22:13:21Z"}))
    nested = js(oci_index_doc(man))
    top = {"schemaVersion": 2, "manifests": [
        descriptor(MT_OCI_INDEX, nested,
                   annotations={"org.opencontainers.image.ref.name": "latest"})]}
    return tar([
        {"name": "blobs/sha256/" + hexof(g1), "data": g1},
        {"name": "blobs/sha256/" + hexof(g2), "data": g2},
        {"name": "blobs/sha256/" + hexof(cfg), "data": cfg},
        {"name": "blobs/sha256/" + hexof(man), "data": man},
        {"name": "blobs/sha256/" + hexof(nested), "data": nested},
        {"name": "index.json", "data": js(top)},
        {"name": "oci-layout", "data": js({"imageLayoutVersion": "1.0.0"})},
    ], fmt=tarfile.PAX_FORMAT)


def oci_zstd_archive(l1, z1):
    """An OCI archive with one zstd layer and index.json naming the manifest directly."""
    cfg = js(config([sha256(l1)], user="0", with_history=False))
    man = js(image_manifest(MT_OCI_MANIFEST, MT_OCI_CONFIG, cfg, [(MT_OCI_LAYER_ZST, z1)]))
    top = {"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [
        descriptor(MT_OCI_MANIFEST, man,
                   platform={"architecture": "amd64", "os": "linux"})]}
    return tar([
        {"name": "oci-layout", "data": js({"imageLayoutVersion": "1.0.0"})},
        {"name": "index.json", "data": js(top)},
        {"name": "blobs/sha256/" + hexof(man), "data": man},
        {"name": "blobs/sha256/" + hexof(cfg), "data": cfg},
        {"name": "blobs/sha256/" + hexof(z1), "data": z1},
    ], fmt=tarfile.GNU_FORMAT)


def oci_index_doc(amd64_manifest):
    att = js({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST, "config": {
        "mediaType": MT_OCI_CONFIG, "digest": sha256(b"{}"), "size": 2}, "layers": []})
    arm = js({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST, "config": {
        "mediaType": MT_OCI_CONFIG, "digest": sha256(b"arm"), "size": 3}, "layers": []})
    return {"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [
        descriptor(MT_OCI_MANIFEST, amd64_manifest,
                   platform={"architecture": "amd64", "os": "linux"}),
        descriptor(MT_OCI_MANIFEST, arm,
                   platform={"architecture": "arm64", "os": "linux", "variant": "v8"}),
        descriptor(MT_OCI_MANIFEST, att,
                   platform={"architecture": "unknown", "os": "unknown"},
                   annotations={"vnd.docker.reference.digest": sha256(amd64_manifest),
                                "vnd.docker.reference.type": "attestation-manifest"}),
    ]}


# --- the corpus --------------------------------------------------------------------------------


def build():
    l1, l2 = base_layer(), app_layer()
    # small layers for the archives, so that the corpus stays small
    tiny_base = tar([{"name": "etc/passwd", "data": PASSWD},
                     {"name": "etc/os-release", "data": OS_DEBIAN}])
    tiny_app = tar([{"name": "app/.env", "data": ENV}, {"name": "etc/.wh.passwd", "data": b""}])
    cfg_legacy = js(config([sha256(l1), sha256(tiny_app), sha256(l1)]))
    cfg = js(config([sha256(l1), sha256(l2), sha256(l1)]))
    cfg2 = js(config([sha256(l1), sha256(l2)]))
    oci_man = image_manifest(MT_OCI_MANIFEST, MT_OCI_CONFIG, cfg2,
                             [(MT_OCI_LAYER_GZ, gz(l1)), (MT_OCI_LAYER_GZ, gz(l2))],
                             {"org.opencontainers.image.base.name": "docker.io/library/alpine"})
    docker_man = image_manifest(MT_DOCKER_MANIFEST, MT_DOCKER_CONFIG, cfg2,
                                [(MT_DOCKER_LAYER_GZ, gz(l1)), (MT_DOCKER_LAYER_GZ, gz(l2))])
    docker_list = {"schemaVersion": 2, "mediaType": MT_DOCKER_LIST, "manifests": [
        descriptor(MT_DOCKER_MANIFEST, js(docker_man),
                   platform={"architecture": "amd64", "os": "linux"}),
        descriptor(MT_DOCKER_MANIFEST, b"arm/v7",
                   platform={"architecture": "arm", "os": "linux", "variant": "v7"}),
        descriptor(MT_DOCKER_MANIFEST, b"windows",
                   platform={"architecture": "amd64", "os": "windows",
                             "os.version": "10.0.17763.5122"}),
    ]}
    oci_layout_index = {"schemaVersion": 2, "manifests": [
        descriptor(MT_OCI_MANIFEST, js(oci_man),
                   annotations={"org.opencontainers.image.ref.name": "1.0"}),
        descriptor(MT_OCI_MANIFEST, js(docker_man),
                   annotations={"org.opencontainers.image.ref.name": "latest"}),
    ]}
    schema1 = {"schemaVersion": 1, "name": "library/app", "tag": "1.0", "architecture": "amd64",
               "fsLayers": [{"blobSum": sha256(l1)}], "history": [{"v1Compatibility": "{}"}]}

    z_raw = zstd_raw_frame(l1) + zstd_skippable(b"layerscan seed")
    z_cli = zstd_cli(l2)
    tar_gnu_longname = "usr/share/" + "/".join(["deeply-nested-directory"] * 6) + "/file.txt"

    corpus = {
        "manifest": {
            "oci_manifest.json": js_pretty(oci_man),
            "docker_manifest.json": js_pretty(docker_man),
            "oci_index_platforms_attestation.json": js_pretty(oci_index_doc(js(oci_man))),
            "docker_manifest_list.json": js(docker_list),
            "oci_layout_index_tags.json": js(oci_layout_index),
            "schema1.json": js(schema1),
        },
        "config": {
            "config_history.json": js(config([sha256(l1), sha256(l2)])),
            "config_root_no_history.json": js(config([sha256(l1)], user="", with_history=False)),
        },
        "save_manifest": {
            "manifest.json": js([{"Config": hexof(cfg) + ".json",
                                  "RepoTags": ["example.com/app:1.0", "app:latest"],
                                  "Layers": [hexof(l1) + "/layer.tar", hexof(l2) + "/layer.tar"]}]),
            "manifest_two_images_untagged.json": js([
                {"Config": "blobs/sha256/" + hexof(cfg), "RepoTags": None,
                 "Layers": ["blobs/sha256/" + hexof(l1)]},
                {"Config": "blobs/sha256/" + hexof(cfg2), "RepoTags": ["b:1"], "Layers": []}]),
        },
        "tar": {
            "ustar.tar": tar([
                {"name": "a", "dir": True},
                {"name": "a/file", "data": b"hello\n"},
                {"name": "a/link", "symlink": "file"},
                {"name": "a/hard", "hardlink": "a/file"},
                {"name": "a/null", "chr": (1, 3)},
                {"name": "a/fifo", "fifo": True},
                {"name": "./b/../c/./d", "data": b""},
            ], fmt=tarfile.USTAR_FORMAT),
            "pax_long_names_xattrs.tar": tar([
                {"name": "p/" + "x" * 150 + "/file", "data": b"long path\n"},
                {"name": "p/link", "symlink": "/" + "y" * 120},
                {"name": "p/caf\u00e9-\u65e5\u672c.txt", "data": b"utf-8\n", "uid": 1 << 24,
                 "gid": 3000000000, "uname": "nobody", "gname": "nogroup"},
                {"name": "p/attrs", "data": b"x", "pax": {
                    "SCHILY.xattr.user.comment": "hello",
                    "SCHILY.xattr.security.selinux": "system_u:object_r:bin_t:s0",
                    "LIBARCHIVE.xattr.user.b64": "aGVsbG8="}},
                {"name": "p/mtime", "data": b"", "pax": {"mtime": "1700000000.123456789",
                                                        "comment": "layerscan"}},
            ], fmt=tarfile.PAX_FORMAT),
            "gnu_longname.tar": tar([
                {"name": tar_gnu_longname, "data": b"gnu long name\n"},
                {"name": "g/link", "symlink": "../" + "z" * 110},
                {"name": "g/hard", "hardlink": tar_gnu_longname},
            ], fmt=tarfile.GNU_FORMAT),
        },
        "layer": {
            "base.tar": l1,
            "app.tar.gz": gz(l2),
            "credentials.tar": credentials_layer(),
            "base_two_gzip_members.tar.gz": gz(l1[:4096]) + gz(l1[4096:]),
            "base_raw_rle_skippable.tar.zst": z_raw,
        },
        "archive": {
            "docker_save_legacy.tar": docker_legacy_archive(l1, tiny_app, cfg_legacy),
            "docker_save_legacy.tar.gz": gz(docker_legacy_archive(l1, tiny_app, cfg_legacy)),
            "docker25_save.tar": docker25_archive(tiny_base, tiny_app),
            "oci_archive_nested_index.tar": oci_archive(l1, l2),
            "oci_archive_zstd.tar": oci_zstd_archive(tiny_base, zstd_raw_frame(tiny_base)),
        },
        "secrets": {
            # the first byte picks the mode of fuzz_secrets: even is text, odd is binary
            "text_tokens.txt": b"0" + secrets_text(),
            "binary_with_tokens.bin": b"1" + fill("bin", 200) + secrets_text()[:400]
            + fill("bin2", 100),
        },
        # the first byte picks the mode of fuzz_registry_text: even a reference, odd a challenge
        "registry_text": {
            "ref_hub": b"0alpine",
            "ref_full": b"0docker://127.0.0.1:5000/team/app:1.4@sha256:" + b"a" * 64,
            "ref_ipv6": b"0[::1]:5000/library/app@sha256:" + b"0123456789abcdef" * 4,
            "ref_ghcr": b"0ghcr.io/org/sub/app:v1.2.3-rc_1",
            "challenge_bearer": b'1Bearer realm="https://auth.docker.io/token",'
                                b'service="registry.docker.io",scope="repository:library/alpine:pull"',
            "challenge_quoted": b'1Bearer realm="https://a/t?x=1,2",error="invalid_token",'
                                b'scope="repository:a:pull,push" , service=reg',
            "challenge_basic": b'1Basic realm="Registry Realm", Bearer realm="https://x/token"',
        },
        "osrelease": {
            "alpine": OS_ALPINE,
            "debian": OS_DEBIAN,
            "quoting_crlf": (b"# comment\r\n  ID='ubuntu'\r\nVERSION_ID=\"22.04\"\r\n"
                             b'PRETTY_NAME="Ubuntu \\"Jammy\\" \\\\ 22.04 LTS"\r\n'
                             b"ID_LIKE=debian\r\nNAME=Ubuntu"),
        },
    }
    corpus["overlay"] = overlay_seeds()
    corpus["strmap"] = strmap_seeds()
    corpus["keys"] = keys_seeds()
    if z_cli is not None:
        corpus["layer"]["app.tar.zst"] = z_cli
    corpus["secrets"].update(secret_rule_seeds())
    return corpus


# Throwaway keys (openssl 3, ssh-keygen, gpg), the same as tests/unit/test_keys.c's.
KEY_EC_SEC1 = (b"-----BEGIN EC PRIVATE KEY-----\n"
               b"MHcCAQEEIGMFW6HOLK/zMzdmqJTMLu2ML51u26YO7XRwFLhPxBgOoAoGCCqGSM49\n"
               b"AwEHoUQDQgAEzmowsOuDPSAFPwZTQiLyx2e4iqC39382i70HVIn2QAGutgufYIdu\n"
               b"5S4S5S6veebE+UMjtBUurKZOushrtR6wiw==\n"
               b"-----END EC PRIVATE KEY-----\n")
KEY_ED25519_PKCS8 = (b"-----BEGIN PRIVATE KEY-----\n"
                     b"MC4CAQAwBQYDK2VwBCIEIDt5FAf8t8btD7WvrkRusXxMq91rNR34zBJZVeyXDMlm\n"
                     b"-----END PRIVATE KEY-----\n")
KEY_EC_LEGACY = (b"-----BEGIN EC PRIVATE KEY-----\n"
                 b"Proc-Type: 4,ENCRYPTED\n"
                 b"DEK-Info: AES-128-CBC,40412034BFA28655B3B1A2010D8D702C\n"
                 b"\n"
                 b"XJzr+3KqAyJ1czmwVEUMMr3H5to0Rzah9+RTbAEGDErLUwha06Ftcg09yAYrd2pC\n"
                 b"qcnlMMwjImIGgqr8tILmh2M1upmSX+kojOQ5rcsEOUgl2dDmV6vi/oAwayROGYWZ\n"
                 b"zJHrePpoiFth2gMY3llrOIMMdeawv6cYzmDJ6AMF3QU=\n"
                 b"-----END EC PRIVATE KEY-----\n")
KEY_OPENSSH = (b"-----BEGIN OPENSSH PRIVATE KEY-----\n"
               b"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
               b"QyNTUxOQAAACD0lWwAIJoh2nf8xU5jPc4glPoo6jMKz49zN8it0f3/kgAAAIjBzR87wc0f\n"
               b"OwAAAAtzc2gtZWQyNTUxOQAAACD0lWwAIJoh2nf8xU5jPc4glPoo6jMKz49zN8it0f3/kg\n"
               b"AAAEB86xFZVEhg64IfDjfndpatZXVLUm/fkEV8wDa4d+UU3fSVbAAgmiHad/zFTmM9ziCU\n"
               b"+ijqMwrPj3M3yK3R/f+SAAAAAXQBAgME\n"
               b"-----END OPENSSH PRIVATE KEY-----\n")
KEY_OPENSSH_CHACHA = (b"-----BEGIN OPENSSH PRIVATE KEY-----\n"
                      b"b3BlbnNzaC1rZXktdjEAAAAAHWNoYWNoYTIwLXBvbHkxMzA1QG9wZW5zc2guY29tAAAABm\n"
                      b"JjcnlwdAAAABgAAAAQYvWNB7l64yo7wPVB6d1T8gAAABAAAAABAAAAMwAAAAtzc2gtZWQy\n"
                      b"NTUxOQAAACBv7pvaum4nszjURTJjiV2J7ZqsQyTlvYz56qofWMW3/gAAAIhUAWFeARFg32\n"
                      b"4y/TWSCu/qeFqKZKWZSCQWVspIvmb4Tz8WlbZBM4fmUFixmw2+8bxcxzj7ryHfLtL71T3h\n"
                      b"nWBmCUIjrLYAWU8XXmlyOJw49WSN2eLWOw6fjRhcPW2a+b/zIqOtnem3cEv/Im/zZGd/8u\n"
                      b"IFBd7ms3kZsAAAFtTVk/AMV6I3pQXG3baJ5ty5kpt/kZ209DGAbQ==\n"
                      b"-----END OPENSSH PRIVATE KEY-----\n")
KEY_PGP = (b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
           b"\n"
           b"lFgEaxMuGBYJKwYBBAHaRw8BAQdAE6g6qvy7ObnxEuZYF3M1HtYQq85U4Vx1y2oN\n"
           b"ZS3ifvQAAQDArui5OH6JpvYtUgjd1Hl8SL4LsIScuygSe/Gj0vPPvBJNtBVUIDx0\n"
           b"QGV4YW1wbGUuaW52YWxpZD6IkAQTFggAOBYhBFeFfHcP2vSQw/C226Lts70gwq1/\n"
           b"BQJrEy4YAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEKLts70gwq1/d2wB\n"
           b"AK1T2JX+k0068Nb9/dD0cQ6P+I7ENARF40rKA2y5k0BnAP9ObAWb1ZyievWbkmFs\n"
           b"u2v3NDao3Nt9XVkCqGMzKxtKCA==\n"
           b"=aptU\n"
           b"-----END PGP PRIVATE KEY BLOCK-----\n")
KEY_PUTTY = (b"PuTTY-User-Key-File-3: ssh-ed25519\n"
             b"Encryption: none\n"
             b"Comment: build@ci\n"
             b"Public-Lines: 2\n"
             b"AAAAC3NzaC1lZDI1NTE5AAAAIPSVbAAgmiHad/zFTmM9ziCU+ijqMwrPj3M3yK3R\n"
             b"/f+S\n"
             b"Private-Lines: 1\n"
             b"AAAAIHzrEVlUSGDrgh8ON+d2lq1ldUtSb9+QRXzANrh35RTd\n"
             b"Private-MAC: 3f1c9a0d5e7b2468ace13579bdf02468ace13579bdf02468ace13579bdf02468\n")
KEY_AGE = b"AGE-SECRET-KEY-1Z0TLNJAU2E2CX23YQNCFQXSUREZR6NP7T0ZHENCG7HZ2VQ252MWQEMLEF6"


def keys_seeds():
    """fuzz_keys: every container the parser reads, in the forms a file holds them."""
    def escaped(b):
        return b.replace(b"\n", b"\\n")
    return {
        "ec_sec1.pem": KEY_EC_SEC1,
        "ed25519_pkcs8.pem": KEY_ED25519_PKCS8,
        "ec_legacy_encrypted.pem": KEY_EC_LEGACY,
        "openssh.pem": KEY_OPENSSH,
        "openssh_chacha20.pem": KEY_OPENSSH_CHACHA,
        "pgp.asc": KEY_PGP,
        "putty3.ppk": KEY_PUTTY,
        "putty2_encrypted.ppk": KEY_PUTTY.replace(b"File-3", b"File-2")
        .replace(b"Encryption: none", b"Encryption: aes256-cbc")
        .replace(b"Rh35RTd\n", b"Rh35RTdAAAAAAAAAAAAAAAA\n")
        .replace(b"3f1c9a0d5e7b2468ace13579bdf02468ace13579bdf02468ace13579bdf02468",
                 b"0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"),
        "age.txt": KEY_AGE + b"\n",
        "bundle_crlf.txt": (b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                            + KEY_EC_SEC1 + KEY_OPENSSH + KEY_PUTTY).replace(b"\n", b"\r\n"),
        "env_escaped.txt": b'TLS_KEY="' + escaped(KEY_EC_LEGACY) + b'"\nSSH_KEY="'
        + escaped(KEY_OPENSSH) + b'"\n',
        "yaml_indented.yaml": b"tls:\n  key: |\n" + b"".join(
            b"    " + ln + b"\n" for ln in KEY_PGP.splitlines()),
        "cut_and_placeholders.txt": KEY_OPENSSH[:200] + b"\n-----END OPENSSH PRIVATE KEY-----\n"
        b"-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n"
        b"-----BEGIN PRIVATE KEY-----\n<your key>\n-----END PRIVATE KEY-----\n",
    }


def overlay_seeds():
    """fuzz_overlay: lines '<layer><type><path>[TAB<link>]' (see the target's comment)."""
    return {
        "whiteouts": b"0f/app/.env\n0d/app\n0f/app/keep\n1f/app/.wh..env\n2f/app/.env\n",
        "opaque_root_links": b"0d/c\n0f/c/a\n0f/c/b\n0h/c/aL\t/c/a\n0h/x/bL\tc/b\n"
                             b"1f/.wh..wh..opq\n1f/x/bL\n",
        "opaque_dir": b"0d/srv\n0f/srv/.env\n1d/srv\n1f/srv/.wh..wh..opq\n1f/srv/new\n",
        "symlinks": b"0f/usr/lib/os-release\n0s/etc/os-release\t../usr/lib/os-release\n"
                    b"0s/loop\t/loop\n1s/a\tb\n1s/b\ta\n2s/usr\t/opt\n",
        "parent_replaced": b"0d/opt/app\n0f/opt/app/secret\n1f/opt\n2d/opt\n2f/opt/app/secret\n",
        "overwrite_in_layer": b"0f/a\n0d/a\n0f/a\n0h/b\t/a\n0f/b\n3c/dev/x\n",
        "deep": b"0d/" + b"/".join(b"d%d" % i for i in range(200)) + b"\n0f/" +
                b"/".join(b"d%d" % i for i in range(200)) + b"/f\n1f/d0/d1/d2/.wh.d3\n",
        "aufs": b"0f/.wh..wh.plnk\n0f/.wh..wh.aufs\n0f/x/.wh.\n0f//a//b/./c\n",
        # found by fuzz_overlay: an entry at "/" under a root opaque marker in a later layer
        "root_entry": b"0f/c/b\n0f/\n1f/.wh..wh..opq\n1f/x\n",
    }


def strmap_seeds():
    """fuzz_strmap: lines '<op><key>' (g insert, l look up, v value, n prefix, k key copy)."""
    many = b"".join(b"g/usr/lib/lib%d.so\n" % i for i in range(310))
    return {
        "basic": b"g/etc/passwd\ng/etc/shadow\nl/etc/passwd\nv/etc/shadow\nk/etc/passwd\n"
                 b"l/etc/group\nn\x05/etc/passwd\ng/etc/passwd\n",
        "bound": many + b"l/usr/lib/lib0.so\nv/usr/lib/lib309.so\n",
        "empty_and_prefixes": b"g\ng/\ng//\nn\x02//\nl\nk/\n",
    }


RULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "lib",
                         "secrets", "rules")


def secret_rules():
    """The secret engine's rules (src/lib/secrets/rules/*.toml, through gen_rules.load_rules).
    A missing rules directory is an error: a corpus without the rules' seeds would fuzz less
    without saying so."""
    sys.path.insert(0, RULES_DIR)
    import gen_rules
    rules = gen_rules.load_rules(RULES_DIR)
    if not rules:
        raise SystemExit(f"make_corpus.py: no secret rules under {RULES_DIR}")
    return rules


def secret_rule_seeds():
    """The first positive example of every secret rule, a few dozen rules per seed (text mode),
    and those of the binary rules between non-text bytes (binary mode)."""
    rules = secret_rules()
    seeds = {}
    per = 45
    for start in range(0, len(rules), per):
        lines = [r["positive"][0] for r in rules[start:start + per] if r.get("positive")]
        seeds[f"rule_positives_{start // per}.txt"] = b"0" + "\n".join(lines).encode() + b"\n"
    binary = [r["positive"][0].encode() for r in rules if r.get("binary") and r.get("positive")]
    if binary:
        seeds["rule_positives_binary.bin"] = b"1" + fill("pad", 64).join(binary)
    return seeds


def secrets_dict():
    """A libFuzzer dictionary of every secret rule's keywords."""
    kws = sorted({k for r in secret_rules() for k in r.get("keywords", [])})
    if not kws:
        return None
    out = ["# the secret rules' keywords, by make_corpus.py from src/lib/secrets/rules/*.toml"]
    for k in kws:
        esc = "".join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else
                      ("\\" + c if c in '"\\' else "".join(f"\\x{b:02x}" for b in c.encode()))
                      for c in k)
        out.append(f'"{esc}"')
    return ("\n".join(out) + "\n").encode()


def encoded_seeds():
    """fuzz_encoded: the encoded values the decoder reads (lib/secrets/encoded.h), in fresh
    random values, and their near misses."""
    def b(x):
        return base64.b64encode(x)
    auth = b(b"deploy:Qm7vT2pLx9Kz4RwY")
    dcj = b(b'{"auths":{"r.acme.example":{"auth":"' + auth + b'"}}}')
    return {
        "k8s_secret.yaml": (b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n"
                            b"  username: " + b(b"app") + b"\n  password: " + b(b"x7Gq2LpV9sKd4RmW1tZe") +
                            b"\n  empty: \"\"\nstringData:\n  note: plain\n"),
        "k8s_pull_secret.yaml": (b"apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\n"
                                 b"data:\n  .dockerconfigjson: " + dcj + b"\n"),
        "k8s_secret.json": (b'{"apiVersion": "v1", "kind": "Secret",\n "data": {\n'
                            b'  "token": "' + b(b"Qm7vT2pLx9Kz4RwY") + b'",\n  "tls.key": "' +
                            b(b"-----BEGIN PRIVATE KEY-----\nMC4CAQAw\n-----END PRIVATE KEY-----\n") +
                            b'"\n }\n}\n'),
        "docker_config.json": b'{"auths":{"a.example":{"auth":"' + auth + b'"},"b.example":{"auth":"Y2k6"}}}',
        "dockercfg": b'{"r.example":{"auth":"' + auth + b'","email":"ci@acme.example"}}',
        "assignments.env": (b"API_TOKEN=" + b(b"Qm7vT2pLx9Kz4RwY") + b"\nDB_PASSWORD='" +
                            b(b(b"x7Gq2LpV9sKd4RmW1tZe")) + b"'\nBAD_SECRET=YWJj_GVm\nodd_auth: YWJjZGVmZ2g\n"),
        "configmap.yaml": b"kind: ConfigMap\ndata:\n  banner: " + b(b"welcome 123") + b"\n",
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "corpus"))
    args = ap.parse_args()
    corpus = build()
    corpus["encoded"] = encoded_seeds()
    total = 0
    for target, files in sorted(corpus.items()):
        d = os.path.join(args.out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in sorted(files.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            total += len(data)
    print(f"{args.out}: {sum(len(f) for f in corpus.values())} seeds, {total} bytes",
          file=sys.stderr)
    sd = secrets_dict()
    if sd is not None:
        with open(os.path.join(here, "secrets.dict"), "wb") as f:
            f.write(sd)

if __name__ == "__main__":
    main()
