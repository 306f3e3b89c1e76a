import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { addDoNotContact } from '../db/do-not-contact.ts';
import { upsertProspects } from '../db/prospects.ts';
import { recordReply } from '../db/replies.ts';
import { accounts, leadEvents, leads } from '../db/schema.ts';
import { registerDncCommands } from '../src/commands/dnc.ts';
import { registerPipelineCommands } from '../src/commands/pipeline.ts';
import { registerRepliesCommands } from '../src/commands/replies.ts';
import { pgliteDataDir, prospectInput, xid } from './support/db.ts';

/**
 * `prospector replies` and `prospector dnc` as a salesperson uses them, on the embedded database
 * in a temporary directory: what is listed, deciding once, clear errors, hostile text made
 * harmless on the terminal, and the flag on the queue and the lead.
 */

const MAYA = '1500000000000000001';
const at = (minutes: number) => new Date(Date.parse('2026-11-02T09:00:00Z') + minutes * 60_000);
const EVE = xid(77);
const BOB = xid(78);
const HOSTILE_TEXT = '@maya_sells hmm\u001b[2J\nwho \u202eare you\tand why the likes?';

let dataDir: string;
let removeData: () => void;

beforeAll(async () => {
  ({ dataDir, remove: removeData } = await pgliteDataDir());
  const handle = await openDatabase({ dataDir });
  try {
    const db = handle.db;
    await db.insert(accounts).values({ handle: 'maya_sells', xUserId: MAYA, owner: 'maya', engagingSince: at(0), updatedAt: at(0) });
    await upsertProspects(db, [prospectInput(77, { username: 'eve_evil', name: 'Eve \u001b[31mEvil' }), prospectInput(78, { username: 'bob_ok', name: 'Bob' })]);
    await db.insert(leads).values([
      { prospectId: EVE, persona: 'growth-saas-en', owner: 'maya', queuedOn: '2026-11-02', state: 'new', score: 64, createdAt: at(0), updatedAt: at(0) },
      { prospectId: BOB, persona: 'growth-saas-en', owner: 'maya', queuedOn: '2026-11-02', state: 'contacted', score: 58, createdAt: at(0), updatedAt: at(0) },
    ]);
    await db.insert(leadEvents).values([
      { leadId: 1, at: at(0), actor: 'system', fromState: null, toState: 'new' },
      { leadId: 2, at: at(0), actor: 'system', fromState: null, toState: 'new' },
      { leadId: 2, at: at(5), actor: 'maya', fromState: 'new', toState: 'contacted' },
    ]);
    const base = { account: MAYA, kind: 'reply' as const, language: 'en', readAt: at(70) };
    await recordReply(db, { ...base, postId: '1800000000000000001', prospectId: EVE, text: HOSTILE_TEXT, outcome: 'doubtful', reason: 'may ask us to stop', postedAt: at(60) });
    const { reply } = await recordReply(db, { ...base, postId: '1800000000000000002', prospectId: BOB, text: '@maya_sells stop the presses, this is great', outcome: 'opt_out', reason: 'asked to stop ("stop")', postedAt: at(65) });
    await addDoNotContact(db, { prospectId: BOB, source: 'opt_out', addedBy: 'system', reason: 'asked to stop ("stop")', replyId: reply.id, at: at(70) });
  } finally {
    await handle.close();
  }
});
afterAll(() => removeData?.());
afterEach(() => {
  process.exitCode = undefined;
});

async function prospector(...args: string[]): Promise<{ out: string; said: string[]; code: number | undefined }> {
  let out = '';
  const said: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  const deps = { out: (text: string) => (out += text), say: (line: string) => said.push(line), runtime: { dataDir } };
  registerPipelineCommands(program, deps);
  registerRepliesCommands(program, deps);
  registerDncCommands(program, deps);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'prospector', ...args]);
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out, said, code };
}

// Controls other than the newline that ends each line, and the bidi overrides.
// eslint-disable-next-line no-control-regex
const harmless = (text: string) => !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text);

describe('prospector replies and dnc', () => {
  it('replies lists the held ones newest first, one line each, hostile text made harmless; --all adds automatic readings', async () => {
    const held = await prospector('replies');
    const lines = held.out.split('\n');
    expect(lines[0]).toMatch(/^reply\s+when \(UTC\)\s+from\s+to\s+leads\s+reading\s+why\s+text$/);
    expect(lines[2]).toMatch(/^\s*1\s+2026-11-02 10:00\s+@eve_evil\s+@maya_sells\s+#1 growth-saas-en\s+doubtful, held\s+may ask us to stop\s+@maya_sells hmm\[2J who are you and why the likes\?$/);
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^1 held: nobody engages them until someone decides — prospector replies confirm <reply> .* or dismiss <reply>/);
    expect(harmless(held.out)).toBe(true);
    const all = await prospector('replies', '--all');
    const rows = all.out.split('\n').filter((l) => /^\s*\d+\s+2026-/.test(l));
    // Newest first; Bob's lead is closed by the opt-out, so no open lead is listed.
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\s*2\s+2026-11-02 10:05\s+@bob_ok\s+@maya_sells\s+opt_out\s+asked to stop/);
    expect(rows[1]).toMatch(/^\s*1\s/);
  });

  it('the queue and the lead flag a held reply as a possible opt-out', async () => {
    const queue = await prospector('queue', '--all');
    expect(queue.out).toMatch(/#1\s+64\s+@eve_evil\s+.*new, possible opt-out/);
    expect(queue.out).toContain('#1 @eve_evil: possible opt-out: reply 1 to @maya_sells "@maya_sells hmm[2J who are you and why the likes?" (may ask us to stop); nobody engages them until someone decides: prospector replies confirm 1 | dismiss 1');
    expect(queue.out.match(/possible opt-out/g)).toHaveLength(2);
    const json = JSON.parse((await prospector('queue', '--all', '--format', 'json')).out) as Array<{ id: number; possibleOptOut: { reply: number; text: string } | null }>;
    expect(json.find((l) => l.id === 1)?.possibleOptOut).toMatchObject({ reply: 1, text: HOSTILE_TEXT });
    expect(json.find((l) => l.id === 2)?.possibleOptOut).toBeNull();
    const lead = await prospector('lead', '#1');
    expect(lead.out.split('\n')[1]).toBe('possible opt-out: reply 1 to @maya_sells "@maya_sells hmm[2J who are you and why the likes?" (may ask us to stop); nobody engages them until someone decides: prospector replies confirm 1 | dismiss 1');
    expect(harmless(lead.out)).toBe(true);
    expect((await prospector('lead', '#2')).out).not.toContain('possible opt-out');
  });

  it('dismiss reverses an automatic opt-out; confirm puts a held one on do-not-contact; deciding twice or an unknown reply says so', async () => {
    const dismissed = await prospector('replies', 'dismiss', '2', '--as', 'sofia', '--note', 'a look-alike');
    expect(dismissed.out).toBe('reply 2 dismissed: counted as a normal reply; @bob_ok is off the do-not-contact list (1 lead reopened); engagement with @bob_ok resumes; 1 lead warm\n');
    const confirmed = await prospector('replies', 'confirm', '#1', '--as', 'maya');
    expect(confirmed.out).toBe('reply 1 confirmed as an opt-out: @eve_evil is now on the do-not-contact list; 1 lead closed\n');
    const twice = await prospector('replies', 'dismiss', '1', '--as', 'lucas');
    expect(twice.code).toBe(1);
    expect(twice.said).toEqual([expect.stringMatching(/^reply 1 was already confirmed by maya at \S+Z: a reply is decided once/)]);
    const unknown = await prospector('replies', 'confirm', '99', '--as', 'maya');
    expect(unknown).toMatchObject({ code: 1, said: ['no reply 99: see prospector replies --all'] });
    await expect(prospector('replies', 'confirm', 'abc')).rejects.toThrow(/expected a reply number such as 7, got "abc"/);
    expect((await prospector('replies')).out).toBe('No reply is waiting for a person.\n');
    const all = (await prospector('replies', '--all')).out;
    expect(all).toMatch(/doubtful, confirmed by maya/);
    expect(all).toMatch(/opt_out, dismissed by sofia/);
  });

  it('dnc lists, adds and removes with a reason and who, keeps the history, and names an unknown person', async () => {
    const list = await prospector('dnc');
    expect(list.out).toMatch(/^who\s+name\s+since \(UTC\)\s+by\s+source\s+reply\s+why$/m);
    expect(list.out).toMatch(/@eve_evil\s+Eve \[31mEvil\s+\S+ \S+\s+maya\s+opt_out\s+1\s+confirmed opt-out: reply 1/);
    const added = await prospector('dnc', 'add', '@BOB_OK', '--reason', 'asked by email', '--as', 'lucas');
    expect(added.out).toBe('@bob_ok is on the do-not-contact list; 1 lead closed\n');
    const again = await prospector('dnc', 'add', BOB, '--reason', 'twice', '--as', 'lucas');
    expect(again.code).toBe(1);
    expect(again.said[0]).toMatch(/^@bob_ok is already on the do-not-contact list \(since .* UTC, manual, by lucas\)$/);
    const removed = await prospector('dnc', 'remove', 'bob_ok', '--reason', 'wrong person', '--as', 'sofia');
    expect(removed.out).toBe('@bob_ok is off the do-not-contact list; leads reopened: #2 → contacted\n');
    const notOn = await prospector('dnc', 'remove', 'bob_ok', '--reason', 'again', '--as', 'sofia');
    expect(notOn).toMatchObject({ code: 1, said: ['@bob_ok is not on the do-not-contact list'] });
    const history = (await prospector('dnc', 'history', '@bob_ok')).out.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(history.map((l) => l.split(/\s{2,}/).slice(1, 5))).toEqual([
      ['@bob_ok', 'added', 'system', 'opt_out'],
      ['@bob_ok', 'removed', 'sofia', 'reply'],
      ['@bob_ok', 'added', 'lucas', 'manual'],
      ['@bob_ok', 'removed', 'sofia', 'manual'],
    ]);
    await expect(prospector('dnc', 'add', '@nobody_here', '--reason', 'x')).rejects.toThrow(/^no one known as @nobody_here: give the @handle or the X user id of a prospect/);
    await expect(prospector('dnc', 'remove', '1234567', '--reason', 'x')).rejects.toThrow(/^no one known as 1234567/);
    await expect(prospector('dnc', 'add', '@bob_ok')).rejects.toThrow(/--reason/);
    // An X user id not seen yet can be listed (someone who asked by email), and is never engaged after.
    expect((await prospector('dnc', 'add', '1234567', '--reason', 'asked by email', '--as', 'maya')).out).toBe('user 1234567 is on the do-not-contact list\n');
    expect((await prospector('dnc', 'list')).out).toMatch(/^user 1234567\s+.*maya\s+manual\s+asked by email$/m);
  });
});
