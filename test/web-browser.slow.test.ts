import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { DatabaseHandle } from '../db/client.ts';
import { silentLogger } from '../src/log.ts';
import { hashPassword } from '../src/web/auth.ts';
import { startWebServer, type WebServer } from '../src/web/server.ts';
import { hasChromium, launchChromium, NO_CHROMIUM, screenshot, seriousViolations } from './support/browser.ts';
import { AT, openPglite } from './support/db.ts';
import { seedLeads, workerConfig } from './support/observe.ts';

/**
 * The review page in a real Chromium: signing in, hostile text from X staying text, and
 * accessibility as axe-core measures it.
 */

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_BIO = 'VP Growth <script>alert(2)</script> "><svg onload=alert(3)> javascript:alert(4) \u202eevil';

describe.skipIf(!hasChromium)(`the review page in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  let handle: DatabaseHandle;
  let web: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    handle = await openPglite('migrated');
    await seedLeads(handle.db, AT.toISOString().slice(0, 10), [
      { n: 1, name: HOSTILE_NAME, description: HOSTILE_BIO, score: 88 },
      { n: 2, name: 'Ana Ruiz', description: 'Head of Growth', score: 72 },
    ]);
    web = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      db: handle.db,
      config: workerConfig(),
      log: silentLogger(),
      now: () => AT,
      processMetrics: false,
      users: [{ name: 'maya', passwordHash: hashPassword('a long passphrase of words') }],
      secret: 'a browser test secret of at least thirty-two characters',
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await handle?.close();
  });

  it('signs in, shows the queue with hostile text inert, and has no serious accessibility problem', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${web.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Name').fill('maya');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').innerText()).toBe('Wrong name or password.');
    await page.getByLabel('Name').fill('maya');
    await page.getByLabel('Password').fill('a long passphrase of words');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${web.url}/`);

    const body = await page.locator('body').innerText();
    expect(body).toContain(HOSTILE_NAME);
    expect(body).toContain('<script>alert(2)</script>');
    expect(await page.locator('script').count()).toBe(await page.locator('script[src^="/static/"]').count());
    expect(await page.locator('img, svg[onload]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'today');
    await page.close();
  });
});
