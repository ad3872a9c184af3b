// Device memory from CUDA's stream-ordered pool, and host copies through pinned staging buffers.
#include <algorithm>
#include <cstring>
#include <vector>

#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/elementwise.h"
#include "cuda/scratch.h"

namespace nc::cuda {

namespace {

// Uploads go through two pinned buffers in turn, so that the host fills one while the GPU copies
// from the other; an event per buffer says when it may be refilled.
constexpr size_t kStagingBytes = 8 << 20;

struct Staging {
  void* host[2] = {nullptr, nullptr};
  cudaEvent_t done[2] = {nullptr, nullptr};
  int next = 0;

  // The next free buffer (waiting for the GPU to finish with it).
  void* Acquire(int* slot) {
    if (!host[0]) {
      for (int i = 0; i < 2; ++i) {
        CUDA_CHECK(cudaMallocHost(&host[i], kStagingBytes));
        CUDA_CHECK(cudaEventCreateWithFlags(&done[i], cudaEventDisableTiming));
      }
    }
    *slot = next;
    next ^= 1;
    CUDA_CHECK(cudaEventSynchronize(done[*slot]));
    return host[*slot];
  }
  void Release(int slot, cudaStream_t stream) { CUDA_CHECK(cudaEventRecord(done[slot], stream)); }
};

Staging& TheStaging() {
  static Staging staging;
  return staging;
}

// Copies host bytes to the device in staged chunks; `place` gives the device address of each chunk.
template <typename Place>
void StagedCopy(const uint8_t* src, size_t bytes, Place place) {
  Context& c = Ctx();
  Staging& staging = TheStaging();
  for (size_t offset = 0; offset < bytes; offset += kStagingBytes) {
    const size_t chunk = std::min(kStagingBytes, bytes - offset);
    int slot;
    void* pinned = staging.Acquire(&slot);
    std::memcpy(pinned, src + offset, chunk);
    CUDA_CHECK(cudaMemcpyAsync(place(offset), pinned, chunk, cudaMemcpyHostToDevice, c.stream));
    staging.Release(slot, c.stream);
  }
}

}  // namespace

void* Alloc(size_t bytes) {
  Context& c = Ctx();
  void* p = nullptr;
  cudaError_t e = cudaMallocAsync(&p, bytes, c.stream);
  if (e == cudaErrorMemoryAllocation) {
    // The pool keeps what was freed (see Ctx()); hand that back to the driver and try once more.
    cudaGetLastError();
    TrimPool();
    e = cudaMallocAsync(&p, bytes, c.stream);
  }
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    size_t freeBytes = 0, totalBytes = 0;
    cudaMemGetInfo(&freeBytes, &totalBytes);
    throw GpuError(ErrorCode::OutOfMemory, "out of GPU memory: cannot allocate " + std::to_string(bytes) + " bytes on gpu:" +
                   std::to_string(c.device) + " (" + std::to_string(freeBytes) + " bytes free of " +
                   std::to_string(totalBytes) + ")");
  }
  CUDA_CHECK(e);
  return p;
}

int64_t GcWeightedBytes(size_t bytes) {
  constexpr double kV8SoftLimit = 64.0 * 1024 * 1024;
  const size_t total = Ctx().totalBytes;
  if (total == 0) return static_cast<int64_t>(bytes);
  return static_cast<int64_t>(static_cast<double>(bytes) * kV8SoftLimit / (static_cast<double>(total) / 4));
}

void TrimPool() {
  Context& c = Ctx();
  // Memory freed in stream order returns to the pool only when the stream gets there.
  CUDA_CHECK(cudaStreamSynchronize(c.stream));
  cudaMemPool_t pool;
  CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, c.device));
  CUDA_CHECK(cudaMemPoolTrimTo(pool, 0));
}

void Free(void* p, size_t /*bytes*/) {
  // After Shutdown() (finalizers that run after the last environment's cleanup) there is no stream
  // of ours: free on the legacy stream, which is safe because Shutdown() waited for ours. The pool
  // outlives our context (it belongs to the device), so the memory is reused if a context comes back.
  CUDA_CHECK(cudaFreeAsync(p, Live() ? Ctx().stream : cudaStreamLegacy));
}

void FreeQuietly(void* p) noexcept {
  try {
    Free(p, 0);
  } catch (...) {
    cudaGetLastError();
  }
}

void Upload(void* dst, const void* hostSrc, size_t bytes) {
  StagedCopy(static_cast<const uint8_t*>(hostSrc), bytes,
             [dst](size_t offset) { return static_cast<uint8_t*>(dst) + offset; });
}

void UploadBytesAsFloat(float* dst, const uint8_t* hostSrc, int64_t n, float scale) {
  // The bytes travel as bytes (a quarter of the traffic) and become floats on the device.
  Scratch bytes(static_cast<size_t>(n));
  StagedCopy(hostSrc, bytes.bytes, [&bytes](size_t offset) { return static_cast<uint8_t*>(bytes.data) + offset; });
  LaunchBytesToFloat(Ctx().stream, n, static_cast<const uint8_t*>(bytes.data), dst, scale);
}

void Download(void* hostDst, const void* src, size_t bytes) {
  Context& c = Ctx();
  CUDA_CHECK(cudaMemcpyAsync(hostDst, src, bytes, cudaMemcpyDeviceToHost, c.stream));
  CUDA_CHECK(cudaStreamSynchronize(c.stream));
}

DeviceMemory MemoryReport() {
  Context& c = Ctx();
  DeviceMemory m{};
  CUDA_CHECK(cudaMemGetInfo(&m.freeBytes, &m.totalBytes));
  cudaMemPool_t pool;
  CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, c.device));
  uint64_t reserved = 0;
  CUDA_CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved));
  m.poolReservedBytes = reserved;
  return m;
}

}  // namespace nc::cuda
