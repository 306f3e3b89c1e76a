import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figures, type LabelledReply } from '../src/engage/replies/evaluate.ts';
import { ReplyReader, type ReplyReading } from '../src/engage/replies/index.ts';
import { reactionCatalogue } from '../src/sandbox/index.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * The sandbox's replies and mentions carry ground truth: after the team's accounts follow many
 * people, every reply, mention and request to stop the world writes is recorded with whether it
 * asks to stop, its style and the post it wrote, and the truth route shows it. That is what lets
 * a test measure the reply reader against the sandbox; this one does, and prints the figures.
 */

interface TruthReaction {
  kind: string;
  account: string;
  at: string;
  post_id?: string;
  asks_to_stop?: boolean;
  style?: string;
}

interface Written {
  account: string;
  author: string;
  text: string;
  lang: string;
  /** Written as a reply to the account's post, not as a mention. */
  reply: boolean;
  truth: TruthReaction;
}

const SEED = 4242;
/** Follows per account: within the 400 a day X allows an account and the 1,000 it allows the app, and a token's 2 hours at 50 per 15 minutes. */
const FOLLOWS = 330;

/** Follows FOLLOWS people from each account, lets three days pass, and returns what they wrote back with its truth. */
async function reactionsIn(sb: TestSandbox): Promise<Written[]> {
  const ours = new Set(sb.accounts.accounts.map((a) => a.username));
  const people = sb.world.users.filter((u) => !ours.has(u.username) && !u.protected).slice(0, FOLLOWS * sb.accounts.accounts.length);
  // X allows 50 follows per 15 minutes; the accounts' 2-hour tokens last the whole walk.
  for (let from = 0; from < FOLLOWS; from += 50) {
    for (const [i, account] of sb.accounts.accounts.entries()) {
      const client = sb.userClient(i);
      for (const person of people.slice(i * FOLLOWS + from, i * FOLLOWS + Math.min(from + 50, FOLLOWS))) await client.v2.follow(account.id, person.id);
    }
    await sb.advance(15 * 60 + 1);
  }
  await sb.advance(3 * 24 * 3600);
  const app = sb.appClient();
  const written: Written[] = [];
  for (const account of sb.accounts.accounts) {
    const timeline = await app.v2.userMentionTimeline(account.id, { max_results: 100, 'tweet.fields': ['author_id', 'lang', 'in_reply_to_user_id'] });
    await timeline.fetchLast(5000);
    const byId = new Map(timeline.tweets.map((t) => [t.id, t]));
    for (const person of people) {
      const truth = await sb.admin<{ reactions: TruthReaction[] }>(`/__sandbox/truth/users/${person.id}`);
      for (const r of truth.reactions) {
        if (r.account !== account.username || !['reply', 'mention', 'opt_out'].includes(r.kind)) continue;
        const post = byId.get(r.post_id ?? '');
        expect(post, `${r.kind} by @${person.username}: post ${r.post_id} is not among @${account.username}'s mentions`).toBeDefined();
        expect(post?.author_id).toBe(person.id);
        written.push({ account: account.username, author: person.username, text: post!.text, lang: post!.lang ?? '', reply: post!.in_reply_to_user_id === account.id, truth: r });
      }
    }
  }
  return written;
}

describe('the sandbox records whether each reply asks to stop', { timeout: 180_000 }, () => {
  let sb: TestSandbox;
  let written: Written[];
  beforeAll(async () => {
    sb = await startTestSandbox({ seed: SEED, users: 3000 });
    written = await reactionsIn(sb);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('every reply, mention and request to stop has its truth, style and post, and the truth matches the text', () => {
    const optOuts = written.filter((w) => w.truth.asks_to_stop);
    expect(optOuts.length).toBeGreaterThan(5);
    expect(written.filter((w) => w.truth.style === 'look_alike').length).toBeGreaterThan(5);
    expect(written.filter((w) => w.truth.style === 'ordinary').length).toBeGreaterThan(5);
    for (const w of written) {
      expect(w.truth.asks_to_stop, w.text).toBe(w.truth.kind === 'opt_out');
      expect(['opt_out', 'look_alike', 'ordinary', 'bot']).toContain(w.truth.style);
      expect(w.text).toContain(`@${w.account}`);
    }
    // Requests to stop are the catalogue's, addressed to the account (their templates have no other slots).
    for (const w of optOuts) {
      const catalogue = new Set(reactionCatalogue(w.account).filter((r) => r.asks_to_stop && r.lang === w.lang).map((r) => r.text));
      expect(catalogue.has(w.text), w.text).toBe(true);
    }
    // Both as replies to the account's post and as mentions.
    expect(new Set(optOuts.map((w) => w.reply))).toEqual(new Set([true, false]));
  });

  it('the same seed and the same follows give the same replies with the same truth', async () => {
    const again = await startTestSandbox({ seed: SEED, users: 3000 });
    try {
      expect(await reactionsIn(again)).toEqual(written);
    } finally {
      await again.close();
    }
  });

  it("measures the reply reader against the sandbox's truth", () => {
    const reader = new ReplyReader();
    const rows = written.map((w, i): { row: LabelledReply; reading: ReplyReading } => ({
      row: { line: i + 1, lang: w.lang, label: w.truth.asks_to_stop ? 'optout' : 'other', text: w.text },
      reading: reader.read(w.text, { language: w.lang }),
    }));
    const report = figures(rows);
    expect(report.replies).toBe(written.length);
    expect(report.opt_outs).toBe(written.filter((w) => w.truth.asks_to_stop).length);
    expect(Object.keys(report.by_language).sort()).toEqual([...new Set(written.map((w) => w.lang))].sort());
    const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
    console.log(
      `reply reader on the sandbox (seed ${SEED}): ${report.replies} replies, ${report.opt_outs} requests to stop; recall ${pct(report.recall)}, precision ${pct(report.precision)}, doubtful ${pct(report.doubtful_share)}; ` +
        Object.entries(report.by_language).map(([lang, f]) => `${lang} recall ${pct(f.recall)} precision ${pct(f.precision)}`).join(', '),
    );
    // The targets: every request to stop caught (held at least), opt-outs nearly always right, few held.
    for (const f of Object.values(report.by_language)) if (f.recall !== null) expect(f.recall).toBeGreaterThanOrEqual(0.99);
    expect(report.precision ?? 1).toBeGreaterThanOrEqual(0.95);
    expect(report.doubtful_share).toBeLessThanOrEqual(0.1);
  });

  it('the reader meets its targets on every text the sandbox can write, in each language', () => {
    const reader = new ReplyReader();
    const rows = reactionCatalogue().map((c, i): { row: LabelledReply; reading: ReplyReading } => ({
      row: { line: i + 1, lang: c.lang, label: c.asks_to_stop ? 'optout' : 'other', text: c.text },
      reading: reader.read(c.text, { language: c.lang, account: 'maya_sells' }),
    }));
    const report = figures(rows);
    expect(Object.keys(report.by_language).sort()).toEqual(['en', 'es', 'fr']);
    for (const [lang, f] of Object.entries(report.by_language)) {
      expect(f.opt_outs, lang).toBeGreaterThan(30);
      expect(f.recall, lang).toBeGreaterThanOrEqual(0.99);
      expect(f.precision, lang).toBeGreaterThanOrEqual(0.95);
      expect(f.doubtful_share, lang).toBeLessThanOrEqual(0.1);
    }
  });
});
