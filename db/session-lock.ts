import pg from 'pg';

/**
 * A session-level advisory lock that knows when it is lost and takes itself back.
 *
 * A worker's liveness is such a lock (db/workers.ts): the server drops it with the connection, so
 * other workers can tell a dead worker from a live one. The danger is the other way round: a
 * worker whose lock connection died (its backend terminated, the server restarted, the network
 * cut) is seen as dead by the others, which take over its pending actions, while it is still
 * running. So the lock is watched:
 *
 * - the moment its connection reports an error or ends, or a heartbeat (`select 1` every
 *   `heartbeatMs`) gets no answer within `heartbeatMs`, the lock counts as lost: `held` turns
 *   false before anything else runs, and whoever acts checks `held` before each write to X;
 * - it is then taken back on a new connection (`pg_try_advisory_lock`, every 0.25 s to 5 s,
 *   until it succeeds or is released); `held` turns true again only when the new session holds it;
 * - `sessionPid` is the backend that holds it now, so a write record can check, in its own
 *   transaction, that this very session still holds the lock (`lockHeldBy`).
 */

/** The part of a logger the lock writes to (the database's log). */
export interface LockLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SessionLockOptions {
  /** The application name of the lock's connection (others read it in pg_stat_activity). */
  applicationName?: string;
  /** How often the connection is checked, and how long an answer may take. Default 5 s. */
  heartbeatMs?: number;
  log?: LockLog | undefined;
  /** What the lock is, for log lines ("worker lock"). */
  label?: string;
}

export interface SessionLock {
  readonly key: string;
  /** True while a live session holds the lock, as far as this process knows. */
  readonly held: boolean;
  /** The PostgreSQL backend pid holding it now; null while lost (and on PGlite). */
  readonly sessionPid: number | null;
  /** How many times the lock was lost since it was first taken. */
  readonly losses: number;
  /** Resolves when the lock is held (at once if it is); rejects when it is released first or `signal` aborts. */
  whenHeld(signal?: AbortSignal): Promise<void>;
  /** Calls `listener` each time the lock is lost or taken back; returns the unsubscribe. */
  onChange(listener: (held: boolean) => void): () => void;
  release(): Promise<void>;
}

const LOCK_SQL = 'select pg_backend_pid() as pid, pg_try_advisory_lock(hashtextextended($1, 0)) as locked';
const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/** A lock that is always held: PGlite has one process and one session, which cannot be lost alone. */
export function heldForever(key: string, release: () => Promise<void>): SessionLock {
  return {
    key,
    held: true,
    sessionPid: null,
    losses: 0,
    whenHeld: async () => {},
    onChange: () => () => {},
    release,
  };
}

class PgSessionLock implements SessionLock {
  held = false;
  sessionPid: number | null = null;
  losses = 0;
  private client: pg.Client | undefined;
  private released = false;
  private lostAt = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private retaking: Promise<void> | undefined;
  /** The connection of an attempt under way: a release ends it, so it never waits on a dead server. */
  private attempt: pg.Client | undefined;
  private readonly listeners = new Set<(held: boolean) => void>();
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(
    readonly key: string,
    private readonly url: string,
    private readonly options: SessionLockOptions,
  ) {}

  private get label(): string {
    return this.options.label ?? 'lock';
  }

  /** Takes the lock for the first time; a database that cannot be reached is an error here. */
  async start(): Promise<void> {
    for (let waitMs = MIN_RETRY_MS; ; waitMs = Math.min(waitMs * 2, MAX_RETRY_MS)) {
      if (await this.take()) break;
      // Our key is our own: someone holding it is a session of ours the server has not yet dropped.
      await new Promise((r) => setTimeout(r, waitMs));
    }
    const every = this.options.heartbeatMs ?? 5_000;
    this.heartbeat = setInterval(() => void this.beat(every), every);
    this.heartbeat.unref();
  }

  /** One attempt on a new connection: true when the lock is held. Throws when the server cannot be reached. */
  private async take(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.options.applicationName ?? 'prospector-lock', connectionTimeoutMillis: 10_000 });
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client, new Error('the connection ended')));
    this.attempt = client;
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number; locked: boolean }>(LOCK_SQL, [this.key]);
      if (!rows[0]?.locked || this.released) {
        await client.end().catch(() => undefined);
        return false;
      }
      this.client = client;
      this.sessionPid = rows[0].pid;
      this.held = true;
      return true;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    } finally {
      if (this.attempt === client) this.attempt = undefined;
    }
  }

  /** The heartbeat: a lock whose connection does not answer in time is lost (a cut network says nothing). */
  private async beat(timeoutMs: number): Promise<void> {
    const client = this.client;
    if (!client || !this.held) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      this.lose(client, error as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  private lose(client: pg.Client, error: Error): void {
    if (client !== this.client || this.released) return;
    // First, before any other code runs: nothing may act on a lock that is gone.
    this.held = false;
    this.sessionPid = null;
    this.client = undefined;
    this.losses++;
    this.lostAt = Date.now();
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.options.log?.warn({ err: error, key: this.key }, `${this.label} lost (${error.message}); taking it back on a new connection`);
    this.emit(false);
    this.retaking ??= this.retake().finally(() => {
      this.retaking = undefined;
    });
  }

  private async retake(): Promise<void> {
    for (let waitMs = MIN_RETRY_MS; !this.released; waitMs = Math.min(waitMs * 2, MAX_RETRY_MS)) {
      await new Promise((r) => setTimeout(r, waitMs).unref());
      if (this.released) return;
      try {
        if (await this.take()) {
          this.options.log?.info({ key: this.key, afterMs: Date.now() - this.lostAt }, `${this.label} taken back after ${((Date.now() - this.lostAt) / 1000).toFixed(1)} s`);
          this.emit(true);
          return;
        }
      } catch (error) {
        this.options.log?.debug({ err: error, key: this.key }, `${this.label}: the database does not answer yet`);
      }
    }
  }

  private emit(held: boolean): void {
    if (held) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.resolve();
    }
    for (const listener of this.listeners) listener(held);
  }

  whenHeld(signal?: AbortSignal): Promise<void> {
    if (this.held) return Promise.resolve();
    if (this.released) return Promise.reject(new Error(`${this.label} was released`));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        },
        { once: true },
      );
    });
  }

  onChange(listener: (held: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.held = false;
    clearInterval(this.heartbeat);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new Error(`${this.label} was released`));
    const client = this.client;
    this.client = undefined;
    this.sessionPid = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
    // An attempt to take the lock back may be waiting on a server that does not answer: end it.
    this.attempt?.on('error', () => undefined);
    await this.attempt?.end().catch(() => undefined);
    await this.retaking;
  }
}

/** Takes a watched session lock on a connection of its own (PostgreSQL). */
export async function holdPgSessionLock(url: string, key: string, options: SessionLockOptions): Promise<SessionLock> {
  const lock = new PgSessionLock(key, url, options);
  await lock.start();
  return lock;
}
