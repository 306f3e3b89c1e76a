/**
 * A plain reference for the fast matcher (src/scoring/match.ts), for property tests: slow and
 * simple on purpose. It reads texts with the public `analyse` and `termConcepts` (objects and
 * strings, no persona vocabulary, no word ids, no "can this text lead to a term" shortcut, no
 * caches, no reused buffers), then finds a persona's terms by comparing concept texts one by one.
 *
 * It answers what the fast matcher answers about terms: the exclusion found (bio first, then the
 * name), the title matched, the industries and interests named. It does not know the forms the
 * fast matcher adds to a persona's own words ("consultant" → "consultante"), nor the splitting of
 * lower-case hashtags with the persona's words: tests keep to terms and bios where those do not
 * arise.
 */
import { analyse, termConcepts, type MatcherPersona, type Token } from '../../src/scoring/match.ts';

export interface ReferenceMatch {
  excluded?: string;
  titleMatched?: string;
  industries: string[];
  interests: string[];
}

interface Term {
  category: 'title' | 'exclude' | 'industry' | 'interest';
  term: string;
  concepts: string[];
}

interface Hit {
  term: Term;
  /** First token and token count. */
  start: number;
  length: number;
  /** Order in which the persona lists it (ties between hits of the same span). */
  order: number;
  current: boolean;
  negated: boolean;
  company: boolean;
}

/** The level concepts (`lexicon.ts`). */
const LEVELS = new Set(['~intern', '~junior', '~mid', '~senior', '~lead', '~head', '~director', '~vp', '~c_level', '~founder']);
const isLevel = (concept: string) => LEVELS.has(concept);

/** A persona's terms with their concepts, in the order the fast matcher adds them; a title also in its reordered forms. */
function termsOf(persona: MatcherPersona): Term[] {
  const terms: Term[] = [];
  for (const title of persona.who.titles) {
    const concepts = termConcepts(title);
    if (concepts.length === 0) continue;
    terms.push({ category: 'title', term: title, concepts });
    // "Head of Growth" is also "Growth Head".
    let lead = 0;
    while (lead < concepts.length && isLevel(concepts[lead]!)) lead++;
    let trail = 0;
    while (trail < concepts.length - lead && isLevel(concepts[concepts.length - 1 - trail]!)) trail++;
    const fn = concepts.slice(lead, concepts.length - trail);
    if (fn.length > 0 && (lead > 0 || trail > 0)) {
      const levels = [...concepts.slice(0, lead), ...concepts.slice(concepts.length - trail)];
      terms.push({ category: 'title', term: title, concepts: [...fn, ...levels] });
      terms.push({ category: 'title', term: title, concepts: [...levels, ...fn] });
    }
  }
  const add = (category: Term['category'], list: readonly string[] | undefined) => {
    for (const term of list ?? []) {
      const concepts = termConcepts(term);
      if (concepts.length > 0) terms.push({ category, term, concepts });
    }
  };
  add('exclude', persona.who.exclude);
  add('industry', persona.who.industries);
  add('interest', persona.who.interests);
  return terms;
}

/** Every place a term's concepts appear in a row within one clause, in text order. */
function hitsIn(tokens: Token[], terms: Term[]): Hit[] {
  const hits: Hit[] = [];
  for (let start = 0; start < tokens.length; start++) {
    terms.forEach((term, order) => {
      const words = term.concepts;
      const span = tokens.slice(start, start + words.length);
      if (span.length < words.length) return;
      if (span.some((t, k) => t.text !== words[k] || t.clause !== tokens[start]!.clause)) return;
      hits.push({ term, start, length: words.length, order, current: span.every((t) => t.current), negated: tokens[start]!.negated, company: tokens[start]!.company });
    });
  }
  // Text order, then shorter first, then as the persona lists them.
  return hits.sort((a, b) => a.start - b.start || a.length - b.length || a.order - b.order);
}

function firstExclusion(hits: Hit[]): string | undefined {
  return hits.find((h) => h.term.category === 'exclude' && h.current && !h.negated)?.term.term;
}

export function referenceMatch(persona: MatcherPersona, profile: { description?: string; name?: string }): ReferenceMatch {
  const terms = termsOf(persona);
  const bio = hitsIn(analyse(profile.description ?? '').tokens, terms);
  const excluded = firstExclusion(bio) ?? firstExclusion(hitsIn(analyse(profile.name ?? '').tokens, terms));
  if (excluded !== undefined) return { excluded, industries: [], interests: [] };
  // The longest current title outside the employer's name; the first of the longest.
  let title: Hit | undefined;
  for (const h of bio) if (h.term.category === 'title' && h.current && !h.company && (!title || h.length > title.length)) title = h;
  const named = (category: Term['category']) => [...new Set(bio.filter((h) => h.term.category === category && !h.negated).map((h) => h.term.term))];
  const result: ReferenceMatch = { industries: named('industry'), interests: named('interest') };
  if (title) result.titleMatched = title.term.term;
  return result;
}
