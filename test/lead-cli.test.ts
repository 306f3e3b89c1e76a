import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { buildQueue } from '../db/leads.ts';
import { saveScores, upsertMatches } from '../db/matches.ts';
import { upsertProspects } from '../db/prospects.ts';
import { NOT_A_FIT_REASONS } from '../db/schema.ts';
import { REASONS_HELP, registerPipelineCommands } from '../src/commands/pipeline.ts';
import { pgliteDataDir, prospectInput, xid } from './support/db.ts';

/**
 * `prospector lead` as a salesperson uses it for decisions, on the embedded database in a
 * temporary directory: not a fit with a reason, notes, undo (do-not-contact included), several
 * leads at once, and the usage errors that say what to write instead.
 */

const AT = new Date('2026-11-02T09:00:00Z');
let dataDir: string;
let removeData: () => void;

beforeAll(async () => {
  ({ dataDir, remove: removeData } = await pgliteDataDir());
  const handle = await openDatabase({ dataDir });
  try {
    const db = handle.db;
    const indexes = [0, 1, 2, 3, 4, 5];
    await upsertProspects(db, indexes.map((i) => prospectInput(i)));
    await upsertMatches(db, indexes.map((i) => ({ persona: 'growth-saas-en', prospectId: xid(i), seenAt: AT })));
    await saveScores(db, indexes.map((i) => ({ persona: 'growth-saas-en', prospectId: xid(i), score: 90 - i, components: {}, explanation: `+${90 - i} fit`, scoredAt: AT })));
    // Leads #1..#6 for @user_0..@user_5, new.
    await buildQueue(db, { persona: 'growth-saas-en', day: '2026-11-02', perDay: 6, minScore: 0, owners: ['maya'], at: AT });
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
  registerPipelineCommands(program, { out: (text: string) => (out += text), say: (line: string) => said.push(line), runtime: { dataDir } });
  process.exitCode = undefined;
  await program.parseAsync(['node', 'prospector', ...args]);
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out, said, code };
}

describe('prospector lead: decisions, reasons, notes, undo', () => {
  it('not-a-fit takes a reason from the list, shown in the history; a missing or unknown reason lists them', async () => {
    expect(REASONS_HELP).toBe(NOT_A_FIT_REASONS.map((r) => r.replaceAll('_', '-')).join(', '));
    await expect(prospector('lead', '1', 'not-a-fit', '--as', 'maya')).rejects.toThrow(`not-a-fit needs --reason: ${REASONS_HELP}`);
    await expect(prospector('lead', '1', 'not-a-fit', '--reason', 'too-pricey', '--as', 'maya')).rejects.toThrow(`--reason "too-pricey" is not one of the reasons: ${REASONS_HELP}`);
    await expect(prospector('lead', '1', 'contacted', '--reason', 'competitor')).rejects.toThrow('--reason goes with not-a-fit only, not with contacted');
    const decided = await prospector('lead', '1', 'not-a-fit', '--reason', 'competitor', '--note', 'uses Apollo', '--as', 'maya');
    expect(decided.out).toBe('lead #1 @user_0 (growth-saas-en): new → not_a_fit (competitor) — uses Apollo\n');
    const shown = await prospector('lead', '#1');
    expect(shown.out).toMatch(/new → not_a_fit\s+maya\s+competitor — uses Apollo/);
  });

  it('note adds a history entry and keeps the state; it needs its text, given once', async () => {
    const noted = await prospector('lead', '2', 'note', 'called, left a voicemail', '--as', 'maya');
    expect(noted.out).toBe('lead #2 @user_1 (growth-saas-en): note added, still new — called, left a voicemail\n');
    expect((await prospector('lead', '@user_1')).out).toMatch(/note\s+maya\s+called, left a voicemail/);
    await expect(prospector('lead', '2', 'note')).rejects.toThrow('note needs its text');
    await expect(prospector('lead', '2', 'note', 'a', '--note', 'b')).rejects.toThrow('give the note once');
    await expect(prospector('lead', '2', 'contacted', 'sent a DM')).rejects.toThrow(`unexpected "sent a DM": only note takes a text; a decision's note goes in --note`);
  });

  it('--undo reverts the last decision as a new entry; a second undo is refused with the reason', async () => {
    await prospector('lead', '3', 'contacted', '--as', 'maya');
    const undone = await prospector('lead', '3', '--undo', '--as', 'maya');
    expect(undone.out).toMatch(/^lead #3 @user_2 \(growth-saas-en\): undid maya's contacted of \d{4}-\d\d-\d\d \d\d:\d\d UTC, contacted → new\n$/);
    const twice = await prospector('lead', '3', '--undo', '--as', 'maya');
    expect(twice.code).toBe(1);
    expect(twice.said.join('\n')).toMatch(/^nothing to undo on lead #3: its last change is already an undo \(maya undid a decision at .* taking it from contacted back to new\)/);
    const history = (await prospector('lead', '3')).out;
    expect(history).toMatch(/new → contacted\s+maya/);
    expect(history).toMatch(/undo: contacted → new\s+maya\s+reverts maya's contacted of/);
    await expect(prospector('lead', '3', 'won', '--undo')).rejects.toThrow("--undo reverts the lead's last decision: give no decision with it (got won)");
  });

  it('undoing do-not-contact takes the person off the list again', async () => {
    const listed = await prospector('lead', '4', 'do-not-contact', '--note', 'asked by email', '--as', 'maya');
    expect(listed.out).toBe('lead #4 @user_3 (growth-saas-en): new → do_not_contact — asked by email; on the do-not-contact list\n');
    const undone = await prospector('lead', '4', '--undo', '--as', 'maya');
    expect(undone.out).toMatch(/do_not_contact → new; off the do-not-contact list again\n$/);
  });

  it('one decision on several leads: each decided or refused with its reason', async () => {
    await prospector('lead', '6', 'won', '--as', 'lucas');
    const bulk = await prospector('lead', '5,#6,@nobody', 'contacted', '--as', 'maya');
    expect(bulk.out).toBe('lead #5 @user_4 (growth-saas-en): new → contacted\n');
    expect(bulk.code).toBe(1);
    expect(bulk.said).toEqual([
      'no lead @nobody: give a lead number (#42) or the prospect\'s @handle',
      expect.stringMatching(/^lead #6 @user_5: not decided: lead 6 cannot move from won to contacted/),
      '1 of 3 leads decided, 1 refused, 1 not found',
    ]);
    await expect(prospector('lead', '5,6', '--undo')).rejects.toThrow('several leads (5,6) go with a decision only, not with --undo');
  });
});
