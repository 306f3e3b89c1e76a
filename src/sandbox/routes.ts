import { Params, checkPathId, decodeToken, encodeToken } from './params.ts';
import {
  forbidden,
  invalidRequest,
  parameterError,
  resourceNotFound,
  type HttpReply,
  type ParameterError,
} from './problems.ts';
import { QueryError } from '../x/query.ts';
import {
  MEDIA_FIELDS,
  PLACE_FIELDS,
  POLL_FIELDS,
  Renderer,
  TWEET_EXPANSIONS,
  TWEET_FIELDS,
  USER_EXPANSIONS,
  USER_FIELDS,
  type FieldSelection,
} from './render.ts';
import { snowflakeTime } from './ids.ts';
import type { Endpoint } from '../x/tiers.ts';
import type { SandboxPost, SandboxUser } from './types.ts';
import type { SandboxAccount, World } from './world.ts';

/** What a handler gets: the request, who is calling, and the world at this instant. */
export interface RouteContext {
  world: World;
  now: number;
  query: URLSearchParams;
  path: Record<string, string>;
  body: unknown;
  /** The account of a user-context token; undefined for app-only. */
  account: SandboxAccount | undefined;
  accountIndex: number;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  names: string[];
  endpoint: Endpoint;
  /** User context required (writes, `users/me`): app-only tokens get X's 403. */
  userOnly: boolean;
  /** Reads posts: counted against the monthly post-read cap. */
  readsPosts: boolean;
  handle(ctx: RouteContext): HttpReply & { postsRead?: number };
}

const SEVEN_DAYS = 7 * 24 * 3600 * 1000;

const FIELD_PARAMS_TWEETS = ['expansions', 'tweet.fields', 'media.fields', 'poll.fields', 'place.fields', 'user.fields'];
const FIELD_PARAMS_USERS = ['expansions', 'tweet.fields', 'user.fields'];

function tweetSelection(p: Params): FieldSelection {
  p.list('media.fields', MEDIA_FIELDS);
  p.list('poll.fields', POLL_FIELDS);
  p.list('place.fields', PLACE_FIELDS);
  return { tweet: p.list('tweet.fields', TWEET_FIELDS), user: p.list('user.fields', USER_FIELDS), expansions: p.list('expansions', TWEET_EXPANSIONS) };
}

function userSelection(p: Params): FieldSelection {
  return { tweet: p.list('tweet.fields', TWEET_FIELDS), user: p.list('user.fields', USER_FIELDS), expansions: p.list('expansions', USER_EXPANSIONS) };
}

const ok = (body: unknown, postsRead?: number) => ({ status: 200, body, ...(postsRead === undefined ? {} : { postsRead }) });

function fail(p: Params | ParameterError[]): HttpReply {
  return invalidRequest(Array.isArray(p) ? p : p.errors);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');

/**
 * A page of posts, newest first, between exclusive index bounds. Shared by search and the two
 * user timelines: they differ only in their query and their limits.
 */
/** The time and id bounds of a post listing, parsed with the other parameters. */
interface PostWindow {
  sinceId?: string | undefined;
  untilId?: string | undefined;
  start?: number | undefined;
  end?: number | undefined;
  token?: string | undefined;
}

function postWindow(p: Params, tokenParam: 'next_token' | 'pagination_token'): PostWindow {
  return {
    sinceId: p.id('since_id'),
    untilId: p.id('until_id'),
    start: p.time('start_time'),
    end: p.time('end_time'),
    token: p.raw(tokenParam) ?? p.raw('pagination_token'),
  };
}

function postPage(
  ctx: RouteContext,
  p: Params,
  select: FieldSelection,
  opts: { ast: unknown; maxResults: number; window: PostWindow; tokenParam: 'next_token' | 'pagination_token'; context: string; floor: number },
): HttpReply & { postsRead?: number } {
  const { world } = ctx;
  const { sinceId, untilId, start, end, token } = opts.window;
  let above = opts.floor - 1;
  let below = world.posts.length;
  if (sinceId !== undefined) above = Math.max(above, world.firstPostAfterId(sinceId) - 1);
  if (untilId !== undefined) below = Math.min(below, world.firstPostAtOrAfterId(untilId));
  if (start !== undefined) above = Math.max(above, world.firstPostAtOrAfter(start) - 1);
  if (end !== undefined) below = Math.min(below, world.firstPostAtOrAfter(end));
  if (token !== undefined) {
    const position = decodeToken(token, opts.context);
    if (position === undefined) p.fail(opts.tokenParam, token, `The \`${opts.tokenParam}\` query parameter value [${token}] is not valid`);
    else below = Math.min(below, position);
  }
  if (p.errors.length) return fail(p);

  const hits = world.index.search(opts.ast as never, { below, above, limit: opts.maxResults + 1 });
  const page = hits.slice(0, opts.maxResults);
  if (page.length === 0) return ok({ meta: { result_count: 0 } }, 0);
  const render = new Renderer(world, select, { userIndex: ctx.account?.user.index });
  const data = page.map((i) => {
    const post = world.posts[i] as SandboxPost;
    render.primary(post.id);
    return post;
  }).map((post) => render.tweet(post));
  const meta: Record<string, unknown> = {
    newest_id: (world.posts[page[0] as number] as SandboxPost).id,
    oldest_id: (world.posts[page[page.length - 1] as number] as SandboxPost).id,
    result_count: page.length,
  };
  if (hits.length > opts.maxResults) meta.next_token = encodeToken(page[page.length - 1] as number, opts.context);
  const includes = render.includes();
  return ok({ data, ...(includes ? { includes } : {}), meta }, page.length);
}

function search(ctx: RouteContext) {
  const p = new Params(ctx.query, [
    'query', 'start_time', 'end_time', 'since_id', 'until_id', 'max_results', 'next_token', 'pagination_token', 'sort_order',
    ...FIELD_PARAMS_TWEETS,
  ]);
  const query = p.required('query');
  const maxResults = p.integer('max_results', 10, 100, 10);
  const sort = p.raw('sort_order');
  if (sort !== undefined && sort !== 'recency' && sort !== 'relevancy') {
    p.fail('sort_order', sort, `The \`sort_order\` query parameter value [${sort}] is not one of [recency,relevancy]`);
  }
  const select = tweetSelection(p);
  const window = postWindow(p, 'next_token');
  let ast: unknown;
  if (query !== undefined) {
    try {
      ast = ctx.world.index.compile(query);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      p.fail('query', query, error.message);
    }
  }
  // Recent search covers the last seven days: older bounds are refused, as X does.
  const floorTime = ctx.now - SEVEN_DAYS;
  const sinceId = ctx.query.get('since_id');
  if (sinceId && /^\d{1,19}$/.test(sinceId) && snowflakeTime(sinceId) < floorTime) {
    p.fail('since_id', sinceId, `Invalid 'since_id':'${sinceId}'. 'since_id' must be a tweet id created after ${iso(floorTime)}. Please use a 'start_time' for older tweets.`);
  }
  const startTime = ctx.query.get('start_time');
  if (startTime && Date.parse(startTime) < floorTime) {
    p.fail('start_time', startTime, `Invalid 'start_time':'${startTime}'. 'start_time' must be on or after ${iso(floorTime)}`);
  }
  const endTime = ctx.query.get('end_time');
  if (endTime && Date.parse(endTime) > ctx.now - 10_000) {
    p.fail('end_time', endTime, `Invalid 'end_time':'${endTime}'. 'end_time' must be a minimum of 10 seconds prior to the request time.`);
  }
  if (startTime && endTime && Date.parse(startTime) >= Date.parse(endTime)) {
    p.fail('start_time', startTime, `Invalid 'start_time':'${startTime}'. 'start_time' must be before 'end_time':'${endTime}'`);
  }
  if (p.errors.length || ast === undefined) return fail(p);
  return postPage(ctx, p, select, {
    ast,
    maxResults,
    window,
    tokenParam: 'next_token',
    context: `search|${query}`,
    floor: ctx.world.firstPostAtOrAfter(floorTime),
  });
}

/** The user named by `:id` in the path, or a reply saying why not. */
function pathUser(ctx: RouteContext, name = 'id'): SandboxUser | HttpReply {
  const id = ctx.path[name] as string;
  const errors: ParameterError[] = [];
  checkPathId(name, id, errors);
  if (errors.length) return fail(errors);
  const user = ctx.world.userById(id);
  if (!user) return ok({ errors: [resourceNotFound('user', name, id)] });
  return user;
}

const isReply = (x: SandboxUser | HttpReply): x is HttpReply => 'status' in x;

function userTimeline(kind: 'tweets' | 'mentions') {
  return (ctx: RouteContext) => {
    const allowed = ['since_id', 'until_id', 'max_results', 'pagination_token', ...(kind === 'tweets' ? ['exclude'] : []), 'start_time', 'end_time', ...FIELD_PARAMS_TWEETS];
    const p = new Params(ctx.query, allowed);
    const maxResults = p.integer('max_results', 5, 100, 10);
    const exclude = kind === 'tweets' ? p.list('exclude', ['replies', 'retweets']) : new Set<string>();
    const select = tweetSelection(p);
    const window = postWindow(p, 'pagination_token');
    const user = pathUser(ctx);
    if (isReply(user)) return p.errors.length ? fail(p) : user;
    if (p.errors.length) return fail(p);
    if (user.protected && ctx.account?.user.index !== user.index && !ctx.world.isFollowing(ctx.account?.user.index ?? -1, user.index)) {
      return ok({ errors: [notAuthorized(user.id)] });
    }
    const query = kind === 'tweets'
      ? `from:${user.id}${exclude.has('replies') ? ' -is:reply' : ''}${exclude.has('retweets') ? ' -is:retweet' : ''}`
      : `@${user.username}`;
    return postPage(ctx, p, select, { ast: ctx.world.index.compile(query), maxResults, window, tokenParam: 'pagination_token', context: `${kind}|${query}`, floor: 0 });
  };
}

function notAuthorized(id: string) {
  return {
    value: id,
    detail: `Sorry, you are not authorized to see the user with id: [${id}].`,
    title: 'Authorization Error',
    resource_type: 'user',
    parameter: 'id',
    resource_id: id,
    type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
  };
}

function renderUsers(ctx: RouteContext, select: FieldSelection, users: SandboxUser[]) {
  const render = new Renderer(ctx.world, select, { userIndex: ctx.account?.user.index });
  const data = users.map((u) => render.user(u));
  const includes = render.includes();
  return { data, includes };
}

function me(ctx: RouteContext) {
  const p = new Params(ctx.query, FIELD_PARAMS_USERS);
  const select = userSelection(p);
  if (p.errors.length) return fail(p);
  const { data, includes } = renderUsers(ctx, select, [(ctx.account as SandboxAccount).user]);
  return ok({ data: data[0], ...(includes ? { includes } : {}) });
}

function userById(ctx: RouteContext) {
  const p = new Params(ctx.query, FIELD_PARAMS_USERS);
  const select = userSelection(p);
  const user = pathUser(ctx);
  if (p.errors.length) return fail(p);
  if (isReply(user)) return user;
  const { data, includes } = renderUsers(ctx, select, [user]);
  return ok({ data: data[0], ...(includes ? { includes } : {}) });
}

const USERNAME = /^[A-Za-z0-9_]{1,15}$/;

function userByUsername(ctx: RouteContext) {
  const p = new Params(ctx.query, FIELD_PARAMS_USERS);
  const select = userSelection(p);
  const username = ctx.path.username as string;
  if (!USERNAME.test(username)) p.fail('username', username, `The \`username\` query parameter value [${username}] does not match ^[A-Za-z0-9_]{1,15}$`);
  if (p.errors.length) return fail(p);
  const user = ctx.world.userByUsername(username);
  if (!user) return ok({ errors: [resourceNotFound('user', 'username', username)] });
  const { data, includes } = renderUsers(ctx, select, [user]);
  return ok({ data: data[0], ...(includes ? { includes } : {}) });
}

/** `/2/users?ids=` and `/2/users/by?usernames=`: up to 100 users, unknown ones as partial errors. */
function lookupMany(param: 'ids' | 'usernames', pattern: RegExp, find: (world: World, value: string) => SandboxUser | undefined) {
  return (ctx: RouteContext) => {
    const p = new Params(ctx.query, [param, ...FIELD_PARAMS_USERS]);
    const select = userSelection(p);
    const raw = p.required(param);
    const values = raw === undefined ? [] : raw.split(',');
    if (raw !== undefined && values.length > 100) {
      p.fail(param, raw, `The number of values in the \`${param}\` query parameter list [${values.length}] is not between 1 and 100`);
    }
    for (const value of values) {
      if (!pattern.test(value)) p.fail(param, raw as string, `The \`${param}\` query parameter value [${value}] does not match ${pattern.source}`);
    }
    if (p.errors.length) return fail(p);
    const found: SandboxUser[] = [];
    const errors: Record<string, string>[] = [];
    for (const value of values) {
      const user = find(ctx.world, value);
      if (user) found.push(user);
      else errors.push(resourceNotFound('user', param, value));
    }
    const body: Record<string, unknown> = {};
    if (found.length) {
      const { data, includes } = renderUsers(ctx, select, found);
      body.data = data;
      if (includes) body.includes = includes;
    }
    if (errors.length) body.errors = errors;
    return ok(body);
  };
}

/** Where a page paged by position starts: 0, or its `pagination_token`'s (a bad token is an error in `p`). */
function pageOffset(p: Params, context: string): number {
  const token = p.raw('pagination_token');
  if (token === undefined) return 0;
  const position = decodeToken(token, context);
  if (position === undefined) p.fail('pagination_token', token, `The \`pagination_token\` query parameter value [${token}] is not valid`);
  return position ?? 0;
}

/** A protected user's lists are shown only to themselves and their followers. */
function hiddenFrom(ctx: RouteContext, user: SandboxUser): boolean {
  return user.protected && ctx.account?.user.index !== user.index && !ctx.world.isFollowing(ctx.account?.user.index ?? -1, user.index);
}

function graph(kind: 'followers' | 'following') {
  return (ctx: RouteContext) => {
    const p = new Params(ctx.query, ['max_results', 'pagination_token', ...FIELD_PARAMS_USERS]);
    const maxResults = p.integer('max_results', 1, 1000, 100);
    const select = userSelection(p);
    const user = pathUser(ctx);
    if (isReply(user)) return p.errors.length ? fail(p) : user;
    const context = `${kind}|${user.id}`;
    const offset = pageOffset(p, context);
    if (p.errors.length) return fail(p);
    if (hiddenFrom(ctx, user)) return ok({ errors: [notAuthorized(user.id)] });
    const all = kind === 'followers' ? ctx.world.followersOf(user) : ctx.world.followingOf(user);
    const slice = all.slice(offset, offset + maxResults).map((i) => ctx.world.users[i] as SandboxUser);
    const meta: Record<string, unknown> = { result_count: slice.length };
    if (offset + maxResults < all.length) meta.next_token = encodeToken(offset + maxResults, context);
    if (offset > 0) meta.previous_token = encodeToken(Math.max(0, offset - maxResults), context);
    if (!slice.length) return ok({ meta });
    const { data, includes } = renderUsers(ctx, select, slice);
    return ok({ data, ...(includes ? { includes } : {}), meta });
  };
}

/**
 * `GET /2/users/:id/liked_tweets`: the posts a user liked, newest like first (not newest post
 * first: a like given today to an old post comes before yesterday's like of a new one), paged by
 * position in that order. `max_results` 5–100 per X's document (which names no default: 100 here,
 * as for followers and following). A protected user's likes are shown only to themselves and
 * their followers, as their timeline is.
 */
function likedTweets(ctx: RouteContext) {
  const p = new Params(ctx.query, ['max_results', 'pagination_token', ...FIELD_PARAMS_TWEETS]);
  const maxResults = p.integer('max_results', 5, 100, 100);
  const select = tweetSelection(p);
  const user = pathUser(ctx);
  if (isReply(user)) return p.errors.length ? fail(p) : user;
  const context = `liked_tweets|${user.id}`;
  const offset = pageOffset(p, context);
  if (p.errors.length) return fail(p);
  if (hiddenFrom(ctx, user)) return ok({ errors: [notAuthorized(user.id)] });
  const all = ctx.world.likedBy(user);
  const page = all.slice(offset, offset + maxResults).map((i) => ctx.world.posts[i] as SandboxPost);
  const meta: Record<string, unknown> = { result_count: page.length };
  if (offset + maxResults < all.length) meta.next_token = encodeToken(offset + maxResults, context);
  if (offset > 0) meta.previous_token = encodeToken(Math.max(0, offset - maxResults), context);
  if (!page.length) return ok({ meta: { result_count: 0 } }, 0);
  const render = new Renderer(ctx.world, select, { userIndex: ctx.account?.user.index });
  for (const post of page) render.primary(post.id);
  const data = page.map((post) => render.tweet(post));
  const includes = render.includes();
  return ok({ data, ...(includes ? { includes } : {}), meta }, page.length);
}

/** Writes act for the token's user only, as on X. */
function actingAccount(ctx: RouteContext, pathName: string, verb: string): HttpReply | undefined {
  const id = ctx.path[pathName] as string;
  const errors: ParameterError[] = [];
  checkPathId(pathName, id, errors);
  if (errors.length) return fail(errors);
  if (id !== ctx.account?.user.id) return forbidden(`You are not permitted to ${verb} on behalf of this user.`);
  return undefined;
}

function bodyField(ctx: RouteContext, name: string): string | HttpReply {
  const body = ctx.body as Record<string, unknown> | undefined;
  const value = body && typeof body === 'object' ? body[name] : undefined;
  if (value === undefined) return invalidRequest([{ parameters: {}, message: `$.${name}: is missing but it is required` }]);
  if (typeof value !== 'string' || !/^[0-9]{1,19}$/.test(value)) {
    return invalidRequest([parameterError(name, [String(value)], `$.${name}: does not match the regex pattern ^[0-9]{1,19}$`)]);
  }
  return value;
}

function like(ctx: RouteContext) {
  const refused = actingAccount(ctx, 'id', 'like');
  if (refused) return refused;
  const tweetId = bodyField(ctx, 'tweet_id');
  if (typeof tweetId !== 'string') return tweetId;
  const post = ctx.world.postById(tweetId);
  if (!post) return invalidRequest([parameterError('tweet_id', [tweetId], `Could not find Post with id: [${tweetId}].`)]);
  ctx.world.like(ctx.accountIndex, post, ctx.now);
  return ok({ data: { liked: true } });
}

function unlike(ctx: RouteContext) {
  const refused = actingAccount(ctx, 'id', 'unlike');
  if (refused) return refused;
  const errors: ParameterError[] = [];
  checkPathId('tweet_id', ctx.path.tweet_id as string, errors);
  if (errors.length) return fail(errors);
  const post = ctx.world.postById(ctx.path.tweet_id as string);
  if (post) ctx.world.unlike(ctx.accountIndex, post);
  return ok({ data: { liked: false } });
}

function follow(ctx: RouteContext) {
  const refused = actingAccount(ctx, 'id', 'follow');
  if (refused) return refused;
  const targetId = bodyField(ctx, 'target_user_id');
  if (typeof targetId !== 'string') return targetId;
  const target = ctx.world.userById(targetId);
  if (!target) return invalidRequest([parameterError('target_user_id', [targetId], `Could not find user with id: [${targetId}].`)]);
  if (target.id === ctx.account?.user.id) return forbidden('You cannot follow yourself.');
  return ok({ data: ctx.world.follow(ctx.accountIndex, target, ctx.now) });
}

function unfollow(ctx: RouteContext) {
  const refused = actingAccount(ctx, 'source_user_id', 'unfollow');
  if (refused) return refused;
  const errors: ParameterError[] = [];
  checkPathId('target_user_id', ctx.path.target_user_id as string, errors);
  if (errors.length) return fail(errors);
  const target = ctx.world.userById(ctx.path.target_user_id as string);
  if (target) ctx.world.unfollow(ctx.accountIndex, target);
  return ok({ data: { following: false } });
}

function route(
  method: Route['method'],
  path: string,
  endpoint: Endpoint,
  handle: Route['handle'],
  opts: { userOnly?: boolean; readsPosts?: boolean } = {},
): Route {
  const names: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:([a-z_]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  })}$`);
  return { method, pattern, names, endpoint, handle, userOnly: opts.userOnly ?? false, readsPosts: opts.readsPosts ?? false };
}

/** X API v2 endpoints the sandbox serves. Order matters: `/users/by` before `/users/:id`. */
export const ROUTES: Route[] = [
  route('GET', '/2/tweets/search/recent', 'search', search, { readsPosts: true }),
  route('GET', '/2/users/me', 'users.me', me, { userOnly: true }),
  route('GET', '/2/users', 'users.lookup', lookupMany('ids', /^[0-9]{1,19}$/, (w, id) => w.userById(id))),
  route('GET', '/2/users/by', 'users.lookup', lookupMany('usernames', USERNAME, (w, name) => w.userByUsername(name))),
  route('GET', '/2/users/by/username/:username', 'users.lookup', userByUsername),
  route('GET', '/2/users/:id', 'users.lookup', userById),
  route('GET', '/2/users/:id/tweets', 'users.tweets', userTimeline('tweets'), { readsPosts: true }),
  route('GET', '/2/users/:id/mentions', 'users.mentions', userTimeline('mentions'), { readsPosts: true }),
  route('GET', '/2/users/:id/liked_tweets', 'users.liked_tweets', likedTweets, { readsPosts: true }),
  route('GET', '/2/users/:id/followers', 'users.followers', graph('followers')),
  route('GET', '/2/users/:id/following', 'users.following', graph('following')),
  route('POST', '/2/users/:id/likes', 'likes.create', like, { userOnly: true }),
  route('DELETE', '/2/users/:id/likes/:tweet_id', 'likes.delete', unlike, { userOnly: true }),
  route('POST', '/2/users/:id/following', 'follows.create', follow, { userOnly: true }),
  route('DELETE', '/2/users/:source_user_id/following/:target_user_id', 'follows.delete', unfollow, { userOnly: true }),
];

export function matchRoute(method: string, pathname: string): { route: Route; path: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const r of ROUTES) {
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    if (r.method !== method) {
      allowed.push(r.method);
      continue;
    }
    const path: Record<string, string> = {};
    r.names.forEach((name, i) => (path[name] = decodeURIComponent(m[i + 1] as string)));
    return { route: r, path };
  }
  return allowed.length ? { allowed } : undefined;
}
