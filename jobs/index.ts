import type { JobHandler } from './context.ts';
import engage from './engage.ts';
import queue from './queue.ts';
import score from './score.ts';
import search from './search.ts';
import signals from './signals.ts';

/**
 * The jobs, by name. The list is explicit: adding a job means adding a file and a line here.
 * When they run is config: `schedules` in `config/prospector.yaml`, defaults in
 * `DEFAULT_SCHEDULES` (src/config/worker.ts).
 */
export interface JobDefinition {
  name: JobName;
  handler: JobHandler;
  description: string;
  /** Whether it calls X: while X's stop is in force (monthly cap, no credit) it does not start (jobs/frame.ts). */
  callsX: boolean;
}

export const JOB_NAMES = ['search', 'score', 'engage', 'signals', 'queue'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export const JOBS: Record<JobName, JobDefinition> = {
  search: { name: 'search', handler: search, description: 'read X recent search for each persona; store prospects, posts and matches', callsX: true },
  score: { name: 'score', handler: score, description: 'score new and changed matches, with reasons', callsX: false },
  engage: { name: 'engage', handler: engage, description: 'plan a like and a follow for the best matches; perform them in mode auto, within caps and working hours', callsX: true },
  signals: { name: 'signals', handler: signals, description: 'read mentions, follow-backs and accepted follows; opt-outs go on do-not-contact; warm leads rise', callsX: true },
  queue: { name: 'queue', handler: queue, description: "queue today's best matches for the salespeople", callsX: false },
};

export function jobNamed(name: string): JobDefinition {
  const job = JOBS[name as JobName];
  if (!job) throw new Error(`unknown job "${name}"; jobs are ${JOB_NAMES.join(', ')}`);
  return job;
}
