/**
 * X API v2 access tiers: the limits the sandbox enforces and the worker budgets against. Numbers
 * come from X's rate-limit pages (pay-per-use, 2026) and the legacy Basic/Pro tables; every limit is
 * per 15-minute window unless it sits under `day` (24 hours), and per user unless under `app`.
 */

/** The endpoints the sandbox serves, as rate-limit buckets. */
export const ENDPOINTS = [
  'search',
  'users.me',
  'users.lookup',
  'users.tweets',
  'users.mentions',
  'users.liked_tweets',
  'users.followers',
  'users.following',
  'likes.create',
  'likes.delete',
  'follows.create',
  'follows.delete',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface EndpointLimits {
  /** Requests per 15 minutes for one user (OAuth user context). */
  user: number;
  /** Requests per 15 minutes for the app (app-only Bearer token). 0: user context only. */
  app: number;
  /** Requests per 24 hours for one user, when X caps the endpoint daily. */
  userDay?: number;
  /** Requests per 24 hours for the whole app, when X caps the endpoint daily. */
  appDay?: number;
}

export interface TierLimits {
  name: TierName;
  endpoints: Record<Endpoint, EndpointLimits>;
  /** Posts that may be read per calendar month (UTC) before X answers `UsageCapExceeded`. */
  monthlyPostReads: number;
}

export type TierName = 'payperuse' | 'basic' | 'pro';
export const TIER_NAMES: readonly TierName[] = ['payperuse', 'basic', 'pro'];

const payperuse: TierLimits = {
  name: 'payperuse',
  monthlyPostReads: 3_000_000,
  endpoints: {
    search: { user: 300, app: 450 },
    'users.me': { user: 75, app: 0 },
    'users.lookup': { user: 900, app: 300 },
    'users.tweets': { user: 900, app: 1500 },
    'users.mentions': { user: 300, app: 450 },
    'users.liked_tweets': { user: 75, app: 75 },
    'users.followers': { user: 300, app: 300 },
    'users.following': { user: 300, app: 300 },
    'likes.create': { user: 50, app: 0, userDay: 1000 },
    'likes.delete': { user: 50, app: 0, userDay: 1000 },
    'follows.create': { user: 50, app: 0, userDay: 400, appDay: 1000 },
    'follows.delete': { user: 50, app: 0, userDay: 500 },
  },
};

const basic: TierLimits = {
  name: 'basic',
  monthlyPostReads: 15_000,
  endpoints: {
    search: { user: 60, app: 60 },
    'users.me': { user: 75, app: 0 },
    'users.lookup': { user: 100, app: 300 },
    'users.tweets': { user: 5, app: 10 },
    'users.mentions': { user: 10, app: 15 },
    'users.liked_tweets': { user: 5, app: 5 },
    'users.followers': { user: 5, app: 5 },
    'users.following': { user: 5, app: 5 },
    'likes.create': { user: 50, app: 0, userDay: 200 },
    'likes.delete': { user: 50, app: 0, userDay: 100 },
    'follows.create': { user: 5, app: 0, userDay: 400, appDay: 1000 },
    'follows.delete': { user: 5, app: 0, userDay: 500 },
  },
};

const pro: TierLimits = {
  name: 'pro',
  monthlyPostReads: 1_000_000,
  endpoints: {
    search: { user: 300, app: 450 },
    'users.me': { user: 75, app: 0 },
    'users.lookup': { user: 900, app: 300 },
    'users.tweets': { user: 900, app: 1500 },
    'users.mentions': { user: 300, app: 450 },
    'users.liked_tweets': { user: 75, app: 75 },
    'users.followers': { user: 15, app: 15 },
    'users.following': { user: 15, app: 15 },
    'likes.create': { user: 50, app: 0, userDay: 1000 },
    'likes.delete': { user: 50, app: 0, userDay: 1000 },
    'follows.create': { user: 50, app: 0, userDay: 400, appDay: 1000 },
    'follows.delete': { user: 50, app: 0, userDay: 500 },
  },
};

export const TIERS: Record<TierName, TierLimits> = { payperuse, basic, pro };

export function tierLimits(name: string): TierLimits {
  const tier = TIERS[name as TierName];
  if (!tier) throw new Error(`unknown X API tier "${name}"; expected one of ${TIER_NAMES.join(', ')}`);
  return tier;
}

/** Pay-per-use prices in USD (X developer pricing, 2026-08). */
export const PAY_PER_USE_USD = {
  postRead: 0.005,
  userRead: 0.01,
  followReadPerUser: 0.01,
  interactionCreate: 0.015,
  /**
   * A resource read about the authenticated user itself: its own liked posts
   * (`users/:id/liked_tweets`) and its own followings (`users/:id/following`), per post or user.
   */
  ownedRead: 0.001,
} as const;
