import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { ProfileInput } from '../src/scoring/types.ts';
import { excluded, inBatches, selectRows, unnestRows, uniqueBy } from './bulk.ts';
import type { Database } from './client.ts';
import { matches, posts, prospects, type ScoreComponents, type SignalKind } from './schema.ts';
import type { UpsertCounts } from './bulk.ts';

/** Search found this prospect for this persona (through this post). */
export interface MatchInput {
  persona: string;
  prospectId: string;
  postId?: string | null;
  features?: Record<string, unknown> | null;
  seenAt: Date;
}

/**
 * The post each author is matched through, the one rule for the pipeline and `personas preview`:
 * the first of their posts that search read (X lists newest first, so their newest at that read).
 * A later post never replaces it: not later in the same read, not in a later run (`upsertMatches`
 * keeps the stored one). Takes posts in the order they were read; returns them by author id.
 */
export function matchPosts<P extends { author_id: string }>(posts: Iterable<P>): Map<string, P> {
  const chosen = new Map<string, P>();
  for (const post of posts) if (!chosen.has(post.author_id)) chosen.set(post.author_id, post);
  return chosen;
}

/**
 * Records matches, in batches. A match seen again keeps its first post (`matchPosts`: the first
 * given wins, then the stored one) and is marked for rescoring (its `updated_at` moves); features
 * are replaced when given. Prospects and posts must be stored first.
 */
export async function upsertMatches(db: Database, input: readonly MatchInput[]): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0 };
  const unique = uniqueBy(input, (m) => `${m.persona}\u0001${m.prospectId}`, (first) => first);
  await inBatches('upsertMatches', unique, async (batch) => {
    const values: (typeof matches.$inferInsert)[] = batch.map(({ seenAt, ...m }) => ({ ...m, matchedAt: seenAt, updatedAt: seenAt }));
    const returned = await db
      .insert(matches)
      .select(selectRows(matches, values))
      .onConflictDoUpdate({
        target: [matches.persona, matches.prospectId],
        set: {
          postId: sql`coalesce(${matches.postId}, ${excluded(matches.postId)})`,
          features: sql`coalesce(${excluded(matches.features)}, ${matches.features})`,
          updatedAt: sql`greatest(${matches.updatedAt}, ${excluded(matches.updatedAt)})`,
        },
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    for (const r of returned) {
      if (r.inserted) counts.inserted++;
      else counts.updated++;
    }
  });
  return counts;
}

/** What the scoring job reads about one match. */
export interface MatchToScore {
  persona: string;
  prospectId: string;
  /** The prospect's latest profile, in X's field names (what the scorers read). */
  profile: ProfileInput;
  lang: string | null;
  features: Record<string, unknown> | null;
  /** The post that led to the match, if still stored. */
  post: { id: string; text: string; lang: string | null; createdAt: Date } | null;
  /** What the prospect did back so far (any account). */
  signals: SignalKind[];
  /** The current score, null if never scored. */
  score: number | null;
}

/**
 * The matches of a persona that need a score (never scored, or changed since), `batchSize` at a
 * time, in prospect id order (keyset pagination on the primary key: each page is an index range,
 * memory stays at one batch whatever the table holds). `all` streams every match, to rescore after
 * a change of weights. Scores saved while streaming do not disturb the iteration.
 */
export async function* streamMatchesToScore(db: Database, persona: string, batchSize = 1000, options: { all?: boolean } = {}): AsyncGenerator<MatchToScore[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`streamMatchesToScore: batchSize must be a positive integer, got ${batchSize}`);
  const stale = or(isNull(matches.scoredAt), lt(matches.scoredAt, matches.updatedAt), lt(matches.scoredAt, prospects.lastSeenAt));
  let after: string | undefined;
  for (;;) {
    const page = await selectToScore(db)
      .where(and(eq(matches.persona, persona), after === undefined ? undefined : gt(matches.prospectId, after), options.all ? undefined : stale))
      .orderBy(asc(matches.prospectId))
      .limit(batchSize);
    if (page.length === 0) return;
    after = page[page.length - 1]!.prospectId;
    yield page.map(toMatchToScore);
    if (page.length < batchSize) return;
  }
}

/**
 * The matches of one persona for these people, as `streamMatchesToScore` reads them, stale or
 * not: a signal has just changed their score.
 */
export async function matchesOfProspects(db: Database, persona: string, prospectIds: readonly string[]): Promise<MatchToScore[]> {
  if (prospectIds.length === 0) return [];
  const found = await selectToScore(db)
    .where(and(eq(matches.persona, persona), inArray(matches.prospectId, [...new Set(prospectIds)])))
    .orderBy(asc(matches.prospectId));
  return found.map(toMatchToScore);
}

/** A match with its prospect, first post and signals: what scoring reads. */
function selectToScore(db: Database) {
  return db
    .select({
      persona: matches.persona,
      prospectId: matches.prospectId,
      features: matches.features,
      score: matches.score,
      username: prospects.username,
      name: prospects.name,
      description: prospects.description,
      location: prospects.location,
      url: prospects.url,
      createdAt: prospects.createdAt,
      verified: prospects.verified,
      protected: prospects.protected,
      followersCount: prospects.followersCount,
      followingCount: prospects.followingCount,
      tweetCount: prospects.tweetCount,
      listedCount: prospects.listedCount,
      likeCount: prospects.likeCount,
      lang: prospects.lang,
      postId: posts.xPostId,
      postText: posts.text,
      postLang: posts.lang,
      postCreatedAt: posts.createdAt,
      signals: sql<SignalKind[]>`array(select distinct s.kind from signals s where s.prospect_id = ${matches.prospectId} order by s.kind)`,
    })
    .from(matches)
    .innerJoin(prospects, eq(prospects.xUserId, matches.prospectId))
    .leftJoin(posts, eq(posts.xPostId, matches.postId))
    .$dynamic();
}

type ToScoreRow = Awaited<ReturnType<ReturnType<typeof selectToScore>['execute']>>[number];

function toMatchToScore(r: ToScoreRow): MatchToScore {
  return {
    persona: r.persona,
    prospectId: r.prospectId,
    profile: {
      id: r.prospectId,
      username: r.username,
      name: r.name,
      description: r.description ?? undefined,
      location: r.location ?? undefined,
      url: r.url ?? undefined,
      created_at: r.createdAt?.toISOString(),
      verified: r.verified ?? undefined,
      protected: r.protected ?? undefined,
      followers_count: r.followersCount ?? undefined,
      following_count: r.followingCount ?? undefined,
      tweet_count: r.tweetCount ?? undefined,
      listed_count: r.listedCount ?? undefined,
      like_count: r.likeCount ?? undefined,
    },
    lang: r.lang,
    features: r.features,
    post: r.postId === null || r.postText === null || r.postCreatedAt === null ? null : { id: r.postId, text: r.postText, lang: r.postLang, createdAt: r.postCreatedAt },
    signals: r.signals,
    score: r.score,
  };
}

/** A score computed by the scoring job. */
export interface ScoreInput {
  persona: string;
  prospectId: string;
  /** An integer from 0 to 100. */
  score: number;
  components: ScoreComponents;
  explanation: string;
  /** Replaces the stored features when given. */
  features?: Record<string, unknown> | null;
  scoredAt: Date;
}

/** Saves scores on their matches, in batches. Returns how many matches were updated. */
export async function saveScores(db: Database, input: readonly ScoreInput[]): Promise<number> {
  for (const s of input) {
    if (!Number.isInteger(s.score) || s.score < 0 || s.score > 100) {
      throw new Error(`saveScores: the score of prospect ${s.prospectId} for persona ${s.persona} must be an integer from 0 to 100, got ${s.score}`);
    }
  }
  const unique = uniqueBy(input, (s) => `${s.persona}\u0001${s.prospectId}`);
  let updated = 0;
  const columns = {
    persona: matches.persona,
    prospectId: matches.prospectId,
    score: matches.score,
    components: matches.components,
    explanation: matches.explanation,
    features: matches.features,
    scoredAt: matches.scoredAt,
  };
  await inBatches('saveScores', unique, async (batch) => {
    const returned = await db
      .update(matches)
      .set({
        score: sql`r.score`,
        components: sql`r.components`,
        explanation: sql`r.explanation`,
        features: sql`coalesce(r.features, ${matches.features})`,
        scoredAt: sql`r."scoredAt"`,
      })
      .from(sql`${unnestRows(columns, batch)}`)
      .where(and(eq(matches.persona, sql`r.persona`), eq(matches.prospectId, sql`r."prospectId"`)))
      .returning({ prospectId: matches.prospectId });
    updated += returned.length;
  });
  return updated;
}
