import { createHash } from 'node:crypto';
import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import type { AccountConfig, WorkerConfig } from '../config/worker.ts';
import { XAccount, type OAuth1Credentials, type OAuth2Credentials, type RefreshGate, type RefreshedTokens } from './account.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './errors.ts';
import { loopbackPlugin } from './loopback.ts';
import { lookupUsers, searchRecent, type SearchOptions, type SearchPage, type UserLookup } from './reads.ts';

/**
 * The one door to X. Everything the product asks of X goes through an `XDoor`; jobs get one in
 * their context and never see twitter-api-v2 itself. App-only reads (search) use the app's Bearer
 * token; likes, follows and the reads about an account go through `account(handle)`, in that
 * account's user context. The sandbox and the real API differ only in how the door is opened.
 */

/** What the door remembers about an account between runs (the database, in the product). */
export interface AccountStore {
  load(handle: string): Promise<{ userId?: string | null; accessToken?: string | null; refreshToken?: string | null; tokenExpiresAt?: Date | null; tokenOrigin?: string | null } | undefined>;
  saveUserId(handle: string, userId: string): Promise<void>;
  /** A refreshed pair; `origin` names the configured refresh token it descends from. */
  saveTokens(handle: string, tokens: RefreshedTokens, origin: string): Promise<void>;
  /**
   * Runs a refresh holding the account's lock across processes (db/accounts.ts `withRefreshLock`):
   * `read` gives the pair as stored, `save` keeps a new one before the lock is let go. Without it,
   * processes sharing an account race to spend the same rotated refresh token.
   */
  withRefreshLock?<T>(handle: string, refresh: (held: StoredPairLock) => Promise<T>): Promise<T>;
}

/** The stored pair, under the account's refresh lock. */
export interface StoredPairLock {
  read(): Promise<{ accessToken: string | null; refreshToken: string | null; tokenExpiresAt: Date | null; tokenOrigin: string | null } | undefined>;
  save(tokens: RefreshedTokens & { origin: string }): Promise<void>;
}

export interface DoorOptions {
  retry?: RetryPolicy;
  store?: AccountStore;
  /** The accounts to act as; default: all the sandbox's (sandbox) or none (real X). */
  accounts?: readonly AccountConfig[];
  onRefreshError?: (handle: string, error: Error) => void;
  now?: () => Date;
}

/** An account the door acts as: its handle, its owner (a salesperson) and its X user id. */
export interface DoorAccount {
  handle: string;
  owner: string;
  userId: string;
}

interface AccountSource {
  handle: string;
  owner: string;
  userId?: string;
  oauth2?: OAuth2Credentials;
  oauth1?: OAuth1Credentials;
}

/**
 * GET on a sandbox-only route. A kept-alive socket the server closed a moment ago fails the first
 * try with ECONNRESET (a known race of keep-alive clients); the request is idempotent, so it is
 * sent once more.
 */
export async function sandboxGet(url: URL): Promise<Response> {
  try {
    return await fetch(url);
  } catch {
    return fetch(url);
  }
}

/** A sandbox's clock (`GET /__sandbox/clock`); undefined when it does not answer 200. */
export async function sandboxClock(url: string): Promise<Date | undefined> {
  const res = await sandboxGet(new URL('/__sandbox/clock', url));
  return res.ok ? new Date(((await res.json()) as { now: string }).now) : undefined;
}

/** A short fingerprint of a configured refresh token: stored tokens descend from it or are ignored. */
export function tokenOrigin(refreshToken: string | undefined, accessToken: string | undefined): string {
  return createHash('sha256').update(refreshToken ?? accessToken ?? '').digest('hex').slice(0, 16);
}

/** What this process has asked of X since it started, for metrics. */
export interface XStats {
  /** Requests sent (each try counts), app and user context together. */
  requests: number;
  /** 429 answers received. */
  responses429: number;
}

/** Counts requests and 429 answers of every client it is plugged into. */
function statsPlugin(stats: XStats): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig: () => {
      stats.requests++;
    },
    onResponseError: ({ error }) => {
      if (error.code === 429) stats.responses429++;
    },
  };
}

export class XDoor {
  private readonly opened = new Map<string, Promise<XAccount>>();
  /** Requests and 429s of this door's clients since it opened. */
  readonly stats: XStats;

  /** The sandbox's base URL, when this door leads to one. */
  sandboxUrl: string | undefined;

  private constructor(
    readonly network: 'sandbox' | 'x',
    private readonly app: TwitterApi,
    private readonly sources: Map<string, AccountSource>,
    private readonly plugins: ITwitterApiClientPlugin[],
    private readonly options: DoorOptions,
    private readonly release: () => void,
    stats: XStats,
  ) {
    this.stats = stats;
  }

  /** A door to a running sandbox: its tokens come from `/__sandbox/accounts`. */
  static async sandbox(url: string, options: DoorOptions = {}): Promise<XDoor> {
    const res = await sandboxGet(new URL('/__sandbox/accounts', url));
    if (!res.ok) throw new Error(`sandbox at ${url} did not list its accounts (HTTP ${res.status})`);
    const body = (await res.json()) as {
      app: { bearer_token: string; client_id: string; client_secret: string; consumer_key: string; consumer_secret: string };
      accounts: Array<{ id: string; username: string; owner: string; access_token: string; refresh_token: string; expires_at: string; oauth1_token: string; oauth1_secret: string }>;
    };
    const plugin = loopbackPlugin(url);
    const stats: XStats = { requests: 0, responses429: 0 };
    const counter = statsPlugin(stats);
    const wanted = options.accounts?.length ? new Map(options.accounts.map((a) => [a.handle.toLowerCase(), a])) : undefined;
    const sources = new Map<string, AccountSource>();
    for (const a of body.accounts) {
      const config = wanted ? wanted.get(a.username.toLowerCase()) : undefined;
      if (wanted && !config) continue;
      const source: AccountSource = { handle: a.username, owner: config?.owner ?? a.owner, userId: a.id };
      if (config?.auth === 'oauth1') {
        source.oauth1 = { appKey: body.app.consumer_key, appSecret: body.app.consumer_secret, accessToken: a.oauth1_token, accessSecret: a.oauth1_secret };
      } else {
        source.oauth2 = {
          accessToken: a.access_token,
          refreshToken: a.refresh_token,
          clientId: body.app.client_id,
          clientSecret: body.app.client_secret,
          // Expiry is on the sandbox's clock: usable only when the caller says what time it is there.
          ...(options.now ? { expiresAt: new Date(a.expires_at) } : {}),
        };
      }
      sources.set(a.username.toLowerCase(), source);
    }
    if (wanted) {
      const missing = [...wanted.values()].filter((a) => !sources.has(a.handle.toLowerCase())).map((a) => `@${a.handle}`);
      if (missing.length) {
        plugin.close();
        throw new Error(`accounts ${missing.join(', ')} are not sandbox accounts; the sandbox has ${body.accounts.map((a) => `@${a.username}`).join(', ')}`);
      }
    }
    const door = new XDoor('sandbox', new TwitterApi(body.app.bearer_token, { plugins: [plugin, counter] }), sources, [plugin, counter], options, () => plugin.close(), stats);
    door.sandboxUrl = url;
    return door;
  }

  /**
   * A door to the real X API: the app-only Bearer token for search, and each configured account's
   * user token (OAuth2, refreshed with the app's client id and secret; or OAuth 1.0a), all from the
   * environment, never from YAML.
   */
  static real(worker: Pick<WorkerConfig, 'x' | 'accounts'>, options: DoorOptions = {}): XDoor {
    const bearer = worker.x.bearer_token?.reveal() ?? '';
    if (!bearer) throw new Error('X bearer token is empty: set the environment variable named in config/prospector.yaml (x.bearer_token)');
    const sources = new Map<string, AccountSource>();
    for (const a of worker.accounts) {
      const source: AccountSource = { handle: a.handle, owner: a.owner };
      if (a.oauth1_token && a.oauth1_secret) {
        const key = worker.x.consumer_key?.reveal();
        const secret = worker.x.consumer_secret?.reveal();
        if (!key || !secret) throw new Error(`account @${a.handle} uses OAuth 1.0a: set x.consumer_key and x.consumer_secret in config/prospector.yaml`);
        source.oauth1 = { appKey: key, appSecret: secret, accessToken: a.oauth1_token.reveal(), accessSecret: a.oauth1_secret.reveal() };
      } else if (a.token) {
        source.oauth2 = { accessToken: a.token.reveal(), refreshToken: a.refresh_token?.reveal(), clientId: worker.x.client_id?.reveal(), clientSecret: worker.x.client_secret?.reveal() };
      }
      sources.set(a.handle.toLowerCase(), source);
    }
    const stats: XStats = { requests: 0, responses429: 0 };
    const counter = statsPlugin(stats);
    return new XDoor('x', new TwitterApi(bearer, { plugins: [counter] }), sources, [counter], options, () => {}, stats);
  }

  /**
   * The time in the world behind the door: the sandbox's clock (which tests and simulations freeze
   * or move), or undefined for the real X, whose time is the wall clock.
   */
  async worldTime(): Promise<Date | undefined> {
    if (!this.sandboxUrl) return undefined;
    const now = await sandboxClock(this.sandboxUrl);
    if (!now) throw new Error(`sandbox at ${this.sandboxUrl} did not give its clock`);
    return now;
  }

  /** Recent search, page by page (see `searchRecent`). */
  search(query: string, options: SearchOptions = {}): AsyncGenerator<SearchPage> {
    return searchRecent(this.app, query, options);
  }

  /** Users by id, 100 a request, with the fields search stores (see `lookupUsers`). */
  users(ids: Iterable<string>, options: { signal?: AbortSignal; retry?: RetryPolicy } = {}): Promise<UserLookup> {
    return lookupUsers(this.app, ids, options);
  }

  /** The handles this door can act as, in config order. */
  get handles(): string[] {
    return [...this.sources.values()].map((s) => s.handle);
  }

  /** The owner (salesperson) of an account. */
  ownerOf(handle: string): string | undefined {
    return this.sources.get(handle.toLowerCase())?.owner;
  }

  /**
   * The accounts this door acts as, in config order, with their owner and X user id. Each is opened
   * once; its user id comes from the sandbox, the database or one `users/me`, and is kept.
   */
  async accounts(signal?: AbortSignal): Promise<DoorAccount[]> {
    const found: DoorAccount[] = [];
    for (const handle of this.handles) {
      const account = await this.account(handle);
      found.push({ handle: account.handle, owner: account.owner, userId: await account.userId(signal) });
    }
    return found;
  }

  /**
   * The account acting under an X user id, if it is one of this door's. Ids known without a request
   * (the sandbox's, accounts already opened) are looked at first; the others are opened only then.
   */
  async accountById(userId: string, signal?: AbortSignal): Promise<XAccount | undefined> {
    const known = [...this.sources.values()].find((s) => s.userId === userId);
    if (known) return this.account(known.handle);
    for (const opened of await Promise.allSettled(this.opened.values())) if (opened.status === 'fulfilled' && opened.value.cachedUserId === userId) return opened.value;
    for (const handle of this.handles) {
      const account = await this.account(handle);
      if ((await account.userId(signal)) === userId) return account;
    }
    return undefined;
  }

  /** An account, in user context. Opened once; later calls get the same one. */
  account(handle: string): Promise<XAccount> {
    const key = handle.toLowerCase();
    let found = this.opened.get(key);
    if (!found) {
      found = this.openAccount(key);
      this.opened.set(key, found);
      found.catch(() => this.opened.delete(key));
    }
    return found;
  }

  private async openAccount(key: string): Promise<XAccount> {
    const source = this.sources.get(key);
    if (!source) throw new Error(`no X account @${key}: the accounts are ${this.handles.map((h) => `@${h}`).join(', ') || '(none configured)'}`);
    if (!source.oauth2 && !source.oauth1) throw new Error(`account @${source.handle} has no token: set the environment variable named by its token_env in config/prospector.yaml`);
    const { store } = this.options;
    const stored = await store?.load(source.handle);
    let oauth2 = source.oauth2;
    const origin = tokenOrigin(oauth2?.refreshToken, oauth2?.accessToken);
    // X rotates refresh tokens: a pair refreshed earlier replaces the configured one, unless the
    // environment now holds a different token than the one that pair descends from.
    if (this.network === 'x' && oauth2 && stored?.accessToken && stored.tokenOrigin === origin) {
      oauth2 = { ...oauth2, accessToken: stored.accessToken, refreshToken: stored.refreshToken ?? oauth2.refreshToken, expiresAt: stored.tokenExpiresAt ?? undefined };
    }
    const account = new XAccount({
      handle: source.handle,
      owner: source.owner,
      ...(oauth2 ? { oauth2 } : {}),
      ...(source.oauth1 ? { oauth1: source.oauth1 } : {}),
      userId: stored?.userId ?? source.userId,
      plugins: this.plugins,
      retry: this.options.retry ?? DEFAULT_RETRY,
      ...(this.options.now ? { now: this.options.now } : {}),
      onTokens: (tokens) => store?.saveTokens(source.handle, tokens, origin),
      ...(store?.withRefreshLock ? { refreshGate: this.refreshGate(store, source.handle, origin, stored?.refreshToken ?? undefined) } : {}),
      reloadRefreshToken: async () => {
        if (this.sandboxUrl) {
          const res = await sandboxGet(new URL('/__sandbox/accounts', this.sandboxUrl));
          const body = (await res.json()) as { accounts: Array<{ username: string; refresh_token: string }> };
          return body.accounts.find((a) => a.username.toLowerCase() === key)?.refresh_token;
        }
        // Under the refresh lock the stored pair was read already; reading it again outside the
        // lock's transaction would wait on that transaction (PGlite has one connection).
        if (store?.withRefreshLock) return undefined;
        const latest = await store?.load(source.handle);
        return latest?.tokenOrigin === origin ? (latest.refreshToken ?? undefined) : undefined;
      },
      onRefreshError: (error) => this.options.onRefreshError?.(source.handle, error),
    });
    if (store && !stored?.userId) await store.saveUserId(source.handle, await account.userId());
    return account;
  }

  /**
   * The account's refresh lock, and which stored pair counts as newer: one kept since this door
   * last looked (at opening, or its own last refresh), and on X one descending from the configured
   * token (a pair from a token the environment no longer holds is not the account's any more).
   */
  private refreshGate(store: AccountStore, handle: string, origin: string, seenAtOpening: string | undefined): RefreshGate {
    let seen = seenAtOpening;
    return {
      run: (refresh) =>
        store.withRefreshLock!(handle, (held) =>
          refresh({
            newer: async () => {
              const stored = await held.read();
              if (!stored?.accessToken || !stored.refreshToken || stored.refreshToken === seen) return undefined;
              if (this.network === 'x' && stored.tokenOrigin !== origin) return undefined;
              seen = stored.refreshToken;
              return { accessToken: stored.accessToken, refreshToken: stored.refreshToken, expiresAt: stored.tokenExpiresAt ?? undefined };
            },
            keep: async (tokens) => {
              await held.save({ ...tokens, origin });
              seen = tokens.refreshToken;
            },
          }),
        ),
    };
  }

  /** Requests sent by every opened account (user context), for benchmarks. */
  async accountRequests(): Promise<number> {
    let total = 0;
    for (const account of await Promise.all(this.opened.values())) total += account.requests;
    return total;
  }

  close(): void {
    this.release();
  }
}
