import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

/**
 * The lint rules that keep the house's fences and forbid import cycles catch what they are for,
 * and let through what is allowed. They run on small pieces of code here; `npm run lint` runs them
 * on the whole repository.
 */

describe('fences (ESLint)', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: process.cwd() });
  });

  /** The rule ids and messages ESLint reports for `code` as if it were the file at `filePath`. */
  async function lint(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
  }

  it('drizzle, pg and PGlite only in db/', async () => {
    const code = "import { sql } from 'drizzle-orm';\nimport type { PgTable } from 'drizzle-orm/pg-core';\nimport pg from 'pg';\nimport { PGlite } from '@electric-sql/pglite';\nexport const used = [sql, pg, PGlite] as unknown as PgTable[];\n";
    const outside = await lint('jobs/example.ts', code);
    expect(outside).toHaveLength(4);
    expect(outside[0]).toMatch(/^no-restricted-imports: 'drizzle-orm' .*only in db\//);
    expect(await lint('src/web/example.ts', "import { to } from 'pg-copy-streams';\nexport const t = to;\n")).toEqual([expect.stringMatching(/only in db\//)]);
    expect(await lint('db/example.ts', code)).toEqual([]);
    // A package whose name merely starts with "pg" is not the driver.
    expect(await lint('src/web/example.ts', "import pgx from 'pgx';\nexport const p = pgx;\n")).toEqual([]);
  });

  it('twitter-api-v2 and its plugins only in src/x/', async () => {
    const code = "import { TwitterApi } from 'twitter-api-v2';\nimport { TwitterApiAutoTokenRefresher } from '@twitter-api-v2/plugin-token-refresher';\nexport const used = [TwitterApi, TwitterApiAutoTokenRefresher];\n";
    expect(await lint('src/engage/example.ts', code)).toEqual([
      expect.stringMatching(/^no-restricted-imports: 'twitter-api-v2' .*only in src\/x\//),
      expect.stringMatching(/^no-restricted-imports: '@twitter-api-v2\/plugin-token-refresher' .*only in src\/x\//),
    ]);
    expect(await lint('db/example.ts', code)).toHaveLength(2);
    expect(await lint('src/x/example.ts', code)).toEqual([]);
  });

  it('the sandbox only through its index, static or lazy import alike', async () => {
    expect(await lint('src/config/example.ts', "import { compile } from '../sandbox/query.ts';\nexport const c = compile;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*only through src\/sandbox\/index\.ts/),
    ]);
    expect(await lint('src/example.ts', "export { World } from './sandbox/world.ts';\n")).toHaveLength(1);
    expect(await lint('src/commands/example.ts', "export const lazy = () => import('../sandbox/population/index.ts');\n")).toEqual([
      expect.stringMatching(/^no-restricted-syntax: .*only through src\/sandbox\/index\.ts/),
    ]);
    expect(await lint('src/commands/example.ts', "import { startSandbox } from '../sandbox/index.ts';\nexport const lazy = () => import('../sandbox/index.ts');\nexport const s = startSandbox;\n")).toEqual([]);
    // Inside the sandbox its parts import each other freely.
    expect(await lint('src/sandbox/example.ts', "import { World } from './world.ts';\nexport const w = World;\n")).toEqual([]);
  });

  it('tests and benchmarks may import what they check or measure', async () => {
    const code = "import { sql } from 'drizzle-orm';\nimport { TwitterApi } from 'twitter-api-v2';\nimport { World } from '../src/sandbox/world.ts';\nexport const used = [sql, TwitterApi, World];\n";
    expect(await lint('test/example.test.ts', code)).toEqual([]);
    expect(await lint('bench/example.ts', code)).toEqual([]);
  });
});

describe('import cycles (dependency-cruiser)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prospector-cycles-'));
    const files: Record<string, string> = {
      // matches.ts needs only a type from prospects.ts, prospects.ts calls matches.ts: still a circle.
      'matches.ts': "import type { Counts } from './prospects.ts';\nexport function upsertMatches(): Counts {\n  return { inserted: 0 };\n}\n",
      'prospects.ts': "import { upsertMatches } from './matches.ts';\nexport interface Counts {\n  inserted: number;\n}\nexport const store = () => upsertMatches();\n",
      // The same two modules with the type moved to a third: no circle.
      'fixed/bulk.ts': 'export interface Counts {\n  inserted: number;\n}\n',
      'fixed/matches.ts': "import type { Counts } from './bulk.ts';\nexport function upsertMatches(): Counts {\n  return { inserted: 0 };\n}\n",
      'fixed/prospects.ts': "import { upsertMatches } from './matches.ts';\nexport const store = () => upsertMatches();\n",
    };
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The house's cycle rule run over `paths` of the fixture: each violation as "rule: from → to". */
  async function violations(paths: string[]): Promise<string[]> {
    // The repository's own configuration, as `npm run lint` reads it.
    const options = await extractDepcruiseOptions(join(process.cwd(), '.dependency-cruiser.mjs'));
    const { output } = await cruise(paths, { ...options, baseDir: dir });
    const result = output as ICruiseResult;
    return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  }

  it('fails on a circle, type-only edges included', async () => {
    const found = await violations(['matches.ts', 'prospects.ts']);
    expect(found).toContain('no-circular: matches.ts → prospects.ts');
    expect(found.every((v) => v.startsWith('no-circular: '))).toBe(true);
  });

  it('passes once the shared type lives in a third module', async () => {
    expect(await violations(['fixed'])).toEqual([]);
  });
});
