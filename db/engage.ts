import { eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { rows } from './rows.ts';
import { personaThrottle } from './schema.ts';

/**
 * What the engage job and a salesperson's click read: whom to touch and with which post, and the
 * auto-throttle's state (a persona's caps factor and its follow-back record).
 */

const RECENT_MS = 7 * 86_400_000;

/**
 * The person's best recent post to like, as a scalar subquery: the post that matched the persona
 * when it is recent, else their latest (never a repost), from the last 7 days.
 */
function bestPost(prospectId: SQL, matchPostId: SQL, at: Date): SQL {
  const since = new Date(at.getTime() - RECENT_MS).toISOString();
  return sql`(select po.x_post_id from posts po
    where po.author_id = ${prospectId} and po.kind <> 'retweet' and po.created_at > ${since}::timestamptz
    order by (po.x_post_id = ${matchPostId}) desc nulls last, po.created_at desc, po.x_post_id desc limit 1)`;
}

/** The post a like of this person (for this persona) would go to, if any is recent enough. */
export async function bestRecentPost(db: Database, input: { prospectId: string; persona: string; at: Date }): Promise<string | undefined> {
  const matchPost = sql`(select m.post_id from matches m where m.persona = ${input.persona} and m.prospect_id = ${input.prospectId})`;
  const [row] = await rows<{ id: string | null }>(db, sql`select ${bestPost(sql`${input.prospectId}`, matchPost, input.at)} as id`);
  return row?.id ?? undefined;
}

/** The account already acting on a person, as a scalar subquery: the one of their first action, whatever its state. */
function actingAccount(prospectId: SQL): SQL {
  return sql`(select a.account from actions a where a.prospect_id = ${prospectId} order by a.id limit 1)`;
}

/** The X user id of the account already acting on this person, if any account acted or plans to. */
export async function actingAccountOf(db: Database, prospectId: string): Promise<string | undefined> {
  const [row] = await rows<{ account: string | null }>(db, sql`select ${actingAccount(sql`${prospectId}`)} as account`);
  return row?.account ?? undefined;
}

export interface EngageCandidate {
  prospect_id: string;
  score: number;
  /** The post a like would go to. */
  post_id: string | null;
  /** The owner of their lead in this persona, if queued. */
  owner: string | null;
  /** The account already acting on this person, if any. */
  account: string | null;
  has_like: boolean;
  has_follow: boolean;
}

/**
 * Matches of a persona at or above its engage threshold, best first, that still lack a like or a
 * follow (by any account), are not on the do-not-contact list and have no reply held for a person
 * (a possible opt-out pauses engagement until someone decides).
 */
export async function engageCandidates(db: Database, input: { persona: string; threshold: number; at: Date; limit: number }): Promise<EngageCandidate[]> {
  return rows<EngageCandidate>(
    db,
    sql`
    select m.prospect_id, m.score,
      ${bestPost(sql`m.prospect_id`, sql`m.post_id`, input.at)} as post_id,
      (select l.owner from leads l where l.prospect_id = m.prospect_id and l.persona = ${input.persona}) as owner,
      ${actingAccount(sql`m.prospect_id`)} as account,
      exists (select 1 from actions a where a.prospect_id = m.prospect_id and a.kind = 'like') as has_like,
      exists (select 1 from actions a where a.prospect_id = m.prospect_id and a.kind = 'follow') as has_follow
    from matches m
    where m.persona = ${input.persona} and m.score >= ${input.threshold}
      and not exists (select 1 from do_not_contact d where d.prospect_id = m.prospect_id)
      and not exists (select 1 from replies r where r.prospect_id = m.prospect_id and r.held)
      and not (exists (select 1 from actions a where a.prospect_id = m.prospect_id and a.kind = 'like')
           and exists (select 1 from actions a where a.prospect_id = m.prospect_id and a.kind = 'follow'))
    order by m.score desc, m.prospect_id
    limit ${input.limit}`,
  );
}

export type Throttle = typeof personaThrottle.$inferSelect;

/** A persona's throttle, if it was ever throttled. */
export async function getThrottle(db: Database, persona: string): Promise<Throttle | undefined> {
  const [row] = await db.select().from(personaThrottle).where(eq(personaThrottle.persona, persona));
  return row;
}

/** The throttle factor of a persona (1 when never throttled). */
export async function throttleFactor(db: Database, persona: string): Promise<number> {
  const row = await getThrottle(db, persona);
  return row ? Number(row.factor) : 1;
}

/**
 * Halves a persona's caps (never below 1/16) and records why. `followsDone` is the persona's count
 * of done follows now: the next follow-back check waits for that many more.
 */
export async function halveCaps(db: Database, input: { persona: string; reason: string; followsDone: number; at: Date }): Promise<number> {
  const current = await throttleFactor(db, input.persona);
  const factor = Math.max(1 / 16, current / 2);
  await db
    .insert(personaThrottle)
    .values({ persona: input.persona, factor, reason: input.reason, followsAtChange: input.followsDone, updatedAt: input.at })
    .onConflictDoUpdate({ target: personaThrottle.persona, set: { factor, reason: input.reason, followsAtChange: input.followsDone, updatedAt: input.at } });
  return factor;
}

/** Throttled personas, most recent first. */
export async function listThrottles(db: Database): Promise<Throttle[]> {
  return db.select().from(personaThrottle).orderBy(sql`${personaThrottle.updatedAt} desc`);
}

/** Full caps again for a persona; returns whether it was throttled. */
export async function resetThrottle(db: Database, persona: string): Promise<boolean> {
  const gone = await db.delete(personaThrottle).where(eq(personaThrottle.persona, persona)).returning({ persona: personaThrottle.persona });
  return gone.length > 0;
}

/** Follows a persona has done (for the throttle's bookkeeping). */
export async function followsDone(db: Database, persona: string): Promise<number> {
  const [row] = await rows<{ n: number }>(db, sql`select count(*)::int as n from actions where persona = ${persona} and kind = 'follow' and status = 'done'`);
  return Number(row?.n ?? 0);
}

/**
 * The persona's last `n` done follows that finished by `answeredBy` (old enough to be answered),
 * and how many of them were followed back or accepted by the person, to the same account.
 */
export async function followBackRecord(db: Database, input: { persona: string; n: number; answeredBy: Date }): Promise<{ follows: number; back: number }> {
  const [stats] = await rows<{ follows: number; back: number }>(
    db,
    sql`
    with recent as (
      select a.account, a.prospect_id from actions a
      where a.persona = ${input.persona} and a.kind = 'follow' and a.status = 'done' and a.finished_at <= ${input.answeredBy.toISOString()}::timestamptz
      order by a.finished_at desc, a.id desc limit ${input.n}
    )
    select count(*)::int as follows,
      count(*) filter (where exists (select 1 from signals s where s.prospect_id = r.prospect_id and s.account = r.account and s.kind in ('followed_back', 'follow_accepted')))::int as back
    from recent r`,
  );
  return stats ?? { follows: 0, back: 0 };
}
