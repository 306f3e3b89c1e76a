import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { engageBench } from './engage.ts';
import { pipelineBench } from './pipeline.ts';
import { reloadBench } from './reload.ts';
import { repliesBench } from './replies.ts';
import { sandboxBench } from './sandbox.ts';
import { startupBench } from './startup.ts';
import { formatTable, type BenchRow } from './table.ts';
import { webBench } from './web.ts';

/**
 * `npm run bench`: every benchmark, a table on stdout, and `bench/results/latest.json`.
 * `--quick` skips the million-user population (about a minute) and runs the pipeline benchmarks
 * on smaller sizes (their labels say so).
 */
const quick = process.argv.includes('--quick');
const rows: BenchRow[] = [];
rows.push(...(await sandboxBench({ full: !quick })));
rows.push(...(await pipelineBench({ full: !quick })));
rows.push(...(await engageBench()));
rows.push(...(await reloadBench()));
rows.push(...(await repliesBench()));
rows.push(...(await startupBench()));
rows.push(...(await webBench({ full: !quick })));

console.log(formatTable(rows));
const results = new URL('./results/', import.meta.url);
mkdirSync(results, { recursive: true });
const json = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  results: Object.fromEntries(rows.map((r) => [r.key, r.value])),
  rows,
};
writeFileSync(new URL('latest.json', results), JSON.stringify(json, null, 2) + '\n');
console.log(`\nwritten: bench/results/latest.json`);
