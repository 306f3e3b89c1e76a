import { Option, type Command } from 'commander';
import type { LabelledReply, ReplyFigures, ReplyReport } from '../engage/replies/evaluate.ts';
import type { ReplyReading } from '../engage/replies/index.ts';
import { clean, table, type Column } from '../format.ts';
import type { CommandDeps } from './common.ts';

/**
 * `prospector replies classify --input replies.tsv`: reads each reply of a file the way the
 * signals job reads mentions (the same reader, with the config's `opt_out_phrases` and
 * `opt_out_ignore`), prints each reading with its reason and, when the file is labelled, the
 * figures that say how good the reader is: recall of requests to stop (read as `opt_out` or held as
 * `doubtful`), precision of `opt_out`, and the share held for a person, per language and overall.
 * Needs no database and no X: a growth marketer can try a phrase before the worker uses it.
 */

/** Biggest input read: a few hundred thousand replies; beyond, it is the wrong file. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

type Format = 'table' | 'json';

interface ClassifyOptions {
  input: string;
  format: Format;
}

export interface ClassifiedRow {
  row: LabelledReply;
  reading: ReplyReading;
}

export function registerClassifyCommand(replies: Command, deps: CommandDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  replies
    .command('classify')
    .description('read each reply of a TSV file as the signals job would (opt_out, doubtful, other, and why); with labels, recall and precision per language')
    .requiredOption('--input <file>', 'TSV file, one reply a line: lang<TAB>label<TAB>text (label optout, other or empty; - reads stdin)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
The reader uses engagement.opt_out_phrases and engagement.opt_out_ignore from the worker config
(PROSPECTOR_CONFIG, else config/prospector.yaml, when there is one); it opens no database.

Examples:
  prospector replies classify --input ../shared/datasets/replies/optouts-dev.tsv
  printf 'en\\t\\t@maya_sells please stop tagging me\\n' | prospector replies classify --input -`,
    )
    .action(async (opts: ClassifyOptions) => {
      const [{ figures, parseReplyFile, rowLanguage, ReplyFileError }, { ReplyReader }, { ConfigError, readWorkerConfig }, { readEnvironment }] = await Promise.all([
        import('../engage/replies/evaluate.ts'),
        import('../engage/replies/index.ts'),
        import('../config/load.ts'),
        import('../config/env.ts'),
      ]);
      const { shown, content } = await readInput(opts.input);
      let rows: LabelledReply[];
      try {
        rows = parseReplyFile(content, shown);
      } catch (error) {
        // Its message is already `file:line: what`; the stack would add nothing. It quotes the
        // file's text (a bad label), which must not reach a terminal with its control characters.
        if (error instanceof ReplyFileError) throw new Error(clean(error.message));
        throw error;
      }
      if (rows.length === 0) throw new Error(`${shown}: no replies in it; expected one a line: lang<TAB>label<TAB>text (label optout, other or empty)`);
      // `en<TAB>optout` with the text forgotten reads as an unlabelled reply whose text is "optout".
      const labelOnly = rows.find((r) => r.label === undefined && /^(optout|other)$/i.test(r.text.trim()));
      if (labelOnly) throw new Error(`${shown}:${labelOnly.line}: no text, only the label "${labelOnly.text.trim()}"; expected lang<TAB>label<TAB>text`);

      const file = readEnvironment().value.configFile;
      // Only the engagement section matters here: secrets are not resolved, so a config for the real X works without its tokens.
      const config = await readWorkerConfig(file, { resolveSecrets: false });
      if (!config.value) throw new ConfigError(config.issues);
      const { opt_out_phrases: phrases, opt_out_ignore: ignore } = config.value.engagement;
      if (phrases.length > 0 || ignore.length > 0) {
        say(`reading with ${config.value.file ?? 'the config'}: ${phrases.length} phrase${phrases.length === 1 ? '' : 's'} added (opt_out_phrases), ${ignore.length} built-in left out (opt_out_ignore)`);
      }
      const reader = new ReplyReader({ phrases, ignore });
      const classified: ClassifiedRow[] = rows.map((row) => ({ row, reading: reader.read(row.text, { language: rowLanguage(row) }) }));
      const report = figures(classified);
      out(opts.format === 'json' ? `${JSON.stringify(classifyJson(classified, report), null, 2)}\n` : classifyTable(classified, report));
    });
  return replies;
}

/**
 * The input's text and the name messages give it. A missing file, a directory, a file too big or
 * not UTF-8 text (a spreadsheet, an image, UTF-16) is an error naming it, and the line for bad bytes.
 */
async function readInput(input: string): Promise<{ shown: string; content: string }> {
  const shown = input === '-' ? 'stdin' : input;
  let bytes: Buffer;
  if (input === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_INPUT_BYTES) throw new Error(`${shown}: more than ${MAX_INPUT_BYTES / 1024 / 1024} MB of input; split it`);
      chunks.push(chunk);
    }
    bytes = Buffer.concat(chunks);
  } else {
    const { readFile, stat } = await import('node:fs/promises');
    try {
      const info = await stat(input);
      if (info.isDirectory()) throw new Error(`${shown}: is a directory; expected a TSV file of replies (lang<TAB>label<TAB>text)`);
      if (info.size > MAX_INPUT_BYTES) throw new Error(`${shown}: the file is ${Math.round(info.size / 1024 / 1024)} MB, more than the ${MAX_INPUT_BYTES / 1024 / 1024} MB read at once; split it`);
      bytes = await readFile(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`${shown}: file not found`);
      if (code === 'EACCES' || code === 'EPERM') throw new Error(`${shown}: cannot read it: permission denied`);
      if (code !== undefined) throw new Error(`${shown}: cannot read it: ${(error as Error).message}`);
      throw error;
    }
  }
  return { shown, content: decodeText(bytes, shown) };
}

/** UTF-8 text, or an error at the first line that is not: NUL bytes or invalid UTF-8 mean a binary file. */
function decodeText(bytes: Buffer, shown: string): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const part = bytes.subarray(start, end);
    const utf16 = line === 1 && part.length >= 2 && ((part[0] === 0xff && part[1] === 0xfe) || (part[0] === 0xfe && part[1] === 0xff));
    if (utf16) throw new Error(`${shown}:1: the file is UTF-16 text; save it as UTF-8`);
    let valid = !part.includes(0);
    if (valid) {
      try {
        decoder.decode(part);
      } catch {
        valid = false;
      }
    }
    if (!valid) throw new Error(`${shown}:${line}: not UTF-8 text (a binary file?); expected lines of lang<TAB>label<TAB>text`);
    start = end + 1;
  }
  const text = bytes.toString('utf8');
  // Lines ended by a carriage return alone (old Mac files) would read as one line.
  if (text.includes('\r') && !text.includes('\n') && text.replace(/\r+$/, '').includes('\r')) {
    throw new Error(`${shown}:1: lines end with a carriage return alone; save the file with Unix (LF) or Windows (CRLF) line endings`);
  }
  return text;
}

const percent = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

const rowColumns: Column<ClassifiedRow>[] = [
  { header: 'line', value: (r) => r.row.line, align: 'right' },
  { header: 'lang', value: (r) => r.row.lang, max: 5 },
  { header: 'label', value: (r) => r.row.label ?? '' },
  { header: 'outcome', value: (r) => r.reading.outcome },
  { header: 'reason', value: (r) => r.reading.reason, max: 48 },
  { header: 'text', value: (r) => r.row.text, max: 72 },
];

interface FigureRow {
  language: string;
  figures: ReplyFigures;
}

const figureColumns: Column<FigureRow>[] = [
  { header: 'language', value: (f) => f.language, max: 12 },
  { header: 'replies', value: (f) => f.figures.replies, align: 'right' },
  { header: 'opt-outs', value: (f) => f.figures.opt_outs, align: 'right' },
  { header: 'recall', value: (f) => percent(f.figures.recall), align: 'right' },
  { header: 'precision', value: (f) => percent(f.figures.precision), align: 'right' },
  { header: 'doubtful', value: (f) => percent(f.figures.doubtful_share), align: 'right' },
];

/** Each reading, then (with labels) the figures per language and overall. */
export function classifyTable(rows: readonly ClassifiedRow[], report: ReplyReport): string {
  const lines = [table(rows, rowColumns), ''];
  const { opt_out, doubtful, other } = report.outcomes;
  lines.push(`${report.replies} ${report.replies === 1 ? 'reply' : 'replies'}: ${opt_out} opt_out, ${doubtful} doubtful, ${other} other`);
  if (rows.some((r) => r.row.label !== undefined)) {
    const languages = Object.entries(report.by_language).map(([language, figures]) => ({ language, figures }));
    lines.push(
      '',
      table([...languages, { language: 'all', figures: report }], figureColumns),
      '',
      'recall: labelled opt-outs read as opt_out or doubtful; precision: opt_out readings labelled optout;',
      'doubtful: labelled replies held for a person. Unlabelled rows count in replies only.',
    );
  } else {
    lines.push('no labels: put optout or other in the second column to measure recall and precision');
  }
  return `${lines.join('\n')}\n`;
}

/** `{ rows, recall, precision, doubtful_share, by_language, … }`: the figures as `figures()` gives them, with each reading. */
export function classifyJson(rows: readonly ClassifiedRow[], report: ReplyReport): Record<string, unknown> {
  return {
    rows: rows.map(({ row, reading }) => ({ line: row.line, lang: row.lang, label: row.label ?? null, outcome: reading.outcome, reason: reading.reason, language: reading.language ?? null, text: row.text })),
    ...report,
  };
}
