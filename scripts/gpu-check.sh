#!/usr/bin/env bash
# The project's GPU check, run on a machine with an NVIDIA GPU from a tree prepared by
# scripts/gpu-bundle.sh. It must fit one 10-minute device call with margin: every step has its own
# time limit, all of them together stay under BUDGET seconds (default 450), and each writes its own
# file in OUT (default ./gpu-check-out), with one line per step in OUT/summary.txt.
#
# Steps: 1 machine (driver, GPU, CUDA runtime, cuDNN and cuBLAS found), 2 strict ABI check,
# 3 backendInfo, 4 the GPU test suites, 5 LeNet 10 epochs, 6 AlexNet 1 epoch, 6b ResNet-18 10
# epochs, 7 both benchmarks against PyTorch on CUDA, 7b AlexNet at batch 512 and a host CPU profile
# of its step, 8 the algorithm and math type cuDNN chose for each convolution.
#
# --dry-run runs every step that needs no GPU as it would run, and the GPU steps on the CPU with a
# few images, so that a typo cannot waste the GPU's minutes; CI runs it.
# Usage: scripts/gpu-check.sh [--dry-run] [OUT]
set -uo pipefail
cd "$(dirname "$0")/.."
dry=0
[ "${1:-}" = "--dry-run" ] && { dry=1; shift; }
out="${1:-gpu-check-out}"
budget="${BUDGET:-450}"
mkdir -p "$out"
summary="$out/summary.txt"
: > "$summary"
start=$SECONDS
failures=0

# run NAME LIMIT COMMAND...: runs COMMAND into OUT/NAME.txt for at most LIMIT seconds (less if the
# budget is nearly spent) and appends "NAME: exit N (Ts) note" to the summary. The note is whatever
# the function `note_NAME` prints, if it exists.
run() {
  local name=$1 limit=$2; shift 2
  local left=$((budget - (SECONDS - start)))
  if [ "$left" -lt 5 ]; then
    echo "$name: skipped, the ${budget}s budget is spent" >> "$summary"; failures=$((failures + 1)); return
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  local t0=$SECONDS rc
  timeout --kill-after=5 "$limit" "$@" > "$out/$name.txt" 2>&1
  rc=$?
  local note=""
  declare -F "note_$name" >/dev/null && note=$("note_$name" 2>/dev/null | tr '\n' ' ')
  [ "$rc" -eq 124 ] && note="TIMED OUT after ${limit}s; $note"
  # A failure's first error line, not a stack trace's indented source lines.
  [ "$rc" -ne 0 ] && note="$note $(grep -v '^[[:space:]]' "$out/$name.txt" | grep -m 1 -E 'Error|error|cannot|failed|FAILED' | cut -c1-300)"
  echo "$name: exit $rc ($((SECONDS - t0))s) $note" >> "$summary"
  [ "$rc" -eq 0 ] || failures=$((failures + 1))
}

# On the GPU machine (a tree with no build), what scripts/gpu-bundle.sh packed: Node, node_modules,
# the addon with oneDNN beside it, dist, dist-test and Fashion-MNIST.
if [ -f .device/bundle.tar.xz ] && [ ! -e build/Release/node_cudnn.node ]; then
  tar -C .device -xJf .device/bundle.tar.xz && cp -rn .device/tree/. . && rm -rf .device/tree
fi
if command -v node >/dev/null; then NODE=node; else NODE="$PWD/.device/node"; fi
[ -d .device/fashion-mnist ] && export NODE_CUDNN_FASHION_MNIST="${NODE_CUDNN_FASHION_MNIST:-$PWD/.device/fashion-mnist}"
python=$(for p in python3 python /usr/bin/python3; do $p -c 'import torch' 2>/dev/null && { echo $p; break; }; done)

# cuDNN and cuBLAS: PyTorch's nvidia-* wheels first (asked from Python: no slow walk of /), then a
# bounded search of the file system.
wheel_dirs=$(for p in $python python3; do $p -c 'import nvidia, os; print("\n".join(os.path.join(d, s) for d in nvidia.__path__ for s in sorted(os.listdir(d))))' 2>/dev/null; done | sort -u)
find_lib() {
  local hit
  hit=$(for d in $wheel_dirs; do ls "$d"/lib/$1 2>/dev/null; done | head -n 1)
  [ -n "$hit" ] || hit=$(timeout 30 find / -xdev \( -path /proc -o -path /sys -o -path /tmp \) -prune -o -name "$1" -print 2>/dev/null | head -n 1)
  echo "$hit"
}
cudnn_lib=$(find_lib 'libcudnn.so.9')
cublas_lib=$(find_lib 'libcublas.so.1[23]')
nvrtc_lib=$(find_lib 'libnvrtc.so.1[23]')
libpath=""
for l in "$cudnn_lib" "$cublas_lib" "$nvrtc_lib"; do [ -n "$l" ] && libpath="$libpath${libpath:+:}$(dirname "$l")"; done
[ -n "$libpath" ] && export NODE_CUDNN_LIBRARY_PATH="$libpath${NODE_CUDNN_LIBRARY_PATH:+:$NODE_CUDNN_LIBRARY_PATH}"
# Headers: the wheels carry them in include/ beside lib/; in CI, the CUDA 12 toolkit's.
header_dir() { local lib=$1 h=$2; [ -n "$lib" ] && [ -f "$(dirname "$lib")/../include/$h" ] && (cd "$(dirname "$lib")/../include" && pwd); }
cudnn_inc=$(header_dir "$cudnn_lib" cudnn.h)
cublas_inc=$(header_dir "$cublas_lib" cublas_v2.h)
toolkit="${NODE_CUDNN_CUDA_TOOLKIT:-$HOME/.cache/node-cudnn/cuda-12.4}"
[ -z "$cublas_inc" ] && [ -f "$toolkit/include/cublas_v2.h" ] && cublas_inc="$toolkit/include"
cudart_inc=$(for d in $wheel_dirs; do [ -f "$d/include/cuda_runtime_api.h" ] && echo "$d/include"; done | head -n 1)
[ -z "$cudart_inc" ] && [ -f "$toolkit/include/cuda_runtime_api.h" ] && cudart_inc="$toolkit/include"

device=gpu
lenet_size=(--epochs 10)
alexnet_size=(--epochs 1)
resnet_size=(--epochs 10)
bench_lenet=(--epochs 3)
bench_alexnet=(--steps 10)
bench_alexnet_large=(--steps 10 --batch-size 512)
suite_grep='^(?!.*CUDA kernels on the host).*[gG][pP][uU]'
if [ "$dry" -eq 1 ]; then
  device=cpu
  lenet_size=(--epochs 1 --limit 512)
  alexnet_size=(--epochs 1 --limit 64 --batch-size 32)
  resnet_size=(--epochs 1 --limit 64 --batch-size 32 --resize 32)
  bench_lenet=(--epochs 1 --limit 512)
  bench_alexnet=(--steps 1 --batch-size 8)
  bench_alexnet_large=(--steps 1 --batch-size 16)
  echo "DRY RUN: GPU steps run on the CPU with a few images" >> "$summary"
fi
peer=(--no-torch)
[ -n "$python" ] && peer=(--python "$python")
ckpt=$(mktemp -d)

# 1. The machine: these lines come first in the summary.
machine() {
  echo "date: $(date -u)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader
    nvidia-smi | head -n 4 | tail -n 1
  else
    echo "nvidia-smi: not found"
  fi
  echo "cudnn: ${cudnn_lib:-not found}"
  echo "cublas: ${cublas_lib:-not found}"
  echo "nvrtc: ${nvrtc_lib:-not found}"
  echo "headers: cudnn ${cudnn_inc:-none}, cublas ${cublas_inc:-none}, cuda runtime ${cudart_inc:-none}"
  echo "python with torch: ${python:-none} $([ -n "$python" ] && $python -c 'import torch; print(torch.__version__, torch.version.cuda, torch.backends.cudnn.version())' 2>&1)"
  echo "node: $($NODE --version)"
  $NODE -e "const c=require('./dist').backendInfo().cuda; console.log('addon: CUDA runtime', c.runtimeVersion, 'driver', c.driverVersion, c.available ? 'GPU usable: ' + c.device.name + ', driver ' + c.driverRelease : 'no GPU: ' + c.reason)"
}
note_machine() { grep -E '^(H|A|NVIDIA|Tesla|[A-Z].*, [0-9]+\.)|^addon:|^cudnn:|^cublas:' "$out/machine.txt" | head -n 6; }
export NODE cudnn_lib cublas_lib nvrtc_lib cudnn_inc cublas_inc cudart_inc python
export -f machine
run machine 60 bash -c machine
# The machine's lines lead the summary, as they are.
{ cat "$out/machine.txt"; echo; } > "$out/.summary" && cat "$summary" >> "$out/.summary" && mv "$out/.summary" "$summary"

# 2. The strict ABI check: our declarations against the headers found (both halves on a GPU machine).
# cuBLAS's header needs <nv/target> (CCCL), which the wheels may lack: look where toolkits keep it,
# else run the cuDNN half alone (CI runs the cuBLAS half against the CUDA 12 toolkit).
cccl=$(for d in "$cublas_inc" "$cudart_inc" $(for w in $wheel_dirs; do echo "$w/include"; done) /usr/local/cuda/include /usr/local/cuda-*/include "$toolkit/include"; do
  [ -n "$d" ] && [ -e "$d/nv/target" ] && { echo "$d"; break; }; done)
# Only nv/ is taken from there: that folder's other headers may be another CUDA version's.
if [ -n "$cccl" ]; then mkdir -p "$out/.cccl" && ln -sfn "$cccl/nv" "$out/.cccl/nv" && cccl="$out/.cccl"; fi
# The runtime's headers include crt/host_defines.h, which the CUDA 13 wheels leave out (it comes with
# nvcc): if no folder has it, a stand-in of ours that makes its keywords expand to nothing.
crt=$(for d in "$cudart_inc" "$cublas_inc" $(for w in $wheel_dirs; do echo "$w/include"; done) /usr/local/cuda/include; do
  [ -n "$d" ] && [ -f "$d/crt/host_defines.h" ] && { echo "$d"; break; }; done)
# Only crt/ is taken from there, as with nv/ above.
if [ -n "$crt" ]; then mkdir -p "$out/.crt" && ln -sfn "$crt/crt" "$out/.crt/crt" && crt="$out/.crt"; else crt="$PWD/scripts/abi-check-shim"; fi
abi_args=()
for d in "$cublas_inc" "$cudart_inc" "$cccl" "$crt"; do [ -n "$d" ] && abi_args+=(--cuda-include "$d"); done
[ -n "$cudnn_inc" ] && abi_args+=(--cudnn-include "$cudnn_inc")
[ -z "$cccl" ] && [ -n "$cudnn_inc" ] && abi_args+=(--only cudnn)
note_abi-check() { grep -E 'PASSED|FAILED|passed|missing' "$out/abi-check.txt" | sed 's/^abi-check: //' | cut -c1-100; }
run abi-check 60 bash scripts/abi-check.sh "${abi_args[@]}"

# 3. What the addon found.
note_backend-info() { grep -E '"(available|reason|name|version|driverVersion|driverRelease)"' "$out/backend-info.txt"; }
run backend-info 30 "$NODE" -e "console.log(JSON.stringify(require('./dist').backendInfo(), null, 1))"

# 4. The GPU test suites: every suite or test whose title names the GPU (the per-device suites run
# as "… [gpu]"), in full FP32 as they set it; not the host emulation of the kernels (CI runs it).
note_gpu-suites() { grep -E '^ +[0-9]+ (passing|failing|pending)' "$out/gpu-suites.txt"; }
# (.mocharc.json names no files, so that `mocha FILE` runs that file alone: all of them are named here.)
run gpu-suites 150 "$NODE" node_modules/mocha/bin/mocha.js --reporter dot --grep "$suite_grep" 'dist-test/test/**/*.test.js'

# 5. LeNet with the book's settings; 6. AlexNet, one epoch.
note_lenet() { grep -E '^epoch [0-9]+' "$out/lenet.txt" | tail -n 1; }
run lenet 60 "$NODE" examples/lenet.js --device "$device" --seed 1 --checkpoint "$ckpt/lenet.ckpt" "${lenet_size[@]}"
note_alexnet() { grep -E '^epoch [0-9]+' "$out/alexnet.txt" | tail -n 1; }
run alexnet 100 "$NODE" examples/alexnet.js --device "$device" --seed 1 --checkpoint "$ckpt/alexnet.ckpt" "${alexnet_size[@]}"
# 6b. ResNet-18 of the book's modern CNNs, 10 epochs at 96 px (the book reaches about 0.9).
note_resnet18() { grep -E '^epoch [0-9]+' "$out/resnet18.txt" | tail -n 1; }
run resnet18 150 "$NODE" examples/modern-cnns.js --model resnet18 --device "$device" --seed 1 "${resnet_size[@]}"

# 7. Both benchmarks against PyTorch on CUDA (cudnn.benchmark on, data on the GPU).
note_bench-lenet() { tail -n 1 "$out/bench-lenet.txt"; }
run bench-lenet 45 "$NODE" bench/lenet-epoch.js --device "$device" "${bench_lenet[@]}" "${peer[@]}"
note_bench-alexnet() { tail -n 1 "$out/bench-alexnet.txt"; }
run bench-alexnet 45 "$NODE" bench/alexnet-step.js --device "$device" "${bench_alexnet[@]}" "${peer[@]}"

# 7b. AlexNet at a batch that fills the GPU (what is left of the gap is per-kernel cost, not per-step
# host cost), and where the host's time goes in a step at the usual batch: a V8 CPU profile.
note_bench-alexnet-large() { tail -n 1 "$out/bench-alexnet-large.txt"; }
run bench-alexnet-large 60 "$NODE" bench/alexnet-step.js --device "$device" "${bench_alexnet_large[@]}" "${peer[@]}"
note_host-profile() { ls "$out"/host-profile/*.cpuprofile 2>/dev/null | head -n 1; }
run host-profile 40 "$NODE" --cpu-prof --cpu-prof-dir="$out/host-profile" bench/alexnet-step.js --device "$device" "${bench_alexnet[@]}" --no-torch

# 8. The algorithm and math type cuDNN chose for each convolution of LeNet and AlexNet.
note_conv-algorithms() { tail -n 1 "$out/conv-algorithms.txt"; }
run conv-algorithms 40 "$NODE" scripts/conv-algorithms.js --device "$device"

rm -rf "$ckpt" "$out/.cccl" "$out/.crt"
echo "total: $((SECONDS - start))s of ${budget}s, $failures step(s) failed" >> "$summary"
cat "$summary"
[ "$failures" -eq 0 ]
