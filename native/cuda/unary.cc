// Unary ops, clip and where on our kernels (unary.cu, where.cu), queued on the context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/unary_kernels.h"

namespace nc::cuda {

void Unary(UnaryOp op, int64_t n, const float* x, float* y) { LaunchUnary(Ctx().stream, op, n, x, y); }
void UnaryBackward(UnaryOp op, int64_t n, const float* x, const float* y, const float* dy, float* dx) {
  LaunchUnaryBackward(Ctx().stream, op, n, x, y, dy, dx);
}
void Clip(int64_t n, const float* x, float* y, float lo, float hi) { LaunchClip(Ctx().stream, n, x, y, lo, hi); }
void ClipBackward(int64_t n, const float* x, const float* dy, float* dx, float lo, float hi) {
  LaunchClipBackward(Ctx().stream, n, x, dy, dx, lo, hi);
}
void Where(const WhereShape& s, const float* cond, const float* a, const float* b, float* y) {
  LaunchWhere(Ctx().stream, s, cond, a, b, y);
}
void WhereBackward(const WhereShape& s, const float* cond, const float* dy, float* da, float* db) {
  LaunchWhereBackward(Ctx().stream, s, cond, dy, da, db);
}

}  // namespace nc::cuda
