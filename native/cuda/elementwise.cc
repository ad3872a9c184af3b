// The CPU backend's loops, as custom kernels (kernels.cu) queued on the context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/kernels.h"
#include "cuda/scratch.h"

namespace nc::cuda {

namespace {
cudaStream_t Stream() { return Ctx().stream; }

// Runs `launch` with a device scalar of type T and returns its value (synchronises).
template <typename T, typename Launch>
T ReadScalar(Launch launch) {
  Scratch device(sizeof(T));
  T host{};
  launch(static_cast<T*>(device.data));
  Download(&host, device.data, sizeof(T));
  return host;
}
}  // namespace

void SoftmaxCrossEntropy(int64_t n, int64_t c, const float* logits, const float* labels, float* loss) {
  LaunchSoftmaxCrossEntropy(Stream(), n, c, logits, labels, loss);
}

void SoftmaxCrossEntropyBackward(int64_t n, int64_t c, const float* logits, const float* labels, const float* dloss,
                                 float* dlogits) {
  LaunchSoftmaxCrossEntropyBackward(Stream(), n, c, logits, labels, dloss, dlogits);
}

int64_t CountCorrect(int64_t n, int64_t c, const float* logits, const float* labels) {
  return static_cast<int64_t>(ReadScalar<unsigned long long>(
      [&](unsigned long long* count) { LaunchCountCorrect(Stream(), n, c, logits, labels, count); }));
}

void AccumulateCorrect(int64_t n, int64_t c, const float* logits, const float* labels, float* total) {
  Scratch count(sizeof(unsigned long long));
  auto* counter = static_cast<unsigned long long*>(count.data);
  LaunchCountCorrect(Stream(), n, c, logits, labels, counter);
  LaunchAddCount(Stream(), counter, total);
}

namespace {
// The first bad label found by checks that did not wait for the GPU; all bits set means none. One per
// thread, that is per JS environment: a worker's bad label is reported to that worker's next read.
// Freed when the thread ends (cudaFree waits for the GPU; a thread's end is rare).
struct BadLabelSlot {
  long long* device = nullptr;
  ~BadLabelSlot() {
    if (device && cudaFree(device) != cudaSuccess) cudaGetLastError();
  }
};
thread_local BadLabelSlot recorded;
}  // namespace

void RecordBadLabels(int64_t n, int64_t c, const float* labels) {
  if (!recorded.device) {
    CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&recorded.device), sizeof(long long)));
    CUDA_CHECK(cudaMemsetAsync(recorded.device, 0xff, sizeof(long long), Stream()));
  }
  LaunchFindBadLabel(Stream(), n, c, labels, recorded.device, /*reset=*/false);
}

int64_t TakeRecordedBadLabel() {
  if (!recorded.device) return -1;
  long long bad = -1;
  Download(&bad, recorded.device, sizeof bad);
  if (bad >= 0) CUDA_CHECK(cudaMemsetAsync(recorded.device, 0xff, sizeof(long long), Stream()));
  return bad;
}

void FillConstant(int64_t n, float* y, float value) { LaunchFillConstant(Stream(), n, y, value); }
void FillUniform(int64_t n, float* y, float low, float high, uint64_t seed) {
  LaunchFillUniform(Stream(), n, y, low, high, seed);
}
void FillNormal(int64_t n, float* y, float mean, float std, uint64_t seed) {
  LaunchFillNormal(Stream(), n, y, mean, std, seed);
}
void DropoutForward(int64_t n, const float* x, float* y, float* mask, float p, uint64_t seed) {
  LaunchDropoutForward(Stream(), n, x, y, mask, p, seed);
}
void Axpby(int64_t n, const float* x, float* y, float a, float b) { LaunchAxpby(Stream(), n, x, y, a, b); }
void Multiply(int64_t n, const float* x1, const float* x2, float* y) { LaunchMultiply(Stream(), n, x1, x2, y); }
void Sum(int64_t n, const float* x, float* out) { LaunchSum(Stream(), n, x, out, /*squares=*/false, /*accumulate=*/false); }
void AffineSample(const ImageShape& s, const float* x, const float* matrices, bool clampEdges, float* y) {
  LaunchAffineSample(Stream(), s, x, matrices, clampEdges, y);
}
void ColorJitter(int64_t n, int64_t size, const float* x, const float* brightness, const float* contrast, float* y) {
  LaunchColorJitter(Stream(), n, size, x, brightness, contrast, y);
}

}  // namespace nc::cuda
