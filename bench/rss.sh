#!/usr/bin/env bash
# Peak memory of a scan, from a file and from standard input.
#
#   bench/rss.sh [--smoke] [LAYERSCAN]
#
# Builds a realistic image with our packer (text trees, compressible and incompressible binaries,
# many small files, one large file) of about 300 MB uncompressed (30 MB with --smoke), as a
# docker-archive, a gzip OCI layout and a zstd OCI layout, scans each, and reports the peak RSS
# (GNU time's "Maximum resident set size") and the wall time next to `gzip -dc` of the same
# layers. Exits 1 when a peak RSS reaches 64 MiB: memory is a bound, not a timing, so it is
# asserted; times are only reported, as ratios of one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
smoke=0
if [ "${1:-}" = "--smoke" ]; then
	smoke=1
	shift
fi
bin=${1:-$root/build/layerscan}
limit_kib=$((64 * 1024))

for tool in /usr/bin/time python3 gzip zstd; do
	command -v "$tool" >/dev/null || { echo "skip: $tool missing"; exit 77; }
done
[ -x "$bin" ] || { echo "no layerscan binary at $bin"; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $smoke = 1 ]; then scale=1; else scale=10; fi

python3 - "$work" "$scale" <<'PY'
import json, os, random, sys
work, scale = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
words = ("the of and to in is for on with as by at from this that be are it an or "
         "config server value return import function class def static int char void "
         "package module require export default const let var if else while").split()
def text(n):
    out, size = [], 0
    while size < n:
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14))) + "\n"
        out.append(line); size += len(line)
    return "".join(out)
layers = []
for li in range(3):
    tree = os.path.join(work, f"tree{li}")
    for d in range(20 * scale):
        dd = os.path.join(tree, f"usr/share/pkg{d}")
        os.makedirs(dd, exist_ok=True)
        for f in range(25):
            with open(os.path.join(dd, f"file{f}.txt"), "w") as fh:
                fh.write(text(rnd.randint(200, 6000)))
        with open(os.path.join(dd, "lib.so"), "wb") as fh:
            fh.write(rnd.randbytes(60000))
    big = os.path.join(tree, "opt/data")
    os.makedirs(big, exist_ok=True)
    with open(os.path.join(big, "blob.bin"), "wb") as fh:
        for _ in range(scale * 7):
            fh.write(rnd.randbytes(1 << 20))
    layers.append({"created_by": f"COPY layer {li}", "tree": tree})
layers[2]["files"] = [{"path": "app/.env", "content": "API_KEY=abc\n"}]
spec = {"config": {"User": "1000"}, "layers": layers}
json.dump(spec, open(os.path.join(work, "spec.json"), "w"))
PY

pack="$root/tests/tools/lspack.py"
python3 "$pack" "$work/spec.json" --format docker-archive --out "$work/img.tar"
python3 "$pack" "$work/spec.json" --format oci --out "$work/oci-gz" --layer-compression gzip
python3 "$pack" "$work/spec.json" --format oci --out "$work/oci-zst" --layer-compression zstd

peak() { # prints "KIB SECONDS" for the command in "$@"
	/usr/bin/time -f "%M %e" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
		rc=$?
		if [ $rc -ne 1 ]; then cat "$work/err" >&2; echo "command failed ($rc): $*" >&2; exit 2; fi
	}
	tail -n1 "$work/time"
}

size=$(stat -c %s "$work/img.tar")
printf 'image: %d MB uncompressed, 3 layers\n' $((size / 1000000))
fail=0
report() { # name kib secs
	printf '%-28s peak RSS %6.1f MiB  wall %6.2fs\n' "$1" "$(awk -v k="$2" 'BEGIN{print k/1024}')" "$3"
	if [ "$2" -ge $limit_kib ]; then echo "  ^ over the 64 MiB bound"; fail=1; fi
}
read -r k s < <(peak "$bin" scan -q -f json "docker-archive:$work/img.tar"); report "docker-archive file" "$k" "$s"
read -r k s < <(peak sh -c "cat '$work/img.tar' | '$bin' scan -q -f json -"); report "docker-archive stdin" "$k" "$s"
read -r k s < <(peak "$bin" scan -q -f json "oci:$work/oci-gz"); report "oci gzip layers" "$k" "$s"
read -r k s < <(peak "$bin" scan -q -f json -j1 "oci:$work/oci-gz"); report "oci gzip layers -j1" "$k" "$s"
read -r k s < <(peak "$bin" scan -q -f json "oci:$work/oci-zst"); report "oci zstd layers" "$k" "$s"

# the floor: decompressing the same gzip layers
layers=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]+"/index.json"))["manifests"][0]["digest"].split(":")[1]; print(" ".join(sys.argv[1]+"/blobs/sha256/"+l["digest"].split(":")[1] for l in json.load(open(sys.argv[1]+"/blobs/sha256/"+m))["layers"]))' "$work/oci-gz")
read -r k s < <(peak sh -c "for f in $layers; do gzip -dc \"\$f\"; done"); printf '%-28s wall %6.2fs\n' "gzip -dc of the layers" "$s"
exit $fail
