/**
 * Shapes of the per-language text catalogues. Strings here are raw: titles and bio bits may carry
 * `[masc|fem]` alternations, posts also `{slot}`s (see `../template.ts`). `./index.ts` compiles
 * them once into the forms the generators use.
 */
import type { Seniority } from '../../types.ts';

/** How people of one trade describe themselves in one language. */
export interface TradeProfileText {
  /** Job titles by seniority. Levels left out borrow the nearest level below (or above). */
  titles: Partial<Record<Seniority, readonly string[]>>;
  /**
   * Workplaces for trades that are not about companies, with their preposition
   * ("au CHU de Nantes", "at Oakwood Primary"). Absent: made-up companies are used.
   */
  places?: readonly string[];
  /** Short bio bits about the trade: specialities, credentials, jokes of the trade. */
  bits: readonly string[];
  /** Hashtags of the trade, without '#'. */
  tags: readonly string[];
}

/** What people of one trade post about in one language. */
export interface TradePostText {
  posts: readonly string[];
  /** Buying intent: asks for recommendations, evaluations, pains a product solves. */
  intent?: readonly string[];
}

/** An organisation account of a trade (a newsroom, a restaurant, a police station). */
export interface OrgText {
  names: readonly string[];
  bios: readonly string[];
}

export type RoleFrame = (title: string, company: string, handle: string) => string;
export type FormerFrame = (company: string, handle: string) => string;

/** Everything that is not tied to one trade. */
export interface SocialText {
  /** "Title @handle", "Title chez Company"… */
  roleFrames: readonly RoleFrame[];
  /** "ex-@handle", "anciennement chez Company"… */
  formerFrames: readonly FormerFrame[];
  /** Joins two roles: "CTO & cofounder". */
  roleJoiners: readonly string[];
  /** "{title} by day, {night} by night" */
  dayNight: (title: string, night: string) => string;
  nightRoles: readonly string[];
  disclaimers: readonly string[];
  pronouns: readonly string[];
  /** Family and life bits, gendered: "[dad|mom] of 2". */
  life: readonly string[];
  hobbies: readonly string[];
  /** Whole joke bios. */
  jokes: readonly string[];
  /** Bio fragments that announce a link: "newsletter ↓". */
  linkLeads: readonly string[];
  /** "📍 {city}"-style location bits for bios. */
  basedIn: (city: string) => string;
  weekdays: readonly string[];

  /** Posts about life, any trade. */
  lifePosts: readonly string[];
  replies: readonly string[];
  /** Replies that carry intent ("following, we need this too"). */
  intentReplies: readonly string[];
  quotes: readonly string[];

  reactions: {
    /** Ordinary replies to the account: thanks, questions. */
    reply: readonly string[];
    /** Ordinary posts that mention the account. */
    mention: readonly string[];
    /**
     * Requests to stop, in every way people write them: direct, polite, formal data-protection
     * requests, rude, emoji only, misspelled and SMS-style, buried in a long complaint, in every
     * person and verb form of the language. Never derived from the product's phrase list.
     */
    optOut: readonly string[];
    /**
     * Replies that share the words of a request to stop but are not one: "stop by our booth",
     * "can't stop reading this", a request quoted about someone else, "not now, ping me in Q3".
     */
    lookAlike: readonly string[];
  };

  bots: {
    fakeBios: readonly string[];
    spamBios: readonly string[];
    promoBios: readonly string[];
    spamNames: readonly string[];
    spamPosts: readonly string[];
    spamReplies: readonly string[];
    promoPosts: readonly string[];
    fakePosts: readonly string[];
    /** What bots write to an account they were engaged by ("follow back? 🙏"). */
    reactions: readonly string[];
  };

  orgs: Readonly<Record<string, OrgText>>;
}

export interface LangText {
  profiles: Readonly<Record<string, TradeProfileText>>;
  posts: Readonly<Record<string, TradePostText>>;
  social: SocialText;
}
