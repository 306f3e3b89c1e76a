import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { crmCsv } from '../src/export/crm.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/client.ts';
import { addDoNotContact, doNotContactHistory, listDoNotContact } from '../db/do-not-contact.ts';
import { findLead, listQueue } from '../db/leads.ts';
import { getReply, listReplies, recordReply } from '../db/replies.ts';
import { accounts, leadEvents } from '../db/schema.ts';
import { currentPause } from '../db/work.ts';
import { printHistory, printList, registerDncCommands } from '../src/commands/dnc.ts';
import { registerEngageCommands } from '../src/commands/engage.ts';
import { printLead, printQueue, registerPipelineCommands } from '../src/commands/pipeline.ts';
import { printReplies, registerRepliesCommands } from '../src/commands/replies.ts';
import { registerStatusCommands } from '../src/commands/status.ts';
import { owningWorker, readWorkerFile, removeWorkerFile, writeWorkerFile } from '../src/commands/worker-file.ts';
import { silentLogger } from '../src/log.ts';
import { startWebServer, type WebServer } from '../src/web/server.ts';
import { AT, minutesAfter, openPglite, xid } from './support/db.ts';
import { seedLeads, workerConfig } from './support/observe.ts';

/**
 * The commands' side of "the worker owns the embedded database": finding the worker (its lock and
 * its worker.json; a stale file ignored), and `queue`, `lead`, `status`, `pause`, `resume`,
 * `replies` and `dnc` printing through its API exactly what they print from the database. The "worker" here is a web
 * server in this process, and the lock names the test runner's parent: a live process that is not
 * this one, as a worker in another terminal would be.
 */

const TOKEN = 'the-token-of-this-test-worker';
const DAY = AT.toISOString().slice(0, 10);

let handle: DatabaseHandle;
let web: WebServer;
let parent: string;
let dataDir: string;
let ids: number[];

beforeAll(async () => {
  handle = await openPglite('migrated');
  ids = await seedLeads(handle.db, DAY, [{ n: 1, username: 'ashley_khan' }, { n: 2, score: 80 }, { n: 3, description: 'CMO <b>bold</b>' }]);
  web = await startWebServer({ host: '127.0.0.1', port: 0, db: handle.db, config: workerConfig(), log: silentLogger(), now: () => AT, processMetrics: false, localUser: 'maya', api: { token: TOKEN, worldNow: async () => AT, workers: async () => [] } });
  parent = mkdtempSync(join(tmpdir(), 'prospector-remote-'));
  dataDir = join(parent, 'data');
});
afterAll(async () => {
  await web?.close();
  await handle?.close();
  rmSync(parent, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

/** The directory held by a live process other than this one, with a worker.json naming it. */
function heldBy(pid: number, file: { url: string; token: string } = { url: web.url, token: TOKEN }): void {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(`${dataDir}.lock`, String(pid));
  writeFileSync(join(dataDir, 'worker.json'), JSON.stringify({ ...file, pid, startedAt: AT.toISOString() }), { mode: 0o600 });
}

async function prospector(...args: string[]): Promise<{ out: string; said: string[]; code: number | undefined }> {
  let out = '';
  const said: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  const deps = { out: (text: string) => (out += text), say: (line: string) => said.push(line), runtime: { dataDir, databaseUrl: null } };
  registerPipelineCommands(program, deps);
  registerEngageCommands(program, deps);
  registerStatusCommands(program, deps);
  registerRepliesCommands(program, deps);
  registerDncCommands(program, deps);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'prospector', ...args]);
  return { out, said, code: typeof process.exitCode === 'number' ? process.exitCode : undefined };
}

describe('finding the worker', () => {
  it('worker.json is written readable by its user only, read back, and removed only by its own token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prospector-file-'));
    try {
      writeWorkerFile(dir, { url: 'http://127.0.0.1:8787', token: TOKEN });
      expect(statSync(join(dir, 'worker.json')).mode & 0o777).toBe(0o600);
      expect(readWorkerFile(dir)).toMatchObject({ url: 'http://127.0.0.1:8787', token: TOKEN, pid: process.pid });
      removeWorkerFile(dir, 'another token');
      expect(readWorkerFile(dir)).toBeDefined();
      removeWorkerFile(dir, TOKEN);
      expect(readWorkerFile(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a live holder named by worker.json is the worker; a dead one, another holder, this process or PostgreSQL is not', async () => {
    heldBy(process.ppid);
    expect(await owningWorker({ dataDir, databaseUrl: null })).toMatchObject({ pid: process.ppid, file: { url: web.url } });
    expect(await owningWorker({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/x' })).toBeUndefined();
    expect(await owningWorker({ dataDir: 'memory://', databaseUrl: null })).toBeUndefined();
    // A file left by a worker that died: its pid is gone, and so is its lock's.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    heldBy(dead);
    expect(await owningWorker({ dataDir, databaseUrl: null })).toBeUndefined();
    // The lock held by someone the file does not name (another command): not a worker to call.
    heldBy(process.ppid);
    writeFileSync(join(dataDir, 'worker.json'), JSON.stringify({ url: web.url, token: TOKEN, pid: dead }));
    expect(await owningWorker({ dataDir, databaseUrl: null })).toBeUndefined();
    heldBy(process.pid);
    expect(await owningWorker({ dataDir, databaseUrl: null })).toBeUndefined();
  });
});

describe('commands through the worker', () => {
  it('queue and lead print what they print from the database', async () => {
    heldBy(process.ppid);
    const entries = await listQueue(handle.db, { day: DAY });
    for (const format of ['table', 'json'] as const) {
      const shown = await prospector('queue', '--date', DAY, '--format', format);
      expect(shown.said).toEqual([]);
      expect(shown.out).toBe(printQueue(entries, format));
    }
    // The CRM CSV, written by the worker as the command writes it from the database.
    let csv = '';
    for await (const chunk of crmCsv(handle.db, { day: DAY })) csv += chunk;
    expect(csv.split('\n').length).toBeGreaterThan(entries.length);
    expect((await prospector('queue', '--date', DAY, '--format', 'csv')).out).toBe(csv);
    expect((await prospector('queue', '--all', '--owner', 'maya')).out).toBe(printQueue(entries, 'table'));
    // Today is the worker's (the sandbox's clock when X is one).
    expect((await prospector('queue')).out).toBe(printQueue(entries, 'table'));

    const shown = await prospector('lead', '@ashley_khan');
    expect(shown.out).toBe(printLead((await findLead(handle.db, ids[0]!))!));

    const decided = await prospector('lead', `#${ids[1]}`, 'not-a-fit', '--reason', 'student-or-job-seeker', '--note', 'a student', '--as', 'lucas');
    expect(decided.out).toBe(`lead #${ids[1]} @user_2 (growth-saas-en): new → not_a_fit (student or job seeker) — a student\n`);
    expect((await findLead(handle.db, ids[1]!))!.events.at(-1)).toMatchObject({ actor: 'lucas', toState: 'not_a_fit', note: 'a student', reason: 'student_or_job_seeker' });
    const missing = await prospector('lead', '#424242', 'won');
    expect(missing).toMatchObject({ code: 1, said: ["no lead #424242: give a lead number (#42) or the prospect's @handle"] });
    const refused = await prospector('lead', `#${ids[1]}`, 'contacted');
    expect(refused.code).toBe(1);
    expect(refused.said[0]).toMatch(/not_a_fit/);
    // A note and an undo go through the worker too.
    expect((await prospector('lead', `#${ids[1]}`, 'note', 'called back', '--as', 'lucas')).out).toBe(`lead #${ids[1]} @user_2 (growth-saas-en): note added, still not_a_fit — called back\n`);
    expect((await prospector('lead', `#${ids[1]}`, '--undo', '--as', 'lucas')).out).toMatch(new RegExp(`^lead #${ids[1]} @user_2 \\(growth-saas-en\\): undid lucas's not_a_fit of .+, not_a_fit → new\\n$`));

    await expect(prospector('lead', `#${ids[2]}`, 'snooze', '--until', DAY)).rejects.toThrow(`--until ${DAY} is not after today (${DAY}, UTC)`);
  });

  it('pause, resume and status through the worker; act needs a worker that acts', async () => {
    heldBy(process.ppid);
    expect((await prospector('pause', '--reason', 'lunch', '--as', 'ops')).out).toBe('Paused every worker (by ops: lunch). They stop acting within one tick; `prospector resume` lifts it.\n');
    expect((await currentPause(handle.db))?.pausedBy).toBe('ops');
    expect((await prospector('pause', '--as', 'lucas')).out).toMatch(/^Already paused since .* by ops: lunch; that pause stays\./);
    const status = await prospector('status');
    expect(status.out).toMatch(/^Prospector: NOT RUNNING/);
    expect(status.out).toMatch(/^paused {4}yes, since .* by ops: lunch$/m);
    expect(status.code).toBe(1);
    process.exitCode = undefined;
    expect(JSON.parse((await prospector('status', '--json')).out)).toMatchObject({ workers: [], checks: { pause: { paused: true } } });
    process.exitCode = undefined;
    expect((await prospector('resume')).out).toMatch(/^Resumed \(paused since .* by ops: lunch\): workers act again/);
    expect((await prospector('resume')).out).toBe('Nothing to resume: no pause was in force.\n');

    const act = await prospector('act', `#${ids[0]}`, 'like');
    expect(act).toMatchObject({ code: 1, said: ['this server does not act on X (no worker behind it)'] });
  });

  it('a wrong token or a worker gone is said plainly; other commands say the worker owns the database', async () => {
    heldBy(process.ppid, { url: web.url, token: 'stale' });
    const wrong = await prospector('queue');
    expect(wrong.code).toBe(1);
    expect(wrong.said[0]).toMatch(/^wrong token: use the token in worker.json/);
    process.exitCode = undefined;

    heldBy(process.ppid, { url: 'http://127.0.0.1:9', token: TOKEN });
    const gone = await prospector('status');
    expect(gone.code).toBe(1);
    expect(gone.said[0]).toMatch(/^cannot reach the worker \(pid \d+\) at http:\/\/127\.0\.0\.1:9: .*is it still running\?/);
    process.exitCode = undefined;

    heldBy(process.ppid);
    const other = await prospector('run', 'search');
    expect(other).toMatchObject({ code: 1, said: [`the worker (pid ${process.ppid}) owns the embedded database (${dataDir}): stop it, or use the page at ${web.url}, or set DATABASE_URL to a PostgreSQL server that every process can share`] });
  });
});

describe('replies and dnc through the worker', () => {
  const MAYA = '1500000000000000001';
  const EVE = xid(4);
  const BOB = xid(5);

  it('replies lists and decides through decideReply, dnc lists, adds, removes and tells the history: the lines they print from the database', async () => {
    heldBy(process.ppid);
    const db = handle.db;
    const [eveLead, bobLead] = await seedLeads(db, DAY, [{ n: 4, username: 'eve_evil', name: 'Eve \u001b[31mEvil' }, { n: 5, username: 'bob_ok', state: 'contacted' }]);
    await db.insert(accounts).values({ handle: 'maya_sells', xUserId: MAYA, owner: 'maya', engagingSince: AT, updatedAt: AT });
    await db.insert(leadEvents).values([
      { leadId: eveLead!, at: AT, actor: 'system', fromState: null, toState: 'new' },
      { leadId: bobLead!, at: AT, actor: 'system', fromState: null, toState: 'new' },
      { leadId: bobLead!, at: minutesAfter(5), actor: 'maya', fromState: 'new', toState: 'contacted' },
    ]);
    const base = { account: MAYA, kind: 'reply' as const, language: 'en', readAt: minutesAfter(70) };
    const held = await recordReply(db, { ...base, postId: '1800000000000000001', prospectId: EVE, text: '@maya_sells hmm\u001b[2J who \u202eare you?', outcome: 'doubtful', reason: 'may ask us to stop', postedAt: minutesAfter(60) });
    const optOut = await recordReply(db, { ...base, postId: '1800000000000000002', prospectId: BOB, text: '@maya_sells stop the presses, this is great', outcome: 'opt_out', reason: 'asked to stop ("stop")', postedAt: minutesAfter(65) });
    await addDoNotContact(db, { prospectId: BOB, source: 'opt_out', addedBy: 'system', reason: 'asked to stop ("stop")', replyId: optOut.reply.id, at: minutesAfter(70) });

    // Reading: the printers over the worker's answers (instants revived) print what they print over the database.
    const listed = await prospector('replies');
    expect(listed.said).toEqual([]);
    expect(listed.out).toBe(printReplies(await listReplies(db, { limit: 200 }), false));
    expect(listed.out).toMatch(/^1 held: nobody engages them until someone decides/m);
    expect((await prospector('replies', '--all', '--limit', '5')).out).toBe(printReplies(await listReplies(db, { all: true, limit: 5 }), true));
    expect((await prospector('dnc')).out).toBe(printList(await listDoNotContact(db)));
    expect((await prospector('dnc', 'list')).out).toMatch(/^@bob_ok\s+User 5\s+2026-11-02 10:10\s+system\s+opt_out\s+\d+\s+asked to stop/m);

    // Deciding: decideReply's lines, the decision kept with who and the note.
    const dismissed = await prospector('replies', 'dismiss', String(optOut.reply.id), '--as', 'sofia', '--note', 'a look-alike');
    expect(dismissed).toMatchObject({ code: undefined, said: [] });
    expect(dismissed.out).toBe(`reply ${optOut.reply.id} dismissed: counted as a normal reply; @bob_ok is off the do-not-contact list (1 lead reopened); engagement with @bob_ok resumes; 1 lead warm\n`);
    expect(await getReply(db, optOut.reply.id)).toMatchObject({ decision: 'dismissed', decidedBy: 'sofia', note: 'a look-alike', held: false });
    const confirmed = await prospector('replies', 'confirm', `#${held.reply.id}`, '--as', 'maya');
    expect(confirmed.out).toBe(`reply ${held.reply.id} confirmed as an opt-out: @eve_evil is now on the do-not-contact list; 1 lead closed\n`);
    const twice = await prospector('replies', 'dismiss', String(held.reply.id), '--as', 'lucas');
    expect(twice).toMatchObject({ code: 1, out: '' });
    expect(twice.said).toEqual([expect.stringMatching(new RegExp(`^reply ${held.reply.id} was already confirmed by maya at \\S+Z: a reply is decided once`))]);
    expect(await prospector('replies', 'confirm', '424242', '--as', 'maya')).toMatchObject({ code: 1, said: ['no reply 424242: see prospector replies --all'] });
    expect((await prospector('replies')).out).toBe('No reply is waiting for a person.\n');

    // The list: add, add again, remove, remove again, someone unknown; the history as the database has it.
    const added = await prospector('dnc', 'add', '@BOB_OK', '--reason', 'asked by email', '--as', 'lucas');
    expect(added).toMatchObject({ code: undefined, out: '@bob_ok is on the do-not-contact list; 1 lead closed\n' });
    const again = await prospector('dnc', 'add', BOB, '--reason', 'twice', '--as', 'lucas');
    expect(again).toMatchObject({ code: 1, out: '', said: ['@bob_ok is already on the do-not-contact list (since 2026-11-02 09:00 UTC, manual, by lucas)'] });
    expect((await prospector('dnc', 'remove', 'bob_ok', '--reason', 'wrong person', '--as', 'sofia')).out).toBe('@bob_ok is off the do-not-contact list; leads reopened: #' + bobLead + ' → contacted\n');
    expect(await prospector('dnc', 'remove', 'bob_ok', '--reason', 'again', '--as', 'sofia')).toMatchObject({ code: 1, said: ['@bob_ok is not on the do-not-contact list'] });
    expect((await prospector('dnc', 'add', '1234567', '--reason', 'asked by email', '--as', 'maya')).out).toBe('user 1234567 is on the do-not-contact list\n');
    await expect(prospector('dnc', 'add', '@nobody_here', '--reason', 'x')).rejects.toThrow(/^no one known as @nobody_here: give the @handle or the X user id of a prospect/);
    await expect(prospector('dnc', 'remove', '7654321', '--reason', 'x')).rejects.toThrow(/^no one known as 7654321/);
    await expect(prospector('dnc', 'history', '@nobody_here')).rejects.toThrow(/^no one known as @nobody_here/);
    await expect(prospector('dnc', 'add', '@bob_ok', '--reason', 'x', '--as', 'system')).rejects.toThrow(/^--as: give the name of the person deciding/);

    expect((await prospector('dnc', 'history')).out).toBe(printHistory(await doNotContactHistory(db)));
    const bobs = await prospector('dnc', 'history', '@bob_ok');
    expect(bobs.out).toBe(printHistory(await doNotContactHistory(db, { prospectId: BOB })));
    // Oldest first: this worker's clock stands still at AT, before the opt-out read at 10:10.
    expect(bobs.out.split('\n').filter((l) => /^\d{4}-/.test(l)).map((l) => l.split(/\s{2,}/).slice(1, 5))).toEqual([
      ['@bob_ok', 'removed', 'sofia', 'reply'],
      ['@bob_ok', 'added', 'lucas', 'manual'],
      ['@bob_ok', 'removed', 'sofia', 'manual'],
      ['@bob_ok', 'added', 'system', 'opt_out'],
    ]);
    expect((await prospector('dnc')).out).toBe(printList(await listDoNotContact(db)));
  });
});
