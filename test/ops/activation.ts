// activation and its shorthands: relu, sigmoid and tanh (backward from the output), leaky_relu, elu
// and gelu (backward from the input).
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import * as refx from '../reference_extra';
import { dev } from '../helpers';
import { OpCase, OpEntry, binding, distinct } from './case';

type Unary = (x: ref.Arr) => ref.Arr;
type UnaryBackward = (x: ref.Arr, dy: ref.Arr) => ref.Arr;

/** An elementwise case: reference-compared on a [4,5,6] in [−4, 4], or gradient-checked on distinct values. */
function unary(title: string, call: (x: Tensor) => Tensor, f: Unary, b: UnaryBackward, gradcheck = false): OpCase {
  return {
    title, gradcheck,
    seed: gradcheck ? 21 : 3,
    inputs: (rng) => [gradcheck ? distinct([3, 7], rng) : ref.randomArr([4, 5, 6], rng, -4, 4)],
    call,
    forward: f,
    backward: (dy, x) => [b(x, dy)],
  };
}

const KINDS = ['relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu'] as const;
type Kind = typeof KINDS[number];

/** The reference forward and backward of a kind, with the library's default alpha when none is given. */
function reference(kind: Kind, alpha?: number): [Unary, UnaryBackward] {
  switch (kind) {
    case 'leaky_relu': {
      const a = alpha ?? 0.01;
      return [(x) => refx.leakyRelu(x, a), (x, dy) => refx.leakyReluBackward(x, dy, a)];
    }
    case 'elu': {
      const a = alpha ?? 1;
      return [(x) => refx.elu(x, a), (x, dy) => refx.eluBackward(x, dy, a)];
    }
    case 'gelu':
      return [refx.gelu, refx.geluBackward];
    default:
      return [(x) => ref.activation(kind, x), (x, dy) => ref.activationBackward(kind, x, dy)];
  }
}

/** ops.activation(kind, x, alpha) against the reference of that kind and alpha. */
function kindCase(kind: Kind, alpha?: number, gradcheck = false): OpCase {
  const defaulted = alpha === undefined && (kind === 'leaky_relu' || kind === 'elu') ? ' (default alpha)' : '';
  const title = `${kind}${alpha === undefined ? defaulted : ` ${alpha}`}${gradcheck ? ' (distinct x)' : ''}`;
  return unary(title, (x) => ops.activation(kind, x, alpha), ...reference(kind, alpha), gradcheck);
}

export const activation: OpEntry = {
  op: 'activation',
  native: ['activationForward', 'activationBackward'],
  cases: [
    kindCase('relu'), kindCase('sigmoid'), kindCase('tanh'),
    kindCase('leaky_relu'), kindCase('leaky_relu', 0.2), kindCase('elu'), kindCase('elu', 0.5), kindCase('gelu'),
    ...KINDS.map((k) => kindCase(k, undefined, true)),
    kindCase('leaky_relu', 0.3, true), kindCase('elu', 0.7, true),
  ],
  errors: [
    ['gelu backward without the input',
      () => binding.activationBackward('gelu', null, Tensor.ones([3], dev()), Tensor.ones([3], dev()), Tensor.empty([3], dev()), 0),
      /^TypeError: activationBackward: the forward's input x is needed for the backward of gelu$/],
    ['tanh backward without the output',
      () => binding.activationBackward('tanh', Tensor.ones([3], dev()), null, Tensor.ones([3], dev()), Tensor.empty([3], dev()), 0),
      /^TypeError: activationBackward: the forward's output y is needed for the backward of tanh$/],
    ['an unknown kind', () => binding.activationForward('swish' as never, Tensor.ones([3], dev()), Tensor.empty([3], dev()), 0),
      /^RangeError: activationForward: expected one of 'none', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu' for kind/],
    ['a NaN alpha', () => ops.activation('elu', Tensor.ones([3], dev()), NaN),
      /^RangeError: elu: expected a finite number for alpha but received NaN/],
  ],
};

/** A shorthand (ops.relu, ops.leakyRelu, ...): one reference case on distinct values, also gradient-checked. */
function shorthand(op: keyof typeof ops, kind: Kind, call: (x: Tensor) => Tensor, alpha?: number): OpEntry {
  return {
    op,
    native: ['activationForward', 'activationBackward'],
    cases: [unary(`${op}${alpha === undefined ? '' : ` ${alpha}`}`, call, ...reference(kind, alpha), true)],
  };
}

export const shorthands: OpEntry[] = [
  shorthand('relu', 'relu', (x) => ops.relu(x)),
  shorthand('sigmoid', 'sigmoid', (x) => ops.sigmoid(x)),
  shorthand('tanh', 'tanh', (x) => ops.tanh(x)),
  shorthand('leakyRelu', 'leaky_relu', (x) => ops.leakyRelu(x, 0.1), 0.1),
  shorthand('elu', 'elu', (x) => ops.elu(x)),
  shorthand('gelu', 'gelu', (x) => ops.gelu(x)),
];
