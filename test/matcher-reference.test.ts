import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher, matchProfile, type MatcherPersona } from '../src/scoring/match.ts';
import { referenceMatch } from './support/reference-matcher.ts';

// The fast matcher against a plain reference (test/support/reference-matcher.ts) on generated
// personas and bios. The seed is fixed; set FC_SEED to try another (a failure prints its seed and
// the shrunk case).
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261203;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000;

// Words persona terms are made of: the lexicon's (which get no extra forms) and made-up ones with
// a digit (which get none either: see the reference's header).
const TITLES = ['head of growth', 'growth lead', 'vp marketing', 'CMO', 'directeur marketing', 'Directora de ventas', 'founder', 'DRH', 'chief technology officer', 'head of zq7', 'responsable zq7', 'zq9 lead'];
const EXCLUDES = ['recruiter', 'student', 'crypto', 'open to work', 'zq9', 'étudiant', 'reclutador'];
const INDUSTRIES = ['saas', 'b2b', 'software', 'fintech', 'zq7', 'zq8 cloud', 'logiciel'];
const INTERESTS = ['seo', 'plg', 'marketing automation', 'zq8', 'growth', 'ventas'];

const persona: fc.Arbitrary<MatcherPersona> = fc.record({
  titles: fc.subarray(TITLES, { minLength: 1 }),
  exclude: fc.subarray(EXCLUDES),
  industries: fc.subarray(INDUSTRIES),
  interests: fc.subarray(INTERESTS),
}).map(({ titles, exclude, industries, interests }) => ({ who: { titles, exclude, industries, interests } }));

/** Words of bios in English, French and Spanish, persona words among them, and words that contain them. */
const WORDS = [
  'head', 'of', 'growth', 'Growth', 'lead', 'VP', 'vp', 'marketing', 'Marketing', 'CMO', 'cmos', 'CTO', 'doctor', 'chief', 'technology', 'officer', 'director', 'Directeur', 'Directrice',
  'directora', 'Directora', 'de', 'des', 'ventas', 'ventes', 'sales', 'founder', 'Fundadora', 'cofondatrice', 'co-founder', 'DRH', 'RRHH', 'responsable', 'jefa', 'recruiter', 'recruiters',
  'Étudiant', 'étudiante', 'student', 'reclutadora', 'crypto', 'cryptos', 'open', 'to', 'work', 'saas', 'SaaS', 'B2B', 'b2b', 'software', 'Logiciel', 'fintech', 'FinTech', 'seo', 'SEO', 'PLG',
  'automation', 'zq7', 'ZQ7', 'zq7x', 'xzq7', 'zq8', 'zq9', 'Zq9', 'cloud', 'ex', 'former', 'anciennement', 'not', 'no', 'pas', 'sin', 'at', 'chez', 'en', '@acme', '@', 'Acme', 'Paris',
  'London', 'Madrid', 'café', 'señor', 'Équipe', 'and', 'et', 'y', 'the', 'le', 'el', 'I', 'love', 'j’aime', 'aspiring', 'looking', 'for', 'busco',
];
const SEPARATORS = [' ', ' ', ' ', ', ', ' | ', ' · ', '. ', ' - ', '-', '/', ' & ', ' (', ') ', '! ', '? ', ' 🚀 ', '🔥', ' 🇫🇷 ', '\n', ' https://t.co/x ', ' mail@acme.com ', ': ', '; '];

/** A word in some case, sometimes with an accent added or as a hashtag of two words. */
const word: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom('as is', 'upper', 'lower', 'capital')).map(([w, c]) => (c === 'upper' ? w.toUpperCase() : c === 'lower' ? w.toLowerCase() : c === 'capital' ? w.charAt(0).toUpperCase() + w.slice(1) : w)) },
  { weight: 1, arbitrary: fc.constantFrom(...WORDS).map((w) => w + '\u0301') },
  // CamelCase hashtags only: lower-case ones are split with the persona's words, which the reference does not do.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)).filter(([a, b]) => /^[a-z]/i.test(a) && /^[a-z]/i.test(b) && /^[a-z]+$/i.test(a + b)).map(([a, b]) => `#${a.charAt(0).toUpperCase()}${a.slice(1).toLowerCase()}${b.charAt(0).toUpperCase()}${b.slice(1).toLowerCase()}`) },
);

const bio: fc.Arbitrary<string> = fc.array(fc.tuple(word, fc.constantFrom(...SEPARATORS)), { maxLength: 14 }).map((parts) => parts.map(([w, s]) => w + s).join('').trim());

describe('the fast matcher agrees with the plain reference', () => {
  it(`on generated personas, bios and names (seed ${SEED}, FC_SEED to change)`, () => {
    fc.assert(
      fc.property(persona, bio, bio, (p, description, name) => {
        const fast = matchProfile(compileMatcher(p), { description, name });
        const reference = referenceMatch(p, { description, name });
        expect(fast.excluded, 'excluded').toBe(reference.excluded);
        expect(fast.titleMatched, 'title').toBe(reference.titleMatched);
        const texts = fast.reasons.map((r) => r.text);
        expect(texts.find((t) => t.startsWith('industry: ')), 'industries').toBe(reference.industries.length > 0 ? `industry: ${reference.industries.join(', ')}` : undefined);
        expect(texts.find((t) => t.startsWith('interested in ')), 'interests').toBe(reference.interests.length > 0 ? `interested in ${reference.interests.join(', ')}` : undefined);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('with one compiled matcher reading many bios in a row (reused buffers and caches)', () => {
    const p: MatcherPersona = { who: { titles: TITLES, exclude: EXCLUDES, industries: INDUSTRIES, interests: INTERESTS } };
    const matcher = compileMatcher(p);
    fc.assert(
      fc.property(bio, bio, (description, name) => {
        const fast = matchProfile(matcher, { description, name });
        const reference = referenceMatch(p, { description, name });
        expect(fast.excluded, 'excluded').toBe(reference.excluded);
        expect(fast.titleMatched, 'title').toBe(reference.titleMatched);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
