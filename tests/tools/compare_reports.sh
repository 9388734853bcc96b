#!/usr/bin/env bash
# A refactor's check: the JSON reports of the bundled demo and of the bench image (when
# bench/work/image exists, made by bench/secrets.sh) from two builds must be byte-identical,
# stats.duration_ms aside.
#
#   tests/tools/compare_reports.sh BUILD_BEFORE BUILD_AFTER
#
# Exit 0 when every report is identical, 1 when one differs (the diff is printed), 2 on usage.
set -u
[ $# -eq 2 ] || { echo "usage: $0 BUILD_BEFORE BUILD_AFTER" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
export LAYERSCAN_NOW=2026-12-04T00:00:00Z
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
targets=("$root/fixtures/demo/demo.tar")
[ -d "$root/bench/work/image" ] && targets+=("oci:$root/bench/work/image")
status=0
for t in "${targets[@]}"; do
	for side in 1 2; do
		b=${!side}
		"$b/layerscan" scan -q -f json --offline "$t" > "$tmp/r$side.json"
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["stats"].pop("duration_ms",None); print(json.dumps(r,indent=1))' "$tmp/r$side.json" > "$tmp/n$side.json"
	done
	if diff -u "$tmp/n1.json" "$tmp/n2.json"; then
		echo "identical: $t"
	else
		echo "DIFFERS: $t"
		status=1
	fi
done
exit $status
