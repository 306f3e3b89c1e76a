/**
 * Who may use the review page: people named in `web.users` (or `PROSPECTOR_WEB_USERS`), each with
 * a password hash made by `prospector web add-user`. Passwords are hashed with scrypt (node:crypto,
 * memory-hard) and compared in constant time. A signed-in person carries a session cookie signed
 * with the worker's secret: HttpOnly, SameSite=Strict, ending after `SESSION_HOURS`.
 *
 * On a loopback address with nobody configured, the page serves one local user (so `npm start`
 * just works on a laptop); on any other address the worker refuses to start without users.
 */
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export interface WebUser {
  name: string;
  /** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
  passwordHash: string;
}

/** scrypt's cost: 2^15 × 8 × 128 bytes = 32 MiB and about 50 ms a check on a laptop. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
export const SESSION_HOURS = 12;

/** A stored hash for `password`, as `prospector web add-user` prints it. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFC'), salt, KEY_BYTES, { ...COST, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** The parts of a stored hash, or a sentence saying what is wrong with it. */
export function parsePasswordHash(stored: string): ParsedHash | string {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'expected a hash made by `prospector web add-user` (scrypt$N$r$p$salt$hash)';
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || (N & (N - 1)) !== 0 || N < 2 ** 14 || N > 2 ** 20 || r > 32 || p > 16) return 'its scrypt parameters are out of range';
  const salt = Buffer.from(parts[4] as string, 'base64url');
  const hash = Buffer.from(parts[5] as string, 'base64url');
  if (salt.length < 16 || hash.length < 16) return 'its salt or hash is too short';
  return { N, r, p, salt, hash };
}

/** Whether `password` matches `stored`, in constant time for a given hash. */
export function verifyPassword(password: string, stored: string): boolean {
  const parsed = parsePasswordHash(stored);
  if (typeof parsed === 'string') return false;
  const candidate = scryptSync(password.normalize('NFC'), parsed.salt, parsed.hash.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: 256 * parsed.N * parsed.r + 1024 * 1024 });
  return timingSafeEqual(candidate, parsed.hash);
}

/** A hash to check against when the name is unknown, so a wrong name costs the same time as a wrong password. */
let decoy: string | undefined;
export function decoyHash(): string {
  return (decoy ??= hashPassword(randomBytes(12).toString('hex')));
}

/**
 * `PROSPECTOR_WEB_USERS`: `name:hash` pairs separated by commas or spaces. Throws naming the
 * variable and the pair when one is malformed (never printing the hash).
 */
export function parseUsersVariable(value: string): WebUser[] {
  const users: WebUser[] = [];
  for (const [i, pair] of value.split(/[\s,]+/).filter(Boolean).entries()) {
    const colon = pair.indexOf(':');
    const name = colon > 0 ? pair.slice(0, colon) : '';
    const passwordHash = colon > 0 ? pair.slice(colon + 1) : '';
    const problem = !USER_NAME.test(name) ? `a name of letters, digits, . _ - (got ${JSON.stringify(name.slice(0, 30))})` : typeof parsePasswordHash(passwordHash) === 'string' ? `name:hash with a hash from \`prospector web add-user\`` : undefined;
    if (problem) throw new Error(`PROSPECTOR_WEB_USERS: entry ${i + 1}: expected ${problem}`);
    users.push({ name, passwordHash });
  }
  return users;
}

export const USER_NAME = /^[\p{L}\p{N}._-]{1,40}$/u;

/** Whether the page on `host` can only be reached from this machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

/** A session cookie's value: who, until when, signed with the secret. */
export function sealSession(secret: Buffer, user: string, expires: Date): string {
  const body = `${Buffer.from(user).toString('base64url')}.${Math.floor(expires.getTime() / 1000)}`;
  return `${body}.${sign(secret, body)}`;
}

/** The user of a session cookie, when its signature holds and it has not ended. */
export function openSession(secret: Buffer, value: string | undefined, now: Date): string | undefined {
  if (!value) return undefined;
  const last = value.lastIndexOf('.');
  if (last < 0) return undefined;
  const body = value.slice(0, last);
  const given = Buffer.from(value.slice(last + 1));
  const expected = Buffer.from(sign(secret, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [user, until] = body.split('.');
  if (!user || !until || Number(until) * 1000 <= now.getTime()) return undefined;
  return Buffer.from(user, 'base64url').toString();
}

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
