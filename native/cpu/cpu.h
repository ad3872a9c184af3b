// The CPU backend: the same operations as every other backend, on host pointers.
// Inputs are already checked by the binding layer; these functions trust their arguments.
#pragma once
#include <cstddef>
#include <cstdint>

#include "shapes.h"
#include "optim.h"
#include "arithmetic.h"

namespace nc::cpu {

const char* EngineName();
int Threads();

// conv.cc — oneDNN convolution, bias and activation fused into the forward.
void Conv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y, Activation act);
// The whole backward of Conv2dForward: the activation's derivative (from the output y), then dx
// (when not null), dw and db (when not null).
void Conv2dBackward(const ConvShape& s, const float* x, const float* w, const float* y, const float* dy,
                    Activation act, float* dx, float* dw, float* db);

// conv_narrow.cc — direct kernels for a narrow receptive field (C·KH·KW ≤ 32), used by conv.cc.
bool IsNarrowConv(const ConvShape& s);
void NarrowConv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y);
// dw, db from x and dy; with an activation, dy is first multiplied by its derivative at y (fused).
void NarrowConv2dBackwardWeights(const ConvShape& s, const float* x, const float* y, const float* dy, Activation act,
                                 float* dw, float* db);

// pool.cc — pooling loops; max pooling in training keeps a workspace of argmax positions.
size_t MaxPoolWorkspaceBytes(const PoolShape& s);
void Pool2dForward(const PoolShape& s, bool isMax, const float* x, float* y, void* workspace);
void Pool2dBackward(const PoolShape& s, bool isMax, const float* dy, float* dx, const void* workspace);

// eltwise.cc — activations; the backward uses the forward's output.
void ActivationForward(Activation act, int64_t n, const float* x, float* y);
void ActivationBackward(Activation act, int64_t n, const float* y, const float* dy, float* dx);
// Leaky relu (negative slope alpha), ELU (alpha) and exact GELU; their backward uses the input x.
void InputActivationForward(Activation act, float alpha, int64_t n, const float* x, float* y);
void InputActivationBackward(Activation act, float alpha, int64_t n, const float* x, const float* dy, float* dx);

// batchnorm.cc — oneDNN batch normalization (see the file for the running-statistics conventions).
void BatchNormForward(const BatchNormShape& s, const float* x, const float* gamma, const float* beta,
                      float* runningMean, float* runningVar, float* y, float* saveMean, float* saveInvStd,
                      bool training, double momentum, double epsilon);
void BatchNormBackward(const BatchNormShape& s, const float* x, const float* gamma, const float* dy,
                       const float* saveMean, const float* saveInvStd, bool training, double epsilon, float* dx,
                       float* dgamma, float* dbeta);

// dense.cc — oneDNN inner product with bias and activation fused.
void DenseForward(const DenseShape& s, const float* x, const float* w, const float* b, float* y, Activation act);
void DenseBackward(const DenseShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                   float* db);

// loss.cc — softmax cross-entropy per example, its gradient, and accuracy counting.
void SoftmaxCrossEntropy(int64_t n, int64_t c, const float* logits, const float* labels, float* loss);
void SoftmaxCrossEntropyBackward(int64_t n, int64_t c, const float* logits, const float* labels,
                                 const float* dloss, float* dlogits);
int64_t CountCorrect(int64_t n, int64_t c, const float* logits, const float* labels);
// total[0] += CountCorrect(...): the same running count as the GPU keeps on the device.
void AccumulateCorrect(int64_t n, int64_t c, const float* logits, const float* labels, float* total);

// image.cc — resampling (resize, flips, crops, rotations) and colour jitter for the data pipeline.
void AffineSample(const ImageShape& s, const float* x, const float* matrices, bool clampEdges, float* y);
void ColorJitter(int64_t n, int64_t size, const float* x, const float* brightness, const float* contrast, float* y);

// elementwise.cc — fills, random numbers, dropout, arithmetic and the SGD update (OpenMP loops).
void FillConstant(int64_t n, float* y, float value);
void FillUniform(int64_t n, float* y, float low, float high, uint64_t seed);
void FillNormal(int64_t n, float* y, float mean, float std, uint64_t seed);
void DropoutForward(int64_t n, const float* x, float* y, float* mask, float p, uint64_t seed);
void Axpby(int64_t n, const float* x, float* y, float a, float b);
void Multiply(int64_t n, const float* x1, const float* x2, float* y);
void Sum(int64_t n, const float* x, float* out);  // out[0] = Σ x
void BytesToFloat(int64_t n, const uint8_t* src, float* dst, float scale);

// optim.cc — the fused optimizer update (rules in optim.h) and Σ x² for gradient clipping.
void OptimizerUpdate(const OptimizerStep& h, int64_t n, float* w, const float* g, float* s1, float* s2, float* s3,
                     const float* normSq);
void SumSquares(int64_t n, const float* x, float* out, bool accumulate);  // out[0] = Σ x² (+ out[0])

// arithmetic.cc — NumPy-broadcast binary ops (arithmetic.h) and the sum back to an operand's shape.
void Binary(BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y);
void SumTo(const SumToShape& s, const float* x, float* y);

}  // namespace nc::cpu
