import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './table.ts';

/**
 * How fast `prospector` starts: wall time of `prospector --help` and of `prospector queue` (an
 * embedded database, migrated by a first run that is not counted), the median of a few runs each.
 * Beside them, what any command pays before its own code: Node alone, and Node with tsx's loader
 * registered (the product runs TypeScript through tsx, without a build step).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/prospector.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function wallSeconds(args: string[], env: NodeJS.ProcessEnv, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    const done = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    times.push((performance.now() - began) / 1000);
    if (done.status !== 0) throw new Error(`${args.join(' ')} exited ${done.status}: ${done.stderr}`);
  }
  return median(times);
}

export async function startupBench(options: { runs?: number } = {}): Promise<BenchRow[]> {
  const runs = options.runs ?? 5;
  const dataDir = mkdtempSync(join(tmpdir(), 'prospector-startup-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PROSPECTOR_DATA_DIR: join(dataDir, 'data') };
  for (const name of ['DATABASE_URL', 'PROSPECTOR_SANDBOX_URL', 'PROSPECTOR_CONFIG', 'PROSPECTOR_DEBUG', 'NODE_OPTIONS']) delete env[name];
  try {
    const node = wallSeconds(['-e', ''], env, runs);
    const tsx = wallSeconds(['--input-type=module', '-e', "import { register } from 'tsx/esm/api'; register();"], env, runs);
    const help = wallSeconds([BIN, '--help'], env, runs);
    const importTsx = wallSeconds(['--import', 'tsx', join(ROOT, 'src/cli.ts'), '--help'], env, runs);
    wallSeconds([BIN, 'queue'], env, 1); // creates and migrates the database
    const queue = wallSeconds([BIN, 'queue'], env, runs);
    const note = `median of ${runs}`;
    return [
      { key: 'startup.help_s', label: 'prospector --help', value: help, unit: 's', target: '≤ 1.0', ok: help <= 1.0, note },
      { key: 'startup.queue_s', label: 'prospector queue (embedded database)', value: queue, unit: 's', target: '≤ 1.5', ok: queue <= 1.5, note },
      { key: 'startup.import_tsx_help_s', label: '  node --import tsx src/cli.ts --help', value: importTsx, unit: 's', note: 'the same, without bin/' },
      { key: 'startup.tsx_s', label: '  of which node + tsx loader', value: tsx, unit: 's', note: 'paid by every command' },
      { key: 'startup.node_s', label: '  of which node alone', value: node, unit: 's', note },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/startup.ts`: these rows alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatTable } = await import('./table.ts');
  console.log(formatTable(await startupBench()));
}
