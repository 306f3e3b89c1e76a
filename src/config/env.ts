/**
 * The environment variables Prospector reads, read and checked here and nowhere else. Each one
 * overrides a key of the worker config (the environment wins over the file), and a bad value is
 * an error naming the variable, never a silent fall back to the file or the default:
 *
 *   environment PROSPECTOR_WEB_PORT: expected a port, a whole number from 0 to 65535, got "abc"
 *
 * Secrets named by `${VAR}` references in the file and the accounts' `token_env` variables are read
 * where the file names them (`load.ts`); this module is for the fixed names below.
 */
import { parseUsersVariable } from '../web/auth.ts';
import { checkUrl, DATABASE_URL_EXAMPLE, DATABASE_URL_PROTOCOLS, SANDBOX_URL_EXAMPLE, SANDBOX_URL_PROTOCOLS } from './fields.ts';
import { Secret } from './worker.ts';

/** One problem: `file` is "environment", `path` the variable's name (see `ConfigIssue` in load.ts). */
export interface EnvironmentIssue {
  file: 'environment';
  path: string;
  message: string;
}

/** What the environment sets; absent when the variable is unset or empty. */
export interface Environment {
  /** PROSPECTOR_CONFIG: the worker config file (default `config/prospector.yaml`). */
  configFile?: string;
  /** DATABASE_URL: PostgreSQL instead of the embedded database (`database.url`). */
  databaseUrl?: Secret;
  /** PROSPECTOR_DATA_DIR: the embedded database's directory (`database.data_dir`). */
  dataDir?: string;
  /** PROSPECTOR_SANDBOX_URL: a sandbox running elsewhere (`sandbox.url`). */
  sandboxUrl?: string;
  /** PROSPECTOR_WEB_PORT: the web port (`web.port`); 0 picks a free one. */
  webPort?: number;
  /** PROSPECTOR_LOG_LEVEL: the log level. */
  logLevel?: string;
  /** PROSPECTOR_WEB_USERS: people who may sign in, `name:hash` pairs (added to `web.users`). */
  webUsers?: { name: string; password_hash: string }[];
  /** PROSPECTOR_WEB_SECRET: signs session cookies; the same on every worker behind one address. */
  webSecret?: Secret;
}

/** The variables, with what each one sets; the README's table says the same. */
export const ENVIRONMENT_VARIABLES = {
  PROSPECTOR_CONFIG: 'the worker config file',
  DATABASE_URL: 'database.url',
  PROSPECTOR_DATA_DIR: 'database.data_dir',
  PROSPECTOR_SANDBOX_URL: 'sandbox.url',
  PROSPECTOR_WEB_PORT: 'web.port',
  PROSPECTOR_LOG_LEVEL: 'the log level',
  PROSPECTOR_WEB_USERS: 'web.users (added)',
  PROSPECTOR_WEB_SECRET: 'the secret that signs sign-in cookies',
} as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** A value as a message may show it: quoted and cut. */
const shown = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);

/** Reads and checks Prospector's environment variables. Unset and empty are the same: not set. */
export function readEnvironment(env: Env = process.env): { value: Environment; issues: EnvironmentIssue[] } {
  const value: Environment = {};
  const issues: EnvironmentIssue[] = [];
  const problem = (name: keyof typeof ENVIRONMENT_VARIABLES, message: string) => issues.push({ file: 'environment', path: name, message });
  const get = (name: keyof typeof ENVIRONMENT_VARIABLES): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };

  const configFile = get('PROSPECTOR_CONFIG');
  if (configFile !== undefined) value.configFile = configFile;
  const dataDir = get('PROSPECTOR_DATA_DIR');
  if (dataDir !== undefined) value.dataDir = dataDir;

  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined) {
    const wrong = checkUrl(databaseUrl, DATABASE_URL_PROTOCOLS, DATABASE_URL_EXAMPLE, true);
    if (wrong) problem('DATABASE_URL', `${wrong}; unset it to use the embedded database`);
    else value.databaseUrl = new Secret('DATABASE_URL', databaseUrl);
  }

  const sandboxUrl = get('PROSPECTOR_SANDBOX_URL');
  if (sandboxUrl !== undefined) {
    const wrong = checkUrl(sandboxUrl, SANDBOX_URL_PROTOCOLS, SANDBOX_URL_EXAMPLE);
    if (wrong) problem('PROSPECTOR_SANDBOX_URL', `${wrong} (where \`prospector sandbox\` listens)`);
    else value.sandboxUrl = sandboxUrl;
  }

  const port = get('PROSPECTOR_WEB_PORT');
  if (port !== undefined) {
    const n = /^\s*\d+\s*$/.test(port) ? Number(port) : Number.NaN;
    if (!Number.isInteger(n) || n > 65535) problem('PROSPECTOR_WEB_PORT', `expected a port, a whole number from 0 to 65535 (0 picks a free one), got ${shown(port)}`);
    else value.webPort = n;
  }

  const users = get('PROSPECTOR_WEB_USERS');
  if (users !== undefined) {
    try {
      value.webUsers = parseUsersVariable(users).map((u) => ({ name: u.name, password_hash: u.passwordHash }));
    } catch (error) {
      problem('PROSPECTOR_WEB_USERS', (error as Error).message.replace(/^PROSPECTOR_WEB_USERS: /, ''));
    }
  }
  const secret = get('PROSPECTOR_WEB_SECRET');
  if (secret !== undefined) {
    if (secret.length < 32) problem('PROSPECTOR_WEB_SECRET', 'expected at least 32 characters (e.g. `openssl rand -base64 32`)');
    else value.webSecret = new Secret('PROSPECTOR_WEB_SECRET', secret);
  }

  const level = get('PROSPECTOR_LOG_LEVEL');
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) problem('PROSPECTOR_LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got ${shown(level)}`);
    else value.logLevel = level;
  }
  return { value, issues };
}

/**
 * The environment as it is now, for a worker to read its config again with the same one on reload
 * (a process's environment does not change from outside; a test's does, between start and reload).
 */
export function snapshotEnvironment(env: Env = process.env): Record<string, string | undefined> {
  return { ...env };
}
