import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from './client.ts';
import { actions, doNotContact, leadEvents, leads, type LeadState } from './schema.ts';

/** Lead states a do-not-contact closes: everything not already settled. */
export const OPEN_LEAD_STATES: readonly LeadState[] = ['new', 'contacted', 'replied', 'snoozed'];

export interface DoNotContactInput {
  /** The person's X user id. They need not be a stored prospect. */
  prospectId: string;
  reason?: string | null;
  /** Where it came from: 'lead' (a salesperson's decision), 'opt_out' (the person asked), 'manual', 'import'. */
  source: string;
  /** A person's name, or 'system'. */
  addedBy: string;
  at?: Date;
}

export interface DoNotContactResult {
  /** False when the person was already on the list (the first entry is kept). */
  added: boolean;
  /** Open leads of that person, in any persona, now `do_not_contact`. */
  leadsClosed: number[];
  /** Planned likes and follows towards them, now `cancelled`. */
  actionsCancelled: number;
}

/**
 * Puts a person on the global do-not-contact list, in one transaction: their open leads in every
 * persona become `do_not_contact` (each with an event naming who and why), and likes or follows
 * still planned towards them are cancelled. Actions already sent stay as they are.
 */
export async function addDoNotContact(db: Database, input: DoNotContactInput): Promise<DoNotContactResult> {
  const at = input.at ?? new Date();
  const reason = input.reason ?? null;
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(doNotContact)
      .values({ prospectId: input.prospectId, reason, source: input.source, addedAt: at, addedBy: input.addedBy })
      .onConflictDoNothing()
      .returning({ prospectId: doNotContact.prospectId });
    const open = await tx
      .select({ id: leads.id, state: leads.state })
      .from(leads)
      .where(and(eq(leads.prospectId, input.prospectId), inArray(leads.state, OPEN_LEAD_STATES)))
      .orderBy(leads.id)
      .for('update');
    if (open.length > 0) {
      const ids = open.map((l) => l.id);
      await tx.update(leads).set({ state: 'do_not_contact', snoozedUntil: null, updatedAt: at }).where(inArray(leads.id, ids));
      await tx.insert(leadEvents).values(
        open.map((l) => ({ leadId: l.id, at, actor: input.addedBy, fromState: l.state, toState: 'do_not_contact' as const, note: reason ?? `do not contact (${input.source})` })),
      );
    }
    const cancelled = await tx
      .update(actions)
      .set({ status: 'cancelled', finishedAt: at, error: 'do not contact' })
      .where(and(eq(actions.prospectId, input.prospectId), eq(actions.status, 'planned')))
      .returning({ id: actions.id });
    return { added: inserted.length > 0, leadsClosed: open.map((l) => l.id), actionsCancelled: cancelled.length };
  });
}

/** Whether a person is on the do-not-contact list. */
export async function isDoNotContact(db: Database, prospectId: string): Promise<boolean> {
  const found = await db.select({ id: doNotContact.prospectId }).from(doNotContact).where(eq(doNotContact.prospectId, prospectId)).limit(1);
  return found.length > 0;
}
