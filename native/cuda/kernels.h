// Custom CUDA kernels, for what cuDNN and cuBLAS lack. Each launcher queues its kernel on `stream`
// and checks the launch (throws nc::cuda::CudaError); none synchronises unless it says so.
// Pointers are device pointers unless named host*.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "shapes.h"

namespace nc::cuda {

// y[i] = value
void LaunchFillConstant(cudaStream_t stream, int64_t n, float* y, float value);
// y[i] = low + (high - low) * UniformAt(seed, i) — the CPU backend's numbers exactly (random.h).
void LaunchFillUniform(cudaStream_t stream, int64_t n, float* y, float low, float high, uint64_t seed);
// y[i] = mean + std * NormalAt(seed, i)
void LaunchFillNormal(cudaStream_t stream, int64_t n, float* y, float mean, float std, uint64_t seed);
// mask[i] = UniformAt(seed, i) >= p ? 1/(1-p) : 0; y[i] = x[i] * mask[i]
void LaunchDropoutForward(cudaStream_t stream, int64_t n, const float* x, float* y, float* mask, float p,
                          uint64_t seed);
// y = a*x + b*y (b == 0: y is only written, so garbage or NaN in y does not matter)
void LaunchAxpby(cudaStream_t stream, int64_t n, const float* x, float* y, float a, float b);
// y = x1 * x2
void LaunchMultiply(cudaStream_t stream, int64_t n, const float* x1, const float* x2, float* y);
// *out = Σ x, or Σ x² with `squares` (+ *out with `accumulate`): one float in device memory,
// summed in double in an order that depends on n alone.
void LaunchSum(cudaStream_t stream, int64_t n, const float* x, float* out, bool squares, bool accumulate);
// dst[i] = src[i] * scale (src: bytes in device memory)
void LaunchBytesToFloat(cudaStream_t stream, int64_t n, const uint8_t* src, float* dst, float scale);
// loss[r] = logsumexp(logits[r, :]) - logits[r, labels[r]]   (logits (N,C), labels (N) as floats)
void LaunchSoftmaxCrossEntropy(cudaStream_t stream, int64_t n, int64_t c, const float* logits, const float* labels,
                               float* loss);
// dlogits[r, j] = dloss[r] * (softmax(logits[r])[j] - [j == labels[r]])
void LaunchSoftmaxCrossEntropyBackward(cudaStream_t stream, int64_t n, int64_t c, const float* logits,
                                       const float* labels, const float* dloss, float* dlogits);
// *count (device int64, zeroed here first) = rows whose first arg-max equals the label
void LaunchCountCorrect(cudaStream_t stream, int64_t n, int64_t c, const float* logits, const float* labels,
                        unsigned long long* count);
// total[0] += *count (a float running count on the device; exact below 2^24)
void LaunchAddCount(cudaStream_t stream, const unsigned long long* count, float* total);
// *badIndex (device int64) = smallest r whose label is not an integer in [0, c), or -1. With `reset`
// false it keeps the smallest over several calls (start it at -1, all bits set).
void LaunchFindBadLabel(cudaStream_t stream, int64_t n, int64_t c, const float* labels, long long* badIndex,
                        bool reset);
// Resampling and colour jitter for the data pipeline, as cpu/image.cc.
void LaunchAffineSample(cudaStream_t stream, const ImageShape& s, const float* x, const float* matrices,
                        bool clampEdges, float* y);
void LaunchColorJitter(cudaStream_t stream, int64_t n, int64_t size, const float* x, const float* brightness,
                       const float* contrast, float* y);

}  // namespace nc::cuda
