/**
 * How well a profile fits a persona, with reasons, in steps: exclusions (bio, then name), the
 * levels of each clause, the role (an exact title, a persona function at a level, a general role,
 * a function alone), seniority, industries, interests and education, location, language,
 * audience and account age; then the points put on the fit scale.
 */
import type { Matcher, MatchScratch, PlaceRead } from './compile-persona.ts';
import { formatNumber, parseXDate } from './components.ts';
import { flat, fold } from './fold.ts';
import type { BioLanguage } from './language.ts';
import { SENIORITY_LEVELS, SENIORITY_RANK, type Seniority } from './lexicon.ts';
import { findHits, type CompiledEntry, type HitList } from './persona-terms.ts';
import { POINTS } from './points.ts';
import { LEVEL_NAMES, SENIORITY_REJECTED_TEXT, SENIORITY_TEXT, asWritten, companyAfter, quote, spanText } from './reasons.ts';
import { COMPANY, CURRENT, NEGATED, type TokenList } from './token-list.ts';
import type { ProfileInput, Reason } from './types.ts';
import { GENERAL, type Vocabulary } from './vocabulary.ts';

export interface ProfileMatch {
  /** 0–1: how well the bio fits the persona's who. 0 when excluded. */
  fit: number;
  /** The persona's exclude term found in the bio or name. */
  excluded?: string;
  /** The persona's title term that matched, as written in the persona. */
  titleMatched?: string;
  /** The current role as the bio writes it ("Directrice marketing"). */
  role?: string;
  /** The current seniority read from the bio. */
  seniority?: Seniority;
  /** The employer after the role: "@acme", "Qonto" (from "chez Qonto"). */
  company?: string;
  language?: BioLanguage;
  /** Readable reasons; `points` are on the fit scale (their sum is about fit × 100). */
  reasons: Reason[];
}

export interface MatchOptions {
  /** The time to measure account age against (ms or Date); without it, age is not checked. */
  now?: number | Date;
}

const FOUNDER = SENIORITY_RANK.founder;
const MAX_KEPT_PLACES = 10_000;

/** What the role step found. */
interface Role {
  /** Rank of the current seniority, or -1. */
  seniority: number;
  /** The role as the bio writes it. */
  text: string | undefined;
  company: string | undefined;
  titleMatched: string | undefined;
  found: boolean;
}

/** How well a profile fits the persona, with reasons. Exclusions win over everything. */
export function matchProfile(matcher: Matcher, profile: ProfileInput, options: MatchOptions = {}): ProfileMatch {
  const scratch = matcher.scratch;
  const bio = profile.description ?? '';
  // Without a word that can lead to a term or a level, a bio gives nothing but its language.
  const language = scratch.main.readBio(bio, matcher.bioStarts);
  const t = scratch.main.tokens;
  const hits = findHits(matcher.profileTrie, matcher.aliases, t, scratch.hits);

  const excluded = exclusion(matcher, profile, bio, t, hits, language);
  if (excluded) return excluded;

  // The reasons' points add up to the fit's points (past roles count 0).
  const reasons: Reason[] = [];
  const clauses = levelsByClause(t, matcher.vocabulary, scratch);
  const role = readRole(matcher, bio, t, hits, clauses, reasons);
  if (role.seniority >= 0) seniorityReason(matcher, role, reasons);
  termReasons(matcher, profile, bio, t, hits, reasons);
  if (matcher.has.languages && language) {
    const reason = matcher.languageReasons[language];
    reasons.push({ points: reason.points, text: reason.text });
  }
  audienceReasons(matcher, profile, options, reasons);
  return fitResult(matcher, reasons, role, language);
}

/** An exclude term in the current bio (not "ex-recruiter", not "no recruiters") or in the name. */
function exclusion(matcher: Matcher, profile: ProfileInput, bio: string, t: TokenList, hits: HitList, language: BioLanguage | undefined): ProfileMatch | undefined {
  for (let h = 0; h < hits.n; h++) {
    const entry = hits.entry[h] as CompiledEntry;
    if (entry.category === 'exclude' && hits.bits[h] === CURRENT) {
      return excludedMatch(entry, spanText(bio, t, hits.from[h] as number, hits.to[h] as number), language);
    }
  }
  const aux = matcher.scratch.aux;
  if (profile.name && aux.readIfRelevant(profile.name, matcher.excludeStarts)) {
    const names = findHits(matcher.profileTrie, matcher.aliases, aux.tokens, matcher.scratch.auxHits);
    for (let h = 0; h < names.n; h++) {
      const entry = names.entry[h] as CompiledEntry;
      if (entry.category === 'exclude' && names.bits[h] === CURRENT) {
        return excludedMatch(entry, spanText(profile.name, aux.tokens, names.from[h] as number, names.to[h] as number), language, 'name');
      }
    }
  }
  return undefined;
}

function excludedMatch(entry: CompiledEntry, written: string, language: BioLanguage | undefined, where: 'bio' | 'name' = 'bio'): ProfileMatch {
  const term = entry.term;
  const text = entry.foldedTerm === fold(written) ? `excluded: '${term}'` : `excluded: '${term}' (${where} says ${quote(written)})`;
  const result: ProfileMatch = { fit: 0, excluded: term, reasons: [{ points: -100, text }] };
  if (language) result.language = language;
  return result;
}

/** The current levels of the bio per clause (in `scratch`), and over the whole bio. */
interface ClauseLevels {
  /** How many clauses the bio has. */
  count: number;
  /** The highest current level anywhere, or -1. */
  anyLevel: number;
  /** The first token of a level in a past role, or -1. */
  firstPastLevel: number;
}

/** Levels per clause, current role only: `scratch.clauseLevel[c]` and the tokens `clauseFrom[c]`–`clauseTo[c]` they span. */
function levelsByClause(t: TokenList, vocabulary: Vocabulary, scratch: MatchScratch): ClauseLevels {
  const count = t.n > 0 ? (t.clause[t.n - 1] as number) + 1 : 0;
  if (scratch.clauseLevel.length < count) {
    scratch.clauseLevel = new Int32Array(count * 2);
    scratch.clauseFrom = new Int32Array(count * 2);
    scratch.clauseTo = new Int32Array(count * 2);
  }
  const { clauseLevel, clauseFrom, clauseTo } = scratch;
  for (let c = 0; c < count; c++) clauseLevel[c] = -1;
  let anyLevel = -1;
  let firstPastLevel = -1;
  for (let i = 0; i < t.n; i++) {
    const id = t.id[i] as number;
    const level = id >= 0 ? (vocabulary.level[id] as number) : -1;
    if (level < 0) continue;
    if (((t.bits[i] as number) & CURRENT) === 0) {
      if (firstPastLevel < 0) firstPastLevel = i;
      continue;
    }
    const c = t.clause[i] as number;
    const seen = clauseLevel[c] as number;
    if (seen < 0) clauseFrom[c] = i;
    if (level > seen) clauseLevel[c] = level;
    clauseTo[c] = i;
    if (level > anyLevel) anyLevel = level;
  }
  return { count, anyLevel, firstPastLevel };
}

/**
 * The role: an exact title, else a persona function with a level in the same clause, else a
 * general role (founder, CEO) at a level the persona accepts, else a function alone; and a past
 * role, not counted, when there is no current one.
 */
function readRole(matcher: Matcher, bio: string, t: TokenList, hits: HitList, clauses: ClauseLevels, reasons: Reason[]): Role {
  const { clauseLevel, clauseFrom, clauseTo } = matcher.scratch;
  const vocabulary = matcher.vocabulary;
  let titleHit = -1;
  let roleHit = -1;
  let functionOnly = -1;
  let pastTitle = -1;
  for (let h = 0; h < hits.n; h++) {
    const from = hits.from[h] as number;
    if (((t.bits[from] as number) & COMPANY) !== 0) continue;
    const category = (hits.entry[h] as CompiledEntry).category;
    const current = ((hits.bits[h] as number) & CURRENT) !== 0;
    if (category === 'title') {
      if (!current) {
        if (pastTitle < 0) pastTitle = h;
      } else if (titleHit < 0 || (hits.to[h] as number) - from > (hits.to[titleHit] as number) - (hits.from[titleHit] as number)) {
        titleHit = h;
      }
    } else if (category === 'function' && current) {
      const level = clauseLevel[t.clause[from] as number] as number;
      if (level >= 0 && (!matcher.has.seniority || matcher.seniorityRanks[level])) {
        if (roleHit < 0) roleHit = h;
      } else if (functionOnly < 0) {
        functionOnly = h;
      }
    }
  }

  const role: Role = { seniority: -1, text: undefined, company: undefined, titleMatched: undefined, found: false };
  if (titleHit >= 0) {
    const entry = hits.entry[titleHit] as CompiledEntry;
    const hitFrom = hits.from[titleHit] as number;
    const hitTo = hits.to[titleHit] as number;
    const clause = t.clause[hitFrom] as number;
    const level = clauseLevel[clause] as number;
    const from = level >= 0 ? Math.min(hitFrom, clauseFrom[clause] as number) : hitFrom;
    const to = level >= 0 ? Math.max(hitTo, clauseTo[clause] as number) : hitTo;
    role.text = spanText(bio, t, from, to);
    role.titleMatched = entry.term;
    role.seniority = level >= 0 ? level : entry.level !== undefined ? SENIORITY_RANK[entry.level] : -1;
    role.company = companyAfter(bio, t, to, vocabulary);
    role.found = true;
    reasons.push({ points: POINTS.title, text: `title ${asWritten(entry.term, entry.plainTerm, spanText(bio, t, hitFrom, hitTo))} matches` });
  } else if (roleHit >= 0) {
    const entry = hits.entry[roleHit] as CompiledEntry;
    const hitFrom = hits.from[roleHit] as number;
    const clause = t.clause[hitFrom] as number;
    const level = clauseLevel[clause] as number;
    const from = Math.min(hitFrom, clauseFrom[clause] as number);
    const to = Math.max(hits.to[roleHit] as number, clauseTo[clause] as number);
    role.text = spanText(bio, t, from, to);
    role.seniority = level;
    role.company = companyAfter(bio, t, to, vocabulary);
    role.found = true;
    reasons.push({ points: POINTS.role, text: `role ${quote(role.text)} fits '${entry.conceptText}' at ${LEVEL_NAMES[level]} level` });
  } else {
    // A founder or CEO fits when the persona accepts that level (clauses in order).
    for (let clause = 0; clause < clauses.count; clause++) {
      const level = clauseLevel[clause] as number;
      if (level < 0 || !matcher.seniorityRanks[level]) continue;
      if (level !== FOUNDER && !hasGeneralFunction(t, clause, vocabulary)) continue;
      role.text = spanText(bio, t, clauseFrom[clause] as number, clauseTo[clause] as number);
      role.seniority = level;
      role.company = companyAfter(bio, t, clauseTo[clause] as number, vocabulary);
      role.found = true;
      reasons.push({ points: POINTS.generalRole, text: `role ${quote(role.text)}: ${LEVEL_NAMES[level]}, a level the persona targets` });
      break;
    }
    if (!role.found && functionOnly >= 0) {
      const entry = hits.entry[functionOnly] as CompiledEntry;
      const written = spanText(bio, t, hits.from[functionOnly] as number, hits.to[functionOnly] as number);
      reasons.push({ points: POINTS.functionOnly, text: `mentions ${asWritten(entry.conceptText, entry.plainConcepts, written)}` });
    }
  }
  if (role.seniority < 0 && clauses.anyLevel >= 0) role.seniority = clauses.anyLevel;
  if (!role.found && pastTitle >= 0) {
    reasons.push({ points: 0, text: `${quote(spanText(bio, t, hits.from[pastTitle] as number, hits.to[pastTitle] as number))} is a past role, not counted` });
  } else if (!role.found && clauses.firstPastLevel >= 0 && role.seniority < 0) {
    reasons.push({ points: 0, text: `${quote(spanText(bio, t, clauses.firstPastLevel, clauses.firstPastLevel))} is a past role, not counted` });
  }
  return role;
}

/** Whether a current token of the clause names a general role (CEO, DG: `executive`). */
function hasGeneralFunction(t: TokenList, clause: number, vocabulary: Vocabulary): boolean {
  for (let k = 0; k < t.n; k++) {
    const id = t.id[k] as number;
    if (t.clause[k] === clause && ((t.bits[k] as number) & CURRENT) !== 0 && id >= 0 && ((vocabulary.flags[id] as number) & GENERAL) !== 0) return true;
  }
  return false;
}

/** The seniority read from the bio, when the persona names the levels it targets. */
function seniorityReason(matcher: Matcher, role: Role, reasons: Reason[]): void {
  if (!matcher.has.seniority) return;
  if (matcher.seniorityRanks[role.seniority]) {
    reasons.push({ points: role.found ? POINTS.seniority : POINTS.seniorityWithoutRole, text: SENIORITY_TEXT[role.seniority] as string });
  } else {
    reasons.push({ points: POINTS.seniorityRejected, text: SENIORITY_REJECTED_TEXT[role.seniority] as string });
  }
}

/**
 * Industries, interests, education: anywhere in the bio, past roles included ("ex-SaaS"). Then
 * the location: the profile's location field first, then the bio ("📍 Lyon", "based in Paris").
 */
function termReasons(matcher: Matcher, profile: ProfileInput, bio: string, t: TokenList, hits: HitList, reasons: Reason[]): void {
  let industries: string[] | undefined;
  let interests: string[] | undefined;
  let education: string | undefined;
  let bioPlace = -1;
  for (let h = 0; h < hits.n; h++) {
    if (((hits.bits[h] as number) & NEGATED) !== 0) continue;
    const entry = hits.entry[h] as CompiledEntry;
    const term = entry.term;
    switch (entry.category) {
      case 'industry':
        if (!industries) industries = [term];
        else if (!industries.includes(term)) industries.push(term);
        break;
      case 'interest':
        if (!interests) interests = [term];
        else if (!interests.includes(term)) interests.push(term);
        break;
      case 'education':
        education ??= asWritten(term, entry.plainTerm, spanText(bio, t, hits.from[h] as number, hits.to[h] as number));
        break;
      case 'location':
        if (bioPlace < 0) bioPlace = h;
        break;
      default:
    }
  }
  if (industries) {
    reasons.push({ points: Math.min(POINTS.industryMax, POINTS.industryFirst + (industries.length - 1) * POINTS.industryMore), text: `industry: ${industries.join(', ')}` });
  }
  if (interests) {
    reasons.push({ points: Math.min(POINTS.interestMax, POINTS.interestFirst + (interests.length - 1) * POINTS.interestMore), text: `interested in ${interests.join(', ')}` });
  }
  if (education) reasons.push({ points: POINTS.education, text: `education ${education}` });

  if (matcher.has.locations) {
    const where = profile.location?.trim() ?? '';
    const place = where ? readPlace(matcher, where) : undefined;
    if (place?.found) reasons.push({ points: POINTS.location, text: place.text });
    else if (bioPlace >= 0) reasons.push({ points: POINTS.location, text: `bio mentions ${quote(spanText(bio, t, hits.from[bioPlace] as number, hits.to[bioPlace] as number))}` });
    else if (place) reasons.push({ points: POINTS.locationElsewhere, text: place.text });
  }
}

/** Whether a profile's location field names one of the persona's places, as a reason. */
function readPlace(matcher: Matcher, where: string): PlaceRead {
  // Locations repeat ("London", "Paris, France", "Remote"): each is read once per persona.
  const kept = matcher.places.get(where);
  if (kept !== undefined) return kept;
  let found = false;
  const aux = matcher.scratch.aux;
  aux.read(flat(where), false);
  const places = findHits(matcher.profileTrie, matcher.aliases, aux.tokens, matcher.scratch.auxHits);
  for (let h = 0; h < places.n && !found; h++) found = (places.entry[h] as CompiledEntry).category === 'location';
  const read = { found, text: found ? `based in ${quote(where)}` : `based in ${quote(where)}, not a persona location` };
  if (matcher.places.size >= MAX_KEPT_PLACES) matcher.places.clear();
  matcher.places.set(where, read);
  return read;
}

/** Audience out of the persona's range, and an account younger than it wants. */
function audienceReasons(matcher: Matcher, profile: ProfileInput, options: MatchOptions, reasons: Reason[]): void {
  const followers = profile.followers_count;
  if (followers !== undefined) {
    if (followers < matcher.minFollowers) {
      reasons.push({ points: POINTS.audienceBelow, text: formatNumber(followers) + matcher.audienceTexts.below });
    } else if (matcher.maxFollowers !== undefined && followers > matcher.maxFollowers) {
      reasons.push({ points: POINTS.audienceAbove, text: formatNumber(followers) + matcher.audienceTexts.above });
    }
  }
  if (options.now !== undefined && matcher.minAccountAgeDays > 0) {
    const created = parseXDate(profile.created_at);
    if (created !== undefined) {
      const now = typeof options.now === 'number' ? options.now : options.now.getTime();
      const days = Math.floor((now - created) / 86_400_000);
      if (days < matcher.minAccountAgeDays) reasons.push({ points: POINTS.tooYoung, text: `account ${days} day${days === 1 ? '' : 's'} old, persona wants at least ${matcher.minAccountAgeDays}` });
    }
  }
}

/** The fit (points over the persona's largest), with each reason's points put on that scale. */
function fitResult(matcher: Matcher, reasons: Reason[], role: Role, language: BioLanguage | undefined): ProfileMatch {
  let points = 0;
  for (const r of reasons) points += r.points;
  const fit = Math.max(0, Math.min(1, points / matcher.maxPoints));
  const scale = 100 / matcher.maxPoints;
  for (const r of reasons) r.points = Math.round(r.points * scale);
  const result: ProfileMatch = { fit, reasons };
  if (role.titleMatched !== undefined) result.titleMatched = role.titleMatched;
  if (role.text !== undefined) result.role = role.text;
  if (role.seniority >= 0) result.seniority = SENIORITY_LEVELS[role.seniority];
  if (role.company !== undefined) result.company = role.company;
  if (language !== undefined) result.language = language;
  return result;
}
