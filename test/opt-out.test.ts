import { describe, expect, it } from 'vitest';
import { builtInPhrases } from '../src/engage/replies/index.ts';
import { clauses, fold, OptOutMatcher } from '../src/engage/opt-out.ts';
import { fill, SLOT, type Template } from '../src/sandbox/population/template.ts';
import { TEXT } from '../src/sandbox/population/text/index.ts';

/**
 * The opt-out matcher on the default phrases: English, French and Spanish requests to stop are
 * caught with or without accents, case or punctuation; everyday uses of the same words are not.
 */

const matcher = new OptOutMatcher(builtInPhrases());
const asks = (text: string) => matcher.match(text) !== undefined;

describe('opt-out phrases', () => {
  it.each([
    // English
    '@maya_sells stop',
    '@maya_sells stop.',
    '@maya_sells STOP!',
    '@maya_sells Stop!!!',
    'stop @maya_sells',
    '@maya_sells please stop liking my posts',
    '@maya_sells unfollow me',
    '@maya_sells leave me alone',
    '@maya_sells please stop following me, not interested',
    '@maya_sells stop spamming my notifications',
    "@maya_sells not interested, please don't contact me",
    '@maya_sells not interested, please don’t contact me',
    "@maya_sells I don't want to be marketed to. stop.",
    '@maya_sells remove me from whatever list this is',
    '@maya_sells no thanks. please leave me alone',
    '@maya_sells I have asked before. Stop.',
    '@maya_sells ok, just stop',
    '@maya_sells no thanks. stop it please',
    'Hey @maya_sells — stop',
    // French, with and without accents
    '@lucas_ventes arrête de me suivre stp',
    '@lucas_ventes arrete de me suivre stp',
    '@lucas_ventes ARRÊTE',
    '@lucas_ventes merci d’arrêter de liker mes posts',
    "@lucas_ventes merci d'arreter de liker mes posts",
    '@lucas_ventes laisse-moi tranquille',
    '@lucas_ventes laisse moi tranquille',
    '@lucas_ventes pas intéressé, merci de ne plus me contacter',
    '@lucas_ventes pas interessee',
    '@lucas_ventes arrêtez de me spammer',
    '@lucas_ventes ça suffit, arrêtez',
    '@lucas_ventes stop',
    // Spanish, with and without accents
    '@sofia_ventas no me sigas más',
    '@sofia_ventas no me sigas mas',
    '@sofia_ventas deja de darle like a mis posts porfa',
    '@sofia_ventas déjame en paz',
    '@sofia_ventas dejame en paz',
    '@sofia_ventas no me interesa, no me contactes más',
    '@sofia_ventas basta ya',
    '@sofia_ventas deja de seguirme por favor',
    '@sofia_ventas no quiero publicidad, gracias',
    '@sofia_ventas sácame de tu lista',
    '@sofia_ventas sacame de tu lista',
    '@sofia_ventas dejen de spamearme',
  ])('asks to stop: %s', (text) => {
    expect(asks(text)).toBe(true);
  });

  it.each([
    // Whole words only
    '@maya_sells nonstop meetings today',
    '@maya_sells my stopwatch says 3 minutes',
    '@maya_sells unstoppable team 🚀',
    // "stop" as an everyday word: not first, not in a short clause of its own, or negated
    "@maya_sells don't stop believing",
    '@maya_sells don’t stop believing',
    '@maya_sells Dont stop',
    '@maya_sells never stop learning',
    '@maya_sells I can\'t stop reading your threads',
    '@maya_sells the bus stop by the office is closed today',
    '@maya_sells great thread, I will stop by your booth tomorrow',
    // Negated phrases of several words
    "@maya_sells please don't leave me alone with this spreadsheet",
    // The phrase inside a handle or a link is not a word of the post
    '@stop_bot thanks for the follow!',
    'thanks @maya_sells, loved https://example.com/stop',
    // Ordinary replies and mentions from the sandbox
    '@maya_sells thanks for the follow!',
    '@maya_sells what do you do exactly?',
    'who is @maya_sells and why do they like all my posts',
    '@lucas_ventes merci pour le follow !',
    "@lucas_ventes on n'arrête pas le progrès",
    '@sofia_ventas ¡gracias por seguirme!',
    '@sofia_ventas me interesa, cuéntame más',
  ])('does not ask to stop: %s', (text) => {
    expect(asks(text)).toBe(false);
  });

  it('says which configured phrase matched', () => {
    expect(matcher.match('@maya_sells please stop following me')).toBe('stop following me');
    expect(matcher.match('@sofia_ventas DEJAME EN PAZ')).toBe('déjame en paz');
  });

  it('uses the configured phrases only, folded the same way as posts', () => {
    const custom = new OptOutMatcher(['Lâchez-moi', 'désabonne-toi']);
    expect(custom.match('@lucas_ventes lachez moi avec vos likes')).toBe('Lâchez-moi');
    expect(custom.match('@lucas_ventes désabonne-toi svp')).toBe('désabonne-toi');
    expect(custom.match('@lucas_ventes stop')).toBeUndefined();
    expect(new OptOutMatcher([]).match('@x stop')).toBeUndefined();
  });

  /** Every way a template renders (both genders), addressed to @maya_sells. */
  const rendered = (templates: readonly Template[]) =>
    templates.flatMap((t) => [false, true].map((feminine) => fill(t, feminine, (code) => (code === SLOT.account ? '@maya_sells' : code === SLOT.emoji ? '🙂' : ''))));
  const languages = Object.keys(TEXT) as (keyof typeof TEXT)[];

  it("never reads the sandbox's thanks, questions, mentions or bot replies as an opt-out", () => {
    const ordinary = languages.flatMap((lang) => rendered([...TEXT[lang].reactions.reply, ...TEXT[lang].reactions.mention, ...TEXT[lang].bots.reactions]));
    expect(ordinary.length).toBeGreaterThan(50);
    expect(ordinary.filter(asks)).toEqual([]);
  });

  it('folds case and accents, and cuts posts into clauses without mentions or links', () => {
    expect(fold('ARRÊTEZ Déjame')).toBe('arretez dejame');
    expect(clauses("@maya_sells I don't want this. Stop! see https://x.com/a.b")).toEqual([['i', 'don', 't', 'want', 'this'], ['stop'], ['see']]);
  });
});
