#!/usr/bin/env python3
"""End-to-end recall/precision evaluation of layerscan's secret detector.

Builds a synthetic five-layer image from a seed. Tokens of 130 real provider formats are generated
at run time (GitHub/npm CRC32 checksums, PyPI macaroons with their HMAC chain, JWTs signed with
HMAC, bech32 age keys; PEM, OpenSSH, PGP and PuTTY keys made by openssl, ssh-keygen, gpg and
puttygen) and planted in varied files: .env, YAML, docker-compose, JSON, TOML, INI, Java
properties, Python, JS, Go, PHP, Ruby, HCL, shell, Dockerfile, batch, XML, HTML, CSV, Markdown,
.npmrc, .pypirc, .netrc, docker config.json, .git-credentials, ~/.aws/credentials, maven
settings.xml, a GCP service-account JSON, Kubernetes and ECS manifests, mounted secret files, CRLF
and BOM files, files without a final newline, long and non-ASCII paths, a 200 KB minified line, a
log of 20 000-50 000 lines, a 1.3 MiB file (one secret across the 1 MiB mark), a binary. Some
files are deleted by a whiteout, hidden by an opaque directory or overwritten by a later layer;
more secrets go to config fields (Env, Labels, history created_by with BuildKit build args, an
empty-layer ENV) and manifest annotations. Layers are gzip, zstd or uncompressed at random.

The image is packed with tests/tools/lspack.py (OCI layout and docker-archive by default), scanned
with `layerscan scan -f json --show-secrets`, and every planted secret is matched to a finding:
rule (any id of an allowed set per format), location.source, layer_index, path, line (1-based
line of the secret's first byte; null for config sources), in_final_image and the matched text
(`match` must contain the planted value). A `secret` finding at no planted place is an extra: the
filler (prose, code, config, logs) holds no secret.

    secrets_eval.py --layerscan build/layerscan [--seed N] [--seeds K] [--keep DIR] [-v]
                    [--formats oci,docker-archive,oci-archive,docker-archive-v25,...]

A planted secret counts as found when it is found at the right place in every image format it is
planted in (annotations exist in the OCI formats only). Exit 0 when recall >= 0.95, every
config-field secret and every secret in a deleted, overwritten or opaque-hidden file is found,
there is no extra finding and the report keeps the contract (CONTRACT.md); 1 otherwise; 77 when
openssl is missing. The last line is the summary:

    secrets_eval: seed S: 183/183 found (100.0%), 0 wrong location, 0 extra

Tokens and their places are reproducible from the seed, except the private keys made by the
external tools, which are new on every run.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import lspack  # noqa: E402

DEFAULT_SEED = 20261123
RECALL_MIN = 0.95
IMAGE_FORMATS = ("oci", "docker-archive")
OCI_FORMATS = ("oci", "oci-archive")  # the ones that carry manifest annotations
TRANSPORT = {"oci": "oci", "oci-archive": "oci-archive", "docker-archive": "docker-archive",
             "docker-archive-v25": "docker-archive", "docker-archive-skopeo": "docker-archive"}
CREATED = "2026-10-01T12:00:00Z"

DIGITS = string.digits
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
ALNUM = UPPER + LOWER + DIGITS
B62 = DIGITS + UPPER + LOWER
HEX = "0123456789abcdef"
B32 = UPPER + "234567"
B64 = UPPER + LOWER + DIGITS + "+/"
B64URL = UPPER + LOWER + DIGITS + "-_"
UPALNUM = UPPER + DIGITS
LOWALNUM = LOWER + DIGITS
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

SEVERITIES = ("critical", "high", "medium", "low", "info")
CATEGORIES = ("secret", "sensitive-file", "user", "stale-base", "config", "permissions")
CONFIG_SOURCES = ("config.env", "config.labels", "config.history", "annotations")


class Skip(Exception):
    pass


# ====================================================================== encodings and checksums

def b62_6(n):
    s = ""
    while n:
        s, n = B62[n % 62] + s, n // 62
    return s.rjust(6, "0")


def b36(n, width):
    a = DIGITS + LOWER
    s = ""
    while n:
        s, n = a[n % 36] + s, n // 36
    return s.rjust(width, "0")


def b64(b):
    return base64.b64encode(b).decode()


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def bech32_polymod(values):
    gen = (0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1ffffff) << 5) ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def bech32_encode(hrp, data8):
    acc = bits = 0
    data = []
    for byte in data8:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = bech32_polymod(exp + data + [0] * 6) ^ 1
    chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + chk)


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mac_field(t, data):
    return varint(t) + varint(len(data)) + data


# ====================================================================== tokens

class Token:
    """One secret value in one provider format.

    rules: rule ids that may report it; names: variable names people store it under;
    named: the rule needs the name right before the value (context rules);
    usage: which code forms fit it (bearer, dburl, hook, plain); section: (parent, key) for a
    one-level nesting (datadog: / api_key:); needles: strings the finding's `match` must all
    contain; anchor: a unique string starting at the secret's first byte, or a function of the
    file text giving that offset; block: a multi-line value with its own container."""

    def __init__(self, fmt, value, rules, names, usage="plain", named=False, section=None,
                 needles=None, anchor=None, block=False, binary=False):
        self.fmt = fmt
        self.value = value
        self.rules = set(rules)
        self.names = list(names)
        self.usage = usage
        self.named = named
        self.section = section
        self.needles = needles or [value]
        self.anchor = value if anchor is None else anchor
        self.block = block
        self.binary = binary

    def locate(self, text):
        if callable(self.anchor):
            return self.anchor(text)
        i = text.find(self.anchor)
        if i >= 0 and text.find(self.anchor, i + 1) >= 0:
            raise RuntimeError(f"{self.fmt}: anchor is not unique in its file")
        return i


def block_anchor(first_body):
    """Secret starts at the -----BEGIN line before the (random, unique) first body line."""
    def f(text):
        i = text.find(first_body)
        return text.rfind("-----BEGIN", 0, i) if i >= 0 else -1
    return f


def pem_lines(pem):
    return [ln for ln in pem.strip().splitlines() if ln.strip()]


FORMATS = []  # (format name, Gen method name, kind) in report order


def fmt(name, kind="line"):
    """kind: line (a one-line value), file (needs its own container), block (multi-line)."""
    def deco(f):
        FORMATS.append((name, f.__name__, kind))
        return f
    return deco


class Gen:
    def __init__(self, rng, work, notes):
        self.rng = rng
        self.work = work
        self.notes = notes
        self.n = 0

    # ---- helpers

    def s(self, alphabet, n):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def bytes(self, n):
        return self.rng.randbytes(n)

    def uuid4(self):
        return str(uuid.UUID(bytes=self.bytes(16), version=4))

    def digits(self, lo, hi):
        n = self.rng.randint(lo, hi)
        return str(self.rng.randint(1, 9)) + self.s(DIGITS, n - 1)

    def password(self, lo=14, hi=24, symbols="!@#%^*+=?~_.-"):
        """A password as a generator or a person with a password manager makes it."""
        bad = ("example", "changeme", "changeit", "placeholder", "dummy", "sample", "redacted",
               "xxxx", "replace", "insert", "your", "passw", "secret", "token", "test", "fake")
        while True:
            n = self.rng.randint(lo, hi)
            p = self.s(ALNUM, 1) + "".join(
                self.rng.choice(ALNUM + symbols) if self.rng.random() < 0.85 or not symbols
                else self.rng.choice(symbols) for _ in range(n - 1))
            if (any(c in LOWER for c in p) and any(c in UPPER for c in p)
                    and any(c in DIGITS for c in p) and not any(w in p.lower() for w in bad)):
                return p

    def tmpfile(self, name):
        self.n += 1
        return os.path.join(self.work, f"{self.n}-{name}")

    def run(self, cmd, **kw):
        return subprocess.run(cmd, check=True, capture_output=True, timeout=60, **kw).stdout

    def openssl(self, *args, inp=None):
        return self.run(["openssl", *args], input=inp).decode()

    def gh(self, prefix):
        body = self.s(B62, 30)
        return prefix + body + b62_6(zlib.crc32(body.encode()))

    def host(self):
        return self.rng.choice(["db.internal.acme-corp.net", "10.20.3.14",
                                "orders-db.c9akciq32xyz.eu-west-1.rds.amazonaws.com",
                                "pg-main.prod.acme-corp.net", "billing-db.svc.cluster.local"])

    # ---- cloud

    @fmt("aws-access-key-id")
    def f_aws_key_id(self):
        return Token("aws-access-key-id", "AKIA" + self.s(B32, 16), ["aws-access-key-id"],
                     ["AWS_ACCESS_KEY_ID"], binary=True)

    def aws_asia(self):
        return Token("aws-access-key-id", "ASIA" + self.s(B32, 16), ["aws-access-key-id"],
                     ["AWS_ACCESS_KEY_ID"], binary=True)

    @fmt("aws-secret-access-key")
    def f_aws_secret(self):
        return Token("aws-secret-access-key", self.s(B64, 40), ["aws-secret-access-key"],
                     ["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"], named=True)

    @fmt("aws-session-token")
    def f_aws_session(self):
        # STS tokens are base64 of a protobuf; they start "IQoJb3JpZ2luX2Vj" ("\x21\n\torigin_ec")
        v = "IQoJb3JpZ2luX2Vj" + b64(self.bytes(3 * self.rng.randint(120, 220)))
        return Token("aws-session-token", v, ["aws-session-token"], ["AWS_SESSION_TOKEN"],
                     named=True)

    @fmt("gcp-api-key")
    def f_gcp_api(self):
        return Token("gcp-api-key", "AIzaSy" + self.s(ALNUM + "-_", 33), ["gcp-api-key"],
                     ["GOOGLE_API_KEY", "FIREBASE_API_KEY", "GEMINI_API_KEY", "MAPS_API_KEY"],
                     usage="bearer")

    @fmt("gcp-oauth-client-secret")
    def f_gcp_oauth(self):
        return Token("gcp-oauth-client-secret", "GOCSPX-" + self.s(ALNUM + "-_", 28),
                     ["gcp-oauth-client-secret"], ["GOOGLE_CLIENT_SECRET", "GOOGLE_OAUTH_SECRET"])

    @fmt("gcp-service-account-key", "file")
    def f_gcp_sa(self):
        pem = self.openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
        proj = self.rng.choice(["acme-prod", "acme-data", "billing", "ml-platform"]) + "-" + \
            self.digits(4, 6)
        sa = self.rng.choice(["deployer", "ci-runner", "bq-loader", "gcs-sync"])
        doc = {"type": "service_account", "project_id": proj,
               "private_key_id": self.s(HEX, 40), "private_key": pem,
               "client_email": f"{sa}@{proj}.iam.gserviceaccount.com",
               "client_id": self.digits(21, 21),
               "auth_uri": "https://accounts.google.com/o/oauth2/auth",
               "token_uri": "https://oauth2.googleapis.com/token",
               "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
               "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                       f"{sa}%40{proj}.iam.gserviceaccount.com",
               "universe_domain": "googleapis.com"}
        lines = pem_lines(pem)
        return Token("gcp-service-account-key", json.dumps(doc, indent=2) + "\n",
                     ["gcp-service-account-key"], [], needles=lines,
                     anchor=block_anchor(lines[1]), block=True)

    @fmt("azure-storage-account-key")
    def f_azure_storage(self):
        key = b64(self.bytes(64))
        acct = self.rng.choice(["acmeprodlogs", "acmeexports", "ordersblob"]) + self.s(DIGITS, 2)
        v = (f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={key};"
             "EndpointSuffix=core.windows.net")
        return Token("azure-storage-account-key", v, ["azure-storage-account-key"],
                     ["AZURE_STORAGE_CONNECTION_STRING", "STORAGE_CONNECTION"], needles=[key],
                     anchor=key)

    @fmt("azure-connection-string-key")
    def f_azure_sb(self):
        key = b64(self.bytes(32))
        ns = self.rng.choice(["acme-orders", "acme-events", "billing-bus"])
        v = (f"Endpoint=sb://{ns}.servicebus.windows.net/;SharedAccessKeyName="
             f"RootManageSharedAccessKey;SharedAccessKey={key}")
        return Token("azure-connection-string-key", v, ["azure-connection-string-key"],
                     ["SERVICEBUS_CONNECTION_STRING", "AZURE_SERVICEBUS_CONNECTION"],
                     needles=[key], anchor=key)

    @fmt("azure-ad-client-secret")
    def f_azure_ad(self):
        v = self.s(ALNUM + "_~.", 3) + self.s(DIGITS, 1) + "Q~" + self.s(ALNUM + "_~.-", 34)
        while v[-1] in ".-~":  # a trailing '.' reads as punctuation in prose; keep it a token
            v = v[:-1] + self.s(ALNUM, 1)
        return Token("azure-ad-client-secret", v, ["azure-ad-client-secret"],
                     ["AZURE_CLIENT_SECRET", "AAD_CLIENT_SECRET"])

    @fmt("alibaba-access-key-id")
    def f_alibaba(self):
        return Token("alibaba-access-key-id", "LTAI5t" + self.s(ALNUM, 18),
                     ["alibaba-access-key-id"], ["ALIBABA_CLOUD_ACCESS_KEY_ID"])

    # ---- source hosting, registries, CI

    @fmt("github-pat")
    def f_ghp(self):
        return Token("github-pat", self.gh("ghp_"), ["github-pat"],
                     ["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"], usage="bearer", binary=True)

    @fmt("github-oauth-token")
    def f_gho(self):
        return Token("github-oauth-token", self.gh("gho_"), ["github-oauth-token"],
                     ["GH_OAUTH_TOKEN", "GITHUB_OAUTH_TOKEN"], usage="bearer", binary=True)

    @fmt("github-user-to-server-token")
    def f_ghu(self):
        return Token("github-user-to-server-token", self.gh("ghu_"),
                     ["github-user-to-server-token"], ["GH_USER_TOKEN"], usage="bearer",
                     binary=True)

    @fmt("github-app-installation-token")
    def f_ghs(self):
        return Token("github-app-installation-token", self.gh("ghs_"),
                     ["github-app-installation-token"],
                     ["GITHUB_APP_TOKEN", "GH_INSTALLATION_TOKEN"], usage="bearer", binary=True)

    @fmt("github-fine-grained-pat")
    def f_github_pat(self):
        v = "github_pat_11" + self.s(UPALNUM, 9) + self.s(ALNUM, 11) + "_" + self.s(ALNUM, 59)
        return Token("github-fine-grained-pat", v, ["github-fine-grained-pat"],
                     ["GH_TOKEN", "GITHUB_PAT"], usage="bearer")

    @fmt("gitlab-pat")
    def f_glpat(self):
        if self.rng.random() < 0.5:
            v = "glpat-" + self.s(ALNUM + "-_", 20)
        else:  # routable token (GitLab 17.x): payload, version, base36 CRC32
            payload = b64url(self.bytes(20) + b"\nc:1\no:" + self.digits(6, 8).encode() +
                             b"\nu:" + self.s(LOWALNUM, 4).encode())
            body = "glpat-" + payload + "." + b36(len(payload), 2)
            v = body + b36(zlib.crc32(body.encode()), 7)
        return Token("gitlab-pat", v, ["gitlab-pat"], ["GITLAB_TOKEN", "GL_TOKEN",
                                                       "CI_PUSH_TOKEN"], usage="bearer")

    @fmt("gitlab-deploy-token")
    def f_gldt(self):
        return Token("gitlab-deploy-token", "gldt-" + self.s(ALNUM + "-_", 20),
                     ["gitlab-deploy-token"], ["CI_DEPLOY_PASSWORD", "GITLAB_DEPLOY_TOKEN"])

    @fmt("bitbucket-app-password")
    def f_atbb(self):
        return Token("bitbucket-app-password", "ATBB" + self.s(ALNUM, 24) +
                     "%08X" % self.rng.getrandbits(32), ["bitbucket-app-password"],
                     ["BITBUCKET_APP_PASSWORD"])

    @fmt("atlassian-api-token")
    def f_atatt(self):
        body = "ATATT3xFfGF0" + self.s(ALNUM + "-_", 170)
        return Token("atlassian-api-token", body + "=" + "%08X" % zlib.crc32(body.encode()),
                     ["atlassian-api-token"], ["JIRA_API_TOKEN", "CONFLUENCE_API_TOKEN"],
                     usage="bearer")

    @fmt("npm-access-token")
    def f_npm(self):
        return Token("npm-access-token", self.gh("npm_"), ["npm-access-token"],
                     ["NPM_TOKEN", "NODE_AUTH_TOKEN"], usage="bearer", binary=True)

    @fmt("pypi-upload-token")
    def f_pypi(self):
        key = self.bytes(32)
        ident = self.uuid4().encode()
        kind = self.rng.randrange(3)
        if kind == 0:
            cav = [b'{"version": 1, "permissions": "user"}']
        elif kind == 1:
            proj = self.rng.choice(["acme-tools", "acme-sdk", "orders-client"])
            cav = [json.dumps({"version": 1, "permissions": {"projects": [proj]}}).encode()]
        else:
            cav = [json.dumps([1, [self.rng.choice(["acme-tools", "acme-sdk"])]],
                              separators=(",", ":")).encode(),
                   json.dumps([2, [self.uuid4()]], separators=(",", ":")).encode()]
        sig = hmac.new(hmac.new(b"macaroons-key-generator", key, hashlib.sha256).digest(),
                       ident, hashlib.sha256).digest()
        for c in cav:
            sig = hmac.new(sig, c, hashlib.sha256).digest()
        raw = (b"\x02" + mac_field(1, b"pypi.org") + mac_field(2, ident) + b"\x00" +
               b"".join(mac_field(2, c) + b"\x00" for c in cav) + b"\x00" + mac_field(6, sig))
        return Token("pypi-upload-token", "pypi-" + b64url(raw), ["pypi-upload-token"],
                     ["TWINE_PASSWORD", "PYPI_API_TOKEN"], binary=True)

    @fmt("rubygems-api-key")
    def f_rubygems(self):
        return Token("rubygems-api-key", "rubygems_" + self.s(HEX, 48), ["rubygems-api-key"],
                     ["GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"])

    @fmt("nuget-api-key")
    def f_nuget(self):
        return Token("nuget-api-key", "oy2" + self.s(LOWALNUM, 43), ["nuget-api-key"],
                     ["NUGET_API_KEY"])

    @fmt("dockerhub-pat")
    def f_dckr(self):
        return Token("dockerhub-pat", "dckr_pat_" + self.s(ALNUM + "-_", 27), ["dockerhub-pat"],
                     ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"])

    @fmt("artifactory-api-key")
    def f_akcp(self):
        return Token("artifactory-api-key", "AKCp" + self.s(DIGITS, 1) + self.s(ALNUM, 68),
                     ["artifactory-api-key"], ["ARTIFACTORY_API_KEY"])

    @fmt("circleci-token")
    def f_circleci(self):
        return Token("circleci-token", "CCIPAT_" + self.s(ALNUM, 22) + "_" + self.s(HEX, 40),
                     ["circleci-token"], ["CIRCLECI_TOKEN", "CIRCLE_TOKEN"], usage="bearer")

    @fmt("buildkite-api-token")
    def f_buildkite(self):
        return Token("buildkite-api-token", "bkua_" + self.s(HEX, 40), ["buildkite-api-token"],
                     ["BUILDKITE_API_TOKEN"], usage="bearer")

    @fmt("terraform-cloud-token")
    def f_tfc(self):
        return Token("terraform-cloud-token",
                     self.s(ALNUM, 14) + ".atlasv1." + self.s(ALNUM + "-_", 67),
                     ["terraform-cloud-token"], ["TF_TOKEN_app_terraform_io", "TFE_TOKEN"],
                     usage="bearer")

    @fmt("pulumi-access-token")
    def f_pulumi(self):
        return Token("pulumi-access-token", "pul-" + self.s(HEX, 40), ["pulumi-access-token"],
                     ["PULUMI_ACCESS_TOKEN"])

    @fmt("doppler-token")
    def f_doppler(self):
        kind = self.rng.choice(["pt", "st.prd", "st.dev", "sa", "ct"])
        return Token("doppler-token", f"dp.{kind}." + self.s(ALNUM, 43), ["doppler-token"],
                     ["DOPPLER_TOKEN"])

    @fmt("vault-service-token")
    def f_vault(self):
        raw = (b"\x08\x01\x12\x20" + self.bytes(32) + b"\x1a\x1e\x0a\x1chvs." +
               self.s(ALNUM, 24).encode())
        return Token("vault-service-token", "hvs." + b64url(raw), ["vault-service-token"],
                     ["VAULT_TOKEN"], usage="bearer")

    @fmt("databricks-token")
    def f_databricks(self):
        v = "dapi" + self.s(HEX, 32) + (f"-{self.rng.randint(2, 3)}" if self.rng.random() < .3
                                        else "")
        return Token("databricks-token", v, ["databricks-token"], ["DATABRICKS_TOKEN"],
                     usage="bearer")

    @fmt("heroku-api-key")
    def f_heroku(self):
        return Token("heroku-api-key", "HRKU-AA" + self.s(ALNUM + "-_", 58), ["heroku-api-key"],
                     ["HEROKU_API_KEY"], usage="bearer")

    @fmt("digitalocean-pat")
    def f_do(self):
        return Token("digitalocean-pat", "dop_v1_" + self.s(HEX, 64), ["digitalocean-pat"],
                     ["DIGITALOCEAN_ACCESS_TOKEN", "DO_TOKEN"], usage="bearer")

    @fmt("supabase-management-token")
    def f_supabase(self):
        return Token("supabase-management-token", "sbp_" + self.s(HEX, 40),
                     ["supabase-management-token"], ["SUPABASE_ACCESS_TOKEN"], usage="bearer")

    @fmt("planetscale-api-token")
    def f_pscale(self):
        return Token("planetscale-api-token", "pscale_tkn_" + self.s(ALNUM + "-_", 43),
                     ["planetscale-api-token"], ["PLANETSCALE_SERVICE_TOKEN"])

    @fmt("linear-api-key")
    def f_linear(self):
        return Token("linear-api-key", "lin_api_" + self.s(ALNUM, 40), ["linear-api-key"],
                     ["LINEAR_API_KEY"], usage="bearer")

    @fmt("postman-api-key")
    def f_postman(self):
        return Token("postman-api-key", "PMAK-" + self.s(HEX, 24) + "-" + self.s(HEX, 34),
                     ["postman-api-key"], ["POSTMAN_API_KEY"])

    # ---- observability

    @fmt("sentry-dsn-secret")
    def f_sentry_dsn(self):
        sec = self.s(HEX, 32)
        v = (f"https://{self.s(HEX, 32)}:{sec}@o{self.digits(5, 7)}.ingest.sentry.io/"
             f"{self.digits(6, 7)}")
        return Token("sentry-dsn-secret", v, ["sentry-dsn-secret", "http-url-password"],
                     ["SENTRY_DSN", "RAVEN_DSN"], usage="hook", needles=[sec], anchor=sec)

    @fmt("sentry-user-token")
    def f_sntryu(self):
        return Token("sentry-user-token", "sntryu_" + self.s(HEX, 64), ["sentry-user-token"],
                     ["SENTRY_AUTH_TOKEN"], usage="bearer")

    @fmt("sentry-org-token")
    def f_sntrys(self):
        org = self.rng.choice(["acme", "acme-corp", "orders-team"])
        payload = {"iat": self.rng.randint(1.70e9, 1.79e9) + 0.5, "url": "https://sentry.io",
                   "region_url": "https://us.sentry.io", "org": org}
        v = ("sntrys_" + b64(json.dumps(payload, separators=(",", ":")).encode()) + "_" +
             b64(self.bytes(32)).rstrip("="))
        return Token("sentry-org-token", v, ["sentry-org-token"], ["SENTRY_AUTH_TOKEN"],
                     usage="bearer")

    @fmt("datadog-api-key")
    def f_dd_api(self):
        return Token("datadog-api-key", self.s(HEX, 32), ["datadog-api-key"],
                     ["DD_API_KEY", "DATADOG_API_KEY"], named=True,
                     section=("datadog", self.rng.choice(["api_key", "apiKey"])))

    @fmt("datadog-app-key")
    def f_dd_app(self):
        return Token("datadog-app-key", self.s(HEX, 40), ["datadog-app-key"],
                     ["DD_APP_KEY", "DATADOG_APP_KEY", "DD_APPLICATION_KEY"], named=True,
                     section=("datadog", self.rng.choice(["app_key", "appKey"])))

    @fmt("newrelic-user-api-key")
    def f_nrak(self):
        return Token("newrelic-user-api-key", "NRAK-" + self.s(UPALNUM, 27),
                     ["newrelic-user-api-key"], ["NEW_RELIC_API_KEY", "NEWRELIC_API_KEY"])

    @fmt("newrelic-license-key")
    def f_nral(self):
        return Token("newrelic-license-key", self.s(HEX, 36) + "NRAL", ["newrelic-license-key"],
                     ["NEW_RELIC_LICENSE_KEY"])

    @fmt("grafana-cloud-token")
    def f_glc(self):
        doc = {"o": self.digits(6, 7), "n": "stack-" + self.digits(6, 7) + "-" +
               self.rng.choice(["deploy", "metrics-push", "alloy"]), "k": self.s(ALNUM, 24),
               "m": {"r": self.rng.choice(["prod-us-east-0", "prod-eu-west-2"])}}
        return Token("grafana-cloud-token", "glc_" + b64(json.dumps(doc, separators=(",", ":"))
                                                         .encode()),
                     ["grafana-cloud-token"], ["GRAFANA_CLOUD_TOKEN", "GCLOUD_RW_API_KEY"])

    @fmt("grafana-service-account-token")
    def f_glsa(self):
        body = self.s(ALNUM, 32)
        return Token("grafana-service-account-token",
                     "glsa_" + body + "_" + "%08x" % zlib.crc32(("glsa_" + body).encode()),
                     ["grafana-service-account-token"], ["GRAFANA_SA_TOKEN", "GRAFANA_TOKEN"],
                     usage="bearer")

    @fmt("dynatrace-api-token")
    def f_dynatrace(self):
        return Token("dynatrace-api-token", "dt0c01." + self.s(UPALNUM, 24) + "." +
                     self.s(UPALNUM, 64), ["dynatrace-api-token"], ["DT_API_TOKEN"])

    # ---- chat

    @fmt("slack-bot-token")
    def f_xoxb(self):
        return Token("slack-bot-token", f"xoxb-{self.digits(12, 13)}-{self.digits(13, 13)}-"
                                        + self.s(ALNUM, 24),
                     ["slack-bot-token"], ["SLACK_BOT_TOKEN"], usage="bearer")

    @fmt("slack-user-token")
    def f_xoxp(self):
        return Token("slack-user-token", f"xoxp-{self.digits(12, 13)}-{self.digits(12, 13)}-"
                                         f"{self.digits(13, 13)}-" + self.s(HEX, 32),
                     ["slack-user-token"], ["SLACK_USER_TOKEN"], usage="bearer")

    @fmt("slack-app-token")
    def f_xapp(self):
        return Token("slack-app-token", "xapp-1-A" + self.s(UPALNUM, 10) + "-" +
                     self.digits(13, 13) + "-" + self.s(HEX, 64), ["slack-app-token"],
                     ["SLACK_APP_TOKEN"])

    @fmt("slack-webhook-url")
    def f_slack_hook(self):
        return Token("slack-webhook-url", "https://hooks.slack.com/services/T" +
                     self.s(UPALNUM, 10) + "/B" + self.s(UPALNUM, 10) + "/" + self.s(ALNUM, 24),
                     ["slack-webhook-url"], ["SLACK_WEBHOOK_URL"], usage="hook")

    @fmt("discord-webhook-url")
    def f_discord_hook(self):
        host = self.rng.choice(["discord.com", "discordapp.com"])
        return Token("discord-webhook-url", f"https://{host}/api/webhooks/{self.digits(18, 19)}/"
                     + self.s(ALNUM + "-_", 68), ["discord-webhook-url"],
                     ["DISCORD_WEBHOOK_URL"], usage="hook")

    @fmt("discord-bot-token")
    def f_discord_bot(self):
        uid = b64(("1" + self.s(DIGITS, self.rng.randint(17, 18))).encode()).rstrip("=")
        v = uid + "." + b64url(self.bytes(4))[:6] + "." + b64url(self.bytes(28))[:38]
        return Token("discord-bot-token", v, ["discord-bot-token"],
                     ["DISCORD_BOT_TOKEN", "DISCORD_TOKEN"], named=True)

    @fmt("telegram-bot-token")
    def f_telegram(self):
        return Token("telegram-bot-token", self.digits(9, 10) + ":AA" + self.s(ALNUM + "-_", 33),
                     ["telegram-bot-token"], ["TELEGRAM_BOT_TOKEN", "TG_BOT_TOKEN"])

    @fmt("twilio-api-key")
    def f_twilio_sk(self):
        return Token("twilio-api-key", "SK" + self.s(HEX, 32), ["twilio-api-key"],
                     ["TWILIO_API_KEY", "TWILIO_API_KEY_SID"], named=True)

    @fmt("twilio-auth-token")
    def f_twilio_auth(self):
        return Token("twilio-auth-token", self.s(HEX, 32), ["twilio-auth-token"],
                     ["TWILIO_AUTH_TOKEN"], named=True)

    # ---- payments

    @fmt("stripe-secret-key")
    def f_sk_live(self):
        return Token("stripe-secret-key", "sk_live_51" + self.s(ALNUM, 97), ["stripe-secret-key"],
                     ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"], usage="bearer")

    @fmt("stripe-restricted-key")
    def f_rk_live(self):
        return Token("stripe-restricted-key", "rk_live_51" + self.s(ALNUM, 97),
                     ["stripe-restricted-key"], ["STRIPE_RESTRICTED_KEY"], usage="bearer")

    @fmt("stripe-webhook-secret")
    def f_whsec(self):
        return Token("stripe-webhook-secret", "whsec_" + self.s(ALNUM, 32),
                     ["stripe-webhook-secret"], ["STRIPE_WEBHOOK_SECRET"])

    @fmt("square-access-token")
    def f_square(self):
        return Token("square-access-token", "EAAA" + self.s(ALNUM + "-_", 60),
                     ["square-access-token"], ["SQUARE_ACCESS_TOKEN"], usage="bearer")

    @fmt("shopify-access-token")
    def f_shpat(self):
        return Token("shopify-access-token", "shpat_" + self.s(HEX, 32), ["shopify-access-token"],
                     ["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_ADMIN_TOKEN"])

    # ---- AI

    @fmt("openai-project-key")
    def f_openai(self):
        a = ALNUM + "-_"
        return Token("openai-project-key", "sk-proj-" + self.s(a, 74) + "T3BlbkFJ" +
                     self.s(a, 74), ["openai-project-key"], ["OPENAI_API_KEY"], usage="bearer")

    @fmt("openai-service-account-key")
    def f_openai_svc(self):
        a = ALNUM + "-_"
        return Token("openai-service-account-key", "sk-svcacct-" + self.s(a, 74) + "T3BlbkFJ" +
                     self.s(a, 74), ["openai-service-account-key"], ["OPENAI_API_KEY"],
                     usage="bearer")

    @fmt("anthropic-api-key")
    def f_anthropic(self):
        return Token("anthropic-api-key", "sk-ant-api03-" + self.s(ALNUM + "-_", 93) + "AA",
                     ["anthropic-api-key"], ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"],
                     usage="bearer")

    @fmt("huggingface-token")
    def f_hf(self):
        return Token("huggingface-token", "hf_" + self.s(UPPER + LOWER, 34), ["huggingface-token"],
                     ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"], usage="bearer")

    @fmt("groq-api-key")
    def f_groq(self):
        return Token("groq-api-key", "gsk_" + self.s(ALNUM, 52), ["groq-api-key"],
                     ["GROQ_API_KEY"], usage="bearer")

    @fmt("replicate-api-token")
    def f_replicate(self):
        return Token("replicate-api-token", "r8_" + self.s(ALNUM, 37), ["replicate-api-token"],
                     ["REPLICATE_API_TOKEN"], usage="bearer")

    # ---- mail

    @fmt("sendgrid-api-key")
    def f_sendgrid(self):
        return Token("sendgrid-api-key", "SG." + self.s(ALNUM + "-_", 22) + "." +
                     self.s(ALNUM + "-_", 43), ["sendgrid-api-key"], ["SENDGRID_API_KEY"],
                     usage="bearer")

    @fmt("mailgun-api-key")
    def f_mailgun(self):
        return Token("mailgun-api-key", "key-" + self.s(HEX, 32), ["mailgun-api-key"],
                     ["MAILGUN_API_KEY"], named=True,
                     section=("mailgun", self.rng.choice(["api_key", "apiKey"])))

    @fmt("mailchimp-api-key")
    def f_mailchimp(self):
        return Token("mailchimp-api-key", self.s(HEX, 32) + f"-us{self.rng.randint(1, 21)}",
                     ["mailchimp-api-key"], ["MAILCHIMP_API_KEY", "MC_API_KEY"])

    @fmt("brevo-api-key")
    def f_brevo(self):
        return Token("brevo-api-key", "xkeysib-" + self.s(HEX, 64) + "-" + self.s(ALNUM, 16),
                     ["brevo-api-key"], ["BREVO_API_KEY", "SENDINBLUE_API_KEY"])

    # ---- tokens

    @fmt("jwt")
    def f_jwt(self):
        alg, h = self.rng.choice([("HS256", hashlib.sha256), ("HS384", hashlib.sha384),
                                  ("HS512", hashlib.sha512)])
        header = {"alg": alg, "typ": "JWT"}
        if self.rng.random() < 0.5:
            header["kid"] = self.s(HEX, 16)
        iat = self.rng.randint(1_760_000_000, 1_790_000_000)
        payload = {"sub": self.rng.choice(["svc-billing", "svc-orders", self.uuid4()]),
                   "iss": "https://auth.acme-corp.net", "aud": "orders-api",
                   "scope": self.rng.choice(["orders:read orders:write", "admin", "ingest"]),
                   "iat": iat, "exp": iat + 86400 * self.rng.randint(30, 900)}
        si = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
              b64url(json.dumps(payload, separators=(",", ":")).encode()))
        v = si + "." + b64url(hmac.new(self.bytes(32), si.encode(), h).digest())
        return Token("jwt", v, ["jwt"], ["SERVICE_JWT", "INTERNAL_API_JWT", "ORDERS_API_JWT"],
                     usage="bearer")

    # ---- URLs with passwords

    def url_token(self, fmt_name, rule, names, scheme, user, host, tail):
        pw = self.password(16, 24, symbols="-_.~")
        secret = f"{scheme}://{user}:{pw}@{host}"
        return Token(fmt_name, secret + tail, [rule], names, usage="dburl", needles=[secret],
                     anchor=secret)

    @fmt("postgres-url-password")
    def f_pg(self):
        return self.url_token("postgres-url-password", "postgres-url-password",
                              ["DATABASE_URL", "POSTGRES_DSN"],
                              self.rng.choice(["postgres", "postgresql", "postgresql+psycopg2"]),
                              self.rng.choice(["app", "orders_app", "billing"]), self.host(),
                              ":5432/" + self.rng.choice(["orders", "app"]) + "?sslmode=require")

    @fmt("mysql-url-password")
    def f_mysql(self):
        return self.url_token("mysql-url-password", "mysql-url-password",
                              ["MYSQL_URL", "DATABASE_URL"],
                              self.rng.choice(["mysql", "mysql+pymysql", "mariadb"]),
                              self.rng.choice(["shop", "wp_admin", "reporting"]), self.host(),
                              ":3306/" + self.rng.choice(["shop", "wordpress"]))

    @fmt("mongodb-url-password")
    def f_mongo(self):
        if self.rng.random() < 0.5:
            return self.url_token("mongodb-url-password", "mongodb-url-password",
                                  ["MONGODB_URI", "MONGO_URL"], "mongodb+srv",
                                  self.rng.choice(["api", "analytics"]),
                                  f"cluster0.{self.s(LOWALNUM, 5)}.mongodb.net",
                                  "/prod?retryWrites=true&w=majority")
        return self.url_token("mongodb-url-password", "mongodb-url-password",
                              ["MONGODB_URI", "MONGO_URL"], "mongodb", "root",
                              "mongo-0.mongo.internal.acme-corp.net", ":27017/admin")

    @fmt("redis-url-password")
    def f_redis(self):
        if self.rng.random() < 0.5:
            return self.url_token("redis-url-password", "redis-url-password",
                                  ["REDIS_URL", "CACHE_URL"], "redis", "",
                                  "redis.internal.acme-corp.net", ":6379/0")
        return self.url_token("redis-url-password", "redis-url-password",
                              ["REDIS_URL", "CACHE_URL"], "rediss", "default",
                              f"eu1-{self.s(LOWER, 6)}-3{self.digits(4, 4)}.upstash.io", ":6379")

    @fmt("amqp-url-password")
    def f_amqp(self):
        if self.rng.random() < 0.5:
            return self.url_token("amqp-url-password", "amqp-url-password",
                                  ["CELERY_BROKER_URL", "AMQP_URL"], "amqp", "worker",
                                  "rabbitmq.internal.acme-corp.net", ":5672/%2F")
        return self.url_token("amqp-url-password", "amqp-url-password",
                              ["CELERY_BROKER_URL", "AMQP_URL"], "amqps", "orders",
                              f"b-{self.uuid4()}.mq.eu-west-1.amazonaws.com", ":5671/orders")

    # ---- generic assignments and credential files

    @fmt("generic-password")
    def f_password(self):
        return Token("generic-password", self.password(), ["generic-password"],
                     ["DB_PASSWORD", "POSTGRES_PASSWORD", "SMTP_PASSWORD", "ADMIN_PASSWORD",
                      "REDIS_PASSWORD", "KEYSTORE_PASSWORD", "LDAP_BIND_PASSWORD"], named=True)

    @fmt("maven-server-password", "file")
    def f_maven(self):
        return Token("maven-server-password", self.password(12, 20, symbols="!#%^*+=?~_.-"),
                     ["maven-server-password"], [])

    @fmt("docker-config-auth", "file")
    def f_docker_auth(self):
        user = self.rng.choice(["ci-bot", "deploy", "acmebuild"])
        pw = self.rng.choice([self.password(), "dckr_pat_" + self.s(ALNUM + "-_", 27)])
        return Token("docker-config-auth", b64(f"{user}:{pw}".encode()), ["generic-auth"], [])


    # ---- more providers

    @fmt("aws-bedrock-api-key")
    def f_bedrock(self):
        body = (f"BedrockAPIKey-{self.s(LOWALNUM, 4)}-at-{self.digits(12, 12)}:".encode() +
                b64(self.bytes(self.rng.choice([48, 66, 96]))).encode())
        return Token("aws-bedrock-api-key", "ABSK" + b64(body), ["aws-bedrock-api-key"],
                     ["AWS_BEARER_TOKEN_BEDROCK"], usage="bearer")

    @fmt("azure-sas-token")
    def f_azure_sas(self):
        from urllib.parse import quote
        sig = quote(b64(self.bytes(32)), safe="")
        acct = self.rng.choice(["acmeexports", "acmebackups", "ordersblob"]) + self.s(DIGITS, 2)
        v = (f"https://{acct}.blob.core.windows.net/{self.rng.choice(['reports', 'exports'])}/"
             f"q{self.rng.randint(1, 4)}.csv?sv=2022-11-02&ss=b&srt=sco&sp=rl"
             f"&se=2027-0{self.rng.randint(1, 9)}-01T00:00:00Z&st=2026-09-01T00:00:00Z&spr=https"
             f"&sig={sig}")
        return Token("azure-sas-token", v, ["azure-sas-token"],
                     ["AZURE_BLOB_SAS_URL", "EXPORT_URL"],
                     usage="hook", needles=[sig], anchor="sig=" + sig)

    @fmt("microsoft-teams-webhook-url")
    def f_teams(self):
        v = (f"https://{self.rng.choice(['acme', 'acmecorp'])}.webhook.office.com/webhookb2/"
             f"{self.uuid4()}@{self.uuid4()}/IncomingWebhook/{self.s(HEX, 32)}/{self.uuid4()}")
        if self.rng.random() < 0.5:
            v += "/V2" + self.s(ALNUM + "-_", 43)
        return Token("microsoft-teams-webhook-url", v, ["microsoft-teams-webhook-url"],
                     ["TEAMS_WEBHOOK_URL"], usage="hook")

    @fmt("ibm-cloud-api-key")
    def f_ibm(self):
        return Token("ibm-cloud-api-key", self.s(ALNUM + "-_", 44), ["ibm-cloud-api-key"],
                     ["IBMCLOUD_API_KEY", "IBM_CLOUD_API_KEY"], named=True)

    @fmt("alibaba-access-key-secret")
    def f_alibaba_secret(self):
        return Token("alibaba-access-key-secret", self.s(ALNUM, 30), ["alibaba-access-key-secret"],
                     ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIYUN_ACCESS_KEY_SECRET"], named=True)

    @fmt("gitlab-runner-token")
    def f_glrt(self):
        return Token("gitlab-runner-token", "glrt-" + self.s(ALNUM + "-_", 20),
                     ["gitlab-runner-token"], ["CI_SERVER_TOKEN", "RUNNER_TOKEN"])

    @fmt("gitlab-pipeline-trigger-token")
    def f_glptt(self):
        return Token("gitlab-pipeline-trigger-token", "glptt-" + self.s(HEX, 40),
                     ["gitlab-pipeline-trigger-token"], ["TRIGGER_TOKEN"])

    @fmt("dockerhub-org-token")
    def f_dckr_oat(self):
        return Token("dockerhub-org-token", "dckr_oat_" + self.s(ALNUM + "-_", 32),
                     ["dockerhub-org-token"], ["DOCKERHUB_ORG_TOKEN"])

    @fmt("vault-batch-token")
    def f_hvb(self):
        return Token("vault-batch-token", "hvb.AAAAAQ" + b64url(self.bytes(self.rng.randint(110,
                                                                                          150))),
                     ["vault-batch-token"], ["VAULT_TOKEN"], usage="bearer")

    @fmt("heroku-legacy-api-key")
    def f_heroku_legacy(self):
        return Token("heroku-legacy-api-key", self.uuid4(), ["heroku-legacy-api-key"],
                     ["HEROKU_API_KEY", "HEROKU_API_TOKEN"], named=True)

    @fmt("digitalocean-oauth-token")
    def f_doo(self):
        return Token("digitalocean-oauth-token", "doo_v1_" + self.s(HEX, 64),
                     ["digitalocean-oauth-token"], ["DIGITALOCEAN_TOKEN"], usage="bearer")

    @fmt("render-api-key")
    def f_render(self):
        return Token("render-api-key", "rnd_" + self.s(ALNUM, 32), ["render-api-key"],
                     ["RENDER_API_KEY"], usage="bearer")

    @fmt("netlify-access-token")
    def f_netlify(self):
        return Token("netlify-access-token", "nfp_" + self.s(ALNUM, 36), ["netlify-access-token"],
                     ["NETLIFY_AUTH_TOKEN"], named=True)

    @fmt("vercel-legacy-token")
    def f_vercel(self):
        return Token("vercel-legacy-token", self.s(ALNUM, 24), ["vercel-legacy-token"],
                     ["VERCEL_TOKEN"], named=True)

    @fmt("circleci-legacy-token")
    def f_circle_legacy(self):
        return Token("circleci-legacy-token", self.s(HEX, 40), ["circleci-legacy-token"],
                     ["CIRCLECI_API_TOKEN", "CIRCLE_TOKEN"], named=True)

    @fmt("jenkins-api-token")
    def f_jenkins(self):
        return Token("jenkins-api-token", "11" + self.s(HEX, 32), ["jenkins-api-token"],
                     ["JENKINS_API_TOKEN", "JENKINS_TOKEN"], named=True)

    @fmt("newrelic-insert-key")
    def f_nrii(self):
        return Token("newrelic-insert-key", "NRII-" + self.s(ALNUM + "-_", 32),
                     ["newrelic-insert-key"], ["NEW_RELIC_INSERT_KEY"])

    @fmt("honeycomb-api-key")
    def f_honeycomb(self):
        return Token("honeycomb-api-key", self.s(ALNUM, 22), ["honeycomb-api-key"],
                     ["HONEYCOMB_API_KEY", "HONEYCOMB_WRITE_KEY"], named=True)

    @fmt("splunk-hec-token")
    def f_splunk(self):
        return Token("splunk-hec-token", self.uuid4().upper() if self.rng.random() < .3 else
                     self.uuid4(), ["splunk-hec-token"], ["SPLUNK_HEC_TOKEN"], named=True)


    @fmt("zendesk-api-token")
    def f_zendesk(self):
        return Token("zendesk-api-token", self.s(ALNUM, 40), ["zendesk-api-token"],
                     ["ZENDESK_API_TOKEN"], named=True)

    @fmt("postmark-api-token")
    def f_postmark(self):
        return Token("postmark-api-token", self.uuid4(), ["postmark-api-token"],
                     ["POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN"], named=True)

    @fmt("mattermost-access-token")
    def f_mattermost(self):
        return Token("mattermost-access-token", self.s(LOWALNUM, 26), ["mattermost-access-token"],
                     ["MATTERMOST_TOKEN", "MATTERMOST_BOT_TOKEN"], named=True)

    @fmt("square-oauth-secret")
    def f_sq0csp(self):
        return Token("square-oauth-secret", "sq0csp-" + self.s(ALNUM + "-_", 43),
                     ["square-oauth-secret"], ["SQUARE_APP_SECRET"])

    @fmt("braintree-access-token")
    def f_braintree(self):
        return Token("braintree-access-token", "access_token$production$" +
                     self.s(LOWALNUM, 16) + "$" + self.s(HEX, 32), ["braintree-access-token"],
                     ["BRAINTREE_ACCESS_TOKEN"])

    @fmt("shopify-shared-secret")
    def f_shpss(self):
        return Token("shopify-shared-secret", "shpss_" + self.s(HEX, 32), ["shopify-shared-secret"],
                     ["SHOPIFY_API_SECRET"])

    @fmt("razorpay-key-id")
    def f_rzp(self):
        return Token("razorpay-key-id", "rzp_live_" + self.s(ALNUM, 14), ["razorpay-key-id"],
                     ["RAZORPAY_KEY_ID"])

    @fmt("plaid-access-token")
    def f_plaid(self):
        return Token("plaid-access-token", "access-production-" + self.uuid4(),
                     ["plaid-access-token"], ["PLAID_ACCESS_TOKEN"])

    @fmt("openai-admin-key")
    def f_openai_admin(self):
        a = ALNUM + "-_"
        return Token("openai-admin-key", "sk-admin-" + self.s(a, 74) + "T3BlbkFJ" + self.s(a, 74),
                     ["openai-admin-key"], ["OPENAI_ADMIN_KEY"], usage="bearer")

    @fmt("anthropic-admin-key")
    def f_anthropic_admin(self):
        return Token("anthropic-admin-key", "sk-ant-admin01-" + self.s(ALNUM + "-_", 93) + "AA",
                     ["anthropic-admin-key"], ["ANTHROPIC_ADMIN_KEY"], usage="bearer")

    @fmt("huggingface-org-token")
    def f_hf_org(self):
        return Token("huggingface-org-token", "api_org_" + self.s(UPPER + LOWER, 34),
                     ["huggingface-org-token"], ["HF_ORG_TOKEN"], usage="bearer")

    @fmt("perplexity-api-key")
    def f_pplx(self):
        return Token("perplexity-api-key", "pplx-" + self.s(ALNUM, 48), ["perplexity-api-key"],
                     ["PERPLEXITY_API_KEY"], usage="bearer")

    @fmt("xai-api-key")
    def f_xai(self):
        return Token("xai-api-key", "xai-" + self.s(ALNUM, 80), ["xai-api-key"], ["XAI_API_KEY"],
                     usage="bearer")

    @fmt("deepseek-api-key")
    def f_deepseek(self):
        return Token("deepseek-api-key", "sk-" + self.s(HEX, 32), ["deepseek-api-key"],
                     ["DEEPSEEK_API_KEY"], named=True)

    @fmt("cohere-api-key")
    def f_cohere(self):
        return Token("cohere-api-key", self.s(ALNUM, 40), ["cohere-api-key"],
                     ["COHERE_API_KEY", "CO_API_KEY"], named=True)

    @fmt("mistral-api-key")
    def f_mistral(self):
        return Token("mistral-api-key", self.s(ALNUM, 32), ["mistral-api-key"],
                     ["MISTRAL_API_KEY"], named=True)

    @fmt("http-url-password")
    def f_http_url(self):
        return self.url_token("http-url-password", "http-url-password",
                              ["PIP_INDEX_URL", "NPM_REGISTRY_URL", "HTTPS_PROXY"],
                              self.rng.choice(["https", "http"]),
                              self.rng.choice(["reader", "ci-bot", "proxy-user"]),
                              self.rng.choice(["pypi.internal.acme-corp.net",
                                               "artifacts.acme-corp.net",
                                               "proxy.internal.acme-corp.net"]),
                              self.rng.choice(["/simple/", "/api/npm/npm-remote/", ":3128"]))

    @fmt("smtp-url-password")
    def f_smtp_url(self):
        return self.url_token("smtp-url-password", "smtp-url-password", ["EMAIL_URL", "MAILER_DSN"],
                              self.rng.choice(["smtp", "smtps"]),
                              self.rng.choice(["noreply%40acme-corp.net", "apikey", "mailer"]),
                              self.rng.choice(["smtp.acme-corp.net", "smtp.sendgrid.net",
                                               "email-smtp.eu-west-1.amazonaws.com"]), ":587")

    @fmt("ldap-url-password")
    def f_ldap_url(self):
        return self.url_token("ldap-url-password", "ldap-url-password", ["LDAP_URL"],
                              self.rng.choice(["ldap", "ldaps"]),
                              self.rng.choice(["svc-app", "binduser"]),
                              "dc01.corp.acme-corp.net", ":636")

    @fmt("ftp-url-password")
    def f_ftp_url(self):
        return self.url_token("ftp-url-password", "ftp-url-password", ["BACKUP_TARGET", "SFTP_URL"],
                              self.rng.choice(["ftp", "sftp", "ftps"]), "backup",
                              "files.acme-corp.net", "/nightly/")

    @fmt("mssql-connection-string")
    def f_mssql(self):
        pw = self.password(16, 22, symbols="!#%^*+=?~_.-")
        v = (f"Server=tcp:{self.rng.choice(['acme-sql', 'orders-sql'])}.database.windows.net,1433;"
             f"Initial Catalog=orders;User ID=orders_app;Password={pw};Encrypt=True;"
             "Connection Timeout=30;")
        return Token("mssql-connection-string", v, ["generic-password"],
                     ["ConnectionStrings__Default", "SQL_CONNECTION_STRING"], needles=[pw],
                     anchor=pw)

    # ---- private keys

    def pem_token(self, fmt_name, pem, rule):
        lines = pem_lines(pem)
        return Token(fmt_name, pem.strip(), [rule], ["TLS_KEY"], needles=lines,
                     anchor=block_anchor(lines[1]), block=True)

    @fmt("pem-rsa-private-key", "block")
    def f_pem_rsa(self):
        return self.pem_token("pem-rsa-private-key",
                              self.openssl("genrsa", "-traditional",
                                           str(self.rng.choice([2048, 3072]))),
                              "pem-private-key")

    @fmt("pem-ec-private-key", "block")
    def f_pem_ec(self):
        return self.pem_token("pem-ec-private-key",
                              self.openssl("ecparam", "-name",
                                           self.rng.choice(["prime256v1", "secp384r1"]),
                                           "-genkey", "-noout"), "pem-private-key")

    @fmt("pem-pkcs8-private-key", "block")
    def f_pem_pkcs8(self):
        alg = self.rng.choice([["-algorithm", "ED25519"], ["-algorithm", "RSA", "-pkeyopt",
                                                            "rsa_keygen_bits:2048"],
                               ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]])
        return self.pem_token("pem-pkcs8-private-key", self.openssl("genpkey", *alg),
                              "pem-private-key")

    @fmt("pem-encrypted-private-key", "block")
    def f_pem_enc(self):
        return self.pem_token("pem-encrypted-private-key",
                              self.openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                                           "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass",
                                           "pass:" + self.password(20, 24, symbols="")),
                              "pem-encrypted-private-key")

    @fmt("pem-private-key-escaped")
    def f_pem_escaped(self):
        pem = self.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout").strip()
        lines = pem_lines(pem)
        v = "\\n".join(lines) + "\\n"
        return Token("pem-private-key-escaped", v, ["pem-private-key-escaped"],
                     ["JWT_PRIVATE_KEY", "APNS_AUTH_KEY", "SIGNING_KEY_PEM"], needles=lines)

    @fmt("openssh-private-key", "block")
    def f_openssh(self):
        if not shutil.which("ssh-keygen"):
            raise Skip("ssh-keygen is not installed")
        path = self.tmpfile("id")
        kind = self.rng.choice([["-t", "ed25519"], ["-t", "ecdsa", "-b", "256"]])
        self.run(["ssh-keygen", "-q", *kind, "-N", "", "-C",
                  self.rng.choice(["deploy@build", "ci@runner-7", "root@bastion"]), "-f", path])
        with open(path, encoding="ascii") as f:
            return self.pem_token("openssh-private-key", f.read(), "openssh-private-key")

    @fmt("pgp-private-key", "block")
    def f_pgp(self):
        if not shutil.which("gpg"):
            raise Skip("gpg is not installed")
        # gpg-agent puts its sockets in the home directory: keep the path short
        home = tempfile.mkdtemp(prefix="g", dir=self.work if len(self.work) < 60 else "/tmp")
        try:
            env = dict(os.environ, GNUPGHOME=home)
            uid = self.rng.choice(["Release Bot <release@acme-corp.net>",
                                   "Acme Packaging <packages@acme-corp.net>"])
            base = ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""]
            self.run(base + ["--quick-gen-key", uid, self.rng.choice(["ed25519", "rsa2048"]),
                             "sign", "never"], env=env)
            out = self.run(base + ["--armor", "--export-secret-keys"], env=env).decode()
        finally:
            if shutil.which("gpgconf"):
                subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"],
                               capture_output=True, timeout=30)
            shutil.rmtree(home, ignore_errors=True)
        return self.pem_token("pgp-private-key", out, "pgp-private-key")

    @fmt("putty-private-key", "block")
    def f_putty(self):
        if not shutil.which("puttygen"):
            raise Skip("puttygen is not installed")
        path = self.tmpfile("key.ppk")
        self.run(["puttygen", "-t", "ed25519", "-C", "deploy@build", "-O", "private", "-o", path,
                  "--new-passphrase", "/dev/null"])
        with open(path, encoding="ascii") as f:
            text = f.read().strip()
        lines = text.splitlines()
        return Token("putty-private-key", text, ["putty-private-key"], [], needles=lines,
                     anchor="PuTTY-User-Key-File-", block=True)

    @fmt("age-secret-key")
    def f_age(self):
        key = self.bytes(32)
        return Token("age-secret-key", bech32_encode("age-secret-key-", key).upper(),
                     ["age-secret-key"], ["SOPS_AGE_KEY"], binary=True)

    def age_public(self, secret):
        """The age1... recipient of an AGE-SECRET-KEY-1..., through openssl's X25519."""
        data = secret.lower()[len("age-secret-key-1"):-6]
        acc = bits = 0
        out = bytearray()
        for c in data:
            acc = (acc << 5) | BECH32.index(c)
            bits += 5
            if bits >= 8:
                bits -= 8
                out.append((acc >> bits) & 0xff)
        der = bytes.fromhex("302e020100300506032b656e04220420") + bytes(out[:32])
        path = self.tmpfile("x25519.der")
        with open(path, "wb") as f:
            f.write(der)
        pub = self.run(["openssl", "pkey", "-inform", "DER", "-in", path, "-pubout",
                        "-outform", "DER"])
        return bech32_encode("age", pub[-32:])


# ====================================================================== filler (no secrets)

PROSE = [
    "The service reads its configuration once at startup and logs every setting it overrides.",
    "Requests that fail with a 5xx status are retried three times with exponential backoff.",
    "Run the migrations before the new release receives traffic.",
    "Metrics are exported on port 9102 and scraped every fifteen seconds.",
    "The worker pool grows to twice the number of cores under sustained load.",
    "Old partitions are archived to cold storage after ninety days.",
    "Rotate credentials through the vault workflow; never paste them into tickets.",
    "Feature flags are evaluated per request and cached for thirty seconds.",
    "Use the staging cluster for load tests and keep production dashboards read-only.",
    "The importer skips rows whose checksum matches the previous run.",
    "Each tenant gets its own schema; the shared tables hold reference data only.",
    "Health checks hit the readiness endpoint, which also verifies the database connection.",
    "The nightly job compacts the event log and rebuilds the search index.",
    "Timeouts are expressed in milliseconds unless the name ends in _seconds.",
    "Deployments are blue-green; the router switches once both health checks pass.",
    "Pin base images by digest so that rebuilds are reproducible.",
    "The cache is warmed from the most requested product pages after each deploy.",
    "On-call engineers acknowledge alerts within fifteen minutes during business hours.",
    "Access tokens expire after one hour; the client refreshes them in the background.",
    "The password policy requires twelve characters and is enforced by the identity provider.",
    "Large uploads go straight to object storage through pre-signed URLs.",
    "The audit trail keeps who changed what and when, for seven years.",
    "Disable verbose logging in production: it doubles the log volume.",
    "The billing run starts at 02:00 UTC and usually takes forty minutes.",
]

ENV_FILLER = [
    "LOG_LEVEL=info", "LOG_FORMAT=json", "PORT={port}", "HOST=0.0.0.0", "WORKERS={n}",
    "APP_ENV=production", "TZ=UTC", "NODE_ENV=production", "CACHE_TTL_SECONDS={n}",
    "MAX_UPLOAD_MB={n}", "FEATURE_FLAGS=search,export,beta-ui", "S3_BUCKET=acme-assets-prod",
    "AWS_REGION=eu-west-1", "DB_HOST=db.internal.acme-corp.net", "DB_PORT=5432", "DB_NAME=orders",
    "DB_USER=orders_app", "DB_POOL_SIZE={n}", "REDIS_HOST=redis.internal.acme-corp.net",
    "SMTP_HOST=smtp.acme-corp.net", "SMTP_PORT=587", "SENTRY_ENVIRONMENT=production",
    "OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317", "OTEL_SERVICE_NAME=orders-api",
    "TOKEN_TTL_SECONDS=3600", "PASSWORD_MIN_LENGTH=12", "SESSION_COOKIE_NAME=acme_sid",
    "DB_PASSWORD_FILE=/run/secrets/db_password", "API_KEY_HEADER=X-Api-Key",
    "# database settings", "# see docs/configuration.md", "", "PYTHONUNBUFFERED=1",
    "GUNICORN_CMD_ARGS=--timeout 60 --graceful-timeout 30", "JAVA_OPTS=-Xms256m -Xmx1g",
    "HTTP_PROXY=http://proxy.internal.acme-corp.net:3128",
    "NO_PROXY=localhost,127.0.0.1,.internal.acme-corp.net", "DB_PASSWORD=${DB_PASSWORD}",
    "RELEASE_SHA={sha}", "BUILD_NUMBER={n}",
]

YAML_FILLER = [
    ["server:", "  port: {port}", "  host: 0.0.0.0"], ["logging:", "  level: info",
                                                      "  format: json"],
    ["replicas: {n}"], ["timeout: 30s"], ["retries: 5"],
    ["image: registry.acme-corp.net/acme/api:1.{n}.2"], ["features:", "  - search", "  - export"],
    ["database:", "  host: db.internal.acme-corp.net", "  port: 5432", "  name: orders",
     "  user: orders_app", "  password: ${DB_PASSWORD}"],
    ["cache:", "  ttl: 300", "  max_entries: 10000"], ["# managed by the platform team"],
    ["metrics:", "  enabled: true", "  path: /metrics"],
    ["resources:", "  limits:", "    cpu: 500m", "    memory: 512Mi"],
    ["revision: {sha}"], ["queue:", "  name: orders-events", "  prefetch: {n}"],
]
YAML_PARENTS = ["app", "integrations", "settings", "env", "notifications", "providers"]

JSON_FILLER = [
    ['  "name": "acme-api"'], ['  "version": "1.{n}.2"'], ['  "timeoutMs": {n}000'],
    ['  "features": ["search", "export"]'],
    ['  "logging": {', '    "level": "info",', '    "format": "json"', '  }'],
    ['  "integrity": "sha512-{b64_88}"'], ['  "retry": {"attempts": 3, "backoffMs": 250}'],
    ['  "region": "eu-west-1"'], ['  "endpoint": "https://api.acme-corp.net/v2"'],
    ['  "commit": "{sha}"'], ['  "maxConnections": {n}'],
]

TOML_FILLER = [
    ["[server]", 'host = "0.0.0.0"', "port = {port}"], ["workers = {n}"], ['log_level = "info"'],
    ["[database]", 'host = "db.internal.acme-corp.net"', "port = 5432", 'name = "orders"'],
    ["# generated by config-gen 2.3"], ["[cache]", "ttl = 300"], ['region = "eu-west-1"'],
]

INI_FILLER = [
    ["[server]", "host = 0.0.0.0", "port = {port}"], ["workers = {n}"], ["log_level = info"],
    ["[database]", "host = db.internal.acme-corp.net", "port = 5432", "name = orders"],
    ["; generated by config-gen 2.3"], ["[cache]", "ttl = 300"], ["retries = 3"],
]

PY_FILLER = [
    ["", "", "def list_{thing}(session, limit=100):",
     "    return session.query({Thing}).order_by({Thing}.id).limit(limit).all()"],
    ["import logging", "import os", "import time", "", "log = logging.getLogger(__name__)"],
    ["", "", "def handle(event, context):", '    items = event.get("items", [])',
     '    log.info("processing %d items", len(items))',
     '    return {"status": 200, "count": len(items)}'],
    ["", "", "class OrderRepository:", "    def __init__(self, session):",
     "        self.session = session", "", "    def find(self, order_id):",
     "        return self.session.get(Order, order_id)"],
    ["TIMEOUT = {n}", "RETRIES = 3"], ["# TODO: move to the settings module"],
    ['DB_PASSWORD = os.environ["DB_PASSWORD"]'],
    ["", "", "def retry(fn, attempts=3):", "    for i in range(attempts):", "        try:",
     "            return fn()", "        except ConnectionError:", "            time.sleep(2 ** i)",
     '    raise RuntimeError("gave up")'],
    ['API_BASE = "https://api.acme-corp.net/v{n}"'],
]

JS_FILLER = [
    ["export async function fetch{Thing}(page = 1) {",
     "  const res = await fetch(`/api/v1/{thing}?page=${page}`);", "  return res.json();", "}"],
    ["'use strict';"], ["const express = require('express');", "const app = express();"],
    ["app.get('/healthz', (req, res) => res.json({ ok: true }));"],
    ["function total(items) {", "  return items.reduce((sum, item) => sum + item.price * item.qty"
     ", 0);", "}"],
    ["const PORT = process.env.PORT || {port};"], ["const apiToken = process.env.API_TOKEN;"],
    ["// retry with backoff, see docs/retries.md"],
    ["async function load(id) {", "  const res = await fetch(`/api/v1/orders/${id}`);",
     "  if (!res.ok) throw new Error(`HTTP ${res.status}`);", "  return res.json();", "}"],
]

GO_FILLER = [
    ["func healthz(w http.ResponseWriter, r *http.Request) {", "\tw.WriteHeader(http.StatusOK)",
     '\t_, _ = w.Write([]byte("ok"))', "}"],
    ["func list{Thing}(db *sql.DB) (*sql.Rows, error) {",
     '\treturn db.Query("SELECT id, status FROM {thing} ORDER BY id LIMIT 100")', "}"],
    ["type {Thing}Handler struct {", "\tdb      *sql.DB", "\ttimeout time.Duration", "}"],
    ["func sum(xs []int) int {", "\tt := 0", "\tfor _, x := range xs {", "\t\tt += x", "\t}",
     "\treturn t", "}"],
    ["var defaultTimeout = {n} * time.Second"], ["// Server wires the HTTP handlers."],
]

SH_FILLER = [
    ["set -euo pipefail"], ['cd "$(dirname "$0")/.."'], ['echo "building $(git rev-parse HEAD)"'],
    ["for f in migrations/*.sql; do", '  psql -v ON_ERROR_STOP=1 -f "$f"', "done"],
    ['docker build -t registry.acme-corp.net/acme/api:"$VERSION" .'],
    ['if [ -z "${DEPLOY_ENV:-}" ]; then', '  echo "DEPLOY_ENV is not set" >&2', "  exit 1", "fi"],
    ["# deploy helper, run from CI only"],
]

DOCKERFILE_FILLER = [
    ["FROM debian:12-slim AS base"], ["WORKDIR /app"],
    ["RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && "
     "rm -rf /var/lib/apt/lists/*"],
    ["COPY requirements.txt ."], ["RUN pip install --no-cache-dir -r requirements.txt"],
    ["EXPOSE {port}"], ['CMD ["gunicorn", "-b", "0.0.0.0:8080", "app:create_app()"]'],
    ["USER 1000"], ["# build stage for the static assets"],
]

XML_FILLER = [
    ['    <add key="LogLevel" value="Information" />'], ['    <add key="MaxRetries" value="3" />'],
    ['    <add key="ServiceUrl" value="https://api.acme-corp.net/v2" />'],
    ["    <!-- environment overrides are applied at deploy time -->"],
]

PROPERTIES_FILLER = [
    ["server.port={port}"], ["spring.application.name=orders-api"],
    ["spring.datasource.url=jdbc:postgresql://db.internal.acme-corp.net:5432/orders"],
    ["spring.datasource.username=orders_app"], ["spring.datasource.password=${DB_PASSWORD}"],
    ["logging.level.root=INFO"], ["management.endpoints.web.exposure.include=health,info"],
    ["# production overrides"], ["app.cache.ttl-seconds={n}"],
]

PHP_FILLER = [
    ["    'debug' => false,"], ["    'timezone' => 'UTC',"],
    ["    'cache' => ['driver' => 'redis', 'ttl' => 300],"], ["    // see config/app.php"],
    ["    'password' => env('DB_PASSWORD'),"], ["    'workers' => {n},"],
]

RUBY_FILLER = [
    ["  config.cache_classes = true"], ["  config.log_level = :info"],
    ["  config.force_ssl = true"],
    ["  # Settings specified here take precedence over config/application.rb"],
    ['  config.action_mailer.default_url_options = { host: "acme-corp.net" }'],
    ["  config.active_job.queue_adapter = :sidekiq"],
]

HCL_FILLER = [
    ['region = "eu-west-1"'], ['instance_type = "t3.medium"'], ["min_size = 2", "max_size = {n}"],
    ["# production values"], ["tags = {", '  team = "platform"', '  env  = "prod"', "}"],
]

NETRC_FILLER = [["machine files.acme-corp.net", "  login backup"], ["# managed by ansible"],
                ["default", "  login anonymous"]]

HTML_FILLER = [
    ['    <link rel="stylesheet" href="/static/app.css">'], ['    <meta charset="utf-8">'],
    ['    <script src="/static/app.min.js" defer></script>'], ["    <!-- build 1.{n}.2 -->"],
    ['    <title>Acme Orders</title>'],
]

CSV_FILLER = [["max_connections,{n},2026-09-12"], ["region,eu-west-1,2026-08-30"],
              ["retry_limit,3,2026-09-01"], ["feature_export,enabled,2026-07-19"]]

BAT_FILLER = [
    ["@echo off"], ["setlocal"], ["set APP_HOME=%~dp0.."], ["call :build"],
    ["if errorlevel 1 exit /b 1"], ["echo Deploying %VERSION%"], ["rem generated by the CI"],
]


STYLE_FILLER = {
    "env": ENV_FILLER, "compose": ENV_FILLER, "yaml": YAML_FILLER, "json": JSON_FILLER,
    "toml": TOML_FILLER, "ini": INI_FILLER, "py": PY_FILLER, "js": JS_FILLER, "go": GO_FILLER,
    "sh": SH_FILLER, "dockerfile": DOCKERFILE_FILLER, "xml": XML_FILLER, "bat": BAT_FILLER,
    "properties": PROPERTIES_FILLER, "php": PHP_FILLER, "ruby": RUBY_FILLER, "hcl": HCL_FILLER,
    "netrc": NETRC_FILLER, "html": HTML_FILLER, "csv": CSV_FILLER,
}


class Filler:
    def __init__(self, rng):
        self.rng = rng

    THINGS = ["orders", "items", "invoices", "customers", "shipments", "refunds", "carts",
              "reports", "webhooks", "sessions"]

    def fill(self, s):
        r = self.rng
        thing = r.choice(self.THINGS)
        return (s.replace("{n}", str(r.randint(2, 64)))
                .replace("{port}", str(r.choice([8080, 8443, 9000])))
                .replace("{sha}", "".join(r.choice(HEX) for _ in range(40)))
                .replace("{b64_88}", b64(r.randbytes(64)))
                .replace("{thing}", thing).replace("{Thing}", thing.capitalize()))

    def prose(self, k):
        return [self.rng.choice(PROSE) for _ in range(k)]

    def items(self, style, k, deck=None):
        """k filler items of style; `deck` (one per file) deals each item once before repeating."""
        r = self.rng
        source = STYLE_FILLER.get(style)
        out = []
        for _ in range(k):
            if style == "md":
                item = [" ".join(self.prose(r.randint(1, 3))), ""]
            elif style == "log":
                item = [self.log_line()]
            elif source is None:
                item = self.prose(1)
            else:
                if deck is None:
                    pick = r.choice(source)
                else:
                    cards = deck.setdefault(style, [])
                    if not cards:
                        cards += source
                        r.shuffle(cards)
                    pick = cards.pop()
                item = [self.fill(x) for x in ([pick] if isinstance(pick, str) else pick)]
                if style == "compose":
                    item = ["      - " + item[0]] if item[0] and "#" not in item[0] else []
                elif style == "go":
                    item = [""] + item
            if item:
                out.append(item)
        return out

    def ts(self):
        r = self.rng
        return (f"2026-09-{r.randint(10, 30):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
                f"{r.randint(0, 59):02d}.{r.randint(0, 999):03d}Z")

    def log_line(self):
        r = self.rng
        kind = r.random()
        if kind < 0.55:
            return (f"{self.ts()} INFO  [http-worker-{r.randint(1, 16)}] "
                    f"{r.choice(['GET', 'GET', 'POST', 'PUT'])} /api/v1/"
                    f"{r.choice(['orders', 'items', 'customers', 'invoices'])}/"
                    f"{r.randint(1000, 999999)} -> {r.choice([200, 200, 200, 201, 204, 404])} "
                    f"({r.randint(1, 900)} ms)")
        if kind < 0.75:
            return (f"{self.ts()} DEBUG [scheduler] job {r.choice(['compact', 'reindex', 'sync'])}"
                    f" finished in {r.randint(1, 60000)} ms, {r.randint(0, 5000)} rows")
        if kind < 0.9:
            return (f"{self.ts()} WARN  [pool] slow query ({r.randint(500, 9000)} ms): "
                    "SELECT id, status FROM orders WHERE customer_id = $1")
        return f"{self.ts()} INFO  [app] {r.choice(PROSE)}"

    def minified(self, size):
        """Minified JavaScript: short identifiers, no credentials."""
        r = self.rng
        ids = "abcdefghijklmnopqrstuvwxyz"
        props = ["map", "filter", "length", "push", "then", "value", "name", "type", "id",
                 "items", "options", "render", "state", "props", "data", "index", "count",
                 "total", "width", "height", "style", "title", "label", "children", "key"]
        words = ["button", "primary", "submit", "close", "open", "hidden", "active", "row",
                 "column", "modal", "header", "footer", "content", "loading", "error"]
        parts = []
        n = 0
        while n < size:
            a, b, c = r.choice(ids), r.choice(ids), r.choice(ids)
            t = r.randrange(6)
            if t == 0:
                s = f"function {a}({b},{c}){{return {b}.{r.choice(props)}+{c}*{r.randint(1, 99)}}}"
            elif t == 1:
                s = (f'var {a}={{{r.choice(props)}:"{r.choice(words)}",'
                     f'{r.choice(props)}:{r.randint(0, 9999)}}}')
            elif t == 2:
                s = f"{a}.{r.choice(props)}=function({b}){{return {b}&&{b}.{r.choice(props)}}}"
            elif t == 3:
                s = f'{a}.className="{r.choice(words)} {r.choice(words)}-{r.choice(words)}"'
            elif t == 4:
                s = f"for(var {a}=0;{a}<{b}.length;{a}++){c}.push({b}[{a}])"
            else:
                s = f'if(!{a})throw new Error("{r.choice(words)} {r.choice(words)}")'
            parts.append(s)
            n += len(s) + 1
        return ";".join(parts)

    def js_line(self):
        r = self.rng
        t = r.randrange(5)
        a = r.choice(["order", "item", "row", "node", "user", "cart", "view"])
        if t == 0:
            return (f"  function {a}Total{r.randint(1, 999)}(xs) "
                    "{ return xs.reduce((s, x) => s + x, 0); }")
        if t == 1:
            return f"  var {a}Count{r.randint(1, 999)} = {r.randint(0, 100000)};"
        if t == 2:
            return f"  exports.{a}Label = \"{r.choice(['Open', 'Closed', 'Pending', 'Shipped'])}\";"
        if t == 3:
            return f"  // {r.choice(PROSE)}"
        return f"  if ({a} && {a}.length > {r.randint(1, 50)}) {{ {a}.splice(0, 1); }}"


# ====================================================================== rendering a token

def camel(name):
    parts = name.lower().split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


NAMED_STYLES = ("env", "yaml", "compose", "json", "toml", "ini", "py", "js", "sh", "dockerfile",
                "md", "log", "bat", "properties", "php", "ruby", "hcl")


def snippet(style, tok, rng, filler, one_line=False):
    """A few lines of `style` that hold tok.value (a JSON style item is an object member)."""
    name = rng.choice(tok.names) if tok.names else "API_TOKEN"
    lo = name.lower()
    v = tok.value
    a, u = [], []  # assignments (the name right before the value), uses (no name)
    if style == "env":
        a = [[f"{name}={v}"], [f'{name}="{v}"'], [f"export {name}={v}"]]
    elif style == "yaml":
        a = [[f"{lo}: {v}"], [f'{lo}: "{v}"'], [f"{rng.choice(YAML_PARENTS)}:", f"  {lo}: {v}"]]
        if tok.section:
            a.append([f"{tok.section[0]}:", f"  {tok.section[1]}: {v}"])
        key = {"bearer": "token", "dburl": "url", "hook": "webhook_url"}.get(tok.usage, "value")
        u = [[f"{rng.choice(YAML_PARENTS)}:", f"  {key}: {v}"]]
    elif style == "compose":
        a = [[f"      - {name}={v}"]]
    elif style == "json":
        a = [[f'  "{lo}": "{v}"'], [f'  "{name}": "{v}"']]
        if tok.section:
            a.append([f'  "{tok.section[0]}": {{', f'    "{tok.section[1]}": "{v}"', "  }"])
        u = [[f'  "{camel(name)}": "{v}"']]
    elif style == "toml":
        a = [[f'{lo} = "{v}"']]
    elif style == "ini":
        a = [[f"{lo} = {v}"], [f"{lo}={v}"]]
    elif style == "py":
        a = [[f'{name} = "{v}"'], [f"{name} = '{v}'"]]
        u = {"bearer": [[f'HEADERS = {{"Authorization": "Bearer {v}"}}'],
                        [f'client = ApiClient(base_url=API_BASE, token="{v}")']],
             "dburl": [[f'engine = create_engine("{v}", pool_pre_ping=True)']],
             "hook": [[f'requests.post("{v}", json={{"text": message}}, timeout=10)']],
             }.get(tok.usage, [[f'os.environ.setdefault("{name}", "{v}")']])
    elif style == "js":
        a = [[f"const {name} = '{v}';"], [f'export const {name} = "{v}";']]
        u = {"bearer": [["fetch(`${API}/v1/items`, { headers: { Authorization: 'Bearer "
                         f"{v}' }} }});"], [f"const client = new ApiClient({{ token: '{v}' }});"]],
             "dburl": [[f"const pool = new Pool({{ connectionString: '{v}' }});"]],
             "hook": [[f"await fetch('{v}', "
                       "{ method: 'POST', body: JSON.stringify(payload) });"]],
             }.get(tok.usage, [[f"const {camel(name)} = '{v}';"]])
    elif style == "go":
        u = {"bearer": [["func authorize(req *http.Request) {",
                         f'\treq.Header.Set("Authorization", "Bearer {v}")', "}"],
                        [f'var client = api.NewClient("{v}")']],
             "dburl": [["func openDB() (*sql.DB, error) {", f'\treturn sql.Open("pgx", "{v}")',
                        "}"]],
             "hook": [[f'const webhookURL = "{v}"']],
             }.get(tok.usage, [[f'const {camel(name)} = "{v}"']])
    elif style == "sh":
        a = [[f"export {name}='{v}'"], [f'export {name}="{v}"'], [f"{name}='{v}' ./bin/release"]]
        u = {"bearer": [[f'curl -fsS -H "Authorization: Bearer {v}" '
                         "https://api.acme-corp.net/v1/deploy"]],
             "dburl": [[f"psql '{v}' -c 'select 1'"]],
             "hook": [["curl -fsS -X POST -H 'Content-Type: application/json' "
                       f"-d '{{\"text\":\"deployed\"}}' '{v}'"]]}.get(tok.usage, [])
    elif style == "dockerfile":
        a = [[f"ENV {name}={v}"], [f'ENV {name}="{v}"'], [f"ARG {name}={v}"]]
        if tok.usage == "bearer":
            u = [[f'RUN curl -fsSL -H "Authorization: Bearer {v}" '
                  "https://artifacts.acme-corp.net/agent/agent-linux-amd64.tar.gz"
                  " | tar -xz -C /opt"]]
    elif style == "xml":
        u = [[f'    <add key="{name}" value="{v}" />']]
    elif style == "md":
        a = [["```sh", f"export {name}={v}", "```", ""]]
        if tok.usage == "bearer":
            u = [[f'Call the staging API with `curl -H "Authorization: Bearer {v}" '
                  "https://staging.acme-corp.net/v1/ping`.", ""]]
    elif style == "log":
        a = [[f"{filler.ts()} DEBUG [bootstrap] environment {name}={v}"]]
        u = {"bearer": [[f"{filler.ts()} DEBUG [http] POST https://api.acme-corp.net/v1/events "
                         f"headers={{'Authorization': 'Bearer {v}'}}"]],
             "dburl": [[f"{filler.ts()} INFO  [db] connecting to {v}"]],
             "hook": [[f"{filler.ts()} INFO  [notify] POST {v} -> 200"]]}.get(tok.usage, [])
    elif style == "bat":
        a = [[f"set {name}={v}"], [f'set "{name}={v}"']]
    elif style == "properties":
        a = [[f"{lo}={v}"], [f"{lo} = {v}"]]
        u = [[f"{lo.replace('_', '.')}={v}"]]
    elif style == "php":
        a = [[f"    '{lo}' => '{v}',"], [f"    '{name}' => \"{v}\","]]
        u = [[f"    'client' => new ApiClient('{v}'),"]]
    elif style == "ruby":
        a = [[f'  {name} = "{v}"'], [f"  config.{lo} = '{v}'"]]
        u = [[f'  config.x.api_client = Api::Client.new("{v}")']]
    elif style == "hcl":
        a = [[f'{lo} = "{v}"']]
        u = [['provider "acme" {', f'  credentials = "{v}"', "}"]]
    elif style == "netrc":
        u = [[f"machine {rng.choice(['api.acme-corp.net', 'git.acme-corp.net', 'github.com'])}",
              f"  login {rng.choice(['ci-bot', 'deploy', 'x-access-token'])}", f"  password {v}"]]
    elif style == "html":
        u = [[f'    <script>window.__CONFIG__ = {{ "{camel(name)}": "{v}" }};</script>'],
             [f'    <meta name="{lo.replace("_", "-")}" content="{v}">']]
    elif style == "csv":
        u = [[f"{lo},{v},2026-09-{rng.randint(10, 28)}"]]
    else:
        raise ValueError(style)
    opts = a + ([] if tok.named else u)
    if one_line:
        opts = [o for o in opts if len(o) == 1]
    if not opts:
        raise ValueError(f"no {style} form for {tok.fmt}")
    return rng.choice(opts)


def style_accepts(style, tok):
    """Block values need their own container; context rules need the name next to the value."""
    if tok.block:
        return False
    return not tok.named or style in NAMED_STYLES


# ====================================================================== files and the plan

class Plant:
    def __init__(self, tok, source, context, layer=None, path=None, final=True, tags=()):
        self.tok = tok
        self.source = source
        self.context = context
        self.layer = layer
        self.path = path
        self.final = final
        self.tags = set(tags)
        self.line = None
        self.cfgtext = None  # config sources: the text the scanner sees
        self.offset = None

    @property
    def oci_only(self):
        return self.source == "annotations"

    def where(self):
        if self.source == "file":
            return f"{self.path} layer {self.layer} line {self.line}"
        return self.source

    def to_json(self):
        return {"format": self.tok.fmt, "rules": sorted(self.tok.rules), "source": self.source,
                "layer_index": self.layer, "path": self.path, "line": self.line,
                "in_final_image": self.final, "tags": sorted(self.tags),
                "context": self.context, "needles": self.tok.needles}


class TextFile:
    """A text file of one style: filler items and token snippets, assembled at the end."""

    HEAD = {
        "json": ["{"], "xml": ['<?xml version="1.0" encoding="utf-8"?>', "<configuration>",
                              "  <appSettings>"],
        "go": ["package main", "", "import (", '\t"database/sql"', '\t"net/http"', '\t"time"',
               "", '\t"github.com/acme-corp/api"', ")"],
        "compose": ["services:", "  api:", "    image: registry.acme-corp.net/acme/api:1.4.2",
                    "    environment:"],
        "sh": ["#!/bin/sh"], "py": ['"""Service wiring."""'], "md": ["# Setup", ""],
        "dockerfile": ["# syntax=docker/dockerfile:1"], "bat": ["@echo off"],
        "php": ["<?php", "", "return ["], "ruby": ["Rails.application.configure do"],
        "html": ["<!doctype html>", "<html>", "  <head>"], "csv": ["name,value,updated"],
    }
    TAIL = {"json": ["}"], "xml": ["  </appSettings>", "</configuration>"],
            "compose": ["    ports:", '      - "8080:8080"'], "php": ["];"], "ruby": ["end"],
            "html": ["  </head>", "</html>"]}

    def __init__(self, path, layer, style, crlf=False, final=True, tags=(), bom=False, eol=True):
        self.bom = bom
        self.eol = eol
        self.path = path
        self.layer = layer
        self.style = style
        self.crlf = crlf
        self.final = final
        self.tags = set(tags) | ({"crlf"} if crlf else set())
        self.items = []
        self.plants = []
        self.deck = {}

    def add_filler(self, filler, k):
        self.items += filler.items(self.style, k, self.deck)

    def put(self, tok, lines, context):
        p = Plant(tok, "file", context, self.layer, "/" + self.path, self.final, self.tags)
        self.plants.append(p)
        self.items.append(lines)
        return p

    def lines(self):
        if self.style == "json":
            body = []
            for k, item in enumerate(self.items):
                item = list(item)
                if k + 1 < len(self.items):
                    item[-1] += ","
                body += item
        else:
            body = [ln for item in self.items for ln in item]
        return self.HEAD.get(self.style, []) + body + self.TAIL.get(self.style, [])

    def content(self):
        nl = "\r\n" if self.crlf else "\n"
        return finish(("\ufeff" if self.bom else "") + nl.join(self.lines()) +
                      (nl if self.eol else ""), self.plants)


def finish(text, plants):
    for p in plants:
        off = p.tok.locate(text)
        if off < 0:
            raise RuntimeError(f"{p.tok.fmt}: planted value not found in {p.path}")
        p.offset = off
        p.line = text.count("\n", 0, off) + 1
    return text.encode("utf-8")


class Image:
    """The whole plan: layers of files, config fields, and where each secret went."""

    def __init__(self, gen, filler, rng):
        self.gen = gen
        self.filler = filler
        self.rng = rng
        self.layers = [[] for _ in range(5)]  # (path, bytes | None for a whiteout/dir)
        self.plants = []
        self.pool = {}  # format -> Gen method (for more instances)
        self.kinds = {}

    # -- token instances

    def new(self, fmt_name):
        return getattr(self.gen, self.pool[fmt_name])()

    def extra(self, pred):
        cands = [f for f in self.pool if self.kinds[f] == "line"]
        while True:
            tok = self.new(self.rng.choice(cands))
            if pred(tok):
                return tok

    # -- files

    def add_file(self, layer, path, data):
        self.layers[layer].append((path, data))

    def add_text(self, tf):
        data = tf.content()
        self.add_file(tf.layer, tf.path, data)
        self.plants += tf.plants

    def text_with(self, tf, toks, filler_k=(1, 6), one_line=False):
        tf.add_filler(self.filler, self.rng.randint(*filler_k))
        for tok in toks:
            lines = snippet(tf.style, tok, self.rng, self.filler, one_line)
            tf.put(tok, lines, f"{tf.style}")
            tf.add_filler(self.filler, self.rng.randint(*filler_k))
        self.add_text(tf)


def overlay(layers, plants):
    """in_final_image of each planted file, from what the later layers do to its path."""
    for p in plants:
        if p.source != "file":
            continue
        path = p.path.lstrip("/")
        fate = None
        for later in layers[p.layer + 1:]:
            for q, _ in later:
                d, base = os.path.split(q)
                if q == path or path.startswith(q + "/"):
                    fate = fate or "overwritten"
                elif base == ".wh..wh..opq" and path.startswith(d + "/"):
                    fate = "opaque"
                elif base.startswith(".wh.") and base != ".wh..wh..opq":
                    gone = os.path.join(d, base[4:])
                    if path == gone or path.startswith(gone + "/"):
                        fate = "deleted"
        p.final = fate is None
        if fate:
            p.tags.add(fate)


def build(gen, rng, notes):
    filler = Filler(rng)
    img = Image(gen, filler, rng)
    primaries = {}
    for name, meth, kind in FORMATS:
        try:
            primaries[name] = getattr(gen, meth)()
        except Skip as e:
            notes.append(f"format {name} skipped: {e}")
            continue
        img.pool[name] = meth
        img.kinds[name] = kind
    line_ok = lambda t: True  # noqa: E731

    def layer_for():
        return rng.choice([0, 1, 2, 4])

    # ---------------------------------------------------------------- special places
    # layer 0: base image; layer 1: RUN with build args; layer 2: COPY . /app;
    # layer 3: RUN rm -rf (whiteouts, opaque directory); layer 4: RUN with a build arg.

    # deleted by a whiteout in layer 3
    tf = TextFile("app/config/legacy.env", 1, "env", final=False, tags={"deleted"})
    img.text_with(tf, [img.extra(line_ok), img.extra(line_ok)])
    # the whole directory deleted (.wh.tmp in layer 3)
    tf = TextFile("app/tmp/bootstrap.sh", 1, "sh", final=False, tags={"deleted"})
    img.text_with(tf, [img.extra(lambda t: style_accepts("sh", t))])
    # hidden by an opaque directory in layer 3
    tf = TextFile("opt/tool/conf/agent.yaml", 1, "yaml", final=False, tags={"opaque"})
    img.text_with(tf, [img.extra(line_ok)])
    tf = TextFile("opt/tool/conf/credentials.ini", 1, "ini", final=False, tags={"opaque"})
    img.text_with(tf, [img.extra(line_ok)])
    # overwritten by a later layer (the new content has a secret of its own)
    tf = TextFile("srv/app/settings.py", 1, "py", final=False, tags={"overwritten"})
    img.text_with(tf, [img.extra(line_ok)])
    tf = TextFile("srv/app/settings.py", 2, "py")
    img.text_with(tf, [img.extra(line_ok)])
    tf = TextFile("etc/acme/agent.env", 0, "env", final=False, tags={"overwritten"})
    img.text_with(tf, [img.extra(line_ok)])
    tf = TextFile("etc/acme/agent.env", 4, "env")
    img.text_with(tf, [img.extra(line_ok)])
    # opaque directory's new content, no secret
    tf = TextFile("opt/tool/conf/agent.yaml", 3, "yaml")
    tf.add_filler(filler, 6)
    img.add_text(tf)

    # CRLF files
    tf = TextFile("app/config/windows/app.ini", 3, "ini", crlf=True)
    img.text_with(tf, [img.extra(line_ok), img.extra(line_ok)])
    tf = TextFile("app/scripts/deploy.cmd", 3, "bat", crlf=True)
    img.text_with(tf, [img.extra(line_ok)])

    # many lines before the secret
    tf = TextFile("var/log/acme/install.log", 1, "log", tags={"manylines"})
    tf.add_filler(filler, rng.randint(20000, 50000))
    tok = img.extra(lambda t: style_accepts("log", t))
    tf.put(tok, snippet("log", tok, rng, filler), "log after many lines")
    tf.add_filler(filler, rng.randint(1, 30))
    img.add_text(tf)

    # very long lines: a secret in the middle of a 200 KB minified line, one after them
    lines = ["/*! acme-web 1.4.2 | (c) Acme Corp | MIT */"]
    t1 = img.extra(lambda t: not t.named)
    t2 = img.extra(lambda t: not t.named)
    lines.append(filler.minified(rng.randint(120_000, 180_000)) + f';var Q="{t1.value}";' +
                 filler.minified(rng.randint(40_000, 90_000)))
    lines.append("//# sourceMappingURL=app.min.js.map")
    lines.append(filler.minified(rng.randint(105_000, 130_000)))
    lines.append(f'window.__APP_CONFIG__={{"apiBase":"https://api.acme-corp.net",'
                 f'"{camel(rng.choice(t2.names or ["API_TOKEN"]))}":"{t2.value}"}};')
    ps = [Plant(t1, "file", "middle of a 200 KB minified line", 2, "/app/web/static/app.min.js",
                tags={"longline"}),
          Plant(t2, "file", "after 100 KB+ lines", 2, "/app/web/static/app.min.js",
                tags={"longline"})]
    img.add_file(2, "app/web/static/app.min.js", finish("\n".join(lines) + "\n", ps))
    img.plants += ps

    # a file over 1 MiB: one secret across the 1 MiB mark, one near the end
    t1 = img.extra(lambda t: style_accepts("js", t))
    t2 = img.extra(lambda t: style_accepts("js", t))
    out, size = ["/* vendor bundle, generated */", "(function () {"], 0
    size = sum(len(x) + 1 for x in out)
    line = "  " + snippet("js", t1, rng, filler, one_line=True)[0]
    start = line.index(t1.value)
    target = (1 << 20) - len(t1.value) // 2  # the secret's first byte
    while size + 200 < target - start:
        s = filler.js_line()
        out.append(s)
        size += len(s) + 1
    pad = target - start - size - 1  # the length of a comment line that puts it there
    out.append("  //" + "-" * (pad - 4))
    out.append(line)
    size = sum(len(x) + 1 for x in out)
    end = rng.randint(1_250_000, 1_450_000)
    while size < end:
        s = filler.js_line()
        out.append(s)
        size += len(s) + 1
    out.append("  " + snippet("js", t2, rng, filler, one_line=True)[0])
    for _ in range(rng.randint(2, 20)):
        out.append(filler.js_line())
    out.append("})();")
    ps = [Plant(t1, "file", "across the 1 MiB mark of a 1.3 MiB file", 1,
                "/app/static/vendor.bundle.js", tags={"bigfile"}),
          Plant(t2, "file", "near the end of a 1.3 MiB file", 1, "/app/static/vendor.bundle.js",
                tags={"bigfile"})]
    img.add_file(1, "app/static/vendor.bundle.js", finish("\n".join(out) + "\n", ps))
    img.plants += ps

    # a binary with embedded high-confidence tokens
    toks = [img.new(rng.choice(["github-pat", "aws-access-key-id"])),
            img.extra(lambda t: t.binary)]
    blob = bytearray(b"\x7fELF\x02\x01\x01\x00" + bytes(8) + rng.randbytes(rng.randint(40_000,
                                                                                        90_000)))
    ps = []
    for tok in toks:
        at = rng.randint(9000, len(blob) - 100)
        name = rng.choice(tok.names).encode() if tok.names else b""
        blob[at:at] = b"\x00" + name + b"\x00" + tok.value.encode() + b"\x00"
    for tok in toks:
        p = Plant(tok, "file", "embedded in a binary", 1, "/app/bin/acme-agent", tags={"binary"})
        p.offset = bytes(blob).find(b"\x00" + tok.value.encode() + b"\x00") + 1
        p.line = bytes(blob).count(b"\n", 0, p.offset) + 1
        ps.append(p)
    img.add_file(1, "app/bin/acme-agent", bytes(blob))
    img.plants += ps

    # credential files
    tok = img.new("npm-access-token")
    tf = TextFile("root/.npmrc", 2, "raw")
    tf.items = [["registry=https://registry.npmjs.org/"],
                [f"//registry.npmjs.org/:_authToken={tok.value}"], ["always-auth=true"]]
    tf.plants.append(Plant(tok, "file", ".npmrc", 2, "/root/.npmrc"))
    img.add_text(tf)
    if "pypi-upload-token" in img.pool:
        tok = img.new("pypi-upload-token")
        tf = TextFile("root/.pypirc", 2, "raw")
        tf.items = [["[distutils]", "index-servers =", "    pypi", "", "[pypi]",
                     "username = __token__", f"password = {tok.value}"]]
        tf.plants.append(Plant(tok, "file", ".pypirc", 2, "/root/.pypirc"))
        img.add_text(tf)
    tok = img.new(rng.choice(["github-pat", "gitlab-pat", "github-oauth-token"]))
    host = "gitlab.com" if tok.fmt.startswith("gitlab") else "github.com"
    user = "oauth2" if host == "gitlab.com" else rng.choice(["x-access-token", "acme-ci"])
    tf = TextFile("root/.git-credentials", 2, "raw")
    tf.items = [[f"https://{user}:{tok.value}@{host}"]]
    tf.plants.append(Plant(tok, "file", ".git-credentials", 2, "/root/.git-credentials"))
    img.add_text(tf)
    akia, sec = img.new("aws-access-key-id"), img.new("aws-secret-access-key")
    tf = TextFile("root/.aws/credentials", 2, "raw")
    tf.items = [["[default]", f"aws_access_key_id = {akia.value}",
                 f"aws_secret_access_key = {sec.value}", "region = eu-west-1", ""]]
    tf.plants += [Plant(akia, "file", "~/.aws/credentials", 2, "/root/.aws/credentials"),
                  Plant(sec, "file", "~/.aws/credentials", 2, "/root/.aws/credentials")]
    if "aws-session-token" in img.pool:
        asia, sec2, sess = gen.aws_asia(), img.new("aws-secret-access-key"), \
            img.new("aws-session-token")
        tf.items.append(["[deploy]", f"aws_access_key_id = {asia.value}",
                         f"aws_secret_access_key = {sec2.value}",
                         f"aws_session_token = {sess.value}"])
        tf.plants += [Plant(t, "file", "~/.aws/credentials", 2, "/root/.aws/credentials")
                      for t in (asia, sec2, sess)]
    img.add_text(tf)

    # two secrets on one line, and the AWS CLI's own `configure set NAME VALUE` form
    k1, s1 = img.new("aws-access-key-id"), img.new("aws-secret-access-key")
    k2, s2 = img.new("aws-access-key-id"), img.new("aws-secret-access-key")
    tf = TextFile("app/scripts/ci-aws.sh", layer_for(), "sh", tags={"shape"})
    tf.add_filler(filler, 2)
    tf.put(k1, [f"docker run --rm -e AWS_ACCESS_KEY_ID={k1.value} -e AWS_SECRET_ACCESS_KEY="
                f"{s1.value} amazon/aws-cli s3 ls s3://acme-backups/"], "docker run -e, one line")
    tf.plants.append(Plant(s1, "file", "docker run -e, one line", tf.layer, "/" + tf.path,
                           tags=tf.tags))
    tf.add_filler(filler, 2)
    tf.put(k2, [f"aws configure set aws_access_key_id {k2.value} --profile deploy"],
           "aws configure set")
    tf.put(s2, [f"aws configure set aws_secret_access_key {s2.value} --profile deploy"],
           "aws configure set")
    tf.add_filler(filler, 2)
    img.add_text(tf)
    toks = [img.extra(lambda t: not t.named) for _ in range(3)]
    tf = TextFile("app/web/static/env.json", layer_for(), "raw", eol=False)
    tf.items = [["{" + ",".join(['"apiBase":"https://api.acme-corp.net"'] +
                                [f'"{camel(rng.choice(t.names))}{k}":"{t.value}"'
                                 for k, t in enumerate(toks)]) + "}"]]
    for t in toks:
        tf.put(t, [], "minified JSON, three secrets on one line")
    img.add_text(tf)

    # more ways to write NAME and value: a Kubernetes env list, an ECS task definition,
    # os.environ[...] =, os.Setenv(...), the legacy Dockerfile `ENV key value`; each holds a
    # secret of a context rule (the name is all that identifies it) and one that identifies itself
    named = lambda t: t.named  # noqa: E731
    selfid = lambda t: not t.named  # noqa: E731
    ta, tb = img.extra(named), img.extra(selfid)
    k8s = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: orders-api", "spec:",
           "  template:", "    spec:", "      containers:", "        - name: api",
           "          image: registry.acme-corp.net/acme/api:1.4.2", "          env:",
           "            - name: LOG_LEVEL", "              value: info"]
    for t in rng.sample([ta, tb], 2):
        k8s += [f"            - name: {rng.choice(t.names)}", f'              value: "{t.value}"']
    k8s += ["          ports:", "            - containerPort: 8080"]
    tf = TextFile("app/deploy/k8s/deployment.yaml", layer_for(), "raw", tags={"shape"})
    tf.items = [k8s]
    tf.put(ta, [], "Kubernetes env list, - name: NAME / value: ...")
    tf.put(tb, [], "Kubernetes env list, - name: NAME / value: ...")
    img.add_text(tf)
    ta, tb = img.extra(named), img.extra(selfid)
    envs = [{"name": "LOG_LEVEL", "value": "info"}] + [
        {"name": rng.choice(t.names), "value": t.value} for t in rng.sample([ta, tb], 2)]
    tf = TextFile("app/deploy/ecs/task-definition.json", layer_for(), "raw", tags={"shape"})
    task = {"family": "orders-api", "networkMode": "awsvpc", "containerDefinitions": [
        {"name": "api", "image": "registry.acme-corp.net/acme/api:1.4.2", "essential": True,
         "environment": envs, "portMappings": [{"containerPort": 8080}]}]}
    tf.items = [json.dumps(task, indent=2).split("\n")]
    tf.put(ta, [], "ECS task definition, {name: NAME, value: ...}")
    tf.put(tb, [], "ECS task definition, {name: NAME, value: ...}")
    img.add_text(tf)
    for path, style, form, what in (
            ("app/src/acme/env_setup.py", "py", 'os.environ["{n}"] = "{v}"',
             'Python os.environ["NAME"] = "value"'),
            ("app/cmd/worker/env.go", "go", '\tos.Setenv("{n}", "{v}")',
             'Go os.Setenv("NAME", "value")'),
            ("app/Dockerfile.legacy", "dockerfile", "ENV {n} {v}", "Dockerfile ENV NAME value")):
        t = img.extra(named)
        tf = TextFile(path, layer_for(), style, tags={"shape"})
        tf.add_filler(filler, rng.randint(1, 4))
        line = form.format(n=rng.choice(t.names), v=t.value)
        tf.put(t, ["func init() {", line, "}"] if style == "go" else [line], what)
        tf.add_filler(filler, rng.randint(1, 4))
        img.add_text(tf)

    # primaries of the formats that need their own container
    tok = primaries.pop("docker-config-auth")
    tf = TextFile("root/.docker/config.json", layer_for(), "raw")
    tf.items = [[json.dumps({"auths": {rng.choice(["registry.acme-corp.net",
                                                   "https://index.docker.io/v1/"]):
                                       {"auth": tok.value}},
                             "credsStore": "", "currentContext": "default"}, indent="\t")]]
    tf.put(tok, [], "~/.docker/config.json")
    img.add_text(tf)

    tok = primaries.pop("maven-server-password")
    tf = TextFile("root/.m2/settings.xml", layer_for(), "raw")
    tf.items = [['<?xml version="1.0" encoding="UTF-8"?>',
                 '<settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">', "  <servers>",
                 "    <server>", f"      <id>{rng.choice(['releases', 'nexus', 'acme-repo'])}</id>",
                 "      <username>deployer</username>", f"      <password>{tok.value}</password>",
                 "    </server>", "  </servers>", "</settings>"]]
    tf.put(tok, [], "maven settings.xml")
    img.add_text(tf)

    tok = primaries.pop("gcp-service-account-key")
    tf = TextFile(rng.choice(["app/config/service-account.json", "var/secrets/gcp/key.json"]),
                  layer_for(), "raw")
    tf.items = [tok.value.rstrip("\n").split("\n")]
    tf.put(tok, [], "GCP service account JSON")
    img.add_text(tf)

    tok = primaries.pop("age-secret-key")
    tf = TextFile("home/app/.config/sops/age/keys.txt", layer_for(), "raw")
    tf.items = [[f"# created: 2026-09-{rng.randint(10, 28)}T0{rng.randint(1, 9)}:17:10Z",
                 f"# public key: {gen.age_public(tok.value)}", tok.value]]
    tf.put(tok, [], "age keys.txt")
    img.add_text(tf)

    # multi-line keys: a raw key file, a YAML block, a CRLF file, or inside a deleted directory
    places = {"raw": 0, "yaml": 0, "crlf": 0, "deleted": 0}
    for k, (name, meth, kind) in enumerate(FORMATS):
        if kind != "block" or name not in primaries:
            continue
        tok = primaries.pop(name)
        how = rng.choice(["raw", "raw", "yaml", "crlf", "deleted"]) if name != "putty-private-key" \
            else rng.choice(["raw", "deleted"])
        places[how] += 1
        lines = tok.value.split("\n")
        base = {"pem-rsa-private-key": "server.key", "pem-ec-private-key": "ec.key",
                "pem-pkcs8-private-key": "signing.pem", "pem-encrypted-private-key": "client.key",
                "openssh-private-key": "id_deploy", "pgp-private-key": "release-signing.asc",
                "putty-private-key": "deploy.ppk"}[name]
        if how == "raw":
            d = {"openssh-private-key": "root/.ssh", "putty-private-key": "home/app/.ssh",
                 "pgp-private-key": "home/app"}.get(name, "etc/ssl/private")
            tf = TextFile(f"{d}/{base}", layer_for(), "raw")
            tf.items = [lines]
        elif how == "crlf":
            tf = TextFile(f"app/certs/{base}", layer_for(), "raw", crlf=True)
            tf.items = [lines]
        elif how == "deleted":
            tf = TextFile(f"app/tmp/keys/{base}", 1, "raw", final=False, tags={"deleted"})
            tf.items = [lines]
        else:
            tf = TextFile(f"app/deploy/k8s/{base.replace('.', '-')}-secret.yaml", layer_for(),
                          "raw")
            tf.items = [["apiVersion: v1", "kind: Secret", "metadata:",
                         f"  name: {base.replace('.', '-')}", "type: Opaque", "stringData:",
                         f"  {base}: |"] + ["    " + ln for ln in lines]]
        tf.put(tok, [], f"{how} key file")
        img.add_text(tf)

    # ---------------------------------------------------------------- general files
    general = [
        ("env", "app/.env"), ("yaml", "app/config/app.yaml"),
        ("json", "app/config/appsettings.json"), ("toml", "app/config/app.toml"),
        ("py", "app/src/acme/clients.py"), ("py", "app/src/acme/settings_local.py"),
        ("js", "app/web/src/api.js"), ("go", "app/cmd/server/main.go"),
        ("sh", "app/scripts/deploy.sh"), ("dockerfile", "app/Dockerfile.build"),
        ("compose", "app/docker-compose.yml"), ("xml", "app/config/web.config"),
        ("ini", "etc/acme/agent.ini"), ("md", "app/docs/SETUP.md"),
        ("yaml", "etc/acme/pipeline.yml"), ("py", "usr/local/lib/acme/bootstrap.py"),
        ("sh", "usr/local/bin/entrypoint.sh"), ("json", "app/config/integrations.json"),
        ("env", "home/app/.env.production"), ("properties",
                                              "app/src/main/resources/application-prod.properties"),
        ("php", "var/www/html/config/services.php"),
        ("ruby", "app/config/environments/production.rb"), ("hcl", "app/infra/prod.auto.tfvars"),
        ("netrc", "root/.netrc"), ("html", "app/web/public/index.html"),
        ("csv", "app/data/integrations.csv"),
        # a path over 100 bytes (PAX header), a non-ASCII one, one with spaces
        ("js", "app/node_modules/@acme-corp/internal-sdk/dist/esm/configuration/environments/"
               "production/defaults.generated.js"),
        ("env", "app/config/übersteuerung-prod.env"), ("ini", "app/config/Local Settings/app.ini"),
    ]
    files = []
    for s, p in general:
        bom = s in ("json", "xml", "ini", "env", "properties", "csv") and rng.random() < 0.25
        files.append(TextFile(p, layer_for(), s, bom=bom, eol=rng.random() < 0.7,
                              tags={"bom"} if bom else ()))
    assigned = {id(f): [] for f in files}
    todo = [t for t in primaries.values() if not t.block]
    rng.shuffle(todo)
    for tok in todo:
        cands = [f for f in files if style_accepts(f.style, tok)]
        least = min(len(assigned[id(f)]) for f in cands)
        f = rng.choice([f for f in cands if len(assigned[id(f)]) <= least + 1])
        assigned[id(f)].append(tok)
    for f in files:
        img.text_with(f, assigned[id(f)])

    # mounted secret files: the value alone, no newline, the secret at offset 0
    for _ in range(2):
        tok = img.extra(lambda t: not t.named)
        name = rng.choice(tok.names).lower() if tok.names else "token"
        tf = TextFile(rng.choice(["run/secrets/", "var/run/secrets/acme/"]) + name,
                      layer_for(), "raw", eol=False, tags={"bare"})
        tf.items = [[tok.value]]
        tf.put(tok, [], "bare secret file")
        if any(f[0] == tf.path for f in img.layers[tf.layer]):
            continue
        img.add_text(tf)

    # filler-only files (precision)
    tf = TextFile("etc/os-release", 0, "raw")
    tf.items = [['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'NAME="Debian GNU/Linux"',
                 'VERSION_ID="12"', 'VERSION="12 (bookworm)"', "ID=debian",
                 'HOME_URL="https://www.debian.org/"']]
    img.add_text(tf)
    tf = TextFile("usr/share/doc/acme/README.md", 0, "md")
    tf.add_filler(filler, 40)
    img.add_text(tf)
    for style, path, layer in (("py", "app/src/acme/__init__.py", 2),
                               ("js", "app/web/src/index.js", 2),
                               ("yaml", "app/config/logging.yaml", 2),
                               ("json", "app/package.json", 2),
                               ("sh", "usr/local/bin/healthcheck.sh", 4)):
        tf = TextFile(path, layer, style)
        tf.add_filler(filler, rng.randint(10, 40))
        img.add_text(tf)

    # whiteouts and the opaque marker (layer 3)
    img.add_file(3, "app/config/.wh.legacy.env", b"")
    img.add_file(3, "app/.wh.tmp", b"")
    img.add_file(3, "opt/tool/conf/.wh..wh..opq", b"")

    # ---------------------------------------------------------------- config fields
    cfg_plants = []

    def cfg(tok, source, text, context):
        p = Plant(tok, source, context, tags={"config"})
        p.cfgtext = text
        cfg_plants.append(p)
        return text

    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
           "NODE_ENV=production", "APP_HOME=/app", "PYTHONDONTWRITEBYTECODE=1"]
    for k in range(3):
        tok = img.extra(line_ok)
        name = rng.choice(tok.names)
        text = f"{name}={tok.value}"
        if k == 2 and not tok.named and tok.usage == "bearer":
            text = f"APP_OPTS=--region=eu-west-1 --api-token={tok.value} --verbose"
        env.insert(rng.randint(1, len(env)), cfg(tok, "config.env", text, f"Env {text[:20]}"))
    labels = {"org.opencontainers.image.title": "acme-api",
              "org.opencontainers.image.revision": filler.fill("{sha}"),
              "org.opencontainers.image.source": "https://github.com/acme-corp/api",
              "maintainer": "platform@acme-corp.net"}
    for _ in range(2):
        tok = img.extra(line_ok)
        key = "com.acme." + rng.choice(tok.names).lower()
        while key in labels:
            key += "_2"
        labels[key] = tok.value
        cfg(tok, "config.labels", f"{key}={tok.value}", f"label {key}")
    ann = {"org.opencontainers.image.created": CREATED,
           "org.opencontainers.image.version": "1.4.2"}
    for _ in range(2):
        tok = img.extra(line_ok)
        key = "com.acme.build." + rng.choice(tok.names).lower()
        while key in ann:
            key += "_2"
        ann[key] = tok.value
        cfg(tok, "annotations", f"{key}={tok.value}", f"annotation {key}")
    t1, t2, t3 = img.extra(line_ok), img.extra(line_ok), img.extra(line_ok)
    n1, n2, n3 = rng.choice(t1.names), rng.choice(t2.names), rng.choice(t3.names)
    args = ["NODE_ENV=production", "GOFLAGS=-mod=mod", f"BUILD_NUMBER={rng.randint(100, 9999)}"]
    args = rng.sample(args, rng.randint(1, 3))
    args.insert(rng.randint(0, len(args)), f"{n1}={t1.value}")
    created_by = [
        "/bin/sh -c #(nop) ADD file:" + "".join(rng.choice(HEX) for _ in range(64)) + " in / ",
        f"RUN |{len(args)} {' '.join(args)} /bin/sh -c npm ci --omit=dev && "
        "./scripts/install-agent.sh # buildkit",
        "COPY . /app # buildkit",
        "RUN /bin/sh -c rm -rf /app/tmp /app/config/legacy.env /opt/tool/conf && mkdir -p "
        "/opt/tool/conf && cp /tmp/agent.yaml /opt/tool/conf/ # buildkit",
        f"RUN |1 {n2}={t2.value} /bin/sh -c ./scripts/fetch-assets.sh # buildkit",
    ]
    cfg(t1, "config.history", created_by[1], f"history build arg (RUN |{len(args)} ...)")
    cfg(t2, "config.history", created_by[4], "history build arg (RUN |1 ...)")
    env_hist = rng.choice(["ENV {}={}", "/bin/sh -c #(nop)  ENV {}={}"]).format(n3, t3.value)
    cfg(t3, "config.history", env_hist, "history ENV (empty layer)")

    img.plants += cfg_plants
    overlay(img.layers, img.plants)
    spec_layers = []
    for i, files_ in enumerate(img.layers):
        entries, dirs = [], set()
        for path, data in sorted(files_, key=lambda x: x[0]):
            parts = path.split("/")[:-1]
            for k in range(1, len(parts) + 1):
                d = "/".join(parts[:k])
                if d not in dirs:
                    dirs.add(d)
                    entries.append({"path": d, "type": "dir"})
            entries.append({"path": path, "content_b64": b64(data)})
        comp = rng.choice(["gzip", "gzip", "zstd", "none"] if shutil.which("zstd") else
                          ["gzip", "gzip", "none"])
        spec_layers.append({"created_by": created_by[i], "files": entries, "compression": comp})
    spec = {"created": CREATED, "os": "linux", "architecture": "amd64",
            "config": {"User": "1000", "Env": env, "Labels": labels, "WorkingDir": "/app",
                       "Cmd": ["./bin/server"]},
            "annotations": ann, "layers": spec_layers,
            "empty_history": [{"index": 2, "created_by": "ARG NPM_TOKEN"},
                              {"index": 4, "created_by": env_hist},
                              {"index": 5, "created_by": "USER 1000"},
                              {"index": 5, "created_by": 'CMD ["./bin/server"]'}]}
    return spec, img.plants


# ====================================================================== scanning and matching

def scan(layerscan, target, tmp):
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("LAYERSCAN_USERNAME", "LAYERSCAN_PASSWORD", "REGISTRY_AUTH_FILE",
                        "DOCKER_CONFIG")}
    env.update(HOME=home, NO_COLOR="1", LAYERSCAN_NOW=CREATED)
    cmd = [layerscan, "scan", "-f", "json", "--show-secrets", "--no-progress", target]
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, cwd=tmp, env=env, timeout=600)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace"), \
        time.monotonic() - t0


def check_contract(rep, code, img_fmt, problems):
    for k in ("schema", "tool", "target", "image", "findings", "summary", "stats", "result"):
        if k not in rep:
            problems.append(f"report lacks {k!r}")
    if rep.get("schema") != "layerscan/report/v1":
        problems.append(f"schema is {rep.get('schema')!r}")
    if (rep.get("tool") or {}).get("name") != "layerscan":
        problems.append("tool.name is not layerscan")
    want_tr = TRANSPORT[img_fmt]
    if (rep.get("target") or {}).get("transport") != want_tr:
        problems.append(f"target.transport is {(rep.get('target') or {}).get('transport')!r}")
    if rep.get("result") != ("fail" if code == 1 else "pass"):
        problems.append(f"result {rep.get('result')!r} with exit code {code}")
    layers = (rep.get("image") or {}).get("layers") or []
    if len(layers) != 5:
        problems.append(f"image.layers has {len(layers)} entries, the image has 5")
    findings = rep.get("findings") if isinstance(rep.get("findings"), list) else []
    summ = rep.get("summary") or {}
    if summ.get("total") != len(findings):
        problems.append(f"summary.total {summ.get('total')} != {len(findings)} findings")
    for sev in SEVERITIES:
        n = sum(1 for f in findings if f.get("severity") == sev)
        if summ.get(sev) != n:
            problems.append(f"summary.{sev} {summ.get(sev)} != {n}")
    dig = re.compile(r"sha256:[0-9a-f]{64}")
    for f in findings:
        loc = f.get("location") if isinstance(f.get("location"), dict) else {}
        bad = []
        for k in ("rule_id", "category", "severity", "title", "location", "in_final_image",
                  "match", "fingerprint"):
            if k not in f:
                bad.append("no " + k)
        for k in ("source", "layer_index", "layer_digest", "path", "line"):
            if k not in loc:
                bad.append("no location." + k)
        if f.get("category") not in CATEGORIES:
            bad.append("category")
        if f.get("severity") not in SEVERITIES:
            bad.append("severity")
        if not isinstance(f.get("in_final_image"), bool):
            bad.append("in_final_image")
        if not isinstance(f.get("fingerprint"), str) or not f.get("fingerprint"):
            bad.append("fingerprint")
        src = loc.get("source")
        if src == "file":
            li = loc.get("layer_index")
            if not isinstance(li, int) or not 0 <= li < len(layers):
                bad.append("layer_index")
            elif loc.get("layer_digest") != layers[li].get("digest") or \
                    not dig.fullmatch(str(loc.get("layer_digest"))):
                bad.append("layer_digest")
            if not str(loc.get("path", "")).startswith("/"):
                bad.append("path")
            if f.get("category") == "secret" and (not isinstance(loc.get("line"), int) or
                                                  loc["line"] < 1):
                bad.append("line")
        elif src in CONFIG_SOURCES:
            if any(loc.get(k) is not None for k in ("layer_index", "layer_digest", "path",
                                                    "line")):
                bad.append("config location carries layer/path/line")
        elif src not in ("image", "config.user", "config.volumes"):
            bad.append(f"source {src!r}")
        if f.get("category") == "secret" and not isinstance(f.get("match"), str):
            bad.append("match (with --show-secrets)")
        if bad:
            problems.append(f"malformed finding ({', '.join(bad)}): {brief(f)}")


def brief(f):
    loc = f.get("location") or {}
    m = f.get("match") or ""
    m = m if len(m) <= 60 else m[:40] + "..." + m[-12:]
    where = loc.get("source") if loc.get("source") != "file" else \
        f"{loc.get('path')}:{loc.get('line')} layer {loc.get('layer_index')}"
    return f"{f.get('rule_id')} {where} {m!r}"


def loc_ok(f, p):
    loc = f.get("location") or {}
    if loc.get("source") != p.source:
        return False
    if p.source != "file":
        return all(loc.get(k) is None for k in ("layer_index", "path", "line"))
    return (loc.get("layer_index") == p.layer and loc.get("path") == p.path and
            loc.get("line") == p.line)


def evaluate(rep, plants, img_fmt):
    """-> {id(plant): (status, detail)}, extras, other findings at planted places."""
    secrets = [f for f in rep.get("findings") or [] if f.get("category") == "secret"]
    result = {}
    used = set()
    dups = {}  # other findings of a secret that was found: id -> finding
    for p in plants:
        if p.oci_only and img_fmt not in OCI_FORMATS:
            continue
        cands = [f for f in secrets
                 if all(n in (f.get("match") or "") for n in p.tok.needles)]
        used.update(id(f) for f in cands)
        good = [f for f in cands if f.get("rule_id") in p.tok.rules and loc_ok(f, p)]
        for f in cands:
            if good and f is not good[0]:
                dups[id(f)] = f
        if good:
            if not any(f.get("in_final_image") is p.final for f in good):
                result[id(p)] = ("wrong in_final_image",
                                 f"reported in_final_image={good[0].get('in_final_image')}")
            else:
                result[id(p)] = ("found", good[0].get("rule_id"))
            continue
        if not cands:
            result[id(p)] = ("not found", "")
            continue
        f0 = cands[0]
        loc = f0.get("location") or {}
        desc = brief(f0)
        if any(loc_ok(f, p) for f in cands):
            result[id(p)] = ("wrong rule", "; ".join(brief(f) for f in cands if loc_ok(f, p)))
        elif p.source != "file" or loc.get("source") != "file":
            result[id(p)] = ("wrong source", desc)
        elif loc.get("path") != p.path:
            result[id(p)] = ("wrong path", desc)
        elif loc.get("layer_index") != p.layer:
            result[id(p)] = ("wrong layer", desc)
        else:
            result[id(p)] = ("wrong line", desc)
    # precision: a secret finding at no planted location, matching no planted value
    at = {(p.layer, p.path, p.line) for p in plants if p.source == "file"}
    cfgtexts = {}
    for p in plants:
        if p.source != "file":
            cfgtexts.setdefault(p.source, []).append(p.cfgtext)
    extras, also = [], []
    for f in secrets:
        if id(f) in used:
            continue
        loc = f.get("location") or {}
        if loc.get("source") == "file":
            if (loc.get("layer_index"), loc.get("path"), loc.get("line")) in at:
                also.append(f)
                continue
        elif any((f.get("match") or "\0") in t for t in cfgtexts.get(loc.get("source"), [])):
            also.append(f)
            continue
        extras.append(f)
    return result, extras, also + list(dups.values())


# ====================================================================== one seed

def run_seed(seed, opts, keep_dir):
    rng = random.Random(seed)
    notes = []
    print(f"secrets_eval: seed {seed}")
    tmp = tempfile.mkdtemp(prefix="secrets-eval-")
    try:
        work = os.path.join(tmp, "keys")
        os.makedirs(work)
        gen = Gen(rng, work, notes)
        t0 = time.monotonic()
        spec, plants = build(gen, rng, notes)
        for n in notes:
            print("  note: " + n)
        nfiles = len({(p.layer, p.path) for p in plants if p.source == "file"})
        formats = sorted({p.tok.fmt for p in plants})
        ncfg = sum(1 for p in plants if p.source != "file")
        hidden = [p for p in plants if p.tags & {"deleted", "overwritten", "opaque"}]
        print(f"  planted {len(plants)} secrets of {len(formats)} formats: "
              f"{len(plants) - ncfg} in {nfiles} files of 5 layers, {ncfg} in config fields "
              f"(annotations in OCI only), {len(hidden)} in deleted/overwritten/opaque-hidden "
              f"files; built in {time.monotonic() - t0:.1f} s")
        if opts.verbose:
            for p in plants:
                print(f"    {p.tok.fmt:32} {p.where():58} {p.context} {sorted(p.tags)}")
        per_img = {}
        problems = []
        for img_fmt in opts.formats:
            out = os.path.join(tmp, "image-" + img_fmt + ("" if img_fmt == "oci" else ".tar"))
            lspack.pack(spec, tmp, img_fmt, out)
            target = f"{TRANSPORT[img_fmt]}:{out}"
            code, sout, serr, secs = scan(opts.layerscan, target, tmp)
            try:
                rep = json.loads(sout)
            except ValueError:
                rep = None
            if keep_dir:
                with open(os.path.join(tmp, f"report-{img_fmt}.json"), "w") as f:
                    f.write(sout)
            if code != 1 or not isinstance(rep, dict):
                problems.append(f"[{img_fmt}] exit code {code} (want 1) "
                                f"{'and no JSON report' if rep is None else ''}: "
                                f"{serr.strip()[:300]}")
                per_img[img_fmt] = ({}, [], [])
                continue
            prob = []
            check_contract(rep, code, img_fmt, prob)
            problems += [f"[{img_fmt}] {x}" for x in prob]
            res, extras, also = evaluate(rep, plants, img_fmt)
            per_img[img_fmt] = (res, extras, also)
            nsec = sum(1 for f in rep["findings"] if f.get("category") == "secret")
            rules = {}
            for f in also:
                rules[f.get("rule_id")] = rules.get(f.get("rule_id"), 0) + 1
            print(f"  {img_fmt}: exit {code} in {secs:.2f} s, {len(rep['findings'])} findings "
                  f"({nsec} secret), {len(extras)} extra; {len(also)} more by other rules at "
                  "planted places"
                  + (" (" + ", ".join(f"{k} x{v}" for k, v in sorted(rules.items())) + ")"
                     if rules else ""))

        # aggregate: found iff found in every image format it is planted in
        plants = [p for p in plants if not p.oci_only or set(opts.formats) & set(OCI_FORMATS)]
        status = {}
        for p in plants:
            st = [(fm, per_img[fm][0].get(id(p))) for fm in opts.formats
                  if not (p.oci_only and fm not in OCI_FORMATS)]
            bad = [(fm, s) for fm, s in st if s is None or s[0] != "found"]
            status[id(p)] = bad
        found = sum(1 for p in plants if not status[id(p)])
        wrong_loc = sum(1 for p in plants if status[id(p)] and any(
            s and s[0].startswith("wrong") and s[0] != "wrong in_final_image"
            for _, s in status[id(p)]))
        extras = [(fm, f) for fm in opts.formats for f in per_img[fm][1]]
        recall = found / len(plants) if plants else 0.0

        # per format table
        by_fmt = {}
        for p in plants:
            a = by_fmt.setdefault(p.tok.fmt, [0, 0])
            a[1] += 1
            a[0] += 0 if status[id(p)] else 1
        cells = [f"{k:31} {v[0]:2}/{v[1]:<2}{'' if v[0] == v[1] else ' !'}"
                 for k, v in sorted(by_fmt.items())]
        print("  per format (found/planted):")
        for i in range(0, len(cells), 3):
            print("    " + "   ".join(cells[i:i + 3]))
        shape = [p for p in plants if "shape" in p.tags]
        if shape:
            print(f"  other NAME/value shapes (included above): "
                  f"{sum(1 for p in shape if not status[id(p)])}/{len(shape)} found")
        must = [p for p in plants if p.tags & {"config", "deleted", "overwritten", "opaque"}]
        must_missed = [p for p in must if status[id(p)]]
        for p in plants:
            groups = {}
            for fm, st in status[id(p)]:
                groups.setdefault(st or ("not evaluated", ""), []).append(fm)
            for (reason, detail), fms in groups.items():
                print(f"  MISS [{','.join(fms)}] {p.tok.fmt}: {reason}: planted {p.where()} "
                      f"({p.context}{'; ' + ','.join(sorted(p.tags)) if p.tags else ''}), "
                      f"rules {sorted(p.tok.rules)}; token {short(p.tok.needles[0])}"
                      + (f"; reported: {detail}" if detail else ""))
        for fm, f in extras:
            print(f"  EXTRA [{fm}] {brief(f)}")
        for x in problems:
            print(f"  CONTRACT {x}")
        for p in must_missed:
            print(f"  REQUIRED {p.tok.fmt} in {', '.join(sorted(p.tags))} ({p.where()}) "
                  "must be found")
        ok = recall >= RECALL_MIN and not must_missed and not extras and not problems
        print(f"secrets_eval: seed {seed}: {found}/{len(plants)} found ({100 * recall:.1f}%), "
              f"{wrong_loc} wrong location, {len(extras)} extra"
              + (f", {len(problems)} contract problems" if problems else "")
              + (f", {len(must_missed)} required missed" if must_missed else ""))
        if keep_dir:
            dst = os.path.join(keep_dir, f"seed-{seed}")
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(tmp, dst, symlinks=True, ignore=shutil.ignore_patterns("keys", "home"))
            with open(os.path.join(dst, "spec.json"), "w") as f:
                json.dump(spec, f)
            with open(os.path.join(dst, "planted.json"), "w") as f:
                json.dump([p.to_json() for p in plants], f, indent=1)
            print(f"  kept {dst}")
        return ok, found, len(plants), wrong_loc, len(extras)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def short(s):
    s = s.replace("\n", "\\n")
    return s if len(s) <= 50 else s[:30] + "..." + s[-12:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layerscan", required=True, help="the layerscan binary")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    ap.add_argument("--seeds", type=int, default=1, metavar="K",
                    help="run K seeds: SEED, SEED+1, ...")
    ap.add_argument("--keep", metavar="DIR", help="keep spec, images and reports in DIR/seed-N")
    ap.add_argument("--formats", default=",".join(IMAGE_FORMATS),
                    help="image formats to pack and scan (lspack names)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every planted secret")
    opts = ap.parse_args()
    opts.formats = [f for f in opts.formats.split(",") if f]
    for f in opts.formats:
        if f not in lspack.FORMATS:
            ap.error(f"unknown image format {f}")
    if not (os.path.isfile(opts.layerscan) and os.access(opts.layerscan, os.X_OK)):
        print(f"secrets_eval: {opts.layerscan} is not an executable", file=sys.stderr)
        return 1
    opts.layerscan = os.path.abspath(opts.layerscan)
    if shutil.which("openssl") is None:
        print("secrets_eval: SKIP: openssl is not installed (needed for the private keys)")
        return 77
    if opts.keep:
        os.makedirs(opts.keep, exist_ok=True)
    total = [0, 0, 0, 0]
    all_ok = True
    for k in range(opts.seeds):
        ok, found, planted, wrong, extra = run_seed(opts.seed + k, opts, opts.keep)
        all_ok = all_ok and ok
        for i, v in enumerate((found, planted, wrong, extra)):
            total[i] += v
    if opts.seeds > 1:
        print(f"secrets_eval: {opts.seeds} seeds from {opts.seed}: {total[0]}/{total[1]} found "
              f"({100 * total[0] / max(1, total[1]):.1f}%), {total[2]} wrong location, "
              f"{total[3]} extra: {'PASS' if all_ok else 'FAIL'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
