import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Who holds a PGlite directory. PGlite allows one process at a time, so db/client.ts keeps a lock
 * file beside the directory (`data.lock` for `data/`) holding the owner's pid. Commands read it
 * here, without loading PGlite, to tell a running worker from nobody (src/commands/worker-file.ts).
 */

/** The lock file of a PGlite directory. */
export function pgliteLockFile(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

/** The live process holding the directory, if any; a lock whose process is gone is stale. */
export function pgliteHolder(dataDir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pgliteLockFile(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Whether a process exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
