/**
 * Reads the worker config and the personas: YAML parsed once, checked with zod, returned typed
 * and frozen. Every problem of every file is collected, each with its file, line and field:
 *
 *   config/personas/saas-fr.yaml:14 engagement.like.per_day: expected a whole number ≥ 0, got "ten"
 *   config/personas/saas-fr.yaml:3 who.titels: unknown key; did you mean "titles"?
 *
 * `read…` functions return `{ value, issues }`; `load…` functions throw a `ConfigError` (an
 * AggregateError, one error per issue) when there is any. Nothing falls back silently: a bad value
 * is an error, never replaced by its default.
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, stringify, visit, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { readEnvironment } from './env.ts';
import { SECRET_SCHEMAS, SHOWS_INPUT, checkUrl, envReference, isTimeZone, timeZoneNames } from './fields.ts';
import { normaliseWeights, PersonaSchema, SENIORITY_LEVELS, type Persona } from './persona.ts';
import { ALL_OWNERS, DEFAULT_PERSONAS_DIR, SANDBOX_ACCOUNTS, Secret, WorkerSchema, type AccountConfig, type WorkerConfig, type WorkerSpec } from './worker.ts';

export const DEFAULT_CONFIG_FILE = 'config/prospector.yaml';

/** One problem in a config file. */
export interface ConfigIssue {
  /** As the user would type it: relative to the working directory when inside it. */
  file: string;
  /** 1-based; absent when the problem is the file itself (missing, unreadable). */
  line?: number;
  /** `engagement.like.per_day`, `search.queries[2]`; '' for the whole file. */
  path: string;
  message: string;
}

/** `config/personas/saas-fr.yaml:14 engagement.like.per_day: expected …` */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

/** Several config problems at once; `errors` holds one Error per issue, `issues` the structured ones. */
export class ConfigError extends AggregateError {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map(formatIssue);
    super(
      lines.map((line) => new Error(line)),
      `${issues.length} problem${issues.length === 1 ? '' : 's'} in the config:\n${lines.map((l) => `  ${l}`).join('\n')}`,
    );
    this.issues = issues;
  }
}

export interface ReadResult<T> {
  value: T | undefined;
  issues: ConfigIssue[];
}

export interface LoadOptions {
  /** Relative paths (and the paths shown in messages) are relative to this. Default: `process.cwd()`. */
  cwd?: string;
  /** Where `${VAR}` references are read. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

// ---------------------------------------------------------------------------------------------
// YAML → data, with a way back from a path to a line

interface ParsedYaml {
  data: unknown;
  /** Line of a path's key (`key`) or value (`value`), as deep as the path exists. */
  lineOf(path: readonly PropertyKey[], at: 'key' | 'value'): number;
  issues: ConfigIssue[];
}

/**
 * Limits on what a config file may ask of the parser. A persona is a page of YAML and the worker
 * config a little more; anything far beyond is a mistake (a log pasted in) or an attack, and would
 * cost seconds and hundreds of megabytes to parse. Each limit refused gives file:line.
 */
export const YAML_LIMITS = {
  /** Bytes of one persona file. */
  personaBytes: 256 * 1024,
  /** Bytes of the worker config. */
  workerBytes: 1024 * 1024,
  /** Nesting of mappings and lists; a persona needs 4, the worker config 5. */
  depth: 32,
  /** Nodes that aliases (`*name`) may expand to, all together: a few anchors reused, not an alias bomb. */
  aliasNodes: 1000,
} as const;

const kB = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} kB`;

/** The size limit refused: at the line where the file crosses it. */
function sizeIssue(file: string, size: number, limit: number, head: string): ConfigIssue {
  const line = head.slice(0, limit).split('\n').length;
  return { file, line, path: '', message: `the file is ${kB(size)}, more than the ${kB(limit)} a config file may have (it crosses the limit on this line); is it the right file?` };
}

/**
 * The deepest nesting of flow collections (`[`, `{`), scanned before parsing: the parser recurses
 * on them and runs out of stack long before it gives up on its own. Quoted text and comments are
 * skipped. Returns the line where `limit` is first crossed.
 */
function flowTooDeep(text: string, limit: number): number | undefined {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s,[{:]/.test(text[i - 1]!))) {
      // A quoted scalar (a quote inside plain text, as in don't, is only a character).
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '\n') line++;
        else if (c === '"' && text[j] === '\\') j++;
        else if (text[j] === c && !(c === "'" && text[j + 1] === "'")) break;
        else if (text[j] === c) j++;
      }
      i = j;
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return line;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** The line of the first node nested deeper than `limit`, walked without recursion. */
function blockTooDeep(doc: Document, lineCounter: LineCounter, limit: number): number | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= limit) return (node as YamlNode).range ? lineCounter.linePos((node as YamlNode).range![0]).line : 1;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}

function parseYaml(text: string, file: string, maxBytes: number): ParsedYaml {
  const lineCounter = new LineCounter();
  const none = (issue: ConfigIssue): ParsedYaml => ({ data: undefined, lineOf: () => 1, issues: [issue] });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return none(sizeIssue(file, bytes, maxBytes, text));
  const deepFlow = flowTooDeep(text, YAML_LIMITS.depth);
  if (deepFlow !== undefined) return none({ file, line: deepFlow, path: '', message: `nested more than ${YAML_LIMITS.depth} levels deep; a config file needs a handful` });
  // merge: `<<: *defaults` copies a mapping's keys (YAML 1.1 merge keys, which people expect).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const issues: ConfigIssue[] = [];
  const seenLines = new Set<number>();
  for (const error of [...doc.errors, ...doc.warnings]) {
    const line = lineCounter.linePos(error.pos[0]).line;
    // One error tends to cause more on the same line; the first says what to fix.
    if (seenLines.has(line) || seenLines.size >= 5) continue;
    seenLines.add(line);
    if (error.code === 'DUPLICATE_KEY') {
      // The error points at the key's first character: the key runs to its colon.
      const eol = text.indexOf('\n', error.pos[0]);
      const rest = text.slice(error.pos[0], eol < 0 ? undefined : eol);
      const key = (/^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#\n]*?)\s*:(?:\s|$)/.exec(rest)?.[1] ?? rest).trim().replace(/^(["'])(.*)\1$/, '$2');
      issues.push({ file, line, path: '', message: `duplicate key ${JSON.stringify(key)}: a key may appear once in a mapping; keep one of them` });
      continue;
    }
    const lineText = text.split('\n')[line - 1] ?? '';
    const hint = lineText.includes('${') && /flow|Unexpected/.test(error.message) ? ' (inside { } write "${VAR}" in quotes, or use one key per line)' : '';
    issues.push({ file, line, path: '', message: `YAML syntax error: ${error.message.split('\n')[0]}${hint}` });
  }
  const lineOf = (path: readonly PropertyKey[], at: 'key' | 'value'): number => yamlLine(doc, lineCounter, path, at);
  if (issues.length > 0) return { data: undefined, lineOf, issues };
  const deepBlock = blockTooDeep(doc, lineCounter, YAML_LIMITS.depth);
  if (deepBlock !== undefined) return none({ file, line: deepBlock, path: '', message: `nested more than ${YAML_LIMITS.depth} levels deep; a config file needs a handful` });
  try {
    return { data: doc.toJS({ maxAliasCount: YAML_LIMITS.aliasNodes }), lineOf, issues };
  } catch (error) {
    // yaml refuses aliases that expand beyond maxAliasCount ("Excessive alias count…"): an alias bomb.
    if (!(error instanceof ReferenceError)) throw error;
    let line = 1;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    return none({ file, line, path: '', message: `the aliases (*name) here and after expand to more than ${YAML_LIMITS.aliasNodes.toLocaleString('en')} values; write the values out, or reuse an anchor less` });
  }
}

function yamlLine(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[], at: 'key' | 'value'): number {
  const lineAt = (node: YamlNode | null | undefined): number | undefined => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  let node: unknown = doc.contents;
  let line = lineAt(doc.contents as YamlNode) ?? 1;
  // A key that is not there (a missing required key) is reported at its parent's key.
  let parentKeyLine = 1;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return parentKeyLine;
      const keyLine = lineAt(pair.key as YamlNode) ?? line;
      if (last && at === 'key') return keyLine;
      parentKeyLine = keyLine;
      node = pair.value;
      line = lineAt(pair.value as YamlNode) ?? keyLine;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return line;
      node = item;
      line = lineAt(item as YamlNode) ?? line;
    } else {
      return line;
    }
  }
  return line;
}

// ---------------------------------------------------------------------------------------------
// zod issues → readable issues

/** `engagement.like.per_day`, `search.queries[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** The schema at a path, through defaults, optionals and lists. */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root);
  for (const segment of path) {
    if (!schema) return undefined;
    const def = schema._zod.def as unknown as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType };
    if (def.type === 'object' && def.shape) schema = unwrap(def.shape[String(segment)]);
    else if (def.type === 'array' && def.element) schema = unwrap(def.element);
    else return undefined;
  }
  return schema;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let guard = 0; s && guard < 10; guard++) {
    const def = s._zod.def as unknown as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if ((def.type === 'default' || def.type === 'prefault' || def.type === 'optional' || def.type === 'nullable' || def.type === 'readonly') && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
  return s;
}

function isSecret(root: z.ZodType, path: readonly PropertyKey[]): boolean {
  const schema = schemaAt(root, path);
  if (!schema) return false;
  // `.optional()` and `.describe()` make new schemas around the registered one.
  for (let s: z.ZodType | undefined = schema, guard = 0; s && guard < 5; guard++) {
    if (SECRET_SCHEMAS.has(s)) return true;
    s = (s._zod.def as unknown as { innerType?: z.ZodType }).innerType;
  }
  return false;
}

function allowedKeys(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(root, path);
  const def = schema?._zod.def as unknown as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** `did you mean "titles"?` when a close candidate exists. */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || value === '') return undefined;
  const lower = value.toLowerCase();
  // "automatic" → "auto", "dir" → "director": one is the start of the other.
  const prefix = candidates.find((c) => Math.min(c.length, lower.length) >= 3 && (lower.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(lower)));
  if (prefix) return prefix;
  const best = closest(lower, candidates.map((c) => c.toLowerCase()));
  const d = distance(lower, best);
  if (d > Math.max(2, Math.floor(best.length / 3))) return undefined;
  return candidates.find((c) => c.toLowerCase() === best);
}

/** A value as a message shows it: strings quoted and cut, `key:` with nothing as "nothing". */
export function describeValue(input: unknown): string {
  if (input === null) return 'nothing';
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}…` : input);
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return typeof input;
}

/** Other names people write for seniority levels, for "did you mean". */
const SENIORITY_HINTS: Readonly<Record<string, string>> = {
  clevel: 'c_level', 'c-level': 'c_level', 'c level': 'c_level', chief: 'c_level', executive: 'c_level', csuite: 'c_level', 'c-suite': 'c_level',
  cofounder: 'founder', 'co-founder': 'founder', owner: 'founder', manager: 'mid', staff: 'lead', principal: 'lead', 'vice president': 'vp',
  stagiaire: 'intern', responsable: 'head', directeur: 'director', jefe: 'head', gerente: 'head',
};
const LANGUAGE_HINTS: Readonly<Record<string, string>> = {
  english: 'en', anglais: 'en', ingles: 'en', inglés: 'en', french: 'fr', français: 'fr', francais: 'fr', francés: 'fr', frances: 'fr',
  spanish: 'es', espagnol: 'es', español: 'es', espanol: 'es', castellano: 'es', german: 'de', allemand: 'de', alemán: 'de', italian: 'it',
  portuguese: 'pt', dutch: 'nl', eng: 'en', fra: 'fr', fre: 'fr', spa: 'es', 'en-us': 'en', 'en-gb': 'en', 'fr-fr': 'fr', 'es-es': 'es',
};

function hintFor(issue: z.core.$ZodIssue, input: unknown): string | undefined {
  const field = issue.path[issue.path.length - 1];
  const parent = issue.path[issue.path.length - 2];
  if (issue.code === 'invalid_value' && typeof input === 'string') {
    const values = (issue.values ?? []).map(String);
    if (values.length > 0) {
      const fromSynonyms = parent === 'seniority' ? SENIORITY_HINTS[input.toLowerCase()] : undefined;
      const guess = fromSynonyms ?? didYouMean(input, values);
      return guess ? `did you mean "${guess}"?` : undefined;
    }
    if (field === 'time_zone') {
      const guess = didYouMean(input, timeZoneNames());
      return guess ? `did you mean "${guess}"?` : undefined;
    }
  }
  if (typeof input === 'string' && parent === 'languages') {
    const guess = LANGUAGE_HINTS[input.toLowerCase()];
    if (guess) return `did you mean "${guess}"?`;
  }
  if (issue.code === 'invalid_type' && issue.expected === 'array' && (typeof input === 'string' || typeof input === 'number')) {
    return `write [${String(input)}] for a list of one`;
  }
  return undefined;
}

/** Issues of one file in the order of its lines (stable: same line keeps the schema's order). */
function byLine(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function zodIssues(root: z.ZodType, error: z.ZodError, file: string, yaml: ParsedYaml): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(root, issue.path);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const guess = didYouMean(key, allowed);
        const message = guess ? `unknown key; did you mean "${guess}"?` : `unknown key; expected one of ${allowed.join(', ')}`;
        out.push({ file, line: yaml.lineOf(path, 'key'), path: formatPath(path), message });
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const secret = isSecret(root, issue.path);
    let message = issue.message;
    if (input === undefined && issue.code === 'invalid_type') {
      message = `missing; ${message}`;
    } else if (SHOWS_INPUT.has(issue.code) && !secret) {
      message += `, got ${describeValue(input)}`;
      const hint = hintFor(issue, input);
      if (hint) message += `; ${hint}`;
    }
    const at = input === undefined ? 'key' : 'value';
    out.push({ file, line: yaml.lineOf(issue.path, at), path: formatPath(issue.path), message });
  }
  return out;
}

/**
 * A config file's text, or the issue that stops it being read: missing, unreadable, or over
 * `limit` bytes (then only the start is read, to say on which line it crosses the limit).
 */
async function readText(path: string, shown: string, limit: number): Promise<{ text: string } | { issue: ConfigIssue; code: string | undefined }> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    if (size > limit) {
      const head = Buffer.alloc(limit);
      const { bytesRead } = await handle.read(head, 0, limit, 0);
      return { issue: sizeIssue(shown, size, limit, head.subarray(0, bytesRead).toString('utf8')), code: undefined };
    }
    return { text: await handle.readFile('utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { issue: { file: shown, path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}` }, code };
  } finally {
    await handle?.close();
  }
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Secret) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Worker config

export interface WorkerLoadOptions extends LoadOptions {
  /**
   * Read `${VAR}` references and token variables (default true). `personas check` turns it off:
   * it validates the file's shape without needing the secrets.
   */
  resolveSecrets?: boolean;
}

/**
 * Parses and checks `config/prospector.yaml` text (`file` is used in messages), then applies the
 * environment's overrides (`env.ts`); a bad environment variable is an issue naming it.
 */
export function parseWorkerConfig(text: string, file: string, options: WorkerLoadOptions = {}): ReadResult<WorkerConfig> {
  const environment = readEnvironment(options.env ?? process.env);
  const parsed = parseWorkerFile(text, file, options);
  const issues = [...environment.issues, ...parsed.issues];
  if (!parsed.value || issues.length > 0) return { value: undefined, issues };
  const config = parsed.value;
  const env = environment.value;
  return {
    value: deepFreeze({
      ...config,
      sandbox: { ...config.sandbox, ...(env.sandboxUrl ? { url: env.sandboxUrl } : {}) },
      web: { ...config.web, ...(env.webPort !== undefined ? { port: env.webPort } : {}), users: [...config.web.users, ...(env.webUsers ?? []).filter((u) => !config.web.users.some((c) => c.name.toLowerCase() === u.name.toLowerCase()))] },
      database: {
        data_dir: env.dataDir ?? config.database.data_dir,
        ...(env.databaseUrl ? { url: env.databaseUrl } : config.database.url ? { url: config.database.url } : {}),
      },
    }),
    issues: [],
  };
}

function parseWorkerFile(text: string, file: string, options: WorkerLoadOptions): ReadResult<WorkerConfig> {
  const cwd = options.cwd ?? process.cwd();
  const yaml = parseYaml(text, file, YAML_LIMITS.workerBytes);
  if (yaml.issues.length > 0) return { value: undefined, issues: yaml.issues };
  const data = yaml.data ?? {};
  const parsed = WorkerSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) return { value: undefined, issues: byLine(zodIssues(WorkerSchema, parsed.error, file, yaml)) };
  const spec = parsed.data;
  const issues: ConfigIssue[] = [];
  const problem = (path: PropertyKey[], message: string, at: 'key' | 'value' = 'value') => issues.push({ file, line: yaml.lineOf(path, at), path: formatPath(path), message });

  const env = options.env ?? process.env;
  const resolve_ = options.resolveSecrets ?? true;
  const secret = (path: PropertyKey[], reference: string | undefined): Secret | undefined => {
    if (reference === undefined) return undefined;
    const name = envReference(reference) ?? reference;
    const value = env[name];
    if (value === undefined || value === '') {
      problem(path, `the environment variable ${name} is ${value === undefined ? 'not set' : 'empty'}`);
      return undefined;
    }
    return new Secret(name, value);
  };

  // Accounts: unique handles; with the real X, each needs its token.
  const handles = new Map<string, number>();
  spec.accounts.forEach((account, i) => {
    const key = account.handle.toLowerCase();
    const first = handles.get(key);
    if (first !== undefined) problem(['accounts', i, 'handle'], `"${account.handle}" is already accounts[${first}]`);
    else handles.set(key, i);
  });
  const isX = spec.network === 'x';
  if (isX) {
    if (spec.accounts.length === 0) problem(['accounts'], 'network x needs at least one account (handle, owner, token_env)', 'key');
    spec.accounts.forEach((account, i) => {
      const oauth1 = account.auth === 'oauth1' || (account.auth === undefined && account.oauth1_token_env !== undefined);
      if (oauth1) {
        if (!account.oauth1_token_env || !account.oauth1_secret_env) problem(['accounts', i], `@${account.handle} uses OAuth 1.0a: it needs oauth1_token_env and oauth1_secret_env`);
        if (!spec.x.consumer_key || !spec.x.consumer_secret) problem(['x'], `OAuth 1.0a accounts need consumer_key: \${X_CONSUMER_KEY} and consumer_secret: \${X_CONSUMER_SECRET}`, 'key');
      } else if (!account.token_env) {
        problem(['accounts', i], `network x needs token_env: the environment variable with @${account.handle}'s OAuth2 access token`);
      }
    });
    if (!spec.x.bearer_token) problem(['x'], 'network x needs bearer_token: ${X_BEARER_TOKEN} (the app-only token used for search)', 'key');
    if (spec.accounts.some((a) => a.refresh_token_env) && !spec.x.client_id) {
      problem(['x'], 'refreshing account tokens needs client_id: ${X_CLIENT_ID} (and client_secret for a confidential client)', 'key');
    }
  }

  const x: { -readonly [K in keyof WorkerConfig['x']]?: Secret } = {};
  let accounts: AccountConfig[];
  if (isX && resolve_) {
    for (const key of ['bearer_token', 'client_id', 'client_secret', 'consumer_key', 'consumer_secret'] as const) {
      const value = secret(['x', key], spec.x[key]);
      if (value) x[key] = value;
    }
    accounts = spec.accounts.map((a, i) => {
      const token = secret(['accounts', i, 'token_env'], a.token_env);
      const refresh = secret(['accounts', i, 'refresh_token_env'], a.refresh_token_env);
      const oauth1Token = secret(['accounts', i, 'oauth1_token_env'], a.oauth1_token_env);
      const oauth1Secret = secret(['accounts', i, 'oauth1_secret_env'], a.oauth1_secret_env);
      return {
        ...a,
        ...(token ? { token } : {}),
        ...(refresh ? { refresh_token: refresh } : {}),
        ...(oauth1Token ? { oauth1_token: oauth1Token } : {}),
        ...(oauth1Secret ? { oauth1_secret: oauth1Secret } : {}),
      };
    });
  } else {
    accounts = spec.accounts.length > 0 || isX ? spec.accounts.map((a) => ({ ...a })) : SANDBOX_ACCOUNTS.map((a) => ({ ...a }));
  }
  const databaseUrl = resolve_ ? secret(['database', 'url'], spec.database.url) : undefined;
  // A webhook for an owner nobody is would never hear anything: said, not ignored.
  const owners = [...new Set(accounts.map((a) => a.owner))];
  spec.web.notify.forEach((n, i) => {
    if (n.owner === ALL_OWNERS || owners.includes(n.owner)) return;
    const guess = didYouMean(n.owner, owners);
    problem(['web', 'notify', i, 'owner'], `no account is owned by "${n.owner}"${guess ? `; did you mean "${guess}"?` : ''} (accounts' owners are ${owners.join(', ') || 'none'}; all for the team)`);
  });
  // Webhooks: the URL (and signing secret) from the environment; a URL that is not one is said
  // without repeating it.
  const notify = spec.web.notify.map((n, i) => {
    if (!resolve_) return { ...n };
    const url = secret(['web', 'notify', i, 'url_env'], n.url_env);
    const wrong = url && checkUrl(url.reveal(), ['http:', 'https:'], 'https://hooks.slack.com/services/…', true);
    if (wrong) problem(['web', 'notify', i, 'url_env'], `${n.url_env}: ${wrong}`);
    const key = secret(['web', 'notify', i, 'secret_env'], n.secret_env);
    return { ...n, ...(url ? { url } : {}), ...(key ? { secret: key } : {}) };
  });

  const schedules = Object.fromEntries(
    Object.entries(spec.schedules).map(([job, s]) => [job, { ...(s.cron ? { cron: s.cron } : {}), ...(s.after ? { after: s.after } : {}), time_zone: s.time_zone ?? spec.time_zone, enabled: s.enabled }]),
  ) as WorkerConfig['schedules'];
  for (const [job, s] of Object.entries(schedules)) {
    const seen = new Set([job]);
    for (let next = s.after; next !== undefined; next = schedules[next]?.after) {
      if (seen.has(next)) {
        problem(['schedules', job, 'after'], `${[...seen, next].join(' → ')} is a loop: one of them needs a cron`);
        break;
      }
      seen.add(next);
    }
    if (!isTimeZone(s.time_zone)) problem(['schedules', job, 'time_zone'], `expected an IANA time zone, got ${describeValue(s.time_zone)}`);
  }

  if (issues.length > 0) return { value: undefined, issues: byLine(issues) };
  const config: WorkerConfig = {
    file,
    network: spec.network,
    tier: spec.tier,
    time_zone: spec.time_zone,
    x,
    engagement: { ...spec.engagement, jitter_seconds: [spec.engagement.jitter_seconds[0], spec.engagement.jitter_seconds[1]] },
    accounts,
    sandbox: spec.sandbox,
    schedules,
    web: { ...spec.web, notify },
    worker: spec.worker,
    database: { data_dir: spec.database.data_dir, ...(databaseUrl ? { url: databaseUrl } : {}) },
    personas_dir: resolve(cwd, spec.personas_dir),
  };
  return { value: deepFreeze(config), issues: [] };
}

/**
 * Reads the worker config. A missing file is fine when it is the default path (all defaults:
 * sandbox, embedded database); a missing file that was asked for is an error.
 */
export async function readWorkerConfig(file: string = DEFAULT_CONFIG_FILE, options: WorkerLoadOptions = {}): Promise<ReadResult<WorkerConfig>> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, file);
  const shown = displayPath(path, cwd);
  const read = await readText(path, shown, YAML_LIMITS.workerBytes);
  if ('issue' in read) {
    if (read.code === 'ENOENT' && file === DEFAULT_CONFIG_FILE) {
      const result = parseWorkerConfig('', shown, options);
      return { value: result.value ? deepFreeze({ ...result.value, file: undefined }) : undefined, issues: result.issues };
    }
    return { value: undefined, issues: [read.issue] };
  }
  return parseWorkerConfig(read.text, shown, options);
}

export async function loadWorkerConfig(file: string = DEFAULT_CONFIG_FILE, options: WorkerLoadOptions = {}): Promise<WorkerConfig> {
  const { value, issues } = await readWorkerConfig(file, options);
  if (!value || issues.length > 0) throw new ConfigError(issues);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Personas

export interface PersonaLoadOptions extends LoadOptions {
  /** Owners of the worker's accounts; `queue.owners` must name some of them. Unchecked when absent. */
  owners?: readonly string[];
}

/** Parses and checks one persona's text. `file` is its path as shown in messages; its base name must be the id. */
export function parsePersona(text: string, file: string, options: PersonaLoadOptions = {}): ReadResult<Persona> {
  const yaml = parseYaml(text, file, YAML_LIMITS.personaBytes);
  if (yaml.issues.length > 0) return { value: undefined, issues: yaml.issues };
  if (yaml.data === undefined || yaml.data === null) {
    return { value: undefined, issues: [{ file, line: 1, path: '', message: 'the file is empty; a persona needs at least id, name, who.titles and search.queries' }] };
  }
  const parsed = PersonaSchema.safeParse(yaml.data, { reportInput: true });
  const issues = parsed.success ? [] : zodIssues(PersonaSchema, parsed.error, file, yaml);
  const problem = (path: PropertyKey[], message: string) => issues.push({ file, line: yaml.lineOf(path, 'value'), path: formatPath(path), message });

  // The id is the file name: one persona per file, found by its name.
  const expected = basename(file, extname(file));
  const id = (yaml.data as { id?: unknown }).id;
  if (typeof id === 'string' && id !== expected && !issues.some((i) => i.path === 'id')) {
    problem(['id'], `"${id}" must equal the file name "${expected}" (rename the file or change the id)`);
  }
  const owners = options.owners;
  if (parsed.success && owners) {
    parsed.data.queue.owners.forEach((owner, i) => {
      if (owners.includes(owner)) return;
      const guess = didYouMean(owner, owners);
      const known = owners.length > 0 ? `accounts' owners are ${owners.join(', ')}` : 'no account has an owner';
      problem(['queue', 'owners', i], `no account is owned by "${owner}"${guess ? `; did you mean "${guess}"?` : ''} (${known})`);
    });
  }
  if (!parsed.success || issues.length > 0) return { value: undefined, issues: byLine(issues) };
  const persona = { ...parsed.data, weights: normaliseWeights(parsed.data.weights), file } as Persona;
  return { value: deepFreeze(persona), issues: [] };
}

/**
 * A persona file, as opposed to what editors leave beside one while it is edited: lock files
 * (`.#x.yaml`, Emacs), swap files (`.x.yaml.swp`, Vim; `.x.yaml.kate-swp`), backups (`x.yaml~`,
 * `#x.yaml#`) and any hidden file. The loader and the worker's watcher both ask this.
 */
export function isPersonaFile(name: string): boolean {
  return (name.endsWith('.yaml') || name.endsWith('.yml')) && !name.startsWith('.') && !name.startsWith('#');
}

/** A persona file that did not load, and why; the other personas load without it. */
export interface SkippedPersona {
  file: string;
  /** Its id when the file says one, even if the rest is wrong. */
  id: string | undefined;
  issues: ConfigIssue[];
}

export interface PersonasResult extends ReadResult<readonly Persona[]> {
  /** Files skipped for their problems (their issues are also in `issues`). */
  skipped: SkippedPersona[];
}

/**
 * Reads every persona file in `dir` (not recursive), collecting every problem of every file. A
 * file with problems is skipped and the others are returned in `value`; `value` is undefined only
 * when the directory itself cannot be used (missing, or no persona file in it).
 */
export async function readPersonas(dir: string, options: PersonaLoadOptions = {}): Promise<PersonasResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, dir);
  const shownDir = displayPath(root, cwd);
  let names: string[];
  try {
    if (!(await stat(root)).isDirectory()) return { value: undefined, skipped: [], issues: [{ file: shownDir, path: '', message: 'not a directory (personas_dir in config/prospector.yaml says where personas live)' }] };
    names = (await readdir(root)).filter(isPersonaFile).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'directory not found (personas_dir in config/prospector.yaml says where personas live)' : `cannot read: ${(error as Error).message}`;
    return { value: undefined, skipped: [], issues: [{ file: shownDir, path: '', message }] };
  }
  if (names.length === 0) return { value: undefined, skipped: [], issues: [{ file: shownDir, path: '', message: 'no persona files (*.yaml) here' }] };

  const skipped: SkippedPersona[] = [];
  const personas: Persona[] = [];
  const byId = new Map<string, string>();
  for (const name of names) {
    const path = join(root, name);
    const shown = displayPath(path, cwd);
    const read = await readText(path, shown, YAML_LIMITS.personaBytes);
    if ('issue' in read) {
      skipped.push({ file: shown, id: undefined, issues: [read.issue] });
      continue;
    }
    const result = parsePersona(read.text, shown, options);
    const issues = [...result.issues];
    // Duplicate ids (growth.yaml and growth.yml, or two files that both claim one id): the first file
    // keeps it, even a broken one (growth.yml must not stand in for a growth.yaml being fixed).
    const id = result.value?.id ?? idOf(read.text);
    if (id !== undefined) {
      const other = byId.get(id);
      if (other !== undefined) {
        const yaml = parseYaml(read.text, shown, YAML_LIMITS.personaBytes);
        issues.push({ file: shown, line: yaml.lineOf(['id'], 'value'), path: 'id', message: `"${id}" is already the id of ${other}` });
      } else {
        byId.set(id, shown);
      }
    }
    if (result.value && issues.length === 0) personas.push(result.value);
    else skipped.push({ file: shown, id, issues });
  }
  return { value: Object.freeze(personas), skipped, issues: skipped.flatMap((s) => s.issues) };
}

/** The id a persona file claims, read without the schema (for a file with other problems). */
function idOf(text: string): string | undefined {
  const yaml = parseYaml(text, '', YAML_LIMITS.personaBytes);
  const data = yaml.data as { id?: unknown } | null | undefined;
  return typeof data?.id === 'string' ? data.id : undefined;
}

export async function loadPersonas(dir: string, options: PersonaLoadOptions = {}): Promise<readonly Persona[]> {
  const { value, issues } = await readPersonas(dir, options);
  if (!value || issues.length > 0) throw new ConfigError(issues);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Both

export interface LoadedConfig {
  worker: WorkerConfig;
  /** The personas that loaded; a file with problems is left out (see `skipped`). */
  personas: readonly Persona[];
  /** Persona files left out for their problems, with file:line issues. Absent or empty: none. */
  skipped?: readonly SkippedPersona[];
}

export interface ConfigLoadOptions extends WorkerLoadOptions {
  /** The worker config file. Default `config/prospector.yaml` (absent: defaults). */
  file?: string;
  /** Overrides the worker config's `personas_dir`. */
  personasDir?: string;
}

/**
 * Reads the worker config and its personas; every problem of every file is in `issues`. `value` is
 * there when the worker config and the personas directory are usable: persona files with problems
 * are then left out of it and listed in `value.skipped`, so that one typo stops one persona, not all.
 */
export async function readConfig(options: ConfigLoadOptions = {}): Promise<ReadResult<LoadedConfig>> {
  const cwd = options.cwd ?? process.cwd();
  const worker = await readWorkerConfig(options.file ?? DEFAULT_CONFIG_FILE, options);
  const dir = options.personasDir ?? worker.value?.personas_dir ?? (await personasDirFallback(options.file ?? DEFAULT_CONFIG_FILE, cwd));
  // With a broken worker config the owners are unknown: personas are still checked, owners aside.
  const owners = worker.value ? [...new Set(worker.value.accounts.map((a) => a.owner))] : undefined;
  const personas = await readPersonas(dir, { ...options, cwd, ...(owners ? { owners } : {}) });
  const issues = [...worker.issues, ...personas.issues];
  if (!worker.value || !personas.value) return { value: undefined, issues };
  return { value: Object.freeze({ worker: worker.value, personas: personas.value, skipped: Object.freeze(personas.skipped) }), issues };
}

/** The personas directory named by a worker config that failed to load, if it can be read; else the default. */
async function personasDirFallback(file: string, cwd: string): Promise<string> {
  const path = resolve(cwd, file);
  const read = await readText(path, file, YAML_LIMITS.workerBytes);
  // When it cannot be read or parsed, the worker config's own issues say why.
  const data = 'text' in read ? (parseYaml(read.text, file, YAML_LIMITS.workerBytes).data as Partial<WorkerSpec> | null | undefined) : undefined;
  if (typeof data?.personas_dir === 'string' && data.personas_dir !== '') return resolve(cwd, data.personas_dir);
  return resolve(cwd, DEFAULT_PERSONAS_DIR);
}

/**
 * The worker config that commands which only read or pause run on when the file is broken: the
 * defaults, with the database the environment names (DATABASE_URL, PROSPECTOR_DATA_DIR), else the
 * one the broken file names if its YAML still parses (`database.url`, `database.data_dir`), so that
 * `pause` reaches the database the workers use. `issues` are the environment's own, if any.
 */
export async function fallbackConfig(file: string = DEFAULT_CONFIG_FILE, options: LoadOptions = {}): Promise<ReadResult<WorkerConfig>> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, file);
  const shown = displayPath(path, cwd);
  const read = await readText(path, shown, YAML_LIMITS.workerBytes);
  const data = 'text' in read ? parseYaml(read.text, shown, YAML_LIMITS.workerBytes).data : undefined;
  const database = (data as { database?: unknown } | null | undefined)?.database as { url?: unknown; data_dir?: unknown } | null | undefined;
  const fromFile: Record<string, string> = {};
  if (typeof database?.url === 'string') fromFile.url = database.url;
  if (typeof database?.data_dir === 'string') fromFile.data_dir = database.data_dir;
  const withFile = parseWorkerConfig(stringify({ database: fromFile }), shown, options);
  const result = withFile.value ? withFile : parseWorkerConfig('', shown, options);
  return result.value ? { value: deepFreeze({ ...result.value, file: shown }), issues: [] } : result;
}

/** Loads everything the worker needs, or throws a ConfigError listing every problem. */
export async function loadConfig(options: ConfigLoadOptions = {}): Promise<LoadedConfig> {
  const { value, issues } = await readConfig(options);
  if (!value || issues.length > 0) throw new ConfigError(issues);
  return value;
}

/** Seniority levels, re-exported for messages and the CLI. */
export { SENIORITY_LEVELS };
