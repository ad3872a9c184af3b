// The library's seed source: every random fill and dropout mask draws a fresh 53-bit seed from it,
// so `random.seed(n)` makes a whole program reproducible, as `mx.random.seed` does.
import { codedError } from './errors';

let state = BigInt(Date.now()) & 0xffffffffffffffffn;

/**
 * Sets the global seed (as Gluon's `mx.random.seed`).
 * @param value - a non-negative integer.
 * @throws RangeError for anything else.
 */
export function seed(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw codedError('NC_ARGUMENT', `random.seed: expected a non-negative integer but received ${value}`, RangeError);
  }
  state = BigInt(value);
}

/** The next seed for a native random fill (splitmix64, truncated to 53 bits so JS holds it exactly). */
export function nextSeed(): number {
  state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  z ^= z >> 31n;
  return Number(z >> 11n);
}

/** The generator's state, to be saved with a checkpoint (a decimal string). */
export function getState(): string {
  return state.toString();
}

/**
 * Restores a state from {@link getState}.
 * @throws RangeError for anything that is not such a state.
 */
export function setState(saved: string): void {
  state = checkState(saved, 'random.setState');
}

/**
 * The generator state `saved` stands for, checked but not applied (a checkpoint checks every part
 * before applying any).
 * @throws RangeError naming `op` for anything that is not a state from {@link getState}.
 */
export function checkState(saved: unknown, op = 'random.checkState'): bigint {
  if (typeof saved !== 'string' || !/^\d+$/.test(saved) || BigInt(saved) > 0xffffffffffffffffn) {
    throw codedError('NC_ARGUMENT', `${op}: expected a state from random.getState() but received ${String(saved).slice(0, 100)}`, RangeError);
  }
  return BigInt(saved);
}
