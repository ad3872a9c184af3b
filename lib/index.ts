// node-cudnn: convolutional networks in Node.js, with a Gluon-like API.
export { Tensor, shapeSize, formatShape } from './tensor';
export { errorCodes, ErrorCode, NodeCudnnError, isNodeCudnnError } from './core/errors';
export { memoryInfo, emptyCache } from './memory';
export { Device, cpu, gpu, tryGpu, parseDevice, setGpuPrecision, setDeterministic, convolutionAlgorithms } from './device';
export * as autograd from './autograd';
export * as ops from './ops';
export * as nn from './nn';
export * as init from './init';
export * as loss from './loss';
export * as random from './random';
export * as data from './data';
export { Trainer, TrainerOptions, TrainerOwnOptions, TrainerState, ScheduleUnit } from './trainer';
export * as optim from './optim';
export * as schedule from './schedule';
export { evaluateAccuracy, countCorrect } from './evaluate';
export { TrainingMetrics } from './metrics';
export { TrainingHistory, EpochRecord, writeCurvesSvg, terminalChart } from './plot';
export { fit, FitOptions, FitResult } from './train';
export { NonFiniteError, NonFiniteKind } from './finite';
export { saveCheckpoint, loadCheckpoint, LoadCheckpointOptions, TrainingState } from './checkpoint';
export { ProgressBar, ProgressOptions } from './progress';
export type { BackendInfo, MemoryInfo, Activation, PoolKind, ConvolutionAlgorithm } from '../binding';
export type { ActivationKind } from '../binding';
import { binding } from './binding';

/** What the native backends are and why a GPU is or is not used. */
export const backendInfo = () => binding.backendInfo();

