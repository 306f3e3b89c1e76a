import { Command, InvalidArgumentError, Option } from 'commander';
import { registerEngageCommands } from './commands/engage.ts';
import { registerEvalCommand } from './commands/eval.ts';
import { registerStatusCommands } from './commands/status.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import { registerPersonasCommands } from './commands/personas.ts';
import { registerPipelineCommands } from './commands/pipeline.ts';
import { previewPersona } from './commands/preview.ts';
import { TIER_NAMES, startSandbox, type TierName } from './sandbox/index.ts';
import { accountsTable } from './sandbox/describe.ts';

/** The `prospector` command. Each subcommand parses its flags and hands over to the library. */

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

const program = new Command()
  .name('prospector')
  .description('Social-selling lead worker for X: personas in, scored and explained leads out.')
  .showHelpAfterError();

const say = (line: string) => process.stderr.write(`${line}\n`);
const out = (text: string) => process.stdout.write(text);
// On a terminal, progress lines overwrite each other; elsewhere (logs, CI) they are left out.
const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : undefined;
const sayAfterProgress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}\n`) : say;

registerPipelineCommands(program, { out, say: sayAfterProgress, ...(progress ? { progress } : {}) });
registerPersonasCommands(program, {
  preview: async (persona, worker) => previewPersona(persona, { worker, personas: [persona] }, { out, say }),
});
registerEngageCommands(program, { out, say });
registerEvalCommand(program);
registerStatusCommands(program, { out, say });
registerWorkerCommand(program, { say });

program
  .command('sandbox')
  .description('serve the X API v2 sandbox (a local X with a seeded synthetic population) until stopped')
  .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', integer('--port', 0, 65535), 4010)
  .option('--seed <seed>', 'world seed: same seed, same world', integer('--seed', 0, 2 ** 32 - 1), 42)
  .option('--users <count>', 'population size', integer('--users', 10, 2_000_000), 5000)
  .addOption(new Option('--tier <tier>', 'rate-limit tier').choices(TIER_NAMES as string[]).default('payperuse'))
  .addOption(new Option('--clock <mode>', 'running follows the wall clock; frozen moves only by POST /__sandbox/clock').choices(['running', 'frozen']).default('running'))
  .option('--start <instant>', 'sandbox clock start (ISO 8601); default now')
  .action(async (opts: { port: number; seed: number; users: number; tier: TierName; clock: 'running' | 'frozen'; start?: string }) => {
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
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

await program.parseAsync(process.argv);
