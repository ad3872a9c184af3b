// Bridges between the float64 reference (reference.ts) and the library's float32 tensors, and the
// device the current suite runs on.
import { Tensor, Device, autograd, cpu, gpu, backendInfo, setGpuPrecision } from '../lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ref from './reference';

let current: Device = cpu();

/** The device of the suite being run (see forEachDevice). */
export function dev(): Device {
  return current;
}

/**
 * Defines the suite `body` once per device: the CPU always, the GPU when one is usable. Without a
 * GPU its suite shows as pending, titled with the reason. On the GPU the suite runs in full FP32
 * (no TF32), so float32 tolerances hold.
 */
export function forEachDevice(title: string, body: () => void): void {
  const { cuda } = backendInfo();
  const targets: [string, () => Device, string][] = [['cpu', cpu, '']];
  targets.push(['gpu', () => gpu(), cuda.available ? '' : cuda.reason]);
  for (const [name, device, reason] of targets) {
    describe(`${title} [${name}]`, function () {
      if (reason) {
        it(`not run: ${reason}`);
        return;
      }
      before(() => {
        current = device();
        if (current.kind === 'gpu') setGpuPrecision('fp32');
      });
      after(() => {
        if (current.kind === 'gpu') setGpuPrecision('tf32');
        current = cpu();
      });
      body();
    });
  }
}

/** A float32 tensor on the current device holding a reference array. */
export function toTensor(a: ref.Arr): Tensor {
  return Tensor.fromArray(Float32Array.from(a.data), a.shape, current);
}

/** A reference array holding a tensor's values. */
export function toArr(t: Tensor): ref.Arr {
  return ref.arr(t.shape, t.toArray());
}

/** Tensors with attached gradients, for autograd tests. */
export function leaf(a: ref.Arr): Tensor {
  const t = toTensor(a);
  t.attachGrad();
  return t;
}

/**
 * Runs `f` on the tape and back-propagates the head gradient `dy`; the gradients land in the
 * inputs' `grad`.
 */
export function forwardBackward(f: () => Tensor, dy: ref.Arr): Tensor {
  const y = autograd.record(f);
  y.backward(toTensor(dy));
  return y;
}

/** Float32 tolerances for comparing native results with the float64 reference. */
export const F32 = { atol: 1e-5, rtol: 1e-4 };

// Folders made by tempDir, removed after the run (by a root-level hook: this module is loaded once,
// by the first test file that needs it, whichever files mocha was given).
const tempDirs: string[] = [];
if (typeof after === 'function') {
  after(() => {
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** A fresh folder in os.tmpdir() named `<prefix>XXXXXX`, removed when the test run ends. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
