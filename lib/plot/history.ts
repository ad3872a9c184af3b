// The training history: epoch-by-epoch metrics as d2l's train_ch6 reports them, checked as they are
// added, and its JSON form for checkpoints. The data behind the charts in svg.ts and terminal.ts.
import { invalidArg } from '../core/check';

/** One epoch's metrics, as d2l's `train_ch6` reports them. */
export interface EpochRecord {
  /** Epoch number (1, 2, ...; fractions allowed), strictly increasing within a history. */
  epoch: number;
  /** Mean training loss over the epoch; NaN or ±Infinity (diverged) is kept but not plotted. */
  trainLoss: number;
  /** Training accuracy over the epoch, normally in [0, 1]; non-finite values are kept but not plotted. */
  trainAcc: number;
  /** Test accuracy after the epoch, where it was measured. */
  testAcc?: number;
}

/** One record in the JSON form of a {@link TrainingHistory}: non-finite metrics become `null`. */
export interface EpochRecordJSON {
  epoch: number;
  trainLoss: number | null;
  trainAcc: number | null;
  testAcc?: number | null;
}

/** The metrics of a record, by key: what fromJSON reads back and what the charts draw. */
export const METRICS = ['trainLoss', 'trainAcc', 'testAcc'] as const;
export type Metric = typeof METRICS[number];

/**
 * Epoch-by-epoch metrics of a training run, the data behind {@link writeCurvesSvg} and
 * {@link terminalChart}. Serialises to JSON so that a checkpoint can carry it and a resumed run
 * can continue the same curves.
 * @example
 * const history = new TrainingHistory();
 * for (let epoch = 1; epoch <= numEpochs; epoch++) {
 *   const { loss, acc } = trainEpoch();
 *   history.add({ epoch, trainLoss: loss, trainAcc: acc, testAcc: evaluateAccuracy(net, testIter) });
 * }
 * fs.writeFileSync('history.json', JSON.stringify(history));
 * const again = TrainingHistory.fromJSON(JSON.parse(fs.readFileSync('history.json', 'utf8')));
 */
export class TrainingHistory {
  private readonly items: Readonly<EpochRecord>[] = [];

  /**
   * @param records - epochs to start with, added in order with {@link TrainingHistory.add}.
   * @throws TypeError or RangeError as {@link TrainingHistory.add} does.
   */
  constructor(records: Iterable<EpochRecord> = []) {
    for (const record of records) this.add(record);
  }

  /** The epochs recorded so far, in order (frozen copies). */
  get records(): readonly Readonly<EpochRecord>[] {
    return this.items;
  }

  /** The number of epochs recorded. */
  get length(): number {
    return this.items.length;
  }

  /**
   * Records one epoch. A copy is stored, with `testAcc` only if it is given.
   * @param record - the epoch's metrics; `epoch` must be finite and greater than the last one.
   * @returns this history, for chaining.
   * @throws TypeError if a field is missing or not a number.
   * @throws RangeError if `epoch` is not finite or not greater than the previous epoch.
   * @example
   * history.add({ epoch: 1, trainLoss: 2.31, trainAcc: 0.10, testAcc: 0.10 });
   */
  add(record: EpochRecord): this {
    const op = 'TrainingHistory.add';
    if (typeof record !== 'object' || record === null) throw invalidArg(op, 'record', 'an object', record);
    this.items.push(Object.freeze(checkRecord(op, 'record', record, this.items.at(-1)?.epoch)));
    return this;
  }

  /**
   * The JSON form: an array of plain records, `testAcc` only where given; `JSON.stringify(history)`
   * calls it. JSON has no NaN or Infinity, so non-finite metrics are written as `null`, which
   * {@link TrainingHistory.fromJSON} reads back as NaN ({@link TrainingHistory.add} does not
   * accept `null`).
   * @returns plain objects that survive `JSON.stringify`/`JSON.parse`.
   * @example
   * checkpoint.history = history.toJSON();
   */
  toJSON(): EpochRecordJSON[] {
    const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
    return this.items.map((r) => {
      const out: EpochRecordJSON = { epoch: r.epoch, trainLoss: finiteOrNull(r.trainLoss), trainAcc: finiteOrNull(r.trainAcc) };
      if (r.testAcc !== undefined) out.testAcc = finiteOrNull(r.testAcc);
      return out;
    });
  }

  /**
   * Rebuilds a history from its JSON form (the parsed object, not the string).
   * @param json - what {@link TrainingHistory.toJSON} returned, possibly through `JSON.parse`.
   * @returns a new history with the same records (`null` metrics become NaN).
   * @throws TypeError if `json` is not an array or a record is malformed; the message names the
   *   record, e.g. `json[3].trainAcc`.
   * @throws RangeError if epochs are not finite or not strictly increasing.
   * @example
   * const history = TrainingHistory.fromJSON(JSON.parse(text).history);
   */
  static fromJSON(json: unknown): TrainingHistory {
    const op = 'TrainingHistory.fromJSON';
    if (!Array.isArray(json)) throw invalidArg(op, 'json', 'an array of epoch records', json);
    const history = new TrainingHistory();
    json.forEach((raw: unknown, i) => {
      const where = `json[${i}]`;
      if (typeof raw !== 'object' || raw === null) throw invalidArg(op, where, 'an object', raw);
      const r = { ...(raw as Record<string, unknown>) };
      for (const key of METRICS) if (r[key] === null) r[key] = NaN;
      history.items.push(Object.freeze(checkRecord(op, where, r, history.items.at(-1)?.epoch)));
    });
    return history;
  }
}

/** A validated copy of `raw`, or throws naming `op` and `where`. */
function checkRecord(op: string, where: string, raw: object, previousEpoch: number | undefined): EpochRecord {
  const r = raw as Record<string, unknown>;
  for (const key of ['epoch', 'trainLoss', 'trainAcc'] as const) {
    if (typeof r[key] !== 'number') throw invalidArg(op, `${where}.${key}`, 'a number', r[key]);
  }
  if (r.testAcc !== undefined && typeof r.testAcc !== 'number') {
    throw invalidArg(op, `${where}.testAcc`, 'a number or undefined', r.testAcc);
  }
  const epoch = r.epoch as number;
  if (!Number.isFinite(epoch)) throw invalidArg(op, `${where}.epoch`, 'a finite number', epoch, RangeError);
  if (previousEpoch !== undefined && !(epoch > previousEpoch)) {
    throw invalidArg(op, `${where}.epoch`, `an epoch after ${previousEpoch}`, epoch, RangeError);
  }
  const out: EpochRecord = { epoch, trainLoss: r.trainLoss as number, trainAcc: r.trainAcc as number };
  if (r.testAcc !== undefined) out.testAcc = r.testAcc as number;
  return out;
}

/** The records of a history or array, validated as {@link TrainingHistory.add} does. */
export function recordsOf(op: string, history: TrainingHistory | readonly EpochRecord[]): readonly Readonly<EpochRecord>[] {
  if (history instanceof TrainingHistory) return history.records;
  if (!Array.isArray(history)) throw invalidArg(op, 'history', 'a TrainingHistory or an array of EpochRecord', history);
  let previous: number | undefined;
  return history.map((record, i) => {
    if (typeof record !== 'object' || record === null) throw invalidArg(op, `history[${i}]`, 'an object', record);
    const checked = checkRecord(op, `history[${i}]`, record, previous);
    previous = checked.epoch;
    return checked;
  });
}
