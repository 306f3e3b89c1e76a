import type { TwitterApi, TweetV2, Tweetv2SearchResult, UserV2, UsersV2Result } from 'twitter-api-v2';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './errors.ts';
import { PAY_PER_USE_USD } from './tiers.ts';

/**
 * Reading X: recent search, page by page, with the fields scoring needs and a meter of what
 * was read. Pages are yielded as they arrive so the caller stores them and forgets them: a search
 * never holds more than one page.
 */

export const SEARCH_USER_FIELDS = [
  'created_at', 'description', 'location', 'url', 'verified', 'protected', 'public_metrics',
] as const;
export const SEARCH_TWEET_FIELDS = [
  'author_id', 'created_at', 'lang', 'public_metrics', 'referenced_tweets', 'conversation_id', 'in_reply_to_user_id',
] as const;

/** A user as the product stores it: X v2 fields, flattened. */
export interface XUser {
  id: string;
  username: string;
  name: string;
  description: string;
  location: string | undefined;
  url: string | undefined;
  created_at: string | undefined;
  verified: boolean;
  protected: boolean;
  followers_count: number;
  following_count: number;
  tweet_count: number;
  listed_count: number;
  like_count: number | undefined;
}

export interface XPost {
  id: string;
  author_id: string;
  text: string;
  lang: string | undefined;
  created_at: string | undefined;
  kind: 'original' | 'reply' | 'quote' | 'retweet';
  referenced_id: string | undefined;
  like_count: number;
  reply_count: number;
  retweet_count: number;
  quote_count: number;
}

export interface SearchPage {
  posts: XPost[];
  /** The posts' authors X sent with them (`expansions=author_id`); empty when not asked for. */
  users: XUser[];
  /** `meta.newest_id` of this page. */
  newestId: string | undefined;
  oldestId: string | undefined;
  /** Whether X has older results for this query. */
  more: boolean;
}

export interface ReadCount {
  requests: number;
  posts: number;
  users: number;
}

/** Estimated cost of reads at pay-per-use prices (X deduplicates charges within a UTC day; this does not). */
export function readCostUsd(count: Pick<ReadCount, 'posts' | 'users'>): number {
  return count.posts * PAY_PER_USE_USD.postRead + count.users * PAY_PER_USE_USD.userRead;
}

export function toXUser(u: UserV2): XUser {
  const m = u.public_metrics;
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    description: u.description ?? '',
    location: u.location,
    url: u.url || undefined,
    created_at: u.created_at,
    verified: u.verified ?? false,
    protected: u.protected ?? false,
    followers_count: m?.followers_count ?? 0,
    following_count: m?.following_count ?? 0,
    tweet_count: m?.tweet_count ?? 0,
    listed_count: m?.listed_count ?? 0,
    like_count: (m as { like_count?: number } | undefined)?.like_count,
  };
}

export function toXPost(t: TweetV2): XPost {
  const ref = t.referenced_tweets?.[0];
  const kind = !ref ? 'original' : ref.type === 'replied_to' ? 'reply' : ref.type === 'quoted' ? 'quote' : 'retweet';
  return {
    id: t.id,
    author_id: t.author_id ?? '',
    text: t.text,
    lang: t.lang,
    created_at: t.created_at,
    kind,
    referenced_id: ref?.id,
    like_count: t.public_metrics?.like_count ?? 0,
    reply_count: t.public_metrics?.reply_count ?? 0,
    retweet_count: t.public_metrics?.retweet_count ?? 0,
    quote_count: t.public_metrics?.quote_count ?? 0,
  };
}

/** X's post ids are snowflakes: the creation time is in their high bits. */
export function snowflakeTime(id: string): Date {
  return new Date(Number(BigInt(id) >> 22n) + 1288834974657);
}

/**
 * How far inside X's 7-day edge a start_time stays: a request takes time to reach X, pages of one
 * walk are sent minutes apart, and X's clock may run ahead of ours. A minute was refused in practice.
 */
export const SEARCH_EDGE_MARGIN_MS = 10 * 60_000;

/** Recent search reaches 7 days back; a cursor older than this (less the margin) must become a start_time. */
export function searchHorizon(now: Date): Date {
  return new Date(now.getTime() - 7 * 86_400_000 + SEARCH_EDGE_MARGIN_MS);
}

export interface SearchOptions {
  /** Only posts newer than this id (the stored cursor). */
  sinceId?: string | undefined;
  /** Only posts older than this id (resuming a walk that stopped part-way). */
  untilId?: string | undefined;
  /** Only posts from this instant on (when a since_id would be older than X's 7-day window). */
  startTime?: Date | undefined;
  /** Stop before reading more posts than this. */
  maxPosts?: number;
  signal?: AbortSignal;
  /** How 5xx answers and lost connections are retried (reads are safe to send again). */
  retry?: RetryPolicy;
  /**
   * Ask X for the posts' authors with each page (`expansions=author_id`, default true). Each
   * author sent is billed as a user read; without it, pages carry `author_id` only and the caller
   * looks up the authors it does not know yet (`lookupUsers`).
   */
  expandAuthors?: boolean;
}

/**
 * Recent search, newest first, one page (≤ 100 posts with their authors) at a time. Stops when
 * X has no more, when `maxPosts` would be exceeded, or when `signal` aborts.
 */
export async function* searchRecent(client: TwitterApi, query: string, options: SearchOptions = {}): AsyncGenerator<SearchPage> {
  let nextToken: string | undefined;
  let read = 0;
  const budget = options.maxPosts ?? Infinity;
  do {
    options.signal?.throwIfAborted();
    const pageSize = Math.max(10, Math.min(100, budget - read));
    if (budget - read < 10) return;
    const params: Record<string, string | number> = { query, max_results: pageSize, 'tweet.fields': SEARCH_TWEET_FIELDS.join(',') };
    if (options.expandAuthors ?? true) {
      params.expansions = 'author_id';
      params['user.fields'] = SEARCH_USER_FIELDS.join(',');
    }
    if (options.sinceId) params.since_id = options.sinceId;
    if (options.untilId) params.until_id = options.untilId;
    if (options.startTime) params.start_time = options.startTime.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (nextToken) params.next_token = nextToken;
    const result = await withRetries(`search "${query.slice(0, 60)}"`, () => client.v2.get<Tweetv2SearchResult>('tweets/search/recent', params), options.retry ?? DEFAULT_RETRY, options.signal ? { signal: options.signal } : {});
    const posts = (result.data ?? []).map(toXPost);
    read += posts.length;
    nextToken = result.meta?.next_token;
    yield {
      posts,
      users: (result.includes?.users ?? []).map(toXUser),
      newestId: result.meta?.newest_id,
      oldestId: result.meta?.oldest_id,
      more: nextToken !== undefined,
    };
  } while (nextToken);
}

/** X's `GET /2/users?ids=` takes at most this many ids a request. */
export const USER_LOOKUP_MAX_IDS = 100;

export interface UserLookup {
  /** The users X returned, with the same fields as search's author expansion. */
  users: XUser[];
  /** Ids X did not return (deleted, suspended, or not found): partial errors in its answer. */
  missing: string[];
  /** Requests sent (one per 100 ids). */
  requests: number;
}

/**
 * Users by id, `USER_LOOKUP_MAX_IDS` a request, with the fields search's author expansion asks for
 * (`SEARCH_USER_FIELDS`): what a search page without `expansions=author_id` needs to store its
 * authors. Ids are looked up once each, in the order given.
 */
export async function lookupUsers(client: TwitterApi, ids: Iterable<string>, options: { signal?: AbortSignal; retry?: RetryPolicy } = {}): Promise<UserLookup> {
  const unique = [...new Set(ids)];
  const found: XUser[] = [];
  let requests = 0;
  for (let i = 0; i < unique.length; i += USER_LOOKUP_MAX_IDS) {
    options.signal?.throwIfAborted();
    const batch = unique.slice(i, i + USER_LOOKUP_MAX_IDS);
    const params = { ids: batch.join(','), 'user.fields': SEARCH_USER_FIELDS.join(',') };
    const result = await withRetries(`look up ${batch.length} users`, () => client.v2.get<UsersV2Result>('users', params), options.retry ?? DEFAULT_RETRY, options.signal ? { signal: options.signal } : {});
    requests++;
    for (const u of result.data ?? []) found.push(toXUser(u));
  }
  const returned = new Set(found.map((u) => u.id));
  return { users: found, missing: unique.filter((id) => !returned.has(id)), requests };
}
