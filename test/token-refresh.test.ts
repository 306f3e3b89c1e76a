import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensureAccounts, getAccount, saveAccountTokens, saveAccountUserId, withRefreshLock } from '../db/accounts.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { XDoor, type AccountStore } from '../src/x/door.ts';
import { describeEachDatabase } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * X rotates refresh tokens: three doors on their own database connections (three workers, as far
 * as the database can tell) meet one account's expired token at once. One refresh reaches X; the
 * two that waited on the account's lock take the pair it kept, so nobody spends a spent token, no
 * 401 reaches the engage path (which would pause the account), and all three act with it after.
 */

let sb: TestSandbox;
const FAST_RETRY = { attempts: 3, baseMs: 1, maxMs: 5 };

beforeEach(async () => {
  sb = await startTestSandbox({ users: 3000 });
});
afterEach(async () => {
  await sb?.close();
});

interface Logged {
  seq: number;
  method: string;
  path: string;
  status: number;
}

async function requestsSince(seq: number): Promise<Logged[]> {
  return (await sb.admin<{ requests: Logged[] }>(`/__sandbox/requests?since=${seq}`)).requests;
}

function store(handle: DatabaseHandle): AccountStore {
  return {
    load: (h) => getAccount(handle.db, h),
    saveUserId: (h, userId) => saveAccountUserId(handle.db, h, userId),
    saveTokens: (h, tokens, origin) => saveAccountTokens(handle.db, h, { ...tokens, origin }),
    withRefreshLock: (h, refresh) => withRefreshLock(handle.db, h, refresh),
  };
}

describeEachDatabase('token refresh shared by processes', (t) => {
  it('three doors refreshing one expired token at once: one refresh at X, all three act with the kept pair', async () => {
    const fresh = await t.fresh();
    await migrate(fresh.handle);
    // On PostgreSQL each door has a pool of its own; PGlite has one connection for its one process.
    const handles = [fresh.handle, await fresh.connect(), await fresh.connect()];
    const now = () => new Date(sb.clock.now());
    const doors = await Promise.all(handles.map((h) => XDoor.sandbox(sb.url, { retry: FAST_RETRY, now, store: store(h) })));
    try {
      await ensureAccounts(fresh.handle.db, [{ handle: 'maya_sells', owner: 'maya' }], now());
      const maya = await Promise.all(doors.map((d) => d.account('maya_sells')));
      await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
      const seq = (await requestsSince(0)).at(-1)?.seq ?? 0;

      // A 401 here is what the engage path turns into "re-authorise the account" and a pause.
      const first = await Promise.all(maya.map((m, i) => m.follow(sb.world.users[10 + i]!.id)));
      for (const followed of first) expect(followed.data).toMatchObject({ following: expect.any(Boolean) });
      const tokenRequests = (await requestsSince(seq)).filter((r) => r.path === '/2/oauth2/token');
      expect(tokenRequests.map((r) => r.status)).toEqual([200]);

      const stored = await getAccount(fresh.handle.db, 'maya_sells');
      const listed = (await sb.admin<{ accounts: Array<{ username: string; access_token: string; refresh_token: string }> }>('/__sandbox/accounts')).accounts.find((a) => a.username === 'maya_sells')!;
      expect(stored).toMatchObject({ accessToken: listed.access_token, refreshToken: listed.refresh_token, pausedAt: null });

      // Each door now holds a working token: one request each, no 401, no refresh.
      const after = (await requestsSince(0)).at(-1)?.seq ?? 0;
      await Promise.all(maya.map((m, i) => m.follow(sb.world.users[20 + i]!.id)));
      const log = await requestsSince(after);
      expect(log.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200', 'POST 200', 'POST 200']);
    } finally {
      for (const door of doors) door.close();
    }
  });

  it('a pair kept long ago whose access token expired too: its refresh token is the one refreshed, never the spent one held', async () => {
    const fresh = await t.fresh();
    await migrate(fresh.handle);
    const handles = [fresh.handle, await fresh.connect()];
    const now = () => new Date(sb.clock.now());
    const [a, b] = await Promise.all(handles.map((h) => XDoor.sandbox(sb.url, { retry: FAST_RETRY, now, store: store(h) })));
    try {
      await ensureAccounts(fresh.handle.db, [{ handle: 'maya_sells', owner: 'maya' }], now());
      const [mayaA, mayaB] = [await a!.account('maya_sells'), await b!.account('maya_sells')];
      await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
      await mayaA.follow(sb.world.users[40]!.id); // refreshes and keeps the pair; b's refresh token is spent
      await sb.advance(3 * 3600); // the kept pair's access token has expired as well
      const seq = (await requestsSince(0)).at(-1)?.seq ?? 0;
      await expect(mayaB.follow(sb.world.users[41]!.id)).resolves.toBeDefined();
      const log = await requestsSince(seq);
      expect(log.filter((r) => r.path === '/2/oauth2/token').map((r) => r.status)).toEqual([200]);
      expect(log.filter((r) => r.path !== '/2/oauth2/token').map((r) => r.status)).toEqual([200]);
    } finally {
      a?.close();
      b?.close();
    }
  });

  it('a rotation the database never saw (a door without the lock) is still recovered from under the lock', async () => {
    const fresh = await t.fresh();
    await migrate(fresh.handle);
    const now = () => new Date(sb.clock.now());
    const door = await XDoor.sandbox(sb.url, { retry: FAST_RETRY, now, store: store(fresh.handle) });
    const other = await XDoor.sandbox(sb.url, { retry: FAST_RETRY, now });
    try {
      await ensureAccounts(fresh.handle.db, [{ handle: 'maya_sells', owner: 'maya' }], now());
      const maya = await door.account('maya_sells');
      // Another door, keeping nothing, rotates the token twice: the stored pair (none) is no help,
      // and the refusal under the lock falls back to the latest token the sandbox lists.
      await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
      await (await other.account('maya_sells')).follow(sb.world.users[30]!.id);
      await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
      await (await other.account('maya_sells')).follow(sb.world.users[31]!.id);
      await expect(maya.follow(sb.world.users[32]!.id)).resolves.toBeDefined();
    } finally {
      door.close();
      other.close();
    }
  });
});
