import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { ActionKind, StopKind } from '../../db/schema.ts';
import { clean, table } from '../format.ts';
import { engageDeps, leadOrSay, withRuntime, type CommandDeps } from './common.ts';

/**
 * Engagement from the command line: `act <lead> like|follow` (a salesperson's click, the same path
 * as the review page), `accounts` (who acts, warm-up, paused or not), `accounts resume <handle>`,
 * and `stops clear <kind>` once X's monthly cap or the credit is sorted out.
 */

/**
 * What a click came to, for a person: what X did on stdout, else why not on stderr with an exit
 * code (75, EX_TEMPFAIL, when trying again later may work).
 */
export function reportAct(who: string, outcome: { status: string; message?: string; reason?: string }, out: (text: string) => void, say: (line: string) => void): void {
  switch (outcome.status) {
    case 'done':
      out(`${who}: ${outcome.message}\n`);
      return;
    case 'deferred':
      say(`${who}: not now — ${outcome.reason}`);
      process.exitCode = 75; // EX_TEMPFAIL: try again later
      return;
    case 'unknown':
      say(`${who}: sent, but X's answer was lost (${outcome.reason}); the next engage run checks it once`);
      process.exitCode = 75;
      return;
    case 'stopped':
      say(`${who}: X stopped all calls — ${outcome.reason}`);
      process.exitCode = 1;
      return;
    default:
      say(`${who}: ${outcome.reason}`);
      process.exitCode = 1;
  }
}

export function registerEngageCommands(program: Command, deps: CommandDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));

  program
    .command('act')
    .description("perform a lead's planned like or follow now, within budgets (a salesperson's click)")
    .argument('<lead>', "lead number (42 or #42) or the prospect's @handle")
    .addArgument(program.createArgument('<action>', 'what to do').choices(['like', 'follow']))
    .option('--as <name>', 'who clicks (default: your user name)')
    .action(async (key: string, kind: ActionKind, opts: { as?: string }) => {
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        const answer = await api.act(key, { kind, as: opts.as ?? userInfo().username });
        reportAct(`lead #${answer.lead.id} @${clean(answer.lead.username)}`, answer, out, say);
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say }, async (rt) => {
        const lead = await leadOrSay(rt, key, say);
        if (!lead) return;
        const { actOnLead } = await import('../engage/assist.ts');
        const outcome = await actOnLead(await engageDeps(rt), lead, kind, opts.as ?? userInfo().username);
        reportAct(`lead #${lead.id} @${clean(lead.username)}`, outcome, out, say);
      });
    });

  const accounts = program.command('accounts').description('the X accounts the team acts as: warm-up, paused or not');
  accounts
    .command('list', { isDefault: true })
    .description('list the accounts')
    .action(async () => {
      await withRuntime({ ...deps, say }, async (rt) => {
        const [{ activeStops, listAccounts }, { warmupFactor }] = await Promise.all([import('../../db/accounts.ts'), import('../engage/rules.ts')]);
        const door = await rt.x();
        for (const handle of door.handles) await door.account(handle);
        const now = await rt.worldNow();
        const rows = await listAccounts(rt.database.db);
        out(
          table(rows, [
            { header: 'account', value: (a) => `@${a.handle}` },
            { header: 'owner', value: (a) => a.owner ?? '' },
            { header: 'x user id', value: (a) => a.xUserId ?? '(not looked up yet)' },
            { header: 'engaging since', value: (a) => a.engagingSince.toISOString().slice(0, 10) },
            { header: 'caps now', value: (a) => `${Math.round(warmupFactor(rt.config.worker.engagement.warmup, a.engagingSince, now) * 100)}%`, align: 'right' },
            { header: 'state', value: (a) => (a.pausedAt ? `paused ${a.pausedAt.toISOString().slice(0, 16)}: ${a.pausedReason ?? ''}` : 'active'), max: 90 },
          ]) + '\n',
        );
        for (const stop of await activeStops(rt.database.db, now)) say(`X stopped all calls (${stop.kind}) since ${stop.at.toISOString()}${stop.until ? ` until ${stop.until.toISOString()}` : ''}: ${stop.detail}`);
      });
    });
  accounts
    .command('resume')
    .description('let a paused account act again (after fixing what X refused)')
    .argument('<handle>', 'the account, with or without @')
    .action(async (handle: string) => {
      await withRuntime({ ...deps, say }, async (rt) => {
        const { resumeAccount } = await import('../../db/accounts.ts');
        const name = handle.replace(/^@/, '');
        if (await resumeAccount(rt.database.db, name)) out(`@${clean(name)} resumed\n`);
        else {
          say(`@${clean(name)} is not paused (or not an account here)`);
          process.exitCode = 1;
        }
      });
    });

  const throttle = program.command('throttle').description("personas whose caps were cut (auto-throttle): why, and putting them back");
  throttle
    .command('list', { isDefault: true })
    .description('list throttled personas')
    .action(async () => {
      await withRuntime({ ...deps, say }, async (rt) => {
        const { listThrottles } = await import('../../db/engage.ts');
        const rows = await listThrottles(rt.database.db);
        if (rows.length === 0) out('No persona is throttled.\n');
        else out(table(rows, [
          { header: 'persona', value: (r) => r.persona },
          { header: 'caps', value: (r) => `×${Number(r.factor)}`, align: 'right' },
          { header: 'since', value: (r) => r.updatedAt.toISOString().slice(0, 16) },
          { header: 'why', value: (r) => r.reason, max: 90 },
        ]) + '\n');
      });
    });
  throttle
    .command('reset')
    .description("give a persona its full caps back (after changing its targeting, say)")
    .argument('<persona>', 'the persona id')
    .action(async (persona: string) => {
      await withRuntime({ ...deps, say }, async (rt) => {
        const { resetThrottle } = await import('../../db/engage.ts');
        out((await resetThrottle(rt.database.db, persona)) ? `${clean(persona)}: full caps again\n` : `${clean(persona)} was not throttled\n`);
      });
    });

  program
    .command('stops')
    .description("clear a stop X imposed: usage_capped (monthly cap) or credits_depleted (402), once sorted out")
    .command('clear')
    .addArgument(program.createArgument('<kind>', 'the stop').choices(['usage_capped', 'credits_depleted']))
    .action(async (kind: StopKind) => {
      await withRuntime({ ...deps, say }, async (rt) => {
        const { clearStop } = await import('../../db/accounts.ts');
        out((await clearStop(rt.database.db, kind)) ? `${kind} cleared\n` : `no ${kind} stop was recorded\n`);
      });
    });

  return program;
}
