#!/usr/bin/env python3
"""Folded findings and notes in every report format (issue 14).

Three copies of one Stripe key in one file are one finding with a count; a GitHub token with a
good checksum in a doc comment of a package's .d.ts carries the note "looks like an example".
The JSON report has "count" and "note"; SARIF has them in the result's properties and says them
in the message; JUnit and the table say them on the finding's line. No format prints either
secret in clear. Images are built at test time with tests/tools/lspack.py. Exits 0 when every
check passes, 1 when one fails.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.join(HERE, "..", "tools", "lspack.py")
STRIPE = "sk_live_gI9nnejmXzr2hlpq14jrKmvO"
GHP = "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"  # its last 6 characters are the CRC32 of the 30
NOTE = "looks like an example"

failures = 0
checks = 0


def check(cond, what, detail=""):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}\n{detail}", file=sys.stderr)
    else:
        print(f"ok: {what}")


def run(ls, args):
    p = subprocess.run([ls] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                       env=dict(os.environ, LAYERSCAN_NOW="2026-02-01T00:00:00Z", NO_COLOR="1"))
    return p.returncode, p.stdout.decode("utf-8", "replace")


def image(tmp):
    nm = "srv/app/node_modules/@acme/sdk"
    spec = {"config": {"User": "1000"}, "layers": [{"created_by": "COPY . /", "files": [
        {"path": "app", "type": "dir"},
        {"path": "app/keys.txt",
         "content": f"primary {STRIPE}\nbackup {STRIPE}\nagain {STRIPE}\n"},
        {"path": "srv", "type": "dir"}, {"path": "srv/app", "type": "dir"},
        {"path": "srv/app/node_modules", "type": "dir"},
        {"path": "srv/app/node_modules/@acme", "type": "dir"}, {"path": nm, "type": "dir"},
        {"path": nm + "/index.d.ts",
         "content": f"/**\n * Authenticate with a token such as\n * {GHP}\n */\n"
                    "export declare function login(token: string): void;\n"},
    ]}]}
    path = os.path.join(tmp, "spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    out = os.path.join(tmp, "image.tar")
    subprocess.run([sys.executable, PACK, path, "--format", "docker-archive", "--out", out],
                   check=True, stdout=subprocess.DEVNULL)
    return "docker-archive:" + out


def body(ls, target):
    outs = {}
    for fmt in ("json", "sarif", "junit", "table"):
        rc, outs[fmt] = run(ls, ["scan", "-f", fmt, "--no-progress", target])
        check(rc == 1, f"{fmt}: exit 1", f"rc {rc}")
        check(STRIPE not in outs[fmt] and GHP not in outs[fmt], f"{fmt}: both secrets redacted")

    rep = json.loads(outs["json"])
    by_rule = {}
    for f in rep["findings"]:
        by_rule.setdefault(f["rule_id"], []).append(f)
    stripe = by_rule.get("stripe-secret-key", [])
    check(len(stripe) == 1 and stripe[0].get("count") == 3 and stripe[0]["location"]["line"] == 1,
          "json: three copies are one finding, count 3, first line", json.dumps(stripe))
    check("note" not in stripe[0] if stripe else False, "json: no note where none applies")
    ghp = by_rule.get("github-pat", [])
    check(len(ghp) == 1 and ghp[0].get("note") == NOTE and ghp[0]["severity"] == "critical"
          and "count" not in ghp[0], "json: the doc sample is critical, noted, without count",
          json.dumps(ghp))
    check(rep["summary"]["critical"] == 2, "json: the summary counts a folded finding once",
          json.dumps(rep["summary"]))

    sarif = json.loads(outs["sarif"])
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    s = results.get("stripe-secret-key", {})
    check(s.get("properties", {}).get("count") == 3 and
          "3 times in the file" in s.get("message", {}).get("text", ""),
          "sarif: properties.count 3 and the message says it", json.dumps(s)[:600])
    g = results.get("github-pat", {})
    check(g.get("properties", {}).get("note") == NOTE and
          NOTE in g.get("message", {}).get("text", ""),
          "sarif: properties.note and the message says it", json.dumps(g)[:600])

    check("(3 times)" in outs["junit"] and f"({NOTE})" in outs["junit"],
          "junit: the failure lines say the count and the note")
    lines = outs["table"].splitlines()
    check(any("/app/keys.txt:1" in l and "(3 times in the file)" in l for l in lines),
          "table: the finding's line says the count", outs["table"])
    check(any("index.d.ts:3" in l and f"({NOTE})" in l for l in lines),
          "table: the finding's line says the note", outs["table"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    ls = os.path.abspath(ap.parse_args().layerscan)
    tmp = tempfile.mkdtemp(prefix="lsc-fold-")
    try:
        body(ls, image(tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
