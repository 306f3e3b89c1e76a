/**
 * Hostile people: one person in HOSTILE_EVERY (people, organisations and bots alike) has a name,
 * a bio and posts carrying what a page must render inert: script and HTML, `javascript:`
 * URLs, bidirectional overrides that reverse text, and words too long to wrap. Chosen by position
 * and picked by position, without drawing from the person's generator, so the rest of the world
 * is what it was.
 */

export const HOSTILE_EVERY = 499;
const HOSTILE_AT = 251;

/** Whether user `index` of any population is one of the hostile people. */
export function isHostile(index: number): boolean {
  return index % HOSTILE_EVERY === HOSTILE_AT;
}

const pick = <T>(list: readonly T[], index: number): T => list[Math.floor(index / HOSTILE_EVERY) % list.length]!;

/** A word of 120 letters: a page must let it wrap. */
const LONG_WORD = `Supercalifragilistic${'o'.repeat(100)}`;

/** At most 50 characters each, as X allows. */
export const HOSTILE_NAMES = [
  '<script>alert("name")</script>Ann',
  'Bob <img src=x onerror=alert(1)>',
  'Eve \u202Enwod\u202C Smith',
  '"><b>Mallory</b>',
  `Zed ${'W'.repeat(46)}`,
] as const;

/** At most 100 characters each: the person's own bio follows, cut to X's 160. */
export const HOSTILE_BIOS = [
  "<script>alert('bio')</script>",
  '<img src=x onerror=alert(1)><b>bold</b> <iframe src=//evil.test>',
  '<a href="javascript:alert(1)">portfolio</a> javascript:alert(2)',
  '\u202Etiforp rof gnitekram\u202C \u2066isolated\u2069 \u202Dforced\u202C',
  LONG_WORD.slice(0, 100),
  '"><svg onload=alert(1)> \'-alert(1)-\' `${alert(1)}`',
] as const;

/** At most 130 characters each: the post's own text follows, cut to X's 280. */
export const HOSTILE_POSTS = [
  '<script>alert("post")</script>',
  '<iframe src="javascript:alert(1)"></iframe> <a href=javascript:alert(1)>click</a>',
  'see javascript:alert(document.cookie) &amp; &lt;b&gt;',
  '\u202Egpj.exe\u202C \u2067rtl\u2069',
  LONG_WORD,
] as const;

export function hostileName(index: number): string {
  return pick(HOSTILE_NAMES, index);
}

export function hostileBio(index: number, bio: string): string {
  return `${pick(HOSTILE_BIOS, index)} ${bio}`.slice(0, 160).trimEnd();
}

export function hostilePost(index: number, text: string): string {
  return `${pick(HOSTILE_POSTS, index)} ${text}`.slice(0, 280).trimEnd();
}
