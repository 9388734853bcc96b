#!/usr/bin/env python3
"""Turn the secret rules in the TOML files of this directory into C (src/lib/secrets/secret_rules.h).

    gen_rules.py RULES.toml... OUT.c     validate, then write OUT.c
    gen_rules.py RULES.toml...           validate only

The rules of every file are one list, in the order the files are given (secrets.toml first, then
the others by name: rule_files() says so, and meson.build lists them in that order); rule ids are
unique across all files. Given files of this directory, every *.toml in it must be among them, so a
new file cannot be left out of the build by accident.

A pattern may use the shared pieces in MACROS as {{name}}: {{assign}} is the one spelling of "a
name, then its value" (an assignment, a key, an XML element, ...) that context rules share.

Validation failures are printed one per line, naming the file, the rule and the field, and exit 1;
OUT.c is then left untouched. The output depends on nothing but the input files, so builds are
reproducible. See README.md in this directory for the format.

Other scripts read the rules through load_rules() (the rules as dicts, macros expanded), never the
TOML directly.
"""

import math
import os
import re
import sys
import tomllib
from collections import Counter

PROG = "gen_rules.py"

SEVERITIES = ["info", "low", "medium", "high", "critical"]
SEV_ENUM = {s: "LSC_SEV_" + s.upper() for s in SEVERITIES}
CONFIDENCES = {"low": "LSC_CONF_LOW", "medium": "LSC_CONF_MEDIUM", "high": "LSC_CONF_HIGH"}
# the names lsc_secret_check_parse() accepts, in enum order
CHECKS = ["github", "npm", "jwt", "pypi", "base64", "pem", "url-password", "aws-key-id", "generic",
          "jwt-base64"]
# checks that validate the token itself, so a rule may also scan binary files
BINARY_CHECKS = {"github", "npm", "jwt", "pypi", "aws-key-id", "pem", "jwt-base64"}

REQUIRED = ["id", "title", "description", "severity", "keywords", "pattern", "confidence", "positive",
            "negative"]
OPTIONAL = ["caseless", "check", "on_fail", "min_entropy", "binary", "pcre_only", "back",
            "known_value", "family"]
# how far before its keyword a match may start: the engine's bound, and the default of "back"
MAX_BACK = 1024
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_EXAMPLES = 2
# the engine's own rule, listed after the TOML's (lsc_secrets_incomplete in src/lib/secrets/secrets.h)
INCOMPLETE = {
    "id": "secret-scan-incomplete",
    "severity": "medium",
    "title": "Secret scan incomplete (keyword flood)",
    "description": "A file held more keyword hits of a secret rule than the engine confirms for "
                   "its size, so the remaining hits of that rule in that file were not examined: "
                   "a secret hidden among decoys may be missed. The detail names the rule and "
                   "the count.",
}


# The pieces patterns share, as {{name}}. Each is a non-capturing group, so it quantifies and
# alternates like one atom.
MACROS = {
    # between a name and its value, one alternative per syntax (each bounded, none nested):
    # - an operator after the name's closing (escaped) quote or bracket: `=` `:` `:=` `::=` `:::=`
    #   `?=` `+=` `.=` `??=` `||=` `=>` `:-` (`${X:-v}`), and `:` then a YAML block scalar
    #   indicator (`|`, `>`, `|-`, ...) with the value on the next line;
    # - a typed declaration, the value quoted: `var x string = "v"`, `var x: String = "v"`;
    # - a default after a lookup, the value quoted: `process.env.X || "v"`, `?? "v"`,
    #   `getenv("X") ?: "v"`;
    # - `"name", "value"` (a call such as os.getenv("X", "v"), System.setProperty, ENV.fetch; CSV);
    # - an XML element, the value right after `>` or alone on the next line;
    # - an XML attribute pair: `key="name" value="v"`, `name="x" value="v"`, `content="v"`;
    # - `name:\n  value: ...` and `"name", "value": ...` (a key/value pair of a list);
    # - CSV unquoted, `name,value,`;
    # - the space form of Dockerfile ENV (`ENV NAME value`): an upper-case name, then a single
    #   unquoted value that ends its line.
    "assign": (r'''(?:\\?["']?\]?[ \t]*(?::{1,3}=|:-|=>|\|\|=|\?\?=|[?+.]=|=|:(?:[ \t]*[|>][-+]?[ \t]*\r?\n)?)[ \t]*\\?["'`]?'''
               r'''|\\?["']?(?::[ \t]*|[ \t]+)[A-Za-z][A-Za-z0-9_.<>?\[\]]{0,40}[ \t]*=[ \t]*\\?["'`]'''
               r'''|\\?["']?\]?\)?[ \t]*(?:\|\||\?\?|\?:)[ \t]*\\?["'`]'''
               r'''|\\?["'][ \t]*,[ \t]*\\?["'`]'''
               r'''|>(?:[ \t]*\r?\n[ \t]*)?'''
               r'''|\\?["'][ \t]+(?:value|content)[ \t]*=[ \t]*\\?["']'''
               r'''|["']?[ \t]*,?[ \t]*\r?\n[ \t]*["']?value["']?[ \t]*:[ \t]*["']?'''
               r'''|["']?,[ \t]*["']value["'][ \t]*:[ \t]*["']?'''
               r'''|,(?=[^\s,"'`()\[\]{};]{1,200}(?:,|\r?\n|$))'''
               r'''|(?<=(?-i:[A-Z0-9_]))[ \t]+(?!0x)(?=[^\s"'`=:]{8,200}[ \t]*(?:\r?\n|$)))'''),
    # one nesting level between a provider's name and the key under it: `datadog:\n  api_key`,
    # `"datadog": {"api_key"`, `<datadog>\n  <apiKey>`, a TOML/INI section `[datadog]\napi_key`
    "nest": r'''(?:(?:["']?[ \t]*:[ \t]*\{?|>|\])[ \t]*\r?\n?[ \t]*[<"']?[A-Za-z0-9_.-]{0,30}?)?''',
}
MACRO_RE = re.compile(r"\{\{([a-z_]+)\}\}")
HERE = os.path.dirname(os.path.abspath(__file__))


def expand(pat):
    """The pattern with every {{name}} replaced by MACROS[name]; (pattern, unknown names)."""
    unknown = []

    def sub(m):
        if m.group(1) not in MACROS:
            unknown.append(m.group(1))
            return m.group(0)
        return MACROS[m.group(1)]

    return MACRO_RE.sub(sub, pat), unknown


def rule_files(rules_dir=HERE):
    """The rule files of a directory, in build order: secrets.toml first, then the others by name."""
    names = sorted(n for n in os.listdir(rules_dir) if n.endswith(".toml"))
    names.sort(key=lambda n: n != "secrets.toml")
    return [os.path.join(rules_dir, n) for n in names]


def load_rules(rules_dir=HERE):
    """Every rule of the directory's files as dicts, patterns expanded, unvalidated (the build
    validates). For scripts and tests that need the rules' examples or keywords."""
    rules = []
    for path in rule_files(rules_dir):
        with open(path, "rb") as f:
            for r in tomllib.load(f).get("rule", []):
                if isinstance(r, dict) and isinstance(r.get("pattern"), str):
                    r = dict(r, pattern=expand(r["pattern"])[0])
                rules.append(r)
    return rules


def family_of(rule):
    """The provider family `layerscan rules` counts a rule under: its `family`, else the id's
    first word (aws-access-key-id: aws)."""
    return rule.get("family") or rule["id"].split("-")[0]


def check_enum(name):
    return "LSC_CHECK_" + name.upper().replace("-", "_")


def entropy(b):
    """Shannon entropy in bits per byte, as lsc_secret_entropy() computes it."""
    if not b:
        return 0.0
    n = len(b)
    return -sum(c / n * math.log2(c / n) for c in Counter(b).values())


def pcre_to_python(pat):
    """Rewrite the PCRE-only spellings Python's re also has under another name.

    (?<name>...) -> (?P<name>...), \\k<name> / \\k{name} -> (?P=name), \\z -> \\Z. Escaped
    backslashes and character classes are respected.
    """
    out = []
    i, n = 0, len(pat)
    in_class = False
    while i < n:
        c = pat[i]
        if c == "\\" and i + 1 < n:
            nxt = pat[i + 1]
            if not in_class and nxt == "z":
                out.append("\\Z")
                i += 2
                continue
            if not in_class and nxt == "k" and i + 2 < n and pat[i + 2] in "<{":
                close = ">" if pat[i + 2] == "<" else "}"
                j = pat.find(close, i + 3)
                if j > 0:
                    out.append("(?P=" + pat[i + 3:j] + ")")
                    i = j + 1
                    continue
            out.append(pat[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pat[i] == "^":
                out.append("^")
                i += 1
            if i < n and pat[i] == "]":  # a leading ] is a literal
                out.append("]")
                i += 1
            continue
        m = re.match(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>", pat[i:])
        if m:
            out.append("(?P<" + m.group(1) + ">")
            i += m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


def secret_of(m, rx):
    """The secret as the engine extracts it: group "secret", else group 1, else the whole match."""
    if "secret" in rx.groupindex:
        return m.group("secret")
    if rx.groups >= 1:
        return m.group(1)
    return m.group(0)


class Errors:
    def __init__(self, path):
        self.path = path
        self.items = []

    def add(self, rule, field, msg):
        self.items.append(f"{PROG}: {self.path}: {rule}: {field}: {msg}")

    def __bool__(self):
        return bool(self.items)


def keyword_distance(m, subject, kws):
    """Bytes from the start of match m to the first keyword inside it (None: no keyword in it)."""
    low = subject.lower()
    ds = []
    for k in kws:
        i = low.find(k.lower().encode(), m.start())
        if i != -1 and i < m.end():
            ds.append(i - m.start())
    return min(ds) if ds else None


def short(b, n=60):
    s = b.decode("latin-1") if isinstance(b, bytes) else b
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[:n] + "..."


def is_ascii_printable(s):
    return all(0x20 <= ord(c) < 0x7F for c in s)


def validate_rule(idx, r, errs, seen_ids):
    where = f"rule #{idx + 1}"
    if not isinstance(r, dict):
        errs.add(where, "[[rule]]", "is not a table")
        return None
    rid = r.get("id")
    if isinstance(rid, str) and rid:
        where = f"rule '{rid}' (#{idx + 1})"
    ok = True

    def bad(field, msg):
        nonlocal ok
        ok = False
        errs.add(where, field, msg)

    for k in r:
        if k not in REQUIRED and k not in OPTIONAL:
            bad(k, f"unknown key (allowed: {', '.join(REQUIRED + OPTIONAL)})")
    for k in REQUIRED:
        if k not in r:
            bad(k, "missing required key")
    if not ok:
        return None

    # scalar fields
    if not isinstance(rid, str) or not ID_RE.match(rid) or len(rid) > 64:
        bad("id", f"must be kebab-case ([a-z0-9] words joined by '-'), at most 64 characters: {rid!r}")
    elif rid == INCOMPLETE["id"]:
        bad("id", "reserved for the engine's own rule")
    elif rid in seen_ids:
        bad("id", f"duplicate id (first used by rule #{seen_ids[rid] + 1})")
    else:
        seen_ids[rid] = idx
    if "family" in r and (not isinstance(r["family"], str) or not ID_RE.match(r["family"]) or
                          len(r["family"]) > 32):
        bad("family", f"must be kebab-case, at most 32 characters: {r['family']!r}")
    for k in ("title", "description"):
        v = r[k]
        if not isinstance(v, str) or not v.strip():
            bad(k, "must be a non-empty string")
        elif "\n" in v and k == "title":
            bad(k, "must be one line")
    if r["severity"] not in SEVERITIES:
        bad("severity", f"{r['severity']!r} is not one of {', '.join(SEVERITIES)}")
    if r["confidence"] not in CONFIDENCES:
        bad("confidence", f"{r['confidence']!r} is not one of {', '.join(CONFIDENCES)}")
    for k in ("caseless", "binary", "pcre_only", "known_value"):
        if k in r and not isinstance(r[k], bool):
            bad(k, "must be true or false")
    if "min_entropy" in r:
        v = r["min_entropy"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 8:
            bad("min_entropy", f"must be a number in (0, 8] (bits per character): {v!r}")
    if "back" in r:
        v = r["back"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_BACK:
            bad("back", f"must be an integer in [0, {MAX_BACK}] (bytes before the keyword): {v!r}")
    check = r.get("check")
    if "check" in r:
        if check not in CHECKS:
            bad("check", f"{check!r} is not one of {', '.join(CHECKS)}")
        if "on_fail" not in r:
            bad("on_fail", "missing: a rule with a check says what a failed check does "
                           "(\"drop\", or a lower severity)")
    if "on_fail" in r:
        of = r["on_fail"]
        if "check" not in r:
            bad("on_fail", "only meaningful with check")
        elif of != "drop":
            if of not in SEVERITIES:
                bad("on_fail", f"{of!r} is neither \"drop\" nor a severity")
            elif r["severity"] in SEVERITIES and SEVERITIES.index(of) >= SEVERITIES.index(r["severity"]):
                bad("on_fail", f"{of!r} is not lower than the rule's severity {r['severity']!r}")

    # keywords
    kws = r["keywords"]
    if not isinstance(kws, list) or not kws or not all(isinstance(k, str) for k in kws):
        bad("keywords", "must be a non-empty list of strings")
        kws = []
    else:
        lowered = set()
        for k in kws:
            if len(k) < 2 or not is_ascii_printable(k):
                bad("keywords", f"{k!r}: a keyword is at least 2 printable ASCII characters")
            if k.lower() in lowered:
                bad("keywords", f"{k!r} is listed twice (keywords match case-insensitively)")
            lowered.add(k.lower())

    # examples
    examples = {}
    for k in ("positive", "negative"):
        v = r[k]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            bad(k, "must be a list of non-empty strings")
            examples[k] = []
            continue
        if len(v) < MIN_EXAMPLES:
            bad(k, f"needs at least {MIN_EXAMPLES} examples, has {len(v)}")
        dup = [x for x, c in Counter(v).items() if c > 1]
        for x in dup:
            bad(k, f"example listed twice: {short(x)!r}")
        examples[k] = v
    for x in set(examples["positive"]) & set(examples["negative"]):
        bad("negative", f"also a positive: {short(x)!r}")

    for i, p in enumerate(examples["positive"]):
        if kws and not any(k.lower() in p.lower() for k in kws):
            bad(f"positive[{i}]", f"contains none of the keywords {kws}: {short(p)!r}")
    for k in kws:
        if examples["positive"] and not any(k.lower() in p.lower() for p in examples["positive"]):
            bad("keywords", f"{k!r} occurs in no positive example (add one that needs it, or drop it)")

    # binary: literal prefix keyword and a validating check
    if r.get("binary"):
        if check not in BINARY_CHECKS:
            bad("binary", f"needs a validating check ({', '.join(sorted(BINARY_CHECKS))})")
        if r.get("on_fail", "drop") != "drop":
            bad("binary", "needs on_fail = \"drop\": an unvalidated match in a binary is noise")

    # pattern
    pat = r["pattern"]
    if not isinstance(pat, str) or not pat or "\0" in pat:
        bad("pattern", "must be a non-empty string")
        return r if ok else None
    pat, unknown = expand(pat)
    r["pattern"] = pat
    for name in unknown:
        bad("pattern", f"unknown macro {{{{{name}}}}} (known: {', '.join(sorted(MACROS))})")
    if r.get("pcre_only"):
        return r if ok else None
    flags = re.IGNORECASE if r.get("caseless") else 0
    try:
        rx = re.compile(pcre_to_python(pat).encode("utf-8"), flags)
    except (re.error, OverflowError, RecursionError) as e:
        bad("pattern", f"Python re cannot compile it ({e}); if it is valid PCRE2 that re lacks, "
                       "set pcre_only = true")
        return None
    min_e = r.get("min_entropy", 0) or 0
    known = set()
    for i, p in enumerate(examples["positive"]):
        ms = list(rx.finditer(p.encode("utf-8")))
        if not ms:
            bad(f"positive[{i}]", f"pattern does not match {short(p)!r}")
            continue
        if len(ms) > 1:
            bad(f"positive[{i}]", f"pattern matches {len(ms)} times; a positive must give exactly one "
                                  f"finding: {short(p)!r}")
        s = secret_of(ms[0], rx)
        if not s:
            bad(f"positive[{i}]", "the secret group is empty or did not take part in the match")
            continue
        known.add(s)
        if min_e and entropy(s) < min_e:
            bad(f"positive[{i}]", f"secret {short(s)!r} has entropy {entropy(s):.2f} < min_entropy {min_e}")
        back = r.get("back", MAX_BACK)
        d = keyword_distance(ms[0], p.encode("utf-8"), kws)
        if isinstance(back, int) and d is not None and d > back:
            bad(f"positive[{i}]", f"the match starts {d} bytes before its first keyword, more than "
                                  f"back = {back}: {short(p)!r}")
        if r.get("binary") and not any(s.lower().startswith(k.lower().encode()) for k in kws):
            bad(f"positive[{i}]", f"binary rule: the secret {short(s)!r} does not start with a keyword")
    if r.get("known_value") and len(known) > 1:
        bad("known_value", f"the positives' secrets differ ({', '.join(sorted(short(k) for k in known))}): "
                           "a known value is one published value")
    dropping_check = check is not None and r.get("on_fail") == "drop"
    for i, ng in enumerate(examples["negative"]):
        for m in rx.finditer(ng.encode("utf-8")):
            s = secret_of(m, rx)
            if s is None:
                continue
            if dropping_check:
                continue  # the check has to reject it; the C test proves it does
            if min_e and entropy(s) < min_e:
                continue
            bad(f"negative[{i}]", f"pattern matches (secret {short(s)!r}) and neither a check with "
                                  f"on_fail = \"drop\" nor min_entropy rejects it: {short(ng)!r}")
    return r if ok else None


def validate(doc, path, seen=None, first=0):
    """The rules of one file's document; seen (id -> index) and first (the index of its first
    rule) carry over from the files before it."""
    errs = Errors(path)
    for k in doc:
        if k != "rule":
            errs.add("file", k, "unknown top-level key (only [[rule]] tables)")
    rules = doc.get("rule")
    if not isinstance(rules, list) or not rules:
        errs.add("file", "rule", "no [[rule]] tables")
        return [], errs
    if seen is None:
        seen = {}
    out = [validate_rule(first + i, r, errs, seen) for i, r in enumerate(rules)]
    return out, errs


def check_header(path, errs):
    """Every LSC_CHECK_* we emit must exist in secret_check.h (when it is where we expect it)."""
    hdr = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "secret_check.h")
    try:
        with open(hdr, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return
    for c in CHECKS:
        if not re.search(r"\b" + check_enum(c) + r"\b", text):
            errs.add("secret_check.h", "check", f"{check_enum(c)} (for {c!r}) is not declared")


# ------------------------------------------------------------------------------------------- C output

def c_tokens(s):
    """The string as a list of C string-literal tokens (one per source byte)."""
    toks = []
    prev_q = False
    for b in s.encode("utf-8"):
        if b == 0x5C:
            t = "\\\\"
        elif b == 0x22:
            t = '\\"'
        elif b == 0x0A:
            t = "\\n"
        elif b == 0x09:
            t = "\\t"
        elif b == 0x0D:
            t = "\\r"
        elif b == 0x3F:
            t = "\\?" if prev_q else "?"  # never emit "??", a trigraph in ISO C modes
        elif 0x20 <= b < 0x7F:
            t = chr(b)
        else:
            t = "\\%03o" % b  # always three digits: the next character cannot extend it
        prev_q = b == 0x3F and t == "?"
        toks.append(t)
    return toks


def c_string(s, indent, width=96):
    """A C string literal, split into adjacent literals after newlines and at about width columns."""
    toks = c_tokens(s)
    if not toks:
        return '""'
    chunks, cur, cur_len = [], [], 0
    for t in toks:
        if cur and cur_len + len(t) > width:
            # break after the last space when there is one in the second half, else right here
            cut = max((j for j, x in enumerate(cur) if x == " "), default=-1) + 1
            if cut <= len(cur) // 2:
                cut = len(cur)
            chunks.append("".join(cur[:cut]))
            cur = cur[cut:]
            cur_len = sum(len(x) for x in cur)
        cur.append(t)
        cur_len += len(t)
        if t == "\\n":
            chunks.append("".join(cur))
            cur, cur_len = [], 0
    if cur:
        chunks.append("".join(cur))
    if len(chunks) == 1:
        return '"' + chunks[0] + '"'
    return ("\n" + indent).join('"' + c + '"' for c in chunks)


def c_double(x):
    return repr(float(x))


def render(rules, src_names):
    n = len(rules)
    o = []
    w = o.append
    w(f"/* Generated by gen_rules.py from {', '.join(src_names)}: do not edit, edit the TOML. "
      f"{n} rules. */\n")
    w("#include <stdbool.h>\n#include <stddef.h>\n\n#include \"lib/secrets/secret_rules.h\"\n"
      "#include \"lib/secrets/secrets.h\"\n\n")
    w("const struct lsc_rule lsc_secret_rule_info[] = {\n")
    for r in rules:
        w("\t{\n")
        w(f"\t\t.id = {c_string(r['id'], chr(9) * 3)},\n")
        w("\t\t.category = LSC_CAT_SECRET,\n")
        w(f"\t\t.severity = {SEV_ENUM[r['severity']]},\n")
        w(f"\t\t.title = {c_string(r['title'], chr(9) * 3)},\n")
        w(f"\t\t.description = {c_string(r['description'], chr(9) * 3)},\n")
        w("\t\t.detector = \"secret\",\n")
        w("\t},\n")
    # the engine's own rule, last: a file whose keyword hits exceeded the confirmation budget
    # (secrets.h); not a TOML rule, it has no pattern
    w("\t/* the engine's own rule, see lsc_secrets_incomplete in secrets.h */\n")
    w(f"\t{{.id = {c_string(INCOMPLETE['id'], chr(9))}, .category = LSC_CAT_SECRET,\n")
    w(f"\t .severity = {SEV_ENUM[INCOMPLETE['severity']]},\n")
    w(f"\t .title = {c_string(INCOMPLETE['title'], chr(9) + ' ')},\n")
    w(f"\t .description = {c_string(INCOMPLETE['description'], chr(9) + ' ')},\n")
    w("\t .detector = \"secret\"},\n")
    w("};\n\n")
    for i, r in enumerate(rules):
        w(f"/* {r['id']} */\n")
        for arr, key in (("kw", "keywords"), ("pos", "positive"), ("neg", "negative")):
            w(f"static const char *const {arr}_{i}[] = {{\n")
            for s in r[key]:
                lit = c_string(s, "\t")
                # a literal split over lines is parenthesized, so it is plainly one element
                w("\t" + (f"({lit})" if "\n" in lit else lit) + ",\n")
            w("};\n")
        w("\n")
    w("const struct lsc_secret_rule lsc_secret_rules[] = {\n")
    for i, r in enumerate(rules):
        check = r.get("check")
        on_fail = r.get("on_fail", "drop")
        fail_sev = r["severity"] if on_fail == "drop" else on_fail
        w(f"\t{{ /* {r['id']} */\n")
        w(f"\t\t.rule = &lsc_secret_rule_info[{i}],\n")
        w(f"\t\t.pattern = {c_string(r['pattern'], chr(9) * 3)},\n")
        w(f"\t\t.caseless = {'true' if r.get('caseless') else 'false'},\n")
        w(f"\t\t.keywords = kw_{i},\n\t\t.nkeywords = {len(r['keywords'])},\n")
        w(f"\t\t.check = {check_enum(check) if check else 'LSC_CHECK_NONE'},\n")
        w(f"\t\t.drop_on_fail = {'true' if check and on_fail == 'drop' else 'false'},\n")
        w(f"\t\t.fail_severity = {SEV_ENUM[fail_sev]},\n")
        w(f"\t\t.min_entropy = {c_double(r.get('min_entropy', 0))},\n")
        w(f"\t\t.confidence = {CONFIDENCES[r['confidence']]},\n")
        w(f"\t\t.binary = {'true' if r.get('binary') else 'false'},\n")
        if "back" in r:
            w(f"\t\t.back_set = true,\n\t\t.back = {r['back']},\n")
        if r.get("known_value"):
            w("\t\t.known_value = true,\n")
        w(f"\t\t.positives = pos_{i},\n\t\t.npositives = {len(r['positive'])},\n")
        w(f"\t\t.negatives = neg_{i},\n\t\t.nnegatives = {len(r['negative'])},\n")
        w("\t},\n")
    w("};\n\n")
    w("/* each rule's family, in lsc_secret_rule_info's order */\n")
    w("static const char *const family[] = {\n")
    for r in rules:
        w(f"\t{c_string(family_of(r), chr(9))},\n")
    w("};\n\n")
    w("const char *lsc_secret_rule_family(const struct lsc_rule *r)\n{\n")
    w("\tfor (size_t i = 0; i < sizeof(family) / sizeof(family[0]); i++) {\n")
    w("\t\tif (r == &lsc_secret_rule_info[i]) {\n\t\t\treturn family[i];\n\t\t}\n\t}\n")
    w("\treturn NULL;\n}\n\n")
    w(f"const size_t lsc_secret_nrules = {n};\n")
    w(f"const size_t lsc_secret_ninfo = {n + 1};\n\n")
    w("const struct lsc_secret_rule lsc_secrets_incomplete = {\n")
    w(f"\t.rule = &lsc_secret_rule_info[{n}],\n")
    w("\t.pattern = \"\",\n")
    w("\t.confidence = LSC_CONF_HIGH,\n")
    w("};\n\n")
    w("_Static_assert(sizeof(lsc_secret_rules) / sizeof(lsc_secret_rules[0]) + 1 ==\n"
      "\t\t       sizeof(lsc_secret_rule_info) / sizeof(lsc_secret_rule_info[0]),\n"
      "\t       \"one struct lsc_rule per secret rule, and secret-scan-incomplete\");\n")
    return "".join(o)


def main(argv):
    args = argv[1:]
    out = args.pop() if len(args) >= 2 and args[-1].endswith(".c") else None
    if not args or any(a.startswith("-") or not a.endswith(".toml") for a in args):
        print(f"usage: {PROG} RULES.toml... [OUT.c]", file=sys.stderr)
        return 2
    rules, seen, failed = [], {}, False
    for src in args:
        try:
            with open(src, "rb") as f:
                doc = tomllib.load(f)
        except OSError as e:
            print(f"{PROG}: {src}: {e.strerror}", file=sys.stderr)
            return 1
        except tomllib.TOMLDecodeError as e:
            print(f"{PROG}: {src}: not valid TOML: {e}", file=sys.stderr)
            return 1
        got, errs = validate(doc, src, seen, len(rules))
        check_header(src, errs)
        if errs or any(r is None for r in got):
            for line in errs.items:
                print(line, file=sys.stderr)
            print(f"{PROG}: {src}: {len(errs.items)} error(s)", file=sys.stderr)
            failed = True
        rules.extend(got)
    given = {os.path.realpath(a) for a in args}
    if any(os.path.dirname(g) == os.path.realpath(HERE) for g in given):
        for f in rule_files():
            if os.path.realpath(f) not in given:
                print(f"{PROG}: {f}: a rule file of {HERE} is not among the inputs (list it in "
                      "meson.build)", file=sys.stderr)
                failed = True
    if failed:
        return 1
    if out:
        text = render(rules, [os.path.basename(a) for a in args])
        tmp = out + ".tmp"
        with open(tmp, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
