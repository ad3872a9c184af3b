// The addon's exports, one line each: X(jsName, Handler, argumentCount). ops.h declares the handlers
// from it and addon.cc exports them, checking the argument count before a handler runs. The handler
// lives in ops/<file>.cc, as the group comments say.
#pragma once

#define NC_OPS(X)                              \
  /* memory.cc */                              \
  X(alloc, Alloc, 2)                           \
  X(upload, Upload, 2)                         \
  X(uploadBytes, UploadBytes, 3)               \
  X(download, Download, 2)                     \
  X(memoryInfo, MemoryInfo, 1)                 \
  X(tensorLayout, TensorLayout, 1)             \
  X(emptyCache, EmptyCache, 2)                 \
  X(backendInfo, BackendInfo, 0)               \
  X(setGpuPrecision, SetGpuPrecision, 1)       \
  /* cudnn.cc */                               \
  X(setDeterministic, SetDeterministic, 1)     \
  X(convolutionAlgorithms, ConvolutionAlgorithms, 0) \
  /* elementwise.cc */                         \
  X(fillConstant, FillConstant, 2)             \
  X(fillUniform, FillUniform, 4)               \
  X(fillNormal, FillNormal, 4)                 \
  X(axpby, Axpby, 4)                           \
  X(multiply, Multiply, 3)                     \
  X(sum, Sum, 2)                               \
  /* arithmetic.cc */                          \
  X(binary, Binary, 4)                         \
  X(binaryBackward, BinaryBackward, 6)         \
  X(sumTo, SumTo, 2)                           \
  /* conv.cc */                                \
  X(conv2dForward, Conv2dForward, 9)           \
  X(conv2dBackward, Conv2dBackward, 12)        \
  /* pool.cc */                                \
  X(pool2dForward, Pool2dForward, 9)           \
  X(pool2dBackward, Pool2dBackward, 11)        \
  /* activation.cc */                          \
  X(activationForward, ActivationForward, 4)   \
  X(activationBackward, ActivationBackward, 6) \
  /* batchnorm.cc */                           \
  X(batchNormForward, BatchNormForward, 11)    \
  X(batchNormBackward, BatchNormBackward, 10)  \
  /* dense.cc */                               \
  X(denseForward, DenseForward, 5)             \
  X(denseBackward, DenseBackward, 6)           \
  /* loss.cc */                                \
  X(softmaxCrossEntropy, SoftmaxCrossEntropy, 3) \
  X(softmaxCrossEntropyBackward, SoftmaxCrossEntropyBackward, 4) \
  X(countCorrect, CountCorrect, 3)             \
  X(accumulateCorrect, AccumulateCorrect, 4)   \
  /* elementwise.cc */                         \
  X(dropoutForward, DropoutForward, 5)         \
  /* optim.cc */                               \
  X(optimizerUpdate, OptimizerUpdate, 8)       \
  X(sumSquares, SumSquares, 3)                 \
  /* image.cc */                               \
  X(affineSample, AffineSample, 4)             \
  X(colorJitter, ColorJitter, 4)               \
  /* unary.cc */                               \
  X(unary, Unary, 3)                           \
  X(unaryBackward, UnaryBackward, 5)           \
  X(clip, Clip, 4)                             \
  X(clipBackward, ClipBackward, 5)             \
  /* where.cc */                               \
  X(where, Where, 4)                           \
  X(whereBackward, WhereBackward, 4)           \
  /* matmul.cc */                              \
  X(matmul, Matmul, 5)                         \
  /* reduce.cc */                              \
  X(reduce, Reduce, 6)                         \
  X(reduceBackward, ReduceBackward, 6)         \
  /* softmax.cc */                             \
  X(softmaxForward, SoftmaxForward, 4)         \
  X(softmaxBackward, SoftmaxBackward, 5)       \
  /* copy.cc */                                \
  X(copyStrided, CopyStrided, 7)
