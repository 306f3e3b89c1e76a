import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { decideLead, findLead, LeadError, listQueue, type QueueEntry } from '../../db/leads.ts';
import type { LeadState } from '../../db/schema.ts';
import { JOB_NAMES } from '../../jobs/index.ts';
import { utcDay } from '../../jobs/context.ts';
import { ConfigError, formatIssue } from '../config/load.ts';
import { csv, table, clean, type Column } from '../format.ts';
import { openRuntime, runJob, type Runtime, type RuntimeOptions } from '../runtime.ts';

/**
 * The pipeline from the command line: `run <job>`, `queue`, `lead <id|@handle> <decision>`, and
 * `demo`, the first thing a newcomer runs.
 */

export interface PipelineDeps {
  /** Where tables and results go. Default stdout. */
  out?: (text: string) => void;
  /** Status lines. Default stderr. */
  say?: (line: string) => void;
  /** Progress of long steps (overwritten in place on a terminal). Default: none. */
  progress?: (line: string) => void;
  runtime?: RuntimeOptions;
}

const DECISIONS: Record<string, LeadState> = {
  contacted: 'contacted',
  replied: 'replied',
  won: 'won',
  'not-a-fit': 'not_a_fit',
  snooze: 'snoozed',
  'do-not-contact': 'do_not_contact',
};

const queueColumns: Column<QueueEntry>[] = [
  { header: 'lead', value: (l) => `#${l.id}`, align: 'right' },
  { header: 'score', value: (l) => l.score, align: 'right' },
  { header: 'prospect', value: (l) => `@${l.username}`, max: 20 },
  { header: 'name', value: (l) => l.name, max: 24 },
  { header: 'persona', value: (l) => l.persona },
  { header: 'owner', value: (l) => l.owner ?? '' },
  { header: 'state', value: (l) => l.state },
  { header: 'why', value: (l) => l.reasons ?? '', max: 100 },
];

const csvColumns: Column<QueueEntry>[] = [
  { header: 'lead', value: (l) => l.id },
  { header: 'queued_on', value: (l) => l.queuedOn },
  { header: 'persona', value: (l) => l.persona },
  { header: 'owner', value: (l) => l.owner ?? '' },
  { header: 'state', value: (l) => l.state },
  { header: 'score', value: (l) => l.score },
  { header: 'username', value: (l) => l.username },
  { header: 'name', value: (l) => l.name },
  { header: 'profile', value: (l) => `https://x.com/${l.username}` },
  { header: 'why', value: (l) => l.reasons ?? '' },
  { header: 'bio', value: (l) => l.description ?? '' },
];

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidArgumentError(`expected a date as YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

/** Opens the runtime, runs `fn`, closes; config problems are printed whole and exit 1. */
async function withRuntime(deps: PipelineDeps, fn: (rt: Runtime) => Promise<void>): Promise<void> {
  let runtime: Runtime;
  try {
    runtime = await openRuntime({ ...(deps.say ? { say: deps.say } : {}), ...deps.runtime });
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const issue of error.issues) (deps.say ?? console.error)(formatIssue(issue));
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  try {
    await fn(runtime);
  } finally {
    await runtime.close();
  }
}

export function printQueue(entries: readonly QueueEntry[], format: 'table' | 'csv' | 'json'): string {
  if (format === 'json') return JSON.stringify(entries, null, 2) + '\n';
  if (format === 'csv') return csv(entries, csvColumns);
  if (!entries.length) return 'The queue is empty for this selection.\n';
  return table(entries, queueColumns) + '\n';
}

export function registerPipelineCommands(program: Command, deps: PipelineDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = deps.progress;

  program
    .command('run')
    .description('run one job now: search, score or queue')
    .addArgument(program.createArgument('<job>', 'the job').choices(JOB_NAMES as unknown as string[]))
    .option('--persona <id>', 'only this persona')
    .option('--dry-run', 'read and plan, write nothing')
    .action(async (job: string, opts: { persona?: string; dryRun?: boolean }) => {
      await withRuntime({ ...deps, say }, async (rt) => {
        const result = await runJob(rt, job, { persona: opts.persona, dryRun: opts.dryRun ?? false, progress });
        out(`${result.summary}\n`);
      });
    });

  program
    .command('queue')
    .description("show the lead queue: today's by default")
    .option('--date <YYYY-MM-DD>', 'the day (UTC) the leads were queued', day)
    .option('--all', 'every day')
    .option('--persona <id>', 'only this persona')
    .option('--owner <name>', 'only this salesperson')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .action(async (opts: { date?: string; all?: boolean; persona?: string; owner?: string; format: 'table' | 'csv' | 'json' }) => {
      await withRuntime({ ...deps, say }, async (rt) => {
        const entries = await listQueue(rt.database.db, {
          ...(opts.all ? {} : { day: opts.date ?? utcDay(new Date()) }),
          ...(opts.persona ? { persona: opts.persona } : {}),
          ...(opts.owner ? { owner: opts.owner } : {}),
        });
        out(printQueue(entries, opts.format));
      });
    });

  program
    .command('lead')
    .description('record a decision on a lead: contacted, replied, won, not-a-fit, snooze, do-not-contact')
    .argument('<lead>', 'lead number (42 or #42) or the prospect\'s @handle')
    .addArgument(program.createArgument('<decision>', 'what happened').choices(Object.keys(DECISIONS)))
    .option('--note <text>', 'a note kept in the lead\'s history')
    .option('--until <YYYY-MM-DD>', 'with snooze: when the lead comes back', day)
    .option('--as <name>', 'who decides (default: your user name)')
    .action(async (key: string, decision: string, opts: { note?: string; until?: string; as?: string }) => {
      const to = DECISIONS[decision] as LeadState;
      if (to === 'snoozed' && !opts.until) {
        say('snooze needs --until YYYY-MM-DD: the day the lead comes back');
        process.exitCode = 2;
        return;
      }
      await withRuntime({ ...deps, say }, async (rt) => {
        const lead = await findLead(rt.database.db, key);
        if (!lead) {
          say(`no lead ${key}: give a lead number (#42) or the prospect's @handle`);
          process.exitCode = 1;
          return;
        }
        try {
          const updated = await decideLead(rt.database.db, {
            lead: lead.id,
            to,
            actor: opts.as ?? userInfo().username,
            note: opts.note ?? null,
            ...(opts.until ? { snoozeUntil: new Date(`${opts.until}T00:00:00Z`) } : {}),
          });
          out(`lead #${updated.id} @${clean(lead.username)} (${lead.persona}): ${lead.state} → ${updated.state}${opts.note ? ` — ${clean(opts.note)}` : ''}\n`);
        } catch (error) {
          if (!(error instanceof LeadError)) throw error;
          say(error.message);
          process.exitCode = 1;
        }
      });
    });

  program
    .command('demo')
    .description('the one-command tour: sandbox X, embedded database, search → score → queue, today\'s queue')
    .action(async () => {
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime } }, async (rt) => {
        say(`Database: ${rt.database.where}`);
        for (const job of ['search', 'score', 'queue'] as const) {
          const result = await runJob(rt, job, { progress });
          say(result.summary);
        }
        const entries = await listQueue(rt.database.db, { day: utcDay(new Date()) });
        out(`\nToday's queue (${entries.length} leads):\n\n`);
        out(printQueue(entries, 'table'));
        out(`\nNext: prospector lead <#id|@handle> contacted --note "…"   ·   prospector queue --format csv\n`);
      });
    });

  return program;
}
