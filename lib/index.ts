// node-cudnn: convolutional networks in Node.js, with a Gluon-like API.
export { Tensor, shapeSize, formatShape } from './core/tensor';
export { memoryInfo, emptyCache } from './core/memory';
export {
  Device, cpu, gpu, tryGpu, parseDevice, setGpuPrecision, setDeterministic, convolutionAlgorithms, backendInfo,
} from './core/device';
export * as autograd from './core/autograd';
export { errorCodes, ErrorCode, NodeCudnnError, isNodeCudnnError } from './core/errors';
export * as ops from './ops';
export * as nn from './nn';
export * as init from './nn/init';
export * as loss from './nn/loss';
export * as random from './core/random';
export * as data from './data';
export { Trainer, TrainerOptions, TrainerOwnOptions, TrainerState, ScheduleUnit } from './train/trainer';
export * as optim from './optim/optimizers';
export * as schedule from './optim/schedule';
export { evaluateAccuracy } from './train/evaluate';
export { countCorrect } from './ops/accuracy';
export { TrainingMetrics } from './train/metrics';
export * as metric from './train/accuracy';
export { TrainingHistory, EpochRecord, writeCurvesSvg, svgUnavailable, terminalChart } from './plot';
export { fit, FitOptions, FitResult } from './train/fit';
export { NonFiniteError, NonFiniteKind } from './train/finite';
export { saveCheckpoint, loadCheckpoint, LoadCheckpointOptions, TrainingState } from './train/checkpoint';
export { ProgressBar, ProgressOptions, ProgressStream, ProgressMetrics } from './train/progress';
export type { BackendInfo, MemoryInfo, Activation, PoolKind, ConvolutionAlgorithm } from '../binding';
export type { ActivationKind } from '../binding';
export * as models from './models';
export { evaluateLoss } from './train/evaluate';
// Types that appear in the signatures above, exported so that code (and the API reference) can name them.
export type { Nested } from './core/tensor';
export type { EpochRecordJSON, CurvesSvgOptions, TerminalChartOptions } from './plot';
export type { NonFiniteFinding, NonFiniteContext, NonFiniteCount } from './train/finite';
export type { CheckedTrainerState } from './train/trainer';
