import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import type { ReplyEntry } from '../../db/replies.ts';
import { clean, table } from '../format.ts';
import { withRuntime, type CommandDeps } from './common.ts';
import { integer } from './options.ts';

/**
 * Replies from the command line: `replies` lists those held for a person (a possible opt-out:
 * nobody engages the author meanwhile), `replies confirm <id>` (they asked us to stop: on the
 * do-not-contact list) and `replies dismiss <id>` (a normal reply: engagement resumes, the lead
 * warms; on an automatic opt-out, the author comes off the list). `replies` is a group: other
 * subcommands join it.
 */

const minute = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ');

/** How a reply was read and what became of it: `doubtful, held`, `opt_out, dismissed by maya`. */
function readingOf(r: ReplyEntry): string {
  if (r.decision) return `${r.outcome}, ${r.decision} by ${r.decidedBy ?? '?'}`;
  return r.held ? `${r.outcome}, held` : r.outcome;
}

/** A reply's author: their @handle when stored as a prospect, else their X user id. */
export function authorOf(r: Pick<ReplyEntry, 'username' | 'prospectId'>): string {
  return r.username ? `@${r.username}` : `user ${r.prospectId}`;
}

/** Replies as a table, newest first; every cell goes through `clean` (the text is the author's). */
export function printReplies(entries: readonly ReplyEntry[], all: boolean): string {
  if (entries.length === 0) return all ? 'No reply has been read yet.\n' : 'No reply is waiting for a person.\n';
  const rows = table(entries, [
    { header: 'reply', value: (r) => r.id, align: 'right' },
    { header: 'when (UTC)', value: (r) => minute(r.postedAt) },
    { header: 'from', value: (r) => authorOf(r), max: 20 },
    { header: 'to', value: (r) => (r.accountHandle ? `@${r.accountHandle}` : r.account) },
    { header: 'leads', value: (r) => r.leads.map((l) => `#${l.id} ${l.persona}`).join(', '), max: 40 },
    { header: 'reading', value: (r) => readingOf(r), max: 32 },
    { header: 'why', value: (r) => r.reason, max: 40 },
    { header: 'text', value: (r) => r.text, max: 70 },
  ]);
  const held = entries.filter((r) => r.held).length;
  const next = held ? `\n${held} held: nobody engages them until someone decides — prospector replies confirm <reply> (they asked us to stop) or dismiss <reply> (a normal reply).\n` : '\n';
  return `${rows}\n${next}`;
}

/** `7` or `#7`. */
function replyId(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!/^#?\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a reply number such as 7, got "${value}"`);
  return n;
}

export function registerRepliesCommands(program: Command, deps: CommandDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));

  const replies = program.command('replies').description('replies and mentions the worker read: the ones held as a possible opt-out, and deciding them');
  replies
    .command('list', { isDefault: true })
    .description('replies held for a person, newest first')
    .option('--all', 'every reply read, automatic readings and decided ones too')
    .option('--limit <n>', 'at most this many', integer('--limit', 1, 100_000), 200)
    .action(async (opts: { all?: boolean; limit: number }) => {
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        out(printReplies((await api.replies({ all: opts.all, limit: opts.limit })).replies, opts.all ?? false));
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: true } }, async (rt) => {
        const { listReplies } = await import('../../db/replies.ts');
        out(printReplies(await listReplies(rt.database.db, { all: opts.all ?? false, limit: opts.limit }), opts.all ?? false));
      });
    });

  for (const verdict of ['confirm', 'dismiss'] as const) {
    replies
      .command(verdict)
      .description(
        verdict === 'confirm'
          ? 'the reply asks us to stop: its author goes on the do-not-contact list'
          : 'the reply is a normal one: engagement resumes and the lead warms (on an automatic opt-out, the author comes off the list)',
      )
      .argument('<reply>', 'the reply number, as prospector replies shows it', replyId)
      .option('--note <text>', 'why, kept with the decision')
      .option('--as <name>', 'who decides (default: your user name)')
      .action(async (id: number, opts: { note?: string; as?: string }) => {
        const { viaWorker, ApiError } = await import('./remote.ts');
        const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
          try {
            const decided = await api.decideReply(id, { verdict, note: opts.note, as: opts.as ?? userInfo().username });
            out(`${clean(decided.message)}\n`);
          } catch (error) {
            // A refusal is decideReply's message, said as the command says it on the database.
            if (!(error instanceof ApiError)) throw error;
            say(clean(error.message));
            process.exitCode = 1;
          }
        });
        if (viaTheWorker) return;
        await withRuntime({ ...deps, say }, async (rt) => {
          const { decideReply, ReplyDecisionError } = await import('../engage/replies/decide.ts');
          try {
            const decided = await decideReply(
              { db: rt.database.db, config: rt.config, now: await rt.worldNow() },
              { id, verdict, actor: opts.as ?? userInfo().username, note: opts.note ?? null },
            );
            out(`${clean(decided.message)}\n`);
          } catch (error) {
            if (!(error instanceof ReplyDecisionError)) throw error;
            say(clean(error.message));
            process.exitCode = 1;
          }
        });
      });
  }
  // `replies classify` is registered on this group by its own module.
  return replies;
}
