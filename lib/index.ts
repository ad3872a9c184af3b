// node-cudnn: convolutional networks in Node.js, with a Gluon-like API.
export { Tensor, shapeSize, formatShape } from './tensor';
export { Device, cpu, gpu, tryGpu, parseDevice } from './device';
export * as autograd from './autograd';
export * as ops from './ops';
export * as nn from './nn';
export * as init from './init';
export * as loss from './loss';
export * as random from './random';
export * as data from './data';
export { Trainer, TrainerOptions } from './trainer';
export { evaluateAccuracy, countCorrect } from './evaluate';
export { ProgressBar, ProgressOptions } from './progress';
import { binding } from './binding';

/** What the native backends are and why a GPU is or is not used. */
export const backendInfo = () => binding.backendInfo();

/** Live native buffers and bytes on a device ('cpu'). */
export const memoryInfo = (device = 'cpu') => binding.memoryInfo(device);
