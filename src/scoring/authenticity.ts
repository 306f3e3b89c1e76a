import type { ProfileInput, Reason } from './types.ts';
import { formatNumber } from './components.ts';

/**
 * Authenticity: how likely a prospect is a real person rather than an automated account, from
 * the profile alone (no extra API call). A logistic model over nine engineered features:
 *
 *   z = bias + Σ weights[i] · x[i],   botProbability = 1 / (1 + e^−z),   score = 100 · (1 − botProbability)
 *
 * Each feature is 0 for a typical person and grows with one bot-like sign (few likes, following
 * far more than followed, posting like a machine …). A feature whose fields are absent counts as
 * its population mean (`fill`), so any subset of fields works: cresci-2017 has only counts, a
 * v1.1 export has no like count. The weights were fitted by `bench/fit-authenticity.ts` on the
 * labelled research data in ../shared/datasets/bots and on the sandbox population; that script
 * documents the method, reports held-out figures, and prints the constants below.
 *
 * It runs on every prospect (≥ 200,000 a second with the other components), so a call is plain
 * arithmetic and character-code loops over short strings: no regex, no Date.parse, no Intl.
 */

const DAY = 86_400_000;

/** Feature indices, in AUTHENTICITY_FEATURES order. */
const FEW_LIKES = 0;
const FOLLOWS_MANY = 1;
const LISTED_HEAVY = 2;
const POST_RATE = 3;
const QUIET = 4;
const DEFAULT_HANDLE = 5;
const PROMO_WORDS = 6;
const PROTECTED = 7;
const BRAND_NAME = 8;

/**
 * What each feature measures. 0 is a typical person; the fitting script tried more (followers,
 * posts, account age, empty bio, empty location, no link, verified, "we" in the bio) and dropped
 * them: with these nine in the model they added nothing on held-out data, or pushed the way common sense would
 * not (a young account counting for a person once its posting rate is known).
 */
export const AUTHENTICITY_FEATURES = [
  'few_likes: max(0, ln 301 − ln(1 + likes)), for the posts the account has liked (0 at 300 likes or more)',
  'follows_many: max(0, ln(1 + following) − ln(1 + followers) − ln 2), up to 5: follows over twice as many accounts as follow it',
  'listed_heavy: max(0, ln((1 + listed) / (50 + followers)) − ln 0.02), up to 5: on more lists than its audience explains',
  'post_rate: max(0, ln(posts per day since the account was made) − ln 5), up to 5: posts more than people do',
  'quiet: max(0, ln 0.05 − ln(posts per day)), up to 5: under one post in 20 days',
  'default_handle: 1 when the username ends in 5 or more digits, as the handles X suggests do',
  'promo_words: 1 when the name or bio uses a promotional word (shop, deals, giveaway, followback …)',
  'protected: 1 for a protected account',
  'brand_name: 1 when the display name is a single word or in capitals (3+ capitals, no lower case), as brands write theirs',
] as const;

export const FEATURE_COUNT = AUTHENTICITY_FEATURES.length;

/**
 * Fitted by bench/fit-authenticity.ts (data, method and cross-validation are described there).
 * `fill` is what a feature counts as when the fields it needs are absent: its mean over a
 * population with 15 % bots, so a missing field moves the score neither way on average.
 */
export const AUTHENTICITY_MODEL: { readonly bias: number; readonly weights: readonly number[]; readonly fill: readonly number[] } = {
  bias: -4.486,
  weights: [1.058, 0.328, 0.274, 0.468, 0.298, 0.741, 1.951, -0.786, 0.633],
  fill: [1.085, 0.378, 0.099, 0.182, 0.182, 0.073, 0.036, 0.016, 0.245],
};

/**
 * botProbability at or above which the product calls an account automated: 0.5, "more likely a
 * bot than a person". botProbability is calibrated to a stream of prospects where 15 % of the
 * accounts are automated, so 0.5 is the cut that makes the fewest mistakes when calling a person
 * a bot costs as much as missing a bot (for a lead list it costs more, another reason not to go
 * lower). bench/fit-authenticity.ts checks it: on cross-validated scores the mean accuracy over
 * cresci-2017, TwiBot-20 and the sandbox is flat at its best (0.921–0.922) from 0.40 to 0.60, and
 * 0.5 is where cresci-2017, the one set with many bots, does best within that range.
 */
export const AUTHENTICITY_THRESHOLD = 0.5;

export interface AuthenticityResult {
  /** 0–100, 100 = surely a real person. */
  score: number;
  /** 0–1. */
  botProbability: number;
  /**
   * At most four, the features that moved the score most. Points are shares of the score's
   * distance from a typical person's (about 99), so a bot-like sign is negative.
   */
  reasons: Reason[];
}

const MAX_REASONS = 4;
/** A reason worth less than this many points is noise to a reader. */
const MIN_REASON_POINTS = 3;

const LN_301 = Math.log(301);
const LN_2 = Math.log(2);
const LN_0_02 = Math.log(0.02);
const LN_5 = Math.log(5);
const LN_0_05 = Math.log(0.05);

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** A count as the scorer reads it: a finite number ≥ 0, or undefined. */
const count = (n: number | undefined): number | undefined => (n === undefined || !(n >= 0) || n === Infinity ? undefined : n);

/** Raw values the reasons quote, filled by authenticityFeatures. */
const RAW_FOLLOWERS = 0;
const RAW_FOLLOWING = 1;
const RAW_POSTS = 2;
const RAW_LISTED = 3;
const RAW_LIKES = 4;
const RAW_AGE_DAYS = 5;
const RAW_DIGITS = 6;
const RAW_NAME_SHAPE = 7;
const RAW = new Float64Array(8);
const X = new Float64Array(FEATURE_COUNT);
const CONTRIB = new Float64Array(FEATURE_COUNT);
/** Features worth a reason, most weighty first (the first `count` of them, in topReasons). */
const ORDER = new Int32Array(FEATURE_COUNT);

/**
 * The features of one profile, written into `out` (length FEATURE_COUNT); NaN where the fields a
 * feature needs are absent. Exported for the fitting script and the tests.
 */
export function authenticityFeatures(p: ProfileInput, now: number, out: Float64Array): Float64Array {
  for (let i = 0; i < FEATURE_COUNT; i++) out[i] = NaN;
  const followers = count(p.followers_count);
  const following = count(p.following_count);
  const posts = count(p.tweet_count);
  const listed = count(p.listed_count);
  const likes = count(p.like_count);

  if (likes !== undefined) out[FEW_LIKES] = Math.max(0, LN_301 - Math.log1p(likes));
  const lnFollowers = followers === undefined ? NaN : Math.log1p(followers);
  if (followers !== undefined && following !== undefined) out[FOLLOWS_MANY] = clamp(Math.log1p(following) - lnFollowers - LN_2, 0, 5);
  if (followers !== undefined && listed !== undefined) out[LISTED_HEAVY] = clamp(Math.log((1 + listed) / (50 + followers)) - LN_0_02, 0, 5);

  let ageDays = NaN;
  if (p.created_at !== undefined && posts !== undefined) {
    const created = parseCreatedAt(p.created_at);
    if (created === created) {
      ageDays = Math.max(1, (now - created) / DAY);
      const lnRate = Math.log((0.5 + posts) / ageDays);
      out[POST_RATE] = clamp(lnRate - LN_5, 0, 5);
      out[QUIET] = clamp(LN_0_05 - lnRate, 0, 5);
    }
  }
  let digits = 0;
  if (p.username !== undefined) {
    digits = trailingDigits(p.username);
    out[DEFAULT_HANDLE] = digits >= 5 ? 1 : 0;
  }
  if (p.description !== undefined || p.name !== undefined) {
    out[PROMO_WORDS] = (p.description !== undefined && hasPromoWord(p.description)) || (p.name !== undefined && hasPromoWord(p.name)) ? 1 : 0;
  }
  if (p.protected !== undefined) out[PROTECTED] = p.protected ? 1 : 0;
  let nameShape = 0;
  if (p.name !== undefined) {
    nameShape = brandNameShape(p.name);
    out[BRAND_NAME] = nameShape === 0 ? 0 : 1;
  }

  // What the reasons quote, for scoreAuthenticity's call that follows.
  RAW[RAW_FOLLOWERS] = followers ?? NaN;
  RAW[RAW_FOLLOWING] = following ?? NaN;
  RAW[RAW_POSTS] = posts ?? NaN;
  RAW[RAW_LISTED] = listed ?? NaN;
  RAW[RAW_LIKES] = likes ?? NaN;
  RAW[RAW_AGE_DAYS] = ageDays;
  RAW[RAW_DIGITS] = digits;
  RAW[RAW_NAME_SHAPE] = nameShape;
  return out;
}

/** A typical person's log-odds and score: every feature at 0. */
const BASE_Z = AUTHENTICITY_MODEL.bias;
const BASE_SCORE = 100 / (1 + Math.exp(BASE_Z));

/** Scores one profile. `now` is the instant account age is measured to (ms since epoch). */
export function scoreAuthenticity(p: ProfileInput, now: number): AuthenticityResult {
  authenticityFeatures(p, now, X);
  const { weights, fill } = AUTHENTICITY_MODEL;
  let z = BASE_Z;
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const x = X[i] as number;
    const c = (weights[i] as number) * (x === x ? x : (fill[i] as number));
    CONTRIB[i] = c;
    z += c;
  }
  const botProbability = 1 / (1 + Math.exp(-z));
  const exact = 100 * (1 - botProbability);
  // Points per unit of log-odds: the score's slope between a typical person and this profile,
  // so the points of all features add up to the score's distance from a typical person's.
  const dz = z - BASE_Z;
  const slope = Math.abs(dz) < 1e-9 ? -100 * botProbability * (1 - botProbability) : (exact - BASE_SCORE) / dz;
  return { score: Math.round(exact), botProbability, reasons: topReasons(slope) };
}

/** The known features that moved the score most, largest first. */
function topReasons(slope: number): Reason[] {
  let count = 0;
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const x = X[i] as number;
    if (x === x && Math.abs((CONTRIB[i] as number) * slope) >= MIN_REASON_POINTS) ORDER[count++] = i;
  }
  // Largest |contribution| first, ties in feature order (a stable insertion sort of at most nine).
  for (let k = 1; k < count; k++) {
    const i = ORDER[k] as number;
    const size = Math.abs(CONTRIB[i] as number);
    let j = k - 1;
    while (j >= 0 && Math.abs(CONTRIB[ORDER[j] as number] as number) < size) {
      ORDER[j + 1] = ORDER[j] as number;
      j--;
    }
    ORDER[j + 1] = i;
  }
  const reasons: Reason[] = [];
  for (let k = 0; k < count && k < MAX_REASONS; k++) {
    const i = ORDER[k] as number;
    reasons.push({ points: Math.round((CONTRIB[i] as number) * slope), text: reasonText(i) });
  }
  return reasons;
}

function reasonText(feature: number): string {
  const followers = RAW[RAW_FOLLOWERS] as number;
  const posts = RAW[RAW_POSTS] as number;
  const ageDays = RAW[RAW_AGE_DAYS] as number;
  switch (feature) {
    case FEW_LIKES: {
      const likes = RAW[RAW_LIKES] as number;
      return likes === 0 ? 'has never liked a post' : `liked only ${plural(likes, 'post')}`;
    }
    case FOLLOWS_MANY:
      return `follows ${formatCount(RAW[RAW_FOLLOWING] as number)} accounts, followed by ${formatCount(followers)}`;
    case LISTED_HEAVY:
      return `on ${plural(RAW[RAW_LISTED] as number, 'list')} with only ${plural(followers, 'follower')}`;
    case POST_RATE:
      return `posts ${formatCount(posts / ageDays)} times a day`;
    case QUIET:
      return posts === 0 ? `no posts in ${age(ageDays)}` : `${plural(posts, 'post')} in ${age(ageDays)}`;
    case DEFAULT_HANDLE:
      return `username ends in ${RAW[RAW_DIGITS]} digits, like the handles X suggests`;
    case PROMO_WORDS:
      return 'promotional words in name or bio';
    case PROTECTED:
      return 'protected account';
    case BRAND_NAME:
      return RAW[RAW_NAME_SHAPE] === NAME_ONE_WORD ? 'display name is a single word' : 'display name in capitals, as brands write theirs';
    default:
      throw new Error(`authenticity: no reason text for feature ${feature}`);
  }
}

/** 4210 → "4,210" (counts are rounded first). */
export function formatCount(n: number): string {
  return formatNumber(Math.round(n));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${Math.round(n) === 1 ? one : many}`;
}

function age(days: number): string {
  if (days < 60) return plural(Math.floor(days), 'day');
  if (days < 730) return plural(Math.floor(days / 30.44), 'month');
  return plural(Math.floor(days / 365.25), 'year');
}

const NAME_ONE_WORD = 1;
const NAME_CAPITALS = 2;

/**
 * NAME_ONE_WORD ("TECHECOLED", "Insteo", "maria"), NAME_CAPITALS ("NEWS USA": 3+ capitals, no
 * lower case) or 0. People mostly write a first and last name.
 */
function brandNameShape(name: string): number {
  let start = 0;
  let end = name.length;
  while (start < end && name.charCodeAt(start) <= 32) start++;
  while (end > start && name.charCodeAt(end - 1) <= 32) end--;
  if (start === end) return 0;
  let lower = 0;
  let upper = 0;
  let spaces = 0;
  for (let i = start; i < end; i++) {
    const c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) lower++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c === 32) spaces++;
  }
  if (spaces === 0) return NAME_ONE_WORD;
  return upper >= 3 && lower === 0 ? NAME_CAPITALS : 0;
}

function trailingDigits(s: string): number {
  let n = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n++;
  }
  return n;
}

/**
 * Promotional words, matched as whole words, case-insensitively, in English, French and Spanish.
 * Chosen from what spam and shop accounts write, before looking at any labelled profile; "sales"
 * and "marketing" are left out on purpose: they are job titles of the people we look for.
 */
const PROMO = [
  'shop', 'store', 'official', 'deals', 'giveaway', 'giveaways', 'promo', 'promos', 'discount', 'coupon',
  'shipping', 'airdrop', 'airdrops', 'followback', 'f4f', 'wholesale', 'boutique', 'tienda', 'ofertas',
  'envios', 'livraison', 'promotion', 'promociones', 'soldes',
];

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * The words' FNV-1a hashes in a small open-addressing table, so a call hashes each word of the
 * text as it reads it and never allocates (a Set lookup per word costs more than the scan).
 */
const PROMO_TABLE = new Int32Array(128);
for (const word of PROMO) {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  let slot = h & 127;
  while (PROMO_TABLE[slot] !== 0) slot = (slot + 1) & 127;
  PROMO_TABLE[slot] = h;
}

function isPromoHash(h: number): boolean {
  for (let slot = h & 127; ; slot = (slot + 1) & 127) {
    const v = PROMO_TABLE[slot] as number;
    if (v === h) return true;
    if (v === 0) return false;
  }
}

/** ASCII letters and digits make words; anything else (spaces, #, emoji, accents) separates. */
function hasPromoWord(s: string): boolean {
  let h = FNV_OFFSET;
  let len = 0;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 32;
    const lower = c | 32; // 'A'–'Z' → 'a'–'z'; nothing else lands in 'a'–'z'
    if ((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57)) {
      h = Math.imul(h ^ lower, FNV_PRIME);
      len++;
    } else if (len > 0) {
      if (len >= 3 && len <= 12 && isPromoHash(h)) return true;
      h = FNV_OFFSET;
      len = 0;
    }
  }
  return false;
}

const MONTH_KEYS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(
  (m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2),
);

function digitsAt(s: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); cheaper than Date.UTC. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function utc(year: number, month: number, day: number, h: number, min: number, sec: number): number {
  return daysFromCivil(year, month, day) * DAY + h * 3_600_000 + min * 60_000 + sec * 1000;
}

/**
 * An account's creation instant (ms), from X v2's ISO 8601 ("2012-02-01T17:49:30.000Z") or
 * v1.1's "Wed Feb 01 17:49:30 +0000 2012"; NaN when it is neither. The two usual shapes are read
 * by position; anything else goes to Date.parse.
 */
export function parseCreatedAt(s: string): number {
  if (s.length >= 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y = digitsAt(s, 0, 4);
    const m = digitsAt(s, 5, 2);
    const d = digitsAt(s, 8, 2);
    if (s.length === 10) return m >= 1 && m <= 12 && d >= 1 && d <= 31 ? utc(y, m, d, 0, 0, 0) : NaN;
    if (s.length >= 20 && s.charCodeAt(s.length - 1) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
      const h = digitsAt(s, 11, 2);
      const min = digitsAt(s, 14, 2);
      const sec = digitsAt(s, 17, 2);
      if (m >= 1 && m <= 12 && d >= 1 && d <= 31 && h <= 23 && min <= 59 && sec <= 60) return utc(y, m, d, h, min, sec);
      return NaN;
    }
    return Date.parse(s);
  }
  if (s.length === 30 && s.charCodeAt(3) === 32 && s.charCodeAt(7) === 32 && s.charCodeAt(19) === 32 && s.charCodeAt(25) === 32) {
    const month = MONTH_KEYS.indexOf((s.charCodeAt(4) << 16) | (s.charCodeAt(5) << 8) | s.charCodeAt(6));
    const d = digitsAt(s, 8, 2);
    const h = digitsAt(s, 11, 2);
    const min = digitsAt(s, 14, 2);
    const sec = digitsAt(s, 17, 2);
    const sign = s.charCodeAt(20) === 45 ? -1 : 1;
    const offset = sign * (digitsAt(s, 21, 2) * 60 + digitsAt(s, 23, 2));
    const y = digitsAt(s, 26, 4);
    if (month < 0 || !(d >= 1 && d <= 31 && h <= 23 && min <= 59 && sec <= 60)) return NaN;
    return utc(y, month + 1, d, h, min, sec) - offset * 60_000;
  }
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : NaN;
}
