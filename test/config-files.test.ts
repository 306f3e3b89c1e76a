import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEnvironment } from '../src/config/env.ts';
import { formatIssue, isPersonaFile, parsePersona, parseWorkerConfig, readConfig, readPersonas, readWorkerConfig, YAML_LIMITS } from '../src/config/load.ts';
import { PERSONA_LIMITS } from '../src/config/persona.ts';

/**
 * What a config file may ask of the loader, and how each refusal reads: YAML limits (size, depth,
 * aliases) with file:line in a persona as in the worker config; duplicate keys named; merge keys;
 * working hours and bounds; the environment's overrides with errors naming the variable; editors'
 * files beside the personas.
 */

const ROOT = join(import.meta.dirname, '..');
const PERSONA_FILE = 'config/personas/growth-saas-en.yaml';
const VALID = await readFile(join(ROOT, PERSONA_FILE), 'utf8');

const personaMessages = (text: string, file = PERSONA_FILE) => parsePersona(text, file, { owners: ['maya', 'lucas', 'sofia'] }).issues.map(formatIssue);
const workerMessages = (text: string, env: Record<string, string | undefined> = {}) => parseWorkerConfig(text, 'config/prospector.yaml', { env }).issues.map(formatIssue);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** Nested anchors, each alias list nine times the one before: 9^6 values from a few lines. */
function aliasBomb(): string {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i <= 6; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  return text;
}

describe('YAML limits give file:line', () => {
  it('an alias bomb, in a persona and in the worker config, at the line of its first alias', () => {
    const persona = `${VALID}${aliasBomb().replace(/^a/gm, 'x-a')}`;
    const started = performance.now();
    expect(personaMessages(persona)).toEqual([`${PERSONA_FILE}:${lineOf(persona, 'x-a1:')} the aliases (*name) here and after expand to more than 1,000 values; write the values out, or reuse an anchor less`]);
    expect(performance.now() - started).toBeLessThan(1000);
    const worker = `network: sandbox\n${aliasBomb()}`;
    expect(workerMessages(worker)).toEqual([`config/prospector.yaml:3 the aliases (*name) here and after expand to more than 1,000 values; write the values out, or reuse an anchor less`]);
  });

  it('a few anchors reused are fine', () => {
    const text = VALID.replace('  like: { per_day: 20 }\n  follow: { per_day: 10 }', '  like: &cap { per_day: 20 }\n  follow: *cap');
    expect(text).not.toBe(VALID);
    const { value, issues } = parsePersona(text, PERSONA_FILE, {});
    expect(issues).toEqual([]);
    expect(value?.engagement.follow.per_day).toBe(20);
  });

  it('a file over its size limit (256 kB a persona, 1 MB the worker config), at the line that crosses it', () => {
    const filler = `# ${'x'.repeat(1000)}\n`;
    const persona = `${VALID}${filler.repeat(300)}`;
    const crossing = persona.slice(0, YAML_LIMITS.personaBytes).split('\n').length;
    expect(personaMessages(persona)).toEqual([`${PERSONA_FILE}:${crossing} the file is 296 kB, more than the 256 kB a config file may have (it crosses the limit on this line); is it the right file?`]);
    const worker = `network: sandbox\n${filler.repeat(1100)}`;
    expect(workerMessages(worker)[0]).toMatch(/^config\/prospector\.yaml:\d+ the file is 1,077 kB, more than the 1,024 kB a config file may have/);
    // Under the limit, the same comment lines are only comments.
    expect(personaMessages(`${VALID}${filler.repeat(200)}`)).toEqual([]);
  });

  it('a huge persona file is refused without being read whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prospector-huge-'));
    try {
      await writeFile(join(dir, 'huge.yaml'), `id: huge\n${`# ${'x'.repeat(1000)}\n`.repeat(5000)}`);
      await writeFile(join(dir, 'growth-saas-en.yaml'), VALID);
      const started = performance.now();
      const { value, issues } = await readPersonas(dir, { cwd: dir });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(value?.map((p) => p.id)).toEqual(['growth-saas-en']);
      expect(issues.map(formatIssue)).toEqual([`huge.yaml:263 the file is 4,897 kB, more than the 256 kB a config file may have (it crosses the limit on this line); is it the right file?`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('nesting deeper than 32 levels, in flow and in block style', () => {
    const flow = `${VALID}x-deep: ${'['.repeat(40)}${']'.repeat(40)}\n`;
    expect(personaMessages(flow)).toEqual([`${PERSONA_FILE}:${lineOf(flow, 'x-deep')} nested more than 32 levels deep; a config file needs a handful`]);
    // A deep flow text inside quotes is only text.
    const quoted = VALID.replace(/^name: .*$/m, `name: "${'['.repeat(40)}"`);
    expect(quoted).not.toBe(VALID);
    expect(personaMessages(quoted)).toEqual([]);
    let block = 'network: sandbox\nx:\n';
    for (let i = 1; i <= 40; i++) block += `${'  '.repeat(i)}k${i}:\n`;
    block += `${'  '.repeat(41)}v: 1\n`;
    expect(workerMessages(block)).toEqual([`config/prospector.yaml:${lineOf(block, 'k32:')} nested more than 32 levels deep; a config file needs a handful`]);
  });

  it('a duplicate key is named, at the line of its second appearance', () => {
    const text = VALID.replace('  follow: { per_day: 10 }', '  follow: { per_day: 10 }\n  like: { per_day: 5 }');
    expect(personaMessages(text)).toEqual([`${PERSONA_FILE}:${lineOf(text, 'per_day: 5')} duplicate key "like": a key may appear once in a mapping; keep one of them`]);
    expect(workerMessages('tier: basic\nweb:\n  port: 1\n  "port": 2\n')).toEqual(['config/prospector.yaml:4 duplicate key "port": a key may appear once in a mapping; keep one of them']);
  });

  it('merge keys (<<) copy a mapping, and the keys beside them win', () => {
    const text = VALID.replace('  like: { per_day: 20 }\n  follow: { per_day: 10 }', '  like: &caps\n    per_day: 20\n  follow:\n    <<: *caps\n    per_day: 10');
    const { value, issues } = parsePersona(text, PERSONA_FILE, {});
    expect(issues.map(formatIssue)).toEqual([]);
    expect(value?.engagement.like).toEqual({ per_day: 20 });
    expect(value?.engagement.follow).toEqual({ per_day: 10 });
    const worker = parseWorkerConfig('schedules:\n  search: &weekdays\n    cron: "0 9 * * 1-5"\n    time_zone: Europe/Paris\n  queue:\n    <<: *weekdays\n    cron: "30 7 * * 1-5"\n', 'config/prospector.yaml', { env: {} });
    expect(worker.issues).toEqual([]);
    expect(worker.value?.schedules.queue).toEqual({ cron: '30 7 * * 1-5', time_zone: 'Europe/Paris', enabled: true });
  });
});

describe('persona numbers that make sense', () => {
  it('working hours that end before they start are an error, unless they run overnight', () => {
    const text = VALID.replace('end: "18:00"', 'end: "08:00"');
    expect(personaMessages(text)).toEqual([
      `${PERSONA_FILE}:${lineOf(text, 'working_hours')} engagement.working_hours.end: the end (08:00) is before the start (09:00); swap them, or add overnight: true for hours across midnight`,
    ]);
    const night = VALID.replace('start: "09:00", end: "18:00"', 'start: "22:00", end: "06:00", overnight: true');
    expect(personaMessages(night)).toEqual([]);
    const notNight = VALID.replace('end: "18:00"', 'end: "18:00", overnight: true');
    expect(personaMessages(notNight)[0]).toMatch(/engagement\.working_hours\.overnight: overnight hours end before they start, but 09:00–18:00 does not cross midnight; remove overnight: true$/);
  });

  it('caps above X’s own daily limits, read budgets above any monthly cap and absurd queues are refused, saying the bound', () => {
    expect(PERSONA_LIMITS).toEqual({ likesPerDay: 1000, followsPerDay: 400, postsPerDay: 3_000_000, leadsPerDay: 500 });
    const like = VALID.replace('like: { per_day: 20 }', 'like: { per_day: 1e9 }');
    expect(personaMessages(like)).toEqual([`${PERSONA_FILE}:${lineOf(like, '1e9')} engagement.like.per_day: expected a whole number from 0 to 1000, got 1000000000`]);
    const follow = VALID.replace('follow: { per_day: 10 }', 'follow: { per_day: 401 }');
    expect(personaMessages(follow)[0]).toMatch(/engagement\.follow\.per_day: expected a whole number from 0 to 400, got 401$/);
    const posts = VALID.replace('max_posts_per_day: 2000', 'max_posts_per_day: 1e9');
    expect(personaMessages(posts)[0]).toMatch(/search\.max_posts_per_day: expected a whole number from 0 to 3000000, got 1000000000$/);
    const leads = VALID.replace(/queue:\n {2}per_day: 15/, 'queue:\n  per_day: 100000');
    expect(personaMessages(leads)[0]).toMatch(/queue\.per_day: expected a whole number from 0 to 500, got 100000$/);
    expect(personaMessages(VALID.replace('like: { per_day: 20 }', 'like: { per_day: 1000 }'))).toEqual([]);
  });
});

describe('the environment, read in one place', () => {
  it('a bad number or URL is an error naming the variable, never a silent default', () => {
    expect(workerMessages('', { PROSPECTOR_WEB_PORT: 'abc' })).toEqual(['environment PROSPECTOR_WEB_PORT: expected a port, a whole number from 0 to 65535 (0 picks a free one), got "abc"']);
    expect(workerMessages('', { PROSPECTOR_WEB_PORT: '70000' })).toEqual(['environment PROSPECTOR_WEB_PORT: expected a port, a whole number from 0 to 65535 (0 picks a free one), got "70000"']);
    expect(workerMessages('', { PROSPECTOR_WEB_PORT: '-1' })[0]).toMatch(/^environment PROSPECTOR_WEB_PORT: /);
    expect(workerMessages('', { PROSPECTOR_SANDBOX_URL: 'localhost:4010' })).toEqual([
      'environment PROSPECTOR_SANDBOX_URL: expected a URL such as http://127.0.0.1:4010 (http: or https:), got one that starts with localhost: (where `prospector sandbox` listens)',
    ]);
    expect(workerMessages('', { PROSPECTOR_SANDBOX_URL: 'not a url' })).toEqual(['environment PROSPECTOR_SANDBOX_URL: expected a URL such as http://127.0.0.1:4010, got "not a url" (where `prospector sandbox` listens)']);
    expect(workerMessages('', { DATABASE_URL: 'mysql://root:hunter2@db/prospector' })).toEqual([
      'environment DATABASE_URL: expected a URL such as postgres://user:password@localhost:5432/prospector (postgres: or postgresql:), got one that starts with mysql:; unset it to use the embedded database',
    ]);
    // A database URL may hold a password: never repeated.
    expect(workerMessages('', { DATABASE_URL: 'hunter2' })).toEqual(['environment DATABASE_URL: expected a URL such as postgres://user:password@localhost:5432/prospector, got something that is not a URL; unset it to use the embedded database']);
    expect(workerMessages('', { PROSPECTOR_LOG_LEVEL: 'loud' })).toEqual(['environment PROSPECTOR_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"']);
    // Alongside the file's own problems.
    expect(workerMessages('tier: gold\n', { PROSPECTOR_WEB_PORT: 'abc' })).toEqual([
      'environment PROSPECTOR_WEB_PORT: expected a port, a whole number from 0 to 65535 (0 picks a free one), got "abc"',
      'config/prospector.yaml:1 tier: expected one of payperuse, basic, pro, got "gold"',
    ]);
  });

  it('each variable overrides its key of the file; unset or empty leaves the file alone', () => {
    const file = 'web: { port: 8080 }\nsandbox: { url: "http://127.0.0.1:4010" }\ndatabase: { data_dir: from-file }\n';
    const plain = parseWorkerConfig(file, 'config/prospector.yaml', { env: { PROSPECTOR_WEB_PORT: '', DATABASE_URL: '' } }).value!;
    expect([plain.web.port, plain.sandbox.url, plain.database.data_dir, plain.database.url]).toEqual([8080, 'http://127.0.0.1:4010', 'from-file', undefined]);
    const env = { PROSPECTOR_WEB_PORT: '0', PROSPECTOR_SANDBOX_URL: 'http://10.0.0.2:4010', PROSPECTOR_DATA_DIR: 'from-env', DATABASE_URL: 'postgres://u:secret@db:5432/p' };
    const over = parseWorkerConfig(file, 'config/prospector.yaml', { env }).value!;
    expect([over.web.port, over.sandbox.url, over.database.data_dir, over.database.url?.reveal()]).toEqual([0, 'http://10.0.0.2:4010', 'from-env', 'postgres://u:secret@db:5432/p']);
    expect(String(over.database.url)).toBe('[secret DATABASE_URL]');
    expect(readEnvironment({ PROSPECTOR_CONFIG: 'other.yaml' }).value).toEqual({ configFile: 'other.yaml' });
  });

  it('sandbox.url in the file is checked like the variable', () => {
    expect(workerMessages('sandbox:\n  url: ftp://127.0.0.1\n')).toEqual(['config/prospector.yaml:2 sandbox.url: expected a URL such as http://127.0.0.1:4010 (http: or https:), got one that starts with ftp:']);
  });

  it('nothing but config/env.ts reads process.env in the code that config, runtime and worker share', async () => {
    for (const file of ['src/runtime.ts', 'src/commands/worker.ts', 'src/config/load.ts', 'src/worker/worker.ts']) {
      const text = await readFile(join(ROOT, file), 'utf8');
      expect(text.match(/process\.env\.[A-Z_]+/g) ?? [], file).toEqual([]);
    }
  });
});

describe("editors' files beside the personas", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prospector-editors-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const editorFiles = ['.#growth-saas-en.yaml', '.growth-saas-en.yaml.swp', 'growth-saas-en.yaml~', '#growth-saas-en.yaml#', '.growth-saas-en.yaml.kate-swp', '.hidden.yaml'];

  it('lock, swap, backup and hidden files are not personas', () => {
    for (const name of editorFiles) expect(isPersonaFile(name), name).toBe(false);
    for (const name of ['growth-saas-en.yaml', 'x.yml']) expect(isPersonaFile(name), name).toBe(true);
  });

  it('the loader reads only the persona files (an Emacs lock is a dangling symlink)', async () => {
    await writeFile(join(dir, 'growth-saas-en.yaml'), VALID);
    await symlink('maya@laptop.4242:1700000000', join(dir, '.#growth-saas-en.yaml'));
    for (const name of editorFiles.slice(1)) await writeFile(join(dir, name), 'id: [half saved\n');
    const { value, issues } = await readPersonas(dir, { cwd: dir });
    expect(issues.map(formatIssue)).toEqual([]);
    expect(value?.map((p) => p.id)).toEqual(['growth-saas-en']);
  });
});

describe('one bad persona among good ones', () => {
  it('readConfig returns the good ones and lists the bad one with its problems', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prospector-mixed-'));
    try {
      await mkdir(join(dir, 'config/personas'), { recursive: true });
      await writeFile(join(dir, 'config/personas/growth-saas-en.yaml'), VALID);
      await writeFile(join(dir, 'config/personas/bomb.yaml'), `id: bomb\n${aliasBomb()}`);
      const { value, issues } = await readConfig({ cwd: dir, env: {} });
      expect(value?.personas.map((p) => p.id)).toEqual(['growth-saas-en']);
      expect(value?.skipped?.map((s) => ({ file: s.file, id: s.id, issues: s.issues.map(formatIssue) }))).toEqual([
        { file: 'config/personas/bomb.yaml', id: undefined, issues: ['config/personas/bomb.yaml:3 the aliases (*name) here and after expand to more than 1,000 values; write the values out, or reuse an anchor less'] },
      ]);
      expect(issues.map(formatIssue)).toEqual(value?.skipped?.flatMap((s) => s.issues.map(formatIssue)));
      // A broken worker config gives no config at all (the worker refuses to start on it).
      await writeFile(join(dir, 'config/prospector.yaml'), 'tier: gold\n');
      expect((await readConfig({ cwd: dir, env: {} })).value).toBeUndefined();
      expect((await readWorkerConfig('config/prospector.yaml', { cwd: dir, env: {} })).issues.map(formatIssue)).toEqual(['config/prospector.yaml:1 tier: expected one of payperuse, basic, pro, got "gold"']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
