#!/usr/bin/env bash
# Runs every fuzz target for a bounded time over a copy of its seed corpus.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [BUILD_DIR]
#
# SECONDS_PER_TARGET defaults to 60, BUILD_DIR to build-fuzz (relative to the source root). The
# build directory is set up (CC=clang, -Dfuzz=true) or reconfigured when needed, and only the
# fuzz targets are built. Targets run one after another, each in a temporary directory of its own
# (FUZZ_TMPDIR, else TMPDIR, else /tmp): new corpus entries never land in the repository.
#
# Environment: FUZZ_TARGETS="tar layer" runs a subset; FUZZ_ARGS adds libFuzzer flags.
#
# Exit status: 0 when every target ran clean; 1 at the first crash, leak, timeout or OOM (the
# reproducer's path is printed and its directory kept); 77 when clang or libFuzzer's runtime
# (libclang-rt) is missing, so a CI step can report the run as skipped; 2 on a usage or build
# error.
set -u

# The whole script is one function, parsed before it runs: a checkout or an edit of this file
# while a long run is going on cannot change what the running instance executes.
main() {

secs=${1:-60}
build=${2:-build-fuzz}
all_targets="manifest config save_manifest tar layer archive osrelease secrets registry_text fcaps shadow overlay strmap keys"

case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS_PER_TARGET] [BUILD_DIR]" >&2
	exit 2
	;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case $build in
/*) ;;
*) build=$root/$build ;;
esac

# --- prerequisites: clang and a libFuzzer runtime it can link ----------------------------------
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: SKIP: clang not found" >&2
	exit 77
fi
probe_dir=$(mktemp -d "${TMPDIR:-/tmp}/lsc-fuzz-probe.XXXXXX") || exit 2
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d && n ? 0 : 0; }' \
	>"$probe_dir/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$probe_dir/probe" "$probe_dir/probe.c" \
	>"$probe_dir/log" 2>&1; then
	echo "fuzz: SKIP: clang cannot link -fsanitize=fuzzer (install libclang-rt-dev):" >&2
	sed -n 1,5p "$probe_dir/log" >&2
	rm -rf "$probe_dir"
	exit 77
fi
rm -rf "$probe_dir"

# --- build ---------------------------------------------------------------------------------------
if [ ! -f "$build/build.ninja" ]; then
	echo "fuzz: setting up $build"
	if ! CC=clang meson setup "$build" "$root" -Dfuzz=true >/dev/null; then
		echo "fuzz: meson setup failed" >&2
		exit 2
	fi
elif ! meson introspect --buildoptions "$build" 2>/dev/null |
	python3 -c 'import json,sys; o={x["name"]: x["value"] for x in json.load(sys.stdin)};
sys.exit(0 if o.get("fuzz") else 1)'; then
	echo "fuzz: enabling -Dfuzz=true in $build"
	if ! meson configure "$build" -Dfuzz=true >/dev/null; then
		echo "fuzz: meson configure failed" >&2
		exit 2
	fi
fi
# the targets this build defines: FUZZ_TARGETS may only name those
built=$(meson introspect --targets "$build" 2>/dev/null | python3 -c '
import json, sys
print(" ".join(t["name"][5:] for t in json.load(sys.stdin) if t["name"].startswith("fuzz_")))')
targets=
for t in ${FUZZ_TARGETS:-$all_targets}; do
	case " $built " in
	*" $t "*) targets="$targets $t" ;;
	*)
		if [ -n "${FUZZ_TARGETS:-}" ]; then
			echo "fuzz: no target fuzz_$t in $build" >&2
			exit 2
		fi
		;;
	esac
done
if [ -z "$targets" ]; then
	echo "fuzz: no fuzz targets in $build (configured with -Dfuzz=true?)" >&2
	exit 2
fi
ninja_targets=
for t in $targets; do
	ninja_targets="$ninja_targets tests/fuzz/fuzz_$t"
done
# shellcheck disable=SC2086 # one word per target
if ! ninja -C "$build" $ninja_targets; then
	echo "fuzz: build failed" >&2
	exit 2
fi

# --- run -----------------------------------------------------------------------------------------
dict_for() {
	case $1 in
	manifest | config | save_manifest) echo "$here/json.dict" ;;
	tar | layer | archive) echo "$here/tar.dict" ;;
	secrets) echo "$here/secrets.dict" ;;
	osrelease) echo "$here/osrelease.dict" ;;
	esac
}

stat_of() { # stat_of LOG NAME: a value of libFuzzer's -print_final_stats=1
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null 2>&1; then
	# Debian installs it versioned only: without it the stack traces are bare addresses
	sym=$(command -v "llvm-symbolizer-$(clang -dumpversion | cut -d. -f1)" 2>/dev/null)
	if [ -n "$sym" ]; then
		export ASAN_SYMBOLIZER_PATH=$sym
	fi
fi
tmp_base=${FUZZ_TMPDIR:-${TMPDIR:-/tmp}}
status=0

for t in $targets; do
	exe=$build/tests/fuzz/fuzz_$t
	work=$(mktemp -d "$tmp_base/lsc-fuzz-$t.XXXXXX") || exit 2
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "$here/corpus/$t" ]; then
		cp -R "$here/corpus/$t/." "$work/corpus/"
	fi
	seeds=$(find "$work/corpus" -type f | wc -l)
	dict=$(dict_for "$t")
	dict_arg=
	if [ -n "$dict" ] && [ -f "$dict" ]; then
		dict_arg=-dict=$dict
	fi
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
	"$exe" "$work/corpus" -max_total_time="$secs" -max_len=1048576 -rss_limit_mb=2048 \
		-timeout=10 -detect_leaks=1 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" $dict_arg ${FUZZ_ARGS:-} >"$work/log" 2>&1
	rc=$?
	runs=$(stat_of "$work/log" number_of_executed_units)
	eps=$(stat_of "$work/log" average_exec_per_sec)
	took=$(stat_of "$work/log" slowest_unit_time_sec)
	cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
	units=$(find "$work/corpus" -type f | wc -l)
	artifact=$(find "$work/artifacts" -type f | head -n 1)
	if [ "$rc" -ne 0 ] || [ -n "$artifact" ]; then
		echo "fuzz_$t: FAIL after ${runs:-?} runs (exit $rc)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:|ALARM|.*out-of-memory)' \
			"$work/log" | head -n 5 | sed 's/^/    /'
		grep -E '^ *#[0-9]+ ' "$work/log" | head -n 12 | sed 's/^/    /'
		if [ -z "$artifact" ]; then
			tail -n 5 "$work/log" | sed 's/^/    /' # libFuzzer refused to start
		fi
		echo "    log:        $work/log"
		if [ -n "$artifact" ]; then
			echo "    reproducer: $artifact"
			echo "    reproduce:  $exe $artifact"
			echo "    minimise:   $exe -minimize_crash=1 -runs=100000 \\"
			echo "                  -exact_artifact_path=$artifact.min $artifact"
		fi
		status=1
		break
	fi
	printf 'fuzz_%s: ok %ss, %s runs, %s exec/s, cov %s, ft %s, corpus %s -> %s, slowest %ss\n' \
		"$t" "$secs" "${runs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$seeds" "$units" \
		"${took:-?}"
	rm -rf "$work"
done
exit "$status"
}

main "$@"
