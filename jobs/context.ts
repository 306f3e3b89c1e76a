import type { Database } from '../db/client.ts';
import type { Persona } from '../src/config/persona.ts';
import type { WorkerConfig } from '../src/config/worker.ts';
import type { Logger } from '../src/log.ts';
import type { XDoor } from '../src/x/door.ts';

/**
 * What a job gets: the database, the door to X, a logger, the clock, an abort signal and the
 * config. Jobs import nothing else that touches the outside world, so tests run them with a fixed
 * `now`, the sandbox and either database.
 */
export interface JobContext {
  db: Database;
  x: XDoor;
  log: Logger;
  now: () => Date;
  signal: AbortSignal;
  /** This worker's id: pending actions carry it, so a crashed worker's are reconciled. */
  workerId: string;
  /** Waits (jitter between actions); tests pass one that does not. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** 0 ≤ x < 1, for jitter. */
  random: () => number;
  /**
   * Pace actions in real time (strict intervals, jitter). Default true; tests and benchmarks that
   * move a simulated clock turn it off (budgets and caps still hold).
   */
  pacing?: boolean;
  config: { worker: WorkerConfig; personas: readonly Persona[] };
  /** Only this persona, when set (`--persona`, or a worker's share of a run). */
  persona?: string | undefined;
  /** Only these accounts (handles), when set: a worker's share of a per-account job (signals). */
  accounts?: readonly string[] | undefined;
  /** Plan and report, write nothing (`--dry-run`). */
  dryRun: boolean;
  /** A progress line for long steps (the CLI prints it; the worker ignores it). */
  progress?: ((message: string) => void) | undefined;
}

/**
 * One job's outcome: what it did, for a person (`212 posts, 87 new prospects`), and counts for logs
 * and metrics. The frame that runs it (jobs/frame.ts) adds the job's name, the time and the log line.
 */
export interface JobResult {
  summary: string;
  counts: Record<string, number>;
}

export type JobHandler = (ctx: JobContext) => Promise<JobResult>;

/** The personas a run covers: all, or the one asked for (an unknown id is an error naming the known ones). */
export function personasOf(ctx: Pick<JobContext, 'config' | 'persona'>): readonly Persona[] {
  if (!ctx.persona) return ctx.config.personas;
  const found = ctx.config.personas.filter((p) => p.id === ctx.persona);
  if (!found.length) {
    throw new Error(`unknown persona "${ctx.persona}"; known: ${ctx.config.personas.map((p) => p.id).join(', ') || '(none)'}`);
  }
  return found;
}

/** The UTC day of an instant, as `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * A summary from lines about each persona (or account): `growth-saas-en: …; rh-pme-fr: …`; when
 * the run covers one only (`scoped`), its line alone, since the frame's label already names it.
 */
export function joinLines(lines: ReadonlyArray<readonly [who: string, text: string]>, scoped: boolean, separator = ': '): string {
  if (scoped && lines.length === 1) return lines[0]![1];
  return lines.map(([who, text]) => `${who}${separator}${text}`).join('; ');
}
