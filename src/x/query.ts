/**
 * X API v2 recent search query language: parser, validation and X's error messages. Knowledge of
 * X, used by the persona config (a query X would refuse is a config error) and by the sandbox
 * (which answers queries with this AST and refuses the same ones with the same 400).
 *
 * Grammar (X's build-a-query guide): terms separated by spaces are ANDed; `OR` (upper case)
 * between terms; AND binds tighter than OR ("a b OR c" is "(a b) OR c"); parentheses group; `-`
 * right before a term, phrase, group or operator negates it. Terms: keywords, "exact phrases",
 * `#hashtag`, `@mention`, `$cashtag`, emoji, and `name:value` operators.
 *
 * Rules X enforces, each with X's message (prefixed by "There were errors processing your
 * request: " and followed by " (at position N)", N counted from 1, as X does):
 * - at least one positive term: "Rules must contain a non-negation term" together with
 *   "Rules must contain at least one positive, non-stopword clause" (both X's, PowerTrack docs and
 *   observed v2 responses for `-follow` and `--b`); the second alone when the only positive terms
 *   are stopwords (observed for the query `a`);
 * - conjunction-required operators (is:, has:, lang:) need a standalone term in every OR branch:
 *   "is/has/lang cannot be used as a standalone operator" (observed for `has:polls`);
 * - unknown operators: "Reference to invalid operator 'since'" (observed, no position);
 * - upper-case AND: "Ambiguous use of and as a keyword. Use a space to logically join two
 *   clauses, or "and" to find occurrences of and in text" (observed);
 * - characters X's lexer rejects outside quotes (`'`, `<`, `/`): "no viable alternative at
 *   character '''" (observed); `[` → "no viable alternative at input '['" (observed); an extra
 *   `)` → "missing EOF at ')'" (observed); the other syntax messages use the same ANTLR wording
 *   ("missing ')' at '<EOF>'", "mismatched character '<EOF>' expecting '"'", "no viable
 *   alternative at input 'OR'") but their exact text is our guess;
 * - empty query: "Invalid 'query':''. 'query' must be a non-empty string" (observed, no prefix);
 * - longer than 512 characters: X's wording was not found; ours says what is wrong.
 * Several errors are joined with ", " as X does.
 */
import { foldTag, tokenize } from './query-text.ts';

const MAX_QUERY_LENGTH = 512;

// ---------------------------------------------------------------------------------------------
// AST

export type IsFlag = 'retweet' | 'reply' | 'quote' | 'verified' | 'nullcast';
export type HasFlag = 'links' | 'mentions' | 'hashtags' | 'cashtags' | 'media' | 'images' | 'videos' | 'video_link' | 'geo';
export type UserField = 'from' | 'to' | 'retweets_of';
export type PostRefField = 'conversation_id' | 'in_reply_to_tweet_id' | 'retweets_of_tweet_id' | 'quotes_of_tweet_id';

/** Every node records `pos`, its 0-based UTF-16 offset in the query. */
export type QueryNode =
  | { type: 'and'; children: QueryNode[]; pos: number }
  | { type: 'or'; children: QueryNode[]; pos: number }
  | { type: 'not'; child: QueryNode; pos: number }
  /** A bare keyword; `tokens` are folded, and several tokens (`coca-cola`) match as a phrase. */
  | { type: 'keyword'; text: string; tokens: string[]; pos: number }
  | { type: 'phrase'; text: string; tokens: string[]; pos: number }
  /** `tag` folded like post hashtags (lower case, no accents). */
  | { type: 'hashtag'; tag: string; pos: number }
  /** `username` lower case. */
  | { type: 'mention'; username: string; pos: number }
  /** `symbol` lower case. */
  | { type: 'cashtag'; symbol: string; pos: number }
  /** `value` lower case: a username or a numeric user id. */
  | { type: 'user'; field: UserField; value: string; pos: number }
  | { type: 'url'; value: string; tokens: string[]; pos: number }
  | { type: 'post_ref'; field: PostRefField; id: string; pos: number }
  | { type: 'lang'; lang: string; pos: number }
  | { type: 'is'; flag: IsFlag; pos: number }
  | { type: 'has'; flag: HasFlag; pos: number }
  /** An operator X knows that never matches in the sandbox (no places, lists or annotations). */
  | { type: 'inert'; operator: string; value: string; pos: number };

export interface CompiledQuery {
  readonly query: string;
  readonly ast: QueryNode;
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface QueryErrorItem {
  reason: string;
  /** 1-based, as X prints it; absent when X prints none. */
  position?: number;
}

const PREFIX = 'There were errors processing your request: ';

/**
 * A query X would refuse with 400 Invalid Request. `message` is X's exact text for the
 * `errors[0].message` of the body; the server builds the body with `parameters.query`.
 */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  readonly query: string;
  readonly errors: readonly QueryErrorItem[];

  constructor(query: string, errors: QueryErrorItem[], message?: string) {
    super(message ?? invalidQueryMessage(errors));
    this.query = query;
    this.errors = errors;
  }
}

/** X's message for a list of query errors. */
function invalidQueryMessage(errors: readonly QueryErrorItem[]): string {
  return PREFIX + errors.map((e) => (e.position === undefined ? e.reason : `${e.reason} (at position ${e.position})`)).join(', ');
}

const NON_NEGATION = 'Rules must contain a non-negation term';
const NON_STOPWORD = 'Rules must contain at least one positive, non-stopword clause';
const STANDALONE = 'is/has/lang cannot be used as a standalone operator';
const AMBIGUOUS_AND =
  'Ambiguous use of and as a keyword. Use a space to logically join two clauses, or "and" to find occurrences of and in text';

/**
 * Stopwords only matter for the "non-stopword clause" rule; matching ignores them. X's list is
 * not published (its search runs on Lucene); this is Lucene's classic English stop set, which
 * contains `a`, the one stopword X was observed to reject.
 */
const STOPWORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

// ---------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { kind: 'lparen' | 'rparen' | 'or' | 'and' | 'neg' | 'eof'; pos: number }
  | { kind: 'bad'; pos: number; text: string }
  | { kind: 'phrase'; pos: number; text: string }
  | { kind: 'word'; pos: number; text: string }
  | { kind: 'op'; pos: number; name: string; value: string; quoted: boolean; raw: string };

const OPERATOR_NAME_RE = /^[A-Za-z_]+$/;
/** Outside quotes X's lexer rejects these (observed for `'`, `<` and `/`). */
const LEXER_INVALID = new Set(["'", '<', '/', '\\']);

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || /\s/u.test(ch);
}

/** Characters ending a word: whitespace, parentheses, quotes. */
function endsWord(ch: string): boolean {
  return ch === '(' || ch === ')' || ch === '"' || isSpace(ch);
}

function lex(query: string): Token[] {
  const tokens: Token[] = [];
  const errors: QueryErrorItem[] = [];
  const n = query.length;
  const checkChars = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      const ch = query[k] ?? '';
      if (LEXER_INVALID.has(ch)) {
        errors.push({ reason: `no viable alternative at character '${ch}'`, position: k + 1 });
      } else if (ch === '>') {
        // X's lexer reads '>' as the start of '>=' (observed: "mismatched character '<EOF>' expecting '='").
        const next = query[k + 1];
        if (next !== '=') {
          errors.push({ reason: `mismatched character '${next === undefined ? '<EOF>' : next}' expecting '='`, position: k + 2 });
        }
      }
    }
  };
  let i = 0;
  while (i < n) {
    const ch = query[i] ?? '';
    if (isSpace(ch)) {
      i++;
    } else if (ch === '(') {
      tokens.push({ kind: 'lparen', pos: i++ });
    } else if (ch === ')') {
      tokens.push({ kind: 'rparen', pos: i++ });
    } else if (ch === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) {
        errors.push({ reason: `mismatched character '<EOF>' expecting '"'`, position: n + 1 });
        break;
      }
      tokens.push({ kind: 'phrase', pos: i, text: query.slice(i + 1, close) });
      i = close + 1;
    } else if (ch === '-' && i + 1 < n && !endsWord(query[i + 1] ?? ' ') && query[i + 1] !== ')') {
      tokens.push({ kind: 'neg', pos: i++ });
    } else if (ch === '-' && query[i + 1] === '"') {
      tokens.push({ kind: 'neg', pos: i++ });
    } else if (ch === '-' && query[i + 1] === '(') {
      tokens.push({ kind: 'neg', pos: i++ });
    } else if (ch === '[' || ch === ']' || ch === '{' || ch === '}') {
      tokens.push({ kind: 'bad', pos: i, text: ch });
      i++;
    } else {
      const start = i;
      while (i < n && !endsWord(query[i] ?? ' ')) i++;
      const raw = query.slice(start, i);
      const colon = raw.indexOf(':');
      const name = colon > 0 ? raw.slice(0, colon) : '';
      if (colon > 0 && OPERATOR_NAME_RE.test(name)) {
        let value = raw.slice(colon + 1);
        let quoted = false;
        if (value === '' && query[i] === '"') {
          const close = query.indexOf('"', i + 1);
          if (close < 0) {
            errors.push({ reason: `mismatched character '<EOF>' expecting '"'`, position: n + 1 });
            break;
          }
          value = query.slice(i + 1, close);
          quoted = true;
          i = close + 1;
        } else {
          checkChars(start + colon + 1, start + raw.length);
        }
        tokens.push({ kind: 'op', pos: start, name: name.toLowerCase(), value, quoted, raw: query.slice(start, i) });
      } else if (raw === 'OR') {
        tokens.push({ kind: 'or', pos: start });
      } else if (raw === 'AND') {
        tokens.push({ kind: 'and', pos: start });
      } else {
        checkChars(start, i);
        tokens.push({ kind: 'word', pos: start, text: raw });
      }
    }
  }
  if (errors.length > 0) throw new QueryError(query, errors);
  tokens.push({ kind: 'eof', pos: n });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser

const IS_FLAGS: ReadonlySet<string> = new Set<IsFlag>(['retweet', 'reply', 'quote', 'verified', 'nullcast']);
const HAS_FLAGS: ReadonlySet<string> = new Set<HasFlag>([
  'links',
  'mentions',
  'hashtags',
  'cashtags',
  'media',
  'images',
  'videos',
  'video_link',
  'geo',
]);
const USER_FIELDS: ReadonlySet<string> = new Set<UserField>(['from', 'to', 'retweets_of']);
const POST_REF_FIELDS: ReadonlySet<string> = new Set<PostRefField>([
  'conversation_id',
  'in_reply_to_tweet_id',
  'retweets_of_tweet_id',
  'quotes_of_tweet_id',
]);
/** Standalone operators X accepts that match nothing here: the sandbox has no geo, lists or annotations. */
const INERT_OPERATORS: ReadonlySet<string> = new Set([
  'place',
  'place_country',
  'point_radius',
  'bounding_box',
  'context',
  'entity',
  'list',
]);

const USER_VALUE_RE = /^[A-Za-z0-9_]{1,50}$/;
const POST_ID_RE = /^[0-9]{1,19}$/;
const LANG_RE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;
const HASHTAG_BODY_RE = /^[\p{L}\p{N}\p{M}_]*\p{L}[\p{L}\p{N}\p{M}_]*$/u;
const MENTION_BODY_RE = /^[A-Za-z0-9_]{1,15}$/;
const CASHTAG_BODY_RE = /^[A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?$/;

class Parser {
  private at = 0;
  /** Unknown operators: reported after the structural rules, as X orders them. */
  readonly invalidOperators: QueryErrorItem[] = [];

  constructor(
    private readonly query: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.at] ?? { kind: 'eof', pos: this.query.length };
  }

  private fail(reason: string, pos: number): never {
    throw new QueryError(this.query, [{ reason, position: pos + 1 }]);
  }

  parse(): QueryNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind === 'rparen') this.fail(`missing EOF at ')'`, t.pos);
    return node;
  }

  private parseOr(): QueryNode {
    const first = this.parseAnd();
    const children = [first];
    while (this.peek().kind === 'or') {
      const or = this.peek();
      this.at++;
      const next = this.peek();
      if (next.kind === 'or') this.fail(`no viable alternative at input 'OR'`, next.pos);
      if (next.kind === 'eof' || next.kind === 'rparen') this.fail(`no viable alternative at input 'OR'`, or.pos);
      children.push(this.parseAnd());
    }
    if (children.length === 1) return first;
    return { type: 'or', children: children.flatMap((c) => (c.type === 'or' ? c.children : [c])), pos: first.pos };
  }

  private parseAnd(): QueryNode {
    const children: QueryNode[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || t.kind === 'rparen' || t.kind === 'or') break;
      children.push(this.parseUnary());
    }
    const t = this.peek();
    if (children.length === 0) {
      if (t.kind === 'or') this.fail(`no viable alternative at input 'OR'`, t.pos);
      if (t.kind === 'rparen') this.fail(`missing EOF at ')'`, t.pos);
      // Empty input is refused before parsing; an empty group is reported by parseUnary.
      this.fail(`mismatched input '<EOF>'`, t.pos);
    }
    const first = children[0] as QueryNode;
    if (children.length === 1) return first;
    return { type: 'and', children: children.flatMap((c) => (c.type === 'and' ? c.children : [c])), pos: first.pos };
  }

  private parseUnary(): QueryNode {
    const t = this.peek();
    this.at++;
    switch (t.kind) {
      case 'neg': {
        const next = this.peek().kind;
        if (next === 'eof' || next === 'rparen' || next === 'or') this.fail(`no viable alternative at input '-'`, t.pos);
        return { type: 'not', child: this.parseUnary(), pos: t.pos };
      }
      case 'lparen': {
        if (this.peek().kind === 'rparen') this.fail(`no viable alternative at input '()'`, t.pos);
        if (this.peek().kind === 'eof') this.fail(`missing ')' at '<EOF>'`, this.query.length);
        const inner = this.parseOr();
        if (this.peek().kind !== 'rparen') this.fail(`missing ')' at '<EOF>'`, this.query.length);
        this.at++;
        return inner;
      }
      case 'phrase':
        return { type: 'phrase', text: t.text, tokens: tokenize(t.text), pos: t.pos };
      case 'word':
        return this.word(t.text, t.pos);
      case 'op':
        return this.operator(t.name, t.value, t.raw, t.pos);
      case 'and':
        return this.fail(AMBIGUOUS_AND, t.pos);
      case 'bad':
        return this.fail(`no viable alternative at input '${t.text}'`, t.pos);
      default:
        return this.fail(`mismatched input '<EOF>'`, t.pos);
    }
  }

  private word(text: string, pos: number): QueryNode {
    const sigil = text[0];
    const body = text.slice(1);
    if ((sigil === '#' || sigil === '＃') && HASHTAG_BODY_RE.test(body)) return { type: 'hashtag', tag: foldTag(body), pos };
    if ((sigil === '@' || sigil === '＠') && MENTION_BODY_RE.test(body)) return { type: 'mention', username: body.toLowerCase(), pos };
    if ((sigil === '$' || sigil === '＄') && CASHTAG_BODY_RE.test(body)) return { type: 'cashtag', symbol: body.toLowerCase(), pos };
    if (text === '#' || text === '@' || text === '-') this.fail(`no viable alternative at input '${text}'`, pos);
    return { type: 'keyword', text, tokens: tokenize(text), pos };
  }

  private operator(name: string, value: string, raw: string, pos: number): QueryNode {
    if (value === '') this.fail(`no viable alternative at input '${raw}'`, pos);
    if (name === 'is') {
      if (!IS_FLAGS.has(value)) this.invalidOperators.push({ reason: `Reference to invalid operator 'is:${value}'` });
      return { type: 'is', flag: value as IsFlag, pos };
    }
    if (name === 'has') {
      if (!HAS_FLAGS.has(value)) this.invalidOperators.push({ reason: `Reference to invalid operator 'has:${value}'` });
      return { type: 'has', flag: value as HasFlag, pos };
    }
    if (name === 'lang') {
      if (!LANG_RE.test(value)) this.fail(`no viable alternative at input '${raw}'`, pos);
      return { type: 'lang', lang: value.toLowerCase(), pos };
    }
    if (USER_FIELDS.has(name)) {
      if (!USER_VALUE_RE.test(value)) this.fail(`no viable alternative at input '${raw}'`, pos);
      return { type: 'user', field: name as UserField, value: value.toLowerCase(), pos };
    }
    if (POST_REF_FIELDS.has(name)) {
      if (!POST_ID_RE.test(value)) this.fail(`no viable alternative at input '${raw}'`, pos);
      return { type: 'post_ref', field: name as PostRefField, id: value, pos };
    }
    if (name === 'url') return { type: 'url', value, tokens: tokenize(value), pos };
    if (INERT_OPERATORS.has(name)) return { type: 'inert', operator: name, value, pos };
    this.invalidOperators.push({ reason: `Reference to invalid operator '${name}'` });
    return { type: 'inert', operator: name, value, pos };
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

function isConjunctionRequired(node: QueryNode): boolean {
  return node.type === 'is' || node.type === 'has' || node.type === 'lang';
}

function isStopword(node: QueryNode): boolean {
  return node.type === 'keyword' && node.tokens.length === 1 && STOPWORDS.has(node.tokens[0] as string);
}

interface Leaves {
  positive: QueryNode[];
  negative: QueryNode[];
}

function collectLeaves(node: QueryNode, negated: boolean, out: Leaves): Leaves {
  switch (node.type) {
    case 'and':
    case 'or':
      for (const c of node.children) collectLeaves(c, negated, out);
      break;
    case 'not':
      collectLeaves(node.child, true, out);
      break;
    default:
      (negated ? out.negative : out.positive).push(node);
  }
  return out;
}

/**
 * A positive standalone term holds on every way the node can match. Stopwords count here: X's
 * stopword rule is about the query as a whole (`a` alone is refused), not each OR branch.
 */
function anchored(node: QueryNode): boolean {
  switch (node.type) {
    case 'and':
      return node.children.some(anchored);
    case 'or':
      return node.children.every(anchored);
    case 'not':
      return false;
    default:
      return !isConjunctionRequired(node);
  }
}

/** The first OR branch (depth first) that is not anchored, for the error position. */
function firstUnanchored(node: QueryNode): QueryNode {
  if (node.type === 'or') {
    for (const c of node.children) if (!anchored(c)) return firstUnanchored(c);
  }
  if (node.type === 'and') {
    for (const c of node.children) if (c.type === 'or' && !anchored(c)) return firstUnanchored(c);
  }
  return node;
}

function structuralErrors(ast: QueryNode): QueryErrorItem[] {
  const all = collectLeaves(ast, false, { positive: [], negative: [] });
  if (all.positive.length === 0) {
    return [
      { reason: NON_NEGATION, position: 1 },
      { reason: NON_STOPWORD, position: 1 },
    ];
  }
  if (!all.positive.some((n) => !isConjunctionRequired(n) && !isStopword(n))) {
    const hasStopword = all.positive.some(isStopword);
    return [{ reason: hasStopword ? NON_STOPWORD : STANDALONE, position: 1 }];
  }
  if (anchored(ast)) return [];
  // Some OR branch can match without any standalone term ("crm OR has:links", "crm OR -spam").
  const branch = firstUnanchored(ast);
  const leaves = collectLeaves(branch, false, { positive: [], negative: [] });
  return [{ reason: leaves.positive.length === 0 ? NON_NEGATION : STANDALONE, position: branch.pos + 1 }];
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Parses and validates a recent-search query; throws QueryError with X's message. */
export function parseQuery(query: string): QueryNode {
  if (query.trim() === '') {
    throw new QueryError(query, [{ reason: `Invalid 'query':'${query}'. 'query' must be a non-empty string` }], `Invalid 'query':'${query}'. 'query' must be a non-empty string`);
  }
  let length = 0;
  for (const _ of query) length++;
  if (length > MAX_QUERY_LENGTH) {
    throw new QueryError(query, [
      { reason: `Query length of ${length} characters exceeds the maximum of ${MAX_QUERY_LENGTH}`, position: MAX_QUERY_LENGTH + 1 },
    ]);
  }
  const parser = new Parser(query, lex(query));
  const ast = parser.parse();
  const errors = [...structuralErrors(ast), ...parser.invalidOperators];
  if (errors.length > 0) throw new QueryError(query, errors);
  return ast;
}

export function compile(query: string): CompiledQuery {
  return { query, ast: parseQuery(query) };
}
