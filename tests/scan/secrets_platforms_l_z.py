#!/usr/bin/env python3
"""Planted values of every rule of src/lib/secrets/rules/platforms-l-z.toml, found by that rule.

For each rule, values in the provider's format (random characters from a seeded generator, so a
run is reproducible; --seed picks another set) go into three files of a one-layer docker-archive:
app/.env (NAME=value), app/config.yaml (name: "value") and app/src/App.java (a String constant,
camelCase name). The image is scanned with `layerscan scan -f json --show-secrets`, and each value
must be reported exactly once by its rule, on its line, with the value in `match`. A rule of the
file without a generator here fails the test, so a new rule comes with its planted values.

    secrets_platforms_l_z.py --layerscan build/layerscan [--seed N] [--per-rule K] [-v]

Exit 0 when every planted value is found; 1 otherwise. The last line is the summary:

    secrets_platforms_l_z: seed S: 288/288 found once on their line (48 rules)
"""

import argparse
import base64
import json
import os
import random
import string
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
sys.path.insert(0, os.path.join(ROOT, "src", "lib", "secrets", "rules"))
import gen_rules  # noqa: E402
import lspack  # noqa: E402

RULE_FILE = "platforms-l-z.toml"
DIGITS = string.digits
LOWER = string.ascii_lowercase
ALPHA = {
    "alnum": DIGITS + LOWER + string.ascii_uppercase, "lower": DIGITS + LOWER, "hex": "0123456789abcdef",
    "up": DIGITS + string.ascii_uppercase, "ext": DIGITS + LOWER + string.ascii_uppercase + "_-",
    "digits": DIGITS, "tfp": DIGITS + LOWER + string.ascii_uppercase + "_-",
}


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def s(self, kind, n):
        """n characters of an alphabet, with a digit and a letter where the alphabet has both,
        starting and ending with a letter or digit"""
        a = ALPHA[kind]
        while True:
            v = "".join(self.rng.choice(a) for _ in range(n))
            if (kind == "digits" or (any(c.isdigit() for c in v) and any(c.isalpha() for c in v))) \
                    and v[0].isalnum() and v[-1].isalnum():
                return v

    def uuid(self):
        h = self.s("hex", 32)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def a3(self):
        u = lambda n: self.s("up", n)  # noqa: E731
        return f"A3-{u(6)}-{u(6)}-{u(5)}-{u(5)}-{u(5)}-{u(5)}"

    def ops(self):
        b = lambda n: base64.urlsafe_b64encode(bytes(self.rng.getrandbits(8) for _ in range(n))).decode().rstrip("=")  # noqa: E731
        doc = {"signInAddress": f"{self.s('lower', 8)}.1password.com",
               "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256", "iterations": 650000, "salt": b(16)},
               "email": f"{self.s('lower', 13)}@1passwordserviceaccounts.com", "srpX": self.s("hex", 64),
               "muk": {"alg": "A256GCM", "ext": True, "k": b(32), "key_ops": ["encrypt", "decrypt"],
                       "kty": "oct", "kid": "mp"},
               "secretKey": self.a3(), "deviceUuid": self.s("lower", 26)}
        return "ops_" + base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode().rstrip("=")


def plan(g):
    """rule id -> (snake_case name the value is assigned to, value generator, the part `match` holds)"""
    s, u = g.s, g.uuid
    url = lambda: (lambda c: (f"https://{c}@gems.contribsys.com/", c))(s("hex", 8) + ":" + s("hex", 8))  # noqa: E731
    P = {
        "launchdarkly-access-token": ("launchdarkly_access_token", lambda: "api-" + u()),
        "launchdarkly-sdk-key": ("launchdarkly_sdk_key", lambda: "sdk-" + u()),
        "linkedin-client-secret": ("linkedin_client_secret", lambda: s("alnum", 16)),
        "lob-live-api-key": ("lob_api_key", lambda: "live_" + s("hex", 35)),
        "lob-test-api-key": ("lob_api_key", lambda: "test_" + s("hex", 35)),
        "looker-client-secret": ("looker_client_secret", lambda: s("alnum", 24)),
        "looker-client-id": ("looker_client_id", lambda: s("alnum", 20)),
        "maxmind-license-key": ("maxmind_license_key", lambda: s("alnum", 6) + "_" + s("alnum", 29) + "_mmk"),
        "messagebird-api-key": ("messagebird_access_key", lambda: s("alnum", 25)),
        "notion-api-token": ("notion_token", lambda: "ntn_" + s("digits", 11) + s("alnum", 35)),
        "notion-integration-secret": ("notion_api_key", lambda: "secret_" + s("alnum", 43)),
        "nytimes-api-key": ("nytimes_api_key", lambda: s("alnum", 32)),
        "okta-api-token": ("okta_api_token", lambda: "00" + s("ext", 40)),
        "openshift-user-token": ("openshift_token", lambda: "sha256~" + s("ext", 43)),
        "onepassword-service-account-token": ("op_service_account_token", g.ops),
        "onepassword-secret-key": ("op_secret_key", g.a3),
        "prefect-api-key": ("prefect_api_key", lambda: "pnu_" + s("alnum", 36)),
        "privateai-api-key": ("private_ai_api_key", lambda: s("lower", 32)),
        "private-packagist-token": ("packagist_token", lambda: "packagist_ort_" + s("hex", 68)),
        "rapidapi-key": ("rapidapi_key",
                         lambda: s("hex", 10) + "msh" + s("hex", 15) + "p1" + s("hex", 6) + "jsn" + s("hex", 11)),
        "readme-api-key": ("readme_api_key", lambda: "rdme_" + s("lower", 70)),
        "scalingo-api-token": ("scalingo_api_token", lambda: "tk-us-" + s("ext", 48)),
        "sendbird-api-token": ("sendbird_api_token", lambda: s("hex", 40)),
        "settlemint-personal-access-token": ("settlemint_token", lambda: "sm_pat_" + s("alnum", 20)),
        "settlemint-application-access-token": ("settlemint_app_token", lambda: "sm_aat_" + s("alnum", 20)),
        "settlemint-service-access-token": ("settlemint_service_token", lambda: "sm_sat_" + s("alnum", 20)),
        "shippo-live-api-token": ("shippo_api_token", lambda: "shippo_live_" + s("hex", 40)),
        "shippo-test-api-token": ("shippo_api_token", lambda: "shippo_test_" + s("hex", 40)),
        "sidekiq-license-credentials": ("bundle_gems__contribsys__com", lambda: s("hex", 8) + ":" + s("hex", 8)),
        "sidekiq-sensitive-url": ("sidekiq_source", url),
        "snyk-api-token": ("snyk_token", u),
        "sonar-token": ("sonar_token", lambda: "squ_" + s("hex", 40)),
        "sonar-legacy-token": ("sonar_token", lambda: s("hex", 40)),
        "sourcegraph-access-token": ("src_access_token", lambda: "sgp_" + s("hex", 16) + "_" + s("hex", 40)),
        "squarespace-api-key": ("squarespace_api_key", u),
        "sumologic-access-id": ("sumologic_access_id", lambda: "su" + s("alnum", 12)),
        "sumologic-access-key": ("sumologic_access_key", lambda: s("alnum", 64)),
        "twitch-api-token": ("twitch_client_secret", lambda: s("lower", 30)),
        "twitter-api-key": ("twitter_consumer_key", lambda: s("alnum", 25)),
        "twitter-api-secret": ("twitter_consumer_secret", lambda: s("alnum", 50)),
        "twitter-access-token": ("twitter_access_token", lambda: s("digits", 19) + "-" + s("alnum", 31)),
        "twitter-access-token-secret": ("twitter_access_token_secret", lambda: s("alnum", 45)),
        "twitter-bearer-token": ("twitter_bearer_token",
                                 lambda: "A" * 22 + s("alnum", 30) + "%2F" + s("alnum", 20) + "%3D" + s("alnum", 30)),
        "typeform-api-token": ("typeform_token", lambda: "tfp_" + s("tfp", 59)),
        "yandex-api-key": ("yc_api_key", lambda: "AQVN" + s("ext", 36)),
        "yandex-static-access-key-secret": ("yandex_secret_access_key", lambda: "YC" + s("ext", 38)),
        "yandex-iam-token": ("yandex_iam_token", lambda: "t1." + s("ext", 60) + "." + s("ext", 86)),
        "yandex-oauth-token": ("yc_oauth_token", lambda: "y0_Ag" + s("alnum", 53)),
    }
    out = {}
    for rid, (name, gen) in P.items():
        def one(gen=gen):
            v = gen()
            return v if isinstance(v, tuple) else (v, v)
        out[rid] = (name, one)
    return out


def camel(name):
    p = name.split("_")
    return p[0] + "".join(x[:1].upper() + x[1:] for x in p[1:] if x)


def line_for(path, rid, name, value):
    if path.endswith(".env"):
        return f"{name.upper()}={value}"
    if path.endswith(".yaml"):
        return f'{name}: "{value}"'
    if rid == "sidekiq-license-credentials":  # an environment variable name, also in Java
        return f'        env.put("{name.upper()}", "{value}");'
    return f'    private static final String {camel(name)} = "{value}";'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--per-rule", type=int, default=2, help="values per rule and file")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    prog = "secrets_platforms_l_z"
    with tempfile.TemporaryDirectory(prefix=prog + "-rules-") as d:  # the rules of this one file
        os.symlink(os.path.join(ROOT, "src", "lib", "secrets", "rules", RULE_FILE), os.path.join(d, RULE_FILE))
        rules = [r["id"] for r in gen_rules.load_rules(d)]
    want = plan(Gen(random.Random(a.seed)))
    mine = set(rules) & set(want)
    missing = sorted(set(rules) - set(want))
    files = {"app/.env": [], "app/config.yaml": ["app:"], "app/src/App.java": ["public class App {"]}
    plants = []
    for rid in sorted(mine):
        name, one = want[rid]
        for _ in range(a.per_rule):
            for path, lines in files.items():
                value, shown = one()
                lines.append(line_for(path, rid, name, value))
                plants.append((rid, "/" + path, len(lines), shown))
                lines.append("")
    files["app/config.yaml"] = ["app:"] + ["  " + l if l else l for l in files["app/config.yaml"][1:]]
    files["app/src/App.java"].append("}")
    spec = {"layers": [{"files": [{"path": p, "content_b64": base64.b64encode(
        ("\n".join(l) + "\n").encode()).decode()} for p, l in files.items()]}]}
    with tempfile.TemporaryDirectory(prefix=prog + "-") as tmp:
        out = os.path.join(tmp, "image.tar")
        lspack.pack(spec, tmp, "docker-archive", out)
        env = dict(os.environ, HOME=tmp, NO_COLOR="1")
        r = subprocess.run([a.layerscan, "scan", "-f", "json", "--show-secrets", "--no-progress",
                            "docker-archive:" + out], capture_output=True, text=True, env=env, timeout=300)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        print(f"{prog}: the report is not JSON (exit {r.returncode}): {r.stderr[:500]}")
        return 1
    fs = [f for f in rep.get("findings", []) if f.get("category") == "secret"]
    found, bad = 0, 0
    for rid, path, line, shown in plants:
        hits = [f for f in fs if f.get("rule_id") == rid and f["location"].get("path") == path
                and f["location"].get("line") == line and shown in (f.get("match") or "")]
        if len(hits) == 1:
            found += 1
            continue
        bad += 1
        near = sorted({(f.get("rule_id"), f["location"].get("line")) for f in fs
                       if f["location"].get("path") == path and f["location"].get("line") == line})
        print(f"{prog}: {rid}: {path}:{line}: {len(hits)} findings of the rule, on that line: {near}")
    for rid in missing:
        print(f"{prog}: {rid}: a rule of {RULE_FILE} with no planted values here")
    print(f"{prog}: seed {a.seed}: {found}/{len(plants)} found once on their line ({len(mine)} rules)")
    return 0 if not bad and not missing and found == len(plants) else 1


if __name__ == "__main__":
    sys.exit(main())
