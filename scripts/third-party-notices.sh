#!/usr/bin/env bash
# Writes THIRD_PARTY_NOTICES to stdout: what the prebuilt binary (prebuilds/linux-x64/, made by
# scripts/prebuild.js) carries or has linked in, each with its licence text, taken from the same
# places the binary's parts come from: the Debian packages' /usr/share/doc/*/copyright (oneDNN,
# GNU OpenMP, the OpenCL ICD loader), the CUDA toolkit folder's copy of NVIDIA's licence
# (scripts/cuda-toolkit.sh unpacks Debian's packages there) and the npm packages' LICENSE files.
#
#   bash scripts/third-party-notices.sh > THIRD_PARTY_NOTICES
#
# Run it on the machine that makes the prebuild, after `npm install`; NODE_CUDNN_CUDA_TOOLKIT names
# the toolkit folder (default ~/.cache/node-cudnn/cuda-12.4). When prebuilds/linux-x64/ exists, every
# library bundled there must have a section here, or the script fails.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
toolkit=${NODE_CUDNN_CUDA_TOOLKIT:-${XDG_CACHE_HOME:-$HOME/.cache}/node-cudnn/cuda-12.4}
cuda_copyright="$toolkit/debian/usr/share/doc/libcudart12/copyright"

# Bundled file -> Debian package it is copied from (scripts/cmake-js-as-node-gyp.js copies them).
declare -A package_of=([libdnnl.so.2]=libdnnl2 [libgomp.so.1]=libgomp1 [libOpenCL.so.1]=ocl-icd-libopencl1)
if [[ -d $repo/prebuilds/linux-x64 ]]; then
  for f in "$repo"/prebuilds/linux-x64/*; do
    name=$(basename "$f")
    [[ $name == *.node || -n ${package_of[$name]:-} ]] ||
      { echo "third-party-notices.sh: prebuilds/linux-x64/$name has no notice; add it to this script" >&2; exit 1; }
  done
fi
for file in /usr/share/doc/{libdnnl2,libgomp1,ocl-icd-libopencl1}/copyright "$cuda_copyright" \
  /usr/share/common-licenses/{Apache-2.0,GPL-3} "$repo"/node_modules/{node-addon-api/LICENSE.md,node-api-headers/LICENSE}; do
  [[ -f $file ]] || { echo "third-party-notices.sh: $file is missing (install the package it belongs to)" >&2; exit 1; }
done

version() { dpkg-query -W -f '${Version}' "$1"; }
npm_version() { node -p "require('$repo/node_modules/$1/package.json').version"; }
cuda_release=$("$toolkit/bin/nvcc" --version | sed -n 's/.*release \([0-9.]*\),.*/\1/p')
rule() { printf '\n%s\n%s\n\n' "================================================================================" "$1"; }
# One "License: NAME" paragraph of a Debian copyright file, as plain text (the leading space and the
# lone "." of blank lines removed).
debian_license() {
  awk -v name="$2" '$0 == "License: " name || $0 ~ "^License: +" name "$" { on = 1; next }
    on && /^[^ ]/ { exit }
    on { sub(/^ /, ""); if ($0 == ".") $0 = ""; print }' "$1"
}

cat <<EOF
THIRD-PARTY NOTICES for node-cudnn

node-cudnn itself is under the MIT licence (LICENSE). Its npm package also carries a prebuilt binary
for Linux x64, prebuilds/linux-x64/, which contains or is shipped with the third-party software below.
Each is under its own licence, reproduced in full further down. A build from source (npm install on
another platform, or npm run build) links the system's copies instead and carries none of them.

1. oneDNN $(version libdnnl2) (Debian package libdnnl2): prebuilds/linux-x64/libdnnl.so.2.
   Apache License 2.0; its JIT assembler Xbyak and the jitprofiling files are under BSD-3-Clause.
   Copyright 2016-2020 Intel Corporation, 2020 Arm Ltd. and affiliates, 2018 YANDEX LLC,
   2007 MITSUNARI Shigeo.
2. GNU OpenMP runtime, libgomp, from GCC $(version libgomp1) (Debian package libgomp1):
   prebuilds/linux-x64/libgomp.so.1. GNU GPL version 3 with the GCC Runtime Library Exception 3.1.
   Copyright Free Software Foundation, Inc. The Corresponding Source is Debian's gcc-12 source
   package, version $(version libgomp1):
   https://snapshot.debian.org/package/gcc-12/$(version libgomp1 | sed 's/+/%2B/g')/
   (also https://sources.debian.org/src/gcc-12/$(version libgomp1)/, and https://gcc.gnu.org).
3. OpenCL ICD loader, ocl-icd $(version ocl-icd-libopencl1) (Debian package ocl-icd-libopencl1):
   prebuilds/linux-x64/libOpenCL.so.1, which oneDNN loads. BSD-2-Clause.
   Copyright 2012-2020 Brice Videau, Vincent Danjean.
4. NVIDIA CUDA runtime $cuda_release (libcudart_static.a, libcudadevrt.a): linked statically into
   prebuilds/linux-x64/node-cudnn.napi.node. NVIDIA CUDA Toolkit End User License Agreement; these
   files are redistributable under its Attachment A ("CUDA Runtime"). Copyright NVIDIA Corporation.
   cuDNN and cuBLAS are not carried: they are opened at run time from the user's own installation.
5. node-addon-api $(npm_version node-addon-api): C++ header-only wrapper of Node-API, compiled into
   node-cudnn.napi.node. MIT. Copyright (c) 2017 Node.js API collaborators.
6. node-api-headers $(npm_version node-api-headers): the Node-API C headers, compiled into
   node-cudnn.napi.node. MIT. Copyright (c) 2021 Node.js.
EOF

rule "1. oneDNN: Debian's copyright file (/usr/share/doc/libdnnl2/copyright)"
cat /usr/share/doc/libdnnl2/copyright
rule "1. oneDNN: Apache License, Version 2.0"
cat /usr/share/common-licenses/Apache-2.0

rule "2. libgomp: copyright statement (from /usr/share/doc/libgomp1/copyright)"
# From "COPYRIGHT STATEMENTS" to the list of runtime libraries under the exception.
awk '/^COPYRIGHT STATEMENTS AND LICENSING TERMS/ { on = 1 } on { print } on && /^ - libvtv/ { exit }' /usr/share/doc/libgomp1/copyright
rule "2. libgomp: GCC Runtime Library Exception, version 3.1"
awk '/^GCC RUNTIME LIBRARY EXCEPTION/ { on = 1 } on && /^libquadmath/ { exit } on { print }' /usr/share/doc/libgomp1/copyright
rule "2. libgomp: GNU General Public License, version 3"
cat /usr/share/common-licenses/GPL-3

rule "3. OpenCL ICD loader: Debian's copyright file (/usr/share/doc/ocl-icd-libopencl1/copyright)"
cat /usr/share/doc/ocl-icd-libopencl1/copyright

rule "4. NVIDIA CUDA runtime: NVIDIA CUDA Toolkit End User License Agreement (from Debian's libcudart12 copyright)"
eula=$(debian_license "$cuda_copyright" "other-NVIDIA-CUDA-TOOLKIT-[0-9.]+")
[[ $eula == *"libcudart_static.a"* ]] || { echo "third-party-notices.sh: no CUDA licence with Attachment A in $cuda_copyright" >&2; exit 1; }
printf '%s\n' "$eula"

rule "5. node-addon-api: MIT License"
cat "$repo/node_modules/node-addon-api/LICENSE.md"
rule "6. node-api-headers: MIT License"
cat "$repo/node_modules/node-api-headers/LICENSE"
