import { Option, type Command } from 'commander';
import { TIER_NAMES, type TierName } from '../x/tiers.ts';
import { instant, integer } from './options.ts';

/** `prospector sandbox`: serves the X API v2 sandbox until stopped (its own signal handlers: it is a foreground server). */

export function registerSandboxCommand(program: Command): Command {
  return program
    .command('sandbox')
    .description('serve the X API v2 sandbox (a local X with a seeded synthetic population) until stopped')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', integer('--port', 0, 65535), 4010)
    .option('--seed <seed>', 'world seed: same seed, same world', integer('--seed', 0, 2 ** 32 - 1), 42)
    .option('--users <count>', 'population size', integer('--users', 10, 2_000_000), 5000)
    .addOption(new Option('--tier <tier>', 'rate-limit tier').choices(TIER_NAMES as string[]).default('payperuse'))
    .addOption(new Option('--clock <mode>', 'running follows the wall clock; frozen moves only by POST /__sandbox/clock').choices(['running', 'frozen']).default('running'))
    .option('--start <instant>', 'sandbox clock start (ISO 8601); default now', instant('--start'))
    .action(async (opts: { port: number; seed: number; users: number; tier: TierName; clock: 'running' | 'frozen'; start?: string }) => {
      const { accountsTable, startSandbox } = await import('../sandbox/index.ts');
      const began = performance.now();
      const sandbox = await startSandbox({
        port: opts.port,
        seed: opts.seed,
        users: opts.users,
        tier: opts.tier,
        clock: { mode: opts.clock, ...(opts.start ? { start: opts.start } : {}) },
      });
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      console.log(`X API sandbox on ${sandbox.url}  (seed ${opts.seed}, ${opts.users} users, ${sandbox.world.posts.length} posts, tier ${opts.tier}, built in ${seconds} s)`);
      console.log(accountsTable(sandbox));
      console.log(`Request log: ${sandbox.url}/__sandbox/requests   Ground truth: ${sandbox.url}/__sandbox/truth/users/<id>`);
      console.log('Ctrl-C stops it.');
      const stop = () => {
        sandbox.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`prospector: stopping the sandbox failed: ${(error as Error)?.message ?? String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
