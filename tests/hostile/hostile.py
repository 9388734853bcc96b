"""Shared harness of the hostile-input suite (tests/hostile/test_*.py).

Every case is generated at test time (no committed blobs) and run through layerscan with the
limits the product promises against hostile input:

- a wall-clock limit (10 s; x4 under ASan/UBSan, which slow everything down),
- a memory limit: the child's peak RSS must stay under 256 MiB (plain build; the address space
  is also capped with RLIMIT_AS at 1 GiB so that an unbounded allocation fails inside the case
  instead of taking the machine). Under ASan, whose shadow memory makes RLIMIT_AS and RSS
  meaningless, the sanitizer's own hard_rss_limit_mb (1 GiB) and max_allocation_size_mb stand in,
- the expected exit code, and for exit 2 a message on standard error that names the blob or file,
- no credential and no secret in clear in anything the case printed or wrote.

A test script builds its cases, calls case() for each, and ends with finish(): the plain closing
line 'N passed, N failed' and exit 1 on any failure (77 when the script said skip()).
"""
import os
import resource
import subprocess
import sys
import time

TIME_LIMIT = 10.0
RSS_LIMIT_MB = 256
AS_LIMIT = 1 << 30
GNU_TIME = "/usr/bin/time"

_passed = 0
_failed = 0


def is_asan(binary):
    """True when the binary was built with AddressSanitizer."""
    try:
        with open(binary, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


class Result:
    def __init__(self, rc, out, err, seconds, rss_mb):
        self.rc = rc
        self.out = out
        self.err = err
        self.seconds = seconds
        self.rss_mb = rss_mb

    @property
    def text(self):
        return self.out.decode("utf-8", "replace") + self.err.decode("utf-8", "replace")


def run(layerscan, args, stdin=None, input_bytes=None, env=None, time_limit=TIME_LIMIT,
        as_limit=AS_LIMIT, cwd=None):
    """Runs layerscan ARGS under the limits; returns a Result (rc -9 when killed at the limit)."""
    asan = is_asan(layerscan)
    e = dict(os.environ)
    e["LAYERSCAN_NOW"] = "2026-02-01T00:00:00Z"
    e.setdefault("NO_COLOR", "1")
    if asan:
        time_limit *= 4
        e["ASAN_OPTIONS"] = ":".join(filter(None, [
            e.get("ASAN_OPTIONS", ""), "hard_rss_limit_mb=1024", "max_allocation_size_mb=512",
            "allocator_may_return_null=1", "detect_leaks=1"]))
    if env:
        e.update(env)

    def limit():
        if not asan and as_limit:
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    # output and input through unnamed temporary files, and the child reaped with wait4 here,
    # so that its own peak RSS is known (communicate() would reap it first)
    import tempfile
    import threading
    fin = None
    if input_bytes is not None:
        fin = tempfile.TemporaryFile()
        fin.write(input_bytes)
        fin.seek(0)
        stdin = fin
    fout, ferr = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    # The peak RSS that wait4 reports for a child is the larger of its own and the forking
    # parent's at exec time (Linux records the old address space's high-water mark at exec), so
    # a large Python parent would overstate it: GNU time, a small process, forks layerscan and
    # writes the true figure (%M, KiB) to a file of its own.
    ftime = tempfile.NamedTemporaryFile(prefix="lsc-rss-", delete=False)
    ftime.close()
    argv = [layerscan] + list(args)
    if os.access(GNU_TIME, os.X_OK):
        argv = [GNU_TIME, "-f", "%M", "-o", ftime.name] + argv
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                         stdout=fout, stderr=ferr, env=e, preexec_fn=limit, cwd=cwd,
                         start_new_session=True)

    def kill():
        try:
            os.killpg(p.pid, 9)
        except ProcessLookupError:
            pass
    timer = threading.Timer(time_limit, kill)
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    seconds = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)
    if argv[0] == GNU_TIME and rc > 128 and b"terminated by signal" in open(ftime.name, "rb").read():
        rc = -(rc - 128)  # time exits 128+N when its child died of signal N
    p.returncode = rc
    rss_mb = ru.ru_maxrss / 1024.0
    if argv[0] == GNU_TIME:
        try:
            with open(ftime.name) as f:
                rss_mb = int(f.read().strip().splitlines()[-1]) / 1024.0
        except (OSError, ValueError, IndexError):
            pass
    os.unlink(ftime.name)
    fout.seek(0)
    ferr.seek(0)
    out, err = fout.read(), ferr.read()
    for f in (fin, fout, ferr):
        if f:
            f.close()
    return Result(p.returncode, out, err, seconds, rss_mb)


def case(name, res, rc=None, rcs=None, names=None, forbid=(), check=None, rss_limit=RSS_LIMIT_MB,
         layerscan=None):
    """Judges one Result: expected exit code(s), an error naming `names` (str or list, any one
    present in stderr) when rc is 2, no sanitizer report, none of `forbid` (secrets, credentials)
    in stdout or stderr, the time and memory limits, and `check(res)` returning an error string
    or None."""
    global _passed, _failed
    problems = []
    want = rcs if rcs is not None else ([rc] if rc is not None else None)
    if res.rc == -9:
        problems.append(f"killed at the time limit after {res.seconds:.1f} s")
    elif want is not None and res.rc not in want:
        problems.append(f"exit {res.rc}, expected {want}")
    err = res.err.decode("utf-8", "replace")
    if "ERROR: AddressSanitizer" in err or "runtime error:" in err or "LeakSanitizer" in err:
        problems.append("sanitizer report")
    if res.rc == 2 and names:
        alts = [names] if isinstance(names, str) else list(names)
        if not any(a in err for a in alts):
            problems.append(f"error message does not name any of {alts}")
    for s in forbid:
        b = s.encode() if isinstance(s, str) else s
        if b and (b in res.out or b in res.err):
            problems.append(f"printed in clear: {s[:12]!r}...")
    asan = layerscan is not None and is_asan(layerscan)
    if not asan and rss_limit and res.rss_mb > rss_limit:
        problems.append(f"peak RSS {res.rss_mb:.0f} MiB over {rss_limit} MiB")
    if check and not problems:
        msg = check(res)
        if msg:
            problems.append(msg)
    if problems:
        _failed += 1
        print(f"FAIL: {name}: " + "; ".join(problems), file=sys.stderr)
        tail = err.strip().splitlines()[-5:]
        for line in tail:
            print(f"    stderr: {line[:300]}", file=sys.stderr)
    else:
        _passed += 1
        print(f"ok: {name} (exit {res.rc}, {res.seconds:.2f} s, {res.rss_mb:.0f} MiB)")
    return not problems


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def finish():
    print(f"{_passed} passed, {_failed} failed")
    sys.exit(1 if _failed else 0)
