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
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** Parses X v2 ISO dates and v1.1's "Wed Feb 01 17:49:30 +0000 2012". */
export function parseXDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

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
    text = `${fmt(followers)} followers, under the ${fmt(min)} wanted`;
    return { value, reasons: [{ share: value - 0.5, text }] };
  }
  if (followers > max) {
    value = Math.max(0.3, 0.8 - 0.25 * Math.log10(followers / max));
    text = `${fmt(followers)} followers, above the ${fmt(max)} wanted`;
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
