import type { ProfileInput } from './types.ts';

/**
 * Score components that need nothing but the profile and the persona's numbers. Each returns a
 * value from 0 to 1 and the reasons behind it; `combine` turns them into points.
 */

export interface ComponentReason {
  /** Signed share of the component's full scale this reason accounts for (−1…1). */
  share: number;
  text: string;
}

export interface ComponentResult {
  value: number;
  reasons: ComponentReason[];
}

const DAY = 86_400_000;

/**
 * `n.toLocaleString(locale)` for an English locale: "1,200,000". Whole numbers are grouped here,
 * since `toLocaleString` goes through Intl and costs more than the rest of scoring a prospect;
 * anything else (fractions, -0, NaN, ∞, beyond 2^53) is left to Intl.
 */
export function formatNumber(n: number, locale: 'en' | 'en-US' = 'en-US'): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString(locale);
  const digits = String(n < 0 ? -n : n);
  let out = n < 0 ? '-' : '';
  const head = digits.length % 3 || 3;
  out += digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return out;
}

const fmt = (n: number) => formatNumber(Math.round(n), 'en');

function digitsAt(s: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * X v2's "2012-02-01T17:49:30.000Z" (with or without milliseconds) read by position, or NaN when
 * the text is not exactly that shape with fields in range; Date.parse reads everything else.
 */
function parseIsoUtc(s: string): number {
  const length = s.length;
  if (length !== 20 && length !== 24) return NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(length - 1) !== 90) return NaN;
  const ms = length === 24 ? (s.charCodeAt(19) === 46 ? digitsAt(s, 20, 3) : -1) : 0;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  if (ms < 0 || year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  // Days since 1970-01-01 (H. Hinnant's days_from_civil), as Date.UTC counts them.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const days = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
  return days * DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/** The last ISO date read: scoring a prospect reads its account's creation date twice (fit and activity). */
let lastIso = '';
let lastIsoMs = NaN;

/** Parses X v2 ISO dates and v1.1's "Wed Feb 01 17:49:30 +0000 2012". */
export function parseXDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (value === lastIso) return lastIsoMs;
  const iso = parseIsoUtc(value);
  if (iso === iso) {
    lastIso = value;
    lastIsoMs = iso;
    return iso;
  }
  // Anything else, local times included (they depend on the time zone): as Date.parse reads it.
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The end of the last persona's audience reasons, made once: a scorer has one range. */
let underFor = NaN;
let underText = '';
let aboveFor = NaN;
let aboveText = '';

/**
 * Audience in the persona's range. Below the minimum the value falls with the shortfall; in the
 * range it rises with the logarithm of the audience; above the maximum it fades again (an account
 * that large rarely answers a salesperson).
 */
export function authority(p: ProfileInput, range: { min_followers?: number | undefined; max_followers?: number | undefined }): ComponentResult {
  const followers = p.followers_count;
  if (followers === undefined) return { value: 0.5, reasons: [] };
  const min = Math.max(1, range.min_followers ?? 100);
  const max = Math.max(min + 1, range.max_followers ?? 100_000);
  let value: number;
  let text: string;
  if (followers < min) {
    value = 0.3 * (Math.log1p(followers) / Math.log1p(min));
    if (min !== underFor) {
      underFor = min;
      underText = ` followers, under the ${fmt(min)} wanted`;
    }
    text = fmt(followers) + underText;
    return { value, reasons: [{ share: value - 0.5, text }] };
  }
  if (followers > max) {
    value = Math.max(0.3, 0.8 - 0.25 * Math.log10(followers / max));
    if (max !== aboveFor) {
      aboveFor = max;
      aboveText = ` followers, above the ${fmt(max)} wanted`;
    }
    text = fmt(followers) + aboveText;
    return { value, reasons: [{ share: value - 0.5, text }] };
  }
  value = 0.6 + 0.4 * (Math.log(followers / min) / Math.log(max / min));
  const listed = p.listed_count ?? 0;
  text = `audience of ${fmt(followers)}${listed >= 10 ? `, listed by ${fmt(listed)}` : ''}`;
  return { value, reasons: [{ share: value - 0.5, text }] };
}

/**
 * How active the person is: posts per day over the account's life, and how recent the post that
 * found them is. A dormant account is a poor lead; a firehose often is not a person.
 */
export function activity(p: ProfileInput, now: number, lastPostAt: number | undefined): ComponentResult {
  const created = parseXDate(p.created_at);
  const reasons: ComponentReason[] = [];
  let value = 0.5;
  if (created !== undefined && p.tweet_count !== undefined) {
    const days = Math.max(1, (now - created) / DAY);
    const perDay = p.tweet_count / days;
    if (perDay < 0.02) {
      value = 0.2;
      reasons.push({ share: -0.3, text: 'rarely posts' });
    } else if (perDay > 60) {
      value = 0.3;
      reasons.push({ share: -0.2, text: `posts ${fmt(perDay)} times a day` });
    } else {
      value = 0.45 + 0.45 * Math.min(1, Math.log10(1 + perDay * 10) / 2);
      if (perDay >= 0.3) reasons.push({ share: value - 0.5, text: `posts about ${perDay >= 1.5 ? fmt(perDay) : perDay.toFixed(1)} a day` });
    }
  }
  if (lastPostAt !== undefined) {
    const ageDays = (now - lastPostAt) / DAY;
    if (ageDays <= 2) {
      value = Math.min(1, value + 0.1);
      reasons.push({ share: 0.1, text: ageDays < 1 ? 'posted today' : 'posted in the last 2 days' });
    }
  }
  return { value, reasons };
}
