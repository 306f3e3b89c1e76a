import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import type { BenchRow } from './table.ts';

/**
 * Sandbox benchmarks: population generation (time, memory) at 100k and 1M users, and search
 * requests per second with 100 results and the author expansion. The worker's own benchmarks
 * run against the sandbox, so it must not be their bottleneck.
 */

const CHILD = new URL('./sandbox-child.ts', import.meta.url).pathname;

function child(args: string[]): { lines: AsyncIterableIterator<string>; kill: () => void; done: Promise<number> } {
  const proc = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=6144', '--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const done = new Promise<number>((resolve) => proc.on('exit', (code) => resolve(code ?? 1)));
  return { lines, kill: () => proc.kill('SIGTERM'), done };
}

async function firstJson<T>(lines: AsyncIterableIterator<string>): Promise<T> {
  const { value, done } = await lines.next();
  if (done) throw new Error('benchmark child exited without a result');
  return JSON.parse(value) as T;
}

async function populate(users: number): Promise<{ ms: number; heapMB: number; rssMB: number; posts: number }> {
  const c = child(['populate', String(users)]);
  const result = await firstJson<{ ms: number; heapMB: number; rssMB: number; posts: number }>(c.lines);
  await c.done;
  return result;
}

/** Closed-loop load: `concurrency` requests in flight for `seconds`, keep-alive. */
async function load(url: string, token: string, seconds: number, concurrency: number): Promise<{ rps: number; errors: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const queries = ['crm', 'marketing', '(hiring OR recrutement OR contratando)', '(the OR de OR la)', 'startup -is:retweet', 'data OR datos OR données'];
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  let bytes = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const q = encodeURIComponent(queries[i % queries.length] as string);
      const path = `/2/tweets/search/recent?query=${q}&max_results=100&expansions=author_id&tweet.fields=created_at,author_id,lang,public_metrics&user.fields=description,public_metrics,created_at,location,verified`;
      const req = request(`${url}${path}`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          if (res.statusCode === 200) done++;
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; performance.now() < deadline; i += concurrency) await one(i);
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  return { rps: done / elapsed, errors, bytes };
}

export async function sandboxBench(opts: { full: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sizes = opts.full ? [100_000, 1_000_000] : [100_000];
  for (const users of sizes) {
    const r = await populate(users);
    const tag = users >= 1_000_000 ? '1m' : '100k';
    const target = users >= 1_000_000 ? { s: 60, mb: 3072 } : { s: 5, mb: undefined };
    rows.push({ key: `sandbox.populate_${tag}_seconds`, label: `population ${users.toLocaleString('en')} users: build time`, value: r.ms / 1000, unit: 's', target: `< ${target.s}`, ok: r.ms / 1000 < target.s });
    rows.push({ key: `sandbox.populate_${tag}_heap_mb`, label: `population ${users.toLocaleString('en')} users: heap (${r.posts.toLocaleString('en')} posts)`, value: r.heapMB, unit: 'MB', ...(target.mb ? { target: `< ${target.mb}`, ok: r.rssMB < target.mb } : {}) });
    rows.push({ key: `sandbox.populate_${tag}_rss_mb`, label: `population ${users.toLocaleString('en')} users: resident memory`, value: r.rssMB, unit: 'MB', ...(target.mb ? { target: `< ${target.mb}`, ok: r.rssMB < target.mb } : {}) });
  }

  const server = child(['serve', '100000']);
  try {
    const { url, token } = await firstJson<{ url: string; token: string }>(server.lines);
    await load(url, token, 1, 8); // warm-up: JIT, caches
    const r = await load(url, token, 6, 16);
    rows.push({
      key: 'sandbox.search_rps',
      label: 'search, 100 results + author expansion (100k users)',
      value: r.rps,
      unit: 'req/s',
      target: '≥ 1000',
      ok: r.rps >= 1000 && r.errors === 0,
      note: r.errors ? `${r.errors} errors` : `${(r.bytes / 2 ** 20 / 6).toFixed(0)} MB/s of JSON`,
    });
  } finally {
    server.kill();
    await server.done;
  }
  return rows;
}
