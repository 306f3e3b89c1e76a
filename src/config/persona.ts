/**
 * A persona: who marketing wants to reach (`who`), where to look for them (`search`), what a
 * post that wants to buy sounds like (`intent`), how to engage (`engagement`), and how many leads
 * a day go to whom (`queue`). One YAML file each in `config/personas/`, named after its `id`.
 *
 * Terms (titles, industries, exclusions, intent phrases) are written in any language and any
 * case; matching folds accents and knows synonyms across English, French and Spanish
 * (`src/scoring/lexicon.ts`), so "drh" also finds "HR Director" and "Directora de RRHH".
 */
import { z } from 'zod';
import { compile, QueryError } from '../x/query.ts';
import { SENIORITY_LEVELS } from '../scoring/lexicon.ts';
import { termConcepts } from '../scoring/match.ts';
import { TIERS } from '../x/tiers.ts';
import { between, flag, list, mapping, nonNegative, oneOf, text, timeOfDay, timeZone, whole } from './fields.ts';

export { SENIORITY_LEVELS, type Seniority } from '../scoring/lexicon.ts';

export const ENGAGEMENT_MODES = ['assist', 'auto', 'off'] as const;
export type EngagementMode = (typeof ENGAGEMENT_MODES)[number];

export const PERSONA_ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Default weights of the score's parts; a persona may change any of them. They are normalised to sum to 1. */
export const DEFAULT_WEIGHTS = { fit: 35, intent: 25, authority: 10, activity: 10, authenticity: 15, signals: 5 } as const;
export type WeightName = keyof typeof DEFAULT_WEIGHTS;

/**
 * Upper bounds of the numbers a persona sets, so that a slip (`per_day: 1e9`) is an error rather
 * than a cap that never binds. Likes and follows: X's own 24-hour cap per user, the highest of any
 * tier (`src/x/tiers.ts`); more could never be sent. Posts read: the largest monthly read cap of
 * any tier, in one day. Leads: more than a team can contact by hand in a day.
 */
export const PERSONA_LIMITS = {
  likesPerDay: Math.max(...Object.values(TIERS).map((t) => t.endpoints['likes.create'].userDay ?? 0)),
  followsPerDay: Math.max(...Object.values(TIERS).map((t) => t.endpoints['follows.create'].userDay ?? 0)),
  postsPerDay: Math.max(...Object.values(TIERS).map((t) => t.monthlyPostReads)),
  leadsPerDay: 500,
} as const;

/** A term to match: any language, at least one word once folded ("de" alone is not one). */
function term(what: string) {
  return text(what).superRefine((value, ctx) => {
    if (termConcepts(value).length === 0) ctx.addIssue({ code: 'custom', input: value, message: `${JSON.stringify(value)} has no word to match` });
  });
}

function terms(what: string) {
  return list(term(what), what).default([]);
}

/** A recent-search query X accepts: checked with the sandbox's parser, which has X's rules and messages. */
function searchQuery() {
  return text('a search query').superRefine((value, ctx) => {
    try {
      compile(value);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      ctx.addIssue({ code: 'custom', input: value, message: `X would refuse this query: ${error.message}` });
    }
  });
}

const ISO_639_1 = z
  .string({ error: () => 'expected a two-letter ISO 639-1 language code such as en, fr, es' })
  .regex(/^[a-z]{2}$/, { error: () => 'expected a two-letter ISO 639-1 language code such as en, fr, es' });

const audience = mapping({
  min_followers: whole().default(0).describe('Fewer followers than this lowers the fit.'),
  max_followers: whole().optional().describe('More followers than this lowers the fit (celebrities rarely reply).'),
}).superRefine((value, ctx) => {
  if (value.max_followers !== undefined && value.max_followers < value.min_followers) {
    ctx.addIssue({ code: 'custom', path: ['max_followers'], input: value.max_followers, message: `expected at least min_followers (${value.min_followers}), got ${value.max_followers}` });
  }
});

const who = mapping({
  titles: list(term('job titles'), 'job titles')
    .min(1, { error: () => 'expected at least one job title' })
    .describe('Job titles in any language: "head of growth", "responsable growth", "cmo".'),
  seniority: list(oneOf(SENIORITY_LEVELS), 'seniority levels').default([]).describe('Accepted seniority levels, read from the bio.'),
  industries: terms('industries').describe('Industries: saas, b2b, logiciel…'),
  interests: terms('interests').describe('Topics: plg, seo, marketing automation…'),
  education: terms('schools or degrees').describe('Schools or degrees.'),
  locations: terms('places').describe('Cities, countries, "remote". Matched against the profile location and the bio.'),
  languages: list(ISO_639_1, 'language codes').default([]).describe('ISO 639-1 codes of the languages the persona speaks.'),
  audience: audience.prefault({}),
  min_account_age_days: whole().default(0).describe('Younger accounts lower the fit.'),
  exclude: terms('terms to exclude').describe('A bio with any of these is never a match: recruiter, student, crypto…'),
});

const search = mapping({
  queries: list(searchQuery(), 'search queries')
    .min(1, { error: () => 'expected at least one search query' })
    .describe('X recent-search queries (X query language, at most 512 characters each).'),
  max_posts_per_day: whole(0, PERSONA_LIMITS.postsPerDay).default(1000).describe(`Read budget: posts read per day for this persona, all queries together (at most ${PERSONA_LIMITS.postsPerDay.toLocaleString('en')}: the largest monthly read cap of X's tiers).`),
  author_refresh_days: whole(0, 365)
    .default(3)
    .describe(
      "An author whose profile was read from X less than this many days ago is not read again when their posts turn up: search asks X for the posts only and looks up just the authors it does not know or whose profile is older (a user read costs twice a post read on pay-per-use). 0: read every author again each time, with the posts (X's author expansion).",
    ),
});

const intent = mapping({
  questions: terms('question phrases').describe('How people ask: "anyone recommend", "looking for", "alternatives to".'),
  needs: terms('needs').describe('What they need: "marketing automation", crm.'),
  pains: terms('pains').describe('What hurts: spreadsheet, "too expensive".'),
});

const perDay = (defaultValue: number, max: number, what: string) =>
  mapping({ per_day: whole(0, max).default(defaultValue).describe(`${what} per day, per account (at most ${max.toLocaleString('en')}: X's own daily cap per user).`) }).prefault({});

const workingHours = mapping({
  start: timeOfDay().default('09:00'),
  end: timeOfDay().default('18:00'),
  time_zone: timeZone().default('UTC').describe('IANA time zone of the working hours, e.g. Europe/Paris.'),
  overnight: flag().optional().describe('true when the hours run across midnight (start 22:00, end 06:00); an end before the start is otherwise an error.'),
}).superRefine((value, ctx) => {
  // zod checks the object even when a field failed: compare only two times that are times.
  if (![value.start, value.end].every((t) => /^\d\d:\d\d$/.test(t))) return;
  if (value.start === value.end) ctx.addIssue({ code: 'custom', path: ['end'], input: value.end, message: `expected a different time than start (${value.start}): the window would be empty` });
  else if (value.end < value.start && !value.overnight) {
    ctx.addIssue({ code: 'custom', path: ['end'], input: value.end, message: `the end (${value.end}) is before the start (${value.start}); swap them, or add overnight: true for hours across midnight` });
  } else if (value.end > value.start && value.overnight) {
    ctx.addIssue({ code: 'custom', path: ['overnight'], input: value.overnight, message: `overnight hours end before they start, but ${value.start}–${value.end} does not cross midnight; remove overnight: true` });
  }
});

const engagement = mapping({
  mode: oneOf(ENGAGEMENT_MODES).default('assist').describe('assist: a person clicks once per action; auto: the worker acts (within caps); off: no engagement.'),
  threshold: between(0, 100).default(60).describe('Engage matches scoring at least this (0–100).'),
  like: perDay(20, PERSONA_LIMITS.likesPerDay, 'Likes'),
  follow: perDay(10, PERSONA_LIMITS.followsPerDay, 'Follows'),
  working_hours: workingHours.prefault({}),
});

const queue = mapping({
  per_day: whole(0, PERSONA_LIMITS.leadsPerDay).default(15).describe(`Leads queued per day for this persona (at most ${PERSONA_LIMITS.leadsPerDay}: more than a team contacts by hand).`),
  min_score: between(0, 100).default(55).describe('Matches below this score never enter the queue (0–100).'),
  owners: list(text('an owner name'), 'owner names').default([]).describe('Who works these leads: owners of accounts in config/prospector.yaml. Empty: every owner.'),
});

const weight = (name: WeightName) => nonNegative().default(DEFAULT_WEIGHTS[name]);

const weights = mapping({
  fit: weight('fit'),
  intent: weight('intent'),
  authority: weight('authority'),
  activity: weight('activity'),
  authenticity: weight('authenticity'),
  signals: weight('signals'),
}).superRefine((value, ctx) => {
  const sum = Object.values(value).reduce((a, b) => a + b, 0);
  if (sum <= 0) ctx.addIssue({ code: 'custom', input: value, message: 'expected at least one weight above 0' });
});

export const PersonaSchema = mapping({
  id: z
    .string({ error: () => 'expected an id of lower-case letters, digits and dashes, e.g. growth-saas-en' })
    .regex(PERSONA_ID_RE, { error: () => 'expected an id of lower-case letters, digits and dashes, e.g. growth-saas-en' })
    .describe('Must equal the file name without .yaml.'),
  name: text('a name').describe('Shown in the queue and reports.'),
  description: text('a description').optional(),
  who,
  search,
  intent: intent.prefault({}),
  engagement: engagement.prefault({}),
  queue: queue.prefault({}),
  weights: weights.prefault({}).describe('Weights of the score parts; defaults 35/25/10/10/15/5, normalised to sum to 1.'),
}).meta({ title: 'Prospector persona', description: 'One target persona: config/personas/<id>.yaml.' });

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** A persona as written, defaults filled in. */
export type PersonaSpec = z.output<typeof PersonaSchema>;

/** A loaded persona: frozen, weights normalised to sum to 1, with the file it came from. */
export type Persona = DeepReadonly<PersonaSpec> & { readonly file: string };

/** Weights scaled to sum to 1 (the schema guarantees a positive sum). */
export function normaliseWeights(weights: PersonaSpec['weights']): PersonaSpec['weights'] {
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, v / sum])) as PersonaSpec['weights'];
}
