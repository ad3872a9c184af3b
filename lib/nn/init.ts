// Initializers, as Gluon's `mx.init`: each fills a weight given its shape. Biases start at zero.
import { fillConstant, fillNormal, fillUniform } from '../ops/fill';
import { nextSeed } from '../core/random';
import type { Tensor } from '../core/tensor';
import { knownOptions, numberInRange, oneOf } from '../core/check';

/** Fills a parameter's tensor in place. */
export interface Initializer {
  /** A short description, e.g. `Xavier(uniform, avg, 3)`. */
  readonly name: string;
  /** Fills `weight` (shape (out, in, ...)). */
  fill(weight: Tensor): void;
}

// fan_in = in · receptive field, fan_out = out · receptive field (as MXNet's Xavier).
function fans(shape: readonly number[]): [number, number] {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  const fanOut = shape[0] * receptive;
  const fanIn = (shape.length > 1 ? shape[1] : 1) * receptive;
  return [fanIn, fanOut];
}

/** Options of {@link Xavier}. */
export interface XavierOptions {
  /** 'uniform' (default) or 'gaussian'. */
  rndType?: 'uniform' | 'gaussian';
  /** 'avg' (default), 'in' or 'out'. */
  factorType?: 'avg' | 'in' | 'out';
  /** Default 3. */
  magnitude?: number;
}

/**
 * Xavier/Glorot initialisation as Gluon's default `init.Xavier()`: U(−s, s) with
 * s = sqrt(magnitude / factor), factor = (fan_in + fan_out)/2 for 'avg'.
 * @example `net.initialize(init.Xavier(), cpu())`
 */
export function Xavier(options: XavierOptions = {}): Initializer {
  knownOptions('init.Xavier', options, ['rndType', 'factorType', 'magnitude']);
  const rndType = oneOf('init.Xavier', 'rndType', options.rndType ?? 'uniform', ['uniform', 'gaussian']);
  const factorType = oneOf('init.Xavier', 'factorType', options.factorType ?? 'avg', ['avg', 'in', 'out']);
  const magnitude = numberInRange('init.Xavier', 'magnitude', options.magnitude ?? 3, 0, Infinity);
  return {
    name: `Xavier(${rndType}, ${factorType}, ${magnitude})`,
    fill(weight: Tensor): void {
      const [fanIn, fanOut] = fans(weight.shape);
      const factor = factorType === 'avg' ? (fanIn + fanOut) / 2 : factorType === 'in' ? fanIn : fanOut;
      const scale = Math.sqrt(magnitude / factor);
      if (rndType === 'uniform') fillUniform(weight, -scale, scale, nextSeed());
      else fillNormal(weight, 0, scale, nextSeed());
    },
  };
}

/** Options of {@link MSRAPrelu}. */
export interface MSRAPreluOptions {
  /** 'avg' (default, as Gluon), 'in' or 'out'. */
  factorType?: 'avg' | 'in' | 'out';
  /** The PReLU slope the gain accounts for; default 0.25 (0 for plain ReLU: He initialisation). */
  slope?: number;
}

/**
 * He/Kaiming initialisation for rectifier networks, as Gluon's `init.MSRAPrelu`: N(0, s²) with
 * s = sqrt(2 / ((1 + slope²) · factor)).
 * @example `net.initialize(init.MSRAPrelu({ factorType: 'in', slope: 0 }))`
 */
export function MSRAPrelu(options: MSRAPreluOptions = {}): Initializer {
  knownOptions('init.MSRAPrelu', options, ['factorType', 'slope']);
  const factorType = oneOf('init.MSRAPrelu', 'factorType', options.factorType ?? 'avg', ['avg', 'in', 'out']);
  const slope = numberInRange('init.MSRAPrelu', 'slope', options.slope ?? 0.25, 0, Infinity);
  return {
    name: `MSRAPrelu(${factorType}, ${slope})`,
    fill(weight: Tensor): void {
      const [fanIn, fanOut] = fans(weight.shape);
      const factor = factorType === 'avg' ? (fanIn + fanOut) / 2 : factorType === 'in' ? fanIn : fanOut;
      fillNormal(weight, 0, Math.sqrt(2 / ((1 + slope * slope) * factor)), nextSeed());
    },
  };
}

/** U(−scale, scale); Gluon's default initializer with scale 0.07. */
export function Uniform(scale = 0.07): Initializer {
  numberInRange('init.Uniform', 'scale', scale, 0, Infinity);
  return { name: `Uniform(${scale})`, fill: (w) => fillUniform(w, -scale, scale, nextSeed()) };
}

/** N(0, sigma²). */
export function Normal(sigma = 0.01): Initializer {
  numberInRange('init.Normal', 'sigma', sigma, 0, Infinity);
  return { name: `Normal(${sigma})`, fill: (w) => fillNormal(w, 0, sigma, nextSeed()) };
}

/** A constant value. */
export function Constant(value: number): Initializer {
  numberInRange('init.Constant', 'value', value, -Infinity, Infinity);
  return { name: `Constant(${value})`, fill: (w) => fillConstant(w, value) };
}

/** Zeros. */
export const Zero = (): Initializer => Constant(0);
/** Ones. */
export const One = (): Initializer => Constant(1);
