/**
 * Bios, written the way people write them: a role with a company ("Head of Growth @brightloop"),
 * sometimes two roles or a former one, a few bits about the trade or life, hashtags, emoji,
 * pronouns, a disclaimer, a link; or a joke; or nothing. Segments are added in order while the
 * bio stays within X's 160 characters.
 */
import type { AutomationKind, Lang } from '../types.ts';
import type { Rng } from '../rng.ts';
import { EMOJI, TRADE_EMOJI, tco } from './common.ts';
import { pickCompany, pickTool } from './companies.ts';
import { pickCity } from './places.ts';
import { fill, SLOT, type Template } from './template.ts';
import { TEXT, type CompiledLang, type Gendered } from './text/index.ts';
import { TRADES } from './trades.ts';

const MAX_BIO = 160;
/** Share of human bios left empty (X shows many blank profiles). */
const EMPTY_BIO_SHARE = 0.1;

const SEPARATORS = [' | ', ' · ', '. ', ' • ', ' / ', ' — ', ', ', '\n', ' | ', ' · '];

const g = (pair: Gendered, feminine: boolean): string => (feminine ? pair[1] : pair[0]);

/** Where a trade works when it has no places of its own: 1 software companies, 2 firms, 0 neither. */
const EMPLOYER: readonly number[] = TRADES.map((t) => (t.b2b || t.id === 'software_dev' ? 1 : t.id === 'lawyer' || t.id === 'artist' ? 2 : 0));

function hasCapitalAfterFirst(text: string): boolean {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/** Adds `segment` to `parts` if the bio would stay within MAX_BIO; returns the new length. */
function push(parts: string[], length: number, sepLength: number, segment: string): number {
  const extra = (parts.length > 0 ? sepLength : 0) + segment.length;
  if (segment.length === 0 || length + extra > MAX_BIO) return length;
  parts.push(segment);
  return length + extra;
}

function roleSegment(rng: Rng, text: CompiledLang, tradeIndex: number, level: number, feminine: boolean): string {
  const trade = TRADES[tradeIndex];
  const compiled = text.trades[tradeIndex];
  if (!trade || !compiled) return '';
  const titles = compiled.titles[level];
  if (!titles || titles.length === 0) return '';
  let title = g(rng.pick(titles), feminine);

  // Two hats: "CTO & cofounder", or a second title from one step around the ladder.
  const twoRoles = rng.next();
  if (twoRoles < 0.08) {
    const other = compiled.titles[Math.max(1, Math.min(level + rng.range(-1, 1), compiled.titles.length - 1))];
    if (other && other.length > 0) {
      const second = g(rng.pick(other), feminine);
      // Sentence-case titles read on ("Acheteuse & stagiaire achats"); "CEO", "Head of Sales" keep their capitals.
      const sentenceCase = !hasCapitalAfterFirst(second);
      if (second !== title) title = title + rng.pick(text.roleJoiners) + (sentenceCase ? second.charAt(0).toLowerCase() + second.slice(1) : second);
    }
  } else if (twoRoles < 0.11) {
    return text.dayNight(title, g(rng.pick(text.nightRoles), feminine));
  }

  // Hospitals, schools, newsrooms for the trades that have them; companies for office trades.
  if (compiled.places.length > 0) return rng.chance(0.6) ? `${title} ${g(rng.pick(compiled.places), feminine)}` : title;
  const employer = EMPLOYER[tradeIndex] ?? 0;
  if (employer === 0 || !rng.chance(employer === 1 ? 0.75 : 0.35)) return title;
  const company = pickCompany(rng, text.lang, employer === 1 ? 0.85 : 0.1);
  return rng.pick(text.roleFrames)(title, company.name, company.handle);
}

/** `location` is the profile's location field: a bio may repeat it ("📍 Lyon"). */
export function humanBio(rng: Rng, lang: Lang, feminine: boolean, tradeIndex: number, level: number, location: string): string {
  if (rng.chance(EMPTY_BIO_SHARE)) return '';
  const text = TEXT[lang];
  if (rng.chance(0.05)) return g(rng.pick(text.jokes), feminine);
  const trade = TRADES[tradeIndex];
  const compiled = text.trades[tradeIndex];
  if (!trade || !compiled) throw new Error(`unknown trade index ${tradeIndex}`);

  const sep = rng.pick(SEPARATORS);
  const sepLength = sep.length;
  const parts: string[] = [];
  let length = 0;

  if (rng.chance(lang === 'en' ? 0.08 : 0.02)) length = push(parts, length, sepLength, g(rng.pick(text.pronouns), feminine));
  const lifeFirst = rng.chance(0.15);
  if (lifeFirst) length = push(parts, length, sepLength, g(rng.pick(text.life), feminine));

  let role = rng.chance(0.87) ? roleSegment(rng, text, tradeIndex, level, feminine) : '';
  if (role && rng.chance(0.25)) role += ' ' + rng.pick(TRADE_EMOJI[trade.id] ?? EMOJI);
  length = push(parts, length, sepLength, role);

  if (rng.chance(trade.b2b ? 0.16 : 0.05)) {
    const former = pickCompany(rng, lang, 0.8);
    const frame = rng.pick(text.formerFrames);
    length = push(parts, length, sepLength, frame(former.name, former.handle));
  }

  // Trade bits: people without a stated job lean on them more.
  const bitChance = role ? 0.45 : 0.8;
  if (compiled.bits.length > 0 && rng.chance(bitChance)) {
    const bit = g(rng.pick(compiled.bits), feminine);
    length = push(parts, length, sepLength, bit);
    if (rng.chance(0.3)) {
      const second = g(rng.pick(compiled.bits), feminine);
      if (second !== bit) length = push(parts, length, sepLength, second);
    }
  }
  if (!lifeFirst && rng.chance(role ? 0.15 : 0.35)) length = push(parts, length, sepLength, g(rng.pick(text.life), feminine));
  if (rng.chance(role ? 0.22 : 0.4)) {
    let hobby = g(rng.pick(text.hobbies), feminine);
    if (rng.chance(0.3)) hobby += ' ' + rng.pick(EMOJI);
    length = push(parts, length, sepLength, hobby);
  }
  if (location && rng.chance(0.06)) length = push(parts, length, sepLength, text.basedIn(location));
  if (rng.chance(0.28)) {
    let tags = rng.pick(compiled.tags);
    if (rng.chance(0.35)) {
      const second = rng.pick(compiled.tags);
      if (second !== tags) tags += ' ' + second;
    }
    length = push(parts, length, sepLength, tags);
  }
  if (rng.chance(trade.b2b || trade.id === 'journalist' ? 0.1 : 0.04)) length = push(parts, length, sepLength, rng.pick(text.disclaimers));
  if (rng.chance(0.06)) push(parts, length, sepLength, `${rng.pick(text.linkLeads)} ${tco(rng)}`);
  if (parts.length === 0) {
    // Nothing was drawn: keep at least one bit so that only EMPTY_BIO_SHARE of bios are empty.
    const fallback = compiled.bits.length > 0 ? compiled.bits : text.hobbies;
    parts.push(g(rng.pick(fallback), feminine));
  }

  let bio = parts.join(sep);
  if (rng.chance(0.06)) bio = bio.toLowerCase();
  if (rng.chance(0.1)) bio = rng.pick(EMOJI) + ' ' + bio;
  return bio.length <= MAX_BIO ? bio : bio.slice(0, MAX_BIO);
}

/** Fills the slots bios and names of bots and organisations use. */
function fillProfile(rng: Rng, template: Template, lang: Lang, feminine: boolean, company: string): string {
  return fill(template, feminine, (code) => {
    switch (code) {
      case SLOT.co:
        return company;
      case SLOT.n:
        return String(rng.range(2, 12));
      case SLOT.link:
        return tco(rng);
      case SLOT.city:
        return pickCity(rng, lang);
      default:
        return '';
    }
  });
}

export interface OrgProfile {
  name: string;
  bio: string;
}

/** Whether a trade has organisation accounts (newsrooms, police stations, restaurants…). */
export function tradeHasOrgs(lang: Lang, tradeIndex: number): boolean {
  return TEXT[lang].orgs[tradeIndex] != null;
}

export function orgProfile(rng: Rng, lang: Lang, tradeIndex: number): OrgProfile {
  const org = TEXT[lang].orgs[tradeIndex];
  if (!org) throw new Error(`trade ${TRADES[tradeIndex]?.id} has no organisation accounts in ${lang}`);
  const company = pickTool(rng).name;
  // Names and bios are paired by position, so the bakery does not describe itself as a taco bar.
  const i = rng.int(org.names.length);
  return {
    name: fillProfile(rng, org.names[i] as Template, lang, false, company),
    bio: fillProfile(rng, org.bios[i % org.bios.length] as Template, lang, false, company),
  };
}

/** Bios of automated accounts: mostly empty or generic for fake followers, loud for spam. */
export function botBio(rng: Rng, lang: Lang, kind: AutomationKind, feminine: boolean, company: string): string {
  const bots = TEXT[lang].bots;
  switch (kind) {
    case 'fake_follower':
      return rng.chance(0.55) ? '' : fillProfile(rng, rng.pick(bots.fakeBios), lang, feminine, company);
    case 'spam':
      return rng.chance(0.15) ? '' : fillProfile(rng, rng.pick(bots.spamBios), lang, feminine, company);
    case 'promotional':
      return fillProfile(rng, rng.pick(bots.promoBios), lang, feminine, company);
  }
}
