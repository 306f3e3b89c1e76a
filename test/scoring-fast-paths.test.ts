import { describe, expect, it } from 'vitest';
import { explain } from '../src/scoring/combine.ts';
import { formatNumber, parseXDate } from '../src/scoring/components.ts';
import { analyse, compileMatcher, fold, matchIntent, matchProfile } from '../src/scoring/match.ts';

// Scoring takes shortcuts to keep up with search (src/scoring/match.ts, "Speed"). Each shortcut
// must give what the plain way gives: these compare the two.

describe('numbers and dates without Intl or Date.parse', () => {
  it('formats like toLocaleString', () => {
    const values = [0, -0, 1, 12, 999, 1000, 1001, 99_999, 100_000, 1_234_567, -1234, -999, 2 ** 53 - 1, 2 ** 53, 1e21, 1.5, 0.25, -0.4, NaN, Infinity, -Infinity];
    for (let n = 1; n < 1e16; n = n * 7 + 3) values.push(n);
    for (const n of values) {
      expect(formatNumber(n), String(n)).toBe(n.toLocaleString('en-US'));
      expect(formatNumber(n, 'en'), String(n)).toBe(n.toLocaleString('en'));
    }
  });

  it('reads dates as Date.parse does, out-of-range fields included', () => {
    const dates = ['Wed Feb 01 17:49:30 +0000 2012', 'Wed Feb 01 17:49:30 +0130 2012', '2012-02-01', 'Feb 1, 2012', 'not a date', '2012-02-01T17:49:30+02:00', '2012-02-01T17:49Z', '2012-02-01T17:49:30.1234Z', '+010000-01-01T00:00:00Z'];
    for (const year of ['0000', '1969', '2000', '2024', '2100', '9999']) {
      for (const month of ['00', '01', '02', '12', '13']) {
        for (const day of ['00', '01', '28', '29', '30', '31', '32']) {
          for (const time of ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '1a:00:00']) {
            dates.push(`${year}-${month}-${day}T${time}Z`, `${year}-${month}-${day}T${time}.999Z`, `${year}-${month}-${day}T${time}.5x9Z`);
          }
        }
      }
    }
    for (const date of dates) {
      const ms = Date.parse(date);
      const expected = Number.isFinite(ms) ? ms : undefined;
      expect(parseXDate(date), date).toBe(expected);
      expect(parseXDate(date), `${date}, read again`).toBe(expected);
    }
    expect(parseXDate('')).toBeUndefined();
    expect(parseXDate(undefined)).toBeUndefined();
  });
});

describe('reading words letter by letter', () => {
  // Every word character of U+0080–U+036F, and marks that fold away (variation selector, keycap).
  const letters: string[] = ['\ufe0f', '\ufe0e', '\u20e3'];
  for (let c = 0x80; c < 0x370; c++) if (/^[\p{L}\p{N}\p{M}]$/u.test(String.fromCharCode(c))) letters.push(String.fromCharCode(c));
  const words = letters.map((letter) => `zq${letter}x`);

  it('folds each word as fold() does', () => {
    for (const word of words) expect(analyse(word).tokens.map((t) => t.text), word).toEqual([fold(word)]);
  });

  it('finds a persona term written with any of those letters', () => {
    const m = compileMatcher({ who: { titles: words } });
    for (const word of words) {
      const found = matchProfile(m, { description: `${word} chez Acme` }).titleMatched;
      expect(found === undefined ? undefined : fold(found), word).toBe(fold(word));
    }
  });
});

describe('texts with no word that can lead to a persona term', () => {
  const m = compileMatcher({
    who: { titles: ['directora de marketing'], seniority: ['director'], locations: ['paris'], exclude: ['recruiter'] },
    intent: { questions: ['looking for'], needs: ['crm'] },
  });

  it('still find terms reached through a lexicon phrase or a glued "ex"', () => {
    expect(matchIntent(m, 'en busca de un CRM para el equipo').reasons.map((r) => r.text)).toEqual(["asks 'en busca' (persona: 'looking for')", "needs 'CRM'"]);
    expect(matchIntent(m, 'en el equipo todo va bien')).toEqual({ intent: 0, reasons: [] });
    expect(matchProfile(m, { description: 'Exdirectora de marketing en Acme' }).reasons.map((r) => r.text)).toEqual(["'Exdirectora de marketing' is a past role, not counted"]);
  });

  it('read names for exclusions, and locations once each, with the same reasons every time', () => {
    expect(matchProfile(m, { description: 'Directora de marketing', name: 'Ana, recruiter' }).excluded).toBe('recruiter');
    expect(matchProfile(m, { description: 'Directora de marketing', name: 'Ana ex-recruiter' }).excluded).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      expect(matchProfile(m, { description: 'Directora de marketing', location: 'Paris, France' }).reasons.map((r) => r.text)).toContain("based in 'Paris, France'");
      expect(matchProfile(m, { description: 'Directora de marketing', location: 'Lyon' }).reasons.map((r) => r.text)).toContain("based in 'Lyon', not a persona location");
    }
  });
});

describe('explain', () => {
  it('writes points outside the usual range as before', () => {
    expect(explain([{ points: -0, text: 'a' }, { points: 150, text: 'b' }, { points: 1.5, text: 'c' }, { points: -3, text: 'd' }])).toBe('−0 a; +150 b; +1.5 c; −3 d');
  });
});
