import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS } from '../src/scoring/combine.ts';
import { compileMatcher, matchIntent, matchProfile } from '../src/scoring/match.ts';
import { PersonaScorer, type PersonaForScoring } from '../src/scoring/score.ts';

// A config reload compiles every persona again. What a compiled matcher learns (its persona's
// words) must belong to it, not to a table of the process that only grows.

const SCORING = new URL('../src/scoring/', import.meta.url);

/** Every module of src/scoring, by file name. */
async function scoringModules(): Promise<Record<string, Record<string, unknown>>> {
  const modules: Record<string, Record<string, unknown>> = {};
  for (const file of readdirSync(SCORING).filter((f) => f.endsWith('.ts')).sort()) {
    modules[file] = (await import(new URL(file, SCORING).href)) as Record<string, unknown>;
  }
  return modules;
}

/** How many entries the tables reachable from `value` hold (arrays, typed arrays, maps, sets, and objects' fields), a few levels down. */
function entries(value: unknown, depth: number, seen: Set<unknown>): number {
  if (value === null || typeof value !== 'object' || seen.has(value) || depth < 0) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return (value as Uint8Array).length;
  let total = 0;
  if (value instanceof Map) {
    total += value.size;
    for (const v of value.values()) total += entries(v, depth - 1, seen);
  } else if (value instanceof Set) {
    total += value.size;
  } else if (Array.isArray(value)) {
    total += value.length;
    for (const v of value) total += entries(v, depth - 1, seen);
  } else {
    for (const v of Object.values(value)) total += entries(v, depth - 1, seen);
  }
  return total;
}

/** Entries of the tables each scoring module exports, by module and export. */
function tableSizes(modules: Record<string, Record<string, unknown>>): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const [file, exports] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(exports)) {
      const n = entries(value, 3, new Set());
      if (n > 0) sizes[`${file} ${name}`] = n;
    }
  }
  return sizes;
}

/** A persona as a marketer edits it between reloads: new words each time. */
function editedPersona(edit: number): PersonaForScoring {
  const word = `zq${edit.toString(36)}x`;
  return {
    id: `edited-${edit}`,
    who: {
      titles: ['head of growth', `${word}ista`, `director de ${word}ción`],
      seniority: ['head', 'director'],
      industries: [`${word}tech`],
      interests: [`#${word}Ops`],
      locations: ['paris', `${word}ville`],
      exclude: [`${word}bot`],
    },
    intent: { needs: [`${word} tool`], pains: [`${word}ing by hand`] },
    weights: DEFAULT_WEIGHTS,
  };
}

describe('the matcher owns its vocabulary', () => {
  it('leaves every table of the scoring modules as it was across 100 reloads with edited personas', async () => {
    const modules = await scoringModules();
    const profile = { description: 'Head of Growth chez Acme, ex-zq1xista #zq2xOps', name: 'Ana', location: 'Paris', followers_count: 900, created_at: '2020-01-01T00:00:00Z' };
    const now = Date.parse('2026-11-02T09:00:00Z');
    // A first reload fills whatever is filled once (warm caches), then none may grow.
    new PersonaScorer(editedPersona(0)).score({ profile, post: { text: 'any zq0x tool?', createdAt: new Date(now) }, signals: [] }, now);
    const before = tableSizes(modules);
    for (let reload = 1; reload <= 100; reload++) {
      const scorer = new PersonaScorer(editedPersona(reload));
      scorer.score({ profile, post: { text: `looking for a ${editedPersona(reload).who.titles[1]} tool?`, createdAt: new Date(now) }, signals: [] }, now);
    }
    expect(tableSizes(modules)).toEqual(before);
  });

  it('knows its persona’s words, which no other matcher knows', () => {
    const a = compileMatcher(editedPersona(1));
    const b = compileMatcher(editedPersona(2));
    expect(a.vocabulary.id('zq1xista')).toBeGreaterThanOrEqual(0);
    expect(b.vocabulary.id('zq1xista')).toBe(-1);
    expect(b.vocabulary.id('zq2xista')).toBeGreaterThanOrEqual(0);
    // The lexicon's words have the same ids in both.
    expect(a.vocabulary.id('director')).toBe(b.vocabulary.id('director'));
    expect(() => a.vocabulary.intern('zqlate')).toThrow(/sealed/);
    // And each finds its own terms only.
    expect(matchProfile(a, { description: 'Zq1xista at Acme' }).titleMatched).toBe('zq1xista');
    expect(matchProfile(b, { description: 'Zq1xista at Acme' }).titleMatched).toBeUndefined();
    expect(matchIntent(b, 'we need a zq2x tool').intent).toBeGreaterThan(0);
  });
});
