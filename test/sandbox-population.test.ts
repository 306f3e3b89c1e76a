import { describe, expect, it } from 'vitest';
import {
  composePost,
  composeReaction,
  generateUsers,
  LOOK_ALIKE_SHARE,
  POPULATION_NOW,
  reactionCatalogue,
  SENIORITY_ORDER,
  TRADES,
} from '../src/sandbox/population/index.ts';
import { Rng } from '../src/sandbox/rng.ts';
import type { Lang, SandboxUser } from '../src/sandbox/types.ts';

const WORLD = generateUsers(2026, 5000);
const HUMANS = WORLD.filter((u) => !u.truth.is_automated);
const BOTS = WORLD.filter((u) => u.truth.is_automated);
const B2B_TRADES = new Set(TRADES.filter((t) => t.b2b).map((t) => t.id));
const LANGS: readonly Lang[] = ['en', 'fr', 'es'];
const DAY = 86_400_000;

const share = (users: readonly SandboxUser[], test: (u: SandboxUser) => boolean): number => users.filter(test).length / users.length;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

describe('generateUsers: determinism', () => {
  it('gives deep-equal users for the same seed and count', () => {
    expect(generateUsers(7, 400)).toEqual(generateUsers(7, 400));
  });

  it('gives different users for a different seed', () => {
    const a = generateUsers(7, 200);
    const b = generateUsers(8, 200);
    expect(a.filter((u, i) => u.username === b[i]?.username).length).toBeLessThan(10);
    expect(a.map((u) => u.id)).not.toEqual(b.map((u) => u.id));
  });

  it('keeps the first N users when the population grows', () => {
    expect(generateUsers(7, 2000).slice(0, 300)).toEqual(generateUsers(7, 300));
  });

  it('numbers users by position and rejects a bad count', () => {
    WORLD.forEach((u, i) => expect(u.index).toBe(i));
    expect(generateUsers(1, 0)).toEqual([]);
    expect(() => generateUsers(1, -1)).toThrow(RangeError);
    expect(() => generateUsers(1, 2.5)).toThrow(RangeError);
  });
});

describe('generateUsers: identity', () => {
  it('gives unique decimal ids, short for old accounts and snowflakes for new ones', () => {
    const ids = new Set(WORLD.map((u) => u.id));
    expect(ids.size).toBe(WORLD.length);
    for (const u of WORLD) expect(u.id).toMatch(/^[1-9][0-9]{0,18}$/);
    const old = WORLD.filter((u) => u.createdAt < Date.UTC(2012, 0, 1));
    expect(old.length).toBeGreaterThan(100);
    for (const u of old) expect(u.id.length).toBeLessThanOrEqual(10);
    // A snowflake carries its creation time in its high bits, as on X.
    for (const u of WORLD.filter((x) => x.createdAt >= Date.UTC(2016, 5, 1))) {
      expect(Number(BigInt(u.id) >> 22n) + 1288834974657).toBe(u.createdAt);
    }
  });

  it('gives unique usernames that follow X rules', () => {
    const lower = new Set(WORLD.map((u) => u.username.toLowerCase()));
    expect(lower.size).toBe(WORLD.length);
    for (const u of WORLD) expect(u.username).toMatch(/^[A-Za-z0-9_]{1,15}$/);
  });

  it('creates accounts from 2007 to a few days before now, some brand new', () => {
    for (const u of WORLD) {
      expect(u.createdAt).toBeGreaterThanOrEqual(Date.UTC(2007, 0, 1));
      expect(u.createdAt).toBeLessThanOrEqual(POPULATION_NOW - 3 * DAY);
    }
    expect(share(WORLD, (u) => POPULATION_NOW - u.createdAt < 30 * DAY)).toBeGreaterThan(0.01);
  });
});

describe('trades', () => {
  it('has at least 20 trades, targeted and not, with labels, ladders and topics', () => {
    expect(TRADES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(TRADES.map((t) => t.id)).size).toBe(TRADES.length);
    for (const id of ['marketing', 'sales', 'founder', 'cto', 'devops', 'data', 'hr', 'finance', 'procurement']) {
      expect(TRADES.find((t) => t.id === id)?.b2b).toBe(true);
    }
    for (const id of ['student', 'cook', 'police', 'artist', 'journalist', 'nurse', 'teacher', 'athlete', 'farmer', 'musician', 'lawyer', 'retiree']) {
      expect(TRADES.find((t) => t.id === id)?.b2b).toBe(false);
    }
    for (const t of TRADES) {
      expect(t.labels.en && t.labels.fr && t.labels.es).toBeTruthy();
      expect(t.seniority.length).toBeGreaterThan(0);
      expect(t.seniority.length).toBe(t.seniorityWeights.length);
      for (const s of t.seniority) expect(SENIORITY_ORDER).toContain(s);
      expect(t.topics.length).toBeGreaterThan(0);
    }
  });

  it('are all present in a 5,000-user world, about a third of people in targeted trades', () => {
    const present = new Set(HUMANS.map((u) => u.truth.trade));
    for (const t of TRADES) expect(present.has(t.id), t.id).toBe(true);
    const targeted = share(HUMANS, (u) => B2B_TRADES.has(u.truth.trade));
    expect(targeted).toBeGreaterThan(0.3);
    expect(targeted).toBeLessThan(0.42);
  });

  it('skews seniority to junior and mid, within each trade ladder', () => {
    const corporate = HUMANS.filter((u) => u.truth.seniority !== 'none');
    const early = share(corporate, (u) => ['intern', 'junior', 'mid'].includes(u.truth.seniority));
    expect(early).toBeGreaterThan(0.5);
    for (const u of HUMANS) {
      const trade = TRADES.find((t) => t.id === u.truth.trade);
      // Organisation accounts have no career stage, whatever their trade.
      if (u.truth.seniority !== 'none') expect(trade?.seniority).toContain(u.truth.seniority);
    }
  });
});

describe('population mix', () => {
  it('speaks English, French and Spanish about 60/20/20', () => {
    const en = share(WORLD, (u) => u.truth.language === 'en');
    const fr = share(WORLD, (u) => u.truth.language === 'fr');
    const es = share(WORLD, (u) => u.truth.language === 'es');
    expect(en).toBeGreaterThan(0.55);
    expect(en).toBeLessThan(0.66);
    for (const s of [fr, es]) {
      expect(s).toBeGreaterThan(0.16);
      expect(s).toBeLessThan(0.24);
    }
  });

  it('places people where their language is spoken', () => {
    const where = (lang: Lang) => new Set(WORLD.filter((u) => u.truth.language === lang).map((u) => u.location));
    expect(where('fr').has('Paris')).toBe(true);
    expect(where('es').has('Madrid')).toBe(true);
    expect(where('en').has('London')).toBe(true);
    expect(where('en').has('Bogotá') || where('en').has('Lyon')).toBe(false);
    expect(where('es').has('Lyon') || where('fr').has('Madrid')).toBe(false);
    expect(share(WORLD, (u) => u.location === '')).toBeGreaterThan(0.2);
  });

  it('has 12–18% automated accounts of the three kinds', () => {
    const automated = share(WORLD, (u) => u.truth.is_automated);
    expect(automated).toBeGreaterThan(0.12);
    expect(automated).toBeLessThan(0.18);
    for (const kind of ['spam', 'fake_follower', 'promotional'] as const) {
      expect(BOTS.some((u) => u.truth.automation_kind === kind)).toBe(true);
    }
    for (const u of WORLD) expect(u.truth.automation_kind === null).toBe(!u.truth.is_automated);
  });

  it('leaves about 10% of human bios empty', () => {
    const empty = share(HUMANS, (u) => u.description === '');
    expect(empty).toBeGreaterThan(0.07);
    expect(empty).toBeLessThan(0.14);
  });

  it('has some protected and some verified accounts', () => {
    const prot = share(WORLD, (u) => u.protected);
    const verified = share(WORLD, (u) => u.verified);
    expect(prot).toBeGreaterThan(0.01);
    expect(prot).toBeLessThan(0.06);
    expect(verified).toBeGreaterThan(0.01);
    expect(verified).toBeLessThan(0.08);
    for (const u of WORLD) expect(u.verified).toBe(u.verifiedType !== 'none');
  });
});

describe('bios and names', () => {
  it('are written like real bios: accents, emoji, hashtags, @handles, within 160 characters', () => {
    const withBio = WORLD.filter((u) => u.description !== '');
    expect(share(withBio, (u) => /[À-ÿ]/.test(u.description))).toBeGreaterThan(0.08);
    expect(share(withBio, (u) => /\p{Extended_Pictographic}/u.test(u.description))).toBeGreaterThan(0.15);
    expect(share(withBio, (u) => u.description.includes('#'))).toBeGreaterThan(0.1);
    expect(share(withBio, (u) => /@[A-Za-z0-9_]+/.test(u.description))).toBeGreaterThan(0.05);
    for (const u of WORLD) expect(u.description.length).toBeLessThanOrEqual(160);
    expect(new Set(withBio.map((u) => u.description)).size).toBeGreaterThan(withBio.length * 0.8);
  });

  it('writes bios in the person’s language and grammatical gender', () => {
    const fr = HUMANS.filter((u) => u.truth.language === 'fr' && u.description !== '');
    const es = HUMANS.filter((u) => u.truth.language === 'es' && u.description !== '');
    expect(fr.some((u) => /chez |Responsable|Direct(eur|rice)|Fondat(eur|rice)|Étudiant/.test(u.description))).toBe(true);
    expect(es.some((u) => /\ben |Jef[ea]|Director|Fundador|Estudiante/.test(u.description))).toBe(true);
    for (const u of [...fr, ...es]) expect(u.description).not.toMatch(/\[[^\]]*\|[^\]]*\]/);
  });

  it('gives every account a name', () => {
    for (const u of WORLD) expect(u.name.length).toBeGreaterThan(0);
  });
});

describe('counts', () => {
  it('are non-negative integers with long tails', () => {
    for (const u of WORLD) {
      for (const n of [u.followersCount, u.followingCount, u.tweetCount, u.listedCount, u.likeCount, u.mediaCount]) {
        expect(Number.isInteger(n) && n >= 0).toBe(true);
      }
      expect(u.mediaCount).toBeLessThanOrEqual(u.tweetCount);
    }
    const followers = HUMANS.map((u) => u.followersCount);
    const med = median(followers);
    expect(med).toBeGreaterThan(150);
    expect(med).toBeLessThan(450);
    expect(Math.max(...followers)).toBeGreaterThan(100 * med);
  });

  it('makes bots look like bots on average but not every one of them', () => {
    const fake = BOTS.filter((u) => u.truth.automation_kind === 'fake_follower');
    expect(median(BOTS.map((u) => u.likeCount))).toBeLessThan(median(HUMANS.map((u) => u.likeCount)) / 10);
    expect(median(fake.map((u) => u.followingCount / (u.followersCount + 1)))).toBeGreaterThan(5);
    // Overlap: some bots like a lot, some humans never like (the cresci rule must not be perfect).
    expect(share(BOTS, (u) => u.likeCount > 1000)).toBeGreaterThan(0.03);
    expect(share(HUMANS, (u) => u.likeCount <= 16)).toBeGreaterThan(0.02);
  });

  it('posts at a long-tailed rate: most people rarely, spam bots several times a day', () => {
    expect(mean(HUMANS.map((u) => u.postsPerDay))).toBeGreaterThan(0.2);
    expect(mean(HUMANS.map((u) => u.postsPerDay))).toBeLessThan(0.7);
    expect(share(HUMANS, (u) => u.postsPerDay < 0.05)).toBeGreaterThan(0.2);
    expect(mean(BOTS.filter((u) => u.truth.automation_kind === 'spam').map((u) => u.postsPerDay))).toBeGreaterThan(1);
  });
});

describe('ground truth', () => {
  it('ties b2b fit to trade, seniority and being human', () => {
    for (const u of WORLD) {
      expect(u.truth.b2b_fit).toBeGreaterThanOrEqual(0);
      expect(u.truth.b2b_fit).toBeLessThanOrEqual(1);
      for (const p of Object.values(u.truth.propensities)) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
    const seniorTargets = HUMANS.filter((u) => B2B_TRADES.has(u.truth.trade) && ['head', 'director', 'vp', 'c_level', 'founder'].includes(u.truth.seniority));
    expect(mean(seniorTargets.map((u) => u.truth.b2b_fit))).toBeGreaterThan(0.7);
    expect(Math.max(...BOTS.map((u) => u.truth.b2b_fit))).toBeLessThan(0.05);
    expect(Math.max(...HUMANS.filter((u) => !B2B_TRADES.has(u.truth.trade)).map((u) => u.truth.b2b_fit))).toBeLessThan(0.3);
  });

  it('makes fake followers follow back and people rarely ask to be left alone', () => {
    const fake = BOTS.filter((u) => u.truth.automation_kind === 'fake_follower');
    const humanFollowBack = mean(HUMANS.map((u) => u.truth.propensities.follow_back));
    expect(humanFollowBack).toBeGreaterThan(0.05);
    expect(humanFollowBack).toBeLessThan(0.45);
    expect(mean(fake.map((u) => u.truth.propensities.follow_back))).toBeGreaterThan(0.6);
    const optOut = mean(HUMANS.map((u) => u.truth.propensities.opt_out));
    expect(optOut).toBeGreaterThan(0.01);
    expect(optOut).toBeLessThan(0.03);
    // Follow-back falls with audience size.
    const small = HUMANS.filter((u) => u.followersCount < 200);
    const big = HUMANS.filter((u) => u.followersCount > 10_000);
    expect(mean(big.map((u) => u.truth.propensities.follow_back))).toBeLessThan(mean(small.map((u) => u.truth.propensities.follow_back)));
  });
});

describe('composePost', () => {
  const kinds = ['original', 'reply', 'quote'] as const;
  const sample = WORLD.slice(0, 1500);

  it('writes non-empty posts of at most 280 characters in the author’s language', () => {
    const rng = new Rng(1, 'posts');
    for (const [i, author] of sample.entries()) {
      for (const kind of kinds) {
        const post = composePost(rng, author, { kind, target: sample[(i + 1) % sample.length] });
        expect(post.text.length).toBeGreaterThan(0);
        expect(post.text.length).toBeLessThanOrEqual(280);
        expect(post.lang).toBe(author.truth.language);
        expect(post.text).not.toMatch(/\{[a-z]+\}|\[[^\]]*\|[^\]]*\]/);
      }
    }
  });

  it('really writes in French, Spanish and English', () => {
    const rng = new Rng(2, 'posts');
    const texts = (lang: Lang) =>
      HUMANS.filter((u) => u.truth.language === lang)
        .slice(0, 600)
        .map((u) => composePost(rng, u, { kind: 'original' }).text.toLowerCase());
    const english = /\b(the|and|is|my|you|for|this|what)\b/;
    const french = /\b(le|la|les|de|des|un|une|pour|est|et|on|je|c’est|à)\b|[éèêàç]/;
    const spanish = /\b(el|la|los|las|de|que|un|una|por|es|y|en|mi)\b|[áéíóúñ¿¡]/;
    const en = texts('en');
    const fr = texts('fr');
    const es = texts('es');
    expect(fr.filter((t) => french.test(t)).length / fr.length).toBeGreaterThan(0.6);
    expect(fr.filter((t) => /\b(the|and|is)\b/.test(t)).length / fr.length).toBeLessThan(0.05);
    expect(es.filter((t) => spanish.test(t)).length / es.length).toBeGreaterThan(0.6);
    expect(es.filter((t) => /\b(the|and|is)\b/.test(t)).length / es.length).toBeLessThan(0.05);
    expect(en.filter((t) => english.test(t)).length / en.length).toBeGreaterThan(0.4);
    expect(en.filter((t) => /[àâçèêîôûñ¿]|\b(pour|est|que|los)\b/.test(t)).length / en.length).toBeLessThan(0.05);
  });

  it('is deterministic for the same Rng', () => {
    const author = HUMANS[3] as SandboxUser;
    const a = Array.from({ length: 20 }, ((rng) => () => composePost(rng, author, { kind: 'original' }))(new Rng(5)));
    const b = Array.from({ length: 20 }, ((rng) => () => composePost(rng, author, { kind: 'original' }))(new Rng(5)));
    expect(a).toEqual(b);
  });

  it('carries buying intent in a few percent of B2B people’s posts, rarely elsewhere, in every language', () => {
    const rng = new Rng(3, 'intent');
    const targeted = HUMANS.filter((u) => B2B_TRADES.has(u.truth.trade));
    const others = HUMANS.filter((u) => !B2B_TRADES.has(u.truth.trade));
    const intentShare = (users: SandboxUser[], rounds: number) => {
      let intent = 0;
      let total = 0;
      for (let r = 0; r < rounds; r++) {
        for (const u of users) {
          total++;
          if (composePost(rng, u, { kind: 'original' }).intent) intent++;
        }
      }
      return intent / total;
    };
    const b2b = intentShare(targeted, 10);
    expect(b2b).toBeGreaterThan(0.025);
    expect(b2b).toBeLessThan(0.08);
    expect(intentShare(others, 3)).toBeLessThan(0.01);
    for (const lang of LANGS) {
      const people = targeted.filter((u) => u.truth.language === lang);
      const intents: string[] = [];
      for (let r = 0; r < 20 && intents.length < 5; r++) {
        for (const u of people) {
          const post = composePost(rng, u, { kind: 'original' });
          if (post.intent) intents.push(post.text);
        }
      }
      expect(intents.length, lang).toBeGreaterThan(0);
    }
    expect(BOTS.every((u) => !composePost(rng, u, { kind: 'original' }).intent)).toBe(true);
  });

  it('makes spam bots post links and repeat themselves', () => {
    const rng = new Rng(4, 'spam');
    const spam = BOTS.filter((u) => u.truth.automation_kind === 'spam' && u.description.length > 0).slice(0, 30);
    let links = 0;
    let total = 0;
    for (const bot of spam) {
      const texts = Array.from({ length: 10 }, () => composePost(rng, bot, { kind: 'original' }).text);
      links += texts.filter((t) => t.includes('https://t.co/')).length;
      total += texts.length;
      // The same template comes back with only its numbers and links changed.
      const shapes = new Set(texts.map((t) => t.replace(/https:\/\/t\.co\/\w+|\d+/g, '')));
      expect(shapes.size).toBeLessThan(8);
    }
    expect(links / total).toBeGreaterThan(0.4);
  });
});

describe('composeReaction', () => {
  const account = WORLD.find((u) => !u.truth.is_automated && B2B_TRADES.has(u.truth.trade)) as SandboxUser;

  it('always addresses the account by its handle, within 280 characters, with its ground truth', () => {
    const rng = new Rng(6, 'reactions');
    for (const user of WORLD.slice(0, 600)) {
      for (const kind of ['reply', 'mention', 'opt_out'] as const) {
        const reaction = composeReaction(rng, user, account, kind);
        expect(reaction.text).toContain(`@${account.username}`);
        expect(reaction.text.length).toBeLessThanOrEqual(280);
        expect(reaction.asks_to_stop).toBe(kind === 'opt_out');
        expect(reaction.style).toEqual(kind === 'opt_out' ? 'opt_out' : user.truth.is_automated ? 'bot' : expect.stringMatching(/^(look_alike|ordinary)$/));
      }
    }
  });

  it('writes requests to stop in each language in many different ways', () => {
    const rng = new Rng(7, 'opt-out');
    for (const lang of LANGS) {
      const people = HUMANS.filter((u) => u.truth.language === lang).slice(0, 300);
      const texts = people.map((u) => composeReaction(rng, u, account, 'opt_out').text);
      expect(new Set(texts).size, lang).toBeGreaterThan(25);
      // Some without a single letter (emoji only), some longer than a tweet of one clause.
      expect(texts.some((t) => !/\p{L}/u.test(t.replace(`@${account.username}`, ''))), lang).toBe(true);
      expect(texts.some((t) => t.length > 150), lang).toBe(true);
    }
  });

  it("mixes look-alikes into people's replies and mentions, about as often as LOOK_ALIKE_SHARE says", () => {
    const rng = new Rng(8, 'look-alike');
    const styles = HUMANS.slice(0, 2000).map((u) => composeReaction(rng, u, account, rng.chance(0.5) ? 'reply' : 'mention').style);
    const lookAlikes = styles.filter((s) => s === 'look_alike').length / styles.length;
    expect(lookAlikes).toBeGreaterThan(LOOK_ALIKE_SHARE - 0.05);
    expect(lookAlikes).toBeLessThan(LOOK_ALIKE_SHARE + 0.05);
    expect(new Set(styles)).toEqual(new Set(['look_alike', 'ordinary']));
  });
});

describe('reactionCatalogue', () => {
  const catalogue = reactionCatalogue();

  it('holds, per language, at least 40 requests to stop and 30 look-alikes, ordinary replies and bot replies, all distinct', () => {
    for (const lang of LANGS) {
      const of = (style: string) => catalogue.filter((r) => r.lang === lang && r.style === style);
      expect(of('opt_out').length, lang).toBeGreaterThanOrEqual(40);
      expect(of('look_alike').length, lang).toBeGreaterThanOrEqual(30);
      expect(of('ordinary').length, lang).toBeGreaterThanOrEqual(15);
      expect(of('bot').length, lang).toBeGreaterThan(0);
      const texts = catalogue.filter((r) => r.lang === lang).map((r) => r.text);
      expect(new Set(texts).size, lang).toBe(texts.length);
    }
    expect(catalogue.every((r) => r.asks_to_stop === (r.style === 'opt_out') && r.text.includes('@maya_sells') && r.text.length <= 280)).toBe(true);
  });

  it('covers the styles people use: data-protection requests, emoji only, SMS spellings, every form of address', () => {
    const optOuts = (lang: Lang) => catalogue.filter((r) => r.lang === lang && r.asks_to_stop).map((r) => r.text);
    expect(optOuts('en').some((t) => /GDPR/.test(t))).toBe(true);
    expect(optOuts('fr').some((t) => /RGPD/.test(t) && /droit d'opposition/.test(t))).toBe(true);
    expect(optOuts('es').some((t) => /derecho de supresión/.test(t))).toBe(true);
    for (const lang of LANGS) expect(optOuts(lang).some((t) => /^@maya_sells (?:🛑|🚫|🤖|✋|🙄|🙅|📩|\u200d|\u2640|\u2642|\ufe0f)+$/u.test(t)), lang).toBe(true);
    expect(optOuts('en').some((t) => /\bpls\b/.test(t))).toBe(true);
    expect(optOuts('fr').some((t) => /\bstp\b/.test(t))).toBe(true);
    expect(optOuts('es').some((t) => /\bxfa\b/.test(t))).toBe(true);
    // French tu and vous; Spanish tú, usted, ustedes, vosotros and vos.
    expect(optOuts('fr').some((t) => /\barrête\b/.test(t)) && optOuts('fr').some((t) => /\barrêtez\b/.test(t))).toBe(true);
    for (const form of [/\bdeja de\b/, /\bdeje de\b/, /\bdejen de\b/, /\bdejad de\b/, /\bdejá de\b/]) expect(optOuts('es').some((t) => form.test(t)), String(form)).toBe(true);
  });

  it('look-alikes share the words of a request without being one', () => {
    const lookAlikes = (lang: Lang) => catalogue.filter((r) => r.lang === lang && r.style === 'look_alike').map((r) => r.text);
    expect(lookAlikes('en')).toContain("@maya_sells can't stop reading this thread, so good");
    expect(lookAlikes('en').some((t) => /stop by our booth/.test(t))).toBe(true);
    expect(lookAlikes('fr').some((t) => /^@maya_sells arrête, c'est génial/.test(t))).toBe(true);
    expect(lookAlikes('es').some((t) => /no puedo dejar de leer esto/.test(t))).toBe(true);
    // Quoted requests about someone else.
    for (const lang of LANGS) expect(lookAlikes(lang).some((t) => /"[^"]+"/.test(t)), lang).toBe(true);
  });

  it('is the same on every call', () => {
    expect(reactionCatalogue()).toEqual(catalogue);
    expect(reactionCatalogue('lucas_ventes')[0]?.text).toMatch(/@lucas_ventes/);
  });
});
