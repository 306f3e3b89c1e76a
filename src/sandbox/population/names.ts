/**
 * People's display names and usernames. Name lists are slugged once at load; per user we only
 * pick and concatenate, so a million users cost no regex work.
 */
import type { Lang, Seniority } from '../types.ts';
import type { Rng } from '../rng.ts';
import { slug } from './slug.ts';
import { NAMES } from './text/names.ts';

export interface NameEntry {
  display: string;
  /** Lowercase ASCII: "lefevre". */
  slug: string;
  /** Capitalised ASCII: "Lefevre". */
  cap: string;
}

export interface Person {
  first: NameEntry;
  last: NameEntry;
  /** Second surname, common in Spanish-speaking countries. */
  last2: NameEntry | null;
}

function entries(names: readonly string[]): NameEntry[] {
  return names.map((display) => {
    const s = slug(display) || 'x';
    return { display, slug: s, cap: s.charAt(0).toUpperCase() + s.slice(1) };
  });
}

interface Pool {
  female: NameEntry[];
  male: NameEntry[];
  last: NameEntry[];
}

const POOLS: Readonly<Record<Lang, Pool>> = {
  en: { female: entries(NAMES.en.female), male: entries(NAMES.en.male), last: entries(NAMES.en.last) },
  fr: { female: entries(NAMES.fr.female), male: entries(NAMES.fr.male), last: entries(NAMES.fr.last) },
  es: { female: entries(NAMES.es.female), male: entries(NAMES.es.male), last: entries(NAMES.es.last) },
};

/** Female first names of every language, to recover grammatical gender from a display name. */
const FEMALE_FIRST: ReadonlySet<string> = new Set([...NAMES.en.female, ...NAMES.fr.female, ...NAMES.es.female]);

/** Guesses grammatical gender from the first word of a display name (unknown → masculine). */
export function isFeminineName(name: string): boolean {
  let start = 0;
  if (name.startsWith('Dr. ')) start = 4;
  const space = name.indexOf(' ', start);
  const first = space < 0 ? name.slice(start) : name.slice(start, space);
  return FEMALE_FIRST.has(first) || FEMALE_FIRST.has(first.charAt(0).toUpperCase() + first.slice(1));
}

export function pickPerson(rng: Rng, lang: Lang, feminine: boolean): Person {
  const pool = POOLS[lang];
  const first = rng.pick(feminine ? pool.female : pool.male);
  const last = rng.pick(pool.last);
  const last2 = lang === 'es' && rng.chance(0.35) ? rng.pick(pool.last) : null;
  return { first, last, last2 };
}

/** A random first name of a language (replies addressing someone we know nothing about). */
export function randomFirstName(rng: Rng, lang: Lang): string {
  const pool = POOLS[lang];
  return rng.pick(rng.chance(0.5) ? pool.female : pool.male).display;
}

/** A made-up person's handle for @mentions in posts. */
export function randomPersonHandle(rng: Rng, lang: Lang): string {
  const pool = POOLS[lang];
  const first = rng.pick(rng.chance(0.5) ? pool.female : pool.male);
  const last = rng.pick(pool.last);
  switch (rng.int(4)) {
    case 0:
      return (first.slug + last.slug).slice(0, 15);
    case 1:
      return (first.slug + '_' + last.slug).slice(0, 15);
    case 2:
      return (first.slug.charAt(0) + last.slug).slice(0, 15);
    default:
      return (first.cap + last.cap).slice(0, 15);
  }
}

const NAME_EMOJI = ['🚀', '✨', '🌻', '☕', '🌍', '🏳️‍🌈', '🇫🇷', '🇪🇸', '🇲🇽', '🇦🇷', '🇨🇴', '🇬🇧', '🇺🇸', '🌊', '🔥', '🦄', '💙', '🌱'];

export function displayName(rng: Rng, person: Person, trade: string, seniority: Seniority): string {
  const first = person.first.display;
  const last = person.last2 ? `${person.last.display} ${person.last2.display}` : person.last.display;
  if (trade === 'doctor' && rng.chance(0.4)) return `Dr. ${first} ${last}`;
  if (trade === 'scientist' && (seniority === 'senior' || seniority === 'head') && rng.chance(0.3)) return `${first} ${last}, PhD`;
  const r = rng.next();
  if (r < 0.56) return `${first} ${last}`;
  if (r < 0.67) return first;
  if (r < 0.72) return `${first} ${last}`.toLowerCase();
  if (r < 0.77) return `${first} ${person.last.display.charAt(0)}.`;
  if (r < 0.86) return `${first} ${last} ${rng.pick(NAME_EMOJI)}`;
  if (r < 0.9) return `${first} ${rng.pick(NAME_EMOJI)}`;
  if (r < 0.93) return first.toLowerCase();
  if (r < 0.94) return `${first} ${last}`.toUpperCase();
  return `${first} ${person.last.display}`;
}

const TRADE_HANDLE_WORDS: Readonly<Record<string, readonly string[]>> = {
  marketing: ['growth', 'mktg', 'marketing', 'brand'],
  sales: ['sales', 'closes', 'sells'],
  founder: ['builds', 'ceo', 'founder'],
  cto: ['cto', 'eng', 'tech'],
  devops: ['ops', 'sre', 'devops', 'k8s'],
  data: ['data', 'sql', 'ml'],
  hr: ['hr', 'talent', 'people', 'rh'],
  finance: ['cfo', 'fin', 'numbers'],
  procurement: ['buys', 'sourcing'],
  software_dev: ['dev', 'codes', 'js', 'py'],
  student: ['uni', 'student'],
  teacher: ['teach', 'profe', 'prof'],
  nurse: ['rn', 'nurse'],
  doctor: ['md', 'doc', 'dr'],
  cook: ['chef', 'cooks', 'bakes'],
  police: ['cop', 'police'],
  artist: ['art', 'draws', 'design'],
  journalist: ['news', 'writes', 'press'],
  athlete: ['runs', 'fit', 'coach'],
  farmer: ['farm', 'farmer'],
  musician: ['music', 'beats', 'sings'],
  lawyer: ['law', 'legal', 'esq'],
  retiree: ['retired', 'gardens'],
  personal: ['fan', 'life', 'xo'],
  shopkeeper: ['shop', 'store'],
  scientist: ['lab', 'sci', 'phd'],
  creator: ['tv', 'live', 'yt'],
  tradesperson: ['builds', 'fixes', 'tools'],
};
const FUN_ADJ = ['pixel', 'cosmic', 'lazy', 'happy', 'salty', 'sleepy', 'tiny', 'wild', 'retro', 'spicy', 'quiet', 'lucky', 'urban', 'midnight', 'feral', 'chaotic'];
const FUN_NOUN = ['panda', 'taco', 'otter', 'fox', 'ghost', 'wizard', 'potato', 'cactus', 'pancake', 'comet', 'koala', 'noodle', 'raven', 'mango', 'goblin', 'bean'];

/**
 * X's default for accounts that never chose a handle: up to 7 letters of the name and 8 digits
 * ("Lisa963738939", "ArturoR27179435"). Fake followers keep it; some new humans do too.
 */
export function defaultUsername(rng: Rng, person: Person): string {
  const letters = (person.first.cap + person.last.cap).slice(0, rng.chance(0.7) ? 7 : person.first.cap.length);
  let digits = '';
  for (let i = 0; i < 8; i++) digits += rng.int(10);
  return (letters + digits).slice(0, 15);
}

/** A username the way people pick them; may collide, `users.ts` dedupes. */
export function chooseUsername(rng: Rng, person: Person, trade: string): string {
  const f = person.first;
  const l = person.last;
  const r = rng.next();
  let u: string;
  if (r < 0.2) u = f.slug + l.slug;
  else if (r < 0.32) u = `${f.slug}_${l.slug}`;
  else if (r < 0.42) u = f.cap + l.cap;
  else if (r < 0.52) u = f.slug.charAt(0) + l.slug;
  else if (r < 0.58) u = f.slug + l.slug.charAt(0);
  else if (r < 0.68) u = f.slug + rng.range(1, 9999);
  else if (r < 0.74) u = `${f.slug}_${l.slug}${rng.range(10, 99)}`;
  else if (r < 0.78) u = rng.pick(['the', 'its', 'hey', 'im', 'real']) + f.cap + (rng.chance(0.5) ? l.cap : '');
  else if (r < 0.85) {
    const word = rng.pick(TRADE_HANDLE_WORDS[trade] ?? ['x']);
    u = rng.chance(0.5) ? `${f.slug}_${word}` : `${word}${f.cap}`;
  } else if (r < 0.89) u = l.slug + f.slug;
  else if (r < 0.96) u = rng.pick(FUN_ADJ) + (rng.chance(0.5) ? '_' : '') + rng.pick(FUN_NOUN) + (rng.chance(0.5) ? rng.range(1, 99) : '');
  else u = f.cap + '_' + l.cap;
  return u.slice(0, 15);
}
