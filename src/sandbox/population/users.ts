/**
 * The seeded population. User i is drawn from its own generator `Rng(seed, 'user', i)`, so the
 * first N users are the same whatever the population size; only usernames and old sequential ids
 * look at earlier users (to stay unique), and they only look backwards.
 */
import type { AutomationKind, Propensities, SandboxUser, Seniority } from '../types.ts';
import { Rng } from '../rng.ts';
import { botBio, humanBio, orgProfile, tradeHasOrgs } from './bios.ts';
import { tco } from './common.ts';
import { pickTool } from './companies.ts';
import { botCounts, humanCounts, orgCounts, type Counts } from './counts.ts';
import { POPULATION_NOW, UserIdAllocator } from './ids.ts';
import { hostileBio, hostileName, isHostile } from './hostile.ts';
import { chooseUsername, defaultUsername, displayName, pickPerson, type Person } from './names.ts';
import { pickLocation } from './places.ts';
import { WeightedTable } from './weighted.ts';
import { slug } from './slug.ts';
import { LANGS, SENIORITY_CODE, TEXT } from './text/index.ts';
import { TRADES, TRADE_WEIGHTS, tradeIndex } from './trades.ts';

const DAY = 86_400_000;

/** Share of automated accounts, and the mix of kinds among them. */
const AUTOMATED_SHARE = 0.15;
const BOT_KINDS = new WeightedTable<AutomationKind>(['fake_follower', 'spam', 'promotional'], [0.42, 0.31, 0.27]);

const HUMAN_LANGS = new WeightedTable(LANGS, [0.6, 0.2, 0.2]);
/** Spam and promotion are more often in English, whatever the market. */
const BOT_LANGS = new WeightedTable(LANGS, [0.7, 0.15, 0.15]);

/** Account creation years; bots skew recent, humans follow X's growth since 2009. */
/** The newest accounts are at least this old. */
const NEWEST_AGE = 3 * DAY;
/** [start, end) of each creation year 2007–2026, the last one ending a few days before "now". */
const YEAR_SPANS = Array.from({ length: 20 }, (_, i): readonly [number, number] => [
  Date.UTC(2007 + i, 0, 1),
  Math.min(Date.UTC(2008 + i, 0, 1), POPULATION_NOW - NEWEST_AGE),
]);
const HUMAN_YEARS = new WeightedTable(YEAR_SPANS, [1, 2, 5, 6, 7, 7, 6, 5, 5, 5, 5, 5, 5, 7, 6, 6, 5, 5, 5, 4]);
const BOT_YEARS = new WeightedTable(YEAR_SPANS, [0.2, 0.5, 1, 1.5, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8, 7]);

/** b2b fit by seniority code (SENIORITY_ORDER): who signs for software. */
const SENIORITY_FIT = [0.1, 0.12, 0.3, 0.5, 0.62, 0.72, 0.86, 0.9, 0.94, 1, 0.95];

const TRADE = {
  personal: tradeIndex('personal'),
  creator: tradeIndex('creator'),
  police: tradeIndex('police'),
  marketing: tradeIndex('marketing'),
  sales: tradeIndex('sales'),
  founder: tradeIndex('founder'),
  shopkeeper: tradeIndex('shopkeeper'),
};
const HUMAN_TRADES = new WeightedTable(TRADES.map((_, i) => i), TRADE_WEIGHTS);
/** Promotional bots pose as marketers, sales agencies, founders, shops and creators. */
const PROMO_TRADES = new WeightedTable([TRADE.marketing, TRADE.sales, TRADE.founder, TRADE.shopkeeper, TRADE.creator], [0.3, 0.15, 0.15, 0.25, 0.15]);
const LADDERS = TRADES.map((t) => new WeightedTable(t.seniority, t.seniorityWeights));
const SPAM_WORDS = ['crypto', 'deals', 'giveaway', 'promo', 'free', 'airdrop', 'signals', 'nft', 'cash', 'win', 'earn', 'bonus', 'follow', 'vip', 'gains'];

/** Organisation names repeat (a few templates × cities × brands): slug each once. */
const ORG_HANDLES = new Map<string, string>();
function orgHandle(name: string): string {
  let handle = ORG_HANDLES.get(name);
  if (handle === undefined) {
    handle = (slug(name) || 'org').slice(0, 15);
    ORG_HANDLES.set(name, handle);
  }
  return handle;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

function createdAt(rng: Rng, automated: boolean): number {
  if (rng.chance(automated ? 0.06 : 0.015)) {
    // Brand-new accounts: created in the last month.
    return POPULATION_NOW - NEWEST_AGE - Math.floor(rng.next() * 27 * DAY);
  }
  const [start, end] = (automated ? BOT_YEARS : HUMAN_YEARS).pick(rng);
  return start + Math.floor(rng.next() * (end - start));
}

function pickSeniority(rng: Rng, trade: number): Seniority {
  const ladder = LADDERS[trade];
  if (!ladder) throw new Error(`unknown trade index ${trade}`);
  return ladder.pick(rng);
}

function botUsername(rng: Rng, kind: AutomationKind, person: Person): string {
  if (kind === 'fake_follower') {
    return rng.chance(0.75) ? defaultUsername(rng, person) : `${person.first.slug}${rng.range(100, 99999)}`;
  }
  if (kind === 'spam') {
    const a = rng.pick(SPAM_WORDS);
    const b = rng.pick(SPAM_WORDS);
    return `${a}${rng.chance(0.5) ? '_' : ''}${b === a ? 'hub' : b}${rng.chance(0.7) ? rng.range(1, 999) : ''}`.slice(0, 15);
  }
  const brand = pickTool(rng).handle;
  return `${brand}${rng.pick(['', 'shop', 'official', '_deals', 'store', String(rng.range(1, 99))])}`.slice(0, 15);
}

/** Makes `base` unique (case-insensitively, as X does) by appending digits. */
function uniqueUsername(base: string, taken: Set<string>, seed: number, index: number): string {
  const key = base.toLowerCase();
  if (!taken.has(key)) {
    taken.add(key);
    return base;
  }
  const rng = new Rng(seed, 'username', index);
  for (let digits = 1; ; digits++) {
    const width = Math.min(digits, 8);
    for (let attempt = 0; attempt < 4; attempt++) {
      const suffix = String(rng.int(10 ** width));
      const candidate = base.slice(0, 15 - suffix.length) + suffix;
      const candidateKey = candidate.toLowerCase();
      if (!taken.has(candidateKey)) {
        taken.add(candidateKey);
        return candidate;
      }
    }
  }
}

function humanPropensities(rng: Rng, fit: number, followers: number): Propensities {
  // Big accounts rarely follow back; people who might buy are a little more curious.
  const damp = 1 / (1 + Math.pow(followers / 5000, 0.7));
  return {
    follow_back: round3(clamp(0.04 + (0.1 + 0.3 * fit) * damp * (0.6 + 0.8 * rng.next()), 0.02, 0.6)),
    like_back: round3(clamp(0.03 + (0.05 + 0.2 * fit) * damp * (0.5 + rng.next()), 0.01, 0.5)),
    reply: round3(0.01 + 0.06 * fit + 0.03 * rng.next()),
    mention: round3(0.005 + 0.02 * fit + 0.01 * rng.next()),
    opt_out: round3(0.005 + 0.025 * rng.next() + (followers > 10_000 ? 0.01 : 0)),
  };
}

function botPropensities(rng: Rng, kind: AutomationKind): Propensities {
  const u = (lo: number, hi: number): number => round3(lo + (hi - lo) * rng.next());
  switch (kind) {
    case 'fake_follower': // follow-for-follow
      return { follow_back: u(0.6, 0.95), like_back: u(0.02, 0.1), reply: u(0, 0.01), mention: 0, opt_out: 0 };
    case 'spam': // reply to anything with spam
      return { follow_back: u(0.1, 0.4), like_back: u(0.05, 0.2), reply: u(0.3, 0.6), mention: u(0.1, 0.3), opt_out: 0 };
    case 'promotional':
      return { follow_back: u(0.3, 0.6), like_back: u(0.1, 0.3), reply: u(0.05, 0.2), mention: u(0.05, 0.15), opt_out: 0 };
  }
}

function makeUser(seed: number, index: number, taken: Set<string>, ids: UserIdAllocator): SandboxUser {
  const rng = new Rng(seed, 'user', index);
  const automated = rng.chance(AUTOMATED_SHARE);
  const kind: AutomationKind | null = automated ? BOT_KINDS.pick(rng) : null;
  const lang = (kind === 'spam' || kind === 'promotional' ? BOT_LANGS : HUMAN_LANGS).pick(rng);
  const feminine = rng.chance(0.5);
  const created = createdAt(rng, automated);
  const ageDays = Math.max(1, (POPULATION_NOW - created) / DAY);
  const person = pickPerson(rng, lang, feminine);

  let trade: number;
  if (kind === null) trade = HUMAN_TRADES.pick(rng);
  else if (kind === 'promotional') trade = PROMO_TRADES.pick(rng);
  else if (kind === 'spam') trade = rng.chance(0.6) ? TRADE.personal : rng.chance(0.5) ? TRADE.creator : rng.int(TRADES.length);
  else trade = rng.chance(0.7) ? TRADE.personal : rng.int(TRADES.length);
  const tradeInfo = TRADES[trade];
  if (!tradeInfo) throw new Error(`unknown trade index ${trade}`);

  // Some bots copy a human profile and human-looking counts: detection has to stay hard.
  const disguised = kind !== null && rng.chance(kind === 'fake_follower' ? 0.12 : 0.3);
  const isOrg = kind === null && tradeHasOrgs(lang, trade) && rng.chance(0.08);
  const seniority: Seniority = isOrg ? 'none' : kind === null || disguised || kind === 'promotional' ? pickSeniority(rng, trade) : 'none';
  const level = SENIORITY_CODE.get(seniority) ?? 0;

  let location = pickLocation(rng, lang);
  if (kind === 'fake_follower' && !disguised && rng.chance(0.5)) location = '';

  let name: string;
  let username: string;
  let description: string;
  if (isOrg) {
    const org = orgProfile(rng, lang, trade);
    name = org.name;
    description = org.bio;
    username = orgHandle(org.name);
  } else if (kind === null || disguised) {
    name = displayName(rng, person, tradeInfo.id, seniority);
    const fresh = ageDays < 60 ? 0.3 : created > Date.UTC(2015, 0, 1) ? 0.05 : 0;
    username = kind === 'fake_follower' || rng.chance(fresh) ? defaultUsername(rng, person) : chooseUsername(rng, person, tradeInfo.id);
    description = humanBio(rng, lang, feminine, trade, level, location);
  } else {
    const company = pickTool(rng).name;
    if (kind === 'spam' && rng.chance(0.5)) name = rng.pick(TEXT[lang].bots.spamNames);
    else if (kind === 'promotional' && rng.chance(0.6)) name = company;
    else if (kind === 'fake_follower' && rng.chance(0.5)) name = rng.chance(0.5) ? person.first.display : person.first.display.toLowerCase();
    else name = displayName(rng, person, tradeInfo.id, seniority);
    username = botUsername(rng, kind, person);
    description = botBio(rng, lang, kind, feminine, company);
  }
  username = uniqueUsername(username || 'user', taken, seed, index);
  if (isHostile(index)) {
    name = hostileName(index);
    description = hostileBio(index, description);
  }

  const urlShare = isOrg ? 0.8 : kind === null || disguised ? 0.3 : kind === 'promotional' ? 0.85 : kind === 'spam' ? 0.4 : 0.03;
  const url = rng.chance(urlShare) ? tco(rng) : '';

  let counts: Counts;
  if (isOrg) counts = orgCounts(rng, ageDays);
  else if (kind === null) counts = humanCounts(rng, ageDays, tradeInfo, level);
  else if (disguised) {
    counts = humanCounts(rng, ageDays, tradeInfo, level);
    if (rng.chance(0.5)) counts.likes = Math.floor(counts.likes * 0.2);
    counts.postsPerDay = Math.max(counts.postsPerDay, kind === 'spam' ? 1 : 0.2);
  } else counts = botCounts(rng, ageDays, kind);

  const isProtected = rng.chance(kind === null && !isOrg ? 0.035 : 0.005);

  let verifiedType: SandboxUser['verifiedType'] = 'none';
  if (isOrg) {
    if (trade === TRADE.police && rng.chance(0.5)) verifiedType = 'government';
    else if (counts.followers > 1000 && rng.chance(0.2)) verifiedType = 'business';
    else if (rng.chance(0.05)) verifiedType = 'blue';
  } else if (kind === null) {
    const p = 0.025 + (counts.followers > 5000 ? 0.08 : 0) + (counts.followers > 100_000 ? 0.35 : 0);
    if (rng.chance(p)) verifiedType = 'blue';
  } else if (rng.chance(kind === 'fake_follower' ? 0.003 : kind === 'spam' ? 0.03 : 0.05)) {
    verifiedType = kind === 'promotional' && rng.chance(0.1) ? 'business' : 'blue';
  }

  const fit =
    kind !== null || isOrg
      ? round3(0.03 * rng.next())
      : round3(clamp(tradeInfo.fit * (SENIORITY_FIT[level] ?? 0.1) * (0.9 + 0.2 * rng.next()), 0, 1));
  const propensities = kind === null ? humanPropensities(rng, isOrg ? 0 : fit, counts.followers) : botPropensities(rng, kind);

  return {
    index,
    id: ids.next(created, index),
    username,
    name,
    description,
    location,
    url,
    createdAt: created,
    protected: isProtected,
    verified: verifiedType !== 'none',
    verifiedType,
    followersCount: counts.followers,
    followingCount: counts.following,
    tweetCount: counts.tweets,
    listedCount: counts.listed,
    likeCount: counts.likes,
    mediaCount: counts.media,
    postsPerDay: round3(counts.postsPerDay),
    truth: {
      trade: tradeInfo.id,
      seniority,
      language: lang,
      is_automated: kind !== null,
      automation_kind: kind,
      b2b_fit: fit,
      propensities,
    },
  };
}

/**
 * `count` users for `seed`: deterministic, and the first N users of a bigger population are the
 * users of the population of N.
 */
export function generateUsers(seed: number, count: number): SandboxUser[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`generateUsers: count must be an integer ≥ 0, got ${count}`);
  const users: SandboxUser[] = [];
  const taken = new Set<string>();
  const ids = new UserIdAllocator();
  for (let i = 0; i < count; i++) users.push(makeUser(seed, i, taken, ids));
  return users;
}

