import { activeStops, getAccount, pauseAccount, recordStop, type AccountRow } from '../../db/accounts.ts';
import { abandonAction, beginResend, claimAction, failAction, finishAction, getAction, orphanedActions, releaseAction, renewLease, takeOrphan, type Action } from '../../db/actions.ts';
import { assertLive, FencedError } from '../../db/workers.ts';
import { exhaustWindow, observeLimits, type Exhausted } from '../../db/budgets.ts';
import { followsDone, halveCaps, throttleFactor } from '../../db/engage.ts';
import type { Database } from '../../db/client.ts';
import type { ActionKind, StopKind } from '../../db/schema.ts';
import { heldReplyOf } from '../../db/replies.ts';
import { currentPause } from '../../db/work.ts';
import type { Persona } from '../config/persona.ts';
import type { EngagementConfig } from '../config/worker.ts';
import type { Logger } from '../log.ts';
import type { XAccount, WriteResult } from '../x/account.ts';
import type { XDoor } from '../x/door.ts';
import { XCallError } from '../x/errors.ts';
import { actingAccounts } from './accounts.ts';
import { ACTION_ENDPOINT, budgetChecks, dailyCap, personaScope, warmupFactor } from './rules.ts';
import { tierLimits } from '../x/tiers.ts';

/**
 * Performing one like or follow: the one path both the engage job (mode auto) and a salesperson's
 * click (`prospector act`, the review page) take. In order: the account is not paused and X has not
 * stopped us; the action goes pending and its budgets are debited in one transaction; one request;
 * the outcome is written. Whatever X answers, the action never loops and never goes twice.
 */

export interface EngageDeps {
  db: Database;
  door: XDoor;
  log: Logger;
  now: () => Date;
  workerId: string;
  tier: string;
  personas: readonly Persona[];
  engagement: EngagementConfig;
  signal?: AbortSignal;
}

/**
 * Why an action waits: X answered 429 (`rate_limited`); X's 15-minute or 24-hour limit is used up
 * as our budget knows it (`x_limit`); the persona's daily cap is reached (`persona_cap`).
 */
export type DeferralKind = 'rate_limited' | 'x_limit' | 'persona_cap';

/**
 * Why an action will not happen as planned: it is not planned (no such action, done, cancelled,
 * taken by another worker); every worker is paused (`prospector pause`); its account is not one
 * of the door's; its account is paused (by a person, or just now because X refused its token or
 * its actions); the person is on the do-not-contact list; a reply of theirs is held for a person
 * to decide whether it asks us to stop (`reply_held`: the action waits, planned); X refused the
 * request itself (a target gone, a bad request); this process lost its database lock (`fenced`:
 * a click is answered so; the engage job stops instead).
 */
export type RefusalKind = 'not_planned' | 'workers_paused' | 'account_unknown' | 'account_paused' | 'do_not_contact' | 'reply_held' | 'invalid' | 'fenced';

/**
 * What performing an action came to. Each outcome that is not `done` carries a `kind` to branch
 * on and a `reason` that says it for a person.
 */
export type PerformOutcome =
  | { status: 'done'; action: Action; data: Record<string, unknown>; message: string }
  /** Not now; `until` is when to try again. */
  | { status: 'deferred'; kind: DeferralKind; action: Action; reason: string; until?: Date }
  /** Will not happen. */
  | { status: 'refused'; kind: RefusalKind; reason: string }
  /** Sent, but what X did is unknown: left for reconciliation. */
  | { status: 'unknown'; action: Action; reason: string }
  /** X stopped every call: its monthly cap (`usage_capped`) or no credit left (`credits_depleted`); the job must stop. */
  | { status: 'stopped'; kind: StopKind; reason: string };

type Refused = Extract<PerformOutcome, { status: 'refused' }>;
const refused = (kind: RefusalKind, reason: string): Refused => ({ status: 'refused', kind, reason });

/** A persona's cap today for one account and kind: its per_day × warm-up × throttle. */
export async function capFor(deps: Pick<EngageDeps, 'db' | 'engagement'>, persona: Persona, account: Pick<AccountRow, 'engagingSince'>, kind: ActionKind, at: Date): Promise<{ cap: number; warmup: number; throttle: number }> {
  const warmup = warmupFactor(deps.engagement.warmup, account.engagingSince, at);
  const throttle = await throttleFactor(deps.db, persona.id);
  return { cap: dailyCap(persona, kind, { warmup, throttle }), warmup, throttle };
}

function describeExhausted(e: Exhausted, handle: string, kind: ActionKind): string {
  const what = e.scope === 'x' ? `X's ${e.window === '15min' ? '15-minute' : '24-hour'} limit for ${kind}s` : `the ${e.scope.slice('persona:'.length)} persona's daily ${kind} cap`;
  return `@${handle} has used ${what} (${e.used}/${e.limit}); it resets ${e.resetAt.toISOString()}`;
}

/** The acting account of an action, from the door (by its user id), with its row (paused or not, warm-up). */
async function accountOf(deps: EngageDeps, action: Action): Promise<{ row: AccountRow; x: XAccount } | Refused> {
  const x = await deps.door.accountById(action.account, deps.signal);
  const row = x ? await getAccount(deps.db, x.handle) : undefined;
  if (!x || !row) return refused('account_unknown', `action ${action.id} belongs to account ${action.account}, which is not configured here`);
  if (row.pausedAt) return refused('account_paused', `@${row.handle} is paused: ${row.pausedReason ?? 'no reason given'} (resume with: prospector accounts resume ${row.handle})`);
  return { row, x };
}

/**
 * One like or follow request (retried after a 5xx). Each try leaves only while this process holds
 * its lock and the action: a retry first renews the action's lease, in the same transaction as the
 * lock's check.
 */
async function send(deps: EngageDeps, x: XAccount, action: Action): Promise<WriteResult> {
  const beforeRetry = async () => {
    const renewed = await renewLease(deps.db, { id: action.id, workerId: deps.workerId, leaseMs: leaseMs(deps.engagement) });
    if (renewed === 'fenced') throw new FencedError(deps.workerId);
    if (renewed === 'lost') throw new Error(`action ${action.id} is no longer this worker's (settled or taken over): not tried again`);
  };
  const options = { timeoutMs: deps.engagement.write_timeout_seconds * 1000, beforeRetry, ...(deps.signal ? { signal: deps.signal } : {}) };
  return action.kind === 'like' ? x.like(action.target, options) : x.follow(action.target, options);
}

/**
 * How long this worker holds a pending action, on the database's clock: one try's timeout and 10 s
 * more (each retry renews it). Others settle the action only after that, even when this worker
 * seems gone, so a request still in flight is never doubled.
 */
export function leaseMs(engagement: Pick<EngagementConfig, 'write_timeout_seconds'>): number {
  return engagement.write_timeout_seconds * 1000 + 10_000;
}

/** What X answered, said for a person. */
function doneMessage(handle: string, action: Action, data: Record<string, unknown>): string {
  if (action.kind === 'like') return `@${handle} liked post ${action.target}`;
  if (data.pending_follow === true) return `@${handle} asked to follow user ${action.target} (protected account: the follow is pending their approval)`;
  return `@${handle} follows user ${action.target}`;
}

/**
 * Handles what X refused. Every branch ends the action's pending state or leaves it for
 * reconciliation; none sends again.
 */
async function onRefusal(deps: EngageDeps, error: unknown, action: Action, row: { handle: string }, persona: Persona | undefined, reconciling: boolean): Promise<PerformOutcome> {
  const at = deps.now();
  const refundScopes = persona && !reconciling ? [personaScope(persona.id)] : [];
  const workerId = deps.workerId;
  // A refused reconciliation stays pending (X was read and had not done it; the next one reads again).
  const release = (reason: string) =>
    reconciling ? abandonAction(deps.db, { id: action.id, error: reason, workerId }) : releaseAction(deps.db, { id: action.id, error: reason, refundScopes, at, workerId });
  if (!(error instanceof XCallError)) {
    // A bug, not an answer from X: whether the request left is unknown.
    await abandonAction(deps.db, { id: action.id, error: `unexpected error: ${(error as Error)?.message ?? String(error)}`, workerId });
    throw error;
  }
  const log = deps.log.child({ account: row.handle, action: action.id, kind: action.kind });
  switch (error.kind) {
    case 'rate_limited': {
      const window = error.details.window === '24hour' ? 'day' : '15min';
      const limits = tierLimits(deps.tier).endpoints[ACTION_ENDPOINT[action.kind]];
      const resetAt = error.details.resetAt ?? new Date(at.getTime() + (window === 'day' ? 86_400_000 : 900_000));
      await exhaustWindow(deps.db, action.account, action.kind, window, resetAt, at, window === 'day' ? limits.userDay ?? limits.user : limits.user);
      await release(error.message);
      log.warn({ resetAt: resetAt.toISOString(), window }, `429 from X for @${row.handle}'s ${action.kind}s: waiting for the ${window === 'day' ? '24-hour' : '15-minute'} reset at ${resetAt.toISOString()} (our budget thought there was room: the headers now correct it)`);
      return { status: 'deferred', kind: 'rate_limited', action, reason: error.message, until: resetAt };
    }
    case 'usage_capped':
    case 'credits_depleted': {
      await recordStop(deps.db, { kind: error.kind, detail: error.message, at });
      await release(error.message);
      log.error({ kind: error.kind }, error.message);
      return { status: 'stopped', kind: error.kind, reason: error.message };
    }
    case 'unauthorized':
    case 'forbidden':
    case 'spam': {
      const reason = error.kind === 'unauthorized' ? `X refused @${row.handle}'s token (401): re-authorise the account` : error.kind === 'spam' ? `X refused a ${action.kind} as automated or spam (403: ${String(error.details.problem?.detail ?? '')})` : `X refused a ${action.kind} (403: ${String(error.details.problem?.detail ?? '')})`;
      await release(error.message);
      await pauseAccount(deps.db, row.handle, reason, at);
      log.error({ kind: error.kind }, `@${row.handle} paused: ${reason}`);
      if (error.kind === 'spam' && persona) {
        const factor = await halveCaps(deps.db, { persona: persona.id, reason: `X refused @${row.handle}'s ${action.kind} as spam`, followsDone: await followsDone(deps.db, persona.id), at });
        log.warn({ persona: persona.id, factor }, `persona ${persona.id}: caps halved (now ×${factor}) because X refused an action as spam`);
      }
      return refused('account_paused', `@${row.handle} paused: ${reason}`);
    }
    case 'invalid': {
      if (reconciling) await finishAction(deps.db, { id: action.id, status: 'failed', error: error.message, at, workerId });
      else await failAction(deps.db, { id: action.id, error: error.message, refundScopes, at, workerId });
      log.warn({}, error.message);
      return refused('invalid', error.message);
    }
    case 'server':
    case 'network': {
      await abandonAction(deps.db, { id: action.id, error: `${error.message}; outcome unknown: settled by reading X`, workerId });
      log.warn({}, `${error.message}: outcome unknown, left pending until X is read`);
      return { status: 'unknown', action, reason: error.message };
    }
  }
}

/**
 * Performs one planned action now, within budgets. `actor` is 'engage' for the job, or the
 * salesperson who clicked.
 */
export async function performAction(deps: EngageDeps, actionId: number, actor: string): Promise<PerformOutcome> {
  const at = deps.now();
  const action = await getAction(deps.db, actionId);
  if (!action) return refused('not_planned', `no action ${actionId}`);
  if (action.status !== 'planned') return refused('not_planned', `action ${actionId} is ${action.status}, not planned`);
  const stops = await activeStops(deps.db, at);
  if (stops.length > 0) return { status: 'stopped', kind: stops[0]!.kind, reason: stops.map((s) => s.detail).join('; ') };
  // The global pause stops every worker before its next action (`prospector pause`).
  const pause = await currentPause(deps.db);
  if (pause) return refused('workers_paused', `all workers are paused${pause.reason ? ` (${pause.reason})` : ''} by ${pause.pausedBy}: prospector resume`);
  // A possible opt-out pauses everything towards the person until someone reads it.
  const held = await heldReplyOf(deps.db, action.prospectId);
  if (held) {
    const who = held.username ? `@${held.username}` : `user ${held.prospectId}`;
    return refused('reply_held', `${who} may have asked us to stop (reply ${held.id}: ${held.reason}); nothing goes to them until someone decides: prospector replies, then prospector replies confirm ${held.id} or dismiss ${held.id}`);
  }
  const found = await accountOf(deps, action);
  if ('status' in found) return found;
  const { row, x } = found;
  const persona = deps.personas.find((p) => p.id === action.persona);
  const cap = persona ? (await capFor(deps, persona, row, action.kind, at)).cap : undefined;
  const checks = budgetChecks({ tier: deps.tier, kind: action.kind, persona, ...(cap === undefined ? {} : { cap }), at });
  const claim = await claimAction(deps.db, { id: action.id, workerId: deps.workerId, actor, checks, at, leaseMs: leaseMs(deps.engagement) });
  if (!claim.claimed) {
    if (claim.reason === 'fenced') throw new FencedError(deps.workerId);
    if (claim.reason === 'exhausted') {
      const kind = claim.exhausted.scope === 'x' ? 'x_limit' : 'persona_cap';
      return { status: 'deferred', kind, action, reason: describeExhausted(claim.exhausted, row.handle, action.kind), until: claim.exhausted.resetAt };
    }
    if (claim.status === 'do_not_contact') return refused('do_not_contact', `the person is on the do-not-contact list: action ${action.id} cancelled`);
    return refused('not_planned', `action ${action.id} is ${claim.status}`);
  }
  const personaScopes = persona ? [personaScope(persona.id)] : [];
  try {
    // The lock may have gone since the claim's transaction proved it: then nothing leaves.
    assertLive(deps.workerId);
  } catch (error) {
    await releaseAction(deps.db, { id: action.id, error: (error as Error).message, refundScopes: personaScopes, at, workerId: deps.workerId, unsent: true });
    throw error;
  }
  let result: WriteResult;
  try {
    result = await send(deps, x, claim.action);
  } catch (error) {
    return onRefusal(deps, error, claim.action, row, persona, false);
  }
  const done = deps.now();
  const recorded = await finishAction(deps.db, { id: action.id, status: 'done', outcome: result.data, at: done, workerId: deps.workerId });
  if (!recorded) deps.log.warn({ account: row.handle, action: action.id }, `action ${action.id} was taken over while its answer was out; X did it, and the taker settles it by reading X`);
  await observeLimits(deps.db, action.account, action.kind, result.limits, done);
  return { status: 'done', action: claim.action, data: result.data, message: doneMessage(row.handle, action, result.data) };
}

export interface ReconcileReport {
  /** Settled: found done on X, or sent again after X said it was not done and answered. */
  reconciled: number;
  /** Of those, found done on X by reading (no request sent). */
  confirmed: number;
  /** Of those, sent again because X had not done them. */
  resent: number;
  /** Still unknown: X could not be read, or the request sent again lost its answer too. They stay pending. */
  unsettled: number;
  /** Waiting for a window of X's or refused for now (429): still pending. */
  deferred: number;
}

/** The targets among `targets` that X lists as liked (posts) or followed (users) by the account, newest first within `maxPages`. */
async function foundOnX(x: XAccount, kind: ActionKind, targets: ReadonlySet<string>, maxPages: number, signal?: AbortSignal): Promise<Set<string>> {
  const found = new Set<string>();
  const pages = kind === 'like' ? x.likedPostIds({ maxPages, ...(signal ? { signal } : {}) }) : x.followingIds({ maxPages, ...(signal ? { signal } : {}) });
  for await (const page of pages) {
    for (const id of page) if (targets.has(id)) found.add(id);
    if (found.size === targets.size) break;
  }
  return found;
}

/**
 * Settles likes and follows whose outcome was lost (a dropped answer, a crashed or fenced worker,
 * X failing): per account and kind, the orphans are taken (each attempt counted), X is read once
 * (the account's latest likes or follows, newest first, `engagement.reconcile_pages` pages at
 * most), and each is done when X lists it; only what X does not list is sent again, one request,
 * recorded before it leaves. Whatever cannot be settled stays pending for the next run: an action
 * X may have done is never marked failed.
 */
export async function reconcilePending(deps: EngageDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { reconciled: 0, confirmed: 0, resent: 0, unsettled: 0, deferred: 0 };
  const mine = await actingAccounts(deps.db, deps.door, deps.signal);
  if (mine.length === 0) return report;
  const orphans = await orphanedActions(deps.db, { workerId: deps.workerId, accounts: mine.map((r) => r.userId) });
  const groups = new Map<string, Action[]>();
  for (const orphan of orphans) {
    const key = `${orphan.account}\u0000${orphan.kind}`;
    const group = groups.get(key);
    if (group) group.push(orphan);
    else groups.set(key, [orphan]);
  }
  const lease = leaseMs(deps.engagement);
  const workerId = deps.workerId;
  for (const group of groups.values()) {
    deps.signal?.throwIfAborted();
    const { account, kind } = group[0]!;
    const row = mine.find((r) => r.userId === account)!;
    if (row.pausedAt) continue;
    const taken: Action[] = [];
    for (const orphan of group) {
      const take = await takeOrphan(deps.db, { id: orphan.id, workerId, at: deps.now(), leaseMs: lease });
      if (take.ok) taken.push(take.action);
      else if (take.reason === 'fenced') throw new FencedError(workerId);
    }
    if (taken.length === 0) continue;
    const x = await deps.door.account(row.handle);
    const log = deps.log.child({ account: row.handle, kind });
    let found: Set<string>;
    try {
      assertLive(workerId);
      found = await foundOnX(x, kind, new Set(taken.map((a) => a.target)), deps.engagement.reconcile_pages, deps.signal);
    } catch (error) {
      const reason = `could not read @${row.handle}'s ${kind === 'like' ? 'likes' : 'follows'} on X to settle it: ${(error as Error)?.message ?? String(error)}`;
      for (const action of taken) await abandonAction(deps.db, { id: action.id, error: `${reason} (attempt ${action.reconcileAttempts}); stays pending`, workerId });
      if (!(error instanceof XCallError)) throw error;
      if (error.kind === 'usage_capped' || error.kind === 'credits_depleted') {
        await recordStop(deps.db, { kind: error.kind, detail: error.message, at: deps.now() });
        throw error;
      }
      log.warn({ actions: taken.map((a) => a.id) }, `${reason}: ${taken.length} left pending`);
      report.unsettled += taken.length;
      continue;
    }
    const persona = (action: Action) => deps.personas.find((p) => p.id === action.persona);
    for (const action of taken) {
      if (found.has(action.target)) {
        await finishAction(deps.db, { id: action.id, status: 'done', outcome: { reconciled: 'found on X', attempts: action.reconcileAttempts }, at: deps.now(), workerId });
        log.info({ action: action.id }, `${kind} ${action.id} is on X: done (its answer was lost); nothing sent again`);
        report.confirmed++;
        continue;
      }
      // X does not list it: it was not done. One more request, recorded before it leaves.
      const at = deps.now();
      const start = await beginResend(deps.db, { id: action.id, workerId, checks: budgetChecks({ tier: deps.tier, kind, at }), at, leaseMs: lease });
      if (!start.ok) {
        if (start.reason === 'fenced') throw new FencedError(workerId);
        if (start.reason === 'exhausted') await abandonAction(deps.db, { id: action.id, error: `not on X; waiting for ${describeExhausted(start.exhausted, row.handle, kind)}`, workerId });
        report.deferred++;
        continue;
      }
      try {
        assertLive(workerId);
      } catch (error) {
        await abandonAction(deps.db, { id: action.id, error: (error as Error).message, workerId });
        throw error;
      }
      try {
        const result = await send(deps, x, start.action);
        const done = deps.now();
        await finishAction(deps.db, { id: action.id, status: 'done', outcome: { ...result.data, reconciled: 'sent again: not on X', attempts: action.reconcileAttempts }, at: done, workerId });
        await observeLimits(deps.db, account, kind, result.limits, done);
        log.info({ action: action.id }, `${kind} ${action.id} was not on X: sent again, done`);
        report.resent++;
      } catch (error) {
        const outcome = await onRefusal(deps, error, start.action, row, persona(action), true);
        if (outcome.status === 'stopped') throw new XCallError(outcome.kind, outcome.reason);
        if (outcome.status === 'unknown') report.unsettled++;
        else if (outcome.status === 'deferred') report.deferred++;
      }
    }
  }
  report.reconciled = report.confirmed + report.resent;
  return report;
}
