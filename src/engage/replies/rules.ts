/**
 * The rules of the reply reader: what a request to stop looks like in English, French and Spanish,
 * as requests, not strings. A rule names the request (a phrase, shown in reasons and accepted by
 * `engagement.opt_out_ignore`), the words that can open it, and how it reads the words after.
 * What comes before it (a negation, the speaker's own plans, someone else's words) is judged in
 * one place, by the reader (src/engage/replies/index.ts), according to the rule's `turn`.
 */
import { canonical } from './spelling.ts';
import * as W from './words.ts';

export type Strength = 'opt_out' | 'doubtful';

/**
 * How the words before a request can undo it:
 * - `order`: an order to us ("stop following me", "unfollow me"); undone by a negation ("don't
 *   stop posting"), by reported speech ("my mom replied unsubscribe"), and, for a stop verb
 *   (`plans`), by the speaker's own plans ("I'll stop lurking", "il faut arrêter de croire").
 * - `negative`: the request is a negation itself ("don't contact me", "ne me suivez plus", "no me
 *   sigas"); undone only by reported speech or an invitation ("why don't you DM me").
 * - `statement`: a declaration ("blocked", "this is spam", "not interested"); undone by a
 *   negation or reported speech.
 */
export type Turn = 'order' | 'negative' | 'statement';

export interface Hit {
  from: number;
  to: number;
  strength: Strength;
  /** Why it is only doubtful, when it is. */
  doubt?: string;
}

export interface Rule {
  /** The request, as a phrase: shown in reasons, named in `opt_out_ignore`. */
  name: string;
  turn: Turn;
  /** A stop verb: undone by the speaker's own plans. */
  plans?: boolean;
  /** Read as banter when the reply laughs or praises ("stop it, this is too good 😂"). */
  playful?: boolean;
  /** A no that a later undoes ("not interested right now, ping me in Q3"). */
  later?: boolean;
  /** A phrase from `engagement.opt_out_phrases`, named in reasons as written there. */
  configured?: boolean;
  /** A removal from a list, undone by asking to be put elsewhere ("remove me from the waitlist and put me in the beta"). */
  removes?: boolean;
  /** Words that can open the request. */
  triggers: readonly string[];
  /** Words that can open it, by form rather than by list ("quitadme", "sacarme", "borréis"). */
  opens?(word: string): boolean;
  match(words: readonly string[], i: number, last: boolean, end: string): Hit | undefined;
}

// ---- helpers ----------------------------------------------------------------------------------

const sure = (from: number, to: number): Hit => ({ from, to, strength: 'opt_out' });
const maybe = (from: number, to: number, doubt: string): Hit => ({ from, to, strength: 'doubtful', doubt });

/** The index of the first word at or after `j` that is not a filler (or `words.length`). */
function skip(words: readonly string[], j: number, fillers: ReadonlySet<string> = W.FILLERS, most = 4): number {
  let k = j;
  while (k < words.length && k - j < most && fillers.has(words[k] as string)) k++;
  return k;
}

/** Every word from `j` on is a filler. */
function onlyFillers(words: readonly string[], j: number): boolean {
  for (let k = j; k < words.length; k++) if (!W.FILLERS.has(words[k] as string)) return false;
  return true;
}

const startsWithAny = (word: string | undefined, stems: readonly string[]): boolean => word !== undefined && stems.some((s) => word.startsWith(s));
const has = (s: ReadonlySet<string>, word: string | undefined): boolean => word !== undefined && s.has(word);
/** A noun of engagement, singular or plural: "sollicitation", "relances", "mensajes". */
const engagementNoun = (s: ReadonlySet<string>, word: string | undefined): boolean =>
  word !== undefined && (s.has(word) || s.has(`${word}s`) || (word.endsWith('s') && s.has(word.slice(0, -1))) || (word.endsWith('es') && s.has(word.slice(0, -2))));

/**
 * A fixed sequence of alternatives: "leave me|us alone|be" matches "leave me alone" and "leave us
 * be"; an element starting with "?" may be absent ("?please unfollow me"). Words are canonical.
 */
function sequence(pattern: string): { triggers: string[]; at(words: readonly string[], i: number): number } {
  const parts = pattern.split(' ').map((p) => ({ optional: p.startsWith('?'), words: new Set(p.replace(/^\?/, '').split('|').map(canonical)) }));
  const triggers = new Set<string>();
  for (const p of parts) {
    for (const w of p.words) triggers.add(w);
    if (!p.optional) break;
  }
  const at = (words: readonly string[], i: number, part = 0): number => {
    if (part === parts.length) return i;
    const p = parts[part] as { optional: boolean; words: Set<string> };
    if (i < words.length && p.words.has(words[i] as string)) {
      const end = at(words, i + 1, part + 1);
      if (end >= 0) return end;
    }
    return p.optional ? at(words, i, part + 1) : -1;
  };
  return { triggers: [...triggers], at: (words, i) => at(words, i) };
}

/** A rule made of fixed sequences: any of them, starting at the trigger. */
function phrases(name: string, turn: Turn, patterns: readonly string[], options: { strength?: Strength; doubt?: string; alone?: number; plans?: boolean; playful?: boolean; later?: boolean; notAfter?: ReadonlySet<string> } = {}): Rule {
  const compiled = patterns.map(sequence);
  return {
    name,
    turn,
    ...(options.plans ? { plans: true } : {}),
    ...(options.playful ? { playful: true } : {}),
    ...(options.later ? { later: true } : {}),
    triggers: [...new Set(compiled.flatMap((c) => c.triggers))],
    match(words, i) {
      for (const c of compiled) {
        const to = c.at(words, i);
        if (to < 0) continue;
        if (options.alone !== undefined && (words.length > options.alone || !onlyFillers(words, to) || !words.slice(0, i).every((b) => W.FILLERS.has(b)))) continue;
        if (options.notAfter && has(options.notAfter, words[to])) continue;
        return options.strength === 'doubtful' ? maybe(i, to, options.doubt ?? 'not a request on its own') : sure(i, to);
      }
      return undefined;
    },
  };
}

// ---- English ----------------------------------------------------------------------------------

/** Determiners and the like before "stop" make it a noun: "the stop button", "one-stop shop", "bus stop". */
const STOP_AS_NOUN = new Set(['the', 'a', 'one', 'bus', 'full', 'non', 'pit', 'next', 'last', 'first', 'this', 'that', 'my', 'our', 'your', 'no', 'truck', 'hard', 'le', 'un', 'une', 'el', 'un', 'una', 'sin', 'de', 'du', 'la']);
/** After "stop" these make it another verb: "stop by our booth", "stop and think", "stop the presses". */
const STOP_ELSEWHERE = new Set(['by', 'in', 'over', 'and', 'to', 'or', 'ou', 'o', 'at', 'for', 'short', 'being', 'making', 'doing', 'pretending', 'reading', 'lurking', 'thinking', 'worrying']);

const enStopEngaging: Rule = {
  name: 'stop following me',
  turn: 'order',
  plans: true,
  triggers: [...W.EN_STOP, 'stopped', 'stopping', 'enough'],
  match(words, i) {
    if (i > 0 && STOP_AS_NOUN.has(words[i - 1] as string)) return undefined;
    let j = i + 1;
    if (words[i] === 'refrain' || words[i] === 'desist') j = skip(words, j, new Set(['from', 'in', 'further', 'any', 'all']));
    if (words[i] === 'enough') {
      // "enough with the follows", "enough of your likes"
      if (words[j] !== 'with' && words[j] !== 'of') return undefined;
      const k = skip(words, j + 1, new Set(['the', 'your', 'all', 'these', 'those', 'this', 'fucking']));
      return has(W.EN_ENGAGEMENT, words[k]) || has(W.EN_ENGAGING, words[k]) ? sure(i, k + 1) : undefined;
    }
    j = skip(words, j, new Set(['further', 'any', 'with', 'the', 'your', 'all', 'these', 'those', 'this', 'please', 'just', 'fucking', 'damn', 'constantly', 'ever', 'every', 'single', 'random', 'on', 'it', 'already', 'now', 'goddamn', 'bloody', 'being', 'auto', 'mass', 'cold', 'creepy', 'weird', 'pls']));
    const next = words[j];
    if (has(W.EN_ENGAGING, next)) {
      const object = words[j + 1];
      if (has(W.OTHERS, object)) return maybe(i, j + 1, 'asks to leave someone else alone');
      return sure(i, j + 1);
    }
    if (has(W.EN_ENGAGEMENT, next) && j > i + 1) return sure(i, j + 1);
    return undefined;
  },
};

/** "stop", "STOP.", "please just stop", "stop it now", "make it stop": the whole clause asks. */
const enBareStop: Rule = {
  name: 'stop',
  turn: 'order',
  plans: true,
  playful: true,
  triggers: ['stop', 'xstop', 'quit', 'enough', 'halt'],
  match(words, i, last, end) {
    const word = words[i] as string;
    if (i > 0 && STOP_AS_NOUN.has(words[i - 1] as string)) return undefined;
    if (has(STOP_ELSEWHERE, words[i + 1])) return undefined;
    if (!onlyFillers(words, i + 1)) return undefined;
    const before = words.slice(0, i);
    if (!before.every((w) => W.FILLERS.has(w) || W.SPEECH.has(w) || ['make', 'notifications', 'likes', 'you', 'can', 'need', 'to', 'i', 'want', 'it', 'told', 'asked', 'ive', 'already'].includes(w))) return undefined;
    if (word === 'enough' && words.length === 1 && end === '?') return undefined;
    if (end === '?') return maybe(i, words.length, 'a question');
    if (end === ',' && !last) return maybe(i, words.length, 'followed by more');
    return sure(i, words.length);
  },
};

const enNeverContact: Rule = {
  name: "don't contact me",
  turn: 'negative',
  triggers: ['dont', 'do', 'never', 'no', 'stop', 'please', 'quit'],
  match(words, i) {
    let j = i;
    if (words[j] === 'do' && (words[j + 1] === 'not' || words[j + 1] === 'nt')) j += 2;
    else if (words[j] === 'dont' || words[j] === 'never') j += 1;
    else if (words[j] === 'no' && (words[j + 1] === 'more' || words[j + 1] === 'further' || words[j + 1] === 'longer')) {
      // "no more likes", "pls no more", "no further contact"
      const k = skip(words, j + 2, new Set(['of', 'your', 'these', 'this', 'the', 'please', 'pls', 'from', 'you']));
      if (k >= words.length && j + 2 >= words.length) return sure(i, j + 2);
      if (has(W.EN_ENGAGEMENT, words[k]) || has(W.EN_ENGAGE, words[k]) || has(W.EN_ENGAGING, words[k]) || words[k] === 'contact') return sure(i, k + 1);
      return undefined;
    } else if (words[j] === 'no' && has(W.EN_ENGAGEMENT, words[j + 1]) && words.length <= 4) return sure(i, j + 2);
    else return undefined;
    j = skip(words, j, new Set(['ever', 'even', 'again', 'please', 'pls', 'u', 'you', 'evr', 'fucking', 'bother', 'try', 'to']), 3);
    const verb = words[j];
    if (!(has(W.EN_ENGAGE, verb) || has(W.EN_ENGAGING, verb))) return undefined;
    const after = words[j + 1];
    if (after === undefined || has(W.EN_ME, after) || ['again', 'anymore', 'ever', 'up', 'out', 'here', 'please', 'thanks', 'period', 'this', 'u', 'you', 'further', 'any', 'with', 'about', 'on', 'in'].includes(after)) {
      if (has(W.OTHERS, after)) return undefined;
      return sure(i, j + 1);
    }
    return undefined;
  },
};

const enLeaveMeAlone: Rule = {
  name: 'leave me alone',
  turn: 'order',
  triggers: ['leave'],
  match(words, i) {
    if ((words[i + 1] === 'my' || words[i + 1] === 'our') && words.slice(i + 2, i + 5).includes('alone')) return sure(i, i + 2 + words.slice(i + 2, i + 5).indexOf('alone') + 1);
    if (words[i + 1] !== 'me' && words[i + 1] !== 'us') return undefined;
    const what = words[i + 2];
    if (what === 'alone' || what === 'be') {
      // "leave me alone with this book and I'm happy": a wish, not an order; "with your spam" is one.
      if (words[i + 3] === 'with' && !has(W.EN_ENGAGEMENT, words[i + 5]) && !has(W.EN_ENGAGEMENT, words[i + 4]) && words[i + 4] !== 'your') return undefined;
      if (['for', 'until', 'till', 'during', 'today', 'tonight', 'this'].includes(words[i + 3] as string)) return maybe(i, i + 3, 'for a while only');
      return sure(i, i + 3);
    }
    if (what === 'out' || (what === 'in' && words[i + 3] === 'peace') || (what === 'off' && words[i + 3] !== undefined)) return sure(i, i + 3);
    return undefined;
  },
};

const enGoAway = phrases('go away', 'order', [
  'go away|away|fuck|off|somewhere|bother', 'get lost|out|away|bent|fucked', 'back off|away', 'fuck off|you|u|right|offf', 'piss off', 'bugger off', 'buzz off', 'sod off', 'shove off', 'naff off', 'eff off', 'f off',
  'gtfo', 'stfu', 'kick rocks', 'take a|the hint', 'knock it off', 'cut it out', 'give it a rest', 'enough already|is', 'thats enough', 'go to hell', 'xfinger', 'can you|u not', 'make it|this|them stop',
  'make the notifications|likes|notifs|tags|mentions|spam stop', 'get out of my mentions|dms|notifications|face|timeline|feed|inbox',
]);
/** "go away bot" is an order; "the bugs won't go away" or "go away for the weekend" is not. */
const enGoAwayOrder: Rule = {
  ...enGoAway,
  match(words, i, last, end) {
    const hit = enGoAway.match(words, i, last, end);
    if (!hit) return undefined;
    if (words[i] === 'go' && words[i + 1] === 'away' && !onlyFillers(words, hit.to) && !['bot', 'bots', 'spammer', 'please'].includes(words[hit.to] as string)) return undefined;
    if (words[i] === 'get' && words[i + 1] === 'out' && words[i + 2] === undefined) return undefined;
    if (end === '?' && words[i] === 'go') return maybe(hit.from, hit.to, 'a question');
    return hit;
  },
};

const enUnfollow = phrases('unfollow me', 'order', ['unfollow ?me|us|please|pls|now|this|already|thanks|asap']);
/** "unfollow me", "pls unfollow": an order when it opens the clause, or is followed by "me". */
const enUnfollowOrder: Rule = {
  ...enUnfollow,
  match(words, i, last, end) {
    const hit = enUnfollow.match(words, i, last, end);
    if (!hit) return undefined;
    if (words[i + 1] === 'me' || words[i + 1] === 'us') return hit;
    const before = words.slice(0, i);
    if (before.every((w) => W.FILLERS.has(w)) && onlyFillers(words, i + 1)) return hit;
    return undefined;
  },
};

const enRemoveMe: Rule = {
  name: 'remove me',
  turn: 'order',
  removes: true,
  triggers: ['remove', 'take', 'delete', 'erase', 'drop', 'scrub', 'purge', 'wipe', 'count', 'cross', 'strike', 'exclude'],
  match(words, i) {
    const object = words[i + 1];
    if (object === 'me' || object === 'us') {
      if (words[i] === 'take' && words[i + 2] !== 'off' && words[i + 2] !== 'out') return undefined;
      if (words[i] === 'count' && words[i + 2] !== 'out') return undefined;
      // "remove me from your list" asks; "remove me from the waitlist" is about something else.
      const from = words.indexOf('from', i + 2);
      if (from === i + 2 || (words[i] === 'take' && words[i + 3] !== undefined)) {
        const k = skip(words, from === i + 2 ? from + 1 : i + 3, new Set(['the', 'your', 'this', 'these', 'all', 'any', 'of', 'ur', 'whatever', 'that']), 3);
        const what = words[k];
        if (what !== undefined && !has(W.EN_LISTS, what) && !has(W.EN_ENGAGEMENT, what) && !['lists', 'emails', 'mailing', 'newsletter', 'contacts', 'leads', 'prospects', 'targets', 'audience', 'it', 'there', 'here', 'everything'].includes(what)) {
          return maybe(i, i + 2, 'from something else');
        }
      }
      return sure(i, i + 2);
    }
    if (object === 'my' || object === 'our' || object === 'all' || object === 'any') {
      const k = skip(words, i + 2, new Set(['personal', 'contact', 'whole', 'twitter', 'x', 'of', 'my', 'the']));
      if (has(W.EN_DATA, words[k])) return sure(i, k + 1);
    }
    return undefined;
  },
};

const enUnsubscribe: Rule = {
  name: 'unsubscribe',
  turn: 'order',
  triggers: ['unsubscribe', 'opt', 'optout'],
  match(words, i) {
    let j = i + 1;
    if (words[i] === 'opt') {
      if (words[j] === 'me' || words[j] === 'us') j++;
      if (words[j] !== 'out') return undefined;
      j++;
    } else if (words[j] === 'me' || words[j] === 'us') j++;
    if (words[j] !== 'from' && words[j] !== 'of') return sure(i, j);
    // "unsubscribe from meetings is my 2027 goal" is not about us; "from this" / "from your list" is.
    const k = skip(words, j + 1, new Set(['the', 'all', 'any', 'of']));
    if (has(W.EN_LISTS, words[k]) || has(W.EN_ENGAGEMENT, words[k]) || words[k] === undefined) return sure(i, k + 1);
    return undefined;
  },
};

const enSpam: Rule = {
  name: 'this is spam',
  turn: 'statement',
  triggers: ['spam', 'spammer', 'spammers', 'spamming', 'spambot', 'spammy', 'is', 'its', 'thats', 'this', 'pure', 'total', 'more', 'such'],
  match(words, i) {
    const w = words[i] as string;
    if (w === 'spammer' || w === 'spammers' || w === 'spambot') return sure(i, i + 1);
    if (w === 'spam' || w === 'spammy') {
      // "spam", "spam bot", "spam spam spam", "#spam": alone; "spam filter", "spam musubi" are other things.
      const rest = words.slice(i + 1);
      const before = words.slice(0, i);
      if (rest.every((r) => r === 'spam' || r === 'bot' || r === 'bots' || r === 'account' || r === 'alert' || r === 'again' || r === 'detected' || W.FILLERS.has(r)) && before.every((b) => W.FILLERS.has(b) || b === 'spam' || b === 'such' || b === 'pure' || b === 'total' || b === 'more' || b === 'reported' || b === 'as' || b === 'for')) {
        return w === 'spammy' ? maybe(i, i + 1, 'calls it spammy') : sure(i, i + 1);
      }
      return undefined;
    }
    if (['this', 'its', 'thats', 'is'].includes(w)) {
      const k = skip(words, i + 1, new Set(['is', 'just', 'pure', 'total', 'literally', 'basically', 'so', 'such', 'straight', 'up', 'fucking', 'complete', 'obviously']));
      if (k > i + 1 || w !== 'this') {
        if (words[k] === 'spam' || words[k] === 'harassment' || words[k] === 'spammy') return words[k] === 'spammy' ? maybe(i, k + 1, 'calls it spammy') : sure(i, k + 1);
      }
    }
    return undefined;
  },
};

/** "blocked", "muted and blocked", "I will block you", "reported", "reported as spam", "reporting you". */
const enBlocked: Rule = {
  name: 'blocked',
  turn: 'statement',
  triggers: ['blocked', 'blocking', 'block', 'reported', 'reporting', 'report', 'muted', 'muting'],
  match(words, i) {
    const w = words[i] as string;
    const next = words[i + 1];
    if (['you', 'u', 'this', 'ya', 'yall'].includes(next as string) && !(next === 'this' && words[i + 2] !== undefined && !['account', 'bot', 'acct', 'profile', 'spam'].includes(words[i + 2] as string))) return sure(i, i + 2);
    if ((w === 'reported' || w === 'report' || w === 'reporting') && (next === 'as' || next === 'for') && ['spam', 'harassment', 'abuse', 'bot', 'a'].includes(words[i + 2] as string)) return sure(i, i + 3);
    if (w === 'muted' || w === 'muting') return words.length <= 2 ? maybe(i, i + 1, 'muted, not blocked') : undefined;
    if (w === 'block' || w === 'report') return undefined;
    // "blocked" on its own clause; "blocked out my friday" and "blocked by a bug" are other things.
    if (words.length <= 4 && (next === undefined || W.FILLERS.has(next) || next === 'and' || next === 'reported' || next === 'blocked' || next === 'bye')) {
      if (words.slice(0, i).some((b) => b === 'was' || b === 'got' || b === 'am' || b === 'im' || b === 'been' || b === 'were')) return undefined;
      return sure(i, i + 1);
    }
    return undefined;
  },
};

const enNotInterested: Rule = {
  name: 'not interested',
  turn: 'negative',
  later: true,
  triggers: ['not', 'no', 'uninterested', 'zero', 'nope', 'hard'],
  match(words, i) {
    let to: number;
    if (words[i] === 'not' && words[i + 1] === 'interested') to = i + 2;
    else if ((words[i] === 'no' || words[i] === 'zero') && words[i + 1] === 'interest') to = i + 2;
    else if (words[i] === 'uninterested') to = i + 1;
    else if (words[i] === 'hard' && words[i + 1] === 'pass') to = i + 2;
    else return undefined;
    for (let k = to; k < words.length; k++) if (W.LATER.has(words[k] as string)) return undefined;
    if (words[i] === 'hard') return maybe(i, to, 'declines, does not ask to stop');
    return sure(i, to);
  },
};

/** Held for a person: it sounds like a no, not yet like a request to stop. */
const enDoubts = phrases('not your customer', 'statement', [
  'not your|a customer|client|lead|prospect|target', 'never signed|consented|subscribed|agreed|opted', 'didnt ask|sign|consent|agree|subscribe|opt', 'who are you', 'who is this', 'who gave you my', 'dont know you', 'creepy', 'stalker',
  'unsolicited', 'so annoying', 'annoying af', 'why are you liking|following|tagging|mentioning|messaging', 'why do you keep', 'keep liking|following|tagging|mentioning|messaging|liking everything|everything', 'pourquoi vous me suivez|likez|taguez|identifiez', 'not buying', 'wrong person', 'youre a bot', 'fake account', 'bot account', 'sales bot', 'spam account',
], { strength: 'doubtful', doubt: 'sounds like a no, not yet a request to stop' });
/** A clause that is nothing but a no: "no thanks", "nope", "hard pass". */
const enNoThanks = phrases('no thanks', 'statement', ['no thanks|thank|thx', 'no thank you', 'im good', 'hard pass', 'please dont'], { strength: 'doubtful', doubt: 'declines, does not ask to stop', alone: 3, later: true });

/** "I don't want any more of this", "I'd rather not be contacted", "not to be contacted", "I withdraw my consent". */
const enNoWish: Rule = {
  name: "I don't want to be contacted",
  turn: 'negative',
  triggers: ['dont', 'do', 'no', 'never', 'not', 'rather', 'prefer', 'withdraw', 'revoke', 'object'],
  match(words, i) {
    const w = words[i] as string;
    if ((w === 'withdraw' || w === 'revoke') && (words[i + 1] === 'my' || words[i + 1] === 'consent' || words[i + 1] === 'all')) return sure(i, i + 2);
    if (w === 'object' && words[i - 1] === 'i' && (words[i + 1] === 'to' || words[i + 1] === undefined)) return sure(i - 1, i + 1);
    let j = i + 1;
    if (w === 'do' && words[j] === 'not') j++;
    else if (w === 'no' && words[j] === 'longer') j++;
    else if (w === 'rather' || w === 'prefer') {
      // "I'd rather you didn't follow me", "I'd prefer you stopped"
      if ((words[j] === 'you' || words[j] === 'u') && ['didnt', 'wouldnt', 'dont', 'stopped', 'not'].includes(words[j + 1] as string)) {
        const k = skip(words, j + 2, new Set(['do', 'did', 'not', 'anymore', 'ever']), 2);
        if (words[j + 1] === 'stopped' || has(W.EN_ENGAGE, words[k]) || has(W.EN_ENGAGING, words[k])) return sure(i, k + 1);
      }
      if (words[j] === 'not') j++;
      else return undefined;
      if (words[j] === 'to') j++;
      if (words[j] === 'be' && (has(W.EN_ENGAGE, words[j + 1]) || words[j + 1] === 'marketed' || words[j + 1] === 'sold')) return sure(i, j + 2);
      if (['receive', 'hear', 'get', 'be'].includes(words[j] as string)) return sure(i, j + 1);
      return undefined;
    } else if (w === 'not' && words[j] === 'to' && words[j + 1] === 'be' && (has(W.EN_ENGAGE, words[j + 2]) || ['marketed', 'sold', 'solicited', 'bothered', 'disturbed'].includes(words[j + 2] as string))) {
      return sure(i, j + 3);
    } else if (w !== 'dont' && w !== 'never') return undefined;
    if (!['want', 'wish', 'need', 'care', 'consent', 'accept', 'agree'].includes(words[j] as string)) return undefined;
    const k = skip(words, j + 1, new Set(['to', 'any', 'your', 'these', 'this', 'more', 'further', 'anything', 'you', 'u', 'be', 'receive', 'hear', 'get', 'see', 'from', 'of', 'the', 'being', 'ever', 'again']), 4);
    const asked = words.slice(j + 1, k);
    if (asked.length === 0) return undefined;
    const object = words[k];
    if (object === undefined || has(W.EN_ENGAGEMENT, object) || has(W.EN_ENGAGE, object) || has(W.EN_ENGAGING, object) || ['marketed', 'sold', 'solicited', 'this', 'it', 'that', 'anymore', 'products', 'product', 'offers', 'stuff'].includes(object)) {
      if (words[j] === 'need' && object === undefined) return undefined;
      return sure(i, k + (object === undefined ? 0 : 1));
    }
    return undefined;
  },
};

/** Data-protection requests: GDPR, RGPD, LOPD, the right to object or to erasure. */
const dataProtection: Rule = {
  name: 'gdpr',
  turn: 'statement',
  triggers: ['gdpr', 'rgpd', 'lopd', 'lopdgdd', 'ccpa', 'dsgvo', 'right', 'droit', 'derecho', 'data', 'article', 'art', 'articulo', 'cnil', 'aepd', 'ico', 'protection', 'proteccion', 'opposition', 'oposicion', 'supresion', 'effacement', 'oubli', 'olvido', 'erasure'],
  match(words, i, _last, end) {
    // "How do you handle right-to-erasure requests?" asks about the product.
    if (end === '?') return undefined;
    const w = words[i] as string;
    const rest = words.slice(i, i + 5);
    const strong =
      (['right', 'droit', 'derecho'].includes(w) && rest.some((r) => ['erasure', 'object', 'forgotten', 'deletion', 'opposition', 'effacement', 'oubli', 'supresion', 'oposicion', 'cancelacion', 'olvido', 'rectification'].includes(r))) ||
      (['article', 'art', 'articulo'].includes(w) && ['17', '21'].includes(words[i + 1] as string)) ||
      ['cnil', 'aepd', 'ico'].includes(w) ||
      (['opposition', 'oposicion', 'supresion', 'effacement', 'erasure'].includes(w) && i > 0);
    // A right named without saying whose ("le droit d'opposition, vous le gérez comment ?") may be a question about the product.
    if (strong) return words.some((x) => FIRST_PERSON_WORDS.has(x)) ? sure(i, i + 2) : maybe(i, i + 2, 'names a data-protection right');
    if (['gdpr', 'rgpd', 'lopd', 'lopdgdd', 'ccpa', 'dsgvo'].includes(w)) {
      if (words.includes('how') || words.includes('comment') || words.includes('como')) return undefined;
      // "is it GDPR compliant?" is a question about the product.
      if (words.some((x) => x.startsWith('complian') || x.startsWith('conform') || x === 'cumple' || x === 'compatible' || x === 'ready')) return undefined;
      return maybe(i, i + 1, 'names a data-protection law');
    }
    if (w === 'data' && words[i + 1] === 'protection') return maybe(i, i + 2, 'names data protection');
    return undefined;
  },
};

const FIRST_PERSON_WORDS = new Set(['i', 'my', 'me', 'mine', 'myself', 'je', 'j', 'mes', 'mon', 'ma', 'moi', 'me', 'm', 'yo', 'mi', 'mis', 'ejerzo', 'solicito', 'exerce', 'demande', 'request', 'exercise', 'invoke', 'solicitar']);

/** Emoji that refuse: "🛑", "🚫🤖", "🖕" — as words, from src/engage/replies/normalise.ts. */
const refusingEmoji = phrases('🛑', 'statement', ['xstop', 'xfinger']);

// ---- French -----------------------------------------------------------------------------------

const frStopEngaging: Rule = {
  name: 'arrêtez de me suivre',
  turn: 'order',
  plans: true,
  triggers: [...W.FR_STOP],
  match(words, i) {
    if (words[i] === 'stop' && i > 0 && STOP_AS_NOUN.has(words[i - 1] as string)) return undefined;
    let j = i + 1;
    if (W.AFTER_VERB_NEGATIONS.has(words[j] as string)) return undefined;
    if (words[j] === 'de' || words[j] === 'd') {
      j++;
      const clitic = words[j] === 'me' || words[j] === 'm' || words[j] === 'nous';
      if (clitic) j++;
      j = skip(words, j, new Set(['tout', 'le', 'temps', 'sans', 'cesse', 'systematiquement', 'encore', 'toujours']), 3);
      const verb = words[j];
      if (startsWithAny(verb, W.FR_ENGAGE_STEMS)) return sure(i, j + 1);
      if (engagementNoun(W.FR_ENGAGEMENT, verb)) return sure(i, j + 1);
      if (clitic) return maybe(i, j + 1, 'asks to stop something else');
      return undefined;
    }
    const k = skip(words, j, W.FR_DETERMINERS, 2);
    if (k > j && engagementNoun(W.FR_ENGAGEMENT, words[k])) return sure(i, k + 1);
    return undefined;
  },
};

const frBareStop: Rule = {
  name: 'arrête',
  turn: 'order',
  plans: true,
  playful: true,
  triggers: ['arrete', 'arretez', 'arretes', 'arreter', 'cesse', 'cessez', 'cesser', 'stoppe', 'stoppez', 'suffit', 'assez'],
  match(words, i, last, end) {
    if (W.AFTER_VERB_NEGATIONS.has(words[i + 1] as string)) return undefined;
    const w = words[i] as string;
    if ((w === 'suffit' || w === 'assez') && !words.slice(0, i).some((b) => b === 'ca' || b === 'c' || b === 'bon' || b === 'en' || b === 'est' || b === 'il')) return undefined;
    if (!onlyFillers(words, i + 1)) return undefined;
    if (!words.slice(0, i).every((b) => W.FILLERS.has(b) || ['c', 'est', 'bon', 'en', 'ai', 'j', 'il', 'on', 'a', 'pouvez', 'peux', 'tu', 'pourriez', 'pourrais', 'veuillez', 'merci', 'de', 'd'].includes(b))) return undefined;
    if (end === '?') return maybe(i, words.length, 'a question');
    if (end === ',' && !last) return maybe(i, words.length, 'followed by more');
    return sure(i, words.length);
  },
};

const frNeverContact: Rule = {
  name: 'ne me contactez plus',
  turn: 'negative',
  triggers: ['ne', 'n', 'me', 'm', 'plus', 'pas', 'nous', 'aucun', 'aucune', 'jamais'],
  match(words, i) {
    let j = i;
    const w = words[i] as string;
    if (w === 'plus' || w === 'pas' || w === 'aucun' || w === 'aucune') {
      // "pas de MP svp", "plus de likes", "aucun message" — not "pas de souci", "plus de features".
      if (words[i + 1] !== 'de' && words[i + 1] !== 'd' && w !== 'aucun' && w !== 'aucune') return undefined;
      const k = w === 'aucun' || w === 'aucune' ? i + 1 : i + 2;
      if (!has(W.FR_ENGAGEMENT, words[k])) return undefined;
      if (w === 'plus' && i > 0 && !['non', 'merci', 'et', 'stp', 'svp', 'donc', 'alors', 'mais'].includes(words[i - 1] as string)) return undefined;
      return sure(i, k + 1);
    }
    if (w === 'ne' || w === 'n') {
      j++;
      if (words[j] === 'plus' || words[j] === 'jamais') {
        j++;
        // "de ne plus liker mes publications"
        if (startsWithAny(words[j], W.FR_ENGAGE_STEMS) && ['mes', 'ma', 'mon', 'moi'].includes(words[j + 1] as string)) return sure(i, j + 2);
      }
    }
    if (words[j] !== 'me' && words[j] !== 'm' && words[j] !== 'nous') return undefined;
    j++;
    if (words[j] === 'plus' || words[j] === 'jamais') {
      // "de ne plus me contacter", "ne plus m'écrire"
      j++;
    }
    const verb = words[j];
    if (!startsWithAny(verb, W.FR_ENGAGE_STEMS) || verb === 'suis' || verb === 'suit') return undefined;
    const negatedBefore = w === 'ne' || w === 'n' || words[i + 1] === 'plus' || words[i + 1] === 'jamais';
    const after = words[j + 1];
    const after2 = words[j + 2];
    const negatedAfter = after === 'plus' || after === 'pas' || after === 'jamais' || after2 === 'plus' || after2 === 'jamais';
    if (negatedAfter || (negatedBefore && (words[i + 1] === 'plus' || words[i + 2] === 'plus' || words[i + 1] === 'jamais'))) return sure(i, j + 1);
    return undefined;
  },
};

/** "pas la peine de me relancer", "inutile de m'écrire": no need, so don't. */
const frNoNeed: Rule = {
  name: 'pas la peine de me relancer',
  turn: 'negative',
  triggers: ['peine', 'inutile'],
  match(words, i) {
    const k = skip(words, i + 1, new Set(['de', 'd', 'me', 'm', 'nous']), 3);
    if (!words.slice(i + 1, k).some((x) => x === 'me' || x === 'm' || x === 'nous')) return undefined;
    return startsWithAny(words[k], W.FR_ENGAGE_STEMS) ? sure(i, k + 1) : undefined;
  },
};

const frLeaveMeAlone = phrases('laissez-moi tranquille', 'order', [
  'laisse|laissez|laisser|laissez|laissé|laisses moi|nous tranquille|tranquilles|en', 'fiche|fichez|fous|foutez|fout|fichez moi|nous la paix', 'lache|lachez|lacher|laches moi|nous', 'casse|cassez toi|vous', 'degage|degagez|degager bot|bots|spammeur|spammeurs|de|d|le|la|les',
  'barre|barrez toi|vous', 'va|allez voir ailleurs', 'va|allez vous|te faire', 'oublie|oubliez moi|nous', 'tire|tirez toi|vous', 'va|allez spammer|spamer|liker|prospecter|demarcher ailleurs', 'fous|foutez le camp', 'on arrete la', 'on s arrete la', 'ca suffit', 'ca va bien', 'ca commence a bien faire', 'decrisse', 'decalisse', 'decrissez',
  'oublie|oubliez mon|mes|ma compte|donnees|coordonnees|numero|profil',
  'je|j|nous refuse|refusons toute|tout|vos sollicitation|sollicitations|demarchage|prospection|message|messages', 'je m oppose', 'j exerce mon droit',
]);
/** "pas intéressé pour l'instant, recontactez-moi en septembre" is a later, not a no. */
/** "dégage !", "dégagez, les bots": alone; "dégagez-vous un créneau" frees time. */
const frGoAway = phrases('dégagez', 'order', ['degage|degagez|degager', 'du vent', 'dehors'], { alone: 4 });
const frNotInterested = phrases('pas intéressé', 'negative', [
  'pas interesse|interessee|interesses|interessees', 'aucun interet', 'ca ne m|nous interesse pas', 'ca m|nous interesse pas', 'ca ne m|nous interesse vraiment pas', 'je ne suis pas interesse|interessee',
], { later: true });
const frNoThanksOrLater = phrases('non merci', 'statement', ['non merci', 'sans facon', 'je passe'], { strength: 'doubtful', doubt: 'declines, does not ask to stop', alone: 3, later: true });

/** "je ne veux plus recevoir vos notifications", "je ne souhaite pas être démarché", "je retire mon consentement". */
const frNoWish: Rule = {
  name: 'je ne souhaite plus être contacté',
  turn: 'negative',
  triggers: ['veux', 'souhaite', 'desire', 'voulons', 'souhaitons', 'veut', 'retire', 'retirer'],
  match(words, i) {
    const w = words[i] as string;
    if (w.startsWith('retir') && words[i + 1] === 'mon' && words[i + 2] === 'consentement') return sure(i, i + 3);
    const j = i + 1;
    if (!['plus', 'pas', 'aucun', 'aucune', 'jamais'].includes(words[j] as string)) return undefined;
    const next = words[j + 1];
    if (next === undefined || ['recevoir', 'etre', 'de', 'd', 'que', 'vos', 'tes', 'aucun', 'aucune', 'ca', 'cela', 'vous', 'te', 'entendre', 'voir', 'rien'].includes(next) || has(W.FR_ENGAGEMENT, next) || startsWithAny(next, W.FR_ENGAGE_STEMS)) return sure(i, j + 2);
    return undefined;
  },
};
const frLeaveOrLater: Rule = {
  ...frLeaveMeAlone,
  match(words, i, last, end) {
    const hit = frLeaveMeAlone.match(words, i, last, end);
    if (!hit) return undefined;
    if (['pas', 'aucun', 'ca', 'je'].includes(words[i] as string) && words.slice(hit.to).some((w) => W.LATER.has(w))) return undefined;
    if (words[i] === 'laisse' || words[i] === 'laissez' || words[i] === 'laisser' || words[i] === 'laisses') {
      if (words[i + 2] === 'en' && words[i + 3] !== 'paix') return undefined;
    }
    return hit;
  },
};

const frRemoveMe: Rule = {
  name: 'désabonnez-moi',
  turn: 'order',
  removes: true,
  triggers: ['desabonne', 'desabonnez', 'desabonner', 'desinscris', 'desinscrivez', 'desinscrire', 'retire', 'retirez', 'retirer', 'enleve', 'enlevez', 'enlever', 'supprime', 'supprimez', 'supprimer', 'efface', 'effacez', 'effacer', 'raye', 'rayez', 'rayer', 'sors', 'sortez', 'sortir', 'vire', 'virez', 'virer', 'me', 'm'],
  match(words, i) {
    let j = i;
    const w = words[i] as string;
    if (w === 'me' || w === 'm') {
      // "merci de me retirer", "vous pouvez m'enlever", "pouvez-vous me désabonner"
      const verb = words[i + 1];
      if (!verb || !/^(desabonn|desinscri|retir|enlev|supprim|effac|ray|sort|vir)/.test(verb)) return undefined;
      if (/^(desabonn|desinscri)/.test(verb) && /(e|ee|es|ees)$/.test(verb) && words[i - 1] === 'je') return undefined;
      // "je viens de me désabonner de 40 newsletters" is news; "je veux me désabonner" asks.
      const before = words.slice(0, i);
      if ((before.includes('je') || before.includes('j')) && !before.some((b) => ['veux', 'voudrais', 'souhaite', 'souhaiterais', 'aimerais', 'demande', 'prie', 'exige'].includes(b))) return undefined;
      return sure(i, i + 2);
    }
    j++;
    const object = words[j];
    if (object === 'moi' || object === 'nous' || (/^desabonn/.test(w) && (object === 'toi' || object === 'vous'))) return sure(i, j + 1);
    if (object === 'mes' || object === 'mon' || object === 'ma' || object === 'nos') {
      if (has(W.FR_DATA, words[j + 1])) return sure(i, j + 2);
    }
    return undefined;
  },
};

const frSpam = phrases("c'est du spam", 'statement', ['c est du spam', 'du spam', 'spammeur|spammeurs|spameur', 'c est de l arnaque', 'arnaque', 'harcelement']);
/** "bloqué", "signalé 🚩", "je vous bloque", "compte signalé"; not "ce bug m'a bloqué 2 heures". */
const frBlocked: Rule = {
  name: 'bloqué',
  turn: 'statement',
  triggers: ['bloque', 'bloquee', 'bloques', 'signale', 'signalee', 'signales', 'je', 'j', 'te', 'vous', 'compte', 'masque'],
  match(words, i) {
    const w = words[i] as string;
    if (w === 'je' || w === 'j') {
      const k = skip(words, i + 1, new Set(['vais', 'te', 'vous', 'le', 'la', 'les', 'ai', 'vous', 'te']), 3);
      if (k > i + 1 && /^(bloqu|signal|report|masqu)/.test(words[k] as string) && ['te', 'vous', 'le', 'la'].some((p) => words.slice(i + 1, k).includes(p))) return sure(i, k + 1);
      return undefined;
    }
    if (w === 'compte' && /^(bloqu|signal)/.test(words[i + 1] ?? '')) return sure(i, i + 2);
    if (!/^(bloqu|signal)/.test(w)) return w === 'masque' && words.length <= 2 ? maybe(i, i + 1, 'muted, not blocked') : undefined;
    if (words.slice(0, i).some((b) => b === 'a' || b === 'ai' || b === 'm' || b === 'suis' || b === 'est' || b === 'etait')) return undefined;
    if (words.length - i <= 3 && onlyFillers(words, i + 1)) return sure(i, i + 1);
    if (words.length <= 4 && ['et', 'pour'].includes(words[i + 1] as string)) return sure(i, i + 1);
    return undefined;
  },
};

const frDoubts = phrases('je ne suis pas client', 'statement', [
  'je|j suis|ne|n pas|suis ?pas ?votre|ton|un client|cliente|cible|prospect', 'pas client|cliente', 'relou', 'gonflant', 'saoulant', 'chiant', 'chiants', 'qui etes vous', 'qui es tu', 'je vous connais pas', 'je te connais pas',
  'je ne vous connais pas', 'flippant', 'chelou', 'c est quoi ce bot', 'encore toi', 'encore vous', 'jamais inscrit|inscrite|abonne|abonnee|accepte', 'rien demande',
], { strength: 'doubtful', doubt: 'sounds like a no, not yet a request to stop' });

// ---- Spanish ----------------------------------------------------------------------------------

const esStopEngaging: Rule = {
  name: 'deja de seguirme',
  turn: 'order',
  plans: true,
  triggers: [...W.ES_STOP_DEJAR, ...W.ES_STOP_PARAR],
  match(words, i) {
    if (words[i] === 'stop' && i > 0 && STOP_AS_NOUN.has(words[i - 1] as string)) return undefined;
    let j = i + 1;
    if (words[i] === 'basta') {
      // "basta de spam"; "basta de reuniones inútiles" and "basta con un clic" are other things.
      if (words[j] !== 'de' && words[j] !== 'ya') return undefined;
      const k = skip(words, j + 1, new Set(['tanto', 'tanta', 'tantos', 'tantas', 'su', 'sus', 'tu', 'tus', 'el', 'la', 'los', 'las', 'de']), 2);
      return has(W.ES_ENGAGEMENT, words[k]) ? sure(i, k + 1) : undefined;
    }
    j = skip(words, j, new Set(['ya', 'porfavor', 'por', 'favor', 'tio', 'tia', 'hombre', 'de', 'd', 'una', 'vez', 'con', 'tus', 'sus', 'su', 'tu', 'los', 'las', 'el', 'la', 'tanto', 'tantos', 'tantas', 'todo', 'toda', 'todos', 'todas', 'cualquier']), 5);
    // "que cesen todo contacto comercial", "paren los mensajes"
    if (!words.slice(i + 1, j).includes('de') && !words.slice(i + 1, j).includes('d') && engagementNoun(W.ES_ENGAGEMENT, words[j]) && j > i + 1) return sure(i, j + 1);
    // "párale con los mensajes", "basta de spam": what to stop, named.
    if (words.slice(i + 1, j).includes('con') && engagementNoun(W.ES_ENGAGEMENT, words[j])) return sure(i, j + 1);
    if (words[j - 1] !== 'de' && words[j - 1] !== 'd') return undefined;
    const verb = words[j] as string | undefined;
    if (verb === undefined) return undefined;
    // "dejé de seguir a todos los gurús": the clitic says who; without it, an object after "a" is someone else.
    const clitic = /(me|nos)$/.test(verb) && verb.length > 4;
    if (/^dar(me|le|nos|les)?$/.test(verb) && ['like', 'likes', 'fav', 'rt', 'corazon', 'corazones', 'retweet'].includes(words[j + 1] as string)) return sure(i, j + 2);
    if (startsWithAny(verb, W.ES_ENGAGE_STEMS)) {
      if (!clitic && words[j + 1] === 'a' && words[j + 2] !== 'mi' && words[j + 2] !== 'mis') return undefined;
      if (!clitic && words[j + 1] !== 'me' && !['molestar', 'joder', 'spamear', 'fastidiar', 'insistir', 'dar', 'incordiar', 'chingar', 'hinchar'].includes(verb) && words[j + 1] !== undefined && !W.FILLERS.has(words[j + 1] as string) && words[j + 1] !== 'mis' && words[j + 1] !== 'mi') {
        return maybe(i, j + 1, 'does not say whom');
      }
      return sure(i, j + 1);
    }
    if (clitic) return maybe(i, j + 1, 'asks to stop something else');
    return undefined;
  },
};

const esBareStop: Rule = {
  name: 'para',
  turn: 'order',
  plans: true,
  playful: true,
  triggers: ['para', 'paren', 'pare', 'parad', 'parale', 'parenle', 'parenla', 'parala', 'basta', 'suficiente', 'detente', 'cesa', 'cesen'],
  match(words, i, last, end) {
    const w = words[i] as string;
    // "para" is also "for": only an order when it stands alone ("tío para ya", "ya está bien, paren").
    if (!onlyFillers(words, i + 1)) return undefined;
    if (!words.slice(0, i).every((b) => W.FILLERS.has(b) || ['esta', 'bien', 'que', 'puedes', 'pueden', 'podrias', 'podrian', 'ustedes', 'tu'].includes(b))) return undefined;
    if (w === 'para' && words.length === 1 && end !== '!' && end !== '.' && !last) return maybe(i, 1, 'a single word');
    if (end === '?') return maybe(i, words.length, 'a question');
    if (end === ',' && !last) return maybe(i, words.length, 'followed by more');
    return sure(i, words.length);
  },
};

const esNeverContact: Rule = {
  name: 'no me contactes',
  turn: 'negative',
  triggers: ['no', 'nunca', 'jamas', 'ni', 'nada'],
  match(words, i) {
    let j = i + 1;
    if (words[i] === 'no' && words[j] === 'mas') {
      // "no más mensajes", "no más spam", "no más!"
      const k = skip(words, j + 1, new Set(['de', 'tus', 'sus', 'porfavor', 'por', 'favor']), 2);
      if (has(W.ES_ENGAGEMENT, words[k])) return sure(i, k + 1);
      if (words[k] === undefined && j + 1 >= words.length && words.length <= 3) return sure(i, j + 1);
      return undefined;
    }
    if (words[i] === 'ni' && words[j] === 'se' && ['te', 'les', 'le', 'os'].includes(words[j + 1] as string) && /^ocurr/.test(words[j + 2] ?? '')) {
      // "ni se te ocurra escribirme"
      const verb = words[j + 3];
      if (/(me|nos)$/.test(verb ?? '') && startsWithAny(verb, ['contact', 'escrib', 'mencion', 'etiquet', 'segu', 'molest', 'mand', 'envi', 'agreg', 'llam', 'habl', 'spam', 'tag'])) return sure(i, j + 4);
      return undefined;
    }
    if (words[i] === 'no' && words[j] === 'quiero') {
      // "no quiero recibir más", "no quiero nada", "no quiero publicidad", "no quiero que me escribas"
      const next = words[j + 1];
      if (next === 'recibir' || next === 'nada' || next === 'mas' || has(W.ES_ENGAGEMENT, next) || next === 'saber') return sure(i, j + 2);
      if (next === 'que' && words[j + 2] === 'me') return sure(i, j + 3);
      return undefined;
    }
    if (/^(vuelva(s|n|is)?|volvais)$/.test(words[j] ?? '') && words[j + 1] === 'a' && /(me|nos)$/.test(words[j + 2] ?? '') && startsWithAny(words[j + 2], ['contact', 'escrib', 'mencion', 'etiquet', 'segu', 'molest', 'mand', 'envi', 'agreg', 'llam', 'habl', 'spam', 'tag'])) return sure(i, j + 3);
    if (/(me|nos)$/.test(words[j] ?? '') && startsWithAny(words[j], ['contactar', 'escribir', 'mencionar', 'etiquetar', 'seguir', 'molestar', 'mandar', 'enviar', 'agregar', 'llamar', 'spamear', 'taguear'])) return sure(i, j + 1);
    if (words[j] !== 'me' && words[j] !== 'nos') return undefined;
    j++;
    if (/^(vuelva(s|n|is)?|volvais)$/.test(words[j] ?? '') && words[j + 1] === 'a') {
      const verb = words[j + 2];
      if (startsWithAny(verb, W.ES_ENGAGE_STEMS) || startsWithAny(verb, ['contact', 'escrib', 'mencion', 'etiquet', 'segu', 'molest', 'mand', 'envi', 'agreg', 'llam', 'habl', 'spam'])) return sure(i, j + 3);
      return undefined;
    }
    const verb = words[j] as string | undefined;
    if (verb !== undefined && W.ES_NEG_FORMS.some((form) => form.test(verb))) return sure(i, j + 1);
    return undefined;
  },
};


const esLeaveMeAlone = phrases('déjame en paz', 'order', [
  'dejame|dejenme|dejeme|dejadme|dejanos|dejennos en paz', 'dejame|dejenme|dejeme|dejadme tranquilo|tranquila|tranquilos|tranquilas|tranqui|ya', 'largate|larguense|larguese|largo', 'vete|vayanse|vayase|idos|andate|rajate|rajen|andense', 'alejate|alejense|alejese|alejaos', 'fuera de aqui|mi',
  'pierdete|pierdanse', 'esfumate', 'olvidate|olvidense|olvideme|olvidenme|olvidame|olvidese de mi|nosotros', 'olvidame|olvidenme|olvideme', 'a la mierda', 'ya basta', 'basta ya', 'ya esta bien', 'ya estuvo', 'ya chole', 'ya para', 'no molestes|molesten|jodas|jodan', 'no gracias no',
]);
const esLeaveOrLater: Rule = {
  ...esLeaveMeAlone,
  match(words, i, last, end) {
    const hit = esLeaveMeAlone.match(words, i, last, end);
    if (!hit) return undefined;
    // "vete a saber" is "who knows"; "vete a spamear a otro lado" sends us away.
    if (words[i] === 'vete' && words[hit.to] === 'a' && words[hit.to + 1] === 'saber') return undefined;
    return hit;
  },
};

const esRemoveMe: Rule = {
  name: 'sácame de tu lista',
  turn: 'order',
  removes: true,
  opens: (word) => /^(saca|saque|borra|borre|elimina|elimine|quita|quite|desuscrib)\p{L}*(me|nos)$/u.test(word),
  triggers: ['me', 'sacame', 'saquenme', 'sacarme', 'borrame', 'borrenme', 'borrarme', 'eliminame', 'eliminenme', 'eliminarme', 'quitame', 'quitenme', 'quitarme', 'desuscribeme', 'desuscribanme', 'desuscribirme', 'desuscribirse', 'dame', 'denme', 'darme', 'dar', 'borren', 'eliminen', 'supriman', 'borra', 'elimina', 'suprime', 'borrar', 'eliminar', 'suprimir', 'desuscribir', 'baja'],
  match(words, i) {
    const w = words[i] as string;
    if (/^(saca|saque|borra|borre|elimina|elimine|quita|quite|desuscrib)\p{L}*(me|nos)$/u.test(w)) return sure(i, i + 1);
    if (w === 'me') {
      // "que me quitéis de la lista", "¿me podés sacar de tu lista?", "me pueden dar de baja"
      const k = skip(words, i + 1, new Set(['puedes', 'podes', 'pueden', 'podrias', 'podrian', 'podeis', 'podriais', 'puede', 'podria']), 1);
      const verb = words[k] ?? '';
      if (/^(quit|sac|saqu|borr|elimin)(e|es|en|eis|ar)$/.test(verb) || (verb === 'dar' && words[k + 1] === 'de' && words[k + 2] === 'baja') || (/^(den|des|de)$/.test(verb) && words[k + 1] === 'de' && words[k + 2] === 'baja')) {
        return sure(i, k + 1);
      }
      return undefined;
    }
    if (w === 'desuscribirse' || w === 'desuscribir') return words.length <= 3 ? sure(i, i + 1) : undefined;
    if ((w === 'dame' || w === 'denme' || w === 'darme') && words[i + 1] === 'de' && words[i + 2] === 'baja') return sure(i, i + 3);
    if (w === 'dar' && words[i - 1] === 'me' && words[i + 1] === 'de' && words[i + 2] === 'baja') return sure(i - 1, i + 3);
    if (w === 'baja' && words.length <= 2) return sure(i, i + 1);
    if (/^(borr|elimin|suprim)/.test(w) && (words[i + 1] === 'mis' || words[i + 1] === 'mi') && has(W.ES_DATA, words[i + 2])) return sure(i, i + 3);
    return undefined;
  },
};

const esSpam = phrases('es spam', 'statement', ['es|esto|eso ?es spam', 'puro spam', 'spammer|spammers|spamer', 'estafa']);
/** "bloqueado", "reportado por spam", "te bloqueo", "voy a reportar la cuenta"; not "lo reporté como bug". */
const esBlocked: Rule = {
  name: 'bloqueado',
  turn: 'statement',
  triggers: ['bloqueado', 'bloqueada', 'bloqueados', 'reportado', 'reportada', 'reportados', 'denunciado', 'denunciada', 'te', 'os', 'los', 'voy', 'reportar', 'bloquear', 'denunciar', 'silenciado'],
  match(words, i) {
    const w = words[i] as string;
    if (/^(bloquead|reportad|denunciad)/.test(w)) {
      if (words[i + 1] === 'por' && (words[i + 2] === 'spam' || words[i + 2] === 'acoso' || words[i + 2] === 'bot')) return sure(i, i + 3);
      if (words.slice(0, i).some((b) => b === 'he' || b === 'ha' || b === 'estoy' || b === 'estaba' || b === 'me' || b === 'fue')) return undefined;
      if (words.length - i <= 3 && onlyFillers(words, i + 1)) return sure(i, i + 1);
      return undefined;
    }
    if ((w === 'te' || w === 'os' || w === 'los') && /^(bloque|report|denunci)/.test(words[i + 1] ?? '')) return sure(i, i + 2);
    if (w === 'voy' && words[i + 1] === 'a' && /^(reportar|bloquear|denunciar)/.test(words[i + 2] ?? '')) return sure(i, i + 3);
    if (/^(reportar|bloquear|denunciar)$/.test(w) && ['la', 'tu', 'su', 'esta', 'esa'].includes(words[i + 1] as string) && words[i + 2] === 'cuenta') return sure(i, i + 3);
    if (w === 'silenciado' && words.length <= 2) return maybe(i, i + 1, 'muted, not blocked');
    return undefined;
  },
};

const esDoubts = phrases('no soy tu cliente', 'statement', [
  'no soy ?tu|su|vuestro cliente|clienta|prospecto', 'que pesado|pesada|pesados|pesadas', 'pesadisimo', 'quien eres', 'quien te dio', 'no te conozco', 'no los conozco', 'que miedo', 'acoso', 'nunca me suscribi|inscribi|registre',
  'no pedi', 'por que me sigues|sigue|siguen|etiquetas|etiquetan|mencionas|mencionan', 'me canse de|con ?tus|sus|los|las', 'estoy harto|harta|hartos', 'me tienen harto|harta|hasta', 'que cansinos|cansino|cansina', 'que intensos|intenso|intensa',
], { strength: 'doubtful', doubt: 'sounds like a no, not yet a request to stop' });

const esNoThanks = phrases('no gracias', 'statement', ['no gracias', 'no gracias no'], { strength: 'doubtful', doubt: 'declines, does not ask to stop', alone: 3, later: true });
const esNotInterested = phrases('no me interesa', 'negative', ['no me|nos interesa|interesan', 'ya no me|nos interesa', 'no estoy interesado|interesada', 'no estamos interesados|interesadas', 'sin interes'], { later: true });
/** "no deseo recibir", "retiro mi consentimiento", "me opongo". */
const esNoWish = phrases('no deseo recibir', 'negative', [
  'no quiero|deseo|queremos|quisiera|deseamos recibir|ser|mas|nada|publicidad|sus|tus|que', 'retiro|revoco mi consentimiento', 'me opongo', 'ejerzo mi derecho',
]);

/** "me cansé de sus menciones" names what tires them: a request to stop. */
const esTiredOf: Rule = {
  name: 'me cansé de sus menciones',
  turn: 'statement',
  triggers: ['canse', 'harto', 'harta', 'hartos', 'cansado', 'cansada', 'marre', 'tired', 'sick'],
  match(words, i) {
    const k = skip(words, i + 1, new Set(['de', 'con', 'of', 'tus', 'sus', 'your', 'these', 'the', 'tes', 'vos', 'all', 'todas', 'todos', 'tanto', 'tanta', 'tantos', 'tantas', 'en', 'd', 'des', 'de']), 3);
    if (has(W.ES_ENGAGEMENT, words[k]) || has(W.EN_ENGAGEMENT, words[k]) || has(W.FR_ENGAGEMENT, words[k]) || has(W.EN_ENGAGING, words[k])) return sure(i, k + 1);
    return undefined;
  },
};

/** The built-in rules, in the order their reasons are preferred. */
export const BUILT_IN_RULES: readonly Rule[] = [
  enNeverContact, enStopEngaging, enUnsubscribe, enRemoveMe, enUnfollowOrder, enLeaveMeAlone, enGoAwayOrder, enSpam, enBlocked, enNotInterested, enBareStop, dataProtection, refusingEmoji,
  enNoWish, frNeverContact, frStopEngaging, frRemoveMe, frLeaveOrLater, frGoAway, frNoNeed, frNotInterested, frNoWish, frSpam, frBlocked, frBareStop,
  esNeverContact, esStopEngaging, esRemoveMe, esLeaveOrLater, esNotInterested, esNoWish, esSpam, esBlocked, esTiredOf, esBareStop,
  enDoubts, enNoThanks, frDoubts, frNoThanksOrLater, esDoubts, esNoThanks,
];

/** A configured phrase (`engagement.opt_out_phrases`): its words in order, anywhere, as an order to us. */
export function phraseRule(phrase: string, words: readonly string[]): Rule {
  return {
    name: phrase,
    turn: 'order',
    configured: true,
    triggers: words.slice(0, 1),
    match(clause, i) {
      for (let k = 0; k < words.length; k++) if (clause[i + k] !== words[k]) return undefined;
      return sure(i, i + words.length);
    },
  };
}
