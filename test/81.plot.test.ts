// Training curves: the history and its JSON form, the SVG through vega-lite/vega, the text chart.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EpochRecord, TrainingHistory, svgUnavailable, terminalChart, writeCurvesSvg } from '../lib/plot';

/** A LeNet-like run: loss falling from 2.3, accuracies rising towards 0.8 and more. */
function fakeRun(epochs: number, testEvery = 1): EpochRecord[] {
  const records: EpochRecord[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const decay = Math.exp(-(epoch - 1) / 3);
    const record: EpochRecord = { epoch, trainLoss: 0.45 + 1.85 * decay, trainAcc: 0.85 - 0.75 * decay };
    if (testEvery > 0 && epoch % testEvery === 0) record.testAcc = 0.83 - 0.6 * decay;
    records.push(record);
  }
  return records;
}

const SERIES = ['train loss', 'train acc', 'test acc'];

/** The `d` of each line-mark path of an SVG, by series name (vega labels each mark for screen readers). */
function linePaths(svg: string): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  for (const [tag] of svg.matchAll(/<path [^>]*aria-roledescription="line mark"[^>]*>/g)) {
    const series = /series: ([^";]+)/.exec(tag)?.[1] ?? '?';
    const d = /\sd="([^"]*)"/.exec(tag)?.[1] ?? '';
    lines.set(series, [...(lines.get(series) ?? []), d]);
  }
  return lines;
}

/** Points drawn by an SVG path: one M and one L per point. */
const pathPoints = (d: string) => (d.match(/[ML]/g) ?? []).length;

/** Visible columns of a line of text (colour codes removed). */
// eslint-disable-next-line no-control-regex
const columns = (line: string) => Array.from(line.replace(/\x1b\[[0-9;]*m/g, '')).length;

describe('plot', () => {
  describe('TrainingHistory', () => {
    it('records epochs in order as frozen copies, with testAcc only where given', () => {
      const history = new TrainingHistory();
      const first = { epoch: 1, trainLoss: 2.3, trainAcc: 0.1, testAcc: 0.2 };
      assert.equal(history.add(first), history);
      history.add({ epoch: 2, trainLoss: 1.1, trainAcc: 0.6 });
      first.trainLoss = 99;
      assert.equal(history.length, 2);
      assert.deepEqual(history.records, [
        { epoch: 1, trainLoss: 2.3, trainAcc: 0.1, testAcc: 0.2 },
        { epoch: 2, trainLoss: 1.1, trainAcc: 0.6 },
      ]);
      assert.ok(!('testAcc' in history.records[1]));
      assert.ok(Object.isFrozen(history.records[0]));
      assert.equal(new TrainingHistory(fakeRun(5)).length, 5);
    });

    it('rejects malformed records and epochs that do not increase', () => {
      const history = new TrainingHistory(fakeRun(3));
      assert.throws(() => history.add({ epoch: 3, trainLoss: 1, trainAcc: 0.5 }), (err: Error) =>
        err instanceof RangeError && /TrainingHistory\.add: expected an epoch after 3 for record\.epoch/.test(err.message));
      assert.throws(() => history.add({ epoch: 4, trainLoss: '1' as unknown as number, trainAcc: 0.5 }),
        (err: Error) => err instanceof TypeError && /record\.trainLoss/.test(err.message));
      assert.throws(() => history.add({ epoch: NaN, trainLoss: 1, trainAcc: 0.5 }), RangeError);
      assert.throws(() => history.add(null as unknown as EpochRecord), TypeError);
      assert.equal(history.length, 3);
      // A diverged epoch is a record like any other.
      history.add({ epoch: 4, trainLoss: NaN, trainAcc: 0.1 });
      assert.equal(history.length, 4);
    });

    it('survives a JSON round trip, missing test accuracies and non-finite losses included', () => {
      const history = new TrainingHistory(fakeRun(7, 2));
      history.add({ epoch: 8, trainLoss: NaN, trainAcc: 0.1, testAcc: 0.1 });
      const text = JSON.stringify({ checkpoint: 'x', history });
      const again = TrainingHistory.fromJSON(JSON.parse(text).history);
      assert.ok(again instanceof TrainingHistory);
      assert.deepEqual(again.records, history.records);
      assert.ok(Number.isNaN(again.records[7].trainLoss));
      assert.ok(!('testAcc' in again.records[0]));
      assert.deepEqual(history.toJSON()[7], { epoch: 8, trainLoss: null, trainAcc: 0.1, testAcc: 0.1 });
      // The restored history goes on recording.
      again.add({ epoch: 9, trainLoss: 0.4, trainAcc: 0.85 });
      assert.equal(again.length, 9);
    });

    it('fromJSON names what is wrong', () => {
      assert.throws(() => TrainingHistory.fromJSON({ records: [] }), /fromJSON: expected an array/);
      assert.throws(() => TrainingHistory.fromJSON([{ epoch: 1, trainLoss: 1, trainAcc: 'x' }]),
        (err: Error) => err instanceof TypeError && /json\[0\]\.trainAcc/.test(err.message));
      assert.throws(() => TrainingHistory.fromJSON([{ epoch: 2, trainLoss: 1, trainAcc: 1 }, { epoch: 1, trainLoss: 1, trainAcc: 1 }]),
        (err: Error) => err instanceof RangeError && /json\[1\]\.epoch/.test(err.message));
    });
  });

  describe('writeCurvesSvg', function () {
    this.timeout(30000);
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cudnn-plot-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('draws the three series of 10 epochs, one line each, with a legend and y from 0', async () => {
      const file = path.join(dir, 'curves.svg');
      await writeCurvesSvg(file, new TrainingHistory(fakeRun(10)), { title: 'LeNet' });
      const svg = fs.readFileSync(file, 'utf8');
      assert.ok(svg.startsWith('<svg'), svg.slice(0, 80));
      assert.ok(svg.trimEnd().endsWith('</svg>'));
      assert.match(svg, /width="480" height="320"/);
      const lines = linePaths(svg);
      assert.deepEqual([...lines.keys()].sort(), [...SERIES].sort());
      for (const name of SERIES) {
        assert.equal(lines.get(name)!.length, 1, `one line for ${name}`);
        assert.equal(pathPoints(lines.get(name)![0]), 10, `10 points for ${name}`);
        assert.ok(svg.includes(`>${name}</text>`), `legend label ${name}`);
      }
      assert.ok(svg.includes('>LeNet</text>'));
      assert.ok(svg.includes('>epoch</text>'));
      assert.ok(svg.includes('>loss / accuracy</text>'), 'y axis title');
      assert.match(svg, /Y-axis[^"]*values from 0\.0 to/);
      assert.deepEqual(fs.readdirSync(dir), ['curves.svg']);
    });

    it('draws a single epoch (as markers) and 30 epochs, from plain arrays too', async () => {
      const one = path.join(dir, 'one.svg');
      await writeCurvesSvg(one, fakeRun(1), { width: 300, height: 200 });
      const svg1 = fs.readFileSync(one, 'utf8');
      assert.ok(svg1.startsWith('<svg'));
      assert.ok(svg1.includes('>training curves</text>'), 'default title');
      assert.match(svg1, /width="300" height="200"/);
      for (const name of SERIES) {
        assert.equal(linePaths(svg1).get(name)?.length, 1, name);
        assert.ok(svg1.includes(`aria-roledescription="point"`) && svg1.includes(`series: ${name}`), `marker for ${name}`);
      }
      const many = path.join(dir, 'many.svg');
      await writeCurvesSvg(many, fakeRun(30));
      const lines = linePaths(fs.readFileSync(many, 'utf8'));
      for (const name of SERIES) assert.equal(pathPoints(lines.get(name)![0]), 30, name);
    });

    it('titles the y axis "loss" when there is no accuracy (regression)', async () => {
      const file = path.join(dir, 'loss.svg');
      await writeCurvesSvg(file, fakeRun(5).map((r) => ({ epoch: r.epoch, trainLoss: r.trainLoss, trainAcc: NaN })));
      const svg = fs.readFileSync(file, 'utf8');
      assert.deepEqual([...linePaths(svg).keys()], ['train loss']);
      assert.ok(svg.includes('>loss</text>') && !svg.includes('accuracy'), 'y axis title');
    });

    it('leaves test acc out where it is missing', async () => {
      const none = path.join(dir, 'none.svg');
      await writeCurvesSvg(none, fakeRun(10, 0));
      const svg = fs.readFileSync(none, 'utf8');
      assert.deepEqual([...linePaths(svg).keys()].sort(), ['train acc', 'train loss']);
      assert.ok(!svg.includes('test acc'));

      const some = path.join(dir, 'some.svg');
      const records = fakeRun(30, 5);
      records[3].trainLoss = NaN;
      await writeCurvesSvg(some, records);
      const lines = linePaths(fs.readFileSync(some, 'utf8'));
      assert.equal(pathPoints(lines.get('test acc')![0]), 6);
      assert.equal(pathPoints(lines.get('train acc')![0]), 30);
      assert.equal(pathPoints(lines.get('train loss')![0]), 29);
    });

    it('writes atomically: a failed write names the file and leaves nothing behind', async () => {
      const missing = path.join(dir, 'no-such-folder', 'curves.svg');
      await assert.rejects(writeCurvesSvg(missing, fakeRun(3)), (err: Error) => {
        assert.ok(err.message.includes(missing), err.message);
        assert.equal((err.cause as NodeJS.ErrnoException).code, 'ENOENT');
        return true;
      });
      assert.deepEqual(fs.readdirSync(dir), []);

      // The rename fails (the target is a folder): the temporary file is removed.
      const blocked = path.join(dir, 'blocked.svg');
      fs.mkdirSync(blocked);
      await assert.rejects(writeCurvesSvg(blocked, fakeRun(3)), (err: Error) => err.message.includes(blocked));
      assert.deepEqual(fs.readdirSync(dir), ['blocked.svg']);
      assert.deepEqual(fs.readdirSync(blocked), []);

      // An existing picture is replaced whole.
      const file = path.join(dir, 'curves.svg');
      fs.writeFileSync(file, 'old');
      await writeCurvesSvg(file, fakeRun(3));
      assert.ok(fs.readFileSync(file, 'utf8').startsWith('<svg'));
      assert.deepEqual(fs.readdirSync(dir).sort(), ['blocked.svg', 'curves.svg']);
    });

    it('rejects an empty history, malformed records and bad options, naming the file', async () => {
      const file = path.join(dir, 'x.svg');
      await assert.rejects(writeCurvesSvg(file, new TrainingHistory()),
        (err: Error) => err instanceof RangeError && err.message.includes(file) && /no epochs/.test(err.message));
      await assert.rejects(writeCurvesSvg(file, [{ epoch: 2, trainLoss: 1, trainAcc: 1 }, { epoch: 2, trainLoss: 1, trainAcc: 1 }]),
        (err: Error) => err instanceof RangeError && err.message.includes(file) && /history\[1\]\.epoch/.test(err.message));
      await assert.rejects(writeCurvesSvg(file, fakeRun(2), { width: 20 }),
        (err: Error) => err instanceof RangeError && err.message.includes(file) && /options\.width/.test(err.message));
      assert.deepEqual(fs.readdirSync(dir), []);
    });
  });

  describe('without vega and vega-lite (optional peer dependencies)', function () {
    this.timeout(60000);
    const lib = path.join(__dirname, '..', 'lib');
    // A Node process in which `names` cannot be resolved, as in a project that did not install them.
    const without = (names: string[], script: string) => execFileSync(process.execPath, ['-e',
      `const Module = require('module'); const resolve = Module._resolveFilename; const hidden = ${JSON.stringify(names)};` +
      'Module._resolveFilename = function (request, ...rest) {' +
      '  if (hidden.includes(request)) throw Object.assign(new Error(`Cannot find module ${request}`), { code: "MODULE_NOT_FOUND" });' +
      '  return resolve.call(this, request, ...rest); };' + script,
    ], { encoding: 'utf8', cwd: os.tmpdir() });

    it('writeCurvesSvg rejects naming the file and what to install, and writes nothing', () => {
      const file = path.join(os.tmpdir(), `node-cudnn-no-vega-${process.pid}.svg`);
      const out = without(['vega-lite'], `const plot = require(${JSON.stringify(path.join(lib, 'plot'))});` +
        'console.log(JSON.stringify(plot.svgUnavailable()));' +
        `plot.writeCurvesSvg(${JSON.stringify(file)}, [{ epoch: 1, trainLoss: 1, trainAcc: 0.5 }])` +
        '.then(() => console.log("written"), (err) => console.log(err.code + " " + err.message));');
      const [reason, error] = out.trim().split('\n');
      assert.equal(JSON.parse(reason), 'vega-lite is not installed: install vega vega-lite to save training curves as SVG (npm install vega vega-lite)');
      assert.equal(error, `NC_FILE writeCurvesSvg: cannot draw ${file}: ${JSON.parse(reason)}`);
      assert.ok(!fs.existsSync(file));
      assert.equal(svgUnavailable(), null, 'both installed here');
    });

    it('fit trains without the picture and says so at the start and the end', () => {
      const file = path.join(os.tmpdir(), `node-cudnn-no-vega-${process.pid}.svg`);
      const out = without(['vega', 'vega-lite'], `const { data, fit, loss, nn, Trainer } = require(${JSON.stringify(lib)});` +
        'const ds = new data.ArrayDataset(new Float32Array([0, 1, 2, 3]), new Float32Array([0, 2, 4, 6]), { featureShape: [1] });' +
        'const net = new nn.Sequential(); net.add(new nn.Dense(1)); net.initialize();' +
        'const loader = new data.DataLoader(ds, { batchSize: 2 });' +
        'fit(net, loader, loader, { epochs: 2, loss: new loss.L2Loss(), trainer: new Trainer(net.collectParams(), "sgd", { learningRate: 0.01 }),' +
        `  progress: false, plot: ${JSON.stringify(file)} }).then((r) => console.log("epochs " + r.history.length));`);
      const hint = 'vega and vega-lite are not installed: install vega vega-lite to save training curves as SVG';
      const lines = out.trim().split('\n');
      assert.ok(lines[0].startsWith(`fit: option plot: ${file} will not be drawn: ${hint}`), lines[0]);
      assert.ok(lines.some((l) => l.startsWith(`training curves not written to ${file}: ${hint}`)), out);
      assert.equal(lines.at(-1), 'epochs 2');
      assert.ok(!fs.existsSync(file));
    });
  });

  describe('terminalChart', () => {
    /** The chart's panels by name: the header line and the rows under it (label, axis, cells). */
    function panels(chart: string): Map<string, { header: string; rows: { label: number; cells: string }[] }> {
      const out = new Map<string, { header: string; rows: { label: number; cells: string }[] }>();
      let current: { header: string; rows: { label: number; cells: string }[] } | undefined;
      for (const line of chart.split('\n')) {
        const row = /^ *(-?[\d.]+)[┤┼](.*)$/.exec(line);
        if (row) current!.rows.push({ label: Number(row[1]), cells: row[2] });
        else if (/^(loss|accuracy) /.test(line)) out.set(line.split(' ')[0], current = { header: line, rows: [] });
      }
      return out;
    }
    /** Rows of a panel where `glyph` is drawn. */
    const rowsWith = (rows: { cells: string }[], glyph: string) => rows.flatMap((r, i) => (r.cells.includes(glyph) ? [i] : []));

    it('draws 10 epochs in 60 columns: a loss panel over an accuracy panel, each with its axis and legend', () => {
      const records = fakeRun(10);
      const chart = terminalChart(new TrainingHistory(records));
      const lines = chart.split('\n');
      assert.equal(lines.length, 2 * (1 + 9) + 1, chart);
      for (const line of lines) assert.ok(columns(line) <= 60, `${columns(line)} columns: ${line}`);
      assert.ok(lines.some((line) => columns(line) >= 55), 'uses the width');
      assert.match(lines.at(-1)!, /^\s+1\s+epoch\s+10$/);
      const last = records[9];
      const { loss, accuracy } = Object.fromEntries(panels(chart));
      assert.equal(loss.header, `loss  ─ train loss ${last.trainLoss.toFixed(3)}`);
      assert.match(accuracy.header, new RegExp(`^accuracy  ═ train acc ${last.trainAcc.toFixed(3)}  ┄ test acc ${last.testAcc!.toFixed(3)}`));
      for (const panel of [loss, accuracy]) {
        assert.equal(panel.rows.length, 9);
        panel.rows.slice(1).forEach((r, i) => assert.ok(r.label < panel.rows[i].label, 'labels fall row by row'));
      }
      // Each axis spans its own values: the loss from 2.3 to 0.5, the accuracies from 0.1 to 0.85.
      assert.ok(loss.rows[0].label >= 2.3 && loss.rows[8].label <= 0.5 && loss.rows[8].label >= 0.25, chart);
      assert.ok(accuracy.rows[0].label >= 0.85 && accuracy.rows[0].label <= 1 && accuracy.rows[8].label <= 0.1, chart);
      // Every series in its own panel, rising or falling across it.
      assert.deepEqual([rowsWith(accuracy.rows, '─'), rowsWith(loss.rows, '═'), rowsWith(loss.rows, '┄')], [[], [], []]);
      assert.ok(rowsWith(loss.rows, '─').length >= 6 && rowsWith(accuracy.rows, '═').length >= 4, chart);
      assert.ok(!chart.includes('\x1b'));
    });

    it("draws accuracies at chance beside a loss of 2.3 as lines that move (the old single axis drew them flat)", () => {
      // A sigmoid LeNet's first epochs: the loss barely moves, train acc creeps from 0.100 to 0.110.
      const records = [1, 2, 3, 4, 5].map((epoch) => ({ epoch, trainLoss: 2.31 - 0.01 * epoch, trainAcc: 0.1 + 0.002 * epoch, testAcc: 0.1 }));
      const { loss, accuracy } = Object.fromEntries(panels(terminalChart(records)));
      assert.ok(rowsWith(accuracy.rows, '═').length >= 5, accuracy.rows.map((r) => r.cells).join('\n'));
      assert.ok(rowsWith(loss.rows, '─').length >= 5);
      assert.equal(rowsWith(accuracy.rows, '┄').length, 1);  // test acc flat at 0.100, on its own row
      assert.equal(accuracy.rows.at(-1)!.label, 0.1);
    });

    it('marks where train and test accuracy fall on the same cell, so neither hides the other', () => {
      const records = fakeRun(10).map((r) => ({ ...r, testAcc: r.trainAcc }));
      const chart = terminalChart(records);
      const { accuracy } = Object.fromEntries(panels(chart));
      assert.match(accuracy.header, / {2}\* both$/);
      assert.ok(accuracy.rows.every((r) => !r.cells.includes('┄')), chart);  // all of test acc lies on train acc
      assert.ok(rowsWith(accuracy.rows, '*').length >= 5, chart);
      assert.doesNotMatch(terminalChart(fakeRun(3).map((r) => ({ ...r, testAcc: r.trainAcc + 0.5 }))), /both/);
    });

    it('draws a single epoch as flat lines', () => {
      const chart = terminalChart(fakeRun(1));
      for (const line of chart.split('\n')) assert.ok(columns(line) <= 60, line);
      const { loss, accuracy } = Object.fromEntries(panels(chart));
      assert.match(loss.header, /train loss 2\.300/);
      assert.match(accuracy.header, /train acc 0\.100 .*test acc 0\.230/);
      assert.ok(loss.rows.some((r) => /─{40}/.test(r.cells)), chart);
      assert.ok(accuracy.rows.some((r) => /═{40}/.test(r.cells)) && accuracy.rows.some((r) => /┄{40}/.test(r.cells)), chart);
    });

    it('samples 30 and 1000 epochs down to the width and height asked for', () => {
      const chart = terminalChart(fakeRun(30, 5), { width: 40, height: 6 });
      const lines = chart.split('\n');
      assert.equal(lines.length, 2 * (1 + 7) + 1, chart);
      for (const line of lines) assert.ok(columns(line) <= 40, `${columns(line)} columns: ${line}`);
      assert.match(lines.at(-1)!, /1\s+epoch\s+30$/);
      const big = terminalChart(fakeRun(1000, 10)).split('\n');
      for (const line of big) assert.ok(columns(line) <= 60, line);
    });

    it('leaves out test acc where it is missing, the accuracy panel for a regression, and colours only when asked', () => {
      const plain = terminalChart(fakeRun(10, 0));
      assert.ok(!plain.includes('test acc'));
      assert.match(plain, /\naccuracy {2}═ train acc [\d.]+\n/);
      const regression = terminalChart([1, 2, 3].map((epoch) => ({ epoch, trainLoss: 1e-3 / epoch, trainAcc: NaN })));
      assert.deepEqual([...panels(regression).keys()], ['loss']);
      assert.match(regression, /^loss {2}─ train loss 0\.000333\n/);
      assert.equal(panels(regression).get('loss')!.rows.length, 9);
      const coloured = terminalChart(fakeRun(10), { colors: true });
      assert.ok(coloured.includes('\x1b[34m') && coloured.includes('\x1b[35m') && coloured.includes('\x1b[32m'));
      for (const line of coloured.split('\n')) assert.ok(columns(line) <= 60, line);
    });

    it('rejects an empty history and bad options', () => {
      assert.throws(() => terminalChart([]), (err: Error) => err instanceof RangeError && /terminalChart: .*no epochs/.test(err.message));
      assert.throws(() => terminalChart(fakeRun(3), { width: 10 }), (err: Error) => err instanceof RangeError && /options\.width/.test(err.message));
      assert.throws(() => terminalChart(fakeRun(3), { height: 1.5 }), RangeError);
    });
  });

  it('loads no native addon', () => {
    const plotModule = path.join(__dirname, '..', 'lib', 'plot', 'index.js');
    const out = execFileSync(process.execPath, ['-e',
      `require(${JSON.stringify(plotModule)});` +
      'console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.endsWith(".node") || /binding/.test(f))))',
    ], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), []);
  });
});
