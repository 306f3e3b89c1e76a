/**
 * Tiny text templates, compiled once when the module loads so that filling one costs a few
 * string concatenations and no regex (the population has a million users and many more posts).
 *
 *   "Chargé[|e] de com chez {co} {emoji}"
 *
 * `{name}` is a slot filled by the caller; `[masc|fem]` is a grammatical-gender alternation for
 * French and Spanish, resolved from the person's gender.
 */

const SLOT_NAMES = [
  'tool', // a made-up software product: "Pipewise"
  'brand', // @handle of a made-up company
  'person', // @handle of a made-up person
  'co', // a made-up company name
  'n', // small count, 2–12
  'team', // team size, 5–200
  'pct', // percentage, 5–95
  'tag', // a hashtag of the author's trade
  'emoji',
  'link', // https://t.co/xxxxxxxxxx
  'city',
  'day', // weekday name
  'target', // first name of the person replied to or quoted
  'account', // @handle of the team's account a reaction is about
] as const;

export type SlotName = (typeof SLOT_NAMES)[number];

/** Slot codes by name, for the `slot(code)` callbacks of `fill`. */
export const SLOT = Object.fromEntries(SLOT_NAMES.map((name, i) => [name, i])) as Readonly<Record<SlotName, number>>;

/** A compiled part: literal text, a slot code (index in SLOT_NAMES), or a [masc, fem] pair. */
export type Part = string | number | readonly [string, string];
export type Template = readonly Part[];

const SLOT_CODE: ReadonlyMap<string, number> = new Map(SLOT_NAMES.map((name, i) => [name, i]));

function compile(source: string): Template {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '{') {
      const end = source.indexOf('}', i);
      const code = end < 0 ? undefined : SLOT_CODE.get(source.slice(i + 1, end));
      if (code === undefined) throw new Error(`template ${JSON.stringify(source)}: unknown slot at ${i}`);
      if (literal) parts.push(literal);
      literal = '';
      parts.push(code);
      i = end + 1;
    } else if (ch === '[') {
      const end = source.indexOf(']', i);
      const bar = source.indexOf('|', i);
      if (end < 0 || bar < 0 || bar > end) throw new Error(`template ${JSON.stringify(source)}: bad [m|f] at ${i}`);
      if (literal) parts.push(literal);
      literal = '';
      parts.push([source.slice(i + 1, bar), source.slice(bar + 1, end)]);
      i = end + 1;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

export function compileAll(sources: readonly string[]): Template[] {
  return sources.map(compile);
}

/** Resolves only the gender alternations of a slot-free template (titles, bio bits). */
export function gendered(source: string): readonly [string, string] {
  let masc = '';
  let fem = '';
  for (const part of compile(source)) {
    if (typeof part === 'string') {
      masc += part;
      fem += part;
    } else if (typeof part === 'number') {
      throw new Error(`template ${JSON.stringify(source)}: slots are not allowed here`);
    } else {
      masc += part[0];
      fem += part[1];
    }
  }
  return [masc, fem];
}

/** Fills a template; `slot(code)` returns the text for a slot. */
export function fill(template: Template, feminine: boolean, slot: (code: number) => string): string {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else if (typeof part === 'number') out += slot(part);
    else out += feminine ? part[1] : part[0];
  }
  return out;
}
