#!/usr/bin/env bash
# Strict ABI check of our cuDNN/cuBLAS declarations against NVIDIA's real headers (scripts/abi-check.cc).
#
#   scripts/abi-check.sh [--cuda-include DIR]... [--cudnn-include DIR]... [--only cublas|cudnn] [--native DIR]
#
# Two halves, each a `g++ -std=c++17 -fsyntax-only` of scripts/abi-check.cc:
#   cuBLAS: native/cuda/cublas_api.h against cublas_v2.h; needs only the CUDA toolkit's headers.
#   cuDNN:  native/cuda/cudnn_api.h against cudnn.h; needs cuDNN's headers and the CUDA runtime's.
# --cuda-include: folders with cublas_v2.h, cuda_runtime_api.h and what they include (repeat it for
#   the pip wheels' nvidia/cublas/include and nvidia/cuda_runtime/include). Default:
#   $NODE_CUDNN_CUDA_TOOLKIT/include, else the folder scripts/cuda-toolkit.sh makes by default
#   (~/.cache/node-cudnn/cuda-12.4/include) when it exists.
# --cudnn-include: the folder with cudnn.h (the nvidia-cudnn-cu12 wheel's nvidia/cudnn/include).
#   Default: $NODE_CUDNN_CUDNN_INCLUDE when set.
# --only: run that half alone (it is then required; e.g. where the CUDA runtime's headers exist but
#   not cuBLAS's).
# --native: the folder holding our cuda/cudnn_api.h and cuda/cublas_api.h (default: native/).
# A half runs when its headers are found. Exit status: 1 on any mismatch, on a half whose headers were
# asked for (by option, NODE_CUDNN_CUDA_TOOLKIT or NODE_CUDNN_CUDNN_INCLUDE) but are not there, and when neither half ran.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cxx=${CXX:-g++}
native=$root/native
cuda_inc=() cudnn_inc=() cuda_asked=0 only=""
while (($#)); do
  case $1 in
    --cuda-include) cuda_inc+=("$2"); cuda_asked=1; shift 2 ;;
    --cudnn-include) cudnn_inc+=("$2"); shift 2 ;;
    --native) native=$2; shift 2 ;;
    --only) only=$2; shift 2; [[ $only == cublas || $only == cudnn ]] || { echo "abi-check: --only cublas or --only cudnn" >&2; exit 2; } ;;
    *) echo "usage: $0 [--cuda-include DIR]... [--cudnn-include DIR]... [--only cublas|cudnn] [--native DIR]" >&2; exit 2 ;;
  esac
done
if ((!cuda_asked)); then
  if [[ -n ${NODE_CUDNN_CUDA_TOOLKIT:-} ]]; then
    cuda_inc=("$NODE_CUDNN_CUDA_TOOLKIT/include"); cuda_asked=1
  elif [[ -d ${XDG_CACHE_HOME:-$HOME/.cache}/node-cudnn/cuda-12.4/include ]]; then
    cuda_inc=("${XDG_CACHE_HOME:-$HOME/.cache}/node-cudnn/cuda-12.4/include")
  fi
fi
if ((!${#cudnn_inc[@]})) && [[ -n ${NODE_CUDNN_CUDNN_INCLUDE:-} ]]; then cudnn_inc=("$NODE_CUDNN_CUDNN_INCLUDE"); fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=()
for d in "${cuda_inc[@]}"; do flags+=(-I "$d"); done

# find HEADER DIR...: the first DIR holding HEADER.
find_header() { local h=$1 d; shift; for d in "$@"; do [[ -f $d/$h ]] && { echo "$d/$h"; return 0; }; done; return 1; }
# macros HEADER NAME...: the values of the macros HEADER defines, joined by dots.
macros() {
  local h=$1 defs; shift
  defs=$(printf '#include <%s>\n' "$h" | "$cxx" -std=c++17 -E -dM -x c++ - "${flags[@]}" 2>/dev/null) || { echo "?"; return; }
  local out="" m
  for m in "$@"; do out+="${out:+.}$(awk -v m="$m" '$1 == "#define" && $2 == m { print $3 }' <<<"$defs")"; done
  echo "$out"
}

failed=0 ran=()
# half NAME DEFINE OUR_HEADER: generates the lists from our header, then compiles.
half() {
  local name=$1 define=$2 ours=$native/cuda/$3 dir=$work/$1
  mkdir -p "$dir"
  ran+=("$name")
  if ! awk -f "$root/scripts/abi-check-lists.awk" "$ours" > "$dir/abi-check-lists.h" 2>"$dir/awk.txt"; then
    cat "$dir/awk.txt"
    echo "abi-check: $name half FAILED: scripts/abi-check-lists.awk cannot read $ours"; failed=1; return
  fi
  local counts
  counts=$(awk '/^NC_FUNCTION/ { f++ } /^NC_ENUM\(/ { e++ } /^NC_ENUMERATOR/ { v++ } /^NC_HANDLE/ { h++ } /^NC_FIELD/ { s++ }
    END { printf "%d functions, %d handles, %d enums with %d enumerators, %d struct fields", f, h, e, v, s }' "$dir/abi-check-lists.h")
  # Our headers come from --native (a test points it at a corrupted copy); the lists first.
  if "$cxx" -std=c++17 -fsyntax-only -D"$define" -I "$dir" -I "$native" "${flags[@]}" "$root/scripts/abi-check.cc" \
      > "$dir/out.txt" 2>&1; then
    echo "abi-check: $name half PASSED: $ours ($counts)"
  else
    cat "$dir/out.txt"
    if grep -q 'fatal error: .*No such file' "$dir/out.txt"; then
      # cuda_fp16.h (from cublas_api.h) includes <nv/target>, which comes from libcu++ (CCCL): Debian's
      # libcu++-dev, the nvidia-cuda-cccl-cu12 wheel, or any full CUDA toolkit.
      echo "abi-check: $name half FAILED: a header is missing from the include folders (compiler output above)"
    else
      echo "abi-check: $name half FAILED: $ours differs from NVIDIA's headers (compiler output above)"
    fi
    failed=1
  fi
}

if [[ $only == cudnn ]]; then
  echo "abi-check: cuBLAS half skipped: --only cudnn"
elif cublas_h=$(find_header cublas_v2.h "${cuda_inc[@]}"); then
  echo "abi-check: cuBLAS half against $cublas_h: cuBLAS $(macros cublas_v2.h CUBLAS_VER_MAJOR CUBLAS_VER_MINOR CUBLAS_VER_PATCH)," \
    "CUDA runtime $(macros cuda_runtime_api.h CUDART_VERSION)"
  half cuBLAS NC_ABI_CUBLAS cublas_api.h
elif ((cuda_asked)) || [[ $only == cublas ]]; then
  echo "abi-check: cuBLAS half requested but cublas_v2.h is not in: ${cuda_inc[*]}"; failed=1
else
  echo "abi-check: cuBLAS half skipped: no CUDA headers (give --cuda-include DIR or set NODE_CUDNN_CUDA_TOOLKIT)"
fi

if [[ $only == cublas ]]; then
  echo "abi-check: cuDNN half skipped: --only cublas"
elif ((${#cudnn_inc[@]})); then
  for d in "${cudnn_inc[@]}"; do flags+=(-I "$d"); done
  if cudnn_h=$(find_header cudnn.h "${cudnn_inc[@]}"); then
    echo "abi-check: cuDNN half against $cudnn_h: cuDNN $(macros cudnn_version.h CUDNN_MAJOR CUDNN_MINOR CUDNN_PATCHLEVEL)," \
      "CUDA runtime $(macros cuda_runtime_api.h CUDART_VERSION)"
    half cuDNN NC_ABI_CUDNN cudnn_api.h
  else
    echo "abi-check: cuDNN half requested but cudnn.h is not in: ${cudnn_inc[*]}"; failed=1
  fi
elif [[ $only == cudnn ]]; then
  echo "abi-check: cuDNN half requested but no --cudnn-include was given"; failed=1
else
  echo "abi-check: cuDNN half skipped: no cuDNN headers (give --cudnn-include DIR or set NODE_CUDNN_CUDNN_INCLUDE)"
fi

if ((!${#ran[@]})); then
  echo "abi-check: FAILED: nothing was checked"; exit 1
fi
((failed)) && { echo "abi-check: FAILED"; exit 1; }
echo "abi-check: passed (${ran[*]})"
