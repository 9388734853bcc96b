#!/usr/bin/env python3
"""Data-driven scan tests: pack a CASE.json image in several formats with
tests/tools/lspack.py, scan each with layerscan, and compare against the case's
expectations.

  run_case.py --layerscan build/layerscan tests/scan/cases/overlay-whiteout.json
  run_case.py --layerscan build/layerscan tests/scan/cases            # every case
  run_case.py --layerscan build/layerscan --format-only oci CASE.json

A case is an lspack spec plus the runner keys documented in fixtures/README.md
("formats", "args", "platform", "tamper", "expect", "secrets", "slow", ...).

Exit: 0 all passed, 1 something failed, 77 something could not run (a missing
tool such as zstd, or a slow case skipped with --skip-slow/LAYERSCAN_SKIP_SLOW=1).

Environment: LAYERSCAN_WRAPPER (e.g. "valgrind -q --error-exitcode=99") is put
in front of the layerscan command; LAYERSCAN_TEST_TIMEOUT (seconds, default
600) bounds each scan.
"""

import argparse
import copy
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import lspack  # noqa: E402

DEFAULT_FORMATS = ["docker-archive", "docker-archive-v25", "docker-archive-skopeo", "oci",
                   "oci-archive", "stdin", "docker-archive+gzip", "oci-archive+zstd"]
# How each format is named on the command line unless the case says `FMT@bare` or
# `FMT@transport`: a mix, so both explicit transports and content detection of
# bare paths get exercised by every case.
DEFAULT_STYLE = {"docker-archive": "transport", "docker-archive-v25": "bare",
                 "docker-archive-skopeo": "transport", "oci": "transport",
                 "oci-archive": "transport", "stdin": "bare", "docker-archive+gzip": "bare",
                 "docker-archive+zstd": "transport", "oci-archive+gzip": "bare",
                 "oci-archive+zstd": "transport"}
RUNNER_KEYS = {"formats", "args", "platform", "tamper", "expect", "secrets", "slow", "tag",
               "index_style", "layer_compression", "now"}
EXPECT_KEYS = {"exit", "findings", "allow_extra", "all_categories", "absent_rules", "present_rules",
               "stderr_contains", "stderr_not_contains", "user", "result", "report",
               "check_report"}
AMBIENT_RULES = {"no-healthcheck"}
CATEGORIES = {"secret", "sensitive-file", "user", "stale-base", "config", "permissions"}
SEVERITIES = ["critical", "high", "medium", "low", "info"]
TOP_KEYS = ["schema", "tool", "target", "image", "findings", "summary", "stats", "result"]


class CaseError(Exception):
    """The case file itself is wrong (not the scanner)."""


class Skip(Exception):
    pass


# ------------------------------------------------------------------ formats

def parse_format(f):
    name, _, style = f.partition("@")
    base, _, outer = name.partition("+")
    if base != "stdin" and base not in lspack.FORMATS:
        raise CaseError(f"unknown format {f!r}")
    if outer not in ("", "gzip", "zstd") or (outer and base == "oci"):
        raise CaseError(f"bad outer compression in {f!r}")
    style = style or DEFAULT_STYLE.get(name, "transport")
    if style not in ("bare", "transport"):
        raise CaseError(f"bad target style in {f!r}")
    pack_fmt = "docker-archive" if base == "stdin" else base
    transport = {"oci": "oci", "oci-archive": "oci-archive"}.get(pack_fmt, "docker-archive")
    return {"name": f, "base": base, "pack": pack_fmt, "outer": outer or "none",
            "style": style, "transport": transport}


def needs_zstd(case, spec, fmt):
    if fmt["outer"] == "zstd":
        return True
    if fmt["pack"] not in ("oci", "oci-archive"):
        return False
    if case.get("layer_compression"):
        return case["layer_compression"] == "zstd"
    return any(L.get("compression") == "zstd" for L in spec.get("layers") or [])


def target_for(fmt, path, tag):
    if fmt["base"] == "stdin":
        return "-" if fmt["style"] == "bare" else "docker-archive:-"
    if fmt["style"] == "bare":
        return path
    t = f"{fmt['transport']}:{path}"
    if tag and fmt["pack"] in ("oci", "oci-archive"):
        t += ":" + lspack.split_tag(tag)[1]
    return t


# ------------------------------------------------------------------ placeholders

def selected_image(info, platform):
    imgs = info["images"]
    if len(imgs) == 1:
        return imgs[0]
    want = platform or "linux/amd64"
    for im in imgs:
        if lspack.platform_matches(want, lspack.parse_platform(im["platform"])):
            return im
    raise CaseError(f"no image for platform {want} in {[i['platform'] for i in imgs]}")


def placeholders(img, target):
    """Values for {name} / {name:N} in expectations; N is the spec layer index."""
    vals = {"config_member": img["config_member"], "config_digest": img["config_digest"],
            "config_hex": lspack.hexof(img["config_digest"]),
            "manifest_member": img["manifest_member"], "manifest_digest": img["manifest_digest"],
            "manifest_hex": lspack.hexof(img["manifest_digest"]), "target": target}
    anys = {"config_any": [img["config_member"], lspack.hexof(img["config_digest"])],
            "manifest_any": ["manifest", lspack.hexof(img["manifest_digest"])]}
    for pos, L in enumerate(img["layers"]):
        n = L["spec_index"]
        vals.update({f"layer_member:{n}": L["member"], f"layer_digest:{n}": L["digest"],
                     f"layer_hex:{n}": lspack.hexof(L["digest"]), f"diff_id:{n}": L["diff_id"],
                     f"diff_id_hex:{n}": lspack.hexof(L["diff_id"]), f"layer_index:{n}": pos})
        anys[f"layer_any:{n}"] = [L["member"], lspack.hexof(L["digest"]),
                                  lspack.hexof(L["diff_id"])]
    return vals, anys


def subst(v, vals):
    if isinstance(v, str):
        m = re.fullmatch(r"\{([a-z_]+(?::\d+)?)\}", v)
        if m and m.group(1) in vals and not isinstance(vals[m.group(1)], str):
            return vals[m.group(1)]  # a whole-value placeholder keeps its type (ints)

        def rep(m):
            if m.group(1) not in vals:
                raise CaseError(f"unknown placeholder {{{m.group(1)}}} (is that layer in "
                                "the scanned image?)")
            return str(vals[m.group(1)])
        return re.sub(r"\{([a-z_]+(?::\d+)?)\}", rep, v)
    if isinstance(v, list):
        return [subst(x, vals) for x in v]
    if isinstance(v, dict):
        return {k: subst(x, vals) for k, x in v.items()}
    return v


# ------------------------------------------------------------------ report checks

def flatten(f):
    out = dict(f)
    for k, v in (f.get("location") or {}).items():
        out.setdefault(k, v)
        out["location." + k] = v
    return out


def finding_matches(exp, act):
    flat = flatten(act)
    for k, v in exp.items():
        if k == "location" and isinstance(v, dict):
            if any((act.get("location") or {}).get(lk, object()) != lv for lk, lv in v.items()):
                return False
        elif k not in flat or flat[k] != v:
            return False
    return True


def match_findings(expected, actual):
    """Maximum matching expected->actual (partial keys make greedy matching wrong)."""
    match_of_act = {}

    def try_assign(i, seen):
        for j, a in enumerate(actual):
            if j in seen or not finding_matches(expected[i], a):
                continue
            seen.add(j)
            if j not in match_of_act or try_assign(match_of_act[j], seen):
                match_of_act[j] = i
                return True
        return False

    unmatched_exp = [e for i, e in enumerate(expected) if not try_assign(i, set())]
    matched = set(match_of_act)
    extra = [a for j, a in enumerate(actual) if j not in matched]
    return unmatched_exp, extra


def brief(f):
    loc = f.get("location") or {}
    return json.dumps({"rule_id": f.get("rule_id"), "path": loc.get("path"),
                       "layer_index": loc.get("layer_index"), "line": loc.get("line"),
                       "source": loc.get("source"), "in_final_image": f.get("in_final_image"),
                       "severity": f.get("severity")}, sort_keys=True)


def dotted(obj, path):
    for part in path.split("."):
        if isinstance(obj, list) and part.isdigit():
            obj = obj[int(part)] if int(part) < len(obj) else None
        elif isinstance(obj, dict):
            obj = obj.get(part)
        else:
            return None
    return obj


def check_report_shape(rep, code, problems):
    for k in TOP_KEYS:
        if k not in rep:
            problems.append(f"report lacks top-level key {k!r}")
    if rep.get("schema") != "layerscan/report/v1":
        problems.append(f"schema is {rep.get('schema')!r}")
    want = "pass" if code == 0 else "fail"
    if rep.get("result") != want:
        problems.append(f"result is {rep.get('result')!r} but exit code is {code}")
    findings = rep.get("findings")
    if not isinstance(findings, list):
        problems.append("findings is not a list")
        return
    summ = rep.get("summary") or {}
    if summ.get("total") != len(findings):
        problems.append(f"summary.total {summ.get('total')} != {len(findings)} findings")
    for sev in SEVERITIES:
        n = sum(1 for f in findings if f.get("severity") == sev)
        if summ.get(sev) != n:
            problems.append(f"summary.{sev} is {summ.get(sev)}, findings say {n}")
    for f in findings:
        loc = f.get("location")
        bad = []
        if f.get("category") not in CATEGORIES:
            bad.append("category")
        if f.get("severity") not in SEVERITIES:
            bad.append("severity")
        if not isinstance(f.get("rule_id"), str):
            bad.append("rule_id")
        if not isinstance(loc, dict) or not isinstance(loc.get("source"), str):
            bad.append("location.source")
        if not isinstance(f.get("in_final_image"), bool):
            bad.append("in_final_image")
        if not isinstance(f.get("fingerprint"), str) or not f.get("fingerprint"):
            bad.append("fingerprint")
        if isinstance(loc, dict) and loc.get("path") is not None and not str(
                loc["path"]).startswith("/"):
            bad.append("path not absolute")
        if bad:
            problems.append(f"malformed finding ({', '.join(bad)}): {brief(f)}")


def check_report_image(rep, fmt, img, case, spec, problems):
    """The report describes the image we built: transport, digests, layers, history."""
    tgt = rep.get("target") or {}
    if tgt.get("transport") != fmt["transport"]:
        problems.append(f"target.transport is {tgt.get('transport')!r}, want "
                        f"{fmt['transport']!r}")
    if tgt.get("config_digest") != img["config_digest"]:
        problems.append(f"target.config_digest {tgt.get('config_digest')} != "
                        f"{img['config_digest']}")
    multi = bool(spec.get("platforms"))
    if fmt["pack"] in ("oci", "oci-archive") and not multi and not spec.get("attestation"):
        if tgt.get("manifest_digest") != img["manifest_digest"]:
            problems.append(f"target.manifest_digest {tgt.get('manifest_digest')} != "
                            f"{img['manifest_digest']}")
    if case.get("platform") or multi:
        want = case.get("platform") or "linux/amd64"
        if tgt.get("platform") is None or not lspack.platform_matches(
                want, lspack.parse_platform(tgt["platform"])):
            problems.append(f"target.platform is {tgt.get('platform')!r}, want {want}")
    layers = (rep.get("image") or {}).get("layers")
    if not isinstance(layers, list):
        problems.append("image.layers is not a list")
        return
    if len(layers) != len(img["layers"]):
        problems.append(f"image.layers has {len(layers)} layers, the image has "
                        f"{len(img['layers'])}")
        return
    for pos, (got, want) in enumerate(zip(layers, img["layers"])):
        if got.get("index") != pos:
            problems.append(f"image.layers[{pos}].index is {got.get('index')}")
        if got.get("diff_id") != want["diff_id"]:
            problems.append(f"image.layers[{pos}].diff_id {got.get('diff_id')} != "
                            f"{want['diff_id']}")
        if fmt["pack"] in ("oci", "oci-archive") and got.get("digest") != want["digest"]:
            problems.append(f"image.layers[{pos}].digest {got.get('digest')} != {want['digest']}")
        if want["created_by"] is not None and got.get("created_by") != want["created_by"]:
            problems.append(f"image.layers[{pos}].created_by {got.get('created_by')!r} != "
                            f"{want['created_by']!r} (history/empty_layer mapping?)")


def evaluate(case, spec, fmt, img, target, code, out, err):
    exp = case.get("expect") or {}
    vals, anys = placeholders(img, target)
    vals_all = dict(vals, **anys)
    problems = []

    want_exit = exp.get("exit")
    if want_exit is not None:
        allowed = want_exit if isinstance(want_exit, list) else [want_exit]
        if code not in allowed:
            problems.append(f"exit code {code}, want {want_exit}")
    if code not in (0, 1, 2):
        problems.append(f"exit code {code} is not 0, 1 or 2 (crash or sanitizer?)")

    rep = None
    if out.strip():
        try:
            rep = json.loads(out)
        except ValueError as e:
            problems.append(f"stdout is not JSON ({e}): {out[:200]!r}")
    if code in (0, 1) and rep is None and not problems:
        problems.append("exit 0/1 but no report on stdout")
    if code == 2 and not err.strip():
        problems.append("exit 2 with nothing on stderr (the contract wants what and where)")
    if code == 2 and rep is not None and not isinstance(rep, dict):
        problems.append("exit 2 and stdout is JSON but not a report")

    for s in case.get("secrets") or []:
        if s in out or s in err:
            problems.append(f"secret in clear on {'stdout' if s in out else 'stderr'}: {s[:8]}...")

    for item in exp.get("stderr_contains") or []:
        if isinstance(item, str) and re.fullmatch(r"\{([a-z_]+(?::\d+)?)\}", item) and \
                item[1:-1] in anys:
            alts = anys[item[1:-1]]
        else:
            alts = subst(item if isinstance(item, list) else [item], vals)
        if not any(a.lower() in err.lower() for a in alts):
            problems.append(f"stderr lacks {alts[0]!r}" if len(alts) == 1
                            else f"stderr lacks any of {alts}")
    for s in exp.get("stderr_not_contains") or []:
        if subst(s, vals).lower() in err.lower():
            problems.append(f"stderr contains {s!r}")

    if isinstance(rep, dict) and code in (0, 1):
        if exp.get("check_report", True):
            check_report_shape(rep, code, problems)
            check_report_image(rep, fmt, img, case, spec, problems)
        findings = rep.get("findings") if isinstance(rep.get("findings"), list) else []
        if "findings" in exp:
            expected = subst(copy.deepcopy(exp["findings"]), vals_all)
            missing, extra = match_findings(expected, findings)
            for m in missing:
                problems.append("missing finding: " + json.dumps(m, sort_keys=True))
            # stale-base findings (age, distribution, base) are about every image: a case
            # that expects none of them does not list them, and they are not "unexpected"
            stale_checked = exp.get("all_categories") or any(
                f.get("category") == "stale-base" for f in expected)
            # likewise the image-wide info findings that nearly every image has (no
            # HEALTHCHECK): they count only when a case expects one of them
            ambient_checked = exp.get("all_categories") or any(
                f.get("rule_id") in AMBIENT_RULES for f in expected)
            if not exp.get("allow_extra"):
                for x in extra:
                    if x.get("category") == "stale-base" and not stale_checked:
                        continue
                    if x.get("rule_id") in AMBIENT_RULES and not ambient_checked:
                        continue
                    problems.append("unexpected finding: " + brief(x))
        rules = {f.get("rule_id") for f in findings}
        for r in exp.get("absent_rules") or []:
            if r in rules:
                problems.append(f"rule {r} fired: " + "; ".join(
                    brief(f) for f in findings if f.get("rule_id") == r))
        for r in exp.get("present_rules") or []:
            if r not in rules:
                problems.append(f"rule {r} did not fire")
        if "user" in exp and (rep.get("image") or {}).get("user") != exp["user"]:
            problems.append(f"image.user is {(rep.get('image') or {}).get('user')!r}, "
                            f"want {exp['user']!r}")
        if "result" in exp and rep.get("result") != exp["result"]:
            problems.append(f"result is {rep.get('result')!r}, want {exp['result']!r}")
        for path, want in subst(exp.get("report") or {}, vals_all).items():
            got = dotted(rep, path)
            if got != want:
                problems.append(f"report.{path} is {got!r}, want {want!r}")
    return problems


# ------------------------------------------------------------------ running

def load_case(path):
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    spec = {k: v for k, v in case.items() if k not in RUNNER_KEYS}
    unknown = set(case.get("expect") or {}) - EXPECT_KEYS
    if unknown:
        raise CaseError(f"unknown expect keys {sorted(unknown)}")
    return case, spec


def scan_env(case, spec, home):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LAYERSCAN_USERNAME", "LAYERSCAN_PASSWORD", "REGISTRY_AUTH_FILE",
                        "DOCKER_CONFIG", "LAYERSCAN_NOW")}
    # "now" defaults to the image's creation time: no finding may depend on how
    # long ago the test was written.
    now = case.get("now") or spec.get("created", lspack.DEFAULT_CREATED) or "2026-01-01T00:00:00Z"
    env.update(NO_COLOR="1", LAYERSCAN_NOW=now, HOME=home)
    return env


def run_one(case_path, case, spec, fmt_name, opts):
    fmt = parse_format(fmt_name)
    if needs_zstd(case, spec, fmt) and shutil.which("zstd") is None:
        raise Skip("zstd is not installed")
    tmp = tempfile.mkdtemp(prefix="lscase-")
    try:
        out = os.path.join(tmp, "image" if fmt["pack"] == "oci" else "image.tar")
        tag = case.get("tag")
        single = fmt["pack"] in ("docker-archive", "docker-archive-skopeo")
        try:
            info = lspack.pack(spec, os.path.dirname(os.path.abspath(case_path)), fmt["pack"],
                               out, outer=fmt["outer"], tag=tag, tampers=case.get("tamper") or [],
                               layer_compression=case.get("layer_compression"),
                               index_style=case.get("index_style", "flat"),
                               platform=case.get("platform") if single else None)
        except lspack.PackError as e:
            raise CaseError(f"lspack: {e}")
        img = selected_image(info, case.get("platform"))
        target = target_for(fmt, out, tag)
        cmd = shlex.split(os.environ.get("LAYERSCAN_WRAPPER", "")) + [
            opts.layerscan, "scan", "-f", "json", "--no-progress"]
        if case.get("platform"):
            cmd += ["--platform", case["platform"]]
        cmd += list(case.get("args") or []) + [target]
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        if opts.verbose:
            print("   $ " + " ".join(shlex.quote(c) for c in cmd)
                  + (f" < {out}" if fmt["base"] == "stdin" else ""))
        stdin = open(out, "rb") if fmt["base"] == "stdin" else subprocess.DEVNULL
        try:
            r = subprocess.run(cmd, stdin=stdin, capture_output=True, cwd=tmp,
                               env=scan_env(case, spec, home),
                               timeout=float(os.environ.get("LAYERSCAN_TEST_TIMEOUT", "600")))
            code, sout, serr = r.returncode, r.stdout.decode("utf-8", "replace"), \
                r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            return [f"timed out after {os.environ.get('LAYERSCAN_TEST_TIMEOUT', '600')} s"], cmd, \
                None, ""
        finally:
            if stdin is not subprocess.DEVNULL:
                stdin.close()
        problems = evaluate(case, spec, fmt, img, target, code, sout, serr)
        return problems, cmd, code, serr
    finally:
        if opts.keep:
            print(f"   kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def collect(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(p, n) for n in os.listdir(p) if n.endswith(".json"))
        else:
            out.append(p)
    return out


def pack_only(opts):
    """Write the images the cases would scan, e.g. as fuzzing seeds or to debug by hand."""
    n = 0
    for path in collect(opts.cases):
        name = os.path.splitext(os.path.basename(path))[0]
        case, spec = load_case(path)
        if case.get("slow") and opts.skip_slow:
            continue
        formats = [opts.format_only] if opts.format_only else case.get("formats") or DEFAULT_FORMATS
        for f in formats:
            fmt = parse_format(f)
            if needs_zstd(case, spec, fmt) and shutil.which("zstd") is None:
                continue
            d = os.path.join(opts.pack_only, name)
            os.makedirs(d, exist_ok=True)
            out = os.path.join(d, f.replace("@", "-") + ("" if fmt["pack"] == "oci" else ".tar"))
            single = fmt["pack"] in ("docker-archive", "docker-archive-skopeo")
            info = lspack.pack(spec, os.path.dirname(os.path.abspath(path)), fmt["pack"], out,
                               outer=fmt["outer"], tag=case.get("tag"),
                               tampers=case.get("tamper") or [],
                               layer_compression=case.get("layer_compression"),
                               index_style=case.get("index_style", "flat"),
                               platform=case.get("platform") if single else None)
            with open(out.rstrip("/") + ".info.json", "w", encoding="utf-8") as fo:
                json.dump(info, fo, indent=2)
            n += 1
    print(f"wrote {n} images under {opts.pack_only}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layerscan", help="the layerscan binary")
    ap.add_argument("--pack-only", metavar="DIR",
                    help="only write each case's images to DIR/CASE/FORMAT (no scan)")
    ap.add_argument("--format-only", metavar="FMT", help="run only this format")
    ap.add_argument("--skip-slow", action="store_true",
                    default=os.environ.get("LAYERSCAN_SKIP_SLOW") == "1",
                    help='skip cases marked "slow" (also LAYERSCAN_SKIP_SLOW=1)')
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="+", help="CASE.json files or directories of them")
    opts = ap.parse_args()
    if opts.pack_only:
        return pack_only(opts)
    if not opts.layerscan:
        ap.error("--layerscan is required (or --pack-only)")
    if not (os.path.isfile(opts.layerscan) and os.access(opts.layerscan, os.X_OK)):
        print(f"run_case: {opts.layerscan} is not an executable", file=sys.stderr)
        return 1
    opts.layerscan = os.path.abspath(opts.layerscan)
    passed = failed = skipped = 0
    for path in collect(opts.cases):
        name = os.path.splitext(os.path.basename(path))[0]
        try:
            case, spec = load_case(path)
        except (OSError, ValueError, CaseError) as e:
            print(f"FAIL {name}: bad case file: {e}")
            failed += 1
            continue
        if case.get("slow") and opts.skip_slow:
            print(f"SKIP {name}: slow")
            skipped += 1
            continue
        formats = case.get("formats") or DEFAULT_FORMATS
        if opts.format_only:
            formats = [f for f in formats if f == opts.format_only] or (
                [opts.format_only] if "formats" not in case else [])
            if not formats:
                if opts.verbose:
                    print(f"---- {name}: does not run format {opts.format_only}")
                continue
        for f in formats:
            label = f"{name} [{f}]"
            try:
                problems, cmd, code, err = run_one(path, case, spec, f, opts)
            except Skip as e:
                print(f"SKIP {label}: {e}")
                skipped += 1
                continue
            except CaseError as e:
                print(f"FAIL {label}: bad case: {e}")
                failed += 1
                continue
            if not problems:
                print(f"PASS {label}")
                passed += 1
                continue
            failed += 1
            print(f"FAIL {label}")
            print("   $ " + " ".join(shlex.quote(c) for c in cmd)
                  + (" < image.tar" if f.startswith("stdin") else ""))
            print(f"   exit code: {code}")
            for p in problems:
                print(f"   - {p}")
            tail = err.strip().splitlines()[-15:]
            if tail:
                print("   stderr (last lines):")
                for line in tail:
                    print("   | " + line)
    print(f"run_case: {passed} passed, {failed} failed, {skipped} skipped")
    if failed:
        return 1
    return 77 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
