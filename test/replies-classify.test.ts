import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `prospector replies classify`, run as a person runs it: the real CLI as a child process, on
 * files a person could hand it. No database is opened (DATABASE_URL points at a port nothing
 * listens on, and the embedded database's folder must not appear).
 */

const BIN = fileURLToPath(new URL('../bin/prospector.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEV_SET = fileURLToPath(new URL('../../shared/datasets/replies/optouts-dev.tsv', import.meta.url));
const TRACE = /^\s+at .+[:(]/m;

let dir: string;
let dataDir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prospector-classify-'));
  dataDir = join(dir, 'data');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function classify(args: string[], options: { stdin?: string | Buffer; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  const base: Record<string, string | undefined> = {
    ...process.env,
    PROSPECTOR_DATA_DIR: dataDir,
    // Anything that opened a database would fail on this.
    DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
    PROSPECTOR_CONFIG: undefined,
    PROSPECTOR_DEBUG: undefined,
  };
  const env = Object.fromEntries(Object.entries({ ...base, ...options.env }).filter((e): e is [string, string] => e[1] !== undefined));
  const child = spawn(process.execPath, [BIN, 'replies', 'classify', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(existsSync(dataDir), 'classify opened the embedded database').toBe(false);
  return { code, stdout, stderr };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** One failure: exit 1, one `prospector: …` message, no trace, nothing on stdout. */
function failed(run: Run, message: string): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr.trim()).toBe(`prospector: ${message}`);
  expect(run.stderr).not.toMatch(TRACE);
  expect(run.stdout).toBe('');
}

const LABELLED = [
  'lang\tlabel\ttext',
  'en\toptout\t@maya_sells stop',
  'en\tother\t@maya_sells thanks for the follow!',
  'fr\toptout\t@lucas_ventes arrêtez de me suivre',
  'es\tother\t@sofia_ventas ¿qué hacéis exactamente?',
  'es\toptout\t@sofia_ventas no me interesa, gracias',
].join('\n');

describe('prospector replies classify', { timeout: 120_000 }, () => {
  it('prints each reply with its outcome and reason, then the figures per language and overall', async () => {
    const run = await classify(['--input', file('labelled.tsv', `${LABELLED}\n`)]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^line\s+lang\s+label\s+outcome\s+reason\s+text$/);
    expect(lines.find((l) => l.includes('@maya_sells stop'))).toMatch(/^\s+2\s+en\s+optout\s+opt_out\s+asked to stop \("stop"\)\s+@maya_sells stop$/);
    expect(lines.find((l) => l.includes('thanks for the follow'))).toMatch(/^\s+3\s+en\s+other\s+other\s+/);
    expect(run.stdout).toContain('5 replies: 3 opt_out, 0 doubtful, 2 other');
    expect(lines.find((l) => l.startsWith('language'))).toMatch(/^language\s+replies\s+opt-outs\s+recall\s+precision\s+doubtful$/);
    expect(lines.find((l) => l.startsWith('en '))).toMatch(/^en\s+2\s+1\s+100\.0%\s+100\.0%\s+0\.0%$/);
    expect(lines.find((l) => l.startsWith('fr '))).toMatch(/^fr\s+1\s+1\s+100\.0%\s+100\.0%\s+0\.0%$/);
    expect(lines.find((l) => l.startsWith('all '))).toMatch(/^all\s+5\s+3\s+100\.0%\s+100\.0%\s+0\.0%$/);
  });

  it('--format json gives the rows and the figures under their names, per language under by_language', async () => {
    const run = await classify(['--input', file('labelled.tsv', LABELLED), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown> & { rows: Array<Record<string, unknown>>; by_language: Record<string, Record<string, unknown>> };
    expect(json.rows).toHaveLength(5);
    expect(json.rows[0]).toEqual({ line: 2, lang: 'en', label: 'optout', outcome: 'opt_out', reason: 'asked to stop ("stop")', language: 'en', text: '@maya_sells stop' });
    expect(json).toMatchObject({ recall: 1, precision: 1, doubtful_share: 0, replies: 5, opt_outs: 3 });
    expect(Object.keys(json.by_language).sort()).toEqual(['en', 'es', 'fr']);
    expect(json.by_language.es).toMatchObject({ replies: 2, opt_outs: 1, recall: 1, precision: 1, doubtful_share: 0 });
  });

  it('reads stdin with -, and without labels prints the readings and says how to measure', async () => {
    const run = await classify(['--input', '-'], { stdin: 'en\t@maya_sells unfollow me\nfr\t@lucas_ventes merci pour le like !\n' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\s+1\s+en\s+opt_out\s+asked to stop \("unfollow me"\)\s+@maya_sells unfollow me$/m);
    expect(run.stdout).toContain('2 replies: 1 opt_out, 0 doubtful, 1 other');
    expect(run.stdout).toContain('no labels: put optout or other in the second column');
    expect(run.stdout).not.toMatch(/^language\s+replies/m);
    const json = JSON.parse((await classify(['--input', '-', '--format', 'json'], { stdin: 'en\t\t@maya_sells hello\n' })).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ recall: null, precision: null, doubtful_share: null, rows: [{ line: 1, label: null, outcome: 'other' }] });
  });

  it('reads CRLF files and files that start with a byte-order mark as plain ones; lines ended by CR alone are refused', async () => {
    const crlf = await classify(['--input', file('crlf.tsv', `${LABELLED.replaceAll('\n', '\r\n')}\r\n`), '--format', 'json']);
    const bom = await classify(['--input', file('bom.tsv', `\uFEFF${LABELLED}`), '--format', 'json']);
    const plain = await classify(['--input', file('plain.tsv', LABELLED), '--format', 'json']);
    expect(crlf.code, crlf.stderr).toBe(0);
    expect(bom.code, bom.stderr).toBe(0);
    expect(crlf.stdout).toBe(plain.stdout);
    expect(bom.stdout).toBe(plain.stdout);
    expect((JSON.parse(crlf.stdout) as { rows: Array<{ text: string }> }).rows.every((r) => !r.text.includes('\r'))).toBe(true);
    const cr = file('cr.tsv', LABELLED.replaceAll('\n', '\r'));
    failed(await classify(['--input', cr]), `${cr}:1: lines end with a carriage return alone; save the file with Unix (LF) or Windows (CRLF) line endings`);
  });

  it('makes control characters harmless and cuts long text with … on one line', async () => {
    const hostile = `@maya_sells \u001b[2J\u001b[31mcleared your screen\u0007 \u202Eevil\u202C ${'blah '.repeat(40)}end`;
    const run = await classify(['--input', file('hostile.tsv', `en\tother\t${hostile}\n`)]);
    expect(run.code, run.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex -- looking for exactly those
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/);
    const row = run.stdout.split('\n').find((l) => l.includes('cleared your screen'));
    expect(row).toMatch(/…$/);
    expect(row).not.toContain('end');
    // The JSON keeps the text as it was: it is data, escaped by JSON itself.
    const json = JSON.parse((await classify(['--input', join(dir, 'hostile.tsv'), '--format', 'json'])).stdout) as { rows: Array<{ text: string }> };
    expect(json.rows[0]?.text).toBe(hostile);
  });

  it('uses the config\'s opt_out_phrases and opt_out_ignore, and says so', async () => {
    const input = file('custom.tsv', 'en\toptout\t@maya_sells zorblax\nen\tother\t@maya_sells not interested in crypto, but this thread is gold\n');
    const before = JSON.parse((await classify(['--input', input, '--format', 'json'])).stdout) as { rows: Array<{ outcome: string; reason: string }> };
    const config = file('prospector.yaml', 'engagement:\n  opt_out_phrases: [Zorblax]\n  opt_out_ignore: [NOT Interested]\n');
    const run = await classify(['--input', input, '--format', 'json'], { env: { PROSPECTOR_CONFIG: config } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`reading with ${config}: 1 phrase added (opt_out_phrases), 1 built-in left out (opt_out_ignore)`);
    const after = JSON.parse(run.stdout) as { rows: Array<{ outcome: string; reason: string }> };
    // A made-up word means nothing to the reader until the config says it means "stop".
    expect(before.rows[0]?.outcome).toBe('other');
    expect(after.rows[0]?.outcome).toBe('opt_out');
    expect(after.rows[0]?.reason).toContain('Zorblax');
    // The phrase left out is no longer a reason.
    expect(before.rows[1]?.reason).toContain('not interested');
    expect(after.rows[1]?.reason).not.toContain('not interested');
  });

  it('a broken config is said with file:line, exit 1', async () => {
    const config = file('broken.yaml', 'engagement:\n  opt_out_ignore:\n    - stpo\n');
    const run = await classify(['--input', file('one.tsv', 'en\t\tstop\n')], { env: { PROSPECTOR_CONFIG: config } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${config}:3 engagement.opt_out_ignore[0]: "stpo" is not a built-in phrase; the nearest are "stop"`);
    expect(run.stderr).toMatch(/^prospector: 1 problem in the config:/);
    expect(run.stderr).not.toMatch(TRACE);
  });

  describe('bad input, one message each', () => {
    it('a missing file, a directory, a file it may not read', async () => {
      failed(await classify(['--input', join(dir, 'nope.tsv')]), `${join(dir, 'nope.tsv')}: file not found`);
      const folder = join(dir, 'a-folder');
      mkdirSync(folder);
      failed(await classify(['--input', folder]), `${folder}: is a directory; expected a TSV file of replies (lang<TAB>label<TAB>text)`);
      if (process.getuid?.() !== 0) {
        const locked = file('locked.tsv', LABELLED);
        chmodSync(locked, 0o000);
        failed(await classify(['--input', locked]), `${locked}: cannot read it: permission denied`);
      }
    });

    it('an empty file, a file of blank lines, a header alone, empty stdin', async () => {
      const none = (shown: string) => `${shown}: no replies in it; expected one a line: lang<TAB>label<TAB>text (label optout, other or empty)`;
      const empty = file('empty.tsv', '');
      failed(await classify(['--input', empty]), none(empty));
      const blank = file('blank.tsv', '\n\n  \r\n');
      failed(await classify(['--input', blank]), none(blank));
      const header = file('header.tsv', 'lang\tlabel\ttext\n');
      failed(await classify(['--input', header]), none(header));
      failed(await classify(['--input', '-']), none('stdin'));
    });

    it('a bad label, a row with no text (or only its label), a row of one column, each with file:line', async () => {
      const label = file('label.tsv', 'en\toptout\tstop\nen\tyes\tleave me alone\n');
      failed(await classify(['--input', label]), `${label}:2: label must be optout or other (or empty), got "yes"`);
      const hostile = file('hostile-label.tsv', 'en\t\u001b[2Jyes\u0007\tleave me alone\n');
      failed(await classify(['--input', hostile]), `${hostile}:1: label must be optout or other (or empty), got "[2jyes"`);
      const noText = file('no-text.tsv', 'lang\tlabel\ttext\nen\toptout\t\n');
      failed(await classify(['--input', noText]), `${noText}:2: no text`);
      const spaces = file('spaces.tsv', 'en\tother\thello\n\nfr\toptout\t   \n');
      failed(await classify(['--input', spaces]), `${spaces}:3: no text`);
      const labelOnly = file('label-only.tsv', 'en\toptout\tstop\nfr\toptout\n');
      failed(await classify(['--input', labelOnly]), `${labelOnly}:2: no text, only the label "optout"; expected lang<TAB>label<TAB>text`);
      const oneColumn = file('one-column.tsv', 'en\toptout\tstop\nstop following me\n');
      failed(await classify(['--input', oneColumn]), `${oneColumn}:2: expected lang<TAB>label<TAB>text (or lang<TAB>text), got one column`);
    });

    it('binary junk, invalid UTF-8 further down, UTF-16, NUL bytes: the line, not garbage', async () => {
      const junk = file('junk.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));
      failed(await classify(['--input', junk]), `${junk}:1: not UTF-8 text (a binary file?); expected lines of lang<TAB>label<TAB>text`);
      const latin1 = file('latin1.tsv', Buffer.concat([Buffer.from('en\tother\thello\nfr\toptout\tarr'), Buffer.from([0xea]), Buffer.from('tez\n')]));
      failed(await classify(['--input', latin1]), `${latin1}:2: not UTF-8 text (a binary file?); expected lines of lang<TAB>label<TAB>text`);
      const utf16 = file('utf16.tsv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('en\toptout\tstop\n', 'utf16le')]));
      failed(await classify(['--input', utf16]), `${utf16}:1: the file is UTF-16 text; save it as UTF-8`);
      failed(await classify(['--input', '-'], { stdin: Buffer.from('en\tother\tok\nen\tother\tnul\u0000here\n') }), 'stdin:2: not UTF-8 text (a binary file?); expected lines of lang<TAB>label<TAB>text');
    });

    it('usage mistakes exit 2: no --input, a format it does not know', async () => {
      const noInput = await classify([]);
      expect(noInput.code).toBe(2);
      expect(noInput.stderr).toContain("required option '--input <file>' not specified");
      const format = await classify(['--input', '-', '--format', 'csv']);
      expect(format.code).toBe(2);
      expect(format.stderr).toContain("argument 'csv' is invalid. Allowed choices are table, json.");
    });
  });

  const hasDevSet = existsSync(DEV_SET);
  it.skipIf(!hasDevSet)(`measures the reader on the shared dev set, ${DEV_SET}${hasDevSet ? '' : ' (skipped: the file is absent)'}`, async () => {
    const run = await classify(['--input', DEV_SET, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { rows: unknown[]; opt_outs: number; recall: number; precision: number | null; by_language: Record<string, { replies: number }> };
    expect(json.rows.length).toBeGreaterThan(100);
    expect(json.opt_outs).toBeGreaterThan(0);
    expect(json.recall).toBeGreaterThanOrEqual(0);
    expect(json.recall).toBeLessThanOrEqual(1);
    expect(Object.values(json.by_language).reduce((n, l) => n + l.replies, 0)).toBe(json.rows.length);
    console.log(`dev set: recall ${json.recall.toFixed(3)}, precision ${json.precision?.toFixed(3) ?? '–'} over ${json.rows.length} replies`);
  });
});
