#!/usr/bin/env bash
# Prepares what a GPU machine needs to run scripts/gpu-check.sh from this tree: one archive,
# .device/bundle.tar.xz (ignored by git), holding a stripped Node, the runtime node_modules plus
# mocha, the addon with oneDNN and what it loads, the compiled library and tests, and Fashion-MNIST
# as raw IDX files (xz packs them tighter than gzip). gpu-check.sh unpacks it.
# Carry `.device` alone; with the tracked files it must stay under the 64 MiB a device call carries,
# which this script checks. Then run the command printed at the end.
# Usage: scripts/gpu-bundle.sh   (after `npm test` here, with the CUDA 12 build: see .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '.device/' .git/info/exclude 2>/dev/null || echo '.device/' >> .git/info/exclude
for p in build/Release/node_cudnn.node dist dist-test; do
  [ -e "$p" ] || { echo "missing $p: build and test first" >&2; exit 1; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
strip -o "$stage/node" "$(command -v node)"

# Runtime dependencies and the test runner; compilers and type packages stay behind.
mkdir -p "$stage/tree"
cp -r node_modules dist dist-test "$stage/tree/"
rm -rf "$stage"/tree/node_modules/{typescript,@types,cmake-js,node-api-headers,node-addon-api,tar,.bin}
# The addon, and beside it (where its $ORIGIN run path looks first) oneDNN, OpenCL's ICD loader and
# GNU OpenMP: the GPU machine has none of them.
mkdir -p "$stage/tree/build/Release"
cp build/Release/node_cudnn.node "$stage/tree/build/Release/"
ldd build/Release/node_cudnn.node | awk '/libdnnl|libOpenCL|libgomp/ { print $3 }' |
  xargs -r -I{} cp -L {} "$stage/tree/build/Release/"

data="${NODE_CUDNN_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
mkdir -p "$stage/fashion-mnist"
for f in "$data"/*-ubyte.gz; do gzip -dc "$f" > "$stage/fashion-mnist/$(basename "$f" .gz)"; done

rm -rf .device && mkdir -p .device
echo "packing (xz -9, a few minutes on 2 cores)..."
tar -C "$stage" -cf - node tree fashion-mnist | xz -9 -T0 > .device/bundle.tar.xz

kib=$(( $(du -sk .device | cut -f1) + $(git ls-files -z | du -ck --files0-from=- | tail -n 1 | cut -f1) ))
echo "bundle: $((kib / 1024)) MiB with the tracked files, of the 64 MiB a device call carries"
[ "$kib" -lt $((63 * 1024)) ] || { echo "the bundle is too large for a device call" >&2; exit 1; }
# At most 8 files come back from a device call: the check's folder returns as one archive.
echo "device run: carry [\".device\"], command: bash scripts/gpu-check.sh /tmp/gc; tar -C /tmp -czf \$OUT/gpu-check.tgz gc; cp /tmp/gc/summary.txt \$OUT/"
