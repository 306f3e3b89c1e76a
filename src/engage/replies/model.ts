/**
 * The reply model: a second opinion next to the reply reader's rules. A logistic regression over
 * the hashed word and character n-grams of `features.ts` gives the probability that a reply asks
 * us to stop. It was fitted on 380 replies written for the project, so it knows their styles and
 * little else: the rules decide, the model can only make a reading more or less sure.
 *
 * The weights ship in `model-weights.json`, beside this file, made by
 *
 *   npx tsx bench/fit-replies.ts --input ../shared/datasets/replies/optouts-dev.tsv
 *
 * (L2-penalised, class-balanced, the penalty chosen by cross-validation; see that script). The
 * file holds hashed buckets and numbers, no text. Nothing is downloaded at run time.
 *
 * The file: JSON with the feature scheme it was made for (a model refuses weights made for other
 * features), the bias, suggested thresholds, and the non-zero weights packed in base64: the
 * buckets in increasing order as LEB128 gaps, then each weight as a little-endian int16 times
 * `scale`. Rounding to int16 changes a probability by less than 1e-3.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_BUCKETS, FEATURE_SCHEME, replyFeatures } from './features.ts';

/** Where the shipped weights are. */
export const REPLY_MODEL_FILE = fileURLToPath(new URL('model-weights.json', import.meta.url));

const FORMAT = 'prospector-reply-model';
const VERSION = 1;
const INT16_MAX = 32767;

export interface ReplyModelThresholds {
  /** At or above: a request to stop with few false alarms. */
  sure: number;
  /** At or above (and below `sure`): may be one; hold it for a person. */
  maybe: number;
}

/** How a weights file was made: for people reading it, and checked when it is loaded. */
export interface ReplyModelProvenance {
  /** The command that made it. */
  command: string;
  /** Rows it was fitted on, how many of them opt-outs, and the SHA-256 of the input file. */
  data: { rows: number; opt_outs: number; sha256: string };
  /** The L2 penalty the cross-validation chose. */
  penalty: number;
}

export class ReplyModel {
  /**
   * @param weights one per bucket of `features.ts`
   * @param bias the log-odds of a reply with no features
   */
  constructor(
    private readonly weights: Float32Array,
    private readonly bias: number,
    readonly thresholds: ReplyModelThresholds,
  ) {
    if (weights.length !== FEATURE_BUCKETS) throw new Error(`a reply model needs ${FEATURE_BUCKETS} weights, got ${weights.length}`);
  }

  /** The probability, between 0 and 1, that `text` asks us to stop. */
  probability(text: string): number {
    const { indices, values } = replyFeatures(text);
    let z = this.bias;
    for (let i = 0; i < indices.length; i++) z += (this.weights[indices[i] as number] as number) * (values[i] as number);
    return 1 / (1 + Math.exp(-z));
  }
}

/** The model in `file` (the shipped weights by default). Throws naming the file when it is missing or not a weights file. */
export function loadReplyModel(file: string = REPLY_MODEL_FILE): ReplyModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new Error(`${file}: cannot read the reply model's weights (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); the shipped file is made by bench/fit-replies.ts`, { cause });
  }
  try {
    return decodeReplyModel(JSON.parse(text));
  } catch (cause) {
    throw new Error(`${file}: not a usable reply model weights file: ${(cause as Error).message}`, { cause });
  }
}

/** The JSON of a weights file: what `loadReplyModel` reads. Keys in a fixed order, so a fit twice gives the same bytes. */
export function encodeReplyModel(weights: ArrayLike<number>, bias: number, thresholds: ReplyModelThresholds, provenance: ReplyModelProvenance): string {
  if (weights.length !== FEATURE_BUCKETS) throw new Error(`a reply model needs ${FEATURE_BUCKETS} weights, got ${weights.length}`);
  let largest = 0;
  for (let i = 0; i < weights.length; i++) largest = Math.max(largest, Math.abs(weights[i] as number));
  const scale = largest > 0 ? largest / INT16_MAX : 1;
  const buckets: number[] = [];
  const levels: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    const level = Math.round((weights[i] as number) / scale);
    if (level === 0) continue;
    buckets.push(i);
    levels.push(level);
  }
  const gaps: number[] = [];
  let last = 0;
  for (const b of buckets) {
    let gap = b - last;
    last = b;
    while (gap >= 0x80) {
      gaps.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    gaps.push(gap);
  }
  const packed = Buffer.alloc(gaps.length + 2 * levels.length);
  packed.set(gaps);
  levels.forEach((level, i) => packed.writeInt16LE(level, gaps.length + 2 * i));
  const file = {
    format: FORMAT,
    version: VERSION,
    features: FEATURE_SCHEME,
    ...provenance,
    thresholds,
    bias,
    scale,
    count: levels.length,
    weights: packed.toString('base64'),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A model from the parsed JSON of a weights file; throws saying which field is wrong. */
export function decodeReplyModel(json: unknown): ReplyModel {
  if (typeof json !== 'object' || json === null) throw new Error('expected a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== FORMAT) throw new Error(`format: expected "${FORMAT}", got ${JSON.stringify(o.format)?.slice(0, 60)}`);
  if (o.version !== VERSION) throw new Error(`version: expected ${VERSION}, got ${JSON.stringify(o.version)?.slice(0, 20)}`);
  if (o.features !== FEATURE_SCHEME) throw new Error(`features: made for "${String(o.features).slice(0, 120)}", this code computes "${FEATURE_SCHEME}"; fit the weights again`);
  const bias = finite(o.bias, 'bias');
  const scale = finite(o.scale, 'scale');
  const count = finite(o.count, 'count');
  const thresholds = o.thresholds as Record<string, unknown> | undefined;
  if (typeof thresholds !== 'object' || thresholds === null) throw new Error('thresholds: expected { sure, maybe }');
  const sure = probability(thresholds.sure, 'thresholds.sure');
  const maybe = probability(thresholds.maybe, 'thresholds.maybe');
  if (maybe > sure) throw new Error(`thresholds: maybe (${maybe}) is above sure (${sure})`);
  if (typeof o.weights !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.weights)) throw new Error('weights: expected a base64 string');
  const packed = Buffer.from(o.weights, 'base64');
  if (!Number.isInteger(count) || count < 0 || 2 * count > packed.length) throw new Error(`count: ${count} weights cannot fit in ${packed.length} bytes`);
  const weights = new Float32Array(FEATURE_BUCKETS);
  let at = 0;
  let bucket = 0;
  const levelsAt = packed.length - 2 * count;
  for (let i = 0; i < count; i++) {
    let gap = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= levelsAt || shift > 21) throw new Error(`weights: bucket ${i + 1} of ${count} is cut short`);
      const byte = packed[at++] as number;
      gap |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    bucket += gap;
    if (bucket >= FEATURE_BUCKETS || (i > 0 && gap === 0)) throw new Error(`weights: bucket ${i + 1} of ${count} is out of order or out of range`);
    weights[bucket] = packed.readInt16LE(levelsAt + 2 * i) * scale;
  }
  if (at !== levelsAt) throw new Error(`weights: ${levelsAt - at} bytes left over after ${count} buckets (count does not match)`);
  return new ReplyModel(weights, bias, { sure, maybe });
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${field}: expected a number, got ${JSON.stringify(value)?.slice(0, 40)}`);
  return value;
}

function probability(value: unknown, field: string): number {
  const p = finite(value, field);
  if (p < 0 || p > 1) throw new Error(`${field}: expected a probability between 0 and 1, got ${p}`);
  return p;
}
