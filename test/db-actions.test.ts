import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { abandonAction, beginResend, claimAction, finishAction, orphanedActions, planActions, releaseAction, takeOrphan, unsettledActions } from '../db/actions.ts';
import { debit, exhaustWindow, observeLimits, openBudgets, type BudgetCheck } from '../db/budgets.ts';
import { upsertProspects } from '../db/prospects.ts';
import { rows } from '../db/rows.ts';
import { holdWorkerLock } from '../db/workers.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';

/**
 * Actions and budgets in the database, on both drivers: a target is planned once ever, a claim
 * debits every window or none, concurrent claims never pass a limit, X's headers correct its
 * windows, a 429 uses a window up, and a dead worker's pending action gets one reconciliation.
 */

const ACCOUNT = '1500000000000000001';
const DAY_CAP = (limit: number): BudgetCheck => ({ scope: 'persona:p', window: 'day', limit, start: AT, reset: minutesAfter(24 * 60) });
const X15 = (limit: number): BudgetCheck => ({ scope: 'x', window: '15min', limit, lengthMs: 15 * 60_000 });

describeEachDatabase('actions and budgets', (t) => {
  beforeEach(async () => {
    await t.reset();
    await upsertProspects(t.db, Array.from({ length: 40 }, (_, i) => prospectInput(i + 1)));
  });

  const plan = (n: number, kind: 'like' | 'follow' = 'follow') =>
    planActions(t.db, Array.from({ length: n }, (_, i) => ({ account: ACCOUNT, kind, target: xid(i + 1), prospectId: xid(i + 1), persona: 'p' })), AT);

  it('plans a target once, whatever the persona', async () => {
    expect(await plan(5)).toHaveLength(5);
    expect(await plan(5)).toHaveLength(0);
    const again = await planActions(t.db, [{ account: ACCOUNT, kind: 'follow', target: xid(1), prospectId: xid(1), persona: 'other' }], AT);
    expect(again).toHaveLength(0);
  });

  it('a claim debits every window or none, and never passes a limit', async () => {
    const planned = await plan(5);
    const checks = [X15(50), DAY_CAP(3)];
    const results = [];
    for (const a of planned) results.push(await claimAction(t.db, { id: a.id, workerId: 'w1', actor: 'engage', checks, at: AT }));
    expect(results.filter((r) => r.claimed)).toHaveLength(3);
    const refused = results.find((r) => !r.claimed);
    expect(refused).toMatchObject({ reason: 'exhausted', exhausted: { scope: 'persona:p', used: 3, limit: 3 } });
    // The 15-minute window was not debited for the refused ones.
    const windows = await openBudgets(t.db, AT);
    expect(windows.find((w) => w.scope === 'x')?.used).toBe(3);
    expect(windows.find((w) => w.scope === 'persona:p')?.used).toBe(3);
  });

  it('concurrent claims never pass a limit', async () => {
    const planned = await plan(30);
    const checks = [X15(50), DAY_CAP(7)];
    const results = await Promise.all(planned.map((a, i) => claimAction(t.db, { id: a.id, workerId: `w${i % 3}`, actor: 'engage', checks, at: AT })));
    expect(results.filter((r) => r.claimed)).toHaveLength(7);
    const [used] = await rows<{ used: number }>(t.db, sql`select used from budgets where scope = 'persona:p'`);
    expect(used?.used).toBe(7);
    // The same action claimed twice at once: one wins.
    const [a] = await plan(1, 'like');
    const twice = await Promise.all([0, 1].map(() => claimAction(t.db, { id: a!.id, workerId: 'w', actor: 'engage', checks: [X15(50)], at: AT })));
    expect(twice.filter((r) => r.claimed)).toHaveLength(1);
  });

  it('a release gives the persona unit back; X headers correct its window, never downwards', async () => {
    const [a] = await plan(1);
    await claimAction(t.db, { id: a!.id, workerId: 'w', actor: 'engage', checks: [X15(50), DAY_CAP(3)], at: AT });
    await releaseAction(t.db, { id: a!.id, error: '429', refundScopes: ['persona:p'], at: AT });
    let windows = await openBudgets(t.db, AT);
    expect(windows.find((w) => w.scope === 'persona:p')?.used).toBe(0);
    expect(windows.find((w) => w.scope === 'x')?.used).toBe(1);
    // X says 10 were used (other apps act for the account too) and the window resets later.
    const reset = minutesAfter(14);
    await observeLimits(t.db, ACCOUNT, 'follow', { quarter: { limit: 50, remaining: 40, resetAt: reset } }, AT);
    windows = await openBudgets(t.db, AT);
    expect(windows.find((w) => w.scope === 'x')).toMatchObject({ used: 10, limit: 50, resetAt: reset });
    await observeLimits(t.db, ACCOUNT, 'follow', { quarter: { limit: 50, remaining: 49, resetAt: reset } }, AT);
    expect((await openBudgets(t.db, AT)).find((w) => w.scope === 'x')?.used).toBe(10);
    // A 429 on the 24-hour cap: the day window is used up until X's reset.
    const dayReset = minutesAfter(600);
    await exhaustWindow(t.db, ACCOUNT, 'follow', 'day', dayReset, AT, 400);
    const day = (await openBudgets(t.db, AT)).find((w) => w.scope === 'x' && w.window === 'day');
    expect(day).toMatchObject({ used: 400, limit: 400, resetAt: dayReset });
    expect(await debit(t.db, ACCOUNT, 'follow', [{ scope: 'x', window: 'day', limit: 400, lengthMs: 86_400_000 }], AT)).toMatchObject({ window: 'day', resetAt: dayReset });
  });

  it("a dead worker's pending action is taken once its lease has run out; a live worker's never", async () => {
    const [a, b, c] = await plan(3);
    const lock = await holdWorkerLock(t.handle, 'alive');
    try {
      // 'dead' holds no lock anywhere; its lease on a ran out at once, on c it runs a minute.
      await claimAction(t.db, { id: a!.id, workerId: 'dead', actor: 'engage', checks: [X15(50)], at: AT, leaseMs: 0 });
      await claimAction(t.db, { id: b!.id, workerId: 'alive', actor: 'engage', checks: [X15(50)], at: AT, leaseMs: 0 });
      await claimAction(t.db, { id: c!.id, workerId: 'dead', actor: 'engage', checks: [X15(50)], at: AT, leaseMs: 60_000 });
      const orphans = await orphanedActions(t.db, { workerId: 'me' });
      // On PGlite every other id is dead (one process); on PostgreSQL 'alive' holds its lock.
      expect(orphans.map((o) => o.id)).toEqual(t.kind === 'postgres' ? [a!.id] : [a!.id, b!.id]);
      // c's holder may still have its request out: nobody takes it before its lease ends.
      expect(await takeOrphan(t.db, { id: c!.id, workerId: 'me', at: AT })).toEqual({ ok: false, reason: 'busy' });
      if (t.kind === 'postgres') expect(await takeOrphan(t.db, { id: b!.id, workerId: 'me', at: AT })).toEqual({ ok: false, reason: 'busy' });
      const first = await takeOrphan(t.db, { id: a!.id, workerId: 'me', at: AT, leaseMs: 0 });
      expect(first).toMatchObject({ ok: true, action: { workerId: 'me', reconcileAttempts: 1 } });
      // X was read and had not done it: one more request, counted and debited from X's window.
      expect((await beginResend(t.db, { id: a!.id, workerId: 'me', checks: [X15(50)], at: AT })).ok).toBe(true);
      // Its answer lost too: the action stays pending, never failed, for the next reconciliation.
      await abandonAction(t.db, { id: a!.id, error: 'dropped', workerId: 'me' });
      const second = await takeOrphan(t.db, { id: a!.id, workerId: 'me2', at: AT });
      expect(second).toMatchObject({ ok: true, action: { status: 'pending', workerId: 'me2', reconcileAttempts: 2, sends: 2 } });
      // A holder whose action was taken over cannot record over the taker.
      expect(await finishAction(t.db, { id: a!.id, status: 'done', at: AT, workerId: 'me' })).toBe(false);
      expect(await finishAction(t.db, { id: a!.id, status: 'done', at: AT, workerId: 'me2' })).toBe(true);
      const windows = await openBudgets(t.db, AT);
      expect(windows.find((w) => w.scope === 'x')?.used).toBe(4);
      expect(await unsettledActions(t.db)).toEqual([]);
    } finally {
      await lock.release();
    }
  });
});
