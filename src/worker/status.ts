import type { JobName } from '../config/worker.ts';

/**
 * What a running worker knows about itself that the database does not: its schedules' next ticks,
 * the config it runs and any errors of the last reload, what it is doing now. Health, metrics and
 * `prospector status` read it; everything else they show comes from the database, shared by all
 * workers.
 */
export interface ScheduleStatus {
  job: JobName;
  /** The cron, or undefined when the job runs after another. */
  cron?: string;
  after?: JobName;
  timeZone: string;
  enabled: boolean;
  /** The next tick, when the job has a cron and is enabled. */
  next?: Date;
}

export interface WorkerStatus {
  workerId: string;
  startedAt: Date;
  network: 'sandbox' | 'x';
  /** Where the data lives, without a password: "PGlite in .prospector/data". */
  database: string;
  /** The worker config file, undefined when none (all defaults). */
  configFile: string | undefined;
  configLoadedAt: Date;
  /**
   * Problems of the config files, each "file:line path: message": of the last reload refused (a
   * broken worker config), and of persona files left out. Empty when what runs is what the files say.
   */
  configErrors: string[];
  /**
   * Persona files left out for their problems (their lines are also in `configErrors`): the other
   * personas run; `lastGood` when the persona's last good version runs in its place.
   */
  personasLeftOut?: Array<{ file: string; id: string | null; lastGood: boolean; errors: string[] }>;
  schedules: ScheduleStatus[];
  /** Shares of runs this worker is working on now. */
  running: Array<{ job: string; persona: string | null; account: string | null; since: Date }>;
  /** A stop was asked for: finishing what is in flight. */
  stopping: boolean;
}

export interface StatusSource {
  status(): WorkerStatus;
}
