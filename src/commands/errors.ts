import { inspect } from 'node:util';
import { CommanderError } from 'commander';

/**
 * How `prospector` ends on an error: one message naming what to fix, `prospector: …`, with its
 * causes in a line each, never a stack trace unless asked for (`--debug` or PROSPECTOR_DEBUG=1).
 * Exit code 2 for a usage mistake (a bad option or argument, as commander reports them), 1 for
 * anything else.
 */

/** Commander codes that are not errors: it printed what was asked for. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

/** Errors that mean a bug rather than bad input: the message alone helps less, so the trace is offered. */
const BUGS = [TypeError, RangeError, ReferenceError, SyntaxError];

export interface ErrorReport {
  /** What to print on stderr; empty when commander already printed it. */
  text: string;
  exitCode: number;
}

export function reportError(error: unknown, options: { debug: boolean }): ErrorReport {
  if (error instanceof CommanderError) {
    if (NOT_ERRORS.has(error.code)) return { text: '', exitCode: error.exitCode };
    // Commander has printed "error: …" already; a usage mistake exits 2.
    return { text: '', exitCode: error.exitCode === 1 ? 2 : error.exitCode };
  }
  const usage = error instanceof Error && error.name === 'UsageError';
  const lost = connectionLost(error);
  if (lost && !options.debug) {
    return {
      text: `prospector: the connection to the database was lost (${lost}); every transaction is whole or undone, and an action whose outcome is unknown is settled by the next engage run: run the command again once the database answers`,
      exitCode: 1,
    };
  }
  const lines = [`prospector: ${messageOf(error)}`];
  let said = lines[0]!;
  const add = (prefix: string, e: unknown) => {
    const message = messageOf(e);
    if (message && !said.includes(message)) {
      lines.push(`${prefix}${message}`);
      said += `\n${message}`;
    }
  };
  const seen = new Set<unknown>([error]);
  for (let e: unknown = error; e instanceof Error; ) {
    if (e instanceof AggregateError) for (const inner of e.errors) add('  - ', inner);
    const cause: unknown = e.cause;
    if (cause === undefined || seen.has(cause)) break;
    seen.add(cause);
    add('  because: ', cause);
    e = cause;
  }
  if (options.debug) lines.push('', inspect(error, { depth: 6 }));
  else if (BUGS.some((kind) => error instanceof kind)) lines.push('  (this looks like a bug: run again with --debug or PROSPECTOR_DEBUG=1 for the stack trace, and report it)');
  return { text: lines.join('\n'), exitCode: usage ? 2 : 1 };
}

/** PostgreSQL's codes for a session ended by the server: terminated by an administrator, a crash, a shutdown. */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03']);
const CONNECTION_WORDS = /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE/;

/**
 * When a statement failed because its connection went (a restarted server, a terminated backend),
 * what the driver said; undefined for any other error. The statement's text stays out of it.
 */
function connectionLost(error: unknown): string | undefined {
  // Only a statement that failed (drizzle's "Failed query: …"); not a first connection refused.
  if (!(error instanceof Error) || !error.message.startsWith('Failed query:')) return undefined;
  for (let e: unknown = error.cause, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if ((typeof code === 'string' && SESSION_ENDED.has(code)) || CONNECTION_WORDS.test(e.message)) return e.message;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Whether the trace was asked for: `--debug` anywhere on the command line, or PROSPECTOR_DEBUG=1. */
export function debugRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--debug') || ['1', 'true', 'yes'].includes((env.PROSPECTOR_DEBUG ?? '').toLowerCase());
}
