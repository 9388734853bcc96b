#!/usr/bin/env python3
"""--baseline REPORT.json and the one-line summary on standard error.

A baseline made from one scan makes a rescan of the same image pass (in another format, with the
layers recompressed, too); an image with one more secret fails, on that secret only. Malformed
baselines are exit 2 naming the file. Every run has LAYERSCAN_NOW fixed.

    tests/cli/test_baseline.py --layerscan build/layerscan
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.join(HERE, "..", "tools", "lspack.py")
NOW = "2026-02-01T00:00:00Z"
LAYERSCAN = None
PASSED = FAILED = 0

GH_TOKEN = "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"
NPM_TOKEN = "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"


def check(cond, what, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print("ok:", what)
    else:
        FAILED += 1
        print("FAIL:", what)
        if detail:
            print("   ", str(detail)[:2000])


def run(args):
    e = dict(os.environ)
    e["LAYERSCAN_NOW"] = NOW
    p = subprocess.run([LAYERSCAN] + args, capture_output=True, text=True, env=e, timeout=300)
    return p.returncode, p.stdout, p.stderr


def pack(spec, tmp, name, fmt="docker-archive", extra=()):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump(spec, f)
    out = os.path.join(tmp, name)
    subprocess.run([sys.executable, PACK, path, "--format", fmt, "--out", out, *extra], check=True)
    return out


def spec(with_new_secret):
    layers = [
        {"created_by": "COPY app /app", "files": [
            {"path": "app", "type": "dir"},
            {"path": "app/config.yaml", "content": f"github:\n  token: {GH_TOKEN}\n"},
            {"path": "app/.env", "content": "DEBUG=1\n"}]},
    ]
    if with_new_secret:
        layers.append({"created_by": "COPY .npmrc /app/", "files": [
            {"path": "app", "type": "dir"},
            {"path": "app/deploy.sh", "content": f"export NPM_TOKEN={NPM_TOKEN}\nnpm publish\n"}]})
    return {"created": "2026-01-20T00:00:00Z", "config": {"User": "0"}, "layers": layers}


def main():
    global LAYERSCAN
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    LAYERSCAN = os.path.abspath(ap.parse_args().layerscan)
    with tempfile.TemporaryDirectory(prefix="lsc-baseline-") as tmp:
        old = pack(spec(False), tmp, "old.tar")
        new = pack(spec(True), tmp, "new.tar")
        old_oci = pack(spec(False), tmp, "old-oci", "oci", ["--layer-compression", "zstd"])
        base = os.path.join(tmp, "baseline.json")

        rc, out, err = run(["scan", "-f", "json", "-o", base, old])
        check(rc == 1, "the first scan fails (root user, secret, .env)", err)
        first = json.load(open(base))
        check(all(f["known"] is False for f in first["findings"]) and
              first["summary"]["known"] == 0, "without a baseline nothing is known")
        line = [ln for ln in err.splitlines() if ln.startswith("layerscan: ")]
        check(len(line) == 1 and "FAIL" in line[0] and "critical" in line[0] and " s" in line[0],
              "one summary line on stderr: counts, result, duration", err)
        rc, _, err = run(["scan", "-q", "-f", "json", old])
        check(err == "", "-q: no summary line", err)

        rc, out, err = run(["scan", "-f", "json", "--baseline", base, old])
        rep = json.loads(out)
        check(rc == 0 and rep["result"] == "pass", "rescan of the same image passes", err)
        check(rep["findings"] and all(f["known"] for f in rep["findings"]) and
              rep["summary"]["known"] == len(rep["findings"]),
              "its findings are still reported, as known", json.dumps(rep["summary"]))
        check("known from the baseline" in err and "PASS" in err, "the summary line says so", err)

        rc, out, err = run(["scan", "-f", "json", "--baseline", base, "oci:" + old_oci])
        check(rc == 0, "the same image as an OCI layout with zstd layers passes too", err)

        rc, out, err = run(["scan", "-f", "json", "--baseline", base, new])
        rep = json.loads(out)
        fresh = [f for f in rep["findings"] if not f["known"]]
        check(rc == 1 and rep["result"] == "fail", "a new secret fails the scan", err)
        check([f["rule_id"] for f in fresh if f["severity"] in ("critical", "high")] ==
              ["npm-access-token"], "only the new secret is not known",
              json.dumps([(f["rule_id"], f["known"]) for f in rep["findings"]]))

        rc, out, _ = run(["scan", "-f", "sarif", "--baseline", base, new])
        results = json.loads(out)["runs"][0]["results"]
        states = {r["ruleId"]: r.get("baselineState") for r in results}
        check(states.get("npm-access-token") == "new" and states.get("github-pat") == "unchanged",
              "SARIF baselineState: new and unchanged", json.dumps(states))

        rc, out, _ = run(["scan", "--baseline", base, new])
        check("(known: in the baseline)" in out, "the table marks known findings", out[-800:])

        bad = os.path.join(tmp, "bad.json")
        for text, what in (("{", "not JSON"), ('{"findings": []}', "not a report"),
                           ('{"schema": "layerscan/report/v1", "findings": [{"x": 1}]}',
                            "a finding without fingerprint")):
            with open(bad, "w") as f:
                f.write(text)
            rc, out, err = run(["scan", "--baseline", bad, old])
            check(rc == 2 and out == "" and "bad.json" in err, f"a baseline that is {what}: exit 2",
                  err)
        rc, out, err = run(["scan", "--baseline", os.path.join(tmp, "nope.json"), old])
        check(rc == 2 and "nope.json" in err, "a missing baseline: exit 2 naming it", err)
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
