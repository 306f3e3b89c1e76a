/**
 * A person's decision on a reply the worker read: the one function behind `prospector replies
 * confirm|dismiss` and the review page.
 *
 * - `confirm`: it asks us to stop. The author goes on do-not-contact everywhere (source `opt_out`,
 *   added by the person deciding, the reply linked in the list's history).
 * - `dismiss`: it is a normal reply. Engagement resumes, and the reply counts as any reply does
 *   (`replied` or `mentioned`): the lead warms and is rescored. On a reply the worker read as an
 *   opt-out, dismissing also takes the author off the list that reading put them on (with a history
 *   entry; their leads reopen where they were).
 *
 * Either way the decision, who, when and the note are kept on the reply; a reply is decided once.
 */
import type { Database } from '../../../db/client.ts';
import { getReply, settleReply, type Reply } from '../../../db/replies.ts';
import type { ReplyDecision } from '../../../db/schema.ts';
import type { Persona } from '../../config/persona.ts';
import { clean } from '../../format.ts';
import { warmAndRescore } from '../warm.ts';

export type ReplyVerdict = 'confirm' | 'dismiss';

export interface DecideReplyDeps {
  db: Database;
  config: { personas: readonly Persona[] };
  now: Date;
}

export interface DecideReplyInput {
  id: number;
  verdict: ReplyVerdict;
  /** The person deciding. */
  actor: string;
  note?: string | null;
}

export interface ReplyDecided {
  reply: Reply;
  /** What happened, in a line for a person. */
  message: string;
  /** Leads that turned warm (dismiss). */
  warmed: number;
}

/** Why a decision was refused; `reason` lets the page answer 404 or 409. */
export class ReplyDecisionError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_found' | 'already_decided' | 'nothing_to_dismiss' | 'no_actor',
  ) {
    super(message);
    this.name = 'ReplyDecisionError';
  }
}

const DECISION: Record<ReplyVerdict, ReplyDecision> = { confirm: 'confirmed', dismiss: 'dismissed' };

/** A reply's text quoted in a reason: one line, at most 80 characters. */
function quote(text: string): string {
  const line = clean(text).replace(/\s+/g, ' ');
  return `"${line.length > 80 ? `${line.slice(0, 79)}…` : line}"`;
}

/** Decides a reply (see above); a ReplyDecisionError says why not. */
export async function decideReply(deps: DecideReplyDeps, input: DecideReplyInput): Promise<ReplyDecided> {
  const actor = input.actor.trim();
  if (actor === '' || actor === 'system') throw new ReplyDecisionError(`deciding reply ${input.id} needs the name of the person deciding, got "${input.actor}"`, 'no_actor');
  const note = input.note?.trim() || null;
  const { db, now } = deps;
  const before = await getReply(db, input.id);
  if (!before) throw new ReplyDecisionError(`no reply ${input.id}: see prospector replies --all`, 'not_found');
  if (input.verdict === 'dismiss' && before.outcome === 'other' && before.decision === null) {
    throw new ReplyDecisionError(`reply ${input.id} was read as a normal reply already: there is nothing to dismiss (confirm it if it asks us to stop)`, 'nothing_to_dismiss');
  }
  const who = before.username ? `@${clean(before.username)}` : `user ${before.prospectId}`;
  const what = `reply ${before.id} ${quote(before.text)}`;
  const reason = note ?? (input.verdict === 'confirm' ? `confirmed opt-out: ${what}` : `opt-out reading dismissed: ${what}`);
  const result = await settleReply(db, { id: before.id, decision: DECISION[input.verdict], actor, note, reason, at: now });
  if (!result.settled && result.reason === 'not_found') throw new ReplyDecisionError(`no reply ${input.id}: see prospector replies --all`, 'not_found');
  if (!result.settled) {
    const done = result.reply;
    throw new ReplyDecisionError(
      `reply ${input.id} was already ${done.decision ?? 'decided'} by ${done.decidedBy ?? 'someone'}${done.decidedAt ? ` at ${done.decidedAt.toISOString()}` : ''}: a reply is decided once${input.verdict === 'confirm' ? '' : ' (prospector dnc remove takes someone off the list)'}`,
      'already_decided',
    );
  }
  if (input.verdict === 'confirm') {
    // Their matches score 0 at once, wherever they are matched.
    await warmAndRescore(db, deps.config.personas, { engaged: [], rescore: [before.prospectId] }, now);
    const closed = result.added?.leadsClosed.length ?? 0;
    const listed = result.added?.added ? 'now on the do-not-contact list' : 'already on the do-not-contact list';
    return { reply: result.reply, warmed: 0, message: `reply ${before.id} confirmed as an opt-out: ${who} is ${listed}${closed ? `; ${closed} ${closed === 1 ? 'lead' : 'leads'} closed` : ''}` };
  }
  const warmed = await warmAndRescore(db, deps.config.personas, { engaged: [before.prospectId] }, now);
  const parts = [`reply ${before.id} dismissed: counted as a normal ${before.kind}`];
  if (result.removed?.removed) {
    const reopened = result.removed.leadsReopened.length;
    parts.push(`${who} is off the do-not-contact list${reopened ? ` (${reopened} ${reopened === 1 ? 'lead' : 'leads'} reopened)` : ''}`);
  }
  if (result.keptOnList) parts.push(`${who} stays on the do-not-contact list (${result.keptOnList.source}, added by ${clean(result.keptOnList.addedBy)}): prospector dnc remove to change that`);
  else parts.push(`engagement with ${who} resumes`);
  if (warmed) parts.push(`${warmed} ${warmed === 1 ? 'lead' : 'leads'} warm`);
  return { reply: result.reply, warmed, message: parts.join('; ') };
}
