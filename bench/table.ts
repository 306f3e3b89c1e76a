/** One measured number, printed in the table and written to `bench/results/latest.json`. */
export interface BenchRow {
  /** Stable name in the JSON, e.g. `sandbox.search_rps`. */
  key: string;
  label: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
  note?: string;
  /** Why the row was not measured (PostgreSQL unreachable…); `value` is NaN, null in the JSON. */
  skipped?: string;
}

export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [
    r.label,
    r.skipped !== undefined ? '-' : formatValue(r.value),
    r.unit,
    r.target ?? '',
    r.skipped !== undefined ? 'skipped' : r.ok === undefined ? '' : r.ok ? 'ok' : 'SHORT',
    r.skipped ?? r.note ?? '',
  ]);
  const header = ['benchmark', 'value', 'unit', 'target', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 ? x.padStart(widths[i] as number) : x.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Whole numbers from 100, two decimals down to 0.1, two significant digits below (a 4 ms query reads 0.0040 s). */
function formatValue(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en');
  if (value >= 0.1 || value === 0) return value.toFixed(2);
  return value.toPrecision(2);
}
