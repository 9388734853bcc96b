#!/usr/bin/env python3
"""Hostile keyword floods (issue 12): one file that repeats a secret rule's keyword, for a
representative keyword of every rule family, with a real secret (the rule's first positive in
src/lib/secrets/rules/secrets.toml) planted after the decoys.

A flood of 20 MiB compresses to a few KB, and each keyword hit used to cost a PCRE2 confirmation
over overlapping windows: minutes per file. Each case must finish under the harness's limits,
and the planted secret must be found, or the file reported with secret-scan-incomplete naming
that rule (the engine's confirmation budget ran out: never a silent miss). For the prefix
families (the secret starts with its keyword), whose decoys are refused by hand before PCRE2,
the secret must be found.

Every image is generated here (no committed blobs). Run directly: test_floods.py --layerscan PATH.
"""
import argparse
import json
import os
import sys
import tempfile
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402
import test_scale  # noqa: E402  (the tar and docker-archive writers)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "src", "lib", "secrets", "rules"))
import gen_rules  # noqa: E402  (load_rules: the one reader of the rule files)
MIB = 1 << 20

# (family, flood unit, rule of the planted secret, must the secret be found)
FAMILIES = [
    ("generic NAME=value", b"password=", "generic-password", False),
    ("generic name then space", b"token ", "generic-token", False),
    ("generic, every keyword", b"password=token=secret=api_key=auth=", "generic-token", False),
    ("prefix token", b"ghp_", "github-pat", True),
    ("prefix token, dashed", b"xoxb-", "slack-bot-token", True),
    ("prefix token, uppercase", b"AKIA", "aws-access-key-id", True),
    ("JWT", b"eyJ", "jwt", True),
    ("JWT with a body", b"eyJhbGciOiJIUzI1NiJ9 ", "jwt", False),  # each decoy needs PCRE2
    ("private-key armour", b"-----BEGIN RSA PRIVATE KEY-----\n", "pem-private-key", False),
    ("base64-ish context", b"AccountKey=", "azure-storage-account-key", False),
    ("provider context", b"datadog_api_key=", "datadog-api-key", False),
]


def positives():
    return {r["id"]: r["positive"][0] for r in gen_rules.load_rules()}


def image(path, unit, size, planted):
    data = unit * (size // len(unit)) + b"\n" + planted.encode() + b"\n"
    t = test_scale.Tar()
    t.add("app/", b"5", 0o755)
    t.add("app/f.txt", data=data)
    test_scale.write_image(path, [t.bytes()])


def findings(res):
    try:
        rep = json.loads(res.out)
    except ValueError:
        return None
    out = []

    def walk(x):
        if isinstance(x, dict):
            if "rule_id" in x:
                out.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(rep)
    return out


def check_for(rule, must_find):
    def check(res):
        fs = findings(res)
        if fs is None:
            return "the report is not JSON"
        found = any(f["rule_id"] == rule for f in fs)
        incomplete = [f for f in fs if f["rule_id"] == "secret-scan-incomplete"]
        named = any(f" rule {rule} " in (f.get("detail") or "") for f in incomplete)
        if must_find and not found:
            return f"the planted {rule} secret was not found (incomplete: {len(incomplete)})"
        if not found and not named:
            return f"neither a {rule} finding nor secret-scan-incomplete naming {rule}"
        other = [f["rule_id"] for f in fs if f["category"] == "secret" and
                 f["rule_id"] not in (rule, "secret-scan-incomplete")]
        if other:
            return f"findings of other secret rules: {sorted(set(other))[:5]}"
        return None
    return check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    ap.add_argument("--mib", type=int, default=20, help="size of each flood")
    ap.add_argument("--big-mib", type=int, default=100, help="size of the two large floods")
    a = ap.parse_args()
    pos = positives()
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(name, unit, rule, must, a.mib) for name, unit, rule, must in FAMILIES]
        cases += [(name + ", large", unit, rule, must, a.big_mib)
                  for name, unit, rule, must in (FAMILIES[0], FAMILIES[3])]
        for name, unit, rule, must, mib in cases:
            path = os.path.join(tmp, "flood.tar")
            image(path, unit, mib * MIB, pos[rule])
            res = hostile.run(a.layerscan, ["scan", "-q", "-f", "json", path])
            hostile.case(f"{name} flood ({unit[:24]!r}, {mib} MiB)", res, rcs=[0, 1],
                         check=check_for(rule, must), layerscan=a.layerscan)
            os.unlink(path)
    hostile.finish()


if __name__ == "__main__":
    main()
