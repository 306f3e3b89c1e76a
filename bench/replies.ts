import { ReplyReader } from '../src/engage/replies/index.ts';
import { reactionCatalogue, type ReactionSample } from '../src/sandbox/index.ts';
import type { BenchRow } from './table.ts';

/**
 * Reply reader benchmark: replies read per second on one thread, the way the signals job reads
 * an account's mentions. The replies are the sandbox's (every request to stop, look-alike,
 * ordinary and bot reply it writes, in English, French and Spanish), shuffled with a fixed seed
 * so that no language or style runs in a block, read with their language hint. The reader is
 * built once, as the job builds it once per run; a warm-up pass lets the JIT settle first.
 */

const TARGET_PER_S = 20_000;
/** Replies read while measuring, and before (not counted). */
const READS = 200_000;
const WARM_UP = 20_000;

/** The catalogue in a fixed shuffled order (a small LCG: the same order on every run). */
function mix(samples: readonly ReactionSample[]): ReactionSample[] {
  const out = [...samples];
  let state = 42;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as ReactionSample, out[i] as ReactionSample];
  }
  return out;
}

export async function repliesBench(): Promise<BenchRow[]> {
  const replies = mix(reactionCatalogue());
  const reader = new ReplyReader();
  const read = (count: number): number => {
    let flagged = 0;
    for (let i = 0; i < count; i++) {
      const reply = replies[i % replies.length] as ReactionSample;
      if (reader.read(reply.text, { language: reply.lang }).outcome !== 'other') flagged++;
    }
    return flagged;
  };
  read(WARM_UP);
  const began = performance.now();
  const flagged = read(READS);
  const seconds = (performance.now() - began) / 1000;
  const perSecond = READS / seconds;
  const optOuts = replies.filter((r) => r.asks_to_stop).length;
  return [
    {
      key: 'replies.read_per_s',
      label: 'reply reader: replies read per second, one thread',
      value: perSecond,
      unit: 'replies/s',
      target: `≥ ${TARGET_PER_S.toLocaleString('en')}`,
      ok: perSecond >= TARGET_PER_S,
      note: `${READS.toLocaleString('en')} reads of the sandbox's ${replies.length} reply texts (${optOuts} requests to stop; en, fr, es) after ${WARM_UP.toLocaleString('en')} not counted; ${Math.round((flagged / READS) * 100)}% read as opt_out or doubtful`,
    },
  ];
}
