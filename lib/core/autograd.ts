// Autograd: a tape of the operations run inside `record`, walked backwards by `backward`.
import { binding } from './binding';
import { Tensor, TapeNode, setTapeWalk } from './tensor';
import { codedError } from './errors';

export type { TapeNode } from './tensor';

// Scoped state, set only by record()/pause()/trainMode()/predictMode() and restored on exit.
let recording = false;
let training = false;

/**
 * Runs `fn` while recording operations for `backward()`, in training mode (dropout active), as
 * Gluon's `with autograd.record():`.
 * @example
 * const l = autograd.record(() => lossFn.forward(net.forward(X), y));
 * l.backward();
 * @param fn - the forward computation.
 * @param trainMode - default true; false records in prediction mode (dropout off).
 * @returns what `fn` returns.
 */
export function record<T>(fn: () => T, trainMode = true): T {
  return scoped(true, trainMode, fn);
}

/** Runs `fn` without recording (and in prediction mode unless `trainMode`). */
export function pause<T>(fn: () => T, trainMode = false): T {
  return scoped(false, trainMode, fn);
}

/** Runs `fn` in training mode without changing recording. */
export function trainMode<T>(fn: () => T): T {
  return scoped(recording, true, fn);
}

/** Runs `fn` in prediction mode without changing recording. */
export function predictMode<T>(fn: () => T): T {
  return scoped(recording, false, fn);
}

/** True inside `record`. */
export function isRecording(): boolean {
  return recording;
}

/** True in training mode (inside `record` by default): dropout is active. */
export function isTraining(): boolean {
  return training;
}

function scoped<T>(rec: boolean, train: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw codedError('NC_ARGUMENT', `autograd.record: expected a function but received ${typeof fn}`, TypeError);
  const saved = [recording, training];
  recording = rec;
  training = train;
  try {
    return fn();
  } finally {
    [recording, training] = saved;
  }
}

/** True when gradients must flow into `t`: it has an attached grad or was produced on the tape. */
export function requiresGrad(t: Tensor | null): boolean {
  return t !== null && (t.grad !== null || t.node !== null);
}

/**
 * Records `output` as produced by `op` from `inputs` when recording and some input requires a
 * gradient. Ops call this right after computing their forward.
 */
export function recordOp(op: string, output: Tensor, inputs: (Tensor | null)[],
  backward: TapeNode['backward'], release?: () => void): void {
  if (recording && inputs.some(requiresGrad)) {
    output.node = { op, inputs, backward, release };
  } else {
    release?.();
  }
}

// Tensors reachable from `head` through the tape, every tensor after all the tensors it feeds.
// Iterative, so deep graphs cannot overflow the stack.
function topologicalOrder(head: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[head, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) {
      if (input && requiresGrad(input) && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order.reverse();
}

/**
 * Back-propagates from `head` (see `Tensor.backward`). Gradients of tensors used several times
 * accumulate; leaves with an attached grad receive theirs by overwriting `grad`.
 */
export function backward(head: Tensor, headGrad?: Tensor): void {
  if (!head.node) {
    throw codedError('NC_STATE', 'backward: this tensor has no recorded history; compute it inside autograd.record() ' +
      'from tensors with attached gradients (net.initialize() attaches them to parameters)');
  }
  if (headGrad !== undefined) {
    if (!(headGrad instanceof Tensor) || headGrad.size !== head.size) {
      throw codedError('NC_SHAPE', `backward: headGrad must be a Tensor of shape (${head.shape.join(',')})`, RangeError);
    }
    if (!headGrad.device.equals(head.device)) {
      throw codedError('NC_DEVICE', `backward: headGrad is on ${headGrad.device} but the head is on ${head.device}`, TypeError);
    }
  }
  const grads = new Map<Tensor, Tensor>();
  // How many entries of `grads` hold each storage. A backward may return dy itself, or one tensor
  // for several inputs (add's natural gradient): every entry must own its storage, since entries are
  // accumulated into and freed independently. Storages held by an entry or by the caller's headGrad
  // are never freed here.
  const holders = new Map<Tensor['data'], number>();
  const hold = (input: Tensor, g: Tensor) => {
    grads.set(input, g);
    holders.set(g.data, (holders.get(g.data) ?? 0) + 1);
  };
  const take = (t: Tensor) => {
    const g = grads.get(t)!;
    grads.delete(t);
    const n = holders.get(g.data)! - 1;
    if (n === 0) holders.delete(g.data);
    else holders.set(g.data, n);
    return g;
  };
  const userData = headGrad?.data;
  const free = (g: Tensor) => {
    if (g.data !== userData && !holders.has(g.data)) g.data.dispose();
  };
  hold(head, headGrad ?? Tensor.ones(head.shape, head.device));

  // A storage marked for release (an intermediate only the tape holds) is freed once the backward of
  // every recorded tensor over it has run: a view (Flatten's output, marked by an outer container)
  // shares its storage with the tensor it views, whose backward (pooling's, say) comes later.
  const order = topologicalOrder(head);
  const recordedOver = new Map<Tensor['data'], number>();
  for (const t of order) if (t.node) recordedOver.set(t.data, (recordedOver.get(t.data) ?? 0) + 1);
  const toRelease = new Set<Tensor['data']>();
  const done = (t: Tensor) => {
    if (t.releaseAfterBackward && t !== head) toRelease.add(t.data);
    const left = recordedOver.get(t.data)! - 1;
    recordedOver.set(t.data, left);
    if (left === 0 && toRelease.has(t.data) && t.data !== head.data) t.data.dispose();
  };

  for (const t of order) {
    if (!grads.has(t)) {
      if (t.node) done(t);
      continue;
    }
    const dy = take(t);
    const node = t.node;
    if (!node) {
      // A leaf: write its gradient (Gluon's grad_req='write').
      if (t.grad) binding.axpby(dy, t.grad, 1, 0);
      free(dy);
      continue;
    }
    const inputGrads = node.backward(dy);
    const spent: Tensor[] = [dy];
    node.inputs.forEach((input, i) => {
      const g = inputGrads[i];
      if (!input || !g) return;
      spent.push(g);
      if (!requiresGrad(input)) return;
      const existing = grads.get(input);
      if (existing) {
        binding.axpby(g, existing, 1, 1);  // a tensor used several times: its gradients add up
      } else if (holders.has(g.data) || g.data === userData) {
        const copy = Tensor.empty(g.shape, g.device);  // a storage another entry (or the caller) owns
        binding.axpby(g, copy, 1, 0);
        hold(input, copy);
      } else {
        hold(input, g);
      }
    });
    for (const g of spent) free(g);
    // The graph is used once, as in Gluon: free what only the backward needed. Every consumer of t
    // comes earlier in this order, so an intermediate that nobody else holds is dead now.
    node.release?.();
    t.node = null;
    done(t);
  }
}

// Tensor.backward() runs this walk; see setTapeWalk in tensor.ts for why it is handed over.
setTapeWalk(backward);
