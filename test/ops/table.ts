// The op table: one entry per function exported from `ops`, in the order of lib/ops/index.ts. Each
// family's cases, errors and native entry points live in its own file here; case.ts has the shapes.
import { activation, shorthands } from './activation';
import { arithmetic } from './arithmetic';
import { batchNorm } from './batchnorm';
import { conv2d } from './conv';
import { dense } from './dense';
import { dropout } from './dropout';
import { softmaxCrossEntropy } from './loss';
import { pool2d } from './pool';
import { flatten, reshape } from './shape';
import { matmul } from './matmul';
import { argmax, argmin, logSoftmax, max, mean, min, softmax, sum } from './reduce';
import type { OpEntry } from './case';
import { clip, unary } from './unary';
import { where } from './where';
// shape ops over the strided copy
import { broadcastTo, clone, concat, expandDims, pad, slice, squeeze, stack, transpose } from './shape';

export type { OpCase, OpEntry, ErrorCase } from './case';

export const table: OpEntry[] = [
  conv2d, pool2d, activation, ...shorthands, batchNorm, dense, softmaxCrossEntropy, dropout, reshape, flatten, sum, mean,
  ...arithmetic,
  ...unary, clip, where,  // element-wise ops of one tensor, and where
  matmul,
  // reductions and softmax along axes (reduce.ts)
  max, min, argmax, argmin, softmax, logSoftmax,
  // shape ops over the strided copy
  transpose, expandDims, squeeze, concat, stack, slice, pad, clone, broadcastTo,
];

/**
 * Native exports that no op reaches: buffers, fills, device settings and reports, the optimizer,
 * metrics and the data augmentations. Each is tested where its feature is (the fuzzer covers all).
 */
export const infrastructure: string[] = [
  'backendInfo', 'memoryInfo', 'emptyCache', 'setGpuPrecision', 'setDeterministic', 'convolutionAlgorithms',  // device
  'tensorLayout',                                              // CPU layouts (test 31)
  'alloc', 'upload', 'uploadBytes', 'download',                // buffers (Tensor)
  'fillConstant', 'fillUniform', 'fillNormal',                 // Tensor.full, init
  'axpby',                                                     // autograd writes and sums gradients (mean scales too)
  'optimizerUpdate', 'sumSquares',                             // Trainer, gradient clipping, finite checks
  'countCorrect', 'accumulateCorrect',                         // metrics and evaluation
  'affineSample', 'colorJitter',                               // data augmentation
  'sum',                                                       // metrics' running sums (ops/blas.ts sumInto)
];
