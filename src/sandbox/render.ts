import { extractEntities } from './text.ts';
import type { World } from './world.ts';
import type { SandboxPost, SandboxUser } from './types.ts';

/**
 * Turns stored users and posts into X API v2 JSON: only the fields that were asked for, X's
 * defaults otherwise (`id`, `text`, `edit_history_tweet_ids` for posts; `id`, `name`,
 * `username` for users), and `includes` for the expansions requested.
 */

export const TWEET_FIELDS = [
  'article', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations', 'conversation_id',
  'created_at', 'display_text_range', 'edit_controls', 'edit_history_tweet_ids', 'entities', 'geo', 'id',
  'in_reply_to_user_id', 'lang', 'matched_media_notes', 'media_metadata', 'non_public_metrics', 'note_request_suggestions',
  'note_tweet', 'organic_metrics', 'paid_partnership', 'possibly_sensitive', 'promoted_metrics', 'public_metrics',
  'referenced_tweets', 'reply_settings', 'scopes', 'source', 'suggested_source_links', 'suggested_source_links_with_counts',
  'text', 'withheld',
] as const;

export const USER_FIELDS = [
  'affiliation', 'confirmed_email', 'connection_status', 'created_at', 'description', 'entities', 'id',
  'is_identity_verified', 'location', 'most_recent_tweet_id', 'name', 'parody', 'pinned_tweet_id', 'profile_banner_url',
  'profile_image_url', 'protected', 'public_metrics', 'receives_your_dm', 'subscription', 'subscription_type', 'url',
  'username', 'verified', 'verified_followers_count', 'verified_type', 'withheld',
] as const;

export const MEDIA_FIELDS = [
  'alt_text', 'duration_ms', 'height', 'media_key', 'non_public_metrics', 'organic_metrics', 'preview_image_url',
  'promoted_metrics', 'public_metrics', 'type', 'url', 'variants', 'width',
] as const;
export const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'] as const;
export const PLACE_FIELDS = ['contained_within', 'country', 'country_code', 'full_name', 'geo', 'id', 'name', 'place_type'] as const;

export const TWEET_EXPANSIONS = [
  'article.cover_media', 'article.media_entities', 'attachments.media_keys', 'attachments.media_source_tweet',
  'attachments.poll_ids', 'author_id', 'edit_history_tweet_ids', 'entities.mentions.username', 'geo.place_id',
  'in_reply_to_user_id', 'entities.note.mentions.username', 'referenced_tweets.id', 'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
] as const;
export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'] as const;

/**
 * The field each expansion starts from. X puts it on the objects being expanded even when the
 * fields parameter does not ask for it (X's expansions guide: `expansions=author_id` alone gives
 * each post its `author_id`), so that every object in `includes` can be joined back: without it
 * twitter-api-v2's `includes.author(tweet)` finds nothing. The renderer only writes the fields the
 * sandbox has (no media, polls, places, articles, notes or affiliations).
 */
const TWEET_EXPANSION_SOURCE: Readonly<Record<(typeof TWEET_EXPANSIONS)[number], (typeof TWEET_FIELDS)[number]>> = {
  'article.cover_media': 'article',
  'article.media_entities': 'article',
  'attachments.media_keys': 'attachments',
  'attachments.media_source_tweet': 'attachments',
  'attachments.poll_ids': 'attachments',
  author_id: 'author_id',
  edit_history_tweet_ids: 'edit_history_tweet_ids',
  'entities.mentions.username': 'entities',
  'geo.place_id': 'geo',
  in_reply_to_user_id: 'in_reply_to_user_id',
  'entities.note.mentions.username': 'note_tweet',
  'referenced_tweets.id': 'referenced_tweets',
  'referenced_tweets.id.attachments.media_keys': 'referenced_tweets',
  'referenced_tweets.id.author_id': 'referenced_tweets',
};
const USER_EXPANSION_SOURCE: Readonly<Record<(typeof USER_EXPANSIONS)[number], (typeof USER_FIELDS)[number]>> = {
  'affiliation.user_id': 'affiliation',
  most_recent_tweet_id: 'most_recent_tweet_id',
  pinned_tweet_id: 'pinned_tweet_id',
};

/** `fields` plus the source field of each expansion in `expansions` that `sources` knows. */
function withSources(fields: ReadonlySet<string>, expansions: ReadonlySet<string>, sources: Readonly<Record<string, string>>): ReadonlySet<string> {
  let out: Set<string> | undefined;
  for (const expansion of expansions) {
    const source = sources[expansion];
    if (source === undefined || fields.has(source)) continue;
    out ??= new Set(fields);
    out.add(source);
  }
  return out ?? fields;
}

export interface FieldSelection {
  tweet: ReadonlySet<string>;
  user: ReadonlySet<string>;
  expansions: ReadonlySet<string>;
}

/** Who is looking: `connection_status` is relative to the authenticated user. */
export interface Viewer {
  userIndex: number | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class Renderer {
  /** The post and user fields written: those asked for, and the source field of each expansion. */
  private readonly tweetFields: ReadonlySet<string>;
  private readonly userFields: ReadonlySet<string>;

  constructor(
    private readonly world: World,
    private readonly fields: FieldSelection,
    private readonly viewer: Viewer,
  ) {
    this.tweetFields = withSources(fields.tweet, fields.expansions, TWEET_EXPANSION_SOURCE);
    this.userFields = withSources(fields.user, fields.expansions, USER_EXPANSION_SOURCE);
  }

  /**
   * Renders posts for `includes.tweets`: with the same fields, not expanded further. A referenced
   * post carries its `author_id` when its author was expanded (`referenced_tweets.id.author_id`).
   */
  private includedTweetRenderer(withAuthor: boolean): Renderer {
    const tweet = withAuthor && !this.fields.tweet.has('author_id') ? new Set([...this.fields.tweet, 'author_id']) : this.fields.tweet;
    return new Renderer(this.world, { ...this.fields, tweet, expansions: new Set() }, this.viewer);
  }

  private readonly includedUsers = new Map<string, Record<string, unknown>>();
  private readonly includedTweets = new Map<string, Record<string, unknown>>();
  private readonly primaryIds = new Set<string>();

  tweet(post: SandboxPost): Record<string, unknown> {
    const f = this.tweetFields;
    const out: Record<string, unknown> = { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] };
    const author = this.world.users[post.author] as SandboxUser;
    if (f.has('author_id')) out.author_id = author.id;
    if (f.has('created_at')) out.created_at = iso(post.createdAt);
    if (f.has('conversation_id')) out.conversation_id = (this.world.posts[post.conversation] as SandboxPost).id;
    if (f.has('in_reply_to_user_id') && post.inReplyToUser >= 0) {
      out.in_reply_to_user_id = (this.world.users[post.inReplyToUser] as SandboxUser).id;
    }
    if (f.has('lang')) out.lang = post.lang;
    if (f.has('possibly_sensitive')) out.possibly_sensitive = false;
    if (f.has('reply_settings')) out.reply_settings = 'everyone';
    if (f.has('public_metrics')) {
      out.public_metrics = {
        retweet_count: post.retweetCount,
        reply_count: post.replyCount,
        like_count: post.likeCount,
        quote_count: post.quoteCount,
        bookmark_count: post.bookmarkCount,
        impression_count: post.impressionCount,
      };
    }
    if (f.has('referenced_tweets') && post.ref >= 0) {
      const type = post.kind === 'reply' ? 'replied_to' : post.kind === 'quote' ? 'quoted' : 'retweeted';
      out.referenced_tweets = [{ type, id: (this.world.posts[post.ref] as SandboxPost).id }];
    }
    if (f.has('edit_controls')) {
      out.edit_controls = { edits_remaining: 5, is_edit_eligible: post.kind !== 'retweet', editable_until: iso(post.createdAt + 3_600_000) };
    }
    if (f.has('display_text_range')) out.display_text_range = [0, [...post.text].length];
    if (f.has('entities')) {
      const entities = tweetEntities(post.text);
      if (entities) out.entities = entities;
    }
    this.expandTweet(post);
    return out;
  }

  private expandTweet(post: SandboxPost): void {
    const x = this.fields.expansions;
    if (x.size === 0) return;
    if (x.has('author_id')) this.includeUser(this.world.users[post.author] as SandboxUser);
    if (x.has('in_reply_to_user_id') && post.inReplyToUser >= 0) this.includeUser(this.world.users[post.inReplyToUser] as SandboxUser);
    if (x.has('entities.mentions.username')) {
      for (const mention of extractEntities(post.text).mentions) {
        const user = this.world.userByUsername(mention.username);
        if (user) this.includeUser(user);
      }
    }
    if (post.ref >= 0 && (x.has('referenced_tweets.id') || x.has('referenced_tweets.id.author_id'))) {
      const ref = this.world.posts[post.ref] as SandboxPost;
      if (x.has('referenced_tweets.id') && !this.includedTweets.has(ref.id)) {
        this.includedTweets.set(ref.id, this.includedTweetRenderer(x.has('referenced_tweets.id.author_id')).tweet(ref));
      }
      if (x.has('referenced_tweets.id.author_id')) this.includeUser(this.world.users[ref.author] as SandboxUser);
    }
  }

  user(user: SandboxUser): Record<string, unknown> {
    const f = this.userFields;
    const out: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
    if (f.has('created_at')) out.created_at = iso(user.createdAt);
    if (f.has('description')) out.description = user.description;
    if (f.has('location') && user.location) out.location = user.location;
    if (f.has('url')) out.url = user.url ? shortUrl(user.url) : '';
    if (f.has('protected')) out.protected = user.protected;
    if (f.has('verified')) out.verified = user.verified;
    if (f.has('verified_type')) out.verified_type = user.verifiedType;
    if (f.has('profile_image_url')) out.profile_image_url = `https://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg`;
    if (f.has('public_metrics')) {
      out.public_metrics = {
        followers_count: this.world.followersCount(user),
        following_count: this.world.followingCount(user),
        tweet_count: this.world.tweetCount(user),
        listed_count: user.listedCount,
        like_count: user.likeCount,
        media_count: user.mediaCount,
      };
    }
    if (f.has('entities')) {
      const entities = userEntities(user);
      if (entities) out.entities = entities;
    }
    if (f.has('most_recent_tweet_id')) {
      const latest = this.world.latestPostBy(user);
      if (latest) out.most_recent_tweet_id = latest.id;
      if (latest && this.fields.expansions.has('most_recent_tweet_id') && !this.includedTweets.has(latest.id)) {
        this.includedTweets.set(latest.id, this.includedTweetRenderer(false).tweet(latest));
      }
    }
    if (f.has('connection_status') && this.viewer.userIndex !== undefined && this.viewer.userIndex !== user.index) {
      const status: string[] = [];
      if (this.world.isFollowing(this.viewer.userIndex, user.index)) status.push('following');
      if (this.world.isPending(this.viewer.userIndex, user.index)) status.push('follow_request_sent');
      if (this.world.isFollowing(user.index, this.viewer.userIndex)) status.push('followed_by');
      out.connection_status = status;
    }
    if (f.has('receives_your_dm')) out.receives_your_dm = false;
    if (f.has('subscription_type')) out.subscription_type = 'None';
    if (f.has('parody')) out.parody = false;
    return out;
  }

  /** Marks a post as part of `data` so it is not repeated in `includes.tweets`. */
  primary(id: string): void {
    this.primaryIds.add(id);
  }

  private includeUser(user: SandboxUser): void {
    if (this.includedUsers.has(user.id)) return;
    this.includedUsers.set(user.id, this.user(user));
  }

  /** The `includes` object, or undefined when nothing was expanded. */
  includes(): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    if (this.includedUsers.size) out.users = [...this.includedUsers.values()];
    const tweets = [...this.includedTweets.entries()].filter(([id]) => !this.primaryIds.has(id)).map(([, t]) => t);
    if (tweets.length) out.tweets = tweets;
    return Object.keys(out).length ? out : undefined;
  }
}

function shortUrl(url: string): string {
  // X shortens every link to t.co; the expanded form is in entities.url.
  let h = 0;
  for (let i = 0; i < url.length; i++) h = (Math.imul(h, 31) + url.charCodeAt(i)) | 0;
  return `https://t.co/${(h >>> 0).toString(36).padStart(7, '0').slice(0, 10)}`;
}

function tweetEntities(text: string): Record<string, unknown> | undefined {
  const e = extractEntities(text);
  const out: Record<string, unknown> = {};
  if (e.hashtags.length) out.hashtags = e.hashtags.map((h) => ({ start: h.start, end: h.end, tag: h.tag }));
  if (e.cashtags.length) out.cashtags = e.cashtags.map((c) => ({ start: c.start, end: c.end, tag: c.tag }));
  if (e.mentions.length) out.mentions = e.mentions.map((m) => ({ start: m.start, end: m.end, username: m.username }));
  if (e.urls.length) {
    out.urls = e.urls.map((u) => ({ start: u.start, end: u.end, url: u.url, expanded_url: u.url, display_url: u.url.replace(/^https?:\/\//, '') }));
  }
  return Object.keys(out).length ? out : undefined;
}

function userEntities(user: SandboxUser): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (user.url) {
    const short = shortUrl(user.url);
    out.url = { urls: [{ start: 0, end: short.length, url: short, expanded_url: user.url, display_url: user.url.replace(/^https?:\/\//, '') }] };
  }
  const description = tweetEntities(user.description);
  if (description) out.description = description;
  return Object.keys(out).length ? out : undefined;
}
