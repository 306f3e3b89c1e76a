/**
 * Made-up companies: tech brands (shared across languages, as SaaS names are) and local
 * businesses per language. Handles are derived once at load so bios cost no string work.
 */
import type { Lang } from '../types.ts';
import type { Rng } from '../rng.ts';
import { slug } from './slug.ts';

export interface Company {
  name: string;
  /** X handle without '@'. */
  handle: string;
}

const TECH_NAMES = [
  'Brightloop', 'Northwind Labs', 'Stackwell', 'Pipewise', 'Cloudberry', 'Fernhill', 'Kestrel AI', 'Orbitly', 'Tandem Health',
  'Harbor Analytics', 'Quillon', 'Vantora', 'Zestly', 'Nimbus Works', 'Paperplane', 'Fieldnote', 'Mosaic Bank', 'Bluefin Logistics',
  'Ironbark', 'Sunday Studio', 'Atlas Freight', 'Clearpath', 'Helio', 'Juniper Foods', 'Acme', 'Globex', 'Initech', 'Umbrella Pay',
  'Lumen & Co', 'Tinybird Labs', 'Hexmint', 'Parcelo', 'Ledgerly', 'Payroo', 'Hirely', 'Talentwave', 'Metricly', 'Datapond',
  'Logwise', 'Pagerly', 'Shipfast', 'Buildkite Labs', 'Flowdeck', 'Outreachly', 'Leadloop', 'Dealflow', 'Spendwise', 'Procura',
  'Sourcely', 'Contractly', 'Quotient', 'Signalwire Labs', 'Beacon HR', 'Ledgerline', 'Kiteboard', 'Harvestly', 'Cobalt Cloud',
  'Driftwood', 'Meadow', 'Pinecone Health', 'Sparrow', 'Tern', 'Wren', 'Yarrow', 'Zephyr Labs', 'Arcadia Software',
];
const PREFIXES = ['Bright', 'North', 'Clear', 'Blue', 'Iron', 'Silver', 'Pine', 'Cedar', 'Nova', 'Blink', 'Pulse', 'Kite', 'Fox', 'Lark', 'Echo', 'Vela', 'Orbit', 'Tide', 'Peak', 'Quill', 'Flux', 'Terra'];
const SUFFIXES = ['loop', 'wise', 'stack', 'ly', 'hub', 'works', 'labs', 'base', 'flow', 'field', 'grid', 'mint', 'path', 'scale', 'forge', 'nest'];

const LOCAL_NAMES: Readonly<Record<Lang, readonly string[]>> = {
  en: ['Harlow & Finch', 'Greenway Insurance', 'Mercer Group', 'Oakridge Partners', 'Baxter Foods', 'Redwood Retail', 'Hollis Bank', 'Carter Logistics', 'Westbrook Media', 'Lakeside Energy', 'Pembroke Consulting', 'Sterling Health'],
  fr: ['Sézame', 'Papillon Paie', 'Lumio', 'Octave', 'Maison Verdier', 'Groupe Lefranc', 'Alizé Conseil', 'Mistral Data', 'Bleu Citron', 'Cabinet Roussel', 'Transports Morel', 'Kelvo', 'Nuvola', 'Cocorico Labs', 'Tandem RH', 'Banque Rivoli', 'Assurances du Lac', 'Groupe Hexa', 'Vélo & Cie', 'Caisse Mutuelle Ouest'],
  es: ['Nubia', 'Grupo Alcázar', 'Quetzal Pay', 'Andina Logística', 'Tiendas Marisol', 'Cóndor Labs', 'Pampa Data', 'Seguros del Sur', 'Olivo', 'Mercado Azul', 'Tucán', 'Rayo Tech', 'Banco Mirador', 'Constructora Ébano', 'Grupo Sierra', 'Café Altura', 'Ñandú Software', 'Cobre Energía', 'Selva Digital', 'Farmacias Lumbre'],
};

function company(name: string, i: number): Company {
  const base = slug(name);
  // Some companies use a handle decorated the way brands do when the plain one was taken.
  const handle = base.length <= 11 && i % 4 === 1 ? `${base}hq` : base.length <= 12 && i % 7 === 3 ? `${base}app` : base;
  return { name, handle: handle.slice(0, 15) };
}

const TECH: readonly Company[] = [...TECH_NAMES, ...PREFIXES.flatMap((p) => SUFFIXES.map((s) => p + s))].map(company);
const LOCAL: Readonly<Record<Lang, readonly Company[]>> = {
  en: LOCAL_NAMES.en.map(company),
  fr: LOCAL_NAMES.fr.map(company),
  es: LOCAL_NAMES.es.map(company),
};

/** A company for a bio; tech-minded trades mostly work at software companies. */
export function pickCompany(rng: Rng, lang: Lang, techShare: number): Company {
  return rng.chance(techShare) ? rng.pick(TECH) : rng.pick(LOCAL[lang]);
}

/** A software product name for posts ("we moved to Pipewise"). */
export function pickTool(rng: Rng): Company {
  return rng.pick(TECH);
}
