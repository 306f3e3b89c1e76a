import type { JobHandler } from './context.ts';
import queue from './queue.ts';
import score from './score.ts';
import search from './search.ts';

/**
 * The jobs, by name, with their default schedules (cron, in the schedule's time zone). The list
 * is explicit: adding a job means adding a file and a line here.
 */
export interface JobDefinition {
  name: JobName;
  handler: JobHandler;
  /** Default cron; `config/prospector.yaml` may override it. */
  cron: string;
  description: string;
}

export const JOB_NAMES = ['search', 'score', 'queue'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export const JOBS: Record<JobName, JobDefinition> = {
  search: { name: 'search', handler: search, cron: '*/30 8-19 * * 1-5', description: 'read X recent search for each persona; store prospects, posts and matches' },
  score: { name: 'score', handler: score, cron: '5,35 8-19 * * 1-5', description: 'score new and changed matches, with reasons' },
  queue: { name: 'queue', handler: queue, cron: '30 7 * * *', description: "queue today's best matches for the salespeople" },
};

export function jobNamed(name: string): JobDefinition {
  const job = JOBS[name as JobName];
  if (!job) throw new Error(`unknown job "${name}"; jobs are ${JOB_NAMES.join(', ')}`);
  return job;
}
