import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { activeStops } from '../db/accounts.ts';
import { runFramed } from '../jobs/frame.ts';
import { jobNamed } from '../jobs/index.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import { XDoor } from '../src/x/door.ts';
import { jobContext } from './support/context.ts';
import { describeEachDatabase } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * Out of credit, end to end: the sandbox answers X's 402 CreditsDepleted, the real twitter-api-v2
 * client carries it to the door, and search records a `credits_depleted` stop; from then on search
 * and engage stop without calling X, until someone clears the stop. On PGlite and on PostgreSQL.
 */

let sb: TestSandbox;
let door: XDoor;
let config: LoadedConfig;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 300 });
  door = await XDoor.sandbox(sb.url);
  config = await loadConfig({ file: 'config/prospector.yaml' });
});
afterAll(async () => {
  door?.close();
  await sb?.close();
});

interface Logged {
  seq: number;
  path: string;
  status: number;
  fault?: string;
}

async function requestsSince(seq: number): Promise<Logged[]> {
  return (await sb.admin<{ requests: Logged[] }>(`/__sandbox/requests?since=${seq}`)).requests;
}

describeEachDatabase('out of credit (402)', (t) => {
  beforeEach(async () => {
    await t.reset();
    await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
  });

  it('search meets the 402, records a credits_depleted stop until cleared, and search and engage stop', async () => {
    const persona = config.personas.find((p) => p.id === 'growth-saas-en');
    if (!persona) throw new Error('no example persona growth-saas-en');
    const now = () => new Date(sb.clock.now());
    const context = jobContext({ db: t.db, x: door, now, config: { worker: config.worker, personas: [persona] } });
    const start = (await requestsSince(0)).at(-1)?.seq ?? 0;

    await sb.admin('/__sandbox/faults', { method: 'POST', body: { '*': { credits_depleted: 1 } } });
    await expect(runFramed(jobNamed('search'), context)).rejects.toThrow(/out of credit \(402: Your enrolled account does not have any credits/);
    // One call, refused, and no retry: a 402 is not a failure to try again.
    const sent = (await requestsSince(start)).filter((r) => r.path.startsWith('/2/'));
    expect(sent.map((r) => [r.path, r.status, r.fault])).toEqual([['/2/tweets/search/recent', 402, 'credits_depleted']]);

    const stops = await activeStops(t.db, now());
    expect(stops).toEqual([expect.objectContaining({ kind: 'credits_depleted', until: null })]);
    expect(stops[0]?.detail).toMatch(/out of credit/);

    // Stopped: neither job calls X again, whatever the sandbox would answer now.
    await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
    const stopped = (await requestsSince(0)).at(-1)?.seq ?? 0;
    expect((await runFramed(jobNamed('search'), context)).summary).toMatch(/^search: stopped — .*out of credit/);
    expect((await runFramed(jobNamed('engage'), context)).summary).toMatch(/^engage: stopped — .*out of credit/);
    expect((await requestsSince(stopped)).filter((r) => r.path.startsWith('/2/'))).toEqual([]);
  });
});
