import { createHash } from 'node:crypto';
import { POPULATION_NOW, composePost, composeReaction, generateUsers, type ReactionStyle } from './population/index.ts';
import { Rng } from './rng.ts';
import { SearchIndex } from './search-index.ts';
import { compareIds, snowflake } from './ids.ts';
import type { PostKind, SandboxPost, SandboxUser } from './types.ts';

/**
 * The sandbox world: a seeded population, a timeline of posts that keeps growing as the clock
 * moves, the follow graph, likes, and people's reactions to the team's accounts.
 *
 * Determinism: the timeline is generated minute by minute, each minute from its own seeded
 * generator, so the same seed gives the same posts however the clock is advanced. Reactions
 * depend on what the accounts did, and are deterministic for the same sequence of actions.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How much history exists before the start instant: recent search's 7 days plus a margin. */
const HISTORY_MS = 7 * DAY + 60 * MINUTE;
/** Replies, quotes and retweets refer to one of this many most recent posts. */
const RECENT_POOL = 4000;

export interface SandboxAccount {
  user: SandboxUser;
  /** The salesperson this account belongs to, as the worker's config names them. */
  owner: string;
  accessToken: string;
  refreshToken: string;
  /** Sandbox-clock instant the access token stops working. */
  accessExpiresAt: number;
  oauth1: { token: string; secret: string };
  scope: string;
}

export interface WorldOptions {
  seed: number;
  users: number;
  /** Sandbox-clock instant the world starts at. */
  start: number;
  /** Access-token lifetime in seconds (X: 2 hours). */
  tokenLifetimeSeconds?: number;
}

const OAUTH2_SCOPE = 'tweet.read users.read follows.read follows.write like.read like.write offline.access';

/** A post before the timeline gives it an index, an id and a time. */
type PostDraft = Omit<SandboxPost, 'index' | 'id' | 'createdAt'>;

/**
 * A post of the timeline. All posts share one hidden class (fields assigned in one order; an
 * object spread gave each post its own and tripled a big world's memory), and the snowflake id
 * string is made on first use: most posts of a million-user world are never read.
 */
class TimelinePost implements SandboxPost {
  readonly index: number;
  readonly createdAt: number;
  private readonly sequence: number;
  private cachedId: string | undefined;
  author: number;
  text: string;
  lang: SandboxPost['lang'];
  kind: SandboxPost['kind'];
  ref: number;
  inReplyToUser: number;
  conversation: number;
  likeCount: number;
  retweetCount: number;
  replyCount: number;
  quoteCount: number;
  impressionCount: number;
  bookmarkCount: number;
  intent: boolean;

  constructor(index: number, createdAt: number, sequence: number, draft: PostDraft) {
    this.index = index;
    this.createdAt = createdAt;
    this.sequence = sequence;
    this.cachedId = undefined;
    this.author = draft.author;
    this.text = draft.text;
    this.lang = draft.lang;
    this.kind = draft.kind;
    this.ref = draft.ref;
    this.inReplyToUser = draft.inReplyToUser;
    this.conversation = draft.conversation >= 0 ? draft.conversation : index;
    this.likeCount = draft.likeCount;
    this.retweetCount = draft.retweetCount;
    this.replyCount = draft.replyCount;
    this.quoteCount = draft.quoteCount;
    this.impressionCount = draft.impressionCount;
    this.bookmarkCount = draft.bookmarkCount;
    this.intent = draft.intent;
  }

  get id(): string {
    return (this.cachedId ??= snowflake(this.createdAt, this.sequence));
  }
}

/** Something that happens later on the sandbox clock because an account acted. */
interface PendingEvent {
  at: number;
  seq: number;
  kind: 'accept_follow' | 'follow_back' | 'like_back' | 'reply' | 'mention' | 'opt_out';
  user: number;
  account: number;
  /** The words of a reply or mention a test dictated (`say`), instead of composed ones. */
  text?: string;
}

/** What the sandbox records of a user's reactions, for ground truth. */
export interface ReactionRecord {
  kind: PendingEvent['kind'];
  account: string;
  at: string;
  /** The post liked back (like_back), or the post written (reply, mention, opt_out). */
  post_id?: string;
  /** For a post written: whether it asks the account to stop, whatever words it uses. */
  asks_to_stop?: boolean;
  /** For a post written: a request to stop, a look-alike of one, an ordinary reply, or a bot's. */
  style?: ReactionStyle;
}

/** Share of requests to stop written as a reply to the account's latest post, not as a mention. */
const OPT_OUT_AS_REPLY = 0.5;

const ACCOUNT_PROFILES = [
  {
    username: 'maya_sells',
    name: 'Maya Chen',
    owner: 'maya',
    lang: 'en' as const,
    description: 'Account Executive @ProspectorDemo · helping growth teams find their people · coffee ☕',
    location: 'London, UK',
  },
  {
    username: 'lucas_ventes',
    name: 'Lucas Martin',
    owner: 'lucas',
    lang: 'fr' as const,
    description: 'Commercial chez ProspectorDemo 🇫🇷 · prospection B2B, SaaS, vélo',
    location: 'Lyon, France',
  },
  {
    username: 'sofia_ventas',
    name: 'Sofía Ruiz',
    owner: 'sofia',
    lang: 'es' as const,
    description: 'Ejecutiva de cuentas en ProspectorDemo · ventas B2B en LATAM y España',
    location: 'Madrid, España',
  },
];

function token(seed: number, ...parts: string[]): string {
  return createHash('sha256').update(`${seed}|${parts.join('|')}`).digest('base64url').slice(0, 40);
}

export class World {
  readonly seed: number;
  readonly users: SandboxUser[];
  readonly posts: SandboxPost[] = [];
  /** The index resolves from:/to: values through the world's maps instead of keeping its own. */
  readonly index = new SearchIndex({
    resolveUser: (value) => {
      const byName = this.byUsername.get(value);
      const byId = this.byId.get(value);
      if (byName === undefined) return byId === undefined ? [] : [byId];
      return byId === undefined || byId === byName ? [byName] : [byName, byId];
    },
  });
  readonly accounts: SandboxAccount[] = [];
  readonly appBearerToken: string;
  readonly oauth2Client: { clientId: string; clientSecret: string };
  readonly oauth1Consumer: { key: string; secret: string };
  readonly tokenLifetimeMs: number;

  private readonly byId = new Map<string, number>();
  private readonly byUsername = new Map<string, number>();
  /** Cumulative posting rate per user (posts per minute), for picking authors. */
  private readonly cumulativeRate: Float64Array;
  private readonly totalRatePerMinute: number;
  /** Posts each user made in the timeline (added to their stored tweet count). */
  private readonly timelinePosts: Int32Array;
  /** First minute not generated yet. */
  private nextMinute: number;
  private readonly events: PendingEvent[] = [];
  private eventSeq = 0;
  /** Follow edges made in the sandbox (user index → user indices, oldest first). */
  private readonly followers = new Map<number, number[]>();
  private readonly following = new Map<number, number[]>();
  private readonly pending = new Map<number, Set<number>>();
  /**
   * Posts each user liked in the sandbox (user index → post indices). A Set keeps insertion order,
   * so it is also the order of the likes, oldest first; a post liked again after an unlike moves
   * to the end, as on X.
   */
  private readonly likes = new Map<number, Set<number>>();
  /** (account, user) pairs that already reacted, so a person reacts at most once per account. */
  private readonly reacted = new Set<string>();
  private readonly reactions = new Map<number, ReactionRecord[]>();
  private readonly refreshTokens = new Map<string, number>();
  private readonly accessTokens = new Map<string, number>();

  constructor(options: WorldOptions) {
    if (!(options.start >= POPULATION_NOW)) {
      // Accounts are created up to that date; an earlier clock would see accounts from its future.
      throw new RangeError(`sandbox clock start ${new Date(options.start).toISOString()} is before ${new Date(POPULATION_NOW).toISOString()}, the earliest the population supports`);
    }
    this.seed = options.seed;
    this.tokenLifetimeMs = (options.tokenLifetimeSeconds ?? 7200) * 1000;
    this.users = generateUsers(options.seed, options.users);
    this.appBearerToken = `sbx-app-${token(options.seed, 'app')}`;
    this.oauth2Client = { clientId: `sbx-client-${token(options.seed, 'client').slice(0, 16)}`, clientSecret: token(options.seed, 'client-secret') };
    this.oauth1Consumer = { key: `sbx-ck-${token(options.seed, 'ck').slice(0, 20)}`, secret: token(options.seed, 'cs') };
    this.addAccounts(options.start);
    for (const user of this.users) {
      this.byId.set(user.id, user.index);
      this.byUsername.set(user.username.toLowerCase(), user.index);
    }
    this.timelinePosts = new Int32Array(this.users.length);
    this.cumulativeRate = new Float64Array(this.users.length);
    let total = 0;
    for (let i = 0; i < this.users.length; i++) {
      total += (this.users[i] as SandboxUser).postsPerDay / (24 * 60);
      this.cumulativeRate[i] = total;
    }
    this.totalRatePerMinute = total;
    this.nextMinute = Math.floor((options.start - HISTORY_MS) / MINUTE);
    this.advanceTo(options.start);
  }

  private addAccounts(start: number): void {
    const rng = new Rng(this.seed, 'accounts');
    ACCOUNT_PROFILES.forEach((profile, i) => {
      const index = this.users.length;
      const createdAt = start - (400 + i * 137) * DAY;
      const user: SandboxUser = {
        index,
        id: String(1_500_000_000_000_000_000n + BigInt(i + 1)),
        username: profile.username,
        name: profile.name,
        description: profile.description,
        location: profile.location,
        url: 'https://prospector.example',
        createdAt,
        protected: false,
        verified: false,
        verifiedType: 'none',
        followersCount: 180 + rng.int(300),
        followingCount: 220 + rng.int(200),
        tweetCount: 300 + rng.int(900),
        listedCount: 3 + rng.int(10),
        likeCount: 800 + rng.int(2000),
        mediaCount: 20 + rng.int(40),
        postsPerDay: 1.5,
        truth: {
          trade: 'sales',
          seniority: 'mid',
          language: profile.lang,
          is_automated: false,
          automation_kind: null,
          b2b_fit: 0,
          propensities: { follow_back: 0, like_back: 0, reply: 0, mention: 0, opt_out: 0 },
        },
      };
      this.users.push(user);
      const account: SandboxAccount = {
        user,
        owner: profile.owner,
        accessToken: `sbx-at-${token(this.seed, 'access', profile.username, '0')}`,
        refreshToken: `sbx-rt-${token(this.seed, 'refresh', profile.username, '0')}`,
        accessExpiresAt: start + this.tokenLifetimeMs,
        oauth1: { token: `${user.id}-${token(this.seed, 'o1', profile.username).slice(0, 24)}`, secret: token(this.seed, 'o1s', profile.username) },
        scope: OAUTH2_SCOPE,
      };
      this.accounts.push(account);
      this.accessTokens.set(account.accessToken, i);
      this.refreshTokens.set(account.refreshToken, i);
    });
  }

  // ---- lookups -------------------------------------------------------------------------------

  userById(id: string): SandboxUser | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.users[i];
  }

  userByUsername(username: string): SandboxUser | undefined {
    const i = this.byUsername.get(username.toLowerCase());
    return i === undefined ? undefined : this.users[i];
  }

  /** Index of the first post for which `before` is false (posts are in id and time order). */
  private firstPostWhere(before: (post: SandboxPost) => boolean): number {
    let lo = 0;
    let hi = this.posts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.posts[mid] as SandboxPost)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first post whose id is greater than `id`. */
  firstPostAfterId(id: string): number {
    return this.firstPostWhere((p) => compareIds(p.id, id) <= 0);
  }

  /** Index of the first post whose id is `id` or greater. */
  firstPostAtOrAfterId(id: string): number {
    return this.firstPostWhere((p) => compareIds(p.id, id) < 0);
  }

  /** Index of the first post created at or after `ms`. */
  firstPostAtOrAfter(ms: number): number {
    return this.firstPostWhere((p) => p.createdAt < ms);
  }

  postById(id: string): SandboxPost | undefined {
    const i = this.firstPostAfterId(id) - 1;
    const post = this.posts[i];
    return post && post.id === id ? post : undefined;
  }

  tweetCount(user: SandboxUser): number {
    return user.tweetCount + (this.timelinePosts[user.index] ?? 0);
  }

  followersCount(user: SandboxUser): number {
    return user.followersCount + (this.followers.get(user.index)?.length ?? 0);
  }

  followingCount(user: SandboxUser): number {
    return user.followingCount + (this.following.get(user.index)?.length ?? 0);
  }

  /** Most recent post by a user, if any in the timeline. */
  latestPostBy(user: SandboxUser): SandboxPost | undefined {
    const hits = this.index.search(this.index.compile(`from:${user.username}`), { below: this.posts.length, above: -1, limit: 1 });
    return hits.length ? this.posts[hits[0] as number] : undefined;
  }

  // ---- tokens --------------------------------------------------------------------------------

  accountByAccessToken(accessToken: string, now: number): { account: SandboxAccount; expired: boolean } | undefined {
    const i = this.accessTokens.get(accessToken);
    if (i === undefined) return undefined;
    const account = this.accounts[i] as SandboxAccount;
    return { account, expired: account.accessToken !== accessToken || now >= account.accessExpiresAt };
  }

  accountByOAuth1Token(oauthToken: string): SandboxAccount | undefined {
    return this.accounts.find((a) => a.oauth1.token === oauthToken);
  }

  /** OAuth2 refresh with rotation: the old refresh token stops working, as on X. */
  refresh(refreshToken: string, now: number): SandboxAccount | undefined {
    const i = this.refreshTokens.get(refreshToken);
    if (i === undefined) return undefined;
    const account = this.accounts[i] as SandboxAccount;
    this.refreshTokens.delete(refreshToken);
    this.accessTokens.delete(account.accessToken);
    const generation = String(now);
    account.accessToken = `sbx-at-${token(this.seed, 'access', account.user.username, generation)}`;
    account.refreshToken = `sbx-rt-${token(this.seed, 'refresh', account.user.username, generation)}`;
    account.accessExpiresAt = now + this.tokenLifetimeMs;
    this.accessTokens.set(account.accessToken, i);
    this.refreshTokens.set(account.refreshToken, i);
    return account;
  }

  /** Makes an account's access token expire now (fault injection: a token that dies mid-run). */
  expireAccessToken(username: string, now: number): boolean {
    const account = this.accounts.find((a) => a.user.username === username);
    if (!account) return false;
    account.accessExpiresAt = now;
    return true;
  }

  isAccount(userIndex: number): number {
    return this.accounts.findIndex((a) => a.user.index === userIndex);
  }

  // ---- the graph -----------------------------------------------------------------------------

  /**
   * Followers, newest first: edges made in the sandbox, then the seeded ones that stand for the
   * user's audience before the sandbox started (at most `user.followersCount`, capped at 1,000).
   */
  followersOf(user: SandboxUser): number[] {
    return this.edges(user, this.followers, 'followers', user.followersCount);
  }

  /** The users a user follows, newest follow first (as X lists them), then the seeded ones. */
  followingOf(user: SandboxUser): number[] {
    return this.edges(user, this.following, 'following', user.followingCount);
  }

  private edges(user: SandboxUser, made: Map<number, number[]>, label: string, seededCount: number): number[] {
    const recent = [...(made.get(user.index) ?? [])].reverse();
    const seen = new Set(recent);
    const population = this.users.length - this.accounts.length;
    const want = Math.min(seededCount, 1000, population - 1);
    const rng = new Rng(this.seed, label, user.index);
    const seeded: number[] = [];
    for (let tries = 0; seeded.length < want && tries < want * 3; tries++) {
      const other = rng.int(population);
      if (other === user.index || seen.has(other)) continue;
      seen.add(other);
      seeded.push(other);
    }
    return recent.concat(seeded);
  }

  isFollowing(source: number, target: number): boolean {
    return this.following.get(source)?.includes(target) ?? false;
  }

  isPending(source: number, target: number): boolean {
    return this.pending.get(source)?.has(target) ?? false;
  }

  hasLiked(user: number, post: number): boolean {
    return this.likes.get(user)?.has(post) ?? false;
  }

  /** The posts a user liked, newest like first (what `GET /2/users/:id/liked_tweets` lists). */
  likedBy(user: SandboxUser): number[] {
    return [...(this.likes.get(user.index) ?? [])].reverse();
  }

  /** An account likes a post. Idempotent, as on X. Returns whether it was new. */
  like(accountIndex: number, post: SandboxPost, now: number): boolean {
    const account = (this.accounts[accountIndex] as SandboxAccount).user;
    let set = this.likes.get(account.index);
    if (!set) this.likes.set(account.index, (set = new Set()));
    if (set.has(post.index)) return false;
    set.add(post.index);
    post.likeCount++;
    this.onEngaged(accountIndex, post.author, now);
    return true;
  }

  unlike(accountIndex: number, post: SandboxPost): boolean {
    const account = (this.accounts[accountIndex] as SandboxAccount).user;
    const set = this.likes.get(account.index);
    if (!set?.delete(post.index)) return false;
    post.likeCount = Math.max(0, post.likeCount - 1);
    return true;
  }

  /** An account follows a user; protected users get a pending request. Idempotent. */
  follow(accountIndex: number, target: SandboxUser, now: number): { following: boolean; pending_follow: boolean } {
    const source = (this.accounts[accountIndex] as SandboxAccount).user.index;
    if (this.isFollowing(source, target.index)) return { following: true, pending_follow: false };
    if (this.isPending(source, target.index)) return { following: false, pending_follow: true };
    if (target.protected) {
      let set = this.pending.get(source);
      if (!set) this.pending.set(source, (set = new Set()));
      set.add(target.index);
      const rng = new Rng(this.seed, 'accept', source, target.index);
      const acceptChance = target.truth.is_automated ? 0.2 : 0.35 + 0.5 * target.truth.b2b_fit;
      if (rng.chance(acceptChance)) this.schedule(now + this.delay(rng, 45 * MINUTE), 'accept_follow', target.index, accountIndex);
      this.onEngaged(accountIndex, target.index, now);
      return { following: false, pending_follow: true };
    }
    this.addEdge(source, target.index);
    this.onEngaged(accountIndex, target.index, now);
    this.maybeFollowBack(accountIndex, target.index, now);
    return { following: true, pending_follow: false };
  }

  unfollow(accountIndex: number, target: SandboxUser): boolean {
    const source = (this.accounts[accountIndex] as SandboxAccount).user.index;
    const wasPending = this.pending.get(source)?.delete(target.index) ?? false;
    const list = this.following.get(source);
    const at = list?.indexOf(target.index) ?? -1;
    if (list && at >= 0) {
      list.splice(at, 1);
      const back = this.followers.get(target.index);
      const j = back?.indexOf(source) ?? -1;
      if (back && j >= 0) back.splice(j, 1);
      return true;
    }
    return wasPending;
  }

  private addEdge(source: number, target: number): void {
    let out = this.following.get(source);
    if (!out) this.following.set(source, (out = []));
    if (out.includes(target)) return;
    out.push(target);
    let back = this.followers.get(target);
    if (!back) this.followers.set(target, (back = []));
    back.push(source);
  }

  // ---- behaviour -----------------------------------------------------------------------------

  /** Delay before a reaction: log-normal around `median`, at least one minute. */
  private delay(rng: Rng, median: number): number {
    return Math.max(MINUTE, Math.round(rng.logNormal(Math.log(median), 1)));
  }

  private schedule(at: number, kind: PendingEvent['kind'], user: number, account: number, text?: string): void {
    const event: PendingEvent = { at, seq: this.eventSeq++, kind, user, account, ...(text === undefined ? {} : { text }) };
    // Few events are pending at once; keep them sorted by time with an insertion.
    let i = this.events.length;
    while (i > 0 && (this.events[i - 1] as PendingEvent).at > at) i--;
    this.events.splice(i, 0, event);
  }

  private maybeFollowBack(accountIndex: number, userIndex: number, now: number): void {
    const user = this.users[userIndex] as SandboxUser;
    const rng = new Rng(this.seed, 'follow_back', accountIndex, userIndex);
    if (rng.chance(user.truth.propensities.follow_back)) {
      this.schedule(now + this.delay(rng, 3 * 60 * MINUTE), 'follow_back', userIndex, accountIndex);
    }
  }

  /** A person noticed an account's like or follow: they may react, once per account. */
  private onEngaged(accountIndex: number, userIndex: number, now: number): void {
    const key = `${accountIndex}:${userIndex}`;
    if (this.reacted.has(key)) return;
    this.reacted.add(key);
    const user = this.users[userIndex] as SandboxUser;
    const p = user.truth.propensities;
    const rng = new Rng(this.seed, 'react', accountIndex, userIndex);
    if (rng.chance(p.opt_out)) {
      this.schedule(now + this.delay(rng, 2 * 60 * MINUTE), 'opt_out', userIndex, accountIndex);
      return;
    }
    if (rng.chance(p.like_back)) this.schedule(now + this.delay(rng, 90 * MINUTE), 'like_back', userIndex, accountIndex);
    if (rng.chance(p.reply)) this.schedule(now + this.delay(rng, 5 * 60 * MINUTE), 'reply', userIndex, accountIndex);
    else if (rng.chance(p.mention)) this.schedule(now + this.delay(rng, 8 * 60 * MINUTE), 'mention', userIndex, accountIndex);
  }

  /**
   * Sandbox only: `user` replies to (to the account's latest post) or mentions an account with
   * these words at `at` on the sandbox clock, as if they had reacted; the account's handle is put
   * first unless the text names it. Like any reaction, the post is made when the clock passes that
   * minute, and ground truth lists it.
   */
  say(user: SandboxUser, accountIndex: number, kind: 'reply' | 'mention', text: string, at: number): void {
    const handle = (this.accounts[accountIndex] as SandboxAccount).user.username;
    const named = new RegExp(`(^|[^A-Za-z0-9_])@${handle}(?![A-Za-z0-9_])`, 'i').test(text);
    this.schedule(at, kind, user.index, accountIndex, named ? text : `@${handle} ${text}`);
  }

  reactionsOf(user: SandboxUser): ReactionRecord[] {
    return this.reactions.get(user.index) ?? [];
  }

  /** Pending reactions (ground truth: what will happen if the clock moves on). */
  pendingReactionsOf(user: SandboxUser): Array<{ kind: string; account: string; at: string }> {
    return this.events
      .filter((e) => e.user === user.index)
      .map((e) => ({ kind: e.kind, account: (this.accounts[e.account] as SandboxAccount).user.username, at: new Date(e.at).toISOString() }));
  }

  /** Applies one event; returns the post it produced, if any, for the timeline to append, and its record. */
  private fire(event: PendingEvent): { post?: PostDraft; record: ReactionRecord } {
    const account = this.accounts[event.account] as SandboxAccount;
    const user = this.users[event.user] as SandboxUser;
    const record: ReactionRecord = { kind: event.kind, account: account.user.username, at: new Date(event.at).toISOString() };
    let list = this.reactions.get(user.index);
    if (!list) this.reactions.set(user.index, (list = []));
    list.push(record);
    const rng = new Rng(this.seed, 'fire', event.seq, event.kind);
    switch (event.kind) {
      case 'accept_follow': {
        if (!this.pending.get(account.user.index)?.delete(user.index)) return { record };
        this.addEdge(account.user.index, user.index);
        this.maybeFollowBack(event.account, user.index, event.at);
        return { record };
      }
      case 'follow_back':
        this.addEdge(user.index, account.user.index);
        return { record };
      case 'like_back': {
        const target = this.latestPostBy(account.user);
        if (target) {
          let set = this.likes.get(user.index);
          if (!set) this.likes.set(user.index, (set = new Set()));
          set.add(target.index);
          target.likeCount++;
          record.post_id = target.id;
        }
        return { record };
      }
      case 'reply':
      case 'mention':
      case 'opt_out': {
        const asReply = event.kind === 'reply' || (event.kind === 'opt_out' && rng.chance(OPT_OUT_AS_REPLY));
        const replyTo = asReply ? this.latestPostBy(account.user) : undefined;
        // Words given through /__sandbox/say carry no truth: the test that wrote them knows it.
        const reaction = event.text === undefined ? composeReaction(rng, user, account.user, event.kind) : undefined;
        if (reaction) {
          record.asks_to_stop = reaction.asks_to_stop;
          record.style = reaction.style;
        }
        return {
          record,
          post: {
            author: user.index,
            text: event.text ?? (reaction as { text: string }).text,
            lang: user.truth.language,
            kind: replyTo ? 'reply' : 'original',
            ref: replyTo ? replyTo.index : -1,
            inReplyToUser: replyTo ? account.user.index : -1,
            conversation: replyTo ? replyTo.conversation : -1,
            likeCount: 0,
            retweetCount: 0,
            replyCount: 0,
            quoteCount: 0,
            impressionCount: rng.int(40),
            bookmarkCount: 0,
            intent: false,
          },
        };
      }
    }
  }

  // ---- the timeline --------------------------------------------------------------------------

  /** Generates every whole minute before `now`: new posts, and reactions that fell due. */
  advanceTo(now: number): void {
    const lastWholeMinute = Math.floor(now / MINUTE);
    for (; this.nextMinute < lastWholeMinute; this.nextMinute++) this.generateMinute(this.nextMinute);
  }

  private pickAuthor(rng: Rng): number {
    const r = rng.next() * this.totalRatePerMinute;
    let lo = 0;
    let hi = this.cumulativeRate.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulativeRate[mid] as number) <= r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private generateMinute(minute: number): void {
    const start = minute * MINUTE;
    const rng = new Rng(this.seed, 'minute', minute);
    const count = rng.poisson(this.totalRatePerMinute);
    // Times first, sorted, then the posts in time order; no per-post closures or drafts, since
    // a million-user world makes millions of these.
    const times = new Float64Array(count);
    for (let i = 0; i < count; i++) times[i] = start + rng.int(MINUTE);
    times.sort();
    const due: PendingEvent[] = [];
    while (this.events.length && (this.events[0] as PendingEvent).at < start + MINUTE) due.push(this.events.shift() as PendingEvent);

    let lastMs = -1;
    let sequence = 0;
    let e = 0;
    for (let i = 0; i <= count; i++) {
      const at = i < count ? (times[i] as number) : Infinity;
      // Reactions that fall due before this organic post (or after the last one) go first.
      for (; e < due.length && Math.max((due[e] as PendingEvent).at, start) < at; e++) {
        const event = due[e] as PendingEvent;
        const when = Math.max(event.at, start);
        const { post: draft, record } = this.fire(event);
        if (!draft) continue;
        sequence = when === lastMs ? sequence + 1 : 0;
        lastMs = when;
        record.post_id = this.append(when, sequence, draft).id;
      }
      if (i === count) break;
      sequence = at === lastMs ? sequence + 1 : 0;
      lastMs = at;
      this.append(at, sequence, this.organicPost(rng));
    }
  }


  private append(at: number, sequence: number, body: PostDraft): TimelinePost {
    const index = this.posts.length;
    const post = new TimelinePost(index, at, sequence, body);
    this.posts.push(post);
    this.timelinePosts[post.author] = (this.timelinePosts[post.author] ?? 0) + 1;
    if (post.ref >= 0) {
      const ref = this.posts[post.ref] as SandboxPost;
      if (post.kind === 'reply') ref.replyCount++;
      else if (post.kind === 'quote') ref.quoteCount++;
      else if (post.kind === 'retweet') ref.retweetCount++;
    }
    const author = this.users[post.author] as SandboxUser;
    const replyTo = post.inReplyToUser >= 0 ? (this.users[post.inReplyToUser] as SandboxUser) : undefined;
    this.index.add(post, {
      authorUsername: author.username,
      authorId: author.id,
      authorVerified: author.verified,
      ...(replyTo ? { inReplyToUsername: replyTo.username, inReplyToUserId: replyTo.id } : {}),
    });
    return post;
  }

  private organicPost(rng: Rng): PostDraft {
    const authorIndex = this.pickAuthor(rng);
    const author = this.users[authorIndex] as SandboxUser;
    const recent = this.posts.length;
    const roll = rng.next();
    let kind: PostKind = 'original';
    if (recent > 50) {
      if (author.truth.is_automated) kind = roll < 0.3 ? 'retweet' : roll < 0.35 ? 'reply' : 'original';
      else kind = roll < 0.16 ? 'reply' : roll < 0.21 ? 'quote' : roll < 0.31 ? 'retweet' : 'original';
    }
    let ref: SandboxPost | undefined;
    if (kind !== 'original') {
      ref = this.posts[recent - 1 - rng.int(Math.min(RECENT_POOL, recent))] as SandboxPost;
      // Retweeting a retweet on X retweets the original.
      while (ref.kind === 'retweet' && ref.ref >= 0) ref = this.posts[ref.ref] as SandboxPost;
      if (ref.author === authorIndex || (this.users[ref.author] as SandboxUser).protected) {
        kind = 'original';
        ref = undefined;
      }
    }
    const target = ref ? (this.users[ref.author] as SandboxUser) : undefined;
    const reach = Math.max(1, author.followersCount);
    const metrics = {
      likeCount: rng.poisson(Math.min(500, reach * 0.01 * rng.logNormal(0, 1))),
      retweetCount: rng.poisson(Math.min(80, reach * 0.001)),
      replyCount: 0,
      quoteCount: 0,
      impressionCount: Math.round(reach * 0.1 * rng.logNormal(0, 1)) + rng.int(20),
      bookmarkCount: rng.poisson(Math.min(30, reach * 0.0005)),
    };
    if (kind === 'retweet' && ref && target) {
      const text = `RT @${target.username}: ${ref.text}`;
      return {
        author: authorIndex,
        text: text.length > 280 ? `${text.slice(0, 279)}…` : text,
        lang: ref.lang,
        kind,
        ref: ref.index,
        inReplyToUser: -1,
        conversation: -1,
        ...metrics,
        likeCount: 0,
        retweetCount: 0,
        intent: false,
      };
    }
    const composed = composePost(rng, author, { kind: kind === 'retweet' ? 'original' : kind, ...(target ? { target } : {}) });
    const text = kind === 'reply' && target ? `@${target.username} ${composed.text}` : composed.text;
    return {
      author: authorIndex,
      text,
      lang: composed.lang,
      kind,
      ref: ref ? ref.index : -1,
      inReplyToUser: kind === 'reply' && target ? target.index : -1,
      conversation: kind === 'reply' && ref ? ref.conversation : -1,
      ...metrics,
      intent: composed.intent,
    };
  }
}
