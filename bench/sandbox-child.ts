/**
 * Child process for the sandbox benchmarks, so each measurement has a clean heap and, for the
 * throughput test, the server its own core.
 *
 *   populate <users>   build a world, print {ms, heapMB, rssMB, posts} as JSON
 *   serve <users>      start a sandbox without rate limits, print {url, token} as JSON, run until killed
 */
import { World } from '../src/sandbox/world.ts';
import { startSandbox } from '../src/sandbox/index.ts';

const [mode, usersArg] = process.argv.slice(2);
const users = Number(usersArg);
const start = Date.parse('2026-11-02T09:00:00Z');

if (mode === 'populate') {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  const began = performance.now();
  const world = new World({ seed: 42, users, start });
  const ms = performance.now() - began;
  gc?.();
  const mem = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({ ms, heapMB: (mem.heapUsed - baseHeap) / 2 ** 20, rssMB: mem.rss / 2 ** 20, posts: world.posts.length, users: world.users.length }) + '\n',
  );
} else if (mode === 'serve') {
  const sandbox = await startSandbox({ seed: 42, users, clock: { start, mode: 'frozen' }, rateLimits: false, requestLogLimit: 10_000 });
  process.stdout.write(JSON.stringify({ url: sandbox.url, token: sandbox.world.appBearerToken }) + '\n');
} else {
  throw new Error(`usage: sandbox-child.ts populate|serve <users>`);
}
