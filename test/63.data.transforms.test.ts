import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import { Compose, ImageBatch, Resize, ToTensor, Transform } from '../lib/data/transforms';

function batch(data: number[] | Uint8Array | Float32Array, shape: [number, number, number, number], float = true): ImageBatch {
  return { data: float ? Float32Array.from(data) : Uint8Array.from(data), shape };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  assert.ok(worst <= tol, `${what}: |${actual[at]} - ${expected[at]}| = ${worst} > ${tol} at ${at}`);
}

/** Runs PyTorch on JSON input; null when /usr/bin/python3 has no torch. */
function torchAvailable(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0;
}

describe('data: transforms', () => {
  describe('ToTensor', () => {
    it('scales bytes to float32 in [0, 1]', () => {
      const out = ToTensor()(batch([0, 51, 255, 128], [1, 1, 2, 2], false));
      assert.ok(out.data instanceof Float32Array);
      assertClose(out.data, [0, 0.2, 1, 128 / 255], 1e-7);
      assert.deepEqual(out.shape, [1, 1, 2, 2]);
    });

    it('passes float input through', () => {
      const b = batch([0.5, 2], [1, 1, 1, 2]);
      assert.equal(ToTensor()(b), b);
    });

    it('checks the batch', () => {
      assert.throws(() => ToTensor()(batch([1, 2, 3], [1, 1, 2, 2], false)),
        /ToTensor: batch.data has 3 elements but shape \[1, 1, 2, 2\] needs 4/);
      assert.throws(() => ToTensor()({ data: [1] as unknown as Uint8Array, shape: [1, 1, 1, 1] }),
        /ToTensor: expected a Uint8Array or a Float32Array for batch.data but received \[1 \(number\)\] \(array\)/);
      assert.throws(() => ToTensor()({ data: new Uint8Array(1), shape: [1, 1, 1] as unknown as [number, number, number, number] }),
        RangeError);
    });
  });

  describe('Resize', () => {
    it('upsamples 2x2 to 4x4 with half-pixel centres (hand-computed)', () => {
      const out = Resize(4)(batch([1, 2, 3, 4], [1, 1, 2, 2]));
      assert.deepEqual(out.shape, [1, 1, 4, 4]);
      // Source coordinate (d + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped neighbour).
      assertClose(out.data, [
        1.0, 1.25, 1.75, 2.0,
        1.5, 1.75, 2.25, 2.5,
        2.5, 2.75, 3.25, 3.5,
        3.0, 3.25, 3.75, 4.0,
      ], 1e-6);
    });

    it('downsamples 4x4 to 2x2 by averaging 2x2 blocks (hand-computed)', () => {
      const out = Resize(2)(batch(Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]));
      // Source coordinates (d + 0.5) * 2 - 0.5 = 0.5 and 2.5.
      assertClose(out.data, [2.5, 4.5, 10.5, 12.5], 1e-6);
    });

    it('takes [height, width] and works per image and channel', () => {
      // Two images, two channels, 1x3 each; resized to 2x2.
      const out = Resize([2, 2])(batch([0, 3, 6, 10, 10, 10, 1, 1, 1, 0, 0, 9], [2, 2, 1, 3]));
      assert.deepEqual(out.shape, [2, 2, 2, 2]);
      // Width 3 -> 2: scale 1.5, source x = 0.25 and 1.75; height 1 -> 2 repeats the row.
      const row = (a: number, b: number, c: number) => [a * 0.75 + b * 0.25, b * 0.25 + c * 0.75];
      const expected = [[0, 3, 6], [10, 10, 10], [1, 1, 1], [0, 0, 9]].flatMap(([a, b, c]) => [...row(a, b, c), ...row(a, b, c)]);
      assertClose(out.data, expected, 1e-6);
    });

    it('gives rounded bytes for byte input', () => {
      const out = Resize(4)(batch([0, 255, 10, 11], [1, 1, 2, 2], false));
      assert.ok(out.data instanceof Uint8Array);
      const float = Resize(4)(batch([0, 255, 10, 11], [1, 1, 2, 2]));
      assert.deepEqual([...out.data], [...float.data].map(Math.round));
      assert.equal(out.data[1], 64); // 255 * 0.25 = 63.75
    });

    it('is the identity (a copy) when the size is unchanged', () => {
      const data = Uint8Array.from({ length: 2 * 3 * 5 }, (_, i) => i * 7);
      const b: ImageBatch = { data, shape: [1, 2, 3, 5] };
      const out = Resize([3, 5])(b);
      assert.deepEqual(out.data, data);
      assert.notEqual(out.data, data);
      const f = batch(Array.from({ length: 9 }, (_, i) => i / 9 + 0.01), [1, 1, 3, 3]);
      assert.deepEqual(Resize(3)(f).data, f.data);
    });

    it('checks its size argument', () => {
      assert.throws(() => Resize(0), /Resize: expected a positive integer for size but received 0 \(number\)/);
      assert.throws(() => Resize(2.5), RangeError);
      assert.throws(() => Resize([2] as unknown as [number, number]), /Resize: expected a positive integer or \[height, width\] for size/);
      assert.throws(() => Resize('2' as unknown as number), TypeError);
    });

    it('matches torch.nn.functional.interpolate(mode="bilinear", align_corners=False)', function () {
      this.timeout(60_000);
      if (!torchAvailable()) this.skip();
      const cases: { shape: [number, number, number, number]; size: [number, number] }[] = [
        { shape: [2, 3, 7, 5], size: [11, 4] },
        { shape: [1, 1, 28, 28], size: [224, 224] },
        { shape: [1, 2, 28, 28], size: [13, 40] },
        { shape: [3, 1, 5, 9], size: [5, 3] },
        { shape: [1, 1, 1, 1], size: [3, 2] },
      ];
      let seed = 12345;
      const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
      const inputs = cases.map((c) => Array.from({ length: c.shape.reduce((a, b) => a * b) }, () => Math.floor(rand() * 256)));
      const script = `
import json, sys, torch
import torch.nn.functional as F
cases = json.load(sys.stdin)
out = []
for c in cases:
    x = torch.tensor(c['data'], dtype=torch.float32).reshape(c['shape'])
    yf = F.interpolate(x, size=c['size'], mode='bilinear', align_corners=False)
    try:
        yu = F.interpolate(x.to(torch.uint8), size=c['size'], mode='bilinear', align_corners=False).flatten().tolist()
    except Exception:
        yu = None
    out.append({'float': yf.flatten().tolist(), 'uint8': yu})
json.dump(out, sys.stdout)
`;
      const r = spawnSync('/usr/bin/python3', ['-c', script], {
        input: JSON.stringify(cases.map((c, i) => ({ ...c, data: inputs[i] }))), encoding: 'utf8', timeout: 60_000,
        maxBuffer: 64 << 20,
      });
      assert.equal(r.status, 0, r.stderr);
      const expected = JSON.parse(r.stdout) as { float: number[]; uint8: number[] | null }[];
      cases.forEach((c, i) => {
        const what = `[${c.shape}] -> [${c.size}]`;
        const f = Resize(c.size)(batch(inputs[i], c.shape));
        assert.deepEqual(f.shape, [c.shape[0], c.shape[1], ...c.size]);
        // Exact on an AVX2 build of PyTorch; allow one float32 ulp at 255 for other builds.
        assertClose(f.data, expected[i].float, 2e-5, `float ${what}`);
        const u = Resize(c.size)(batch(inputs[i], c.shape, false));
        // PyTorch's uint8 kernel uses fixed-point weights, so it may round the other way by one.
        if (expected[i].uint8) assertClose(u.data, expected[i].uint8!, 1, `uint8 ${what}`);
      });
    });
  });

  describe('Compose', () => {
    it('applies the transforms in order', () => {
      const calls: string[] = [];
      const tag = (name: string): Transform => (b) => { calls.push(name); return b; };
      const b = batch([1], [1, 1, 1, 1]);
      assert.equal(Compose([tag('a'), tag('b'), tag('c')])(b), b);
      assert.deepEqual(calls, ['a', 'b', 'c']);
      assert.equal(Compose([])(b), b);
    });

    it('Resize then ToTensor gives floats of the rounded bytes (d2l order)', () => {
      const out = Compose([Resize(4), ToTensor()])(batch([0, 255, 10, 11], [1, 1, 2, 2], false));
      assert.ok(out.data instanceof Float32Array);
      assert.deepEqual(out.shape, [1, 1, 4, 4]);
      assertClose(out.data, [...Resize(4)(batch([0, 255, 10, 11], [1, 1, 2, 2], false)).data].map((v) => v / 255), 1e-7);
    });

    it('checks its argument', () => {
      assert.throws(() => Compose([ToTensor(), 3 as unknown as Transform]),
        /Compose: expected a transform \(a function\) for transforms\[1\] but received 3 \(number\)/);
      assert.throws(() => Compose(ToTensor() as unknown as Transform[]), TypeError);
    });
  });
});
