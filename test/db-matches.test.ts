import { and, eq, sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { saveScores, streamMatchesToScore, upsertMatches, type MatchToScore } from '../db/matches.ts';
import { upsertPosts, upsertProspects } from '../db/prospects.ts';
import { rows } from '../db/rows.ts';
import { matches } from '../db/schema.ts';
import { recordSignals } from '../db/signals.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';

async function collect(iterator: AsyncIterable<MatchToScore[]>): Promise<MatchToScore[][]> {
  const pages: MatchToScore[][] = [];
  for await (const page of iterator) pages.push(page);
  return pages;
}

describeEachDatabase('matches and scores', (t) => {
  beforeEach(() => t.reset());

  async function seed(n: number, persona = 'saas-en'): Promise<void> {
    await upsertProspects(
      t.db,
      Array.from({ length: n }, (_, i) => prospectInput(i)),
    );
    await upsertMatches(
      t.db,
      Array.from({ length: n }, (_, i) => ({ persona, prospectId: xid(i), seenAt: AT })),
    );
  }

  it('upsertMatches: one row per prospect × persona; the first post stays, features follow the latest', async () => {
    await upsertProspects(t.db, [prospectInput(1)]);
    await upsertPosts(t.db, [
      { xPostId: xid(501), authorId: xid(1), text: 'hiring a CMO', createdAt: AT, kind: 'original', seenAt: AT },
      { xPostId: xid(502), authorId: xid(1), text: 'later post', createdAt: AT, kind: 'reply', seenAt: AT },
    ]);
    expect(await upsertMatches(t.db, [{ persona: 'saas-en', prospectId: xid(1), postId: xid(501), features: { title: 'cmo' }, seenAt: AT }])).toEqual({ inserted: 1, updated: 0 });
    expect(await upsertMatches(t.db, [{ persona: 'saas-en', prospectId: xid(1), postId: xid(502), features: { title: 'ceo' }, seenAt: minutesAfter(5) }])).toEqual({ inserted: 0, updated: 1 });
    expect(await upsertMatches(t.db, [{ persona: 'saas-fr', prospectId: xid(1), postId: xid(502), seenAt: AT }])).toEqual({ inserted: 1, updated: 0 });
    const found = await t.db.select().from(matches).where(and(eq(matches.persona, 'saas-en'), eq(matches.prospectId, xid(1))));
    expect(found).toEqual([expect.objectContaining({ postId: xid(501), features: { title: 'ceo' }, matchedAt: AT, updatedAt: minutesAfter(5), score: null })]);
  });

  it('streams every match to score exactly once, in batches, while scores are saved along the way', async () => {
    await seed(2345);
    await seed(10, 'other-persona');
    const seen = new Set<string>();
    const sizes: number[] = [];
    for await (const page of streamMatchesToScore(t.db, 'saas-en', 500)) {
      sizes.push(page.length);
      for (const m of page) {
        expect(m.persona).toBe('saas-en');
        expect(seen.has(m.prospectId), `${m.prospectId} twice`).toBe(false);
        seen.add(m.prospectId);
      }
      // Saving scores removes rows from what is "to score": the keyset must not skip or repeat any.
      await saveScores(
        t.db,
        page.map((m) => ({ persona: m.persona, prospectId: m.prospectId, score: 50, components: { fit: 0.5 }, explanation: '+10 fit', scoredAt: minutesAfter(1) })),
      );
    }
    expect(sizes).toEqual([500, 500, 500, 500, 345]);
    expect(seen.size).toBe(2345);
    // All scored now: nothing left, unless asked for all.
    expect(await collect(streamMatchesToScore(t.db, 'saas-en', 500))).toEqual([]);
    expect((await collect(streamMatchesToScore(t.db, 'saas-en', 1000, { all: true }))).map((p) => p.length)).toEqual([1000, 1000, 345]);
  });

  it('hands the scorer the profile in X field names, the post and the signals', async () => {
    await upsertProspects(t.db, [prospectInput(1, { description: 'VP Sales', followersCount: 1234, verified: true })]);
    await upsertPosts(t.db, [{ xPostId: xid(9), authorId: xid(1), text: 'looking for a CRM', lang: 'en', createdAt: AT, kind: 'original', seenAt: AT }]);
    await upsertMatches(t.db, [{ persona: 'saas-en', prospectId: xid(1), postId: xid(9), features: { intent: true }, seenAt: AT }]);
    await recordSignals(t.db, [{ prospectId: xid(1), account: 'acct', kind: 'followed_back', occurredAt: AT }], AT);
    const [[m]] = (await collect(streamMatchesToScore(t.db, 'saas-en'))) as [[MatchToScore]];
    expect(m).toEqual({
      persona: 'saas-en',
      prospectId: xid(1),
      profile: expect.objectContaining({ id: xid(1), username: 'user_1', description: 'VP Sales', followers_count: 1234, verified: true, created_at: '2015-03-01T00:00:00.000Z' }),
      lang: 'en',
      features: { intent: true },
      post: { id: xid(9), text: 'looking for a CRM', lang: 'en', createdAt: AT },
      signals: ['followed_back'],
      score: null,
    });
  });

  it('a scored match becomes due again when the prospect is seen again or does something back', async () => {
    await seed(3);
    await saveScores(
      t.db,
      [0, 1, 2].map((i) => ({ persona: 'saas-en', prospectId: xid(i), score: 10 * i, components: { fit: 0.1 }, explanation: 'x', scoredAt: minutesAfter(1) })),
    );
    expect(await collect(streamMatchesToScore(t.db, 'saas-en'))).toEqual([]);
    await upsertProspects(t.db, [prospectInput(0, { seenAt: minutesAfter(2) })]);
    expect(await recordSignals(t.db, [{ prospectId: xid(2), account: 'acct', kind: 'replied', postId: xid(77), occurredAt: AT }], minutesAfter(3))).toBe(1);
    // The same signal again is not recorded twice.
    expect(await recordSignals(t.db, [{ prospectId: xid(2), account: 'acct', kind: 'replied', postId: xid(77), occurredAt: AT }], minutesAfter(4))).toBe(0);
    const due = (await collect(streamMatchesToScore(t.db, 'saas-en'))).flat();
    expect(due.map((m) => [m.prospectId, m.score])).toEqual([
      [xid(0), 0],
      [xid(2), 20],
    ]);
  });

  it('saveScores writes score, components and explanation, and refuses a score out of 0–100', async () => {
    await seed(2);
    expect(
      await saveScores(t.db, [
        { persona: 'saas-en', prospectId: xid(0), score: 87, components: { fit: 0.9, intent: 0.7, authority: 0.5, activity: 0.4, authenticity: 1, signals: 0 }, explanation: "+22 title 'Head of Growth' matches; −15 account 9 days old", scoredAt: AT },
        { persona: 'saas-en', prospectId: xid(404), score: 1, components: {}, explanation: '', scoredAt: AT },
      ]),
    ).toBe(1);
    const [m] = await t.db.select().from(matches).where(eq(matches.prospectId, xid(0)));
    expect(m).toMatchObject({ score: 87, components: { fit: 0.9, intent: 0.7, authority: 0.5, activity: 0.4, authenticity: 1, signals: 0 }, explanation: "+22 title 'Head of Growth' matches; −15 account 9 days old", scoredAt: AT });
    await expect(saveScores(t.db, [{ persona: 'saas-en', prospectId: xid(1), score: 101, components: {}, explanation: '', scoredAt: AT }])).rejects.toThrow(
      `saveScores: the score of prospect ${xid(1)} for persona saas-en must be an integer from 0 to 100, got 101`,
    );
    expect(await rows(t.db, sql`select score from matches where prospect_id = ${xid(1)}`)).toEqual([{ score: null }]);
  });
});
