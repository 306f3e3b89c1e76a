import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CsvError, parse } from 'csv-parse';
import { AUTHENTICITY_THRESHOLD, parseCreatedAt, scoreAuthenticity, type AuthenticityResult } from '../scoring/authenticity.ts';
import type { ProfileInput } from '../scoring/types.ts';

/**
 * Evaluating the authenticity scorer on labelled profiles: reading a CSV of X user fields with a
 * bot/human label, and the metrics (ROC AUC, accuracy, precision, recall, F1 at the product's
 * threshold, confusion matrix).
 */

export type BotLabel = 'bot' | 'human';

export interface LabelledProfile {
  /** 1-based data row (the header is row 0). */
  row: number;
  /** Line of the file where the row starts. */
  line: number;
  profile: ProfileInput;
  /** undefined when the label is anything but bot/human (e.g. "unsure"). */
  label: BotLabel | undefined;
  /** The label cell as written. */
  rawLabel: string;
}

/** A problem with an input file, located: `data.csv:12 followers_count: expected …`. */
export class InputFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: string,
    options?: ErrorOptions,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}${column === undefined ? '' : ` ${column}`}: ${message}`, options);
    this.name = 'InputFileError';
  }
}

type TextField = 'id' | 'username' | 'name' | 'description' | 'location' | 'url' | 'created_at';
type CountField = 'followers_count' | 'following_count' | 'tweet_count' | 'listed_count' | 'like_count';
type FlagField = 'verified' | 'protected';

const TEXT_FIELDS: readonly TextField[] = ['id', 'username', 'name', 'description', 'location', 'url', 'created_at'];
const COUNT_FIELDS: readonly CountField[] = ['followers_count', 'following_count', 'tweet_count', 'listed_count', 'like_count'];
const FLAG_FIELDS: readonly FlagField[] = ['verified', 'protected'];

/** X v1.1 column names and the v2 field each stands for. A v2 column wins when both are present. */
export const V1_COLUMNS: Readonly<Record<string, keyof ProfileInput>> = {
  statuses_count: 'tweet_count',
  friends_count: 'following_count',
  favourites_count: 'like_count',
  screen_name: 'username',
};

/** Cells that mean "no value" in exports (pandas and Python write None / NaN). */
const MISSING = new Set(['', 'none', 'null', 'nan', 'na', 'n/a']);

interface ColumnMap {
  text: Array<[TextField, number]>;
  counts: Array<[CountField, number, string]>;
  flags: Array<[FlagField, number, string]>;
  label: number;
}

function mapColumns(header: string[], labelColumn: string | undefined, file: string): ColumnMap {
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    if (!index.has(name.trim())) index.set(name.trim(), i);
  });
  const find = (field: keyof ProfileInput): [number, string] | undefined => {
    const direct = index.get(field);
    if (direct !== undefined) return [direct, field];
    for (const [v1, v2] of Object.entries(V1_COLUMNS)) {
      const i = index.get(v1);
      if (v2 === field && i !== undefined) return [i, v1];
    }
    return undefined;
  };
  const map: ColumnMap = { text: [], counts: [], flags: [], label: -1 };
  for (const f of TEXT_FIELDS) {
    const at = find(f);
    if (at) map.text.push([f, at[0]]);
  }
  for (const f of COUNT_FIELDS) {
    const at = find(f);
    if (at) map.counts.push([f, at[0], at[1]]);
  }
  for (const f of FLAG_FIELDS) {
    const at = find(f);
    if (at) map.flags.push([f, at[0], at[1]]);
  }
  if (labelColumn !== undefined) {
    const i = index.get(labelColumn);
    if (i === undefined) {
      throw new InputFileError(`no label column "${labelColumn}"; the columns are: ${header.join(', ')} (choose one with --label-column)`, file, 1);
    }
    map.label = i;
  }
  return map;
}

function readCount(cell: string, file: string, line: number, column: string): number | undefined {
  const v = cell.trim();
  if (MISSING.has(v.toLowerCase())) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InputFileError(`expected a count (a number ≥ 0), got "${cell}"`, file, line, column);
  return n;
}

function readFlag(cell: string, file: string, line: number, column: string): boolean | undefined {
  const v = cell.trim().toLowerCase();
  if (MISSING.has(v)) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new InputFileError(`expected true or false, got "${cell}"`, file, line, column);
}

/**
 * The line a record starts on. csv-parse reports the line it ends on; a quoted bio may span
 * lines, and csv-parse counts each CR and LF inside quotes as a line, so we take those back off.
 */
function startLine(record: string[], endLine: number): number {
  let breaks = 0;
  for (const cell of record) {
    if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) continue;
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      if (c === 10 || c === 13) breaks++;
    }
  }
  return endLine - breaks;
}

/**
 * Reads labelled profiles from a CSV, one at a time (the file is streamed). Columns use X v2
 * user field names; the v1.1 names in V1_COLUMNS are mapped; absent columns leave the field
 * undefined. Without `labelColumn` every label is undefined; with it, a missing column is an
 * error that lists the columns found. Bad values throw an InputFileError naming file, line and
 * column. `onHeader` receives the header row (the command uses it to lay out its scores file).
 */
export async function* readLabelledProfiles(
  path: string,
  opts: { labelColumn?: string; onHeader?: (columns: string[]) => void } = {},
): AsyncGenerator<LabelledProfile> {
  const file = basename(path);
  const input = createReadStream(path);
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true });
  // pipe() does not forward a read error (no such file): hand it to the parser we iterate.
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let map: ColumnMap | undefined;
  let width = 0;
  let row = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = startLine(record, info.lines);
      if (map === undefined) {
        map = mapColumns(record, opts.labelColumn, file);
        width = record.length;
        opts.onHeader?.(record.map((c) => c.trim()));
        continue;
      }
      row++;
      if (record.length !== width) throw new InputFileError(`expected ${width} columns like the header, got ${record.length}`, file, line);
      const profile: ProfileInput = {};
      for (const [field, i] of map.text) {
        const v = record[i] as string;
        if (field === 'created_at') {
          if (MISSING.has(v.trim().toLowerCase())) continue;
          if (Number.isNaN(parseCreatedAt(v.trim()))) {
            throw new InputFileError(`expected a date (ISO 8601 or "Wed Feb 01 17:49:30 +0000 2012"), got "${v}"`, file, line, 'created_at');
          }
          profile.created_at = v.trim();
        } else if (field === 'url' || field === 'description' || field === 'location' || field === 'name') {
          // Present but empty is a fact (no bio); Python exports write None for it.
          profile[field] = v.trim() === 'None' ? '' : v;
        } else if (!MISSING.has(v.trim().toLowerCase())) {
          profile[field] = v.trim();
        }
      }
      for (const [field, i, column] of map.counts) {
        const n = readCount(record[i] as string, file, line, column);
        if (n !== undefined) profile[field] = n;
      }
      for (const [field, i, column] of map.flags) {
        const b = readFlag(record[i] as string, file, line, column);
        if (b !== undefined) profile[field] = b;
      }
      const rawLabel = map.label >= 0 ? (record[map.label] as string) : '';
      const l = rawLabel.trim().toLowerCase();
      yield { row, line, profile, label: l === 'bot' || l === 'human' ? l : undefined, rawLabel };
    }
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    if (error instanceof CsvError) {
      const at = (error as CsvError & { lines?: number }).lines;
      throw new InputFileError(`not valid CSV: ${error.message}`, file, at, undefined, { cause: error });
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputFileError('no such file', path, undefined, undefined, { cause: error });
    throw new InputFileError(`cannot read: ${(error as Error).message}`, path, undefined, undefined, { cause: error });
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (map === undefined) throw new InputFileError('empty file: expected a header row', file);
}

/**
 * ROC AUC from ranks (Mann–Whitney U): the probability that a random positive scores above a
 * random negative, ties counting one half. NaN without both classes.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1; // ranks are 1-based; tied scores share their mean rank
    for (let k = i; k <= j; k++) {
      if (positive[order[k] as number]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface Confusion {
  /** Bots called bots. */
  tp: number;
  /** People called bots. */
  fp: number;
  /** People called people. */
  tn: number;
  /** Bots called people. */
  fn: number;
}

export interface ClassMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Accuracy, precision, recall and F1 of the bot class; a ratio with nothing to divide is NaN. */
export function classMetrics({ tp, fp, tn, fn }: Confusion): ClassMetrics {
  const total = tp + fp + tn + fn;
  const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? NaN : tp / (tp + fn);
  const f1 = tp === 0 ? (tp + fp + fn === 0 ? NaN : 0) : (2 * tp) / (2 * tp + fp + fn);
  return { accuracy: total === 0 ? NaN : (tp + tn) / total, precision, recall, f1 };
}

export interface AuthenticityEvaluation extends ClassMetrics {
  /** Data rows read. */
  rows: number;
  /** Rows labelled bot or human. */
  used: number;
  /** Rows with any other label (unsure, blank …). */
  ignored: number;
  bots: number;
  humans: number;
  /** The botProbability at or above which a row counts as called a bot. */
  threshold: number;
  auc: number;
  confusion: Confusion;
}

export interface EvaluateOptions {
  /** The instant account ages are measured to (ms): when the profiles were collected. */
  now: number;
  /** Default AUTHENTICITY_THRESHOLD. */
  threshold?: number;
  /** Called for every row, labelled or not, with its score (e.g. to write a scores file). */
  onScore?: (row: LabelledProfile, result: AuthenticityResult) => void | Promise<void>;
}

/** Scores every row and measures the scorer on the labelled ones. */
export async function evaluateAuthenticity(rows: AsyncIterable<LabelledProfile> | Iterable<LabelledProfile>, opts: EvaluateOptions): Promise<AuthenticityEvaluation> {
  const threshold = opts.threshold ?? AUTHENTICITY_THRESHOLD;
  const probabilities: number[] = [];
  const isBot: boolean[] = [];
  const confusion: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  let total = 0;
  for await (const row of rows) {
    total++;
    const result = scoreAuthenticity(row.profile, opts.now);
    if (opts.onScore) await opts.onScore(row, result);
    if (row.label === undefined) continue;
    const bot = row.label === 'bot';
    const calledBot = result.botProbability >= threshold;
    probabilities.push(result.botProbability);
    isBot.push(bot);
    if (bot) confusion[calledBot ? 'tp' : 'fn']++;
    else confusion[calledBot ? 'fp' : 'tn']++;
  }
  const bots = confusion.tp + confusion.fn;
  return {
    rows: total,
    used: isBot.length,
    ignored: total - isBot.length,
    bots,
    humans: isBot.length - bots,
    threshold,
    auc: rocAuc(probabilities, isBot),
    ...classMetrics(confusion),
    confusion,
  };
}
