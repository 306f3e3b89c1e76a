import { listActions, planActions, type Action } from '../../db/actions.ts';
import { openBudgets } from '../../db/budgets.ts';
import type { LeadDetail } from '../../db/leads.ts';
import { actingAccountOf, bestRecentPost } from '../../db/engage.ts';
import type { ActionKind } from '../../db/schema.ts';
import { accountChooser, actingAccounts, personaAccounts } from './accounts.ts';
import { FencedError } from '../../db/workers.ts';
import { performAction, type EngageDeps, type PerformOutcome } from './perform.ts';

/**
 * A salesperson's click: perform the like or the follow planned for a lead, now. When engage has
 * not planned one yet (a lead queued before, or a persona in mode off), it is planned on the spot
 * the way engage would: the account `accountChooser` picks (the one already acting on the person,
 * else the lead owner's, else a stable pick; never a paused one), the person's best recent post for
 * a like. Then the same path as the engage job: budgets, one request, the outcome recorded.
 */

export type ActOutcome = PerformOutcome | { status: 'nothing'; reason: string };

async function planNow(deps: EngageDeps, lead: LeadDetail, kind: ActionKind): Promise<Action | string> {
  const accounts = await actingAccounts(deps.db, deps.door, deps.signal);
  if (accounts.length === 0) return 'no X account is configured to act';
  // A persona no longer configured: any of the team's accounts.
  const persona = deps.personas.find((p) => p.id === lead.persona) ?? { queue: { owners: [] } };
  const acting = await actingAccountOf(deps.db, lead.prospectId);
  const account = accountChooser(accounts, persona)({ prospectId: lead.prospectId, owner: lead.owner, account: acting });
  if (!account) {
    const already = acting ? accounts.find((a) => a.userId === acting) : undefined;
    if (already?.pausedAt) return `@${already.handle} already acts on @${lead.username} and is paused: ${already.pausedReason ?? 'no reason given'} (resume with: prospector accounts resume ${already.handle})`;
    if (acting) return `another account (${already ? `@${already.handle}` : `X user ${acting}`}) already acts on @${lead.username}, outside persona ${lead.persona}`;
    const paused = personaAccounts(accounts, persona).filter((a) => a.pausedAt);
    return `no active account for persona ${lead.persona}${paused.length ? ` (paused: ${paused.map((a) => `@${a.handle}`).join(', ')})` : ''}`;
  }
  let target = lead.prospectId;
  if (kind === 'like') {
    const post = await bestRecentPost(deps.db, { prospectId: lead.prospectId, persona: lead.persona, at: deps.now() });
    if (!post) return `@${lead.username} has no post from the last 7 days stored to like`;
    target = post;
  }
  const [planned] = await planActions(deps.db, [{ account: account.userId, kind, target, prospectId: lead.prospectId, persona: lead.persona }], deps.now());
  if (planned) return planned;
  const [existing] = await listActions(deps.db, { prospectId: lead.prospectId, kind, limit: 1 });
  return existing ?? `the ${kind} could not be planned (@${lead.username} may be on the do-not-contact list)`;
}

/** Performs the lead's planned like or follow now, as `actor`. */
export async function actOnLead(deps: EngageDeps, lead: LeadDetail, kind: ActionKind, actor: string): Promise<ActOutcome> {
  const actions = await listActions(deps.db, { prospectId: lead.prospectId, kind });
  const open = actions.find((a) => a.status === 'planned');
  const settled = actions.find((a) => a.status === 'done' || a.status === 'pending');
  if (!open && settled) {
    return { status: 'nothing', reason: `the ${kind} of @${lead.username} is already ${settled.status} (action ${settled.id}${settled.finishedAt ? `, ${settled.finishedAt.toISOString()}` : ''})` };
  }
  const action = open ?? (await planNow(deps, lead, kind));
  if (typeof action === 'string') return { status: 'nothing', reason: action };
  if (action.status !== 'planned') return { status: 'nothing', reason: `the ${kind} of @${lead.username} is ${action.status}` };
  try {
    return await performAction(deps, action.id, actor);
  } catch (error) {
    // A click is a person waiting: say what happened rather than fail the request.
    if (error instanceof FencedError) return { status: 'refused', kind: 'fenced', reason: `nothing was sent: this worker lost its database lock a moment ago and is taking it back; try again in a few seconds` };
    throw error;
  }
}

/** What is left of one budget window of the account that acted (or would have). */
export interface BudgetLeft {
  account: string;
  kind: ActionKind;
  scope: string;
  window: string;
  limit: number;
  used: number;
  left: number;
  resetAt: Date;
}

/**
 * After a click: the open budget windows of `kind` of the account that acted on the lead's person
 * (or already acts on them), for the page and the API to say what is left.
 */
export async function budgetLeftAfter(deps: EngageDeps, lead: Pick<LeadDetail, 'prospectId'>, kind: ActionKind, outcome: ActOutcome): Promise<BudgetLeft[]> {
  const account = 'action' in outcome ? outcome.action.account : await actingAccountOf(deps.db, lead.prospectId);
  if (!account) return [];
  return (await openBudgets(deps.db, deps.now()))
    .filter((b) => b.account === account && b.kind === kind)
    .map((b) => ({ account, kind, scope: b.scope, window: b.window, limit: b.limit, used: b.used, left: Math.max(0, b.limit - b.used), resetAt: b.resetAt }));
}
