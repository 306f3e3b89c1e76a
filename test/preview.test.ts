import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewPersona } from '../src/commands/preview.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
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
