import type { LeadDetail } from '../../db/leads.ts';
import type { EngageDeps } from '../engage/perform.ts';
import type { Runtime, RuntimeOptions } from '../runtime.ts';

/**
 * What the subcommands share: where their output goes, opening the runtime around an action, a
 * lead by number or handle, what performing an action needs, and the usage error.
 *
 * Commands start fast: a subcommand's modules (the database, X, the sandbox, the config's schemas)
 * are imported when its action runs, never when `prospector` registers it. So this file and every
 * `register…` function import only types and light helpers at the top.
 */

export interface CommandDeps {
  /** Where tables and results go. Default stdout. */
  out?: (text: string) => void;
  /** Status lines. Default stderr. */
  say?: (line: string) => void;
  /** Progress of long steps (overwritten in place on a terminal). Default: none. */
  progress?: (line: string) => void;
  runtime?: RuntimeOptions;
}

/**
 * A mistake in how a command was called that only shows once the config is read (a persona that
 * does not exist, a date in the past): `prospector` prints the message and exits 2, as for a bad
 * option.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Opens the runtime, runs `fn`, closes; config problems are printed whole and exit 1. While a
 * worker owns the embedded database (commands that go through it branch off before: remote.ts),
 * says so and what to do instead, exit 1, rather than PGlite's lock error.
 */
export async function withRuntime(deps: CommandDeps, fn: (rt: Runtime) => Promise<void>): Promise<void> {
  const [{ openRuntime }, { ConfigError, formatIssue }, { owningWorker, ownedMessage }] = await Promise.all([import('../runtime.ts'), import('../config/load.ts'), import('./worker-file.ts')]);
  const owner = await owningWorker(deps.runtime);
  if (owner) {
    (deps.say ?? console.error)(ownedMessage(owner));
    process.exitCode = 1;
    return;
  }
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
  let failed = false;
  try {
    await fn(runtime);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A failing close must not hide the error that ended the action.
    await runtime.close().catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

/** A lead by number or @handle; when there is none, says so (exit code 1). */
export async function leadOrSay(rt: Runtime, key: string, say: (line: string) => void): Promise<LeadDetail | undefined> {
  const { findLead } = await import('../../db/leads.ts');
  const lead = await findLead(rt.database.db, key);
  if (!lead) {
    say(`no lead ${key}: give a lead number (#42) or the prospect's @handle`);
    process.exitCode = 1;
  }
  return lead;
}

/** What performing an action needs, from a runtime; `now` follows the sandbox clock when X is one. */
export async function engageDeps(rt: Runtime): Promise<EngageDeps> {
  const door = await rt.x();
  await rt.syncClock();
  return {
    db: rt.database.db,
    door,
    log: rt.log,
    now: () => rt.now(),
    workerId: rt.workerId,
    tier: rt.config.worker.tier,
    personas: rt.config.personas,
    engagement: rt.config.worker.engagement,
  };
}
