// The softmax cross-entropy family (see loss.h): loss, gradient, accuracy counts and the label check,
// one warp per row. They follow cpu/loss.cc (log-sum-exp in double, the first arg-max) and differ
// from it only in summation order.
#include <climits>
#include <cmath>

#include "cuda/check.h"
#include "cuda/grid.h"
#include "cuda/loss.h"

namespace nc::cuda {

namespace {

// ------------------------------------------------------------------------------------------------
// kernels

constexpr int kWarpsPerBlock = kBlock / 32;  // one warp per row

__device__ float WarpMax(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(kFullMask, v, offset));
  return v;
}

// Row kernels: warp w of block b takes rows b*kWarpsPerBlock + w, then strides by the grid's warps.
// The row index is warp-uniform, so full-mask shuffles inside the loop are safe.
#define ROW_LOOP(r, n)                                                                                        \
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32; r < (n);            \
       r += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock)

// As cpu/loss.cc's LogSumExp: m = row max; log Σ exp(double(row[j] - m)) + m, in double.
__device__ double RowLogSumExp(const float* row, int64_t c, int lane) {
  float m = -INFINITY;
  for (int64_t j = lane; j < c; j += 32) m = fmaxf(m, row[j]);
  m = WarpMax(m);
  double s = 0.0;
  for (int64_t j = lane; j < c; j += 32) s += ::exp(static_cast<double>(row[j] - m));
  return ::log(WarpSum(s)) + m;
}

// The label as an index, or -1 if it is none (the caller validates; this only keeps reads in bounds).
__device__ int64_t LabelIndex(float label, int64_t c) {
  return label >= 0.0f && label < static_cast<float>(c) ? static_cast<int64_t>(label) : -1;
}

__global__ void SoftmaxCrossEntropyKernel(int64_t n, int64_t c, const float* logits, const float* labels,
                                          float* loss) {
  const int lane = threadIdx.x % 32;
  ROW_LOOP(r, n) {
    const float* row = logits + r * c;
    const double lse = RowLogSumExp(row, c, lane);
    const int64_t label = LabelIndex(labels[r], c);
    if (lane == 0) loss[r] = label < 0 ? NAN : static_cast<float>(lse - row[label]);
  }
}

__global__ void SoftmaxCrossEntropyBackwardKernel(int64_t n, int64_t c, const float* logits, const float* labels,
                                                  const float* dloss, float* dlogits) {
  const int lane = threadIdx.x % 32;
  ROW_LOOP(r, n) {
    const float* row = logits + r * c;
    float* out = dlogits + r * c;
    const double lse = RowLogSumExp(row, c, lane);
    const int64_t label = LabelIndex(labels[r], c);
    const double d = dloss[r];
    for (int64_t j = lane; j < c; j += 32) {
      const double p = ::exp(static_cast<double>(row[j]) - lse);
      out[j] = static_cast<float>(d * (p - (j == label ? 1.0 : 0.0)));
    }
  }
}

// The CPU's scan `best = row[j] > row[best] ? j : best` picks the first maximum, skips NaNs, and
// sticks at 0 when row[0] is NaN. Each lane scans its columns the same way, then the lanes merge
// (value, index) pairs: larger value wins, ties go to the smaller index, -1 means "no candidate".
// Top k > 1 (see backend.h): each lane counts the scores that beat the label's in its columns, and
// the lanes add their counts.
// A bad label (-1) is never correct. Every lane of the warp must call it (shuffles).
__device__ bool InTopK(const float* row, int64_t c, int64_t k, int64_t label, int lane) {
  if (label < 0) return false;
  const float mine = row[label];
  long long beaten = 0;
  for (int64_t j = lane; j < c; j += 32) beaten += row[j] > mine || (row[j] == mine && j < label);
  for (int offset = 16; offset > 0; offset >>= 1) beaten += __shfl_xor_sync(kFullMask, beaten, offset);
  return !isnan(mine) && beaten < k;
}

__global__ void CountCorrectKernel(int64_t n, int64_t c, int64_t k, const float* logits, const float* labels,
                                   unsigned long long* count) {
  const int lane = threadIdx.x % 32;
  unsigned long long correct = 0;
  ROW_LOOP(r, n) {
    const float* row = logits + r * c;
    if (k > 1) {
      const bool in = InTopK(row, c, k, LabelIndex(labels[r], c), lane);
      correct += lane == 0 && in;
      continue;
    }
    float bestValue = 0.0f;
    long long best = -1;
    for (int64_t j = lane; j < c; j += 32) {
      const float v = row[j];
      if (!isnan(v) && (best < 0 || v > bestValue)) bestValue = v, best = j;
    }
    for (int offset = 16; offset > 0; offset >>= 1) {
      const float otherValue = __shfl_xor_sync(kFullMask, bestValue, offset);
      const long long other = __shfl_xor_sync(kFullMask, best, offset);
      if (other >= 0 && (best < 0 || otherValue > bestValue || (otherValue == bestValue && other < best))) {
        bestValue = otherValue, best = other;
      }
    }
    if (isnan(row[0])) best = 0;  // also covers an all-NaN row (best == -1)
    correct += lane == 0 && best == LabelIndex(labels[r], c);
  }
  if (correct > 0) atomicAdd(count, correct);  // one atomic per warp at most
}

// *badIndex starts at all ones: -1 as signed, ULLONG_MAX as unsigned, so an unsigned atomicMin of
// any real index replaces it and "none found" reads back as -1 with no extra pass.
__global__ void FindBadLabelKernel(int64_t n, float classes, const float* labels, unsigned long long* badIndex) {
  unsigned long long first = ULLONG_MAX;
  GRID_STRIDE_LOOP(i, n) {
    const float v = labels[i];
    if (!(v >= 0.0f && v < classes && floorf(v) == v)) {  // as ops/loss.cc; NaN is bad
      first = static_cast<unsigned long long>(i);
      break;  // later indices of this thread are larger
    }
  }
  for (int offset = 16; offset > 0; offset >>= 1) {
    const unsigned long long other = __shfl_xor_sync(kFullMask, first, offset);
    first = other < first ? other : first;
  }
  if (threadIdx.x % 32 == 0 && first != ULLONG_MAX) atomicMin(badIndex, first);
}

// total[0] += count[0]: a running accuracy count kept on the device (exact below 2^24).
__global__ void AddCountKernel(const unsigned long long* count, float* total) {
  total[0] += static_cast<float>(count[0]);
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

void LaunchSoftmaxCrossEntropy(cudaStream_t stream, int64_t n, int64_t c, const float* logits, const float* labels,
                               float* loss) {
  if (n == 0 || c == 0) return;  // c == 0 with n > 0 cannot pass label validation
  NC_LAUNCH(SoftmaxCrossEntropyKernel, GridFor(n, kWarpsPerBlock), kBlock, stream)(n, c, logits, labels, loss);
  CUDA_CHECK_LAUNCH(SoftmaxCrossEntropyKernel);
}

void LaunchSoftmaxCrossEntropyBackward(cudaStream_t stream, int64_t n, int64_t c, const float* logits,
                                       const float* labels, const float* dloss, float* dlogits) {
  if (n == 0 || c == 0) return;
  NC_LAUNCH(SoftmaxCrossEntropyBackwardKernel, GridFor(n, kWarpsPerBlock), kBlock, stream)(n, c, logits, labels,
                                                                                           dloss, dlogits);
  CUDA_CHECK_LAUNCH(SoftmaxCrossEntropyBackwardKernel);
}

void LaunchCountCorrect(cudaStream_t stream, int64_t n, int64_t c, int64_t k, const float* logits,
                        const float* labels, unsigned long long* count) {
  CUDA_CHECK(cudaMemsetAsync(count, 0, sizeof(*count), stream));
  if (n == 0 || c == 0) return;
  NC_LAUNCH(CountCorrectKernel, GridFor(n, kWarpsPerBlock), kBlock, stream)(n, c, k, logits, labels, count);
  CUDA_CHECK_LAUNCH(CountCorrectKernel);
}

void LaunchFindBadLabel(cudaStream_t stream, int64_t n, int64_t c, const float* labels, long long* badIndex,
                        bool reset) {
  if (reset) CUDA_CHECK(cudaMemsetAsync(badIndex, 0xff, sizeof(*badIndex), stream));  // -1: none found (yet)
  if (n == 0) return;
  // static_cast<float>(c), as ops/loss.cc compares; unsigned view of the same 8 bytes for atomicMin.
  NC_LAUNCH(FindBadLabelKernel, GridFor(n, kBlock), kBlock, stream)(
      n, static_cast<float>(c), labels, reinterpret_cast<unsigned long long*>(badIndex));
  CUDA_CHECK_LAUNCH(FindBadLabelKernel);
}

void LaunchAddCount(cudaStream_t stream, const unsigned long long* count, float* total) {
  NC_LAUNCH(AddCountKernel, 1, 1, stream)(count, total);
  CUDA_CHECK_LAUNCH(AddCountKernel);
}

}  // namespace nc::cuda
