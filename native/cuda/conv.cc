// Convolution on cuDNN: one plan per problem (descriptors + the algorithm cudnnFind*Ex measured as
// fastest for each direction, once, timed on our buffers and a workspace from the stream-ordered
// pool), workspaces from the same pool. Bias and activation
// follow the convolution as cuDNN tensor ops.
//
// Each direction has its own convolution descriptor, because the math type lives in the descriptor
// and each direction's chosen algorithm carries its own: before running it, the descriptor is set
// to the math type its cudnnFind* result ran with (so the kernel and its workspace size are the
// ones that were measured). With TF32 off, the search runs with CUDNN_FMA_MATH and only FMA
// results are accepted: on Ampere and newer, CUDNN_DEFAULT_MATH itself permits TF32 tensor cores
// (PyTorch uses the same rule).
//
// Deterministic mode: only results cuDNN marks CUDNN_DETERMINISTIC are accepted (this excludes the
// atomics-based BWD_DATA_ALGO_0 and BWD_FILTER_ALGO_0/3), and they come from cuDNN's heuristics
// (cudnnGet*_v7) rather than from timing, since timings vary from run to run and two runs that
// chose different algorithms would differ in their last bits (as PyTorch's deterministic mode
// without benchmark).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/descriptors.h"
#include "cuda/plan_cache.h"
#include "cuda/scratch.h"

namespace nc::cuda {

namespace {

constexpr float kOne = 1.0f, kZero = 0.0f;

bool deterministic = false;

enum Direction { kForward, kBackwardData, kBackwardFilter };
constexpr const char* kDirectionNames[] = {"forward", "backwardData", "backwardFilter"};

// The enumerators' names (cudnn_api.h), for the report.
std::string AlgoName(int direction, int algo) {
  static const std::vector<const char*> names[] = {
      {"CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM", "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM",
       "CUDNN_CONVOLUTION_FWD_ALGO_GEMM", "CUDNN_CONVOLUTION_FWD_ALGO_DIRECT", "CUDNN_CONVOLUTION_FWD_ALGO_FFT",
       "CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING", "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD",
       "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED"},
      {"CUDNN_CONVOLUTION_BWD_DATA_ALGO_0", "CUDNN_CONVOLUTION_BWD_DATA_ALGO_1", "CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT",
       "CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING", "CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD",
       "CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED"},
      {"CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0", "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1",
       "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT", "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3",
       "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD", "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED",
       "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING"}};
  const auto& list = names[direction];
  return algo >= 0 && algo < static_cast<int>(list.size()) ? list[algo] : "algorithm " + std::to_string(algo);
}

std::string MathTypeName(cudnnMathType_t m) {
  static const char* const names[] = {"CUDNN_DEFAULT_MATH", "CUDNN_TENSOR_OP_MATH",
                                      "CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION", "CUDNN_FMA_MATH"};
  return m >= 0 && m < 4 ? names[m] : "math type " + std::to_string(static_cast<int>(m));
}

// One direction's choice; algo is -1 until the direction first runs.
struct Choice {
  cudnnConvolutionDescriptor_t conv = nullptr;
  int algo = -1;
  cudnnMathType_t mathType = CUDNN_DEFAULT_MATH;
  bool deterministic = false;
  size_t bytes = 0;  // workspace
  bool timed = false;  // by cudnnFind*Ex (else by cuDNN's heuristics)
  float timeMs = 0;
};

struct ConvPlan {
  ConvShape shape{};
  bool tf32 = false, deterministic = false;
  uint64_t serial = 0;  // creation order, for the report
  cudnnTensorDescriptor_t x = nullptr, y = nullptr, bias = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  Choice dir[3];
};

// Errors are ignored: this runs on eviction, when there is nothing useful to do with one.
void DestroyPlan(ConvPlan& p) {
  const CudnnApi& api = Ctx().libs->cudnn;
  for (cudnnTensorDescriptor_t t : {p.x, p.y, p.bias}) {
    if (t) api.cudnnDestroyTensorDescriptor(t);
  }
  if (p.w) api.cudnnDestroyFilterDescriptor(p.w);
  for (Choice& c : p.dir) {
    if (c.conv) api.cudnnDestroyConvolutionDescriptor(c.conv);
  }
}

PlanCache<ConvPlan>& Plans() {
  static PlanCache<ConvPlan> plans(DestroyPlan);
  return plans;
}

// The math type the search starts from: with TF32 off, FMA only (see the top of this file).
cudnnMathType_t SearchMathType(bool tf32) { return tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH; }

ConvPlan MakePlan(const ConvShape& s, bool tf32, bool det) {
  static uint64_t serial = 0;
  const CudnnApi& api = Ctx().libs->cudnn;
  ConvPlan p;
  p.shape = s;
  p.tf32 = tf32;
  p.deterministic = det;
  p.serial = ++serial;
  try {
    p.x = NewTensor4d(s.n, s.c, s.h, s.w);
    p.y = NewTensor4d(s.n, s.o, s.oh, s.ow);
    p.bias = NewTensor4d(1, s.o, 1, 1);
    CUDNN_CHECK(api.cudnnCreateFilterDescriptor(&p.w));
    const char* dim = "filter dimension";
    // Grouped: the filter holds C/G input channels; the group count lives in the convolution descriptor.
    CUDNN_CHECK(api.cudnnSetFilter4dDescriptor(p.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, CudnnInt(dim, s.o),
                                               CudnnInt(dim, s.c / s.groups), CudnnInt(dim, s.kh),
                                               CudnnInt(dim, s.kw)));
    for (Choice& c : p.dir) {
      CUDNN_CHECK(api.cudnnCreateConvolutionDescriptor(&c.conv));
      CUDNN_CHECK(api.cudnnSetConvolution2dDescriptor(
          c.conv, CudnnInt("padding", s.ph), CudnnInt("padding", s.pw), CudnnInt("stride", s.sh),
          CudnnInt("stride", s.sw), CudnnInt("dilation", s.dilh), CudnnInt("dilation", s.dilw),
          CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
      CUDNN_CHECK(api.cudnnSetConvolutionGroupCount(c.conv, CudnnInt("groups", s.groups)));
      CUDNN_CHECK(api.cudnnSetConvolutionMathType(c.conv, SearchMathType(tf32)));
    }
  } catch (...) {
    DestroyPlan(p);
    throw;
  }
  return p;
}

ConvPlan& PlanFor(const ConvShape& s) {
  const bool tf32 = AllowTf32();
  const std::string key = std::to_string(s.n) + "," + std::to_string(s.c) + "," + std::to_string(s.h) + "," +
                          std::to_string(s.w) + "," + std::to_string(s.o) + "," + std::to_string(s.kh) + "," +
                          std::to_string(s.kw) + "," + std::to_string(s.sh) + "," + std::to_string(s.sw) + "," +
                          std::to_string(s.ph) + "," + std::to_string(s.pw) + ",d" + std::to_string(s.dilh) + "," +
                          std::to_string(s.dilw) + ",g" + std::to_string(s.groups) + (tf32 ? ",tf32" : ",fp32") +
                          (deterministic ? ",deterministic" : "");
  return Plans().Get(key, [&] { return MakePlan(s, tf32, deterministic); });
}

// The workspace that cudnnFind* may use while it times the candidates: generous, but bounded by
// what the device has free.
size_t SearchWorkspaceBytes() {
  // Memory the pool keeps cached is free to us but not to cuDNN's own allocations during the
  // search: hand it back first (a search runs once per shape, so the sync this costs is rare).
  TrimPool();
  size_t freeBytes = 0, totalBytes = 0;
  CUDA_CHECK(cudaMemGetInfo(&freeBytes, &totalBytes));
  return std::min<size_t>(size_t{512} << 20, freeBytes / 4);
}

// Whether a search result may be used under the plan's settings.
bool Acceptable(cudnnMathType_t mathType, cudnnDeterminism_t determinism, const ConvPlan& p) {
  if (p.deterministic && determinism != CUDNN_DETERMINISTIC) return false;
  // Never FP16 down-conversion of float data: TF32 is the most precision we give up.
  if (p.tf32) return mathType != CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
  // Before Ampere (sm_80) there is no TF32, so DEFAULT_MATH is plain FP32 there too.
  return mathType == CUDNN_FMA_MATH || (mathType == CUDNN_DEFAULT_MATH && Probe().computeCapability < 80);
}

// Takes the fastest acceptable result from cudnnFind*'s sorted list, sets that direction's
// descriptor to the math type it was measured with, and sizes its workspace for that math type.
template <typename Perf, typename WorkspaceSize>
void Choose(const Perf* results, int count, Direction d, ConvPlan& p, WorkspaceSize workspaceSize) {
  Choice& c = p.dir[d];
  for (int i = 0; i < count; ++i) {
    const Perf& r = results[i];
    if (r.status != CUDNN_STATUS_SUCCESS || !Acceptable(r.mathType, r.determinism, p)) continue;
    CUDNN_CHECK(Ctx().libs->cudnn.cudnnSetConvolutionMathType(c.conv, r.mathType));
    size_t bytes = 0;
    CUDNN_CHECK(workspaceSize(r.algo, &bytes));
    c.algo = static_cast<int>(r.algo);
    c.mathType = r.mathType;
    c.deterministic = r.determinism == CUDNN_DETERMINISTIC;
    c.bytes = std::max(bytes, r.memory);
    c.timed = !p.deterministic;
    c.timeMs = r.time;
    return;
  }
  throw GpuError(ErrorCode::Cudnn, std::string("cuDNN found no ") + kDirectionNames[d] + " algorithm for this convolution" +
                 (p.deterministic ? " that is deterministic" : "") + (p.tf32 ? "" : " in full FP32 (FMA math)") +
                 " among " + std::to_string(count) + " candidates");
}

// Chooses direction d's algorithm on its first use: from cuDNN's heuristics in deterministic mode
// (`heuristic(max, &count, results)`), else by timing the candidates on our buffers with a search
// workspace from the pool (`find(max, &count, results, workspace, bytes)`).
template <typename Perf, int kCount, typename Heuristic, typename Find, typename WorkspaceSize>
void ChooseOnce(ConvPlan& p, Direction d, Heuristic heuristic, Find find, WorkspaceSize workspaceSize) {
  if (p.dir[d].algo >= 0) return;
  Perf results[kCount];
  int count = 0;
  if (p.deterministic) {
    CUDNN_CHECK(heuristic(kCount, &count, results));
  } else {
    Scratch search(SearchWorkspaceBytes());
    CUDNN_CHECK(find(kCount, &count, results, search.data, search.bytes));
  }
  Choose(results, count, d, p, workspaceSize);
}

}  // namespace

void SetDeterministic(bool on) { deterministic = on; }
bool Deterministic() { return deterministic; }

void Conv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y, Activation act) {
  Context& c = Ctx();
  const CudnnApi& api = c.libs->cudnn;
  ConvPlan& p = PlanFor(s);
  Choice& f = p.dir[kForward];
  // The search writes candidate results into y, which this call overwrites anyway.
  ChooseOnce<cudnnConvolutionFwdAlgoPerf_t, CUDNN_CONVOLUTION_FWD_ALGO_COUNT>(
      p, kForward,
      [&](int max, int* count, cudnnConvolutionFwdAlgoPerf_t* r) {
        return api.cudnnGetConvolutionForwardAlgorithm_v7(c.cudnn, p.x, p.w, f.conv, p.y, max, count, r);
      },
      [&](int max, int* count, cudnnConvolutionFwdAlgoPerf_t* r, void* ws, size_t bytes) {
        return api.cudnnFindConvolutionForwardAlgorithmEx(c.cudnn, p.x, x, p.w, w, f.conv, p.y, y, max, count, r, ws,
                                                           bytes);
      },
      [&](cudnnConvolutionFwdAlgo_t algo, size_t* bytes) {
        return api.cudnnGetConvolutionForwardWorkspaceSize(c.cudnn, p.x, p.w, f.conv, p.y, algo, bytes);
      });
  Scratch workspace(f.bytes);
  CUDNN_CHECK(api.cudnnConvolutionForward(c.cudnn, &kOne, p.x, x, p.w, w, f.conv,
                                          static_cast<cudnnConvolutionFwdAlgo_t>(f.algo), workspace.data,
                                          workspace.bytes, &kZero, p.y, y));
  if (b) CUDNN_CHECK(api.cudnnAddTensor(c.cudnn, &kOne, p.bias, b, &kOne, p.y, y));
  if (act != Activation::None) {
    CUDNN_CHECK(api.cudnnActivationForward(c.cudnn, ActivationDesc(act), &kOne, p.y, y, &kZero, p.y, y));
  }
}

void Conv2dBackward(const ConvShape& s, const float* x, const float* w, const float* y, const float* dy,
                    Activation act, float* dx, float* dw, float* db) {
  Context& c = Ctx();
  const CudnnApi& api = c.libs->cudnn;
  ConvPlan& p = PlanFor(s);
  // dz = dy · act'(y): cuDNN's activation backward reads y (and x, which for these modes it may
  // take to be y).
  const float* dz = dy;
  Scratch activationGrad(act == Activation::None ? 0 : sizeof(float) * s.n * s.o * s.oh * s.ow);
  if (act != Activation::None) {
    CUDNN_CHECK(api.cudnnActivationBackward(c.cudnn, ActivationDesc(act), &kOne, p.y, y, p.y, dy, p.y, y, &kZero, p.y,
                                            activationGrad.data));
    dz = static_cast<const float*>(activationGrad.data);
  }
  // The searches read w, x and dz and write only into dx and dw, which this call overwrites after.
  if (dx) {
    Choice& d = p.dir[kBackwardData];
    ChooseOnce<cudnnConvolutionBwdDataAlgoPerf_t, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT>(
        p, kBackwardData,
        [&](int max, int* count, cudnnConvolutionBwdDataAlgoPerf_t* r) {
          return api.cudnnGetConvolutionBackwardDataAlgorithm_v7(c.cudnn, p.w, p.y, d.conv, p.x, max, count, r);
        },
        [&](int max, int* count, cudnnConvolutionBwdDataAlgoPerf_t* r, void* ws, size_t bytes) {
          return api.cudnnFindConvolutionBackwardDataAlgorithmEx(c.cudnn, p.w, w, p.y, dz, d.conv, p.x, dx, max, count,
                                                                  r, ws, bytes);
        },
        [&](cudnnConvolutionBwdDataAlgo_t algo, size_t* bytes) {
          return api.cudnnGetConvolutionBackwardDataWorkspaceSize(c.cudnn, p.w, p.y, d.conv, p.x, algo, bytes);
        });
    Scratch workspace(d.bytes);
    CUDNN_CHECK(api.cudnnConvolutionBackwardData(c.cudnn, &kOne, p.w, w, p.y, dz, d.conv,
                                                 static_cast<cudnnConvolutionBwdDataAlgo_t>(d.algo), workspace.data,
                                                 workspace.bytes, &kZero, p.x, dx));
  }
  Choice& f = p.dir[kBackwardFilter];
  ChooseOnce<cudnnConvolutionBwdFilterAlgoPerf_t, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT>(
      p, kBackwardFilter,
      [&](int max, int* count, cudnnConvolutionBwdFilterAlgoPerf_t* r) {
        return api.cudnnGetConvolutionBackwardFilterAlgorithm_v7(c.cudnn, p.x, p.y, f.conv, p.w, max, count, r);
      },
      [&](int max, int* count, cudnnConvolutionBwdFilterAlgoPerf_t* r, void* ws, size_t bytes) {
        return api.cudnnFindConvolutionBackwardFilterAlgorithmEx(c.cudnn, p.x, x, p.y, dz, f.conv, p.w, dw, max, count,
                                                                  r, ws, bytes);
      },
      [&](cudnnConvolutionBwdFilterAlgo_t algo, size_t* bytes) {
        return api.cudnnGetConvolutionBackwardFilterWorkspaceSize(c.cudnn, p.x, p.y, f.conv, p.w, algo, bytes);
      });
  Scratch workspace(f.bytes);
  CUDNN_CHECK(api.cudnnConvolutionBackwardFilter(c.cudnn, &kOne, p.x, x, p.y, dz, f.conv,
                                                 static_cast<cudnnConvolutionBwdFilterAlgo_t>(f.algo),
                                                 workspace.data, workspace.bytes, &kZero, p.w, dw));
  // A per-channel reduction without atomics: deterministic (not among cuDNN's listed exceptions).
  if (db) CUDNN_CHECK(api.cudnnConvolutionBackwardBias(c.cudnn, &kOne, p.y, dz, &kZero, p.bias, db));
}

std::vector<ConvAlgorithmChoice> ConvolutionAlgorithms() {
  std::vector<const ConvPlan*> plans;
  Plans().ForEach([&](const ConvPlan& p) { plans.push_back(&p); });
  std::sort(plans.begin(), plans.end(), [](const ConvPlan* a, const ConvPlan* b) { return a->serial < b->serial; });
  std::vector<ConvAlgorithmChoice> out;
  for (const ConvPlan* p : plans) {
    const ConvShape& s = p->shape;
    for (int d = kForward; d <= kBackwardFilter; ++d) {
      const Choice& c = p->dir[d];
      if (c.algo < 0) continue;
      ConvAlgorithmChoice r;
      r.shape = std::to_string(s.n) + "," + std::to_string(s.c) + "," + std::to_string(s.h) + "," +
                std::to_string(s.w) + "->" + std::to_string(s.o) + "," + std::to_string(s.kh) + "," +
                std::to_string(s.kw) + " s" + std::to_string(s.sh) + "," + std::to_string(s.sw) + " p" +
                std::to_string(s.ph) + "," + std::to_string(s.pw) +
                (s.dilh != 1 || s.dilw != 1 ? " d" + std::to_string(s.dilh) + "," + std::to_string(s.dilw) : "") +
                (s.groups != 1 ? " g" + std::to_string(s.groups) : "");
      r.direction = kDirectionNames[d];
      r.algo = AlgoName(d, c.algo);
      r.mathType = MathTypeName(c.mathType);
      // Read back from the descriptor: what the algorithm actually runs with.
      cudnnMathType_t set = CUDNN_DEFAULT_MATH;
      CUDNN_CHECK(Ctx().libs->cudnn.cudnnGetConvolutionMathType(c.conv, &set));
      r.descriptorMathType = MathTypeName(set);
      r.workspaceBytes = c.bytes;
      r.deterministic = c.deterministic;
      r.timeMs = c.timed ? c.timeMs : -1;
      r.precision = p->tf32 ? "tf32" : "fp32";
      r.deterministicMode = p->deterministic;
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace nc::cuda
