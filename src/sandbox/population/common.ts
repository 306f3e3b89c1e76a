/** Small shared pieces: emoji, t.co links, default per-trade emoji. */
import type { Rng } from '../rng.ts';

export const EMOJI: readonly string[] = ['🚀', '✨', '🔥', '🙌', '😅', '😂', '🙏', '💪', '☕', '🎉', '👀', '❤️', '🤝', '📈', '😎', '🥲', '🤔', '👏', '💡', '🌱', '⚡', '😴', '🫶', '✅'];

/** Emoji people of a trade put in bios ("Head of Growth 📈"). */
export const TRADE_EMOJI: Readonly<Record<string, readonly string[]>> = {
  marketing: ['📈', '🚀', '✨', '📣'],
  sales: ['🤝', '📞', '💼', '🎯'],
  founder: ['🚀', '🦄', '💡'],
  cto: ['👩‍💻', '⚙️', '🛠️'],
  devops: ['☸️', '🐧', '⚙️', '🔥'],
  data: ['📊', '🐍', '🧮'],
  hr: ['🤝', '🌱', '💬'],
  finance: ['💶', '💰', '📊'],
  procurement: ['📦', '🤝'],
  software_dev: ['💻', '🐛', '⌨️'],
  student: ['📚', '🎓', '☕'],
  teacher: ['🍎', '📚', '✏️'],
  nurse: ['🩺', '💉', '🏥'],
  doctor: ['🩺', '⚕️'],
  cook: ['🍳', '🥐', '🔪', '🌶️'],
  police: ['🚓', '👮'],
  artist: ['🎨', '✏️', '🖌️'],
  journalist: ['📰', '🎙️', '✍️'],
  athlete: ['🏃', '⚽', '🚴', '🏊'],
  farmer: ['🚜', '🌾', '🐄'],
  musician: ['🎸', '🎶', '🎹', '🥁'],
  lawyer: ['⚖️', '📜'],
  retiree: ['🌻', '🧶', '⛵'],
  personal: ['❤️', '✨', '🐶', '🐱', '⚽', '🎮'],
  shopkeeper: ['🛍️', '💐', '📚'],
  scientist: ['🔬', '🧪', '🧬', '🌍'],
  creator: ['🎮', '🎥', '🎙️'],
  tradesperson: ['🔧', '⚡', '🔨'],
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A t.co short link, as X rewrites every URL: https://t.co/ + 10 base62 characters. */
export function tco(rng: Rng): string {
  let out = 'https://t.co/';
  let x = rng.nextUint32();
  for (let i = 0; i < 10; i++) {
    if (i === 5) x = rng.nextUint32();
    out += BASE62[x % 62];
    x = Math.floor(x / 62);
  }
  return out;
}
