/** Buying intent in a post: the persona's questions, needs and pains, in any of its languages; job posts discounted. */
import type { Matcher } from './compile-persona.ts';
import { findHits, type CompiledEntry, type HitList } from './persona-terms.ts';
import { INTENT_POINTS, JOB_POST_FACTOR } from './points.ts';
import { asWritten, spanText } from './reasons.ts';
import { NEGATED } from './token-list.ts';
import type { Reason } from './types.ts';

export interface IntentMatch {
  /** 0–1: how clearly the post asks for what the persona sells. */
  intent: number;
  reasons: Reason[];
}

/** Whether an earlier hit than `h` is of the same persona term. */
function seenBefore(hits: HitList, h: number): boolean {
  const entry = hits.entry[h] as CompiledEntry;
  for (let k = 0; k < h; k++) {
    const other = hits.entry[k] as CompiledEntry;
    if (other === entry || (other.category === entry.category && other.term === entry.term)) return true;
  }
  return false;
}

/** Buying intent in a post: the persona's questions, needs and pains, in any of its languages. */
export function matchIntent(matcher: Matcher, postText: string): IntentMatch {
  const main = matcher.scratch.main;
  if (!main.readIfRelevant(postText, matcher.intentStarts)) return { intent: 0, reasons: [] };
  const t = main.tokens;
  const hits = findHits(matcher.intentTrie, matcher.aliases, t, matcher.scratch.hits);
  const reasons: Reason[] = [];
  let points = 0;
  let question = false;
  let need = 0;
  let pain = false;
  let jobpost = false;
  for (let h = 0; h < hits.n; h++) {
    if (seenBefore(hits, h)) continue;
    const entry = hits.entry[h] as CompiledEntry;
    const category = entry.category;
    if (category === 'question' && !question) {
      question = true;
      points += INTENT_POINTS.question;
      reasons.push({ points: INTENT_POINTS.question, text: `asks ${asWritten(entry.term, entry.plainTerm, spanText(postText, t, hits.from[h] as number, hits.to[h] as number))}` });
    } else if (category === 'need' && ((hits.bits[h] as number) & NEGATED) === 0) {
      const p = need === 0 ? INTENT_POINTS.need : INTENT_POINTS.needMore;
      need++;
      if (need <= 2) {
        points += p;
        reasons.push({ points: p, text: `needs ${asWritten(entry.term, entry.plainTerm, spanText(postText, t, hits.from[h] as number, hits.to[h] as number))}` });
      }
    } else if (category === 'pain' && !pain) {
      pain = true;
      points += INTENT_POINTS.pain;
      reasons.push({ points: INTENT_POINTS.pain, text: `pain: ${asWritten(entry.term, entry.plainTerm, spanText(postText, t, hits.from[h] as number, hits.to[h] as number))}` });
    } else if (category === 'jobpost') {
      jobpost = true;
    }
  }
  if (!question && (need > 0 || pain) && postText.includes('?')) {
    points += INTENT_POINTS.questionMark;
    reasons.push({ points: INTENT_POINTS.questionMark, text: 'asks a question' });
  }
  if (jobpost && points > 0) {
    const cut = Math.round(points * (1 - JOB_POST_FACTOR));
    points -= cut;
    reasons.push({ points: -cut, text: 'reads like a job post' });
  }
  return { intent: Math.max(0, Math.min(1, points / 100)), reasons };
}
