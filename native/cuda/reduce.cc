// Reductions over axes on our kernels (reduce.cu), queued on the context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/reduce.h"

namespace nc::cuda {

void Reduce(ReduceOp op, const AxisShape& s, const float* x, float* y, float* indices) {
  LaunchReduce(Ctx().stream, op, s, x, y, indices);
}

void ReduceBackward(ReduceOp op, const AxisShape& s, const float* dy, const float* indices, float* dx) {
  LaunchReduceBackward(Ctx().stream, op, s, dy, indices, dx);
}

}  // namespace nc::cuda
