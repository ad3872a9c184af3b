// Differentiable operations: each is one forward call into the binding plus its backward.
export { conv2d, Conv2dOptions } from './conv';
export { pool2d } from './pool';
export { activation, relu, sigmoid, tanh, leakyRelu, elu, gelu } from './activation';
export { batchNorm, BatchNormOpOptions } from './batchnorm';
export { dense } from './dense';
export { softmaxCrossEntropy } from './loss';
export { dropout } from './dropout';
export { reshape, flatten, transpose, expandDims, squeeze, concat, stack, slice, pad, clone, broadcastTo } from './shape';
export { sum, mean, max, min, argmax, argmin, Axes } from './reduce';
export { softmax, logSoftmax } from './softmax';
export * from './arithmetic';  // add, subtract, multiply, divide, …: every function there is an op
export { Pool2dOptions } from './pool';
export { WindowMode } from './window';
// Element-wise ops of one tensor, and where (power and the comparisons are in arithmetic.ts).
export { neg, abs, square, sqrt, exp, log, reciprocal, sign, clip } from './unary';
export { where } from './where';
export { matmul, MatmulOptions } from './matmul';
