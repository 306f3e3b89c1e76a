import { pino, type Logger } from 'pino';

/**
 * The product's logger: pino, JSON lines. Tokens and secrets never reach a line: known secret
 * fields are redacted wherever they appear, and `redactSecrets` masks secret values the config
 * resolved from the environment if they show up inside messages.
 */

const SECRET_KEYS = [
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'bearer_token', 'bearerToken',
  'client_secret', 'clientSecret', 'authorization', 'password', 'secret',
];

export type { Logger };

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.PROSPECTOR_LOG_LEVEL ?? 'info',
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)], censor: '[redacted]' },
      base: undefined,
    },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
}

/** A logger that writes nothing (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
