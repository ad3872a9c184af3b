// The host emulation of CUDA launches declared in cuda_runtime_api.h (read its header comment first).
// A block's threads are ucontext fibers on the launching thread: a fiber runs until it reaches a
// barrier (block or warp), then the scheduler runs the first ready fiber; the last to arrive releases
// the others and runs on. No ready fiber while some are unfinished means a barrier that not all reach: a
// deadlock on the GPU, reported here as an error.
#include "cuda_runtime_api.h"

#include <ucontext.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "emulator.h"

namespace nc_host {

thread_local const dim3* tThreadIdx = nullptr;
thread_local dim3 tBlockIdx, tBlockDim, tGridDim;

namespace {

constexpr size_t kStackBytes = 128 * 1024;
constexpr int kWarp = 32;

struct Fiber {
  ucontext_t context;
  dim3 index;
  enum { Ready, Waiting, Done } state = Ready;
  int group = -1;  // the barrier group it waits at
};

// The block now running on this thread.
struct Block {
  std::vector<Fiber> fibers;
  ucontext_t scheduler;
  int current = 0;
  // Barrier groups: 0..warps-1 are the warps, `warps` is the whole block.
  std::vector<int> arrived;
  std::vector<uint64_t> slots;  // one shuffle slot per thread
  void (*body)(const void*) = nullptr;
  const void* context = nullptr;
  std::string fault;  // the first fault of a thread
};

thread_local Block* tBlock = nullptr;
thread_local std::vector<std::unique_ptr<char[]>> tStacks;  // reused from block to block
thread_local cudaError_t tLastError = cudaSuccess;
thread_local std::vector<LaunchRecord> tLog;
thread_local Options tOptions;

std::mutex gAllocationsMutex;
int64_t gLiveAllocations = 0;

void FiberMain() {
  Block& b = *tBlock;
  try {
    b.body(b.context);
  } catch (const std::exception& e) {
    if (b.fault.empty()) b.fault = e.what();
  }
  b.fibers[b.current].state = Fiber::Done;  // uc_link returns to the scheduler
}

// Waits until `size` threads of barrier group `group` have arrived.
void Barrier(int group, int size) {
  Block& b = *tBlock;
  if (++b.arrived[group] == size) {
    b.arrived[group] = 0;
    const int warps = static_cast<int>(b.arrived.size()) - 1;
    const size_t first = group == warps ? 0 : static_cast<size_t>(group) * kWarp;
    const size_t last = first + static_cast<size_t>(size);
    for (size_t t = first; t < last; ++t) {
      if (b.fibers[t].state == Fiber::Waiting && b.fibers[t].group == group) b.fibers[t].state = Fiber::Ready;
    }
    return;
  }
  Fiber& f = b.fibers[b.current];
  f.state = Fiber::Waiting;
  f.group = group;
  swapcontext(&f.context, &b.scheduler);
}

std::string Describe(const Block& b) {
  std::string waiting, done;
  for (const Fiber& f : b.fibers) {
    if (f.state == Fiber::Waiting && waiting.empty()) waiting = std::to_string(f.index.x);
    if (f.state == Fiber::Done && done.empty()) done = std::to_string(f.index.x);
  }
  return "deadlock in block " + std::to_string(tBlockIdx.x) + ": thread " + waiting +
         " waits at a barrier (__syncthreads or a shuffle) that " +
         (done.empty() ? "other threads wait at elsewhere" : "thread " + done + " never reached");
}

// Apart from RunBlock, whose locals getcontext (it "returns twice") would otherwise endanger.
[[gnu::noinline]] void StartFiber(Fiber& f, unsigned t, char* stack, ucontext_t* scheduler) {
  f.index = dim3(t);
  getcontext(&f.context);
  f.context.uc_stack.ss_sp = stack;
  f.context.uc_stack.ss_size = kStackBytes;
  f.context.uc_link = scheduler;  // where FiberMain returns to
  makecontext(&f.context, FiberMain, 0);
}

void RunBlock(unsigned threads, void (*body)(const void*), const void* context) {
  Block b;
  b.body = body;
  b.context = context;
  b.fibers.resize(threads);
  const unsigned warps = (threads + kWarp - 1) / kWarp;
  b.arrived.assign(warps + 1, 0);
  b.slots.assign(threads, 0);
  while (tStacks.size() < threads) tStacks.emplace_back(new char[kStackBytes]);
  for (unsigned t = 0; t < threads; ++t) StartFiber(b.fibers[t], t, tStacks[t].get(), &b.scheduler);
  Block* const outer = tBlock;
  tBlock = &b;
  // Always resume the first ready thread in order (the last, with `reverse`): it runs as far ahead
  // of the others as barriers allow, so that a missing barrier shows as a wrong result.
  unsigned done = 0;
  while (done < threads) {
    unsigned k = 0, t = 0;
    for (; k < threads; ++k) {
      t = tOptions.reverse ? threads - 1 - k : k;
      if (b.fibers[t].state == Fiber::Ready) break;
    }
    if (k == threads) {  // the waiting fibers are abandoned; their stacks hold nothing to destroy
      if (b.fault.empty()) b.fault = Describe(b);
      break;
    }
    Fiber& f = b.fibers[t];
    b.current = static_cast<int>(t);
    tThreadIdx = &f.index;
    swapcontext(&b.scheduler, &f.context);
    done += f.state == Fiber::Done;
  }
  tBlock = outer;
  tThreadIdx = nullptr;
  if (!b.fault.empty()) throw std::runtime_error(b.fault);
}

}  // namespace

void SyncThreads() { Barrier(static_cast<int>(tBlock->arrived.size()) - 1, static_cast<int>(tBlockDim.x)); }

void WarpExchange(unsigned mask, const void* mine, void* out, size_t bytes, int src) {
  Block& b = *tBlock;
  const unsigned t = threadIdx.x, warp = t / kWarp;
  if (mask != 0xffffffffu) Fault("shuffle: only the full mask is emulated");
  if ((warp + 1) * kWarp > tBlockDim.x) Fault("shuffle with the full mask in a warp of fewer than 32 threads");
  std::memcpy(&b.slots[t], mine, bytes);
  Barrier(static_cast<int>(warp), kWarp);
  const unsigned from = src >= 0 && src < kWarp ? warp * kWarp + static_cast<unsigned>(src) : t;
  std::memcpy(out, &b.slots[from], bytes);
  Barrier(static_cast<int>(warp), kWarp);  // nobody overwrites a slot before all have read
}

void Fault(const char* what) { throw std::runtime_error(what); }

void Run(const char* name, dim3 grid, dim3 block, void (*body)(const void*), const void* context) {
  tLog.push_back({name, grid.x, block.x});
  if (grid.x == 0 || grid.x > static_cast<unsigned>(INT_MAX) || grid.y != 1 || grid.z != 1 || block.x == 0 ||
      block.x > 1024 || block.y != 1 || block.z != 1) {
    tLastError = cudaErrorInvalidConfiguration;  // as CUDA: the kernel does not run
    return;
  }
  tGridDim = grid;
  tBlockDim = block;
  for (unsigned k = 0; k < grid.x; ++k) {
    tBlockIdx = dim3(tOptions.reverse ? grid.x - 1 - k : k);
    RunBlock(block.x, body, context);
  }
}

const int64_t& GridCap(const char* name, int64_t value) {
  GridCaps& caps = Caps();
  auto it = caps.find(name);
  if (it == caps.end()) it = caps.emplace(name, GridCapEntry{value, value}).first;
  if (it->second.defaultValue != value) {  // two files disagree on a cap's default: one name, one meaning
    std::fprintf(stderr, "NC_GRID_CAP %s: defaults %lld and %lld\n", name, static_cast<long long>(value),
                 static_cast<long long>(it->second.defaultValue));
    std::abort();
  }
  return it->second.value;
}

GridCaps& Caps() {
  static GridCaps caps;
  return caps;
}

Options& CurrentOptions() { return tOptions; }
std::vector<LaunchRecord> TakeLog() { return std::move(tLog); }
int64_t LiveAllocations() {
  std::lock_guard<std::mutex> lock(gAllocationsMutex);
  return gLiveAllocations;
}

}  // namespace nc_host

using nc_host::tLastError;

cudaError_t cudaGetLastError() {
  const cudaError_t e = tLastError;
  tLastError = cudaSuccess;
  return e;
}

const char* cudaGetErrorName(cudaError_t status) {
  switch (status) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
  }
  return "cudaErrorUnknown";
}

const char* cudaGetErrorString(cudaError_t status) {
  switch (status) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
  }
  return "unknown error";
}

cudaError_t cudaMemsetAsync(void* p, int value, size_t bytes, cudaStream_t) {
  std::memset(p, value, bytes);
  return cudaSuccess;
}

cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t) {
  *p = std::malloc(bytes ? bytes : 1);
  if (!*p) return cudaErrorMemoryAllocation;
  std::memset(*p, 0xff, bytes);
  std::lock_guard<std::mutex> lock(nc_host::gAllocationsMutex);
  ++nc_host::gLiveAllocations;
  return cudaSuccess;
}

cudaError_t cudaFreeAsync(void* p, cudaStream_t) {
  if (!p) return cudaSuccess;
  std::free(p);
  std::lock_guard<std::mutex> lock(nc_host::gAllocationsMutex);
  --nc_host::gLiveAllocations;
  return cudaSuccess;
}
