import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../db/rows.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { previewPersona } from '../src/commands/preview.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import { XDoor } from '../src/x/door.ts';
import { jobContext } from './support/context.ts';
import { describeEachDatabase } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/** `prospector personas preview`: reads, scores in memory, shows the best, writes nothing. */

let sb: TestSandbox;
let config: LoadedConfig;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 3000 });
  config = await loadConfig({ file: 'config/prospector.yaml' });
});
afterAll(async () => {
  await sb?.close();
});

describe('personas preview', () => {
  it('shows the top matches with reasons and the read cost, and reads only search', async () => {
    const persona = config.personas.find((p) => p.id === 'growth-saas-en')!;
    let out = '';
    const before = (await sb.admin<{ requests: unknown[] }>('/__sandbox/requests')).requests.length;
    await previewPersona(persona, config, { out: (t) => (out += t), say: () => {}, sandboxUrl: sb.url, top: 5, now: () => new Date(sb.clock.now()) });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^score\s+prospect\s+bio\s+why\s+post$/);
    const scores = lines.slice(2, 7).map((l) => Number(/^\s*(\d+)/.exec(l)?.[1]));
    expect(scores).toHaveLength(5);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(out).toMatch(/growth-saas-en: 4 queries, \d+ requests, \d+ posts and \d+ users read \(~\$\d+\.\d\d at pay-per-use prices\); \d+ prospects, \d+ at or above min_score 55/);
    expect(out).toContain('Nothing was stored.');
    const requests = (await sb.admin<{ requests: Array<{ method: string; path: string }> }>('/__sandbox/requests')).requests.slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.method === 'GET' && r.path === '/2/tweets/search/recent')).toBe(true);
  });
});

describeEachDatabase('personas preview and the pipeline', (t) => {
  let door: XDoor;
  beforeEach(async () => {
    await t.reset();
    door?.close();
    door = await XDoor.sandbox(sb.url);
  });
  afterAll(() => door?.close());

  it('pick the same post for each person: the preview shows the scores search and score store', async () => {
    // Both read everything the queries find in the search window, on the same frozen clock.
    const base = config.personas.find((p) => p.id === 'growth-saas-en')!;
    const persona: Persona = { ...base, search: { ...base.search, max_posts_per_day: 100_000 } };
    const now = () => new Date(sb.clock.now());
    let out = '';
    await previewPersona(persona, config, { out: (text) => (out += text), say: () => {}, sandboxUrl: sb.url, perQuery: 100_000, top: 100_000, now });
    const shown = out
      .split('\n')
      .slice(2)
      .map((line) => /^\s*(\d+)\s+@(\S+)\s/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ score: Number(m[1]), username: m[2]! }));
    const ctx = jobContext({ db: t.db, x: door, now, config: { worker: config.worker, personas: [persona] } });
    await search(ctx);
    await score(ctx);
    const stored = await rows<{ username: string; score: number }>(
      t.db,
      sql`select p.username, m.score from matches m join prospects p on p.x_user_id = m.prospect_id where m.persona = ${persona.id}`,
    );
    // Some people wrote several posts the queries find: which one is kept matters.
    const [several] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from (select po.author_id from posts po join matches m on m.prospect_id = po.author_id group by po.author_id having count(*) > 1) x`,
    );
    expect(several?.n).toBeGreaterThan(5);
    expect(shown.length).toBe(stored.length);
    const byUser = new Map(stored.map((r) => [r.username, r.score]));
    const differ = shown.filter((s) => byUser.get(s.username) !== s.score);
    expect(differ, 'preview scores that the pipeline does not store').toEqual([]);
  });
});
