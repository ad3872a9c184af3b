// The README's quick start runs as written: its first ```js block under "## Quick start" is saved as
// a file in a fresh folder whose node_modules/node-cudnn is this package, and run with node.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');  // dist-test/test → the repository
const hasData = fs.existsSync('/usr/share/datasets/fashion-mnist') || !!process.env.NODE_CUDNN_FASHION_MNIST;

/** The first ```js block after the heading `heading` of README.md (throws when there is none). */
export function readmeBlock(heading: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README.md has no "${heading}" section`);
  const next = readme.indexOf('\n## ', at + 1);
  const section = readme.slice(at, next < 0 ? undefined : next);
  const m = /\n```js\n([\s\S]*?)\n```/.exec(section);
  assert.ok(m, `README.md's "${heading}" section has no \`\`\`js block`);
  return m[1] + '\n';
}

describe('README quick start', function () {
  this.timeout(180_000);

  it('is a complete CommonJS file whose training loop yields to the event loop', () => {
    const code = readmeBlock('## Quick start');
    assert.match(code, /require\('node-cudnn'\)/);
    assert.match(code, /await new Promise\(setImmediate\)/, 'the loop must yield, as the README says a loop should');
    // A syntax check, as the file a user saves: top-level await with require is a SyntaxError here.
    const dir = tempDir('quickstart-syntax-');
    const file = path.join(dir, 'quickstart.js');
    fs.writeFileSync(file, code);
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  it('runs as written on a few batches and prints a test accuracy per epoch', function () {
    if (!hasData) this.skip();
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'index.js')), 'build the package first (npx tsc -p .)');
    const dir = tempDir('quickstart-');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'node-cudnn'), 'dir');
    fs.writeFileSync(path.join(dir, 'quickstart.js'), readmeBlock('## Quick start'));
    // LIMIT=512: two batches per epoch; on the CPU so that the run takes seconds anywhere.
    const run = spawnSync(process.execPath, ['quickstart.js'], {
      cwd: dir, encoding: 'utf8', timeout: 150_000,
      env: { ...process.env, LIMIT: '512', NODE_CUDNN_DEVICE: 'cpu' },
    });
    assert.equal(run.status, 0, `quickstart.js failed:\n${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 10, run.stdout);
    lines.forEach((line, i) => assert.match(line, new RegExp(`^epoch ${i + 1}: test accuracy (0\\.\\d{3}|1\\.000)$`)));
  });
});
