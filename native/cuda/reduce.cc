// Reductions and softmax along an axis on our kernels (reduce.cu, softmax.cu), queued on the
// context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/reduce.h"
#include "cuda/softmax.h"

namespace nc::cuda {

void Reduce(ReduceOp op, const AxisShape& s, const float* x, float* y, float* indices) {
  LaunchReduce(Ctx().stream, op, s, x, y, indices);
}

void ReduceBackward(ReduceOp op, const AxisShape& s, const float* dy, const float* indices, float* dx) {
  LaunchReduceBackward(Ctx().stream, op, s, dy, indices, dx);
}

void SoftmaxForward(const AxisShape& s, bool log, const float* x, float* y) {
  LaunchSoftmaxForward(Ctx().stream, s, log, x, y);
}

void SoftmaxBackward(const AxisShape& s, bool log, const float* y, const float* dy, float* dx) {
  LaunchSoftmaxBackward(Ctx().stream, s, log, y, dy, dx);
}

}  // namespace nc::cuda
