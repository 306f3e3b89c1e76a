/**
 * The catalogue of trades people in the sandbox have. B2B personas target about a third of them
 * (the people who buy software for a team); the rest are there because real searches find
 * cooks, nurses and students too, and a persona has to learn to skip them.
 *
 * Text for each trade (titles, bio bits, posts) lives per language in `text/`; this file holds
 * what is language-neutral: who is targeted, how common the trade is, its career ladder and how
 * loud people of that trade usually are on X.
 */
import type { Lang, Seniority } from '../types.ts';

export interface Trade {
  /** Stable id, stored in `UserTruth.trade`. */
  id: string;
  labels: Readonly<Record<Lang, string>>;
  /** True when B2B software personas target this trade. */
  b2b: boolean;
  /** Relative share among human accounts. */
  weight: number;
  /** Career ladder, junior-heavy: `seniority[i]` is drawn with weight `seniorityWeights[i]`. */
  seniority: readonly Seniority[];
  seniorityWeights: readonly number[];
  /** English keywords of what people of this trade talk about (for personas and tests). */
  topics: readonly string[];
  /** Audience offset in log space: journalists and athletes are followed more than farmers. */
  audience: number;
  /** Posting activity multiplier (students post more than retirees). */
  activity: number;
  /** Ceiling of `b2b_fit` for a human of this trade at the top of the ladder. */
  fit: number;
}

type Ladder = ReadonlyArray<readonly [Seniority, number]>;

/** The common corporate ladder; most people on X are early or mid-career. */
const CORPORATE: Ladder = [
  ['intern', 4], ['junior', 24], ['mid', 30], ['senior', 15], ['lead', 8],
  ['head', 7], ['director', 5], ['vp', 3], ['c_level', 2], ['founder', 2],
];
const ENGINEERING: Ladder = [
  ['intern', 3], ['junior', 20], ['mid', 30], ['senior', 22], ['lead', 11],
  ['head', 5], ['director', 4], ['vp', 2], ['c_level', 2], ['founder', 1],
];
const BACK_OFFICE: Ladder = [
  ['intern', 4], ['junior', 26], ['mid', 32], ['senior', 14], ['lead', 6],
  ['head', 8], ['director', 6], ['vp', 2], ['c_level', 2],
];
const FOUNDERS: Ladder = [['founder', 70], ['c_level', 30]];
const TECH_LEADERS: Ladder = [['lead', 18], ['head', 20], ['director', 14], ['vp', 16], ['c_level', 28], ['founder', 4]];
const CRAFT: Ladder = [['intern', 6], ['junior', 34], ['mid', 38], ['senior', 16], ['head', 6]];
const PROFESSION: Ladder = [['intern', 5], ['junior', 30], ['mid', 38], ['senior', 20], ['head', 5], ['founder', 2]];
const NONE: Ladder = [['none', 1]];

function trade(
  id: string,
  labels: [string, string, string],
  b2b: boolean,
  weight: number,
  ladder: Ladder,
  topics: string[],
  shape: { audience?: number; activity?: number; fit?: number } = {},
): Trade {
  return {
    id,
    labels: { en: labels[0], fr: labels[1], es: labels[2] },
    b2b,
    weight,
    seniority: ladder.map((step) => step[0]),
    seniorityWeights: ladder.map((step) => step[1]),
    topics,
    audience: shape.audience ?? 0,
    activity: shape.activity ?? 1,
    fit: shape.fit ?? (b2b ? 1 : 0.08),
  };
}

export const TRADES: readonly Trade[] = [
  // Targeted by B2B personas (about 36% of people).
  trade('marketing', ['Marketing & growth', 'Marketing & growth', 'Marketing y growth'], true, 7, CORPORATE,
    ['marketing', 'growth', 'seo', 'content', 'paid ads', 'brand', 'demand gen', 'martech', 'newsletter'], { audience: 0.3, activity: 1.2 }),
  trade('sales', ['Sales', 'Ventes', 'Ventas'], true, 7, CORPORATE,
    ['sales', 'crm', 'pipeline', 'prospecting', 'quota', 'outbound', 'sdr', 'revops', 'deals'], { audience: 0.1, activity: 1.1 }),
  trade('founder', ['Founders & CEOs', 'Fondateurs & CEO', 'Fundadores y CEO'], true, 3, FOUNDERS,
    ['startup', 'fundraising', 'saas', 'hiring', 'product', 'bootstrapping', 'b2b'], { audience: 0.9, activity: 1.3 }),
  trade('cto', ['CTOs & engineering leaders', 'CTO & responsables tech', 'CTO y líderes técnicos'], true, 2, TECH_LEADERS,
    ['engineering', 'architecture', 'hiring', 'cloud costs', 'security', 'platform', 'ai'], { audience: 0.6, activity: 1.0 }),
  trade('devops', ['DevOps & SRE', 'DevOps & SRE', 'DevOps y SRE'], true, 4, ENGINEERING,
    ['devops', 'sre', 'kubernetes', 'observability', 'ci/cd', 'on-call', 'incidents', 'terraform', 'monitoring'], { activity: 1.0, fit: 0.9 }),
  trade('data', ['Data & analytics', 'Data & analytics', 'Datos y analítica'], true, 4, ENGINEERING,
    ['data', 'analytics', 'sql', 'dbt', 'data warehouse', 'bi', 'dashboards', 'machine learning'], { activity: 0.9, fit: 0.9 }),
  trade('hr', ['HR & recruiting', 'RH & recrutement', 'RRHH y selección'], true, 4, BACK_OFFICE,
    ['hr', 'recruiting', 'talent', 'ats', 'payroll', 'onboarding', 'people ops', 'employer brand'], { activity: 0.9, fit: 0.85 }),
  trade('finance', ['Finance', 'Finance', 'Finanzas'], true, 3.5, BACK_OFFICE,
    ['finance', 'fp&a', 'accounting', 'cash', 'close', 'spend management', 'erp', 'audit'], { activity: 0.6, fit: 0.85 }),
  trade('procurement', ['Procurement', 'Achats', 'Compras'], true, 1.5, BACK_OFFICE,
    ['procurement', 'purchasing', 'suppliers', 'sourcing', 'contracts', 'spend', 'vendor management'], { activity: 0.5, fit: 0.9 }),

  // Not targeted: the rest of X (about 64%).
  trade('software_dev', ['Software developers', 'Développeurs', 'Desarrolladores'], false, 6, ENGINEERING,
    ['code', 'javascript', 'python', 'open source', 'side projects', 'bugs', 'frameworks'], { activity: 1.2, fit: 0.2 }),
  trade('student', ['Students', 'Étudiants', 'Estudiantes'], false, 9, NONE,
    ['exams', 'campus', 'internship', 'studying', 'thesis'], { audience: -0.5, activity: 1.4, fit: 0.05 }),
  trade('teacher', ['Teachers', 'Enseignants', 'Docentes'], false, 4, CRAFT,
    ['teaching', 'classroom', 'students', 'school', 'education'], { audience: -0.1, activity: 0.9 }),
  trade('nurse', ['Nurses & carers', 'Infirmiers & soignants', 'Enfermería'], false, 3, CRAFT,
    ['nursing', 'night shift', 'hospital', 'patients', 'healthcare'], { audience: -0.3, activity: 0.8 }),
  trade('doctor', ['Doctors', 'Médecins', 'Médicos'], false, 2, PROFESSION,
    ['medicine', 'patients', 'research', 'public health'], { audience: 0.4, activity: 0.8 }),
  trade('cook', ['Cooks & chefs', 'Cuisiniers & chefs', 'Cocineros y chefs'], false, 3, CRAFT,
    ['cooking', 'restaurant', 'recipes', 'kitchen', 'bakery'], { audience: 0, activity: 0.8 }),
  trade('police', ['Police', 'Police & gendarmerie', 'Policía'], false, 1.5, CRAFT,
    ['police', 'public safety', 'patrol', 'community'], { audience: -0.2, activity: 0.5 }),
  trade('artist', ['Artists & designers', 'Artistes & designers', 'Artistas y diseñadores'], false, 3, PROFESSION,
    ['art', 'illustration', 'design', 'commissions', 'exhibition'], { audience: 0.3, activity: 1.1 }),
  trade('journalist', ['Journalists', 'Journalistes', 'Periodistas'], false, 3, PROFESSION,
    ['news', 'reporting', 'politics', 'media', 'investigation'], { audience: 1.0, activity: 1.8 }),
  trade('athlete', ['Athletes & coaches', 'Sportifs & coachs', 'Deportistas y entrenadores'], false, 2, CRAFT,
    ['training', 'competition', 'football', 'running', 'fitness'], { audience: 0.8, activity: 0.9 }),
  trade('farmer', ['Farmers', 'Agriculteurs', 'Agricultores'], false, 1.5, CRAFT,
    ['farming', 'harvest', 'weather', 'livestock', 'agriculture'], { audience: -0.4, activity: 0.6 }),
  trade('musician', ['Musicians', 'Musiciens', 'Músicos'], false, 3, PROFESSION,
    ['music', 'gigs', 'album', 'tour', 'studio'], { audience: 0.6, activity: 1.1 }),
  trade('lawyer', ['Lawyers', 'Avocats & juristes', 'Abogados'], false, 2, PROFESSION,
    ['law', 'court', 'contracts', 'legal tech', 'compliance'], { audience: 0.1, activity: 0.7, fit: 0.12 }),
  trade('retiree', ['Retirees', 'Retraités', 'Jubilados'], false, 3, NONE,
    ['grandchildren', 'gardening', 'travel', 'history'], { audience: -0.4, activity: 0.7, fit: 0.02 }),
  trade('personal', ['No stated occupation', 'Sans métier indiqué', 'Sin ocupación indicada'], false, 10, NONE,
    ['life', 'family', 'sports fan', 'tv shows', 'memes'], { audience: -0.2, activity: 1.1, fit: 0.02 }),
  trade('shopkeeper', ['Shopkeepers & small business', 'Commerçants', 'Comerciantes'], false, 2, PROFESSION,
    ['shop', 'customers', 'small business', 'local', 'opening hours'], { audience: -0.2, activity: 0.7, fit: 0.15 }),
  trade('scientist', ['Researchers & academics', 'Chercheurs & universitaires', 'Investigadores'], false, 2.5, PROFESSION,
    ['research', 'papers', 'phd', 'lab', 'conference', 'grants'], { audience: 0.2, activity: 0.9 }),
  trade('creator', ['Creators & streamers', 'Créateurs & streamers', 'Creadores y streamers'], false, 2.5, PROFESSION,
    ['youtube', 'twitch', 'content', 'gaming', 'sponsors'], { audience: 1.0, activity: 1.6, fit: 0.1 }),
  trade('tradesperson', ['Trades & construction', 'Artisans du bâtiment', 'Oficios y construcción'], false, 1.5, CRAFT,
    ['construction', 'plumbing', 'electrician', 'renovation', 'tools'], { audience: -0.4, activity: 0.6 }),
];

/** Trade index by id. */
export const TRADE_INDEX: ReadonlyMap<string, number> = new Map(TRADES.map((t, i) => [t.id, i]));

export function tradeIndex(id: string): number {
  const index = TRADE_INDEX.get(id);
  if (index === undefined) throw new Error(`unknown trade ${id}`);
  return index;
}

export const TRADE_WEIGHTS: readonly number[] = TRADES.map((t) => t.weight);
