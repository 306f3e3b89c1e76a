/**
 * What the scorers read about a prospect: X v2 user fields, flattened. The same shape comes
 * from the search job (X's `user.fields`), the database, and the evaluation CSVs (columns with
 * these names; absent ones are undefined).
 */
export interface ProfileInput {
  id?: string;
  username?: string;
  name?: string;
  description?: string;
  location?: string;
  url?: string;
  /** ISO 8601 or X v1.1's "Wed Feb 01 17:49:30 +0000 2012". */
  created_at?: string;
  verified?: boolean;
  protected?: boolean;
  followers_count?: number;
  following_count?: number;
  tweet_count?: number;
  listed_count?: number;
  like_count?: number;
}

/** One readable reason with its signed contribution in points, e.g. `{ points: -15, text: "account 9 days old" }`. */
export interface Reason {
  points: number;
  text: string;
}
