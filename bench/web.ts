import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { lastLineOfChild } from './child.ts';
import { PostgresServer, SERVER_URL } from './postgres.ts';
import type { BenchRow } from './table.ts';

/**
 * Review page benchmarks: the server's time for Today and for a decision, and the page's weight,
 * on a PostgreSQL database the size of a team's year or more (1M prospects, 100k leads; 100k and
 * 10k with --quick). The tables are written by the server itself (generate_series), migrated by
 * the project's migrations, then analysed; the app is `buildWebApp` as the worker builds it on
 * loopback (the local user), driven by `app.inject`: server time, no network.
 *
 * Measured in its own process (this file, `child`), on a scratch database created at
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped after;
 * unreachable, the rows are skipped.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

const FULL = { prospects: 1_000_000, leads: 100_000 };
const QUICK = { prospects: 100_000, leads: 10_000 };
/** Leads queued a day, today's included: Today shows this many. */
const PER_DAY = 50;
const WARM_UP = 20;
const TIMED = 200;
const P95_TARGET_MS = 50;
const WEIGHT_TARGET_KB = 150;

/** The bench's "today" (the page's day and the world's now). */
const NOW = new Date('2026-11-20T09:00:00Z');
const PERSONA = 'growth-saas-en';
const OWNER = 'maya';
/** The team's X account the actions are by. */
const ACCOUNT_ID = '7000000000000000001';

interface WebResult {
  prospects: number;
  leads: number;
  fillSeconds: number;
  cards: number;
  todayMs: number[];
  decideMs: number[];
  bytes: { html: number; css: number; js: number; htmx: number };
  /** The same, gzipped (the server does not compress; a proxy in front may). */
  gzipped: { html: number; css: number; js: number; htmx: number };
}

// ---------------------------------------------------------------------------------------------
// child: fill, build the app, measure

/**
 * `prospects` people, each with a post and a scored match of PERSONA; the first `leads` of them
 * queued, PER_DAY a day back from today (lead 1..50 today). Today's leads are new, with a like and
 * a follow planned; older ones mostly decided (a decision in their history), with their like and
 * follow done and, for some, something done back. About one in four older leads is still new.
 */
async function fill(url: string, sizes: { prospects: number; leads: number }): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const today = NOW.toISOString().slice(0, 10);
  const run = (text: string, values: unknown[] = []) => client.query(text, values);
  try {
    await run(`insert into accounts (handle, x_user_id, owner, engaging_since, updated_at) values ('bench_team', $1, $2, timestamptz '2025-01-01', now())`, [ACCOUNT_ID, OWNER]);
    await run(
      `insert into prospects (x_user_id, username, name, description, location, created_at, verified, protected,
                              followers_count, following_count, tweet_count, listed_count, like_count, lang, first_seen_at, last_seen_at)
       select '9' || lpad(g::text, 18, '0'), 'bench_' || g, 'Bench Person ' || g,
              'Head of Growth at Company ' || (g % 5000) || ' · B2B SaaS, demand gen, lifecycle', 'London, UK',
              timestamptz '2015-01-01' + (g % 3000) * interval '1 day', g % 50 = 0, g % 40 = 0,
              (g * 7919) % 50000, (g * 104729) % 3000, (g * 31) % 20000, g % 30, (g * 17) % 9000, 'en',
              timestamptz '2024-01-01', timestamptz '2026-11-01'
       from generate_series(1, $1::bigint) g`,
      [sizes.prospects],
    );
    await run(
      `insert into posts (x_post_id, author_id, text, lang, created_at, kind, like_count, reply_count, impression_count, first_seen_at)
       select '8' || lpad(g::text, 18, '0'), '9' || lpad(g::text, 18, '0'),
              'Our pipeline doubled after we rebuilt onboarding emails around activation, not features. ' ||
              'Looking for a tool that scores trial users before sales calls — what does your team use? #' || (g % 997),
              'en', timestamptz '2026-11-20' - (g % 3000) * interval '1 day', 'original', g % 40, g % 7, (g * 13) % 20000, timestamptz '2024-01-01'
       from generate_series(1, $1::bigint) g`,
      [sizes.prospects],
    );
    await run(
      `insert into matches (persona, prospect_id, post_id, score, explanation, matched_at, scored_at, updated_at)
       select $1, '9' || lpad(g::text, 18, '0'), '8' || lpad(g::text, 18, '0'), (g * 37) % 101,
              'fit 80% (head of growth), intent 20% (looking for a tool)', timestamptz '2024-01-01', timestamptz '2026-11-01', timestamptz '2026-11-01'
       from generate_series(1, $2::bigint) g`,
      [PERSONA, sizes.prospects],
    );
    // Lead g: queued (g - 1) / PER_DAY days ago; new today, else one in four still new.
    await run(
      `insert into leads (prospect_id, persona, owner, queued_on, state, score, reasons, snoozed_until, created_at, updated_at)
       select '9' || lpad(g::text, 18, '0'), $1, $2, d.day, s.state, (g * 37) % 101,
              'fit 80% (head of growth), intent 20% (looking for a tool)',
              case when s.state = 'snoozed' then d.day + interval '30 days' end,
              d.day + interval '7 hours', case when s.state = 'new' then d.day + interval '7 hours' else d.day + interval '10 hours' end
       from generate_series(1, $3::bigint) g
       cross join lateral (select $4::date - ((g - 1) / ${PER_DAY})::int as day) d
       cross join lateral (select case when g <= ${PER_DAY} or g % 4 = 0 then 'new'
                                       else (array['contacted', 'contacted', 'not_a_fit', 'replied', 'won', 'snoozed', 'contacted', 'not_a_fit', 'contacted'])[g % 9 + 1] end as state) s`,
      [PERSONA, OWNER, sizes.leads, today],
    );
    await run(
      `insert into lead_events (lead_id, at, actor, kind, from_state, to_state, note)
       select id, created_at, 'system', 'queued', null, 'new', 'queued for ' || persona from leads`,
    );
    await run(
      `insert into lead_events (lead_id, at, actor, kind, from_state, to_state, reason, snoozed_until)
       select id, updated_at, owner, 'decision', 'new', state, case when state = 'not_a_fit' then 'not_in_market' end, snoozed_until
       from leads where state <> 'new'`,
    );
    // A like of the post and a follow per lead: planned for today's, done for older ones.
    await run(
      `insert into actions (account, kind, target, prospect_id, persona, status, planned_at, sent_at, finished_at, actor, sends)
       select $1, k.kind, case when k.kind = 'like' then m.post_id else l.prospect_id end, l.prospect_id, l.persona,
              case when l.queued_on = $2::date then 'planned' else 'done' end, l.created_at,
              case when l.queued_on = $2::date then null else l.created_at + interval '1 hour' end,
              case when l.queued_on = $2::date then null else l.created_at + interval '1 hour' end,
              $3, case when l.queued_on = $2::date then 0 else 1 end
       from leads l join matches m on m.persona = l.persona and m.prospect_id = l.prospect_id
       cross join (values ('like'), ('follow')) k(kind)`,
      [ACCOUNT_ID, today, OWNER],
    );
    // Something done back by one lead in three (a follow back), one in six also a like back.
    await run(
      `insert into signals (prospect_id, account, kind, post_id, occurred_at)
       select l.prospect_id, $1, k.kind, null, l.created_at + interval '1 day'
       from leads l cross join (values ('followed_back'), ('liked_back')) k(kind)
       where l.id % 3 = 0 and (k.kind = 'followed_back' or l.id % 6 = 0)`,
      [ACCOUNT_ID],
    );
    await run('analyze');
  } finally {
    await client.end();
  }
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

async function child(url: string, full: boolean): Promise<void> {
  const sizes = full ? FULL : QUICK;
  const { openDatabase } = await import('../db/client.ts');
  const { migrate } = await import('../db/migrate.ts');
  const { loadConfig } = await import('../src/config/load.ts');
  const { buildWebApp } = await import('../src/web/server.ts');

  const handle = await openDatabase({ url });
  const reader = new pg.Client({ connectionString: url });
  try {
    await reader.connect();
    await migrate(handle);
    const began = performance.now();
    await fill(url, sizes);
    const fillSeconds = (performance.now() - began) / 1000;

    const config = await loadConfig({ cwd: ROOT });
    const quiet = () => undefined;
    const app = await buildWebApp({
      host: '127.0.0.1',
      port: 0,
      db: handle.db,
      config: config.worker,
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      now: () => NOW,
      processMetrics: false,
      personas: () => config.personas,
      localUser: OWNER,
      api: { worldNow: async () => NOW },
    });
    try {
      const get = async (path: string, encoding?: string) => {
        const res = await app.inject({ method: 'GET', url: path, ...(encoding ? { headers: { 'accept-encoding': encoding } } : {}) });
        if (res.statusCode !== 200) throw new Error(`GET ${path} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        return res;
      };

      // Today: 20 not counted, then 200 timed.
      const todayMs: number[] = [];
      for (let i = 0; i < WARM_UP + TIMED; i++) {
        const t = performance.now();
        await get('/');
        if (i >= WARM_UP) todayMs.push(performance.now() - t);
      }

      // The page's weight, and the form token and its cookie for the decisions.
      const page = await get('/');
      const cards = page.body.match(/<article\b/g)?.length ?? 0;
      if (cards !== PER_DAY) throw new Error(`Today shows ${cards} cards, expected ${PER_DAY}`);
      const files = { html: page.rawPayload, css: (await get('/static/app.css')).rawPayload, js: (await get('/static/app.js')).rawPayload, htmx: (await get('/static/htmx.min.js')).rawPayload };
      const bytes = { html: files.html.length, css: files.css.length, js: files.js.length, htmx: files.htmx.length };
      // What a browser downloads: the server compresses (Chromium asks for br and gzip).
      const sent = async (path: string) => (await get(path, 'gzip, deflate, br, zstd')).rawPayload.length;
      const gzipped = { html: await sent('/'), css: await sent('/static/app.css'), js: await sent('/static/app.js'), htmx: await sent('/static/htmx.min.js') };
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      const secret = page.cookies.find((c) => c.name === '_csrf');
      if (!token || !secret) throw new Error('Today has no CSRF token or cookie');

      // Decisions as the page posts them (htmx: the card answers), each on another new lead of an earlier day.
      const { rows: targets } = await reader.query<{ id: number; updated: string }>(
        `select id, (extract(epoch from updated_at) * 1000)::bigint::text as updated from leads
         where state = 'new' and queued_on < $1::date order by queued_on desc, id limit $2`,
        [NOW.toISOString().slice(0, 10), WARM_UP + TIMED],
      );
      if (targets.length < WARM_UP + TIMED) throw new Error(`only ${targets.length} new leads before today to decide`);
      const decideMs: number[] = [];
      for (const [i, lead] of targets.entries()) {
        const t = performance.now();
        const res = await app.inject({
          method: 'POST',
          url: `/leads/${lead.id}/decide`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `_csrf=${secret.value}`, 'hx-request': 'true' },
          payload: new URLSearchParams({ _csrf: token, to: 'contacted', updated: lead.updated }).toString(),
        });
        const ms = performance.now() - t;
        if (res.statusCode !== 200 || !res.body.includes('new → contacted')) throw new Error(`POST /leads/${lead.id}/decide answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (i >= WARM_UP) decideMs.push(ms);
      }
      const { rows: decided } = await reader.query<{ n: number }>(`select count(*)::int as n from lead_events where kind = 'decision' and actor = $1 and at > now() - interval '1 hour'`, [OWNER]);
      if (decided[0]?.n !== WARM_UP + TIMED) throw new Error(`${decided[0]?.n ?? 0} decisions recorded, expected ${WARM_UP + TIMED}`);

      const result: WebResult = { ...sizes, fillSeconds, cards, todayMs, decideMs, bytes, gzipped };
      process.stdout.write(JSON.stringify(result) + '\n');
    } finally {
      await app.close();
    }
  } finally {
    await reader.end();
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// parent: a scratch database, the child, the rows

/** Runs the child on a scratch database of the server; why not, when the server does not answer. */
async function measure(full: boolean): Promise<WebResult | string> {
  const server = await PostgresServer.connect(SERVER_URL);
  if (typeof server === 'string') return server;
  try {
    return await server.withDatabase('web', (url) => lastLineOfChild<WebResult>('web benchmark', ['--import', 'tsx', SELF, 'child', url, full ? 'full' : 'quick'], ROOT));
  } finally {
    await server.end();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const kb = (bytes: number) => bytes / 1024;

export async function webBench(opts: { full: boolean }): Promise<BenchRow[]> {
  const sizes = opts.full ? FULL : QUICK;
  const size = `${fmt(sizes.prospects)} prospects, ${fmt(sizes.leads)} leads, PostgreSQL${opts.full ? '' : ' (quick)'}`;
  const label = {
    today: `web: GET / (Today, ${PER_DAY} leads), p95, ${size}`,
    decide: `web: POST /leads/:id/decide (htmx, new → contacted), p95, ${size}`,
    weight: `web: Today's weight, HTML (${PER_DAY} leads) + app.css + app.js + htmx`,
    uncompressed: `web: Today's weight uncompressed, HTML (${PER_DAY} leads) + app.css + app.js + htmx`,
  };
  const r = await measure(opts.full);
  if (typeof r === 'string') {
    return [
      { key: 'web.today_p95_ms', label: label.today, value: Number.NaN, unit: 'ms', target: `≤ ${P95_TARGET_MS}`, skipped: r },
      { key: 'web.decide_p95_ms', label: label.decide, value: Number.NaN, unit: 'ms', target: `≤ ${P95_TARGET_MS}`, skipped: r },
      { key: 'web.today_kb', label: label.weight, value: Number.NaN, unit: 'kB', target: `≤ ${WEIGHT_TARGET_KB}`, skipped: r },
      { key: 'web.today_kb_uncompressed', label: label.uncompressed, value: Number.NaN, unit: 'kB', skipped: r },
    ];
  }
  const latency = (key: string, text: string, ms: number[], what: string): BenchRow => {
    const sorted = [...ms].sort((a, b) => a - b);
    const p95 = percentile(sorted, 95);
    return {
      key,
      label: text,
      value: p95,
      unit: 'ms',
      target: `≤ ${P95_TARGET_MS}`,
      ok: p95 <= P95_TARGET_MS,
      note: `p50 ${percentile(sorted, 50).toFixed(1)} ms, max ${(sorted.at(-1) as number).toFixed(1)} ms over ${ms.length} ${what} (app.inject: server time, no network); filling the tables took ${r.fillSeconds.toFixed(0)} s`,
    };
  };
  const { html, css, js, htmx } = r.bytes;
  const total = html + css + js + htmx;
  const z = r.gzipped;
  return [
    latency('web.today_p95_ms', label.today, r.todayMs, `requests after ${WARM_UP} not counted`),
    latency('web.decide_p95_ms', label.decide, r.decideMs, `decisions, each on another lead, after ${WARM_UP} not counted`),
    {
      key: 'web.today_kb',
      label: label.weight,
      value: kb(z.html + z.css + z.js + z.htmx),
      unit: 'kB',
      target: `≤ ${WEIGHT_TARGET_KB}`,
      ok: kb(z.html + z.css + z.js + z.htmx) <= WEIGHT_TARGET_KB,
      note: `as a browser downloads it (the server compresses): HTML ${kb(z.html).toFixed(1)} kB, CSS ${kb(z.css).toFixed(1)} kB, app.js ${kb(z.js).toFixed(1)} kB, htmx ${kb(z.htmx).toFixed(1)} kB (1 kB = 1,024 bytes)`,
    },
    {
      key: 'web.today_kb_uncompressed',
      label: label.uncompressed,
      value: kb(total),
      unit: 'kB',
      note: `HTML ${kb(html).toFixed(1)} kB (about ${fmt(html / PER_DAY)} bytes a lead), CSS ${kb(css).toFixed(1)} kB, app.js ${kb(js).toFixed(1)} kB, htmx ${kb(htmx).toFixed(1)} kB; ${kb(html + css + js).toFixed(1)} kB without htmx: over ${WEIGHT_TARGET_KB} kB before compression`,
    },
  ];
}

if (process.argv[2] === 'child') await child(process.argv[3] ?? '', process.argv[4] === 'full');
