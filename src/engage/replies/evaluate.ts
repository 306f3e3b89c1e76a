/**
 * Measuring the reply reader on a labelled file: `lang<TAB>label<TAB>text` per line (a header line
 * `lang label text` is allowed; the label may be left empty, or the column left out, for a file
 * that is only to be read). Used by `prospector replies classify` and the model's fitting script,
 * so the figures they print are computed one way.
 */
import type { ReplyLanguage, ReplyReading } from './index.ts';

export type ReplyLabel = 'optout' | 'other';

export interface LabelledReply {
  /** 1-based line in the file, for messages. */
  line: number;
  lang: string;
  label: ReplyLabel | undefined;
  text: string;
}

export class ReplyFileError extends Error {}

const LABELS: readonly string[] = ['optout', 'other'];

/**
 * The rows of a TSV file of replies. Throws a ReplyFileError naming `file:line` for a row with no
 * text or an unknown label; blank lines are skipped.
 */
export function parseReplyFile(content: string, file: string): LabelledReply[] {
  const rows: LabelledReply[] = [];
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    if (raw.trim() === '') continue;
    const cells = raw.split('\t');
    if (i === 0 && cells[0]?.trim().toLowerCase() === 'lang') continue;
    if (cells.length < 2) throw new ReplyFileError(`${file}:${line}: expected lang<TAB>label<TAB>text (or lang<TAB>text), got one column`);
    const lang = (cells[0] ?? '').trim().toLowerCase();
    let label: string | undefined;
    let text: string;
    if (cells.length === 2) text = cells[1] ?? '';
    else {
      label = (cells[1] ?? '').trim().toLowerCase() || undefined;
      text = cells.slice(2).join('\t');
    }
    if (label !== undefined && !LABELS.includes(label)) throw new ReplyFileError(`${file}:${line}: label must be optout or other (or empty), got "${label.slice(0, 40)}"`);
    if (text.trim() === '') throw new ReplyFileError(`${file}:${line}: no text`);
    rows.push({ line, lang, label: label as ReplyLabel | undefined, text });
  }
  return rows;
}

export interface ReplyFigures {
  /** Replies counted. */
  replies: number;
  /** Labelled opt-outs among them. */
  opt_outs: number;
  /** Share of labelled opt-outs read as `opt_out` or `doubtful`; null without labelled opt-outs. */
  recall: number | null;
  /** Share of `opt_out` readings that were labelled opt-outs; null when nothing was read as `opt_out`. */
  precision: number | null;
  /** Share of all labelled replies read as `doubtful`; null without labels. */
  doubtful_share: number | null;
  /** Readings by outcome. */
  outcomes: { opt_out: number; doubtful: number; other: number };
}

export interface ReplyReport extends ReplyFigures {
  by_language: Record<string, ReplyFigures>;
}

/** Recall, precision and the doubtful share, overall and per language, of readings of labelled rows. */
export function figures(rows: ReadonlyArray<{ row: LabelledReply; reading: ReplyReading }>): ReplyReport {
  const languages = [...new Set(rows.map((r) => r.row.lang))].sort();
  const by_language: Record<string, ReplyFigures> = {};
  for (const lang of languages) by_language[lang] = tally(rows.filter((r) => r.row.lang === lang));
  return { ...tally(rows), by_language };
}

function tally(rows: ReadonlyArray<{ row: LabelledReply; reading: ReplyReading }>): ReplyFigures {
  const outcomes = { opt_out: 0, doubtful: 0, other: 0 };
  let labelled = 0;
  let optOuts = 0;
  let caught = 0;
  let flagged = 0;
  let flaggedRight = 0;
  let doubtful = 0;
  for (const { row, reading } of rows) {
    outcomes[reading.outcome]++;
    if (row.label === undefined) continue;
    labelled++;
    if (reading.outcome === 'doubtful') doubtful++;
    if (row.label === 'optout') {
      optOuts++;
      if (reading.outcome !== 'other') caught++;
    }
    if (reading.outcome === 'opt_out') {
      flagged++;
      if (row.label === 'optout') flaggedRight++;
    }
  }
  return {
    replies: rows.length,
    opt_outs: optOuts,
    recall: optOuts > 0 ? caught / optOuts : null,
    precision: flagged > 0 ? flaggedRight / flagged : null,
    doubtful_share: labelled > 0 ? doubtful / labelled : null,
    outcomes,
  };
}

/** The language hint a row gives the reader: one of the three it knows, else none. */
export function rowLanguage(row: LabelledReply): ReplyLanguage | undefined {
  return row.lang === 'en' || row.lang === 'fr' || row.lang === 'es' ? row.lang : undefined;
}
