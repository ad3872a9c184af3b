// Axpby, multiply, sum and broadcast arithmetic on our kernels (elementwise.cu, arithmetic.cu), queued
// on the context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/elementwise.h"

namespace nc::cuda {

void Axpby(int64_t n, const float* x, float* y, float a, float b) { LaunchAxpby(Ctx().stream, n, x, y, a, b); }
void Multiply(int64_t n, const float* x1, const float* x2, float* y) { LaunchMultiply(Ctx().stream, n, x1, x2, y); }
void Sum(int64_t n, const float* x, float* out) { LaunchSum(Ctx().stream, n, x, out, /*squares=*/false, /*accumulate=*/false); }
void Binary(BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y) {
  LaunchBinary(Ctx().stream, op, s, a, b, y);
}
void BinaryBackward(BinaryOp op, const Broadcast& s, const float* a, const float* b, const float* dy, float* da,
                    float* db) {
  LaunchBinaryBackward(Ctx().stream, op, s, a, b, dy, da, db);
}
void SumTo(const SumToShape& s, const float* x, float* y) { LaunchSumTo(Ctx().stream, s, x, y); }

}  // namespace nc::cuda
