import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Pause } from '../../db/work.ts';
import type { LiveWorker } from '../../db/workers.ts';
import { clean, table } from '../format.ts';
import { formatIssue } from '../config/load.ts';
import type { Health } from '../observe/health.ts';
import type { Runtime } from '../runtime.ts';
import { withRuntime, type CommandDeps } from './common.ts';

/**
 * Operations from the command line, without a running worker (they read and write the database
 * every worker shares; X is never opened):
 *   - `status [--json]`: what `/healthz` says, at a glance, and the workers running; exit code 0
 *     healthy with a worker running, 1 not;
 *   - `pause [--reason text] [--as name]`: every worker stops acting within one tick;
 *   - `resume`: lifts the pause.
 */

const minute = (at: string | null | undefined): string => (at ? at.slice(0, 16).replace('T', ' ') : '');

function seconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** The world's time when it can be read (a sandbox has its own clock), else the wall clock. */
async function nowOf(rt: Runtime): Promise<Date> {
  try {
    return await rt.worldNow();
  } catch {
    return new Date();
  }
}

/**
 * `prospector status` as text: the verdict, the workers running (when known), then jobs, and
 * whatever needs a look. With no worker running, nothing runs on schedule: the verdict says so first.
 */
export function printHealth(health: Health, workers?: readonly LiveWorker[]): string {
  const { checks } = health;
  const lines: string[] = [];
  const verdict = health.healthy ? (health.status === 'degraded' ? 'healthy, with warnings' : 'healthy') : 'UNHEALTHY';
  if (workers?.length === 0) {
    lines.push(`Prospector: NOT RUNNING — no worker is running, so no job runs on schedule; start one with \`prospector worker\` (npm start). The rest looks ${verdict} (at ${minute(health.at)} UTC)`);
  } else {
    lines.push(`Prospector: ${verdict} (at ${minute(health.at)} UTC)`);
  }
  for (const problem of health.problems) lines.push(`  ✗ ${clean(problem)}`);
  for (const warning of health.warnings) lines.push(`  ! ${clean(warning)}`);
  lines.push('');
  if (workers && workers.length > 0) {
    lines.push(`workers   ${workers.length} running: ${workers.map((w) => `${clean(w.id)} since ${minute(w.since.toISOString())} UTC`).join('; ')}`);
  } else if (workers) {
    lines.push('workers   none running');
  }
  lines.push(`database  ${clean(checks.database.summary)}`);
  lines.push(`paused    ${checks.pause.paused === null ? 'unknown' : checks.pause.paused ? `yes, since ${minute(checks.pause.since)} UTC by ${clean(checks.pause.by)}${checks.pause.reason ? `: ${clean(checks.pause.reason)}` : ''}` : 'no'}`);
  lines.push('');
  const unknown = checks.jobs.state === 'unknown';
  lines.push(
    table(checks.jobs.jobs, [
      { header: 'job', value: (j) => j.job },
      { header: 'last tick (UTC)', value: (j) => (unknown ? 'unknown' : j.last ? minute(j.last.tick) : 'never') },
      { header: 'outcome', value: (j) => (j.last ? j.last.status : '') },
      { header: 'duration', value: (j) => (j.last ? seconds(j.last.seconds) : ''), align: 'right' },
      { header: 'next (UTC)', value: (j) => (j.next ? minute(j.next) : j.schedule) },
      { header: 'schedule', value: (j) => j.schedule },
      { header: 'error', value: (j) => (j.last?.status === 'failed' ? (j.last.error ?? '') : ''), max: 70 },
    ]),
  );
  if (checks.budgets.exhausted.length > 0) {
    lines.push('', 'Budgets used up:');
    lines.push(
      table(checks.budgets.exhausted, [
        { header: 'account', value: (b) => (b.handle ? `@${b.handle}` : b.account) },
        { header: 'kind', value: (b) => b.kind },
        { header: 'scope', value: (b) => b.scope },
        { header: 'window', value: (b) => b.window },
        { header: 'used', value: (b) => `${b.used}/${b.limit}`, align: 'right' },
        { header: 'resets (UTC)', value: (b) => minute(b.resetsAt) },
      ]),
    );
  }
  if (checks.outcomes.unsettled.length > 0) {
    lines.push('', 'Likes and follows whose answer was lost (settled by reading X at the next engage run):');
    lines.push(
      table(checks.outcomes.unsettled.slice(0, 20), [
        { header: 'action', value: (a) => String(a.id), align: 'right' },
        { header: 'account', value: (a) => (a.handle ? `@${a.handle}` : a.account) },
        { header: 'kind', value: (a) => a.kind },
        { header: 'target', value: (a) => a.target },
        { header: 'sent (UTC)', value: (a) => minute(a.sentAt) },
        { header: 'attempts', value: (a) => String(a.attempts), align: 'right' },
        { header: 'last error', value: (a) => clean(a.error ?? ''), max: 60 },
      ]),
    );
    if (checks.outcomes.unsettled.length > 20) lines.push(`  … and ${checks.outcomes.unsettled.length - 20} more (prospector status --json lists them all)`);
  }
  if (checks.stops.stops.length > 0) {
    lines.push('', 'X stopped every call:');
    for (const s of checks.stops.stops) lines.push(`  ${s.kind} since ${minute(s.since)} UTC${s.until ? ` until ${minute(s.until)} UTC` : ' until cleared (prospector stops clear ' + s.kind + ')'}: ${clean(s.detail)}`);
  }
  if (checks.accounts.paused.length > 0) {
    lines.push('', 'Accounts paused (prospector accounts resume <handle>):');
    for (const a of checks.accounts.paused) lines.push(`  @${clean(a.handle)} since ${minute(a.since)} UTC${a.reason ? `: ${clean(a.reason)}` : ''}`);
  }
  if (checks.config.errors.length > 0) {
    lines.push('', checks.config.state === 'warn' ? 'Persona files left out (the other personas run):' : 'Config errors:');
    for (const e of checks.config.errors) lines.push(`  ${clean(e)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What `pause` did: a new pause (`fresh`), or the one already in force, which stays. */
export function pauseLine(pause: Pause, fresh: boolean): string {
  const why = pause.reason ? `: ${clean(pause.reason)}` : '';
  if (fresh) return `Paused every worker (by ${clean(pause.pausedBy)}${why}). They stop acting within one tick; \`prospector resume\` lifts it.\n`;
  return `Already paused since ${minute(pause.pausedAt.toISOString())} UTC by ${clean(pause.pausedBy)}${why}; that pause stays. \`prospector resume\` lifts it.\n`;
}

/**
 * What `resume` did. Resuming when nothing is paused is not an error: deploy scripts may run it
 * unconditionally.
 */
export function resumeLine(resumed: boolean, pause: Pause | undefined): string {
  if (!resumed) return 'Nothing to resume: no pause was in force.\n';
  const what = pause ? ` (paused since ${minute(pause.pausedAt.toISOString())} UTC by ${clean(pause.pausedBy)}${pause.reason ? `: ${clean(pause.reason)}` : ''})` : '';
  return `Resumed${what}: workers act again from their next tick.\n`;
}

export function registerStatusCommands(program: Command, deps: CommandDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));

  program
    .command('status')
    .description("is Prospector healthy: the workers running, jobs' last and next runs, pause, used-up budgets, X stops, paused accounts (exit code 1 when not, or when no worker runs)")
    .option('--json', 'the same JSON as /healthz, with the workers running')
    .action(async (opts: { json?: boolean }) => {
      const report = (health: Health, workers: readonly LiveWorker[]) => {
        out(opts.json ? `${JSON.stringify({ ...health, workers: workers.map((w) => ({ id: w.id, since: w.since.toISOString() })) }, null, 2)}\n` : printHealth(health, workers));
        if (!health.healthy || workers.length === 0) process.exitCode = 1;
      };
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        const { health, workers } = await api.status();
        report(health, workers ?? []);
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: true } }, async (rt) => {
        const [{ collectHealth }, { liveWorkers }] = await Promise.all([import('../observe/health.ts'), import('../../db/workers.ts')]);
        const health = await collectHealth(rt.database.db, { config: rt.config.worker, configErrors: rt.configIssues.map(formatIssue), now: await nowOf(rt) });
        report(health, await liveWorkers(rt.database));
      });
    });

  program
    .command('pause')
    .description('pause every worker sharing the database: they stop acting within one tick, until `prospector resume`')
    .option('--reason <text>', 'why, for the others (shown by status and /healthz)')
    .option('--as <name>', 'who pauses (default: your user name)')
    .action(async (opts: { reason?: string; as?: string }) => {
      const by = opts.as ?? userInfo().username;
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        const { pause, fresh } = await api.pause({ reason: opts.reason, as: by });
        out(pauseLine(pause, fresh));
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: true } }, async (rt) => {
        const { pauseAll } = await import('../../db/work.ts');
        const at = new Date();
        const pause = await pauseAll(rt.database.db, { reason: opts.reason ?? null, by, at });
        out(pauseLine(pause, pause.pausedBy === by && pause.pausedAt.getTime() === at.getTime()));
      });
    });

  program
    .command('resume')
    .description('lift the pause: workers act again from their next tick')
    .action(async () => {
      const { viaWorker } = await import('./remote.ts');
      const viaTheWorker = await viaWorker({ ...deps, say }, async (api) => {
        const { resumed, pause } = await api.resume();
        out(resumeLine(resumed, pause ?? undefined));
      });
      if (viaTheWorker) return;
      await withRuntime({ ...deps, say, runtime: { ...deps.runtime, configFallback: true } }, async (rt) => {
        const { currentPause, resumeAll } = await import('../../db/work.ts');
        const pause = await currentPause(rt.database.db);
        out(resumeLine(await resumeAll(rt.database.db), pause));
      });
    });

  return program;
}
