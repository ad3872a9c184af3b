// Custom kernels for the softmax cross-entropy family and accuracy counts (loss.cu), as cpu/loss.cc.
// Pointers are device pointers; each launcher queues its kernel on `stream` and checks the launch
// (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace nc::cuda {

// loss[r] = logsumexp(logits[r, :]) - logits[r, labels[r]]   (logits (N,C), labels (N) as floats)
void LaunchSoftmaxCrossEntropy(cudaStream_t stream, int64_t n, int64_t c, const float* logits, const float* labels,
                               float* loss);
// dlogits[r, j] = dloss[r] * (softmax(logits[r])[j] - [j == labels[r]])
void LaunchSoftmaxCrossEntropyBackward(cudaStream_t stream, int64_t n, int64_t c, const float* logits,
                                       const float* labels, const float* dloss, float* dlogits);
// *count (device int64, zeroed here first) = rows whose first arg-max equals the label
void LaunchCountCorrect(cudaStream_t stream, int64_t n, int64_t c, int64_t k, const float* logits,
                        const float* labels, unsigned long long* count);
// total[0] += *count (a float running count on the device; exact below 2^24)
void LaunchAddCount(cudaStream_t stream, const unsigned long long* count, float* total);
// *badIndex (device int64) = smallest r whose label is not an integer in [0, c), or -1. With `reset`
// false it keeps the smallest over several calls (start it at -1, all bits set).
void LaunchFindBadLabel(cudaStream_t stream, int64_t n, int64_t c, const float* labels, long long* badIndex,
                        bool reset);

}  // namespace nc::cuda
