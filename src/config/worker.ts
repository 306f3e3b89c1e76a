/**
 * The worker's config, `config/prospector.yaml`: which X (the sandbox or the real one), the
 * accounts the team acts as, schedules, the web page, the database, where personas live.
 *
 * Every key has a default, so an absent or empty file runs the sandbox with an embedded database.
 * Secrets never live in the file: it holds `${ENV_VAR}` references (`bearer_token:
 * ${X_BEARER_TOKEN}`) or, for account tokens, the variable's name (`token_env: X_TOKEN_MAYA`).
 * Resolved secrets are `Secret` objects that print as `[secret X_BEARER_TOKEN]`, never their value.
 */
import { inspect } from 'node:util';
import { Cron } from 'croner';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { builtInPhrases } from '../engage/replies/index.ts';
import { parsePasswordHash, USER_NAME } from '../web/auth.ts';
import { between, checkUrl, envName, ENV_NAME_RE, flag, isoDate, list, mapping, nonNegative, oneOf, sandboxUrl, SECRET_SCHEMAS, secretReference, text, timeZone, whole } from './fields.ts';

export const NETWORKS = ['sandbox', 'x'] as const;
export const AUTH_KINDS = ['oauth2', 'oauth1'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];
export type Network = (typeof NETWORKS)[number];

/** X API access levels; the same names as `TIER_NAMES` in `src/x/tiers.ts` (a test checks). */
export const TIERS = ['payperuse', 'basic', 'pro'] as const;
export type Tier = (typeof TIERS)[number];

/** The scheduled jobs (see `jobs/index.ts`). */
export const JOB_NAMES = ['search', 'engage', 'signals', 'score', 'queue'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * When each job runs unless the file says otherwise: a cron expression, or `after` another job
 * (score runs when a search run has finished, for the same tick).
 */
export const DEFAULT_SCHEDULES: Readonly<Record<JobName, { cron?: string; after?: JobName }>> = {
  search: { cron: '*/30 8-18 * * 1-5' },
  engage: { cron: '*/10 * * * *' },
  signals: { cron: '5 * * * *' },
  score: { after: 'search' },
  queue: { cron: '30 7 * * 1-5' },
};

/** The sandbox's accounts (`src/sandbox/world.ts`), used when `network: sandbox` lists none (a test checks). */
export const SANDBOX_ACCOUNTS: ReadonlyArray<{ readonly handle: string; readonly owner: string }> = [
  { handle: 'maya_sells', owner: 'maya' },
  { handle: 'lucas_ventes', owner: 'lucas' },
  { handle: 'sofia_ventas', owner: 'sofia' },
];

export const DEFAULT_DATA_DIR = '.prospector/data';
export const DEFAULT_PERSONAS_DIR = 'config/personas';

function cronExpression() {
  return z.string({ error: () => 'expected a cron expression such as "*/30 8-19 * * 1-5"' }).superRefine((value, ctx) => {
    try {
      new Cron(value, { paused: true });
    } catch (error) {
      ctx.addIssue({ code: 'custom', input: value, message: `expected a cron expression (minute hour day-of-month month day-of-week), got ${JSON.stringify(value)}: ${(error as Error).message}` });
    }
  });
}

const schedule = (job: JobName) =>
  mapping({
    cron: cronExpression().optional().describe(`When ${job} runs (cron, 5 or 6 fields).${DEFAULT_SCHEDULES[job].cron ? ` Default "${DEFAULT_SCHEDULES[job].cron}".` : ''}`),
    after: oneOf(JOB_NAMES).optional().describe(`Run ${job} when a run of this job has finished, instead of on a cron.${DEFAULT_SCHEDULES[job].after ? ` Default: after ${DEFAULT_SCHEDULES[job].after}.` : ''}`),
    time_zone: timeZone().optional().describe('IANA time zone of the cron; default: the top-level time_zone.'),
    enabled: flag().default(true),
  })
    .superRefine((value, ctx) => {
      if (value.cron !== undefined && value.after !== undefined) ctx.addIssue({ code: 'custom', path: ['after'], input: value.after, message: 'expected either cron or after, not both' });
      if (value.after === job) ctx.addIssue({ code: 'custom', path: ['after'], input: value.after, message: `a job cannot run after itself` });
    })
    .transform((value) => (value.cron === undefined && value.after === undefined ? { ...value, ...DEFAULT_SCHEDULES[job] } : value))
    .prefault({});

const account = mapping({
  handle: z
    .string({ error: () => 'expected an X handle: 1–15 letters, digits or _, without the @' })
    .regex(/^[A-Za-z0-9_]{1,15}$/, { error: () => 'expected an X handle: 1–15 letters, digits or _, without the @' }),
  owner: z
    .string({ error: () => 'expected an owner name: letters, digits, ., _ or -' })
    .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: () => 'expected an owner name: letters, digits, ., _ or -' })
    .describe('The salesperson who owns this account; personas name owners in queue.owners.'),
  token_env: envName('X_TOKEN_MAYA').optional().describe("Environment variable with the account's OAuth2 user access token."),
  refresh_token_env: envName('X_REFRESH_MAYA').optional().describe('Environment variable with its OAuth2 refresh token (needs x.client_id).'),
  oauth1_token_env: envName('X_OAUTH1_TOKEN_MAYA').optional().describe('OAuth 1.0a instead of OAuth2: the access token variable (needs x.consumer_key and x.consumer_secret).'),
  oauth1_secret_env: envName('X_OAUTH1_SECRET_MAYA').optional().describe('OAuth 1.0a: the access token secret variable.'),
  auth: oneOf(AUTH_KINDS).optional().describe('oauth2 or oauth1; default: oauth1 when oauth1_token_env is set, else oauth2.'),
  engaging_since: isoDate().optional().describe('When this account started engaging (YYYY-MM-DD): the warm-up ramp counts weeks from it. Default: its first day in Prospector.'),
});

export const NOTIFY_FORMATS = ['slack', 'json'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];
/** `owner: all`: a team's webhook, told about every owner's leads. */
export const ALL_OWNERS = 'all';
export const PUBLIC_URL_EXAMPLE = 'https://prospector.example.com';

/**
 * The name of an environment variable holding a webhook's URL or signing secret, never the value.
 * Registered as a secret once described (`.describe()` makes a new schema): a value written here
 * by mistake is never repeated in a message.
 */
function notifyEnvName(what: string, example: string, description: string) {
  const message = `expected the name of an environment variable that holds the ${what} (e.g. ${example}), not the ${what} itself`;
  const schema = z.string({ error: () => message }).regex(ENV_NAME_RE, { error: () => message }).describe(description);
  SECRET_SCHEMAS.add(schema);
  return schema;
}

/**
 * `web.notify`: outgoing webhooks. Each is for one owner's leads or the team's (`owner: all`), in
 * Slack's format or plain JSON; its URL (and, for JSON, its signing secret) come from the
 * environment, named here. One webhook per variable.
 */
const notifyTargets = list(
  mapping({
    owner: z
      .string({ error: () => 'expected an owner name (letters, digits, ., _ or -) or all' })
      .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: () => 'expected an owner name (letters, digits, ., _ or -) or all' })
      .default(ALL_OWNERS)
      .describe('Whose leads this webhook hears about: an owner (maya) or all (the team). Default all.'),
    format: oneOf(NOTIFY_FORMATS).default('slack').describe('slack: Slack-compatible JSON (text and blocks); json: plain JSON, signed when secret_env is set.'),
    url_env: notifyEnvName('webhook URL', 'PROSPECTOR_NOTIFY_MAYA', 'Environment variable with the webhook URL (the URL is a secret: never in the file, never in a log).'),
    secret_env: notifyEnvName('signing secret', 'PROSPECTOR_NOTIFY_MAYA_SECRET', 'format json: environment variable with the HMAC-SHA256 key; each body is signed in X-Prospector-Signature.').optional(),
  }).superRefine((value, ctx) => {
    if (value.secret_env !== undefined && value.format !== 'json') ctx.addIssue({ code: 'custom', path: ['secret_env'], message: 'secret_env goes with format: json (Slack checks its own webhook URLs)' });
  }),
  'webhooks',
).superRefine((targets, ctx) => {
  const seen = new Map<string, number>();
  targets.forEach((t, i) => {
    const first = seen.get(t.url_env);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'url_env'], message: `${t.url_env} is already web.notify[${first}]: one webhook per variable` });
    else seen.set(t.url_env, i);
  });
});

/** Longest phrase `opt_out_phrases` takes: a request to stop is a few words, not a paragraph. */
export const MAX_OPT_OUT_PHRASE = 80;

/**
 * How phrases are compared, as the reply reader compares text: case, accents and spacing do not
 * count ("Arrêtez  MOI" is "arretez moi").
 */
export function foldPhrase(phrase: string): string {
  return phrase.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Letters, digits or emoji: what makes a phrase more than punctuation ("🛑" is a phrase, "!!" is not). */
const MEANINGFUL = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;

/**
 * `opt_out_phrases`: each phrase not empty, more than punctuation, at most MAX_OPT_OUT_PHRASE
 * characters, and given once (folded). Each issue is at the phrase's own line.
 */
function optOutPhrases() {
  const phrase = z.string({ error: () => 'expected a phrase, e.g. "quit messaging me"' }).meta({ minLength: 1, maxLength: MAX_OPT_OUT_PHRASE });
  return list(phrase, 'phrases').superRefine((phrases, ctx) => {
    const seen = new Map<string, number>();
    phrases.forEach((phrase, i) => {
      const problem = (message: string) => ctx.addIssue({ code: 'custom', path: [i], input: phrase, message });
      const trimmed = phrase.trim();
      if (trimmed === '') return problem('expected a phrase, got an empty one');
      if (!MEANINGFUL.test(trimmed)) return problem(`expected words (or an emoji), got only punctuation: ${JSON.stringify(trimmed)}`);
      if (trimmed.length > MAX_OPT_OUT_PHRASE) return problem(`a phrase is a few words that mean "stop", at most ${MAX_OPT_OUT_PHRASE} characters; this one has ${trimmed.length}`);
      const key = foldPhrase(trimmed);
      const first = seen.get(key);
      if (first !== undefined) return problem(`${JSON.stringify(trimmed)} is already opt_out_phrases[${first}] (case and accents do not count)`);
      seen.set(key, i);
    });
  });
}

/**
 * `opt_out_ignore`: each entry one of the reader's built-in phrases, compared folded, and given
 * to the reader as the built-in spells it. An unknown one names the nearest built-in phrases.
 */
function optOutIgnore() {
  const builtIn = new Map(builtInPhrases().map((p) => [foldPhrase(p), p]));
  // `examples` rather than `enum`: editors complete the phrases, and case and accents still do not count.
  const phrase = z.string({ error: () => 'expected a built-in phrase, e.g. "not interested"' }).meta({ examples: [...builtIn.values()] });
  return list(phrase, 'phrases')
    .superRefine((phrases, ctx) => {
      const seen = new Map<string, number>();
      phrases.forEach((phrase, i) => {
        const problem = (message: string) => ctx.addIssue({ code: 'custom', path: [i], input: phrase, message });
        const key = foldPhrase(phrase);
        if (!builtIn.has(key)) return problem(`${JSON.stringify(phrase.length > 60 ? `${phrase.slice(0, 57)}…` : phrase)} is not a built-in phrase; the nearest are ${nearestPhrases(key, [...builtIn.keys()]).map((k) => JSON.stringify(builtIn.get(k))).join(', ')}`);
        const first = seen.get(key);
        if (first !== undefined) return problem(`${JSON.stringify(phrase)} is already opt_out_ignore[${first}]`);
        seen.set(key, i);
      });
    })
    .overwrite((phrases) => phrases.map((p) => builtIn.get(foldPhrase(p)) ?? p));
}

/** The three folded candidates closest to `key` in edit distance, nearest first (ties in list order). */
function nearestPhrases(key: string, candidates: readonly string[]): string[] {
  return candidates
    .map((c, order) => ({ c, order, d: distance(key, c) }))
    .sort((a, b) => a.d - b.d || a.order - b.order)
    .slice(0, 3)
    .map((x) => x.c);
}

/**
 * The line the worker says at start when `opt_out_ignore` leaves built-in phrases out, or
 * undefined: leaving one out means replies with it no longer put their author on do-not-contact.
 */
export function optOutIgnoreWarning(engagement: Pick<EngagementConfig, 'opt_out_ignore'>): string | undefined {
  const left = engagement.opt_out_ignore;
  if (left.length === 0) return undefined;
  return `WARNING: engagement.opt_out_ignore leaves out ${left.length === 1 ? 'the built-in phrase' : `${left.length} built-in phrases:`} ${left.map((p) => JSON.stringify(p)).join(', ')}: replies with ${left.length === 1 ? 'it' : 'them'} are no longer read as requests to stop, so their authors stay contactable.`;
}

/** Fractions of a persona's caps by week since an account started engaging: 30% in week one, then rising. */
export const DEFAULT_WARMUP = [0.3, 0.5, 0.75, 1] as const;

const engagement = mapping({
  warmup: list(between(0, 1), 'fractions from 0 to 1')
    .min(1, { error: () => 'expected at least one fraction, e.g. [0.3, 0.5, 0.75, 1]' })
    .default([...DEFAULT_WARMUP])
    .describe("Share of each persona's caps a new account may use, by week since it started engaging; the last value holds after."),
  jitter_seconds: z
    .tuple([nonNegative(), nonNegative()], { error: () => 'expected [min, max] seconds, e.g. [20, 90]' })
    .default([20, 90])
    .describe('Random pause between two actions of one account, in seconds: [min, max].'),
  write_timeout_seconds: whole(1, 300)
    .default(30)
    .describe(
      'A like or follow without an answer after this many seconds has an unknown outcome, settled later by reading X. Other workers wait this long (and 10 s more) before settling an action whose holder has gone.',
    ),
  reconcile_pages: whole(1, 20)
    .default(3)
    .describe("To settle a like or follow whose answer was lost: how many pages (100 each) of the account's latest likes or follows to read on X before sending it again."),
  opt_out_phrases: optOutPhrases()
    .default([])
    .describe('Phrases that mean "stop", added to what the reply reader knows: a mention or reply with one puts its author on do-not-contact.'),
  opt_out_ignore: optOutIgnore()
    .default([])
    .describe('Built-in phrases the reply reader leaves out, as `prospector replies classify` shows them in its reasons; the worker warns at start that replies with them are no longer read as requests to stop.'),
  throttle: mapping({
    follows: whole(1).default(50).describe('Look at this many of the persona\'s latest follows, old enough to be answered.'),
    min_follow_back_rate: between(0, 1).default(0.05).describe('Below this follow-back rate, the persona\'s caps are halved.'),
    answer_hours: whole(1).default(48).describe('A follow counts once it is this many hours old.'),
  }).prefault({}),
})
  .superRefine((value, ctx) => {
    const [min, max] = value.jitter_seconds;
    if (min > max) ctx.addIssue({ code: 'custom', path: ['jitter_seconds'], input: value.jitter_seconds, message: `expected [min, max] with min ≤ max, got [${min}, ${max}]` });
    const ignored = new Set(value.opt_out_ignore.map(foldPhrase));
    value.opt_out_phrases.forEach((phrase, i) => {
      if (ignored.has(foldPhrase(phrase))) ctx.addIssue({ code: 'custom', path: ['opt_out_phrases', i], input: phrase, message: `${JSON.stringify(phrase)} is also in opt_out_ignore: added and left out at once; keep one of them` });
    });
  })
  .prefault({});

export const WorkerSchema = mapping({
  network: oneOf(NETWORKS).default('sandbox').describe('sandbox: the built-in X emulator; x: the real X API (needs credentials).'),
  tier: oneOf(TIERS).default('payperuse').describe('X API access level whose limits apply.'),
  time_zone: timeZone().default('UTC').describe('Default IANA time zone of schedules.'),
  x: mapping({
    bearer_token: secretReference('bearer_token', 'X_BEARER_TOKEN').optional(),
    client_id: secretReference('client_id', 'X_CLIENT_ID').optional(),
    client_secret: secretReference('client_secret', 'X_CLIENT_SECRET').optional(),
    consumer_key: secretReference('consumer_key', 'X_CONSUMER_KEY').optional().describe('OAuth 1.0a app key, for accounts with oauth1_token_env.'),
    consumer_secret: secretReference('consumer_secret', 'X_CONSUMER_SECRET').optional(),
  }).prefault({}),
  engagement,
  accounts: list(account, 'accounts').default([]).describe('X accounts the team acts as. With network: sandbox, the sandbox accounts when empty.'),
  sandbox: mapping({
    seed: whole(0, 2 ** 32 - 1).default(42),
    users: whole(10, 2_000_000).default(5000),
    url: sandboxUrl()
      .optional()
      .describe('A sandbox running elsewhere (`prospector sandbox --port 4010`), e.g. http://127.0.0.1:4010, instead of one started in this process; PROSPECTOR_SANDBOX_URL overrides it. Used with network: sandbox.'),
  }).prefault({}),
  schedules: mapping({
    search: schedule('search'),
    engage: schedule('engage'),
    signals: schedule('signals'),
    score: schedule('score'),
    queue: schedule('queue'),
  }).prefault({}),
  web: mapping({
    port: whole(0, 65535).default(8787).describe('The web port (0 picks a free one); PROSPECTOR_WEB_PORT overrides it.'),
    host: text('a host name or address').default('127.0.0.1'),
    users: list(
      mapping({
        name: text('a name').refine((n) => USER_NAME.test(n), { error: (issue) => `expected a name of letters, digits, . _ - (at most 40), got ${JSON.stringify(issue.input)}` }),
        password_hash: text('a password hash').superRefine((hash, ctx) => {
          const parsed = parsePasswordHash(hash);
          if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
        }),
      }),
      'people who may sign in',
    )
      .default([])
      .superRefine((users, ctx) => {
        const seen = new Set<string>();
        for (const [i, u] of users.entries()) {
          if (seen.has(u.name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${u.name} is listed twice` });
          seen.add(u.name.toLowerCase());
        }
      })
      .describe('People who may sign in to the review page, each with a hash from `prospector web add-user`; PROSPECTOR_WEB_USERS adds more. With none, the page serves one local user on a loopback address and refuses any other.'),
    public_url: z
      .string({ error: () => `expected a URL such as ${PUBLIC_URL_EXAMPLE}` })
      .superRefine((value, ctx) => {
        const wrong = checkUrl(value, ['http:', 'https:'], PUBLIC_URL_EXAMPLE);
        if (wrong) ctx.addIssue({ code: 'custom', input: value, message: wrong });
      })
      .optional()
      .describe('The address people reach the page at (behind a proxy), for links in notifications; default: the worker\'s own web URL.'),
    notify: notifyTargets.default([]).describe('Outgoing webhooks: a message when the morning queue is ready and when a lead turns warm.'),
  }).prefault({}),
  worker: mapping({
    first_cycle: flag().default(true).describe('Run search, score, queue, signals and engage once at start-up, before the schedules take over.'),
    lease_seconds: whole(5, 3600).default(60).describe("How long a worker's claim on a share of a run lasts without a heartbeat; a crashed worker's share is taken over after it."),
    shutdown_seconds: whole(1, 600).default(30).describe('How long a stop may take before the worker exits anyway.'),
  }).prefault({}),
  database: mapping({
    url: secretReference('url', 'DATABASE_URL').optional().describe('PostgreSQL URL reference, e.g. ${DATABASE_URL}. Absent: embedded PGlite. DATABASE_URL, when set, is used whatever this says.'),
    data_dir: text('a directory').default(DEFAULT_DATA_DIR).describe('PGlite data directory when no url is set; PROSPECTOR_DATA_DIR overrides it.'),
  }).prefault({}),
  personas_dir: text('a directory').default(DEFAULT_PERSONAS_DIR).describe('Where persona files live, relative to the working directory.'),
}).meta({ title: 'Prospector worker config', description: 'config/prospector.yaml' });

export type WorkerSpec = z.output<typeof WorkerSchema>;

/**
 * A secret read from the environment. It prints, logs and serialises as `[secret NAME]`;
 * `reveal()` is the one way to the value.
 */
export class Secret {
  readonly #value: string;

  constructor(
    /** The environment variable it came from. */
    readonly env: string,
    value: string,
  ) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return `[secret ${this.env}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface AccountConfig {
  readonly handle: string;
  readonly owner: string;
  readonly token_env?: string;
  readonly refresh_token_env?: string;
  readonly oauth1_token_env?: string;
  readonly oauth1_secret_env?: string;
  readonly auth?: AuthKind;
  /** 'YYYY-MM-DD'. */
  readonly engaging_since?: string;
  /** Resolved with `network: x` only. */
  readonly token?: Secret;
  readonly refresh_token?: Secret;
  readonly oauth1_token?: Secret;
  readonly oauth1_secret?: Secret;
}

export interface EngagementConfig {
  readonly warmup: readonly number[];
  readonly jitter_seconds: readonly [number, number];
  /** A like or follow without an answer after this long has an unknown outcome (settled by reading X). */
  readonly write_timeout_seconds: number;
  /** Pages (100 each) of an account's latest likes or follows read to settle a lost outcome. */
  readonly reconcile_pages: number;
  readonly opt_out_phrases: readonly string[];
  readonly opt_out_ignore: readonly string[];
  readonly throttle: { readonly follows: number; readonly min_follow_back_rate: number; readonly answer_hours: number };
}

export interface ScheduleConfig {
  /** A cron expression, or undefined when the job runs `after` another. */
  readonly cron?: string;
  readonly after?: JobName;
  readonly time_zone: string;
  readonly enabled: boolean;
}

/** One outgoing webhook (`web.notify[]`); `url` and `secret` are resolved unless secrets were not asked for. */
export interface NotifyTarget {
  /** An owner's name, or ALL_OWNERS. */
  readonly owner: string;
  readonly format: NotifyFormat;
  readonly url_env: string;
  readonly secret_env?: string;
  readonly url?: Secret;
  readonly secret?: Secret;
}

/** The loaded worker config: frozen, defaults filled, secrets resolved. */
export interface WorkerConfig {
  /** The file read; undefined when there was none (all defaults). */
  readonly file: string | undefined;
  readonly network: Network;
  readonly tier: Tier;
  readonly time_zone: string;
  /** Resolved with `network: x` only; empty in the sandbox. */
  readonly x: { readonly bearer_token?: Secret; readonly client_id?: Secret; readonly client_secret?: Secret; readonly consumer_key?: Secret; readonly consumer_secret?: Secret };
  readonly engagement: EngagementConfig;
  /** The accounts to act as: the file's, or the sandbox's when the sandbox runs and the file lists none. */
  readonly accounts: readonly AccountConfig[];
  /** `url`: a sandbox running elsewhere (the file's `sandbox.url` or PROSPECTOR_SANDBOX_URL). */
  readonly sandbox: { readonly seed: number; readonly users: number; readonly url?: string };
  readonly schedules: Readonly<Record<JobName, ScheduleConfig>>;
  /** `port`: the file's, or PROSPECTOR_WEB_PORT. */
  readonly web: {
    readonly port: number;
    readonly host: string;
    readonly users: readonly { readonly name: string; readonly password_hash: string }[];
    /** Links in notifications start with it; default the worker's own web URL. */
    readonly public_url?: string;
    readonly notify: readonly NotifyTarget[];
  };
  readonly worker: { readonly first_cycle: boolean; readonly lease_seconds: number; readonly shutdown_seconds: number };
  /** The environment wins over the file: DATABASE_URL, PROSPECTOR_DATA_DIR. */
  readonly database: { readonly url?: Secret; readonly data_dir: string };
  /** Absolute path. */
  readonly personas_dir: string;
}

/** Owners of the config's accounts, in order, without repeats. */
export function accountOwners(config: Pick<WorkerConfig, 'accounts'>): string[] {
  return [...new Set(config.accounts.map((a) => a.owner))];
}

/** Every secret value the config holds, for masking them in logs. */
export function secretValues(config: WorkerConfig): string[] {
  const secrets = [
    config.x.bearer_token, config.x.client_id, config.x.client_secret, config.x.consumer_key, config.x.consumer_secret, config.database.url,
    ...config.accounts.flatMap((a) => [a.token, a.refresh_token, a.oauth1_token, a.oauth1_secret]),
    ...config.web.notify.flatMap((n) => [n.url, n.secret]),
  ];
  return secrets.filter((s): s is Secret => s !== undefined).map((s) => s.reveal()).filter((v) => v.length > 0);
}
