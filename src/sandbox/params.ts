import { ID_PATTERN } from './ids.ts';
import { hashString } from './rng.ts';
import { parameterError, type ParameterError } from './problems.ts';

/**
 * Query-string validation with X's own messages. X reports every invalid parameter of a request
 * at once, so checks collect errors instead of throwing at the first.
 */
export class Params {
  readonly errors: ParameterError[] = [];

  constructor(
    private readonly query: URLSearchParams,
    /** Parameters this endpoint accepts, in X's order (quoted back in the unknown-parameter message). */
    private readonly allowed: readonly string[],
  ) {
    for (const name of new Set(query.keys())) {
      if (!allowed.includes(name)) {
        this.errors.push(parameterError(name, query.getAll(name), `The query parameter [${name}] is not one of [${allowed.join(',')}]`));
      }
    }
  }

  raw(name: string): string | undefined {
    const value = this.query.get(name);
    return value === null ? undefined : value;
  }

  /** A comma-separated list whose items must come from `choices`. */
  list(name: string, choices: readonly string[]): Set<string> {
    const value = this.query.get(name);
    const out = new Set<string>();
    if (value === null) return out;
    for (const item of value.split(',')) {
      if (!choices.includes(item)) {
        this.errors.push(parameterError(name, [value], `The \`${name}\` query parameter value [${item}] is not one of [${choices.join(',')}]`));
      } else out.add(item);
    }
    return out;
  }

  integer(name: string, min: number, max: number, fallback: number): number {
    const value = this.query.get(name);
    if (value === null) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.errors.push(parameterError(name, [value], `The \`${name}\` query parameter value [${value}] is not between ${min} and ${max}`));
      return fallback;
    }
    return n;
  }

  id(name: string): string | undefined {
    const value = this.query.get(name);
    if (value === null) return undefined;
    if (!ID_PATTERN.test(value)) {
      this.errors.push(parameterError(name, [value], `The \`${name}\` query parameter value [${value}] does not match ^[0-9]{1,19}$`));
      return undefined;
    }
    return value;
  }

  /** RFC 3339 timestamp (`YYYY-MM-DDTHH:mm:ssZ`), as ms since the epoch. */
  time(name: string): number | undefined {
    const value = this.query.get(name);
    if (value === null) return undefined;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
    if (!Number.isFinite(ms)) {
      this.errors.push(parameterError(name, [value], `The \`${name}\` query parameter value [${value}] is not a valid RFC3339 date-time`));
      return undefined;
    }
    return ms;
  }

  required(name: string): string | undefined {
    const value = this.query.get(name);
    if (value === null || value === '') {
      this.errors.push(parameterError(name, [], `The \`${name}\` query parameter can not be empty`));
      return undefined;
    }
    return value;
  }

  fail(name: string, value: string, message: string): void {
    this.errors.push(parameterError(name, [value], message));
  }
}

/** A path segment that must be an X id. */
export function checkPathId(name: string, value: string, errors: ParameterError[]): void {
  if (!ID_PATTERN.test(value)) {
    errors.push(parameterError(name, [value], `The \`${name}\` query parameter value [${value}] does not match ^[0-9]{1,19}$`));
  }
}

/**
 * Opaque pagination tokens: a position plus a checksum of the request they belong to, so a
 * token replayed with another query is refused instead of returning the wrong page.
 */
export function encodeToken(position: number, context: string): string {
  return `${checksum(context)}${position.toString(36)}`;
}

export function decodeToken(token: string, context: string): number | undefined {
  if (!/^[0-9a-z]{8,20}$/.test(token) || token.slice(0, 7) !== checksum(context)) return undefined;
  const position = parseInt(token.slice(7), 36);
  return Number.isSafeInteger(position) ? position : undefined;
}

function checksum(text: string): string {
  return hashString(text).toString(36).padStart(7, '0');
}
