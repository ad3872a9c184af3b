// Softmax and log-softmax along an axis on our kernels (softmax.cu), queued on the context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/softmax.h"

namespace nc::cuda {

void SoftmaxForward(const AxisShape& s, bool log, const float* x, float* y) {
  LaunchSoftmaxForward(Ctx().stream, s, log, x, y);
}

void SoftmaxBackward(const AxisShape& s, bool log, const float* y, const float* dy, float* dx) {
  LaunchSoftmaxBackward(Ctx().stream, s, log, y, dy, dx);
}

}  // namespace nc::cuda
