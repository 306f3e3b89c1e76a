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
}

export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [
    r.label,
    r.value >= 100 ? Math.round(r.value).toLocaleString('en') : r.value.toFixed(2),
    r.unit,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'ok' : 'SHORT',
    r.note ?? '',
  ]);
  const header = ['benchmark', 'value', 'unit', 'target', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 ? x.padStart(widths[i] as number) : x.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
