// The CUDA backend: cuDNN, cuBLAS and our kernels, on device pointers, all queued on one stream.
// Only the functions that return host values synchronise.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "shapes.h"
#include "optim.h"
#include "arithmetic.h"
#include "unary.h"
#include "where.h"
#include "matmul.h"
#include "reducers.h"
#include "strided_copy.h"

namespace nc::cuda {

// What backendInfo() reports: whether a GPU can be used, and if not, exactly why.
struct Status {
  bool available = false;
  std::string reason;  // empty when available
  int driverVersion = 0, runtimeVersion = 0, deviceCount = 0;  // CUDA versions, e.g. 12040
  std::string driverRelease;  // the kernel module's version, e.g. "550.54.15"; empty when unknown
  // The oldest driver this build runs on: CUDA 12.x runtimes run on any driver for 12.0 or newer
  // (minor-version compatibility), so 12000 and "525.60.13" for this CUDA 12 build.
  int minDriverVersion = 0;
  std::string minDriverRelease;
  std::string deviceName;
  size_t totalMemory = 0;
  int computeCapability = 0;  // major*10 + minor
  std::string cudnnPath, cublasPath;
  std::string warning;  // e.g. cuDNN built for another CUDA major than the cuBLAS found
  size_t cudnnVersion = 0;
  int cublasVersion = 0;
  std::string nvrtcPath;  // where libnvrtc (cuDNN's runtime-compiled engines) was loaded from, if found
  int nvrtcVersion = 0;   // MAJOR*1000 + MINOR*10, as CUDA versions
};
// Probes once (driver, devices, libraries); later calls return the same answer.
const Status& Probe();
// Throws GpuError with Probe()'s reason unless the GPU is usable.
void RequireAvailable();
// Destroys the stream and the cuDNN and cuBLAS handles; the next GPU call creates them again. Called
// by the last JS environment's cleanup (addon.cc), while the driver is still there.
void Shutdown();

// The process's one GPU lock. Every call into this backend from ops/ and storage.cc holds it for the
// whole call (RUN_ON in ops/ops.h takes it); code inside the backend assumes it is held. Why one lock
// (context.cc): all threads share one stream and one cuDNN and one cuBLAS handle. Recursive, so that
// a finalizer that frees while its thread already holds it cannot deadlock.
std::recursive_mutex& GpuMutex();
struct GpuLock {
  std::lock_guard<std::recursive_mutex> guard{GpuMutex()};
};

// Precision of convolutions and GEMMs: TF32 allowed (the default, as PyTorch) or full FP32.
void SetAllowTf32(bool allow);
bool AllowTf32();

// memory.cc — stream-ordered allocations from CUDA's pool; copies through pinned staging buffers.
// On out of memory, Alloc trims the pool (below) and tries once more before it throws.
void* Alloc(size_t bytes);
// What a GPU allocation of `bytes` counts for in V8's external memory, which starts a full GC each
// time it grows by ~64 MiB: a quarter of the device counts as 64 MiB. Counted 1:1, a training step's
// gigabytes of activations (freed explicitly, not by the GC) cost several full GCs per step; scaled,
// forgotten tensors are still collected long before the device fills.
int64_t GcWeightedBytes(size_t bytes);
void Free(void* p, size_t bytes);
// Free for destructors and finalizers: never throws (a failure there has no one to report to).
void FreeQuietly(void* p) noexcept;
void Upload(void* dst, const void* hostSrc, size_t bytes);
void UploadBytesAsFloat(float* dst, const uint8_t* hostSrc, int64_t n, float scale);
void Download(void* hostDst, const void* src, size_t bytes);  // synchronises
struct DeviceMemory {
  size_t freeBytes, totalBytes, poolReservedBytes;
};
DeviceMemory MemoryReport();
// Waits for the stream and hands the pool's unused memory back to the driver. Call it before work
// that allocates outside the pool (cudnnFind*, which otherwise skips algorithms it has no room for).
void TrimPool();

// conv.cc
// Deterministic mode (setDeterministic): convolution algorithms and max pooling chosen so that two
// runs on one machine give the same bits. Plans are keyed on it (and on TF32).
void SetDeterministic(bool on);
bool Deterministic();
// What cuDNN chose for one direction of one convolution problem (convolutionAlgorithms()).
struct ConvAlgorithmChoice {
  std::string shape;      // "n,c,h,w->o,kh,kw s<sh>,<sw> p<ph>,<pw>"
  std::string direction;  // forward, backwardData, backwardFilter
  std::string algo, mathType;  // enumerator names; mathType as the search result carried it
  std::string descriptorMathType;  // read back from that direction's descriptor
  size_t workspaceBytes = 0;
  bool deterministic = false;  // as cuDNN marked the result
  float timeMs = -1;           // as cudnnFind*Ex measured it; -1 when chosen by heuristics
  std::string precision;       // tf32 or fp32: the setting the plan was made under
  bool deterministicMode = false;
};
// The choices of the cached plans, oldest first (at most kMaxPlans problems).
std::vector<ConvAlgorithmChoice> ConvolutionAlgorithms();

// Every backend's operations (backend.h): conv.cc, pool.cc, dense.cc and batchnorm.cc on cuDNN and
// cuBLAS; activation, loss, image, fill and elementwise each a .cc over its kernels (.cu); optim.cu.
#include "backend.h"

// loss.cc — label checks that do not wait for the GPU: Record queues one, TakeRecorded (after a read
// that synchronised) returns the first bad index found since the last take, or -1.
void RecordBadLabels(int64_t n, int64_t c, const float* labels);
int64_t TakeRecordedBadLabel();

}  // namespace nc::cuda
