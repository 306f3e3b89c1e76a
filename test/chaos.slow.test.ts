import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { rows } from '../db/rows.ts';
import { actions, budgets } from '../db/schema.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import { XDoor } from '../src/x/door.ts';
import { jobContext } from './support/context.ts';
import {
  createScratchDatabase,
  ENGAGE_FIXTURE,
  startProspector,
  writeRequests,
  type ChildExit,
  type LoggedRequest,
  type ProspectorChild,
  type ScratchDatabase,
  type WriteRequest,
  leasesOver,
} from './support/engage-child.ts';
import { isWrite, startHttpTap, type HttpTap } from './support/http-tap.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { seededRandom, TEST_SEED } from './support/seed.ts';

/**
 * A chaos run, as operations would meet it: three `prospector run engage --no-pacing` processes
 * engaging at once for the sandbox's three accounts, on one PostgreSQL database, each started
 * again as soon as it ends; X slow and unreliable on likes and follows; every few seconds one of
 * the processes killed with SIGKILL; twice, just after a new day brings work, every database
 * connection of theirs terminated (`pg_terminate_backend`, as a failover or an operator would)
 * once two of them are connected and a like or follow is out, and another process started at
 * once, as another worker's tick would. Then the faults stop, the processes end, and a last run
 * or two settle what is left.
 *
 * The world is the engage fixture (`test/fixtures/engage`: two personas in mode auto for every
 * account, 8 likes and 8 follows a day each, working all day in UTC) with the sandbox clock frozen
 * at 23:40, so a whole day's cap is due at once. When a process ends cleanly having done nothing
 * (the day's work is over), or at the latest DAY_EVERY_MS after the last move, the test moves the
 * clock a day forward, with a new search and score, to give the processes more.
 *
 * Faults on likes.create and follows.create: 20–200 ms latency; 5% dropped before X acted (`drop`);
 * 8% carried out by X with the answer lost (`drop_after`); 3% HTTP 500.
 *
 * What the sandbox's request log and the database must say afterwards (a request was accepted by
 * X when it answered 200 or acted and lost the answer, `drop_after`):
 * (a) no (account, kind, target) accepted by X twice;
 * (b) nothing lost: every target X accepted has its action row done; none left pending; no row
 *     failed whose target X accepted; every done row has a request X accepted;
 * (c) no persona's daily cap exceeded: per (account, kind, persona, day) the persona budget's
 *     `used` within its limit, and the actions claimed that day (`sent_at`) within `per_day`.
 *
 * A figures line is printed before the assertions, to compare runs: the chaos done, what X
 * accepted, each kind of breach (the doubles split by whether the first acceptance had its answer
 * lost), and the pending actions seen passing to another process while their holder still ran
 * (what a process that lost its connection, and with it its lock, meets). PROSPECTOR_TEST_SEED
 * replays the kill moments and victims; the processes' own timing is not replayed.
 *
 * PostgreSQL only: several processes cannot share one PGlite directory.
 */

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const SKIP_REASON = 'skipped: set TEST_DATABASE_URL=postgres://… to run the chaos test against PostgreSQL';

const SEED = TEST_SEED;
/** How long the chaos lasts. */
const CHAOS_MS = 48_000;
/** Engage processes running at once. */
const PROCESSES = 3;
/** A SIGKILL every this many ms (drawn from the seed). */
const KILL_EVERY_MS: [number, number] = [2_000, 6_000];
/** Moments (fractions of CHAOS_MS) at which every backend of the processes is terminated. */
const TERMINATIONS = [0.35, 0.7];
const DAY_S = 86_400;
/** The clock moves a day forward at least this often during the chaos. */
const DAY_EVERY_MS = 9_000;
/** More processes dying on their own than this is no longer chaos but a process that cannot run. */
const MAX_CRASHES = 20;
/** The application name of a process's liveness-lock connection (db/client.ts holdLock). */
const LOCK_APPLICATION = 'prospector-lock';
/** How often the test looks at the pending actions and who holds them. */
const WATCH_EVERY_MS = 50;
/** The application name of the test's own connections: never terminated. */
const OWN_APPLICATION = 'prospector-chaos-test';
const WRITE_FAULTS = {
  'likes.create': { latency_ms: [20, 200], drop: 0.05, drop_after: 0.08, error_500: 0.03 },
  'follows.create': { latency_ms: [20, 200], drop: 0.05, drop_after: 0.08, error_500: 0.03 },
};

type Action = typeof actions.$inferSelect;

const suite = TEST_DATABASE_URL ? describe : describe.skip;
if (!TEST_DATABASE_URL) console.warn(`chaos test ${SKIP_REASON}`);

/** A request X carried out: it answered 200, or acted and lost the answer. */
const accepted = (w: WriteRequest) => w.status === 200 || w.fault === 'drop_after';
const keyOf = (account: string, kind: string, target: string) => `${account} ${kind} ${target}`;
/** Actions done, from a child's summary ("growth-saas-en: 12 planned, 10 done; …"). */
const doneIn = (stdout: string) => [...stdout.matchAll(/(\d+) done/g)].reduce((n, m) => n + Number(m[1]), 0);
const described = (exit: ChildExit) => `exit ${exit.code ?? exit.signal}\nstdout: ${exit.stdout}\nstderr: ${exit.stderr.slice(-3000)}`;

suite(`chaos: engage processes killed, their connections terminated, X failing${TEST_DATABASE_URL ? '' : ` (${SKIP_REASON})`}`, () => {
  let sb: TestSandbox;
  /** The children reach the sandbox through it: the test sees which likes and follows are out. */
  let tap: HttpTap;
  let door: XDoor;
  let config: LoadedConfig;
  let scratch: ScratchDatabase;
  let handle: DatabaseHandle;
  const running = new Set<ProspectorChild>();

  beforeAll(async () => {
    config = await loadConfig({ file: join(ENGAGE_FIXTURE, 'config/prospector.yaml'), cwd: ENGAGE_FIXTURE });
    // Tokens that outlive the days the test moves through: no refresh races between processes here.
    sb = await startTestSandbox({ users: 8000, tokenLifetimeSeconds: 365 * DAY_S });
    // From T0 (Monday 09:00 UTC) to 23:40: the personas' working day is nearly over, the whole cap is due.
    await sb.advance((14 * 60 + 40) * 60);
    door = await XDoor.sandbox(sb.url);
    tap = await startHttpTap(sb.url);
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    const own = new URL(scratch.url);
    own.searchParams.set('application_name', OWN_APPLICATION);
    handle = await openDatabase({ url: own.toString(), poolSize: 2 });
    await migrate(handle);
  }, 120_000);
  afterAll(async () => {
    // A test that failed or timed out leaves no process behind.
    for (const child of running) child.kill();
    await Promise.all([...running].map((c) => c.exited));
    await tap?.close();
    door?.close();
    await handle?.close();
    await scratch?.drop();
    await sb?.close();
  });

  /** When each child (by pid) was seen gone, by the wall clock. */
  const exitedAt = new Map<number, number>();
  const startEngage = (): ProspectorChild => {
    const child = startProspector(['run', 'engage', '--no-pacing'], { databaseUrl: scratch.url, sandboxUrl: tap.url });
    running.add(child);
    void child.exited.then(() => {
      exitedAt.set(child.pid, Date.now());
      running.delete(child);
    });
    return child;
  };
  const setFaults = (faults: object) => sb.admin('/__sandbox/faults', { method: 'POST', body: faults });
  /** Search and score, in the test's process: the children only engage. */
  const findProspects = async () => {
    const ctx = jobContext({ db: handle.db, x: door, now: () => new Date(sb.clock.now()), config: { worker: config.worker, personas: config.personas } }, { workerId: 'chaos-test', random: seededRandom('jitter'), pacing: false });
    await search(ctx);
    await score(ctx);
  };
  /**
   * Every connection to the scratch database but the test's own, terminated: how many, and how
   * many of them held a process's liveness lock (application name `prospector-lock`).
   */
  const terminateBackends = async (): Promise<{ backends: number; locks: number }> => {
    const admin = new pg.Client({ connectionString: scratch.url, application_name: OWN_APPLICATION });
    await admin.connect();
    try {
      const result = await admin.query<{ name: string }>(
        // Chosen first, then terminated: in one WHERE the planner may call pg_terminate_backend
        // before the other conditions, on every backend of the server.
        `with victims as materialized (
           select pid, application_name from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and application_name <> $1)
         select application_name as name from victims where pg_terminate_backend(pid)`,
        [OWN_APPLICATION],
      );
      return { backends: result.rows.length, locks: result.rows.filter((r) => r.name === LOCK_APPLICATION).length };
    } finally {
      await admin.end();
    }
  };
  /** The processes connected now: their liveness locks' connections. */
  const lockHolders = async (): Promise<number> => {
    const [row] = await rows<{ n: number }>(handle.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${LOCK_APPLICATION}`);
    return row?.n ?? 0;
  };
  const inFlightWrites = () => tap.requests.filter((r) => isWrite(r) && r.answeredAt === undefined).length;

  it('no target accepted twice, nothing lost, no cap exceeded', { timeout: 240_000 }, async () => {
    const startedAt = Date.now();
    const random = seededRandom('chaos');
    const between = ([min, max]: [number, number]) => min + Math.floor(random() * (max - min + 1));
    await findProspects();
    // Nothing of the test's own setup counts: only the children's likes and follows follow.
    const fromSeq = (await sb.admin<{ requests: LoggedRequest[] }>('/__sandbox/requests?since=0')).requests.at(-1)?.seq ?? 0;
    await setFaults(WRITE_FAULTS);
    const chaosFrom = Date.now();

    const figures = { searchMs: 0, kills: 0, terminations: 0, backendsTerminated: 0, locksLost: 0, days: 1, runs: 0, clean: 0, crashed: 0 };
    /** The first line of each distinct error a child died of on its own (not a kill). */
    const crashes = new Map<string, number>();
    let stopping = false;
    let brokenBy: ChildExit | undefined;
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    /** A scheduled moment of the chaos (not a wait for something to happen): cut short by the stop. */
    const pause = (ms: number) => Promise.race([delay(Math.max(0, ms)), stopped]);

    // Another day: when a process ended cleanly having done nothing (today's work is over), or
    // DAY_EVERY_MS after the last move (the kills leave few clean ends), whichever comes first.
    let dayMove: Promise<void> | undefined;
    let lastMove = Date.now();
    const nextDay = () =>
      (dayMove ??= (async () => {
        lastMove = Date.now();
        await sb.advance(DAY_S);
        await findProspects();
        figures.days++;
        figures.searchMs += Date.now() - lastMove;
      })().finally(() => (dayMove = undefined)));
    const dayMover = (async () => {
      while (!stopping) {
        await pause(lastMove + DAY_EVERY_MS - Date.now());
        if (!stopping && Date.now() - lastMove >= DAY_EVERY_MS) await nextDay();
      }
    })();

    // The processes: each slot starts `prospector run engage` again as soon as it ends.
    const slots: ProspectorChild[] = [];
    const slot = async (i: number) => {
      while (!stopping) {
        const child = startEngage();
        slots[i] = child;
        figures.runs++;
        const exit = await child.exited;
        if (exit.signal === 'SIGKILL') continue;
        if (exit.code === 0) {
          figures.clean++;
          if (doneIn(exit.stdout) === 0 && !stopping) await nextDay();
          continue;
        }
        figures.crashed++;
        const line = (exit.stderr.split('\n').find((l) => /error|Error|failed/.test(l)) ?? exit.stderr.split('\n')[0] ?? '').slice(0, 200);
        crashes.set(line, (crashes.get(line) ?? 0) + 1);
        // A process that cannot run at all would be started again and again: stop and say why.
        if (figures.crashed > MAX_CRASHES) {
          brokenBy ??= exit;
          stopping = true;
          stop();
        }
      }
    };
    const slotsDone = Promise.all(Array.from({ length: PROCESSES }, (_, i) => slot(i)));

    // The watcher: pending actions passing from one process to another (a reconciliation), seen
    // by polling. Whether the first was still running is judged at the end (takenFromTheLiving).
    const handovers: Array<{ from: string; seenAt: number }> = [];
    const watcher = (async () => {
      const holders = new Map<number, string>();
      while (!stopping) {
        const pending = await handle.db
          .select({ id: actions.id, workerId: actions.workerId })
          .from(actions)
          .where(eq(actions.status, 'pending'))
          .catch(() => []);
        for (const { id, workerId } of pending) {
          const before = holders.get(id);
          if (before && workerId && before !== workerId) handovers.push({ from: before, seenAt: Date.now() });
          if (workerId) holders.set(id, workerId);
        }
        await pause(WATCH_EVERY_MS);
      }
    })();
    /**
     * Hand-overs of an action whose first holder was still running a second after they were seen
     * (the slack covers the test's own event loop being busy): the others judged it dead, as they
     * do a process that lost its database connection and with it its lock.
     */
    const takenFromTheLiving = () =>
      handovers.filter(({ from, seenAt }) => {
        const gone = exitedAt.get(Number(from.split(':').at(-2)));
        return gone !== undefined && gone > seenAt + 1_000;
      }).length;

    // The killer: a random one of the processes every 2–6 s (its slot starts it again).
    const killer = (async () => {
      while (!stopping) {
        await pause(between(KILL_EVERY_MS));
        if (stopping) break;
        const victim = slots[Math.floor(random() * PROCESSES)];
        if (victim && !victim.done) {
          victim.kill();
          figures.kills++;
        }
      }
    })();

    const extras: Array<Promise<ChildExit>> = [];
    // The terminator: at set moments, once a like or follow is out, every backend of theirs.
    const terminator = (async () => {
      for (const at of TERMINATIONS) {
        await pause(chaosFrom + at * CHAOS_MS - Date.now());
        if (stopping) break;
        // A new day, so that there is work for all; then two processes or more connected, and a
        // like or follow out (ten seconds at most: then whoever is there).
        await nextDay();
        const busyBy = Date.now() + 10_000;
        while (Date.now() < busyBy && !((await lockHolders()) >= 2 && inFlightWrites() > 0)) await delay(WATCH_EVERY_MS);
        const cut = await terminateBackends();
        figures.backendsTerminated += cut.backends;
        figures.locksLost += cut.locks;
        figures.terminations++;
        // Another process at once (another worker's tick): it finds the pending actions of those
        // that lost their connections, and judges them by their locks.
        const extra = startEngage();
        figures.runs++;
        extras.push(extra.exited);
      }
    })();

    await Promise.race([delay(Math.max(0, chaosFrom + CHAOS_MS - Date.now())), stopped]);
    await terminator;
    stopping = true;
    stop();
    await killer;
    await dayMover;
    await watcher;
    // No more faults: the processes end their runs (a stuck one is killed after a minute).
    await setFaults({});
    const stuck = setTimeout(() => running.forEach((c) => c.kill()), 60_000);
    await slotsDone;
    await Promise.all(extras);
    clearTimeout(stuck);
    await dayMove;
    if (brokenBy) expect.fail(`more than ${MAX_CRASHES} engage processes died on their own (seed ${SEED}); the last:\n${described(brokenBy)}`);

    // Settle: runs without faults until nothing is pending (a reconciliation waits when X's
    // 15-minute window is used up).
    let settles = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      settles++;
      // A killed holder's actions are settled once their lease has run out.
      await leasesOver(handle);
      const exit = await startEngage().exited;
      expect(exit.code, `settling run failed (seed ${SEED}):\n${described(exit)}`).toBe(0);
      const pending = await handle.db.select().from(actions).then((all) => all.filter((a) => a.status === 'pending'));
      if (pending.length === 0) break;
      await sb.advance(15 * 60);
    }

    const log = writeRequests((await sb.admin<{ requests: LoggedRequest[] }>(`/__sandbox/requests?since=${fromSeq}&method=POST`)).requests);
    const actionRows = await handle.db.select().from(actions);
    const windows = await handle.db.select().from(budgets);
    const world = sb.world;
    const truth: XTruth = {
      has: (account, kind, target) => {
        const user = world.userById(account);
        if (!user) return false;
        if (kind === 'like') {
          const post = world.postById(target);
          return post !== undefined && world.hasLiked(user.index, post.index);
        }
        const other = world.userById(target);
        return other !== undefined && world.followingOf(user).includes(other.index);
      },
      isProtected: (userId) => world.userById(userId)?.protected === true,
    };
    const found = check(actionRows, windows, log, config, truth);
    const took = Math.round((Date.now() - startedAt) / 1000);
    const acceptedOf = (kind: string) => log.filter((w) => w.kind === kind && accepted(w)).length;
    console.info(
      `chaos: kills ${figures.kills}, backend terminations ${figures.terminations} (${figures.backendsTerminated} backends, ${figures.locksLost} processes' locks), ` +
        `likes accepted ${acceptedOf('like')}, follows accepted ${acceptedOf('follow')}, ` +
        `targets accepted twice ${found.twice.length} (${found.twiceAfterLostAnswer} after a lost answer, ${found.twice.length - found.twiceAfterLostAnswer} after an answered one), done rows without an accepted request ${found.doneUnaccepted.length}, ` +
        `follows of protected accounts sent again ${found.protectedResent.length}, done by reading (already liked or followed) ${found.doneAlreadyOnX.length}, ` +
        `accepted targets not done ${found.acceptedNotDone.length}, failed though X did it ${found.failedButDone.length}, ` +
        `pending left ${found.pending.length}, pending actions taken over from a running process ${takenFromTheLiving()} (of ${handovers.length} seen), caps exceeded ${found.overCap.length}, ` +
        `requests ${log.length}, rows ${actionRows.length} (${actionRows.filter((a) => a.status === 'done').length} done, ${actionRows.filter((a) => a.status === 'failed').length} failed), ` +
        `runs ${figures.runs} (${figures.clean} clean, ${figures.crashed} died on their own), days ${figures.days} (search and score ${Math.round(figures.searchMs / Math.max(1, figures.days - 1))} ms a day), settling runs ${settles}, duration ${took} s, seed ${SEED}`,
    );
    if (crashes.size > 0) console.info(`chaos: what processes died of on their own: ${[...crashes].map(([line, n]) => `${n}× ${line}`).join(' | ')}`);

    // The chaos did happen.
    expect(figures.kills, `seed ${SEED}`).toBeGreaterThan(0);
    expect(figures.terminations).toBe(TERMINATIONS.length);
    expect(log.filter(accepted).length, 'X accepted likes and follows').toBeGreaterThan(0);
    // (a) never twice.
    expect(found.twice, `seed ${SEED}: targets accepted by X twice`).toEqual([]);
    // (b) nothing lost.
    expect(found.pending, `seed ${SEED}: left pending`).toEqual([]);
    expect(found.acceptedNotDone, `seed ${SEED}: accepted by X, but not done`).toEqual([]);
    expect(found.failedButDone, `seed ${SEED}: failed, though X accepted it`).toEqual([]);
    expect(found.doneUnaccepted, `seed ${SEED}: done, but X never accepted it`).toEqual([]);
    // (c) caps.
    expect(found.overCap, `seed ${SEED}: persona caps exceeded`).toEqual([]);
  });
});

/** What X (the sandbox's world) says now: whether the account likes the post or follows the user, and whether a user is protected. */
interface XTruth {
  has(account: string, kind: 'like' | 'follow', target: string): boolean;
  isProtected(userId: string): boolean;
}

interface Found {
  twice: string[];
  /**
   * Follows of protected accounts sent again after a lost answer: X lists no follow requests
   * waiting for approval, so reading cannot confirm them, and X takes the second as the same request.
   */
  protectedResent: string[];
  /** Done by reading X although no request of ours was accepted: the account already liked or followed them. */
  doneAlreadyOnX: string[];
  /** Of them, those whose first accepted request had its answer lost (`drop_after`). */
  twiceAfterLostAnswer: number;
  acceptedNotDone: string[];
  failedButDone: string[];
  doneUnaccepted: string[];
  pending: string[];
  overCap: string[];
}

/** Compares the action rows and persona budgets with the sandbox's log of likes and follows. */
function check(rows: readonly Action[], windows: ReadonlyArray<typeof budgets.$inferSelect>, log: readonly WriteRequest[], config: LoadedConfig, truth: XTruth): Found {
  const found: Found = { twice: [], protectedResent: [], doneAlreadyOnX: [], twiceAfterLostAnswer: 0, acceptedNotDone: [], failedButDone: [], doneUnaccepted: [], pending: [], overCap: [] };
  const byKey = new Map<string, WriteRequest[]>();
  for (const w of log) {
    const key = keyOf(w.account, w.kind, w.target);
    byKey.set(key, [...(byKey.get(key) ?? []), w]);
  }
  const rowByKey = new Map(rows.map((a) => [keyOf(a.account, a.kind, a.target), a]));
  const requestsOf = (key: string) =>
    (byKey.get(key) ?? []).map((w) => `#${w.seq}:${w.status}${w.fault ? `/${w.fault}` : ''}`).join(' ') || 'no request';
  const describe = (key: string) => {
    const a = rowByKey.get(key);
    return `${key}: ${a ? `action ${a.id} ${a.status}, sends ${a.sends}${a.reconciledAt ? ', reconciled' : ''}${a.error ? ` (${a.error})` : ''}` : 'no action row'}; requests ${requestsOf(key)}`;
  };

  for (const [key, sent] of byKey) {
    const n = sent.filter(accepted).length;
    if (n === 0) continue;
    if (n > 1 && sent[0]!.kind === 'follow' && truth.isProtected(sent[0]!.target)) {
      found.protectedResent.push(describe(key));
    } else if (n > 1) {
      found.twice.push(describe(key));
      if (sent.find(accepted)!.fault === 'drop_after') found.twiceAfterLostAnswer++;
    }
    const status = rowByKey.get(key)?.status;
    if (status === 'failed') found.failedButDone.push(describe(key));
    else if (status !== 'done') found.acceptedNotDone.push(describe(key));
  }
  for (const a of rows) {
    const key = keyOf(a.account, a.kind, a.target);
    if (a.status === 'pending') found.pending.push(describe(key));
    if (a.status === 'done' && !(byKey.get(key) ?? []).some(accepted)) {
      if (a.outcome?.reconciled === 'found on X' && truth.has(a.account, a.kind, a.target)) found.doneAlreadyOnX.push(describe(key));
      else found.doneUnaccepted.push(describe(key));
    }
  }

  // The persona budgets never above their limit, and no more actions claimed a day than per_day.
  for (const b of windows.filter((w) => w.scope.startsWith('persona:'))) {
    if (b.used > b.limit) found.overCap.push(`${b.account} ${b.kind} ${b.scope} on ${b.windowStart.toISOString().slice(0, 10)}: ${b.used} used over ${b.limit}`);
  }
  const claimed = new Map<string, number>();
  for (const a of rows) {
    if (a.sends === 0 || !a.sentAt) continue;
    const key = `${a.account} ${a.kind} persona:${a.persona} on ${a.sentAt.toISOString().slice(0, 10)}`;
    claimed.set(key, (claimed.get(key) ?? 0) + 1);
  }
  for (const [key, n] of claimed) {
    const [, kind, scope] = key.split(' ') as [string, 'like' | 'follow', string];
    const persona = config.personas.find((p) => `persona:${p.id}` === scope);
    const cap = persona?.engagement[kind].per_day ?? 0;
    if (n > cap) found.overCap.push(`${key}: ${n} actions claimed over a cap of ${cap}`);
  }
  return found;
}
