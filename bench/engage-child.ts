/**
 * Child process for the engagement benchmark (bench/engage.ts): one simulated working day of the
 * worker on the sandbox, in its own process. Prints one JSON line (EngageDay) on stdout.
 *
 *   node --import tsx bench/engage-child.ts <sandbox users> <engage threshold> <likes per day> <follows per day>
 *
 * The day, on a frozen sandbox clock that only this script moves (2026-11-02, a Monday; London is
 * on UTC then):
 * - 06:00 search and score; 07:30 queue (today's leads);
 * - 09:00 to 17:50, every 10 minutes: engage, as `prospector run engage --no-pacing` runs it
 *   (budgets, caps, working hours and the due-by-now spreading all apply; only the real-time
 *   sleeps between two actions are skipped), with search and score again every 30 minutes as the
 *   worker's schedule runs them;
 * - 18:00: the working day is over; the database and the sandbox's request log are read.
 *
 * Personas and the worker config are temporary copies under the OS temp directory: the example
 * personas with engagement mode auto, the given threshold and caps, and working hours 09:00–18:00
 * Europe/London; the worker config turns the warm-up ramp off (`warmup: [1]`: the caps are the
 * personas' per_day) and the jitter to [0, 0]. Everything else is the product's default.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { parse, stringify } from 'yaml';
import { listAccounts } from '../db/accounts.ts';
import { rows } from '../db/rows.ts';
import type { ActionKind } from '../db/schema.ts';
import { throttleFactor } from '../db/engage.ts';
import { dailyCap, warmupFactor } from '../src/engage/rules.ts';
import { openRuntime, runJob } from '../src/runtime.ts';
import { startSandbox, type LoggedRequest } from '../src/sandbox/index.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const DAY = '2026-11-02';
/** The population's dates end 2026-11-01: the sandbox refuses to start earlier. */
const START = `${DAY}T06:00:00Z`;
const QUEUE_AT = `${DAY}T07:30:00Z`;
const OPEN = `${DAY}T09:00:00Z`;
const CLOSE = `${DAY}T18:00:00Z`;
const TICK_S = 600;
const SEARCH_EVERY_S = 1800;

const KINDS: readonly ActionKind[] = ['like', 'follow'];

const WRITE_PATH = /^\/2\/users\/\d+\/(likes|following)$/;

export interface EngageDay {
  users: number;
  seconds: number;
  ticks: number;
  threshold: number;
  caps: Record<ActionKind, number>;
  /** Σ persona × account × kind of the day's cap after warm-up and throttle. */
  allowed: number;
  /** Actions with status done at 18:00. */
  performed: number;
  perPersona: Array<{
    persona: string;
    accounts: string[];
    allowed: Record<ActionKind, number>;
    done: Record<ActionKind, number>;
    /** Matches at or above the engage threshold at the end of the day, and those with a post to like. */
    candidates: number;
    candidatesWithPost: number;
    /** All matches, and their scores' quartiles and 90th percentile. */
    matches: number;
    scores: number[];
  }>;
  statuses: Record<string, number>;
  /** Summed over the day's engage runs. */
  jobCounts: Record<string, number>;
  log: {
    requests: number;
    dropped: number;
    responses429: number;
    /** 429s by path. */
    paths429: Record<string, number>;
    /** POST /2/users/:id/likes and /following, every answer (401s and retries included). */
    writes: number;
    writesByStatus: Record<string, number>;
    /** Sandbox times (HH:MM UTC) at which a write was answered 401 (an expired access token). */
    unauthorizedAt: string[];
    usersMe: number;
    usersMeOk: number;
    /** GET /2/users?ids=: search looking up the authors it does not know yet. */
    userLookups: number;
    tokenRefreshes: number;
    /** User-context requests the door counted (XAccount.requests), a check on the log. */
    doorAccountRequests: number;
  };
  reads: { posts: number; users: number; requests: number; costUsd: number };
  leads: number;
  /** Prospects stored at the end of the day: the distinct authors search found. */
  prospects: number;
}

function personasInto(dir: string, threshold: number, caps: Record<ActionKind, number>): void {
  const source = join(ROOT, 'config/personas');
  for (const file of readdirSync(source).filter((f) => f.endsWith('.yaml'))) {
    const persona = parse(readFileSync(join(source, file), 'utf8')) as { engagement: Record<string, unknown> };
    persona.engagement = {
      ...persona.engagement,
      mode: 'auto',
      threshold,
      like: { per_day: caps.like },
      follow: { per_day: caps.follow },
      working_hours: { start: '09:00', end: '18:00', time_zone: 'Europe/London' },
    };
    writeFileSync(join(dir, file), stringify(persona));
  }
}

async function main(users: number, threshold: number, caps: Record<ActionKind, number>): Promise<EngageDay> {
  const began = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'prospector-bench-engage-'));
  const sandbox = await startSandbox({ users, clock: { start: START, mode: 'frozen' }, requestLogLimit: 2_000_000 });
  try {
    const personasDir = join(dir, 'personas');
    mkdirSync(personasDir);
    personasInto(personasDir, threshold, caps);
    const configFile = join(dir, 'prospector.yaml');
    writeFileSync(
      configFile,
      stringify({
        network: 'sandbox',
        tier: 'payperuse',
        time_zone: 'Europe/London',
        engagement: { warmup: [1], jitter_seconds: [0, 0] },
        personas_dir: personasDir,
      }),
    );

    const runtime = await openRuntime({ configFile, dataDir: 'memory://', sandboxUrl: sandbox.url, say: () => undefined });
    try {
      const { db } = runtime.database;
      const clockNow = () => sandbox.clock.now();
      const advanceTo = async (iso: string) => {
        const seconds = (Date.parse(iso) - clockNow()) / 1000;
        if (seconds < 0) throw new Error(`the sandbox clock is past ${iso}`);
        const res = await fetch(`${sandbox.url}/__sandbox/clock`, { method: 'POST', body: JSON.stringify({ advance_seconds: seconds }), headers: { 'content-type': 'application/json' } });
        if (!res.ok) throw new Error(`advancing the sandbox clock: HTTP ${res.status} ${await res.text()}`);
      };
      const jobCounts: Record<string, number> = {};
      const run = async (job: string) => {
        const result = await runJob(runtime, job, { pacing: false });
        if (job === 'engage') for (const [k, v] of Object.entries(result.counts)) jobCounts[k] = (jobCounts[k] ?? 0) + v;
        return result;
      };

      // The morning: candidates, then today's leads.
      await run('search');
      await run('score');
      await advanceTo(QUEUE_AT);
      await run('queue');

      // The working day.
      await advanceTo(OPEN);
      let ticks = 0;
      let lastSearch = Date.parse(START);
      while (clockNow() < Date.parse(CLOSE)) {
        if (clockNow() - lastSearch >= SEARCH_EVERY_S * 1000) {
          await run('search');
          await run('score');
          lastSearch = clockNow();
        }
        await run('engage');
        ticks++;
        await advanceTo(new Date(clockNow() + TICK_S * 1000).toISOString());
      }

      // Allowed by the caps: per persona, its accounts (owners in queue.owners, or all), each kind,
      // the daily cap after warm-up and throttle (the rules' own definition: dailyCap).
      const accounts = (await listAccounts(db)).filter((a) => a.xUserId);
      const perPersona: EngageDay['perPersona'] = [];
      let allowed = 0;
      for (const persona of runtime.config.personas.filter((p) => p.engagement.mode !== 'off')) {
        const mine = accounts.filter((a) => persona.queue.owners.length === 0 || persona.queue.owners.includes(a.owner ?? ''));
        const throttle = await throttleFactor(db, persona.id);
        const entry = { persona: persona.id, accounts: mine.map((a) => a.handle), allowed: { like: 0, follow: 0 }, done: { like: 0, follow: 0 }, candidates: 0, candidatesWithPost: 0, matches: 0, scores: [] as number[] };
        for (const account of mine) {
          for (const kind of KINDS) {
            // Warm-up as of the day's opening, when the day's caps were set.
            const cap = dailyCap(persona, kind, { warmup: warmupFactor(runtime.config.worker.engagement.warmup, account.engagingSince, new Date(OPEN)), throttle });
            entry.allowed[kind] += cap;
            allowed += cap;
          }
        }
        for (const r of await rows<{ kind: ActionKind; n: number }>(db, sql`select kind, count(*)::int as n from actions where persona = ${persona.id} and status = 'done' group by kind`)) entry.done[r.kind] = r.n;
        const [c] = await rows<{ n: number; with_post: number }>(
          db,
          sql`select count(*)::int as n,
                count(*) filter (where exists (select 1 from posts po where po.author_id = m.prospect_id and po.kind <> 'retweet'))::int as with_post
              from matches m where m.persona = ${persona.id} and m.score >= ${persona.engagement.threshold}`,
        );
        entry.candidates = c?.n ?? 0;
        entry.candidatesWithPost = c?.with_post ?? 0;
        const [q] = await rows<{ n: number; q: number[] | null }>(
          db,
          sql`select count(*)::int as n, percentile_disc(array[0.25, 0.5, 0.75, 0.9]) within group (order by score) as q from matches where persona = ${persona.id} and score is not null`,
        );
        entry.matches = q?.n ?? 0;
        entry.scores = (q?.q ?? []).map(Number);
        perPersona.push(entry);
      }
      const statuses = Object.fromEntries((await rows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from actions group by status`)).map((r) => [r.status, r.n]));
      const performed = statuses.done ?? 0;

      // The sandbox's request log: every answer it gave all day.
      const res = await fetch(`${sandbox.url}/__sandbox/requests`);
      const { requests, dropped } = (await res.json()) as { requests: LoggedRequest[]; dropped: number };
      const count = (f: (r: LoggedRequest) => boolean) => requests.filter(f).length;
      const writes = requests.filter((r) => r.method === 'POST' && WRITE_PATH.test(r.path));
      const writesByStatus: Record<string, number> = {};
      for (const w of writes) writesByStatus[w.status] = (writesByStatus[w.status] ?? 0) + 1;
      const paths429: Record<string, number> = {};
      for (const r of requests.filter((q) => q.status === 429)) {
        const key = `${r.method} ${r.path.replace(/\d{6,}/g, ':id')}`;
        paths429[key] = (paths429[key] ?? 0) + 1;
      }

      const [reads] = await rows<{ posts: number; users: number; requests: number; cost: string }>(
        db,
        sql`select coalesce(sum(posts_read), 0)::int as posts, coalesce(sum(users_read), 0)::int as users, coalesce(sum(requests), 0)::int as requests,
              coalesce(sum(estimated_cost_usd), 0)::text as cost from read_meter`,
      );
      const [leads] = await rows<{ n: number }>(db, sql`select count(*)::int as n from leads`);
      const [prospects] = await rows<{ n: number }>(db, sql`select count(*)::int as n from prospects`);

      return {
        users,
        seconds: (performance.now() - began) / 1000,
        ticks,
        threshold,
        caps,
        allowed,
        performed,
        perPersona,
        statuses,
        jobCounts,
        log: {
          requests: requests.length,
          dropped,
          responses429: count((r) => r.status === 429),
          paths429,
          writes: writes.length,
          writesByStatus,
          unauthorizedAt: [...new Set(writes.filter((w) => w.status === 401).map((w) => w.time.slice(11, 16)))],
          usersMe: count((r) => r.method === 'GET' && r.path === '/2/users/me'),
          usersMeOk: count((r) => r.method === 'GET' && r.path === '/2/users/me' && r.status === 200),
          userLookups: count((r) => r.method === 'GET' && r.path === '/2/users'),
          tokenRefreshes: count((r) => r.path === '/2/oauth2/token'),
          doorAccountRequests: await (await runtime.x()).accountRequests(),
        },
        reads: { posts: reads?.posts ?? 0, users: reads?.users ?? 0, requests: reads?.requests ?? 0, costUsd: Number(reads?.cost ?? 0) },
        leads: leads?.n ?? 0,
        prospects: prospects?.n ?? 0,
      };
    } finally {
      await runtime.close();
    }
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [users, threshold, like, follow] = process.argv.slice(2, 6).map(Number);
if (![users, threshold, like, follow].every((n) => Number.isInteger(n) && (n as number) >= 0) || (users as number) < 10) {
  throw new Error('usage: engage-child.ts <sandbox users> <engage threshold> <likes per day> <follows per day>');
}
process.stdout.write(JSON.stringify(await main(users as number, threshold as number, { like: like as number, follow: follow as number })) + '\n');
