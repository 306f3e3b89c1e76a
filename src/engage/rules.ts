import type { BudgetCheck } from '../../db/budgets.ts';
import type { ActionKind } from '../../db/schema.ts';
import type { Persona } from '../config/persona.ts';
import type { EngagementConfig } from '../config/worker.ts';
import { minuteOfDay, zonedDay, zonedParts } from '../time.ts';
import { tierLimits, type Endpoint } from '../x/tiers.ts';

/**
 * The rules of engagement, as pure functions: X's rule on automation, a persona's caps after the
 * warm-up ramp and any throttle, the budget windows an action must fit in, working hours, and how
 * many actions are due by now so that a day's actions spread over its working hours.
 */

/** X's developer guidelines on likes and follows, quoted (2026-07). */
export const X_AUTOMATION_RULE =
  'X developer guidelines: "Likes must be directly initiated by the authenticated user. Automated, bulk, or indiscriminate liking — including auto-liking by keyword, hashtag, user, or schedule — is prohibited." and, on follows: "No bulk, aggressive, or automated following."';

/** The start-up warning when personas act by themselves against the real X; undefined when none does. */
export function automationWarning(personas: readonly Pick<Persona, 'id' | 'engagement'>[]): string | undefined {
  const auto = personas.filter((p) => p.engagement.mode === 'auto').map((p) => p.id);
  if (auto.length === 0) return undefined;
  return (
    `WARNING: persona${auto.length > 1 ? 's' : ''} ${auto.join(', ')} ${auto.length > 1 ? 'are' : 'is'} in engagement mode "auto" against the real X API. ` +
    `${X_AUTOMATION_RULE} Accounts that automate likes or follows risk suspension; mode "assist" leaves each action to one click by a salesperson.`
  );
}

export const ACTION_ENDPOINT: Record<ActionKind, Endpoint> = { like: 'likes.create', follow: 'follows.create' };

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;

/** The share of caps an account may use, by whole weeks since it started engaging. */
export function warmupFactor(warmup: readonly number[], engagingSince: Date, at: Date): number {
  if (warmup.length === 0) return 1;
  const week = Math.max(0, Math.floor((at.getTime() - engagingSince.getTime()) / WEEK_MS));
  return warmup[Math.min(week, warmup.length - 1)]!;
}

/** A persona's daily cap for one account and kind, after the warm-up and the throttle (whole actions). */
export function dailyCap(persona: Pick<Persona, 'engagement'>, kind: ActionKind, factors: { warmup: number; throttle: number }): number {
  const base = kind === 'like' ? persona.engagement.like.per_day : persona.engagement.follow.per_day;
  return Math.floor(base * factors.warmup * factors.throttle);
}

export const personaScope = (personaId: string) => `persona:${personaId}`;

/**
 * The windows an action must fit in: X's 15-minute and 24-hour limits for the endpoint (from the
 * tier; the database keeps them corrected from headers) and the persona's cap for the day in its
 * time zone. A person's click outside any persona (`persona` undefined) only meets X's limits.
 */
export function budgetChecks(input: { tier: string; kind: ActionKind; persona?: Pick<Persona, 'id' | 'engagement'> | undefined; cap?: number; at: Date }): BudgetCheck[] {
  const limits = tierLimits(input.tier).endpoints[ACTION_ENDPOINT[input.kind]];
  const checks: BudgetCheck[] = [{ scope: 'x', window: '15min', limit: limits.user, lengthMs: 15 * 60_000 }];
  if (limits.userDay !== undefined) checks.push({ scope: 'x', window: 'day', limit: limits.userDay, lengthMs: DAY_MS });
  if (input.persona && input.cap !== undefined) {
    const day = zonedDay(input.at, input.persona.engagement.working_hours.time_zone);
    checks.push({ scope: personaScope(input.persona.id), window: 'day', limit: input.cap, start: day.start, reset: day.end });
  }
  return checks;
}

const LOOKAHEAD_MINUTES = 30;

/**
 * How far through the persona's working hours `at` is, from 0 (not started, or a day off outside
 * them) to 1 (over), looking half an hour ahead. Windows that wrap midnight (22:00–06:00) count
 * from the evening start.
 */
export function workingProgress(persona: Pick<Persona, 'engagement'>, at: Date): { inHours: boolean; progress: number } {
  const wh = persona.engagement.working_hours;
  const p = zonedParts(at, wh.time_zone);
  const now = p.hour * 60 + p.minute + p.second / 60;
  const start = minuteOfDay(wh.start);
  const end = minuteOfDay(wh.end);
  const length = end > start ? end - start : end + 1440 - start;
  let into = now - start;
  if (into < 0) into += 1440;
  // Half an hour ahead: runs every 10–15 minutes reach the whole cap before the day closes.
  if (into < length) return { inHours: true, progress: Math.min(1, (into + LOOKAHEAD_MINUTES) / length) };
  return { inHours: false, progress: end > start && now < start ? 0 : 1 };
}

/**
 * Actions due by now for a daily cap: the cap spread evenly over the working hours, so the day's
 * likes do not all leave at nine. The first one is due as the day opens.
 */
export function dueByNow(cap: number, progress: number): number {
  if (cap <= 0) return 0;
  return Math.min(cap, Math.max(1, Math.ceil(cap * progress)));
}

/** A random pause between two actions of one account, within the configured [min, max] seconds. */
export function jitterMs(engagement: Pick<EngagementConfig, 'jitter_seconds'>, random: () => number): number {
  const [min, max] = engagement.jitter_seconds;
  return Math.round((min + (Math.max(min, max) - min) * random()) * 1000);
}

/** The minimum spacing between two requests of one account to one endpoint so a 15-minute window is never exceeded. */
export function strictIntervalMs(tier: string, kind: ActionKind): number {
  const limits = tierLimits(tier).endpoints[ACTION_ENDPOINT[kind]];
  return Math.ceil((15 * 60_000) / Math.max(1, limits.user));
}
