#!/usr/bin/env python3
"""The SARIF and JUnit reports against the JSON report of the same scan.

SARIF is validated against the official 2.1.0 schema (../shared/schemas/ next to the repository,
never copied into it) with python3-jsonschema; every finding must be a result with the right
rule, level, URI, line and fingerprint. JUnit must parse, hold one test case per rule and fail
exactly the rules with findings at or above --fail-on. Neither may print a secret in clear
without --show-secrets. Images are built at test time with tests/tools/lspack.py.

Exits 0 when every check passes, 1 when one fails. Without the schema (a plain clone has no
../shared) or python3-jsonschema, only the schema validation is skipped, and the run says so;
every other check runs.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
PACK = os.path.join(HERE, "..", "tools", "lspack.py")
SCHEMA = os.path.join(REPO, "..", "shared", "schemas", "sarif-schema-2.1.0.json")

PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
GIT_CRED_SECRET = "s3cr3tTokenValue9876"
AWS_KEY = "AKIAQYLPMN5HHHFPZAM2"
SECRETS = (GIT_CRED_SECRET, AWS_KEY)
# a space, "%", non-ASCII; XML's special characters and a control character; invalid UTF-8
SPACE_PATH = "/app/my dir/caf\u00e9 100%.py"
XML_PATH = "/app/x<&>\"'\x01.py"
BAD_UTF8_PATH = "/app/bad\udcffname.py"  # byte 0xff in the tar (lspack: surrogateescape)

LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SCORE = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0", "info": "1.0"}
RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

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


def run(args):
    e = dict(os.environ)
    # a fixed clock a month after the test images were built (image age, end of life)
    e["LAYERSCAN_NOW"] = "2026-02-01T00:00:00Z"
    p = subprocess.run([LAYERSCAN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=e, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def pack(spec, tmp, name):
    path = os.path.join(tmp, name + ".spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    out = os.path.join(tmp, name)
    subprocess.run([sys.executable, PACK, path, "--format", "docker-archive", "--out", out],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def uri_of(path):
    """The artifact URI layerscan must write for a path of the JSON report, where a byte that is
    not UTF-8 is the four characters \\xNN: the URI percent-encodes the byte itself."""
    path = re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(0xdc00 + int(m.group(1), 16)), path)
    raw = path.lstrip("/").encode("utf-8", "surrogateescape")
    return urllib.parse.quote(raw, safe="/")


def main():
    global LAYERSCAN
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    LAYERSCAN = os.path.abspath(ap.parse_args().layerscan)
    validator, why = schema_validator()
    if not validator:
        print(f"skip: the SARIF schema validation only ({why}); every other check runs")
    tmp = tempfile.mkdtemp(prefix="lsc-fmt-")
    try:
        body(tmp, validator)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{checks - failures} passed, {failures} failed"
          + ("" if validator else f", SARIF schema validation skipped ({why})"))
    return 1 if failures else 0


def schema_validator():
    """The SARIF 2.1.0 validator, or None and why it cannot be had."""
    try:
        import jsonschema
    except ImportError:
        return None, "python3-jsonschema missing"
    if not os.path.exists(SCHEMA):
        return None, f"{os.path.normpath(SCHEMA)} missing"
    with open(SCHEMA) as f:
        return jsonschema.Draft7Validator(json.load(f)), ""


def body(tmp, validator):
    clean = {"config": {"User": "app"}, "layers": [
        {"files": [{"path": "etc/passwd", "content": PASSWD},
                   {"path": "app/main.py", "content": "print('hi')\n"}]}]}
    aws = f"\n\nAWS_ACCESS_KEY_ID = '{AWS_KEY}'\n"
    dirty = {"config": {}, "layers": [
        {"files": [{"path": "etc/passwd", "content": PASSWD},
                   {"path": "app/.env", "content": "DB_PASSWORD=hunter2hunter2\n"},
                   {"path": "root/.git-credentials",
                    "content": f"https://deploy:{GIT_CRED_SECRET}@git.example.com\n"},
                   {"path": SPACE_PATH.lstrip("/"), "content": aws},
                   {"path": XML_PATH.lstrip("/"), "content": aws},
                   {"path": BAD_UTF8_PATH.lstrip("/"), "content": aws}]},
        {"files": [{"path": "app/.wh..env", "content": ""}]}]}
    images = {"clean": pack(clean, tmp, "clean.tar"), "dirty": pack(dirty, tmp, "dirty.tar")}

    rc, out, _ = run(["rules", "-f", "json"])
    rules = json.loads(out)
    check(rc == 0 and rules, "rules -f json")

    for name, image in images.items():
        for fail_on in ("high", "critical", "info", "never"):
            rc_json, out, err = run(["scan", "-q", "-f", "json", "--fail-on", fail_on, image])
            check(rc_json in (0, 1), f"{name} --fail-on {fail_on}: json scan completes", err)
            rep = json.loads(out)
            if name == "dirty" and fail_on == "high":
                check_dirty_json(rep)
            sarif_checks(validator, rules, rep, image, name, fail_on, rc_json)
            junit_checks(rules, rep, image, name, fail_on, rc_json)
    check(run(["scan", "-q", "--fail-on", "high", images["dirty"]])[0] == 1 and
          run(["scan", "-q", "--fail-on", "high", images["clean"]])[0] == 0,
          "exit codes: dirty fails, clean passes")

    # -o FILE: the report in the file, nothing on stdout; --show-secrets prints them in clear
    for fmt in ("sarif", "junit"):
        path = os.path.join(tmp, "report." + fmt)
        rc, out, err = run(["scan", "-q", "-f", fmt, "-o", path, images["dirty"]])
        with open(path, encoding="utf-8") as f:
            text = f.read()
        check(rc == 1 and out == "" and text.strip(), f"{fmt}: -o FILE", err)
        if fmt == "sarif":
            check(json.loads(text)["version"] == "2.1.0", "sarif: -o FILE holds the report")
        else:
            check(ET.fromstring(text).tag == "testsuites", "junit: -o FILE holds the report")
        rc, out, _ = run(["scan", "-q", "-f", fmt, "--show-secrets", images["dirty"]])
        check(rc == 1 and all(s in out for s in SECRETS), f"{fmt}: --show-secrets prints them")
        rc, out, _ = run(["scan", "-q", "-f", fmt, images["dirty"]])
        check(not any(s in out for s in SECRETS), f"{fmt}: no secret in clear by default")
        if fmt == "sarif":
            msgs = [r["message"]["text"] for r in json.loads(out)["runs"][0]["results"]]
            check(any(GIT_CRED_SECRET[:4] + "*" in m and GIT_CRED_SECRET[-4:] in m
                      for m in msgs), "sarif: the message holds the redacted match", msgs)


def check_dirty_json(rep):
    fs = rep["findings"]
    paths = {f["location"]["path"] for f in fs}
    check({"/app/.env", "/root/.git-credentials", SPACE_PATH} <= paths and
          any(p and p.startswith("/app/x<&>") for p in paths) and
          any(p and p.startswith("/app/bad") and p.endswith("name.py") for p in paths) and
          "root-user" in {f["rule_id"] for f in fs},
          "dirty image: the findings the format checks rely on", json.dumps(fs, indent=1))


def sarif_checks(validator, rules, rep, image, name, fail_on, rc_json):
    what = f"sarif {name} --fail-on {fail_on}"
    rc, out, err = run(["scan", "-q", "-f", "sarif", "--fail-on", fail_on, image])
    check(rc == rc_json, f"{what}: exit code {rc} as json's {rc_json}", err)
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, f"{what}: parses", f"{e}\n{out[:2000]}")
        return
    if validator:
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        check(not errors, f"{what}: validates against the SARIF 2.1.0 schema",
              "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10]))
    check(doc.get("version") == "2.1.0" and len(doc.get("runs", [])) == 1, f"{what}: one run")
    run0 = doc["runs"][0]
    driver = run0["tool"]["driver"]
    check(driver["name"] == "layerscan" and driver["version"] == rep["tool"]["version"],
          f"{what}: tool.driver")
    check(run0["invocations"][0]["executionSuccessful"] is True, f"{what}: invocation")
    sr = driver["rules"]
    check([r["id"] for r in sr] == [r["id"] for r in rules],
          f"{what}: tool.driver.rules is every rule, in order",
          f"{[r['id'] for r in sr][:5]} vs {[r['id'] for r in rules][:5]}")
    bad = [r["id"] for r, want in zip(sr, rules)
           if r["shortDescription"]["text"] != want["title"] or
           r["fullDescription"]["text"] != want["description"] or
           r["defaultConfiguration"]["level"] != LEVEL[want["severity"]] or
           r["properties"]["security-severity"] != SCORE[want["severity"]] or
           r["properties"]["category"] != want["category"] or
           not r["name"].isalnum() or not r["name"][0].isupper() or
           not r["help"]["text"]]
    check(not bad, f"{what}: rule descriptors", bad)
    props = run0["properties"]["image"]
    check(props["config_digest"] == rep["target"]["config_digest"] and
          props["manifest_digest"] == rep["target"]["manifest_digest"] and
          [l["digest"] for l in props["layers"]] ==
          [l["digest"] for l in rep["image"]["layers"]], f"{what}: run.properties.image")

    results = run0["results"]
    check(len(results) == len(rep["findings"]), f"{what}: one result per finding",
          f"{len(results)} results, {len(rep['findings'])} findings")
    by_fp = {r["partialFingerprints"]["layerscanFingerprint/v1"]: r for r in results}
    check(len(by_fp) == len(results), f"{what}: fingerprints unique")
    for f in rep["findings"]:
        r = by_fp.get(f["fingerprint"])
        loc = f["location"]
        label = f"{what}: {f['rule_id']} at {loc['path'] or loc['source']!r}"
        if r is None:
            check(False, f"{label}: has a result with its fingerprint")
            continue
        phys = r["locations"][0].get("physicalLocation", {})
        uri = phys.get("artifactLocation", {}).get("uri")
        want_uri = uri_of(loc["path"]) if loc["path"] else "image"
        ok = (r["ruleId"] == f["rule_id"] and sr[r["ruleIndex"]]["id"] == f["rule_id"] and
              r["level"] == LEVEL[f["severity"]] and uri == want_uri and
              phys.get("region", {}).get("startLine") == loc["line"] and
              r["properties"]["layer_index"] == loc["layer_index"] and
              r["properties"]["layer_digest"] == loc["layer_digest"] and
              r["properties"]["in_final_image"] == f["in_final_image"] and
              r["properties"]["severity"] == f["severity"] and
              r["properties"]["image"]["config_digest"] == rep["target"]["config_digest"] and
              f["title"] in r["message"]["text"])
        check(ok, f"{label}: ruleId, level, uri, line, properties", json.dumps(r, indent=1))
        if loc["path"] == SPACE_PATH:
            check(uri == "app/my%20dir/caf%C3%A9%20100%25.py", f"{what}: URI escaping", uri)
        if loc["path"] == "/app/.env":
            check(r["properties"]["in_final_image"] is False and
                  r["properties"]["layer_index"] == 0, f"{what}: deleted .env")
    check(not any(s in out for s in SECRETS), f"{what}: no secret in clear")


def junit_checks(rules, rep, image, name, fail_on, rc_json):
    what = f"junit {name} --fail-on {fail_on}"
    rc, out, err = run(["scan", "-q", "-f", "junit", "--fail-on", fail_on, image])
    check(rc == rc_json, f"{what}: exit code {rc} as json's {rc_json}", err)
    try:
        root = ET.fromstring(out.encode("utf-8"))
    except ET.ParseError as e:
        check(False, f"{what}: parses as XML", f"{e}\n{out[:2000]}")
        return
    cases = root.findall("./testsuite/testcase")
    by_id = {c.get("name").split(": ", 1)[0]: c for c in cases}
    check(root.tag == "testsuites" and len(cases) == len(rules) and
          [c.get("name") for c in cases] == [f"{r['id']}: {r['title']}" for r in rules],
          f"{what}: one test case per rule, named 'id: title'", f"{len(cases)} cases")
    check(all(by_id[r["id"]].get("classname") == r["category"] for r in rules if r["id"] in by_id),
          f"{what}: classname is the category")
    threshold = RANK.get(fail_on, 99)
    want_fail = {f["rule_id"] for f in rep["findings"] if RANK[f["severity"]] >= threshold}
    want_out = {f["rule_id"] for f in rep["findings"] if RANK[f["severity"]] < threshold}
    got_fail = {k for k, c in by_id.items() if c.find("failure") is not None}
    got_out = {k for k, c in by_id.items() if c.find("system-out") is not None}
    check(got_fail == want_fail, f"{what}: failures exactly for rules with findings at or above",
          f"got {sorted(got_fail)} want {sorted(want_fail)}")
    check(got_out == want_out, f"{what}: system-out for rules with findings below",
          f"got {sorted(got_out)} want {sorted(want_out)}")
    nfail = len(got_fail)
    suites = root.findall("testsuite")
    check(root.get("tests") == str(len(cases)) and root.get("failures") == str(nfail) and
          len(suites) == 1 and suites[0].get("tests") == str(len(cases)) and
          suites[0].get("failures") == str(nfail) and
          suites[0].get("name") == "layerscan: " + rep["target"]["input"],
          f"{what}: tests and failures counts", f"{root.attrib} {suites[0].attrib}")
    for rid in got_fail:
        fail = by_id[rid].find("failure")
        sevs = [f["severity"] for f in rep["findings"]
                if f["rule_id"] == rid and RANK[f["severity"]] >= threshold]
        top = max(sevs, key=lambda s: RANK[s])
        check(fail.get("type") == top and fail.get("message"), f"{what}: {rid} failure type")
    for f in rep["findings"]:
        c = by_id.get(f["rule_id"])
        text = "".join(c.itertext()) if c is not None else ""
        where = f["location"]["path"] or f["location"]["source"]
        # a control character is written \x01 in JUnit (XML 1.0 cannot carry it), like an
        # invalid byte is in both reports
        where = where.replace("\x01", "\\x01")
        check(where in text, f"{what}: {f['rule_id']} lists {where!r}", text[:500])
    check(not any(s in out for s in SECRETS), f"{what}: no secret in clear")


if __name__ == "__main__":
    sys.exit(main())
