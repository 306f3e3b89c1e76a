import type { ComponentReason, ComponentResult } from './components.ts';
import type { Reason } from './types.ts';

/**
 * Weighted combination of score components into 0–100, with an explanation a person can read:
 * "+22 title 'Head of Growth' matches; −15 account 9 days old". Each reason's points are its
 * share of its component times the component's weight, so the points of the reasons shown
 * explain the score's distance from a neutral prospect.
 */

export const COMPONENTS = ['fit', 'intent', 'authority', 'activity', 'authenticity', 'signals'] as const;
export type Component = (typeof COMPONENTS)[number];
export type Weights = Record<Component, number>;

export const DEFAULT_WEIGHTS: Weights = { fit: 35, intent: 25, authority: 10, activity: 10, authenticity: 15, signals: 5 };

export interface Scored {
  score: number;
  components: Record<Component, number>;
  reasons: Reason[];
  explanation: string;
}

/** At most this many reasons in the explanation: the ones that moved the score most. */
const MAX_REASONS = 5;

export function combine(parts: Record<Component, ComponentResult>, weights: Weights = DEFAULT_WEIGHTS): Scored {
  const total = totalWeight(weights);
  const reasons: Reason[] = [];
  // Component by component rather than a loop over COMPONENTS: it runs for every prospect, and
  // look-ups by a variable key cost more than the arithmetic.
  const fit = clamp(parts.fit.value);
  const intent = clamp(parts.intent.value);
  const authority = clamp(parts.authority.value);
  const activity = clamp(parts.activity.value);
  const authenticity = clamp(parts.authenticity.value);
  const signals = clamp(parts.signals.value);
  let sum = 0;
  sum += addShares(fit, parts.fit.reasons, weights.fit, total, reasons);
  sum += addShares(intent, parts.intent.reasons, weights.intent, total, reasons);
  sum += addShares(authority, parts.authority.reasons, weights.authority, total, reasons);
  sum += addShares(activity, parts.activity.reasons, weights.activity, total, reasons);
  sum += addShares(authenticity, parts.authenticity.reasons, weights.authenticity, total, reasons);
  sum += addShares(signals, parts.signals.reasons, weights.signals, total, reasons);
  return scored(sum, { fit: round2(fit), intent: round2(intent), authority: round2(authority), activity: round2(activity), authenticity: round2(authenticity), signals: round2(signals) }, reasons);
}

/**
 * The scorer's parts: fit, intent and authenticity with their reasons in points on 100, as the
 * matchers and the authenticity model give them (a reason of p points is a share of p / 100).
 */
export interface ScorerParts {
  fit: number;
  fitReasons: readonly Reason[];
  intent: number;
  intentReasons: readonly Reason[];
  authority: ComponentResult;
  activity: ComponentResult;
  authenticity: number;
  authenticityReasons: readonly Reason[];
  signals: ComponentResult;
}

/** `combine` of the scorer's parts, with the same numbers, without turning every reason into a share first. */
export function combineScorerParts(parts: ScorerParts, weights: Weights): Scored {
  const total = totalWeight(weights);
  const reasons: Reason[] = [];
  const fit = clamp(parts.fit);
  const intent = clamp(parts.intent);
  const authority = clamp(parts.authority.value);
  const activity = clamp(parts.activity.value);
  const authenticity = clamp(parts.authenticity);
  const signals = clamp(parts.signals.value);
  let sum = 0;
  sum += addPoints(fit, parts.fitReasons, weights.fit, total, reasons);
  sum += addPoints(intent, parts.intentReasons, weights.intent, total, reasons);
  sum += addShares(authority, parts.authority.reasons, weights.authority, total, reasons);
  sum += addShares(activity, parts.activity.reasons, weights.activity, total, reasons);
  sum += addPoints(authenticity, parts.authenticityReasons, weights.authenticity, total, reasons);
  sum += addShares(signals, parts.signals.reasons, weights.signals, total, reasons);
  return scored(sum, { fit: round2(fit), intent: round2(intent), authority: round2(authority), activity: round2(activity), authenticity: round2(authenticity), signals: round2(signals) }, reasons);
}

function totalWeight(weights: Weights): number {
  const total = Math.max(0, weights.fit) + Math.max(0, weights.intent) + Math.max(0, weights.authority) + Math.max(0, weights.activity) + Math.max(0, weights.authenticity) + Math.max(0, weights.signals);
  if (total <= 0) throw new Error('score weights: at least one component needs a weight above 0');
  return total;
}

const clamp = (value: number): number => Math.min(1, Math.max(0, value));
const round2 = (value: number): number => Math.round(value * 100) / 100;

/** Adds a component's reasons (shares of it) in points to `out`; returns its weighted value. */
function addShares(value: number, reasons: readonly ComponentReason[], weight: number, total: number, out: Reason[]): number {
  const w = Math.max(0, weight) / total;
  for (const r of reasons) {
    const points = Math.round(r.share * w * 100);
    if (points !== 0) out.push({ points, text: r.text });
  }
  return w * value;
}

/** `addShares` for reasons in points on 100. */
function addPoints(value: number, reasons: readonly Reason[], weight: number, total: number, out: Reason[]): number {
  const w = Math.max(0, weight) / total;
  for (const r of reasons) {
    const points = Math.round((r.points / 100) * w * 100);
    if (points !== 0) out.push({ points, text: r.text });
  }
  return w * value;
}

function scored(sum: number, components: Record<Component, number>, reasons: Reason[]): Scored {
  sortByWeight(reasons);
  while (reasons.length > MAX_REASONS) reasons.pop();
  return { score: Math.round(sum * 100), components, reasons, explanation: explain(reasons) };
}

/** Largest |points| first, ties in their order (a stable insertion sort: the lists are short). */
function sortByWeight(reasons: Reason[]): void {
  for (let i = 1; i < reasons.length; i++) {
    const r = reasons[i] as Reason;
    const size = Math.abs(r.points);
    let j = i - 1;
    while (j >= 0 && Math.abs((reasons[j] as Reason).points) < size) {
      reasons[j + 1] = reasons[j] as Reason;
      j--;
    }
    reasons[j + 1] = r;
  }
}

export function explain(reasons: Reason[]): string {
  let out = '';
  for (let i = 0; i < reasons.length; i++) {
    const r = reasons[i] as Reason;
    if (i > 0) out += '; ';
    out += signedPoints(r.points) + r.text;
  }
  return out;
}

/** "+12 ", "−3 ": made once for the points reasons have, since it runs for every reason shown. */
const SIGNED_POINTS = Array.from({ length: 201 }, (_, k) => `${k - 100 > 0 ? '+' : '−'}${Math.abs(k - 100)} `);

function signedPoints(points: number): string {
  return Number.isInteger(points) && points >= -100 && points <= 100 ? (SIGNED_POINTS[points + 100] as string) : `${points > 0 ? '+' : '−'}${Math.abs(points)} `;
}
