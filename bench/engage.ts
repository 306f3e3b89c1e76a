import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PAY_PER_USE_USD } from '../src/x/tiers.ts';
import type { EngageDay } from './engage-child.ts';
import type { BenchRow } from './table.ts';

/**
 * Engagement benchmark: a simulated working day of the worker on the sandbox (bench/engage-child.ts,
 * its own process): the three example personas in mode auto, plenty of candidates, engage every
 * 10 minutes from 09:00 to 17:50 on a frozen sandbox clock moved by the benchmark. It measures:
 *
 * - utilisation: actions done ÷ actions the caps allowed. Allowed = Σ over personas × their
 *   accounts (owners in queue.owners, or all) × kind of the day's cap after warm-up and throttle
 *   (dailyCap; the warm-up ramp is off in this run, nothing is throttled on a first day).
 * - 429 responses: every answer with status 429 in the sandbox's request log for the whole day
 *   (search, token refreshes, likes, follows), none dropped.
 * - calls per action: requests to X's action endpoints (POST /2/users/:id/likes and
 *   /2/users/:id/following, every answer: 401s on an expired token and their re-sends included)
 *   plus GET /2/users/me, ÷ actions done. Token refreshes (POST /2/oauth2/token) are not counted:
 *   an OAuth2 token has to be renewed every 2 hours however the actions are sent; they are in the
 *   note.
 * - cost per action, at pay-per-use prices (PAY_PER_USE_USD): write cost ÷ actions done, where
 *   write cost = successful likes and follows × interactionCreate + successful users/me ×
 *   ownedRead (requests X refused, the 401s, are assumed not billed).
 * - cost per queued lead: (the day's read cost, as the search job meters it in
 *   read_meter.estimated_cost_usd: posts × postRead + authors bought × userRead, + the write
 *   cost) ÷ leads queued that day (table leads). Everything the day spent on X, per lead a
 *   salesperson gets.
 */

const CHILD = new URL('./engage-child.ts', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;

/**
 * The day's setup. 100,000 people give each persona two to six times its day's likes in
 * candidates at threshold 30 (the notes show the counts); the caps are 2.5 times the example
 * personas' and well below X's daily limits (1,000 likes and 400 follows per user).
 */
const USERS = 100_000;
const THRESHOLD = 30;
const CAPS = { like: 50, follow: 25 };

const UTILISATION_TARGET = 0.95;

/** Runs the day in bench/engage-child.ts; its last line on stdout is the JSON result. */
async function simulateDay(): Promise<EngageDay> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, String(USERS), String(THRESHOLD), String(CAPS.like), String(CAPS.follow)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => resolve(code ?? 1));
  });
  try {
    let last: string | undefined;
    for await (const line of createInterface({ input: proc.stdout })) last = line;
    const code = await exited;
    if (code !== 0 || last === undefined) throw new Error(`engage benchmark child exited with code ${code}${last === undefined ? ' and no result' : ''}`);
    return JSON.parse(last) as EngageDay;
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const usd = (n: number) => `$${n.toFixed(n >= 1 ? 2 : 3)}`;

export async function engageBench(): Promise<BenchRow[]> {
  const day = await simulateDay();
  if (day.log.dropped > 0) throw new Error(`the sandbox's request log dropped ${day.log.dropped} entries: the 429 and call counts would be short`);

  const personas = day.perPersona.length;
  const accounts = day.perPersona.reduce((n, p) => n + p.accounts.length, 0);
  const setup = `${personas} personas, ${accounts} accounts, ${CAPS.like} likes + ${CAPS.follow} follows a day each (warm-up off), threshold ${THRESHOLD}, ${fmt(day.users)}-person sandbox`;

  const utilisation = day.allowed > 0 ? day.performed / day.allowed : 0;
  const short = day.perPersona.filter((p) => p.done.like + p.done.follow < p.allowed.like + p.allowed.follow);

  const ok200 = day.log.writesByStatus['200'] ?? 0;
  const calls = day.log.writes + day.log.usersMe;
  const callsPerAction = day.performed > 0 ? calls / day.performed : Number.NaN;
  const byStatus = Object.entries(day.log.writesByStatus)
    .map(([status, n]) => `${fmt(n)} × ${status}`)
    .join(', ');
  const unauthorized = day.log.writesByStatus['401'] ?? 0;

  const writeCost = ok200 * PAY_PER_USE_USD.interactionCreate + day.log.usersMeOk * PAY_PER_USE_USD.ownedRead;
  const costPerAction = day.performed > 0 ? writeCost / day.performed : Number.NaN;
  const costPerLead = day.leads > 0 ? (day.reads.costUsd + writeCost) / day.leads : Number.NaN;

  const label = (what: string) => `engage: ${what}, a simulated day`;
  return [
    {
      key: 'engage.utilisation',
      label: label('actions done ÷ allowed by the caps'),
      value: utilisation,
      unit: '×',
      target: `≥ ${UTILISATION_TARGET}`,
      ok: utilisation >= UTILISATION_TARGET,
      note:
        `${fmt(day.performed)} of ${fmt(day.allowed)} (${setup}); ${day.ticks} engage runs 09:00–17:50 every 10 min, ${day.seconds.toFixed(0)} s; ` +
        `candidates ${day.perPersona.map((p) => `${p.persona} ${fmt(p.candidatesWithPost)}`).join(', ')}` +
        (short.length ? `; short: ${short.map((p) => `${p.persona} ${p.done.like}/${p.allowed.like} likes ${p.done.follow}/${p.allowed.follow} follows`).join(', ')}` : ''),
    },
    {
      key: 'engage.responses_429',
      label: label('429 responses from X'),
      value: day.log.responses429,
      unit: 'responses',
      target: '= 0',
      ok: day.log.responses429 === 0,
      note:
        `of ${fmt(day.log.requests)} requests in the sandbox's log all day (search, likes, follows, token refreshes), none dropped` +
        (day.log.responses429 ? `: ${Object.entries(day.log.paths429).map(([path, n]) => `${n} × ${path}`).join(', ')}` : ''),
    },
    {
      key: 'engage.calls_per_action',
      label: label('requests to X per action done'),
      value: callsPerAction,
      unit: 'calls/action',
      target: '= 1.0',
      ok: calls === day.performed,
      note:
        `(${fmt(day.log.writes)} like/follow requests + ${fmt(day.log.usersMe)} users/me) ÷ ${fmt(day.performed)} done; likes/follows answered ${byStatus}` +
        (unauthorizedNote(unauthorized, day.log.unauthorizedAt)) +
        `; ${fmt(day.log.tokenRefreshes)} token refreshes not counted. A tool that looks up users/me before each like spends 2`,
    },
    {
      key: 'engage.cost_per_action_usd',
      label: label('cost per action, pay-per-use'),
      value: costPerAction,
      unit: 'USD',
      note: `write cost ÷ actions done: (${fmt(ok200)} successful likes/follows × $${PAY_PER_USE_USD.interactionCreate} + ${fmt(day.log.usersMeOk)} users/me × $${PAY_PER_USE_USD.ownedRead}) ÷ ${fmt(day.performed)} = ${usd(writeCost)} ÷ ${fmt(day.performed)}; refused requests (401) not billed`,
    },
    {
      key: 'engage.cost_per_queued_lead_usd',
      label: label('cost per queued lead, pay-per-use'),
      value: costPerLead,
      unit: 'USD',
      note:
        `(reads ${usd(day.reads.costUsd)}: ${fmt(day.reads.posts)} posts × $${PAY_PER_USE_USD.postRead} + ${fmt(day.reads.users)} authors × $${PAY_PER_USE_USD.userRead}, as read_meter has it; ` +
        `+ writes ${usd(writeCost)}) ÷ ${fmt(day.leads)} leads queued`,
    },
    {
      key: 'cost.posts_per_lead',
      label: label('posts read per queued lead'),
      value: day.leads > 0 ? day.reads.posts / day.leads : Number.NaN,
      unit: 'posts/lead',
      note: `${fmt(day.reads.posts)} posts read by ${fmt(day.reads.requests)} read requests (search pages and author lookups) ÷ ${fmt(day.leads)} leads; $${PAY_PER_USE_USD.postRead} each`,
    },
    {
      key: 'cost.users_per_lead',
      label: label('authors bought per queued lead'),
      value: day.leads > 0 ? day.reads.users / day.leads : Number.NaN,
      unit: 'users/lead',
      note:
        `${fmt(day.reads.users)} authors read from X (${fmt(day.log.userLookups)} lookups of up to 100 ids; an author stored with a recent profile is not read again) ÷ ${fmt(day.leads)} leads; ` +
        `${fmt(day.prospects)} distinct authors found; $${PAY_PER_USE_USD.userRead} each`,
    },
  ];
}

function unauthorizedNote(unauthorized: number, at: readonly string[]): string {
  if (unauthorized === 0) return '';
  return ` (each 401 is an access token that expired, 2 h after it was issued or refreshed, at ${at.join(', ')}: refreshed and sent again)`;
}
