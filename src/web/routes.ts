/**
 * The review page's routes: the pages (Today, a lead, Personas, Activity, Do not contact) and
 * the forms they post. Every decision goes through the one decide path (db/leads.ts), every
 * click through the one perform path (src/engage/assist.ts), as the CLI and the JSON API do.
 *
 * A form works without JavaScript: the POST answers with a redirect back and a message (a
 * one-shot cookie), never a page of its own. With htmx (the `HX-Request` header) it answers the
 * card it changed, with the message in it. A refused decision — a double submit, a stale page, two
 * people at once — is a message saying who did what, never an error page and never a second row.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../db/client.ts';
import { addDoNotContact, findPerson, removeDoNotContact } from '../../db/do-not-contact.ts';
import { decideLead, decideLeads, findLead, LeadError, notAFitReason, noteLead, undoDecision, type LeadDetail } from '../../db/leads.ts';
import { LEAD_STATES, type ActionKind, type LeadState } from '../../db/schema.ts';
import { activity, doNotContactPage, leadHistory, personaFunnel, todayQueue } from '../../db/web.ts';
import { recentNotifications } from '../../db/notify.ts';
import { currentPause, pauseAll, resumeAll } from '../../db/work.ts';
import { utcDay } from '../../jobs/context.ts';
import type { Persona } from '../config/persona.ts';
import { actOnLead, budgetLeftAfter } from '../engage/assist.ts';
import type { EngageDeps } from '../engage/perform.ts';
import { clean } from '../format.ts';
import { describeMessage } from '../notify/render.ts';
import { activityPage } from './pages/activity.ts';
import { doNotContactView } from './pages/dnc.ts';
import { layout, paths, type Flash, type PageContext } from './pages/layout.ts';
import { leadPage } from './pages/lead.ts';
import { personasPage, readPersonaConfig } from './pages/personas.ts';
import { leadCard, todayPage } from './pages/today.ts';
import { CRM_PRESET_NAMES, crmCsv, crmJson, type CrmPreset } from '../export/crm.ts';
import { html } from './html.ts';

export interface ReviewOptions {
  db: Database;
  /** The personas of the running config (they change on reload). */
  personas: () => readonly Persona[];
  /** Now in the world the worker acts in: "today" for the queue and snoozes. */
  worldNow: () => Promise<Date>;
  /** What performing a like or follow needs: the worker's own door to X. Without it, clicks are refused. */
  engage?: (() => Promise<EngageDeps>) | undefined;
}

const FLASH_COOKIE = 'prospector_flash';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function reviewRoutes(app: FastifyInstance, options: ReviewOptions): Promise<void> {
  const { db } = options;

  /** What every page needs: the person, a CSRF token, the pause, and the message a redirect left. */
  const context = async (req: FastifyRequest, reply: FastifyReply): Promise<PageContext> => {
    const flash = readFlash(req.cookies[FLASH_COOKIE]);
    if (flash) reply.clearCookie(FLASH_COOKIE, { path: '/' });
    return { user: req.user ?? '', csrf: await reply.generateCsrf(), pause: (await currentPause(db)) ?? undefined, ...(flash ? { flash } : {}) };
  };
  const page = (reply: FastifyReply, body: { value: string }) => reply.type('text/html; charset=utf-8').send(body.value);

  // ---- pages -----------------------------------------------------------------------------------
  app.get(paths.today, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const today = utcDay(await options.worldNow());
    const day = q.date && DAY.test(q.date) ? q.date : today;
    const state = LEAD_STATES.find((s) => s === q.state);
    const personas = options.personas();
    const owners = [...new Set(personas.flatMap((p) => p.queue.owners))].sort();
    // A salesperson sees their own queue first; "all" in the filter (owner=) shows everyone's.
    const owner = q.owner === undefined ? owners.find((o) => o.toLowerCase() === (req.user ?? '').toLowerCase()) : q.owner || undefined;
    const filters = { persona: q.persona || undefined, owner, state };
    const leads = await todayQueue(db, { day, ...filters });
    return page(reply, todayPage({ day, filters, leads, personas: personas.map((p) => p.id), owners }, await context(req, reply)));
  });

  app.get('/leads/:id', async (req, reply) => {
    const id = leadId(req);
    const history = id === undefined ? undefined : await leadHistory(db, id);
    const ctx = await context(req, reply);
    if (!history) return reply.code(404).type('text/html; charset=utf-8').send(layout('No such lead', 'lead', html`<p class="empty">There is no lead #${String(id ?? '?')}. <a href="${paths.today}">Back to Today</a>.</p>`, ctx).value);
    return page(reply, leadPage(history, ctx));
  });

  app.get(paths.personas, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const personas = options.personas();
    const shown = personas.find((p) => p.id === q.persona) ?? personas[0];
    const to = q.to && DAY.test(q.to) ? q.to : utcDay(await options.worldNow());
    const from = q.from && DAY.test(q.from) && q.from <= to ? q.from : utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000));
    const funnel = shown ? await personaFunnel(db, { persona: shown.id, from, to, minScore: shown.queue.min_score }) : undefined;
    const config = shown ? await readPersonaConfig(shown.file, shown.id) : undefined;
    return page(reply, await personasPage({ personas: personas.map((p) => p.id), persona: shown?.id, from, to, funnel, config }, await context(req, reply)));
  });

  app.get(paths.activity, async (req, reply) => {
    const at = await options.worldNow();
    const sent = (await recentNotifications(db, { limit: 30 })).map((n) => ({ what: describeMessage(n.message), target: n.target, status: n.status, attempts: n.attempts, at: n.sentAt ?? n.createdAt, lastError: n.lastError }));
    return page(reply, activityPage(await activity(db, { since: new Date(at.getTime() - 24 * 3600_000), at }), await context(req, reply), sent));
  });

  app.get(paths.doNotContact, async (req, reply) => {
    const search = String((req.query as { search?: string }).search ?? '').trim().slice(0, 100) || undefined;
    return page(reply, doNotContactView(await doNotContactPage(db, { search }), await context(req, reply)));
  });

  // ---- exports ---------------------------------------------------------------------------------
  // The queue of a day (today by default), or every lead a decision moved on: CSV for a CRM (with
  // its preset's columns) or JSON; written page by page, however many leads.
  app.get('/export/:what', async (req, reply) => {
    const what = (req.params as { what: string }).what;
    const match = /^(queue|leads)\.(csv|json)$/.exec(what);
    if (!match) return reply.code(404).type('text/plain; charset=utf-8').send('exports: /export/queue.csv, /export/queue.json, /export/leads.csv, /export/leads.json\n');
    const q = req.query as Record<string, string | undefined>;
    const filter = {
      ...(match[1] === 'queue' ? { day: q.date && DAY.test(q.date) ? q.date : utcDay(await options.worldNow()) } : { decided: true }),
      ...(q.persona ? { persona: q.persona } : {}),
      ...(q.owner ? { owner: q.owner } : {}),
    };
    const preset = (CRM_PRESET_NAMES as readonly string[]).includes(q.preset ?? '') ? (q.preset as CrmPreset) : 'generic';
    const name = `prospector-${match[1]}-${'day' in filter ? filter.day : 'decided'}.${match[2]}`;
    reply.header('content-disposition', `attachment; filename="${name}"`);
    reply.type(match[2] === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    return reply.send(match[2] === 'csv' ? Readable.from(crmCsv(db, filter, undefined, preset)) : Readable.from(crmJson(db, filter)));
  });

  // ---- decisions -------------------------------------------------------------------------------
  /** Answers a form: the card again (htmx) or a redirect back with the message (no JavaScript). */
  const answer = async (req: FastifyRequest, reply: FastifyReply, id: number, flash: Flash) => {
    if (req.headers['hx-request'] === 'true') {
      const today = await todayQueue(db, { leadId: id });
      const card = today[0];
      const ctx = await context(req, reply);
      if (!card) return reply.type('text/html; charset=utf-8').send(html`<p class="flash ${flash.kind}">${flash.text}</p>`.value);
      return reply.type('text/html; charset=utf-8').send(leadCard(card, ctx, flash).value);
    }
    return back(req, reply, flash);
  };

  app.post('/leads/:id/decide', async (req, reply) => {
    const id = leadId(req);
    const body = formOf(req);
    const lead = id === undefined ? undefined : await findLead(db, id);
    if (!lead || id === undefined) return back(req, reply, { kind: 'error', text: `There is no lead #${String(id ?? '?')}.` });
    const to = LEAD_STATES.find((s) => s === body.to);
    if (!to) return answer(req, reply, id, { kind: 'error', text: 'Choose a decision: contacted, replied, won, not a fit, snooze or do not contact.' });
    const stale = staleness(lead, body.updated);
    if (stale) return answer(req, reply, id, { kind: 'error', text: stale });
    try {
      const input = await decisionInput(lead, to, body, options.worldNow);
      const decided = await decideLead(db, { lead: lead.id, to, actor: req.user ?? '', expectedState: lead.state, ...input });
      return answer(req, reply, id, { kind: 'ok', text: `#${lead.id} @${clean(lead.username)}: ${decided.event.fromState ?? 'new'} → ${decided.event.toState}${decided.event.reason ? ` (${decided.event.reason.replaceAll('_', ' ')})` : ''}.` });
    } catch (error) {
      return answer(req, reply, id, refusal(error));
    }
  });

  app.post('/leads/:id/note', async (req, reply) => {
    const id = leadId(req);
    const note = String(formOf(req).note ?? '').trim();
    if (id === undefined) return back(req, reply, { kind: 'error', text: 'There is no such lead.' });
    if (note === '') return answer(req, reply, id, { kind: 'error', text: 'Write the note first.' });
    try {
      await noteLead(db, { lead: id, actor: req.user ?? '', note });
      return answer(req, reply, id, { kind: 'ok', text: `Note added to #${id}.` });
    } catch (error) {
      return answer(req, reply, id, refusal(error));
    }
  });

  app.post('/leads/:id/undo', async (req, reply) => {
    const id = leadId(req);
    if (id === undefined) return back(req, reply, { kind: 'error', text: 'There is no such lead.' });
    try {
      const undone = await undoDecision(db, { lead: id, actor: req.user ?? '' });
      return answer(req, reply, id, { kind: 'ok', text: `#${id}: undone, back to ${undone.event.toState} (a new entry in its history).` });
    } catch (error) {
      return answer(req, reply, id, refusal(error));
    }
  });

  app.post('/leads/:id/act', async (req, reply) => {
    const id = leadId(req);
    const body = formOf(req);
    const lead = id === undefined ? undefined : await findLead(db, id);
    if (!lead || id === undefined) return back(req, reply, { kind: 'error', text: 'There is no such lead.' });
    const action = lead.actions.find((a) => String(a.id) === String(body.action));
    const kind: ActionKind | undefined = action?.kind ?? (body.kind === 'like' || body.kind === 'follow' ? body.kind : undefined);
    if (!kind) return answer(req, reply, id, { kind: 'error', text: 'Which action? Reload the page: this like or follow is no longer planned.' });
    if (!options.engage) return answer(req, reply, id, { kind: 'error', text: 'This server does not act on X: clicks need the worker.' });
    const deps = await options.engage();
    const outcome = await actOnLead(deps, lead, kind, req.user ?? '');
    const left = await budgetLeft(deps, lead, kind, outcome);
    if (outcome.status === 'done') return answer(req, reply, id, { kind: 'ok', text: `${outcome.message}${left}` });
    return answer(req, reply, id, { kind: 'error', text: `${kind === 'like' ? 'Like' : 'Follow'} not done: ${outcome.reason}${left}` });
  });

  app.post(paths.bulk, async (req, reply) => {
    const body = formOf(req);
    const ids = ([] as unknown[]).concat(body.ids ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const to = LEAD_STATES.find((s) => s === body.to);
    if (ids.length === 0 || !to) return back(req, reply, { kind: 'error', text: 'Select leads and a decision first.' });
    try {
      const first = await findLead(db, ids[0] as number);
      const input = first ? await decisionInput(first, to, body, options.worldNow) : {};
      const outcomes = await decideLeads(db, { leads: ids.map((lead) => ({ id: lead })), to, actor: req.user ?? '', ...input });
      const refused = outcomes.filter((o) => o.outcome === 'refused');
      const text = `${outcomes.length - refused.length} of ${ids.length} leads now ${to.replaceAll('_', ' ')}${refused.length ? `; not decided: ${refused.map((r) => `#${r.lead} (${r.message})`).join('; ')}` : ''}.`;
      return back(req, reply, { kind: refused.length ? 'error' : 'ok', text });
    } catch (error) {
      return back(req, reply, refusal(error));
    }
  });

  // ---- ops ----------------------------------------------------------------------------------
  app.post(paths.pause, async (req, reply) => {
    const reason = String(formOf(req).reason ?? '').trim().slice(0, 200) || null;
    await pauseAll(db, { reason, by: req.user ?? '', at: new Date() });
    return back(req, reply, { kind: 'ok', text: 'Every worker is paused: nothing is liked or followed until someone resumes.' }, paths.activity);
  });
  app.post(paths.resume, async (req, reply) => {
    const lifted = await resumeAll(db);
    return back(req, reply, { kind: 'ok', text: lifted ? 'Resumed: the workers go on.' : 'Nothing was paused.' }, paths.activity);
  });

  app.post(paths.doNotContactAdd, async (req, reply) => {
    const body = formOf(req);
    const key = String(body.person ?? '').trim();
    const reason = String(body.reason ?? '').trim();
    if (!reason) return back(req, reply, { kind: 'error', text: 'Say why: the reason is kept in the history.' }, paths.doNotContact);
    const person = (await findPerson(db, key)) ?? (/^\d{1,20}$/.test(key) ? { prospectId: key, username: null } : undefined);
    if (!person) return back(req, reply, { kind: 'error', text: `No one known as ${key.slice(0, 40)}: give the @handle or the X user id.` }, paths.doNotContact);
    const added = await addDoNotContact(db, { prospectId: person.prospectId, source: 'manual', addedBy: req.user ?? '', reason, at: new Date() });
    const who = person.username ? `@${person.username}` : `user ${person.prospectId}`;
    return back(req, reply, { kind: added.added ? 'ok' : 'error', text: added.added ? `${who} is on the do-not-contact list.` : `${who} was already on the list.` }, paths.doNotContact);
  });
  app.post(paths.doNotContactRemove, async (req, reply) => {
    const body = formOf(req);
    const key = String(body.person ?? '').trim();
    const reason = String(body.reason ?? '').trim();
    if (!reason) return back(req, reply, { kind: 'error', text: 'Say why: the reason is kept in the history.' }, paths.doNotContact);
    const person = await findPerson(db, key);
    if (!person) return back(req, reply, { kind: 'error', text: `No one known as ${key.slice(0, 40)}.` }, paths.doNotContact);
    const removed = await removeDoNotContact(db, { prospectId: person.prospectId, removedBy: req.user ?? '', source: 'page', reason, at: new Date() });
    const who = person.username ? `@${person.username}` : `user ${person.prospectId}`;
    return back(req, reply, { kind: removed.removed ? 'ok' : 'error', text: removed.removed ? `${who} is off the do-not-contact list.` : `${who} was not on the list.` }, paths.doNotContact);
  });
}

// ---- helpers ------------------------------------------------------------------------------------

function leadId(req: FastifyRequest): number | undefined {
  const id = Number((req.params as { id?: string }).id);
  return Number.isInteger(id) && id > 0 && id < 2 ** 31 ? id : undefined;
}

function formOf(req: FastifyRequest): Record<string, string | string[] | undefined> {
  const body = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, string | string[] | undefined>) : {};
}

/** The page the form was on (this site only), else `fallback`. */
function back(req: FastifyRequest, reply: FastifyReply, flash: Flash, fallback: string = paths.today): FastifyReply {
  reply.setCookie(FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), { path: '/', httpOnly: true, sameSite: 'strict', maxAge: 60 });
  const referer = req.headers.referer;
  let to: string = fallback;
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.host === req.headers.host) to = `${url.pathname}${url.search}`;
    } catch {
      // A referer that is not a URL: the fallback.
    }
  }
  return reply.redirect(to, 303);
}

function readFlash(value: string | undefined): Flash | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString()) as Flash;
    return (parsed.kind === 'ok' || parsed.kind === 'error') && typeof parsed.text === 'string' ? { kind: parsed.kind, text: parsed.text.slice(0, 500) } : undefined;
  } catch {
    return undefined;
  }
}

/** When the page was older than the lead: who changed it, to what, when. */
function staleness(lead: LeadDetail, updated: string | string[] | undefined): string | undefined {
  const seen = Number(updated);
  if (updated === undefined || !Number.isFinite(seen) || seen === lead.updatedAt.getTime()) return undefined;
  const last = [...lead.events].reverse().find((e) => e.kind !== 'queued') ?? lead.events.at(-1);
  const what = last ? `${clean(last.actor)} ${last.kind === 'note' ? 'added a note' : `moved it to ${last.toState.replaceAll('_', ' ')}`} at ${last.at.toISOString().slice(11, 16)} UTC` : 'it changed';
  return `#${lead.id} changed since this page was shown: ${what}. Nothing was recorded; the card shows it as it is now.`;
}

/** The parts of a decision a form gives: a not-a-fit reason (a listed one, else "other" with the words as note), a snooze's days, a note. */
async function decisionInput(lead: Pick<LeadDetail, 'id'>, to: LeadState, body: Record<string, string | string[] | undefined>, worldNow: () => Promise<Date>) {
  const note = String(body.note ?? '').trim() || null;
  const words = String(body.reason ?? '').trim();
  const input: { note: string | null; reason?: ReturnType<typeof notAFitReason> | null; snoozeUntil?: Date } = { note };
  if (to === 'not_a_fit') {
    const reason = notAFitReason(words);
    input.reason = reason ?? 'other';
    if (!reason) input.note = [words, note].filter(Boolean).join(' — ') || null;
    if (!reason && !input.note) throw new LeadError(`#${lead.id}: say why it is not a fit (a reason from the list, or a few words)`, 'invalid');
  }
  if (to === 'snoozed') {
    const days = Number(body.days ?? 3);
    if (!Number.isInteger(days) || days < 1 || days > 365) throw new LeadError(`#${lead.id}: snooze for 1 to 365 days, got ${String(body.days).slice(0, 10)}`, 'invalid');
    const today = Date.parse(`${utcDay(await worldNow())}T00:00:00Z`);
    // Recorded on the wall clock: never before it, whatever clock the world follows.
    input.snoozeUntil = new Date(Math.max(today, Date.parse(`${utcDay(new Date())}T00:00:00Z`)) + days * 86_400_000);
  }
  return input;
}

function refusal(error: unknown): Flash {
  if (error instanceof LeadError) return { kind: 'error', text: error.message };
  throw error;
}

/** ` — likes left: 47 of 50 (15min), …`: what the click left of the acting account's budgets. */
async function budgetLeft(deps: EngageDeps, lead: LeadDetail, kind: ActionKind, outcome: Awaited<ReturnType<typeof actOnLead>>): Promise<string> {
  const windows = await budgetLeftAfter(deps, lead, kind, outcome);
  if (windows.length === 0) return '';
  return ` — ${kind}s left: ${windows.map((b) => `${b.left} of ${b.limit} (${b.window}${b.scope ? `, ${b.scope}` : ''})`).join(', ')}`;
}
