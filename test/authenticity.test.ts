import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerEvalCommand } from '../src/commands/eval.ts';
import { classMetrics, evaluateAuthenticity, InputFileError, readLabelledProfiles, rocAuc, type LabelledProfile } from '../src/eval/authenticity.ts';
import { AUTHENTICITY_THRESHOLD, formatCount, parseCreatedAt, scoreAuthenticity } from '../src/scoring/authenticity.ts';
import { generateUsers, POPULATION_NOW } from '../src/sandbox/population/index.ts';
import type { ProfileInput } from '../src/scoring/types.ts';
import { profileInputOf } from '../src/sandbox/profile.ts';

const NOW = Date.parse('2026-11-02T09:00:00Z');
const DAY = 86_400_000;

const freshBot: ProfileInput = {
  username: 'Maria84736251',
  name: 'maria',
  description: '',
  location: '',
  created_at: new Date(NOW - 9 * DAY).toISOString(),
  followers_count: 12,
  following_count: 4210,
  tweet_count: 3,
  listed_count: 0,
  like_count: 0,
  protected: false,
  verified: false,
};

const person: ProfileInput = {
  username: 'janesmith',
  name: 'Jane Smith',
  description: 'Head of Sales at Acme. Runner, mom of 2. Views my own.',
  location: 'Lyon, France',
  url: 'https://t.co/abc',
  created_at: 'Wed Feb 01 17:49:30 +0000 2012',
  followers_count: 1840,
  following_count: 610,
  tweet_count: 8200,
  listed_count: 37,
  like_count: 5400,
  protected: false,
  verified: false,
};

describe('scoreAuthenticity', () => {
  it('scores a new default-name account that follows thousands as a bot, and says why', () => {
    const r = scoreAuthenticity(freshBot, NOW);
    expect(r.score).toBeLessThan(10);
    expect(r.botProbability).toBeGreaterThanOrEqual(AUTHENTICITY_THRESHOLD);
    expect(r.reasons.length).toBeLessThanOrEqual(4);
    const texts = r.reasons.map((x) => x.text);
    expect(texts).toContain('has never liked a post');
    expect(texts).toContain('follows 4,210 accounts, followed by 12');
    expect(texts).toContain('username ends in 8 digits, like the handles X suggests');
    for (const reason of r.reasons) {
      expect(reason.points).toBeLessThan(0);
      expect(Number.isInteger(reason.points)).toBe(true);
    }
    const sizes = r.reasons.map((x) => Math.abs(x.points));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('scores an old, listed account with a bio and a real activity as a person', () => {
    const r = scoreAuthenticity(person, NOW);
    expect(r.score).toBeGreaterThanOrEqual(95);
    expect(r.botProbability).toBeLessThan(0.05);
    expect(r.reasons.filter((x) => x.points < 0)).toEqual([]);
  });

  it('names promotional wording and machine-like posting, not job titles', () => {
    const spam = scoreAuthenticity(
      { ...person, name: 'Crypto Daily', description: 'Daily deals & #giveaways 🎁 DM for promo', created_at: new Date(NOW - 400 * DAY).toISOString(), tweet_count: 40_000, like_count: 2 },
      NOW,
    );
    expect(spam.botProbability).toBeGreaterThan(0.9);
    expect(spam.reasons.map((x) => x.text)).toEqual(expect.arrayContaining(['liked only 2 posts', 'promotional words in name or bio', 'posts 100 times a day']));
    // "Sales" and "Head of" are what our prospects write about themselves.
    expect(scoreAuthenticity({ ...person, description: 'VP Sales & Marketing | SaaS' }, NOW).reasons).toEqual([]);
  });

  it('counts a protected account for a person', () => {
    const open = scoreAuthenticity({ ...person, like_count: 40 }, NOW);
    const locked = scoreAuthenticity({ ...person, like_count: 40, protected: true }, NOW);
    expect(locked.botProbability).toBeLessThan(open.botProbability);
  });

  it('tolerates any subset of fields, and bad numbers, without throwing', () => {
    const none = scoreAuthenticity({}, NOW);
    expect(none.score).toBeGreaterThan(80);
    expect(none.reasons).toEqual([]);
    // cresci-2017 gives counts only; TwiBot-20 has no like count and writes v1.1 dates.
    const countsOnly = scoreAuthenticity({ followers_count: 12, following_count: 4210, tweet_count: 3, like_count: 0, listed_count: 0 }, NOW);
    expect(countsOnly.botProbability).toBeGreaterThanOrEqual(AUTHENTICITY_THRESHOLD);
    const { like_count: _likes, ...noLikes } = person;
    expect(scoreAuthenticity(noLikes, NOW).score).toBeGreaterThan(90);
    const odd = scoreAuthenticity({ followers_count: Number.NaN, following_count: -4, tweet_count: Infinity, created_at: 'not a date', username: '' }, NOW);
    expect(odd.score).toBeGreaterThanOrEqual(0);
    expect(odd.score).toBeLessThanOrEqual(100);
    expect(Number.isFinite(odd.botProbability)).toBe(true);
  });

  it('reads X v2 and v1.1 dates alike', () => {
    for (const s of ['2012-02-01T17:49:30.000Z', '2012-02-01T17:49:30Z', '2012-02-01', '2000-02-29T00:00:00Z', '2024-03-01T10:00:00+02:00', 'Tue Oct 08 04:49:26 -0230 2013']) {
      expect(parseCreatedAt(s)).toBe(Date.parse(s));
    }
    expect(parseCreatedAt('Wed Feb 01 17:49:30 +0000 2012')).toBe(Date.parse('2012-02-01T17:49:30Z'));
    expect(parseCreatedAt('2012-13-01T00:00:00Z')).toBeNaN();
    expect(parseCreatedAt('yesterday')).toBeNaN();
    const v2 = scoreAuthenticity({ ...freshBot, created_at: '2012-02-01T17:49:30.000Z' }, NOW);
    const v1 = scoreAuthenticity({ ...freshBot, created_at: 'Wed Feb 01 17:49:30 +0000 2012' }, NOW);
    expect(v1).toEqual(v2);
  });

  it('writes counts the way people read them', () => {
    expect([0, 12, 999, 1000, 4210, 1_234_567].map(formatCount)).toEqual(['0', '12', '999', '1,000', '4,210', '1,234,567']);
  });
});

describe('metrics', () => {
  it('computes AUC from ranks, ties counting one half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    // positives 0.5 and 0.9 against negatives 0.5, 0.5: 0.5 + 0.5 + 1 + 1 over 4 pairs
    expect(rocAuc([0.5, 0.5, 0.5, 0.9], [true, false, false, true])).toBe(0.75);
    expect(rocAuc([0.2, 0.2, 0.2], [true, false, true])).toBe(0.5);
    expect(rocAuc([0.9, 0.1], [false, true])).toBe(0);
    expect(rocAuc([0.3, 0.4], [true, true])).toBeNaN();
  });

  it('computes accuracy, precision, recall and F1 of the bot class', () => {
    const m = classMetrics({ tp: 3, fp: 1, tn: 4, fn: 2 });
    expect(m.accuracy).toBe(0.7);
    expect(m.precision).toBe(0.75);
    expect(m.recall).toBe(0.6);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    const nothingCalled = classMetrics({ tp: 0, fp: 0, tn: 5, fn: 3 });
    expect(nothingCalled.precision).toBeNaN();
    expect(nothingCalled.recall).toBe(0);
    expect(nothingCalled.f1).toBe(0);
  });

  it('evaluates rows: ignores other labels, counts the confusion matrix at the threshold', async () => {
    const rows: LabelledProfile[] = [
      { row: 1, line: 2, profile: freshBot, label: 'bot', rawLabel: 'bot' },
      { row: 2, line: 3, profile: person, label: 'human', rawLabel: 'human' },
      { row: 3, line: 4, profile: person, label: 'bot', rawLabel: 'bot' },
      { row: 4, line: 5, profile: freshBot, label: undefined, rawLabel: 'unsure' },
    ];
    const seen: number[] = [];
    const e = await evaluateAuthenticity(rows, { now: NOW, onScore: (row) => void seen.push(row.row) });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(e).toMatchObject({ rows: 4, used: 3, ignored: 1, bots: 2, humans: 1, confusion: { tp: 1, fn: 1, fp: 0, tn: 1 } });
    // The two bots: one above the person (1), one the same profile as the person, a tie (½).
    expect(e.auc).toBe(0.75);
    expect(e.f1).toBeCloseTo(2 / 3, 12);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'prospector-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function readAll(path: string, labelColumn = 'label'): Promise<LabelledProfile[]> {
  const out: LabelledProfile[] = [];
  for await (const r of readLabelledProfiles(path, { labelColumn })) out.push(r);
  return out;
}

const HEADER = 'username,name,description,url,created_at,protected,followers_count,following_count,tweet_count,listed_count,like_count,label';
const BOT_ROW = 'Maria84736251,maria,,None,2026-10-24T09:00:00Z,False,12,4210,3,0,0,bot';
const PERSON_ROW = 'janesmith,Jane Smith,"Head of Sales, runner",https://t.co/abc,Wed Feb 01 17:49:30 +0000 2012,False,1840,610,8200,37,5400,human';

describe('reading labelled CSV files', () => {
  it('maps X v1.1 column names to v2 fields, and reads None, True/False and empty cells', async () => {
    const path = csv('v1.csv', 'screen_name,statuses_count,friends_count,favourites_count,followers_count,url,protected,label\nann,120,300,15,80,None,True,human\nbob,,,,5,,,bot\n');
    const [a, b] = await readAll(path);
    expect(a?.profile).toEqual({ username: 'ann', tweet_count: 120, following_count: 300, like_count: 15, followers_count: 80, url: '', protected: true });
    expect(a?.label).toBe('human');
    expect(b?.profile).toEqual({ username: 'bob', followers_count: 5, url: '' });
    expect(b).toMatchObject({ row: 2, line: 3, label: 'bot' });
  });

  it('names file, line and column of a bad number, counting lines inside quoted bios', async () => {
    const path = csv('bad.csv', `${HEADER}\n${BOT_ROW}\njoe,Joe,"line one\nline two",,,,10,20,30,0,5,human\nzed,Zed,,,,,abc,20,30,0,5,bot\n`);
    await expect(readAll(path)).rejects.toThrow('bad.csv:5 followers_count: expected a count (a number ≥ 0), got "abc"');
    await expect(readAll(path)).rejects.toBeInstanceOf(InputFileError);
  });

  it('names the column of a bad date or flag, and a row of the wrong width', async () => {
    await expect(readAll(csv('date.csv', `${HEADER}\nx,X,,,last tuesday,False,1,1,1,1,1,bot\n`))).rejects.toThrow(/^date\.csv:2 created_at: expected a date .*got "last tuesday"$/);
    await expect(readAll(csv('flag.csv', `${HEADER}\nx,X,,,,maybe,1,1,1,1,1,bot\n`))).rejects.toThrow('flag.csv:2 protected: expected true or false, got "maybe"');
    await expect(readAll(csv('width.csv', `${HEADER}\n${BOT_ROW}\nx,X,1\n`))).rejects.toThrow('width.csv:3: expected 12 columns like the header, got 3');
    await expect(readAll(csv('quote.csv', `${HEADER}\n${BOT_ROW}\nx,"X,1\n`))).rejects.toThrow(/^quote\.csv:\d+: not valid CSV: Quote Not Closed/);
    await expect(readAll(join(dir, 'absent.csv'))).rejects.toThrow(/absent\.csv: no such file/);
  });

  it('says which columns exist when the label column is missing', async () => {
    const path = csv('nolabel.csv', 'username,followers_count,majority_label\nann,3,bot\n');
    await expect(readAll(path)).rejects.toThrow('nolabel.csv:1: no label column "label"; the columns are: username, followers_count, majority_label (choose one with --label-column)');
    expect((await readAll(path, 'majority_label'))[0]?.label).toBe('bot');
  });
});

/** Runs `prospector <args>` in-process on a fresh program, capturing what it prints. */
async function prospector(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const program = new Command().name('prospector').exitOverride();
  // Output and exit settings are copied to subcommands when they are created: set them first.
  program.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerEvalCommand(program);
  try {
    await program.parseAsync(['node', 'prospector', ...args]);
    return { out, err, code: 0 };
  } catch (error) {
    if (error instanceof CommanderError) return { out, err, code: error.exitCode };
    throw error;
  }
}

describe('prospector eval authenticity', () => {
  const data = csv('small.csv', `${HEADER}\n${BOT_ROW}\n${PERSON_ROW}\n${PERSON_ROW.replace(',human', ',bot')}\n${BOT_ROW.replace(',bot', ',unsure')}\n`);

  it('prints rows used and ignored, AUC, the metrics at the threshold and the confusion matrix', async () => {
    const { out, code } = await prospector('eval', 'authenticity', '--input', data, '--now', '2026-11-02');
    expect(code).toBe(0);
    expect(out).toContain('small.csv: 4 rows, 3 used (2 bot, 1 human), 1 ignored (label neither bot nor human)');
    expect(out).toContain('account ages measured to 2026-11-02');
    // Same profile labelled bot and human: a tie, so AUC = (1 + ½) / 2.
    expect(out).toMatch(/^AUC {8}0\.750$/m);
    expect(out).toMatch(/^threshold {2}0\.5 /m);
    expect(out).toMatch(/^accuracy {3}0\.667$/m);
    expect(out).toMatch(/^precision {2}1\.000$/m);
    expect(out).toMatch(/^recall {5}0\.500$/m);
    expect(out).toMatch(/^F1 {9}0\.667$/m);
    expect(out).toMatch(/^actual bot +1 +1$/m);
    expect(out).toMatch(/^actual human +0 +1$/m);
  });

  it('prints one JSON object with --json and writes per-row scores with --scores', async () => {
    const scores = join(dir, 'scores.csv');
    const { out, code } = await prospector('eval', 'authenticity', '--input', data, '--json', '--scores', scores, '--now', '2026-11-02');
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(report).toMatchObject({ rows: 4, used: 3, ignored: 1, bots: 2, humans: 1, threshold: 0.5, auc: 0.75, confusion: { tp: 1, fn: 1, fp: 0, tn: 1 }, labelColumn: 'label' });
    const lines = readFileSync(scores, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,username,label,bot_probability,score');
    expect(lines).toHaveLength(5);
    const [row, username, label, p, score] = (lines[1] as string).split(',');
    expect([row, username, label]).toEqual(['1', 'Maria84736251', 'bot']);
    expect(Number(p)).toBeGreaterThan(0.5);
    expect(Number(score)).toBe(Math.round(100 * (1 - Number(p))));
    expect(lines[4]).toMatch(/^4,Maria84736251,unsure,/);
  });

  it('fails with exit code 2 and file, line and column on a bad cell', async () => {
    const bad = csv('bad-cell.csv', `${HEADER}\n${BOT_ROW}\n${PERSON_ROW.replace('1840', 'abc')}\n`);
    const { err, code } = await prospector('eval', 'authenticity', '--input', bad);
    expect(code).toBe(2);
    expect(err).toBe('error: bad-cell.csv:3 followers_count: expected a count (a number ≥ 0), got "abc"\n');
  });

  it('fails with exit code 2 and the columns found when the label column is missing', async () => {
    const { err, code } = await prospector('eval', 'authenticity', '--input', data, '--label-column', 'majority_label');
    expect(code).toBe(2);
    expect(err).toContain('no label column "majority_label"; the columns are: username, name, description, url, created_at');
  });

  it('explains the columns, the v1.1 names and the label column in its help', async () => {
    const { out } = await prospector('eval', 'authenticity', '--help');
    expect(out).toContain('statuses_count → tweet_count, friends_count → following_count, favourites_count → like_count');
    expect(out).toContain('--label-column <name>');
    expect(out).toContain('majority_label');
  });

  it('refuses a --now that is not a date', async () => {
    const { err, code } = await prospector('eval', 'authenticity', '--input', data, '--now', 'tuesday');
    expect(code).not.toBe(0);
    expect(err).toContain('--now must be an ISO 8601 date such as 2020-09-15, got "tuesday"');
  });
});

describe('on real labelled data and the sandbox', () => {
  const bots = new URL('../../shared/datasets/bots/', import.meta.url);
  const cresci = fileURLToPath(new URL('cresci2017_profile_counts_labeled.csv', bots));
  const twibot = fileURLToPath(new URL('twibot20_expert_profiles.csv', bots));
  for (const path of [cresci, twibot]) {
    if (!existsSync(path)) console.warn(`skipping the real-data checks: ${path} is missing (../shared/datasets beside the checkout)`);
  }

  it.skipIf(!existsSync(cresci))(`cresci-2017: accuracy ≥ 0.97 at the product threshold (${cresci})`, async () => {
    const e = await evaluateAuthenticity(readLabelledProfiles(cresci, { labelColumn: 'label' }), { now: Date.UTC(2017, 0, 1) });
    expect(e.used).toBe(14_368);
    expect(e.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(e.auc).toBeGreaterThanOrEqual(0.99);
    expect(e.f1).toBeGreaterThanOrEqual(0.98);
  });

  // The brief's target on this set is AUC ≥ 0.80. It is not met: with profile fields alone the
  // best cross-validated AUC found was 0.62–0.67 (single counts: 0.44–0.51), so this checks the
  // level reached, to catch regressions. See bench/fit-authenticity.ts.
  it.skipIf(!existsSync(twibot))(`TwiBot-20 expert profiles, bot/human only: AUC ≥ 0.62 (${twibot})`, async () => {
    const e = await evaluateAuthenticity(readLabelledProfiles(twibot, { labelColumn: 'majority_label' }), { now: Date.UTC(2020, 8, 15) });
    expect(e).toMatchObject({ rows: 500, used: 438, ignored: 62, bots: 54, humans: 384 });
    expect(e.auc).toBeGreaterThanOrEqual(0.62);
  });

  it('sandbox population (a seed the fit never saw): AUC ≥ 0.88, accuracy ≥ 0.9', async () => {
    const rows = generateUsers(42, 5000).map(
      (u, i): LabelledProfile => ({
        row: i + 1,
        line: i + 2,
        label: u.truth.is_automated ? 'bot' : 'human',
        rawLabel: '',
        profile: profileInputOf(u),
      }),
    );
    const e = await evaluateAuthenticity(rows, { now: POPULATION_NOW });
    expect(e.auc).toBeGreaterThanOrEqual(0.88);
    expect(e.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
