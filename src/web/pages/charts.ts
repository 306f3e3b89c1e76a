import type { Spec } from 'vega';
import { Html } from '../html.ts';

/**
 * Charts drawn on the server: a Vega spec rendered to SVG (`view.toSVG()`, no canvas, no
 * browser), put in the page as markup, so they show without JavaScript and under a CSP that
 * forbids inline script and style. The data are our own labels and counts, never text from X;
 * the SVG is still checked for anything executable before it is trusted. Vega is loaded on the
 * first chart, not when the worker starts.
 */

const BLUE = '#2f5f98';

/** Horizontal bars, one per label, top to bottom in the order given, each with its count. */
export async function barChart(values: ReadonlyArray<{ label: string; count: number }>, options: { title: string; width?: number; color?: string }): Promise<Html> {
  const height = Math.max(60, values.length * 26);
  const spec: Spec = {
    width: options.width ?? 420,
    height,
    padding: 4,
    description: options.title,
    data: [{ name: 'bars', values: values.map((v, i) => ({ ...v, i })) }],
    scales: [
      { name: 'y', type: 'band', domain: { data: 'bars', field: 'label', sort: { field: 'i', op: 'min' } }, range: 'height', padding: 0.15 },
      { name: 'x', type: 'linear', domain: { data: 'bars', field: 'count' }, range: 'width', nice: true, zero: true, domainMin: 0 },
    ],
    axes: [
      { orient: 'left', scale: 'y', labelFontSize: 12, ticks: false, domain: false },
      { orient: 'bottom', scale: 'x', tickCount: 5, labelFontSize: 11, format: '~s', grid: true, gridColor: '#e5e5e5' },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'label' },
            height: { scale: 'y', band: 1 },
            x: { scale: 'x', value: 0 },
            x2: { scale: 'x', field: 'count' },
            fill: { value: options.color ?? BLUE },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'bars' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'label', band: 0.5 },
            x: { scale: 'x', field: 'count', offset: 4 },
            baseline: { value: 'middle' },
            fontSize: { value: 11 },
            fill: { value: '#222' },
            text: { signal: "format(datum.count, ',')" },
          },
        },
      },
    ],
  };
  return toSvg(spec);
}

/** Vertical bars over a numeric range: a histogram with the buckets given. */
export async function histogramChart(buckets: ReadonlyArray<{ from: number; to: number; count: number }>, options: { title: string; width?: number }): Promise<Html> {
  const spec: Spec = {
    width: options.width ?? 420,
    height: 140,
    padding: 4,
    description: options.title,
    data: [{ name: 'b', values: buckets.map((b) => ({ ...b, label: `${b.from}–${b.to}` })) }],
    scales: [
      { name: 'x', type: 'band', domain: { data: 'b', field: 'label' }, range: 'width', padding: 0.1 },
      { name: 'y', type: 'linear', domain: { data: 'b', field: 'count' }, range: 'height', nice: true, zero: true },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', labelFontSize: 10, title: 'score' },
      { orient: 'left', scale: 'y', tickCount: 4, format: '~s', grid: true, gridColor: '#e5e5e5' },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'b' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'label' },
            width: { scale: 'x', band: 1 },
            y: { scale: 'y', field: 'count' },
            y2: { scale: 'y', value: 0 },
            fill: { value: BLUE },
          },
        },
      },
    ],
  };
  return toSvg(spec);
}

const EXECUTABLE = /<script|<foreignObject|\son[a-z]+\s*=|javascript:|\sstyle\s*=/i;

async function toSvg(spec: Spec): Promise<Html> {
  const { parse, View } = await import('vega');
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (EXECUTABLE.test(svg)) throw new Error('a chart rendered by Vega carries script, an event handler or inline style; refusing to put it in a page');
    // Hidden from screen readers: the page gives the same numbers as a table.
    return new Html(svg.replace(/^<svg /, '<svg aria-hidden="true" focusable="false" '));
  } finally {
    view.finalize();
  }
}
