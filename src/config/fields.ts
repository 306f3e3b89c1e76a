/**
 * Field schemas shared by the persona and worker config. Each one says in plain words what it
 * expects ("expected a whole number ≥ 0"); `load.ts` adds what it got, the file and the line.
 */
import { z } from 'zod';

/** Schemas whose values are secrets: their input never appears in a message. */
export const SECRET_SCHEMAS = new WeakSet<z.ZodType>();

/** Issue codes whose message is followed by ", got <input>". */
export const SHOWS_INPUT = new Set(['invalid_type', 'too_small', 'too_big', 'invalid_value', 'invalid_format', 'not_multiple_of']);

const expect = (what: string) => ({ error: () => `expected ${what}` });

/** A mapping with exactly these keys; unknown keys are errors (with a did-you-mean, see `load.ts`). */
export function mapping<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, expect('a mapping (key: value lines)'));
}

export function text(what = 'text') {
  return z.string(expect(what)).min(1, expect(`${what}, not empty`));
}

export function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, expect(`a list of ${what}`));
}

/** A whole number in [min, max]. */
export function whole(min = 0, max?: number) {
  const what = max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  const base = z.number(expect(what)).int(expect(what)).min(min, expect(what));
  return max === undefined ? base : base.max(max, expect(what));
}

/** A number in [min, max]. */
export function between(min: number, max: number) {
  const what = `a number from ${min} to ${max}`;
  return z.number(expect(what)).min(min, expect(what)).max(max, expect(what));
}

export function nonNegative() {
  return z.number(expect('a number ≥ 0')).min(0, expect('a number ≥ 0'));
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expect(`one of ${values.join(', ')}`));
}

export function flag() {
  return z.boolean(expect('true or false'));
}

/** An IANA time zone that this Node.js knows: `Europe/Paris`, `UTC`. */
export function timeZone() {
  return z.string(expect('an IANA time zone such as Europe/Paris')).superRefine((value, ctx) => {
    if (!isTimeZone(value)) ctx.addIssue({ code: 'invalid_value', values: [], input: value, message: 'expected an IANA time zone such as Europe/Paris or UTC' });
  });
}

export function isTimeZone(value: string): boolean {
  if (value === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Every time zone name Node.js knows, for "did you mean". */
export function timeZoneNames(): string[] {
  return [...Intl.supportedValuesOf('timeZone'), 'UTC'];
}

const TIME_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** A time of day, `HH:MM` (24-hour clock; `24:00` ends a day). */
export function timeOfDay() {
  return z.string(expect('a time like "09:00"')).regex(TIME_RE, expect('a time like "09:00" (24-hour HH:MM)'));
}

/** An environment variable's name: `X_TOKEN_MAYA`. */
export const ENV_NAME_RE = /^[A-Z_][A-Z0-9_]*$/;
const ENV_REF_RE = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;

/** The variable named by a `${NAME}` reference, or undefined. */
export function envReference(value: string): string | undefined {
  return ENV_REF_RE.exec(value)?.[1];
}

/**
 * A secret: only a `${ENV_VAR}` reference is allowed in the file. A literal value is refused with
 * a message naming the variable to use instead, and never repeated.
 */
export function secretReference(field: string, suggested: string) {
  const message = `secrets are not written in config files; set the environment variable ${suggested} and write ${field}: \${${suggested}}`;
  const schema = z
    .string({ error: () => message })
    .regex(ENV_REF_RE, { error: () => message })
    .meta({ description: `A reference to an environment variable, e.g. \${${suggested}}. Literal secrets are refused.` });
  SECRET_SCHEMAS.add(schema);
  return schema;
}

/** The name of an environment variable that holds a token (not the token itself). */
export function envName(example: string) {
  const message = `expected the name of an environment variable that holds the token (e.g. ${example}), not the token itself`;
  const schema = z
    .string({ error: () => message })
    .regex(ENV_NAME_RE, { error: () => message })
    .meta({ description: `Name of the environment variable holding the token, e.g. ${example}.` });
  SECRET_SCHEMAS.add(schema);
  return schema;
}

/** A calendar date, `YYYY-MM-DD`. YAML leaves such a value a string (core schema). */
export function isoDate() {
  return z.string(expect('a date YYYY-MM-DD')).superRefine((value, ctx) => {
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
    if (!ok) ctx.addIssue({ code: 'invalid_value', values: [], input: value, message: 'expected a date YYYY-MM-DD, e.g. 2026-01-05' });
  });
}

/** A value as a message may show it: quoted and cut. */
const quoted = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);

/** A URL with one of `protocols`, or the reason it is not one (without repeating a secret). */
export function checkUrl(value: string, protocols: readonly string[], example: string, secret = false): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected a URL such as ${example}, got ${secret ? 'something that is not a URL' : quoted(value)}`;
  }
  if (!protocols.includes(url.protocol)) return `expected a URL such as ${example} (${protocols.join(' or ')}), got one that starts with ${url.protocol}`;
  if (url.hostname === '' && url.protocol.startsWith('http')) return `expected a URL with a host, such as ${example}, got ${secret ? 'one without' : quoted(value)}`;
  return undefined;
}

export const SANDBOX_URL_PROTOCOLS = ['http:', 'https:'] as const;
export const SANDBOX_URL_EXAMPLE = 'http://127.0.0.1:4010';
export const DATABASE_URL_PROTOCOLS = ['postgres:', 'postgresql:'] as const;
export const DATABASE_URL_EXAMPLE = 'postgres://user:password@localhost:5432/prospector';

/** A URL of a sandbox running elsewhere (`prospector sandbox`). */
export function sandboxUrl() {
  return z.string(expect(`a URL such as ${SANDBOX_URL_EXAMPLE}`)).superRefine((value, ctx) => {
    const wrong = checkUrl(value, SANDBOX_URL_PROTOCOLS, SANDBOX_URL_EXAMPLE);
    if (wrong) ctx.addIssue({ code: 'custom', input: value, message: wrong });
  });
}
