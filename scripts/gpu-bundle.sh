#!/usr/bin/env bash
# Prepares what a GPU machine needs to run scripts/gpu-check.sh from this tree, in .device/ (ignored
# by git): a stripped, xz-compressed Node, the runtime node_modules plus mocha, and Fashion-MNIST.
# Carry to the GPU machine: .device, build/Release, dist, dist-test (under 64 MiB together).
# Usage: scripts/gpu-bundle.sh   (after `npm run build` and `npm test` here)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .device
grep -qx '.device/' .git/info/exclude 2>/dev/null || echo '.device/' >> .git/info/exclude

[ -f .device/node.xz ] || { strip -o .device/node "$(command -v node)" && xz -T2 -f .device/node; }

# Runtime dependencies and the test runner; compilers and type packages stay behind.
rm -rf .device/node_modules && cp -r node_modules .device/node_modules
rm -rf .device/node_modules/{typescript,@types,cmake-js,node-api-headers,node-addon-api,tar,.bin}
tar -C .device -cJf .device/node_modules.tar.xz node_modules && rm -rf .device/node_modules

data="${NODE_CUDNN_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
mkdir -p .device/fashion-mnist && cp "$data"/*-ubyte.gz .device/fashion-mnist/

for p in build/Release/node_cudnn.node dist dist-test; do [ -e "$p" ] || { echo "missing $p: build and test first" >&2; exit 1; }; done
du -shc .device build/Release dist dist-test | tail -n 1
