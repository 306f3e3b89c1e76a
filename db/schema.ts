import { sql, type SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/**
 * Every table of Prospector, in one drizzle schema. `npm run db:generate` turns changes here into
 * a new SQL file under db/migrations/ (commit it); `npm test` fails while the two disagree.
 *
 * Conventions: X ids (users, posts) are text, as X sends them; every instant is a timestamptz;
 * a day is a `date` ('YYYY-MM-DD', the worker's day, decided by the caller). Value lists are text
 * columns with a CHECK rather than Postgres enums, so adding a value is a plain migration that can
 * run inside the migration transaction.
 */

export const POST_KINDS = ['original', 'reply', 'quote', 'retweet'] as const;
export const ACTION_KINDS = ['like', 'follow'] as const;
export const ACTION_STATUSES = ['planned', 'pending', 'done', 'failed', 'cancelled', 'skipped'] as const;
export const BUDGET_WINDOWS = ['15min', 'day'] as const;
export const SIGNAL_KINDS = ['followed_back', 'follow_accepted', 'liked_back', 'replied', 'mentioned', 'opt_out'] as const;
export const STOP_KINDS = ['usage_capped', 'credits_depleted'] as const;
export const LEAD_STATES = ['new', 'contacted', 'replied', 'won', 'not_a_fit', 'snoozed', 'do_not_contact'] as const;
export const REPLY_OUTCOMES = ['opt_out', 'doubtful', 'other'] as const;
export const REPLY_DECISIONS = ['confirmed', 'dismissed'] as const;
export const DO_NOT_CONTACT_CHANGES = ['added', 'removed'] as const;
/**
 * What a lead event is: `queued` (the queue job created the lead), `decision` (a person moved it),
 * `undo` (a person reverted the decision it names), `note` (a person wrote something; the state
 * stays), `list` (the do-not-contact list closed or reopened it).
 */
export const LEAD_EVENT_KINDS = ['queued', 'decision', 'undo', 'note', 'list'] as const;
/** Why a lead is not a fit: the short list a salesperson picks from (a note says more). */
export const NOT_A_FIT_REASONS = ['wrong_person', 'wrong_company_size', 'competitor', 'student_or_job_seeker', 'bot_or_fake', 'not_in_market', 'other'] as const;
export const RUN_STATUSES = ['running', 'ok', 'failed'] as const;
export const WORK_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export const NOTIFICATION_KINDS = ['queue_ready', 'lead_warm'] as const;
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

export type PostKind = (typeof POST_KINDS)[number];
export type ActionKind = (typeof ACTION_KINDS)[number];
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export type BudgetWindow = (typeof BUDGET_WINDOWS)[number];
export type SignalKind = (typeof SIGNAL_KINDS)[number];
export type StopKind = (typeof STOP_KINDS)[number];
export type LeadState = (typeof LEAD_STATES)[number];
export type ReplyOutcome = (typeof REPLY_OUTCOMES)[number];
export type ReplyDecision = (typeof REPLY_DECISIONS)[number];
export type DoNotContactChange = (typeof DO_NOT_CONTACT_CHANGES)[number];
export type LeadEventKind = (typeof LEAD_EVENT_KINDS)[number];
export type NotAFitReason = (typeof NOT_A_FIT_REASONS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type WorkStatus = (typeof WORK_STATUSES)[number];
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Score components (fit, intent, authority, activity, authenticity, signals), each 0–1. */
export type ScoreComponents = Record<string, number>;

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** `column IN ('a', 'b')` for a CHECK constraint. The values are the constants above, never input. */
function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
  return sql`${column} in (${sql.raw(list)})`;
}

/** An X user the worker has seen, whatever persona found them: their latest profile. */
export const prospects = pgTable(
  'prospects',
  {
    xUserId: text('x_user_id').primaryKey(),
    username: text('username').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    location: text('location'),
    url: text('url'),
    /** When the X account was created. */
    createdAt: instant('created_at'),
    verified: boolean('verified'),
    protected: boolean('protected'),
    followersCount: integer('followers_count'),
    followingCount: integer('following_count'),
    tweetCount: integer('tweet_count'),
    listedCount: integer('listed_count'),
    likeCount: integer('like_count'),
    lang: text('lang'),
    firstSeenAt: instant('first_seen_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    /** The raw X user object, when the caller keeps it. */
    profile: jsonb('profile').$type<Record<string, unknown>>(),
  },
  (t) => [index('prospects_username_lower_idx').on(sql`lower(${t.username})`)],
);

/** An X post that led us to a prospect. */
export const posts = pgTable(
  'posts',
  {
    xPostId: text('x_post_id').primaryKey(),
    authorId: text('author_id')
      .notNull()
      .references(() => prospects.xUserId),
    text: text('text').notNull(),
    lang: text('lang'),
    createdAt: instant('created_at').notNull(),
    kind: text('kind').$type<PostKind>().notNull(),
    /** The post this one replies to, quotes or reposts. */
    referencedPostId: text('referenced_post_id'),
    retweetCount: integer('retweet_count').notNull().default(0),
    replyCount: integer('reply_count').notNull().default(0),
    likeCount: integer('like_count').notNull().default(0),
    quoteCount: integer('quote_count').notNull().default(0),
    bookmarkCount: integer('bookmark_count').notNull().default(0),
    impressionCount: bigint('impression_count', { mode: 'number' }).notNull().default(0),
    firstSeenAt: instant('first_seen_at').notNull(),
  },
  (t) => [index('posts_author_created_idx').on(t.authorId, t.createdAt.desc()), check('posts_kind_check', oneOf(t.kind, POST_KINDS))],
);

/** A prospect × persona pair: what search found, and what scoring made of it. */
export const matches = pgTable(
  'matches',
  {
    persona: text('persona').notNull(),
    prospectId: text('prospect_id')
      .notNull()
      .references(() => prospects.xUserId),
    /** The first post that led to this match. */
    postId: text('post_id').references(() => posts.xPostId, { onDelete: 'set null' }),
    features: jsonb('features').$type<Record<string, unknown>>(),
    score: smallint('score'),
    components: jsonb('components').$type<ScoreComponents>(),
    explanation: text('explanation'),
    matchedAt: instant('matched_at').notNull(),
    scoredAt: instant('scored_at'),
    /** Moves when something the score depends on changes; a score older than this is stale. */
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'matches_pkey', columns: [t.persona, t.prospectId] }),
    // The daily queue reads the best matches of one persona first.
    index('matches_queue_idx').on(t.persona, t.score.desc().nullsLast(), t.prospectId),
    index('matches_prospect_idx').on(t.prospectId),
    // The review page's funnel: a persona's matches found in a period, counted by score from the index alone.
    index('matches_persona_matched_idx').on(t.persona, t.matchedAt, t.score),
    check('matches_score_check', sql`${t.score} between 0 and 100`),
  ],
);

/**
 * Where each search query of each persona has read up to: a post is never paid for twice. A walk
 * cut short by the read budget leaves a gap: posts newer than `since_id` and older than `until_id`
 * are still unread, and `since_id` becomes `pending_newest_id` once the gap is read.
 */
export const searchCursors = pgTable(
  'search_cursors',
  {
    persona: text('persona').notNull(),
    /** sha256 of the query text, hex. */
    queryHash: text('query_hash').notNull(),
    query: text('query').notNull(),
    sinceId: text('since_id'),
    untilId: text('until_id'),
    pendingNewestId: text('pending_newest_id'),
    updatedAt: instant('updated_at').notNull(),
    /** When X last refused this query (400), and X's reason; cleared when a search of it goes through. */
    refusedAt: instant('refused_at'),
    refusedReason: text('refused_reason'),
  },
  (t) => [primaryKey({ name: 'search_cursors_pkey', columns: [t.persona, t.queryHash] })],
);

/** Reads from X and their estimated cost, per persona and day. */
export const readMeter = pgTable(
  'read_meter',
  {
    persona: text('persona').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    postsRead: integer('posts_read').notNull().default(0),
    usersRead: integer('users_read').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    estimatedCostUsd: numeric('estimated_cost_usd', { precision: 14, scale: 6 }).notNull().default('0'),
  },
  (t) => [primaryKey({ name: 'read_meter_pkey', columns: [t.persona, t.day] })],
);

/**
 * A like or a follow by one account on one target, ever (invariant 1: never twice). The row is
 * written, with the budget debited, before the request is sent; `pending` until the outcome is known.
 */
export const actions = pgTable(
  'actions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The acting X account's user id. */
    account: text('account').notNull(),
    kind: text('kind').$type<ActionKind>().notNull(),
    /** A post id for a like, a user id for a follow. */
    target: text('target').notNull(),
    /** The prospect the action is about (the target's author for a like). */
    prospectId: text('prospect_id')
      .notNull()
      .references(() => prospects.xUserId),
    persona: text('persona'),
    status: text('status').$type<ActionStatus>().notNull(),
    plannedAt: instant('planned_at').notNull(),
    sentAt: instant('sent_at'),
    finishedAt: instant('finished_at'),
    outcome: jsonb('outcome').$type<Record<string, unknown>>(),
    error: text('error'),
    /** Who asked for it: 'engage' (mode auto) or the salesperson who clicked. */
    actor: text('actor'),
    /** The worker that holds the action while it is `pending`; a dead holder's rows are reconciled. */
    workerId: text('worker_id'),
    /**
     * Write requests sent for this action: 1 normally; one more each time a reconciliation read X
     * and found the like or follow not done there.
     */
    sends: smallint('sends').notNull().default(0),
    /** When the last reconciliation of a lost outcome began. */
    reconciledAt: instant('reconciled_at'),
    /** Reconciliations begun: each reads X (and sends again only when X has not done it). */
    reconcileAttempts: smallint('reconcile_attempts').notNull().default(0),
    /**
     * While `pending` with a holder: the database's time until which the holder's request may still
     * be in flight. Nobody takes the action over before it, even when the holder seems dead.
     */
    leaseUntil: instant('lease_until'),
  },
  (t) => [
    unique('actions_once').on(t.account, t.kind, t.target),
    index('actions_status_idx').on(t.status, t.plannedAt),
    index('actions_prospect_idx').on(t.prospectId),
    // The review page: a persona's engaged people in a period, and the Activity page's latest actions.
    index('actions_persona_finished_idx').on(t.persona, t.finishedAt),
    index('actions_last_moved_idx').on(sql`coalesce(${t.finishedAt}, ${t.sentAt}, ${t.plannedAt})`),
    check('actions_kind_check', oneOf(t.kind, ACTION_KINDS)),
    check('actions_status_check', oneOf(t.status, ACTION_STATUSES)),
  ],
);

/**
 * How many actions of a kind an account may do in one window, and how many it did. `scope` is
 * 'x' for X's own limits (rolling windows that open with the first request, corrected from the
 * `x-rate-limit-*` headers of each answer) or 'persona:<id>' for a persona's daily caps (the day
 * in the persona's time zone). A row is debited in the transaction that makes an action pending,
 * so `used` never passes `limit`.
 */
export const budgets = pgTable(
  'budgets',
  {
    account: text('account').notNull(),
    kind: text('kind').$type<ActionKind>().notNull(),
    scope: text('scope').notNull(),
    window: text('window').$type<BudgetWindow>().notNull(),
    windowStart: instant('window_start').notNull(),
    resetAt: instant('reset_at').notNull(),
    limit: integer('limit').notNull(),
    used: integer('used').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'budgets_pkey', columns: [t.account, t.kind, t.scope, t.window, t.windowStart] }),
    index('budgets_current_idx').on(t.account, t.kind, t.scope, t.window, t.resetAt.desc()),
    // The Activity page's gauges: every window still open.
    index('budgets_reset_idx').on(t.resetAt),
    check('budgets_kind_check', oneOf(t.kind, ACTION_KINDS)),
    check('budgets_window_check', oneOf(t.window, BUDGET_WINDOWS)),
    check('budgets_used_check', sql`${t.used} >= 0 and ${t.used} <= ${t.limit}`),
  ],
);

/**
 * The X accounts the team acts as, as the worker knows them: their user id (looked up once, never
 * per action), when they started engaging (the warm-up ramp counts weeks from it), whether they
 * are paused and why, and their OAuth2 tokens once refreshed (X rotates refresh tokens, so the
 * latest pair must survive a restart). Tokens are never logged; `token_origin` is a hash of the
 * environment's refresh token the stored pair descends from, so a new token put in the
 * environment wins over a stored one.
 */
export const accounts = pgTable('accounts', {
  handle: text('handle').primaryKey(),
  xUserId: text('x_user_id').unique(),
  owner: text('owner'),
  engagingSince: instant('engaging_since').notNull(),
  pausedAt: instant('paused_at'),
  pausedReason: text('paused_reason'),
  accessToken: text('access_token'),
  refreshToken: text('refresh_token'),
  tokenExpiresAt: instant('token_expires_at'),
  tokenOrigin: text('token_origin'),
  updatedAt: instant('updated_at').notNull(),
});

/** Where each account's incremental reads stand: the mentions timeline's since_id. */
export const signalCursors = pgTable(
  'signal_cursors',
  {
    account: text('account').notNull(),
    stream: text('stream').notNull(),
    sinceId: text('since_id'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'signal_cursors_pkey', columns: [t.account, t.stream] })],
);

/**
 * Followers and followings of each account seen so far: X lists them newest first, so a read
 * stops at the first page with nobody new. `direction` is 'followers' or 'following'.
 */
export const accountGraph = pgTable(
  'account_graph',
  {
    account: text('account').notNull(),
    direction: text('direction').notNull(),
    userId: text('user_id').notNull(),
    firstSeenAt: instant('first_seen_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'account_graph_pkey', columns: [t.account, t.direction, t.userId] }),
    check('account_graph_direction_check', oneOf(t.direction, ['followers', 'following'])),
  ],
);

/** A persona whose caps were cut (auto-throttle): the factor applied to its caps, and why. */
export const personaThrottle = pgTable('persona_throttle', {
  persona: text('persona').primaryKey(),
  factor: numeric('factor', { precision: 6, scale: 4, mode: 'number' }).notNull(),
  reason: text('reason').notNull(),
  /** Follows done when the factor last changed: the next check looks at follows after these. */
  followsAtChange: integer('follows_at_change').notNull().default(0),
  updatedAt: instant('updated_at').notNull(),
});

/**
 * What stops all calls of a kind until a date: X's monthly usage cap (429 usage-capped) or a
 * pay-per-use account out of credit (402). Jobs check it before calling X; health shows it.
 */
export const xStops = pgTable(
  'x_stops',
  {
    kind: text('kind').$type<StopKind>().primaryKey(),
    detail: text('detail').notNull(),
    at: instant('at').notNull(),
    until: instant('until'),
  },
  (t) => [check('x_stops_kind_check', oneOf(t.kind, STOP_KINDS))],
);

/**
 * Something a prospect did back. No foreign key to prospects: an opt-out can come from someone
 * we never stored. Recorded once: `post_id` is null for a follow-back, and nulls count as equal.
 */
export const signals = pgTable(
  'signals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    prospectId: text('prospect_id').notNull(),
    account: text('account').notNull(),
    kind: text('kind').$type<SignalKind>().notNull(),
    postId: text('post_id'),
    occurredAt: instant('occurred_at').notNull(),
  },
  (t) => [
    unique('signals_once').on(t.prospectId, t.account, t.kind, t.postId).nullsNotDistinct(),
    // The review page's funnel: who engaged back in a period.
    index('signals_occurred_idx').on(t.occurredAt),
    check('signals_kind_check', oneOf(t.kind, SIGNAL_KINDS)),
  ],
);

/** A match that entered the daily queue; its state moves only by a person's decision. */
export const leads = pgTable(
  'leads',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    prospectId: text('prospect_id')
      .notNull()
      .references(() => prospects.xUserId),
    persona: text('persona').notNull(),
    /** The salesperson the lead is assigned to. */
    owner: text('owner'),
    queuedOn: date('queued_on', { mode: 'string' }).notNull(),
    state: text('state').$type<LeadState>().notNull(),
    /** The match's score when it was queued. */
    score: smallint('score').notNull(),
    reasons: text('reasons'),
    snoozedUntil: instant('snoozed_until'),
    /** When the person first engaged back (followed, replied, mentioned, liked): a warm lead. */
    warmAt: instant('warm_at'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    unique('leads_prospect_persona').on(t.prospectId, t.persona),
    index('leads_day_idx').on(t.queuedOn, t.persona),
    index('leads_owner_idx').on(t.owner, t.state),
    // The review page's Today: a day's leads best first, read in order without sorting the day.
    index('leads_day_score_idx').on(t.queuedOn, t.score.desc(), t.id),
    check('leads_state_check', oneOf(t.state, LEAD_STATES)),
    check('leads_snooze_check', sql`${t.state} <> 'snoozed' or ${t.snoozedUntil} is not null`),
  ],
);

/**
 * A lead's history, never erased: every change of its state and every note, with who (a person's
 * name, or 'system'), when, why. An undo is a new event naming the decision it reverts.
 */
export const leadEvents = pgTable(
  'lead_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    at: instant('at').notNull(),
    actor: text('actor').notNull(),
    /** Every writer in db/ names it; the default is there for rows written by hand. */
    kind: text('kind').$type<LeadEventKind>().notNull().default('decision'),
    /** Null when the lead was created. A note's from and to are the state it was written in. */
    fromState: text('from_state').$type<LeadState>(),
    toState: text('to_state').$type<LeadState>().notNull(),
    note: text('note'),
    /** With `to_state` 'not_a_fit': why, from the short list. */
    reason: text('reason').$type<NotAFitReason>(),
    /** With `to_state` 'snoozed': when the lead comes back (an undo back to the snooze restores it). */
    snoozedUntil: instant('snoozed_until'),
    /** The caller's key for the request (a page's form token): a replay finds this event instead of writing another. */
    requestId: text('request_id'),
    /** With kind 'undo': the decision it reverts. Unique: a decision is undone once. */
    undoes: bigint('undoes', { mode: 'number' }).references((): AnyPgColumn => leadEvents.id),
  },
  (t) => [
    index('lead_events_lead_idx').on(t.leadId, t.at),
    uniqueIndex('lead_events_request_idx').on(t.leadId, t.requestId).where(sql`${t.requestId} is not null`),
    uniqueIndex('lead_events_undoes_idx').on(t.undoes).where(sql`${t.undoes} is not null`),
    check('lead_events_kind_check', oneOf(t.kind, LEAD_EVENT_KINDS)),
    check('lead_events_reason_check', sql`${t.reason} is null or (${t.toState} = 'not_a_fit' and ${oneOf(t.reason, NOT_A_FIT_REASONS)})`),
    check('lead_events_undo_check', sql`(${t.kind} = 'undo') = (${t.undoes} is not null)`),
  ],
);

/** Global: never queue, engage or contact these people, whatever the persona or account. */
export const doNotContact = pgTable('do_not_contact', {
  /** An X user id; not a foreign key, as someone we never stored can opt out. */
  prospectId: text('prospect_id').primaryKey(),
  reason: text('reason'),
  /** Where it came from: 'lead' (a salesperson's decision), 'opt_out' (a signal), 'manual', 'import'. */
  source: text('source').notNull(),
  addedAt: instant('added_at').notNull(),
  addedBy: text('added_by').notNull(),
});

/**
 * Every change to the do-not-contact list, never erased: who added or removed a person, when,
 * why, and from where (a salesperson's decision, an opt-out reply read by the worker, the CLI).
 * `do_not_contact` is the list as it stands; this is how it came to be.
 */
export const doNotContactEvents = pgTable(
  'do_not_contact_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    prospectId: text('prospect_id').notNull(),
    change: text('change').$type<DoNotContactChange>().notNull(),
    at: instant('at').notNull(),
    /** A person's name, or 'system'. */
    actor: text('actor').notNull(),
    source: text('source').notNull(),
    reason: text('reason'),
    /** The reply that asked to stop (or whose reading was reversed), when there is one. */
    replyId: bigint('reply_id', { mode: 'number' }),
  },
  (t) => [index('do_not_contact_events_prospect_idx').on(t.prospectId, t.at), check('do_not_contact_events_change_check', oneOf(t.change, DO_NOT_CONTACT_CHANGES))],
);

/**
 * Every reply or mention the signals job read, with how it was read (`opt_out`, `doubtful`,
 * `other`) and why. A doubtful one is `held` until a person confirms it (an opt-out) or dismisses
 * it (a normal reply); while any reply of a person is held, nobody engages them. A person may also
 * reverse an automatic reading the same way: the decision is recorded beside it, never instead.
 */
export const replies = pgTable(
  'replies',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    postId: text('post_id').notNull(),
    prospectId: text('prospect_id').notNull(),
    /** The team's account the reply was addressed to: its X user id. */
    account: text('account').notNull(),
    /** 'reply' or 'mention', as X had it. */
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    language: text('language'),
    outcome: text('outcome').$type<ReplyOutcome>().notNull(),
    reason: text('reason').notNull(),
    postedAt: instant('posted_at').notNull(),
    readAt: instant('read_at').notNull(),
    /** Waiting for a person: engagement with this prospect is paused meanwhile. */
    held: boolean('held').notNull().default(false),
    decision: text('decision').$type<ReplyDecision>(),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    note: text('note'),
  },
  (t) => [
    unique('replies_post_account').on(t.postId, t.account),
    index('replies_prospect_idx').on(t.prospectId),
    index('replies_held_idx').on(t.readAt).where(sql`${t.held}`),
    check('replies_outcome_check', oneOf(t.outcome, REPLY_OUTCOMES)),
    check('replies_decision_check', sql`${t.decision} is null or ${oneOf(t.decision, REPLY_DECISIONS)}`),
  ],
);

/**
 * One run of one job. A scheduled run carries its tick, unique per job and persona so that N
 * workers run each tick once (invariant 5); manual runs have no tick. A scheduled run's work is
 * split into `job_work` items that any worker may claim; a crashed worker's item is taken over when
 * its lease expires, and the run row is never inserted twice.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    job: text('job').notNull(),
    persona: text('persona'),
    tick: instant('tick'),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    status: text('status').$type<RunStatus>().notNull(),
    counts: jsonb('counts').$type<Record<string, number>>(),
    error: text('error'),
    workerId: text('worker_id').notNull(),
    /** The instant after which a running run with no live worker is taken over. */
    leaseUntil: instant('lease_until'),
  },
  (t) => [
    uniqueIndex('job_runs_tick_once').on(t.job, sql`coalesce(${t.persona}, '')`, t.tick).where(sql`${t.tick} is not null`),
    index('job_runs_job_idx').on(t.job, t.startedAt.desc()),
    // The Activity page: every job's runs since an instant.
    index('job_runs_started_idx').on(t.startedAt.desc()),
    check('job_runs_status_check', oneOf(t.status, RUN_STATUSES)),
  ],
);

/**
 * A share of a scheduled run: one persona (search, score, engage, queue) or one account (signals).
 * Workers claim items with FOR UPDATE SKIP LOCKED and hold them with a lease they keep extending;
 * an item whose lease ran out (its worker died) is claimed again.
 */
export const jobWork = pgTable(
  'job_work',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    runId: bigint('run_id', { mode: 'number' })
      .notNull()
      .references(() => jobRuns.id, { onDelete: 'cascade' }),
    persona: text('persona'),
    account: text('account'),
    status: text('status').$type<WorkStatus>().notNull(),
    workerId: text('worker_id'),
    leaseUntil: instant('lease_until'),
    attempts: smallint('attempts').notNull().default(0),
    startedAt: instant('started_at'),
    finishedAt: instant('finished_at'),
    counts: jsonb('counts').$type<Record<string, number>>(),
    summary: text('summary'),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('job_work_once').on(t.runId, sql`coalesce(${t.persona}, '')`, sql`coalesce(${t.account}, '')`),
    index('job_work_claim_idx').on(t.status, t.leaseUntil),
    check('job_work_status_check', oneOf(t.status, WORK_STATUSES)),
  ],
);

/** The global pause (one row at most): every worker stops acting within one tick while it exists. */
export const workerPause = pgTable(
  'worker_pause',
  {
    id: smallint('id').primaryKey().default(1),
    reason: text('reason'),
    pausedAt: instant('paused_at').notNull(),
    pausedBy: text('paused_by').notNull(),
  },
  (t) => [check('worker_pause_one_row', sql`${t.id} = 1`)],
);

/**
 * The outbox of outgoing webhooks (`web.notify`): a message is written here by the job that has
 * news (the morning queue, a lead turning warm) and delivered by a worker in the background, so a
 * slow or broken receiver never holds a job, and a crash or restart loses nothing. Workers claim
 * due rows with FOR UPDATE SKIP LOCKED (`sending` under a lease), so two never send one at once;
 * `key` makes writing the same news twice a no-op. `target` is the webhook's `url_env`, never the
 * URL. `message` is what to say, in neither format: the body is made at each try.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull(),
    target: text('target').notNull(),
    kind: text('kind').$type<NotificationKind>().notNull(),
    message: jsonb('message').$type<unknown>().notNull(),
    status: text('status').$type<NotificationStatus>().notNull(),
    attempts: smallint('attempts').notNull().default(0),
    /** When it is due (next try); for a `sending` row, when its claim runs out. */
    nextAt: instant('next_at').notNull(),
    lastError: text('last_error'),
    /** The worker sending it (while `sending`). */
    workerId: text('worker_id'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    unique('notifications_key').on(t.key),
    index('notifications_due_idx').on(t.nextAt).where(sql`${t.status} in ('pending', 'sending')`),
    index('notifications_recent_idx').on(t.createdAt.desc()),
    check('notifications_kind_check', oneOf(t.kind, NOTIFICATION_KINDS)),
    check('notifications_status_check', oneOf(t.status, NOTIFICATION_STATUSES)),
  ],
);
