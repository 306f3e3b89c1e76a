import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import type { DecisionResult, LeadDetail, LeadEvent, QueueEntry } from '../../db/leads.ts';
import type { ReplyEntry } from '../../db/replies.ts';
import type { LeadState } from '../../db/schema.ts';
import { utcDay } from '../../jobs/context.ts';
import { table, clean, type Column } from '../format.ts';
import { calendarDay } from '../time.ts';
import { engageDeps, leadOrSay, UsageError, withRuntime, type CommandDeps } from './common.ts';
import { day, integer } from './options.ts';

/**
 * The pipeline from the command line: `run <job>`, `queue`, `lead <id|@handle> <decision>`, and
 * `demo`, the first thing a newcomer runs.
 */

/** Leads the demo's salespeople click on, and how long the demo's world then waits. */
const DEMO_CLICKS = 6;
const DEMO_HOURS_LATER = 12;

/** What the pipeline commands write to and open. */
export type PipelineDeps = CommandDeps;

const DECISIONS: Record<string, LeadState> = {
  contacted: 'contacted',
  replied: 'replied',
  won: 'won',
  'not-a-fit': 'not_a_fit',
  snooze: 'snoozed',
  'do-not-contact': 'do_not_contact',
};

/** A person's replies held for a person to read (a possible opt-out), newest first, by prospect id. */
export type HeldReplies = ReadonlyMap<string, readonly ReplyEntry[]>;

const POSSIBLE_OPT_OUT = 'possible opt-out';

/** One line about a held reply: `possible opt-out: reply 7 to @maya_sells, "…" (why); decide: …`. */
function heldLine(reply: ReplyEntry): string {
  const text = clean(reply.text);
  const to = reply.accountHandle ? ` to @${reply.accountHandle}` : '';
  return `${POSSIBLE_OPT_OUT}: reply ${reply.id}${to} "${text.length > 100 ? `${text.slice(0, 99)}…` : text}" (${clean(reply.reason)}); nobody engages them until someone decides: prospector replies confirm ${reply.id} | dismiss ${reply.id}`;
}

const queueColumns = (held: HeldReplies): Column<QueueEntry>[] => [
  { header: 'lead', value: (l) => `#${l.id}`, align: 'right' },
  { header: 'score', value: (l) => l.score, align: 'right' },
  { header: 'prospect', value: (l) => `@${l.username}`, max: 20 },
  { header: 'name', value: (l) => l.name, max: 24 },
  { header: 'persona', value: (l) => l.persona },
  { header: 'owner', value: (l) => l.owner ?? '' },
  { header: 'state', value: (l) => (held.has(l.prospectId) ? `${l.state}, ${POSSIBLE_OPT_OUT}` : l.state) },
  { header: 'why', value: (l) => l.reasons ?? '', max: 100 },
];

/**
 * The queue as a table or JSON (CSV is the CRM export, `src/export/crm.ts`). A lead whose person
 * has a reply held (`held`) is flagged as a possible opt-out, with the reply, in the table (its
 * state, then a line under the table) and in JSON (`possibleOptOut`).
 */
export function printQueue(entries: readonly QueueEntry[], format: 'table' | 'json', held: HeldReplies = new Map()): string {
  if (format === 'json') {
    const flagged = entries.map((l) => {
      const reply = held.get(l.prospectId)?.[0];
      return { ...l, possibleOptOut: reply ? { reply: reply.id, text: reply.text, reason: reply.reason, postedAt: reply.postedAt } : null };
    });
    return JSON.stringify(flagged, null, 2) + '\n';
  }
  if (!entries.length) return 'The queue is empty for this selection.\n';
  const notes = entries.flatMap((l) => {
    const reply = held.get(l.prospectId)?.[0];
    return reply ? [`#${l.id} @${clean(l.username)}: ${heldLine(reply)}`] : [];
  });
  return table(entries, queueColumns(held)) + '\n' + (notes.length ? `\n${notes.join('\n')}\n` : '');
}


const SIGNAL_TEXT: Record<LeadDetail['signals'][number]['kind'], string> = {
  followed_back: 'followed back',
  follow_accepted: 'accepted our follow',
  liked_back: 'liked back',
  replied: 'replied',
  mentioned: 'mentioned us',
  opt_out: 'asked us to stop',
};

interface HistoryRow {
  at: Date;
  what: string;
  by: string;
  details: string;
}

const minute = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')}`;

/** A lead event as a history row: a move, a note, an undo naming what it reverts; a not-a-fit's reason, a snooze's date. */
function eventRow(e: LeadEvent, events: readonly LeadEvent[]): HistoryRow {
  const move = e.fromState ? `${e.fromState} → ${e.toState}` : e.toState;
  const details: string[] = [];
  if (e.reason) details.push(e.reason.replaceAll('_', ' '));
  if (e.snoozedUntil && e.toState === 'snoozed') details.push(`until ${e.snoozedUntil.toISOString().slice(0, 10)}`);
  if (e.kind === 'undo') {
    const undone = events.find((d) => d.id === e.undoes);
    details.push(undone ? `reverts ${undone.actor}'s ${undone.toState} of ${minute(undone.at)}` : 'reverts the last decision');
  }
  if (e.note) details.push(e.note);
  const what = e.kind === 'note' ? 'note' : e.kind === 'undo' ? `undo: ${move}` : move;
  return { at: e.at, what, by: e.actor, details: details.join(' — ') };
}

/**
 * One lead with its history: state changes, likes and follows towards the person, and what they
 * did back, oldest first. Everything from X or from people goes through `clean` (the table does
 * it cell by cell).
 */
export function printLead(lead: LeadDetail, held: readonly ReplyEntry[] = []): string {
  const rows: HistoryRow[] = [
    ...lead.events.map((e) => eventRow(e, lead.events)),
    ...lead.actions.map((a) => {
      const outcome = a.outcome ?? {};
      const details = [a.kind === 'like' ? `post ${a.target}` : `user ${a.target}`];
      if (outcome.pending_follow === true) {
        details.push(outcome.accepted === true ? `request accepted${typeof outcome.accepted_at === 'string' ? ` ${minute(new Date(outcome.accepted_at))}` : ''}` : 'request pending');
      }
      if (a.persona) details.push(`for ${a.persona}`);
      if (a.error) details.push(a.error);
      return { at: a.finishedAt ?? a.sentAt ?? a.plannedAt, what: `${a.kind} ${a.status}`, by: a.accountHandle ? `@${a.accountHandle}` : a.account, details: details.join(', ') };
    }),
    ...lead.signals.map((s) => ({
      at: s.occurredAt,
      what: SIGNAL_TEXT[s.kind] ?? s.kind,
      by: `to ${s.accountHandle ? `@${s.accountHandle}` : s.account}`,
      details: s.postId ? `post ${s.postId}` : '',
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const head = [
    `lead #${lead.id} @${clean(lead.username)} (${clean(lead.name)})`,
    lead.persona,
    `owner ${clean(lead.owner) || 'none'}`,
    lead.state,
    `score ${lead.score}`,
    ...(lead.warmAt ? [`warm since ${minute(lead.warmAt)} UTC`] : []),
  ].join(' · ');
  const history = table(rows, [
    { header: 'when (UTC)', value: (r) => minute(r.at) },
    { header: 'what', value: (r) => r.what },
    { header: 'by', value: (r) => r.by, max: 24 },
    { header: 'details', value: (r) => r.details, max: 100 },
  ]);
  const flags = held.map((r) => `${heldLine(r)}\n`).join('');
  return `${head}\n${flags}${lead.reasons ? `why: ${clean(lead.reasons)}\n` : ''}\n${history}\n`;
}

interface LeadOptions {
  note?: string;
  reason?: string;
  until?: string;
  undo?: boolean;
  as?: string;
}

/** The not-a-fit reasons as `--reason` takes them (db/schema.ts NOT_A_FIT_REASONS; a test keeps them in step). */
export const REASONS_HELP = 'wrong-person, wrong-company-size, competitor, student-or-job-seeker, bot-or-fake, not-in-market, other';

/** What `prospector lead` refuses before opening anything: options that do not go together. */
function checkLeadUsage(decision: string | undefined, text: string | undefined, opts: LeadOptions): void {
  if (opts.undo && decision !== undefined) throw new UsageError(`--undo reverts the lead's last decision: give no decision with it (got ${decision})`);
  if (decision === 'note') {
    if (!text?.trim() && !opts.note?.trim()) throw new UsageError('note needs its text: prospector lead 42 note "called, left a voicemail"');
    if (text !== undefined && opts.note !== undefined) throw new UsageError('give the note once: as the text after note, or with --note');
  } else if (text !== undefined) {
    throw new UsageError(`unexpected "${clean(text)}": only note takes a text; a decision's note goes in --note "…"`);
  }
  if (opts.reason !== undefined && decision !== 'not-a-fit') throw new UsageError(`--reason goes with not-a-fit only${decision ? `, not with ${decision}` : ''}`);
  if (decision === 'snooze' && !opts.until) throw new UsageError('snooze needs --until YYYY-MM-DD: the day the lead comes back');
  if (decision !== 'snooze' && opts.until) throw new UsageError(`--until goes with snooze only${decision ? `, not with ${decision}` : ''}`);
}

/** `lead #3 @maya (saas-en): new → not_a_fit (competitor) — uses Apollo`, and what the do-not-contact list did. */
function decidedLine(lead: LeadDetail, decided: DecisionResult): string {
  const e = decided.event;
  const why = e.reason ? ` (${e.reason.replaceAll('_', ' ')})` : e.snoozedUntil ? ` until ${e.snoozedUntil.toISOString().slice(0, 10)}` : '';
  const listed = decided.listed;
  const list = listed
    ? `; on the do-not-contact list${listed.added ? '' : ' already'}${listed.leadsClosed.length ? `, ${listed.leadsClosed.length} other lead(s) closed` : ''}${listed.actionsCancelled ? `, ${listed.actionsCancelled} planned like(s) or follow(s) cancelled` : ''}`
    : '';
  return `lead #${lead.id} @${clean(lead.username)} (${lead.persona}): ${e.fromState} → ${e.toState}${why}${e.note ? ` — ${clean(e.note)}` : ''}${list}\n`;
}

/** `lead #3 @maya (saas-en): undid maya's contacted of 2026-11-02 09:10 UTC, contacted → new`, and the list's part. */
function undoneLine(lead: LeadDetail, undone: DecisionResult): string {
  const e = undone.event;
  const decision = lead.events.find((d) => d.id === e.undoes);
  const what = decision ? `${clean(decision.actor)}'s ${decision.toState} of ${minute(decision.at)} UTC` : 'the last decision';
  const off = undone.unlisted?.removed
    ? `; off the do-not-contact list again${undone.unlisted.leadsReopened.length ? `, ${undone.unlisted.leadsReopened.length} other lead(s) reopened` : ''}${undone.unlisted.actionsReplanned ? `, ${undone.unlisted.actionsReplanned} like(s) or follow(s) planned again` : ''}`
    : '';
  return `lead #${lead.id} @${clean(lead.username)} (${lead.persona}): undid ${what}, ${e.fromState} → ${e.toState}${e.snoozedUntil ? ` until ${e.snoozedUntil.toISOString().slice(0, 10)}` : ''}${off}\n`;
}

export function registerPipelineCommands(program: Command, deps: PipelineDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = deps.progress;

  program
    .command('run')
    .description('run one job now (search, score, queue, signals or engage: as in the schedules)')
    .argument('<job>', 'the job')
    .option('--persona <id>', 'only this persona')
    .option('--dry-run', 'read and plan, write nothing')
    .option('--no-pacing', 'simulations only: no real-time pauses between actions (caps and budgets still hold)')
    .action(async (job: string, opts: { persona?: string; dryRun?: boolean; pacing: boolean }) => {
      const [{ JOB_NAMES }, { didYouMean }] = await Promise.all([import('../../jobs/index.ts'), import('../config/load.ts')]);
      if (!(JOB_NAMES as readonly string[]).includes(job)) {
        const guess = didYouMean(job, JOB_NAMES);
        throw new UsageError(`no job "${job}"${guess ? `; did you mean "${guess}"?` : ''} (jobs: ${JOB_NAMES.join(', ')})`);
      }
      // Signals are handled from the job's start until the runtime is closed (see stopOnSignals).
      let stop: SignalStop | undefined;
      try {
        await withRuntime({ ...deps, say }, async (rt) => {
          if (opts.persona !== undefined && !rt.config.personas.some((p) => p.id === opts.persona)) {
            const ids = rt.config.personas.map((p) => p.id);
            const guess = didYouMean(opts.persona, ids);
            throw new UsageError(
              `--persona: no persona "${opts.persona}" in ${rt.config.worker.personas_dir}${guess ? `; did you mean "${guess}"?` : ''} (personas: ${ids.join(', ') || 'none'})`,
            );
          }
          const { runJob } = await import('../runtime.ts');
          stop = stopOnSignals(job, rt.config.worker.worker.shutdown_seconds, say);
          try {
            const result = await runJob(rt, job, { persona: opts.persona, dryRun: opts.dryRun ?? false, progress, pacing: opts.pacing, signal: stop.signal });
            out(`${result.summary}\n`);
          } catch (error) {
            if (!stop.signal.aborted) throw error;
            say(`${job}: ${(error as Error).message}${opts.dryRun ? '' : '; the run is recorded as failed'}`);
            process.exitCode = stop.exitCode;
          }
        });
      } finally {
        stop?.done();
      }
    });

  program
    .command('queue')
    .description("show the lead queue: today's by default")
    .option('--date <YYYY-MM-DD>', 'the day (UTC) the leads were queued', day('--date'))
    .option('--all', 'every day')
    .option('--persona <id>', 'only this persona')
    .option('--owner <name>', 'only this salesperson')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .action(async (opts: { date?: string; all?: boolean; persona?: string; owner?: string; format: 'table' | 'csv' | 'json' }) => {
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        if (opts.format === 'csv') {
          out(await api.queueCsv(opts));
          return;
        }
        const { entries, heldBy } = await api.queue(opts);
        out(printQueue(entries, opts.format, heldBy));
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: true } }, async (rt) => {
        const filter = {
          ...(opts.all ? {} : { day: opts.date ?? utcDay(await rt.worldNow()) }),
          ...(opts.persona ? { persona: opts.persona } : {}),
          ...(opts.owner ? { owner: opts.owner } : {}),
        };
        if (opts.format === 'csv') {
          // The CRM export, the page's too: written page by page, however long the queue.
          const { crmCsv } = await import('../export/crm.ts');
          for await (const chunk of crmCsv(rt.database.db, filter)) out(chunk);
          return;
        }
        const [{ listQueue }, { heldRepliesOf }] = await Promise.all([import('../../db/leads.ts'), import('../../db/replies.ts')]);
        const entries = await listQueue(rt.database.db, filter);
        out(printQueue(entries, opts.format, await heldRepliesOf(rt.database.db, entries.map((e) => e.prospectId))));
      });
    });

  program
    .command('lead')
    .description('show a lead with its history; record a decision on it (contacted, replied, won, not-a-fit, snooze, do-not-contact), a note, or undo its last decision')
    .argument('<lead>', "lead number (42 or #42) or the prospect's @handle; several, comma-separated, for one decision on each")
    .addArgument(program.createArgument('[decision]', 'what happened, or note; without one, the lead and its history are shown').choices([...Object.keys(DECISIONS), 'note']))
    .argument('[text]', 'with note: the note')
    .option('--note <text>', "a note kept in the lead's history with the decision")
    .option('--reason <reason>', `with not-a-fit: why (${REASONS_HELP})`)
    .option('--until <YYYY-MM-DD>', 'with snooze: the day the lead comes back (after today)', day('--until'))
    .option('--undo', "undo the lead's last decision (a new entry in its history)")
    .option('--as <name>', 'who decides (default: your user name)')
    .action(async (key: string, decision: string | undefined, text: string | undefined, opts: LeadOptions) => {
      const to = decision === undefined || decision === 'note' ? undefined : (DECISIONS[decision] as LeadState);
      checkLeadUsage(decision, text, opts);
      const keys = key.split(',').map((k) => k.trim()).filter((k) => k !== '');
      if (keys.length > 1 && to === undefined) throw new UsageError(`several leads (${key}) go with a decision only, not with ${opts.undo ? '--undo' : decision === 'note' ? 'note' : 'showing a lead'}: one lead at a time`);
      const leadsModule = await import('../../db/leads.ts');
      const reason = opts.reason === undefined ? undefined : leadsModule.notAFitReason(opts.reason);
      if (opts.reason !== undefined && !reason) throw new UsageError(`--reason "${clean(opts.reason)}" is not one of the reasons: ${leadsModule.notAFitReasonList()}`);
      if (to === 'not_a_fit' && !reason) throw new UsageError(`not-a-fit needs --reason: ${leadsModule.notAFitReasonList()}`);
      // Reading a lead needs no config: it works while the worker config is broken.
      const reading = to === undefined && !opts.undo && decision !== 'note';
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        if (reading) {
          const { lead, held } = await api.lead(key);
          out(printLead(lead, held));
          return;
        }
        // One lead after another, each with the state this command saw: the worker's decide path.
        let refused = 0;
        for (const k of keys) {
          try {
            const seen = keys.length > 1 ? (await api.lead(k)).lead.state : undefined;
            const { lead, result } = await api.decide(k, {
              ...(opts.undo ? { undo: true } : { decision: decision === 'note' ? 'note' : to }),
              note: decision === 'note' ? (text ?? opts.note) : opts.note,
              until: opts.until,
              reason: reason ?? undefined,
              expectedState: seen,
              as: opts.as ?? userInfo().username,
            });
            if (opts.undo) out(undoneLine(lead, result));
            else if (decision === 'note') out(`lead #${lead.id} @${clean(lead.username)} (${lead.persona}): note added, still ${result.lead.state} — ${clean(result.event.note)}\n`);
            else out(decidedLine(lead, result));
          } catch (error) {
            if (keys.length === 1) throw error;
            refused++;
            say(`lead ${k}: not decided: ${clean((error as Error).message)}`);
          }
        }
        if (keys.length > 1) {
          if (refused > 0) process.exitCode = 1;
          say(`${keys.length - refused} of ${keys.length} leads decided${refused ? `, ${refused} refused` : ''}`);
        }
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: reading } }, async (rt) => {
        const until = opts.until === undefined ? undefined : calendarDay(opts.until);
        if (until) {
          const today = utcDay(await rt.worldNow());
          if (opts.until! <= today) throw new UsageError(`--until ${opts.until} is not after today (${today}, UTC): give the day the lead comes back, ${nextDay(today)} or later`);
        }
        const found: LeadDetail[] = [];
        for (const k of keys) {
          const lead = await leadOrSay(rt, k, say);
          if (lead) found.push(lead);
        }
        const lead = found[0];
        if (!lead) return;
        const db = rt.database.db;
        if (reading) {
          const { heldRepliesOf } = await import('../../db/replies.ts');
          out(printLead(lead, (await heldRepliesOf(db, [lead.prospectId])).get(lead.prospectId)));
          return;
        }
        const actor = opts.as ?? userInfo().username;
        const { decideLead, decideLeads, noteLead, undoDecision, LeadError } = leadsModule;
        try {
          if (opts.undo) {
            out(undoneLine(lead, await undoDecision(db, { lead: lead.id, actor, note: opts.note ?? null })));
          } else if (decision === 'note') {
            const noted = await noteLead(db, { lead: lead.id, actor, note: text ?? opts.note ?? '' });
            out(`lead #${lead.id} @${clean(lead.username)} (${lead.persona}): note added, still ${noted.lead.state} — ${clean(noted.event.note)}\n`);
          } else if (keys.length === 1) {
            const decided = await decideLead(db, { lead: lead.id, to: to!, actor, note: opts.note ?? null, reason: reason ?? null, expectedState: lead.state, ...(until ? { snoozeUntil: until } : {}) });
            out(decidedLine(lead, decided));
          } else {
            const outcomes = await decideLeads(db, {
              leads: found.map((l) => ({ id: l.id, expectedState: l.state })),
              to: to!,
              actor,
              note: opts.note ?? null,
              reason: reason ?? null,
              ...(until ? { snoozeUntil: until } : {}),
            });
            for (const outcome of outcomes) {
              const one = found.find((l) => l.id === outcome.lead)!;
              if (outcome.outcome === 'done') out(decidedLine(one, outcome.result));
              else say(`lead #${one.id} @${clean(one.username)}: not decided: ${clean(outcome.message)}`);
            }
            const refused = outcomes.filter((o) => o.outcome === 'refused').length;
            if (refused > 0 || found.length < keys.length) process.exitCode = 1;
            say(`${outcomes.length - refused} of ${keys.length} leads decided${refused ? `, ${refused} refused` : ''}${found.length < keys.length ? `, ${keys.length - found.length} not found` : ''}`);
          }
        } catch (error) {
          if (!(error instanceof LeadError)) throw error;
          say(clean(error.message));
          process.exitCode = 1;
        }
      });
    });

  program
    .command('demo')
    .description("the one-command tour, on its own sandbox X and a throwaway embedded database (whatever is configured): search → score → queue → engage, clicks, a day later the signals")
    .option('--seed <seed>', "the demo world's seed: same seed, same world", integer('--seed', 0, 2 ** 32 - 1), 42)
    .option('--users <count>', "the demo world's population", integer('--users', 10, 2_000_000), 5000)
    .action(async (opts: { seed: number; users: number }) => {
      const [{ startSandbox }, { findLead, listQueue }, { actionCounts }, { actOnLead }, { runJob }] = await Promise.all([
        import('../sandbox/index.ts'),
        import('../../db/leads.ts'),
        import('../../db/actions.ts'),
        import('../engage/assist.ts'),
        import('../runtime.ts'),
      ]);
      // The demo is hermetic: a configured database, X network, sandbox URL or data directory is
      // never touched. Its sandbox and database live and die with it.
      const dataDir = await mkdtemp(join(tmpdir(), 'prospector-demo-'));
      let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
      try {
        sandbox = await startSandbox({ seed: opts.seed, users: opts.users, clock: { mode: 'running' } });
        const world = sandbox;
        say(`Demo: its own sandbox X on ${world.url} (seed ${opts.seed}, ${opts.users.toLocaleString('en')} users) and a throwaway embedded database in ${dataDir}; nothing configured is used or changed.`);
        await withRuntime({ ...deps, say, runtime: { ...deps.runtime, sandboxUrl: world.url, databaseUrl: null, dataDir } }, async (rt) => {
          // signals runs once before any engagement: it notes who already follows the accounts, so that
          // only people who follow after a like or follow count as following back.
          for (const job of ['search', 'score', 'queue', 'signals', 'engage'] as const) {
            const result = await runJob(rt, job, { progress });
            say(result.summary);
          }
          const today = utcDay(await rt.worldNow());
          const entries = await listQueue(rt.database.db, { day: today });
          out(`\nToday's queue (${entries.length} leads):\n\n`);
          out(printQueue(entries, 'table'));

          // A salesperson works the top of the queue: one click per like and per follow (mode assist).
          const engage = await engageDeps(rt);
          const clicked = entries.filter((e) => e.state === 'new').slice(0, DEMO_CLICKS);
          if (clicked.length > 0) out(`\nThe owners click like and follow on their top ${clicked.length} leads (mode assist: the worker planned, a person decides):\n`);
          for (const entry of clicked) {
            const lead = await findLead(rt.database.db, entry.id);
            if (!lead) continue;
            for (const kind of ['like', 'follow'] as const) {
              const outcome = await actOnLead(engage, lead, kind, lead.owner ?? 'demo');
              out(`  #${lead.id} ${outcome.status === 'done' ? outcome.message : `${kind}: ${outcome.reason}`}\n`);
            }
          }

          // Time passes in the sandbox: people notice, some follow back, reply, or ask to be left alone.
          world.clock.advance(DEMO_HOURS_LATER * 3600);
          say(`\nThe sandbox clock moves ${DEMO_HOURS_LATER} hours on.`);
          say((await runJob(rt, 'signals', { progress })).summary);
          const actions = await actionCounts(rt.database.db);
          out(`\nLikes and follows: ${actions.map((a) => `${a.count} ${a.kind} ${a.status}`).join(', ') || 'none'}\n`);
          const warm = (await listQueue(rt.database.db, { day: today })).filter((l) => l.warmAt);
          if (warm.length > 0) {
            out(`Warm leads (they engaged back):\n\n`);
            for (const entry of warm.slice(0, 5)) {
              const lead = await findLead(rt.database.db, entry.id);
              if (lead) out(printLead(lead) + '\n');
            }
          } else {
            out('No one has engaged back yet.\n');
          }
          out(`\nThat was the demo; its data is removed now. With your config: prospector worker   ·   prospector queue   ·   prospector lead <#id|@handle>   ·   prospector act <#id> like|follow\n`);
        });
      } finally {
        await sandbox?.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    });

  return program;
}

/** Exit codes after a stop by signal: 128 + its number, as a shell reports a process the signal ended. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

interface SignalStop {
  signal: AbortSignal;
  /** 130 or 143 once a signal came. */
  readonly exitCode: number;
  done(): void;
}

/**
 * `prospector run` stops as the worker does: the first SIGINT or SIGTERM aborts the job through its
 * signal (the action in flight finishes and is recorded; nothing queued waits), the second exits at
 * once, and a watchdog exits 1 when the stop takes longer than `worker.shutdown_seconds`. After a
 * stop the command exits 130 (SIGINT) or 143 (SIGTERM), not 0: the job did not do all its work,
 * and a script or scheduler running it can tell a stop from a failure (1). `done`, once the
 * runtime is closed, removes the handlers and the watchdog.
 */
function stopOnSignals(job: string, shutdownSeconds: number, say: (line: string) => void): SignalStop {
  const controller = new AbortController();
  let exitCode = 0;
  let watchdog: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = SIGNAL_EXIT[signal] ?? 1;
    if (controller.signal.aborted) {
      say(`${signal} again: exiting now`);
      process.exit(code);
    }
    exitCode = code;
    say(`${signal}: stopping ${job} — finishing the action in flight (a second ${signal} exits at once)`);
    watchdog = setTimeout(() => {
      say(`the stop took longer than ${shutdownSeconds} s (worker.shutdown_seconds): exiting anyway`);
      process.exit(1);
    }, shutdownSeconds * 1000);
    watchdog.unref();
    controller.abort(new Error(`stopped by ${signal} before it finished`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get exitCode() {
      return exitCode;
    },
    done() {
      clearTimeout(watchdog);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The day after a `YYYY-MM-DD` day. */
function nextDay(day: string): string {
  return utcDay(new Date(calendarDay(day)!.getTime() + 86_400_000));
}
