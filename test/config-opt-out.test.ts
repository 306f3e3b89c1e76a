import { describe, expect, it } from 'vitest';
import { formatIssue, parseWorkerConfig } from '../src/config/load.ts';
import { MAX_OPT_OUT_PHRASE, optOutIgnoreWarning } from '../src/config/worker.ts';
import { builtInPhrases } from '../src/engage/replies/index.ts';

/**
 * `engagement.opt_out_phrases` adds phrases to the reply reader and `engagement.opt_out_ignore`
 * leaves built-in ones out: each entry is checked where it is written, with file:line, and an
 * unknown built-in phrase names the nearest ones.
 */

const FILE = 'config/prospector.yaml';
const parse = (text: string) => parseWorkerConfig(text, FILE, { env: {} });
const messages = (text: string) => parse(text).issues.map(formatIssue);

describe('engagement.opt_out_phrases', () => {
  it('takes phrases in any language and script, emoji included, and keeps them in order', () => {
    const result = parse('engagement:\n  opt_out_phrases:\n    - quit tagging me\n    - on ne se connaît pas\n    - "🛑"\n    - no me etiquetes más\n');
    expect(result.issues).toEqual([]);
    expect(result.value?.engagement.opt_out_phrases).toEqual(['quit tagging me', 'on ne se connaît pas', '🛑', 'no me etiquetes más']);
  });

  it('refuses an empty phrase, one of punctuation only, one too long, and a repeat, each at its line', () => {
    const long = 'please '.repeat(15).trim();
    expect(long.length).toBeGreaterThan(MAX_OPT_OUT_PHRASE);
    const text = ['engagement:', '  opt_out_phrases:', '    - quit tagging me', '    - "   "', '    - "?!…"', `    - ${long}`, '    - QUIT  Tagging me', '    - ""'].join('\n');
    expect(messages(text)).toEqual([
      `${FILE}:4 engagement.opt_out_phrases[1]: expected a phrase, got an empty one`,
      `${FILE}:5 engagement.opt_out_phrases[2]: expected words (or an emoji), got only punctuation: "?!…"`,
      `${FILE}:6 engagement.opt_out_phrases[3]: a phrase is a few words that mean "stop", at most ${MAX_OPT_OUT_PHRASE} characters; this one has ${long.length}`,
      `${FILE}:7 engagement.opt_out_phrases[4]: "QUIT  Tagging me" is already opt_out_phrases[0] (case and accents do not count)`,
      `${FILE}:8 engagement.opt_out_phrases[5]: expected a phrase, got an empty one`,
    ]);
  });

  it('compares phrases without case or accents, as the reader reads text', () => {
    expect(messages('engagement:\n  opt_out_phrases: [arretez moi, ARRÊTEZ MOI]\n')).toEqual([`${FILE}:2 engagement.opt_out_phrases[1]: "ARRÊTEZ MOI" is already opt_out_phrases[0] (case and accents do not count)`]);
  });

  it('a phrase that is not text is an error naming the field', () => {
    expect(messages('engagement:\n  opt_out_phrases:\n    - 42\n')).toEqual([`${FILE}:3 engagement.opt_out_phrases[0]: expected a phrase, e.g. "quit messaging me", got 42`]);
    expect(messages('engagement:\n  opt_out_phrases: stop it\n')).toEqual([`${FILE}:2 engagement.opt_out_phrases: expected a list of phrases, got "stop it"; write [stop it] for a list of one`]);
  });
});

describe('engagement.opt_out_ignore', () => {
  it('names built-in phrases whatever their case and accents, and hands them on as the reader spells them', () => {
    const builtIn = builtInPhrases();
    expect(builtIn).toContain('arrête');
    expect(builtIn).toContain('not interested');
    const result = parse('engagement:\n  opt_out_ignore: [ARRETE, Not Interested]\n');
    expect(result.issues).toEqual([]);
    expect(result.value?.engagement.opt_out_ignore).toEqual(['arrête', 'not interested']);
  });

  it('an unknown phrase is an error at its line naming the nearest built-in phrases', () => {
    const issues = parse('engagement:\n  opt_out_ignore:\n    - not interested\n    - not intrested\n    - stpo\n').issues;
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [4, 'engagement.opt_out_ignore[1]'],
      [5, 'engagement.opt_out_ignore[2]'],
    ]);
    expect(issues[0]?.message).toMatch(/^"not intrested" is not a built-in phrase; the nearest are "not interested", /);
    expect(issues[1]?.message).toMatch(/^"stpo" is not a built-in phrase; the nearest are "stop", /);
    // Three suggestions, each a built-in phrase.
    const suggested = [...(issues[0]?.message.matchAll(/"([^"]+)"/g) ?? [])].slice(1).map((m) => m[1]);
    expect(suggested).toHaveLength(3);
    for (const s of suggested) expect(builtInPhrases()).toContain(s);
  });

  it('a phrase named twice is an error at the second', () => {
    expect(messages('engagement:\n  opt_out_ignore:\n    - stop\n    - STOP\n')).toEqual([`${FILE}:4 engagement.opt_out_ignore[1]: "STOP" is already opt_out_ignore[0]`]);
  });

  it('a phrase both added and left out is an error at the added one', () => {
    expect(messages('engagement:\n  opt_out_phrases:\n    - quit tagging me\n    - Not interested\n  opt_out_ignore: [not interested]\n')).toEqual([
      `${FILE}:4 engagement.opt_out_phrases[1]: "Not interested" is also in opt_out_ignore: added and left out at once; keep one of them`,
    ]);
  });

  it('the worker says at start which phrases are left out and what it means; nothing when none are', () => {
    const none = parse('').value!;
    expect(optOutIgnoreWarning(none.engagement)).toBeUndefined();
    const one = parse('engagement:\n  opt_out_ignore: [Stop]\n').value!;
    expect(optOutIgnoreWarning(one.engagement)).toBe(
      'WARNING: engagement.opt_out_ignore leaves out the built-in phrase "stop": replies with it are no longer read as requests to stop, so their authors stay contactable.',
    );
    const two = parse('engagement:\n  opt_out_ignore: [stop, no me interesa]\n').value!;
    expect(optOutIgnoreWarning(two.engagement)).toMatch(/^WARNING: engagement\.opt_out_ignore leaves out 2 built-in phrases: "stop", "no me interesa": replies with them are no longer read as requests to stop/);
  });
});
