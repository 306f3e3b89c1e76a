/**
 * Public counts of an account: followers, following, posts, likes, lists, media, and how much it
 * will post in the sandbox timeline. Long-tailed (log-normal) and correlated the way they are on
 * X; bots follow the profiles of the cresci-2017 classes (fake followers follow hundreds and are
 * followed by a dozen, spam bots post thousands of times and like almost nothing), except the
 * disguised ones, which take human counts so that bot detection stays hard.
 *
 * Centres and spreads were checked against ../shared/datasets/bots (see the tests' report).
 */
import type { AutomationKind } from '../types.ts';
import type { Rng } from '../rng.ts';
import type { Trade } from './trades.ts';

export interface Counts {
  followers: number;
  following: number;
  tweets: number;
  listed: number;
  likes: number;
  media: number;
  postsPerDay: number;
}

/** Audience offset (log space) by seniority code, in SENIORITY_ORDER. */
const SENIORITY_AUDIENCE = [0, -0.3, -0.2, 0, 0.2, 0.35, 0.5, 0.6, 0.8, 1.0, 0.9];

/** X lets anyone follow 5,000 accounts; beyond that, roughly 10% more than one's followers. */
function followLimit(rng: Rng, following: number, followers: number): number {
  const limit = Math.max(5000, Math.floor(followers * 1.1));
  return following <= limit ? following : limit - rng.int(150);
}

const floorExp = (x: number): number => Math.floor(Math.exp(x));

/** Rounds a small positive expectation up or down at random, so small counts are not all zero. */
const dither = (rng: Rng, x: number): number => Math.floor(x + rng.next());

function ageFactor(ageDays: number): number {
  // Accounts gather followers and posts over the years; a week-old account has almost nothing.
  return Math.min(0.6, Math.log(Math.max(ageDays, 1) / 3000));
}

export function humanCounts(rng: Rng, ageDays: number, trade: Trade, level: number): Counts {
  const age = ageFactor(ageDays);
  const zA = rng.normal();
  let lnFollowers = Math.log(260) + trade.audience + (SENIORITY_AUDIENCE[level] ?? 0) + 0.45 * age + 1.35 * zA;
  if (rng.chance(0.004)) lnFollowers += 2.5 + 1.5 * rng.next(); // the few famous ones
  const followers = floorExp(lnFollowers);

  let lnFollowing = Math.log(300) + 0.4 * (lnFollowers - Math.log(260)) + 0.3 * age + 0.8 * rng.normal();
  if (rng.chance(0.04)) lnFollowing += 1.5; // follow-heavy people (job hunters, follow-for-follow humans)
  const following = followLimit(rng, floorExp(lnFollowing), followers);

  const lurker = rng.chance(0.12);
  const zT = 0.45 * zA + 0.89 * rng.normal();
  // Lifetime posts per day; even the loudest people stay under ~100 a day.
  let tweetRate = Math.min(100, Math.exp(Math.log(1.0) + Math.log(trade.activity) + 1.5 * zT));
  if (lurker) tweetRate *= 0.03;
  const tweets = Math.floor(tweetRate * ageDays);

  // Humans like a lot, except the few who never do (lurkers, brand-new accounts).
  const likes = rng.chance(0.04) ? rng.int(17) : Math.floor(Math.min(150, Math.exp(Math.log(0.45) + 1.8 * (0.5 * zT + 0.87 * rng.normal()))) * ageDays);

  const listed = dither(rng, Math.exp(lnFollowers + Math.log(0.006) + 0.9 * rng.normal()));
  const media = Math.min(tweets, floorExp(Math.log(tweets + 1) + Math.log(0.08) + 0.8 * rng.normal()));

  let postsPerDay = Math.exp(Math.log(0.11) + Math.log(trade.activity) + 1.5 * zT + 0.5 * rng.normal());
  if (lurker) postsPerDay *= 0.05;
  return { followers, following, tweets, listed, likes, media, postsPerDay: Math.min(25, postsPerDay) };
}

/** Organisation accounts (newsrooms, shops, police stations): followed more, like little. */
export function orgCounts(rng: Rng, ageDays: number): Counts {
  const age = ageFactor(ageDays);
  const lnFollowers = Math.log(1500) + 0.5 * age + 1.6 * rng.normal();
  const followers = floorExp(lnFollowers);
  const following = followLimit(rng, floorExp(Math.log(250) + 0.3 * (lnFollowers - Math.log(1500)) + 1.0 * rng.normal()), followers);
  const tweets = Math.floor(Math.exp(Math.log(1.5) + 1.2 * rng.normal()) * ageDays);
  const likes = Math.floor(Math.exp(Math.log(0.15) + 1.5 * rng.normal()) * ageDays);
  const listed = dither(rng, Math.exp(lnFollowers + Math.log(0.015) + 0.8 * rng.normal()));
  const media = Math.min(tweets, floorExp(Math.log(tweets + 1) + Math.log(0.25) + 0.6 * rng.normal()));
  const postsPerDay = Math.min(30, Math.exp(Math.log(0.8) + 1.0 * rng.normal()));
  return { followers, following, tweets, listed, likes, media, postsPerDay };
}

export function botCounts(rng: Rng, ageDays: number, kind: AutomationKind): Counts {
  switch (kind) {
    case 'fake_follower': {
      // cresci fake followers: median 12 followers, 305 following, 23 posts, 0 likes.
      const followers = floorExp(Math.log(12) + 1.0 * rng.normal());
      const following = Math.max(20, followLimit(rng, floorExp(Math.log(320) + 0.55 * rng.normal()), followers));
      const tweets = rng.chance(0.08) ? 0 : Math.min(floorExp(Math.log(25) + 1.3 * rng.normal()), Math.floor(ageDays * 20));
      const likes = rng.chance(0.8) ? floorExp(Math.log(0.5) + 1.2 * rng.normal()) : floorExp(Math.log(30) + 1.2 * rng.normal());
      const listed = dither(rng, followers * 0.002);
      const media = Math.min(tweets, dither(rng, tweets * 0.05));
      const postsPerDay = Math.exp(Math.log(0.03) + 0.8 * rng.normal());
      return { followers, following, tweets, listed, likes, media, postsPerDay };
    }
    case 'spam': {
      // cresci spambots: thousands of posts, a few dozen to thousands of followers, almost no likes.
      const lnFollowers = Math.log(80) + 1.6 * rng.normal();
      const followers = floorExp(lnFollowers);
      const following = followLimit(rng, floorExp(Math.log(350) + 0.3 * (lnFollowers - Math.log(80)) + 0.9 * rng.normal()), followers);
      const tweets = Math.min(floorExp(Math.log(9000) + 1.4 * rng.normal()), Math.floor(ageDays * 150));
      const likes = rng.chance(0.7) ? floorExp(1.2 * rng.normal()) : floorExp(Math.log(80) + 1.5 * rng.normal());
      const listed = dither(rng, Math.exp(lnFollowers + Math.log(0.01) + rng.normal()));
      const media = Math.min(tweets, floorExp(Math.log(tweets + 1) + Math.log(0.15) + 0.6 * rng.normal()));
      // Median two posts a day in the timeline: at four, spam was 43% of all posts, drowning
      // every search and doubling the cost of a million-user world.
      const postsPerDay = Math.min(40, Math.exp(Math.log(2) + 0.7 * rng.normal()));
      return { followers, following, tweets, listed, likes, media, postsPerDay };
    }
    case 'promotional': {
      const lnFollowers = Math.log(400) + 1.6 * rng.normal();
      const followers = floorExp(lnFollowers);
      const following = followLimit(rng, floorExp(Math.log(450) + 0.4 * (lnFollowers - Math.log(400)) + 0.8 * rng.normal()), followers);
      const tweets = Math.min(floorExp(Math.log(2500) + 1.3 * rng.normal()), Math.floor(ageDays * 60));
      const likes = rng.chance(0.5) ? rng.int(21) : floorExp(Math.log(60) + 1.5 * rng.normal());
      const listed = dither(rng, Math.exp(lnFollowers + Math.log(0.01) + 0.9 * rng.normal()));
      const media = Math.min(tweets, floorExp(Math.log(tweets + 1) + Math.log(0.3) + 0.5 * rng.normal()));
      const postsPerDay = Math.min(40, Math.exp(Math.log(1.2) + 0.7 * rng.normal()));
      return { followers, following, tweets, listed, likes, media, postsPerDay };
    }
  }
}
