/**
 * Output for people and spreadsheets. Bios and posts are hostile input: before they reach a
 * terminal, control characters (ANSI escapes among them) and bidirectional overrides are removed;
 * before they reach a CSV, cells are quoted and formulas defused.
 */

import stringWidth from 'string-width';

// C0 and C1 controls, DEL, and the Unicode bidi embeddings/overrides/isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One line of text safe for a terminal: controls gone, newlines and tabs become spaces. */
export function clean(text: string | null | undefined): string {
  if (!text) return '';
  return text.replace(/[\r\n\t]+/g, ' ').replace(UNSAFE, '').trim();
}

/** Cuts to at most `width` terminal columns (emoji and CJK take two), ending with "…" when cut. */
function cut(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  for (const ch of new Intl.Segmenter().segment(text)) {
    if (stringWidth(out + ch.segment) > width - 1) break;
    out += ch.segment;
  }
  return `${out}…`;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  /** Longest cell, longer ones are cut with "…". */
  max?: number;
  align?: 'left' | 'right';
}

/** A plain-text table; every cell goes through `clean`. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => cut(clean(String(c.value(row))), c.max ?? 80)));
  const widths = columns.map((c, i) => Math.max(stringWidth(c.header), ...cells.map((r) => stringWidth(r[i] as string))));
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = (widths[i] as number) - stringWidth(v);
        return columns[i]?.align === 'right' ? ' '.repeat(pad) + v : v + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

/** One CSV cell: a value starting with = + - @ (or a tab/CR) gets a leading ' so spreadsheets do not run it; quoted when needed. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line with its CRLF, for writing a CSV row by row. */
export function csvLine(values: readonly (string | number)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** RFC 4180 CSV. Cells starting with = + - @ (or a tab/CR) get a leading ' so spreadsheets do not run them. */
export function csv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return csvLine(columns.map((c) => c.header)) + rows.map((r) => csvLine(columns.map((c) => c.value(r)))).join('');
}
