// Ways to spoil a valid call: wrong types and counts, mismatched and enormous shapes, bad sizes,
// NaN and Infinity (as arguments and as tensor contents), disposed tensors, tensors of another
// device, and getters that run JavaScript — another native call, a dispose, a throw — while the
// addon is still reading the arguments.
import type { Storage, TensorRef } from '../../binding';
import { binding } from '../../lib/core/binding';
import { CallContext, builders } from './calls';

/** Thrown on purpose by the fuzzer's own getters; it may surface from any call. */
export class ProbeError extends Error {}

type Mutation = (c: CallContext, args: unknown[]) => string | null;

const isTensorRef = (v: unknown): v is TensorRef =>
  typeof v === 'object' && v !== null && 'data' in v && 'shape' in v;

function garbage(c: CallContext): unknown {
  return c.pick<() => unknown>([
    () => undefined, () => null, () => 0, () => -1, () => 1.5, () => NaN, () => Infinity, () => -Infinity,
    () => 2 ** 31, () => 2 ** 53, () => 2 ** 64, () => -0, () => '', () => 'cpu', () => 'gpu:0', () => 'relu',
    () => 'x'.repeat(100000), () => true, () => ({}), () => [], () => [1], () => [1, 2, 3], () => [NaN, 1],
    () => () => 0, () => Symbol('s'), () => 10n, () => new Float32Array(2), () => new Uint8Array(0),
    () => new ArrayBuffer(8), () => new Date(0), () => /re/, () => new Map(), () => Object.create(null),
    () => new Proxy({}, { get: () => { throw new ProbeError('proxy get'); } }),
    () => ({ data: c.storage(4), shape: [1] }), () => c.storage(4),
  ])();
}

function tensorArgs(args: unknown[]): number[] {
  return args.flatMap((a, i) => (isTensorRef(a) ? [i] : []));
}

function badShape(c: CallContext, shape: readonly number[]): unknown {
  const s = [...shape];
  const d = c.int(0, s.length - 1);
  return c.pick<() => unknown>([
    () => { s[d] += 1; return s; },
    () => { s[d] = Math.max(1, s[d] - 1); return s; },
    () => { s[d] *= 2; return s; },
    () => { s[d] = 2 ** 31; return s; },
    () => { s[d] = 2 ** 53; return s; },
    () => { s[d] = 2 ** 60; return s; },
    () => [2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20],
    () => { s[d] = 0; return s; },
    () => { s[d] = -s[d]; return s; },
    () => { s[d] = 1.5; return s; },
    () => { s[d] = NaN; return s; },
    () => { s[d] = Infinity; return s; },
    () => { (s as unknown[])[d] = '2'; return s; },
    () => s.slice(1),
    () => [...s, 1],
    () => [],
    () => Array(9).fill(1),
    () => Array(100000).fill(1),
    () => { const sparse = new Array(s.length); return sparse; },
    () => shape.length === 1 ? [1, shape[0]] : [shape.reduce((a, b) => a * b, 1)],
    () => 'shape',
    () => ({ length: s.length, 0: s[0] }),
  ])();
}

// A getter that runs JavaScript while the addon reads the arguments.
function sideEffect(c: CallContext, args: unknown[], self: TensorRef | null): () => void {
  const tensors = tensorArgs(args).map((i) => args[i] as TensorRef);
  return c.pick<() => void>([
    () => self?.data.dispose(),                                  // disposes the tensor being read
    () => { if (tensors.length) c.pick(tensors).data.dispose(); },  // disposes another argument
    () => { throw new ProbeError('getter throws'); },
    () => {                                                       // re-enters the addon
      const name = c.pick(Object.keys(builders));
      const inner = new CallContext(c.int(0, 1e9), c.device);
      try {
        const result = (binding as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...builders[name](inner));
        if (result instanceof Object && 'dispose' in result) inner.storages.push(result as Storage);
      } finally {
        inner.disposeAll();
      }
    },
    () => { (globalThis as { gc?: () => void }).gc?.(); },        // lets finalizers run mid-call
  ]);
}

export const mutations: Record<string, Mutation> = {
  'garbage argument': (c, args) => {
    if (!args.length) return null;
    const i = c.int(0, args.length - 1);
    args[i] = garbage(c);
    return `argument ${i} replaced`;
  },
  'wrong count': (c, args) => {
    const n = c.pick([0, Math.max(0, args.length - 1), args.length + 1, args.length + 5]);
    while (args.length > n) args.pop();
    while (args.length < n) args.push(garbage(c));
    return `${n} arguments`;
  },
  'bad shape': (c, args) => {
    const ts = tensorArgs(args);
    if (!ts.length) return null;
    const i = c.pick(ts);
    const t = args[i] as TensorRef;
    args[i] = { data: t.data, shape: badShape(c, t.shape) };
    return `argument ${i} shape ${JSON.stringify((args[i] as { shape: unknown }).shape)?.slice(0, 60)}`;
  },
  'swapped tensors': (c, args) => {
    const ts = tensorArgs(args);
    if (ts.length < 2) return null;
    const i = c.pick(ts), j = c.pick(ts);
    [args[i], args[j]] = [args[j], args[i]];
    return `arguments ${i} and ${j} swapped`;
  },
  'disposed tensor': (c, args) => {
    const ts = tensorArgs(args);
    if (!ts.length) return null;
    const i = c.pick(ts);
    (args[i] as TensorRef).data.dispose();
    return `argument ${i} disposed`;
  },
  'non-finite contents': (c, args) => {
    const ts = tensorArgs(args);
    if (!ts.length) return null;
    const i = c.pick(ts);
    const value = c.pick([NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45]);
    const data = (args[i] as TensorRef).data;
    binding.upload(data, new Float32Array(data.byteLength / 4).fill(value));
    return `argument ${i} filled with ${value}`;
  },
  'non-finite number': (c, args) => {
    const ns = args.flatMap((a, i) => (typeof a === 'number' ? [i] : []));
    if (!ns.length) return null;
    const i = c.pick(ns);
    args[i] = c.pick([NaN, Infinity, -Infinity, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308]);
    return `argument ${i} = ${args[i]}`;
  },
  'bad pair': (c, args) => {
    const ps = args.flatMap((a, i) => (Array.isArray(a) && a.length === 2 && typeof a[0] === 'number' ? [i] : []));
    if (!ps.length) return null;
    const i = c.pick(ps);
    args[i] = c.pick([[0, 1], [-1, 1], [1.5, 1], [NaN, 1], [2 ** 40, 1], [1], [1, 1, 1], ['1', 1]]);
    return `argument ${i} = ${JSON.stringify(args[i])}`;
  },
  're-entrant getter': (c, args) => {
    const ts = tensorArgs(args);
    if (!ts.length) return null;
    const i = c.pick(ts);
    const t = args[i] as TensorRef;
    const effect = sideEffect(c, args, t);
    const on = c.pick(['data', 'shape', 'shape element']);
    const shape = on === 'shape element'
      ? Object.defineProperty([...t.shape], c.int(0, t.shape.length - 1), { get() { effect(); return t.shape[0]; } })
      : t.shape;
    args[i] = {
      get data() { if (on === 'data') effect(); return t.data; },
      get shape() { if (on === 'shape') effect(); return shape; },
    };
    return `argument ${i}: getter on ${on}`;
  },
  're-entrant hyper': (c, args) => {
    const h = args.findIndex((a) => typeof a === 'object' && a !== null && 'lr' in a);
    if (h < 0) return null;
    const effect = sideEffect(c, args, null);
    const field = c.pick(Object.keys(args[h] as object));
    const copy = { ...(args[h] as object) } as Record<string, unknown>;
    const value = copy[field];
    Object.defineProperty(copy, field, { get() { effect(); return value; }, enumerable: true });
    args[h] = copy;
    return `hyper.${field} getter`;
  },
  'bad hyper': (c, args) => {
    const h = args.findIndex((a) => typeof a === 'object' && a !== null && 'lr' in a);
    if (h < 0) return null;
    const copy = { ...(args[h] as object) } as Record<string, unknown>;
    const field = c.pick([...Object.keys(copy), 'unknownField']);
    copy[field] = c.next() < 0.5 ? garbage(c) : undefined;
    args[h] = copy;
    return `hyper.${field} spoiled`;
  },
  'another device': (c, args) => {
    const other = c.device === 'cpu' ? 'gpu:0' : 'cpu';
    const ts = tensorArgs(args);
    if (!ts.length || !binding.backendInfo().cuda.available) return null;
    const i = c.pick(ts);
    const t = args[i] as TensorRef;
    const data = binding.alloc(other, t.data.byteLength);
    c.storages.push(data);
    args[i] = { data, shape: t.shape };
    return `argument ${i} on ${other}`;
  },
};
