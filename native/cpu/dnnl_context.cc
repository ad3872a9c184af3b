#include "cpu/dnnl_context.h"

#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <vector>

#include "cpu/cpu.h"
#include "cpu/host_memory.h"
#include "cpu/layout_registry.h"

namespace nc::cpu {

dnnl::engine& Engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Several JS threads (worker_threads) may train at once. The engine is shared (oneDNN's engines are
// thread-safe); the stream, the primitive cache and the scratchpad are per thread: a stream must
// not be used by two threads at once, and every execution writes the scratchpad and the cached
// entries' layout-conversion buffers. Per thread rather than locked, so threads never wait on each
// other; the price is one set of primitives and one scratchpad per training thread, freed (by
// thread_local destructors) when that thread exits.
dnnl::stream& Stream() {
  thread_local dnnl::stream stream(Engine());
  return stream;
}

const CachedPrimitive& CachedOrBuild(const std::string& key, const std::function<CachedPrimitive()>& build) {
  thread_local std::unordered_map<std::string, CachedPrimitive> cache;  // per thread: see Stream()
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, build()).first;
  return it->second;
}

void CachedPrimitive::Arg(int arg, const dnnl::memory::desc& plainDesc, const dnnl::memory::desc& chosenDesc,
                          bool output, OutputLayout layout) {
  plain[arg] = plainDesc;
  chosen[arg] = chosenDesc;
  if (output) outputs[arg] = KeepableLayout(plainDesc, chosenDesc) ? layout : OutputLayout::Plain;
  if (chosenDesc == plainDesc || (output && outputs[arg] == OutputLayout::Keep)) return;  // no reorder
  dnnl::memory scratch(chosenDesc, Engine());
  dnnl::memory user(plainDesc, Engine(), DNNL_MEMORY_NONE);
  dnnl::reorder reorder = output ? dnnl::reorder(scratch, user, UserScratchpad())
                                 : dnnl::reorder(user, scratch, UserScratchpad());
  bridges.emplace(arg, LayoutBridge{scratch, reorder, output});
}

namespace {
// The calling thread's scratchpad buffer (see Stream()), given back to the block cache at thread exit.
struct ScratchBuffer {
  void* p = nullptr;
  size_t capacity = 0;
  ~ScratchBuffer() {
    if (p) HostFree(p, capacity);
  }
};

// The scratchpad `p` asks for, in the one buffer that this thread's executions share (one at a time).
dnnl::memory Scratchpad(const dnnl::primitive& p) {
  thread_local ScratchBuffer scratch;
  void*& buffer = scratch.p;
  size_t& capacity = scratch.capacity;
  const dnnl_memory_desc_t* c = dnnl_primitive_desc_query_md(p.get_primitive_desc(), dnnl_query_scratchpad_md, 0);
  dnnl::memory::desc md = c ? dnnl::memory::desc(*c) : dnnl::memory::desc();
  const size_t bytes = md.get_size();
  if (bytes > capacity) {
    if (buffer) HostFree(buffer, capacity);
    buffer = HostAlloc(bytes);
    capacity = buffer ? bytes : 0;
    if (!buffer) throw std::bad_alloc();
  }
  return dnnl::memory(md, Engine(), bytes ? buffer : nullptr);
}

void Run(const dnnl::primitive& p, std::unordered_map<int, dnnl::memory> args) {
  args.emplace(DNNL_ARG_SCRATCHPAD, Scratchpad(p));
  p.execute(Stream(), args);
}
}  // namespace

namespace {
// oneDNN's JIT f32 GEMM (x64:gemm:jit, behind inner products and gemm convolutions; oneDNN up to
// 3.11, uxlfoundation/oneDNN#4845, fixed by #4855) points rsp at a heap workspace when K is large.
// A signal handled meanwhile pushes its frame (some 3 KiB with AVX-512 state) below rsp, that is
// over the heap chunks before the workspace: V8's CPU profiler (node --cpu-prof sends SIGPROF to
// the JS thread every millisecond) corrupted glibc's heap within seconds. So while oneDNN runs,
// this thread holds back every asynchronous signal; a pending one is delivered when the call
// returns. Faults (SIGSEGV, SIGBUS, ...) stay deliverable: they are synchronous, and blocking
// them would only turn a crash report into a silent kill. OpenMP workers that oneDNN starts
// inside this window inherit the mask, so they do not take process-directed signals either.
class AsyncSignalsBlocked {
 public:
  AsyncSignalsBlocked() {
    sigset_t block;
    sigfillset(&block);
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&block, s);
    blocked_ = pthread_sigmask(SIG_BLOCK, &block, &saved_) == 0;
  }
  ~AsyncSignalsBlocked() {
    if (blocked_) pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  }
  AsyncSignalsBlocked(const AsyncSignalsBlocked&) = delete;
  AsyncSignalsBlocked& operator=(const AsyncSignalsBlocked&) = delete;

 private:
  sigset_t saved_;
  bool blocked_ = false;
};
}  // namespace

void QuietThreadTeam() {
  thread_local bool quiet = false;
  if (quiet) return;
  quiet = true;
  // Threads inherit their creator's signal mask, and libgomp creates a thread's team at its first
  // parallel region and keeps it. Made here with async signals blocked, the workers never take a
  // process-directed signal (SIGWINCH on a terminal resize, SIGINT, SIGCHLD) in oneDNN's GEMM: it
  // waits for a thread outside oneDNN. (The region must do something, or GCC drops it.)
  const AsyncSignalsBlocked blocked;
  volatile int joined = 0;
#pragma omp parallel
  {
#pragma omp atomic
    joined += 1;
  }
}

void Execute(const CachedPrimitive& entry, std::initializer_list<std::pair<int, const void*>> args) {
  const AsyncSignalsBlocked quiet;  // see above: oneDNN's GEMM may run with rsp in the heap
  std::unordered_map<int, dnnl::memory> run;
  std::vector<std::pair<const LayoutBridge*, dnnl::memory>> outputs;
  std::vector<std::pair<const void*, const dnnl::memory::desc*>> kept;
  for (const auto& [arg, ptr] : args) {
    if (ptr == nullptr) continue;  // an optional argument left out
    const dnnl::memory::desc& chosen = entry.chosen.at(arg);
    auto output = entry.outputs.find(arg);
    if (!entry.anyLayout) {  // (element-wise primitives take their arguments as they are)
      const bool input = output == entry.outputs.end();
      const std::optional<dnnl::memory::desc> layout = input ? LayoutOf(ptr) : std::nullopt;
      // An input already in the chosen layout, or an output kept in it, goes in as it is.
      if ((input && layout == chosen) || (!input && output->second == OutputLayout::Keep)) {
        run.emplace(arg, Wrap(chosen, ptr));
        if (!input) kept.emplace_back(ptr, &chosen);
        continue;
      }
      if (input) MakePlain(ptr);  // from another layout: plain, then reordered as declared
      else ForgetLayout(ptr);     // written plain below
    }
    dnnl::memory user = Wrap(entry.plain.at(arg), ptr);
    auto bridge = entry.bridges.find(arg);
    if (bridge == entry.bridges.end()) {
      run.emplace(arg, user);
    } else if (bridge->second.output) {
      run.emplace(arg, bridge->second.scratch);
      outputs.emplace_back(&bridge->second, user);
    } else {
      Run(bridge->second.reorder, {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, bridge->second.scratch}});
      run.emplace(arg, bridge->second.scratch);
    }
  }
  Run(entry.primitive, std::move(run));
  for (auto& [bridge, user] : outputs) Run(bridge->reorder, {{DNNL_ARG_FROM, bridge->scratch}, {DNNL_ARG_TO, user}});
  Stream().wait();
  for (const auto& [ptr, layout] : kept) SetLayout(ptr, *layout);
}

dnnl::memory::desc PlainDesc(const dnnl::memory::dims& dims) {
  using tag = dnnl::memory::format_tag;
  static const tag tags[] = {tag::undef, tag::a, tag::ab, tag::abc, tag::abcd};
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, tags[dims.size()]);
}

dnnl::memory Wrap(const dnnl::memory::desc& md, const void* data) {
  return dnnl::memory(md, Engine(), const_cast<void*>(data));
}

std::string Key(const char* op, std::initializer_list<int64_t> values) {
  std::string key(op);
  key += ':';
  for (int64_t v : values) key += std::to_string(v) + ',';
  return key;
}

dnnl::primitive_attr UserScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::primitive_attr ActivationAttr(Activation act) {
  dnnl::primitive_attr attr = UserScratchpad();
  if (act == Activation::None) return attr;
  dnnl::algorithm alg = act == Activation::Relu      ? dnnl::algorithm::eltwise_relu
                        : act == Activation::Sigmoid ? dnnl::algorithm::eltwise_logistic
                                                     : dnnl::algorithm::eltwise_tanh;
  dnnl::post_ops ops;
  ops.append_eltwise(1.0f, alg, 0.0f, 0.0f);
  attr.set_post_ops(ops);
  return attr;
}

const char* EngineName() { return "oneDNN"; }
int Threads() { return omp_get_max_threads(); }

}  // namespace nc::cpu
