import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerEngageCommands } from '../src/commands/engage.ts';
import { registerPipelineCommands } from '../src/commands/pipeline.ts';
import { clean, csv } from '../src/format.ts';
import { pgliteDataDir } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * `prospector run`, `queue` and `lead` as a salesperson uses them, on the embedded database in a
 * temporary directory and the sandbox over HTTP.
 */

let sb: TestSandbox;
let dataDir: string;
let removeData: () => void;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 3000 });
  // A migrated database from the test run's template: creating one takes seconds.
  ({ dataDir, remove: removeData } = await pgliteDataDir());
});
afterAll(async () => {
  await sb?.close();
  removeData?.();
});
afterEach(() => {
  process.exitCode = undefined;
});

async function prospector(...args: string[]): Promise<{ out: string; said: string[]; code: number | undefined }> {
  let out = '';
  const said: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  const deps = {
    out: (text: string) => (out += text),
    say: (line: string) => said.push(line),
    runtime: { dataDir, sandboxUrl: sb.url },
  };
  registerPipelineCommands(program, deps);
  registerEngageCommands(program, deps);
  await program.parseAsync(['node', 'prospector', ...args]);
  const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  return { out, said, code };
}

describe('prospector run / queue / lead', () => {
  it('runs the pipeline, shows the queue as a table, CSV and JSON, and records decisions', async () => {
    const searched = await prospector('run', 'search', '--persona', 'growth-saas-en');
    expect(searched.out).toMatch(/^search growth-saas-en: \d+ posts/);
    expect((await prospector('run', 'score')).out).toMatch(/^score: /);
    expect((await prospector('run', 'queue')).out).toMatch(/^queue: .* \(day \d{4}-\d{2}-\d{2}\), \d+\.\d\d s$/m);

    const shown = await prospector('queue', '--all');
    expect(shown.out).toMatch(/^lead\s+score\s+prospect\s+name\s+persona\s+owner\s+state\s+why/);
    const json = JSON.parse((await prospector('queue', '--all', '--format', 'json')).out) as Array<{ id: number; username: string; state: string }>;
    expect(json.length).toBeGreaterThan(0);
    const csvOut = (await prospector('queue', '--all', '--format', 'csv')).out;
    expect(csvOut.split('\r\n')[0]).toBe('First name,Last name,X handle,X profile URL,Company,Persona,Score,Reasons,Owner,State,Queued on,Last decision at,Decided by,Warm since,Prospector ID,X user ID');
    expect(csvOut.trim().split('\r\n')).toHaveLength(json.length + 1);

    const first = json[0]!;
    const contacted = await prospector('lead', `#${first.id}`, 'contacted', '--note', 'sent a DM', '--as', 'maya');
    expect(contacted.out).toContain(`lead #${first.id} @${first.username}`);
    expect(contacted.out).toContain('new → contacted — sent a DM');
    const byHandle = await prospector('lead', `@${first.username}`, 'replied', '--as', 'maya');
    expect(byHandle.out).toContain('contacted → replied');

    // Going back is refused with the states named, and nothing changes.
    const back = await prospector('lead', `#${first.id}`, 'contacted', '--as', 'maya');
    expect(back.code).toBe(1);
    expect(back.said.join('\n')).toMatch(/replied.*contacted/);

    const missing = await prospector('lead', '@nobody_at_all', 'won');
    expect(missing.code).toBe(1);
    expect(missing.said.join('\n')).toContain('no lead @nobody_at_all');

    await expect(prospector('lead', `#${json[1]?.id ?? first.id}`, 'snooze')).rejects.toThrow(/snooze needs --until/);
    // A snooze until today or before is refused, naming the option; the lead stays as it was.
    await expect(prospector('lead', `#${json[1]?.id ?? first.id}`, 'snooze', '--until', '2020-01-01', '--as', 'maya')).rejects.toThrow(/--until 2020-01-01 is not after today/);
    const stillNew = JSON.parse((await prospector('queue', '--all', '--format', 'json')).out) as Array<{ id: number; state: string }>;
    expect(stillNew.find((l) => l.id === (json[1]?.id ?? first.id))?.state).toBe(json[1] ? json[1].state : 'replied');
    const later = await prospector('lead', `#${json[1]?.id ?? first.id}`, 'snooze', '--until', '2099-01-01', '--as', 'maya');
    expect(later.out).toMatch(/→ snoozed/);
  });

  it("act performs a lead's like or follow once, says what happened, and the lead's history shows it", async () => {
    await prospector('run', 'search', '--persona', 'growth-saas-en');
    await prospector('run', 'score');
    await prospector('run', 'queue');
    const json = JSON.parse((await prospector('queue', '--all', '--format', 'json')).out) as Array<{ id: number; username: string; state: string }>;
    const lead = json.find((l) => l.state === 'new')!;
    const followed = await prospector('act', `#${lead.id}`, 'follow', '--as', 'maya');
    expect(followed.code).toBeUndefined();
    expect(followed.out).toMatch(new RegExp(`^lead #${lead.id} @${lead.username}: @\\w+ (follows|asked to follow) user \\d+`));
    const again = await prospector('act', `#${lead.id}`, 'follow', '--as', 'maya');
    expect(again.code).toBe(1);
    expect(again.said.join('\n')).toMatch(/follow of @\w+ is already done/);
    const shown = await prospector('lead', `#${lead.id}`);
    expect(shown.out).toMatch(/follow done/);
    const accounts = await prospector('accounts');
    expect(accounts.out).toMatch(/@maya_sells\s+maya\s+1500000000000000001/);
    const resume = await prospector('accounts', 'resume', '@maya_sells');
    expect(resume.code).toBe(1);
    expect(resume.said.join('\n')).toContain('is not paused');
    expect((await prospector('throttle')).out).toBe('No persona is throttled.\n');
    expect((await prospector('throttle', 'reset', 'growth-saas-en')).out).toBe('growth-saas-en was not throttled\n');
    const nobody = await prospector('act', '@nobody_at_all', 'like');
    expect(nobody.code).toBe(1);
  });

  it('refuses a bad date with a message naming the option and the expected form', async () => {
    await expect(prospector('queue', '--date', 'tomorrow')).rejects.toThrow(/--date expects a date as YYYY-MM-DD that is a real calendar day; got "tomorrow"/);
    await expect(prospector('queue', '--date', '2026-02-30')).rejects.toThrow(/there is no such day as 2026-02-30/);
  });

  it('run refuses an unknown persona or job, naming the ones there are', async () => {
    await expect(prospector('run', 'search', '--persona', 'nope')).rejects.toThrow(/--persona: no persona "nope" in .*\(personas: .*growth-saas-en/);
    await expect(prospector('run', 'serch')).rejects.toThrow(/no job "serch"; did you mean "search"\? \(jobs: /);
  });
});

describe('output escaping', () => {
  it('removes terminal control sequences and bidi overrides from hostile text', () => {
    expect(clean('CEO\u001b[2J\u001b[31m @acme\u202e\r\nhi')).toBe('CEO[2J[31m @acme hi');
  });
  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    const out = csv([{ a: '=HYPERLINK("x")', b: 'say "hi", ok' }], [
      { header: 'a', value: (r) => r.a },
      { header: 'b', value: (r) => r.b },
    ]);
    expect(out).toBe('a,b\r\n"\'=HYPERLINK(""x"")","say ""hi"", ok"\r\n');
  });
});

describe('tables', () => {
  it('align by terminal columns: an emoji or CJK name takes two', async () => {
    const { table } = await import('../src/format.ts');
    const out = table([{ n: 'Quentin 🌱', s: 1 }, { n: 'Ana', s: 2 }, { n: '山田', s: 3 }], [
      { header: 'name', value: (r) => r.n },
      { header: 'score', value: (r) => r.s },
    ]);
    const lines = out.split('\n');
    // The score column starts at the same terminal column on every row: 10 columns of name + 2 spaces.
    expect(lines[2]).toBe('Quentin 🌱  1');
    expect(lines[3]).toBe('Ana         2');
    expect(lines[4]).toBe('山田        3');
  });
});
