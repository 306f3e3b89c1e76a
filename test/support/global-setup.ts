import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';

/**
 * Once per test run (vitest globalSetup), before any test file: a new PGlite database takes
 * seconds to create (initdb, in WASM) and more to migrate, and the suites need dozens. So it is
 * done once here, and each database is loaded from its copy: an empty one and a migrated one
 * (test/support/db.ts: `pgliteTemplate`).
 */

export interface PgliteTemplates {
  /** Tarballs of a PGlite data directory (PGlite's dumpDataDir), empty and migrated. */
  empty: string;
  migrated: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplates: PgliteTemplates;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'prospector-pglite-templates-'));
  const templates: PgliteTemplates = { empty: join(dir, 'empty.tar'), migrated: join(dir, 'migrated.tar') };
  const handle = await openDatabase({ dataDir: 'memory://' });
  try {
    const save = async (file: string) => writeFileSync(file, Buffer.from(await (await handle.dumpDataDir!()).arrayBuffer()));
    await save(templates.empty);
    await migrate(handle);
    await save(templates.migrated);
  } finally {
    await handle.close();
  }
  project.provide('pgliteTemplates', templates);
  return () => rmSync(dir, { recursive: true, force: true });
}
