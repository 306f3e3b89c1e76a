/**
 * Words as people type them on X, brought back to one spelling: SMS spellings ("pls", "stp",
 * "porfa"), common slips ("stpo", "agian", "unfolow"), elongations ("stooop", "pleeease") and, for
 * the longer words the rules lean on, one typo (a letter missing, added, changed or two swapped).
 * Words are folded already (lower case, no accents).
 */

/** One spelling for many: SMS, slang and frequent slips. */
const VARIANTS: Readonly<Record<string, string>> = {
  // English
  pls: 'please', plz: 'please', plez: 'please', plis: 'please', pleas: 'please', plox: 'please', pleeze: 'please', pleez: 'please', pl0x: 'please', ples: 'please', plss: 'please',
  u: 'you', yu: 'you', w: 'with', srsly: 'seriously', sry: 'sorry', rly: 'really', dnt: 'dont', ur: 'your', yr: 'your', r: 'are',
  stpo: 'stop', sotp: 'stop', stahp: 'stop', stapp: 'stop', stap: 'stop', stopp: 'stop', stopit: 'stop',
  unfolow: 'unfollow', unfollw: 'unfollow', unfolllow: 'unfollow', unfollo: 'unfollow', unflw: 'unfollow', unfollowme: 'unfollow',
  alon: 'alone', aloen: 'alone', alnoe: 'alone', agian: 'again', agin: 'again', agan: 'again', againn: 'again',
  contcat: 'contact', cantact: 'contact', contat: 'contact', conatct: 'contact', msg: 'message', msgs: 'messages', dmd: 'dmed', pm: 'dm', pms: 'dms',
  unsub: 'unsubscribe', unsubscibe: 'unsubscribe', unsuscribe: 'unsubscribe', unsubcribe: 'unsubscribe', unsubscrib: 'unsubscribe',
  optout: 'opt', fck: 'fuck', fk: 'fuck', fuk: 'fuck', fking: 'fucking', fkin: 'fucking', effing: 'fucking', frick: 'fuck',
  thx: 'thanks', thanx: 'thanks', ty: 'thanks', tks: 'thanks', spamer: 'spammer', spaming: 'spamming', spammin: 'spamming',
  followin: 'following', likin: 'liking', taggin: 'tagging', messagin: 'messaging', bc: 'because', cuz: 'because', coz: 'because',
  // French
  svp: 'stp', jveux: 'veux', jsais: 'sais', jpeux: 'peux', stpl: 'stp', sil: 'stp', jsuis: 'suis', chui: 'suis', chuis: 'suis', pk: 'pourquoi', pq: 'pourquoi', nan: 'non', nn: 'non',
  plu: 'plus',  mp: 'dm', mps: 'dms', arret: 'arrete', arrettez: 'arretez', arettez: 'arretez', aretez: 'arretez', arete: 'arrete', arrette: 'arrete',
  tranquil: 'tranquille', tranquile: 'tranquille', trankil: 'tranquille', tranquilles: 'tranquille', tranquilou: 'tranquille',
  desabone: 'desabonne', desabonez: 'desabonnez', desabo: 'desabonne', desinscri: 'desinscris',
  slt: 'salut', bjr: 'bonjour', mrc: 'merci', mci: 'merci',
  // Spanish
  porfa: 'porfavor', porfis: 'porfavor', xfa: 'porfavor', xfavor: 'porfavor', pf: 'porfavor', porfabor: 'porfavor', xf: 'porfavor',
  q: 'que', ke: 'que', qe: 'que', xq: 'porque', tb: 'tambien', tmb: 'tambien',
  nunk: 'nunca', nunka: 'nunca', larguese: 'largate',
};

/** Words the rules lean on, which a single typo should still reach. Only words of five letters or more. */
const KEY_WORDS: readonly string[] = [
  'please', 'unfollow', 'unsubscribe', 'following', 'contact', 'contacting', 'message', 'messaging', 'messages', 'tagging', 'mentioning', 'mentions', 'liking', 'spamming', 'spammer',
  'remove', 'delete', 'leave', 'alone', 'again', 'blocked', 'blocking', 'reported', 'interested', 'notifications', 'bother', 'bothering', 'harassing', 'refrain',
  'arrete', 'arretez', 'arreter', 'arretes', 'tranquille', 'desabonne', 'desabonnez', 'desabonner', 'contacter', 'contactez', 'recontactez', 'solliciter', 'sollicitation', 'identifier',
  'interesse', 'interessee', 'bloque', 'bloquee', 'signale', 'signalee', 'retirez', 'supprimez', 'laissez', 'suffit', 'relances',
  'dejame', 'dejenme', 'dejen', 'seguirme', 'etiquetarme', 'escribirme', 'mencionarme', 'contactes', 'contacten', 'contactarme', 'molestar', 'molestes', 'molesten',
  'interesa', 'bloqueado', 'bloqueada', 'reportado', 'reportada', 'desuscribirme', 'desuscribeme', 'eliminen', 'borren', 'tranquilo', 'tranquila', 'porfavor', 'mensajes',
];
const KEYS: ReadonlySet<string> = new Set(KEY_WORDS);
/** Key words by length, for the one-typo search. */
const KEYS_BY_LENGTH = new Map<number, string[]>();
for (const k of KEY_WORDS) {
  const list = KEYS_BY_LENGTH.get(k.length) ?? [];
  list.push(k);
  KEYS_BY_LENGTH.set(k.length, list);
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/** The one spelling the rules know for a folded word. */
export function canonical(word: string): string {
  const known = cache.get(word);
  if (known !== undefined) return known;
  const found = spell(word);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, found);
  return found;
}

function spell(word: string): string {
  const direct = VARIANTS[word];
  if (direct !== undefined) return direct;
  let w = word;
  if (/(\p{L})\1\1/u.test(w)) {
    // Elongations: "stooop", "pleeeease", "noooo". Two letters where the word has two, else one.
    const two = w.replace(/(\p{L})\1{2,}/gu, '$1$1');
    const one = w.replace(/(\p{L})\1{2,}/gu, '$1');
    const pick = [two, one, one.replace(/(\p{L})\1/gu, '$1')].find((c) => VARIANTS[c] !== undefined || KEYS.has(c) || COMMON.has(c));
    w = pick === undefined ? one : (VARIANTS[pick] ?? pick);
    if (VARIANTS[w] !== undefined) return VARIANTS[w] as string;
  }
  if (w.startsWith('escriv')) w = `escrib${w.slice(6)}`;
  if (w.length >= 5 && !KEYS.has(w) && !COMMON.has(w)) {
    const near = nearKey(w);
    if (near !== undefined) return near;
  }
  return w;
}

/** Short words elongations most often come from. */
const COMMON: ReadonlySet<string> = new Set(['no', 'non', 'stop', 'so', 'please', 'go', 'off', 'me', 'away', 'bye', 'ugh', 'yes', 'lol', 'too', 'good', 'cool', 'basta', 'ya', 'ok']);

/** A key word one typo away (Damerau: delete, insert, substitute, swap two neighbours), else undefined. */
function nearKey(word: string): string | undefined {
  for (const length of [word.length, word.length - 1, word.length + 1]) {
    for (const key of KEYS_BY_LENGTH.get(length) ?? []) {
      if (key[0] !== word[0] && key[1] !== word[1]) continue;
      // Another ending is another form of a word ("retire", "retirez"; "contacted", "contacter"), not a typo.
      if (key.startsWith(word) || word.startsWith(key) || key.slice(0, -2) === word.slice(0, -2)) continue;
      if (oneTypo(word, key)) return key;
    }
  }
  return undefined;
}

function oneTypo(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
