import { fileURLToPath } from 'node:url';
import type { ScoringInput } from '../src/scoring/score.ts';
import type { ProfileInput } from '../src/scoring/types.ts';
import { lastLineOfChild } from './child.ts';
import type { BenchRow } from './table.ts';

/**
 * Reload benchmark: memory across config reloads. Each reload reads the config's personas again,
 * edits each (new titles, interests and needs in words no persona had before: a marketer pasting
 * a new list), builds their PersonaScorers, as the worker and the score job do, and scores a
 * batch of sandbox profiles with each. The heap is measured after a forced GC at reload 1 and at
 * reload 100, after a few reloads that are not counted: the first ones warm the JIT and the
 * config loader's code (about 1 MB, once). A matcher owns its vocabulary, so the two should be
 * about the same; when words were kept by the process, each reload's new words stayed. Runs in
 * its own process (this file, `child`), so the heap is only this.
 */

const RELOADS = 100;
const WARM_UP = 10;
/** New terms of each kind per persona and reload. */
const EDITS = 10;
const PROSPECTS = 2_000;
/**
 * Growth allowed from reload 1 to reload 100, for what the runtime itself keeps (compiled code,
 * inline caches): about 0.25 MB measured. With the words kept by the process, 0.7 MB.
 */
const GROWTH_TARGET_MB = 0.5;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface ReloadResult {
  heapMb: number[];
  personas: number;
  prospects: number;
  seconds: number;
}

/**
 * Sandbox people as scoring inputs, flat strings as X's JSON gives them. A function of its own, so
 * that the sandbox world is garbage once it returns, not held by the loop's frame until V8
 * happens to optimise it (which showed as a 4 MB drop in the middle of the measurement).
 */
async function scoringInputs(now: number): Promise<ScoringInput[]> {
  const { World } = await import('../src/sandbox/world.ts');
  const { profileInputOf } = await import('../src/sandbox/profile.ts');
  const world = new World({ seed: 42, users: PROSPECTS, start: now });
  return world.users.slice(0, PROSPECTS).map((user) => ({ profile: JSON.parse(JSON.stringify(profileInputOf(user))) as ProfileInput, post: null, signals: [] }));
}

async function child(): Promise<void> {
  const { loadConfig } = await import('../src/config/load.ts');
  const { PersonaScorer } = await import('../src/scoring/score.ts');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const now = Date.parse('2026-11-02T09:00:00Z');
  const inputs = await scoringInputs(now);
  const heapMb: number[] = [];
  let personas = 0;
  const began = performance.now();
  for (let reload = 1 - WARM_UP; reload <= RELOADS; reload++) {
    const config = await loadConfig({ cwd: ROOT });
    personas = config.personas.length;
    const edits = Array.from({ length: EDITS }, (_, k) => `zq${(reload + WARM_UP).toString(36)}w${k}`);
    const scorers = config.personas.map(
      (persona) =>
        new PersonaScorer({
          ...persona,
          who: { ...persona.who, titles: [...persona.who.titles, ...edits.map((e) => `head of ${e}ops`)], interests: [...(persona.who.interests ?? []), ...edits.map((e) => `${e}tech`)] },
          intent: { ...persona.intent, needs: [...(persona.intent?.needs ?? []), ...edits.map((e) => `${e} platform`)] },
        }),
    );
    let total = 0;
    for (const scorer of scorers) for (const input of inputs) total += scorer.score(input, now).score;
    if (!Number.isFinite(total)) throw new Error('a score is not a number');
    // A GC every reload, not only where measured: the first forced GC of a process leaves more behind than the next ones.
    gc();
    if (reload === 1 || reload === RELOADS) {
      gc();
      heapMb.push(process.memoryUsage().heapUsed / 1024 / 1024);
    }
  }
  process.stdout.write(JSON.stringify({ heapMb, personas, prospects: PROSPECTS, seconds: (performance.now() - began) / 1000 } satisfies ReloadResult) + '\n');
}

export async function reloadBench(): Promise<BenchRow[]> {
  const r = await lastLineOfChild<ReloadResult>('reload benchmark', ['--expose-gc', '--no-flush-bytecode', '--import', 'tsx', SELF, 'child'], ROOT);
  const [first, hundredth] = r.heapMb as [number, number];
  const growth = hundredth - first;
  return [
    {
      key: 'reload.heap_growth_mb_100',
      label: `reload: heap growth over ${RELOADS} reloads, ${r.personas} personas each edited (${EDITS * 3} new terms), ${r.prospects.toLocaleString('en')} prospects scored per persona`,
      value: growth,
      unit: 'MB',
      target: `≤ ${GROWTH_TARGET_MB}`,
      ok: growth <= GROWTH_TARGET_MB,
      note: `heap after GC ${first.toFixed(2)} MB at reload 1, ${hundredth.toFixed(2)} MB at reload ${RELOADS} (after ${WARM_UP} reloads not counted); ${r.seconds.toFixed(1)} s in all`,
    },
  ];
}

if (process.argv[2] === 'child') await child();
