import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { calendarInstant } from '../time.ts';
import { AUTHENTICITY_THRESHOLD } from '../scoring/authenticity.ts';
import { evaluateAuthenticity, InputFileError, readLabelledProfiles, V1_COLUMNS, type AuthenticityEvaluation } from '../eval/authenticity.ts';

/**
 * `prospector eval authenticity --input file.csv`: measures the authenticity scorer on labelled
 * profiles. Wire it with `registerEvalCommand(program)`.
 */

interface EvalAuthenticityOptions {
  input: string;
  labelColumn: string;
  json?: boolean;
  scores?: string;
  now?: number;
  threshold: number;
}

/** Exit code for bad input (a file that cannot be read, a bad cell, a missing column). */
const EXIT_BAD_INPUT = 2;

function instant(value: string): number {
  const at = calendarInstant(value);
  if (!at) throw new InvalidArgumentError(`--now must be an ISO 8601 date such as 2020-09-15, got "${value}"`);
  return at.getTime();
}

function probability(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError(`--threshold must be a number from 0 to 1, got "${value}"`);
  return n;
}

const COLUMNS_HELP = `
Input columns use X v2 user field names; any may be absent:
  username, name, description, location, url, created_at, verified, protected,
  followers_count, following_count, tweet_count, listed_count, like_count
X v1.1 names are mapped: ${Object.entries(V1_COLUMNS)
  .map(([v1, v2]) => `${v1} → ${v2}`)
  .join(', ')}.
created_at may be ISO 8601 or v1.1's "Wed Feb 01 17:49:30 +0000 2012"; booleans True/False;
empty cells and None/NaN/null mean "unknown". Rows labelled other than bot/human (unsure …)
are counted and left out of the metrics.

Examples:
  prospector eval authenticity --input cresci2017_profile_counts_labeled.csv
  prospector eval authenticity --input twibot20_expert_profiles.csv --label-column majority_label --now 2020-09-15
`;

export function registerEvalCommand(program: Command): void {
  const evalCommand = program.command('eval').description('measure a scorer on labelled data');
  evalCommand
    .command('authenticity')
    .description('measure the authenticity (bot-likeness) scorer on a CSV of profiles labelled bot or human')
    .requiredOption('--input <file>', 'CSV of profiles, one per row, with a header row')
    .option('--label-column <name>', 'column holding bot / human (the TwiBot-20 file uses majority_label)', 'label')
    .option('--json', 'print one JSON object instead of a table')
    .option('--scores <file>', 'also write each row’s score to this CSV: row, username, label, bot_probability, score')
    .option('--now <date>', 'when the profiles were collected: account ages are measured to it (default: now)', instant)
    .addOption(new Option('--threshold <p>', 'botProbability at or above which an account counts as called a bot').argParser(probability).default(AUTHENTICITY_THRESHOLD))
    .addHelpText('after', COLUMNS_HELP)
    // A bad cell is not a usage mistake: say what is wrong without the help screen.
    .showHelpAfterError(false)
    .action(async (opts: EvalAuthenticityOptions, cmd: Command) => {
      const write = (s: string) => (cmd.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t)))(s);
      try {
        const report = await runEvalAuthenticity(opts);
        write(opts.json ? `${JSON.stringify(report)}\n` : formatReport(report));
      } catch (error) {
        if (error instanceof InputFileError) cmd.error(`error: ${error.message}`, { exitCode: EXIT_BAD_INPUT, code: 'prospector.badInput' });
        throw error;
      }
    });
}

export interface EvalAuthenticityReport extends AuthenticityEvaluation {
  file: string;
  labelColumn: string;
  /** ISO instant account ages were measured to. */
  now: string;
  scoresFile?: string;
}

async function runEvalAuthenticity(opts: EvalAuthenticityOptions): Promise<EvalAuthenticityReport> {
  const now = opts.now ?? Date.now();
  let scores: WriteStream | undefined;
  let withUsername = false;
  try {
    if (opts.scores !== undefined) scores = await openScores(opts.scores);
    const rows = readLabelledProfiles(opts.input, {
      labelColumn: opts.labelColumn,
      onHeader: (columns) => {
        withUsername = columns.includes('username') || columns.includes('screen_name');
        scores?.write(withUsername ? 'row,username,label,bot_probability,score\n' : 'row,label,bot_probability,score\n');
      },
    });
    const evaluation = await evaluateAuthenticity(rows, {
      now,
      threshold: opts.threshold,
      onScore: async (row, result) => {
        if (!scores) return;
        const cells = [String(row.row)];
        if (withUsername) cells.push(csvCell(row.profile.username ?? ''));
        cells.push(csvCell(row.rawLabel), result.botProbability.toFixed(6), String(result.score));
        if (!scores.write(`${cells.join(',')}\n`)) await once(scores, 'drain');
      },
    });
    if (scores) {
      scores.end();
      await once(scores, 'finish');
    }
    return {
      file: opts.input,
      labelColumn: opts.labelColumn,
      now: new Date(now).toISOString(),
      ...(opts.scores === undefined ? {} : { scoresFile: opts.scores }),
      ...evaluation,
    };
  } finally {
    scores?.destroy();
  }
}

async function openScores(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new InputFileError(`cannot write the scores file: ${(error as Error).message}`, path, undefined, undefined, { cause: error });
  }
  return stream;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const num = (x: number, digits = 3): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));

export function formatReport(r: EvalAuthenticityReport): string {
  const c = r.confusion;
  const width = Math.max(5, String(Math.max(c.tp, c.fp, c.tn, c.fn)).length);
  const cell = (n: number) => String(n).padStart(width);
  const lines = [
    `${basename(r.file)}: ${r.rows} rows, ${r.used} used (${r.bots} bot, ${r.humans} human), ${r.ignored} ignored (${r.labelColumn} neither bot nor human)`,
    `account ages measured to ${r.now.slice(0, 10)}`,
    '',
    `AUC        ${num(r.auc)}`,
    `threshold  ${r.threshold} (botProbability at or above it: called a bot)`,
    `accuracy   ${num(r.accuracy)}`,
    `precision  ${num(r.precision)}${c.tp + c.fp === 0 ? ' (no account called a bot)' : ''}`,
    `recall     ${num(r.recall)}`,
    `F1         ${num(r.f1)}`,
    '',
    `              ${'called bot'.padStart(width)}  ${'called human'.padStart(width)}`,
    `actual bot    ${cell(c.tp).padStart(10)}  ${cell(c.fn).padStart(12)}`,
    `actual human  ${cell(c.fp).padStart(10)}  ${cell(c.tn).padStart(12)}`,
  ];
  if (r.scoresFile !== undefined) lines.push('', `scores written to ${r.scoresFile}`);
  return `${lines.join('\n')}\n`;
}
