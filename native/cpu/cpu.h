// The CPU backend: oneDNN, and OpenMP loops for what oneDNN lacks, on host pointers. Inputs are
// already checked by the entry points; these functions trust their arguments.
#pragma once
#include <cstddef>
#include <cstdint>

#include "shapes.h"
#include "optim.h"
#include "arithmetic.h"
#include "unary.h"
#include "where.h"
#include "matmul.h"
#include "reducers.h"
#include "strided_copy.h"

namespace nc::cpu {

const char* EngineName();
int Threads();
// Creates the calling thread's OpenMP team, once per thread, with asynchronous signals blocked for
// good: oneDNN's JIT GEMM may run with rsp in the heap, where a signal frame corrupts it
// (dnnl_context.cc). addon.cc calls it before any work of a thread.
void QuietThreadTeam();

// Every backend's operations (backend.h): conv.cc, pool.cc, activation.cc, batchnorm.cc, dense.cc,
// loss.cc, image.cc, fill.cc, elementwise.cc, optim.cc.
#include "backend.h"

// conv_narrow.cc — direct kernels for a narrow receptive field (C·KH·KW ≤ 32), used by conv.cc.
bool IsNarrowConv(const ConvShape& s);
void NarrowConv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y);
// dw, db from x and dy; with an activation, dy is first multiplied by its derivative at y (fused).
void NarrowConv2dBackwardWeights(const ConvShape& s, const float* x, const float* y, const float* dy, Activation act,
                                 float* dw, float* db);

// elementwise.cc — dst[i] = src[i] * scale: image bytes to floats (ToTensor's 1/255).
void BytesToFloat(int64_t n, const uint8_t* src, float* dst, float scale);

}  // namespace nc::cpu
