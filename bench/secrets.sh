#!/usr/bin/env bash
# The secret engine and the whole scan on a realistic image, measured in one run.
#
#   bench/secrets.sh [BUILD_DIR]
#
# Builds (once, cached in bench/work/) an image from real files: a Debian 12 root filesystem
# made with debootstrap (layer 0) and a node_modules tree installed from npm (layer 1), as an OCI
# layout with gzip layers. Then reports, in one run: the wall time of a full scan (default jobs
# and -j1) over the wall time of `gzip -dc` and of `igzip -dc` of the same layers, peak RSS, the
# rule engine's own throughput on the text files of the image, and every finding on the Debian
# layer (each one is a false positive: a fresh debootstrap holds no secret).
# Needs root, debootstrap, npm, igzip and network access to Debian's and npm's registries;
# exits 77 when one is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
bin=$build/layerscan
engine=$build/bench-engine
work=$here/work
for tool in debootstrap npm igzip gzip /usr/bin/time python3; do
	command -v "$tool" >/dev/null || { echo "skip: $tool missing"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "skip: debootstrap needs root"; exit 77; }
[ -x "$bin" ] && [ -x "$engine" ] || { echo "build first: $bin, $engine"; exit 2; }
mkdir -p "$work"

if [ ! -f "$work/rootfs/etc/debian_version" ]; then
	rm -rf "$work/rootfs"
	debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >/dev/null ||
		{ echo "skip: debootstrap failed (no network?)"; exit 77; }
fi
if [ ! -d "$work/app/node_modules" ]; then
	mkdir -p "$work/app"
	(cd "$work/app" && npm init -y >/dev/null &&
		npm install --no-audit --no-fund express lodash moment typescript @aws-sdk/client-s3 \
			webpack eslint jest >/dev/null 2>&1) || { echo "skip: npm install failed"; exit 77; }
fi

img=$work/image
if [ ! -f "$img/index.json" ]; then
	rm -rf "$img" "$work"/layer*.tar
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" \
		-cf "$work/layer0.tar" . 2>/dev/null
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" \
		--transform 's,^app,srv/app,' -cf "$work/layer1.tar" app
	python3 - "$work" <<'PY'
import gzip, hashlib, json, os, sys
work = sys.argv[1]
img = os.path.join(work, "image")
os.makedirs(os.path.join(img, "blobs", "sha256"))
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(img, "blobs", "sha256", h), "wb").write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
layers, diffs = [], []
for i in range(2):
    raw = open(os.path.join(work, f"layer{i}.tar"), "rb").read()
    diffs.append("sha256:" + hashlib.sha256(raw).hexdigest())
    d = put(gzip.compress(raw, 6, mtime=0))
    layers.append(dict(d, mediaType="application/vnd.oci.image.layer.v1.tar+gzip"))
cfg = {"architecture": "amd64", "os": "linux", "created": "2026-11-01T00:00:00Z",
       "config": {"User": "1000"}, "rootfs": {"type": "layers", "diff_ids": diffs},
       "history": [{"created_by": "debootstrap bookworm"}, {"created_by": "npm install"}]}
c = dict(put(json.dumps(cfg).encode()), mediaType="application/vnd.oci.image.config.v1+json")
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "config": c, "layers": layers}
md = dict(put(json.dumps(m).encode()), mediaType="application/vnd.oci.image.manifest.v1+json")
json.dump({"schemaVersion": 2, "manifests": [md]}, open(os.path.join(img, "index.json"), "w"))
open(os.path.join(img, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
	rm -f "$work"/layer*.tar
fi

blobs=$(python3 -c 'import json,sys; d=sys.argv[1]; m=json.load(open(d+"/index.json"))["manifests"][0]["digest"][7:]; print(" ".join(d+"/blobs/sha256/"+l["digest"][7:] for l in json.load(open(d+"/blobs/sha256/"+m))["layers"]))' "$img")
wall() { # seconds of "$@", output discarded
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f", e-s}'
}
t_gzip=$(wall sh -c "for f in $blobs; do gzip -dc \$f; done")
t_igzip=$(wall sh -c "for f in $blobs; do igzip -dc \$f; done")
t_scan=$(wall "$bin" scan -q -f json "oci:$img")
t_scan1=$(wall "$bin" scan -q -f json -j1 "oci:$img")
/usr/bin/time -f "%M" -o "$work/rss" "$bin" scan -q -f json -o "$work/report.json" "oci:$img" || true
rss=$(tail -n1 "$work/rss")
bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["bytes_uncompressed"])' "$work/report.json")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
echo "image: $((bytes / 1000000)) MB uncompressed (Debian 12 minbase + node_modules), 2 gzip layers"
echo "gzip -dc of the layers:        ${t_gzip}s"
echo "igzip -dc of the layers:       ${t_igzip}s"
echo "scan, default jobs:            ${t_scan}s = $(ratio "$t_scan" "$t_gzip") x gzip -dc, $(ratio "$t_scan" "$t_igzip") x igzip -dc"
echo "scan, -j1:                     ${t_scan1}s = $(ratio "$t_scan1" "$t_gzip") x gzip -dc, $(ratio "$t_scan1" "$t_igzip") x igzip -dc"
echo "peak RSS:                      $((rss / 1024)) MiB"
find "$work/rootfs/usr/share" "$work/rootfs/etc" "$work/app/node_modules" -type f \
	\( -name '*.js' -o -name '*.json' -o -name '*.md' -o -name '*.txt' -o -name '*.ts' \
	-o -name '*.conf' -o -name '*.html' -o -path '*/doc/*' \) -size +0 2>/dev/null | head -40000 > "$work/text-files"
"$engine" - < "$work/text-files" | sed 's/^/rule engine alone: /'
echo "secret and sensitive-file findings on the Debian layer (all false positives):"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
cred = ("secret", "sensitive-file")
fp = [f for f in r["findings"] if f["location"]["layer_index"] == 0 and f["category"] in cred]
for f in fp:
    print("  ", f["severity"], f["rule_id"], f["location"]["path"], f["location"]["line"])
print("   total:", len(fp))
print("secret and sensitive-file findings on the node_modules layer:",
      sum(1 for f in r["findings"] if f["location"]["layer_index"] == 1 and f["category"] in cred))
# the rest is true: the distribution'"'"'s setuid programs (info), its package caches
other = [f for f in r["findings"] if f["location"]["layer_index"] is not None and
         f["category"] not in cred]
print("other file findings (permissions, accounts, hygiene):", len(other), "above info:",
      sorted({f["rule_id"] for f in other if f["severity"] != "info"}))
' "$work/report.json"
