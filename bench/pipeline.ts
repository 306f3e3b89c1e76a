import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PostgresServer, SERVER_URL } from './postgres.ts';
import type { BenchRow } from './table.ts';

/**
 * Pipeline benchmarks: the worker's own path from X to the morning queue.
 *
 * - ingest: search pages from a sandbox (its own process, no rate limits) read through the
 *   product's door and stored as the search job stores them, into PGlite and into PostgreSQL,
 *   until N new prospects are stored; on PostgreSQL also the same rows by a raw COPY.
 * - scoring: PersonaScorer on sandbox profiles rendered as X's JSON, one thread.
 * - queue: buildQueue over 1M scored matches (PostgreSQL, then PGlite).
 * - search: the real search job's peak RSS with those 1M prospects stored.
 *
 * Every measurement runs in a child process (bench/pipeline-child.ts). PostgreSQL is the server
 * at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), on which scratch
 * databases are created and dropped; unreachable, its rows are reported as skipped.
 */

const ROOT = new URL('..', import.meta.url).pathname;
const PIPELINE_CHILD = new URL('./pipeline-child.ts', import.meta.url).pathname;
const SANDBOX_CHILD = new URL('./sandbox-child.ts', import.meta.url).pathname;

interface Sizes {
  /** Sandbox population for ingestion: enough distinct authors within its 7 days of posts. */
  users: number;
  /** New prospects to store. */
  prospects: number;
  /** Prospects (and scored matches) for the queue and the search job's memory. */
  matches: number;
  /** Timed passes over the 100,000 scored prospects. */
  scoringPasses: number;
}

// 300k people post ~960k times in the 7 days, from ~157k distinct authors.
const FULL: Sizes = { users: 300_000, prospects: 100_000, matches: 1_000_000, scoringPasses: 3 };
const QUICK: Sizes = { users: 100_000, prospects: 20_000, matches: 100_000, scoringPasses: 1 };
const SCORED = 100_000;

const INGEST_TARGET = 20_000;
const COPY_RATIO_TARGET = 0.4;
const SCORING_TARGET = 200_000;
const QUEUE_TARGET_S = 1;
const RSS_TARGET_MB = 300;

// ---------------------------------------------------------------------------------------------
// child processes

interface Child {
  /** Lines the child prints on stdout. */
  lines: AsyncIterableIterator<string>;
  /** Exit code (or 1 for a signal). */
  exited: Promise<number>;
  /** Ends the child (SIGTERM) and waits for it. Safe to call twice. */
  stop(): Promise<number>;
}

function start(script: string, args: string[], nodeFlags: string[] = []): Child {
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => resolve(code ?? 1));
  });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return {
    lines,
    exited,
    stop: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs one measurement of bench/pipeline-child.ts to its end; its last line on stdout is the JSON result. */
async function measure<T>(args: string[]): Promise<T> {
  const child = start(PIPELINE_CHILD, args);
  try {
    let last: string | undefined;
    for await (const line of child.lines) last = line;
    const code = await child.exited;
    if (code !== 0 || last === undefined) throw new Error(`pipeline benchmark child \`${args.join(' ')}\` exited with code ${code}${last === undefined ? ' and no result' : ''}`);
    return JSON.parse(last) as T;
  } finally {
    await child.stop();
  }
}

/** A sandbox without rate limits in its own process (bench/sandbox-child.ts serve), so its CPU and memory are not ours. */
async function withSandbox<T>(users: number, use: (url: string) => Promise<T>): Promise<T> {
  const child = start(SANDBOX_CHILD, ['serve', String(users)], ['--max-old-space-size=6144']);
  try {
    const { value, done } = await child.lines.next();
    if (done) throw new Error(`the sandbox (${users} users) exited with code ${await child.exited} before it was ready`);
    const { url } = JSON.parse(value) as { url: string };
    return await use(url);
  } finally {
    await child.stop();
  }
}


// ---------------------------------------------------------------------------------------------
// rows

const fmt = (n: number) => Math.round(n).toLocaleString('en');

function queueRow(key: string, label: string, q: QueueResult): BenchRow {
  const median = medianOf(q.seconds);
  return {
    key,
    label,
    value: median,
    unit: 's',
    target: `≤ ${QUEUE_TARGET_S}`,
    ok: median <= QUEUE_TARGET_S,
    note: `median of 3 mornings (${q.seconds.map((s) => `${(s * 1000).toFixed(0)} ms`).join(', ')}); filling the tables took ${q.fillSeconds.toFixed(0)} s`,
  };
}

function skipped(key: string, label: string, unit: string, target: string, reason: string): BenchRow {
  return { key, label, value: Number.NaN, unit, target, skipped: reason };
}

interface IngestResult {
  prospects: number;
  posts: number;
  pages: number;
  seconds: number;
  copy?: { rows: number; seconds: number };
}

function ingestRow(key: string, label: string, users: number, r: IngestResult): BenchRow {
  const rate = r.prospects / r.seconds;
  return {
    key,
    label,
    value: rate,
    unit: 'prospects/s',
    target: `≥ ${fmt(INGEST_TARGET)}`,
    ok: rate >= INGEST_TARGET,
    note: `${fmt(users)}-person sandbox: ${fmt(r.pages)} pages, ${(r.posts / r.prospects).toFixed(1)} posts per new prospect, ${fmt(r.posts / r.seconds)} posts/s, ${r.seconds.toFixed(1)} s`,
  };
}

/** The order of the rows in the table, whatever the order of the measurements. */
const ORDER = [
  'ingest.pglite_prospects_per_s',
  'ingest.postgres_prospects_per_s',
  'ingest.postgres_copy_ratio',
  'scoring.prospects_per_s',
  'queue.build_1m_seconds',
  'queue.build_1m_seconds_pglite',
  'search.peak_rss_mb_1m_prospects',
];

export async function pipelineBench(opts: { full: boolean }): Promise<BenchRow[]> {
  const sizes = opts.full ? FULL : QUICK;
  const quick = opts.full ? '' : ' (quick)';
  const label = {
    ingest: (where: string) => `ingest: search pages → ${where}, ${fmt(sizes.prospects)} prospects${quick}`,
    copy: `ingest: PostgreSQL rate ÷ raw COPY of the same rows${quick}`,
    queue: (where: string) => `queue: buildQueue per_day 15, ${fmt(sizes.matches)} scored matches, ${where}${quick}`,
    rss: `search job: peak RSS, ${fmt(sizes.matches)} prospects stored, PostgreSQL${quick}`,
  };
  const rows: BenchRow[] = [];
  const server = await PostgresServer.connect(SERVER_URL);
  try {
    // Scoring first, on a machine with nothing else of ours running: one thread, sensitive to neighbours.
    const scoring = await measure<ScoringResult>(['score', 'growth-saas-en', String(SCORED), String(sizes.scoringPasses)]);
    rows.push({
      key: 'scoring.prospects_per_s',
      label: `scoring: PersonaScorer growth-saas-en, ${fmt(scoring.prospects)} prospects, one thread`,
      value: scoring.perSecond,
      unit: 'prospects/s',
      target: `≥ ${fmt(SCORING_TARGET)}`,
      ok: scoring.perSecond >= SCORING_TARGET,
      note: `after warm-up; ${scoring.seconds.map((s) => `${s.toFixed(2)} s`).join(', ')} a pass; mean score ${scoring.meanScore.toFixed(1)}`,
    });

    // PGlite in memory, in its own child: about a minute to fill 1M rows.
    const pgliteQueue = await measure<QueueResult>(['queue', String(sizes.matches)]);
    rows.push(queueRow('queue.build_1m_seconds_pglite', label.queue('PGlite'), pgliteQueue));

    await withSandbox(sizes.users, async (sandboxUrl) => {
      const pglite = await measure<IngestResult>(['ingest', 'pglite', String(sizes.prospects), sandboxUrl]);
      rows.push(ingestRow('ingest.pglite_prospects_per_s', label.ingest('PGlite'), sizes.users, pglite));

      if (typeof server === 'string') {
        rows.push(skipped('ingest.postgres_prospects_per_s', label.ingest('PostgreSQL'), 'prospects/s', `≥ ${fmt(INGEST_TARGET)}`, server));
        rows.push(skipped('ingest.postgres_copy_ratio', label.copy, '×', `≥ ${COPY_RATIO_TARGET}`, server));
        rows.push(skipped('queue.build_1m_seconds', label.queue('PostgreSQL'), 's', `≤ ${QUEUE_TARGET_S}`, server));
        rows.push(skipped('search.peak_rss_mb_1m_prospects', label.rss, 'MB', `≤ ${RSS_TARGET_MB}`, server));
        return;
      }

      const ingest = await server.withDatabase('ingest', (url) => measure<IngestResult>(['ingest', 'postgres', String(sizes.prospects), sandboxUrl, url]));
      rows.push(ingestRow('ingest.postgres_prospects_per_s', label.ingest('PostgreSQL'), sizes.users, ingest));
      const copy = ingest.copy!;
      const ratio = ingest.prospects / ingest.seconds / (copy.rows / copy.seconds);
      rows.push({
        key: 'ingest.postgres_copy_ratio',
        label: label.copy,
        value: ratio,
        unit: '×',
        target: `≥ ${COPY_RATIO_TARGET}`,
        ok: ratio >= COPY_RATIO_TARGET,
        note: `COPY prospects FROM STDIN, the ${fmt(copy.rows)} rows stored, into the emptied table: ${fmt(copy.rows / copy.seconds)} rows/s`,
      });

      // One database for both: the search job runs with the queue's 1M prospects stored.
      await server.withDatabase('queue', async (url) => {
        rows.push(queueRow('queue.build_1m_seconds', label.queue('PostgreSQL'), await measure<QueueResult>(['queue', String(sizes.matches), url])));
        const search = await measure<SearchResult>(['search', url, sandboxUrl]);
        rows.push({
          key: 'search.peak_rss_mb_1m_prospects',
          label: label.rss,
          value: search.maxRssMB,
          unit: 'MB',
          target: `≤ ${RSS_TARGET_MB}`,
          ok: search.maxRssMB <= RSS_TARGET_MB,
          note: `maxRSS of its process: 3 personas, ${search.counts.pages ?? 0} pages, ${fmt(search.counts.posts ?? 0)} posts, ${fmt(search.counts.new_prospects ?? 0)} new prospects (${fmt(search.prospects)} stored after)`,
        });
      });
    });
  } finally {
    if (typeof server !== 'string') await server.end();
  }
  return rows.sort((a, b) => ORDER.indexOf(a.key) - ORDER.indexOf(b.key));
}

interface ScoringResult {
  prospects: number;
  perSecond: number;
  seconds: number[];
  meanScore: number;
}

interface SearchResult {
  maxRssMB: number;
  counts: Record<string, number>;
  prospects: number;
}

interface QueueResult {
  matches: number;
  fillSeconds: number;
  seconds: number[];
  leads: number;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
