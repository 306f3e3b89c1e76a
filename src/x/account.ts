import { TwitterApiAutoTokenRefresher } from '@twitter-api-v2/plugin-token-refresher';
import {
  TwitterApi,
  type IParsedOAuth2TokenResult,
  type ITwitterApiBeforeRequestConfigHookArgs,
  type ITwitterApiClientPlugin,
  type ITwitterApiResponseErrorHookArgs,
  type TweetV2UserTimelineResult,
  type UserV2,
} from 'twitter-api-v2';
import { DEFAULT_RETRY, WRITE_RETRY, observedLimits, withRetries, type ObservedLimits, type RetryPolicy } from './errors.ts';
import { SEARCH_TWEET_FIELDS, SEARCH_USER_FIELDS, toXPost, toXUser, type XPost, type XUser } from './reads.ts';

/**
 * One X account the team acts as, in user context: its likes and follows, and the reads that
 * notice people engaging back (mentions, followers, followings). Its user id is looked up once
 * (or handed in from the database) and kept: an action costs exactly one request.
 */

export interface OAuth2Credentials {
  accessToken: string;
  /** With a refresh token and the app's client id, an expired access token is refreshed. */
  refreshToken?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** When the access token expires, if known (the sandbox says; a refreshed pair is dated). */
  expiresAt?: Date | undefined;
}

export interface OAuth1Credentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string | undefined;
  expiresAt: Date;
}

/** A pair another process refreshed and kept. */
export interface KeptTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date | undefined;
}

/**
 * One refresh at a time per account, across processes (the database's lock: db/accounts.ts). X
 * rotates refresh tokens, so a refresh that waited must first look whether the one before it kept
 * a newer pair: refreshing with the token it holds would spend a token already spent.
 */
export interface RefreshGate {
  run<T>(refresh: (held: RefreshHeld) => Promise<T>): Promise<T>;
}

export interface RefreshHeld {
  /** The stored pair, when another process kept it since this one last looked. */
  newer(): Promise<KeptTokens | undefined>;
  /** Keeps a pair X gave, before the lock is let go. */
  keep(tokens: RefreshedTokens): Promise<void>;
}

export interface AccountOptions {
  handle: string;
  owner: string;
  oauth2?: OAuth2Credentials;
  oauth1?: OAuth1Credentials;
  /** The account's X user id when already known (from the database): no `users/me` at all. */
  userId?: string | undefined;
  /** Plugins every client of this account uses (the sandbox loopback). */
  plugins?: ITwitterApiClientPlugin[];
  retry?: RetryPolicy;
  /** Called with every refreshed token pair (X rotates refresh tokens: the new pair must be kept). */
  onTokens?: (tokens: RefreshedTokens) => void | Promise<void>;
  /** The refresh token as stored now (another worker may have rotated it). */
  reloadRefreshToken?: () => Promise<string | undefined>;
  /** Serialises refreshes with other processes; without it, only this process's are. */
  refreshGate?: RefreshGate;
  /** Called when the refresh itself fails (the account then answers 401). */
  onRefreshError?: (error: Error) => void;
  /** The clock for token expiry dates. */
  now?: () => Date;
}

/** What a like or follow came back with. */
export interface WriteOptions {
  signal?: AbortSignal;
  /**
   * Give up on an answer after this long (the connection is closed; the outcome is then unknown and
   * settled by reading X). A holder's lease on the action counts on it: see src/engage/perform.ts.
   */
  timeoutMs?: number;
  /** Before each retry of the request (after a 5xx): what it throws stops the retries, nothing sent. */
  beforeRetry?: () => Promise<void>;
}

export interface WriteResult {
  /** X's `data`: `{ liked }` or `{ following, pending_follow }`. */
  data: Record<string, unknown>;
  limits: ObservedLimits;
}

export interface UserPage {
  users: XUser[];
  more: boolean;
}

/** A read bounded to a few pages, newest first. */
export interface BoundedReadOptions {
  /** Pages read at most (≥ 1): the reader stops there even when X has more. */
  maxPages: number;
  /** X's `max_results` per page; default 100. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** `maxPages` checked: a bounded read must have a bound. */
function boundedPages(maxPages: number): number {
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new RangeError(`maxPages must be a whole number ≥ 1, got ${maxPages}`);
  return maxPages;
}

export interface MentionsPage {
  posts: XPost[];
  users: XUser[];
  newestId: string | undefined;
  more: boolean;
}

/**
 * The token refresher, with two changes. It answers 401 only: the published plugin also refreshes
 * and re-sends on 403, but on a like or follow a 403 is X refusing the action (spam, a block), and
 * re-sending would double the refusal and burn a refresh token. And a 401 after an earlier refresh
 * refreshes again: the plugin keeps its last refresh for the token's lifetime by a wall-clock
 * timer, so a token revoked (or expired on a simulated clock) before then was never renewed.
 */
const EARLY_REFRESH_MS = 60_000;
/** How long X's OAuth2 access tokens live, for a kept pair whose expiry was not stored. */
const ACCESS_TOKEN_SECONDS = 7200;

class RefreshOn401 extends TwitterApiAutoTokenRefresher {
  private refreshing = false;

  constructor(
    options: ConstructorParameters<typeof TwitterApiAutoTokenRefresher>[0],
    /** When the access token expires, on `now`'s clock; unknown for a token from the environment. */
    private expiresAt: Date | undefined,
    private readonly now: () => Date,
    /** The latest refresh token another worker may have kept, when ours was refused. */
    private readonly reload?: () => Promise<string | undefined>,
    private readonly gate?: RefreshGate,
  ) {
    super(options);
  }

  /**
   * Refreshes ahead of a known expiry, on the jobs' clock (the plugin's own early refresh runs on
   * a wall-clock timer): an action then costs one request, not a 401 and a re-send.
   */
  override async onBeforeRequestConfig(args: ITwitterApiBeforeRequestConfigHookArgs) {
    if (this.expiresAt && !this.refreshing && this.now().getTime() >= this.expiresAt.getTime() - EARLY_REFRESH_MS) {
      try {
        await this.refreshTokenFromRequestContext(args);
      } catch {
        // The request goes with the old token; its 401 says what is wrong.
      }
      return;
    }
    return super.onBeforeRequestConfig(args);
  }

  protected override async refreshToken() {
    const token = this.gate ? await this.gate.run((held) => this.refreshHolding(held)) : await this.refreshAlone();
    this.expiresAt = new Date(this.now().getTime() + token.expiresIn * 1000);
    return token;
  }

  /** Without a gate: this process's refreshes are the only ones it can keep apart. */
  private async refreshAlone() {
    try {
      return await super.refreshToken();
    } catch (error) {
      // Another worker may have refreshed first: X rotated the refresh token and ours is spent.
      // The pair it kept is the one to use.
      const latest = await this.reload?.();
      if (!latest || latest === this.currentRefreshToken) throw error;
      this.currentRefreshToken = latest;
      return super.refreshToken();
    }
  }

  /**
   * Holding the account's lock: a pair another process kept while this one waited is taken as it
   * is (no request to X); otherwise the held token is refreshed and the new pair kept. A refusal
   * while a newer pair is stored is that pair's cue, not a dead account: only a refresh refused
   * with the latest pair fails (and the account then answers 401).
   */
  private async refreshHolding(held: RefreshHeld): Promise<IParsedOAuth2TokenResult> {
    const newer = await held.newer();
    if (newer) {
      const taken = this.take(newer);
      if (taken) return taken;
    }
    let token: IParsedOAuth2TokenResult;
    try {
      token = await this.refreshClient.refreshOAuth2Token(this.currentRefreshToken);
    } catch (error) {
      const stored = await held.newer();
      const taken = stored && this.take(stored);
      if (taken) return taken;
      if (!stored) {
        const latest = await this.reload?.();
        if (!latest || latest === this.currentRefreshToken) throw error;
        this.currentRefreshToken = latest;
      }
      token = await this.refreshClient.refreshOAuth2Token(this.currentRefreshToken);
    }
    await held.keep({ accessToken: token.accessToken, refreshToken: token.refreshToken, expiresAt: new Date(this.now().getTime() + token.expiresIn * 1000) });
    this.currentRefreshToken = token.refreshToken ?? this.currentRefreshToken;
    this.setExpireTimeout(token.expiresIn);
    this.tokenExpired = false;
    return token;
  }

  /**
   * A kept pair as if X had just given it; undefined when its access token is (nearly) expired,
   * and only its refresh token is worth having: it becomes the one to refresh.
   */
  private take(kept: KeptTokens): IParsedOAuth2TokenResult | undefined {
    this.currentRefreshToken = kept.refreshToken;
    const expiresIn = kept.expiresAt ? Math.floor((kept.expiresAt.getTime() - this.now().getTime()) / 1000) : ACCESS_TOKEN_SECONDS;
    if (expiresIn * 1000 <= EARLY_REFRESH_MS) return undefined;
    this.setExpireTimeout(expiresIn);
    this.tokenExpired = false;
    return { client: new TwitterApi(kept.accessToken), accessToken: kept.accessToken, refreshToken: kept.refreshToken, expiresIn, scope: [] };
  }

  override async onResponseError(args: ITwitterApiResponseErrorHookArgs) {
    if (args.error.code !== 401) return undefined;
    return super.onResponseError(args);
  }

  protected override getRefreshTokenPromise() {
    if (this.currentRefreshPromise && this.refreshing) return this.currentRefreshPromise;
    this.refreshing = true;
    this.currentRefreshPromise = this.refreshToken().finally(() => {
      this.refreshing = false;
    });
    return this.currentRefreshPromise;
  }
}

export class XAccount {
  readonly handle: string;
  readonly owner: string;
  readonly auth: 'oauth2' | 'oauth1';
  private readonly client: TwitterApi;
  private readonly retry: RetryPolicy;
  private knownUserId: string | undefined;
  private lookup: Promise<string> | undefined;
  /** Requests sent (each try counts), for benchmarks: calls per completed action. */
  requests = 0;

  constructor(options: AccountOptions) {
    this.handle = options.handle;
    this.owner = options.owner;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.knownUserId = options.userId;
    const plugins = [...(options.plugins ?? [])];
    const counter: ITwitterApiClientPlugin = {
      onBeforeRequestConfig: () => {
        this.requests++;
      },
    };
    plugins.push(counter);
    if (options.oauth1) {
      this.auth = 'oauth1';
      const o = options.oauth1;
      this.client = new TwitterApi({ appKey: o.appKey, appSecret: o.appSecret, accessToken: o.accessToken, accessSecret: o.accessSecret }, { plugins });
      return;
    }
    if (!options.oauth2?.accessToken) throw new Error(`account @${options.handle}: no user token (OAuth2 access token or OAuth 1.0a token and secret)`);
    this.auth = 'oauth2';
    const o = options.oauth2;
    if (o.refreshToken && o.clientId) {
      const now = options.now ?? (() => new Date());
      const refreshClient = new TwitterApi({ clientId: o.clientId, ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}) }, { plugins: options.plugins ?? [] });
      plugins.unshift(
        new RefreshOn401(
          {
            refreshToken: o.refreshToken,
            refreshCredentials: refreshClient,
            onTokenUpdate: async (token: IParsedOAuth2TokenResult) => {
              await options.onTokens?.({ accessToken: token.accessToken, refreshToken: token.refreshToken, expiresAt: new Date(now().getTime() + token.expiresIn * 1000) });
            },
            onTokenRefreshError: (error) => options.onRefreshError?.(error as Error),
          },
          o.expiresAt,
          now,
          options.reloadRefreshToken,
          options.refreshGate,
        ),
      );
    }
    this.client = new TwitterApi(o.accessToken, { plugins });
  }

  /** The account's X user id: known, or looked up once with `users/me` and kept. */
  async userId(signal?: AbortSignal): Promise<string> {
    if (this.knownUserId) return this.knownUserId;
    this.lookup ??= withRetries(`users/me for @${this.handle}`, () => this.client.v2.me(), this.retry, signal ? { signal } : {})
      .then((me) => {
        this.knownUserId = me.data.id;
        return me.data.id;
      })
      .finally(() => {
        this.lookup = undefined;
      });
    return this.lookup;
  }

  /** The id, if known without a request. */
  get cachedUserId(): string | undefined {
    return this.knownUserId;
  }

  /** Likes a post. Idempotent on X: liking a liked post answers `liked: true` again. */
  async like(postId: string, options: WriteOptions = {}): Promise<WriteResult> {
    const me = await this.userId(options.signal);
    return this.write(`like of post ${postId} by @${this.handle}`, `users/${me}/likes`, { tweet_id: postId }, options);
  }

  /** Follows a user. Protected accounts answer `pending_follow: true`. Idempotent on X. */
  async follow(targetUserId: string, options: WriteOptions = {}): Promise<WriteResult> {
    const me = await this.userId(options.signal);
    return this.write(`follow of user ${targetUserId} by @${this.handle}`, `users/${me}/following`, { target_user_id: targetUserId }, options);
  }

  private async write(what: string, path: string, body: Record<string, string>, options: WriteOptions): Promise<WriteResult> {
    const args = { fullResponse: true as const, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) };
    const response = await withRetries(what, () => this.client.v2.post<{ data: Record<string, unknown> }>(path, body, args), this.retry, {
      ...WRITE_RETRY,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.beforeRetry ? { beforeRetry: options.beforeRetry } : {}),
    });
    return { data: response.data.data ?? {}, limits: observedLimits(response.rateLimit) };
  }

  /** Posts mentioning the account, newest first, newer than `sinceId`, with their authors. */
  async *mentions(options: { sinceId?: string | undefined; maxPages?: number; signal?: AbortSignal } = {}): AsyncGenerator<MentionsPage> {
    const me = await this.userId(options.signal);
    let token: string | undefined;
    let pages = 0;
    do {
      options.signal?.throwIfAborted();
      const params: Record<string, string | number> = {
        max_results: 100,
        expansions: 'author_id',
        'tweet.fields': SEARCH_TWEET_FIELDS.join(','),
        'user.fields': SEARCH_USER_FIELDS.join(','),
      };
      if (options.sinceId) params.since_id = options.sinceId;
      if (token) params.pagination_token = token;
      const result = await withRetries(`mentions of @${this.handle}`, () => this.client.v2.get<TweetV2UserTimelineResult>(`users/${me}/mentions`, params), this.retry, options.signal ? { signal: options.signal } : {});
      token = result.meta?.next_token;
      pages++;
      yield {
        posts: (result.data ?? []).map(toXPost),
        users: (result.includes?.users ?? []).map(toXUser),
        newestId: result.meta?.newest_id,
        more: token !== undefined,
      };
    } while (token && pages < (options.maxPages ?? Infinity));
  }

  /**
   * Post ids the account liked, newest like first, a page at a time, at most `maxPages` pages:
   * what settles a like whose answer was lost ("has the account liked that post?") without
   * walking the whole history. `pageSize` is X's `max_results` for this endpoint, 5–100
   * (default 100). Errors come out as XCallError; 5xx and lost connections are retried.
   */
  async *likedPostIds(options: BoundedReadOptions): AsyncGenerator<string[]> {
    const maxPages = boundedPages(options.maxPages);
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 5 || pageSize > 100) throw new RangeError(`likedPostIds: pageSize must be an integer from 5 to 100 (X's max_results), got ${pageSize}`);
    const me = await this.userId(options.signal);
    let token: string | undefined;
    let pages = 0;
    do {
      options.signal?.throwIfAborted();
      // Ids only: no fields or expansions, so a page is as small as X makes it.
      const params: Record<string, string | number> = { max_results: pageSize };
      if (token) params.pagination_token = token;
      const result = await withRetries(`liked posts of @${this.handle}`, () => this.client.v2.get<{ data?: Array<{ id: string }>; meta?: { next_token?: string } }>(`users/${me}/liked_tweets`, params), this.retry, options.signal ? { signal: options.signal } : {});
      token = result.meta?.next_token;
      pages++;
      yield (result.data ?? []).map((post) => post.id);
    } while (token && pages < maxPages);
  }

  /**
   * User ids the account follows, newest follow first, a page at a time, at most `maxPages`
   * pages: what settles a follow whose answer was lost. `pageSize` is X's `max_results`, 1–1000
   * (default 100). Errors come out as XCallError; 5xx and lost connections are retried.
   */
  async *followingIds(options: BoundedReadOptions): AsyncGenerator<string[]> {
    const maxPages = boundedPages(options.maxPages);
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new RangeError(`followingIds: pageSize must be an integer from 1 to 1000 (X's max_results), got ${pageSize}`);
    let pages = 0;
    for await (const page of this.graph('following', { pageSize, ...(options.signal ? { signal: options.signal } : {}) })) {
      yield page.users.map((user) => user.id);
      if (++pages >= maxPages) return;
    }
  }

  /** The account's followers (or the accounts it follows), newest first, a page at a time. */
  async *graph(direction: 'followers' | 'following', options: { pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<UserPage> {
    const me = await this.userId(options.signal);
    let token: string | undefined;
    do {
      options.signal?.throwIfAborted();
      const params: Record<string, string | number> = { max_results: options.pageSize ?? 1000, 'user.fields': SEARCH_USER_FIELDS.join(',') };
      if (token) params.pagination_token = token;
      const result = await withRetries(`${direction} of @${this.handle}`, () => this.client.v2.get<{ data?: UserV2[]; meta?: { next_token?: string } }>(`users/${me}/${direction}`, params), this.retry, options.signal ? { signal: options.signal } : {});
      token = result.meta?.next_token;
      yield { users: (result.data ?? []).map(toXUser), more: token !== undefined };
    } while (token);
  }
}
