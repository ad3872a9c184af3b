// The op table (test/ops/table.ts) against what it describes: the addon's exports, their declared
// contract in binding.d.ts, the fuzzer's call builders and the functions in `ops`. Adding an op or
// an entry point without its table entry, builder or declaration fails here.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type * as TypeScript from 'typescript';
import { autograd, ops } from '../lib';
import { builders } from './fuzz/calls';
import { leaf, toTensor } from './helpers';
import { binding } from './ops/case';
import { infrastructure, table } from './ops/table';
import * as ref from './reference';

const root = path.join(__dirname, '..', '..');
const sorted = (names: Iterable<string>) => [...names].sort();

/** The method names of `interface Binding` in binding.d.ts, read with the TypeScript parser. */
function declaredMethods(): string[] {
  // Loaded here, not at the top: the GPU machine's bundle has no compiler, and loads this file too.
  const ts: typeof TypeScript = require('typescript');
  const file = path.join(root, 'binding.d.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'Binding') return;
    for (const member of node.members) {
      if (ts.isMethodSignature(member) && member.name && ts.isIdentifier(member.name)) names.push(member.name.text);
    }
  });
  assert.ok(names.length > 0, `no interface Binding with methods in ${file}`);
  return names;
}

/** The functions a module object exports (the addon's entry points, the `ops` namespace). */
function functionsOf(module: object): string[] {
  return Object.keys(module).filter((k) => typeof (module as Record<string, unknown>)[k] === 'function');
}

/** The binding exports that `run` calls, found by wrapping each one for the duration. */
function nativeCalls(run: () => void): Set<string> {
  const b = binding as unknown as Record<string, (...a: unknown[]) => unknown>;
  const called = new Set<string>();
  const saved = new Map(functionsOf(b).map((k) => [k, b[k]]));
  for (const [k, f] of saved) b[k] = (...a: unknown[]) => { called.add(k); return f(...a); };
  try {
    run();
  } finally {
    for (const [k, f] of saved) b[k] = f;
  }
  return called;
}

describe('the op table', () => {
  const exports = functionsOf(binding);

  it('the addon exports exactly the methods that binding.d.ts declares for it', () => {
    assert.deepEqual(sorted(exports), sorted(declaredMethods()), 'addon exports (actual) vs binding.d.ts (expected)');
  });

  it('the fuzzer has a valid-call builder for every native entry point, and none other', () => {
    assert.deepEqual(sorted(Object.keys(builders)), sorted(exports), 'fuzz/calls.ts builders (actual) vs addon exports (expected)');
  });

  it('every native entry point is reached by an op or listed as infrastructure, not both', () => {
    const reached = new Set(table.flatMap((e) => e.native));
    assert.deepEqual(exports.filter((k) => !reached.has(k) && !infrastructure.includes(k)), [], 'neither reached nor listed');
    assert.deepEqual(infrastructure.filter((k) => reached.has(k)), [], 'listed as infrastructure but reached by an op');
    assert.deepEqual([...reached, ...infrastructure].filter((k) => !exports.includes(k)), [], 'not exported by the addon');
  });

  it('every function in ops has exactly one entry', () => {
    const names = table.map((e) => e.op);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'entries twice');
    assert.deepEqual(sorted(names), sorted(functionsOf(ops)), 'table entries (actual) vs functions in ops (expected)');
  });

  it('every entry has a case, and a gradient-checked one when it has a backward', () => {
    for (const e of table) {
      assert.ok(e.cases.length > 0, `${e.op}: no case`);
      if (e.cases.some((c) => c.backward)) assert.ok(e.cases.some((c) => c.gradcheck), `${e.op}: no gradient-checked case`);
    }
  });

  it("each entry's native list is what its cases call, forward and backward (on the CPU)", () => {
    for (const e of table) {
      // The gradient-checked cases are small and cover each variant (bias, activation, mode).
      const small = e.cases.filter((c) => c.gradcheck);
      const called = nativeCalls(() => {
        for (const c of small.length > 0 ? small : e.cases) {
          const inputs = c.inputs(new ref.Rng(c.seed));
          const constant = new Set(c.constant ?? []);
          const xs = inputs.map((a, i) => (constant.has(i) ? toTensor(a) : leaf(a)));
          const y = autograd.record(() => c.call(...xs));
          if (c.backward) y.backward();
        }
      });
      assert.deepEqual(sorted([...called].filter((k) => !infrastructure.includes(k))), sorted(e.native), e.op);
    }
  });
});
