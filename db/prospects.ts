import { sql } from 'drizzle-orm';
import { excluded, inBatches, selectRows, uniqueBy, type UpsertCounts } from './bulk.ts';
import type { Database } from './client.ts';
import { posts, prospects, type PostKind } from './schema.ts';
import { rows } from './rows.ts';
import { upsertMatches, type MatchInput } from './matches.ts';

/** A profile read from X, flattened (X v2 user fields). */
export interface ProspectInput {
  xUserId: string;
  username: string;
  name: string;
  description?: string | null;
  location?: string | null;
  url?: string | null;
  createdAt?: Date | null;
  verified?: boolean | null;
  protected?: boolean | null;
  followersCount?: number | null;
  followingCount?: number | null;
  tweetCount?: number | null;
  listedCount?: number | null;
  likeCount?: number | null;
  lang?: string | null;
  /** The raw X user object, if worth keeping. */
  profile?: Record<string, unknown> | null;
  /** When this profile was read. */
  seenAt: Date;
}

/** A post read from X. */
export interface PostInput {
  xPostId: string;
  authorId: string;
  text: string;
  lang?: string | null;
  createdAt: Date;
  kind: PostKind;
  referencedPostId?: string | null;
  retweetCount?: number;
  replyCount?: number;
  likeCount?: number;
  quoteCount?: number;
  bookmarkCount?: number;
  impressionCount?: number;
  seenAt: Date;
}

function count(returned: { inserted: boolean }[], into: UpsertCounts): void {
  for (const r of returned) {
    if (r.inserted) into.inserted++;
    else into.updated++;
  }
}

/** A row whose RETURNING says whether it was inserted rather than updated (xmax is 0 on a fresh row). */
const wasInserted = sql<boolean>`(xmax = 0)`;

/**
 * Inserts new prospects and refreshes known ones with the latest profile, in batches. First seen
 * stays; a profile older than the stored one (a late batch) changes nothing. Returns how many
 * were new and how many refreshed.
 */
export async function upsertProspects(db: Database, input: readonly ProspectInput[]): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0 };
  const unique = uniqueBy(input, (p) => p.xUserId, (a, b) => (b.seenAt >= a.seenAt ? b : a));
  await inBatches('upsertProspects', unique, async (batch) => {
    const values: (typeof prospects.$inferInsert)[] = batch.map(({ seenAt, ...p }) => ({ ...p, firstSeenAt: seenAt, lastSeenAt: seenAt }));
    const returned = await db
      .insert(prospects)
      .select(selectRows(prospects, values))
      .onConflictDoUpdate({
        target: prospects.xUserId,
        set: {
          username: excluded(prospects.username),
          name: excluded(prospects.name),
          description: excluded(prospects.description),
          location: excluded(prospects.location),
          url: excluded(prospects.url),
          createdAt: sql`coalesce(${excluded(prospects.createdAt)}, ${prospects.createdAt})`,
          verified: excluded(prospects.verified),
          protected: excluded(prospects.protected),
          followersCount: excluded(prospects.followersCount),
          followingCount: excluded(prospects.followingCount),
          tweetCount: excluded(prospects.tweetCount),
          listedCount: excluded(prospects.listedCount),
          likeCount: excluded(prospects.likeCount),
          lang: sql`coalesce(${excluded(prospects.lang)}, ${prospects.lang})`,
          lastSeenAt: excluded(prospects.lastSeenAt),
          profile: sql`coalesce(${excluded(prospects.profile)}, ${prospects.profile})`,
        },
        setWhere: sql`${excluded(prospects.lastSeenAt)} >= ${prospects.lastSeenAt}`,
      })
      .returning({ inserted: wasInserted });
    count(returned, counts);
  });
  return counts;
}

/**
 * Inserts new posts and refreshes the public metrics of known ones, in batches. Their authors
 * must be stored first (upsertProspects). Returns how many were new.
 */
export async function upsertPosts(db: Database, input: readonly PostInput[]): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0 };
  const unique = uniqueBy(input, (p) => p.xPostId);
  await inBatches('upsertPosts', unique, async (batch) => {
    const values: (typeof posts.$inferInsert)[] = batch.map(({ seenAt, ...p }) => ({
      ...p,
      retweetCount: p.retweetCount ?? 0,
      replyCount: p.replyCount ?? 0,
      likeCount: p.likeCount ?? 0,
      quoteCount: p.quoteCount ?? 0,
      bookmarkCount: p.bookmarkCount ?? 0,
      impressionCount: p.impressionCount ?? 0,
      firstSeenAt: seenAt,
    }));
    const returned = await db
      .insert(posts)
      .select(selectRows(posts, values))
      .onConflictDoUpdate({
        target: posts.xPostId,
        set: {
          retweetCount: excluded(posts.retweetCount),
          replyCount: excluded(posts.replyCount),
          likeCount: excluded(posts.likeCount),
          quoteCount: excluded(posts.quoteCount),
          bookmarkCount: excluded(posts.bookmarkCount),
          impressionCount: excluded(posts.impressionCount),
        },
      })
      .returning({ inserted: wasInserted });
    count(returned, counts);
  });
  return counts;
}

/** Which of these post ids are already stored: a stored post is never paid for again. */
export async function knownPostIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 10_000) {
    const batch = ids.slice(i, i + 10_000);
    const found = await rows<{ id: string }>(db, sql`select x_post_id as id from posts where x_post_id = any(${sql.param(batch)}::text[])`);
    for (const r of found) known.add(r.id);
  }
  return known;
}

/**
 * Which of these X users are stored with a profile read at or after `since` (`last_seen_at`, the
 * time their profile was last read from X), with their usernames: authors search need not buy
 * again. Ids are checked 10,000 at a time.
 */
export async function recentProspects(db: Database, ids: readonly string[], since: Date): Promise<Map<string, string>> {
  const recent = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 10_000) {
    const batch = ids.slice(i, i + 10_000);
    const found = await rows<{ id: string; username: string }>(
      db,
      sql`select x_user_id as id, username from prospects where x_user_id = any(${sql.param(batch)}::text[]) and last_seen_at >= ${since.toISOString()}::timestamptz`,
    );
    for (const r of found) recent.set(r.id, r.username);
  }
  return recent;
}

/** One batch of search results: the authors, their posts, and the matches they make. */
export interface SearchBatch {
  prospects: readonly ProspectInput[];
  posts: readonly PostInput[];
  matches: readonly MatchInput[];
}

/**
 * Stores a batch of search results in one transaction. Its commit does not wait for the disk
 * flush (`synchronous_commit = off`, this transaction only): search results can always be read
 * again, and a crash loses the batch together with the cursor that would have moved past it,
 * never one without the other. Leads and decisions keep full durability.
 */
export async function storeSearchBatch(db: Database, batch: SearchBatch): Promise<{ newProspects: number; newPosts: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local synchronous_commit = off`);
    const prospects = await upsertProspects(tx, batch.prospects);
    const posts = await upsertPosts(tx, batch.posts);
    await upsertMatches(tx, batch.matches);
    return { newProspects: prospects.inserted, newPosts: posts.inserted };
  });
}
