import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { addNotifications, queueDigest, warmLeadNotices, type NewNotification } from '../../db/notify.ts';
import { SIGNAL_KINDS } from '../../db/schema.ts';
import { ALL_OWNERS } from '../config/worker.ts';

/**
 * What a webhook is told, written to the outbox (`db/notify.ts`) by the code that has the news and
 * delivered later by the sender (`sender.ts`): a job never waits on a receiver. A message holds
 * facts and paths (`/leads/12`), not a formatted body nor a full URL: the sender formats it for its
 * webhook (Slack or JSON) and puts the page's address in front at each try.
 *
 * Both writers are idempotent, one message per piece of news and webhook, so running them again
 * (a share taken over after a crash, a second queue run the same day) sends nothing twice.
 */

/** A webhook as the writers see it: its `url_env` (its id in the outbox) and whose leads it hears about. */
export interface NotifyRecipient {
  readonly url_env: string;
  readonly owner: string;
}

/** How far back the warming code looks for warm leads nobody was told about (a crash in between). */
export const WARM_CATCH_UP_MS = 2 * 86_400_000;

const leadRef = z.object({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  xUserId: z.string(),
  owner: z.string().nullable(),
  score: z.number(),
  reasons: z.string().nullable(),
});

const queueReady = z.object({
  kind: z.literal('queue_ready'),
  persona: z.string(),
  day: z.string(),
  /** The owner the webhook is for, or null for the team. */
  owner: z.string().nullable(),
  total: z.number().int(),
  byOwner: z.array(z.object({ owner: z.string().nullable(), count: z.number().int() })),
  top: z.array(leadRef),
  /** The queue on the page, relative to its address. */
  path: z.string(),
});

const leadWarm = z.object({
  kind: z.literal('lead_warm'),
  lead: leadRef.omit({ reasons: true }),
  persona: z.string(),
  signal: z.enum(SIGNAL_KINDS).nullable(),
  /** The team's account they engaged with (its handle when known). */
  account: z.string().nullable(),
  warmAt: z.string(),
  path: z.string(),
});

/** A stored message, checked when read back: rows outlive deploys. */
export const MessageSchema = z.discriminatedUnion('kind', [queueReady, leadWarm]);
export type Message = z.infer<typeof MessageSchema>;
export type QueueReadyMessage = z.infer<typeof queueReady>;
export type LeadWarmMessage = z.infer<typeof leadWarm>;

const forOwner = (r: NotifyRecipient) => (r.owner === ALL_OWNERS ? undefined : r.owner);

/**
 * After the queue job filled a persona's queue for `day`: one message per webhook whose owner (or
 * team) has leads in it. Derived from the leads table, so a run taken over after a crash between
 * the queue and this still writes it; written once per webhook, persona and day.
 */
export async function notifyQueueReady(db: Database, input: { persona: string; day: string; recipients: readonly NotifyRecipient[]; at: Date }): Promise<number> {
  const items: NewNotification[] = [];
  for (const r of input.recipients) {
    const owner = forOwner(r);
    const digest = await queueDigest(db, { persona: input.persona, day: input.day, ...(owner === undefined ? {} : { owner }) });
    if (digest.total === 0) continue;
    const query = new URLSearchParams({ persona: input.persona, date: input.day, ...(owner === undefined ? {} : { owner }) });
    const message: QueueReadyMessage = { kind: 'queue_ready', persona: input.persona, day: input.day, owner: owner ?? null, ...digest, path: `/?${query}` };
    items.push({ key: `queue_ready:${r.url_env}:${input.persona}:${input.day}`, target: r.url_env, kind: 'queue_ready', message });
  }
  return (await addNotifications(db, items, input.at)).length;
}

/**
 * After leads turned warm (`ids`): one message per lead and webhook that hears about its owner.
 * Leads warm since WARM_CATCH_UP_MS ago that nobody was told about are caught up too.
 */
export async function notifyWarmLeads(db: Database, input: { ids: readonly number[]; recipients: readonly NotifyRecipient[]; at: Date }): Promise<number> {
  if (input.recipients.length === 0) return 0;
  const warm = await warmLeadNotices(db, { ids: input.ids, since: new Date(input.at.getTime() - WARM_CATCH_UP_MS) });
  const items: NewNotification[] = [];
  for (const lead of warm) {
    const message: LeadWarmMessage = {
      kind: 'lead_warm',
      lead: { id: lead.id, username: lead.username, name: lead.name, xUserId: lead.xUserId, owner: lead.owner, score: lead.score },
      persona: lead.persona,
      signal: lead.signal,
      account: lead.account,
      warmAt: lead.warmAt.toISOString(),
      path: `/leads/${lead.id}`,
    };
    for (const r of input.recipients) {
      const owner = forOwner(r);
      if (owner !== undefined && owner !== lead.owner) continue;
      items.push({ key: `lead_warm:${r.url_env}:${lead.id}`, target: r.url_env, kind: 'lead_warm', message });
    }
  }
  return (await addNotifications(db, items, input.at)).length;
}
