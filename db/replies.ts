import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { addDoNotContact, listDoNotContact, OPEN_LEAD_STATES, removeDoNotContact, type DoNotContactEntry, type DoNotContactResult, type RemoveDoNotContactResult } from './do-not-contact.ts';
import { accounts, prospects, replies, type LeadState, type ReplyDecision, type ReplyOutcome, type SignalKind } from './schema.ts';
import { addSignals, withdrawSignal } from './signals.ts';

/**
 * Replies and mentions the signals job read, with their reading; the ones held for a person; and
 * a person's decision on one, which acts in the same transaction (do-not-contact, the reply
 * counted as a normal one).
 */

export type Reply = typeof replies.$inferSelect;
export type ReplyKind = 'reply' | 'mention';

export interface ReplyInput {
  postId: string;
  prospectId: string;
  /** The account addressed (its X user id). */
  account: string;
  kind: ReplyKind;
  text: string;
  language: string | null;
  outcome: ReplyOutcome;
  reason: string;
  postedAt: Date;
  readAt: Date;
}

/**
 * Records a reading, once per (post, account): a `doubtful` one is held. A post read again (a run
 * cut short before its cursor moved) keeps its first row, decision and all; `isNew` says which.
 */
export async function recordReply(db: Database, input: ReplyInput): Promise<{ reply: Reply; isNew: boolean }> {
  const [inserted] = await db
    .insert(replies)
    .values({ ...input, held: input.outcome === 'doubtful' })
    .onConflictDoNothing({ target: [replies.postId, replies.account] })
    .returning();
  if (inserted) return { reply: inserted, isNew: true };
  const [stored] = await db.select().from(replies).where(and(eq(replies.postId, input.postId), eq(replies.account, input.account)));
  if (!stored) throw new Error(`recordReply: post ${input.postId} to account ${input.account} was neither inserted nor found`);
  return { reply: stored, isNew: false };
}

export interface ReplyLead {
  id: number;
  persona: string;
  state: LeadState;
}

/** A reply as people see it: who wrote it, to which account, and their open leads. */
export interface ReplyEntry extends Reply {
  /** From the prospects table; null for someone never stored as a prospect. */
  username: string | null;
  name: string | null;
  accountHandle: string | null;
  leads: ReplyLead[];
}

const openLeads = sql<ReplyLead[]>`coalesce((
    select json_agg(json_build_object('id', l.id, 'persona', l.persona, 'state', l.state) order by l.id)
    from leads l where l.prospect_id = ${replies.prospectId} and l.state in (${sql.join(
      OPEN_LEAD_STATES.map((s) => sql`${s}`),
      sql`, `,
    )})), '[]'::json)`;

function selectEntries(db: Database) {
  return db
    .select({ reply: replies, username: prospects.username, name: prospects.name, accountHandle: accounts.handle, leads: openLeads })
    .from(replies)
    .leftJoin(prospects, eq(prospects.xUserId, replies.prospectId))
    .leftJoin(accounts, eq(accounts.xUserId, replies.account));
}

type Selected = Awaited<ReturnType<ReturnType<typeof selectEntries>['where']>>[number];
const entry = (r: Selected): ReplyEntry => ({ ...r.reply, username: r.username, name: r.name, accountHandle: r.accountHandle, leads: r.leads });

/**
 * Replies newest first (by when they were posted): the held ones, or with `all` every reply read,
 * automatic readings and decided ones included.
 */
export async function listReplies(db: Database, input: { all?: boolean; prospectIds?: readonly string[]; limit?: number } = {}): Promise<ReplyEntry[]> {
  const found = await selectEntries(db)
    .where(and(input.all ? undefined : eq(replies.held, true), input.prospectIds ? inArray(replies.prospectId, [...input.prospectIds]) : undefined))
    .orderBy(desc(replies.postedAt), desc(replies.id))
    .limit(input.limit ?? 500);
  return found.map(entry);
}

/** One reply by its id. */
export async function getReply(db: Database, id: number): Promise<ReplyEntry | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const [found] = await selectEntries(db).where(eq(replies.id, id));
  return found ? entry(found) : undefined;
}

/** The held replies of these people, newest first, by person: what pauses engagement with them. */
export async function heldRepliesOf(db: Database, prospectIds: readonly string[]): Promise<Map<string, ReplyEntry[]>> {
  const byPerson = new Map<string, ReplyEntry[]>();
  if (prospectIds.length === 0) return byPerson;
  for (const reply of await listReplies(db, { prospectIds: [...new Set(prospectIds)] })) {
    const list = byPerson.get(reply.prospectId) ?? [];
    list.push(reply);
    byPerson.set(reply.prospectId, list);
  }
  return byPerson;
}

/** A person's newest held reply, if any: while there is one, nobody engages them. */
export async function heldReplyOf(db: Database, prospectId: string): Promise<ReplyEntry | undefined> {
  return (await heldRepliesOf(db, [prospectId])).get(prospectId)?.[0];
}

export interface SettleReplyInput {
  id: number;
  decision: ReplyDecision;
  /** The person deciding. */
  actor: string;
  note: string | null;
  /** Why the person goes on (or comes off) the list, for its history. */
  reason: string;
  at: Date;
}

export type SettleReplyResult =
  | { settled: false; reason: 'not_found' }
  | { settled: false; reason: 'already_decided'; reply: Reply }
  | {
      settled: true;
      reply: Reply;
      /** Confirmed: the person on do-not-contact (or already there). */
      added?: DoNotContactResult;
      /** Dismissed opt-out: the person off the list, when this reply had put them there. */
      removed?: RemoveDoNotContactResult;
      /** Dismissed opt-out: the person stays on the list, put there by something else. */
      keptOnList?: DoNotContactEntry;
      /** The signal recorded for the reply, when it was new. */
      signal?: SignalKind;
    };

/**
 * A person's decision on a reply, in one transaction, at most once (a second decision finds it
 * decided and changes nothing). Either way it is no longer held.
 * - `confirmed`: an opt-out. The author goes on do-not-contact (source `opt_out`, added by the
 *   person, linked to the reply) with an `opt_out` signal.
 * - `dismissed`: a normal reply. When it had been read as an opt-out, the author comes off the
 *   list if this reply put them there, and its `opt_out` signal is withdrawn (a misreading is not
 *   something they did; the reading and the decision stay on the reply, the list's history keeps
 *   both changes). The reply is then recorded as `replied` or `mentioned`.
 */
export async function settleReply(db: Database, input: SettleReplyInput): Promise<SettleReplyResult> {
  return db.transaction(async (tx) => {
    const [reply] = await tx.select().from(replies).where(eq(replies.id, input.id)).for('update');
    if (!reply) return { settled: false, reason: 'not_found' };
    if (reply.decision !== null) return { settled: false, reason: 'already_decided', reply };
    const [decided] = await tx
      .update(replies)
      .set({ held: false, decision: input.decision, decidedBy: input.actor, decidedAt: input.at, note: input.note })
      .where(and(eq(replies.id, reply.id), isNull(replies.decision)))
      .returning();
    const signal = { prospectId: reply.prospectId, account: reply.account, postId: reply.postId, occurredAt: reply.postedAt };
    if (input.decision === 'confirmed') {
      const added = await addDoNotContact(tx, { prospectId: reply.prospectId, source: 'opt_out', addedBy: input.actor, reason: input.reason, replyId: reply.id, at: input.at });
      const [recorded] = await addSignals(tx, [{ ...signal, kind: 'opt_out' }], input.at);
      return { settled: true, reply: decided!, added, ...(recorded ? { signal: recorded.kind } : {}) };
    }
    let removed: RemoveDoNotContactResult | undefined;
    let keptOnList: DoNotContactEntry | undefined;
    if (reply.outcome === 'opt_out') {
      await withdrawSignal(tx, { ...signal, kind: 'opt_out' }, input.at);
      const [listed] = await listDoNotContact(tx, { prospectId: reply.prospectId });
      if (listed && listed.replyId === reply.id) {
        removed = await removeDoNotContact(tx, { prospectId: reply.prospectId, source: 'reply', removedBy: input.actor, reason: input.reason, replyId: reply.id, at: input.at });
      } else if (listed) {
        keptOnList = listed;
      }
    }
    const [recorded] = await addSignals(tx, [{ ...signal, kind: reply.kind === 'reply' ? 'replied' : 'mentioned' }], input.at);
    return { settled: true, reply: decided!, ...(removed ? { removed } : {}), ...(keptOnList ? { keptOnList } : {}), ...(recorded ? { signal: recorded.kind } : {}) };
  });
}
