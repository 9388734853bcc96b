#!/usr/bin/env python3
"""The two conventions that check themselves on the built library (issue 13, point 5).

1. No circle between modules. A module is one object of liblayerscan (src/lib/X.c is X,
   src/util/X.c is util/X, the generated rule table is secret_rules). A uses B when an undefined
   symbol of A's object is defined by B's object (`nm -P -g`): a function or a table. Every
   strongly connected set of two or more modules is a circle; each is printed with one cycle
   through it. A circle passes only when tests/tools/known_circles.txt lists a circle that
   contains it: that list holds the circles that were there when the check came in, and may only
   shrink, so no new circle can come in. A listed circle that is no longer found, or is found
   smaller, is reported so that its line can be shortened or removed.

   src/util/ sits below the library: a util/ module that uses a module outside util/ fails too
   (STYLE.md: dependency-free helpers).

2. A unit test per module. Every module has tests/unit/test_<name>.c (named in
   tests/meson.build's unit_tests), or a line in tests/tools/module_tests.txt that names the
   suite that covers it and why. A line for a module that has its own test, or for no module, is
   an error: the map cannot go stale.

usage: check_modules.py BUILD_DIR [--circles-only | --tests-only] [--graph]
Exits 0 when both hold, 1 when one does not, 77 when BUILD_DIR has no built library or nm is
missing.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KNOWN = os.path.join(HERE, "known_circles.txt")
MAP = os.path.join(HERE, "module_tests.txt")


def module_of(obj):
    base = os.path.basename(obj)
    base = re.sub(r"\.c\.o$", "", base)
    for family in ("registry", "secrets", "detectors"):
        # a family's folder (src/lib/registry/registry_http.c: src_lib_registry_registry_http)
        if base.startswith("src_lib_%s_" % family):
            return base[len("src_lib_%s_" % family):]
    if base.startswith("src_lib_"):
        return base[len("src_lib_"):]
    if base.startswith("src_util_"):
        return "util/" + base[len("src_util_"):]
    return base.split("_.._")[-1].replace("meson-generated_", "")


def read_symbols(build):
    objs = sorted(glob.glob(os.path.join(build, "liblayerscan.a.p", "*.o")))
    defined, undefined = {}, {}
    for o in objs:
        m = module_of(o)
        out = subprocess.run(["nm", "-P", "-g", o], check=True, capture_output=True,
                             text=True).stdout
        undefined.setdefault(m, set())
        for line in out.splitlines():
            f = line.split()
            if len(f) < 2:
                continue
            if f[1] == "U":
                undefined[m].add(f[0])
            elif f[1] in "TDRBCGSVW" and f[1] != "w":
                defined[f[0]] = m
    return objs, defined, undefined


def graph(defined, undefined):
    uses = {m: {} for m in undefined}
    for m, syms in undefined.items():
        for s in sorted(syms):
            d = defined.get(s)
            if d and d != m:
                uses[m].setdefault(d, []).append(s)
    return uses


def sccs(uses):
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]
    for root in sorted(uses):
        if root in index:
            continue
        work = [(root, iter(sorted(uses[root])))]
        index[root] = low[root] = n[0]
        n[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on.discard(x)
                        comp.append(x)
                        if x == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
                continue
            if w not in index:
                index[w] = low[w] = n[0]
                n[0] += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(uses[w]))))
            elif w in on:
                low[v] = min(low[v], index[w])
    return sorted(out)


def cycle_in(comp, uses):
    """One cycle through the first module of comp, by breadth-first search inside comp."""
    inside = set(comp)
    start = comp[0]
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(uses[v]):
            if w not in inside:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def read_lines(path):
    rows = []
    if not os.path.exists(path):
        return rows
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append((n, line))
    return rows


def check_circles(uses, show_graph):
    found = sccs(uses)
    known = [(n, set(l.split())) for n, l in read_lines(KNOWN)]
    bad = 0
    if show_graph:
        for m in sorted(uses):
            for d in sorted(uses[m]):
                print(f"  {m} -> {d} ({', '.join(uses[m][d][:3])})")
    print(f"modules: {len(uses)} objects, {len(found)} circle(s)")
    for comp in found:
        cyc = cycle_in(comp, uses)
        steps = []
        for a, b in zip(cyc, cyc[1:]):
            steps.append(f"{a} -> {b} ({uses[a][b][0]})")
        home = [n for n, k in known if set(comp) <= k]
        verdict = f"known (known_circles.txt line {home[0]})" if home else "NEW"
        print(f"circle of {len(comp)} [{verdict}]: {' '.join(comp)}")
        print("    for example: " + "; ".join(steps))
        if not home:
            bad = 1
    for n, k in known:
        inside = [c for c in found if set(c) <= k]
        if not inside:
            print(f"known_circles.txt line {n}: no longer found: remove the line")
        elif len(inside) > 1 or set(inside[0]) != k:
            print(f"known_circles.txt line {n}: now smaller: "
                  + " | ".join(" ".join(c) for c in inside) + ": shorten the line")
    if bad:
        print("FAIL: a circle between modules that known_circles.txt does not hold: a table of "
              "variants sits above them, what they call sits below them (STYLE.md)")
    return bad


def check_util_below(uses):
    """util/ modules use only util/ modules: the helpers sit below the library."""
    bad = 0
    for m in sorted(uses):
        if not m.startswith("util/"):
            continue
        for d in sorted(uses[m]):
            if not d.startswith("util/"):
                print(f"FAIL: {m} uses {d} ({', '.join(uses[m][d][:3])}): src/util/ may use only "
                      "src/util/")
                bad = 1
    return bad


def unit_tests_in_meson():
    text = open(os.path.join(REPO, "tests", "meson.build"), encoding="utf-8").read()
    m = re.search(r"unit_tests\s*=\s*\[(.*?)\]", text, re.S)
    return set(re.findall(r"'([^']+)'", m.group(1))) if m else set()


def check_tests(modules):
    listed = unit_tests_in_meson()
    rows = {}
    bad = 0
    for n, line in read_lines(MAP):
        f = line.split(None, 2)
        if len(f) < 3:
            print(f"module_tests.txt line {n}: want MODULE SUITE WHY")
            bad = 1
            continue
        rows[f[0]] = (n, f[1], f[2])
    own = 0
    for m in sorted(modules):
        name = m.split("/")[-1]
        has = os.path.exists(os.path.join(REPO, "tests", "unit", f"test_{name}.c"))
        if has and name not in listed:
            print(f"{m}: tests/unit/test_{name}.c is not in tests/meson.build's unit_tests")
            bad = 1
        if has and m in rows:
            print(f"module_tests.txt line {rows[m][0]}: {m} has tests/unit/test_{name}.c: "
                  "remove the line")
            bad = 1
        elif has:
            own += 1
        elif m not in rows:
            print(f"{m}: no tests/unit/test_{name}.c and no line in tests/tools/module_tests.txt")
            bad = 1
    for m, (n, _, _) in rows.items():
        if m not in modules:
            print(f"module_tests.txt line {n}: {m} is no module of the library")
            bad = 1
    print(f"tests: {own} modules with a unit test of their own, "
          f"{len([m for m in rows if m in modules])} covered by the map")
    if bad:
        print("FAIL: the module-to-test map")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--circles-only", action="store_true")
    ap.add_argument("--tests-only", action="store_true")
    ap.add_argument("--graph", action="store_true", help="print every use between modules")
    a = ap.parse_args()
    if not shutil.which("nm"):
        print("SKIP: no nm")
        return 77
    objs, defined, undefined = read_symbols(a.build)
    if not objs:
        print(f"SKIP: no {a.build}/liblayerscan.a.p/*.o (build first)")
        return 77
    uses = graph(defined, undefined)
    bad = 0
    if not a.tests_only:
        bad |= check_circles(uses, a.graph)
        bad |= check_util_below(uses)
    if not a.circles_only:
        bad |= check_tests(set(uses))
    return bad


if __name__ == "__main__":
    sys.exit(main())
