import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { DoNotContactEntry, DoNotContactEvent, DoNotContactResult, RemoveDoNotContactResult } from '../../db/do-not-contact.ts';
import { clean, table } from '../format.ts';
import { UsageError, withRuntime, type CommandDeps } from './common.ts';
import { integer } from './options.ts';

/**
 * The do-not-contact list from the command line: `dnc list`, `dnc history [who]`, and a person
 * adding or removing someone with a reason (`dnc add|remove <@handle|id> --reason …`). Nothing is
 * erased: every change is an entry of the history, and a removal reopens the leads the list had
 * closed. Beside a worker that owns the embedded database, each goes through its API
 * (src/commands/remote.ts) and prints the same lines.
 */

const minute = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ');
const who = (r: { username: string | null; prospectId: string }) => (r.username ? `@${r.username}` : `user ${r.prospectId}`);

type Person = { prospectId: string; username: string | null };

/** The list as a table, most recently added first. */
export function printList(entries: readonly DoNotContactEntry[]): string {
  if (entries.length === 0) return 'Nobody is on the do-not-contact list.\n';
  return (
    table(entries, [
      { header: 'who', value: (e) => who(e), max: 20 },
      { header: 'name', value: (e) => e.name ?? '', max: 24 },
      { header: 'since (UTC)', value: (e) => minute(e.addedAt) },
      { header: 'by', value: (e) => e.addedBy, max: 20 },
      { header: 'source', value: (e) => e.source },
      { header: 'reply', value: (e) => (e.replyId === null ? '' : e.replyId), align: 'right' },
      { header: 'why', value: (e) => e.reason ?? '', max: 90 },
    ]) + '\n'
  );
}

/** `@maya is on the do-not-contact list; 1 lead closed`, a line for stdout. */
function addedLine(person: Person, result: DoNotContactResult): string {
  const closed = result.leadsClosed.length;
  return `${clean(who(person))} is on the do-not-contact list${closed ? `; ${closed} ${closed === 1 ? 'lead' : 'leads'} closed` : ''}${result.actionsCancelled ? `; ${result.actionsCancelled} planned ${result.actionsCancelled === 1 ? 'action' : 'actions'} cancelled` : ''}\n`;
}

/** Why an add changed nothing, for stderr. */
function alreadyListedLine(person: Person, entry: DoNotContactEntry | undefined): string {
  return `${clean(who(person))} is already on the do-not-contact list${entry ? ` (since ${minute(entry.addedAt)} UTC, ${entry.source}, by ${clean(entry.addedBy)})` : ''}`;
}

/** `@maya is off the do-not-contact list; leads reopened: #2 → contacted`, a line for stdout. */
function removedLine(person: Person, result: RemoveDoNotContactResult): string {
  const reopened = result.leadsReopened.map((l) => `#${l.id} → ${l.state}`).join(', ');
  return `${clean(who(person))} is off the do-not-contact list${reopened ? `; leads reopened: ${reopened}` : ''}${result.actionsReplanned ? `; ${result.actionsReplanned} cancelled ${result.actionsReplanned === 1 ? 'action' : 'actions'} planned again` : ''}\n`;
}

/** Why a removal changed nothing, for stderr. */
const notListedLine = (person: Person) => `${clean(who(person))} is not on the do-not-contact list`;

export function printHistory(events: readonly DoNotContactEvent[]): string {
  if (events.length === 0) return 'The do-not-contact list has no history yet.\n';
  return (
    table(events, [
      { header: 'when (UTC)', value: (e) => minute(e.at) },
      { header: 'who', value: (e) => who(e), max: 20 },
      { header: 'change', value: (e) => e.change },
      { header: 'by', value: (e) => e.actor, max: 20 },
      { header: 'source', value: (e) => e.source },
      { header: 'reply', value: (e) => (e.replyId === null ? '' : e.replyId), align: 'right' },
      { header: 'why', value: (e) => e.reason ?? '', max: 90 },
    ]) + '\n'
  );
}

export function registerDncCommands(program: Command, deps: CommandDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));

  const dnc = program.command('dnc').description('the do-not-contact list: nobody on it is queued, engaged or contacted, in any persona');
  dnc
    .command('list', { isDefault: true })
    .description('who is on the list, most recent first')
    .option('--limit <n>', 'at most this many', integer('--limit', 1, 1_000_000), 1000)
    .action(async (opts: { limit: number }) => {
      const { viaWorker } = await import('./remote.ts');
      if (await viaWorker({ ...deps, say }, async (api) => out(printList((await api.dnc({ limit: opts.limit })).entries)))) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: true } }, async (rt) => {
        const { listDoNotContact } = await import('../../db/do-not-contact.ts');
        out(printList(await listDoNotContact(rt.database.db, { limit: opts.limit })));
      });
    });

  dnc
    .command('history')
    .description("every change to the list, oldest first: everyone's, or one person's")
    .argument('[who]', "the person's @handle or X user id")
    .action(async (key: string | undefined) => {
      const { viaWorker } = await import('./remote.ts');
      if (await viaWorker({ ...deps, say }, async (api) => out(printHistory((await knownTo(key, () => api.dncHistory(key))).events)))) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: true } }, async (rt) => {
        const { doNotContactHistory, findPerson } = await import('../../db/do-not-contact.ts');
        let prospectId: string | undefined;
        if (key !== undefined) prospectId = (await findPerson(rt.database.db, key))?.prospectId ?? unknownPerson(key);
        out(printHistory(await doNotContactHistory(rt.database.db, prospectId === undefined ? {} : { prospectId })));
      });
    });

  dnc
    .command('add')
    .description('put someone on the list: their open leads close everywhere, planned likes and follows are cancelled')
    .argument('<who>', "the person's @handle or X user id")
    .requiredOption('--reason <text>', 'why, kept in the history')
    .option('--as <name>', 'who adds them (default: your user name)')
    .action(async (key: string, opts: { reason: string; as?: string }) => {
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        const { person, result, entry } = await knownTo(key, () => api.dncAdd({ who: key, reason: opts.reason, as: actor(opts.as) }));
        if (result.added) out(addedLine(person, result));
        else {
          say(alreadyListedLine(person, entry));
          process.exitCode = 1;
        }
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say }, async (rt) => {
        const { addDoNotContact, findPerson, listDoNotContact } = await import('../../db/do-not-contact.ts');
        // An X user id Prospector has not seen yet may be listed too: someone who asked by email is never engaged.
        const id = key.trim();
        const person = (await findPerson(rt.database.db, key)) ?? (/^\d{1,20}$/.test(id) ? { prospectId: id, username: null } : unknownPerson(key));
        const result = await addDoNotContact(rt.database.db, { prospectId: person.prospectId, source: 'manual', addedBy: actor(opts.as), reason: opts.reason, at: await rt.worldNow() });
        if (!result.added) {
          const [entry] = await listDoNotContact(rt.database.db, { prospectId: person.prospectId });
          say(alreadyListedLine(person, entry));
          process.exitCode = 1;
          return;
        }
        out(addedLine(person, result));
      });
    });

  dnc
    .command('remove')
    .description('take someone off the list: the leads it closed go back to the state they had, engagement may resume')
    .argument('<who>', "the person's @handle or X user id")
    .requiredOption('--reason <text>', 'why, kept in the history')
    .option('--as <name>', 'who removes them (default: your user name)')
    .action(async (key: string, opts: { reason: string; as?: string }) => {
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        const { person, result } = await knownTo(key, () => api.dncRemove({ who: key, reason: opts.reason, as: actor(opts.as) }));
        if (result.removed) out(removedLine(person, result));
        else {
          say(notListedLine(person));
          process.exitCode = 1;
        }
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say }, async (rt) => {
        const { findPerson, removeDoNotContact } = await import('../../db/do-not-contact.ts');
        const person = (await findPerson(rt.database.db, key)) ?? unknownPerson(key);
        const result = await removeDoNotContact(rt.database.db, { prospectId: person.prospectId, source: 'manual', removedBy: actor(opts.as), reason: opts.reason, at: await rt.worldNow() });
        if (!result.removed) {
          say(notListedLine(person));
          process.exitCode = 1;
          return;
        }
        out(removedLine(person, result));
      });
    });

  return dnc;
}

function actor(as: string | undefined): string {
  const name = (as ?? userInfo().username).trim();
  if (name === '' || name === 'system') throw new UsageError(`--as: give the name of the person deciding, got "${as ?? ''}"`);
  return name;
}

/** The worker's answer; someone it does not know is said as the command says it on the database. */
async function knownTo<T>(key: string | undefined, call: () => Promise<T>): Promise<T> {
  const { ApiError } = await import('./remote.ts');
  try {
    return await call();
  } catch (error) {
    if (key !== undefined && error instanceof ApiError && error.status === 404 && error.field === 'who') unknownPerson(key);
    throw error;
  }
}

function unknownPerson(key: string): never {
  throw new UsageError(`no one known as ${clean(key)}: give the @handle or the X user id of a prospect Prospector has seen (prospector queue lists them)`);
}
