// Gluon-like layers and containers.
export { Block } from './block';
export { Parameter, ParameterDict, ParameterOptions } from './parameter';
export { Sequential } from './sequential';
export { Conv2D, Conv2DOptions } from './conv';
export { MaxPool2D, AvgPool2D, GlobalAvgPool2D } from './pool';
export { BatchNorm, BatchNormOptions } from './batchnorm';
export { Activation, ActivationLayerKind, LeakyReLU, ELU, GELU } from './activation';
export { Dense, DenseOptions } from './dense';
export { Dropout } from './dropout';
export { Flatten } from './flatten';
// issue 15 (layers): new layers
export { GlobalMaxPool2D, Pool2DOptions } from './pool';
export { Identity } from './identity';
export { LayerNorm, LayerNormOptions } from './layernorm';
export type { AnyBlock } from './block';
export type { ModelSummary } from './block';
export type { ActivationName } from './activation-option';
export type { LoadOptions } from './persistence';
