// Stands in for CUDA's <cuda_runtime_api.h> when native/cuda/*.cu are compiled as host C++ (g++) for
// test/28.kernels-host.test.ts, so that every kernel body runs, through its real launcher, on a
// machine without a GPU or nvcc. It is first on that target's include path only.
//
// How the CUDA execution model is emulated (emulator.cc):
//  * A launch runs its blocks one after another on the calling thread. The threads of a block are
//    fibers (ucontext) on that thread, switched only at barriers, so __syncthreads and warp shuffles
//    are real collective operations; a barrier that not every thread of its group reaches is
//    reported as a deadlock instead of hanging.
//  * threadIdx is the running fiber's; blockIdx, blockDim and gridDim belong to the launch.
//  * __shared__ is `static thread_local`: one object per OS thread, which is one per block because a
//    thread runs one block at a time (also for __shared__ inside __device__ functions).
//  * Shuffles: each lane publishes its value, the warp's 32 lanes meet at a barrier, each reads its
//    partner's value, and they meet again before the slots can be reused.
//  * Runtime calls (cudaMemsetAsync, cudaMallocAsync, ...) run synchronously on host memory.
// The arithmetic is the host's: __fmul_rn/__fadd_rn are plain float operations (the target is built
// with -ffp-contract=off, so nothing fuses), and expf, erff, ... are glibc's, not CUDA's.
#pragma once
#include <math.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

// ---- runtime types and calls -------------------------------------------------------------------

typedef struct CUstream_st* cudaStream_t;
// CUDA's values for the errors the emulation can produce.
enum cudaError_t {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidConfiguration = 9,
};

cudaError_t cudaGetLastError();  // returns the last launch error of this thread, and clears it
const char* cudaGetErrorName(cudaError_t status);
const char* cudaGetErrorString(cudaError_t status);
cudaError_t cudaMemsetAsync(void* p, int value, size_t bytes, cudaStream_t stream);
// Fresh blocks are filled with 0xff bytes (NaN as float or double), as uninitialised device memory
// may hold anything; live blocks are counted so that tests can see every one freed.
cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t stream);
cudaError_t cudaFreeAsync(void* p, cudaStream_t stream);

// ---- qualifiers and built-in variables ---------------------------------------------------------

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static thread_local

struct dim3 {
  unsigned x, y, z;
  dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
using uint3 = dim3;

namespace nc_host {
extern thread_local const dim3* tThreadIdx;  // the running fiber's
extern thread_local dim3 tBlockIdx, tBlockDim, tGridDim;
}  // namespace nc_host
#define threadIdx (*::nc_host::tThreadIdx)
#define blockIdx (static_cast<const dim3&>(::nc_host::tBlockIdx))
#define blockDim (static_cast<const dim3&>(::nc_host::tBlockDim))
#define gridDim (static_cast<const dim3&>(::nc_host::tGridDim))

// ---- synchronisation, shuffles, atomics ----------------------------------------------------------

namespace nc_host {
void SyncThreads();
// Lane `src` of this warp's value (`bytes` of `mine`), or this lane's own when src is outside the
// warp; every lane of the warp must call it (mask: all 32 lanes).
void WarpExchange(unsigned mask, const void* mine, void* out, size_t bytes, int src);
// Records a fault of the running kernel (the launch then throws) and ends the calling thread.
[[noreturn]] void Fault(const char* what);
inline unsigned Lane() { return threadIdx.x % 32; }
}  // namespace nc_host

inline void __syncthreads() { nc_host::SyncThreads(); }

template <typename T>
T __shfl_xor_sync(unsigned mask, T v, int laneMask, int width = 32) {
  static_assert(sizeof(T) <= 8, "shuffles move at most 8 bytes");
  if (width != 32) nc_host::Fault("__shfl_xor_sync: only width 32 is emulated");
  T out;
  nc_host::WarpExchange(mask, &v, &out, sizeof(T), static_cast<int>(nc_host::Lane() ^ static_cast<unsigned>(laneMask)));
  return out;
}

template <typename T>
T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  static_assert(sizeof(T) <= 8, "shuffles move at most 8 bytes");
  if (width != 32) nc_host::Fault("__shfl_down_sync: only width 32 is emulated");
  T out;
  nc_host::WarpExchange(mask, &v, &out, sizeof(T), static_cast<int>(nc_host::Lane() + delta));  // ≥ 32: own value
  return out;
}

// Blocks of one launch run in turn on one thread, but the addon may run launches on several
// threads at once: atomics stay atomic.
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
  unsigned long long old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
  while (v < old && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  return old;
}

// ---- intrinsics -----------------------------------------------------------------------------------

inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
inline float __expf(float a) { return expf(a); }
inline float rsqrtf(float a) { return 1.0f / sqrtf(a); }
using std::isnan;

// ---- launches ---------------------------------------------------------------------------------------

namespace nc_host {
// Runs body() as every thread of a grid × block launch, or sets the launch error for a bad
// configuration, as CUDA does. Throws std::runtime_error when the kernel faulted or deadlocked.
// `name` goes to the launch log (LaunchLog in emulator.cc).
void Run(const char* name, dim3 grid, dim3 block, void (*body)(const void*), const void* context);

template <typename Kernel>
struct Launch {
  const char* name;
  Kernel* kernel;
  dim3 grid, block;
  template <typename... Args>
  void operator()(const Args&... args) const {
    // Each thread calls the kernel with its own copies of the arguments, as on the GPU.
    auto call = [&] { kernel(args...); };
    Run(name, grid, block, [](const void* c) { (*static_cast<const decltype(call)*>(c))(); }, &call);
  }
};
template <typename Kernel>
Launch<Kernel> MakeLaunch(const char* name, Kernel* kernel, dim3 grid, dim3 block) {
  return {name, kernel, grid, block};
}

// A launcher's grid cap (NC_GRID_CAP in cuda/check.h), by name: a variable here, so that the tests
// can force it small. Every file that declares the same name shares one value.
const int64_t& GridCap(const char* name, int64_t value);
}  // namespace nc_host

// NC_LAUNCH(kernel, grid, block, stream)(args...) stands for kernel<<<grid, block, 0, stream>>>(args...).
#define NC_LAUNCH(kernel, grid, block, stream) \
  (static_cast<void>(stream), ::nc_host::MakeLaunch(#kernel, kernel, (grid), (block)))
#define NC_GRID_CAP(type, name, value) const int64_t& name = ::nc_host::GridCap(#name, value)
