/**
 * The reply reader: how the signals job reads a mention or a reply to one of the team's accounts.
 * Three outcomes:
 * - `opt_out`: the author asks us to stop; they go on do-not-contact at once, everywhere.
 * - `doubtful`: it may be a request to stop; engagement with the author is paused and the reply is
 *   held for a person to confirm (an opt-out) or dismiss (a normal reply). A miss is the worse
 *   error, so what is unsure is held, not let through.
 * - `other`: a normal reply or mention.
 *
 * An `opt_out` or `doubtful` reading never counts as `replied` or `mentioned`: it never raises a
 * score nor warms a lead.
 */
import { loadReplyModel, type ReplyModel } from './model.ts';
import { readable, type Clause } from './normalise.ts';
import { BUILT_IN_RULES, phraseRule, type Hit, type Rule } from './rules.ts';
import * as W from './words.ts';

export type ReplyOutcome = 'opt_out' | 'doubtful' | 'other';
export const REPLY_OUTCOMES: readonly ReplyOutcome[] = ['opt_out', 'doubtful', 'other'];

export type ReplyLanguage = 'en' | 'fr' | 'es';
export const REPLY_LANGUAGES: readonly ReplyLanguage[] = ['en', 'fr', 'es'];

export interface ReplyReading {
  outcome: ReplyOutcome;
  /** Why, in plain words a salesperson can check against the text. */
  reason: string;
  /** The language it was read in: the hint when given, else guessed; undefined when unknown. */
  language: ReplyLanguage | undefined;
}

export interface ReplyReaderOptions {
  /** Phrases that mean "stop", added to the built-in knowledge (`engagement.opt_out_phrases`). */
  phrases?: readonly string[];
  /** Built-in phrases to leave out (`engagement.opt_out_ignore`). */
  ignore?: readonly string[];
  /**
   * The statistical second opinion (src/engage/replies/model.ts): a reply the rules let through
   * that the model finds as close to a request to stop as its `sure` threshold is held for a
   * person. Default: the shipped weights; `null` reads by the rules alone.
   */
  model?: ReplyModel | null;
}

export interface ReplyHint {
  /** X's `lang` of the post, or the author's known language. */
  language?: string | undefined;
  /**
   * The team's account the reply reached (its handle). A reply that opens with other people's
   * handles only speaks to someone else in the thread: a request in it is held, not applied.
   */
  account?: string | undefined;
}

/** Built-in phrases a config may name in `opt_out_ignore`, one per rule. */
export function builtInPhrases(): readonly string[] {
  return BUILT_IN_RULES.map((r) => r.name);
}

/** A phrase as the rules compare it: folded, canonical words. */
export function phraseKey(phrase: string): string {
  return phraseWords(phrase).join(' ');
}

function phraseWords(phrase: string): string[] {
  return readable(phrase).clauses.flatMap((c) => c.words);
}

interface Finding {
  rule: Rule;
  hit: Hit;
  clause: Clause;
  /** Why the words do not ask after all: a negation, someone else's words, banter. */
  undone?: string;
}

let shipped: ReplyModel | undefined;

/**
 * The model's probability from which a reply the rules let through is held. Above the shipped
 * `sure` threshold (0.75), which a bag of words reaches on "me interesa" (0.87) for having seen
 * "no me interesa": at 0.9 no reply of the other-styles test set is held, and a sixth of its
 * requests to stop would be even if no rule read them.
 */
const MODEL_HOLD = 0.9;

export class ReplyReader {
  private readonly model: ReplyModel | null;
  private readonly byTrigger = new Map<string, Rule[]>();
  /** Rules opened by a word's form, tried on words no list names. */
  private readonly byForm: Rule[] = [];

  constructor(options: ReplyReaderOptions = {}) {
    this.model = options.model === undefined ? (shipped ??= loadReplyModel()) : options.model;
    const ignored = new Set((options.ignore ?? []).map(phraseKey));
    const rules = BUILT_IN_RULES.filter((r) => !ignored.has(phraseKey(r.name)));
    for (const phrase of options.phrases ?? []) {
      const words = phraseWords(phrase);
      if (words.length > 0) rules.push(phraseRule(phrase, words));
    }
    for (const rule of rules) {
      if (rule.opens) this.byForm.push(rule);
      for (const trigger of rule.triggers) {
        const list = this.byTrigger.get(trigger) ?? [];
        if (!list.includes(rule)) list.push(rule);
        this.byTrigger.set(trigger, list);
      }
    }
  }

  read(text: string, hint: ReplyHint = {}): ReplyReading {
    const reply = readable(text);
    const language = REPLY_LANGUAGES.find((l) => l === hint.language) ?? guessLanguage(reply.all);
    const findings = this.find(reply.clauses, reply.delighted);
    const later = [...reply.all].some((w) => W.LATER_ANYWHERE.has(w));
    const but = [...reply.all].some((w) => W.BUT.has(w));
    const elsewhere = [...reply.all].some((w) => W.ELSEWHERE.has(w)) && [...reply.all].some((w) => W.CHANNELS.has(w));
    const moved = reply.clauses.some((c) => W.MOVE_ME.some((seq) => asked(c.words, seq)));
    for (const f of findings) {
      if (f.undone === undefined && f.rule.removes && moved) f.undone = 'asks to be moved, not removed';
      if (f.undone === undefined && f.rule.turn === 'order' && W.IF_YOU_WANT.some((seq) => contains(f.clause.words, seq, f.hit.to))) f.undone = 'gives leave, does not ask';
      // "not interested in the webinar, but the ebook yes": a no about one thing, not about us.
      if (f.undone === undefined && f.rule.later && but && ABOUT.has(f.clause.words[f.hit.to] as string)) f.undone = 'is about one thing, not about us';
      if (f.undone === undefined && f.rule.later && later) f.undone = 'asks to wait, not to stop';
      else if (f.undone === undefined && f.rule.later && but && f.hit.strength === 'opt_out') f.hit = { ...f.hit, strength: 'doubtful', doubt: 'a no with a "but"' };
      if (f.undone === undefined && f.hit.doubt === 'a question' && reply.delighted) f.undone = 'is a question in a friendly reply';
      if (f.undone === undefined && f.hit.strength === 'opt_out' && elsewhere) f.hit = { ...f.hit, strength: 'doubtful', doubt: 'asks to talk elsewhere' };
    }
    const asking = pick(findings.filter((f) => f.undone === undefined));
    if (asking !== undefined) {
      const words = quote(asking);
      if (asking.hit.strength === 'opt_out') {
        const account = hint.account?.toLowerCase().replace(/^@/, '');
        if (account && reply.addressees.length > 0 && !reply.addressees.includes(account)) {
          return { outcome: 'doubtful', reason: `may ask to stop ("${words}"), but speaks to @${reply.addressees[0]}, not @${account}`, language };
        }
        const configured = asking.rule.configured ? `, the configured phrase "${asking.rule.name}"` : '';
        return { outcome: 'opt_out', reason: `asked to stop ("${words}"${configured})`, language };
      }
      return { outcome: 'doubtful', reason: `may ask to stop ("${words}"): ${asking.hit.doubt ?? 'unsure'}`, language };
    }
    if (reply.emojiOnly && reply.all.has('xangry')) return { outcome: 'doubtful', reason: 'angry emoji and nothing else', language };
    if (this.model) {
      // A miss is the worse error: what the rules let through but reads like requests to stop is held.
      const p = this.model.probability(text);
      if (p >= Math.max(MODEL_HOLD, this.model.thresholds.sure)) return { outcome: 'doubtful', reason: `reads like requests to stop (the model's ${p.toFixed(2)}), though no rule says so`, language };
    }
    const undone = findings[0];
    if (undone !== undefined) return { outcome: 'other', reason: `"${quote(undone)}" ${undone.undone}`, language };
    for (const passage of reply.quoted) {
      const quoted = this.find(passage, false).find((f) => f.undone === undefined);
      if (quoted) return { outcome: 'other', reason: `quotes "${quote(quoted)}": someone else's words`, language };
    }
    return { outcome: 'other', reason: 'no request to stop', language };
  }

  /** Every request the rules see in these clauses, with what undoes it when something does. */
  private find(clauses: readonly Clause[], delighted: boolean): Finding[] {
    const findings: Finding[] = [];
    for (const [c, clause] of clauses.entries()) {
      const words = clause.words;
      // The last clause that says anything: "vous pouvez arrêter maintenant, merci" ends with the order.
      const last = clauses.slice(c + 1).every((later) => later.words.every((w) => W.FILLERS.has(w)));
      for (let i = 0; i < words.length; i++) {
        const word = words[i] as string;
        let rules = this.byTrigger.get(word);
        const formed = this.byForm.filter((r) => r.opens?.(word) && !rules?.includes(r));
        if (formed.length > 0) rules = [...(rules ?? []), ...formed];
        if (rules === undefined) continue;
        for (const rule of rules) {
          const hit = rule.match(words, i, last, clause.end);
          if (hit === undefined) continue;
          const undone = undoneBy(rule, hit, words, delighted);
          findings.push(undone === undefined ? { rule, hit, clause } : { rule, hit, clause, undone });
        }
      }
    }
    return findings;
  }
}

/** Words that open what a "not interested" is about: "in the starter plan", "par le webinaire", "el plan básico". */
const ABOUT = new Set(['in', 'by', 'par', 'pour', 'el', 'la', 'le', 'les', 'the', 'en', 'de', 'du', 'des', 'los', 'las', 'this', 'that', 'ce', 'cette', 'ese', 'esa', 'este', 'esta', 'tu', 'su', 'ton', 'votre']);

/** Whether `seq` occurs in `words` as an order: not after a subject ("whatever list you put me on"). */
function asked(words: readonly string[], seq: readonly string[]): boolean {
  for (let i = 0; i + seq.length <= words.length; i++) {
    if (seq.every((w, k) => words[i + k] === w) && !SUBJECTS.has(words[i - 1] as string)) return true;
  }
  return false;
}
const SUBJECTS = new Set(['you', 'u', 'they', 'we', 'i', 'he', 'she', 'vous', 'tu', 'ils', 'on', 'je', 'nous']);

/** Whether `seq` occurs in `words` at or after `from`. */
function contains(words: readonly string[], seq: readonly string[], from: number): boolean {
  outer: for (let i = from; i + seq.length <= words.length; i++) {
    for (let k = 0; k < seq.length; k++) if (words[i + k] !== seq[k]) continue outer;
    return true;
  }
  return false;
}

/** The strongest finding: an opt-out before a doubt, then the earliest rule. */
function pick(findings: readonly Finding[]): Finding | undefined {
  return findings.find((f) => f.hit.strength === 'opt_out') ?? findings[0];
}

function quote(f: Finding): string {
  return f.clause.words.slice(f.hit.from, f.hit.to).join(' ');
}

/** What, before the request or around it, makes it something else; undefined when nothing does. */
function undoneBy(rule: Rule, hit: Hit, words: readonly string[], delighted: boolean): string | undefined {
  const before = words.slice(0, hit.from);
  if (before.some((w) => W.SPEECH.has(w)) && !W.FIRST_PERSON.has(words[0] as string)) return "is someone else's words";
  if (rule.turn === 'negative') {
    const prev = words[hit.from - 1];
    if (prev === 'why' || prev === 'pourquoi' || (prev === 'you' && before.length > 1)) return 'is an invitation';
    return undefined;
  }
  if (negated(words, hit.from)) return 'is negated';
  if (rule.plans && ownPlans(before)) return "is the speaker's own plan or advice";
  if ((rule.playful || (rule.plans && hit.strength === 'doubtful')) && delighted) return 'is banter (the reply laughs or praises)';
  return undefined;
}

/**
 * A negation close before the request: two words before it, or four when the request is an
 * infinitive or a subordinate ("I'm not asking you to stop", "no te pido que pares").
 */
function negated(words: readonly string[], from: number): boolean {
  const infinitive = ['to', 'de', 'd', 'que', 'a'].includes(words[from - 1] as string);
  const reach = infinitive ? 4 : 2;
  for (let k = Math.max(0, from - reach); k < from; k++) {
    const w = words[k] as string;
    if (W.NEGATIONS.has(w)) return true;
    if (w === 'no' && W.NO_PAIRS.has(words[k + 1] as string)) return true;
    if (w === 'no' && k === from - 1) return true;
  }
  return false;
}

/** The speaker's own plan or advice before a stop verb, unless they speak to us ("I want you to stop"). */
function ownPlans(before: readonly string[]): boolean {
  let plans = false;
  let toUs = false;
  for (const w of before) {
    if (['you', 'u', 'yall', 'vous', 'te', 'tu', 'ustedes', 'vosotros', 'vos'].includes(w) || W.SPEECH.has(w)) [plans, toUs] = [false, true];
    else if (!toUs && W.OWN_PLANS.has(w)) plans = true;
  }
  return plans;
}

const MARKERS: Record<ReplyLanguage, ReadonlySet<string>> = {
  en: new Set(['the', 'you', 'i', 'to', 'and', 'is', 'my', 'me', 'this', 'your', 'it', 'not', 'please', 'dont', 'of', 'im', 'are', 'stop', 'with']),
  fr: new Set(['je', 'de', 'le', 'les', 'vous', 'pas', 'est', 'c', 'moi', 'mes', 'des', 'du', 'une', 'et', 'merci', 'plus', 'ne', 'tu', 'j', 'ce', 'stp', 'avec', 'pour']),
  es: new Set(['el', 'que', 'y', 'los', 'mi', 'por', 'es', 'una', 'con', 'gracias', 'mas', 'tu', 'porfavor', 'ya', 'deja', 'dejen', 'para', 'esto', 'las', 'del']),
};

/** The language with the most of its common words, when one leads. */
function guessLanguage(words: ReadonlySet<string>): ReplyLanguage | undefined {
  let best: ReplyLanguage | undefined;
  let most = 0;
  let tie = false;
  for (const lang of REPLY_LANGUAGES) {
    let n = 0;
    for (const w of words) if (MARKERS[lang].has(w)) n++;
    if (n > most) [best, most, tie] = [lang, n, false];
    else if (n === most && n > 0) tie = true;
  }
  return tie ? undefined : best;
}

