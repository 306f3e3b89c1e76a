import { listAccounts } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import type { DoorAccount, XDoor } from '../x/door.ts';

/**
 * Which account acts: the one rule the engage job and a salesperson's click share. The accounts
 * come from the door (handle, owner, X user id); the database adds what people and X decided
 * about them (paused or not) and when each started engaging (its warm-up).
 */

/** An account the team acts as, with its pause and warm-up start. */
export interface ActingAccount extends DoorAccount {
  pausedAt: Date | null;
  pausedReason: string | null;
  engagingSince: Date;
}

/** The door's accounts that have their row (the runtime makes it when it opens the door), in config order. */
export async function actingAccounts(db: Database, door: XDoor, signal?: AbortSignal): Promise<ActingAccount[]> {
  const rows = new Map((await listAccounts(db)).map((r) => [r.handle, r]));
  const found: ActingAccount[] = [];
  for (const account of await door.accounts(signal)) {
    const row = rows.get(account.handle.toLowerCase());
    if (row) found.push({ ...account, pausedAt: row.pausedAt, pausedReason: row.pausedReason, engagingSince: row.engagingSince });
  }
  return found;
}

/** The persona's accounts: those of its owners (`queue.owners`), or every account when it names none. */
export function personaAccounts<A extends { owner: string }>(accounts: readonly A[], persona: { queue: { owners: readonly string[] } }): A[] {
  const owners = persona.queue.owners;
  return accounts.filter((a) => owners.length === 0 || owners.includes(a.owner));
}

/** Whom to act on: the person, the owner of their lead in this persona, the account already acting on them. */
export interface Person {
  prospectId: string;
  /** The owner of their lead in the persona, if queued. */
  owner?: string | null | undefined;
  /** The X user id of the account already acting on them (their first action), if any. */
  account?: string | null | undefined;
}

/**
 * The choice of the acting account for one persona, among its accounts that are not paused:
 * 1. the account already acting on the person: one person, one account (when that account is
 *    paused or not one of the persona's, nobody acts: undefined);
 * 2. else the lead owner's account;
 * 3. else one picked by a hash of the person's id among the accounts sorted by handle: the same
 *    person gets the same account run after run, and people spread evenly.
 * Returns a function of the person; undefined when no account may act on them.
 */
export function accountChooser<A extends { handle: string; owner: string; userId: string; pausedAt: Date | null }>(
  accounts: readonly A[],
  persona: { queue: { owners: readonly string[] } },
): (person: Person) => A | undefined {
  const active = personaAccounts(accounts, persona)
    .filter((a) => !a.pausedAt)
    .sort((a, b) => (a.handle.toLowerCase() < b.handle.toLowerCase() ? -1 : a.handle.toLowerCase() > b.handle.toLowerCase() ? 1 : 0));
  const byId = new Map(active.map((a) => [a.userId, a]));
  const byOwner = new Map<string, A>();
  for (const a of active) if (!byOwner.has(a.owner)) byOwner.set(a.owner, a);
  return (person) => {
    if (person.account) return byId.get(person.account);
    return (person.owner ? byOwner.get(person.owner) : undefined) ?? (active.length > 0 ? pick(active, person.prospectId) : undefined);
  };
}

/** A stable pick among items by a key (FNV-1a). */
function pick<T>(items: readonly T[], key: string): T {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return items[(h >>> 0) % items.length]!;
}
