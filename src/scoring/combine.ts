import type { ComponentResult } from './components.ts';
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
  let total = 0;
  for (const c of COMPONENTS) total += Math.max(0, weights[c]);
  if (total <= 0) throw new Error('score weights: at least one component needs a weight above 0');
  let sum = 0;
  const components = {} as Record<Component, number>;
  const reasons: Reason[] = [];
  for (const c of COMPONENTS) {
    const part = parts[c];
    const value = Math.min(1, Math.max(0, part.value));
    components[c] = Math.round(value * 100) / 100;
    const w = Math.max(0, weights[c]) / total;
    sum += w * value;
    for (const r of part.reasons) {
      const points = Math.round(r.share * w * 100);
      if (points !== 0) reasons.push({ points, text: r.text });
    }
  }
  reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  const shown = reasons.slice(0, MAX_REASONS);
  return { score: Math.round(sum * 100), components, reasons: shown, explanation: explain(shown) };
}

export function explain(reasons: Reason[]): string {
  return reasons.map((r) => `${r.points > 0 ? '+' : '−'}${Math.abs(r.points)} ${r.text}`).join('; ');
}
