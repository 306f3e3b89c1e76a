import { createHash, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Database } from '../../db/client.ts';
import { decideLead, findLead, LeadError, listQueue, notAFitReason, notAFitReasonList, noteLead, undoDecision, type DecisionResult, type LeadDetail, type QueueEntry } from '../../db/leads.ts';
import { addDoNotContact, doNotContactHistory, findPerson, listDoNotContact, removeDoNotContact, type DoNotContactEntry, type DoNotContactEvent, type DoNotContactResult, type RemoveDoNotContactResult } from '../../db/do-not-contact.ts';
import { heldRepliesOf, listReplies, type ReplyEntry } from '../../db/replies.ts';
import { LEAD_STATES, type ActionKind, type LeadState } from '../../db/schema.ts';
import { currentPause, pauseAll, resumeAll, type Pause } from '../../db/work.ts';
import type { LiveWorker } from '../../db/workers.ts';
import { utcDay } from '../../jobs/context.ts';
import { actOnLead, budgetLeftAfter, type ActOutcome, type BudgetLeft } from '../engage/assist.ts';
import type { EngageDeps } from '../engage/perform.ts';
import { decideReply, ReplyDecisionError, type ReplyDecided } from '../engage/replies/decide.ts';
import type { Persona } from '../config/persona.ts';
import type { Logger } from '../log.ts';
import type { Health } from '../observe/health.ts';
import { calendarDay } from '../time.ts';
import { crmCsv } from '../export/crm.ts';

/**
 * The worker's JSON API, under `/api/`: what `prospector queue`, `lead`, `act`, `status`, `pause`,
 * `resume`, `replies` and `dnc` do, for the commands when the worker owns the embedded database
 * (src/commands/remote.ts) and for the review page. Each route calls the functions the commands
 * call — decideLead, the one perform path (actOnLead), pauseAll/resumeAll, collectHealth,
 * decideReply, add/removeDoNotContact — so a decision or a click is the same whichever way it comes.
 *
 * Who may call: `Authorization: Bearer <token>` (the worker's random token, in `worker.json` in the
 * data directory, readable by its user only), or a signed-in page session — for reading, and for
 * writing with the page's CSRF token. The local user of a server with nobody configured counts as
 * signed in on a loopback address only: elsewhere nothing answers without the token or a sign-in.
 * Errors are `{ "error": "…" }` with 400, 401, 404 or 409; never a stack.
 */

export interface ApiOptions {
  db: Database;
  /** The bearer token; without one only page sessions get in. */
  token?: string | undefined;
  /** Page sessions may use the API: false for the local user of a server on a non-loopback address. */
  sessions: boolean;
  /** What performing an action needs: the worker's own door to X (sandbox or real). Without it, act answers 503. */
  engage?: (() => Promise<EngageDeps>) | undefined;
  /** Now in the world the worker acts in (a sandbox has its own clock): "today" for the queue and snoozes. */
  worldNow: () => Promise<Date>;
  /** The personas of the running config: a reply dismissed rescores its author in each. */
  personas: () => readonly Persona[];
  /** The health `/healthz` reports. */
  health: () => Promise<Health>;
  /** The scheduled workers running, when known. */
  workers?: (() => Promise<LiveWorker[]>) | undefined;
  log: Pick<Logger, 'error'>;
}

/** `GET /api/queue`. */
export interface QueueAnswer {
  /** The day shown, or null for every day (`all`). */
  day: string | null;
  entries: QueueEntry[];
  /** Replies held for a person to read (possible opt-outs), newest first, by prospect id. */
  held: Record<string, ReplyEntry[]>;
}

/** `GET /api/leads/:key`. */
export interface LeadAnswer {
  lead: LeadDetail;
  held: ReplyEntry[];
}

/** `POST /api/leads/:key/decision`: the lead as it was (with its history), and what the decision wrote. */
export interface DecisionAnswer {
  lead: LeadDetail;
  result: DecisionResult;
}

export type { BudgetLeft } from '../engage/assist.ts';

/** `POST /api/leads/:key/act`: 200 when done, 409 otherwise, with the reason. */
export interface ActAnswer {
  lead: { id: number; username: string };
  status: ActOutcome['status'];
  kind?: string;
  /** When done: what X did, for a person. */
  message?: string;
  /** When not done: why. */
  reason?: string;
  /** When deferred: when to try again. */
  until?: Date;
  /** The acting account's open budget windows for this kind, after the click. */
  budget: BudgetLeft[];
  /** The reason again, for clients that read every non-2xx body's `error`. */
  error?: string;
}

export interface StatusAnswer {
  health: Health;
  workers: LiveWorker[] | null;
}

export interface PauseAnswer {
  pause: Pause;
  /** False when a pause was already in force (it stays as it was). */
  fresh: boolean;
}

export interface ResumeAnswer {
  resumed: boolean;
  /** The pause lifted, if there was one. */
  pause: Pause | null;
}

/** `GET /api/replies`: newest first. */
export interface RepliesAnswer {
  replies: ReplyEntry[];
}

/** `POST /api/replies/:id/decision`: what decideReply did, with its line for a person. */
export type ReplyDecisionAnswer = ReplyDecided;

/** `GET /api/dnc`: the list as it stands, most recently added first. */
export interface DncAnswer {
  entries: DoNotContactEntry[];
}

/** `GET /api/dnc/history`: every change, oldest first. */
export interface DncHistoryAnswer {
  events: DoNotContactEvent[];
}

/** Someone the list names: a stored prospect, or an X user id alone (`username` null). */
export interface DncPerson {
  prospectId: string;
  username: string | null;
}

/** `POST /api/dnc`: 200 when added, 409 when already on the list (with the entry that stays). */
export interface DncAddAnswer {
  person: DncPerson;
  result: DoNotContactResult;
  entry?: DoNotContactEntry;
  error?: string;
}

/** `POST /api/dnc/remove`: 200 when removed, 409 when not on the list. */
export interface DncRemoveAnswer {
  person: DncPerson;
  result: RemoveDoNotContactResult;
  error?: string;
}

/** A refusal the client can show as is. */
class ApiProblem extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 503,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A person's name as `--as` gives it (or the OS user name): printable, at most 64 characters. */
const NAME = /^[^\p{C}]{1,64}$/u;
const NOTE_MAX = 2000;
const REASON_MAX = 500;

/** The decisions a client may send: the CLI's words (`not-a-fit`, `snooze`) or the states (`not_a_fit`). */
function decisionOf(value: unknown): LeadState {
  const word = typeof value === 'string' ? (value === 'snooze' ? 'snoozed' : value.replaceAll('-', '_')) : undefined;
  const state = LEAD_STATES.find((s) => s === word && s !== 'new');
  if (!state) throw new ApiProblem(400, `decision: expected one of contacted, replied, won, not-a-fit, snooze, do-not-contact, got ${shown(value)}`, 'decision');
  return state;
}

function optionalText(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ApiProblem(400, `${field}: expected text, got ${typeof value}`, field);
  if (value.length > max) throw new ApiProblem(400, `${field}: at most ${max} characters, got ${value.length}`, field);
  return value;
}

function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiProblem(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Who acts: the signed-in person, or with the token the `as` of the body (the command's user). */
function actorOf(req: FastifyRequest, body: Record<string, unknown>): string {
  if (req.apiCaller === 'session' && req.user) return req.user;
  const as = typeof body.as === 'string' ? body.as.trim() : undefined;
  // 'system' is what the jobs write: a person's decision must name the person.
  if (as === undefined || !NAME.test(as) || as === 'system') throw new ApiProblem(400, `as: expected the name of the person deciding (at most 64 characters, not "system"), got ${shown(body.as)}`, 'as');
  return as;
}

function sameToken(given: string, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** A value a client sent, for a message: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

const noLead = (key: string) => new ApiProblem(404, `no lead ${key}: give a lead number (#42) or the prospect's @handle`);
const noPerson = (key: string): never => {
  throw new ApiProblem(404, `no one known as ${shown(key)}: give the @handle or the X user id of a prospect Prospector has seen`, 'who');
};

/** Someone on the list as a message names them: `@handle`, or `user <id>` for someone never stored. */
const named = (p: DncPerson) => (p.username ? `@${p.username}` : `user ${p.prospectId}`);

/** A reply decision refused: 404 unknown, 400 nobody named, 409 decided already or nothing to dismiss. */
const REPLY_REFUSAL: Record<ReplyDecisionError['reason'], 400 | 404 | 409> = { not_found: 404, no_actor: 400, already_decided: 409, nothing_to_dismiss: 409 };

/** A `limit` from the query string: a whole number from 1 to `max`, or the default. */
function limitOf(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max)) throw new ApiProblem(400, `limit: expected a whole number from 1 to ${max}, got ${shown(value)}`, 'limit');
  return n;
}

/** Who the list is about, from a body or the query: `@handle` or an X user id. */
function whoOf(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) throw new ApiProblem(400, `who: expected an @handle or an X user id, got ${shown(value)}`, 'who');
  return value;
}

/** Why someone goes on or comes off the list: required, kept in the history. */
function reasonOf(body: Record<string, unknown>): string {
  const reason = optionalText(body, 'reason', REASON_MAX);
  if (reason === undefined || reason.trim() === '') throw new ApiProblem(400, 'reason: say why, it is kept in the history', 'reason');
  return reason;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** How an API request was let in. */
    apiCaller?: 'token' | 'session';
  }
}

/** The API's routes, registered under `/api` (an encapsulated plugin: its errors are JSON). */
export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { db } = options;
  app.decorateRequest('apiCaller', undefined);

  /** The token, else a session (reading; writing with the page's CSRF token). */
  const caller =
    (write: boolean): preHandlerHookHandler =>
    (req, reply, done) => {
      const header = req.headers.authorization;
      if (header !== undefined) {
        const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
        if (!given || !options.token || !sameToken(given, options.token)) {
          void reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'wrong token: use the token in worker.json in the data directory of the worker that serves this address (it changes at each start)' });
          return;
        }
        req.apiCaller = 'token';
        done();
        return;
      }
      if (!options.sessions || !req.user) {
        void reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'no token: send Authorization: Bearer <token>, the token in worker.json in the worker\'s data directory (prospector commands do it), or sign in to the page' });
        return;
      }
      req.apiCaller = 'session';
      if (write) app.csrfProtection(req, reply, done);
      else done();
    };
  const reading = { preHandler: caller(false) };
  const writing = { preHandler: caller(true) };

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (error instanceof ApiProblem) return reply.code(error.status).send({ error: error.message, ...(error.field ? { field: error.field } : {}) });
    if (error instanceof ReplyDecisionError) return reply.code(REPLY_REFUSAL[error.reason]).send({ error: error.message });
    if (error instanceof LeadError) return reply.code(error.reason === 'not_found' ? 404 : error.reason === 'invalid' ? 400 : 409).send({ error: error.message });
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return reply.code(403).send({ error: 'this request did not come from the page (no or a stale CSRF token): reload the page, or use a bearer token' });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      options.log.error({ err: error, path: req.url }, `api: ${req.method} ${req.url} failed`);
      return reply.code(500).send({ error: 'internal error (see the worker log)' });
    }
    return reply.code(status).send({ error: error.message });
  });
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}: the API has GET /api/status, GET /api/queue, GET /api/leads/:key, POST /api/leads/:key/decision, POST /api/leads/:key/act, POST /api/pause, POST /api/resume, GET /api/replies, POST /api/replies/:id/decision, GET /api/dnc, GET /api/dnc/history, POST /api/dnc, POST /api/dnc/remove` }),
  );

  app.get('/status', reading, async (): Promise<StatusAnswer> => {
    const [health, workers] = await Promise.all([options.health(), options.workers?.()]);
    return { health, workers: workers ?? null };
  });

  // The CRM export of a day's queue, as `prospector queue --format csv` writes it.
  app.get('/export/queue.csv', reading, async (req, reply) => {
    const query = req.query as Record<string, string | undefined>;
    const day = query.date && /^\d{4}-\d{2}-\d{2}$/.test(query.date) ? query.date : utcDay(await options.worldNow());
    const filter = { ...(query.all ? {} : { day }), ...(query.persona ? { persona: query.persona } : {}), ...(query.owner ? { owner: query.owner } : {}) };
    return reply.type('text/csv; charset=utf-8').send(Readable.from(crmCsv(db, filter)));
  });

  app.get('/queue', reading, async (req): Promise<QueueAnswer> => {
    const query = req.query as Record<string, unknown>;
    const text = (field: string) => {
      const value = query[field];
      if (value !== undefined && typeof value !== 'string') throw new ApiProblem(400, `${field}: give it once`, field);
      return value === '' ? undefined : value;
    };
    const date = text('date');
    const all = text('all');
    if (all !== undefined && !['1', 'true', 'yes'].includes(all)) throw new ApiProblem(400, `all: expected 1 or true, got ${shown(all)}`, 'all');
    if (date !== undefined && !calendarDay(date)) throw new ApiProblem(400, `date: expected a day YYYY-MM-DD, got ${shown(date)}`, 'date');
    if (date !== undefined && all !== undefined) throw new ApiProblem(400, 'date and all: give one or the other', 'date');
    const persona = text('persona');
    const owner = text('owner');
    const day = all !== undefined ? null : (date ?? utcDay(await options.worldNow()));
    const entries = await listQueue(db, { ...(day ? { day } : {}), ...(persona ? { persona } : {}), ...(owner ? { owner } : {}) });
    const held = await heldRepliesOf(db, entries.map((e) => e.prospectId));
    return { day, entries, held: Object.fromEntries(held) };
  });

  app.get('/leads/:key', reading, async (req): Promise<LeadAnswer> => {
    const { key } = req.params as { key: string };
    const lead = await findLead(db, key);
    if (!lead) throw noLead(key);
    return { lead, held: (await heldRepliesOf(db, [lead.prospectId])).get(lead.prospectId) ?? [] };
  });

  app.post('/leads/:key/decision', writing, async (req): Promise<DecisionAnswer> => {
    const { key } = req.params as { key: string };
    const body = bodyOf(req);
    const actor = actorOf(req, body);
    const note = optionalText(body, 'note', NOTE_MAX);
    const requestId = optionalText(body, 'requestId', 100) ?? null;
    // An undo or a note goes through the same path as the command's.
    if (body.undo === true || body.decision === 'note') {
      const lead = await findLead(db, key);
      if (!lead) throw noLead(key);
      if (body.undo === true) return { lead, result: await undoDecision(db, { lead: lead.id, actor, note: note ?? null }) };
      if (!note) throw new ApiProblem(400, 'note: a note needs its text', 'note');
      return { lead, result: await noteLead(db, { lead: lead.id, actor, note }) };
    }
    const to = decisionOf(body.decision);
    const reasonText = optionalText(body, 'reason', 60);
    const reason = reasonText === undefined ? null : notAFitReason(reasonText);
    if (reasonText !== undefined && !reason) throw new ApiProblem(400, `reason: expected one of ${notAFitReasonList()}, got ${shown(reasonText)}`, 'reason');
    const expectedText = optionalText(body, 'expectedState', 20);
    const expectedState = expectedText === undefined ? undefined : (LEAD_STATES as readonly string[]).includes(expectedText) ? (expectedText as LeadState) : undefined;
    if (expectedText !== undefined && !expectedState) throw new ApiProblem(400, `expectedState: expected one of ${LEAD_STATES.join(', ')}, got ${shown(expectedText)}`, 'expectedState');
    const untilText = optionalText(body, 'until', 10);
    if (to === 'snoozed' && untilText === undefined) throw new ApiProblem(400, 'until: snooze needs the day the lead comes back (YYYY-MM-DD)', 'until');
    if (to !== 'snoozed' && untilText !== undefined) throw new ApiProblem(400, 'until goes with snooze only', 'until');
    const until = untilText === undefined ? undefined : calendarDay(untilText);
    if (untilText !== undefined && !until) throw new ApiProblem(400, `until: expected a day YYYY-MM-DD, got ${shown(untilText)}`, 'until');
    if (until) {
      const today = utcDay(await options.worldNow());
      if (untilText! <= today) {
        const next = utcDay(new Date(calendarDay(today)!.getTime() + 86_400_000));
        throw new ApiProblem(400, `until ${untilText} is not after today (${today}, UTC): give the day the lead comes back, ${next} or later`, 'until');
      }
      // The decision is recorded on the wall clock, which a sandbox's world may be behind.
      if (until.getTime() <= Date.now()) throw new ApiProblem(400, `until ${untilText} is not after now (${new Date().toISOString()}): give a later day`, 'until');
    }
    const lead = await findLead(db, key);
    if (!lead) throw noLead(key);
    const result = await decideLead(db, { lead: lead.id, to, actor, note: note ?? null, reason, requestId, ...(expectedState ? { expectedState } : {}), ...(until ? { snoozeUntil: until } : {}) });
    return { lead, result };
  });

  app.post('/leads/:key/act', writing, async (req, reply): Promise<ActAnswer> => {
    const { key } = req.params as { key: string };
    const body = bodyOf(req);
    if (body.kind !== 'like' && body.kind !== 'follow') throw new ApiProblem(400, `kind: expected like or follow, got ${shown(body.kind)}`, 'kind');
    const kind: ActionKind = body.kind;
    const actor = actorOf(req, body);
    if (!options.engage) throw new ApiProblem(503, 'this server does not act on X (no worker behind it)');
    const lead = await findLead(db, key);
    if (!lead) throw noLead(key);
    const deps = await options.engage();
    const outcome = await actOnLead(deps, lead, kind, actor);
    const budget = await budgetLeftAfter(deps, lead, kind, outcome);
    const answer: ActAnswer = { lead: { id: lead.id, username: lead.username }, status: outcome.status, budget };
    if (outcome.status === 'done') return { ...answer, message: outcome.message };
    void reply.code(409);
    return {
      ...answer,
      ...('kind' in outcome ? { kind: outcome.kind } : {}),
      ...(outcome.status === 'deferred' && outcome.until ? { until: outcome.until } : {}),
      reason: outcome.reason,
      error: outcome.reason,
    };
  });

  app.post('/pause', writing, async (req): Promise<PauseAnswer> => {
    const body = bodyOf(req);
    const by = actorOf(req, body);
    const reason = optionalText(body, 'reason', REASON_MAX);
    const at = new Date();
    const pause = await pauseAll(db, { reason: reason ?? null, by, at });
    return { pause, fresh: pause.pausedBy === by && pause.pausedAt.getTime() === at.getTime() };
  });

  app.post('/resume', writing, async (): Promise<ResumeAnswer> => {
    const pause = await currentPause(db);
    // Resuming when nothing is paused is not an error: deploy scripts may run it unconditionally.
    return { resumed: await resumeAll(db), pause: pause ?? null };
  });
  app.get('/replies', reading, async (req): Promise<RepliesAnswer> => {
    const query = req.query as Record<string, unknown>;
    const all = query.all;
    if (all !== undefined && !(typeof all === 'string' && ['1', 'true', 'yes'].includes(all))) throw new ApiProblem(400, `all: expected 1 or true, got ${shown(all)}`, 'all');
    return { replies: await listReplies(db, { all: all !== undefined, limit: limitOf(query.limit, 200, 100_000) }) };
  });

  app.post('/replies/:id/decision', writing, async (req): Promise<ReplyDecisionAnswer> => {
    const { id } = req.params as { id: string };
    if (!/^#?\d{1,15}$/.test(id)) throw new ApiProblem(400, `expected a reply number such as 7, got ${shown(id)}`, 'id');
    const body = bodyOf(req);
    if (body.verdict !== 'confirm' && body.verdict !== 'dismiss') throw new ApiProblem(400, `verdict: expected confirm or dismiss, got ${shown(body.verdict)}`, 'verdict');
    const actor = actorOf(req, body);
    const note = optionalText(body, 'note', NOTE_MAX) ?? null;
    return decideReply({ db, config: { personas: options.personas() }, now: await options.worldNow() }, { id: Number(id.replace('#', '')), verdict: body.verdict, actor, note });
  });

  app.get('/dnc', reading, async (req): Promise<DncAnswer> => {
    const query = req.query as Record<string, unknown>;
    return { entries: await listDoNotContact(db, { limit: limitOf(query.limit, 1000, 1_000_000) }) };
  });

  app.get('/dnc/history', reading, async (req): Promise<DncHistoryAnswer> => {
    const query = req.query as Record<string, unknown>;
    if (query.who === undefined) return { events: await doNotContactHistory(db) };
    const key = whoOf(query.who);
    const person = (await findPerson(db, key)) ?? noPerson(key);
    return { events: await doNotContactHistory(db, { prospectId: person.prospectId }) };
  });

  app.post('/dnc', writing, async (req, reply): Promise<DncAddAnswer> => {
    const body = bodyOf(req);
    const key = whoOf(body.who);
    const reason = reasonOf(body);
    const addedBy = actorOf(req, body);
    // An X user id not seen yet may be listed too: someone who asked by email is never engaged.
    const id = key.trim();
    const person = (await findPerson(db, key)) ?? (/^\d{1,20}$/.test(id) ? { prospectId: id, username: null } : noPerson(key));
    const result = await addDoNotContact(db, { prospectId: person.prospectId, source: 'manual', addedBy, reason, at: await options.worldNow() });
    if (result.added) return { person, result };
    const [entry] = await listDoNotContact(db, { prospectId: person.prospectId });
    void reply.code(409);
    return { person, result, ...(entry ? { entry } : {}), error: `${named(person)} is already on the do-not-contact list` };
  });

  app.post('/dnc/remove', writing, async (req, reply): Promise<DncRemoveAnswer> => {
    const body = bodyOf(req);
    const key = whoOf(body.who);
    const reason = reasonOf(body);
    const removedBy = actorOf(req, body);
    const person = (await findPerson(db, key)) ?? noPerson(key);
    const result = await removeDoNotContact(db, { prospectId: person.prospectId, source: 'manual', removedBy, reason, at: await options.worldNow() });
    if (result.removed) return { person, result };
    void reply.code(409);
    return { person, result, error: `${named(person)} is not on the do-not-contact list` };
  });
}
