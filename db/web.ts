import { sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { doNotContactHistory, type DoNotContactEntry, type DoNotContactEvent } from './do-not-contact.ts';
import { findLead, type LeadDetail } from './leads.ts';
import { pausedAccounts, type PausedAccount } from './observe.ts';
import { rows } from './rows.ts';
import type { ActionKind, ActionStatus, BudgetWindow, LeadState, RunStatus, SignalKind, StopKind } from './schema.ts';
import { currentPause, type Pause } from './work.ts';

/**
 * What the review page shows, read in as few statements as the page needs: each page is one
 * function returning plain data, so the server only fetches and renders. Read-only; decisions go
 * through db/leads.ts and the one perform path like the CLI's.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(fn: string, field: string, day: string): void {
  if (!DAY.test(day)) throw new Error(`${fn}: ${field} must be 'YYYY-MM-DD', got '${day}'`);
}

/**
 * Reads that count over a period, in one transaction without PostgreSQL's JIT (on by default):
 * their cost estimates pass its threshold, and compiling them took longer than running them
 * (a 30-day funnel on a million matches: 750 ms with it, about 200 ms without). PGlite has no JIT;
 * the setting is accepted and does nothing.
 */
async function withoutJit<T>(db: Database, read: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return read(tx);
  });
}

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

// ───────────────────────────── Today ─────────────────────────────

export interface CardPost {
  id: string;
  text: string;
  createdAt: Date;
}

export interface CardAction {
  id: number;
  kind: ActionKind;
  status: ActionStatus;
  /** A post id for a like, a user id for a follow. */
  target: string;
  account: string;
  accountHandle: string | null;
  error: string | null;
}

export interface CardSignal {
  kind: SignalKind;
  occurredAt: Date;
}

/** Everything one lead card shows. */
export interface LeadCard {
  id: number;
  prospectId: string;
  persona: string;
  owner: string | null;
  queuedOn: string;
  state: LeadState;
  score: number;
  reasons: string | null;
  snoozedUntil: Date | null;
  warmAt: Date | null;
  updatedAt: Date;
  username: string;
  name: string;
  description: string | null;
  location: string | null;
  followersCount: number | null;
  /** The profile carries an image; the page shows initials anyway (never hot-linked). */
  hasAvatar: boolean;
  /** The post that found them for this persona, when it is still stored. */
  post: CardPost | null;
  /** Likes and follows towards the person, by any account, oldest first. */
  actions: CardAction[];
  /** What they did back, oldest first. */
  signals: CardSignal[];
  /** A doubtful reply waits for a person: nobody engages them meanwhile ("possible opt-out"). */
  heldReply: boolean;
}

export interface TodayQueueInput {
  /** The queue's day; not needed with `leadId`. */
  day?: string | undefined;
  /** One lead's card, whatever its day (the card a form answers with). */
  leadId?: number | undefined;
  owner?: string | undefined;
  persona?: string | undefined;
  state?: LeadState | undefined;
  /** Default 200. */
  limit?: number | undefined;
}

interface CardRow {
  id: number;
  prospect_id: string;
  persona: string;
  owner: string | null;
  queued_on: string | Date;
  state: LeadState;
  score: number;
  reasons: string | null;
  snoozed_until: string | Date | null;
  warm_at: string | Date | null;
  updated_at: string | Date;
  username: string;
  name: string;
  description: string | null;
  location: string | null;
  followers_count: number | null;
  has_avatar: boolean;
  post_id: string | null;
  post_text: string | null;
  post_created_at: string | Date | null;
  actions: Array<{ id: number; kind: ActionKind; status: ActionStatus; target: string; account: string; handle: string | null; error: string | null }> | string;
  signals: Array<{ kind: SignalKind; at: string }> | string;
  held: boolean;
}

/** json_agg comes back parsed from pg and PGlite alike, but be tolerant of text. */
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

const dayText = (v: string | Date): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/**
 * A day's leads with everything a card needs, best score first: one statement, the per-lead parts
 * (actions, signals, held reply) as correlated subqueries on their prospect indexes, so the cost
 * grows with the page, not with the tables.
 */
export async function todayQueue(db: Database, input: TodayQueueInput): Promise<LeadCard[]> {
  const where: SQL[] = [];
  if (input.leadId !== undefined) where.push(sql`l.id = ${input.leadId}`);
  else {
    checkDay('todayQueue', 'day', input.day as string);
    where.push(sql`l.queued_on = ${input.day}::date`);
  }
  const limit = input.limit ?? 200;
  if (input.owner !== undefined) where.push(sql`l.owner = ${input.owner}`);
  if (input.persona !== undefined) where.push(sql`l.persona = ${input.persona}`);
  if (input.state !== undefined) where.push(sql`l.state = ${input.state}`);
  const found = await rows<CardRow>(
    db,
    sql`select l.id, l.prospect_id, l.persona, l.owner, l.queued_on::text as queued_on, l.state, l.score, l.reasons,
               l.snoozed_until, l.warm_at, l.updated_at,
               p.username, p.name, p.description, p.location, p.followers_count,
               (p.profile ->> 'profile_image_url') is not null as has_avatar,
               po.x_post_id as post_id, po.text as post_text, po.created_at as post_created_at,
               coalesce((select json_agg(json_build_object('id', a.id, 'kind', a.kind, 'status', a.status, 'target', a.target,
                                  'account', a.account, 'handle', ac.handle, 'error', a.error) order by a.planned_at, a.id)
                         from actions a left join accounts ac on ac.x_user_id = a.account
                         where a.prospect_id = l.prospect_id), '[]'::json) as actions,
               coalesce((select json_agg(json_build_object('kind', s.kind, 'at', s.occurred_at) order by s.occurred_at, s.id)
                         from signals s where s.prospect_id = l.prospect_id), '[]'::json) as signals,
               exists (select 1 from replies r where r.prospect_id = l.prospect_id and r.held) as held
        from leads l
        join prospects p on p.x_user_id = l.prospect_id
        left join matches m on m.persona = l.persona and m.prospect_id = l.prospect_id
        left join posts po on po.x_post_id = m.post_id
        where ${sql.join(where, sql` and `)}
        order by l.score desc, l.id
        limit ${limit}`,
  );
  return found.map((r) => ({
    id: Number(r.id),
    prospectId: r.prospect_id,
    persona: r.persona,
    owner: r.owner,
    queuedOn: dayText(r.queued_on),
    state: r.state,
    score: Number(r.score),
    reasons: r.reasons,
    snoozedUntil: dateOrNull(r.snoozed_until),
    warmAt: dateOrNull(r.warm_at),
    updatedAt: date(r.updated_at),
    username: r.username,
    name: r.name,
    description: r.description,
    location: r.location,
    followersCount: r.followers_count === null ? null : Number(r.followers_count),
    hasAvatar: Boolean(r.has_avatar),
    post: r.post_id === null ? null : { id: r.post_id, text: r.post_text ?? '', createdAt: date(r.post_created_at) },
    actions: json(r.actions).map((a) => ({ id: Number(a.id), kind: a.kind, status: a.status, target: a.target, account: a.account, accountHandle: a.handle, error: a.error })),
    signals: json(r.signals).map((s) => ({ kind: s.kind, occurredAt: date(s.at) })),
    heldReply: Boolean(r.held),
  }));
}

// ───────────────────────────── Lead ─────────────────────────────

/** One persona's match of the person: the score it has now and the post that found them. */
export interface PersonaMatch {
  persona: string;
  score: number | null;
  explanation: string | null;
  matchedAt: Date;
  scoredAt: Date | null;
  post: CardPost | null;
  /** Their lead in that persona, when they were queued there. */
  lead: { id: number; state: LeadState; score: number; queuedOn: string } | null;
}

export interface LeadHistory extends LeadDetail {
  /** Every persona that matched the person, best score first. */
  matches: PersonaMatch[];
  /**
   * Scores as recorded: the match's at queue time (the lead's) and now (the match's), per persona.
   * Scores are not versioned; these two points are what the database keeps.
   */
  scores: Array<{ persona: string; queued: number | null; queuedOn: string | null; now: number | null; scoredAt: Date | null }>;
  /** People's decisions that carry a note, oldest first (the queue's own 'system' lines left out). */
  notes: Array<{ at: Date; actor: string; toState: LeadState; note: string }>;
  heldReply: boolean;
}

/** One lead's whole history (see findLead), with the person's matches across personas. */
export async function leadHistory(db: Database, id: number): Promise<LeadHistory | undefined> {
  const lead = await findLead(db, id);
  if (!lead) return undefined;
  const found = await rows<{
    persona: string;
    score: number | null;
    explanation: string | null;
    matched_at: string | Date;
    scored_at: string | Date | null;
    post_id: string | null;
    post_text: string | null;
    post_created_at: string | Date | null;
    lead_id: number | null;
    lead_state: LeadState | null;
    lead_score: number | null;
    queued_on: string | null;
  }>(
    db,
    sql`select m.persona, m.score, m.explanation, m.matched_at, m.scored_at,
               po.x_post_id as post_id, po.text as post_text, po.created_at as post_created_at,
               l.id as lead_id, l.state as lead_state, l.score as lead_score, l.queued_on::text as queued_on
        from matches m
        left join posts po on po.x_post_id = m.post_id
        left join leads l on l.prospect_id = m.prospect_id and l.persona = m.persona
        where m.prospect_id = ${lead.prospectId}
        order by m.score desc nulls last, m.persona`,
  );
  const [held] = await rows<{ held: boolean }>(db, sql`select exists (select 1 from replies where prospect_id = ${lead.prospectId} and held) as held`);
  const matches: PersonaMatch[] = found.map((r) => ({
    persona: r.persona,
    score: r.score === null ? null : Number(r.score),
    explanation: r.explanation,
    matchedAt: date(r.matched_at),
    scoredAt: dateOrNull(r.scored_at),
    post: r.post_id === null ? null : { id: r.post_id, text: r.post_text ?? '', createdAt: date(r.post_created_at) },
    lead: r.lead_id === null ? null : { id: Number(r.lead_id), state: r.lead_state!, score: Number(r.lead_score), queuedOn: dayText(r.queued_on!) },
  }));
  return {
    ...lead,
    matches,
    scores: matches.map((m) => ({ persona: m.persona, queued: m.lead?.score ?? null, queuedOn: m.lead?.queuedOn ?? null, now: m.score, scoredAt: m.scoredAt })),
    notes: lead.events.filter((e) => e.actor !== 'system' && e.note !== null && e.note !== '').map((e) => ({ at: e.at, actor: e.actor, toState: e.toState, note: e.note! })),
    heldReply: Boolean(held?.held),
  };
}

// ───────────────────────────── Personas ─────────────────────────────

export const FUNNEL_STAGES = ['found', 'matched', 'engaged', 'engaged back', 'queued', 'contacted', 'replied', 'won'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface PersonaFunnel {
  persona: string;
  from: string;
  to: string;
  /** In FUNNEL_STAGES order. */
  stages: Array<{ stage: FunnelStage; count: number }>;
  /** Scores of the matches found in the period, in ten buckets: 0–9, 10–19, … 90–100. */
  scores: Array<{ from: number; to: number; count: number }>;
  reads: { posts: number; users: number; requests: number; costUsd: number };
  /** Estimated read cost ÷ leads queued, ÷ leads that replied; null when there are none. */
  costPerQueuedLead: number | null;
  costPerReply: number | null;
}

export interface PersonaFunnelInput {
  persona: string;
  /** First and last day of the period, inclusive ('YYYY-MM-DD', UTC). */
  from: string;
  to: string;
  /** The persona's `queue.min_score`: a match found is counted as matched from this score. Default 0. */
  minScore?: number | undefined;
}

/**
 * A persona's funnel over a period. The stages before the queue count what happened in the
 * period: people found (matched by search), scoring at least `minScore`, engaged by a like or
 * follow of the persona that was done, engaging back after one (a signal other than an opt-out);
 * the stages from the queue on follow the leads queued in the period, each counted once it
 * reached that state or a later one (a won lead was contacted and replied).
 */
export async function personaFunnel(db: Database, input: PersonaFunnelInput): Promise<PersonaFunnel> {
  checkDay('personaFunnel', 'from', input.from);
  checkDay('personaFunnel', 'to', input.to);
  if (input.from > input.to) throw new Error(`personaFunnel: from (${input.from}) is after to (${input.to})`);
  const { persona } = input;
  const start = sql`${input.from}::date::timestamptz`;
  const end = sql`(${input.to}::date + 1)::timestamptz`;
  const minScore = input.minScore ?? 0;
  const { counts, buckets, reads } = await withoutJit(db, async (tx) => {
    // How far each lead went (0 queued, 1 contacted, 2 replied, 3 won): its state says, unless a
    // person then put it aside (not a fit, snoozed, do not contact); only those read their events.
    const reach = (state: SQL) => sql`case ${state} when 'won' then 3 when 'replied' then 2 when 'contacted' then 1 else 0 end`;
    // 'offset 0' keeps each signal's check a lookup on actions_prospect_idx, not a scan of every action.
    const [counts] = await rows<Record<string, number>>(
      tx,
      sql`select
            (select count(distinct prospect_id)::int from actions where persona = ${persona} and status = 'done' and finished_at >= ${start} and finished_at < ${end}) as engaged,
            (select count(distinct s.prospect_id)::int from signals s
               where s.kind <> 'opt_out' and s.occurred_at >= ${start} and s.occurred_at < ${end}
                 and exists (select 1 from actions a where a.prospect_id = s.prospect_id and a.persona = ${persona} and a.status = 'done' and a.finished_at <= s.occurred_at offset 0)) as engaged_back,
            count(*)::int as queued,
            (count(*) filter (where reach >= 1))::int as contacted,
            (count(*) filter (where reach >= 2))::int as replied,
            (count(*) filter (where reach >= 3))::int as won
          from (select case when l.state in ('new', 'contacted', 'replied', 'won') then ${reach(sql`l.state`)}
                            else coalesce((select max(${reach(sql`e.to_state`)}) from lead_events e where e.lead_id = l.id), 0) end as reach
                from leads l where l.persona = ${persona} and l.queued_on between ${input.from}::date and ${input.to}::date) q`,
    );
    // Found, matched and the histogram in one pass over matches_persona_matched_idx (index only).
    const buckets = await rows<{ bucket: number | null; count: number; matched: number }>(
      tx,
      sql`select least(score / 10, 9)::int as bucket, count(*)::int as count, (count(*) filter (where score >= ${minScore}))::int as matched
          from matches where persona = ${persona} and matched_at >= ${start} and matched_at < ${end}
          group by 1 order by 1`,
    );
    const [reads] = await rows<{ posts: number; users: number; requests: number; cost: number }>(
      tx,
      sql`select coalesce(sum(posts_read), 0)::float8 as posts, coalesce(sum(users_read), 0)::float8 as users,
                 coalesce(sum(requests), 0)::float8 as requests, coalesce(sum(estimated_cost_usd), 0)::float8 as cost
          from read_meter where persona = ${persona} and day between ${input.from}::date and ${input.to}::date`,
    );
    return { counts, buckets, reads };
  });
  const c = (k: string) => Number(counts?.[k] ?? 0);
  const found = buckets.reduce((sum, b) => sum + Number(b.count), 0);
  const matched = buckets.reduce((sum, b) => sum + Number(b.matched), 0);
  const stages = FUNNEL_STAGES.map((stage) => ({ stage, count: stage === 'found' ? found : stage === 'matched' ? matched : c(stage.replace(' ', '_')) }));
  const byBucket = new Map(buckets.filter((b) => b.bucket !== null).map((b) => [Number(b.bucket), Number(b.count)]));
  const costUsd = Number(reads?.cost ?? 0);
  return {
    persona,
    from: input.from,
    to: input.to,
    stages,
    scores: Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: byBucket.get(i) ?? 0 })),
    reads: { posts: Number(reads?.posts ?? 0), users: Number(reads?.users ?? 0), requests: Number(reads?.requests ?? 0), costUsd },
    costPerQueuedLead: c('queued') > 0 ? costUsd / c('queued') : null,
    costPerReply: c('replied') > 0 ? costUsd / c('replied') : null,
  };
}

// ───────────────────────────── Activity ─────────────────────────────

export interface ActivityAction {
  id: number;
  kind: ActionKind;
  status: ActionStatus;
  account: string;
  accountHandle: string | null;
  prospectId: string;
  username: string | null;
  persona: string | null;
  actor: string | null;
  at: Date;
  error: string | null;
  /** Reconciliations begun: each reads X first. */
  attempts: number;
}

export interface BudgetGauge {
  account: string;
  accountHandle: string | null;
  kind: ActionKind;
  /** 'x' for X's own limits, 'persona:<id>' for a persona's daily cap. */
  scope: string;
  window: BudgetWindow;
  used: number;
  limit: number;
  resetAt: Date;
}

export interface ActivityRun {
  id: number;
  job: string;
  persona: string | null;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  /** The outcome line of each share (`search saas-fr: 212 posts, …`) and any share's error. */
  lines: string[];
  errors: string[];
}

export interface Activity {
  since: Date;
  /** Actions by kind and status, planned or finished since `since`. */
  totals: Array<{ kind: ActionKind; status: ActionStatus; count: number }>;
  /** The latest actions since `since`, newest first. */
  actions: ActivityAction[];
  /** Budget windows still open at `at`, per account, kind, scope and window. */
  budgets: BudgetGauge[];
  runs: ActivityRun[];
  /** Actions that failed or were released with an error since `since` (429s among them), newest first. */
  errors: ActivityAction[];
  /** Likes and follows whose answer was lost, pending until reading X settles them (whenever they were sent), oldest first. */
  unsettled: ActivityAction[];
  stops: Array<{ kind: StopKind; detail: string; at: Date; until: Date | null }>;
  pause: Pause | undefined;
  pausedAccounts: PausedAccount[];
}

const actionSelect = sql`select a.id, a.kind, a.status, a.account, ac.handle, a.prospect_id, p.username, a.persona, a.actor,
       coalesce(a.finished_at, a.sent_at, a.planned_at) as at, a.error, a.reconcile_attempts as attempts
  from actions a left join accounts ac on ac.x_user_id = a.account left join prospects p on p.x_user_id = a.prospect_id`;

type ActionRow = {
  id: number;
  kind: ActionKind;
  status: ActionStatus;
  account: string;
  handle: string | null;
  prospect_id: string;
  username: string | null;
  persona: string | null;
  actor: string | null;
  at: string | Date;
  error: string | null;
  attempts: number;
};
const activityAction = (r: ActionRow): ActivityAction => ({
  id: Number(r.id),
  kind: r.kind,
  status: r.status,
  account: r.account,
  accountHandle: r.handle,
  prospectId: r.prospect_id,
  username: r.username,
  persona: r.persona,
  actor: r.actor,
  at: date(r.at),
  error: r.error,
  attempts: Number(r.attempts),
});

/** What ops watch: actions and outcomes since `since`, budgets open at `at`, runs, errors, stops, the pause. */
export async function activity(db: Database, input: { since: Date; at?: Date; limit?: number }): Promise<Activity> {
  return withoutJit(db, (tx) => readActivity(tx, input));
}

async function readActivity(db: Database, input: { since: Date; at?: Date; limit?: number }): Promise<Activity> {
  const since = input.since.toISOString();
  const at = (input.at ?? new Date()).toISOString();
  const limit = input.limit ?? 100;
  // On actions_last_moved_idx: when the action last moved (finished, else sent, else planned).
  const recent = sql`coalesce(a.finished_at, a.sent_at, a.planned_at) >= ${since}::timestamptz`;
  const totals = await rows<{ kind: ActionKind; status: ActionStatus; count: number }>(
    db,
    sql`select a.kind, a.status, count(*)::int as count from actions a where ${recent} group by 1, 2 order by 1, 2`,
  );
  const latest = await rows<ActionRow>(db, sql`${actionSelect} where ${recent} order by coalesce(a.finished_at, a.sent_at, a.planned_at) desc, a.id desc limit ${limit}`);
  const failed = await rows<ActionRow>(
    db,
    sql`${actionSelect} where ${recent} and a.error is not null order by coalesce(a.finished_at, a.sent_at, a.planned_at) desc, a.id desc limit ${limit}`,
  );
  const unsettled = await rows<ActionRow>(
    db,
    sql`${actionSelect} where a.status = 'pending' and (a.worker_id is null or a.reconcile_attempts > 0) order by a.id limit ${limit}`,
  );
  const budgets = await rows<{ account: string; handle: string | null; kind: ActionKind; scope: string; window: BudgetWindow; used: number; limit: number; reset_at: string | Date }>(
    db,
    sql`select distinct on (b.account, b.kind, b.scope, b.window) b.account, ac.handle, b.kind, b.scope, b.window, b.used, b."limit", b.reset_at
        from budgets b left join accounts ac on ac.x_user_id = b.account
        where b.reset_at > ${at}::timestamptz and b.window_start <= ${at}::timestamptz
        order by b.account, b.kind, b.scope, b.window, b.reset_at desc`,
  );
  const runs = await rows<{
    id: number;
    job: string;
    persona: string | null;
    status: RunStatus;
    started_at: string | Date;
    finished_at: string | Date | null;
    error: string | null;
    lines: string[] | string | null;
    errors: string[] | string | null;
  }>(
    db,
    sql`with latest as (
          select * from job_runs where started_at >= ${since}::timestamptz order by started_at desc, id desc limit ${limit}
        )
        select r.id, r.job, r.persona, r.status, r.started_at, r.finished_at, r.error,
               (select json_agg(w.summary order by w.id) from job_work w where w.run_id = r.id and w.summary is not null) as lines,
               (select json_agg(w.error order by w.id) from job_work w where w.run_id = r.id and w.error is not null) as errors
        from latest r order by r.started_at desc, r.id desc`,
  );
  const stops = await rows<{ kind: StopKind; detail: string; at: string | Date; until: string | Date | null }>(db, sql`select kind, detail, at, until from x_stops order by at desc`);
  return {
    since: input.since,
    totals: totals.map((t) => ({ ...t, count: Number(t.count) })),
    actions: latest.map(activityAction),
    budgets: budgets.map((b) => ({
      account: b.account,
      accountHandle: b.handle,
      kind: b.kind,
      scope: b.scope,
      window: b.window,
      used: Number(b.used),
      limit: Number(b.limit),
      resetAt: date(b.reset_at),
    })),
    runs: runs.map((r) => ({
      id: Number(r.id),
      job: r.job,
      persona: r.persona,
      status: r.status,
      startedAt: date(r.started_at),
      finishedAt: dateOrNull(r.finished_at),
      error: r.error,
      lines: r.lines === null ? [] : json(r.lines),
      errors: r.errors === null ? [] : json(r.errors),
    })),
    errors: failed.map(activityAction),
    unsettled: unsettled.map(activityAction),
    stops: stops.map((s) => ({ kind: s.kind, detail: s.detail, at: date(s.at), until: dateOrNull(s.until) })),
    pause: await currentPause(db),
    pausedAccounts: await pausedAccounts(db),
  };
}

// ───────────────────────────── Do not contact ─────────────────────────────

/** A person on the list, as the page shows them (the list's own entry, without the reply). */
export type DoNotContactRow = Omit<DoNotContactEntry, 'replyId'>;

export interface DoNotContactPage {
  search: string | null;
  entries: DoNotContactRow[];
  /** Every change to the list, the latest first. */
  history: DoNotContactEvent[];
}

/**
 * The do-not-contact list, most recently added first; `search` keeps the people whose handle
 * starts with it (any case, '@' optional) or whose X user id it is.
 */
export async function doNotContactPage(db: Database, input: { search?: string | undefined; limit?: number } = {}): Promise<DoNotContactPage> {
  const search = input.search?.trim().replace(/^@/, '') || null;
  const limit = input.limit ?? 500;
  const filter =
    search === null
      ? sql`true`
      : sql`(d.prospect_id = ${search} or lower(p.username) like ${`${search.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`})`;
  const found = await rows<{ prospect_id: string; username: string | null; name: string | null; reason: string | null; source: string; added_at: string | Date; added_by: string }>(
    db,
    // One primary-key lookup per listed person ('limit 1' keeps the lateral a nested loop): the
    // list is small beside the prospects. Without a search, the page's rows are picked first.
    sql`select d.prospect_id, p.username, p.name, d.reason, d.source, d.added_at, d.added_by
        from ${search === null ? sql`(select * from do_not_contact order by added_at desc, prospect_id limit ${limit})` : sql`do_not_contact`} d
        left join lateral (select username, name from prospects where x_user_id = d.prospect_id limit 1) p on true
        where ${filter}
        order by d.added_at desc, d.prospect_id limit ${limit}`,
  );
  const history = (await doNotContactHistory(db, { limit: 50 })).reverse();
  return {
    search,
    entries: found.map((r) => ({ prospectId: r.prospect_id, username: r.username, name: r.name, reason: r.reason, source: r.source, addedAt: date(r.added_at), addedBy: r.added_by })),
    history,
  };
}
