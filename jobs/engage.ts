import PQueue from 'p-queue';
import { nextPlanned, outstanding, planActions, type PlanInput } from '../db/actions.ts';
import type { ActionKind } from '../db/schema.ts';
import type { Persona } from '../src/config/persona.ts';
import { accountChooser, actingAccounts, personaAccounts, type ActingAccount } from '../src/engage/accounts.ts';
import { capFor, performAction, reconcilePending, type EngageDeps, type PerformOutcome } from '../src/engage/perform.ts';
import { engageCandidates, followBackRecord, followsDone, getThrottle, halveCaps, throttleFactor } from '../db/engage.ts';
import { usedToday } from '../db/budgets.ts';
import { dueByNow, jitterMs, personaScope, strictIntervalMs, workingProgress } from '../src/engage/rules.ts';
import { joinLines, personasOf, type JobContext, type JobResult } from './context.ts';

/**
 * engage: the first touch. For each persona not `off`, matches scoring at least its engage
 * threshold get one like (their best recent post: the one that matched, else their latest) and one
 * follow, planned for one of the persona's accounts (`accountChooser`: the one already acting on
 * them, else the lead owner's, else one picked by the person's id; never a paused one) within what
 * the day's caps leave. Mode `auto` then performs what is due by now,
 * spread over the working hours, each account paced by its own queue with a strict interval and
 * jitter; mode `assist` leaves them for a salesperson's click. Before anything, actions a crashed
 * run left pending are reconciled; and a persona whose follows are rarely returned is throttled.
 */

const KINDS: readonly ActionKind[] = ['like', 'follow'];

interface Slot {
  account: ActingAccount;
  cap: Record<ActionKind, number>;
  /** Planned now + planned before + done today: what planning may still add. */
  room: Record<ActionKind, number>;
  used: Record<ActionKind, number>;
}

export default async function engage(ctx: JobContext): Promise<JobResult> {
  const counts = { personas: 0, planned: 0, performed: 0, deferred: 0, refused: 0, unknown: 0, reconciled: 0, confirmed: 0, resent: 0, unsettled: 0, throttled: 0 };
  const lines: Array<[string, string]> = [];
  let stopped: string | undefined;
  const at = ctx.now();
  const deps: EngageDeps = {
    db: ctx.db,
    door: ctx.x,
    log: ctx.log,
    now: ctx.now,
    workerId: ctx.workerId,
    tier: ctx.config.worker.tier,
    personas: ctx.config.personas,
    engagement: ctx.config.worker.engagement,
    signal: ctx.signal,
  };

  const personas = personasOf(ctx).filter((p) => p.engagement.mode !== 'off');
  if (personas.length === 0) return { summary: 'no persona engages (mode off)', counts };

  if (!ctx.dryRun) {
    const report = await reconcilePending(deps);
    counts.reconciled = report.reconciled;
    counts.confirmed = report.confirmed;
    counts.resent = report.resent;
    counts.unsettled = report.unsettled;
  }

  // Handles, owners and user ids from the door (kept there, never a users/me per action).
  const accounts = await actingAccounts(ctx.db, ctx.x, ctx.signal);

  for (const persona of personas) {
    ctx.signal.throwIfAborted();
    counts.personas++;
    if (!ctx.dryRun && (await autoThrottle(ctx, persona))) counts.throttled++;
    const mine = personaAccounts(accounts, persona);
    const active = mine.filter((a) => !a.pausedAt);
    if (active.length === 0) {
      lines.push([persona.id, `no active account${mine.length ? ` (paused: ${mine.map((a) => `@${a.handle}`).join(', ')})` : ''}`]);
      continue;
    }

    // What each account may still plan today for this persona.
    const slots = new Map<string, Slot>();
    for (const account of active) {
      const slot: Slot = { account, cap: { like: 0, follow: 0 }, room: { like: 0, follow: 0 }, used: { like: 0, follow: 0 } };
      for (const kind of KINDS) {
        const { cap } = await capFor(deps, persona, account, kind, at);
        const used = await usedToday(ctx.db, account.userId, kind, personaScope(persona.id), at);
        const waiting = await outstanding(ctx.db, { account: account.userId, kind, persona: persona.id });
        slot.cap[kind] = cap;
        slot.used[kind] = used;
        slot.room[kind] = Math.max(0, cap - used - waiting);
      }
      slots.set(account.userId, slot);
    }

    const plans: PlanInput[] = [];
    const totalRoom = [...slots.values()].reduce((n, s) => n + s.room.like + s.room.follow, 0);
    if (totalRoom > 0) {
      const choose = accountChooser(accounts, persona);
      for (const c of await engageCandidates(ctx.db, { persona: persona.id, threshold: persona.engagement.threshold, at, limit: totalRoom * 2 + 20 })) {
        const account = choose({ prospectId: c.prospect_id, owner: c.owner, account: c.account });
        if (!account) continue; // another account already touches this person
        const slot = slots.get(account.userId)!;
        if (!c.has_like && c.post_id && slot.room.like > 0) {
          plans.push({ account: account.userId, kind: 'like', target: c.post_id, prospectId: c.prospect_id, persona: persona.id });
          slot.room.like--;
        }
        if (!c.has_follow && slot.room.follow > 0) {
          plans.push({ account: account.userId, kind: 'follow', target: c.prospect_id, prospectId: c.prospect_id, persona: persona.id });
          slot.room.follow--;
        }
        if ([...slots.values()].every((s) => s.room.like + s.room.follow === 0)) break;
      }
    }
    const planned = ctx.dryRun ? plans.length : (await planActions(ctx.db, plans, at)).length;
    counts.planned += planned;
    for (const p of plans) ctx.log.debug({ persona: persona.id, account: p.account, kind: p.kind, target: p.target, dryRun: ctx.dryRun }, `planned ${p.kind} of ${p.target}`);

    if (persona.engagement.mode !== 'auto' || ctx.dryRun) {
      lines.push([persona.id, `${planned} planned${persona.engagement.mode === 'assist' ? ' for a salesperson (assist)' : ''}${ctx.dryRun ? ' (nothing sent)' : ''}`]);
      continue;
    }

    const hours = workingProgress(persona, at);
    if (!hours.inHours) {
      lines.push([persona.id, `${planned} planned; outside working hours (${persona.engagement.working_hours.start}–${persona.engagement.working_hours.end} ${persona.engagement.working_hours.time_zone}), nothing sent`]);
      continue;
    }
    const result = await performDue(ctx, deps, persona, [...slots.values()], hours.progress);
    counts.performed += result.done;
    counts.deferred += result.deferred;
    counts.refused += result.refused;
    counts.unknown += result.unknown;
    lines.push([persona.id, `${planned} planned, ${result.done} done${result.deferred ? `, ${result.deferred} deferred` : ''}${result.refused ? `, ${result.refused} refused` : ''}${result.unknown ? `, ${result.unknown} to reconcile` : ''}`]);
    if (result.stopped) {
      stopped = result.stopped;
      break;
    }
  }

  const parts = [joinLines(lines, ctx.persona !== undefined) || 'nothing to do'];
  if (stopped) parts.push(`stopped: ${stopped}`);
  if (counts.reconciled) parts.push(`${counts.reconciled} reconciled (${counts.confirmed} found on X, ${counts.resent} sent again)`);
  if (counts.unsettled) parts.push(`${counts.unsettled} still of unknown outcome (prospector status)`);
  return { summary: parts.join('; '), counts };
}

interface DueResult {
  done: number;
  deferred: number;
  refused: number;
  unknown: number;
  stopped?: string;
}

/**
 * Performs the actions due by now, each account in parallel, each (account, kind) through its own
 * p-queue: one at a time, at least the strict interval apart (X's 15-minute window spread evenly),
 * with a random pause between two. A deferral (budget or 429) ends that queue for this run; a stop
 * (X's, or the job's signal) ends them all. Ending a queue clears what it still holds, so no
 * interval is waited out for actions that will not run: a stop takes as long as the action in
 * flight, whatever is queued. Aborted, it throws the signal's reason once that action is recorded.
 */
async function performDue(ctx: JobContext, deps: EngageDeps, persona: Persona, slots: Slot[], progress: number): Promise<DueResult> {
  const result: DueResult = { done: 0, deferred: 0, refused: 0, unknown: 0 };
  const pacing = ctx.pacing !== false;
  const queues: PQueue[] = [];
  const clearAll = () => {
    for (const q of queues) q.clear();
  };
  const failures: unknown[] = [];
  ctx.signal.addEventListener('abort', clearAll, { once: true });
  try {
    for (const slot of slots) {
      for (const kind of KINDS) {
        const due = dueByNow(slot.cap[kind], progress) - slot.used[kind];
        if (due <= 0) continue;
        const next = await nextPlanned(ctx.db, { account: slot.account.userId, kind, persona: persona.id, limit: due });
        ctx.signal.throwIfAborted();
        if (result.stopped) break;
        const queue = new PQueue({ concurrency: 1, ...(pacing ? { interval: strictIntervalMs(deps.tier, kind), intervalCap: 1 } : {}) });
        queues.push(queue);
        for (const [i, action] of next.entries()) {
          // Never awaited one by one: a cleared task's promise never settles. Failures are kept.
          void queue
            .add(async () => {
              if (ctx.signal.aborted || result.stopped) {
                queue.clear();
                return;
              }
              if (i > 0 && pacing) await ctx.sleep(jitterMs(deps.engagement, ctx.random), ctx.signal);
              const outcome: PerformOutcome = await performAction(deps, action.id, 'engage');
              switch (outcome.status) {
                case 'done':
                  result.done++;
                  ctx.log.info({ persona: persona.id, account: slot.account.handle, kind, action: action.id }, outcome.message);
                  break;
                case 'deferred':
                  result.deferred++;
                  queue.clear();
                  ctx.log.info({ persona: persona.id, account: slot.account.handle, kind, until: outcome.until?.toISOString() }, outcome.reason);
                  break;
                case 'refused':
                  result.refused++;
                  // The account (or every worker) is paused: nothing more goes from this queue.
                  if (outcome.kind === 'account_paused' || outcome.kind === 'workers_paused') queue.clear();
                  break;
                case 'unknown':
                  result.unknown++;
                  break;
                case 'stopped':
                  result.stopped = outcome.reason;
                  clearAll();
                  break;
              }
            })
            .catch((error: unknown) => {
              failures.push(error);
              queue.clear();
            });
        }
      }
    }
  } catch (error) {
    // Planning the next queue failed or was aborted: the queues started already stop too.
    failures.push(error);
    clearAll();
  } finally {
    // Whatever happened, an action in flight is recorded before this returns (cleared queues go
    // idle once their task in flight has settled): the caller may close the database next.
    await Promise.all(queues.map((q) => q.onIdle()));
    ctx.signal.removeEventListener('abort', clearAll);
  }
  ctx.signal.throwIfAborted();
  if (failures.length > 0) throw failures[0];
  return result;
}

/**
 * Auto-throttle: when the persona's last N follows that are old enough to be answered (N and the
 * age from the config) were followed back less often than the threshold, its caps are halved and
 * the reason logged. The next check waits for N more follows.
 */
async function autoThrottle(ctx: JobContext, persona: Persona): Promise<boolean> {
  const { follows: n, min_follow_back_rate: minRate, answer_hours: hours } = ctx.config.worker.engagement.throttle;
  const at = ctx.now();
  const state = await getThrottle(ctx.db, persona.id);
  const done = await followsDone(ctx.db, persona.id);
  if (done - (state?.followsAtChange ?? 0) < n) return false;
  const stats = await followBackRecord(ctx.db, { persona: persona.id, n, answeredBy: new Date(at.getTime() - hours * 3_600_000) });
  if (stats.follows < n) return false;
  const rate = stats.back / stats.follows;
  if (rate >= minRate) return false;
  const before = await throttleFactor(ctx.db, persona.id);
  const reason = `follow-back rate ${(rate * 100).toFixed(1)}% over the last ${stats.follows} follows is below ${(minRate * 100).toFixed(1)}%`;
  const factor = await halveCaps(ctx.db, { persona: persona.id, reason, followsDone: done, at });
  ctx.log.warn({ persona: persona.id, rate, follows: stats.follows, factor, before }, `persona ${persona.id}: caps halved (×${before} → ×${factor}): ${reason}`);
  return true;
}
