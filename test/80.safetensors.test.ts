// Saving and loading parameters as safetensors: round trips, the bytes against the published spec,
// every kind of mismatch and corrupt file (each a clear error naming the file), and atomic writes
// that survive a SIGKILL in the middle.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { Tensor, nn, init, random } from '../lib';
import { readSafetensors, readSafetensorsHeader, writeSafetensors, TensorToWrite } from '../lib/io/safetensors';
import { saveParameters, loadParameters } from '../lib/nn/persistence';
// The module object itself (not an import-star copy), so that tests can patch fs.writeSync.
import realFs = require('fs');

/** LeNet; kernel 3 for the first convolution changes only conv0.weight's shape. */
function makeNet(kernel = 5): nn.Sequential {
  const net = new nn.Sequential();
  net.add(
    new nn.Conv2D(6, kernel, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Dense(120, { activation: 'sigmoid' }), new nn.Dense(84, { activation: 'sigmoid' }),
    new nn.Dense(10),
  );
  return net;
}

const X = Tensor.fromArray(Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i * 0.37)), [2, 1, 28, 28]);

/** A trained-looking net: Xavier weights from `seed`, biases made non-zero, shapes known. */
function readyNet(seed: number, kernel = 5): nn.Sequential {
  random.seed(seed);
  const net = makeNet(kernel);
  net.initialize(init.Xavier());
  net.forward(X);
  for (const p of net.collectParams().values()) {
    if (p.name.endsWith('.bias')) p.setData(Float32Array.from({ length: p.shape[0] }, (_, i) => 0.01 * (i + seed)));
  }
  return net;
}

const bytesOf = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Every parameter's raw bytes, to compare networks bitwise. */
function snapshot(net: nn.Sequential): Map<string, Buffer> {
  return new Map([...net.collectParams()].map(([k, p]) => [k, p.initialized ? bytesOf(p.data().toArray()) : Buffer.alloc(0)]));
}

function u64(n: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

interface Entry { name: string; dtype?: string; shape: number[]; bytes: Buffer; offsets?: [number, number] }

/** A safetensors file built by hand, independent of the writer under test (no alignment padding). */
function craft(entries: Entry[], extra: { metadata?: unknown; trailing?: number } = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (extra.metadata !== undefined) header.__metadata__ = extra.metadata;
  let at = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype ?? 'F32', shape: e.shape, data_offsets: e.offsets ?? [at, at + e.bytes.length] };
    at += e.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  return Buffer.concat([u64(json.length), json, ...entries.map((e) => e.bytes), Buffer.alloc(extra.trailing ?? 0)]);
}

const f32 = (...v: number[]): Buffer => bytesOf(Float32Array.from(v));

/** A file with this exact header text and data. */
const raw = (header: string | Buffer, data: Buffer = Buffer.alloc(0)): Buffer => {
  const h = Buffer.from(header);
  return Buffer.concat([u64(h.length), h, data]);
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let dir: string;
const tmpFile = (name: string): string => path.join(dir, name);
const leftovers = (): string[] => fs.readdirSync(dir).filter((f) => f.includes('.tmp-'));

/** Asserts `fn` throws an Error whose message names `file` and matches `re`. */
function throwsNaming(fn: () => unknown, file: string, re: RegExp): string {
  let message = '';
  assert.throws(fn, (err: Error) => {
    message = err.message;
    assert.ok(err instanceof Error);
    assert.ok(message.includes(file), `message does not name ${file}: ${message}`);
    assert.match(message, re);
    return true;
  });
  return message;
}

describe('safetensors', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cudnn-st-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('round trip', () => {
    it('save, then load into a fresh net whose shapes are still deferred: identical outputs, bitwise', () => {
      const a = readyNet(1);
      const file = tmpFile('lenet.safetensors');
      saveParameters(a.collectParams(), file, { framework: 'node-cudnn', epochs: '10' });
      const b = makeNet();
      b.initialize(init.Xavier()); // conv0.weight is (6,0,5,5) until the file completes it
      assert.ok(b.collectParams().get('conv0.weight')!.shape.includes(0));
      loadParameters(b.collectParams(), file);
      assert.deepEqual(snapshot(b), snapshot(a));
      assert.ok(bytesOf(b.forward(X).toArray()).equals(bytesOf(a.forward(X).toArray())));
      assert.deepEqual(readSafetensors(file).metadata, { framework: 'node-cudnn', epochs: '10' });
      assert.deepEqual(leftovers(), []);
    });

    it('loads over a net that already ran (other weights) and saves again to identical bytes', () => {
      const a = readyNet(2);
      const file = tmpFile('a.safetensors');
      saveParameters(a.collectParams(), file);
      const b = readyNet(3);
      assert.ok(!bytesOf(b.forward(X).toArray()).equals(bytesOf(a.forward(X).toArray())));
      loadParameters(b.collectParams(), file);
      assert.ok(bytesOf(b.forward(X).toArray()).equals(bytesOf(a.forward(X).toArray())));
      const again = tmpFile('b.safetensors');
      saveParameters(b.collectParams(), again);
      assert.ok(fs.readFileSync(again).equals(fs.readFileSync(file)));
    });

    it('names every parameter by its full name with its exact shape, F32', () => {
      const file = tmpFile('names.safetensors');
      saveParameters(readyNet(4).collectParams(), file);
      const { tensors } = readSafetensorsHeader(file);
      assert.deepEqual([...tensors].map(([k, e]) => `${k} ${e.dtype} (${e.shape.join(',')})`), [
        'conv0.weight F32 (6,1,5,5)', 'conv0.bias F32 (6)', 'conv1.weight F32 (16,6,5,5)', 'conv1.bias F32 (16)',
        'dense0.weight F32 (120,256)', 'dense0.bias F32 (120)', 'dense1.weight F32 (84,120)', 'dense1.bias F32 (84)',
        'dense2.weight F32 (10,84)', 'dense2.bias F32 (10)']);
    });

    it('refuses to save deferred shapes, naming them, and to load into a net never initialized', () => {
      const net = makeNet();
      net.initialize();
      const file = tmpFile('deferred.safetensors');
      const msg = throwsNaming(() => saveParameters(net.collectParams(), file), file,
        /^saveParameters: cannot save .*: conv0\.weight \(6,\?,5,5\), conv1\.weight \(16,\?,5,5\), dense0\.weight \(120,\?\), dense1\.weight \(84,\?\), dense2\.weight \(10,\?\) have no values yet; call net\.initialize\(\) and run one forward pass first$/);
      assert.ok(!msg.includes('conv0.bias'));
      assert.ok(!fs.existsSync(file));

      saveParameters(readyNet(5).collectParams(), file);
      throwsNaming(() => loadParameters(makeNet().collectParams(), file), file,
        /^loadParameters: cannot load .*: conv0\.weight, conv0\.bias, .*, dense2\.bias are not initialized; call net\.initialize\(\) first$/);
    });
  });

  describe('format (published spec)', () => {
    it('writes [[1,2],[3,4]] as the exact bytes: u64 LE length, JSON, space padding, LE floats', () => {
      const file = tmpFile('tiny.safetensors');
      writeSafetensors(file, new Map([['a', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]]));
      const json = '{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}';
      const padded = json + ' '.repeat((8 - (json.length % 8)) % 8);
      const expected = Buffer.concat([u64(padded.length), Buffer.from(padded),
        Buffer.from('0000803f000000400000404000008040', 'hex')]);
      assert.ok(fs.readFileSync(file).equals(expected), fs.readFileSync(file).toString('hex'));
    });

    it('parses by hand: offsets contiguous in order, data 8-byte aligned, metadata, padding only spaces', () => {
      const file = tmpFile('two.safetensors');
      writeSafetensors(file, new Map<string, TensorToWrite>([
        ['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }],
        ['bias', { shape: [3], data: Float32Array.of(0.5, -1, 2.5) }],
        ['scalar', { shape: [], data: Float32Array.of(-0) }],
        ['empty', { shape: [0, 3], data: new Float32Array(0) }],
      ]), { format: 'pt', note: 'héllo' });
      const buf = fs.readFileSync(file);
      const n = Number(buf.readBigUInt64LE(0));
      assert.equal((8 + n) % 8, 0, 'data starts 8-byte aligned');
      const text = buf.subarray(8, 8 + n).toString('utf8');
      const jsonText = text.trimEnd();
      assert.ok(text.length - jsonText.length > 0, 'this header needs padding, to test it');
      assert.match(text.slice(jsonText.length), /^ +$/);
      const header = JSON.parse(jsonText);
      assert.deepEqual(Object.keys(header), ['__metadata__', 'w', 'bias', 'scalar', 'empty']);
      assert.deepEqual(header, {
        __metadata__: { format: 'pt', note: 'héllo' },
        w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
        bias: { dtype: 'F32', shape: [3], data_offsets: [16, 28] },
        scalar: { dtype: 'F32', shape: [], data_offsets: [28, 32] },
        empty: { dtype: 'F32', shape: [0, 3], data_offsets: [32, 32] },
      });
      const data = buf.subarray(8 + n);
      assert.equal(data.length, 32);
      assert.deepEqual([0, 4, 8, 12, 16, 20, 24].map((o) => data.readFloatLE(o)), [1, 2, 3, 4, 0.5, -1, 2.5]);
      assert.equal(data.subarray(28).toString('hex'), '00000080'); // -0 keeps its sign bit
      const back = readSafetensors(file);
      assert.deepEqual([...back.tensors.keys()], ['w', 'bias', 'scalar', 'empty']);
      assert.deepEqual(back.tensors.get('bias'), { dtype: 'F32', shape: [3], data: Float32Array.of(0.5, -1, 2.5) });
      assert.ok(Object.is(back.tensors.get('scalar')!.data[0], -0));
      assert.deepEqual(back.metadata, { format: 'pt', note: 'héllo' });
    });

    it('reads files of other writers: unpadded header, JSON order unlike the data order, no metadata', () => {
      const file = tmpFile('other.safetensors');
      const bytes = craft([
        { name: 'second', shape: [2], bytes: f32(3, 4), offsets: [8, 16] },
        { name: 'first', shape: [1, 2], bytes: f32(1, 2), offsets: [0, 8] },
      ]);
      // craft() lays out data in entry order; swap the two 8-byte halves to match the offsets.
      const dataAt = bytes.length - 16;
      fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, dataAt), f32(1, 2), f32(3, 4)]));
      const { tensors, metadata } = readSafetensors(file);
      assert.deepEqual([...tensors.keys()], ['second', 'first']);
      assert.deepEqual(tensors.get('first')!.data, Float32Array.of(1, 2));
      assert.deepEqual(tensors.get('second')!.data, Float32Array.of(3, 4));
      assert.deepEqual(metadata, {});
    });

    it('agrees with Python safetensors both ways', function () {
      const candidates = [process.env.SAFETENSORS_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[];
      const python = candidates.find((py) =>
        spawnSync(py, ['-c', 'import safetensors.numpy, numpy'], { stdio: 'ignore' }).status === 0);
      if (!python) {
        this.test!.title += ' (skipped: no Python with the safetensors and numpy packages; set SAFETENSORS_PYTHON)';
        this.skip();
      }
      const ours = tmpFile('ours.safetensors');
      const theirs = tmpFile('theirs.safetensors');
      const lenet = tmpFile('py-lenet.safetensors');
      writeSafetensors(ours, new Map([
        ['a', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }],
        ['b', { shape: [3], data: Float32Array.of(0.1, -1e-30, 3.4e38) }],
      ]), { k: 'v' });
      saveParameters(readyNet(6).collectParams(), lenet);
      const script = `
import json, sys, numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file
ours, theirs, lenet = sys.argv[1:4]
t = load_file(ours)
with safe_open(ours, framework='np') as f: meta = f.metadata()
net = load_file(lenet)
save_file({'x': np.array([[0.25, -2.0, 1e-3]], dtype=np.float32), 'y': np.arange(4, dtype=np.float32)}, theirs, metadata={'from': 'python'})
print(json.dumps({'tensors': {k: {'dtype': str(v.dtype), 'shape': list(v.shape), 'hex': v.astype('<f4').tobytes().hex()} for k, v in t.items()},
  'meta': meta, 'lenet': {k: [list(v.shape), v.astype('<f4').tobytes().hex()[:64]] for k, v in net.items()}}))
`;
      const r = spawnSync(python!, ['-c', script, ours, theirs, lenet], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.tensors, {
        a: { dtype: 'float32', shape: [2, 2], hex: bytesOf(Float32Array.of(1, 2, 3, 4)).toString('hex') },
        b: { dtype: 'float32', shape: [3], hex: bytesOf(Float32Array.of(0.1, -1e-30, 3.4e38)).toString('hex') },
      });
      assert.deepEqual(out.meta, { k: 'v' });
      const mine = readSafetensors(lenet).tensors;
      assert.deepEqual(Object.keys(out.lenet).sort(), [...mine.keys()].sort());
      for (const [k, t] of mine) assert.deepEqual(out.lenet[k], [t.shape, bytesOf(t.data).toString('hex').slice(0, 64)]);
      const back = readSafetensors(theirs);
      assert.deepEqual(back.tensors.get('x'), { dtype: 'F32', shape: [1, 3], data: Float32Array.of(0.25, -2, 1e-3) });
      assert.deepEqual(back.tensors.get('y')!.data, Float32Array.of(0, 1, 2, 3));
      assert.deepEqual(back.metadata, { from: 'python' });
    });
  });

  describe('loading checks', () => {
    it('a shape mismatch names the parameter and both shapes; the net is unchanged', () => {
      const file = tmpFile('k5.safetensors');
      saveParameters(readyNet(7).collectParams(), file);
      const k3 = readyNet(8, 3);
      const before = snapshot(k3);
      const msg = throwsNaming(() => loadParameters(k3.collectParams(), file), file, /does not match the network/);
      assert.equal(msg, `loadParameters: ${file} does not match the network (1 problem):\n` +
        '  conv0.weight: file has (6,1,5,5) but the network has (6,1,3,3)');
      assert.deepEqual(snapshot(k3), before);

      // Deferred: the known dimensions must still agree, and the parameter stays deferred.
      const deferred = makeNet(3);
      deferred.initialize();
      throwsNaming(() => loadParameters(deferred.collectParams(), file), file,
        /\n {2}conv0\.weight: file has \(6,1,5,5\) but the network has \(6,\?,3,3\)$/);
      const w = deferred.collectParams().get('conv0.weight')!;
      assert.ok(!w.initialized);
      assert.deepEqual(w.shape, [6, 0, 3, 3]);
    });

    it('reports missing, unexpected, shape and dtype (hand-made F16) problems all at once; net unchanged', () => {
      const src = readSafetensors((() => {
        const f = tmpFile('src.safetensors');
        saveParameters(readyNet(9).collectParams(), f);
        return f;
      })()).tensors;
      const entries: Entry[] = [];
      for (const [name, t] of src) {
        if (name === 'conv1.bias') continue; // missing
        if (name === 'conv0.weight') entries.push({ name, shape: [6, 1, 3, 3], bytes: bytesOf(new Float32Array(54)) });
        else if (name === 'dense2.bias') entries.push({ name, dtype: 'F16', shape: [10], bytes: Buffer.alloc(20, 0x3c) });
        else entries.push({ name, shape: t.shape, bytes: bytesOf(t.data) });
      }
      entries.push({ name: 'extra.weight', shape: [2, 3], bytes: bytesOf(new Float32Array(6)) });
      const file = tmpFile('mismatch.safetensors');
      fs.writeFileSync(file, craft(entries));

      const net = readyNet(10);
      const before = snapshot(net);
      const out = bytesOf(net.forward(X).toArray());
      const msg = throwsNaming(() => loadParameters(net.collectParams(), file), file, /4 problems/);
      assert.equal(msg, `loadParameters: ${file} does not match the network (4 problems):\n` +
        '  conv0.weight: file has (6,1,3,3) but the network has (6,1,5,5)\n' +
        '  conv1.bias: missing in the file (the network has (16))\n' +
        '  dense2.bias: file has dtype F16 but the network has F32\n' +
        '  extra.weight: unexpected in the file (F32 (2,3)), not a parameter of the network\n' +
        '(loadParameters options: allowMissing, ignoreExtra)\n' +
        // names missing on one side and unexpected on the other: the hint on how names are made
        '(parameter names are paths of child names, e.g. residual0.conv1.weight, given in the order the ' +
        "children are registered; name children explicitly with registerChild(block, name) to match a file's names)");
      assert.deepEqual(snapshot(net), before);
      assert.ok(bytesOf(net.forward(X).toArray()).equals(out));
    });

    it('allowMissing keeps what the file lacks; ignoreExtra skips extra tensors of any dtype', () => {
      const src = readyNet(11);
      const f = tmpFile('src2.safetensors');
      saveParameters(src.collectParams(), f);
      const entries: Entry[] = [...readSafetensors(f).tensors].filter(([k]) => k !== 'conv1.bias')
        .map(([name, t]) => ({ name, shape: t.shape, bytes: bytesOf(t.data) }));
      entries.push({ name: 'optimizer.step', dtype: 'I64', shape: [], bytes: Buffer.alloc(8) });
      const file = tmpFile('partial.safetensors');
      fs.writeFileSync(file, craft(entries));

      const net = readyNet(12);
      const kept = snapshot(net).get('conv1.bias')!;
      throwsNaming(() => loadParameters(net.collectParams(), file, { allowMissing: true }), file,
        /\(1 problem\):\n {2}optimizer\.step: unexpected in the file \(I64 \(\)\), not a parameter of the network/);
      throwsNaming(() => loadParameters(net.collectParams(), file, { ignoreExtra: true }), file,
        /\(1 problem\):\n {2}conv1\.bias: missing in the file/);
      loadParameters(net.collectParams(), file, { allowMissing: true, ignoreExtra: true });
      const after = snapshot(net);
      const want = snapshot(src);
      for (const [k, v] of after) assert.ok(v.equals(k === 'conv1.bias' ? kept : want.get(k)!), k);
      // Block.loadParameters takes the same options (Gluon's allow_missing, ignore_extra).
      const viaBlock = readyNet(12);
      assert.throws(() => viaBlock.loadParameters(file), /conv1\.bias: missing in the file/);
      viaBlock.loadParameters(file, { allowMissing: true, ignoreExtra: true });
      assert.deepEqual(snapshot(viaBlock), after);
    });
  });

  describe('corrupt files', () => {
    const cases: [string, Buffer | null, RegExp][] = [
      ['missing file', null, /: file not found$/],
      ['3 bytes', Buffer.from('abc'), /: file is 3 bytes, shorter than the 8-byte header length; not a safetensors file$/],
      ['empty', Buffer.alloc(0), /: file is 0 bytes, shorter than the 8-byte header length/],
      ['header longer than the file', Buffer.concat([u64(1000), Buffer.alloc(20)]),
        /: header length 1000 bytes is larger than the file \(28 bytes\); not a safetensors file, or truncated$/],
      ['header length 2^64-1', Buffer.concat([u64(2n ** 64n - 1n), Buffer.from('{}')]),
        /: header length 18446744073709551615 bytes is absurd \(more than 100 MB; the file has 10 bytes\); not a safetensors file, or corrupt$/],
      ['header length 100 MB + 1', Buffer.concat([u64(100 * 1024 * 1024 + 1), Buffer.from('{}')]),
        /: header length 104857601 bytes is absurd/],
      ['text garbage', Buffer.from('this is not a safetensors file, just some text\n'), /: header length \d+ bytes is absurd/],
      ['PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), /: header length \d+ bytes is absurd/],
      ['header not UTF-8', raw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), /: header is not valid UTF-8$/],
      ['header not JSON', raw('{"a": '), /: header is not valid JSON \(.+\)$/],
      ['header an array', raw('[1,2]'), /: header is not a JSON object but an array$/],
      ['header null', raw('null'), /: header is not a JSON object but null$/],
      ['entry not an object', raw('{"a":1}'), /: tensor "a": entry is not an object$/],
      ['no dtype', raw('{"a":{"shape":[1],"data_offsets":[0,4]}}', f32(1)),
        /: tensor "a": missing "dtype"$/],
      ['no data_offsets', raw('{"a":{"dtype":"F32","shape":[1]}}', f32(1)),
        /: tensor "a": missing "data_offsets"$/],
      ['shape of strings', craft([{ name: 'a', shape: ['2', 2] as unknown as number[], bytes: f32(1, 2, 3, 4) }]),
        /: tensor "a": "shape" must be an array of non-negative integers, got \["2",2\]$/],
      ['negative dim', craft([{ name: 'a', shape: [-1, 4], bytes: f32(1, 2, 3, 4) }]),
        /: tensor "a": "shape" must be an array of non-negative integers, got \[-1,4\]$/],
      ['offsets reversed', craft([{ name: 'a', shape: [4], bytes: f32(1, 2, 3, 4), offsets: [16, 0] }]),
        /: tensor "a": "data_offsets" must be \[begin, end\] with 0 <= begin <= end, got \[16,0\]$/],
      ['dtype a number', craft([{ name: 'a', dtype: 7 as unknown as string, shape: [1], bytes: f32(1) }]),
        /: tensor "a": "dtype" must be a string, got 7$/],
      ['F16', craft([{ name: 'h', dtype: 'F16', shape: [2], bytes: Buffer.alloc(4) }]),
        /: tensor "h": dtype F16 is not supported \(only F32\)$/],
      ['shape and offsets disagree', craft([{ name: 'a', shape: [2, 2], bytes: f32(1, 2, 3) }]),
        /: tensor "a": shape \(2,2\) of F32 needs 16 bytes but data_offsets \[0,12\] hold 12$/],
      ['overlapping', craft([{ name: 'a', shape: [4], bytes: f32(1, 2, 3, 4) },
        { name: 'b', shape: [4], bytes: f32(5, 6), offsets: [8, 24] }]),
      /: tensor "b" \(bytes \[8,24\]\) overlaps tensor "a" \(which ends at 16\)$/],
      ['gap', craft([{ name: 'a', shape: [4], bytes: f32(1, 2, 3, 4) },
        { name: 'b', shape: [1], bytes: f32(0, 5), offsets: [20, 24] }]),
      /: bytes \[16,20\] of the data belong to no tensor \(after tensor "a"\)$/],
      ['data not at the start', craft([{ name: 'a', shape: [1], bytes: f32(0, 1), offsets: [4, 8] }]),
        /: bytes \[0,4\] of the data belong to no tensor$/],
      ['trailing bytes', craft([{ name: 'a', shape: [2], bytes: f32(1, 2) }], { trailing: 12 }),
        /: 12 unexpected bytes after the data$/],
      ['metadata not strings', craft([], { metadata: { n: 3 } }), /: "__metadata__" value "n" must be a string, got 3$/],
      ['metadata an array', craft([], { metadata: ['x'] }), /: "__metadata__" must be an object of strings$/],
      ['4 GB tensor claimed in a small file', craft([{ name: 'big', shape: [2 ** 30], bytes: f32(1), offsets: [0, 2 ** 32] }]),
        /: truncated: tensor "big" ends at byte \d+, so the file should be \d+ bytes, but it has \d+$/],
      ['element count beyond 2^53', craft([{ name: 'big', shape: [2 ** 40, 2 ** 40], bytes: f32(1) }]),
        /: tensor "big": shape \(1099511627776,1099511627776\) of F32 needs too many bytes/],
    ];

    for (const [title, bytes, re] of cases) {
      it(`${title}: a clear error naming the file`, () => {
        const file = tmpFile(`corrupt-${title.replace(/\W+/g, '-')}.safetensors`);
        if (bytes) fs.writeFileSync(file, bytes);
        throwsNaming(() => readSafetensors(file), file, new RegExp(`^readSafetensors: ${escapeRe(file)}${re.source}`));
      });
    }

    it('a truncated LeNet file says how many bytes it should have; loadParameters says the same', () => {
      const whole = tmpFile('whole.safetensors');
      saveParameters(readyNet(13).collectParams(), whole);
      const size = fs.statSync(whole).size;
      const file = tmpFile('half.safetensors');
      fs.writeFileSync(file, fs.readFileSync(whole).subarray(0, Math.floor(size / 2)));
      const re = new RegExp(`truncated: tensor "dense2\\.bias" ends at byte ${size}, so the file should be ${size} bytes, but it has ${Math.floor(size / 2)}$`);
      throwsNaming(() => readSafetensors(file), file, re);
      const net = readyNet(14);
      const before = snapshot(net);
      throwsNaming(() => loadParameters(net.collectParams(), file), file, re);
      assert.deepEqual(snapshot(net), before);
    });

    it('a directory is not a file', () => {
      throwsNaming(() => readSafetensors(dir), dir, /: not a regular file \(a directory\)$/);
    });
  });

  describe('atomic write', () => {
    const lib = path.resolve(__dirname, '../lib/io/safetensors.js');
    /** Child: writes a `mb` MB tensor to argv[1]; with 'self' it SIGKILLs itself after the first data chunk. */
    const child = `
const fs = require('fs');
const { writeSafetensors } = require(${JSON.stringify(lib)});
const [file, mb, mode] = process.argv.slice(1);
const n = Number(mb) * 1024 * 1024 / 4;
const tensors = new Map([['big', { shape: [n], data: new Float32Array(n).fill(7) }]]);
if (mode === 'self') {
  const real = fs.writeSync;
  let calls = 0;
  fs.writeSync = function (...args) {
    const r = real.apply(this, args);
    if (++calls === 2) process.kill(process.pid, 'SIGKILL'); // header, then one data chunk
    return r;
  };
}
process.stdout.write('writing\\n');
writeSafetensors(file, tensors);
process.stdout.write('done\\n');
`;
    const tempName = (pid: number) => new RegExp(`^\\.model\\.safetensors\\.tmp-${pid}-[0-9a-f]{12}$`);
    let file: string;
    let original: Buffer;

    beforeEach(() => {
      for (const f of leftovers()) fs.unlinkSync(tmpFile(f));
      file = tmpFile('model.safetensors');
      saveParameters(readyNet(15).collectParams(), file);
      original = fs.readFileSync(file);
    });

    it('a write failing midway throws naming the file, removes its temp file, keeps the old file', () => {
      const real = realFs.writeSync;
      let calls = 0;
      realFs.writeSync = function (this: unknown, ...args: unknown[]) {
        if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return (real as (...a: unknown[]) => number).apply(this, args);
      } as typeof realFs.writeSync;
      try {
        throwsNaming(() => saveParameters(readyNet(16).collectParams(), file), file,
          /^writeSafetensors: cannot write .*model\.safetensors: ENOSPC: no space left on device, write$/);
      } finally {
        realFs.writeSync = real;
      }
      assert.equal(calls, 2);
      assert.ok(fs.readFileSync(file).equals(original));
      assert.deepEqual(leftovers(), []);
    });

    it('bad input or an unwritable folder: an error naming the file, nothing written', () => {
      throwsNaming(() => writeSafetensors(file, new Map([['a', { shape: [2, 2], data: new Float32Array(3) }]])), file,
        /^writeSafetensors: cannot write .*: tensor "a": 3 values do not fill shape \(2,2\)$/);
      throwsNaming(() => writeSafetensors(file, new Map([['__metadata__', { shape: [1], data: new Float32Array(1) }]])), file,
        /"__metadata__" is reserved/);
      const nowhere = path.join(dir, 'no-such-folder', 'x.safetensors');
      throwsNaming(() => writeSafetensors(nowhere, new Map()), nowhere, /^writeSafetensors: cannot write .*: ENOENT/);
      assert.ok(fs.readFileSync(file).equals(original));
      assert.deepEqual(leftovers(), []);
    });

    it('SIGKILL inside the write (after the first data chunk): the old file is intact', () => {
      const r = spawnSync(process.execPath, ['-e', child, file, '64', 'self'], { encoding: 'utf8' });
      assert.equal(r.signal, 'SIGKILL', r.stderr);
      assert.equal(r.stdout, 'writing\n');
      assert.ok(fs.readFileSync(file).equals(original));
      // A process killed with SIGKILL cannot clean up: its partial temp file stays, under a name
      // that cannot be mistaken for the file (hidden, with the writer's pid), and is unreadable.
      const left = leftovers();
      assert.equal(left.length, 1);
      assert.match(left[0], tempName(r.pid!));
      throwsNaming(() => readSafetensors(tmpFile(left[0])), left[0], /truncated/);
    });

    it('SIGKILL from outside while writing 200 MB: the file is the old one or the complete new one', async function () {
      this.timeout(60000);
      const proc = spawn(process.execPath, ['-e', child, file, '200', 'outside'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stderr.on('data', (d) => { stderr += d; });
      const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.on('exit', (c, s) => resolve([c, s])));
      proc.stdout.on('data', (d) => {
        stdout += d;
        if (stdout === 'writing\n') setTimeout(() => proc.kill('SIGKILL'), 30);
      });
      const [code, signal] = await exit;
      const now = fs.readFileSync(file);
      if (signal === 'SIGKILL' && !stdout.includes('done')) {
        this.test!.title += ' (killed mid-write)';
        assert.ok(now.equals(original));
        const left = leftovers();
        assert.ok(left.length <= 1, left.join(', '));
        for (const f of left) {
          assert.match(f, tempName(proc.pid!));
          assert.throws(() => readSafetensors(tmpFile(f)), /readSafetensors: .*: /); // partial, never valid
        }
      } else {
        this.test!.title += ' (the write finished before the kill)';
        assert.equal(code ?? 0, 0, stderr);
        const { tensors } = readSafetensorsHeader(file);
        assert.deepEqual(tensors.get('big')!.shape, [50 * 1024 * 1024]);
        assert.deepEqual(leftovers(), []);
      }
    });
  });
});
