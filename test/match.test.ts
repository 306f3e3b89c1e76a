import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { analyse, compileMatcher, fold, matchIntent, matchProfile, termConcepts, type MatcherPersona } from '../src/scoring/match.ts';

const GROWTH: MatcherPersona = {
  id: 'growth-saas-en',
  who: {
    titles: ['head of growth', 'growth lead', 'vp marketing', 'cmo', 'responsable growth'],
    seniority: ['lead', 'head', 'director', 'vp', 'c_level', 'founder'],
    industries: ['saas', 'b2b', 'software'],
    interests: ['plg', 'seo', 'marketing automation'],
    locations: ['london', 'uk', 'paris', 'remote'],
    languages: ['en'],
    audience: { min_followers: 150, max_followers: 50000 },
    min_account_age_days: 60,
    exclude: ['recruiter', 'student', 'intern', 'crypto', 'nft', 'open to work'],
  },
  intent: {
    questions: ['anyone recommend', 'looking for', 'alternatives to'],
    needs: ['marketing automation', 'crm', 'email tool'],
    pains: ['spreadsheet', 'too expensive'],
  },
};
const growth = compileMatcher(GROWTH);
const bio = (description: string, extra: Record<string, unknown> = {}) => matchProfile(growth, { description, ...extra });
const texts = (reasons: { text: string }[]) => reasons.map((r) => r.text);

describe('reading a bio', () => {
  it('folds case and accents, and treats emoji and punctuation as separators', () => {
    expect(fold('Équipe Ñandú ÇA')).toBe('equipe nandu ca');
    const words = analyse('Marketing🚀Growth | SEO·PLG').tokens.map((t) => t.text);
    expect(words).toEqual(['marketing', 'growth', 'seo', 'plg']);
    const clauses = new Set(analyse('Marketing🚀Growth').tokens.map((t) => t.clause));
    expect(clauses.size).toBe(2); // an emoji ends a clause: no phrase spans it
  });

  it('reads #CamelCase hashtags as words, and splits lower-case ones with known words', () => {
    const words = analyse('#GrowthMarketing #recursoshumanos #SaaS').tokens.map((t) => t.text);
    expect(words).toEqual(expect.arrayContaining(['growthmarketing', 'growth', 'marketing', 'hr', 'saas']));
    expect(bio('#HeadOfGrowth').titleMatched).toBe('head of growth');
  });

  it('turns concepts the same way for persona terms in any language', () => {
    expect(termConcepts('DRH')).toEqual(['~director', 'hr']);
    expect(termConcepts('Directrice des ressources humaines')).toEqual(['~director', 'hr']);
    expect(termConcepts('Directora de RRHH')).toEqual(['~director', 'hr']);
    expect(termConcepts('chief marketing officer')).toEqual(termConcepts('CMO'));
    expect(termConcepts('Vice-President of Sales')).toEqual(['~vp', 'sales']);
    expect(termConcepts('co-founder')).toEqual(termConcepts('cofondatrice'));
    expect(termConcepts('cofundadora')).toEqual(['~founder']);
    expect(termConcepts('de la')).toEqual([]);
  });

  it('drops gendered and inclusive suffixes: directeur·rice, director/a, director(a)', () => {
    for (const written of ['Directeur·rice marketing', 'Director/a de marketing', 'Director(a) de Marketing', 'Directrice Marketing', 'Directora de marketing']) {
      const r = bio(written);
      expect(r.seniority, written).toBe('director');
      expect(r.role, written).toBeDefined();
    }
  });

  it('skips links and e-mail addresses', () => {
    expect(analyse('mercadeo@acme.org https://t.co/abc t.co/xyz www.cmo.com').tokens).toEqual([]);
  });
});

describe('matchProfile: titles', () => {
  it('matches a title as a phrase, with the company after @, at, chez or en', () => {
    const r = bio('Head of Growth @brightloop | B2B SaaS');
    expect(r.titleMatched).toBe('head of growth');
    expect(r.role).toBe('Head of Growth');
    expect(r.company).toBe('@brightloop');
    expect(r.seniority).toBe('head');
    expect(texts(r.reasons)).toContain("title 'Head of Growth' matches");
    expect(bio('VP Marketing at Acme Corp').company).toBe('Acme Corp');
    expect(bio('Responsable growth chez Qonto').company).toBe('Qonto');
    expect(bio('Responsable growth en Rappi').company).toBe('Rappi');
    expect(bio('CMO@Lumen').company).toBe('Lumen');
  });

  it('respects word boundaries: CMO is not CMOs, CTO is not doctor', () => {
    expect(bio('CMOs are overrated').titleMatched).toBeUndefined();
    expect(bio('cmo').titleMatched).toBe('cmo');
    const cto = compileMatcher({ who: { titles: ['cto'] } });
    expect(matchProfile(cto, { description: 'Doctor and director of nothing' }).titleMatched).toBeUndefined();
    expect(matchProfile(cto, { description: 'CTO @ Foo' }).titleMatched).toBe('cto');
    expect(matchProfile(cto, { description: 'Doctor' }).fit).toBe(0);
  });

  it('knows synonyms and abbreviations across EN/FR/ES', () => {
    expect(bio('Chief Marketing Officer').titleMatched).toBe('cmo');
    expect(bio('Vice President, Marketing').seniority).toBe('vp');
    expect(bio('Vice President Marketing').titleMatched).toBe('vp marketing');
    expect(bio('VP of Marketing').titleMatched).toBe('vp marketing');
    expect(bio('Marketing VP').titleMatched).toBe('vp marketing');
    expect(bio('Jefa de growth').titleMatched).toBe('head of growth');
    expect(bio('Growth Head').titleMatched).toBe('head of growth');
    const hr = compileMatcher({ who: { titles: ['drh'], seniority: ['director'] } });
    for (const written of ['HR Director', 'Directrice des ressources humaines', 'Directora de RRHH', 'DRH', 'Director de Recursos Humanos']) {
      expect(matchProfile(hr, { description: written }).titleMatched, written).toBe('drh');
    }
    const founders = compileMatcher({ who: { titles: ['cofounder'] } });
    for (const written of ['Co-founder', 'Cofondatrice', 'Co-fondateur', 'Cofundadora', 'co founder']) {
      expect(matchProfile(founders, { description: written }).titleMatched, written).toBe('cofounder');
    }
  });

  it('finds a persona function at an accepted level even when the exact title is not listed', () => {
    const r = bio('Directrice marketing chez Qonto');
    expect(r.titleMatched).toBeUndefined();
    expect(r.seniority).toBe('director');
    expect(r.role).toBe('Directrice marketing');
    expect(r.fit).toBeGreaterThan(0.3);
    expect(texts(r.reasons)).toContain("role 'Directrice marketing' fits 'marketing' at director level");
  });

  it('finds the gendered and plural forms of the persona’s own words', () => {
    const m = compileMatcher({ who: { titles: ['administrador de empresas', 'consultor'] } });
    expect(matchProfile(m, { description: 'Administradora de Empresas' }).titleMatched).toBe('administrador de empresas');
    expect(matchProfile(m, { description: 'Consultora independiente' }).titleMatched).toBe('consultor');
  });

  it('reads seniority from EN/FR/ES words', () => {
    const m = compileMatcher({ who: { titles: ['marketing'] } });
    const level = (d: string) => matchProfile(m, { description: d }).seniority;
    expect(level('Marketing intern')).toBe('intern');
    expect(level('Stagiaire marketing')).toBe('intern');
    expect(level('Alternante growth')).toBe('intern');
    expect(level('Becaria de marketing')).toBe('intern');
    expect(level('Junior marketer')).toBe('junior');
    expect(level('Senior PMM')).toBe('senior');
    expect(level('Sr. Growth Marketer')).toBe('senior');
    expect(level('Growth Lead')).toBe('lead');
    expect(level('Responsable marketing')).toBe('head');
    expect(level('Jefe de marketing')).toBe('head');
    expect(level('Gerente de mercadeo')).toBe('head');
    expect(level('Directeur marketing')).toBe('director');
    expect(level('Dir. Marketing')).toBe('director');
    expect(level('VP Marketing')).toBe('vp');
    expect(level('CMO')).toBe('c_level');
    expect(level('Chief Growth Officer')).toBe('c_level');
    expect(level('Founder & CEO')).toBe('founder');
  });

  it('does not count former, aspiring or sought roles as the current one', () => {
    for (const written of ['ex-CMO', 'Former CMO at Acme', 'prev. CMO @acme', 'anciennement CMO chez Qonto', 'antes CMO en Rappi', 'exCMO', 'aspiring CMO', 'looking for a CMO role']) {
      const r = bio(written);
      expect(r.titleMatched, written).toBeUndefined();
      expect(r.seniority, written).toBeUndefined();
    }
    expect(texts(bio('ex-CMO @acme').reasons)).toContain("'CMO' is a past role, not counted");
    // A new clause, or "now", ends the former one.
    expect(bio('ex-Google, Head of Growth @acme').titleMatched).toBe('head of growth');
    expect(bio('Ex Google now Head of Growth').titleMatched).toBe('head of growth');
    const es = compileMatcher({ who: { titles: ['directora de marketing'], seniority: ['director'] } });
    expect(matchProfile(es, { description: 'Exdirectora de marketing en Acme' }).seniority).toBeUndefined();
  });

  it('ignores persona words inside the employer’s name', () => {
    const hr = compileMatcher({ who: { titles: ['drh', 'responsable rh'], seniority: ['head', 'director'] } });
    const r = matchProfile(hr, { description: 'Directrice artistique chez Tandem RH' });
    expect(r.titleMatched).toBeUndefined();
    expect(r.role).toBeUndefined();
  });
});

describe('matchProfile: exclusions win over everything', () => {
  it('excludes on a term, with the reason', () => {
    const r = bio('Head of Growth & part-time recruiter | B2B SaaS | London');
    expect(r.fit).toBe(0);
    expect(r.excluded).toBe('recruiter');
    expect(r.reasons).toEqual([{ points: -100, text: "excluded: 'recruiter'" }]);
  });

  it('excludes across languages and spellings', () => {
    expect(bio('Recruteuse tech chez Hays').excluded).toBe('recruiter');
    expect(bio('Estudiante de marketing').excluded).toBe('student');
    expect(bio('Stagiaire growth').excluded).toBe('intern');
    expect(bio('#OpenToWork marketing lead').excluded).toBe('open to work');
    expect(texts(bio('#OpenToWork marketing lead').reasons)).toEqual(["excluded: 'open to work' (bio says '#OpenToWork')"]);
    expect(bio('Head of Growth', { name: 'Ana | Crypto 🚀' }).excluded).toBe('crypto');
  });

  it('does not exclude on a former or negated term', () => {
    expect(bio('ex-recruiter, now Head of Growth at Foo').excluded).toBeUndefined();
    expect(bio('Not a recruiter. Head of Growth.').excluded).toBeUndefined();
    expect(bio('Head of Growth. No crypto, no NFTs.').excluded).toBeUndefined();
  });
});

describe('matchProfile: the rest of who', () => {
  it('adds industries, interests, location and language, with reasons in plain words', () => {
    const r = bio('Head of Growth @brightloop | B2B SaaS | PLG nerd, writing about SEO and the future of marketing', { location: 'London, UK', followers_count: 1200 });
    expect(r.fit).toBeGreaterThan(0.9);
    expect(texts(r.reasons)).toEqual([
      "title 'Head of Growth' matches",
      'seniority: head',
      'industry: b2b, saas',
      'interested in plg, seo',
      "based in 'London, UK'",
      'bio in English',
    ]);
    const sum = r.reasons.reduce((a, b) => a + b.points, 0);
    expect(Math.abs(sum - r.fit * 100)).toBeLessThanOrEqual(3);
  });

  it('reads places from the bio and from flags, in any language', () => {
    expect(texts(bio('Head of Growth · 📍 Londres').reasons)).toContain("bio mentions 'Londres'");
    const fr = compileMatcher({ who: { titles: ['drh'], locations: ['france'] } });
    expect(texts(matchProfile(fr, { description: 'DRH 🇫🇷' }).reasons)).toContain("bio mentions '🇫🇷'");
    expect(texts(bio('Head of Growth', { location: 'Lagos' }).reasons)).toContain("based in 'Lagos', not a persona location");
  });

  it('says when the bio is in another language than the persona’s', () => {
    const r = bio('Directrice marketing chez Qonto, passionnée de SEO et de la croissance');
    expect(r.language).toBe('fr');
    expect(texts(r.reasons)).toContain('bio in French, persona wants en');
    expect(r.reasons.find((x) => x.text.startsWith('bio in French'))?.points).toBeLessThan(0);
  });

  it('lowers the fit for an audience out of range and a young account', () => {
    const now = Date.parse('2026-11-02T09:00:00Z');
    const small = bio('Head of Growth', { followers_count: 12 });
    expect(texts(small.reasons)).toContain('12 followers, persona wants at least 150');
    const big = bio('Head of Growth', { followers_count: 1_200_000 });
    expect(texts(big.reasons)).toContain('1,200,000 followers, persona wants at most 50,000');
    const young = matchProfile(growth, { description: 'Head of Growth', created_at: '2026-10-24T09:00:00Z' }, { now });
    expect(texts(young.reasons)).toContain('account 9 days old, persona wants at least 60');
    expect(young.fit).toBeLessThan(bio('Head of Growth').fit);
    // X v1.1's date format is read too.
    const old = matchProfile(growth, { description: 'Head of Growth', created_at: 'Wed Feb 01 17:49:30 +0000 2012' }, { now });
    expect(texts(old.reasons).some((t) => t.startsWith('account'))).toBe(false);
  });

  it('ranks a fitting bio above a near miss above an unrelated one', () => {
    const fits = [
      bio('VP Growth @Lumen · B2B SaaS · London'),
      bio('Growth Marketing Manager at Lumen'),
      bio('Line cook, Brixton. Sourdough nerd'),
    ].map((r) => r.fit);
    expect(fits[0]).toBeGreaterThan(fits[1] as number);
    expect(fits[1]).toBeGreaterThanOrEqual(fits[2] as number);
    expect(fits[2]).toBe(0);
  });
});

describe('matchIntent', () => {
  it('finds questions, needs and pains', () => {
    const r = matchIntent(growth, "anyone recommend a marketing automation tool that doesn't cost a kidney? team of 5");
    expect(r.intent).toBeCloseTo(0.75);
    expect(texts(r.reasons)).toEqual(["asks 'anyone recommend'", "needs 'marketing automation'"]);
    const pain = matchIntent(growth, 'our reporting is 4 spreadsheets and a prayer. is there a sane CRM for this?');
    expect(texts(pain.reasons)).toEqual(["pain: 'spreadsheets' (persona: 'spreadsheet')", "needs 'CRM'", 'asks a question']);
    expect(matchIntent(growth, 'lovely day in the park').intent).toBe(0);
  });

  it('understands the same ask in French and Spanish', () => {
    const m = compileMatcher({ who: { titles: ['drh'] }, intent: { questions: ['anyone recommend'], needs: ['payroll'], pains: ['spreadsheet'] } });
    expect(matchIntent(m, 'un logiciel de paie à conseiller ? nous c’est un tableur').intent).toBeGreaterThan(0.9);
    expect(matchIntent(m, '¿alguien recomienda un software de nómina? seguimos con Excel').intent).toBeGreaterThan(0.9);
  });

  it('discounts job posts', () => {
    const r = matchIntent(growth, "we're hiring a CRM manager, apply now");
    expect(texts(r.reasons)).toContain('reads like a job post');
    expect(r.intent).toBeLessThan(0.2);
  });
});

// ---------------------------------------------------------------------------------------------
// Real bios: 2,351 X bios (mostly Spanish) labelled with ISCO-08 occupation codes.

const BIOS = fileURLToPath(new URL('../../shared/datasets/bios/spanish_bios_isco_dev.csv', import.meta.url));
const hasBios = existsSync(BIOS);

interface LabelledBio {
  description: string;
  isco_level1: string;
  isco_level2: string;
}

/** Area under the ROC curve, ties counted half. */
function auc(scored: ReadonlyArray<{ fit: number; positive: boolean }>): number {
  const ascending = [...scored].sort((a, b) => a.fit - b.fit);
  const positives = scored.filter((s) => s.positive).length;
  const negatives = scored.length - positives;
  let rankSum = 0;
  for (let i = 0; i < ascending.length; ) {
    let j = i;
    while (j < ascending.length && (ascending[j] as { fit: number }).fit === (ascending[i] as { fit: number }).fit) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if ((ascending[k] as { positive: boolean }).positive) rankSum += rank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

describe.skipIf(!hasBios)(`real Spanish bios with ISCO labels (${BIOS})`, () => {
  const rows = hasBios ? (parse(readFileSync(BIOS), { columns: true }) as LabelledBio[]) : [];

  function rank(persona: MatcherPersona, positive: (row: LabelledBio) => boolean) {
    const matcher = compileMatcher(persona);
    const scored = rows.map((row) => ({ fit: matchProfile(matcher, { description: row.description }).fit, positive: positive(row) }));
    const top50 = [...scored].sort((a, b) => b.fit - a.fit).slice(0, 50);
    return { auc: auc(scored), precisionAt50: top50.filter((s) => s.positive).length / 50 };
  }

  it('ranks ICT professionals (ISCO 25) first for a developer-tools persona', () => {
    const result = rank(
      {
        who: {
          titles: ['software developer', 'desarrollador', 'programador', 'software engineer', 'ingeniero de software', 'ingeniero de sistemas', 'web developer', 'desarrollador web', 'sysadmin', 'devops', 'data scientist', 'cto', 'analista de sistemas', 'full stack'],
          industries: ['software', 'tecnología', 'saas', 'cloud', 'open source'],
          interests: ['python', 'javascript', 'linux', 'programación', 'código', 'web', 'internet', 'tic'],
        },
      },
      (row) => row.isco_level2 === '25',
    );
    expect(result.auc).toBeGreaterThan(0.9);
  });

  it('ranks business and administration professionals (ISCO 24) first for a marketing persona', () => {
    const result = rank(
      {
        who: {
          titles: ['marketing manager', 'director de marketing', 'gerente de mercadeo', 'community manager', 'administrador de empresas', 'contador público', 'consultor', 'asesor comercial', 'head of sales', 'recursos humanos', 'project manager', 'analista financiero', 'ejecutivo de cuentas', 'publicista'],
          industries: ['marketing', 'mercadeo', 'ventas', 'finanzas', 'negocios', 'publicidad', 'contaduría'],
          interests: ['marketing digital', 'emprendimiento', 'estrategia', 'social media', 'branding'],
        },
      },
      (row) => row.isco_level2 === '24',
    );
    expect(result.auc).toBeGreaterThan(0.75);
    expect(result.precisionAt50).toBeGreaterThan(0.25); // 79 positives in 2,351: 3.4% by chance
  });
});

// The default reporter shows only counts for skipped suites: say once why this one is skipped.
if (!hasBios) console.warn(`skipping the real-bios evaluation: ${BIOS} is absent`);
