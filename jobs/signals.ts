import { addDoNotContact } from '../db/do-not-contact.ts';
import { addToGraph, getSignalCursor, hasGraph, knownGraphIds, setSignalCursor, type GraphDirection } from '../db/graph.ts';
import { recordReply } from '../db/replies.ts';
import { acceptFollows, addSignals, engagedProspects, pendingFollows, type SignalInput } from '../db/signals.ts';
import { ReplyReader } from '../src/engage/replies/index.ts';
import { warmAndRescore } from '../src/engage/warm.ts';
import type { XAccount } from '../src/x/account.ts';
import { XCallError } from '../src/x/errors.ts';
import { joinLines, type JobContext, type JobResult } from './context.ts';

/**
 * signals: notices people engaging back with each of the team's accounts, and acts on it.
 *
 * - Mentions newer than the account's stored since_id, each read by the reply reader and stored
 *   with its reading (`replies`). Read as `opt_out`: the author goes on the global do-not-contact
 *   list at once (their open leads close in every persona, planned actions are cancelled; the
 *   list's history links the reply) with an `opt_out` signal. Read as `doubtful`: the reply is
 *   held for a person (`prospector replies`) and nobody engages the author meanwhile; it is no
 *   signal, so it warms nothing and raises no score. Otherwise a reply is `replied`, a mention
 *   `mentioned`. Retweets of the account's posts are left out: the words are ours.
 * - Followers, newest first, until a page brings nobody new: a new follower the account liked or
 *   followed (a `done` action) is `followed_back`. The first read of an account's followers is a
 *   baseline and records none: X does not say when someone followed, and people who followed the
 *   account long before it engaged them did not follow back. (The worker runs signals from its
 *   first hour, so a follow-back that falls before that first read is the one thing lost.)
 * - Follows a protected user left pending: when the account's followings (read the same way, and
 *   only while some are pending) now hold the user, `follow_accepted`, and the action's outcome
 *   says so.
 * - Leads of people who engaged back turn warm (`warm_at`), their matches are rescored at once and
 *   their open leads' score raised to the new score when higher.
 *
 * Per account, a 429 is logged and the next account read (never retried in a loop); X's monthly
 * cap or an account out of credit stops the job (the frame records the stop, and while it holds
 * the job does not start). Signals are written before the cursor moves: a crash re-reads, and a
 * signal seen twice is recorded once.
 */

/** With no stored since_id, the newest pages of mentions only: older ones are history, not news. */
const FIRST_RUN_MENTION_PAGES = 5;
/** Followers and followings per request: X's maximum. */
const GRAPH_PAGE_SIZE = 1000;
/**
 * Followers or followings pages in one run and account: the Basic tier allows 5 requests per
 * 15 minutes. A longer backlog is cut; X lists newest first, so what is cut is the oldest.
 */
const MAX_GRAPH_PAGES = 5;
const MENTIONS = 'mentions';

interface Tally {
  mentions: number;
  replied: number;
  mentioned: number;
  opt_outs: number;
  /** Doubtful readings, held for a person. */
  held: number;
  followed_back: number;
  follow_accepted: number;
}

/** What one run shares between accounts. */
interface Run {
  ctx: JobContext;
  now: Date;
  /** The reply reader, configured from `engagement.opt_out_phrases` and `opt_out_ignore`. */
  reader: ReplyReader;
  /** The team's handles, lower case: their posts are never signals. */
  team: ReadonlySet<string>;
  /** People with new positive signals this run (would-be, on a dry run). */
  engaged: Set<string>;
  /** People who asked us to stop this run: their matches are rescored to 0 at once. */
  optedOut: Set<string>;
}

export default async function signals(ctx: JobContext): Promise<JobResult> {
  const { opt_out_phrases: phrases, opt_out_ignore: ignore } = ctx.config.worker.engagement;
  const now = ctx.now();
  const run: Run = {
    ctx,
    now,
    reader: new ReplyReader({ phrases, ignore }),
    team: new Set([...ctx.x.handles, ...ctx.config.worker.accounts.map((a) => a.handle)].map((h) => h.toLowerCase())),
    engaged: new Set(),
    optedOut: new Set(),
  };
  const counts = { accounts: 0, mentions: 0, replied: 0, mentioned: 0, followed_back: 0, follow_accepted: 0, opt_outs: 0, held: 0, warm_leads: 0, rate_limited: 0, failed: 0 };
  const lines: Array<[string, string]> = [];
  const failures: XCallError[] = [];
  let fatal: unknown;

  const only = ctx.accounts ? new Set(ctx.accounts.map((a) => a.toLowerCase())) : undefined;
  for (const handle of ctx.x.handles.filter((h) => !only || only.has(h.toLowerCase()))) {
    const tally: Tally = { mentions: 0, replied: 0, mentioned: 0, opt_outs: 0, held: 0, followed_back: 0, follow_accepted: 0 };
    let trouble: string | undefined;
    try {
      ctx.signal.throwIfAborted();
      counts.accounts++;
      const account = await ctx.x.account(handle);
      const me = await account.userId(ctx.signal);
      await readMentions(run, account, me, tally);
      await readFollowers(run, account, me, tally);
      await readAcceptedFollows(run, account, me, tally);
    } catch (error) {
      if (!(error instanceof XCallError) || error.stopsAll) {
        fatal = error;
      } else if (error.kind === 'rate_limited') {
        // Never a loop: this account waits for the next run, the others go on.
        counts.rate_limited++;
        const until = error.details.resetAt ? ` until ${error.details.resetAt.toISOString()}` : '';
        trouble = `rate limited${until}`;
        ctx.log.warn({ job: 'signals', account: handle, resetAt: error.details.resetAt, window: error.details.window }, `signals @${handle}: ${error.message}; next account`);
      } else {
        counts.failed++;
        failures.push(error);
        trouble = `failed (${error.kind})`;
        ctx.log.warn({ job: 'signals', account: handle, kind: error.kind }, `signals @${handle}: ${error.message}`);
      }
    }
    for (const key of Object.keys(tally) as (keyof Tally)[]) counts[key] += tally[key];
    lines.push([`@${handle}`, accountLine(tally, trouble)]);
    ctx.progress?.(`signals: @${handle} ${accountLine(tally, trouble)}`);
    if (fatal !== undefined) break;
  }

  // What was recorded before a stop still warms its leads; a bug or an abort stops here.
  if (fatal === undefined || fatal instanceof XCallError) {
    counts.warm_leads = await warmAndRescore(ctx.db, ctx.config.personas, { engaged: run.engaged, rescore: run.optedOut, dryRun: ctx.dryRun, notify: ctx.config.worker.web.notify }, now);
  }
  if (fatal !== undefined) throw fatal;

  const warm = `${counts.warm_leads} ${counts.warm_leads === 1 ? 'lead' : 'leads'} warm${ctx.dryRun ? ' (would be)' : ''}`;
  const summary = `${joinLines(lines, ctx.accounts?.length === 1, ' ') || 'no accounts'}; ${warm}`;
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `signals: ${failures.length} accounts failed: ${failures.map((f) => f.message).join('; ')}`);
  return { summary, counts };
}

/** `3 mentions (1 opt-out, 1 held), 2 follow-backs, 1 follow accepted`. */
function accountLine(t: Tally, trouble: string | undefined): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const read = [...(t.opt_outs ? [n(t.opt_outs, 'opt-out', 'opt-outs')] : []), ...(t.held ? [`${t.held} held`] : [])];
  const parts = [
    `${n(t.mentions, 'mention', 'mentions')}${read.length ? ` (${read.join(', ')})` : ''}`,
    n(t.followed_back, 'follow-back', 'follow-backs'),
  ];
  if (t.follow_accepted) parts.push(n(t.follow_accepted, 'follow accepted', 'follows accepted'));
  if (trouble) parts.push(trouble);
  return parts.join(', ');
}

/** Records signals (nothing on a dry run) and remembers who engaged back. */
async function record(run: Run, found: readonly SignalInput[]): Promise<void> {
  if (found.length === 0) return;
  const added = run.ctx.dryRun ? found : await addSignals(run.ctx.db, found, run.now);
  for (const s of added) (s.kind === 'opt_out' ? run.optedOut : run.engaged).add(s.prospectId);
}

async function readMentions(run: Run, account: XAccount, me: string, tally: Tally): Promise<void> {
  const { ctx, now } = run;
  const since = await getSignalCursor(ctx.db, me, MENTIONS);
  let newest: string | undefined;
  const options = since ? { sinceId: since, signal: ctx.signal } : { maxPages: FIRST_RUN_MENTION_PAGES, signal: ctx.signal };
  for await (const page of account.mentions(options)) {
    newest ??= page.newestId;
    const names = new Map(page.users.map((u) => [u.id, u.username.toLowerCase()]));
    const found: SignalInput[] = [];
    const optOuts: Array<{ userId: string; reason: string; replyId: number | null }> = [];
    for (const post of page.posts) {
      const author = names.get(post.author_id);
      if (post.author_id === me || (author !== undefined && run.team.has(author))) continue;
      if (post.kind === 'retweet') continue;
      tally.mentions++;
      const occurredAt = post.created_at ? new Date(post.created_at) : now;
      const reading = run.reader.read(post.text, { language: post.lang, account: account.handle });
      let { outcome, reason } = reading;
      let replyId: number | null = null;
      if (!ctx.dryRun) {
        const { reply } = await recordReply(ctx.db, {
          postId: post.id,
          prospectId: post.author_id,
          account: me,
          kind: post.kind === 'reply' ? 'reply' : 'mention',
          text: post.text,
          language: reading.language ?? post.lang ?? null,
          outcome: reading.outcome,
          reason: reading.reason,
          postedAt: occurredAt,
          readAt: now,
        });
        // Read before, by a run cut short: its first reading stands, and a person's decision on it
        // has already done what follows.
        if (reply.decision !== null) continue;
        ({ outcome, reason } = reply);
        replyId = reply.id;
      }
      if (outcome === 'opt_out') {
        tally.opt_outs++;
        found.push({ prospectId: post.author_id, account: me, kind: 'opt_out', postId: post.id, occurredAt });
        optOuts.push({ userId: post.author_id, reason: `${reason} to @${account.handle} in post ${post.id}: "${brief(post.text)}"`, replyId });
        continue;
      }
      if (outcome === 'doubtful') {
        // Held for a person: no signal, so nothing warms and no score rises until they decide.
        tally.held++;
        continue;
      }
      const kind = post.kind === 'reply' ? 'replied' : 'mentioned';
      tally[kind]++;
      found.push({ prospectId: post.author_id, account: me, kind, postId: post.id, occurredAt });
    }
    if (!ctx.dryRun) {
      // At once and for everyone: do-not-contact is global across personas and accounts.
      for (const o of optOuts) await addDoNotContact(ctx.db, { prospectId: o.userId, reason: o.reason, source: 'opt_out', addedBy: 'system', replyId: o.replyId, at: now });
    }
    await record(run, found);
  }
  if (!ctx.dryRun && newest !== undefined && newest !== since) await setSignalCursor(ctx.db, { account: me, stream: MENTIONS, sinceId: newest, at: now });
}

/** A post quoted in a reason: one line, at most 100 characters. */
function brief(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

/**
 * The followers (or followings) of the account not stored yet. X lists them newest first, so the
 * walk stops at the first page with nobody new (or after MAX_GRAPH_PAGES).
 */
async function newInGraph(run: Run, account: XAccount, me: string, direction: GraphDirection): Promise<string[]> {
  const fresh = new Set<string>();
  let pages = 0;
  for await (const page of account.graph(direction, { pageSize: GRAPH_PAGE_SIZE, signal: run.ctx.signal })) {
    pages++;
    const ids = page.users.map((u) => u.id);
    const known = await knownGraphIds(run.ctx.db, me, direction, ids);
    const before = fresh.size;
    for (const id of ids) if (!known.has(id)) fresh.add(id);
    if (fresh.size === before || pages >= MAX_GRAPH_PAGES) break;
  }
  return [...fresh];
}

async function readFollowers(run: Run, account: XAccount, me: string, tally: Tally): Promise<void> {
  const { ctx, now } = run;
  const baseline = !(await hasGraph(ctx.db, me, 'followers'));
  const fresh = await newInGraph(run, account, me, 'followers');
  if (fresh.length === 0) return;
  if (baseline) {
    if (!ctx.dryRun) await addToGraph(ctx.db, { account: me, direction: 'followers', userIds: fresh, at: now });
    return;
  }
  // X does not say when someone followed: the signal is dated when it was noticed.
  const back = [...(await engagedProspects(ctx.db, me, fresh))].sort();
  tally.followed_back += back.length;
  await record(
    run,
    back.map((prospectId) => ({ prospectId, account: me, kind: 'followed_back' as const, postId: null, occurredAt: now })),
  );
  // Stored after the signals: a crash in between finds them new again, never loses one.
  if (!ctx.dryRun) await addToGraph(ctx.db, { account: me, direction: 'followers', userIds: fresh, at: now });
}

async function readAcceptedFollows(run: Run, account: XAccount, me: string, tally: Tally): Promise<void> {
  const { ctx, now } = run;
  const pending = await pendingFollows(ctx.db, me);
  if (pending.length === 0) return;
  const fresh = await newInGraph(run, account, me, 'following');
  const present = new Set(fresh);
  for (const id of await knownGraphIds(ctx.db, me, 'following', pending.map((p) => p.target))) present.add(id);
  const accepted = pending.filter((p) => present.has(p.target));
  tally.follow_accepted += accepted.length;
  await record(
    run,
    accepted.map((p) => ({ prospectId: p.prospectId, account: me, kind: 'follow_accepted' as const, postId: null, occurredAt: now })),
  );
  if (ctx.dryRun) return;
  await acceptFollows(ctx.db, { ids: accepted.map((p) => p.id), at: now });
  if (fresh.length > 0) await addToGraph(ctx.db, { account: me, direction: 'following', userIds: fresh, at: now });
}
