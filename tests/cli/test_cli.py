#!/usr/bin/env python3
"""The command line contract: exit codes, formats, output streams, redaction, colour.

Images are built at test time with tests/tools/lspack.py. Exits 0 when every check passes,
1 on the first failure (with what was expected and what happened), 77 when a tool is missing.
"""
import argparse
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.join(HERE, "..", "tools", "lspack.py")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
# a credential that the sensitive-file detector reports with its value as the match
GIT_CRED_SECRET = "s3cr3tTokenValue9876"

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


def run(args, stdin=None, env=None, input_bytes=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    # a fixed clock a month after the test images were built: image age and end-of-life
    # findings do not depend on the day the tests run
    e["LAYERSCAN_NOW"] = "2026-02-01T00:00:00Z"
    if env:
        e.update(env)
    p = subprocess.run([LAYERSCAN] + args, stdin=stdin, input=input_bytes,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def pack(spec, fmt, tmp, name, extra=()):
    path = os.path.join(tmp, name + ".spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    out = os.path.join(tmp, name)
    subprocess.run([sys.executable, PACK, path, "--format", fmt, "--out", out] + list(extra),
                   check=True, stdout=subprocess.DEVNULL)
    return out


def findings(stdout):
    return json.loads(stdout)["findings"]


def main():
    global LAYERSCAN
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    LAYERSCAN = os.path.abspath(ap.parse_args().layerscan)
    if not shutil.which("zstd"):
        print("skip: zstd missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="lsc-cli-")
    try:
        body(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{checks - failures} passed, {failures} failed")
    return 1 if failures else 0


def body(tmp):
    clean = {"config": {"User": "app"}, "layers": [
        {"files": [{"path": "etc/passwd", "content": PASSWD},
                   {"path": "app/main.py", "content": "print('hi')\n"}]}]}
    dirty = {"config": {}, "layers": [
        {"files": [{"path": "etc/passwd", "content": PASSWD},
                   {"path": "app/.env", "content": "DB_PASSWORD=hunter2hunter2\n"},
                   {"path": "root/.git-credentials",
                    "content": f"https://deploy:{GIT_CRED_SECRET}@git.example.com\n"}]},
        {"files": [{"path": "app/.wh..env", "content": ""}]}]}
    clean_tar = pack(clean, "docker-archive", tmp, "clean.tar")
    dirty_tar = pack(dirty, "docker-archive", tmp, "dirty.tar")
    dirty_oci = pack(dirty, "oci", tmp, "dirty-oci", ["--layer-compression", "zstd"])

    # --version, --help, usage errors
    rc, out, _ = run(["--version"])
    check(rc == 0 and out.strip() == "layerscan 0.1.0", "--version", out)
    rc, out, _ = run(["--help"])
    check(rc == 0 and "Usage:" in out, "--help exits 0 on stdout")
    for args, what in [([], "no arguments"), (["frobnicate"], "unknown command"),
                       (["scan"], "scan without target"),
                       (["scan", clean_tar, clean_tar], "two targets"),
                       (["scan", "-f", "xml", clean_tar], "unknown format"),
                       (["scan", "--fail-on", "severe", clean_tar], "bad --fail-on"),
                       (["scan", "-j", "0", clean_tar], "bad --jobs"),
                       (["scan", "--bogus", clean_tar], "unknown option"),
                       (["scan", "--policy", "missing-policy.yaml", clean_tar],
                        "--policy naming a missing file"),
                       (["rules", "extra"], "rules with an argument")]:
        rc, out, err = run(args)
        check(rc == 2 and out == "" and err.strip() != "", f"usage error: {what} exits 2",
              f"rc={rc} out={out!r} err={err!r}")

    # unreadable, missing and garbage inputs: exit 2 with a message naming the input
    garbage = os.path.join(tmp, "garbage.bin")
    with open(garbage, "wb") as f:
        f.write(os.urandom(4096))
    for target, needle in [("./missing.tar", "missing.tar"),
                           ("docker-archive:" + os.path.join(tmp, "nope.tar"), "nope.tar"),
                           ("oci:" + os.path.join(tmp, "nodir"), "nodir"),
                           (garbage, "garbage.bin"),
                           (tmp, "oci-layout"),
                           ("alpine:3.20", "registry")]:
        rc, out, err = run(["scan", target])
        check(rc == 2 and out == "" and needle in err, f"bad input {target} exits 2 naming it",
              f"rc={rc} err={err!r}")

    # clean image: exit 0, result pass, nothing on stderr with -q
    rc, out, err = run(["scan", "-q", "-f", "json", clean_tar])
    check(rc == 0, "clean image exits 0", err)
    rep = json.loads(out)
    # only informational findings (base unknown, no HEALTHCHECK, ...) on a clean image
    check(rep["result"] == "pass" and
          all(f["severity"] == "info" and (f["category"] == "stale-base" or
                                           f["rule_id"] == "no-healthcheck")
              for f in rep["findings"]),
          "clean image: result pass, no finding above info", json.dumps(rep["findings"]))
    check(err == "", "stderr empty with -q", err)
    for key in ("schema", "tool", "target", "image", "findings", "summary", "stats", "result"):
        check(key in rep, f"report has {key}")
    check(rep["schema"] == "layerscan/report/v1", "schema name")
    for key in ("input", "transport", "reference", "manifest_digest", "config_digest",
                "platform"):
        check(key in rep["target"], f"target.{key} present")
    for key in ("critical", "high", "medium", "low", "info", "total", "ignored"):
        check(key in rep["summary"], f"summary.{key} present")
    for key in ("layers", "files", "bytes_uncompressed", "duration_ms"):
        check(key in rep["stats"], f"stats.{key} present")
    lay = rep["image"]["layers"][0]
    for key in ("index", "digest", "diff_id", "media_type", "size", "created_by"):
        check(key in lay, f"layer.{key} present")
    check(re.fullmatch(r"sha256:[0-9a-f]{64}", lay["digest"]) is not None, "layer digest form")

    # a dirty image: exit 1, findings, redaction everywhere unless --show-secrets
    rc, out, err = run(["scan", "-f", "json", dirty_tar])
    check(rc == 1 and json.loads(out)["result"] == "fail", "findings at high exit 1", err)
    fs = findings(out)
    rules = sorted(f["rule_id"] for f in fs)
    check("root-user" in rules and "env-file" in rules and "git-credentials" in rules,
          "dirty image findings", rules)
    env = [f for f in fs if f["rule_id"] == "env-file"]
    check(len(env) == 1 and env[0]["in_final_image"] is False and
          env[0]["location"]["layer_index"] == 0 and env[0]["location"]["path"] == "/app/.env",
          "deleted .env reported from its layer, not in the final image", env)
    for fmt in ("json", "table"):
        rc, out, err = run(["scan", "-f", fmt, dirty_tar])
        check(GIT_CRED_SECRET not in out + err, f"{fmt}: secret redacted by default")
        rc, out, err = run(["scan", "-f", fmt, "--show-secrets", dirty_tar])
        check(GIT_CRED_SECRET in out, f"{fmt}: --show-secrets prints the secret")
    gc = [f for f in findings(run(["scan", "-f", "json", dirty_tar])[1])
          if f["rule_id"] == "git-credentials"]
    check(gc and gc[0]["match"] and gc[0]["match"][:4] == GIT_CRED_SECRET[:4] and
          gc[0]["match"][-4:] == GIT_CRED_SECRET[-4:] and "*" in gc[0]["match"] and
          len(gc[0]["match"]) == len(GIT_CRED_SECRET), "redaction keeps first/last four", gc)

    # --fail-on thresholds
    rc, _, _ = run(["scan", "-q", "--fail-on", "never", dirty_tar])
    check(rc == 0, "--fail-on never exits 0")
    rc, out, _ = run(["scan", "-q", "-f", "json", "--fail-on", "critical", clean_tar])
    check(rc == 0, "--fail-on critical on a clean image")
    rc, _, _ = run(["scan", "-q", "--fail-on", "info", dirty_tar])
    check(rc == 1, "--fail-on info exits 1")

    # -o writes the report to the file, nothing on stdout
    outfile = os.path.join(tmp, "report.json")
    rc, out, _ = run(["scan", "-q", "-f", "json", "-o", outfile, dirty_tar])
    check(rc == 1 and out == "" and json.load(open(outfile))["schema"] == "layerscan/report/v1",
          "-o FILE")

    # standard input, both spellings, give the same findings and fingerprints as the file
    base = sorted((f["rule_id"], f["fingerprint"]) for f in
                  findings(run(["scan", "-q", "-f", "json", dirty_tar])[1]))
    for target in ("-", "docker-archive:-"):
        with open(dirty_tar, "rb") as f:
            rc, out, err = run(["scan", "-q", "-f", "json", target], stdin=f)
        got = sorted((x["rule_id"], x["fingerprint"]) for x in findings(out))
        check(rc == 1 and got == base, f"stdin as {target} matches the file scan", err)
    # fingerprints are stable across transports and layer recompression (diff_id based)
    got = sorted((x["rule_id"], x["fingerprint"]) for x in
                 findings(run(["scan", "-q", "-f", "json", "oci:" + dirty_oci])[1]))
    check(got == base, "fingerprints survive recompression (docker-archive vs zstd OCI)",
          f"{got}\n{base}")

    # colour: never when not a TTY, on a TTY unless NO_COLOR
    rc, out, _ = run(["scan", dirty_tar])
    check(not ANSI.search(out), "no colour when stdout is not a TTY")
    check(ANSI.search(tty_run(["scan", dirty_tar], {})) is not None, "colour on a TTY")
    check(not ANSI.search(tty_run(["scan", dirty_tar], {"NO_COLOR": "1"})),
          "NO_COLOR disables colour on a TTY")

    # rules
    rc, out, _ = run(["rules", "--format", "json"])
    rl = json.loads(out)
    ids = [r["id"] for r in rl]
    check(rc == 0 and len(ids) == len(set(ids)) and {"root-user", "env-file", "private-key"} <=
          set(ids), "rules --format json lists unique ids")
    check(all(r["severity"] in ("critical", "high", "medium", "low", "info") for r in rl),
          "rules have valid severities")
    rc, out, _ = run(["rules"])
    check(rc == 0 and all(i in out for i in ids), "rules table lists every rule")
    # rules per family: a secret rule's TOML family (by default its id's first word), another
    # rule's detector; the table's last section counts them, after the rule list and a blank line
    fam = {r["id"]: r.get("family") for r in rl}
    check(fam.get("aws-access-key-id") == "aws" and fam.get("slack-bot-token") == "slack" and
          fam.get("curl-basic-auth") == "shell" and fam.get("wget-password") == "shell" and
          fam.get("jwt-base64") == "jwt" and fam.get("root-user") == "user",
          "rules --format json gives each rule its family",
          {k: fam.get(k) for k in ("aws-access-key-id", "curl-basic-auth", "jwt-base64", "root-user")})
    check(all(r.get("family") and (r["detector"] == "secret" or r["family"] == r["detector"])
              for r in rl) and fam.get("secret-scan-incomplete") == "secret",
          "every rule has a family; another detector's rule (and the engine's own) has its detector's")
    want = {}
    for r in rl:
        want[r["family"]] = want.get(r["family"], 0) + 1
    lines = out.splitlines()
    blank = lines.index("") if "" in lines else len(lines)
    listed = [ln.split()[0] for ln in lines[1:blank]]
    got = {}
    if blank + 1 < len(lines) and lines[blank + 1].split() == ["FAMILY", "RULES"]:
        for ln in lines[blank + 2:]:
            name, n = ln.split()
            got[name] = int(n)
    check(listed == ids, "rules table: the rule list first, one line a rule, as before")
    check(got == want and list(got) == sorted(got) and sum(got.values()) == len(ids),
          "rules table ends with the count of rules per family, by name",
          f"table {sorted(got.items())[:8]} json {sorted(want.items())[:8]}")
    # the man page describes every rule by id, but for the secret engine's (described as a group)
    man = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "man",
                       "layerscan.1")
    with open(man, encoding="utf-8") as f:
        man_text = f.read().replace("\\-", "-")
    undocumented = [r["id"] for r in rl if r["detector"] != "secret" and
                    not re.search(r"\b" + re.escape(r["id"]) + r"\b", man_text)]
    check(not undocumented, "the man page describes every rule", ", ".join(undocumented))


def tty_run(args, extra_env):
    """Runs layerscan with stdout on a pseudo-terminal; returns what it printed."""
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.update(extra_env)
    master, slave = pty.openpty()
    p = subprocess.Popen([LAYERSCAN] + args, stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


if __name__ == "__main__":
    sys.exit(main())
