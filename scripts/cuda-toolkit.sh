#!/usr/bin/env bash
# Makes a CUDA 12.4 toolkit folder (nvcc, headers, and NVIDIA's real cuBLAS 12.4 libraries) from Debian's
# own registry, without installing anything system-wide: the `non-free` packages of Debian 13 (trixie)
# are downloaded with a private apt sources list and lists folder, and unpacked with `dpkg -x`.
#
#   scripts/cuda-toolkit.sh [DEST]      (default: ~/.cache/node-cudnn/cuda-12.4)
#
# DEST then has the layout CMake's CUDA support expects: bin/nvcc (+ ptxas, fatbinary, nvlink, cudafe++,
# crt/, nvcc.profile), nvvm/bin/cicc, nvvm/libdevice, include/, lib64/. Build with
#   CUDACXX=DEST/bin/nvcc npx cmake-js rebuild --CDCUDAToolkit_ROOT=DEST
# (or NODE_CUDNN_CUDA_TOOLKIT=DEST, which CMakeLists.txt reads). A complete DEST is reused as it is.
# Needs apt-get and dpkg (any Debian or Ubuntu), network access to deb.debian.org and about 4 GB of disk.
# Root is not needed. NODE_CUDNN_DEB_CACHE=FOLDER keeps the downloaded .deb files there (and reuses
# those already there) instead of a temporary folder. The last line printed is DEST.
set -euo pipefail

# CUDA 12.x: a binary built with it runs on every driver from R525 up (minor-version compatibility).
version=12.4
packages=(nvidia-cuda-toolkit nvidia-cuda-dev libnvvm4 libcudart12 libcublas12 libcublaslt12)
# <nv/target> (CCCL), which cuda_fp16.h and so cublas_v2.h include: Debian ships it apart, in main.
header_packages=(libcu++-dev)
dest=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/node-cudnn/cuda-$version}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

if [[ -f $dest/.complete && -e $dest/include/nv/target ]] && "$dest/bin/nvcc" --version >/dev/null 2>&1; then
  echo "cuda-toolkit.sh: reusing the CUDA $version toolkit in $dest" >&2
  echo "$dest"
  exit 0
fi
for tool in apt-get dpkg; do
  command -v "$tool" >/dev/null || { echo "cuda-toolkit.sh: $tool is needed (a Debian or Ubuntu machine)" >&2; exit 1; }
done
[[ -f $keyring ]] || { echo "cuda-toolkit.sh: $keyring is missing; install the debian-archive-keyring package" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
debs=${NODE_CUDNN_DEB_CACHE:-$work/debs}
mkdir -p "$debs" "$work/lists/partial" "$work/cache/archives/partial"

# A private apt: its own sources list, lists and cache folders, and none of the system's sources.
cat >"$work/sources.list" <<EOF
deb [signed-by=$keyring] http://deb.debian.org/debian trixie main non-free
EOF
opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1
      -o APT::Sandbox::User="$(id -un)")
echo "cuda-toolkit.sh: fetching the trixie package lists" >&2
apt-get -q "${opts[@]}" update >&2

# Download what is not in the cache yet (apt-get download writes to the current folder).
missing=()
for p in "${packages[@]}"; do
  v=$(apt-cache "${opts[@]}" show "$p" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1) || true
  [[ -n $v ]] || { echo "cuda-toolkit.sh: package $p is not in trixie non-free" >&2; exit 1; }
  [[ $v == "$version".* || $v == *"~$version".* ]] ||
    { echo "cuda-toolkit.sh: $p is version $v in trixie now, not CUDA $version; update this script" >&2; exit 1; }
  compgen -G "$debs/${p}_${v//:/%3a}_*.deb" >/dev/null || missing+=("$p=$v")
done
for p in "${header_packages[@]}"; do
  v=$(apt-cache "${opts[@]}" show "$p" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1) || true
  [[ -n $v ]] || { echo "cuda-toolkit.sh: package $p is not in trixie main" >&2; exit 1; }
  compgen -G "$debs/${p}_${v//:/%3a}_*.deb" >/dev/null || missing+=("$p=$v")
done
if ((${#missing[@]})); then
  echo "cuda-toolkit.sh: downloading ${missing[*]}" >&2
  (cd "$debs" && apt-get -q "${opts[@]}" download "${missing[@]}" >&2)
fi

# Unpack into DEST/debian, then the standard layout beside it, and mark DEST complete last.
rm -rf "$dest"
mkdir -p "$dest/debian"
for p in "${packages[@]}" "${header_packages[@]}"; do
  deb=$(ls "$debs/${p}"_*.deb | sort -V | tail -n 1)
  echo "cuda-toolkit.sh: unpacking $(basename "$deb")" >&2
  dpkg -x "$deb" "$dest/debian"
done
root=$dest/debian/usr
tools=$root/lib/nvidia-cuda-toolkit
multiarch=$root/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
mkdir -p "$dest/bin" "$dest/nvvm/bin"
# nvcc finds its tools and nvcc.profile in its own folder: a copy, not a link (it does not resolve links).
cp "$tools/bin/nvcc" "$dest/bin/nvcc"
for tool in ptxas fatbinary nvlink cudafe++ nvdisasm cuobjdump nvprune bin2c; do
  [[ -e $root/bin/$tool ]] && ln -s "../debian/usr/bin/$tool" "$dest/bin/$tool"
done
ln -s "../debian/usr/lib/nvidia-cuda-toolkit/bin/crt" "$dest/bin/crt"
ln -s "../debian/usr/lib/nvidia-cuda-toolkit/libdevice" "$dest/nvvm/libdevice"
ln -s "../../debian/usr/lib/nvidia-cuda-toolkit/bin/cicc" "$dest/nvvm/bin/cicc"
ln -s debian/usr/include "$dest/include"
ln -s "debian/usr/lib/$(basename "$multiarch")" "$dest/lib64"
cat >"$dest/bin/nvcc.profile" <<'EOF'
TOP              = $(_HERE_)/..
NVVMIR_LIBRARY_DIR = $(TOP)/nvvm/libdevice
LD_LIBRARY_PATH += $(TOP)/lib64:
PATH            += $(TOP)/nvvm/bin:$(_HERE_):
INCLUDES        +=  "-I$(TOP)/include" $(_SPACE_)
LIBRARIES        =+ $(_SPACE_) "-L$(TOP)/lib64/stubs" "-L$(TOP)/lib64"
CUDAFE_FLAGS    +=
PTXAS_FLAGS     +=
EOF
# Every piece nvcc and CMake need must be there (a dangling link fails here, not in the build).
for f in bin/nvcc bin/ptxas bin/fatbinary bin/nvlink bin/cudafe++ bin/crt/link.stub nvvm/bin/cicc \
         include/cuda_runtime.h include/cublas_v2.h include/nv/target lib64/libcudart_static.a lib64/libcublas.so.12 \
         lib64/libcublasLt.so.12; do
  [[ -e $dest/$f ]] || { echo "cuda-toolkit.sh: $dest/$f is missing after unpacking; the packages' layout changed" >&2; exit 1; }
done
compgen -G "$dest/nvvm/libdevice/libdevice*.bc" >/dev/null ||
  { echo "cuda-toolkit.sh: no libdevice*.bc in $dest/nvvm/libdevice" >&2; exit 1; }
"$dest/bin/nvcc" --version | tail -n 2 >&2
printf '%s\n' "${packages[@]}" "${header_packages[@]}" >"$dest/.complete"
echo "$dest"
