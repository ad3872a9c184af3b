// Softmax cross-entropy, accuracy counts and label checks on our kernels (loss.cu), queued on the
// context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/loss.h"
#include "cuda/scratch.h"

namespace nc::cuda {

namespace {
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
  LaunchSoftmaxCrossEntropy(Ctx().stream, n, c, logits, labels, loss);
}

void SoftmaxCrossEntropyBackward(int64_t n, int64_t c, const float* logits, const float* labels, const float* dloss,
                                 float* dlogits) {
  LaunchSoftmaxCrossEntropyBackward(Ctx().stream, n, c, logits, labels, dloss, dlogits);
}

int64_t CountCorrect(int64_t n, int64_t c, int64_t k, const float* logits, const float* labels) {
  return static_cast<int64_t>(ReadScalar<unsigned long long>(
      [&](unsigned long long* count) { LaunchCountCorrect(Ctx().stream, n, c, k, logits, labels, count); }));
}

void AccumulateCorrect(int64_t n, int64_t c, int64_t k, const float* logits, const float* labels, float* total) {
  Scratch count(sizeof(unsigned long long));
  auto* counter = static_cast<unsigned long long*>(count.data);
  LaunchCountCorrect(Ctx().stream, n, c, k, logits, labels, counter);
  LaunchAddCount(Ctx().stream, counter, total);
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
    CUDA_CHECK(cudaMemsetAsync(recorded.device, 0xff, sizeof(long long), Ctx().stream));
  }
  LaunchFindBadLabel(Ctx().stream, n, c, labels, recorded.device, /*reset=*/false);
}

int64_t TakeRecordedBadLabel() {
  if (!recorded.device) return -1;
  long long bad = -1;
  Download(&bad, recorded.device, sizeof bad);
  if (bad >= 0) CUDA_CHECK(cudaMemsetAsync(recorded.device, 0xff, sizeof(long long), Ctx().stream));
  return bad;
}

}  // namespace nc::cuda
