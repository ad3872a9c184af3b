// Argument checks with one message format, naming the user-facing op or layer and the argument:
// "conv2d: expected a positive integer for stride but received 0 (number)". Every error made here
// has code NC_ARGUMENT.
import { coded } from './errors';

/** How a received value is shown in an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(describeValue).join(',')}] (array)`;
  if (typeof value === 'object') return `${(value as object).constructor?.name ?? 'object'}`;
  if (typeof value === 'string') return `'${value}' (string)`;
  return `${String(value)} (${typeof value})`;
}

/** The error for an argument that is not what `op` expects. */
export function invalidArg(op: string, name: string, expected: string, actual: unknown,
  kind: typeof TypeError | typeof RangeError = TypeError): Error {
  return coded(new kind(`${op}: expected ${expected} for ${name} but received ${describeValue(actual)}`), 'NC_ARGUMENT');
}

/**
 * `options` itself when it is undefined or a plain object whose keys are all `accepted`; otherwise
 * throws naming the unknown key and the accepted ones (a misspelt option must not pass unnoticed).
 */
export function knownOptions<T extends object>(op: string, options: T | undefined, accepted: readonly (keyof T & string)[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArg(op, 'options', `an object with some of ${quoted(accepted)}`, options);
  }
  for (const key of Object.keys(options)) {
    // A key set to undefined asks for nothing (as `{ ...defaults, seed: options.seed }` makes it).
    if (!(accepted as readonly string[]).includes(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw coded(new TypeError(`${op}: unknown option '${key}'; the options are ${quoted(accepted)}`), 'NC_ARGUMENT');
    }
  }
  return options;
}

const quoted = (names: readonly string[]): string => names.map((a) => `'${a}'`).join(', ');

/** A positive integer, or throws naming op and argument. */
export function positiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidArg(op, name, 'a positive integer', value);
  if (!Number.isInteger(value) || value <= 0) throw invalidArg(op, name, 'a positive integer', value, RangeError);
  return value;
}

/** A non-negative integer, or throws naming op and argument. */
export function nonNegativeInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidArg(op, name, 'a non-negative integer', value);
  if (!Number.isInteger(value) || value < 0) throw invalidArg(op, name, 'a non-negative integer', value, RangeError);
  return value;
}

/** A finite number in [lo, hi) (or [lo, hi] with `closed`), or throws. */
export function numberInRange(op: string, name: string, value: unknown, lo: number, hi: number, closed = false): number {
  const expected = `a number in [${lo}, ${hi}${closed ? ']' : ')'}`;
  if (typeof value !== 'number') throw invalidArg(op, name, expected, value);
  if (!(value >= lo && (closed ? value <= hi : value < hi))) throw invalidArg(op, name, expected, value, RangeError);
  return value;
}

/** An integer or a pair of integers (kernel size, stride, padding) as a pair, checked by `each`. */
export function pair(op: string, name: string, value: unknown,
  each: (op: string, name: string, v: unknown) => number): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) throw invalidArg(op, name, 'a number or a pair of numbers', value, RangeError);
    return [each(op, name, value[0]), each(op, name, value[1])];
  }
  const v = each(op, name, value);
  return [v, v];
}

/** One of the allowed strings, or throws. */
export function oneOf<T extends string>(op: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalidArg(op, name, `one of ${quoted(allowed)}`, value,
      typeof value === 'string' ? RangeError : TypeError);
  }
  return value as T;
}
