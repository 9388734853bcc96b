#!/usr/bin/env python3
"""Measure layerscan against a JSON list of labelled example lines (no examples are shipped here).

    eval_examples.py --layerscan build/layerscan --examples ex.json [--seed N] [--out report.txt]

ex.json is a list of objects {"rule": id, "kind": "tp"|"fp", "gen": "literal"|"generated",
"text": snippet (may span lines), "value": the secret inside text or null,
"regex": optional, a simple regex; when given, "text" holds "{s}" and a fresh value matching the
regex replaces it (classes, {n,m} repeats, alternation, literals)}.
Each snippet is planted in its own file, the names rotating over varied kinds (.env, YAML, Java, Go, Python, JSON)
of one docker-archive image and scanned with `scan -f json --offline --show-secrets`.
A tp is found when a secret/sensitive-file finding sits on one of its lines and its match
overlaps the value (any finding on its lines when value is null); an fp is reported when any such
finding sits on one of its lines.
"""
import argparse, json, os, random, re, subprocess, sys, tempfile, warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_parse
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
import lspack  # noqa: E402

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
CAT = {sre_parse.CATEGORY_DIGIT: "0123456789", sre_parse.CATEGORY_WORD: ALNUM + "_",
       sre_parse.CATEGORY_SPACE: " "}


def gen_regex(rx, rng):
    def one(items):
        out = []
        for op, av in items:
            if op == sre_parse.LITERAL:
                out.append(chr(av))
            elif op == sre_parse.IN:
                chars = []
                neg = False
                for o, a in av:
                    if o == sre_parse.NEGATE:
                        neg = True
                    elif o == sre_parse.LITERAL:
                        chars.append(chr(a))
                    elif o == sre_parse.RANGE:
                        chars += [chr(c) for c in range(a[0], a[1] + 1)]
                    elif o == sre_parse.CATEGORY:
                        chars += list(CAT.get(a, ALNUM))
                if neg:
                    chars = [c for c in ALNUM if c not in chars]
                out.append(rng.choice(chars))
            elif op == sre_parse.ANY:
                out.append(rng.choice(ALNUM))
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
                lo, hi, sub = av
                hi = min(hi, lo + 8) if hi != sre_parse.MAXREPEAT else lo + 8
                for _ in range(rng.randint(lo, hi)):
                    out.append(one(sub))
            elif op == sre_parse.SUBPATTERN:
                out.append(one(av[-1]))
            elif op == sre_parse.BRANCH:
                out.append(one(rng.choice(av[1])))
            elif op == sre_parse.CATEGORY:
                out.append(rng.choice(CAT.get(av, ALNUM)))
            # anchors, AT, etc. produce nothing
        return "".join(out)
    s = one(sre_parse.parse(rx))
    if not re.fullmatch(rx, s):
        raise ValueError(f"generator failed for {rx!r}: {s!r}")
    return s


def overlaps(match, value):
    """The reported match and the planted value share 8 characters (or one holds the other)."""
    if not match:
        return False
    if match in value or value in match:
        return True
    return any(value[i:i + 8] in match for i in range(0, max(len(value) - 7, 0)))


FILES = [("/app/.env", "", ""), ("/app/config.yaml", "", ""),
         ("/app/src/Main.java", "class Main {\n", "}\n"), ("/app/main.go", "package main\n", ""),
         ("/app/app.py", "import os\n", ""), ("/app/settings.json", "", "")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscan", required=True)
    ap.add_argument("--examples", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--keep")
    o = ap.parse_args()
    rng = random.Random(o.seed)
    exs = json.load(open(o.examples))
    files = []
    plants = []
    for i, e in enumerate(exs):
        text, value = e["text"], e.get("value")
        if e.get("regex"):
            v = gen_regex(e["regex"], rng)
            value = e.get("prefix", "") + v
            text = text.replace("{s}", value)
        name, head, tail = FILES[i % len(FILES)]
        # one file per example: layerscan reports a value once per file, as gitleaks tests each
        # example on its own
        path = "/app/ex%05d%s" % (i, name[4:])
        start = head.count("\n") + 1
        n = text.count("\n") + 1
        files.append({"path": path, "content": head + text + "\n" + tail})
        plants.append(dict(e, text=text, value=value, path=path, first=start, last=start + n - 1))
    spec = {"layers": [{"created_by": "COPY . /app", "files": files}]}
    tmp = o.keep or tempfile.mkdtemp(prefix="eval-ex-")
    os.makedirs(tmp, exist_ok=True)
    img = os.path.join(tmp, "image.tar")
    lspack.pack(spec, tmp, "docker-archive", img)
    r = subprocess.run([o.layerscan, "scan", "-f", "json", "--offline", "--show-secrets",
                        "docker-archive:" + img], capture_output=True, text=True)
    rep = json.loads(r.stdout)
    json.dump(plants, open(os.path.join(tmp, "plants.json"), "w"), indent=1)
    open(os.path.join(tmp, "report.json"), "w").write(r.stdout)
    by = defaultdict(list)
    for f in rep.get("findings", []):
        if f.get("category") not in ("secret", "sensitive-file"):
            continue
        loc = f.get("location", {})
        if loc.get("source") == "file" and loc.get("line"):
            by[(loc["path"], loc["line"])].append(f)
    stats = defaultdict(lambda: [0, 0])
    per_rule = defaultdict(lambda: [0, 0])
    misses = defaultdict(list)
    fps_hit = []
    for p in plants:
        hits = [f for ln in range(p["first"], p["last"] + 1) for f in by[(p["path"], ln)]]
        if p["kind"] == "tp":
            v = p["value"]
            ok = any(v is None or overlaps(f.get("match") or "", v) for f in hits)
            stats[p["gen"]][1] += 1
            per_rule[p["rule"]][1] += 1
            if ok:
                stats[p["gen"]][0] += 1
                per_rule[p["rule"]][0] += 1
            else:
                misses[p["rule"]].append(p["text"])
        elif hits:
            fps_hit.append((p["rule"], p["text"], sorted({f["rule_id"] for f in hits})))
    out = []
    tf = sum(v[0] for v in stats.values())
    tt = sum(v[1] for v in stats.values())
    nfp = sum(1 for p in plants if p["kind"] == "fp")
    out.append(f"tp recall overall: {tf}/{tt} ({100.0 * tf / max(tt, 1):.1f}%)")
    for g, (a, b) in sorted(stats.items()):
        out.append(f"  {g}: {a}/{b} ({100.0 * a / max(b, 1):.1f}%)")
    out.append(f"fp reported: {len(fps_hit)}/{nfp}")
    out.append("per rule (found/total):")
    for rl, (a, b) in sorted(per_rule.items()):
        out.append(f"  {rl}: {a}/{b}")
    out.append("rules with recall < 50% (one example line each):")
    for rl, (a, b) in sorted(per_rule.items()):
        if a * 2 < b:
            out.append(f"  {rl} {a}/{b}: {misses[rl][0]!r}")
    out.append("other misses (rules >= 50%):")
    for rl, (a, b) in sorted(per_rule.items()):
        if a * 2 >= b and misses[rl]:
            out.append(f"  {rl}: {misses[rl][0]!r}")
    out.append("fps reported:")
    for rl, t, ids in fps_hit:
        out.append(f"  {rl} by {','.join(ids)}: {t[:200]!r}")
    txt = "\n".join(out) + "\n"
    print(txt, end="")
    if o.out:
        open(o.out, "w").write(txt)


if __name__ == "__main__":
    main()
