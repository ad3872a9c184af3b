#!/usr/bin/env bash
# Builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer (CPU backend) and runs the
# op, gradient, argument-check and fuzzing suites against it; any sanitizer report fails the run.
# Usage: scripts/sanitize-test.sh   (npm run test:sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
npx cmake-js compile -O build-sanitize --CDNODE_CUDNN_SANITIZE=ON --CDNODE_CUDNN_CUDA=OFF > build-sanitize.log 2>&1 ||
  { tail -n 30 build-sanitize.log; exit 1; }
npx tsc -p . && npx tsc -p test
log="$(mktemp)"
# Node itself is not instrumented: the runtime is preloaded, and leak checking (which would report
# V8's own allocations) is off; UBSan stops at the first report.
set +e
NODE_CUDNN_ADDON=build-sanitize/Release/node_cudnn.node \
  LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  npx mocha --no-config --timeout 600000 dist-test/test/20.ops.test.js dist-test/test/30.gradcheck.test.js \
    dist-test/test/40.errors.test.js dist-test/test/41.fuzz.test.js dist-test/test/84.layers.test.js dist-test/test/83.optim.test.js > "$log" 2>&1
status=$?
set -e
grep -E "passing|failing|pending" "$log" || true
reports=$(grep -cE "ERROR: AddressSanitizer|runtime error:" "$log" || true)
echo "sanitizer reports: $reports"
if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then
  grep -E -A20 "ERROR: AddressSanitizer|runtime error:|failing" "$log" | head -n 80
  exit 1
fi
