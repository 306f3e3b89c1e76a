/**
 * JSON Schemas of the config files, generated from the zod schemas that check them, for editors
 * (`# yaml-language-server: $schema=../persona.schema.json` at the top of a persona gives
 * completion and hover help). The files are committed; a test fails when they drift from the
 * schemas. Regenerate with `writeJsonSchemas()`, or run this file: `npx tsx src/config/json-schema.ts`.
 *
 * The JSON Schemas describe what may be written (defaults make keys optional). Checks that need
 * code stay in zod only: X's query rules, cron expressions, time zones, ids equal to file names.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { PersonaSchema } from './persona.ts';
import { WorkerSchema } from './worker.ts';

function generate(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** JSON Schema of a persona file (`config/personas/*.yaml`). */
export function personaJsonSchema(): Record<string, unknown> {
  return generate(PersonaSchema);
}

/** JSON Schema of the worker config (`config/prospector.yaml`). */
export function workerJsonSchema(): Record<string, unknown> {
  return generate(WorkerSchema);
}

/** The committed files and their expected content, paths relative to the repository root. */
export function renderJsonSchemas(): Record<string, string> {
  return {
    'config/persona.schema.json': `${JSON.stringify(personaJsonSchema(), null, 2)}\n`,
    'config/prospector.schema.json': `${JSON.stringify(workerJsonSchema(), null, 2)}\n`,
  };
}

/** Writes the JSON Schema files under `root` (default: the working directory); returns their paths. */
export async function writeJsonSchemas(root: string = process.cwd()): Promise<string[]> {
  const written: string[] = [];
  for (const [path, text] of Object.entries(renderJsonSchemas())) {
    await writeFile(resolve(root, path), text);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const path of await writeJsonSchemas()) console.log(`wrote ${path}`);
}
