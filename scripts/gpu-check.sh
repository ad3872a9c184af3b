#!/usr/bin/env bash
# The project's GPU check, run on a machine with an NVIDIA GPU from a tree prepared by
# scripts/gpu-bundle.sh: the ABI check of our cuDNN/cuBLAS declarations against NVIDIA's headers,
# the whole mocha suite (which then also runs on the GPU), the binding fuzzer on the GPU, the LeNet and AlexNet examples on the GPU
# and their benchmarks against PyTorch on CUDA. Everything is written to the folder given (default
# ./gpu-check-out), one file per step, and summarised in summary.txt.
# Usage: scripts/gpu-check.sh [OUT]
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-gpu-check-out}"
mkdir -p "$out"
summary="$out/summary.txt"
: > "$summary"
step() { echo "== $1: exit $2" >> "$summary"; }

# Node: the system's, else the bundled one.
if command -v node >/dev/null; then NODE=node; else
  [ -x .device/node ] || { xz -dk .device/node.xz && chmod +x .device/node; }
  NODE="$PWD/.device/node"
fi
[ -d node_modules ] || tar -C . -xJf .device/node_modules.tar.xz
export NODE_CUDNN_FASHION_MNIST="${NODE_CUDNN_FASHION_MNIST:-$PWD/.device/fashion-mnist}"

# cuDNN and cuBLAS: wherever this machine has them (often PyTorch's nvidia-* wheels).
cudnn_lib=$(find / -name 'libcudnn.so.9' -not -path '*/proc/*' 2>/dev/null | head -n 1)
cublas_lib=$(find / \( -name 'libcublas.so.13' -o -name 'libcublas.so.12' \) -not -path '*/proc/*' 2>/dev/null | head -n 1)
export NODE_CUDNN_LIBRARY_PATH="$(dirname "$cudnn_lib"):$(dirname "$cublas_lib")"
python=$(for p in python3 python /usr/bin/python3; do $p -c 'import torch' 2>/dev/null && { echo $p; break; }; done)
{
  echo "date: $(date -u)"; nvidia-smi 2>&1 | head -n 15
  echo "cudnn: $cudnn_lib"; echo "cublas: $cublas_lib"; echo "python with torch: ${python:-none}"
  $NODE --version
} > "$out/machine.txt" 2>&1
step machine 0

# ABI check (scripts/abi-check.sh): our declarations against the headers that sit beside the libraries
# found above (pip wheels: nvidia/cudnn/lib -> nvidia/cudnn/include, nvidia/cublas/include and
# nvidia/cuda_runtime/include beside it), else any on the machine. cuBLAS's header needs <nv/target>
# (CCCL), which PyTorch's wheels may not carry: without it only the cuDNN half runs (CI runs the other).
inc() { find / -name "$1" -not -path '/proc/*' -not -path '/tmp/*' 2>/dev/null | head -n 1 | xargs -r dirname; }
beside() { local d; d=$(dirname "$(dirname "$1")")/include; [ -f "$d/$2" ] && echo "$d" || inc "$2"; }
nv=$(dirname "$(dirname "$(dirname "$cublas_lib")")")
abi=(--cudnn-include "$(beside "$cudnn_lib" cudnn.h)" --cuda-include "$(beside "$cublas_lib" cublas_v2.h)")
if [ -f "$nv/cuda_runtime/include/cuda_runtime_api.h" ]; then abi+=(--cuda-include "$nv/cuda_runtime/include")
else abi+=(--cuda-include "$(inc cuda_runtime_api.h)"); fi
cccl=$(find / -path '*/include/nv/target' -not -path '/proc/*' 2>/dev/null | head -n 1)
if [ -n "$cccl" ]; then abi+=(--cuda-include "${cccl%/nv/target}"); else abi+=(--only cudnn); fi
timeout 120 bash scripts/abi-check.sh "${abi[@]}" > "$out/abi-check.txt" 2>&1
rc=$?; step "abi-check ($(grep -E 'half (against|skipped)' "$out/abi-check.txt" | sed 's/^abi-check: //' | tr '\n' ' '))" $rc

$NODE -e "console.log(JSON.stringify(require('./dist').backendInfo(), null, 1))" > "$out/backend-info.json" 2>&1
rc=$?; step backend-info $rc

$NODE node_modules/mocha/bin/mocha.js --reporter spec > "$out/mocha.txt" 2>&1
rc=$?; step "mocha ($(grep -E 'passing|failing|pending' "$out/mocha.txt" | tr -s ' ' | tr '\n' ' '))" $rc

# The binding fuzzer on the GPU, longer than the suite's 20,000 calls.
timeout 200 $NODE dist-test/test/fuzz/run.js --device gpu:0 --calls 100000 --seconds 150 --seed 3 > "$out/fuzz-gpu.txt" 2>&1
rc=$?; step "fuzz gpu ($(head -n 1 "$out/fuzz-gpu.txt"))" $rc

timeout 300 $NODE examples/lenet.js --device gpu --epochs 10 --seed 1 > "$out/lenet-gpu.txt" 2>&1
rc=$?; step "lenet --device gpu --epochs 10 ($(grep -E '^epoch 10,' "$out/lenet-gpu.txt"))" $rc

peer=(--no-torch)
[ -n "$python" ] && peer=(--python "$python")
timeout 300 $NODE bench/lenet-epoch.js --device gpu --epochs 3 "${peer[@]}" > "$out/bench-lenet-gpu.txt" 2>&1
rc=$?; step "bench lenet gpu ($(tail -n 1 "$out/bench-lenet-gpu.txt"))" $rc
timeout 300 $NODE bench/alexnet-step.js --device gpu --steps 5 "${peer[@]}" > "$out/bench-alexnet-gpu.txt" 2>&1
rc=$?; step "bench alexnet gpu ($(tail -n 1 "$out/bench-alexnet-gpu.txt"))" $rc

timeout 420 $NODE examples/alexnet.js --device gpu --epochs 10 --seed 1 > "$out/alexnet-gpu.txt" 2>&1
rc=$?; step "alexnet --device gpu --epochs 10 ($(grep -E '^epoch 10,' "$out/alexnet-gpu.txt"))" $rc
cat "$summary"
