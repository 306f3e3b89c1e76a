import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isDoNotContact } from '../db/do-not-contact.ts';
import { findLead } from '../db/leads.ts';
import { notifications } from '../db/schema.ts';
import { currentPause } from '../db/work.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import { silentLogger } from '../src/log.ts';
import { hashPassword } from '../src/web/auth.ts';
import { buildWebApp } from '../src/web/server.ts';
import { AT, describeEachDatabase, prospectInput } from './support/db.ts';
import { seedLeads, workerConfig } from './support/observe.ts';

/**
 * The review page's routes over HTTP (`app.inject`), on both databases: every page behind
 * sign-in, every form refused without its CSRF token, a decision recorded once whatever the
 * double submits and stale pages, notes, undo, bulk, the pause, the do-not-contact list, exports.
 */

const PASSWORD = 'a long passphrase of words';
const DAY = AT.toISOString().slice(0, 10);

const cookiesOf = (headers: Record<string, unknown>, jar: Map<string, string>): string => {
  for (const c of ([] as string[]).concat((headers['set-cookie'] as string | string[] | undefined) ?? [])) {
    const [pair] = c.split(';');
    const [name, ...value] = pair!.split('=');
    if (value.join('=') === '') jar.delete(name!);
    else jar.set(name!, value.join('='));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
};

let personas: Persona[] = [];
beforeAll(async () => {
  personas = [...(await loadConfig({ file: 'config/prospector.yaml' })).personas];
});

describeEachDatabase('the review page over HTTP', (t) => {
  let app: FastifyInstance;
  let ids: number[];
  const jar = new Map<string, string>();
  let cookie = '';
  let csrf = '';

  beforeEach(async () => {
    await t.reset();
    jar.clear();
    ids = await seedLeads(t.db, DAY, [
      { n: 1, name: 'Ana Ruiz', score: 90 },
      { n: 2, name: 'Ben Okafor', score: 80 },
      { n: 3, name: 'Chloé Martin', score: 70 },
    ]);
    app = await buildWebApp({
      host: '127.0.0.1',
      port: 0,
      db: t.db,
      config: workerConfig(),
      log: silentLogger(),
      now: () => AT,
      processMetrics: false,
      users: [{ name: 'maya', passwordHash: hashPassword(PASSWORD) }],
      secret: 'a routes test secret of at least thirty-two characters',
      api: { worldNow: async () => AT },
      personas: () => personas,
    });
    // Signed in as maya, with the CSRF token a page gives.
    const form = await app.inject({ method: 'GET', url: '/sign-in' });
    cookie = cookiesOf(form.headers, jar);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const signed = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: token, name: 'maya', password: PASSWORD } });
    expect(signed.statusCode).toBe(303);
    cookie = cookiesOf(signed.headers, jar);
    const today = await get('/');
    csrf = /name="_csrf" value="([^"]+)"/.exec(today.body)![1]!;
  });
  afterEach(async () => app?.close());

  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { cookie } });
    cookie = cookiesOf(res.headers, jar);
    return res;
  };
  const post = async (url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method: 'POST', url, headers: { cookie, referer: 'http://localhost/', ...headers }, payload: { _csrf: csrf, ...form } });
    cookie = cookiesOf(res.headers, jar);
    return res;
  };
  /** The message a redirect left, as the next page shows it. */
  const flash = async () => /<p class="flash (ok|error)">([^<]*)<\/p>/.exec((await get('/')).body)?.slice(1, 3);

  it('serves every page to a signed-in person and sends a stranger to sign in', async () => {
    for (const url of ['/', `/leads/${ids[0]}`, '/personas', '/activity', '/do-not-contact', '/do-not-contact?search=ana', `/?date=${DAY}&state=new`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-security-policy']).toContain("style-src 'self'");
      expect(res.body).toContain('Signed in as <strong>maya</strong>');
      const stranger = await app.inject({ method: 'GET', url });
      expect(stranger.statusCode, url).toBe(303);
      expect(stranger.headers.location).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
    }
    // A salesperson's own queue first; "all" shows everyone's.
    await seedLeads(t.db, DAY, [{ n: 9, name: 'Lucas Lead' }]);
    await t.db.execute(sql`update leads set owner = 'lucas' where prospect_id = ${prospectInput(9).xUserId}`);
    expect((await get('/')).body).not.toContain('Lucas Lead');
    expect((await get('/?owner=')).body).toContain('Lucas Lead');
    expect((await get('/?owner=lucas')).body).toContain('Lucas Lead');
    expect((await get('/leads/99999')).statusCode).toBe(404);
    expect((await get('/leads/nope')).statusCode).toBe(404);
    const posted = await app.inject({ method: 'POST', url: `/leads/${ids[0]}/decide`, payload: { to: 'contacted' } });
    expect(posted.statusCode).toBe(401);
  });

  it('refuses every form without its CSRF token, and records nothing', async () => {
    for (const url of [`/leads/${ids[0]}/decide`, `/leads/${ids[0]}/note`, `/leads/${ids[0]}/undo`, `/leads/${ids[0]}/act`, '/leads/bulk', '/pause', '/resume', '/do-not-contact/add', '/do-not-contact/remove']) {
      const res = await app.inject({ method: 'POST', url, headers: { cookie }, payload: { to: 'contacted', note: 'x', person: '1', reason: 'x', ids: String(ids[0]) } });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('reload the page');
    }
    expect((await findLead(t.db, ids[0]!))!.state).toBe('new');
    expect(await currentPause(t.db)).toBeUndefined();
  });

  it('records a decision once: a double submit and a stale page say so, and write one row', async () => {
    const lead = (await findLead(t.db, ids[0]!))!;
    const updated = String(lead.updatedAt.getTime());
    const first = await post(`/leads/${lead.id}/decide`, { to: 'contacted', updated });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(await flash()).toEqual(['ok', `#${lead.id} @user_1: new → contacted.`]);
    // The same form again (a double click, a resubmit): one decision, and a message.
    const again = await post(`/leads/${lead.id}/decide`, { to: 'contacted', updated });
    expect(again.statusCode).toBe(303);
    const [kind, text] = (await flash())!;
    expect(kind).toBe('error');
    expect(text).toMatch(new RegExp(`^#${lead.id} changed since this page was shown: maya moved it to contacted at \\d\\d:\\d\\d UTC\\. Nothing was recorded`));
    const events = (await findLead(t.db, lead.id))!.events.filter((e) => e.toState === 'contacted');
    expect(events).toHaveLength(1);
    // With htmx, the card answers in place with the message.
    const card = await post(`/leads/${lead.id}/decide`, { to: 'replied', updated: String((await findLead(t.db, lead.id))!.updatedAt.getTime()) }, { 'hx-request': 'true' });
    expect(card.statusCode).toBe(200);
    expect(card.body).toMatch(new RegExp(`^<article class="lead" id="lead-${lead.id}"`));
    expect(card.body).toContain('contacted → replied');
  });

  it('not a fit needs a reason (a listed one, or words kept as "other"); snooze takes days; a note and an undo are entries', async () => {
    const [a, b, c] = ids as [number, number, number];
    await post(`/leads/${a}/decide`, { to: 'not_a_fit', reason: 'competitor' });
    expect((await findLead(t.db, a))!.events.at(-1)).toMatchObject({ toState: 'not_a_fit', reason: 'competitor', actor: 'maya' });
    await post(`/leads/${b}/decide`, { to: 'not_a_fit', reason: 'sells to enterprises only' });
    expect((await findLead(t.db, b))!.events.at(-1)).toMatchObject({ toState: 'not_a_fit', reason: 'other', note: 'sells to enterprises only' });
    await post(`/leads/${c}/decide`, { to: 'not_a_fit', reason: '' });
    expect(await flash()).toEqual(['error', `#${c}: say why it is not a fit (a reason from the list, or a few words)`]);
    await post(`/leads/${c}/decide`, { to: 'snoozed', days: '400' });
    expect((await flash())![1]).toContain('snooze for 1 to 365 days');
    await post(`/leads/${c}/decide`, { to: 'snoozed', days: '3' });
    expect((await findLead(t.db, c))!.state).toBe('snoozed');
    await post(`/leads/${c}/note`, { note: 'asked to call after the holidays' });
    expect((await findLead(t.db, c))!.events.at(-1)).toMatchObject({ kind: 'note', note: 'asked to call after the holidays', toState: 'snoozed' });
    await post(`/leads/${c}/undo`, {});
    expect(await flash()).toEqual(['ok', `#${c}: undone, back to new (a new entry in its history).`]);
    expect((await findLead(t.db, c))!.events.at(-1)).toMatchObject({ kind: 'undo', toState: 'new', actor: 'maya' });
    await post(`/leads/${c}/undo`, {});
    expect((await flash())![0]).toBe('error');
    await post(`/leads/${c}/decide`, { to: 'sideways' });
    expect((await flash())![1]).toMatch(/^Choose a decision/);
  });

  it('decides a selection at once, each lead on its own: one refused does not sink the rest', async () => {
    await post(`/leads/${ids[2]}/decide`, { to: 'won' });
    const res = await post('/leads/bulk', { ids: ids.map(String), to: 'contacted' });
    expect(res.statusCode).toBe(303);
    const [kind, text] = (await flash())!;
    expect(kind).toBe('error');
    expect(text).toMatch(new RegExp(`^2 of 3 leads now contacted; not decided: #${ids[2]} \\(`));
    expect((await findLead(t.db, ids[0]!))!.state).toBe('contacted');
    expect((await findLead(t.db, ids[1]!))!.state).toBe('contacted');
    expect((await findLead(t.db, ids[2]!))!.state).toBe('won');
  });

  it('pauses and resumes every worker, and keeps the do-not-contact list with reasons', async () => {
    await post('/pause', { reason: 'deploying' }, { referer: 'http://localhost/activity' });
    expect(await currentPause(t.db)).toMatchObject({ reason: 'deploying', pausedBy: 'maya' });
    expect((await get('/activity')).body).toContain('Every worker is paused');
    await post('/resume', {});
    expect(await currentPause(t.db)).toBeUndefined();
    // A webhook that keeps failing shows on Activity, with its last error (never its URL).
    await t.db.insert(notifications).values({ key: 'k1', target: 'owner maya (slack)', kind: 'queue_ready', message: { nonsense: true }, status: 'failed', attempts: 5, nextAt: AT, lastError: 'HTTP 500', createdAt: AT });
    const ops = (await get('/activity')).body;
    expect(ops).toMatch(/<td>owner maya \(slack\)<\/td><td>failed<\/td><td class="n">5<\/td><td class="err">HTTP 500<\/td>/);

    const who = prospectInput(2).xUserId;
    await post('/do-not-contact/add', { person: '@user_2', reason: '' });
    expect(await isDoNotContact(t.db, who)).toBe(false);
    await post('/do-not-contact/add', { person: '@user_2', reason: 'asked by email' });
    expect(await isDoNotContact(t.db, who)).toBe(true);
    expect((await findLead(t.db, ids[1]!))!.state).toBe('do_not_contact');
    await post('/do-not-contact/add', { person: '@nobody_here', reason: 'x' });
    expect((await get('/do-not-contact')).body).toContain('asked by email');
    await post('/do-not-contact/remove', { person: who, reason: 'wrong person' });
    expect(await isDoNotContact(t.db, who)).toBe(false);
    expect((await findLead(t.db, ids[1]!))!.state).toBe('new');
  });

  it('exports the queue and the decided leads as CSV (with a CRM preset) and JSON', async () => {
    const csv = await get('/export/queue.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="prospector-queue-${DAY}.csv"`);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^First name,Last name,X handle,X profile URL,/);
    expect(lines).toHaveLength(4);
    const json = await get('/export/queue.json');
    expect((JSON.parse(json.body) as unknown[]).length).toBe(3);
    expect((await get('/export/leads.csv')).body.trim().split('\n')).toHaveLength(1);
    await post(`/leads/${ids[0]}/decide`, { to: 'contacted' });
    expect((await get('/export/leads.csv')).body.trim().split('\n')).toHaveLength(2);
    expect((await get('/export/queue.csv?preset=hubspot')).body.split('\n')[0]).toMatch(/^First name,Last name,Email,/);
    expect((await get('/export/everything.csv')).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/export/queue.csv' })).statusCode).toBe(303);
  });
});
