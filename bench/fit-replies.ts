/**
 * Fits the reply model (src/engage/replies/model.ts) on a labelled file of replies and prints the
 * evidence for it. Not part of `npm run bench`; run it by hand after changing the features:
 *
 *   npx tsx bench/fit-replies.ts --input ../shared/datasets/replies/optouts-dev.tsv
 *       fits on every row and writes src/engage/replies/model-weights.json (or --out file);
 *   npx tsx bench/fit-replies.ts --input … --half a      (or --half b)
 *       fits on the rows of even index (b: odd; 0-based, the header not counted) and reports on
 *       the other half, which the fit never sees; writes weights only with --out.
 *
 * The file is `lang<TAB>label<TAB>text` (src/engage/replies/evaluate.ts reads it). It is read in
 * place and never copied: the weights hold hashed buckets and numbers only.
 *
 * Method: logistic regression over the hashed features of src/engage/replies/features.ts,
 * penalised by (λ/2)·‖w‖² (the bias is not penalised), rows weighted so that each class weighs
 * half, minimised by L-BFGS over the buckets the training rows use. Everything is deterministic:
 * fixed fold seeds, no randomness in the fit, weights written with their keys in a fixed order.
 * - The penalty: stratified 5-fold cross-validation on the training rows only, three times with
 *   different folds; the strongest penalty whose mean AUC is within 0.005 of the best (simpler
 *   weights, same skill).
 * - The thresholds, from the out-of-fold probabilities of the training rows (in-sample ones say
 *   nothing: a fit recalls every row it has seen): "maybe" is the highest cut that still catches
 *   95 % of the opt-outs; "sure" the lowest cut from which up every cut has a precision of 95 %.
 * - The report, on the held-out half (or, on the whole file, out-of-fold): AUC, recall and
 *   precision at "maybe", and the reading in three (opt_out at "sure", doubtful at "maybe"), per
 *   language and overall, computed by evaluate.ts's `figures`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FEATURE_BUCKETS, replyFeatures } from '../src/engage/replies/features.ts';
import { encodeReplyModel, REPLY_MODEL_FILE, type ReplyModelThresholds } from '../src/engage/replies/model.ts';
import { figures, parseReplyFile, rowLanguage, type LabelledReply, type ReplyFigures } from '../src/engage/replies/evaluate.ts';
import type { ReplyOutcome } from '../src/engage/replies/index.ts';
import { rocAuc } from '../src/eval/authenticity.ts';
import { mulberry } from './seeded.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PENALTIES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];
const FOLDS = 5;
const REPEATS = 3;
const AUC_TOLERANCE = 0.005;
const TARGET_RECALL = 0.95;
const TARGET_PRECISION = 0.95;

const { values: args } = parseArgs({ options: { input: { type: 'string' }, out: { type: 'string' }, half: { type: 'string' } } });
if (args.input === undefined) throw new Error('usage: npx tsx bench/fit-replies.ts --input replies.tsv [--out weights.json] [--half a|b]');
if (args.half !== undefined && args.half !== 'a' && args.half !== 'b') throw new Error(`--half: expected a or b, got "${args.half}"`);

interface Sample {
  row: LabelledReply;
  indices: Int32Array;
  values: Float64Array;
  optOut: boolean;
}

const input = resolve(args.input);
const content = readFileSync(input, 'utf8');
const all: Sample[] = parseReplyFile(content, args.input).map((row) => {
  if (row.label === undefined) throw new Error(`${args.input}:${row.line}: the fit needs a label (optout or other) on every row`);
  return { row, ...replyFeatures(row.text), optOut: row.label === 'optout' };
});
const trainParity = args.half === 'b' ? 1 : 0;
const train = args.half === undefined ? all : all.filter((_, i) => i % 2 === trainParity);
const heldOut = args.half === undefined ? [] : all.filter((_, i) => i % 2 !== trainParity);

// ---------------------------------------------------------------- fitting

interface Fit {
  /** One per bucket. */
  weights: Float64Array;
  bias: number;
}

/**
 * Minimises Σ cᵢ·logloss(yᵢ, σ(b + w·xᵢ)) + (λ/2)‖w‖², with cᵢ = 1 / (2 · rows of yᵢ's class).
 * Works on the buckets the rows use, in order of first use, so the result does not depend on
 * anything but the rows and their order.
 */
function fit(samples: Sample[], penalty: number): Fit {
  const column = new Map<number, number>();
  const rows = samples.map((s) => ({
    columns: Int32Array.from(s.indices, (b) => {
      let c = column.get(b);
      if (c === undefined) column.set(b, (c = column.size));
      return c;
    }),
    values: s.values,
    y: s.optOut ? 1 : 0,
  }));
  const positives = rows.filter((r) => r.y === 1).length;
  const weightOf = (y: number) => 1 / (2 * (y === 1 ? positives : rows.length - positives));
  const d = column.size;
  // x[0..d) are the weights, x[d] the bias.
  const objective = (x: Float64Array, grad: Float64Array): number => {
    let loss = 0;
    grad.fill(0);
    for (const r of rows) {
      let z = x[d] as number;
      for (let k = 0; k < r.columns.length; k++) z += (x[r.columns[k] as number] as number) * (r.values[k] as number);
      const c = weightOf(r.y);
      // log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0, without overflow.
      const m = r.y === 1 ? -z : z;
      loss += c * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
      const residual = c * (1 / (1 + Math.exp(-z)) - r.y);
      for (let k = 0; k < r.columns.length; k++) grad[r.columns[k] as number] = (grad[r.columns[k] as number] as number) + residual * (r.values[k] as number);
      grad[d] = (grad[d] as number) + residual;
    }
    for (let j = 0; j < d; j++) {
      loss += 0.5 * penalty * (x[j] as number) ** 2;
      grad[j] = (grad[j] as number) + penalty * (x[j] as number);
    }
    return loss;
  };
  const x = lbfgs(objective, new Float64Array(d + 1));
  const weights = new Float64Array(FEATURE_BUCKETS);
  for (const [b, c] of column) weights[b] = x[c] as number;
  return { weights, bias: x[d] as number };
}

/** Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line search. */
function lbfgs(f: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, memory = 10, maxIterations = 2000, tolerance = 1e-9): Float64Array {
  const n = x0.length;
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
    return s;
  };
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const next = new Float64Array(n);
  const gNext = new Float64Array(n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let gMax = 0;
    for (let i = 0; i < n; i++) gMax = Math.max(gMax, Math.abs(g[i] as number));
    if (gMax < tolerance) break;
    // Two-loop recursion: direction = −H·g.
    const q = Float64Array.from(g);
    const alphas: number[] = [];
    for (let k = ss.length - 1; k >= 0; k--) {
      const s = ss[k] as Float64Array;
      const y = ys[k] as Float64Array;
      const a = dot(s, q) / dot(y, s);
      alphas[k] = a;
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) - a * (y[i] as number);
    }
    const last = ss.length - 1;
    const gamma = last >= 0 ? dot(ss[last] as Float64Array, ys[last] as Float64Array) / dot(ys[last] as Float64Array, ys[last] as Float64Array) : 1 / Math.max(gMax, 1e-12);
    for (let i = 0; i < n; i++) q[i] = (q[i] as number) * gamma;
    for (let k = 0; k < ss.length; k++) {
      const s = ss[k] as Float64Array;
      const y = ys[k] as Float64Array;
      const b = dot(y, q) / dot(y, s);
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) + ((alphas[k] as number) - b) * (s[i] as number);
    }
    const slope = -dot(g, q);
    if (slope >= 0) break; // not a descent direction: numerically at the minimum
    let t = 1;
    let fNext = Infinity;
    for (let tries = 0; tries < 40; tries++, t /= 2) {
      for (let i = 0; i < n; i++) next[i] = (x[i] as number) - t * (q[i] as number);
      fNext = f(next, gNext);
      if (fNext <= fx + 1e-4 * t * slope) break;
    }
    if (!(fNext < fx)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (next[i] as number) - (x[i] as number);
      y[i] = (gNext[i] as number) - (g[i] as number);
    }
    if (dot(s, y) > 1e-12) {
      ss.push(s);
      ys.push(y);
      if (ss.length > memory) {
        ss.shift();
        ys.shift();
      }
    }
    const improvement = fx - fNext;
    x = Float64Array.from(next);
    g = Float64Array.from(gNext);
    fx = fNext;
    if (improvement < 1e-14 * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}

function probability(m: Fit, s: Sample): number {
  let z = m.bias;
  for (let k = 0; k < s.indices.length; k++) z += (m.weights[s.indices[k] as number] as number) * (s.values[k] as number);
  return 1 / (1 + Math.exp(-z));
}

// ---------------------------------------------------------------- cross-validation


/** A fold per sample, each class (within each language) dealt evenly over the folds in a seeded order. */
function stratifiedFolds(samples: Sample[], seed: number): Int32Array {
  const rnd = mulberry(seed);
  const fold = new Int32Array(samples.length);
  const strata = new Map<string, number[]>();
  samples.forEach((s, i) => {
    const key = `${s.row.lang}:${s.optOut}`;
    strata.set(key, [...(strata.get(key) ?? []), i]);
  });
  let offset = 0;
  for (const key of [...strata.keys()].sort()) {
    const shuffled = (strata.get(key) as number[]).map((i) => [rnd(), i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    shuffled.forEach(([, i], j) => (fold[i] = (j + offset) % FOLDS));
    offset += shuffled.length;
  }
  return fold;
}

interface CrossValidation {
  /** Mean AUC over folds and repeats. */
  auc: number;
  /** Each sample's out-of-fold probability, averaged over the repeats. */
  outOfFold: Float64Array;
}

function crossValidate(samples: Sample[], penalty: number): CrossValidation {
  const outOfFold = new Float64Array(samples.length);
  let aucSum = 0;
  let aucCount = 0;
  for (let rep = 0; rep < REPEATS; rep++) {
    const fold = stratifiedFolds(samples, 100 + rep);
    for (let f = 0; f < FOLDS; f++) {
      const m = fit(samples.filter((_, i) => fold[i] !== f), penalty);
      const test = samples.map((s, i) => (fold[i] === f ? i : -1)).filter((i) => i >= 0);
      const p = test.map((i) => probability(m, samples[i] as Sample));
      test.forEach((i, k) => (outOfFold[i] = (outOfFold[i] as number) + (p[k] as number) / REPEATS));
      const auc = rocAuc(p, test.map((i) => (samples[i] as Sample).optOut));
      if (!Number.isNaN(auc)) {
        aucSum += auc;
        aucCount++;
      }
    }
  }
  return { auc: aucSum / aucCount, outOfFold };
}

/**
 * "maybe": the highest cut at which the share of opt-outs at or above it is still TARGET_RECALL;
 * "sure": the lowest cut from which up every cut has precision TARGET_PRECISION (1 when none does).
 */
function chooseThresholds(p: ArrayLike<number>, samples: Sample[]): ReplyModelThresholds {
  // Rounded to two decimals the safe way: "maybe" down (it catches at least as much), "sure" up
  // (it is at least as precise).
  const positives = samples.map((s, i) => (s.optOut ? (p[i] as number) : NaN)).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const maybe = positives[Math.floor((1 - TARGET_RECALL) * positives.length)] ?? 0.5;
  const order = samples.map((_, i) => i).sort((a, b) => (p[b] as number) - (p[a] as number));
  let sure = 1;
  let right = 0;
  for (let k = 0; k < order.length; k++) {
    if ((samples[order[k] as number] as Sample).optOut) right++;
    const cut = p[order[k] as number] as number;
    // A cut counts where the next sample scores lower (ties fall on the same side).
    if (k + 1 < order.length && (p[order[k + 1] as number] as number) === cut) continue;
    if (right / (k + 1) < TARGET_PRECISION) break;
    sure = cut;
  }
  return { sure: Math.max(Math.ceil(sure * 100) / 100, Math.floor(maybe * 100) / 100), maybe: Math.floor(maybe * 100) / 100 };
}

// ---------------------------------------------------------------- report

const fmt = (x: number | null) => (x === null || Number.isNaN(x) ? '  -  ' : x.toFixed(3));

function outcome(p: number, t: ReplyModelThresholds, twoWay: boolean): ReplyOutcome {
  if (twoWay) return p >= t.maybe ? 'opt_out' : 'other';
  return p >= t.sure ? 'opt_out' : p >= t.maybe ? 'doubtful' : 'other';
}

function report(title: string, samples: Sample[], p: ArrayLike<number>, t: ReplyModelThresholds): void {
  const reading = (twoWay: boolean) =>
    samples.map((s, i) => ({ row: s.row, reading: { outcome: outcome(p[i] as number, t, twoWay), reason: 'reply model', language: rowLanguage(s.row) } }));
  const atMaybe = figures(reading(true));
  const threeWay = figures(reading(false));
  console.log(`\n${title}`);
  console.log(`            rows  opt-outs   AUC   | at maybe ${t.maybe.toFixed(2)}: recall  precision | opt_out ≥ ${t.sure.toFixed(2)}, doubtful ≥ ${t.maybe.toFixed(2)}: recall  precision  doubtful  opt_out recall`);
  const line = (name: string, subset: (s: Sample) => boolean, two: ReplyFigures, three: ReplyFigures) => {
    const idx = samples.map((s, i) => (subset(s) ? i : -1)).filter((i) => i >= 0);
    const auc = rocAuc(idx.map((i) => p[i] as number), idx.map((i) => (samples[i] as Sample).optOut));
    // Opt-outs read as opt_out (not only held as doubtful): what "sure" catches on its own.
    const sureRecall = three.opt_outs > 0 ? (three.outcomes.opt_out * (three.precision ?? 0)) / three.opt_outs : null;
    console.log(`  ${name.padEnd(8)} ${String(two.replies).padStart(5)}  ${String(two.opt_outs).padStart(8)}  ${fmt(auc)} |                ${fmt(two.recall)}   ${fmt(two.precision)}   |                                  ${fmt(three.recall)}   ${fmt(three.precision)}    ${fmt(three.doubtful_share)}     ${fmt(sureRecall)}`);
  };
  for (const lang of Object.keys(atMaybe.by_language)) {
    line(lang, (s) => s.row.lang === lang, atMaybe.by_language[lang] as ReplyFigures, threeWay.by_language[lang] as ReplyFigures);
  }
  line('all', () => true, atMaybe, threeWay);
}

const trainingName = args.half === undefined ? 'every row' : `half ${args.half} (rows of ${trainParity === 0 ? 'even' : 'odd'} index)`;
console.log(`${args.input}: ${all.length} rows; fitting on ${trainingName}: ${train.length} rows, ${train.filter((s) => s.optOut).length} opt-outs`);
console.log(`\npenalty λ   cross-validated AUC (${FOLDS} folds × ${REPEATS}, training rows only)`);
const runs = PENALTIES.map((penalty) => {
  const cv = crossValidate(train, penalty);
  console.log(`  ${String(penalty).padEnd(10)} ${fmt(cv.auc)}`);
  return { penalty, ...cv };
});
const topAuc = Math.max(...runs.map((r) => r.auc));
const chosen = runs.filter((r) => r.auc >= topAuc - AUC_TOLERANCE).at(-1) as (typeof runs)[number];
const thresholds = chooseThresholds(chosen.outOfFold, train);
console.log(`chosen λ = ${chosen.penalty}; thresholds from the out-of-fold probabilities: maybe ${thresholds.maybe.toFixed(2)} (recall ≥ ${TARGET_RECALL}), sure ${thresholds.sure.toFixed(2)} (precision ≥ ${TARGET_PRECISION})`);
report('cross-validated on the training rows (out-of-fold probabilities):', train, chosen.outOfFold, thresholds);

const model = fit(train, chosen.penalty);
if (heldOut.length > 0) {
  report(`held out: the other half (${heldOut.length} rows), never seen by the fit nor by the choice of λ and thresholds:`, heldOut, heldOut.map((s) => probability(model, s)), thresholds);
}

const out = args.out ?? (args.half === undefined ? REPLY_MODEL_FILE : undefined);
if (out !== undefined) {
  const command = ['npx tsx bench/fit-replies.ts --input', relative(ROOT, input), ...(args.half === undefined ? [] : ['--half', args.half])].join(' ');
  const json = encodeReplyModel(model.weights, model.bias, thresholds, {
    command,
    data: { rows: train.length, opt_outs: train.filter((s) => s.optOut).length, sha256: createHash('sha256').update(content).digest('hex') },
    penalty: chosen.penalty,
  });
  writeFileSync(out, json);
  console.log(`\nwrote ${relative(process.cwd(), resolve(out))}: ${(json.length / 1024).toFixed(0)} kB`);
}
