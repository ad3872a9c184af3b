// The examples' command-line flags: each flag is declared once (type, default, meaning), and --help,
// parsing and checking all come from that declaration. Node's util.parseArgs splits the command line;
// this file turns its tokens into checked values. A bad command line stops before any work (no data
// loaded, no model built) with one line naming the flag and what it expects, and exit code 2.
'use strict';
const path = require('node:path');
const { parseArgs } = require('node:util');

// A flag's kind: how its text becomes a value, what it expects (for messages), its placeholder in --help.
const KINDS = {
  boolean: { meta: '' },
  string: { meta: 'TEXT', parse: (s) => s },
  file: { meta: 'FILE', parse: (s) => (s === '' ? undefined : s), expects: 'a file name' },
  number: { meta: 'X', parse: (s) => finite(s), expects: 'a number' },
  'positive-number': { meta: 'X', parse: (s) => (finite(s) > 0 ? finite(s) : undefined), expects: 'a positive number' },
  integer: { meta: 'N', parse: (s) => (Number.isSafeInteger(finite(s)) ? finite(s) : undefined), expects: 'an integer' },
  'non-negative-integer': {
    meta: 'N', parse: (s) => (Number.isSafeInteger(finite(s)) && finite(s) >= 0 ? finite(s) : undefined),
    expects: 'a non-negative integer',
  },
  'positive-integer': {
    meta: 'N', parse: (s) => (Number.isSafeInteger(finite(s)) && finite(s) > 0 ? finite(s) : undefined),
    expects: 'a positive integer',
  },
  device: { meta: 'cpu|gpu', parse: (s) => (/^(cpu|gpu(:\d+)?)$/.test(s) ? s : undefined), expects: "'cpu', 'gpu' or 'gpu:N'" },
};

// The number written in `s`, or undefined ('' and ' ' are not 0, '1e3' and '-0.5' are numbers).
function finite(s) {
  const n = s.trim() === '' ? NaN : Number(s);
  return Number.isFinite(n) ? n : undefined;
}

// A value that starts with '-' and is a number (`--lr -0.1`), not a flag.
const looksNegative = (s) => /^-(\d|\.\d|Infinity)/.test(s);

/** A bad command line: parseFlags prints its message alone (no stack trace) and exits with 2. */
class UsageError extends Error {}

/**
 * Parses and checks the command line against `spec`, or prints --help and exits 0, or prints one
 * line naming the bad flag and exits 2.
 * @param spec.script - the example's file name, for messages (`lenet.js`).
 * @param spec.about - one paragraph for the top of --help.
 * @param spec.flags - name → { kind (a key of KINDS), help, and optionally: default; choices (the
 *   only values allowed); required; optionalValue (the value of a bare `--flag`, which may then be
 *   given without one); implies (for a boolean: other flags' values when it is given and they are not) }.
 * @param argv - the arguments (default process.argv.slice(2)).
 * @returns name → value (the default where the flag was not given; camelCase names: `batchSize`).
 */
function parseFlags(spec, argv = process.argv.slice(2)) {
  try {
    return parse(spec, argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${spec.script}: ${err.message}; see --help\n`);
    process.exit(2);
  }
}

// parseFlags without the exits: throws UsageError (for tests). --help still prints and exits.
function parse(spec, argv) {
  const flags = { ...spec.flags, help: { kind: 'boolean', help: 'print this help and exit' } };
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText(spec, flags));
    process.exit(0);
  }
  const options = Object.fromEntries(Object.entries(flags)
    .map(([name, f]) => [name, { type: f.kind === 'boolean' ? 'boolean' : 'string' }]));
  // Not strict: Node's own errors are stack traces ('ambiguous' for `--lr -0.1`); the tokens are
  // checked here instead, with messages that name the flag.
  const args = attachValues(flags, argv);
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const values = {};
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') throw new UsageError(`unexpected argument '${t.value}' (flags start with --)`);
    const f = flags[t.name];
    if (!f) throw new UsageError(`unknown flag ${t.rawName}${suggest(t.name, Object.keys(flags))}`);
    if (f.kind === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`--${t.name} takes no value (given '${t.value}')`);
      values[t.name] = true;
    } else {
      values[t.name] = check(t.name, f, t.value);
    }
  }
  // `--resume` alone resumes from the default checkpoint: a flag may set others that were not given.
  for (const [name, f] of Object.entries(flags)) {
    if (values[name] === true && f.implies) {
      for (const [other, value] of Object.entries(f.implies)) if (!(other in values)) values[other] = value;
    }
  }
  const result = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.required && !(name in values)) throw new UsageError(`--${name} is required: it expects ${expects(f)}`);
    result[name.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = name in values ? values[name] : f.default;
  }
  return result;
}

// The arguments with every value flag's value attached (`--lr=-0.1`, `--checkpoint=lenet.ckpt` for a
// bare `--checkpoint`), so that parseArgs never takes the next flag as a value. A value may start with
// '-' only when it is a number (`--lr -0.1`); `--epochs --limit 5` means the value was left out.
function attachValues(flags, argv) {
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return args.concat(argv.slice(i));
    const f = arg.startsWith('--') && !arg.includes('=') ? flags[arg.slice(2)] : undefined;
    if (!f || f.kind === 'boolean') {
      args.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && (!next.startsWith('-') || looksNegative(next))) {
      args.push(`${arg}=${next}`);
      i++;
    } else if (f.optionalValue !== undefined) {
      args.push(`${arg}=${f.optionalValue}`);
    } else {
      throw new UsageError(`${arg} expects ${expects(f)}, but no value was given`);
    }
  }
  return args;
}

// The flag's value from its text, or a UsageError naming the flag and what it expects.
function check(name, f, text) {
  const value = KINDS[f.kind].parse(text);
  if (value === undefined || (f.choices && !f.choices.includes(value))) {
    throw new UsageError(`--${name} expects ${expects(f)}, but got '${text}'`);
  }
  return value;
}

const expects = (f) => (f.choices ? `one of ${f.choices.join(', ')}` : KINDS[f.kind].expects);

// " (did you mean --epochs?)" for a misspelt flag: a known name that starts with it (or it with the
// name), or one within an edit per three letters (two at most).
function suggest(name, known) {
  if (name.length < 2) return '';
  const near = known.find((k) => k.startsWith(name) || name.startsWith(k)) ??
    known.find((k) => editDistance(k, name) <= Math.min(2, Math.floor(name.length / 3)));
  return near ? ` (did you mean --${near}?)` : '';
}

function editDistance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function helpText(spec, flags) {
  const rows = Object.entries(flags).map(([name, f]) => {
    // A long list of choices goes into the meaning, so that the flags' column stays narrow.
    const choices = f.choices?.join('|');
    const meta = choices && choices.length <= 12 ? choices : choices ? 'NAME' : KINDS[f.kind].meta;
    const help = meta === 'NAME' ? `${f.help}: ${f.choices.join(', ')}` : f.help;
    const left = name === 'help' ? '--help, -h' : `--${name}${meta ? (f.optionalValue === undefined ? ` ${meta}` : ` [${meta}]`) : ''}`;
    const dflt = f.required ? ' (required)' : f.default !== undefined && f.kind !== 'boolean' ? ` (default ${f.default})` : '';
    return [left, `${help}${dflt}`];
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `${spec.about}\n\nusage: node ${path.join('examples', spec.script)} [flags]\n\n` +
    rows.map(([left, right]) => `  ${left.padEnd(width)}${wrap(right, 98 - width).join(`\n  ${' '.repeat(width)}`)}\n`).join('');
}

// `text` as lines of at most `width` characters, broken at spaces.
function wrap(text, width) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const line = lines[lines.length - 1];
    if (line && line.length + 1 + word.length > width) lines.push(word);
    else lines[lines.length - 1] = line ? `${line} ${word}` : word;
  }
  return lines;
}

/**
 * The flags every training example has, with its own defaults: `checkpoint` is the file a bare
 * --checkpoint (or --resume) uses; without either, no checkpoint is written.
 */
function trainingFlags({ epochs, batchSize, lr, checkpoint, seed }) {
  return {
    epochs: { kind: 'positive-integer', default: epochs, help: 'passes over the training data' },
    'batch-size': { kind: 'positive-integer', default: batchSize, help: 'images per training step' },
    lr: { kind: 'positive-number', default: lr, help: 'learning rate' },
    device: { kind: 'device', help: 'where to train (default: the GPU when there is one, else the CPU)' },
    limit: { kind: 'positive-integer', help: 'use only the first N images of each split (for quick runs)' },
    seed: { kind: 'non-negative-integer', default: seed, help: 'seed of the initialisation, shuffling and augmentation' },
    checkpoint: {
      kind: 'file', optionalValue: checkpoint,
      help: `save a checkpoint after every epoch and on Ctrl-C, to FILE (${checkpoint} when FILE is left out); ` +
        'none is written without this flag',
    },
    resume: { kind: 'boolean', implies: { checkpoint }, help: 'continue from the checkpoint (--checkpoint\'s FILE, default ' + checkpoint + ')' },
    plot: { kind: 'file', help: 'draw the training curves into this SVG file' },
    save: { kind: 'file', help: 'save the trained parameters to this .safetensors file (for predict.js)' },
  };
}

module.exports = { parseFlags, parseFlagsOrThrow: parse, trainingFlags, UsageError };
