/**
 * The sandbox's recent-search index: answers a parsed query with post indices, newest first, in
 * well under a millisecond on millions of posts.
 *
 * - Postings: one ascending list of post slots per term (keyword token, `#tag`, `@user`,
 *   `$cash`). A term's first 4 slots live inline in one shared Int32Array; longer lists get
 *   their own Int32Array. Most terms are rare (mentions, hashtags), so most cost 20 bytes.
 * - Users: from:, to: and retweets_of: follow per-user chains (each post links to the previous
 *   post of the same author, reply target, retweeted author) instead of postings.
 * - Per post: a flag byte (kind, verified, has links/mentions/hashtags/cashtags), the retweeted
 *   author and the chains, about 21 bytes; text is read from the post itself when a phrase has to
 *   be checked, not stored twice.
 *
 * A search builds a cursor over the positive, selective parts of the query (AND intersects by
 * leapfrogging, OR unions, negations and is:/has:/lang: generate nothing) and walks it from the
 * top, each step landing on the largest candidate below the previous one; each candidate is then
 * checked against the whole query. Conjunction-required operators are always ANDed with a
 * selective term (the parser refuses anything else), so the walk never scans everything unless a
 * query asks for a rare property of a common word.
 *
 * `matches(ast, postFeatures(...))` is the same semantics on one post, without an index: tests
 * compare the two on random queries.
 */
import type { CompiledQuery, QueryNode } from '../x/query.ts';
import { containsPhrase, containsSequence, foldTag } from '../x/query-text.ts';
import { QueryCache } from './query-cache.ts';
import { extractEntityValues, postTokens, searchText, urlTokens } from './text.ts';
import type { PostKind, SandboxPost } from './types.ts';

export interface PostContext {
  authorUsername: string;
  authorId: string;
  authorVerified: boolean;
  inReplyToUsername?: string;
  inReplyToUserId?: string;
}

export interface SearchOptions {
  /** Exclusive upper bound on post indices (e.g. the index of until_id, or world size). */
  below: number;
  /** Exclusive lower bound on post indices (e.g. the index of since_id, or -1). */
  above: number;
  limit: number;
}

export interface SearchIndexOptions {
  /**
   * Resolves a from:/to:/retweets_of: value (lower-case username or numeric id) to user indices.
   * Given, the index keeps no username/id maps of its own (saves ~120 MB at a million users);
   * otherwise it learns names and ids from the contexts passed to `add`.
   */
  resolveUser?: (value: string) => readonly number[];
}

const F_RETWEET = 1;
const F_REPLY = 2;
const F_QUOTE = 4;
const F_VERIFIED = 8;
const F_LINKS = 16;
const F_MENTIONS = 32;
const F_HASHTAGS = 64;
const F_CASHTAGS = 128;

const KIND_FLAG: Record<PostKind, number> = { original: 0, retweet: F_RETWEET, reply: F_REPLY, quote: F_QUOTE };

/** Postings kept inline per term before a term gets its own array. */
const SMALL = 4;

function grownInt32(a: Int32Array<ArrayBuffer>, min: number, fill?: number): Int32Array<ArrayBuffer> {
  if (min <= a.length) return a;
  const b = new Int32Array(Math.max(min, Math.ceil(a.length * 1.5), 1024));
  b.set(a);
  if (fill !== undefined) b.fill(fill, a.length);
  return b;
}

function grownUint8(a: Uint8Array<ArrayBuffer>, min: number): Uint8Array<ArrayBuffer> {
  if (min <= a.length) return a;
  const b = new Uint8Array(Math.max(min, Math.ceil(a.length * 1.5), 1024));
  b.set(a);
  return b;
}

/** Decimal id strings compare as numbers: shorter is smaller, then lexicographic. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Cursors: each returns the largest member below a bound; bounds only ever decrease.

interface Cursor {
  /** Largest member < bound, or -1. Calls must pass non-increasing bounds. */
  next(bound: number): number;
  /** Rough number of members, to lead an intersection with the rarest list. */
  readonly cost: number;
}

class PostingCursor implements Cursor {
  private hi: number;

  constructor(
    private readonly arr: Int32Array,
    private readonly base: number,
    len: number,
  ) {
    this.hi = len;
  }

  get cost(): number {
    return this.hi;
  }

  next(bound: number): number {
    const { arr, base } = this;
    let r = this.hi - 1;
    if (r < 0) return -1;
    if ((arr[base + r] as number) < bound) return arr[base + r] as number;
    // Gallop down from the top: the bound usually moves a little at a time.
    let step = 1;
    let l = r - step;
    while (l >= 0 && (arr[base + l] as number) >= bound) {
      r = l;
      step *= 2;
      l = r - step;
    }
    if (l < 0) l = -1;
    // Invariant: arr[l] < bound (or l = -1), arr[r] >= bound.
    while (r - l > 1) {
      const m = (l + r) >> 1;
      if ((arr[base + m] as number) < bound) l = m;
      else r = m;
    }
    this.hi = l + 1;
    return l < 0 ? -1 : (arr[base + l] as number);
  }

  has(slot: number): boolean {
    return this.next(slot + 1) === slot;
  }
}

/** A linked list through posts, newest first (`prev[slot]` is the previous member). */
class ChainCursor implements Cursor {
  readonly cost = 64;

  constructor(
    private readonly prev: Int32Array,
    private cur: number,
  ) {}

  next(bound: number): number {
    let c = this.cur;
    while (c >= bound) c = this.prev[c] as number;
    this.cur = c;
    return c;
  }
}

/** Every slot from `lo` up. */
class RangeCursor implements Cursor {
  constructor(
    private readonly lo: number,
    readonly cost: number,
  ) {}

  next(bound: number): number {
    const s = bound - 1;
    return s >= this.lo ? s : -1;
  }
}

const EMPTY: Cursor = { next: () => -1, cost: 0 };

class AndCursor implements Cursor {
  private readonly children: Cursor[];
  readonly cost: number;

  constructor(children: Cursor[]) {
    this.children = [...children].sort((a, b) => a.cost - b.cost);
    this.cost = this.children[0]?.cost ?? 0;
  }

  next(bound: number): number {
    const c = this.children;
    const lead = c[0] as Cursor;
    let t = lead.next(bound);
    outer: while (t >= 0) {
      for (let i = 1; i < c.length; i++) {
        const x = (c[i] as Cursor).next(t + 1);
        if (x !== t) {
          if (x < 0) return -1;
          t = lead.next(x + 1);
          continue outer;
        }
      }
      return t;
    }
    return -1;
  }
}

class OrCursor implements Cursor {
  readonly cost: number;

  constructor(private readonly children: Cursor[]) {
    this.cost = children.reduce((sum, c) => sum + c.cost, 0);
  }

  next(bound: number): number {
    let best = -1;
    for (const c of this.children) {
      const x = c.next(bound);
      if (x > best) best = x;
    }
    return best;
  }
}

// ---------------------------------------------------------------------------------------------
// The index

type Verifier = (slot: number) => boolean;
const ALWAYS: Verifier = () => true;
const NEVER: Verifier = () => false;

/** Leaves whose candidate cursor is exact: a candidate from them needs no second check. */
function isExactLeaf(node: QueryNode): boolean {
  return (
    (node.type === 'keyword' && node.tokens.length === 1) ||
    node.type === 'hashtag' ||
    node.type === 'mention' ||
    node.type === 'cashtag' ||
    node.type === 'user'
  );
}

export class SearchIndex {
  private count = 0;
  /** slot → post index (ascending). */
  private slotIndex = new Int32Array(1024);
  private readonly posts: SandboxPost[] = [];
  private flags = new Uint8Array(1024);
  /** slot → user index of the retweeted post's author, -1 when not a retweet or unknown. */
  private refAuthor = new Int32Array(1024);
  private prevByAuthor = new Int32Array(1024);
  private prevByReplyTo = new Int32Array(1024);
  private prevByRefAuthor = new Int32Array(1024);
  /** user index → newest slot, -1 when none. */
  private lastByAuthor = new Int32Array(1024).fill(-1);
  private lastByReplyTo = new Int32Array(1024).fill(-1);
  private lastByRefAuthor = new Int32Array(1024).fill(-1);

  private readonly terms = new Map<string, number>();
  private termCount = 0;
  private termLen = new Int32Array(1024);
  private small = new Int32Array(1024 * SMALL);
  private readonly big: Array<Int32Array | undefined> = [];

  private readonly resolveUserOption: ((value: string) => readonly number[]) | undefined;
  /** user index → username and id as first seen (for `features`). */
  private readonly nameOfUser: Array<string | undefined> = [];
  private readonly idOfUser: Array<string | undefined> = [];
  private readonly userByName = new Map<string, number>();
  private readonly userById = new Map<string, number>();
  private readonly queries = new QueryCache(1000);

  constructor(options: SearchIndexOptions = {}) {
    this.resolveUserOption = options.resolveUser;
  }

  /**
   * Parses a query through a cache of the last 1,000 distinct queries (the worker repeats its
   * persona queries). Throws QueryError with X's message when X would refuse the query.
   */
  compile(query: string): CompiledQuery {
    return this.queries.compile(query);
  }

  /** Number of posts indexed. */
  get size(): number {
    return this.count;
  }

  /** Number of distinct terms (keyword tokens and entities). */
  get termsCount(): number {
    return this.termCount;
  }

  /** Indexes one post; posts must come in ascending `index` order. */
  add(post: SandboxPost, ctx: PostContext): void {
    const slot = this.count;
    if (slot > 0 && post.index <= (this.slotIndex[slot - 1] as number)) {
      throw new Error(`search index: post ${post.index} added after post ${this.slotIndex[slot - 1]}; posts must come in ascending index order`);
    }
    this.ensureSlots(slot + 1);
    this.slotIndex[slot] = post.index;
    this.posts.push(post);
    this.count = slot + 1;

    const entities = extractEntityValues(post.text);
    let flags = KIND_FLAG[post.kind];
    if (ctx.authorVerified) flags |= F_VERIFIED;
    if (entities.urls.length > 0) flags |= F_LINKS;
    if (entities.mentions.length > 0) flags |= F_MENTIONS;
    if (entities.hashtags.length > 0) flags |= F_HASHTAGS;
    if (entities.cashtags.length > 0) flags |= F_CASHTAGS;
    this.flags[slot] = flags;

    for (const token of postTokens(post.text)) this.addPosting(this.termId(token), slot);
    for (const h of entities.hashtags) this.addPosting(this.termId('#' + foldTag(h.tag)), slot);
    for (const m of entities.mentions) this.addPosting(this.termId('@' + m.username.toLowerCase()), slot);
    for (const c of entities.cashtags) this.addPosting(this.termId('$' + c.tag.toLowerCase()), slot);

    this.ensureUsers(post.author + 1);
    this.prevByAuthor[slot] = this.lastByAuthor[post.author] as number;
    this.lastByAuthor[post.author] = slot;
    this.learnUser(post.author, ctx.authorUsername, ctx.authorId);

    this.prevByReplyTo[slot] = -1;
    if (post.inReplyToUser >= 0) {
      this.ensureUsers(post.inReplyToUser + 1);
      this.prevByReplyTo[slot] = this.lastByReplyTo[post.inReplyToUser] as number;
      this.lastByReplyTo[post.inReplyToUser] = slot;
      this.learnUser(post.inReplyToUser, ctx.inReplyToUsername, ctx.inReplyToUserId);
    }

    this.refAuthor[slot] = -1;
    this.prevByRefAuthor[slot] = -1;
    if (post.kind === 'retweet' && post.ref >= 0) {
      const refSlot = this.slotOf(post.ref);
      const author = refSlot >= 0 ? (this.posts[refSlot] as SandboxPost).author : -1;
      if (author >= 0) {
        this.refAuthor[slot] = author;
        this.prevByRefAuthor[slot] = this.lastByRefAuthor[author] as number;
        this.lastByRefAuthor[author] = slot;
      }
    }
  }

  /**
   * Post indices matching the query, newest first: `above < index < below`, at most `limit`.
   */
  search(query: QueryNode | CompiledQuery, opts: SearchOptions): number[] {
    const ast = 'ast' in query ? query.ast : query;
    const out: number[] = [];
    if (opts.limit <= 0) return out;
    const hi = this.lowerBound(opts.below);
    const lo = this.lowerBound(Math.floor(opts.above) + 1);
    if (hi <= lo) return out;
    const plan = new Plan(this, ast);
    let bound = hi;
    while (out.length < opts.limit) {
      const s = plan.cursor.next(bound);
      if (s < lo) break;
      if (plan.verify(s)) out.push(this.slotIndex[s] as number);
      bound = s;
    }
    return out;
  }

  /** What the index knows about one post, as `matches` reads it; undefined when not indexed. */
  features(index: number): PostFeatures | undefined {
    const slot = this.slotOf(index);
    if (slot < 0) return undefined;
    const post = this.posts[slot] as SandboxPost;
    const flags = this.flags[slot] as number;
    const names = (user: number): { username: string; id: string } | undefined => {
      if (user < 0) return undefined;
      return { username: this.nameOfUser[user] ?? '', id: this.idOfUser[user] ?? '' };
    };
    const ref = post.ref >= 0 ? this.posts[this.slotOf(post.ref)] : undefined;
    const conversation = this.posts[this.slotOf(post.conversation)];
    return postFeatures(
      post,
      {
        authorUsername: names(post.author)?.username ?? '',
        authorId: names(post.author)?.id ?? '',
        authorVerified: (flags & F_VERIFIED) !== 0,
        inReplyToUsername: names(post.inReplyToUser)?.username,
        inReplyToUserId: names(post.inReplyToUser)?.id,
      },
      {
        refPostId: ref?.id,
        conversationId: conversation?.id,
        retweetedUsername: names(this.refAuthor[slot] as number)?.username,
        retweetedUserId: names(this.refAuthor[slot] as number)?.id,
      },
    );
  }

  // -- internals used by Plan -------------------------------------------------------------

  /** @internal */
  postingCursor(term: string): PostingCursor | undefined {
    const id = this.terms.get(term);
    if (id === undefined) return undefined;
    const len = this.termLen[id] as number;
    if (len <= SMALL) return new PostingCursor(this.small, id * SMALL, len);
    return new PostingCursor(this.big[id] as Int32Array, 0, len);
  }

  /** @internal */
  userChain(field: 'from' | 'to' | 'retweets_of', user: number): Cursor {
    const last = field === 'from' ? this.lastByAuthor : field === 'to' ? this.lastByReplyTo : this.lastByRefAuthor;
    const prev = field === 'from' ? this.prevByAuthor : field === 'to' ? this.prevByReplyTo : this.prevByRefAuthor;
    const start = user < last.length ? (last[user] as number) : -1;
    return start < 0 ? EMPTY : new ChainCursor(prev, start);
  }

  /** @internal User indices a from:/to:/retweets_of: value names (username or id). */
  resolveUser(value: string): readonly number[] {
    if (this.resolveUserOption) return this.resolveUserOption(value);
    const byName = this.userByName.get(value);
    const byId = this.userById.get(value);
    if (byName === undefined) return byId === undefined ? [] : [byId];
    return byId === undefined || byId === byName ? [byName] : [byName, byId];
  }

  /** @internal */
  post(slot: number): SandboxPost {
    return this.posts[slot] as SandboxPost;
  }

  /** @internal */
  flagsOf(slot: number): number {
    return this.flags[slot] as number;
  }

  /** @internal */
  refAuthorOf(slot: number): number {
    return this.refAuthor[slot] as number;
  }

  /** @internal Slot of the post with this X id, -1 when not indexed. */
  slotOfId(id: string): number {
    let l = 0;
    let r = this.count;
    while (l < r) {
      const m = (l + r) >> 1;
      if (compareIds((this.posts[m] as SandboxPost).id, id) < 0) l = m + 1;
      else r = m;
    }
    return l < this.count && (this.posts[l] as SandboxPost).id === id ? l : -1;
  }

  /** @internal Slot of the post with this index, -1 when not indexed. */
  slotOf(index: number): number {
    const s = this.lowerBound(index);
    return s < this.count && this.slotIndex[s] === index ? s : -1;
  }

  /** @internal */
  indexOfSlot(slot: number): number {
    return this.slotIndex[slot] as number;
  }

  /** First slot whose post index is >= index. */
  private lowerBound(index: number): number {
    let l = 0;
    let r = this.count;
    // Fast path: indices are usually contiguous from the first one.
    if (r > 0) {
      const guess = index - (this.slotIndex[0] as number);
      if (guess <= 0) return 0;
      if (guess >= r) {
        if ((this.slotIndex[r - 1] as number) < index) return r;
      } else if (this.slotIndex[guess] === index && (guess === 0 || (this.slotIndex[guess - 1] as number) < index)) {
        return guess;
      }
    }
    while (l < r) {
      const m = (l + r) >> 1;
      if ((this.slotIndex[m] as number) < index) l = m + 1;
      else r = m;
    }
    return l;
  }

  private termId(term: string): number {
    let id = this.terms.get(term);
    if (id === undefined) {
      id = this.termCount++;
      this.terms.set(term, id);
      if (id >= this.termLen.length) {
        this.termLen = grownInt32(this.termLen, id + 1);
        this.small = grownInt32(this.small, this.termLen.length * SMALL);
      }
      this.big.push(undefined);
    }
    return id;
  }

  private addPosting(id: number, slot: number): void {
    const len = this.termLen[id] as number;
    if (len < SMALL) {
      const at = id * SMALL;
      if (len > 0 && this.small[at + len - 1] === slot) return; // token repeated in this post
      this.small[at + len] = slot;
    } else {
      let arr = this.big[id];
      if (arr === undefined) {
        arr = new Int32Array(16);
        arr.set(this.small.subarray(id * SMALL, id * SMALL + SMALL));
        this.big[id] = arr;
      }
      if (arr[len - 1] === slot) return;
      if (len === arr.length) {
        const grown = new Int32Array(Math.ceil(len * 1.5));
        grown.set(arr);
        arr = grown;
        this.big[id] = arr;
      }
      arr[len] = slot;
    }
    this.termLen[id] = len + 1;
  }

  private ensureSlots(n: number): void {
    if (n <= this.slotIndex.length) return;
    this.slotIndex = grownInt32(this.slotIndex, n);
    this.flags = grownUint8(this.flags, n);
    this.refAuthor = grownInt32(this.refAuthor, n);
    this.prevByAuthor = grownInt32(this.prevByAuthor, n);
    this.prevByReplyTo = grownInt32(this.prevByReplyTo, n);
    this.prevByRefAuthor = grownInt32(this.prevByRefAuthor, n);
  }

  private ensureUsers(n: number): void {
    if (n <= this.lastByAuthor.length) return;
    this.lastByAuthor = grownInt32(this.lastByAuthor, n, -1);
    this.lastByReplyTo = grownInt32(this.lastByReplyTo, n, -1);
    this.lastByRefAuthor = grownInt32(this.lastByRefAuthor, n, -1);
  }

  private learnUser(user: number, username: string | undefined, id: string | undefined): void {
    if (this.nameOfUser[user] !== undefined || username === undefined) return;
    while (this.nameOfUser.length < user) {
      this.nameOfUser.push(undefined);
      this.idOfUser.push(undefined);
    }
    this.nameOfUser[user] = username;
    this.idOfUser[user] = id;
    if (this.resolveUserOption) return;
    this.userByName.set(username.toLowerCase(), user);
    if (id !== undefined) this.userById.set(id, user);
  }
}

// ---------------------------------------------------------------------------------------------
// Query plans

class Plan {
  readonly cursor: Cursor;
  readonly verify: Verifier;
  private readonly implied = new Set<QueryNode>();
  private textSlot = -1;
  private textCache = '';

  constructor(
    private readonly index: SearchIndex,
    ast: QueryNode,
  ) {
    this.cursor = this.candidates(ast, true) ?? new RangeCursor(0, index.size);
    this.verify = this.verifier(ast);
  }

  /** Candidate cursor for a node; null means "every post" (nothing selective to go on). */
  private candidates(node: QueryNode, top: boolean): Cursor | null {
    const idx = this.index;
    let cursor: Cursor | null;
    switch (node.type) {
      case 'and': {
        const parts: Cursor[] = [];
        for (const child of node.children) {
          const c = this.candidates(child, top);
          if (c === EMPTY) return EMPTY;
          if (c !== null) parts.push(c);
        }
        return parts.length === 0 ? null : parts.length === 1 ? (parts[0] as Cursor) : new AndCursor(parts);
      }
      case 'or': {
        const parts: Cursor[] = [];
        for (const child of node.children) {
          const c = this.candidates(child, false);
          if (c === null) return null;
          if (c !== EMPTY) parts.push(c);
        }
        return parts.length === 0 ? EMPTY : parts.length === 1 ? (parts[0] as Cursor) : new OrCursor(parts);
      }
      case 'keyword':
      case 'phrase':
        cursor = this.termsCursor(node.tokens);
        break;
      case 'hashtag':
        cursor = idx.postingCursor('#' + node.tag) ?? EMPTY;
        break;
      case 'mention':
        cursor = idx.postingCursor('@' + node.username) ?? EMPTY;
        break;
      case 'cashtag':
        cursor = idx.postingCursor('$' + node.symbol) ?? EMPTY;
        break;
      case 'user': {
        const chains = idx.resolveUser(node.value).map((u) => idx.userChain(node.field, u)).filter((c) => c !== EMPTY);
        cursor = chains.length === 0 ? EMPTY : chains.length === 1 ? (chains[0] as Cursor) : new OrCursor(chains);
        break;
      }
      case 'post_ref': {
        const target = idx.slotOfId(node.id);
        if (target < 0) return EMPTY;
        // A conversation starts with its root; replies, quotes and retweets come after the post.
        const lo = node.field === 'conversation_id' ? target : target + 1;
        return new RangeCursor(lo, idx.size - lo);
      }
      case 'inert':
        return EMPTY;
      default:
        // not, url, lang, is, has: nothing selective (url: paths are not indexed).
        return null;
    }
    if (top && cursor !== EMPTY && isExactLeaf(node)) this.implied.add(node);
    return cursor;
  }

  private termsCursor(tokens: readonly string[]): Cursor {
    if (tokens.length === 0) return EMPTY;
    const parts: Cursor[] = [];
    for (const t of tokens) {
      const c = this.index.postingCursor(t);
      if (c === undefined) return EMPTY;
      parts.push(c);
    }
    return parts.length === 1 ? (parts[0] as Cursor) : new AndCursor(parts);
  }

  /** The candidate's folded text, shared by the phrases of one query. */
  private textOf(slot: number): string {
    if (this.textSlot !== slot) {
      this.textSlot = slot;
      this.textCache = searchText(this.index.post(slot).text);
    }
    return this.textCache;
  }

  private probe(term: string): Verifier {
    const c = this.index.postingCursor(term);
    return c === undefined ? NEVER : (slot) => c.has(slot);
  }

  private flag(bit: number): Verifier {
    const idx = this.index;
    return (slot) => (idx.flagsOf(slot) & bit) !== 0;
  }

  /** A function checking the whole node on one candidate. */
  private verifier(node: QueryNode): Verifier {
    if (this.implied.has(node)) return ALWAYS;
    const idx = this.index;
    switch (node.type) {
      case 'and': {
        const parts = node.children.map((c) => this.verifier(c)).filter((f) => f !== ALWAYS);
        if (parts.includes(NEVER)) return NEVER;
        if (parts.length === 0) return ALWAYS;
        if (parts.length === 1) return parts[0] as Verifier;
        return (slot) => {
          for (const f of parts) if (!f(slot)) return false;
          return true;
        };
      }
      case 'or': {
        const parts = node.children.map((c) => this.verifier(c)).filter((f) => f !== NEVER);
        if (parts.includes(ALWAYS)) return ALWAYS;
        if (parts.length === 0) return NEVER;
        return (slot) => {
          for (const f of parts) if (f(slot)) return true;
          return false;
        };
      }
      case 'not': {
        const inner = this.verifier(node.child);
        return (slot) => !inner(slot);
      }
      case 'keyword':
      case 'phrase': {
        const tokens = node.tokens;
        if (tokens.length === 0) return NEVER;
        const probes = tokens.map((t) => this.probe(t));
        if (probes.includes(NEVER)) return NEVER;
        if (tokens.length === 1) return probes[0] as Verifier;
        return (slot) => {
          for (const p of probes) if (!p(slot)) return false;
          return containsPhrase(this.textOf(slot), tokens);
        };
      }
      case 'hashtag':
        return this.probe('#' + node.tag);
      case 'mention':
        return this.probe('@' + node.username);
      case 'cashtag':
        return this.probe('$' + node.symbol);
      case 'user': {
        const users = idx.resolveUser(node.value);
        if (users.length === 0) return NEVER;
        const a = users[0] as number;
        const b = users[1] ?? a;
        if (node.field === 'from') {
          return (slot) => {
            const u = idx.post(slot).author;
            return u === a || u === b;
          };
        }
        if (node.field === 'to') {
          return (slot) => {
            const u = idx.post(slot).inReplyToUser;
            return u === a || u === b;
          };
        }
        return (slot) => {
          const u = idx.refAuthorOf(slot);
          return u >= 0 && (u === a || u === b);
        };
      }
      case 'url': {
        const tokens = node.tokens;
        if (tokens.length === 0) return NEVER;
        return (slot) =>
          (idx.flagsOf(slot) & F_LINKS) !== 0 && urlTokens(idx.post(slot).text).some((u) => containsSequence(u, tokens));
      }
      case 'post_ref': {
        const target = idx.slotOfId(node.id);
        if (target < 0) return NEVER;
        const targetIndex = idx.indexOfSlot(target);
        if (node.field === 'conversation_id') return (slot) => idx.post(slot).conversation === targetIndex;
        const kind: PostKind =
          node.field === 'in_reply_to_tweet_id' ? 'reply' : node.field === 'retweets_of_tweet_id' ? 'retweet' : 'quote';
        return (slot) => {
          const p = idx.post(slot);
          return p.kind === kind && p.ref === targetIndex;
        };
      }
      case 'lang': {
        const lang = node.lang;
        return (slot) => idx.post(slot).lang === lang;
      }
      case 'is':
        switch (node.flag) {
          case 'retweet':
            return this.flag(F_RETWEET);
          case 'reply':
            return this.flag(F_REPLY);
          case 'quote':
            return this.flag(F_QUOTE);
          case 'verified':
            return this.flag(F_VERIFIED);
          default:
            return NEVER; // nullcast: the sandbox has no promoted-only posts
        }
      case 'has':
        switch (node.flag) {
          case 'links':
            return this.flag(F_LINKS);
          case 'mentions':
            return this.flag(F_MENTIONS);
          case 'hashtags':
            return this.flag(F_HASHTAGS);
          case 'cashtags':
            return this.flag(F_CASHTAGS);
          default:
            return NEVER; // media, images, videos, geo: sandbox posts carry none
        }
      case 'inert':
        return NEVER;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One post without an index

/** Everything a query can ask about one post. Names are lower case; sets hold folded forms. */
export interface PostFeatures {
  index: number;
  id: string;
  kind: PostKind;
  lang: string;
  /** Keyword tokens in order (folded). */
  tokens: readonly string[];
  tokenSet: ReadonlySet<string>;
  hashtags: ReadonlySet<string>;
  mentions: ReadonlySet<string>;
  cashtags: ReadonlySet<string>;
  /** Tokens of each URL, whole URL. */
  urls: ReadonlyArray<readonly string[]>;
  verified: boolean;
  author: { username: string; id: string };
  inReplyTo: { username?: string; id?: string } | undefined;
  /** Author of the retweeted post (retweets only). */
  retweetOf: { username?: string; id?: string } | undefined;
  /** Id of the replied-to, quoted or retweeted post. */
  refPostId: string | undefined;
  conversationId: string | undefined;
}

export interface PostRefs {
  refPostId?: string | undefined;
  conversationId?: string | undefined;
  retweetedUsername?: string | undefined;
  retweetedUserId?: string | undefined;
}

export function postFeatures(post: SandboxPost, ctx: PostContext, refs: PostRefs = {}): PostFeatures {
  const entities = extractEntityValues(post.text);
  const tokens = postTokens(post.text);
  const lower = (s: string | undefined): string | undefined => s?.toLowerCase();
  return {
    index: post.index,
    id: post.id,
    kind: post.kind,
    lang: post.lang,
    tokens,
    tokenSet: new Set(tokens),
    hashtags: new Set(entities.hashtags.map((h) => foldTag(h.tag))),
    mentions: new Set(entities.mentions.map((m) => m.username.toLowerCase())),
    cashtags: new Set(entities.cashtags.map((c) => c.tag.toLowerCase())),
    urls: urlTokens(post.text),
    verified: ctx.authorVerified,
    author: { username: ctx.authorUsername.toLowerCase(), id: ctx.authorId },
    inReplyTo:
      post.inReplyToUser >= 0 ? { username: lower(ctx.inReplyToUsername), id: ctx.inReplyToUserId } : undefined,
    retweetOf:
      post.kind === 'retweet' && (refs.retweetedUsername !== undefined || refs.retweetedUserId !== undefined)
        ? { username: lower(refs.retweetedUsername), id: refs.retweetedUserId }
        : undefined,
    refPostId: refs.refPostId,
    conversationId: refs.conversationId,
  };
}

function sameUser(value: string, who: { username?: string; id?: string } | undefined): boolean {
  return who !== undefined && (who.username === value || who.id === value);
}

/** Whether one post matches a query: the reference semantics the index must agree with. */
export function matches(query: QueryNode | CompiledQuery, f: PostFeatures): boolean {
  const node = 'ast' in query ? query.ast : query;
  switch (node.type) {
    case 'and':
      return node.children.every((c) => matches(c, f));
    case 'or':
      return node.children.some((c) => matches(c, f));
    case 'not':
      return !matches(node.child, f);
    case 'keyword':
    case 'phrase':
      if (node.tokens.length === 1) return f.tokenSet.has(node.tokens[0] as string);
      return containsSequence(f.tokens, node.tokens);
    case 'hashtag':
      return f.hashtags.has(node.tag);
    case 'mention':
      return f.mentions.has(node.username);
    case 'cashtag':
      return f.cashtags.has(node.symbol);
    case 'user':
      if (node.field === 'from') return sameUser(node.value, f.author);
      if (node.field === 'to') return sameUser(node.value, f.inReplyTo);
      return f.kind === 'retweet' && sameUser(node.value, f.retweetOf);
    case 'url':
      return node.tokens.length > 0 && f.urls.some((u) => containsSequence(u, node.tokens));
    case 'post_ref':
      if (node.field === 'conversation_id') return f.conversationId === node.id;
      if (node.field === 'in_reply_to_tweet_id') return f.kind === 'reply' && f.refPostId === node.id;
      if (node.field === 'retweets_of_tweet_id') return f.kind === 'retweet' && f.refPostId === node.id;
      return f.kind === 'quote' && f.refPostId === node.id;
    case 'lang':
      return f.lang === node.lang;
    case 'is':
      switch (node.flag) {
        case 'retweet':
          return f.kind === 'retweet';
        case 'reply':
          return f.kind === 'reply';
        case 'quote':
          return f.kind === 'quote';
        case 'verified':
          return f.verified;
        default:
          return false;
      }
    case 'has':
      switch (node.flag) {
        case 'links':
          return f.urls.length > 0;
        case 'mentions':
          return f.mentions.size > 0;
        case 'hashtags':
          return f.hashtags.size > 0;
        case 'cashtags':
          return f.cashtags.size > 0;
        default:
          return false;
      }
    case 'inert':
      return false;
  }
}
