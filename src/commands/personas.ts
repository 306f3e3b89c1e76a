/**
 * `prospector personas …`: check the persona files (and the worker config they refer to), and
 * preview what a persona would find before it goes live.
 *
 * `check` prints every problem of every file, one line each (`file:line field: message`), and
 * sets the exit code to 1 when there is any. It validates the worker config's shape without
 * reading secrets, so it runs in CI without X credentials.
 */
import type { Command } from 'commander';
import type { ConfigLoadOptions } from '../config/load.ts';
import type { Persona } from '../config/persona.ts';
import type { WorkerConfig } from '../config/worker.ts';

export interface PersonasCommandDeps {
  /** Runs a persona's searches and prints what it would find (needs X and the database). */
  preview?: (persona: Persona, config: WorkerConfig) => Promise<void>;
  /** Where output goes (tests collect it). Default: stdout and stderr. */
  out?: { log(line: string): void; error(line: string): void };
  /** Working directory and environment (tests). Default: the process's. */
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

interface CommonOptions {
  config: string;
  dir?: string;
}

function summary(persona: Persona): string {
  const titles = persona.who.titles.length;
  const queries = persona.search.queries.length;
  return `${persona.id}  ${persona.name}  (${titles} title${titles === 1 ? '' : 's'}, ${queries} quer${queries === 1 ? 'y' : 'ies'}, engagement ${persona.engagement.mode}, ${persona.queue.per_day} leads/day)`;
}

export function registerPersonasCommands(program: Command, deps: PersonasCommandDeps = {}): Command {
  const out = deps.out ?? { log: (line: string) => console.log(line), error: (line: string) => console.error(line) };
  const base = (opts: CommonOptions): ConfigLoadOptions => ({
    file: opts.config,
    ...(opts.dir ? { personasDir: opts.dir } : {}),
    ...(deps.cwd ? { cwd: deps.cwd } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });

  const personas = program.command('personas').description('check and preview the personas in config/personas/');

  personas
    .command('check')
    .description('check every persona file and the worker config; print every problem with its file and line')
    .option('--config <file>', 'worker config', 'config/prospector.yaml')
    .option('--dir <dir>', 'personas directory (default: personas_dir of the worker config)')
    .action(async (opts: CommonOptions) => {
      const { formatIssue, readConfig } = await import('../config/load.ts');
      const { value, issues } = await readConfig({ ...base(opts), resolveSecrets: false });
      if (issues.length > 0 || !value) {
        for (const issue of issues) out.error(formatIssue(issue));
        const files = new Set(issues.map((i) => i.file)).size;
        out.error(`${issues.length} problem${issues.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
        process.exitCode = 1;
        return;
      }
      for (const persona of value.personas) out.log(`ok  ${summary(persona)}`);
      out.log(`${value.personas.length} persona${value.personas.length === 1 ? '' : 's'} ok`);
    });

  const { preview } = deps;
  if (preview) {
    personas
      .command('preview')
      .description('run a persona\'s searches now and show the prospects it would find, with scores and reasons (nothing is engaged)')
      .argument('<id>', 'persona id (its file name without .yaml)')
      .option('--config <file>', 'worker config', 'config/prospector.yaml')
      .option('--dir <dir>', 'personas directory (default: personas_dir of the worker config)')
      .action(async (id: string, opts: CommonOptions) => {
        const { didYouMean, formatIssue, loadConfig } = await import('../config/load.ts');
        let loaded;
        try {
          loaded = await loadConfig(base(opts));
        } catch (error) {
          const issues = (error as { issues?: Parameters<typeof formatIssue>[0][] }).issues;
          if (!issues) throw error;
          for (const issue of issues) out.error(formatIssue(issue));
          process.exitCode = 1;
          return;
        }
        const persona = loaded.personas.find((p) => p.id === id);
        if (!persona) {
          const ids = loaded.personas.map((p) => p.id);
          const guess = didYouMean(id, ids);
          out.error(`no persona "${id}"${guess ? `; did you mean "${guess}"?` : ''} (personas: ${ids.join(', ')})`);
          process.exitCode = 1;
          return;
        }
        await preview(persona, loaded.worker);
      });
  }
  return personas;
}
