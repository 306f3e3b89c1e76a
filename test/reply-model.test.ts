import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_BUCKETS, replyFeatures, tokens } from '../src/engage/replies/features.ts';
import { loadReplyModel, REPLY_MODEL_FILE } from '../src/engage/replies/model.ts';

/**
 * The reply model: its features fold what should not count (case, accents, elongations, the
 * mentions a reply opens with) and are the same every time; the shipped weights load and tell a
 * request to stop from a thank-you in each language; a broken weights file is refused with its
 * name; and the fitting script gives the same bytes twice.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEV_SET = fileURLToPath(new URL('../../shared/datasets/replies/optouts-dev.tsv', import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prospector-reply-model-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const features = (text: string) => {
  const f = replyFeatures(text);
  return { indices: Array.from(f.indices), values: Array.from(f.values) };
};

describe('reply features', () => {
  it('are the same for the same text, whatever was read in between', () => {
    const first = features('pls stop liking my posts 🙄 https://t.co/x');
    features('a much longer reply, about something else entirely, with other words in it');
    expect(features('pls stop liking my posts 🙄 https://t.co/x')).toEqual(first);
  });

  it('hash to the buckets the shipped weights were fitted on', () => {
    // If this moves, the weights no longer match the features: change FEATURE_SCHEME and refit.
    expect(features('stop').indices).toEqual([125445, 235507, 187079, 74530, 87626, 180575, 95573, 50055, 8397, 86374, 214121, 205066]);
  });

  it.each([
    ['ARRÊTEZ de me suivre', 'arretez de me suivre'],
    ['Désabonnez-moi', 'desabonnez moi'],
    ['stoooooop', 'stop'],
    ['pleeeease STOP!!!', 'please stop'],
    ['@maya_sells @team stop', 'stop'],
    ['déjenme en paz 🛑\uFE0F', 'dejenme en paz 🛑'],
    ['no thanks 👍🏽', 'no thanks 👍'],
  ])('fold "%s" into "%s"', (a, b) => {
    expect(features(a)).toEqual(features(b));
  });

  it('keep a double letter, emoji, links, later mentions, quotes and questions as tokens', () => {
    expect(tokens('too good')).toEqual(['too', 'good']);
    expect(tokens('@a see https://x.co/a and @bob, "unfollow me"? 🛑🇨🇴')).toEqual(['see', '<url>', 'and', '<at>', '<q>', 'unfollow', 'me', '<q>', '<?>', '🛑', '🇨🇴']);
  });

  it('are binary, of unit length, within the buckets', () => {
    const { indices, values } = features('Merci, mais je ne veux plus être contacté. Merci.');
    expect(new Set(indices).size).toBe(indices.length);
    expect(indices.every((i) => Number.isInteger(i) && i >= 0 && i < FEATURE_BUCKETS)).toBe(true);
    expect(values.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
  });
});

describe('the shipped reply model', () => {
  const model = loadReplyModel();

  it.each([
    ['en', 'please stop following me, I am not interested', 'thank you so much, this was really helpful'],
    ['fr', "merci de ne plus m'écrire, ça ne m'intéresse pas", 'merci beaucoup, très utile ce fil'],
    ['es', 'ya no me sigan, no me interesa nada de esto', 'muchas gracias, muy útil este hilo'],
  ])('%s: a request to stop is more likely one than a thank-you', (_lang, stop, thanks) => {
    const p = model.probability(stop);
    const q = model.probability(thanks);
    expect(p).toBeGreaterThan(q);
    expect(p).toBeGreaterThanOrEqual(model.thresholds.maybe);
    expect(q).toBeLessThan(model.thresholds.sure);
  });

  it('gives probabilities, and a "maybe" threshold below the "sure" one', () => {
    for (const text of ['x', '🛑', 'a'.repeat(5000)]) {
      const p = model.probability(text);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    expect(model.thresholds.maybe).toBeLessThanOrEqual(model.thresholds.sure);
  });

  it('is small', () => {
    expect(readFileSync(REPLY_MODEL_FILE).length).toBeLessThan(300 * 1024);
  });
});

describe('a weights file that cannot be used', () => {
  const shipped = JSON.parse(readFileSync(REPLY_MODEL_FILE, 'utf8')) as Record<string, unknown>;
  const write = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it('is named when missing', () => {
    const file = join(dir, 'absent.json');
    expect(() => loadReplyModel(file)).toThrow(`${file}: cannot read the reply model's weights (ENOENT)`);
  });

  it.each([
    ['not JSON', '{"format": "prospector-reply-mo', 'not a usable reply model weights file'],
    ['another format', JSON.stringify({ ...shipped, format: 'onnx' }), 'format: expected "prospector-reply-model"'],
    ['other features', JSON.stringify({ ...shipped, features: 'words only' }), 'features: made for "words only"'],
    ['weights cut short', JSON.stringify({ ...shipped, weights: (shipped.weights as string).slice(0, 4000) }), 'count:'],
    ['weights not base64', JSON.stringify({ ...shipped, weights: '@@@' }), 'weights: expected a base64 string'],
    ['a bias that is not a number', JSON.stringify({ ...shipped, bias: 'high' }), 'bias: expected a number'],
    ['a threshold above 1', JSON.stringify({ ...shipped, thresholds: { sure: 2, maybe: 0.3 } }), 'thresholds.sure: expected a probability'],
    ['thresholds the wrong way round', JSON.stringify({ ...shipped, thresholds: { sure: 0.3, maybe: 0.8 } }), 'thresholds: maybe (0.8) is above sure (0.3)'],
  ])('is refused, naming the file: %s', (name, content, message) => {
    const file = write(`${name.replaceAll(' ', '-')}.json`, content);
    expect(() => loadReplyModel(file)).toThrow(`${file}: `);
    expect(() => loadReplyModel(file)).toThrow(message);
  });
});

/** Runs the fitting script; resolves with its output, rejects with it on a non-zero exit. */
async function fitReplies(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fit-replies.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`bench/fit-replies.ts ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}

/** A small labelled set, written for this test. */
const SMALL_SET = [
  'lang\tlabel\ttext',
  ...[
    ['en', 'optout', 'stop messaging me'], ['en', 'optout', 'take me off your list please'], ['en', 'optout', 'not interested, go away'],
    ['en', 'optout', 'quit following me'], ['en', 'optout', 'do not contact me again'], ['en', 'optout', 'unsubscribe me now'],
    ['en', 'other', 'great post, thanks'], ['en', 'other', 'can you send me the pricing?'], ['en', 'other', 'love this, following you back'],
    ['en', 'other', 'never stop shipping'], ['en', 'other', 'see you at the conference'], ['en', 'other', 'this is so useful'],
    ['fr', 'optout', 'arrêtez de me contacter'], ['fr', 'optout', 'retirez-moi de votre liste'], ['fr', 'optout', 'ça ne m’intéresse pas, stop'],
    ['fr', 'optout', 'ne me suivez plus'], ['fr', 'optout', 'laissez-moi tranquille svp'], ['fr', 'optout', 'je ne veux plus de vos messages'],
    ['fr', 'other', 'super article, merci'], ['fr', 'other', 'vous avez une démo ?'], ['fr', 'other', 'je vous suis aussi'],
    ['fr', 'other', "n'arrêtez jamais ce fil"], ['fr', 'other', 'à bientôt au salon'], ['fr', 'other', 'très utile, bravo'],
    ['es', 'optout', 'dejen de escribirme'], ['es', 'optout', 'sáquenme de su lista'], ['es', 'optout', 'no me interesa, basta'],
    ['es', 'optout', 'no me sigan más'], ['es', 'optout', 'déjenme en paz por favor'], ['es', 'optout', 'no quiero más mensajes suyos'],
    ['es', 'other', 'gran hilo, gracias'], ['es', 'other', 'tienen una demo?'], ['es', 'other', 'ya los sigo también'],
    ['es', 'other', 'no paren nunca'], ['es', 'other', 'nos vemos en la feria'], ['es', 'other', 'muy útil, felicidades'],
  ].map((cells) => cells.join('\t')),
].join('\n');

describe('the fitting script', () => {
  it('gives the same weights twice, in a file the model loads', async () => {
    const input = join(dir, 'small.tsv');
    writeFileSync(input, `${SMALL_SET}\n`);
    const [a, b] = [join(dir, 'a.json'), join(dir, 'b.json')];
    const output = await fitReplies(['--input', input, '--out', a]);
    expect(output).toMatch(/chosen λ = /);
    await fitReplies(['--input', input, '--out', b]);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const small = loadReplyModel(a);
    expect(small.probability('stop messaging me')).toBeGreaterThan(small.probability('great post, thanks'));
  });

  it('reports on the half it did not fit, and writes nothing unless asked', async () => {
    const input = join(dir, 'small.tsv');
    writeFileSync(input, `${SMALL_SET}\n`);
    const before = readFileSync(REPLY_MODEL_FILE, 'utf8');
    const output = await fitReplies(['--input', input, '--half', 'b']);
    expect(output).toMatch(/fitting on half b \(rows of odd index\): 18 rows, 9 opt-outs/);
    expect(output).toMatch(/held out: the other half \(18 rows\)/);
    expect(output).not.toMatch(/wrote /);
    expect(readFileSync(REPLY_MODEL_FILE, 'utf8')).toBe(before);
  });
});

describe('the shipped weights and the development set', () => {
  if (!existsSync(DEV_SET)) console.warn(`skipping the development-set checks: ${DEV_SET} is missing (../shared/datasets beside the checkout)`);

  it.skipIf(!existsSync(DEV_SET))(`were fitted on it, by the command they name (${DEV_SET})`, async () => {
    const shipped = readFileSync(REPLY_MODEL_FILE, 'utf8');
    const meta = JSON.parse(shipped) as { command: string; data: { sha256: string } };
    expect(meta.data.sha256).toBe(createHash('sha256').update(readFileSync(DEV_SET)).digest('hex'));
    expect(meta.command).toBe('npx tsx bench/fit-replies.ts --input ../shared/datasets/replies/optouts-dev.tsv');
    const out = join(dir, 'refit.json');
    await fitReplies(['--input', DEV_SET, '--out', out]);
    const same = readFileSync(out, 'utf8') === shipped;
    expect(same, `${REPLY_MODEL_FILE} differs from a fit by its command: run it again and commit the weights`).toBe(true);
  });
});
