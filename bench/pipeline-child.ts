/**
 * Child process for the pipeline benchmarks (bench/pipeline.ts): each measurement gets a fresh
 * process, so its heap, its JIT and its peak memory are its own. Prints one JSON line.
 *
 *   ingest pglite <target> <sandbox url>            search pages → PGlite (files in a temp directory)
 *   ingest postgres <target> <sandbox url> <db url> search pages → PostgreSQL, then the same rows by COPY
 *   score <persona> <prospects> <passes>            PersonaScorer.score on sandbox profiles and posts
 *   queue <matches> [db url]                        fill prospects and scored matches, time buildQueue
 *   search <db url> <sandbox url>                   the search job, for peak RSS
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getTableColumns, sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase, type Database, type DatabaseHandle } from '../db/client.ts';
import { buildQueue } from '../db/leads.ts';
import { migrate } from '../db/migrate.ts';
import { rows } from '../db/rows.ts';
import { prospects } from '../db/schema.ts';
import { loadConfig } from '../src/config/load.ts';
import { openRuntime, runJob } from '../src/runtime.ts';
import { composePost } from '../src/sandbox/population/index.ts';
import { snowflake } from '../src/sandbox/ids.ts';
import { Renderer } from '../src/sandbox/render.ts';
import { Rng } from '../src/sandbox/rng.ts';
import { World } from '../src/sandbox/world.ts';
import { PersonaScorer, type ScoringInput } from '../src/scoring/score.ts';
import type { ProfileInput } from '../src/scoring/types.ts';
import { XDoor } from '../src/x/door.ts';
import { SEARCH_TWEET_FIELDS, SEARCH_USER_FIELDS, toXUser } from '../src/x/reads.ts';
import { BatchWriter, storeBatch } from '../jobs/search.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const DAY_MS = 86_400_000;

/**
 * One broad query in the sandbox's three languages: its 40 commonest words, about 90% of all
 * posts. Ingestion reads it over disjoint time slices of the 7-day window at once.
 */
const BROAD_QUERY =
  '(t OR rt OR a OR the OR de OR this OR on OR in OR en OR my OR un OR of OR no OR we OR que OR weekend OR el OR le OR la OR it OR what OR por OR take OR me OR is OR i OR again OR for OR day OR are OR our OR follow OR from OR les OR with OR new OR week OR est OR pour OR your)';

/** Concurrent searches in the ingestion benchmark, each over its own slice of the 7 days. */
const INGEST_STREAMS = 4;

/** The persona ingestion records matches for, and the one scoring and the queue use. */
const PERSONA = 'growth-saas-en';

function print(result: object): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

// ---------------------------------------------------------------------------------------------
// ingest

/** `since_id`/`until_id` pairs cutting the last 7 days before `now` into `n` slices. */
function timeSlices(now: number, n: number): { sinceId: string | undefined; untilId: string | undefined }[] {
  const from = now - 7 * DAY_MS;
  const bound = (i: number) => from + Math.round(((now - from) * i) / n);
  // since_id is exclusive: one below the first possible id of the slice's first millisecond.
  const below = (ms: number) => (BigInt(snowflake(ms, 0)) - 1n).toString();
  return Array.from({ length: n }, (_, i) => ({
    sinceId: i === 0 ? undefined : below(bound(i)),
    untilId: i === n - 1 ? undefined : snowflake(bound(i + 1), 0),
  }));
}

interface IngestResult {
  prospects: number;
  posts: number;
  pages: number;
  seconds: number;
}

/** Reads search pages and stores them until `target` new prospects are stored. */
async function ingestInto(db: Database, sandboxUrl: string, target: number): Promise<IngestResult> {
  const config = await loadConfig({ cwd: ROOT });
  const ours = new Set(config.worker.accounts.map((a) => a.handle.toLowerCase()));
  const clock = (await (await fetch(new URL('/__sandbox/clock', sandboxUrl))).json()) as { now: string };
  const door = await XDoor.sandbox(sandboxUrl);
  const totals = { prospects: 0, posts: 0, pages: 0 };
  // One failing search stops the others.
  const abort = new AbortController();
  try {
    const began = performance.now();
    await Promise.all(
      timeSlices(Date.parse(clock.now), INGEST_STREAMS).map(async ({ sinceId, untilId }) => {
        try {
          // Stored as the search job stores pages: batches written while the next pages are read.
          const writer = new BatchWriter(async (batch) => {
            // Not `totals.prospects += await …`: that reads the total before the await and loses
            // what the other searches added meanwhile.
            const stored = await storeBatch(db, PERSONA, batch, new Date(), ours);
            totals.prospects += stored.newProspects;
          });
          for await (const page of door.search(BROAD_QUERY, { sinceId, untilId, signal: abort.signal })) {
            totals.posts += page.posts.length;
            totals.pages++;
            await writer.add(page);
            if (totals.prospects >= target) break;
          }
          await writer.drain();
        } catch (error) {
          abort.abort(error);
          throw error;
        }
      }),
    );
    return { ...totals, seconds: (performance.now() - began) / 1000 };
  } finally {
    door.close();
  }
}

/** COPY text format: `\N` for null, backslash escapes for the characters that separate fields and rows. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/**
 * The prospects just stored, read back, then loaded again with a raw COPY into the same table
 * emptied (its primary key and username index in place). Timed from the rows in memory to the
 * COPY's commit, text formatting included.
 */
async function copyProspects(url: string): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = Object.values(getTableColumns(prospects)).map((c) => c.name);
    const list = columns.map((c) => `"${c}"`).join(', ');
    const { rows: stored } = await client.query<Record<string, unknown>>(`select ${list} from prospects`);
    await client.query('truncate prospects cascade');
    await client.query('checkpoint').catch(() => undefined);
    const began = performance.now();
    function* chunks(): Generator<string> {
      for (let i = 0; i < stored.length; i += 1000) {
        let chunk = '';
        for (const row of stored.slice(i, i + 1000)) chunk += columns.map((c) => copyField(row[c])).join('\t') + '\n';
        yield chunk;
      }
    }
    await pipeline(Readable.from(chunks()), client.query(copyFrom(`copy prospects (${list}) from stdin`)));
    return { rows: stored.length, seconds: (performance.now() - began) / 1000 };
  } finally {
    await client.end();
  }
}

async function ingest(kind: string, target: number, sandboxUrl: string, url: string | undefined): Promise<void> {
  let dir: string | undefined;
  let handle: DatabaseHandle | undefined;
  try {
    if (kind === 'postgres') {
      if (!url) throw new Error('ingest postgres needs a database URL');
      handle = await openDatabase({ url });
      await handle.db.execute(sql`checkpoint`).catch(() => undefined);
    } else {
      dir = mkdtempSync(join(tmpdir(), 'prospector-bench-'));
      handle = await openDatabase({ dataDir: join(dir, 'data') });
    }
    await migrate(handle);
    const result = await ingestInto(handle.db, sandboxUrl, target);
    await handle.close();
    handle = undefined;
    print({ ...result, ...(kind === 'postgres' && url ? { copy: await copyProspects(url) } : {}) });
  } finally {
    await handle?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// score

/**
 * `count` sandbox people as X's JSON renders them (search's user fields), each with an original
 * post from the sandbox's generator, posted within the last week.
 */
function scoringInputs(count: number, now: number): ScoringInput[] {
  const world = new World({ seed: 42, users: count, start: now });
  const fields = { tweet: new Set<string>(SEARCH_TWEET_FIELDS), user: new Set<string>(SEARCH_USER_FIELDS), expansions: new Set(['author_id']) };
  const renderer = new Renderer(world, fields, { userIndex: undefined });
  const rng = new Rng(42, 'bench-scoring');
  return world.users.slice(0, count).map((user) => {
    const x = toXUser(JSON.parse(JSON.stringify(renderer.user(user))));
    const profile: ProfileInput = {
      id: x.id,
      username: x.username,
      name: x.name,
      description: x.description,
      location: x.location,
      url: x.url,
      created_at: x.created_at,
      verified: x.verified,
      protected: x.protected,
      followers_count: x.followers_count,
      following_count: x.following_count,
      tweet_count: x.tweet_count,
      listed_count: x.listed_count,
      like_count: x.like_count,
    };
    const post = composePost(rng, user, { kind: 'original' });
    // Round-tripped through JSON like the profile: X's posts arrive as parsed JSON strings.
    const text = (JSON.parse(JSON.stringify({ text: post.text })) as { text: string }).text;
    return { profile, post: { text, createdAt: new Date(now - rng.int(7 * DAY_MS)) }, signals: [] };
  });
}

async function score(personaId: string, count: number, passes: number): Promise<void> {
  const config = await loadConfig({ cwd: ROOT });
  const persona = config.personas.find((p) => p.id === personaId);
  if (!persona) throw new Error(`no persona ${personaId} in ${ROOT}config; there are ${config.personas.map((p) => p.id).join(', ')}`);
  const now = Date.parse('2026-11-02T09:00:00Z');
  const inputs = scoringInputs(count, now);
  const scorer = new PersonaScorer(persona);
  let total = 0;
  const pass = (some: readonly ScoringInput[]) => {
    const began = performance.now();
    for (const input of some) total += scorer.score(input, now).score;
    return (performance.now() - began) / 1000;
  };
  // Warm-up: the JIT, and whatever the matcher caches.
  const warmUp = inputs.slice(0, 20_000);
  pass(warmUp);
  pass(warmUp);
  total = 0;
  const seconds = Array.from({ length: passes }, () => pass(inputs));
  const sum = seconds.reduce((a, b) => a + b, 0);
  print({ prospects: inputs.length, seconds, perSecond: (inputs.length * passes) / sum, meanScore: total / (inputs.length * passes) });
}

// ---------------------------------------------------------------------------------------------
// queue

/**
 * `count` prospects and a scored match of PERSONA for each, written by the server itself
 * (generate_series), then analysed. Ids start with 9: no sandbox user has one that large, so a
 * search afterwards adds its prospects next to these.
 */
async function fillMatches(db: Database, count: number): Promise<void> {
  await db.execute(sql`
    insert into prospects (x_user_id, username, name, description, location, created_at, verified, protected,
                           followers_count, following_count, tweet_count, listed_count, like_count, lang, first_seen_at, last_seen_at)
    select '9' || lpad(g::text, 18, '0'), 'bench_' || g, 'Bench Person ' || g,
           'Head of Growth at Company ' || (g % 5000) || ' · B2B SaaS, demand gen, lifecycle', 'London, UK',
           timestamptz '2015-01-01' + (g % 3000) * interval '1 day', g % 50 = 0, g % 40 = 0,
           (g * 7919) % 50000, (g * 104729) % 3000, (g * 31) % 20000, g % 30, (g * 17) % 9000, 'en',
           timestamptz '2026-11-01', timestamptz '2026-11-01'
    from generate_series(1, ${count}::bigint) g`);
  await db.execute(sql`
    insert into matches (persona, prospect_id, score, explanation, matched_at, scored_at, updated_at)
    select ${PERSONA}, '9' || lpad(g::text, 18, '0'), floor(random() * 101)::smallint,
           'fit 80% (head of growth), intent 20%', timestamptz '2026-11-01', timestamptz '2026-11-01', timestamptz '2026-11-01'
    from generate_series(1, ${count}::bigint) g`);
  await db.execute(sql`analyze`);
}

async function queue(count: number, url: string | undefined): Promise<void> {
  const handle = await openDatabase(url ? { url } : { dataDir: 'memory://' });
  try {
    await migrate(handle);
    let began = performance.now();
    await fillMatches(handle.db, count);
    const fillSeconds = (performance.now() - began) / 1000;
    // Three mornings in a row: each queues 15 more, past those already queued.
    const seconds: number[] = [];
    let leads = 0;
    for (const day of ['2026-11-02', '2026-11-03', '2026-11-04']) {
      began = performance.now();
      const created = await buildQueue(handle.db, { persona: PERSONA, day, perDay: 15, minScore: 55, owners: ['maya'], at: new Date(`${day}T07:00:00Z`) });
      seconds.push((performance.now() - began) / 1000);
      leads += created.length;
    }
    print({ matches: count, fillSeconds, seconds, leads });
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// search

/** The real search job (every example persona) through the runtime, as `prospector run search` runs it. */
async function search(url: string, sandboxUrl: string): Promise<void> {
  const clock = (await (await fetch(new URL('/__sandbox/clock', sandboxUrl))).json()) as { now: string };
  const now = new Date(clock.now);
  const runtime = await openRuntime({ configFile: join(ROOT, 'config/prospector.yaml'), databaseUrl: url, sandboxUrl, say: () => undefined });
  try {
    const result = await runJob(runtime, 'search', { now: () => now });
    const [stored] = await rows<{ n: number }>(runtime.database.db, sql`select count(*)::int as n from prospects`);
    print({ maxRssMB: process.resourceUsage().maxRSS / 1024, summary: result.summary, counts: result.counts, prospects: stored?.n });
  } finally {
    await runtime.close();
  }
}

// ---------------------------------------------------------------------------------------------

const [mode, ...args] = process.argv.slice(2);
if (mode === 'ingest') await ingest(args[0] ?? '', Number(args[1]), args[2] ?? '', args[3]);
else if (mode === 'score') await score(args[0] ?? PERSONA, Number(args[1]), Number(args[2] ?? 1));
else if (mode === 'queue') await queue(Number(args[0]), args[1]);
else if (mode === 'search') await search(args[0] ?? '', args[1] ?? '');
else throw new Error('usage: pipeline-child.ts ingest|score|queue|search …');
