import { describe, expect, it } from 'vitest';
import { QueryCache } from '../src/sandbox/query-cache.ts';
import { Rng } from '../src/sandbox/rng.ts';
import { matches, postFeatures, SearchIndex, type PostContext, type PostFeatures } from '../src/sandbox/search-index.ts';
import { extractEntities, postTokens, searchText } from '../src/sandbox/text.ts';
import { compile, parseQuery, QueryError, type QueryNode } from '../src/x/query.ts';
import { containsPhrase, containsSequence, tokenize, tokenizeFolded } from '../src/x/query-text.ts';
import type { Lang, PostKind, SandboxPost } from '../src/sandbox/types.ts';

/**
 * The recent-search query language and index: X's syntax and error messages, keyword matching
 * (tokens, accents, emoji), every operator on a small hand-made corpus, and the index checked
 * against a naive scan on random posts and random queries.
 */

// ---------------------------------------------------------------------------------------------
// A tiny world

interface TestUser {
  username: string;
  id: string;
  verified: boolean;
}

interface PostSpec {
  text: string;
  author: number;
  lang?: Lang;
  kind?: PostKind;
  ref?: number;
  conversation?: number;
}

const postId = (index: number): string => (1_500_000_000_000_000_000n + BigInt(index) * 7n).toString();

class World {
  readonly posts: SandboxPost[] = [];
  readonly index: SearchIndex;
  readonly features: PostFeatures[] = [];
  private readonly byIndexMap = new Map<number, SandboxPost>();

  constructor(
    readonly users: TestUser[],
    options: ConstructorParameters<typeof SearchIndex>[0] = {},
  ) {
    this.index = new SearchIndex(options);
  }

  add(spec: PostSpec, index = this.posts.length): SandboxPost {
    const kind = spec.kind ?? 'original';
    const ref = spec.ref ?? -1;
    const refPost = ref >= 0 ? this.byIndex(ref) : undefined;
    const post: SandboxPost = {
      index,
      id: postId(index),
      createdAt: 1_700_000_000_000 + index * 1000,
      author: spec.author,
      text: spec.text,
      lang: spec.lang ?? 'en',
      kind,
      ref,
      inReplyToUser: kind === 'reply' && refPost ? refPost.author : -1,
      conversation: spec.conversation ?? (kind === 'reply' && refPost ? refPost.conversation : index),
      likeCount: 0,
      retweetCount: 0,
      replyCount: 0,
      quoteCount: 0,
      impressionCount: 0,
      bookmarkCount: 0,
      intent: false,
    };
    this.posts.push(post);
    this.byIndexMap.set(index, post);
    const ctx = this.ctx(post);
    this.index.add(post, ctx);
    const retweeted = kind === 'retweet' && refPost ? this.users[refPost.author] : undefined;
    this.features.push(
      postFeatures(post, ctx, {
        refPostId: refPost?.id,
        conversationId: this.byIndex(post.conversation)?.id,
        retweetedUsername: retweeted?.username,
        retweetedUserId: retweeted?.id,
      }),
    );
    return post;
  }

  byIndex(index: number): SandboxPost | undefined {
    return this.byIndexMap.get(index);
  }

  ctx(post: SandboxPost): PostContext {
    const author = this.users[post.author] as TestUser;
    const to = post.inReplyToUser >= 0 ? (this.users[post.inReplyToUser] as TestUser) : undefined;
    return {
      authorUsername: author.username,
      authorId: author.id,
      authorVerified: author.verified,
      ...(to ? { inReplyToUsername: to.username, inReplyToUserId: to.id } : {}),
    };
  }

  search(query: string, opts: Partial<{ below: number; above: number; limit: number }> = {}): number[] {
    return this.index.search(compile(query), { below: opts.below ?? 1e9, above: opts.above ?? -1, limit: opts.limit ?? 1e9 });
  }

  /** The same query by brute force over per-post features. */
  naive(ast: QueryNode, opts: { below: number; above: number; limit: number }): number[] {
    const out: number[] = [];
    for (let i = this.features.length - 1; i >= 0 && out.length < opts.limit; i--) {
      const f = this.features[i] as PostFeatures;
      if (f.index < opts.below && f.index > opts.above && matches(ast, f)) out.push(f.index);
    }
    return out;
  }
}

const USERS: TestUser[] = [
  { username: 'alice', id: '1001', verified: true },
  { username: 'Bob', id: '1002', verified: false },
  { username: 'carol', id: '1003', verified: true },
  { username: 'dave_99', id: '1004', verified: false },
];

function corpus(): World {
  const w = new World(USERS);
  w.add({ author: 0, text: 'Anyone recommend a CRM for a small team? #SaaS' }); // 0
  w.add({ author: 1, text: 'Our CMOS sensor shipped 🚀 #hardware' }); // 1
  w.add({ author: 2, lang: 'fr', text: 'Nouvelle équipe marketing, on cherche un CRM! @alice' }); // 2
  w.add({ author: 3, kind: 'reply', ref: 0, text: '@alice try Pipewise https://t.co/abc123 it’s great' }); // 3
  w.add({ author: 1, kind: 'retweet', ref: 0, text: 'RT @alice: Anyone recommend a CRM for a small team? #SaaS' }); // 4
  w.add({ author: 2, kind: 'quote', ref: 1, text: "Great CMO insight: crm's ROI matters $CRM" }); // 5
  w.add({ author: 0, lang: 'es', text: 'buscando un crm para mi equipo' }); // 6
  w.add({ author: 3, text: 'coca-cola or pepsi? great🚀crm' }); // 7
  w.add({ author: 1, lang: 'fr', text: 'Equipe CRM-tool review #crm #Café' }); // 8
  w.add({ author: 0, kind: 'reply', ref: 7, text: 'the CRM 👍🏽 is great' }); // 9
  return w;
}

function message(query: string): string {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QueryError) return error.message;
    throw error;
  }
  throw new Error(`query ${JSON.stringify(query)} was accepted`);
}

const P = 'There were errors processing your request: ';

// ---------------------------------------------------------------------------------------------

describe('post text', () => {
  it('extracts entities with code point spans, as X reports them', () => {
    const text = '🚀 Hey @Alice, #CRM via $TSLA: https://t.co/abc123. bob@mail.com #123 (https://en.wikipedia.org/wiki/Foo_(bar))';
    const e = extractEntities(text);
    expect(e.mentions).toEqual([{ start: 6, end: 12, username: 'Alice' }]);
    expect(e.hashtags).toEqual([{ start: 14, end: 18, tag: 'CRM' }]);
    expect(e.cashtags).toEqual([{ start: 23, end: 28, tag: 'TSLA' }]);
    expect(e.urls).toEqual([
      { start: 30, end: 49, url: 'https://t.co/abc123' },
      { start: 70, end: 109, url: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
    ]);
    // Code points, not UTF-16 units: the rocket is one character.
    expect([...text].slice(6, 12).join('')).toBe('@Alice');
  });

  it('tokenises on punctuation and symbols, folds case and accents, keeps emoji as tokens', () => {
    expect(tokenize('coca-cola')).toEqual(['coca', 'cola']);
    expect(tokenize("CRM's")).toEqual(['crm', 's']);
    expect(tokenize('#crm @Bob')).toEqual(['crm', 'bob']);
    expect(tokenize('Équipe café ÇA')).toEqual(['equipe', 'cafe', 'ca']);
    expect(tokenize('Ｃｒｍ ﬁne')).toEqual(['crm', 'fine']);
    expect(tokenize('great🚀crm')).toEqual(['great', '🚀', 'crm']);
    expect(tokenize('👍🏽❤️ 🇫🇷 👩‍💻')).toEqual(['👍', '❤', '🇫🇷', '👩‍💻']);
    expect(postTokens('see https://www.HubSpot.com/blog/x?utm=1 now')).toEqual(['see', 'www', 'hubspot', 'com', 'now']);
  });

  it('checks phrases on folded text exactly as on the token list', () => {
    const rng = new Rng('phrases');
    const alphabet = ['a', 'b', 'ab', ' ', ' ', '-', "'", 'é', 'É', '🚀', '👍🏽', '\u200d', '🇫', '🇷', '_', '1', 'ß', 'İ', 'ﬁ', '\u0301', '’', 'Σ', 'https://t.co/ab', '#a', '@b'];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: rng.range(1, 14) }, () => rng.pick(alphabet)).join('');
      const folded = searchText(text);
      const tokens = tokenizeFolded(folded);
      const start = rng.int(Math.max(1, tokens.length));
      const phrase = rng.chance(0.7) ? tokens.slice(start, start + rng.range(1, 3)) : tokenize(rng.pick(['a b', 'ab a', 'e 1', 'a 🚀', 'fi a']));
      if (phrase.length === 0) continue;
      expect(containsPhrase(folded, phrase), `${JSON.stringify(text)} ${JSON.stringify(phrase)}`).toBe(containsSequence(tokens, phrase));
    }
  });
});

describe('query parser', () => {
  it('binds AND tighter than OR, and parentheses group', () => {
    const ast = parseQuery('a b OR c');
    expect(ast.type).toBe('or');
    if (ast.type !== 'or') return;
    expect(ast.children.map((c) => c.type)).toEqual(['and', 'keyword']);
    const grouped = parseQuery('a (b OR c)');
    expect(grouped.type).toBe('and');
    if (grouped.type !== 'and') return;
    expect(grouped.children.map((c) => c.type)).toEqual(['keyword', 'or']);
  });

  it('reads phrases, negations, entities and operators', () => {
    const ast = parseQuery('"small team" -"big corp" -(x OR y) -is:retweet #Café @Alice $TSLA from:Bob to:1002 lang:FR has:links');
    expect(ast.type).toBe('and');
    if (ast.type !== 'and') return;
    const [phrase, notPhrase, notGroup, notRetweet, hashtag, mention, cashtag, from, to, lang, has] = ast.children;
    expect(phrase).toMatchObject({ type: 'phrase', tokens: ['small', 'team'] });
    expect(notPhrase).toMatchObject({ type: 'not', child: { type: 'phrase', tokens: ['big', 'corp'] } });
    expect(notGroup).toMatchObject({ type: 'not', child: { type: 'or' } });
    expect(notRetweet).toMatchObject({ type: 'not', child: { type: 'is', flag: 'retweet' } });
    expect(hashtag).toMatchObject({ type: 'hashtag', tag: 'cafe' });
    expect(mention).toMatchObject({ type: 'mention', username: 'alice' });
    expect(cashtag).toMatchObject({ type: 'cashtag', symbol: 'tsla' });
    expect(from).toMatchObject({ type: 'user', field: 'from', value: 'bob' });
    expect(to).toMatchObject({ type: 'user', field: 'to', value: '1002' });
    expect(lang).toMatchObject({ type: 'lang', lang: 'fr' });
    expect(has).toMatchObject({ type: 'has', flag: 'links' });
  });

  it('treats lower-case or as a keyword and hyphenated words as one keyword', () => {
    expect(parseQuery('pepsi or coke')).toMatchObject({ type: 'and', children: [{ text: 'pepsi' }, { text: 'or' }, { text: 'coke' }] });
    expect(parseQuery('coca-cola')).toMatchObject({ type: 'keyword', tokens: ['coca', 'cola'] });
  });

  it.each([
    ['', "Invalid 'query':''. 'query' must be a non-empty string"],
    ['  ', "Invalid 'query':'  '. 'query' must be a non-empty string"],
    ['-crm', `${P}Rules must contain a non-negation term (at position 1), Rules must contain at least one positive, non-stopword clause (at position 1)`],
    ['-(crm OR cmo) -is:retweet', `${P}Rules must contain a non-negation term (at position 1), Rules must contain at least one positive, non-stopword clause (at position 1)`],
    ['a', `${P}Rules must contain at least one positive, non-stopword clause (at position 1)`],
    ['is:retweet', `${P}is/has/lang cannot be used as a standalone operator (at position 1)`],
    ['has:links OR is:retweet', `${P}is/has/lang cannot be used as a standalone operator (at position 1)`],
    ['lang:en -is:retweet', `${P}is/has/lang cannot be used as a standalone operator (at position 1)`],
    ['crm OR has:links', `${P}is/has/lang cannot be used as a standalone operator (at position 8)`],
    ['crm OR -spam', `${P}Rules must contain a non-negation term (at position 8)`],
    ['has:polls', `${P}is/has/lang cannot be used as a standalone operator (at position 1), Reference to invalid operator 'has:polls'`],
    ['crm since:2024-01-01', `${P}Reference to invalid operator 'since'`],
    ['humorous AND film', `${P}Ambiguous use of and as a keyword. Use a space to logically join two clauses, or "and" to find occurrences of and in text (at position 10)`],
    ["(pepsi OR cola OR 'coca cola')", `${P}no viable alternative at character ''' (at position 19), no viable alternative at character ''' (at position 29)`],
    ['[(OpenAI OR GPT-3)]', `${P}no viable alternative at input '[' (at position 1)`],
    ['crm https://x.com', `${P}no viable alternative at character '/' (at position 11), no viable alternative at character '/' (at position 12)`],
    ['OR crm', `${P}no viable alternative at input 'OR' (at position 1)`],
    ['crm OR', `${P}no viable alternative at input 'OR' (at position 5)`],
    ['crm OR OR cmo', `${P}no viable alternative at input 'OR' (at position 8)`],
    ['(crm OR) cmo', `${P}no viable alternative at input 'OR' (at position 6)`],
    ['(crm', `${P}missing ')' at '<EOF>' (at position 5)`],
    ['crm)', `${P}missing EOF at ')' (at position 4)`],
    ['crm ()', `${P}no viable alternative at input '()' (at position 5)`],
    ['"crm', `${P}mismatched character '<EOF>' expecting '"' (at position 5)`],
    ['crm -', `${P}no viable alternative at input '-' (at position 5)`],
    ['crm from:', `${P}no viable alternative at input 'from:' (at position 5)`],
  ])('refuses %j as X does', (query, expected) => {
    expect(message(query)).toBe(expected);
  });

  it('refuses a query longer than 512 characters', () => {
    const ok = `crm ${'x'.repeat(508)}`;
    expect([...ok].length).toBe(512);
    expect(() => parseQuery(ok)).not.toThrow();
    expect(message(`${ok}x`)).toBe(`${P}Query length of 513 characters exceeds the maximum of 512 (at position 513)`);
  });

  it('keeps QueryError details for the server', () => {
    try {
      parseQuery('(crm');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(QueryError);
      expect((error as QueryError).query).toBe('(crm');
      expect((error as QueryError).errors).toEqual([{ reason: "missing ')' at '<EOF>'", position: 5 }]);
    }
  });

  it('caches compiled queries, refused ones included, and drops the least recently used', () => {
    const cache = new QueryCache(2);
    const a = cache.compile('crm');
    expect(cache.compile('crm')).toBe(a);
    expect(() => cache.compile('-crm')).toThrow(QueryError);
    expect(() => cache.compile('-crm')).toThrow(/non-negation/);
    cache.compile('crm'); // most recent again
    cache.compile('cmo'); // evicts '-crm'
    expect(cache.size).toBe(2);
    expect(cache.compile('crm')).toBe(a);
  });
});

describe('search on a small corpus', () => {
  const w = corpus();
  const cases: Array<[string, number[]]> = [
    // keywords: case-insensitive, token-based, not inside longer words
    ['crm', [9, 8, 7, 6, 5, 4, 2, 0]],
    ['CRM', [9, 8, 7, 6, 5, 4, 2, 0]],
    ['cmo', [5]],
    ['cmos', [1]],
    ['recommend crm', [4, 0]],
    // accents folded both ways
    ['equipe', [8, 2]],
    ['ÉQUIPE', [8, 2]],
    ['equipo', [6]],
    ['#cafe', [8]],
    ['#CAFÉ', [8]],
    // emoji
    ['🚀', [7, 1]],
    ['👍', [9]],
    ['great 🚀', [7]],
    // phrases and hyphenated keywords
    ['"small team"', [4, 0]],
    ['"team small"', []],
    ['"coca cola"', [7]],
    ['coca-cola', [7]],
    ['"crm tool"', [8]],
    ['pepsi or', [7]],
    // OR, precedence, parentheses
    ['cmo OR cmos', [5, 1]],
    ['cmo crm OR pepsi', [7, 5]],
    ['cmo (crm OR pepsi)', [5]],
    ['(cmo OR cmos) (crm OR hardware)', [5, 1]],
    // negation of term, phrase, group, operator
    ['crm -great', [8, 6, 4, 2, 0]],
    ['crm -"small team"', [9, 8, 7, 6, 5, 2]],
    ['crm -(alice OR saas)', [9, 8, 7, 6, 5]],
    ['crm -is:retweet', [9, 8, 7, 6, 5, 2, 0]],
    ['crm -lang:en', [8, 6, 2]],
    // entities
    ['#crm', [8]],
    ['#saas', [4, 0]],
    ['@alice', [4, 3, 2]],
    ['@ALICE -is:retweet', [3, 2]],
    ['$crm', [5]],
    ['#hardware OR $crm', [5, 1]],
    // users
    ['from:alice', [9, 6, 0]],
    ['from:ALICE crm', [9, 6, 0]],
    ['from:bob', [8, 4, 1]],
    ['from:1002', [8, 4, 1]],
    ['from:nobody', []],
    ['to:alice', [3]],
    ['to:dave_99', [9]],
    ['to:1004 great', [9]],
    ['retweets_of:alice', [4]],
    ['from:alice OR from:carol', [9, 6, 5, 2, 0]],
    // conjunction-required operators
    ['crm lang:fr', [8, 2]],
    ['crm lang:es', [6]],
    ['crm is:retweet', [4]],
    ['crm is:reply', [9]],
    ['crm is:quote', [5]],
    ['crm is:verified', [9, 6, 5, 2, 0]],
    ['@alice has:links', [3]],
    ['crm has:mentions', [4, 2]],
    ['crm has:hashtags', [8, 4, 0]],
    ['crm has:cashtags', [5]],
    ['crm has:media', []],
    ['crm -has:media', [9, 8, 7, 6, 5, 4, 2, 0]],
    // URLs and conversations
    ['url:"t.co/abc123"', [3]],
    ['pipewise', [3]],
    [`conversation_id:${postId(0)}`, [3, 0]],
    [`in_reply_to_tweet_id:${postId(7)}`, [9]],
    [`quotes_of_tweet_id:${postId(1)}`, [5]],
    [`retweets_of_tweet_id:${postId(0)}`, [4]],
    // operators X knows that never match in the sandbox
    ['place:paris', []],
    ['crm OR place:paris', [9, 8, 7, 6, 5, 4, 2, 0]],
  ];

  it.each(cases)('%s', (query, expected) => {
    expect(w.search(query)).toEqual(expected);
    // The reference matcher agrees.
    expect(w.naive(parseQuery(query), { below: 1e9, above: -1, limit: 1e9 })).toEqual(expected);
  });

  it('returns newest first within above < index < below, at most limit', () => {
    expect(w.search('crm', { below: 8 })).toEqual([7, 6, 5, 4, 2, 0]);
    expect(w.search('crm', { above: 4 })).toEqual([9, 8, 7, 6, 5]);
    expect(w.search('crm', { above: 2, below: 8 })).toEqual([7, 6, 5, 4]);
    expect(w.search('crm', { limit: 3 })).toEqual([9, 8, 7]);
    expect(w.search('crm', { above: 2, below: 8, limit: 2 })).toEqual([7, 6]);
    expect(w.search('crm', { above: 8, below: 9 })).toEqual([]);
    expect(w.search('crm', { limit: 0 })).toEqual([]);
  });

  it('describes an indexed post with the features the matcher reads', () => {
    const f = w.index.features(3);
    expect(f).toMatchObject({ id: postId(3), kind: 'reply', author: { username: 'dave_99', id: '1004' }, inReplyTo: { username: 'alice' } });
    expect(f && matches(parseQuery('to:alice has:links'), f)).toBe(true);
    expect(w.index.features(99)).toBeUndefined();
  });

  it('refuses posts out of order, and skips missing indices', () => {
    const sparse = new World(USERS);
    sparse.add({ author: 0, text: 'crm one' }, 10);
    sparse.add({ author: 1, text: 'crm two' }, 20);
    sparse.add({ author: 2, text: 'crm three' }, 35);
    expect(sparse.search('crm')).toEqual([35, 20, 10]);
    expect(sparse.search('crm', { below: 35, above: 10 })).toEqual([20]);
    expect(sparse.search('crm', { below: 21 })).toEqual([20, 10]);
    expect(() => sparse.add({ author: 0, text: 'late' }, 30)).toThrow(/ascending index order/);
  });

  it('can resolve users through the caller instead of its own maps', () => {
    const w2 = new World(USERS, { resolveUser: (v) => USERS.flatMap((u, i) => (u.username.toLowerCase() === v || u.id === v ? [i] : [])) });
    w2.add({ author: 1, text: 'crm here' });
    w2.add({ author: 0, text: 'crm there' });
    expect(w2.search('from:bob')).toEqual([0]);
    expect(w2.search('from:1001 crm')).toEqual([1]);
  });
});

// ---------------------------------------------------------------------------------------------
// Random posts, random queries

const WORDS = [
  'crm', 'cmo', 'cmos', 'recommend', 'looking', 'for', 'the', 'tool', 'team', 'sales', 'pipeline', 'great', 'café', 'cafe',
  'équipe', 'equipe', 'marketing', 'b2b', 'saas', 'growth', 'hiring', 'anyone', 'pepsi', 'coca', 'cola', 'data', 'lead', 'leads',
  'de', 'el', 'la', 'un', 'una', 'ops', 'revops', 'hubspot', 'budget', 'demo',
];
const EMOJI = ['🚀', '👍', '👍🏽', '❤️', '🔥'];
const TAGS = ['SaaS', 'crm', 'Café', 'growth', 'B2B'];

function randomUsers(n: number): TestUser[] {
  return Array.from({ length: n }, (_, i) => ({ username: i % 3 === 0 ? `User${i}` : `user_${i}`, id: String(2_000_000 + i), verified: i % 7 === 0 }));
}

function randomWord(rng: Rng, users: TestUser[]): string {
  const r = rng.next();
  if (r < 0.06) return `#${rng.pick(TAGS)}`;
  if (r < 0.1) return `@${rng.pick(users).username}`;
  if (r < 0.12) return rng.pick(['$CRM', '$tsla', '$5']);
  if (r < 0.14) return `https://t.co/${rng.int(1e9).toString(36)}`;
  if (r < 0.18) return rng.pick(EMOJI);
  let w = rng.pick(WORDS);
  const d = rng.next();
  if (d < 0.1) w = w.toUpperCase();
  else if (d < 0.2) w = w[0]?.toUpperCase() + w.slice(1);
  const p = rng.next();
  if (p < 0.05) w += "'s";
  else if (p < 0.1) w += rng.pick([',', '!', '?', '.', ':']);
  else if (p < 0.13) w += `-${rng.pick(WORDS)}`;
  else if (p < 0.16) w += rng.pick(EMOJI);
  return w;
}

function randomWorld(posts: number, users: number, seed: string): World {
  const rng = new Rng(seed);
  const w = new World(randomUsers(users));
  const KINDS: PostKind[] = ['original', 'reply', 'quote', 'retweet'];
  for (let i = 0; i < posts; i++) {
    let kind = i === 0 ? 'original' : rng.weighted(KINDS, [55, 20, 10, 15]);
    const ref = kind === 'original' ? -1 : rng.int(i);
    const refPost = ref >= 0 ? w.posts[ref] : undefined;
    let text: string;
    if (kind === 'retweet' && refPost) {
      text = `RT @${w.users[refPost.author]?.username}: ${refPost.text}`;
    } else {
      const n = rng.range(3, 14);
      text = Array.from({ length: n }, () => randomWord(rng, w.users)).join(' ');
    }
    if (!refPost) kind = 'original';
    w.add({ author: rng.int(users), text, kind, ref, lang: rng.pick<Lang>(['en', 'en', 'fr', 'es']) });
  }
  return w;
}

function randomQuery(rng: Rng, w: World, depth: number): string {
  const atom = (): string => {
    const r = rng.next();
    if (r < 0.4) {
      const word = rng.pick(WORDS);
      return rng.chance(0.2) ? word.toUpperCase() : word;
    }
    if (r < 0.5) {
      // A phrase taken from a real post, so that phrases sometimes match.
      const tokens = postTokens(rng.pick(w.posts).text).filter((t) => /^[a-z0-9]+$/.test(t));
      const at = rng.int(Math.max(1, tokens.length - 1));
      const phrase = tokens.slice(at, at + rng.range(2, 3)).join(' ');
      return phrase ? `"${phrase}"` : 'crm';
    }
    if (r < 0.58) return `#${rng.pick(TAGS).toLowerCase()}`;
    if (r < 0.66) return `@${rng.pick(w.users).username}`;
    if (r < 0.74) return `from:${rng.chance(0.5) ? rng.pick(w.users).username : rng.pick(w.users).id}`;
    if (r < 0.8) return `to:${rng.pick(w.users).username}`;
    if (r < 0.84) return `retweets_of:${rng.pick(w.users).username}`;
    if (r < 0.88) return rng.pick(['$crm', '$tsla']);
    if (r < 0.93) return rng.pick(EMOJI);
    return rng.pick(['coca-cola', 'crm-tool', 'b2b']);
  };
  const modifier = (): string =>
    rng.pick([
      'is:retweet', 'is:reply', 'is:quote', 'is:verified', 'has:links', 'has:mentions', 'has:hashtags', 'has:cashtags',
      'lang:en', 'lang:fr', 'lang:es',
    ]);
  const expr = (d: number): string => {
    const r = rng.next();
    if (d === 0 || r < 0.3) return atom();
    if (r < 0.6) {
      const parts = [expr(d - 1), expr(d - 1)];
      if (rng.chance(0.5)) parts.push(`${rng.chance(0.5) ? '-' : ''}${modifier()}`);
      if (rng.chance(0.4)) parts.push(`-${rng.chance(0.7) ? atom() : `(${expr(d - 1)})`}`);
      return parts.join(' ');
    }
    if (r < 0.9) return `(${expr(d - 1)} OR ${expr(d - 1)})`;
    return `${expr(d - 1)} ${rng.chance(0.5) ? '-' : ''}${modifier()}`;
  };
  return expr(depth);
}

describe('index against a naive scan', () => {
  it('agrees on random queries over random posts, with bounds and limits', () => {
    const w = randomWorld(4000, 60, 'property');
    const rng = new Rng('queries');
    let checked = 0;
    let nonEmpty = 0;
    let attempts = 0;
    while (checked < 120 && attempts < 2000) {
      attempts++;
      const query = randomQuery(rng, w, 3);
      let ast: QueryNode;
      try {
        ast = parseQuery(query);
      } catch (error) {
        if (error instanceof QueryError) continue;
        throw error;
      }
      checked++;
      const all = { below: w.posts.length, above: -1, limit: w.posts.length };
      const expected = w.naive(ast, all);
      if (expected.length > 0) nonEmpty++;
      expect(w.index.search(ast, all), query).toEqual(expected);
      const below = rng.int(w.posts.length + 1);
      const window = { below, above: rng.int(below + 1) - 1, limit: rng.range(1, 100) };
      expect(w.index.search(ast, window), `${query} ${JSON.stringify(window)}`).toEqual(w.naive(ast, window));
    }
    expect(checked).toBe(120);
    expect(nonEmpty).toBeGreaterThan(60);
  });

  it('answers selective queries on 200,000 posts quickly (timing logged, correctness asserted)', () => {
    const w = randomWorld(200_000, 5000, 'large');
    const queries = [
      'pipeline revops -is:retweet lang:en',
      '"recommend crm" OR "looking for"',
      `from:${w.users[42]?.username} crm`,
      '#saas hubspot -has:links',
      '(cmo OR cmos) demo is:verified',
    ];
    const lines: string[] = [];
    for (const query of queries) {
      const compiled = compile(query);
      const opts = { below: w.posts.length, above: -1, limit: 100 };
      const hits = w.index.search(compiled, opts);
      expect(hits, query).toEqual(w.naive(compiled.ast, opts));
      const runs = 200;
      const start = performance.now();
      for (let i = 0; i < runs; i++) w.index.search(compiled, opts);
      const perQuery = (performance.now() - start) / runs;
      lines.push(`  ${query.padEnd(45)} ${String(hits.length).padStart(3)} hits  ${(perQuery * 1000).toFixed(0).padStart(5)} µs`);
    }
    console.log(`search on ${w.index.size} posts, ${w.index.termsCount} terms (limit 100):\n${lines.join('\n')}`);
  });
});
