import { addReads, clearRefusal, getCursor, readsToday, recordRefusal, setCursor } from '../db/search.ts';
import { XCallError } from '../src/x/errors.ts';
import type { Database } from '../db/client.ts';
import { matchPosts } from '../db/matches.ts';
import { knownPostIds, recentProspects, storeSearchBatch, type PostInput, type ProspectInput } from '../db/prospects.ts';
import type { XDoor } from '../src/x/door.ts';
import { readCostUsd, searchHorizon, snowflakeTime, type SearchPage, type XPost, type XUser } from '../src/x/reads.ts';
import { joinLines, personasOf, utcDay, type JobContext, type JobResult } from './context.ts';

/**
 * search: for each persona and each of its queries, reads X's recent search for posts newer than
 * the query's stored `since_id`, page by page, until X has no more or the persona's read budget
 * for the day is spent. Authors become prospects, their posts are stored, and each author becomes
 * a match of the persona (scored later by `score`). Every page read is metered.
 *
 * Pay for an author once: X bills each author it sends as a user read (twice a post read), and the
 * same people post day after day. So search asks X for the posts only, and looks up (100 ids a
 * request) just the authors that are not stored with a profile read within the persona's
 * `search.author_refresh_days`, nor bought earlier in the run. With `author_refresh_days: 0` every
 * author would be bought anyway, and X's author expansion brings them without the extra requests.
 *
 * Never read twice: the cursor moves to the newest post once a query's walk completes. When the
 * budget stops a walk part-way, the cursor keeps where the unread gap is (`until_id` and the
 * newest id seen), and the next run reads the gap before anything newer.
 *
 * A query X refuses (400: a bound past its 7-day window, a query it cannot parse) is that query's
 * problem: what it read is kept, its cursor stays where it was and records X's reason (cleared by
 * the next search of it that goes through), the reason goes into the summary and the log, and the
 * other queries and personas are searched as usual.
 */
export default async function search(ctx: JobContext): Promise<JobResult> {
  const counts = { personas: 0, queries: 0, pages: 0, posts: 0, new_posts: 0, new_prospects: 0, users: 0, user_lookups: 0, known_authors: 0, budget_stops: 0, rate_limited: 0, refused: 0 };
  let limited: XCallError | undefined;
  const refusals: Refusal[] = [];
  const lines: Array<[string, string]> = [];
  const day = utcDay(ctx.now());
  const xNow = await worldTime(ctx);

  const ours = new Set(ctx.config.worker.accounts.map((a) => a.handle.toLowerCase()));
  const authors = new Authors(ctx.db, ctx.x, ctx.signal);
  for (const persona of personasOf(ctx)) {
    counts.personas++;
    const mine = { pages: 0, posts: 0, newPosts: 0, newProspects: 0, costUsd: 0 };
    const used = await readsToday(ctx.db, persona.id, day);
    let budget = persona.search.max_posts_per_day - used.posts;
    const refreshDays = persona.search.author_refresh_days;
    const expandAuthors = refreshDays === 0;
    const profilesSince = new Date(ctx.now().getTime() - refreshDays * 86_400_000);

    for (const query of persona.search.queries) {
      if (budget < 10) {
        counts.budget_stops++;
        ctx.log.info({ persona: persona.id, query, budget: persona.search.max_posts_per_day }, 'read budget for today is spent');
        break;
      }
      counts.queries++;
      const cursor = await getCursor(ctx.db, persona.id, query);
      // Recent search reaches 7 days back and refuses an older since_id: a cursor that aged past
      // it (a quiet query) becomes a start_time, and a gap that aged past it cannot be read anymore.
      const horizon = searchHorizon(latest(ctx.now(), xNow));
      const tooOld = (id: string | null | undefined) => id !== null && id !== undefined && snowflakeTime(id) < horizon;
      const lostGap = cursor?.untilId != null && tooOld(cursor.untilId);
      // A gap left by an interrupted walk is read first, between the old cursor and the oldest post read.
      const gap = cursor?.untilId !== undefined && cursor.untilId !== null && !lostGap;
      const sinceId = lostGap ? (cursor?.pendingNewestId ?? cursor?.sinceId) : cursor?.sinceId;
      let newest = gap ? (cursor?.pendingNewestId ?? undefined) : undefined;
      let oldest: string | undefined;
      let more = false;
      let users = 0;
      let lookups = 0;
      let cost = 0;
      const writer = new BatchWriter(async (batch) => {
        // What this batch read, metered with it: search pages and user lookups are both requests.
        const read = { posts: batch.posts.length, users, requests: batch.pages + lookups, costUsd: cost };
        users = 0;
        lookups = 0;
        cost = 0;
        if (ctx.dryRun) {
          const known = await knownPostIds(ctx.db, batch.posts.map((p) => p.id));
          mine.newPosts += batch.posts.filter((p) => !known.has(p.id)).length;
          return;
        }
        const stored = await storeBatch(ctx.db, persona.id, batch, ctx.now(), ours);
        mine.newProspects += stored.newProspects;
        mine.newPosts += stored.newPosts;
        await addReads(ctx.db, { persona: persona.id, day, ...read });
      });
      const pages = ctx.x.search(query, {
        sinceId: tooOld(sinceId) ? undefined : (sinceId ?? undefined),
        startTime: tooOld(sinceId) ? horizon : undefined,
        untilId: gap ? (cursor?.untilId ?? undefined) : undefined,
        maxPosts: budget,
        signal: ctx.signal,
        expandAuthors,
      });
      try {
        for await (const page of pages) {
          // Authors not sent with the page: the unknown and stale ones are looked up, the others are
          // stored already. Before the cursor takes the page: a lookup stopped by X leaves it unread.
          const found = expandAuthors ? { users: page.users, known: new Map<string, string>(), requests: 0 } : await authors.resolve(page.posts, profilesSince);
          newest ??= page.newestId;
          oldest = page.oldestId ?? oldest;
          more = page.more;
          budget -= page.posts.length;
          const pageCost = readCostUsd({ posts: page.posts.length, users: found.users.length });
          users += found.users.length;
          lookups += found.requests;
          cost += pageCost;
          mine.pages++;
          mine.posts += page.posts.length;
          mine.costUsd += pageCost;
          counts.users += found.users.length;
          counts.user_lookups += found.requests;
          counts.known_authors += found.known.size;
          await writer.add({ ...page, users: found.users }, found.known);
          ctx.progress?.(`search ${persona.id}: ${mine.posts} posts read, ${mine.newProspects} new prospects`);
        }
      } catch (error) {
        if (error instanceof XCallError && error.kind === 'invalid') {
          // X refused this query: keep what was read, leave the cursor for the next run, go on.
          const refusal = { persona: persona.id, query, reason: refusalReason(error) };
          refusals.push(refusal);
          counts.refused++;
          ctx.log.warn({ ...refusal, status: error.details.status, sinceId: cursor?.sinceId ?? null, untilId: cursor?.untilId ?? null }, `X refused a search of ${persona.id}`);
          await writer.drain();
          if (!ctx.dryRun) await recordRefusal(ctx.db, { ...refusal, at: ctx.now() });
          continue;
        }
        if (!(error instanceof XCallError && error.kind === 'rate_limited')) {
          // X stopped every call: keep what was read (the frame records the stop).
          if (error instanceof XCallError && error.stopsAll && !ctx.dryRun) await writer.drain();
          throw error;
        }
        // X's search window is spent: keep what was read, leave the rest as a gap, stop searching
        // until the reset (the next run starts there). Never a loop.
        limited = error;
        more = oldest !== undefined;
        counts.rate_limited++;
        ctx.log.warn({ persona: persona.id, resetAt: error.details.resetAt?.toISOString() }, error.message);
      }
      // Stored before the cursor moves: a crash in between re-reads a page, never loses one.
      await writer.drain();
      if (ctx.dryRun) {
        if (limited) break;
        continue;
      }
      if (cursor?.refusedAt && !limited) await clearRefusal(ctx.db, persona.id, query);
      if (more && oldest) {
        // Stopped by the budget: remember the unread gap below `oldest`.
        await setCursor(ctx.db, { persona: persona.id, query, sinceId: cursor?.sinceId ?? null, untilId: oldest, pendingNewestId: newest ?? null, at: ctx.now() });
      } else if (newest) {
        await setCursor(ctx.db, { persona: persona.id, query, sinceId: newest, untilId: null, pendingNewestId: null, at: ctx.now() });
      } else if (lostGap) {
        await setCursor(ctx.db, { persona: persona.id, query, sinceId: sinceId ?? null, untilId: null, pendingNewestId: null, at: ctx.now() });
      }
      if (limited) break;
    }
    counts.pages += mine.pages;
    counts.posts += mine.posts;
    counts.new_posts += mine.newPosts;
    counts.new_prospects += mine.newProspects;
    lines.push([persona.id, `${mine.posts} posts (${mine.newPosts} new), ${mine.newProspects} new prospects, ${mine.pages} pages, ~$${mine.costUsd.toFixed(2)}`]);
    if (limited) break;
  }

  let summary = joinLines(lines, ctx.persona !== undefined) || 'no personas';
  for (const r of refusals) summary += `; X refused ${r.persona}'s query ${JSON.stringify(r.query.length > 80 ? `${r.query.slice(0, 80)}…` : r.query)}: ${r.reason}`;
  if (!limited) return { summary, counts };
  return { summary: `${summary}; rate limited by X, searching again after ${limited.details.resetAt?.toISOString() ?? 'the reset'}`, counts };
}

/** A query X refused, and X's own words for why. */
interface Refusal {
  persona: string;
  query: string;
  reason: string;
}

/** X's reason for refusing, without the call's name (the summary names the persona and query). */
function refusalReason(error: XCallError): string {
  const detail = error.details.problem?.detail;
  return `${error.details.status ?? 400} ${typeof detail === 'string' ? detail : error.message}`;
}

/**
 * The time behind the door as far as the code knows it (the sandbox's clock), so that a
 * `start_time` is measured from X's side of the 7-day edge; undefined for the real X or when the
 * sandbox does not say.
 */
async function worldTime(ctx: JobContext): Promise<Date | undefined> {
  try {
    return await ctx.x.worldTime();
  } catch (error) {
    ctx.log.debug({ err: error }, 'the sandbox did not give its clock: search measures its window on the job clock');
    return undefined;
  }
}

const latest = (a: Date, b: Date | undefined): Date => (b && b.getTime() > a.getTime() ? b : a);

/** Pages are written in batches of about this many posts: one transaction per batch, not three statements per page. */
export const FLUSH_POSTS = 1000;

/**
 * Search pages waiting to be written: users by id (latest wins), posts in order, and the authors
 * of those posts that are stored already (id → username), not read again.
 */
export class PageBuffer {
  readonly users = new Map<string, XUser>();
  readonly known = new Map<string, string>();
  posts: XPost[] = [];

  add(page: SearchPage, known?: ReadonlyMap<string, string>): void {
    for (const u of page.users) this.users.set(u.id, u);
    for (const [id, username] of known ?? []) this.known.set(id, username);
    for (const p of page.posts) this.posts.push(p);
  }

  get size(): number {
    return this.posts.length;
  }

  take(): { users: XUser[]; posts: XPost[]; known: Map<string, string> } {
    const batch = { users: [...this.users.values()], posts: this.posts, known: new Map(this.known) };
    this.users.clear();
    this.known.clear();
    this.posts = [];
    return batch;
  }
}

/**
 * Writes batches of pages while the next pages are read: at most one batch is being written at a
 * time, so reading and writing overlap without memory growing past two batches. A failed write is
 * rethrown at the next `add` or at `drain`.
 */
export class BatchWriter {
  private readonly buffer = new PageBuffer();
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private pages = 0;

  constructor(
    private readonly write: (batch: { users: XUser[]; posts: XPost[]; known: Map<string, string>; pages: number }) => Promise<void>,
    private readonly flushPosts = FLUSH_POSTS,
  ) {}

  /** `known`: authors of the page's posts that are stored already and not in `page.users`. */
  async add(page: SearchPage, known?: ReadonlyMap<string, string>): Promise<void> {
    this.buffer.add(page, known);
    this.pages++;
    if (this.buffer.size >= this.flushPosts) await this.flush();
  }

  /** Writes what is buffered and waits for every write to finish. */
  async drain(): Promise<void> {
    await this.flush();
    await this.inflight;
    this.check();
  }

  private async flush(): Promise<void> {
    await this.inflight;
    this.check();
    if (this.buffer.size === 0 && this.pages === 0) return;
    const batch = { ...this.buffer.take(), pages: this.pages };
    this.pages = 0;
    this.inflight = this.write(batch).catch((error: unknown) => {
      this.failure = error;
    });
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** The authors of one search page: those bought from X, those stored already, and what buying took. */
export interface PageAuthors {
  /** Read from X now (billed as user reads). */
  users: XUser[];
  /** Not read again: stored with a recent profile, or bought earlier in the run (id → username). */
  known: Map<string, string>;
  /** User lookup requests sent. */
  requests: number;
}

/**
 * Who wrote the posts of a search run, each bought from X at most once: an author stored with a
 * profile read since the persona's refresh limit, or already bought in this run, is not looked up;
 * the others are, 100 ids a request.
 */
export class Authors {
  /** Bought during this run (id → username): fresh for every persona. */
  private readonly bought = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly x: Pick<XDoor, 'users'>,
    private readonly signal?: AbortSignal,
  ) {}

  async resolve(posts: readonly XPost[], profilesSince: Date): Promise<PageAuthors> {
    const known = new Map<string, string>();
    const rest: string[] = [];
    for (const id of new Set(posts.map((p) => p.author_id))) {
      const username = this.bought.get(id);
      if (username === undefined) rest.push(id);
      else known.set(id, username);
    }
    if (rest.length === 0) return { users: [], known, requests: 0 };
    const recent = await recentProspects(this.db, rest, profilesSince);
    for (const [id, username] of recent) known.set(id, username);
    const unknown = rest.filter((id) => !recent.has(id));
    if (unknown.length === 0) return { users: [], known, requests: 0 };
    let lookup;
    try {
      lookup = await this.x.users(unknown, this.signal ? { signal: this.signal } : {});
    } catch (error) {
      // A refused lookup is no refusal of the search query: the caller must not take it for one.
      if (error instanceof XCallError && error.kind === 'invalid') throw new Error(`X refused a lookup of ${unknown.length} authors: ${error.message}`, { cause: error });
      throw error;
    }
    for (const u of lookup.users) this.bought.set(u.id, u.username);
    return { users: lookup.users, known, requests: lookup.requests };
  }
}

/**
 * Stores a batch of search results in one transaction: the authors read from X as prospects, the
 * posts of those and of the authors stored already (`known`, id → username: their profiles are
 * left as they are), and a match of the persona for each author through their first post read
 * (`matchPosts`) — except the team's own accounts, which show up in searches too and are never
 * anyone's prospect. A post whose author is neither is left out. Returns how many prospects were new.
 */
export async function storeBatch(
  db: Database,
  persona: string,
  batch: { users: readonly XUser[]; posts: readonly XPost[]; known?: ReadonlyMap<string, string> },
  seenAt: Date,
  ourHandles: ReadonlySet<string>,
): Promise<{ newProspects: number; newPosts: number }> {
  if (!batch.posts.length) return { newProspects: 0, newPosts: 0 };
  const usernames = new Map<string, string>(batch.known ?? []);
  for (const u of batch.users) usernames.set(u.id, u.username);
  const posts = batch.posts.filter((p) => usernames.has(p.author_id));
  const theirs = new Set([...usernames].filter(([, username]) => !ourHandles.has(username.toLowerCase())).map(([id]) => id));
  return storeSearchBatch(db, {
    prospects: batch.users.map((u) => prospectRow(u, seenAt)),
    posts: posts.map((p) => postRow(p, seenAt)),
    matches: [...matchPosts(posts.filter((p) => theirs.has(p.author_id))).values()].map((p) => ({ persona, prospectId: p.author_id, postId: p.id, seenAt })),
  });
}

function prospectRow(u: XUser, seenAt: Date): ProspectInput {
  return {
    xUserId: u.id,
    username: u.username,
    name: u.name,
    description: u.description,
    location: u.location ?? null,
    url: u.url ?? null,
    createdAt: u.created_at ? new Date(u.created_at) : null,
    verified: u.verified,
    protected: u.protected,
    followersCount: u.followers_count,
    followingCount: u.following_count,
    tweetCount: u.tweet_count,
    listedCount: u.listed_count,
    likeCount: u.like_count ?? null,
    seenAt,
  };
}

function postRow(p: XPost, seenAt: Date): PostInput {
  return {
    xPostId: p.id,
    authorId: p.author_id,
    text: p.text,
    lang: p.lang ?? null,
    createdAt: p.created_at ? new Date(p.created_at) : seenAt,
    kind: p.kind,
    referencedPostId: p.referenced_id ?? null,
    likeCount: p.like_count,
    replyCount: p.reply_count,
    retweetCount: p.retweet_count,
    quoteCount: p.quote_count,
    seenAt,
  };
}
