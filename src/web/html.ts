/**
 * HTML from hostile text. Bios, names and posts come from X: every string goes through `text`
 * (or `attr`) before it reaches a page, with controls and bidirectional overrides removed first,
 * as on a terminal. There is no way to put raw text in a page except `html` on trusted literals.
 */
import { clean } from '../format.ts';

/** Markup we wrote ourselves; anything else is escaped when interpolated. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return clean(String(value)).replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]!);
}

/** A template tag: literals are trusted, every interpolated value is escaped unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}
