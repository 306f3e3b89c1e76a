import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

/**
 * The product's logger: pino. JSON lines, one per entry, when the output is a file or a pipe (a
 * service manager, a log shipper); readable lines when it is a terminal (pino-pretty, formatted
 * in this thread and written synchronously: no transport, no worker thread).
 *
 * Tokens and secrets never reach a line, in two ways:
 *   - fields whose name looks secret (`token`, `authorization`, `password`…) are redacted wherever
 *     they appear, up to two levels deep;
 *   - the secret VALUES the config resolved from the environment (`secretValues(config)`) are
 *     replaced by `[redacted]` anywhere in a line: in messages, error messages and stacks, fields
 *     of any name, as written or JSON-escaped (and escaped twice, for JSON inside a string) or
 *     URL-encoded. Values are matched before the line is pretty-printed, and again after.
 */

const SECRET_KEYS = [
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'bearer_token', 'bearerToken',
  'client_secret', 'clientSecret', 'authorization', 'password', 'secret',
];

/** Shorter values are not masked: they would blank out ordinary text and cannot be secret anyway. */
export const MIN_SECRET_LENGTH = 4;

export const REDACTED = '[redacted]';

export type { Logger };

/**
 * The secret values to mask. Mutable, because the logger usually exists before the config that
 * holds the secrets is read: `mask.add(secretValues(rt.config.worker))` once it is.
 */
export class SecretMask {
  #values = new Set<string>();
  #pattern: RegExp | undefined;

  constructor(values: Iterable<string> = []) {
    this.add(values);
  }

  add(values: Iterable<string>): this {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
      for (const form of forms(value)) this.#values.add(form);
    }
    // Longest first, so a secret that contains another is masked whole.
    const sorted = [...this.#values].sort((a, b) => b.length - a.length);
    this.#pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
    return this;
  }

  get size(): number {
    return this.#values.size;
  }

  /** The text with every secret replaced by `[redacted]`. */
  mask(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
  }
}

/** How a value can appear in a log line: as is, JSON-escaped (once, twice), URL-encoded. */
function forms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  const encoded = encodeURIComponent(value);
  return [...new Set([value, once, twice, encoded, JSON.stringify(encoded).slice(1, -1)])];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface LoggerOptions {
  /** Default: PROSPECTOR_LOG_LEVEL, else info. */
  level?: string;
  /** Default: stderr. */
  destination?: NodeJS.WritableStream;
  /** Secret values to mask anywhere in a line (`secretValues(config)`), or a mask to add them to later. */
  secrets?: Iterable<string> | SecretMask;
  /** Readable lines instead of JSON. Default: when the destination is a terminal. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const mask = options.secrets instanceof SecretMask ? options.secrets : new SecretMask(options.secrets ?? []);
  const tty = (destination as { isTTY?: boolean }).isTTY === true;
  const pretty = options.pretty ?? tty;
  const format = pretty ? prettyFactory({ colorize: tty, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true }) : undefined;
  // pino writes each entry with one write() call: masking a whole line at a time is enough.
  const stream: DestinationStream = {
    write(line: string) {
      const masked = mask.mask(line);
      destination.write(format ? mask.mask(format(masked)) : masked);
    },
  };
  return pino(
    {
      level: options.level ?? process.env.PROSPECTOR_LOG_LEVEL ?? 'info',
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)], censor: REDACTED },
      base: undefined,
    },
    stream,
  );
}

/** A logger that writes nothing (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
