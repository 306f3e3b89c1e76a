import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPersonasCommands } from '../src/commands/personas.ts';
import { renderJsonSchemas } from '../src/config/json-schema.ts';
import { ConfigError, formatIssue, loadConfig, loadPersonas, loadWorkerConfig, parsePersona, parseWorkerConfig, readConfig, readPersonas, readWorkerConfig } from '../src/config/load.ts';
import { DEFAULT_WEIGHTS, type Persona } from '../src/config/persona.ts';
import { SANDBOX_ACCOUNTS, TIERS, secretValues, type Secret } from '../src/config/worker.ts';
import { TIER_NAMES } from '../src/sandbox/index.ts';
import { World } from '../src/sandbox/world.ts';
import { compileMatcher, matchProfile } from '../src/scoring/match.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A valid persona; tests change one line at a time. */
const VALID = `# yaml-language-server: $schema=../persona.schema.json
id: saas-fr
name: Growth en SaaS
who:
  titles: ["head of growth", "responsable growth", cmo]
  seniority: [head, director, c_level]
  industries: [saas]
  languages: [fr]
  exclude: [recruteur]
search:
  queries:
    - '("des recos" OR "vous utilisez quoi") crm -is:retweet lang:fr'
engagement:
  mode: assist
  like:
    per_day: 20
queue:
  owners: [maya]
`;

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

function persona(text: string, file = 'config/personas/saas-fr.yaml', owners: string[] = ['maya', 'lucas']) {
  return parsePersona(text, file, { owners });
}

function messages(text: string, file?: string, owners?: string[]): string[] {
  return persona(text, file, owners).issues.map(formatIssue);
}

function worker(text: string, env: Record<string, string> = {}) {
  return parseWorkerConfig(text, 'config/prospector.yaml', { env, cwd: '/work' });
}

describe('persona rules and messages', () => {
  it('loads a valid persona with defaults, normalised weights, frozen', () => {
    const { value, issues } = persona(VALID);
    expect(issues).toEqual([]);
    const p = value as Persona;
    expect(p.id).toBe('saas-fr');
    expect(p.file).toBe('config/personas/saas-fr.yaml');
    expect(p.who.locations).toEqual([]);
    expect(p.who.audience).toEqual({ min_followers: 0 });
    expect(p.engagement).toEqual({ mode: 'assist', threshold: 60, like: { per_day: 20 }, follow: { per_day: 10 }, working_hours: { start: '09:00', end: '18:00', time_zone: 'UTC' } });
    expect(p.queue).toEqual({ per_day: 15, min_score: 55, owners: ['maya'] });
    const sum = Object.values(p.weights).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1);
    expect(p.weights.fit).toBeCloseTo(DEFAULT_WEIGHTS.fit / 100);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.who.titles)).toBe(true);
    expect(() => (p.who.titles as string[]).push('x')).toThrow();
  });

  it('wrong type: file:line, field, what it expected and what it got', () => {
    const text = VALID.replace('per_day: 20', 'per_day: ten');
    expect(messages(text)).toEqual([`config/personas/saas-fr.yaml:${lineOf(text, 'per_day: ten')} engagement.like.per_day: expected a whole number from 0 to 1000, got "ten"`]);
  });

  it('unknown key, with a did-you-mean or the keys it knows', () => {
    const text = VALID.replace('  titles:', '  titels:');
    expect(messages(text)).toEqual([
      `config/personas/saas-fr.yaml:${lineOf(text, 'who:')} who.titles: missing; expected a list of job titles`,
      `config/personas/saas-fr.yaml:${lineOf(text, 'titels')} who.titels: unknown key; did you mean "titles"?`,
    ]);
    const other = VALID.replace('queue:', 'colour: blue\nqueue:');
    expect(messages(other)).toEqual([
      `config/personas/saas-fr.yaml:${lineOf(other, 'colour')} colour: unknown key; expected one of id, name, description, who, search, intent, engagement, queue, weights`,
    ]);
  });

  it('out of range', () => {
    const text = VALID.replace('  mode: assist', '  mode: assist\n  threshold: 120');
    expect(messages(text)).toEqual([`config/personas/saas-fr.yaml:${lineOf(text, 'threshold')} engagement.threshold: expected a number from 0 to 100, got 120`]);
    const negative = VALID.replace('per_day: 20', 'per_day: -1');
    expect(messages(negative)[0]).toMatch(/engagement\.like\.per_day: expected a whole number from 0 to 1000, got -1$/);
    const fraction = VALID.replace('per_day: 20', 'per_day: 2.5');
    expect(messages(fraction)[0]).toMatch(/got 2\.5$/);
  });

  it('bad enum: the allowed values and a did-you-mean', () => {
    const text = VALID.replace('mode: assist', 'mode: automatic');
    expect(messages(text)).toEqual([`config/personas/saas-fr.yaml:${lineOf(text, 'automatic')} engagement.mode: expected one of assist, auto, off, got "automatic"; did you mean "auto"?`]);
    const level = VALID.replace('[head, director, c_level]', '[head, director, c-level]');
    expect(messages(level)[0]).toMatch(/who\.seniority\[2\]: expected one of intern, junior, mid, senior, lead, head, director, vp, c_level, founder, got "c-level"; did you mean "c_level"\?$/);
    const synonym = VALID.replace('[head, director, c_level]', '[head, directeur]');
    expect(messages(synonym)[0]).toMatch(/got "directeur"; did you mean "director"\?$/);
  });

  it('a text where a list is expected says how to write a list of one', () => {
    const text = VALID.replace('industries: [saas]', 'industries: saas');
    expect(messages(text)).toEqual([`config/personas/saas-fr.yaml:${lineOf(text, 'industries')} who.industries: expected a list of industries, got "saas"; write [saas] for a list of one`]);
  });

  it('languages are ISO 639-1 codes; time zones and times are checked', () => {
    const lang = VALID.replace('languages: [fr]', 'languages: [french]');
    expect(messages(lang)[0]).toMatch(/who\.languages\[0\]: expected a two-letter ISO 639-1 language code such as en, fr, es, got "french"; did you mean "fr"\?$/);
    const zone = VALID.replace('    per_day: 20', '    per_day: 20\n  working_hours: { time_zone: Europe/Pariss, start: "9am" }');
    expect(messages(zone)).toEqual([
      `config/personas/saas-fr.yaml:${lineOf(zone, 'Pariss')} engagement.working_hours.start: expected a time like "09:00" (24-hour HH:MM), got "9am"`,
      `config/personas/saas-fr.yaml:${lineOf(zone, 'Pariss')} engagement.working_hours.time_zone: expected an IANA time zone such as Europe/Paris or UTC, got "Europe/Pariss"; did you mean "Europe/Paris"?`,
    ]);
    const empty = VALID.replace('    per_day: 20', '    per_day: 20\n  working_hours: { start: "10:00", end: "10:00" }');
    expect(messages(empty)[0]).toMatch(/engagement\.working_hours\.end: expected a different time than start \(10:00\): the window would be empty$/);
  });

  it('cross-field rules: audience, weights, terms without words', () => {
    const audience = VALID.replace('  languages: [fr]', '  languages: [fr]\n  audience: { min_followers: 500, max_followers: 100 }');
    expect(messages(audience)).toEqual([`config/personas/saas-fr.yaml:${lineOf(audience, 'audience')} who.audience.max_followers: expected at least min_followers (500), got 100`]);
    const weights = `${VALID}weights: { fit: 0, intent: 0, authority: 0, activity: 0, authenticity: 0, signals: 0 }\n`;
    expect(messages(weights)).toEqual([`config/personas/saas-fr.yaml:${lineOf(weights, 'weights')} weights: expected at least one weight above 0`]);
    const term = VALID.replace('industries: [saas]', 'industries: [saas, "de la"]');
    expect(messages(term)[0]).toMatch(/who\.industries\[1\]: "de la" has no word to match$/);
  });

  it('missing required keys and an empty file', () => {
    expect(messages('id: saas-fr\nname: x\n')).toEqual([
      'config/personas/saas-fr.yaml:1 who: missing; expected a mapping (key: value lines)',
      'config/personas/saas-fr.yaml:1 search: missing; expected a mapping (key: value lines)',
    ]);
    expect(messages('# nothing yet\n')).toEqual(['config/personas/saas-fr.yaml:1 the file is empty; a persona needs at least id, name, who.titles and search.queries']);
    expect(messages('- a\n- b\n')).toEqual(['config/personas/saas-fr.yaml:1 expected a mapping (key: value lines), got a list']);
  });

  it('id must equal the file name', () => {
    const text = VALID.replace('id: saas-fr', 'id: growth');
    expect(messages(text)).toEqual([`config/personas/saas-fr.yaml:2 id: "growth" must equal the file name "saas-fr" (rename the file or change the id)`]);
    expect(messages(VALID.replace('id: saas-fr', 'id: Saas FR'))[0]).toMatch(/^config\/personas\/saas-fr\.yaml:2 id: expected an id of lower-case letters, digits and dashes, e\.g\. growth-saas-en, got "Saas FR"$/);
  });

  it('owners must own an account of the worker config', () => {
    const text = VALID.replace('owners: [maya]', 'owners: [maya, lukas, bob]');
    expect(messages(text)).toEqual([
      `config/personas/saas-fr.yaml:${lineOf(text, 'owners')} queue.owners[1]: no account is owned by "lukas"; did you mean "lucas"? (accounts' owners are maya, lucas)`,
      `config/personas/saas-fr.yaml:${lineOf(text, 'owners')} queue.owners[2]: no account is owned by "bob" (accounts' owners are maya, lucas)`,
    ]);
  });

  it('search queries follow X’s rules, reported at the query’s line with X’s message', () => {
    const text = VALID.replace(`    - '("des recos" OR "vous utilisez quoi") crm -is:retweet lang:fr'`, `    - 'crm lang:fr'\n    - '("des recos" OR crm -is:retweet'\n    - 'has:links'`);
    expect(messages(text)).toEqual([
      `config/personas/saas-fr.yaml:${lineOf(text, '("des recos" OR crm')} search.queries[1]: X would refuse this query: There were errors processing your request: missing ')' at '<EOF>' (at position 32)`,
      `config/personas/saas-fr.yaml:${lineOf(text, 'has:links')} search.queries[2]: X would refuse this query: There were errors processing your request: is/has/lang cannot be used as a standalone operator (at position 1)`,
    ]);
    const long = VALID.replace(`    - '("des recos" OR "vous utilisez quoi") crm -is:retweet lang:fr'`, `    - '${'crm '.repeat(130)}'`);
    expect(messages(long)[0]).toMatch(/search\.queries\[0\]: X would refuse this query: .*Query length of 520 characters exceeds the maximum of 512/);
  });

  it('YAML syntax errors give the file and line', () => {
    const text = VALID.replace('  industries: [saas]', '  industries: [saas');
    const lines = messages(text);
    expect(lines[0]).toMatch(new RegExp(`^config/personas/saas-fr\\.yaml:${lineOf(text, 'industries') + 1} YAML syntax error: `));
    expect(messages('id: a\nid: b\n', 'config/personas/a.yaml')).toEqual(['config/personas/a.yaml:2 duplicate key "id": a key may appear once in a mapping; keep one of them']);
    expect(messages('id: a\n\tname: x\n', 'config/personas/a.yaml')[0]).toMatch(/^config\/personas\/a\.yaml:2 YAML syntax error: /);
  });
});

describe('readPersonas over a directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prospector-personas-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('collects every error of every file, and duplicate ids; each file with problems is left out', async () => {
    await writeFile(join(dir, 'saas-fr.yaml'), VALID.replace('per_day: 20', 'per_day: ten'));
    await writeFile(join(dir, 'saas-fr.yml'), VALID);
    await writeFile(join(dir, 'zeta.yaml'), VALID.replace('id: saas-fr', 'id: zeta').replace('  titles:', '  titels:'));
    const { value, issues, skipped } = await readPersonas(dir, { cwd: dir, owners: ['maya'] });
    expect(value).toEqual([]);
    expect(skipped.map((s) => [s.file, s.id])).toEqual([['saas-fr.yaml', 'saas-fr'], ['saas-fr.yml', 'saas-fr'], ['zeta.yaml', 'zeta']]);
    expect(issues.map(formatIssue)).toEqual([
      `saas-fr.yaml:${lineOf(VALID, 'per_day')} engagement.like.per_day: expected a whole number from 0 to 1000, got "ten"`,
      'saas-fr.yml:2 id: "saas-fr" is already the id of saas-fr.yaml',
      'zeta.yaml:4 who.titles: missing; expected a list of job titles',
      `zeta.yaml:${lineOf(VALID, 'titles')} who.titels: unknown key; did you mean "titles"?`,
    ]);
    await expect(loadPersonas(dir, { cwd: dir })).rejects.toThrow(ConfigError);
  });

  it('an absent or empty directory is an error, not an empty list', async () => {
    expect((await readPersonas(join(dir, 'nope'), { cwd: dir })).issues.map(formatIssue)).toEqual([
      'nope directory not found (personas_dir in config/prospector.yaml says where personas live)',
    ]);
    expect((await readPersonas(dir, { cwd: dir })).issues.map(formatIssue)).toEqual([`${dir} no persona files (*.yaml) here`]);
  });

  it('ConfigError is an AggregateError listing every line', async () => {
    await writeFile(join(dir, 'a.yaml'), 'id: b\n');
    const error = await loadPersonas(dir, { cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as ConfigError).errors.map((e: Error) => e.message)).toEqual((error as ConfigError).issues.map(formatIssue));
    expect((error as Error).message).toMatch(/^4 problems in the config:\n {2}a\.yaml:1 name: missing; expected a name\n/);
  });
});

describe('worker config', () => {
  it('an absent default file, or an empty one, gives every default: sandbox, embedded database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prospector-worker-'));
    try {
      const config = await loadWorkerConfig(undefined, { cwd: dir, env: {} });
      expect(config.file).toBeUndefined();
      expect(config.network).toBe('sandbox');
      expect(config.tier).toBe('payperuse');
      expect(config.accounts.map((a) => a.owner)).toEqual(['maya', 'lucas', 'sofia']);
      expect(config.schedules.search).toEqual({ cron: '*/30 8-18 * * 1-5', time_zone: 'UTC', enabled: true });
      expect(config.schedules.score).toEqual({ after: 'search', time_zone: 'UTC', enabled: true });
      expect(config.web).toEqual({ port: 8787, host: '127.0.0.1', users: [], notify: [] });
      expect(config.database).toEqual({ data_dir: '.prospector/data' });
      expect(config.personas_dir).toBe(join(dir, 'config/personas'));
      expect(Object.isFrozen(config.schedules.search)).toBe(true);
      expect(worker('').value?.network).toBe('sandbox');
      // A file that was asked for by name must exist.
      expect((await readWorkerConfig('other.yaml', { cwd: dir })).issues.map(formatIssue)).toEqual(['other.yaml file not found']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a literal secret is refused, naming the field and the variable, never echoing the value', () => {
    const result = worker('network: x\nx:\n  bearer_token: AAAAAAAAAAAAAAAAAAAAAsecretvalue\naccounts: [{ handle: maya_sells, owner: maya, token_env: X_TOKEN_MAYA }]\n');
    const lines = result.issues.map(formatIssue);
    expect(lines).toEqual(['config/prospector.yaml:3 x.bearer_token: secrets are not written in config files; set the environment variable X_BEARER_TOKEN and write bearer_token: ${X_BEARER_TOKEN}']);
    expect(lines.join('\n')).not.toContain('secretvalue');
    const token = worker('accounts:\n  - handle: maya_sells\n    owner: maya\n    token_env: sbx-at-abcdef123\n');
    expect(token.issues.map(formatIssue)).toEqual(['config/prospector.yaml:4 accounts[0].token_env: expected the name of an environment variable that holds the token (e.g. X_TOKEN_MAYA), not the token itself']);
  });

  it('an unset variable is an error naming it; set ones become Secrets that never print', () => {
    const text = 'network: x\nx:\n  bearer_token: ${X_BEARER_TOKEN}\n  client_id: ${X_CLIENT_ID}\naccounts:\n  - handle: maya_sells\n    owner: maya\n    token_env: X_TOKEN_MAYA\n    refresh_token_env: X_REFRESH_MAYA\n';
    expect(worker(text, { X_BEARER_TOKEN: 'bearer-value', X_TOKEN_MAYA: '' }).issues.map(formatIssue)).toEqual([
      'config/prospector.yaml:4 x.client_id: the environment variable X_CLIENT_ID is not set',
      'config/prospector.yaml:8 accounts[0].token_env: the environment variable X_TOKEN_MAYA is empty',
      'config/prospector.yaml:9 accounts[0].refresh_token_env: the environment variable X_REFRESH_MAYA is not set',
    ]);
    const { value } = worker(text, { X_BEARER_TOKEN: 'bearer-value', X_CLIENT_ID: 'client-value', X_TOKEN_MAYA: 'token-value', X_REFRESH_MAYA: 'refresh-value' });
    const bearer = value?.x.bearer_token as Secret;
    expect(bearer.reveal()).toBe('bearer-value');
    const printed = [JSON.stringify(value), inspect(value, { depth: 10 }), `${bearer}`, String(value?.accounts[0]?.token)].join('\n');
    for (const secret of ['bearer-value', 'client-value', 'token-value', 'refresh-value']) expect(printed).not.toContain(secret);
    expect(printed).toContain('[secret X_BEARER_TOKEN]');
    expect(secretValues(value!).sort()).toEqual(['bearer-value', 'client-value', 'refresh-value', 'token-value']);
  });

  it('network x needs its credentials and accounts', () => {
    expect(worker('network: x\n').issues.map(formatIssue)).toEqual([
      'config/prospector.yaml:1 accounts: network x needs at least one account (handle, owner, token_env)',
      'config/prospector.yaml:1 x: network x needs bearer_token: ${X_BEARER_TOKEN} (the app-only token used for search)',
    ]);
    expect(worker('accounts:\n  - { handle: a, owner: x }\n  - { handle: A, owner: y }\n').issues.map(formatIssue)).toEqual(['config/prospector.yaml:3 accounts[1].handle: "A" is already accounts[0]']);
  });

  it('cron expressions, time zones and enums are checked', () => {
    const text = 'tier: premium\nschedules:\n  search: { cron: "*/30 8-25 * * 1-5", time_zone: Europe/Pariss }\n  sarch: { cron: "0 * * * *" }\n';
    const lines = worker(text).issues.map(formatIssue);
    // croner's own words follow the colon.
    expect(lines[1]).toMatch(/^config\/prospector\.yaml:3 schedules\.search\.cron: expected a cron expression \(minute hour day-of-month month day-of-week\), got "\*\/30 8-25 \* \* 1-5": CronPattern: Invalid value for hour/);
    expect(lines.filter((_, i) => i !== 1)).toEqual([
      'config/prospector.yaml:1 tier: expected one of payperuse, basic, pro, got "premium"',
      'config/prospector.yaml:3 schedules.search.time_zone: expected an IANA time zone such as Europe/Paris or UTC, got "Europe/Pariss"; did you mean "Europe/Paris"?',
      'config/prospector.yaml:4 schedules.sarch: unknown key; did you mean "search"?',
    ]);
    expect(worker('web: { port: 80800 }\n').issues.map(formatIssue)).toEqual(['config/prospector.yaml:1 web.port: expected a whole number from 0 to 65535, got 80800']);
    const zoned = worker('time_zone: Europe/Paris\nschedules:\n  queue: { cron: "0 8 * * 1-5", time_zone: America/Mexico_City }\n').value;
    expect(zoned?.schedules.search.time_zone).toBe('Europe/Paris');
    expect(zoned?.schedules.queue).toEqual({ cron: '0 8 * * 1-5', time_zone: 'America/Mexico_City', enabled: true });
    expect(worker('schedules:\n  score: { cron: "0 * * * *", after: search }\n  search: { after: score }\n').issues.map(formatIssue)).toEqual([
      'config/prospector.yaml:2 schedules.score.after: expected either cron or after, not both',
    ]);
    expect(worker('schedules:\n  score: { after: search }\n  search: { after: score }\n').issues.map(formatIssue)).toEqual([
      'config/prospector.yaml:2 schedules.score.after: score → search → score is a loop: one of them needs a cron',
      'config/prospector.yaml:3 schedules.search.after: search → score → search is a loop: one of them needs a cron',
    ]);
  });

  it('engagement settings and account credentials are checked with file and line', () => {
    const text = 'engagement:\n  warmup: [0.3, 1.5]\n  jitter_seconds: [90, 20]\n  throttle: { min_follow_back_rate: 2 }\naccounts:\n  - { handle: maya_sells, owner: maya, engaging_since: 2026-02-30 }\n';
    expect(worker(text).issues.map(formatIssue)).toEqual([
      'config/prospector.yaml:2 engagement.warmup[1]: expected a number from 0 to 1, got 1.5',
      'config/prospector.yaml:3 engagement.jitter_seconds: expected [min, max] with min ≤ max, got [90, 20]',
      'config/prospector.yaml:4 engagement.throttle.min_follow_back_rate: expected a number from 0 to 1, got 2',
      'config/prospector.yaml:6 accounts[0].engaging_since: expected a date YYYY-MM-DD, e.g. 2026-01-05, got "2026-02-30"',
    ]);
    const ok = worker('engagement: { warmup: [0.5, 1], jitter_seconds: [5, 10] }\n').value;
    expect(ok?.engagement).toMatchObject({ warmup: [0.5, 1], jitter_seconds: [5, 10], throttle: { follows: 50, min_follow_back_rate: 0.05, answer_hours: 48 } });
    expect(ok?.engagement).toMatchObject({ opt_out_phrases: [], opt_out_ignore: [] });
    // The real X: an OAuth 1.0a account needs its two variables and the app's consumer key.
    const oauth1 = worker('network: x\nx: { bearer_token: "${X_BEARER_TOKEN}" }\naccounts:\n  - { handle: maya_sells, owner: maya, oauth1_token_env: MAYA_T }\n', { X_BEARER_TOKEN: 'b', MAYA_T: 't' });
    expect(oauth1.issues.map(formatIssue)).toEqual([
      'config/prospector.yaml:2 x: OAuth 1.0a accounts need consumer_key: ${X_CONSUMER_KEY} and consumer_secret: ${X_CONSUMER_SECRET}',
      'config/prospector.yaml:4 accounts[0]: @maya_sells uses OAuth 1.0a: it needs oauth1_token_env and oauth1_secret_env',
    ]);
  });

  it('YAML errors in the worker config give the line, with a hint for ${…} inside { }', () => {
    const lines = worker('network: x\nx: { bearer_token: ${X_BEARER_TOKEN} }\n').issues.map(formatIssue);
    expect(lines[0]).toMatch(/^config\/prospector\.yaml:2 YAML syntax error: .*\(inside \{ \} write "\$\{VAR\}" in quotes, or use one key per line\)$/);
  });

  it('its tiers and sandbox accounts are the sandbox’s', () => {
    expect([...TIERS]).toEqual([...TIER_NAMES]);
    const world = new World({ seed: 1, users: 10, start: Date.parse('2026-11-02T09:00:00Z') });
    expect(world.accounts.map((a) => ({ handle: a.user.username, owner: a.owner }))).toEqual(SANDBOX_ACCOUNTS);
  });
});

describe('the example config', () => {
  it('loads cleanly: three personas (one in French), owners that exist', async () => {
    const { value, issues } = await readConfig({ cwd: ROOT, resolveSecrets: false });
    expect(issues.map(formatIssue)).toEqual([]);
    expect(value?.personas.map((p) => p.id)).toEqual(['datos-observabilidad-es', 'growth-saas-en', 'rh-pme-fr']);
    expect(value?.personas.find((p) => p.id === 'rh-pme-fr')?.who.languages).toEqual(['fr']);
    expect(value?.worker.network).toBe('sandbox');
  });

  it('loads with loadConfig in the sandbox, where no secret is needed, and each persona compiles into a matcher', async () => {
    const config = await loadConfig({ cwd: ROOT, env: {} });
    expect(config.worker.x).toEqual({});
    expect(config.personas).toHaveLength(3);
    const bios: Record<string, string> = {
      'growth-saas-en': 'VP Growth @Lumen · B2B SaaS · PLG',
      'rh-pme-fr': 'Directrice des ressources humaines chez Alan · PME · QVT',
      'datos-observabilidad-es': 'Head of Data en Cabify · dbt, calidad de datos y Kubernetes',
    };
    for (const persona of config.personas) {
      const match = matchProfile(compileMatcher(persona), { description: bios[persona.id] });
      expect(match.fit, persona.id).toBeGreaterThan(0.6);
    }
  });

  it('each persona file starts with the yaml-language-server schema line', async () => {
    for (const id of ['growth-saas-en', 'rh-pme-fr', 'datos-observabilidad-es']) {
      const text = await readFile(join(ROOT, 'config/personas', `${id}.yaml`), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../persona.schema.json');
    }
  });
});

describe('JSON Schema', () => {
  it('the committed files are what the zod schemas generate (regenerate: writeJsonSchemas() in src/config/json-schema.ts)', async () => {
    for (const [path, expected] of Object.entries(renderJsonSchemas())) {
      const committed = await readFile(join(ROOT, path), 'utf8').catch(() => '');
      expect(committed, `${path} is stale: run \`npx tsx src/config/json-schema.ts\``).toBe(expected);
    }
  });

  it('accepts the example files and refuses an unknown key', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const schemas = renderJsonSchemas();
    const personaSchema = ajv.compile(JSON.parse(schemas['config/persona.schema.json'] as string));
    const workerSchema = ajv.compile(JSON.parse(schemas['config/prospector.schema.json'] as string));
    for (const id of ['growth-saas-en', 'rh-pme-fr', 'datos-observabilidad-es']) {
      const data: unknown = parseYaml(await readFile(join(ROOT, 'config/personas', `${id}.yaml`), 'utf8'));
      expect(personaSchema(data), JSON.stringify(personaSchema.errors)).toBe(true);
    }
    expect(workerSchema(parseYaml(await readFile(join(ROOT, 'config/prospector.yaml'), 'utf8')))).toBe(true);
    expect(personaSchema({ ...(parseYaml(VALID) as object), colour: 'blue' })).toBe(false);
  });
});

describe('prospector personas check', () => {
  let dir: string;
  let exitCode: typeof process.exitCode;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prospector-check-'));
    exitCode = process.exitCode;
    process.exitCode = undefined;
  });
  afterEach(async () => {
    process.exitCode = exitCode;
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[], deps: Parameters<typeof registerPersonasCommands>[1] = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command().exitOverride();
    registerPersonasCommands(program, { cwd: dir, env: {}, out: { log: (l) => out.push(l), error: (l) => err.push(l) }, ...deps });
    await program.parseAsync(['node', 'prospector', ...args]);
    const code = process.exitCode;
    process.exitCode = undefined;
    return { out, err, code };
  }

  it('prints every error of two bad files and exits 1', async () => {
    await mkdir(join(dir, 'config/personas'), { recursive: true });
    await writeFile(join(dir, 'config/prospector.yaml'), 'accounts:\n  - { handle: maya_sells, owner: maya }\n');
    const bad1 = VALID.replace('per_day: 20', 'per_day: ten').replace('mode: assist', 'mode: automatic');
    const bad2 = VALID.replace('id: saas-fr', 'id: growth').replace('owners: [maya]', 'owners: [maia]');
    await writeFile(join(dir, 'config/personas/saas-fr.yaml'), bad1);
    await writeFile(join(dir, 'config/personas/team-b.yaml'), bad2);
    const { out, err, code } = await run(['personas', 'check']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `config/personas/saas-fr.yaml:${lineOf(bad1, 'automatic')} engagement.mode: expected one of assist, auto, off, got "automatic"; did you mean "auto"?`,
      `config/personas/saas-fr.yaml:${lineOf(bad1, 'per_day')} engagement.like.per_day: expected a whole number from 0 to 1000, got "ten"`,
      'config/personas/team-b.yaml:2 id: "growth" must equal the file name "team-b" (rename the file or change the id)',
      `config/personas/team-b.yaml:${lineOf(bad2, 'owners')} queue.owners[0]: no account is owned by "maia"; did you mean "maya"? (accounts' owners are maya)`,
      '4 problems in 2 files',
    ]);
  });

  it('reports worker config problems too, and does not need secrets', async () => {
    await mkdir(join(dir, 'config/personas'), { recursive: true });
    await writeFile(join(dir, 'config/prospector.yaml'), 'network: x\nx:\n  bearer_token: ${X_BEARER_TOKEN}\naccounts:\n  - { handle: maya_sells, owner: maya, token_env: X_TOKEN_MAYA }\nweb: { prot: 8080 }\n');
    await writeFile(join(dir, 'config/personas/saas-fr.yaml'), VALID);
    const { err, code } = await run(['personas', 'check']);
    expect(code).toBe(1);
    expect(err).toEqual(['config/prospector.yaml:6 web.prot: unknown key; did you mean "port"?', '1 problem in 1 file']);
  });

  it('prints a line per persona and leaves the exit code alone when all is well', async () => {
    await mkdir(join(dir, 'personas'));
    await writeFile(join(dir, 'personas/saas-fr.yaml'), VALID);
    const { out, err, code } = await run(['personas', 'check', '--dir', 'personas']);
    expect(err).toEqual([]);
    expect(code).toBeUndefined();
    expect(out).toEqual(['ok  saas-fr  Growth en SaaS  (3 titles, 1 query, engagement assist, 15 leads/day)', '1 persona ok']);
  });

  it('preview is plugged in by the caller and gets the persona and the config', async () => {
    await mkdir(join(dir, 'config/personas'), { recursive: true });
    await writeFile(join(dir, 'config/personas/saas-fr.yaml'), VALID);
    const seen: string[] = [];
    const preview = async (p: Persona, config: { network: string }) => {
      seen.push(`${p.id} on ${config.network}`);
    };
    expect((await run(['personas', 'preview', 'saas-fr'], { preview })).code).toBeUndefined();
    expect(seen).toEqual(['saas-fr on sandbox']);
    const unknown = await run(['personas', 'preview', 'saas-fe'], { preview });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toEqual(['no persona "saas-fe"; did you mean "saas-fr"? (personas: saas-fr)']);
    // Without a preview, the command is not offered.
    const program = new Command();
    const personas = registerPersonasCommands(program, {});
    expect(personas.commands.map((c) => c.name())).toEqual(['check']);
  });
});
