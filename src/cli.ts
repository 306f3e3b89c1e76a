import { Command } from 'commander';
import { registerClassifyCommand } from './commands/classify.ts';
import { registerDncCommands } from './commands/dnc.ts';
import { registerEngageCommands } from './commands/engage.ts';
import { debugRequested, reportError } from './commands/errors.ts';
import { registerEvalCommand } from './commands/eval.ts';
import { registerStatusCommands } from './commands/status.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import { registerPersonasCommands } from './commands/personas.ts';
import { registerPipelineCommands } from './commands/pipeline.ts';
import { registerRepliesCommands } from './commands/replies.ts';
import { registerWebCommands } from './commands/web.ts';
import { registerSandboxCommand } from './commands/sandbox.ts';

/**
 * The `prospector` command. Each subcommand parses its flags and hands over to the library, whose
 * modules it imports when it runs (so `--help` does not load the database, X or the sandbox).
 * One handler ends every error: `prospector: <message>`, exit code 1 (2 for a usage mistake).
 */

const debug = debugRequested(process.argv, process.env);

const program = new Command()
  .name('prospector')
  .description('Social-selling lead worker for X: personas in, scored and explained leads out.')
  .option('--debug', 'on an error, print its stack trace too (or set PROSPECTOR_DEBUG=1)')
  .showHelpAfterError()
  // Commander throws instead of exiting, so every way out goes through the handler below.
  .exitOverride();

const say = (line: string) => process.stderr.write(`${line}\n`);
const out = (text: string) => process.stdout.write(text);
// On a terminal, progress lines overwrite each other; elsewhere (logs, CI) they are left out.
const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : undefined;
const sayAfterProgress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}\n`) : say;

registerPipelineCommands(program, { out, say: sayAfterProgress, ...(progress ? { progress } : {}) });
registerPersonasCommands(program, {
  preview: async (persona, worker) => {
    const { previewPersona } = await import('./commands/preview.ts');
    await previewPersona(persona, { worker, personas: [persona] }, { out, say });
  },
});
registerEngageCommands(program, { out, say });
registerClassifyCommand(registerRepliesCommands(program, { out, say }), { out, say });
registerDncCommands(program, { out, say });
registerEvalCommand(program);
registerStatusCommands(program, { out, say });
registerWorkerCommand(program, { say });
registerSandboxCommand(program);
registerWebCommands(program, { out });

function fail(error: unknown): void {
  const { text, exitCode } = reportError(error, { debug });
  if (text) process.stderr.write(`${progress ? '\r\x1b[K' : ''}${text}\n`);
  process.exitCode = exitCode;
}

// Something failing after the command returned (a long-running worker's background work) ends the
// same way, without a trace.
process.on('uncaughtException', (error) => {
  fail(error);
  process.exit();
});
process.on('unhandledRejection', (error) => {
  fail(error);
  process.exit();
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
