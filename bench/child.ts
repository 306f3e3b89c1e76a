import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs a benchmark's measurement in a process of its own (so its heap and its timings are only
 * that) and returns the JSON of the last line it prints on stdout.
 */
export async function lastLineOfChild<T>(what: string, args: readonly string[], cwd: string): Promise<T> {
  const proc = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => resolve(code ?? 1));
  });
  let last: string | undefined;
  for await (const line of createInterface({ input: proc.stdout })) last = line;
  const code = await exited;
  if (code !== 0 || last === undefined) throw new Error(`${what} child exited with code ${code}${last === undefined ? ' and no result' : ''}`);
  return JSON.parse(last) as T;
}
