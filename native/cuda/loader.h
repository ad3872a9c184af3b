// Finds cuDNN 9 and cuBLAS at run time (dlopen), so that the addon builds without their headers and
// libraries and loads on machines that lack them; the GPU backend reports the reason instead.
//
// Where it looks, in this order (duplicates, by real path, dropped; only existing folders kept, except
// those named in NODE_CUDNN_LIBRARY_PATH):
//   1. every folder of $NODE_CUDNN_LIBRARY_PATH (colon-separated);
//   2. the folders of $LD_LIBRARY_PATH;
//   3. the activated Python environment: pip wheels (nvidia/cudnn/lib, nvidia/cu13/lib,
//      nvidia/cublas/lib) under the site-packages of $VIRTUAL_ENV, then of $CONDA_PREFIX, then
//      $CONDA_PREFIX/lib;
//   4. the folder of whatever dlopen("libcudnn.so.9") finds (the loader cache, /lib, /usr/lib);
//   5. CUDA toolkit and system folders: /usr/local/cuda/lib64, /usr/local/cuda/targets/<arch>/lib,
//      /usr/local/cuda-*/lib64 and /usr/local/cuda-*/targets/<arch>/lib (newest first),
//      /usr/lib/<multiarch>, /usr/lib64;
//   6. other pip wheels, under the site-packages of ~/.local, /usr/local (dist- and site-packages),
//      /usr/lib/python3 and /opt/conda.
// libnvrtc (optional): beside cuBLAS or cuDNN, in the pip wheel folder nvidia/cuda_nvrtc/lib next to
// their nvidia/<name>/lib folders, then in the folders above.
// cuDNN: the first folder holding libcudnn.so.9, which must also hold libcudnn_graph/_ops/_cnn.so.9.
// cuBLAS: the first folder holding libcublas.so.13 or libcublas.so.12 (13 where a folder holds both).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "cuda/cublas_api.h"
#include "cuda/cudnn_api.h"

namespace nc::cuda {

struct Libraries {
  CudnnApi cudnn;
  CublasApi cublas;
  std::string cudnnFolder, cublasFolder;  // where they were loaded from
  size_t cudnnVersion = 0;                // cudnnGetVersion(), e.g. 91200 (MAJOR*10000 + MINOR*100 + PATCH)
  size_t cudnnCudartVersion = 0;          // cudnnGetCudartVersion(): the CUDA cuDNN was built for, e.g. 12080
  int cublasVersion = 0;                  // MAJOR*10000 + MINOR*100 + PATCH from cublasGetProperty
  // libnvrtc.so.<cuDNN's CUDA major>, preloaded for cuDNN's runtime-compiled engines: where from and
  // nvrtcVersion() as MAJOR*1000 + MINOR*10 (e.g. 12040); empty and 0 when none was found.
  std::string nvrtcFolder;
  int nvrtcVersion = 0;
  // Empty, or one sentence about something that may fail later although loading succeeded (cuDNN built
  // for another CUDA major than the cuBLAS loaded, and no libcublasLt of cuDNN's major found).
  std::string warning;
};

// Finds and loads cuDNN 9 and cuBLAS (13, else 12) once per process; later calls return the same
// result (success or failure, with the same reason). On success returns the loaded libraries (every
// function pointer non-null, valid until the process exits: nothing is ever unloaded) and clears
// *reason. On failure returns nullptr and sets *reason to one sentence saying what is missing, every
// folder tried and how to fix it. reason may be null. Never aborts: no cuDNN function is called
// before all of cuDNN's sub-libraries are loaded, and only cudnnGetVersion, cudnnGetCudartVersion and
// cublasGetProperty are called (none touches the GPU). Thread-safe (the first caller does the work,
// concurrent callers wait for it).
const Libraries* LoadLibraries(std::string* reason);

// The folders searched, in order (for messages and tests). Recomputed on each call; it dlopens
// libcudnn.so.9 by bare name (and closes it again) to learn the dynamic loader's choice.
std::vector<std::string> SearchFolders();

}  // namespace nc::cuda
