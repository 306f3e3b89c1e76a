import type { Database } from '../../db/client.ts';
import { upsertProspects } from '../../db/prospects.ts';
import { leads, type LeadState } from '../../db/schema.ts';
import { parseWorkerConfig } from '../../src/config/load.ts';
import type { WorkerConfig } from '../../src/config/worker.ts';
import type { StatusSource, WorkerStatus } from '../../src/worker/status.ts';
import { AT, prospectInput } from './db.ts';

/** Shared by the health, metrics, web and status tests. */

/** A worker config from YAML text (defaults for everything not given), as the loader makes it. */
export function workerConfig(yaml = 'time_zone: UTC\n'): WorkerConfig {
  const { value, issues } = parseWorkerConfig(yaml, 'prospector.yaml', { env: {} });
  if (!value) throw new Error(`bad test config: ${issues.map((i) => i.message).join('; ')}`);
  return value;
}

/** What a running worker would report; its schedules say the next ticks. */
export function statusSource(over: Partial<WorkerStatus> = {}): StatusSource {
  const status: WorkerStatus = {
    workerId: 'test-host:1:abc123',
    startedAt: AT,
    network: 'sandbox',
    database: 'PGlite in memory',
    configFile: 'config/prospector.yaml',
    configLoadedAt: AT,
    configErrors: [],
    schedules: [],
    running: [],
    stopping: false,
    ...over,
  };
  return { status: () => status };
}

export interface QueuedPerson {
  n: number;
  name?: string;
  description?: string;
  username?: string;
  state?: LeadState;
  persona?: string;
  score?: number;
}

/** Prospects and their leads, queued on `day`. Returns the lead ids in order. */
export async function seedLeads(db: Database, day: string, people: readonly QueuedPerson[]): Promise<number[]> {
  await upsertProspects(
    db,
    people.map((p) => prospectInput(p.n, { ...(p.name ? { name: p.name } : {}), ...(p.description ? { description: p.description } : {}), ...(p.username ? { username: p.username } : {}) })),
  );
  const created = await db
    .insert(leads)
    .values(
      people.map((p) => ({
        prospectId: prospectInput(p.n).xUserId,
        persona: p.persona ?? 'growth-saas-en',
        owner: 'maya',
        queuedOn: day,
        state: p.state ?? ('new' as const),
        score: p.score ?? 70,
        reasons: '+15 title matches',
        createdAt: AT,
        updatedAt: AT,
      })),
    )
    .returning({ id: leads.id });
  return created.map((c) => c.id);
}
