import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccounts, getAccount } from '../db/accounts.ts';
import { listActions } from '../db/actions.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { findLead } from '../db/leads.ts';
import { upsertProspects } from '../db/prospects.ts';
import { leads } from '../db/schema.ts';
import engage from '../jobs/engage.ts';
import queue from '../jobs/queue.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { EngageDeps } from '../src/engage/perform.ts';
import { silentLogger } from '../src/log.ts';
import { hashPassword } from '../src/web/auth.ts';
import { startWebServer, type WebServer } from '../src/web/server.ts';
import { XDoor, type AccountStore } from '../src/x/door.ts';
import { hasChromium, launchChromium, NO_CHROMIUM, screenshot, seriousViolations } from './support/browser.ts';
import { jobContext } from './support/context.ts';
import { openPglite, prospectInput } from './support/db.ts';
import { workerConfig } from './support/observe.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * The review page end to end in a real Chromium, on leads the real jobs made from the sandbox:
 * sign in, work three leads with the keyboard, like and follow in assist mode and see the budget
 * move, snooze and not-a-fit with a reason, export CSV, see the funnel chart; hostile bios run
 * nothing; axe-core finds nothing serious. Screenshots of Today, Lead, Personas and Activity go
 * to test/artifacts/.
 */

const PASSWORD = 'a long passphrase of words';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_BIO = 'VP Growth <script>alert(2)</script> "><svg onload=alert(3)> javascript:alert(4) \u202eevil';
const FAST_RETRY = { attempts: 3, baseMs: 1, maxMs: 5 };

describe.skipIf(!hasChromium)(`the review page, end to end${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  let sb: TestSandbox;
  let config: LoadedConfig;
  let handle: DatabaseHandle;
  let door: XDoor;
  let web: WebServer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const errors: string[] = [];
  const now = () => new Date(sb.clock.now());

  beforeAll(async () => {
    config = await loadConfig({ file: 'config/prospector.yaml' });
    sb = await startTestSandbox({ users: 3000 });
    handle = await openPglite('migrated');
    const db = handle.db;
    const personas = config.personas.filter((p) => p.id === 'growth-saas-en');
    const store: AccountStore = { load: (h) => getAccount(db, h), saveUserId: async () => {}, saveTokens: async () => {} };
    door = await XDoor.sandbox(sb.url, { retry: FAST_RETRY, store, now });
    await ensureAccounts(db, door.handles.map((h) => ({ handle: h, owner: door.ownerOf(h)! })), now());
    for (const h of door.handles) await db.execute(sql`update accounts set x_user_id = ${(await door.account(h)).cachedUserId!} where handle = ${h.toLowerCase()}`);
    const ctx = jobContext({ db, x: door, now, config: { worker: config.worker, personas } }, { pacing: false });
    await search(ctx);
    await score(ctx);
    await queue(ctx);
    await engage(ctx); // assist mode: plans a like and a follow for the leads above the persona's threshold
    // A person whose profile is an attack, queued today like the others.
    const today = now().toISOString().slice(0, 10);
    await upsertProspects(db, [prospectInput(1, { name: HOSTILE_NAME, description: HOSTILE_BIO, username: 'evil_one' })]);
    await db.insert(leads).values({ prospectId: prospectInput(1).xUserId, persona: 'growth-saas-en', owner: 'maya', queuedOn: today, state: 'new', score: 99, reasons: '<b>+99</b> hostile', createdAt: now(), updatedAt: now() });

    const deps: EngageDeps = { db, door, log: silentLogger(), now, workerId: 'test-worker', tier: 'payperuse', personas, engagement: { ...config.worker.engagement, warmup: [1] } };
    web = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      db,
      config: workerConfig(),
      log: silentLogger(),
      now,
      processMetrics: false,
      users: [{ name: 'maya', passwordHash: hashPassword(PASSWORD) }],
      secret: 'an end-to-end secret of at least thirty-two characters',
      api: { engage: async () => deps, worldNow: async () => now() },
      personas: () => personas,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.accept();
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    door?.close();
    await handle?.close();
    await sb?.close();
  });

  const cards = () => page.locator('article.lead');
  const leadIdOf = async (n: number) => Number((await cards().nth(n).getAttribute('id'))?.replace(/\D+/g, ''));

  it('signs in and shows today with hostile text inert', async () => {
    await page.goto(`${web.url}/`);
    await page.getByLabel('Name').fill('maya');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${web.url}/`);
    expect(await cards().count()).toBeGreaterThan(3);
    const hostile = await page.locator('article.lead', { hasText: 'evil_one' }).innerText();
    expect(hostile).toContain(HOSTILE_NAME);
    expect(hostile).toContain('<script>alert(2)</script>');
    expect(await page.locator('main img, main [onerror], main [onload]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'today');
  });

  it('works three leads with the keyboard: ? shows the keys, j moves, c contacted, n then a number not a fit, h then 3 snoozed', async () => {
    await page.keyboard.press('?');
    expect(await page.locator('#keys').getAttribute('open')).not.toBeNull();
    await page.keyboard.press('?');
    const ids = [await leadIdOf(1), await leadIdOf(2), await leadIdOf(3)];
    await page.keyboard.press('j');
    await page.keyboard.press('c');
    await expect.poll(async () => (await findLead(handle.db, ids[0]!))?.state).toBe('contacted');
    await page.keyboard.press('j');
    await page.keyboard.press('n');
    await page.keyboard.press('3');
    await expect.poll(async () => (await findLead(handle.db, ids[1]!))?.state).toBe('not_a_fit');
    expect((await findLead(handle.db, ids[1]!))!.events.at(-1)).toMatchObject({ actor: 'maya', reason: 'competitor' });
    await page.keyboard.press('j');
    await page.keyboard.press('h');
    await page.keyboard.press('3');
    await expect.poll(async () => (await findLead(handle.db, ids[2]!))?.state).toBe('snoozed');
    // The card answers in place with what happened.
    await expect.poll(() => page.locator(`#lead-${ids[2]} .flash`).innerText()).toMatch(/snoozed/);
    expect(errors).toEqual([]);
  });

  it('likes and follows in assist mode against the sandbox, and shows the budget moving', async () => {
    // People the jobs found (the hostile one seeded above posted nothing to like).
    const planned = page.locator('article.lead:has(button[data-key="l"]):has(button[data-key="f"]):not(:has-text("evil_one"))');
    expect(await planned.count()).toBeGreaterThanOrEqual(2);
    const id = Number((await planned.first().getAttribute('id'))!.replace(/\D+/g, ''));
    const other = Number((await planned.nth(1).getAttribute('id'))!.replace(/\D+/g, ''));
    const lead = (await findLead(handle.db, id))!;
    const card = page.locator(`#lead-${id}`);
    await card.getByRole('button', { name: /^Like/ }).click();
    await expect.poll(() => page.locator(`#lead-${id} .flash`).innerText()).toMatch(/likes left: (\d+) of (\d+)/);
    const likesLeft = Number(/likes left: (\d+) of/.exec(await page.locator(`#lead-${id} .flash`).innerText())![1]);
    await page.locator(`#lead-${id}`).getByRole('button', { name: /^Follow/ }).click();
    await expect.poll(() => page.locator(`#lead-${id} .flash`).innerText()).toMatch(/follows left: \d+ of \d+/);
    const done = (await listActions(handle.db, { prospectId: lead.prospectId })).filter((a) => a.status === 'done').map((a) => a.kind).sort();
    expect(done).toEqual(['follow', 'like']);
    // The next like spends one more of the same budget.
    await page.locator(`#lead-${other}`).getByRole('button', { name: /^Like/ }).click();
    await expect.poll(() => page.locator(`#lead-${other} .flash`).innerText()).toMatch(new RegExp(`likes left: ${likesLeft - 1} of`));
  });

  it('exports the queue as CSV for a CRM', async () => {
    const res = await page.request.get(`${web.url}/export/queue.csv`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="prospector-queue-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^First name,Last name,X handle,X profile URL,Company,/);
    expect(lines.length).toBeGreaterThan(3);
  });

  it('shows a lead, the personas with the funnel chart, and Activity; axe-core finds nothing serious', async () => {
    const id = await leadIdOf(1);
    await page.goto(`${web.url}/leads/${id}`);
    expect(await page.locator('main').innerText()).toContain('contacted');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'lead');

    await page.goto(`${web.url}/personas`);
    expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('figure svg').first().innerHTML()).toContain('queued');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'personas');

    await page.goto(`${web.url}/do-not-contact`);
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${web.url}/activity`);
    expect(await page.locator('main').innerText()).toMatch(/Budgets[\s\S]*like/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'activity');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
