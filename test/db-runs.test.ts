import { beforeEach, expect, it } from 'vitest';
import { finishRun, getRun, startRun } from '../db/runs.ts';
import { AT, describeEachDatabase, minutesAfter } from './support/db.ts';

describeEachDatabase('job runs', (t) => {
  beforeEach(() => t.reset());

  it('a scheduled tick runs once per job and persona, whatever the number of workers', async () => {
    const tick = new Date('2026-11-02T09:00:00Z');
    const attempts = await Promise.all(['w1', 'w2', 'w3'].map((workerId) => startRun(t.db, { job: 'search', persona: 'saas-en', tick, workerId, at: AT })));
    expect(attempts.filter((id) => id !== undefined)).toHaveLength(1);
    // Another persona, another job, another tick: their own runs.
    expect(await startRun(t.db, { job: 'search', persona: 'saas-fr', tick, workerId: 'w1', at: AT })).toBeTypeOf('number');
    expect(await startRun(t.db, { job: 'score', persona: 'saas-en', tick, workerId: 'w1', at: AT })).toBeTypeOf('number');
    expect(await startRun(t.db, { job: 'search', persona: 'saas-en', tick: minutesAfter(15, tick), workerId: 'w1', at: AT })).toBeTypeOf('number');
    // Without a persona, the tick is still once.
    expect(await startRun(t.db, { job: 'queue', tick, workerId: 'w1', at: AT })).toBeTypeOf('number');
    expect(await startRun(t.db, { job: 'queue', tick, workerId: 'w2', at: AT })).toBeUndefined();
    // Manual runs have no tick and can repeat.
    expect(await startRun(t.db, { job: 'queue', workerId: 'cli', at: AT })).toBeTypeOf('number');
    expect(await startRun(t.db, { job: 'queue', workerId: 'cli', at: AT })).toBeTypeOf('number');
  });

  it('finishRun records status, counts, error and end time', async () => {
    const id = (await startRun(t.db, { job: 'search', persona: 'saas-en', workerId: 'w1', at: AT }))!;
    expect(await getRun(t.db, id)).toMatchObject({ id, job: 'search', persona: 'saas-en', status: 'running', startedAt: AT, finishedAt: null, workerId: 'w1' });
    await finishRun(t.db, { id, status: 'failed', counts: { posts: 212, prospects: 87 }, error: "X answered 503 'Service Unavailable'", at: minutesAfter(1) });
    expect(await getRun(t.db, id)).toMatchObject({ status: 'failed', counts: { posts: 212, prospects: 87 }, error: "X answered 503 'Service Unavailable'", finishedAt: minutesAfter(1) });
    await expect(finishRun(t.db, { id: 999, status: 'ok' })).rejects.toThrow('finishRun: no job run with id 999');
  });
});
