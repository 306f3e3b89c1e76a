import { createInterface } from 'node:readline';
import { getAccount, saveAccountTokens, saveAccountUserId, withRefreshLock } from '../../db/accounts.ts';
import { openDatabase } from '../../db/client.ts';
import { XDoor } from '../../src/x/door.ts';

/**
 * One process of test/token-refresh.slow.test.ts: a door to the sandbox (argv[3]) keeping its
 * tokens in the PostgreSQL database at argv[2], as a worker's runtime does. It says `ready` once
 * @maya_sells is opened, then follows each user id read from stdin and answers one JSON line per
 * follow: X's data, or the error.
 */
const [databaseUrl, sandboxUrl] = process.argv.slice(2);
if (!databaseUrl || !sandboxUrl) throw new Error('usage: refresh-child.ts <database url> <sandbox url>');
const database = await openDatabase({ url: databaseUrl, poolSize: 2 });
const door = await XDoor.sandbox(sandboxUrl, {
  retry: { attempts: 3, baseMs: 1, maxMs: 5 },
  store: {
    load: (h) => getAccount(database.db, h),
    saveUserId: (h, userId) => saveAccountUserId(database.db, h, userId),
    saveTokens: (h, tokens, origin) => saveAccountTokens(database.db, h, { ...tokens, origin }),
    withRefreshLock: (h, refresh) => withRefreshLock(database.db, h, refresh),
  },
});
const maya = await door.account('maya_sells');
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    const result = await maya.follow(line.trim());
    process.stdout.write(`${JSON.stringify({ data: result.data })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
  }
}
door.close();
await database.close();
