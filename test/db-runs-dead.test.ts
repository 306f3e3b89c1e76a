import { beforeEach, expect, it } from 'vitest';
import { failDeadRuns, getRun, startRun } from '../db/runs.ts';
import { holdWorkerLock } from '../db/workers.ts';
import { AT, describeEachDatabase, minutesAfter } from './support/db.ts';

/**
 * A run by hand (`prospector run`) whose process died is left `running`: the next run marks it
 * failed, naming the pid, once its process's liveness lock is free. On PostgreSQL a process that
 * holds its lock is alive and its run is left alone; on PGlite there is one process, so every other
 * process's run is dead. Scheduled runs are the sweeper's (leases), never touched here.
 */
describeEachDatabase('runs whose process died', (t) => {
  beforeEach(() => t.reset());

  it('marks failed the runs by hand of a dead process, naming its pid; leaves its own, scheduled and finished runs', async () => {
    const dead = 'build-host:424242:ab12cd';
    const me = 'build-host:1000:ffffff';
    const killed = (await startRun(t.db, { job: 'engage', workerId: dead, at: AT }))!;
    const mine = (await startRun(t.db, { job: 'engage', workerId: me, at: AT }))!;
    const scheduled = (await startRun(t.db, { job: 'engage', tick: AT, workerId: dead, at: AT }))!;

    const marked = await failDeadRuns(t.db, { workerId: me, at: minutesAfter(5) });
    expect(marked.map((r) => r.id)).toEqual([killed]);
    expect(await getRun(t.db, killed)).toMatchObject({ status: 'failed', finishedAt: minutesAfter(5) });
    expect((await getRun(t.db, killed))!.error).toMatch(/^the process \(pid 424242\) died before the run finished; found by build-host:1000:ffffff$/);
    expect(await getRun(t.db, mine)).toMatchObject({ status: 'running', error: null });
    expect(await getRun(t.db, scheduled)).toMatchObject({ status: 'running', error: null });
    // Once is enough: a failed run stays as it was marked.
    expect(await failDeadRuns(t.db, { workerId: me, at: minutesAfter(6) })).toEqual([]);
  });

  // PGlite has one session: a lock held there cannot tell another process alive, so this case is PostgreSQL's only.
  if (t.kind === 'postgres')
    it('on PostgreSQL, leaves the run of a process that still holds its lock', async () => {
    const other = await t.fresh();
    const { migrate } = await import('../db/migrate.ts');
    await migrate(other.handle);
    const second = await other.connect();
    const alive = 'other-host:777:aaaaaa';
    const lock = await holdWorkerLock(second, alive);
    const release = () => lock.release();
    try {
      const id = (await startRun(other.handle.db, { job: 'search', workerId: alive, at: AT }))!;
      expect(await failDeadRuns(other.handle.db, { workerId: 'me:1:bbbbbb', at: minutesAfter(1) })).toEqual([]);
      expect(await getRun(other.handle.db, id)).toMatchObject({ status: 'running' });
      await release();
      const marked = await failDeadRuns(other.handle.db, { workerId: 'me:1:bbbbbb', at: minutesAfter(2) });
      expect(marked.map((r) => [r.id, r.error])).toEqual([[id, 'the process (pid 777) died before the run finished; found by me:1:bbbbbb']]);
    } finally {
      await release();
      if (second !== other.handle) await second.close();
    }
  });
});
