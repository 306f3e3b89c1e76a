/**
 * The words of job titles in English, French and Spanish, as the matcher understands them.
 *
 * Matching rewrites both a persona's terms and a bio into *concepts*: language-neutral tokens.
 * "Directrice des ressources humaines", "HR Director", "DRH" and "Directora de RRHH" all become
 * the level `~director` and the function `hr`, so a persona written in one language finds people
 * who write in another, whatever their grammatical gender. Everything here is written the way
 * people write it (accents, plurals, feminine forms); `match.ts` folds it the same way it folds
 * bios (lower case, accents removed, filler words such as "of", "de", "des" dropped).
 *
 * Concept tokens that start with `~` are not words: seniority levels (`~head`) and markers
 * (`~ex` for "former", "ex-", "anciennement"…). Plain concept tokens are words (`hr`, `sales`).
 *
 * Deliberately left out, because they mislead more than they help: "chef" (a cook in English, a
 * project lead in French), "staff" (staff engineer vs staff nurse), "MD" (managing director vs
 * doctor of medicine), "principal" (engineer vs head teacher), "it" and "us" (pronouns).
 */
/**
 * Career stages, lowest first. The sandbox's ground truth is written with this type (plus
 * `none`), so the two cannot drift apart.
 */
export const SENIORITY_LEVELS = ['intern', 'junior', 'mid', 'senior', 'lead', 'head', 'director', 'vp', 'c_level', 'founder'] as const;
export type Seniority = (typeof SENIORITY_LEVELS)[number];

/** Rank of each level, for "the highest level in this role" (founder outranks CEO: "Founder & CEO"). */
export const SENIORITY_RANK: Readonly<Record<Seniority, number>> = Object.fromEntries(SENIORITY_LEVELS.map((level, i) => [level, i])) as Record<Seniority, number>;

/** The concept token of each level. */
export const LEVEL_TOKEN: Readonly<Record<Seniority, string>> = Object.fromEntries(SENIORITY_LEVELS.map((level) => [level, `~${level}`])) as Record<Seniority, string>;

/** Words that say a level, in EN/FR/ES, with feminine and plural forms. */
export const LEVEL_WORDS: Readonly<Record<Seniority, readonly string[]>> = {
  intern: [
    'intern', 'interns', 'internship', 'trainee', 'stagiaire', 'stagiaires', 'alternant', 'alternante', 'alternance',
    'apprenti', 'apprentie', 'becario', 'becaria', 'practicante', 'pasante', 'en prácticas',
  ],
  junior: ['junior', 'jr', 'entry level', 'assistant', 'assistante', 'asistente', 'auxiliar', 'coordinator', 'coordinatrice', 'coordinateur', 'coordinador', 'coordinadora'],
  mid: [
    'manager', 'managers', 'mgr', 'gestor', 'gestora', 'gestionnaire', 'specialist', 'spécialiste', 'especialista',
    'chargé', 'chargée', 'analyst', 'analyste', 'analista', 'chef de projet', 'cheffe de projet', 'project manager',
  ],
  senior: ['senior', 'sr', 'sénior'],
  lead: [
    'lead', 'leader', 'líder', 'team lead', 'chef d’équipe', 'cheffe d’équipe', 'jefe de equipo', 'jefa de equipo',
    'encargado', 'encargada', 'principal engineer', 'staff engineer',
  ],
  head: [
    'head', 'head of', 'responsable', 'responsables', 'resp', 'jefe', 'jefa', 'jefes', 'gerente', 'gerentes',
    'chef de service', 'cheffe de service', 'chef des ventes',
  ],
  director: ['director', 'directors', 'directora', 'directores', 'directoras', 'directeur', 'directrice', 'directeurs', 'directrices', 'dir'],
  vp: [
    'vp', 'vps', 'svp', 'evp', 'avp', 'vice president', 'vice-president', 'vicepresident', 'vice-président', 'vice-présidente',
    'vicepresidente', 'vicepresidenta', 'vice presidente', 'vice presidenta',
  ],
  c_level: ['c-level', 'c level', 'clevel', 'c-suite', 'csuite', 'cxo', 'chief'],
  founder: [
    'founder', 'founders', 'cofounder', 'co-founder', 'cofounders', 'co-founders', 'fondateur', 'fondatrice', 'fondateurs',
    'cofondateur', 'cofondatrice', 'co-fondateur', 'co-fondatrice', 'fundador', 'fundadora', 'fundadores', 'cofundador',
    'cofundadora', 'co-fundador', 'co-fundadora', 'entrepreneur', 'entrepreneuse', 'entrepreneure', 'emprendedor',
    'emprendedora', 'business owner',
  ],
};

/**
 * Functions (what a person does), one concept per group. Levels combine with these by position
 * ("Head of Growth", "Directrice marketing"), so only the words need listing, not the titles.
 */
export const FUNCTION_WORDS: Readonly<Record<string, readonly string[]>> = {
  marketing: ['marketing', 'mktg', 'mkt', 'mercadeo', 'mercadotecnia', 'márketing', 'marketer', 'marketers', 'marketeur', 'marketeuse', 'marketero', 'marketera', 'mercadólogo', 'mercadóloga'],
  growth: ['growth', 'crecimiento'],
  // Before "lead" can be read as a level: "lead gen" is a trade, not a rank.
  leadgen: ['lead gen', 'lead generation', 'génération de leads', 'generación de leads', 'leadgen'],
  sales: ['sales', 'ventes', 'vente', 'ventas', 'venta', 'commercial', 'commerciale', 'commerciaux', 'comercial', 'comerciales'],
  hr: [
    'hr', 'rh', 'rrhh', 'human resources', 'ressources humaines', 'recursos humanos', 'gestión humana', 'talento humano',
    'human resource',
  ],
  data: ['data', 'données', 'datos'],
  analytics: ['analytics', 'analytique', 'analítica'],
  engineering: ['engineering', 'ingénierie', 'ingeniería', 'eng'],
  engineer: ['engineer', 'engineers', 'ingénieur', 'ingénieure', 'ingénieurs', 'ingeniero', 'ingeniera', 'ingenieros', 'ingé'],
  technology: ['technology', 'tech', 'technique', 'technologie', 'technologies', 'tecnología', 'tecnologías', 'technical'],
  it: ['information technology', 'systèmes d’information', 'système d’information', 'sistemas de información', 'tecnologías de la información', 'information systems'],
  developer: [
    'developer', 'developers', 'développeur', 'développeuse', 'développeurs', 'desarrollador', 'desarrolladora',
    'desarrolladores', 'programador', 'programadora', 'programadores', 'programmer', 'programmeur', 'programmeuse', 'dev', 'devs',
  ],
  software: ['software', 'softwares', 'logiciel', 'logiciels'],
  finance: ['finance', 'finances', 'finanzas', 'financier', 'financière', 'financiero', 'financiera', 'financial'],
  operations: ['operations', 'opérations', 'operaciones', 'ops'],
  product: ['product', 'produit', 'producto'],
  security: ['security', 'sécurité', 'seguridad'],
  cybersecurity: ['cybersecurity', 'cybersécurité', 'ciberseguridad', 'cyber security'],
  infrastructure: ['infrastructure', 'infrastructures', 'infra', 'infraestructura'],
  observability: ['observability', 'observabilité', 'observabilidad', 'o11y', 'monitoring', 'monitorización', 'monitoreo'],
  communication: ['communication', 'communications', 'comunicación', 'comunicaciones'],
  recruiting: ['recruiting', 'recruitment', 'recrutement', 'reclutamiento', 'selección de personal', 'talent acquisition'],
  recruiter: [
    'recruiter', 'recruiters', 'recruteur', 'recruteuse', 'recruteurs', 'reclutador', 'reclutadora', 'reclutadores',
    'headhunter', 'headhunters', 'chasseur de têtes', 'chasseuse de têtes', 'cazatalentos',
  ],
  student: ['student', 'students', 'étudiant', 'étudiante', 'étudiants', 'estudiante', 'estudiantes', 'undergrad', 'alumno', 'alumna'],
  payroll: ['payroll', 'paie', 'nómina', 'nóminas'],
  saas: ['saas', 'software as a service'],
  startup: ['startup', 'startups', 'start-up', 'start-ups', 'jeune pousse'],
  smb: ['smb', 'smbs', 'sme', 'smes', 'pme', 'pmes', 'pyme', 'pymes', 'tpe', 'small business', 'small businesses', 'petites entreprises'],
  opentowork: [
    'open to work', 'opentowork', 'looking for a job', 'job seeker', 'jobseeker', 'en recherche d’emploi', 'à la recherche d’un emploi',
    'recherche d’emploi', 'busco empleo', 'buscando empleo', 'en búsqueda de empleo', 'en busca de empleo', 'buscando trabajo', 'busco trabajo',
  ],
  crypto: ['crypto', 'cryptos', 'cryptocurrency', 'cryptocurrencies', 'crypto-monnaie', 'cripto', 'criptomonedas', 'web3'],
  spreadsheet: ['spreadsheet', 'spreadsheets', 'tableur', 'tableurs', 'excel', 'google sheet', 'google sheets', 'hoja de cálculo', 'hojas de cálculo', 'feuille de calcul'],
  tool: ['tool', 'tools', 'outil', 'outils', 'herramienta', 'herramientas'],
  email: ['email', 'e-mail', 'emails', 'emailing', 'courriel', 'correo'],
  automation: ['automation', 'automatisation', 'automatización'],
  'marketing automation': ['marketing automation', 'automatisation marketing', 'automatisation du marketing', 'automatización de marketing', 'automatización del marketing'],
  recommend: [
    'recommend', 'recommends', 'recommended', 'recommendation', 'recommendations', 'recs', 'anyone recommend', 'can anyone recommend',
    'recommander', 'recommandez', 'recommandation', 'recommandations', 'reco', 'recos', 'à conseiller', 'vous conseillez',
    'recomienda', 'recomiendan', 'recomiendas', 'recomendar', 'recomendación', 'recomendaciones', 'alguien recomienda',
  ],
  alternative: ['alternative', 'alternatives', 'alternative to', 'alternatives to', 'alternativa', 'alternativas'],
  evaluating: ['evaluating', 'évaluer', 'on évalue', 'évaluons', 'evaluando', 'evaluamos', 'comparing', 'on compare', 'comparando'],
  expensive: ['too expensive', 'expensive', 'overpriced', 'trop cher', 'trop chère', 'hors de prix', 'demasiado caro', 'muy caro', 'carísimo'],
};

/**
 * Abbreviations and fixed titles that carry a level and a function at once. `~c_level executive`
 * is a general manager (CEO, DG): such a role fits any persona that accepts the level.
 */
export const COMPOUNDS: ReadonlyArray<readonly [concepts: string, phrases: readonly string[]]> = [
  ['~c_level executive', [
    'ceo', 'chief executive officer', 'pdg', 'président-directeur général', 'présidente-directrice générale', 'dg', 'directeur général',
    'directrice générale', 'director general', 'directora general', 'directores generales', 'managing director', 'general manager',
    'gerente general', 'president', 'président', 'présidente', 'presidente', 'presidenta',
  ]],
  ['~head executive', ['country manager']],
  ['~c_level technology', ['cto', 'chief technology officer', 'chief technical officer']],
  ['~c_level marketing', ['cmo', 'chief marketing officer']],
  ['~c_level finance', ['cfo', 'chief financial officer', 'chief finance officer']],
  ['~c_level operations', ['coo', 'chief operating officer', 'chief operations officer']],
  ['~c_level it', ['cio', 'chief information officer']],
  ['~c_level data', ['cdo', 'chief data officer']],
  ['~c_level sales', ['cro', 'chief revenue officer', 'cco', 'chief commercial officer', 'chief sales officer']],
  ['~c_level cpo', ['cpo']],
  ['~c_level cso', ['cso']],
  ['~c_level hr', ['chro', 'chief people officer', 'chief human resources officer', 'chief hr officer']],
  ['~c_level security', ['ciso', 'chief information security officer', 'chief security officer']],
  ['~c_level growth', ['cgo', 'chief growth officer']],
  ['~director hr', ['drh', 'drrhh']],
  ['~head hr', ['rrh']],
  ['~mid hr', ['hrbp', 'hr business partner']],
  ['~director finance', ['daf']],
  ['~head finance', ['raf']],
  ['~director it', ['dsi']],
  ['~c_level security', ['rssi']],
  ['~head operations', ['chief of staff']],
  ['~lead technology', ['tech lead', 'lead dev', 'líder técnico', 'lead developer']],
];

/**
 * Words that make what follows (to the end of the clause) not the person's current role:
 * "ex-Google", "former CMO", "anciennement chez", "antes en", "aspiring PM", "seeking CMO roles".
 */
export const NOT_CURRENT_WORDS: Readonly<Record<'~ex' | '~aspiring' | '~seeking', readonly string[]>> = {
  '~ex': [
    'ex', 'former', 'formerly', 'prev', 'previously', 'past', 'retired', 'ancien', 'ancienne', 'anciens', 'anciennement',
    'précédemment', 'retraité', 'retraitée', 'antes', 'antiguo', 'antigua', 'anteriormente', 'jubilado', 'jubilada',
  ],
  '~aspiring': ['aspiring', 'future', 'futur', 'future', 'futuro', 'futura', 'wannabe', 'aspirant', 'aspirante', 'soon-to-be', 'soon to be'],
  '~seeking': [
    'seeking', 'looking for', 'searching for', 'in search of', 'je cherche', 'on cherche', 'nous cherchons', 'cherche', 'busco', 'buscamos', 'buscando', 'en busca de',
  ],
};

/** Words that end a not-current clause: "ex-Google, now Head of Growth". */
export const NOW_WORDS: readonly string[] = [
  'now', 'currently', 'today', 'turned', 'actuellement', 'maintenant', 'désormais', 'aujourd’hui', 'actualmente', 'ahora', 'hoy',
];

/** Words that negate the next one or two: "not a recruiter", "pas de crypto", "sin crypto". */
export const NEGATION_WORDS: readonly string[] = ['not', 'no', 'non', 'pas', 'ni', 'sin', 'never', 'jamais', 'nunca', 'anti'];

/** Places named differently in EN/FR/ES. The first word is the concept. */
export const PLACES: Readonly<Record<string, readonly string[]>> = {
  london: ['london', 'londres', 'londra'],
  uk: ['uk', 'u.k', 'united kingdom', 'great britain', 'royaume-uni', 'reino unido', 'britain'],
  usa: ['usa', 'u.s.a', 'united states', 'états-unis', 'estados unidos', 'eeuu', 'ee.uu'],
  'new york': ['new york', 'nyc', 'new york city', 'nueva york'],
  spain: ['spain', 'españa', 'espagne', 'espana'],
  france: ['france', 'francia'],
  germany: ['germany', 'allemagne', 'alemania', 'deutschland'],
  switzerland: ['switzerland', 'suisse', 'suiza', 'schweiz'],
  belgium: ['belgium', 'belgique', 'bélgica'],
  brussels: ['brussels', 'bruxelles', 'bruselas'],
  lisbon: ['lisbon', 'lisbonne', 'lisboa'],
  munich: ['munich', 'münchen', 'múnich'],
  mexico: ['mexico', 'méxico', 'mexique', 'cdmx', 'ciudad de méxico'],
  seville: ['seville', 'séville', 'sevilla'],
  barcelona: ['barcelona', 'barcelone'],
  geneva: ['geneva', 'genève', 'ginebra'],
  remote: ['remote', 'full remote', 'remote-first', 'fully remote', 'télétravail', 'à distance', 'remoto', 'teletrabajo', 'en remoto'],
};

/** Flags (two regional-indicator letters) as places: "🇫🇷" → france. */
export const FLAG_PLACES: Readonly<Record<string, string>> = {
  GB: 'uk', FR: 'france', ES: 'spain', US: 'usa', DE: 'germany', CH: 'switzerland', BE: 'belgium', MX: 'mexico', PT: 'portugal',
  IT: 'italy', NL: 'netherlands', IE: 'ireland', CA: 'canada', CO: 'colombia', AR: 'argentina', CL: 'chile', PE: 'peru', UY: 'uruguay',
};

/** Phrases that mark a post as a job ad rather than a buyer asking ("we're hiring", "on recrute"). */
export const JOB_POST_PHRASES: readonly string[] = [
  'we’re hiring', 'we are hiring', 'now hiring', 'hiring now', 'join our team', 'apply now', 'apply here', 'job opening', 'job offer',
  'on recrute', 'nous recrutons', 'je recrute', 'offre d’emploi', 'postulez', 'rejoignez-nous', 'estamos contratando',
  'oferta de empleo', 'oferta de trabajo', 'postúlate', 'únete a nuestro equipo', 'vacante',
];

/**
 * Words dropped before matching, so "Head of Growth" matches "head growth" and "Directeur des
 * ventes" matches "directeur ventes". Company markers ("at", "chez", "en", "@") are kept.
 */
export const FILLER_WORDS: readonly string[] = [
  'of', 'the', 'a', 'an', 'in', 'de', 'del', 'des', 'du', 'la', 'le', 'les', 'd', 'l', 'el', 'los', 'las', 'un', 'une', 'una', 'uno', 'y', 'et', 'and',
];

/** Words that introduce the employer after a role: "Head of Growth at Acme", "DRH chez Qonto", "Directora en Acme". */
export const COMPANY_MARKERS: readonly string[] = ['at', 'chez', 'en', '@', 'for', 'pour', 'para', 'with'];

/** Abbreviations written with a full stop that does not end a clause: "Dir. Marketing", "Sr. PMM". */
export const DOTTED_ABBREVIATIONS: readonly string[] = [
  'dir', 'sr', 'jr', 'resp', 'prev', 'mgr', 'dept', 'ing', 'lic', 'dr', 'dra', 'mr', 'mrs', 'ms', 'mme', 'sra', 'st', 'co', 'inc', 'ltd', 'mktg', 'mkt', 'eng', 'vs', 'u', 's', 'a', 'ee', 'uu',
];

/** Words that help split an all-lower-case hashtag ("#marketingdigital" → "marketing digital"). */
export const HASHTAG_WORDS: readonly string[] = [
  'digital', 'online', 'social', 'media', 'content', 'contenu', 'contenidos', 'hacking', 'tips', 'life', 'work', 'future', 'futur', 'futuro',
  'cloud', 'native', 'open', 'source', 'code', 'web', 'science', 'machine', 'learning', 'ai', 'ia', 'ml', 'ux', 'ui', 'design', 'people',
  'talent', 'talento', 'empleo', 'trabajo', 'travail', 'emploi', 'business', 'negocios', 'innovation', 'innovacion', 'brand', 'marca',
  'employer', 'branding', 'employeur', 'marque', 'build', 'public', 'buildinpublic', 'lead', 'gen', 'demand', 'b2b', 'b2c', 'ventas',
  'ventes', 'rrhh', 'rh', 'hr', 'humanos', 'humano', 'recursos', 'ressources', 'humaines', 'data', 'datos', 'big', 'dev', 'ops',
];
