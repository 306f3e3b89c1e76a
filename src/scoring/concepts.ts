/**
 * Scanned words into concepts: filler words dropped ("of", "de", "des"…), then rewritten with the
 * lexicon (`lexicon.ts`), longest phrase first: "Directrice des ressources humaines", "HR
 * Director" and "DRH" all become the level `~director` and the function `hr`; "ex-Google",
 * "former", "anciennement", "antes en" start a clause that is not the current role; "not", "pas",
 * "sin" negate what follows; "at", "chez", "@" name the employer.
 */
import { foldStartsWithEx } from './fold.ts';
import { C_LEVEL, EX, OFFICER } from './lexicon-vocabulary.ts';
import { COMPANY, CURRENT, FOLDED, KIND, Kind, MENTION, NEGATED, type TokenList } from './token-list.ts';
import { CANON_SINGLE, EMPLOYER, FILLER, MARKER, NOT, NOW, type Vocabulary } from './vocabulary.ts';

/** The concepts of "ex" glued to a one-word title ("exdirectora", "excmo"), or undefined. */
function exGlued(raw: TokenList, k: number, source: string, vocabulary: Vocabulary): readonly number[] | undefined {
  const id = raw.id[k] as number;
  if (id >= 0) {
    const glued = vocabulary.glued[id] as number;
    return glued >= 0 ? (vocabulary.canonRoot[glued]?.value ?? []) : undefined;
  }
  let rest: number;
  const folded = ((raw.bits[k] as number) & FOLDED) !== 0;
  // An unknown word read letter by letter is only worth folding whole when it starts with "ex".
  if (folded && (raw.id[k] as number) < 0 && !foldStartsWithEx(source, raw.start[k] as number, raw.end[k] as number)) return undefined;
  const text = raw.text[k] ?? (folded ? raw.textOf(k, source, vocabulary) : undefined);
  if (text !== undefined) {
    if (text.length <= 4 || !text.startsWith('ex')) return undefined;
    rest = vocabulary.id(text.slice(2));
  } else {
    // An unknown ASCII word: its text is its span in lower case.
    const start = raw.start[k] as number;
    const end = raw.end[k] as number;
    if (end - start <= 4 || (source.charCodeAt(start) | 32) !== 101 || (source.charCodeAt(start + 1) | 32) !== 120) return undefined;
    rest = vocabulary.asciiId(source, start + 2, end);
  }
  if (rest < 0 || ((vocabulary.flags[rest] as number) & CANON_SINGLE) === 0) return undefined;
  return vocabulary.canonRoot[rest]?.value ?? [];
}

/**
 * Rewrites scanned words (`raw`) into concepts (see the header), then marks not-current clauses
 * and negations, into `out`. `raw` was scanned with `vocabulary`; `words` is scratch space.
 */
export function canonicalise(raw: TokenList, source: string, vocabulary: Vocabulary, out: TokenList, words: Int32Array): void {
  const flagsOf = vocabulary.flags;
  out.n = 0;
  let m = 0;
  let officers = 0;
  for (let k = 0; k < raw.n; k++) {
    const id = raw.id[k] as number;
    if (((raw.bits[k] as number) & KIND) !== Kind.Word || id < 0 || ((flagsOf[id] as number) & FILLER) === 0) words[m++] = k;
  }
  for (let i = 0; i < m; ) {
    const f = words[i] as number;
    const kind = (raw.bits[f] as number) & KIND;
    const id = raw.id[f] as number;
    const clause = raw.clause[f] as number;
    const start = raw.start[f] as number;
    if (kind !== Kind.Word) {
      out.push(id, raw.text[f], start, raw.end[f] as number, clause, kind === Kind.Mention ? MENTION : 0);
      i++;
      continue;
    }
    // Longest lexicon phrase starting here, within the clause.
    let node = id >= 0 ? vocabulary.canonRoot[id] : undefined;
    let bestEnd = -1;
    let best: readonly number[] | undefined;
    for (let j = i; node; ) {
      if (node.value) {
        bestEnd = j;
        best = node.value;
      }
      j++;
      if (j >= m || !node.next) break;
      const next = words[j] as number;
      if (raw.clause[next] !== clause || ((raw.bits[next] as number) & KIND) !== Kind.Word) break;
      const nextId = raw.id[next] as number;
      node = nextId >= 0 ? node.next.get(nextId) : undefined;
    }
    if (best) {
      const end = raw.end[words[bestEnd] as number] as number;
      for (const c of best) {
        out.push(c, undefined, start, end, clause, 0);
        if (c === OFFICER) officers++;
      }
      i = bestEnd + 1;
      continue;
    }
    // Spanish and French glue "ex" to the title: "exdirectora", "excmo".
    const glued = exGlued(raw, f, source, vocabulary);
    if (glued) {
      const end = raw.end[f] as number;
      out.push(EX, undefined, start, end, clause, 0);
      for (const c of glued) {
        out.push(c, undefined, start, end, clause, 0);
        if (c === OFFICER) officers++;
      }
      i++;
      continue;
    }
    out.push(id, raw.text[f], start, raw.end[f] as number, clause, 0);
    if (id === OFFICER) officers++;
    i++;
  }
  // "Chief Growth Officer" is `~c_level growth`: "officer" after a c-level word says nothing more.
  for (let i = officers > 0 ? out.n - 1 : 0; i > 0; i--) {
    if (out.id[i] !== OFFICER) continue;
    for (let k = i - 1; k >= 0 && k >= i - 4 && out.clause[k] === out.clause[i]; k--) {
      if (out.id[k] === C_LEVEL) {
        out.remove(i);
        break;
      }
    }
  }
  // Not-current clauses and negations.
  let clause = -1;
  let scoped = false;
  let negateUntil = -1;
  let employer = false;
  for (let i = 0; i < out.n; i++) {
    if (out.clause[i] !== clause) {
      clause = out.clause[i] as number;
      scoped = false;
      negateUntil = -1;
      employer = false;
    }
    const id = out.id[i] as number;
    const flags = id >= 0 ? (flagsOf[id] as number) : 0;
    let bits = ((out.bits[i] as number) & MENTION) | (employer ? COMPANY : 0);
    if ((flags & EMPLOYER) !== 0) employer = true;
    if ((flags & MARKER) !== 0) {
      scoped = true;
    } else if ((flags & NOW) !== 0) {
      scoped = false;
    } else if ((flags & NOT) !== 0) {
      negateUntil = i + 2;
    } else {
      if (!scoped) bits |= CURRENT;
      if (i <= negateUntil) bits |= NEGATED;
    }
    out.bits[i] = bits;
  }
}

