import { addReads, getCursor, readsToday, setCursor } from '../db/search.ts';
import { knownPostIds, upsertPosts, upsertProspects } from '../db/prospects.ts';
import { upsertMatches } from '../db/matches.ts';
import { readCostUsd, type SearchPage } from '../src/x/reads.ts';
import { personasOf, utcDay, type JobContext, type JobResult } from './context.ts';

/**
 * search: for each persona and each of its queries, reads X's recent search for posts newer than
 * the query's stored `since_id`, page by page, until X has no more or the persona's read budget
 * for the day is spent. Authors become prospects, their posts are stored, and each author becomes
 * a match of the persona (scored later by `score`). Every page read is metered.
 *
 * Never read twice: the cursor moves to the newest post once a query's walk completes. When the
 * budget stops a walk part-way, the cursor keeps where the unread gap is (`until_id` and the
 * newest id seen), and the next run reads the gap before anything newer.
 */
export default async function search(ctx: JobContext): Promise<JobResult> {
  const began = performance.now();
  const counts = { personas: 0, queries: 0, pages: 0, posts: 0, new_posts: 0, new_prospects: 0, users: 0, budget_stops: 0 };
  const lines: string[] = [];
  const day = utcDay(ctx.now());

  for (const persona of personasOf(ctx)) {
    counts.personas++;
    const mine = { pages: 0, posts: 0, newPosts: 0, newProspects: 0, costUsd: 0 };
    const used = await readsToday(ctx.db, persona.id, day);
    let budget = persona.search.max_posts_per_day - used.posts;

    for (const query of persona.search.queries) {
      if (budget < 10) {
        counts.budget_stops++;
        ctx.log.info({ persona: persona.id, query, budget: persona.search.max_posts_per_day }, 'read budget for today is spent');
        break;
      }
      counts.queries++;
      const cursor = await getCursor(ctx.db, persona.id, query);
      // A gap left by an interrupted walk is read first, between the old cursor and the oldest post read.
      const gap = cursor?.untilId !== undefined && cursor.untilId !== null;
      let newest = gap ? (cursor?.pendingNewestId ?? undefined) : undefined;
      let oldest: string | undefined;
      let more = false;
      for await (const page of ctx.x.search(query, {
        sinceId: cursor?.sinceId ?? undefined,
        untilId: gap ? (cursor?.untilId ?? undefined) : undefined,
        maxPosts: budget,
        signal: ctx.signal,
      })) {
        newest ??= page.newestId;
        oldest = page.oldestId ?? oldest;
        more = page.more;
        const stored = await storePage(ctx, persona.id, page);
        budget -= page.posts.length;
        mine.pages++;
        mine.posts += page.posts.length;
        mine.newPosts += stored.newPosts;
        mine.newProspects += stored.newProspects;
        const cost = readCostUsd({ posts: page.posts.length, users: page.users.length });
        mine.costUsd += cost;
        counts.users += page.users.length;
        if (!ctx.dryRun) await addReads(ctx.db, { persona: persona.id, day, posts: page.posts.length, users: page.users.length, requests: 1, costUsd: cost });
        ctx.progress?.(`search ${persona.id}: ${mine.posts} posts read, ${mine.newProspects} new prospects`);
      }
      if (ctx.dryRun) continue;
      if (more && oldest) {
        // Stopped by the budget: remember the unread gap below `oldest`.
        await setCursor(ctx.db, { persona: persona.id, query, sinceId: cursor?.sinceId ?? null, untilId: oldest, pendingNewestId: newest ?? null, at: ctx.now() });
      } else if (newest) {
        await setCursor(ctx.db, { persona: persona.id, query, sinceId: newest, untilId: null, pendingNewestId: null, at: ctx.now() });
      }
    }
    counts.pages += mine.pages;
    counts.posts += mine.posts;
    counts.new_posts += mine.newPosts;
    counts.new_prospects += mine.newProspects;
    lines.push(`${persona.id}: ${mine.posts} posts (${mine.newPosts} new), ${mine.newProspects} new prospects, ${mine.pages} pages, ~$${mine.costUsd.toFixed(2)}`);
  }

  const seconds = ((performance.now() - began) / 1000).toFixed(2);
  const summary = `search${ctx.dryRun ? ' (dry run)' : ''}: ${lines.join('; ') || 'no personas'} in ${seconds} s`;
  ctx.log.info({ job: 'search', ...counts, seconds: Number(seconds) }, summary);
  return { summary, counts };
}

async function storePage(ctx: JobContext, persona: string, page: SearchPage): Promise<{ newPosts: number; newProspects: number }> {
  if (!page.posts.length) return { newPosts: 0, newProspects: 0 };
  const known = await knownPostIds(ctx.db, page.posts.map((p) => p.id));
  const newPosts = page.posts.filter((p) => !known.has(p.id)).length;
  if (ctx.dryRun) return { newPosts, newProspects: 0 };
  const seenAt = ctx.now();
  const prospects = await upsertProspects(
    ctx.db,
    page.users.map((u) => ({
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
    })),
  );
  const authors = new Set(page.users.map((u) => u.id));
  const posts = page.posts.filter((p) => authors.has(p.author_id));
  // The team's own accounts show up in searches too; they are never anyone's prospect.
  const ours = new Set(ctx.config.worker.accounts.map((a) => a.handle.toLowerCase()));
  const theirs = new Set(page.users.filter((u) => !ours.has(u.username.toLowerCase())).map((u) => u.id));
  await upsertPosts(
    ctx.db,
    posts.map((p) => ({
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
    })),
  );
  // Retweets lead to the person who retweeted; the newest post of each author is the match's post.
  await upsertMatches(
    ctx.db,
    posts.filter((p) => theirs.has(p.author_id)).map((p) => ({ persona, prospectId: p.author_id, postId: p.id, seenAt })),
  );
  return { newPosts, newProspects: prospects.inserted };
}
