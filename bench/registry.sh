#!/usr/bin/env bash
# Scanning straight from a registry, next to `skopeo copy` of the same image, measured in one run.
#
#   bench/registry.sh [BUILD_DIR]
#
# Starts Debian's docker-registry on 127.0.0.1 (no auth, storage in a temp dir), pushes a
# realistic image into it with skopeo, then reports: the wall time of
# `layerscan scan -q -f json docker://127.0.0.1:PORT/...` (default jobs), the wall time of
# `skopeo copy docker://... oci:DIR` of the same image (download + digest checks, no scan: the
# floor), their ratio, and layerscan's peak RSS. One run each, as measured (the registry's files
# are in the page cache after the push, so neither pays for the disk).
#
# The image is bench/work/image (Debian 12 + node_modules, made by bench/secrets.sh) when it
# exists, else a ~100 MB image packed once by tests/tools/lspack.py from generated text and random
# data (cached in bench/work/registry-image). Needs docker-registry, skopeo, GNU time and python3,
# and no network beyond loopback; exits 77 when a tool is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
bin=$build/layerscan
registry_bin=${LAYERSCAN_TEST_REGISTRY:-/usr/bin/docker-registry}
for tool in "$registry_bin" skopeo /usr/bin/time python3; do
	command -v "$tool" >/dev/null || { echo "skip: $tool missing"; exit 77; }
done
[ -x "$bin" ] || { echo "build first: $bin"; exit 2; }

# loopback only: no proxy may get in the way, no credentials of the user are read
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
	DOCKER_CONFIG REGISTRY_AUTH_FILE LAYERSCAN_USERNAME LAYERSCAN_PASSWORD XDG_RUNTIME_DIR
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

tmp=$(mktemp -d)
reg_pid=
cleanup() {
	if [ -n "$reg_pid" ]; then
		kill "$reg_pid" 2>/dev/null || true
		wait "$reg_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/home"
export HOME=$tmp/home

img=$here/work/image
what="Debian 12 minbase + node_modules (bench/secrets.sh)"
if [ ! -f "$img/index.json" ]; then
	img=$here/work/registry-image
	what="generated text + random data (lspack)"
	if [ ! -f "$img/index.json" ]; then
		echo "packing a ~100 MB image into $img (once)..." >&2
		rm -rf "$img" "$tmp/gen"
		mkdir -p "$here/work" "$tmp/gen"
		python3 - "$tmp/gen" <<'PY'
import json, os, random, sys
gen = sys.argv[1]
rnd = random.Random(42)
words = ("the of and to in is for on with as by at from this that be are it an or config server "
         "value return import function class def static int char void package module require "
         "export default const let var if else while http request response error user").split()
def text(n):
    out, size = [], 0
    while size < n:
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14))) + "\n"
        out.append(line)
        size += len(line)
    return "".join(out)
def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
# layer 0: a distro-like tree of text files (~40 MB) and shared objects (~12 MB random)
t0 = os.path.join(gen, "tree0")
for d in range(80):
    for f in range(30):
        put(os.path.join(t0, f"usr/share/doc/pkg{d}/file{f}.txt"), text(rnd.randint(2000, 30000)))
    put(os.path.join(t0, f"usr/lib/pkg{d}/lib{d}.so"), rnd.randbytes(150_000))
# layer 1: an application: many small sources (~15 MB) and incompressible assets (~30 MB)
t1 = os.path.join(gen, "tree1")
for d in range(150):
    for f in range(20):
        put(os.path.join(t1, f"srv/app/node_modules/m{d}/lib/f{f}.js"), text(rnd.randint(500, 9000)))
for i in range(6):
    put(os.path.join(t1, f"srv/app/assets/blob{i}.bin"), rnd.randbytes(5 << 20))
spec = {"created": "2026-11-01T00:00:00Z", "config": {"User": "1000"},
        "layers": [{"created_by": "ADD rootfs /", "tree": t0},
                   {"created_by": "COPY app /srv/app", "tree": t1},
                   {"created_by": "COPY .env /srv/app/",
                    "files": [{"path": "srv/app/.env", "content": "API_KEY=abc\n"}]}]}
with open(os.path.join(gen, "spec.json"), "w") as f:
    json.dump(spec, f)
PY
		python3 "$root/tests/tools/lspack.py" "$tmp/gen/spec.json" --format oci \
			--layer-compression gzip --out "$tmp/gen/image"
		mv "$tmp/gen/image" "$img"
		rm -rf "$tmp/gen"
	fi
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: "$tmp/storage"
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: "127.0.0.1:$port"
  secret: "bench-$$"
EOF
"$registry_bin" serve "$tmp/config.yml" >"$tmp/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 200); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	kill -0 "$reg_pid" 2>/dev/null || { cat "$tmp/registry.log" >&2; echo "docker-registry died" >&2; exit 2; }
	sleep 0.05
done
ref=127.0.0.1:$port/bench/image:latest
skopeo --insecure-policy copy --quiet --dest-tls-verify=false "oci:$img" "docker://$ref"

secs() { awk -v s="$1" -v e="$2" 'BEGIN{printf "%.2f", e-s}'; }
now() { date +%s.%N; }

# skopeo: download every blob, check its digest, write an OCI layout
s=$(now)
skopeo --insecure-policy copy --quiet --src-tls-verify=false "docker://$ref" "oci:$tmp/copy:latest"
t_skopeo=$(secs "$s" "$(now)")
rm -rf "$tmp/copy"

# layerscan: the same pull, plus decompression and the scan
rc=0
s=$(now)
/usr/bin/time -f "%M" -o "$tmp/rss" "$bin" scan -q -f json "docker://$ref" >"$tmp/report.json" \
	2>"$tmp/scan.err" || rc=$?
t_scan=$(secs "$s" "$(now)")
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
	cat "$tmp/scan.err" >&2
	echo "layerscan scan docker://$ref failed (exit $rc)" >&2
	exit 2
fi
rss=$(tail -n1 "$tmp/rss")

python3 - "$img" "$tmp/report.json" "$what" <<'PY'
import json, os, sys
img, report, what = sys.argv[1:]
idx = json.load(open(os.path.join(img, "index.json")))
man = json.load(open(os.path.join(img, "blobs", "sha256", idx["manifests"][0]["digest"][7:])))
comp = sum(layer["size"] for layer in man["layers"])
r = json.load(open(report))
print(f"image: {what}")
print(f"       {len(man['layers'])} layers, {comp / 1e6:.0f} MB compressed, "
      f"{r['stats']['bytes_uncompressed'] / 1e6:.0f} MB uncompressed, "
      f"{len(r['findings'])} findings")
PY
echo "skopeo copy docker:// -> oci:          ${t_skopeo}s"
echo "layerscan scan docker:// (default -j): ${t_scan}s = $(awk -v a="$t_scan" -v b="$t_skopeo" 'BEGIN{printf "%.2f", a/b}') x skopeo copy"
echo "layerscan peak RSS:                    $((rss / 1024)) MiB"
