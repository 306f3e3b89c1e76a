import { InvalidArgumentError } from 'commander';
import { calendarDay, calendarInstant } from '../time.ts';

/**
 * Parsers for the options and arguments of `prospector`, shared by every subcommand: a bad value
 * is a usage error (exit code 2) whose message names the option and says what is expected.
 */

/** `YYYY-MM-DD`, a real calendar day; returns it as written. */
export function day(option: string) {
  return (value: string): string => {
    if (!calendarDay(value)) {
      const shape = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `there is no such day as ${value}` : `got "${value}"`;
      throw new InvalidArgumentError(`${option} expects a date as YYYY-MM-DD that is a real calendar day; ${shape}`);
    }
    return value;
  };
}

/** An ISO 8601 day or instant on a real calendar day; returns it as written. */
export function instant(option: string) {
  return (value: string): string => {
    if (!calendarInstant(value)) throw new InvalidArgumentError(`${option} expects an ISO 8601 date or instant on a real calendar day, such as 2026-03-01 or 2026-03-01T09:00:00Z; got "${value}"`);
    return value;
  };
}

/** A whole number from `min` to `max`. */
export function integer(option: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`${option} must be an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
}
