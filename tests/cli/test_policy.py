#!/usr/bin/env python3
"""The policy file end to end: ignores (with expiry), disable, severity overrides, fail-on from the
policy and from the command line, the default ./.layerscan.yaml, malformed policies (exit 2 naming
FILE:LINE), custom secret rules, allowed-base-registries and max-image-age-days.

Images are built at test time with tests/tools/lspack.py. Every run has LAYERSCAN_NOW fixed at
2026-02-01 (the test images are built 2026-01-01). Exits 0 when every check passes, 1 when one
fails, 77 when a tool is missing.
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
NOW = "2026-02-01T00:00:00Z"
PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
ACME = "acme_q8x2m4k9z7w1v5n3b6c0l2p8r4t7y9ab"

LAYERSCAN = None
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


def run(args, cwd):
    e = dict(os.environ)
    e["LAYERSCAN_NOW"] = NOW
    p = subprocess.run([LAYERSCAN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=e, cwd=cwd, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def pack(spec, tmp, name):
    path = os.path.join(tmp, name + ".spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    out = os.path.join(tmp, name)
    subprocess.run([sys.executable, PACK, path, "--format", "docker-archive", "--out", out],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def scan_json(image, cwd, extra=()):
    """(exit code, report or None, stderr) of a JSON scan."""
    rc, out, err = run(["scan", "-q", "--offline", "-f", "json"] + list(extra) + [image], cwd)
    try:
        rep = json.loads(out)
    except ValueError:
        rep = None
    return rc, rep, err


def ids(rep, key="findings"):
    return sorted(f["rule_id"] for f in rep[key]) if rep else None


def body(tmp):
    # one high finding (env-file) in a non-root image; nothing else above info
    dirty = pack({"config": {"User": "app"}, "layers": [
        {"files": [{"path": "etc/passwd", "content": PASSWD},
                   {"path": "srv/app/.env", "content": "DB_HOST=db\n"}]}]}, tmp, "dirty.tar")
    clean = pack({"config": {"User": "app"}, "layers": [
        {"files": [{"path": "etc/passwd", "content": PASSWD}]}]}, tmp, "clean.tar")
    custom = pack({"config": {"User": "app"}, "layers": [
        {"files": [{"path": "etc/passwd", "content": PASSWD},
                   {"path": "app/conf.txt", "content": f"# api\ntoken = {ACME}\n"}]}]},
        tmp, "custom.tar")
    work = os.path.join(tmp, "work")  # a working directory without .layerscan.yaml
    os.mkdir(work)

    # the baseline: exit 1 for the env-file finding
    rc, rep, err = scan_json(dirty, work)
    check(rc == 1 and ids(rep) and "env-file" in ids(rep), "no policy: env-file fails the scan",
          f"rc={rc} err={err}")
    base_finding = [f for f in rep["findings"] if f["rule_id"] == "env-file"][0]
    check(rep["ignored"] == [] and rep["summary"]["ignored"] == 0, "no policy: nothing ignored")

    # an ignore entry with a future expiry: exit 0, the finding in `ignored`
    pol = write(os.path.join(tmp, "ignore.yaml"),
                "ignore:\n"
                "  - rule: env-file\n"
                "    path: /srv/app/*.env\n"
                "    reason: no secrets in it, reviewed\n"
                "    expires: 2026-12-31\n")
    rc, rep, err = scan_json(dirty, work, ["--policy", pol])
    check(rc == 0 and rep["result"] == "pass", "ignored until 2026-12-31: exit 0, result pass",
          f"rc={rc} err={err}")
    check("env-file" not in ids(rep), "ignored finding not in findings", json.dumps(rep["findings"]))
    ign = rep["ignored"]
    check(len(ign) == 1 and ign[0]["rule_id"] == "env-file" and
          ign[0]["location"]["path"] == "/srv/app/.env" and
          ign[0]["reason"] == "no secrets in it, reviewed" and ign[0]["expires"] == "2026-12-31" and
          ign[0]["fingerprint"] == base_finding["fingerprint"] and
          ign[0]["severity"] == "high" and ign[0]["category"] == "sensitive-file",
          "ignored finding listed with reason and expires", json.dumps(ign))
    check(rep["summary"]["ignored"] == 1 and rep["summary"]["high"] == 0 and
          rep["summary"]["total"] == len(rep["findings"]),
          "summary: ignored 1, not counted in severities", json.dumps(rep["summary"]))
    check(err == "", "no warning for a live ignore entry", err)

    # SARIF: the ignored finding is a result suppressed with the entry's reason, and validates
    rc, out, _ = run(["scan", "-q", "-f", "sarif", "--policy", pol, dirty], work)
    sarif = json.loads(out)
    sup = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    check(rc == 0 and len(sup) == 1 and sup[0]["ruleId"] == "env-file" and
          sup[0]["suppressions"][0]["kind"] == "external" and
          sup[0]["suppressions"][0]["justification"] == "no secrets in it, reviewed",
          "SARIF: the ignored finding is a suppressed result with the reason", json.dumps(sup))
    schema = os.path.join(HERE, "..", "..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")
    try:
        import jsonschema
        if os.path.exists(schema):
            errs = list(jsonschema.Draft7Validator(json.load(open(schema))).iter_errors(sarif))
            check(not errs, "SARIF with suppressions validates against the schema",
                  "; ".join(e.message for e in errs[:3]))
    except ImportError:
        pass

    # expiring today still applies
    write(pol, open(pol).read().replace("2026-12-31", "2026-02-01"))
    rc, rep, err = scan_json(dirty, work, ["--policy", pol])
    check(rc == 0 and len(rep["ignored"]) == 1 and err == "",
          "an entry expiring today still applies", f"rc={rc} err={err}")

    # expired: fails again, with a warning naming the line and the reason
    write(pol, open(pol).read().replace("2026-02-01", "2026-01-31"))
    rc, rep, err = scan_json(dirty, work, ["--policy", pol])
    check(rc == 1 and "env-file" in ids(rep) and rep["ignored"] == [] and
          rep["summary"]["ignored"] == 0, "expired entry: exit 1, the finding is back",
          f"rc={rc} {json.dumps(rep and rep['ignored'])}")
    check("warning" in err and f"{pol}:2:" in err and "expired on 2026-01-31" in err and
          "no secrets in it, reviewed" in err, "expired entry: warning names line and reason",
          err)
    # the table format (the default) sees the same
    rc, out, err = run(["scan", "-q", "--offline", "--policy", pol, dirty], work)
    check(rc == 1 and "warning" in err, "expired entry: table format exits 1 and warns", err)

    # ignore by fingerprint, and by layer (digest and diff_id)
    layer = rep["image"]["layers"][0]
    for sel in (f"fingerprint: {base_finding['fingerprint']}",
                f"layer: {layer['digest']}", f"layer: {layer['diff_id']}"):
        p2 = write(os.path.join(tmp, "sel.yaml"), f"ignore:\n  - {sel}\n    reason: r\n")
        rc, rep2, err = scan_json(dirty, work, ["--policy", p2])
        check(rc == 0 and "env-file" in ids(rep2, "ignored"), f"ignore by {sel.split(':')[0]}",
              f"rc={rc} err={err}")
    p2 = write(os.path.join(tmp, "sel.yaml"),
               "ignore:\n  - rule: env-file\n    path: /srv/*.env\n    reason: r\n")
    rc, rep2, err = scan_json(dirty, work, ["--policy", p2])
    check(rc == 1 and rep2["ignored"] == [], "'*' does not cross '/': no match, exit 1",
          f"rc={rc}")
    p2 = write(os.path.join(tmp, "sel.yaml"),
               "ignore:\n  - rule: env-file\n    path: /srv/**.env\n    reason: r\n")
    rc, rep2, err = scan_json(dirty, work, ["--policy", p2])
    check(rc == 0 and len(rep2["ignored"]) == 1, "'**' crosses '/'", f"rc={rc}")

    # disable and severity overrides
    p2 = write(os.path.join(tmp, "rules.yaml"), "rules:\n  disable: [env-file]\n")
    rc, rep, err = scan_json(dirty, work, ["--policy", p2])
    check(rc == 0 and "env-file" not in ids(rep) and rep["ignored"] == [],
          "disabled rule: no finding, not ignored either, exit 0", f"rc={rc}")
    p2 = write(os.path.join(tmp, "rules.yaml"), "rules:\n  severity:\n    env-file: low\n")
    rc, rep, err = scan_json(dirty, work, ["--policy", p2])
    f = [x for x in rep["findings"] if x["rule_id"] == "env-file"]
    check(rc == 0 and len(f) == 1 and f[0]["severity"] == "low" and rep["summary"]["low"] == 1,
          "severity override to low: exit 0, finding low", f"rc={rc} {json.dumps(f)}")
    rc, rep, err = scan_json(dirty, work, ["--policy", p2, "--fail-on", "low"])
    check(rc == 1 and rep["result"] == "fail", "overridden low finding fails at --fail-on low")

    # fail-on: the policy's, and the command line winning
    p2 = write(os.path.join(tmp, "failon.yaml"), "fail-on: critical\n")
    rc, rep, err = scan_json(dirty, work, ["--policy", p2])
    check(rc == 0 and rep["result"] == "pass", "policy fail-on critical: high passes", f"rc={rc}")
    rc, rep, err = scan_json(dirty, work, ["--policy", p2, "--fail-on", "high"])
    check(rc == 1 and rep["result"] == "fail", "--fail-on high wins over the policy", f"rc={rc}")
    p2 = write(os.path.join(tmp, "failon.yaml"), "fail-on: info\n")
    rc, rep, err = scan_json(clean, work, ["--policy", p2])
    check(rc == 1 and rep["result"] == "fail", "policy fail-on info: info findings fail",
          f"rc={rc}")
    p2 = write(os.path.join(tmp, "failon.yaml"), "fail-on: never\n")
    rc, rep, err = scan_json(dirty, work, ["--policy", p2])
    check(rc == 0, "policy fail-on never: exit 0", f"rc={rc}")

    # the default ./.layerscan.yaml, and --policy instead of it
    cwd = os.path.join(tmp, "withdefault")
    os.mkdir(cwd)
    write(os.path.join(cwd, ".layerscan.yaml"), "rules:\n  disable: [env-file]\n")
    rc, rep, err = scan_json(dirty, cwd)
    check(rc == 0 and "env-file" not in ids(rep), "./.layerscan.yaml is read by default",
          f"rc={rc} err={err}")
    p2 = write(os.path.join(tmp, "other.yaml"), "fail-on: high\n")
    rc, rep, err = scan_json(dirty, cwd, ["--policy", p2])
    check(rc == 1 and "env-file" in ids(rep), "--policy FILE replaces ./.layerscan.yaml",
          f"rc={rc}")
    write(os.path.join(cwd, ".layerscan.yaml"), "fail-on: hihg\n")
    rc, out, err = run(["scan", "-q", "--offline", dirty], cwd)
    check(rc == 2 and out == "" and ".layerscan.yaml:1:" in err,
          "a malformed ./.layerscan.yaml is exit 2 naming it", f"rc={rc} err={err}")

    # malformed policies: exit 2, nothing on stdout, FILE:LINE on stderr
    bad = [
        ("fail-on: high\nfial-on: low\n", 2, "unknown key"),
        ("fail-on: severe\n", 1, "unknown severity"),
        ("max-image-age-days: soon\n", 1, "max-image-age-days"),
        ("allowed-base-registries: docker.io\n", 1, "expected a list"),
        ("rules:\n  disable: [no-such-rule]\n", 2, "unknown rule"),
        ("rules:\n  severity:\n    env-file: urgent\n", 3, "unknown severity"),
        ("ignore:\n  - rule: env-file\n", 2, "reason"),
        ("ignore:\n  - reason: why\n", 2, "at least one of"),
        ("ignore:\n  - rule: env-file\n    reason: r\n    expires: 31/12/2026\n", 4, "date"),
        ("ignore:\n  - rule: env-file\n    reason: r\n  bad: [\n", 4, ""),
        ("rules:\n  custom:\n    - id: root-user\n      pattern: x\n      keywords: [x]\n", 3,
         "built-in"),
        ("rules:\n  custom:\n    - id: acme\n      pattern: 'acme_[0-9]{8}'\n"
         "      keywords: [acme_]\n      examples:\n        positive: [acme_qzwxrtpl]\n", 3,
         "does not match"),
    ]
    for i, (text, line, needle) in enumerate(bad):
        p2 = write(os.path.join(tmp, f"bad{i}.yaml"), text)
        rc, out, err = run(["scan", "-q", "--offline", "--policy", p2, dirty], work)
        check(rc == 2 and out == "" and f"{p2}:{line}:" in err and needle in err,
              f"malformed policy {i} ({needle or 'YAML syntax'}): exit 2 naming line {line}",
              f"rc={rc} err={err!r}")
    rc, out, err = run(["scan", "-q", "--policy", os.path.join(tmp, "missing.yaml"), dirty], work)
    check(rc == 2 and "missing.yaml" in err, "missing policy file: exit 2 naming it", err)

    # a custom secret rule: a finding of its own, with the engine's line and redaction
    p2 = write(os.path.join(tmp, "custom.yaml"),
               "rules:\n  custom:\n    - id: acme-api-token\n      title: ACME internal API token\n"
               "      severity: critical\n      pattern: 'acme_[a-z0-9]{32}'\n"
               "      keywords: [acme_]\n      examples:\n"
               f"        positive: ['{ACME}']\n        negative: ['acme_short']\n")
    rc, rep, err = scan_json(custom, work, ["--policy", p2])
    f = [x for x in rep["findings"] if x["rule_id"] == "acme-api-token"] if rep else []
    check(rc == 1 and len(f) == 1 and f[0]["category"] == "secret" and
          f[0]["severity"] == "critical" and f[0]["title"] == "ACME internal API token" and
          f[0]["location"]["path"] == "/app/conf.txt" and f[0]["location"]["line"] == 2 and
          f[0]["match"] != ACME and f[0]["match"].startswith("acme"),
          "custom rule: its finding, category secret, own title and severity, redacted",
          f"rc={rc} err={err} {json.dumps(f)}")
    rc, rep, err = scan_json(custom, work)
    check(rc == 0 and "acme-api-token" not in ids(rep), "without the policy: no custom finding",
          f"rc={rc}")
    p3 = write(os.path.join(tmp, "custom2.yaml"), open(p2).read() +
               "ignore:\n  - rule: acme-api-token\n    reason: test token\n")
    rc, rep, err = scan_json(custom, work, ["--policy", p3])
    check(rc == 0 and ids(rep, "ignored") == ["acme-api-token"],
          "an ignore entry may name a custom rule", f"rc={rc}")

    # allowed-base-registries
    p2 = write(os.path.join(tmp, "reg.yaml"),
               "allowed-base-registries:\n  - docker.io\n  - registry.example.com\n")
    rc, rep, err = scan_json(clean, work, ["--policy", p2, "--base", "quay.io/org/base:1"])
    f = [x for x in rep["findings"] if x["rule_id"] == "base-registry-not-allowed"]
    check(rc == 1 and len(f) == 1 and f[0]["severity"] == "high" and
          f[0]["category"] == "stale-base" and "quay.io" in f[0]["detail"],
          "base from a registry not allowed: high stale-base finding", f"rc={rc} {json.dumps(f)}")
    for base in ("alpine:3.20", "registry.example.com/team/base:2", "index.docker.io/library/debian"):
        rc, rep, err = scan_json(clean, work, ["--policy", p2, "--base", base])
        check(rc == 0 and "base-registry-not-allowed" not in ids(rep),
              f"base {base} from an allowed registry: no finding", f"rc={rc}")
    rc, rep, err = scan_json(clean, work, ["--base", "quay.io/org/base:1"])
    check(rc == 0 and "base-registry-not-allowed" not in ids(rep),
          "without allowed-base-registries: any registry", f"rc={rc}")

    # max-image-age-days (the images are 31 days old at NOW)
    p2 = write(os.path.join(tmp, "age.yaml"), "max-image-age-days: 30\n")
    rc, rep, err = scan_json(clean, work, ["--policy", p2])
    f = [x for x in rep["findings"] if x["rule_id"] == "image-too-old"]
    check(len(f) == 1 and "more than 30" in f[0]["detail"],
          "max-image-age-days 30: a 31-day-old image is too old", json.dumps(rep["findings"]))
    p2 = write(os.path.join(tmp, "age.yaml"), "max-image-age-days: 31\n")
    rc, rep, err = scan_json(clean, work, ["--policy", p2])
    check("image-too-old" not in ids(rep), "max-image-age-days 31: not too old")
    rc, rep, err = scan_json(clean, work)
    check("image-too-old" not in ids(rep), "default 90 days: not too old")


def main():
    global LAYERSCAN
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    LAYERSCAN = os.path.abspath(ap.parse_args().layerscan)
    if not os.path.exists(PACK):
        print("skip: lspack missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="lsc-policy-")
    try:
        body(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
