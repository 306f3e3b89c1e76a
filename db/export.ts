import { sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { rows } from './rows.ts';
import type { LeadState } from './schema.ts';

/**
 * Leads for exports (CSV and JSON for a CRM, `src/export/crm.ts`): each with its person and its
 * last decision, read in pages by keyset (newest day, best score, then id), so that an export of
 * 100,000 leads never holds them all at once and a page costs the same at the end as at the start.
 */

export interface ExportFilter {
  /** Leads queued that day, 'YYYY-MM-DD'. */
  day?: string;
  persona?: string;
  owner?: string;
  states?: readonly LeadState[];
  /** Only leads a decision moved on since they were queued. */
  decided?: boolean;
}

export interface ExportLead {
  id: number;
  persona: string;
  owner: string | null;
  state: LeadState;
  score: number;
  reasons: string | null;
  queuedOn: string;
  warmAt: Date | null;
  xUserId: string;
  username: string;
  name: string;
  description: string | null;
  /** The latest change of state after the lead was queued: when and by whom. */
  lastDecisionAt: Date | null;
  lastDecisionBy: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const EXPORT_PAGE_SIZE = 1000;

interface Raw extends Omit<ExportLead, 'warmAt' | 'lastDecisionAt' | 'queuedOn'> {
  queuedOn: string | Date;
  warmAt: string | Date | null;
  lastDecisionAt: string | Date | null;
}

const date = (value: string | Date | null): Date | null => (value === null ? null : new Date(value));
const day = (value: string | Date): string => (typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10));

/** The leads matching `filter`, page by page (at most `pageSize` each), newest day and best score first. */
export async function* exportLeads(db: Database, filter: ExportFilter = {}, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<ExportLead[]> {
  if (filter.day !== undefined && !DAY.test(filter.day)) throw new Error(`exportLeads: day must be 'YYYY-MM-DD', got '${filter.day}'`);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`exportLeads: pageSize must be a whole number ≥ 1, got ${pageSize}`);
  const where: SQL[] = [];
  if (filter.day !== undefined) where.push(sql`l.queued_on = ${filter.day}::date`);
  if (filter.persona !== undefined) where.push(sql`l.persona = ${filter.persona}`);
  if (filter.owner !== undefined) where.push(sql`l.owner = ${filter.owner}`);
  if (filter.states !== undefined) where.push(sql`l.state = any(${sql.param([...filter.states])}::text[])`);
  if (filter.decided) where.push(sql`exists (select 1 from lead_events e where e.lead_id = l.id and e.from_state is not null)`);
  let after: { queuedOn: string; score: number; id: number } | undefined;
  for (;;) {
    const keyset = after ? [sql`(l.queued_on, l.score, l.id) < (${after.queuedOn}::date, ${after.score}::smallint, ${after.id}::int)`] : [];
    const conditions = [...where, ...keyset];
    const page = await rows<Raw>(
      db,
      sql`select l.id, l.persona, l.owner, l.state, l.score::int as score, l.reasons, l.queued_on::text as "queuedOn", l.warm_at as "warmAt",
                 p.x_user_id as "xUserId", p.username, p.name, p.description,
                 d.at as "lastDecisionAt", d.actor as "lastDecisionBy"
          from leads l
          join prospects p on p.x_user_id = l.prospect_id
          left join lateral (
            select e.at, e.actor from lead_events e
            where e.lead_id = l.id and e.from_state is not null
            order by e.at desc, e.id desc limit 1) d on true
          ${conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``}
          order by l.queued_on desc, l.score desc, l.id desc
          limit ${pageSize}`,
    );
    if (page.length === 0) return;
    yield page.map((r) => ({ ...r, queuedOn: day(r.queuedOn), warmAt: date(r.warmAt), lastDecisionAt: date(r.lastDecisionAt) }));
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    after = { queuedOn: day(last.queuedOn), score: last.score, id: last.id };
  }
}
