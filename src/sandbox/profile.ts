import type { ProfileInput } from '../scoring/types.ts';
import type { SandboxUser } from './types.ts';

/** A sandbox user as the scorers read a profile (X v2 field names), for evaluation and fitting. */
export function profileInputOf(u: SandboxUser): ProfileInput {
  return {
    username: u.username,
    name: u.name,
    description: u.description,
    location: u.location,
    url: u.url,
    created_at: new Date(u.createdAt).toISOString(),
    verified: u.verified,
    protected: u.protected,
    followers_count: u.followersCount,
    following_count: u.followingCount,
    tweet_count: u.tweetCount,
    listed_count: u.listedCount,
    like_count: u.likeCount,
  };
}
