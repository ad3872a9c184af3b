// The shape of lib/: folders ("wings") that depend in one direction only, no import cycle between
// files, and the native addon reached only through lib/core/ and lib/ops/. Read from the sources'
// import lines; `import type` counts like any other import (a type cycle is still a cycle).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const lib = path.join(__dirname, '..', '..', 'lib');

/**
 * The wings each wing may import besides itself, lowest first. lib/index.ts, the public entry, is
 * the only file outside a wing and may import any of them.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],                                                   // tensor, autograd, the addon, devices
  io: [],                                                     // files and safetensors, no tensors
  ops: ['core'],                                              // every addon call beyond core's own
  plot: ['core', 'io'],                                       // the training history and its charts
  data: ['core', 'io', 'ops'],
  nn: ['core', 'io', 'ops'],
  models: ['core', 'ops', 'nn'],                              // the book's networks, built from nn's layers
  optim: ['core', 'ops', 'nn'],
  train: ['core', 'io', 'ops', 'plot', 'data', 'nn', 'optim'],
};

/** The error helpers, which every wing may import (io/ included): they import nothing but each other. */
const BASE = ['core/errors.ts', 'core/check.ts'];

/** Where the addon is loaded; only these wings may import it. */
const ADDON = 'core/binding.ts';
const ADDON_WINGS = ['core', 'ops'];

/** file (relative to lib/, with '/') → the lib files it imports. */
type Graph = Map<string, string[]>;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (file: string) => path.relative(lib, file).split(path.sep).join('/');

// Relative specifiers of static imports and re-exports (`from '…'`, `import '…'`), dynamic
// `import('…')` and `require('…')`, outside comment lines.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

function importsOf(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8').split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join('\n');
  const out: string[] = [];
  for (const [, spec] of code.matchAll(SPECIFIER)) {
    const target = path.resolve(path.dirname(file), spec);
    if (path.relative(lib, target).startsWith('..')) continue;  // outside lib/: binding.d.ts
    const hit = [`${target}.ts`, path.join(target, 'index.ts')].find((f) => fs.existsSync(f));
    assert.ok(hit, `${rel(file)}: cannot resolve '${spec}'`);
    out.push(rel(hit));
  }
  return out;
}

function libGraph(): Graph {
  return new Map(sources(lib).map((f) => [rel(f), importsOf(f)]));
}

/** The wing of a file: its folder under lib/, or '.' for the public entry. */
const wingOf = (file: string) => (file.includes('/') ? file.split('/')[0] : '.');

/** One cycle of the graph as a path (first file repeated at the end), or null. */
function findCycle(graph: Graph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of [...graph.keys()].sort()) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

/** Imports that go against the wing order, as 'from → to' lines. */
function backwardImports(graph: Graph): string[] {
  const bad: string[] = [];
  for (const [from, tos] of graph) {
    const wing = wingOf(from);
    if (wing === '.') continue;
    for (const to of tos) {
      const target = wingOf(to);
      if (target !== wing && !(MAY_IMPORT[wing] ?? []).includes(target) && !BASE.includes(to)) bad.push(`${from} → ${to}`);
    }
  }
  return bad;
}

/** Files outside lib/core/ and lib/ops/ that import the addon. */
function addonImporters(graph: Graph): string[] {
  return [...graph].filter(([from, tos]) => tos.includes(ADDON) && !ADDON_WINGS.includes(wingOf(from)))
    .map(([from]) => from);
}

describe('lib/ layout', () => {
  const graph = libGraph();

  it('reads every file and its imports', () => {
    assert.ok(graph.size > 50, `only ${graph.size} files under ${lib}`);
    assert.ok(graph.get('index.ts')!.includes('core/tensor.ts'));
    assert.ok(graph.get('nn/conv.ts')!.includes('ops/conv.ts'));
    assert.ok(graph.get('models/resnet.ts')!.includes('nn/block.ts'));
  });

  it('keeps everything but index.ts in a known wing', () => {
    const stray = [...graph.keys()].filter((f) => wingOf(f) === '.' ? f !== 'index.ts' : !(wingOf(f) in MAY_IMPORT));
    assert.deepEqual(stray, []);
  });

  it('has wings that depend in one direction (the table has no cycle)', () => {
    const wings = new Map(Object.entries(MAY_IMPORT).map(([w, deps]) => [w, [...deps]]));
    assert.equal(findCycle(wings), null);
  });

  it('has no import cycle', () => {
    const cycle = findCycle(graph);
    assert.equal(cycle, null, `import cycle: ${cycle?.join(' → ')}`);
  });

  it('imports only down the wing order', () => {
    assert.deepEqual(backwardImports(graph), []);
  });

  it('keeps the error helpers free of other imports (every wing imports them)', () => {
    for (const f of BASE) assert.deepEqual(graph.get(f)!.filter((to) => !BASE.includes(to)), [], f);
  });

  it('imports the addon only from lib/core/ and lib/ops/', () => {
    assert.ok([...graph.values()].some((tos) => tos.includes(ADDON)), `nothing imports ${ADDON}`);
    assert.deepEqual(addonImporters(graph), []);
  });

  it('catches a planted cycle, backward import and addon import', () => {
    const planted = new Map(graph);
    planted.set('core/tensor.ts', [...graph.get('core/tensor.ts')!, 'core/autograd.ts']);
    planted.set('nn/block.ts', [...graph.get('nn/block.ts')!, 'train/trainer.ts']);
    planted.set('data/idx.ts', [...graph.get('data/idx.ts')!, ADDON]);
    assert.ok(findCycle(planted)?.includes('core/autograd.ts'));
    assert.deepEqual(backwardImports(planted), ['nn/block.ts → train/trainer.ts']);
    assert.deepEqual(addonImporters(planted), ['data/idx.ts']);
  });
});
