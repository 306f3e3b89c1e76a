/**
 * The sandbox world's data model: synthetic X users and posts with their ground truth.
 * Rendering to X's JSON shapes (fields, expansions) happens in `render.ts`; these are the
 * stored facts.
 */
import type { Seniority as CareerLevel } from '../scoring/lexicon.ts';

export type Lang = 'en' | 'fr' | 'es';

/** A career stage as the product reads it (`src/scoring/lexicon.ts`), or none. */
export type Seniority =
  | 'none' // no career stage applies (students, retirees, joke bios, organisations)
  | CareerLevel;

export type AutomationKind = 'spam' | 'fake_follower' | 'promotional';

export interface Propensities {
  /** Probability of following back after being followed by an account. */
  follow_back: number;
  /** Probability of liking back one of the account's posts after being liked or followed. */
  like_back: number;
  /** Probability of replying to the account after an engagement. */
  reply: number;
  /** Probability of mentioning the account after an engagement. */
  mention: number;
  /** Probability that a reaction is instead a request to be left alone ("stop following me"). */
  opt_out: number;
}

/** What the sandbox knows about a user and the product has to infer. */
export interface UserTruth {
  /** Trade id from the catalogue in `population/trades.ts`, e.g. `marketing`, `cook`. */
  trade: string;
  seniority: Seniority;
  language: Lang;
  is_automated: boolean;
  automation_kind: AutomationKind | null;
  /** 0–1: how well this person fits a B2B software persona (trade × seniority × being human). */
  b2b_fit: number;
  propensities: Propensities;
}

export interface SandboxUser {
  /** Position in `world.users`; stable for a given seed. */
  index: number;
  /** X user id (decimal string). */
  id: string;
  username: string;
  name: string;
  /** Bio; '' when empty. */
  description: string;
  /** Free-text location; '' when none. */
  location: string;
  /** Profile link; '' when none. */
  url: string;
  /** Account creation, ms since epoch. */
  createdAt: number;
  protected: boolean;
  verified: boolean;
  verifiedType: 'none' | 'blue' | 'business' | 'government';
  followersCount: number;
  followingCount: number;
  /** Posts made before the sandbox timeline started (the timeline adds its own). */
  tweetCount: number;
  listedCount: number;
  likeCount: number;
  mediaCount: number;
  /** Expected posts per day in the sandbox timeline (long-tailed; bots post more). */
  postsPerDay: number;
  truth: UserTruth;
}

export type PostKind = 'original' | 'reply' | 'quote' | 'retweet';

export interface SandboxPost {
  /** Position in `world.posts`: ascending with `id` and `createdAt`. */
  index: number;
  /** X post id (snowflake, decimal string). */
  id: string;
  createdAt: number;
  /** Author's user index. */
  author: number;
  text: string;
  lang: Lang;
  kind: PostKind;
  /** Referenced post index (replied to, quoted or retweeted), -1 for originals. */
  ref: number;
  /** User index this post replies to, -1 when not a reply. */
  inReplyToUser: number;
  /** Post index of the conversation's root. */
  conversation: number;
  likeCount: number;
  retweetCount: number;
  replyCount: number;
  quoteCount: number;
  impressionCount: number;
  bookmarkCount: number;
  /** Ground truth: the post expresses buying intent ("anyone recommend a CRM…"). */
  intent: boolean;
}

/** What a post generator returns; the world assigns ids, times and references. */
export interface ComposedPost {
  text: string;
  lang: Lang;
  intent: boolean;
}
