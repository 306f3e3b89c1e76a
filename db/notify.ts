import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { OPEN_LEAD_STATES } from './do-not-contact.ts';
import { rows } from './rows.ts';
import { notifications, type NotificationKind, type NotificationStatus, type SignalKind } from './schema.ts';

/**
 * The outbox of outgoing webhooks (`notifications`): what the queue job and the warming code
 * write, what a worker claims and delivers in the background, and what the Activity page reads.
 * Writing is idempotent (a `key` per piece of news and webhook); claiming uses FOR UPDATE SKIP
 * LOCKED and a lease, so two workers never send one row at once and a worker that dies while
 * sending leaves the row to be tried again once its lease runs out.
 */

export type NotificationRow = typeof notifications.$inferSelect;

export interface NewNotification {
  /** One piece of news for one webhook: writing it again does nothing. */
  key: string;
  /** The webhook's `url_env`. */
  target: string;
  kind: NotificationKind;
  message: unknown;
}

/** Adds notifications to the outbox, due at once; those whose key exists are left alone. Returns the ids added. */
export async function addNotifications(db: Database, items: readonly NewNotification[], at: Date): Promise<number[]> {
  if (items.length === 0) return [];
  const added = await db
    .insert(notifications)
    .values(items.map((n) => ({ key: n.key, target: n.target, kind: n.kind, message: n.message, status: 'pending' as const, nextAt: at, createdAt: at })))
    .onConflictDoNothing({ target: notifications.key })
    .returning({ id: notifications.id });
  return added.map((r) => r.id);
}

/** A lead of a day's queue, as a notification quotes it. */
export interface DigestLead {
  id: number;
  owner: string | null;
  score: number;
  reasons: string | null;
  username: string;
  name: string;
  xUserId: string;
}

export interface QueueDigest {
  total: number;
  byOwner: Array<{ owner: string | null; count: number }>;
  /** The best three, best first. */
  top: DigestLead[];
}

/** How many leads a persona's queue of `day` has (per owner, or one owner's), and its best three. */
export async function queueDigest(db: Database, input: { persona: string; day: string; owner?: string }): Promise<QueueDigest> {
  const owner = input.owner === undefined ? sql`` : sql`and l.owner = ${input.owner}`;
  const counts = await rows<{ owner: string | null; count: number }>(
    db,
    sql`select l.owner, count(*)::int as count from leads l
        where l.persona = ${input.persona} and l.queued_on = ${input.day}::date ${owner}
        group by l.owner order by count(*) desc, l.owner nulls last`,
  );
  const top = await rows<DigestLead>(
    db,
    sql`select l.id, l.owner, l.score::int as score, l.reasons, p.username, p.name, p.x_user_id as "xUserId"
        from leads l join prospects p on p.x_user_id = l.prospect_id
        where l.persona = ${input.persona} and l.queued_on = ${input.day}::date ${owner}
        order by l.score desc, l.id limit 3`,
  );
  return { total: counts.reduce((n, c) => n + c.count, 0), byOwner: counts, top };
}

/** A warm lead, as a notification tells it. */
export interface WarmLeadNotice {
  id: number;
  persona: string;
  owner: string | null;
  score: number;
  warmAt: Date;
  username: string;
  name: string;
  xUserId: string;
  /** Their first positive signal, which warmed the lead, and the account it was to (handle when known). */
  signal: SignalKind | null;
  account: string | null;
}

/**
 * Open warm leads to tell about: those given (`ids`, just warmed) and, to catch up what a crash
 * between warming and writing the outbox left out, every lead warm since `since`.
 */
export async function warmLeadNotices(db: Database, input: { ids: readonly number[]; since: Date }): Promise<WarmLeadNotice[]> {
  const found = await rows<Omit<WarmLeadNotice, 'warmAt'> & { warmAt: string | Date }>(
    db,
    sql`select l.id, l.persona, l.owner, l.score::int as score, l.warm_at as "warmAt", p.username, p.name, p.x_user_id as "xUserId",
               s.kind as signal, coalesce(a.handle, s.account) as account
        from leads l
        join prospects p on p.x_user_id = l.prospect_id
        left join lateral (
          select s.kind, s.account from signals s
          where s.prospect_id = l.prospect_id and s.kind <> 'opt_out'
          order by s.occurred_at, s.id limit 1) s on true
        left join accounts a on a.x_user_id = s.account
        where l.warm_at is not null
          and l.state = any(${sql.param([...OPEN_LEAD_STATES])}::text[])
          and (l.id = any(${sql.param([...input.ids])}::int[]) or l.warm_at >= ${input.since.toISOString()}::timestamptz)
        order by l.id`,
  );
  return found.map((r) => ({ ...r, warmAt: new Date(r.warmAt) }));
}

/**
 * Claims up to `limit` due notifications for these webhooks: new ones, pending ones whose next try
 * has come, and `sending` ones whose claim ran out (their worker died mid-send). A new one is due
 * whatever its `next_at` says: it was written on the clock of the job that wrote it (a sandbox's,
 * say), and the sender keeps its own. Each claim counts as a try and
 * holds the row for `leaseMs`. Rows another worker is claiming are skipped, not waited for.
 */
export async function claimNotifications(
  db: Database,
  input: { targets: readonly string[]; workerId: string; at: Date; leaseMs: number; limit: number },
): Promise<NotificationRow[]> {
  if (input.targets.length === 0) return [];
  const at = input.at.toISOString();
  const claimed = await rows<{ id: string | number }>(
    db,
    sql`update notifications n set status = 'sending', worker_id = ${input.workerId}, attempts = n.attempts + 1,
          next_at = ${new Date(input.at.getTime() + input.leaseMs).toISOString()}::timestamptz
        where n.id in (
          select c.id from notifications c
          where c.status in ('pending', 'sending') and (c.next_at <= ${at}::timestamptz or (c.status = 'pending' and c.attempts = 0))
            and c.target = any(${sql.param([...input.targets])}::text[])
          order by c.next_at, c.id
          for update skip locked
          limit ${input.limit})
        returning n.id`,
  );
  if (claimed.length === 0) return [];
  const ids = claimed.map((r) => Number(r.id));
  return db
    .select()
    .from(notifications)
    .where(sql`${notifications.id} = any(${sql.param(ids)}::bigint[])`)
    .orderBy(notifications.nextAt, notifications.id);
}

export type Settlement = { status: 'sent' } | { status: 'pending'; nextAt: Date; error: string } | { status: 'failed'; error: string };

/**
 * Records how a try ended, only while this worker still holds the row (a worker whose claim ran
 * out and was taken over records nothing). Returns whether it was recorded.
 */
export async function settleNotification(db: Database, input: { id: number; workerId: string; at: Date; outcome: Settlement }): Promise<boolean> {
  const { outcome } = input;
  const done = await db
    .update(notifications)
    .set({
      status: outcome.status,
      workerId: null,
      ...(outcome.status === 'sent' ? { sentAt: input.at, nextAt: input.at } : { lastError: outcome.error, nextAt: outcome.status === 'pending' ? outcome.nextAt : input.at }),
    })
    .where(and(eq(notifications.id, input.id), eq(notifications.workerId, input.workerId), eq(notifications.status, 'sending')))
    .returning({ id: notifications.id });
  return done.length > 0;
}

/** A notification as the Activity page lists it. */
export interface NotificationEntry {
  id: number;
  kind: NotificationKind;
  target: string;
  status: NotificationStatus;
  attempts: number;
  nextAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  message: unknown;
}

/** The latest notifications, newest first, with their status and last error (`status` to filter, e.g. failed). */
export async function recentNotifications(db: Database, input: { limit?: number; status?: NotificationStatus } = {}): Promise<NotificationEntry[]> {
  return db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      target: notifications.target,
      status: notifications.status,
      attempts: notifications.attempts,
      nextAt: notifications.nextAt,
      lastError: notifications.lastError,
      createdAt: notifications.createdAt,
      sentAt: notifications.sentAt,
      message: notifications.message,
    })
    .from(notifications)
    .where(input.status === undefined ? undefined : eq(notifications.status, input.status))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(input.limit ?? 50);
}
