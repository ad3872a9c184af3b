// Device transforms and random augmentations: the same results wherever they run, seeded, and
// with the properties that make them safe to train on.
import { strict as assert } from 'assert';
import * as path from 'path';
import * as ts from 'typescript';
import { Tensor, data } from '../lib';
import { randomCropBox } from '../lib/data/augment';
import * as ref from './reference';
import { dev, forEachDevice } from './helpers';

const { transforms } = data;

// A batch of n distinct-valued c×h×w images on the current device, and its host copy.
function batch(n: number, c: number, h: number, w: number, seed = 1): { x: Tensor; host: Float32Array } {
  const host = Float32Array.from(ref.randomArr([n, c, h, w], new ref.Rng(seed), 0, 255).data);
  return { x: Tensor.fromArray(host, [n, c, h, w], dev()), host };
}

function seeded(seed: number): () => number {
  const rng = new ref.Rng(seed);
  return () => rng.uniform();
}

forEachDevice('data transforms on the device', () => {
  it('Resize on the device equals the host Resize (PyTorch\'s bilinear, align_corners=false)', () => {
    const { x, host } = batch(3, 1, 28, 28);
    for (const size of [224, 17, [40, 9] as [number, number]]) {
      const resize = transforms.Resize(size);
      const onDevice = resize.onDevice!(x, Math.random).toArray();
      const onHost = resize({ data: host, shape: [3, 1, 28, 28] }).data;
      ref.assertClose(onDevice, onHost, { atol: 2e-4, rtol: 1e-5, name: `resize ${size}` });
    }
  });

  it('Compose([Resize, ToTensor]) runs on the device: bytes resized and scaled to [0, 1]', () => {
    const bytes = Uint8Array.from(batch(2, 1, 28, 28).host, (v) => Math.round(v));
    const x = Tensor.fromBytes(bytes, [2, 1, 28, 28], dev());
    const trans = transforms.Compose([transforms.Resize(56), transforms.ToTensor()]);
    const y = trans.onDevice!(x, Math.random);
    // The host form rounds the resized bytes before scaling; the device keeps floats.
    const expected = trans({ data: bytes, shape: [2, 1, 28, 28] }).data;
    assert.deepEqual(y.shape, [2, 1, 56, 56]);
    ref.assertClose(y.toArray(), expected, { atol: 0.5 / 255 + 1e-6, rtol: 0, name: 'resize+scale' });
  });

  it('flipping twice is the identity, and a flip mirrors each row', () => {
    const { x, host } = batch(2, 3, 5, 7);
    const flip = transforms.RandomFlipLeftRight(1);
    const once = flip.onDevice!(x, Math.random);
    const twice = flip.onDevice!(once, Math.random);
    assert.deepEqual(twice.toArray(), Float32Array.from(host));
    const mirrored = once.toArray();
    assert.equal(mirrored[0], host[6]);
    assert.equal(mirrored[6], host[0]);
  });

  it('random augmentations are the same for the same seed and differ for another', () => {
    const { x } = batch(4, 1, 28, 28);
    const aug = transforms.Compose([
      transforms.RandomResizedCrop(32), transforms.RandomFlipLeftRight(), transforms.RandomRotation(10),
      transforms.RandomColorJitter({ brightness: 0.3, contrast: 0.3 }),
    ]);
    const a = aug.onDevice!(x, seeded(5)).toArray();
    const b = aug.onDevice!(x, seeded(5)).toArray();
    const c = aug.onDevice!(x, seeded(6)).toArray();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('a rotation by 0 and jitter factors of 1 change nothing', () => {
    const { x, host } = batch(2, 1, 9, 9);
    ref.assertClose(transforms.RandomRotation(0).onDevice!(x, Math.random).toArray(), host,
      { atol: 1e-4, rtol: 1e-6, name: 'rotation 0' });
    ref.assertClose(transforms.RandomColorJitter({}).onDevice!(x, Math.random).toArray(), host,
      { atol: 1e-3, rtol: 1e-6, name: 'jitter 1' });
  });

  it('brightness scales each image\'s mean; contrast keeps it', () => {
    const { x, host } = batch(1, 1, 8, 8);
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, t) => s + t, 0) / v.length;
    const brighter = transforms.RandomBrightness(0.5).onDevice!(x, () => 1).toArray();  // factor 1.5
    assert.ok(Math.abs(mean(brighter) - 1.5 * mean(host)) < 1e-2);
    const flatter = transforms.RandomContrast(0.5).onDevice!(x, () => 0).toArray();  // factor 0.5
    assert.ok(Math.abs(mean(flatter) - mean(host)) < 1e-2);
  });
});

describe('random crop boxes', () => {
  it('stay inside the image for every draw, with the area and aspect asked for when they fit', () => {
    const random = seeded(9);
    for (let i = 0; i < 5000; i++) {
      const [h, w] = [28 + (i % 200), 28 + ((i * 7) % 200)];
      const [x0, y0, cw, ch] = randomCropBox(h, w, random);
      assert.ok(x0 >= 0 && y0 >= 0 && cw >= 1 && ch >= 1 && x0 + cw <= w && y0 + ch <= h, `${[x0, y0, cw, ch]} in ${h}x${w}`);
    }
  });

  it('host and device forms of an augmentation agree (the host one runs on the CPU backend)', () => {
    const flip = data.transforms.RandomFlipLeftRight(1);
    const out = flip({ data: Uint8Array.of(1, 2, 3, 4, 5, 6), shape: [1, 1, 2, 3] });
    assert.deepEqual(Array.from(out.data), [3, 2, 1, 6, 5, 4]);
  });
});

describe('data.transforms, the public namespace', () => {
  const PUBLIC = ['Compose', 'RandomBrightness', 'RandomColorJitter', 'RandomContrast', 'RandomFlipLeftRight',
    'RandomResizedCrop', 'RandomRotation', 'Resize', 'ToTensor'];

  it('holds the transform factories and no internals (affineSample, randomCropBox)', () => {
    assert.deepEqual(Object.keys(data.transforms).sort(), PUBLIC);
  });

  it('keeps each member\'s TSDoc for editors (as the compiler sees the package\'s types)', function () {
    this.timeout(60_000);
    // What an editor hover shows: the documentation of `data.transforms.X` in the published
    // declarations (dist/, built by `tsc -p .` before the tests).
    const entry = path.join(__dirname, '..', '..', 'dist', 'index.d.ts');
    const program = ts.createProgram([entry], { strict: true, noEmit: true, types: [] });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const dataNs = checker.getExportsOfModule(module).find((s) => s.name === 'data')!;
    const ns = checker.getExportsOfModule(checker.getAliasedSymbol(dataNs))
      .find((s) => s.name === 'transforms')!;
    const members = checker.getExportsOfModule(checker.getAliasedSymbol(ns));
    assert.deepEqual(members.map((s) => s.name).sort(), PUBLIC);
    for (const m of members) {
      const doc = ts.displayPartsToString(checker.getAliasedSymbol(m).getDocumentationComment(checker));
      assert.ok(doc.length > 20, `data.transforms.${m.name} has no TSDoc`);
    }
  });
});
