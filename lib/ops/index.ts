// Differentiable operations: each is one forward call into the binding plus its backward.
export { conv2d, Conv2dOptions } from './conv';
export { pool2d } from './pool';
export { activation, relu, sigmoid, tanh, leakyRelu, elu, gelu } from './activation';
export { batchNorm, BatchNormOpOptions } from './batchnorm';
export { dense } from './dense';
export { softmaxCrossEntropy } from './loss';
export { dropout } from './dropout';
export { reshape, flatten } from './shape';
export { sum, mean } from './reduce';
export * from './arithmetic';  // add, subtract, multiply, divide, …: every function there is an op
// Shape ops over the native strided copy (lib/ops/shape.ts)
export { transpose, expandDims, squeeze, concat, stack, slice, pad, clone, broadcastTo } from './shape';
