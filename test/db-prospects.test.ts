import { asc, eq, sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { knownPostIds, upsertPosts, upsertProspects, type PostInput } from '../db/prospects.ts';
import { addReads, getCursor, readsToday, setCursor } from '../db/search.ts';
import { rows } from '../db/rows.ts';
import { posts, prospects } from '../db/schema.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';

function postInput(n: number, author: number, over: Partial<PostInput> = {}): PostInput {
  return { xPostId: xid(1_000_000 + n), authorId: xid(author), text: `post ${n}`, lang: 'en', createdAt: AT, kind: 'original', likeCount: n, seenAt: AT, ...over };
}

/** Bios and posts are hostile input: they must come back byte for byte. */
const HOSTILE = [
  `O'Brien "the closer" \\ back\\slash`,
  `'; drop table prospects; --`,
  `Robert'); DELETE FROM leads WHERE ('1'='1`,
  `$1 $2 ? :name %s {}`,
  `🚀 growth 👩🏽‍💻 équipe ñandú 東京 עברית العربية`,
  `{"json": [1, 2]} {,} "NULL" NULL`,
  `line one\nline two\r\n\ttabbed \u2028 \u200b zero-width`,
  `<script>alert(1)</script> & &amp;`,
  'x'.repeat(10_000),
];

describeEachDatabase('prospects, posts, cursors, read meter', (t) => {
  beforeEach(() => t.reset());

  it('upserts prospects in batches: new rows inserted, known rows refreshed, never duplicated', async () => {
    const first = Array.from({ length: 4500 }, (_, i) => prospectInput(i));
    expect(await upsertProspects(t.db, first)).toEqual({ inserted: 4500, updated: 0 });

    const later = minutesAfter(60);
    const second = Array.from({ length: 5000 }, (_, i) => prospectInput(i, { followersCount: 9000 + i, seenAt: later }));
    expect(await upsertProspects(t.db, second)).toEqual({ inserted: 500, updated: 4500 });

    const [stats] = await rows<{ n: number; distinct: number }>(t.db, sql`select count(*)::int as n, count(distinct x_user_id)::int as distinct from prospects`);
    expect(stats).toEqual({ n: 5000, distinct: 5000 });
    const [p] = await t.db.select().from(prospects).where(eq(prospects.xUserId, xid(42)));
    expect(p).toMatchObject({ username: 'user_42', followersCount: 9042, firstSeenAt: AT, lastSeenAt: later });
  });

  it('keeps the newest profile: an older read changes nothing, a duplicate in one batch keeps the latest', async () => {
    await upsertProspects(t.db, [prospectInput(1, { followersCount: 10, seenAt: minutesAfter(10) })]);
    expect(await upsertProspects(t.db, [prospectInput(1, { followersCount: 5, seenAt: AT })])).toEqual({ inserted: 0, updated: 0 });
    await upsertProspects(t.db, [prospectInput(2, { followersCount: 1, seenAt: minutesAfter(1) }), prospectInput(2, { followersCount: 3, seenAt: minutesAfter(3) }), prospectInput(2, { followersCount: 2, seenAt: minutesAfter(2) })]);
    const found = await t.db.select({ id: prospects.xUserId, followers: prospects.followersCount }).from(prospects).orderBy(asc(prospects.xUserId));
    expect(found).toEqual([
      { id: xid(1), followers: 10 },
      { id: xid(2), followers: 3 },
    ]);
  });

  it('upserts posts: metrics refreshed, text and first sight kept; knownPostIds says which are stored', async () => {
    await upsertProspects(t.db, [prospectInput(1), prospectInput(2)]);
    const batch = Array.from({ length: 2500 }, (_, i) => postInput(i, 1 + (i % 2)));
    expect(await upsertPosts(t.db, batch)).toEqual({ inserted: 2500, updated: 0 });
    expect(await upsertPosts(t.db, [postInput(7, 2, { likeCount: 700, text: 'edited?', seenAt: minutesAfter(5) })])).toEqual({ inserted: 0, updated: 1 });
    const [p] = await t.db.select().from(posts).where(eq(posts.xPostId, xid(1_000_007)));
    expect(p).toMatchObject({ text: 'post 7', likeCount: 700, firstSeenAt: AT, authorId: xid(2), kind: 'original' });

    const ids = [xid(1_000_000), xid(1_000_001), xid(9_999_999), xid(1_002_499)];
    expect(await knownPostIds(t.db, ids)).toEqual(new Set([xid(1_000_000), xid(1_000_001), xid(1_002_499)]));
    expect(await knownPostIds(t.db, [])).toEqual(new Set());
  });

  it('refuses a post whose author is not stored, naming the operation', async () => {
    await expect(upsertPosts(t.db, [postInput(1, 404)])).rejects.toThrow(/^upsertPosts: a batch of up to \d+ rows failed: .*foreign key/);
  });

  it('stores hostile text intact, in bulk writes and single ones', async () => {
    const input = HOSTILE.map((text, i) => prospectInput(i, { name: text, description: text, location: text, profile: { bio: text, nested: [text] } }));
    await upsertProspects(t.db, input);
    await upsertPosts(
      t.db,
      HOSTILE.map((text, i) => postInput(i, i, { text })),
    );
    const back = await t.db.select().from(prospects).orderBy(asc(prospects.xUserId));
    expect(back.map((p) => [p.name, p.description, p.location, p.profile])).toEqual(HOSTILE.map((text) => [text, text, text, { bio: text, nested: [text] }]));
    const backPosts = await t.db.select({ text: posts.text }).from(posts).orderBy(asc(posts.xPostId));
    expect(backPosts.map((p) => p.text)).toEqual(HOSTILE);
    expect(await rows(t.db, sql`select count(*)::int as n from prospects`)).toEqual([{ n: HOSTILE.length }]);

    for (const [i, query] of HOSTILE.entries()) await setCursor(t.db, { persona: query, query, sinceId: String(100 + i), at: AT });
    expect((await getCursor(t.db, HOSTILE[1]!, HOSTILE[1]!))?.sinceId).toBe('101');
  });

  it('replaces what PostgreSQL cannot store (NUL, a lone surrogate) instead of failing the batch', async () => {
    await upsertProspects(t.db, [prospectInput(1, { description: 'a\u0000b', name: 'half \ud83d emoji', profile: { bio: 'c\u0000d \udc00' } }), prospectInput(2)]);
    const [p] = await t.db.select().from(prospects).where(eq(prospects.xUserId, xid(1)));
    expect(p).toMatchObject({ description: 'a\ufffdb', name: 'half \ufffd emoji', profile: { bio: 'c\ufffdd \ufffd' } });
  });

  it('cursor round trip: unknown first, then the since_id, moving only forward', async () => {
    const q = '("head of growth" OR cmo) lang:en -is:retweet';
    expect(await getCursor(t.db, 'saas-en', q)).toBeUndefined();
    expect(await setCursor(t.db, { persona: 'saas-en', query: q, sinceId: '1800000000000000005', at: AT })).toBe(true);
    expect(await getCursor(t.db, 'saas-en', q)).toEqual({ sinceId: '1800000000000000005', untilId: null, pendingNewestId: null, updatedAt: AT, refusedAt: null, refusedReason: null });
    // An older page, then a shorter (numerically smaller) id, then none: ignored.
    expect(await setCursor(t.db, { persona: 'saas-en', query: q, sinceId: '1800000000000000001', at: AT })).toBe(false);
    expect(await setCursor(t.db, { persona: 'saas-en', query: q, sinceId: '999999999999999999', at: AT })).toBe(false);
    expect(await setCursor(t.db, { persona: 'saas-en', query: q, sinceId: null, at: AT })).toBe(false);
    expect(await setCursor(t.db, { persona: 'saas-en', query: q, sinceId: '1800000000000000009', at: minutesAfter(1) })).toBe(true);
    expect((await getCursor(t.db, 'saas-en', q))?.sinceId).toBe('1800000000000000009');
    // Per persona and per query.
    expect(await getCursor(t.db, 'saas-fr', q)).toBeUndefined();
    expect(await getCursor(t.db, 'saas-en', `${q} `)).toBeUndefined();
    await expect(setCursor(t.db, { persona: 'saas-en', query: q, sinceId: '12; drop', at: AT })).rejects.toThrow("setCursor: sinceId must be an X id (digits), got '12; drop'");
  });

  it('cursor with a gap left by a walk the budget cut short, then closed', async () => {
    const q = 'cmo';
    await setCursor(t.db, { persona: 'p', query: q, sinceId: '100', at: AT });
    // Read 500..300 of the new posts, budget spent: since_id stays, the gap below 300 is remembered.
    expect(await setCursor(t.db, { persona: 'p', query: q, sinceId: '100', untilId: '300', pendingNewestId: '500', at: minutesAfter(1) })).toBe(true);
    expect(await getCursor(t.db, 'p', q)).toEqual({ sinceId: '100', untilId: '300', pendingNewestId: '500', updatedAt: minutesAfter(1), refusedAt: null, refusedReason: null });
    // The next run reads the gap and closes it.
    expect(await setCursor(t.db, { persona: 'p', query: q, sinceId: '500', untilId: null, pendingNewestId: null, at: minutesAfter(2) })).toBe(true);
    expect(await getCursor(t.db, 'p', q)).toEqual({ sinceId: '500', untilId: null, pendingNewestId: null, updatedAt: minutesAfter(2), refusedAt: null, refusedReason: null });
  });

  it('read meter accumulates per persona and day', async () => {
    expect(await readsToday(t.db, 'saas-en', '2026-11-02')).toEqual({ posts: 0, users: 0, requests: 0, costUsd: 0 });
    await addReads(t.db, { persona: 'saas-en', day: '2026-11-02', posts: 100, users: 40, requests: 1, costUsd: 0.5 });
    await Promise.all(Array.from({ length: 10 }, () => addReads(t.db, { persona: 'saas-en', day: '2026-11-02', posts: 10, users: 3, requests: 1, costUsd: 0.05 })));
    await addReads(t.db, { persona: 'saas-en', day: '2026-11-03', posts: 7 });
    await addReads(t.db, { persona: 'saas-fr', day: '2026-11-02', posts: 1, costUsd: 0.005 });
    expect(await readsToday(t.db, 'saas-en', '2026-11-02')).toEqual({ posts: 200, users: 70, requests: 11, costUsd: 1 });
    expect(await readsToday(t.db, 'saas-en', '2026-11-03')).toEqual({ posts: 7, users: 0, requests: 0, costUsd: 0 });
    expect(await readsToday(t.db, 'saas-fr', '2026-11-02')).toEqual({ posts: 1, users: 0, requests: 0, costUsd: 0.005 });
    await expect(addReads(t.db, { persona: 'x', day: '2026-11-02', posts: -1 })).rejects.toThrow('addReads: posts must be a number ≥ 0, got -1');
    await expect(readsToday(t.db, 'x', '02/11/2026')).rejects.toThrow("day must be 'YYYY-MM-DD'");
  });
});
