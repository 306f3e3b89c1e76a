import type { Database } from '../../db/client.ts';
import { exportLeads, type ExportFilter, type ExportLead } from '../../db/export.ts';
import { clean, csvLine, type Column } from '../format.ts';

/**
 * Leads as a CRM import expects them, in one place for the page's exports and `prospector queue
 * --format csv`: a first and a last name (from the display name, emoji and decorations removed),
 * the X handle and a profile link built from it (or from the user id, never from user text), the
 * company when the bio names one plainly, then what Prospector knows: persona, score, reasons,
 * owner, state, dates. CSV cells are defused against formulas (`src/format.ts`); every text from X
 * is cleaned of controls and bidirectional overrides. Rows are made page by page: an export of
 * 100,000 leads never holds them all.
 */

export interface CrmRow {
  firstName: string;
  lastName: string;
  /** Without the '@'. */
  handle: string;
  profileUrl: string;
  company: string;
  persona: string;
  score: number;
  reasons: string;
  owner: string;
  state: string;
  /** 'YYYY-MM-DD'. */
  queuedOn: string;
  /** ISO instants, or '' when none. */
  lastDecisionAt: string;
  decidedBy: string;
  warmSince: string;
  /** The lead's id in Prospector, and the person's X user id: stable keys for de-duplicating in the CRM. */
  prospectorId: number;
  xUserId: string;
}

export const CRM_COLUMNS: readonly Column<CrmRow>[] = [
  { header: 'First name', value: (r) => r.firstName },
  { header: 'Last name', value: (r) => r.lastName },
  { header: 'X handle', value: (r) => r.handle },
  { header: 'X profile URL', value: (r) => r.profileUrl },
  { header: 'Company', value: (r) => r.company },
  { header: 'Persona', value: (r) => r.persona },
  { header: 'Score', value: (r) => r.score },
  { header: 'Reasons', value: (r) => r.reasons },
  { header: 'Owner', value: (r) => r.owner },
  { header: 'State', value: (r) => r.state },
  { header: 'Queued on', value: (r) => r.queuedOn },
  { header: 'Last decision at', value: (r) => r.lastDecisionAt },
  { header: 'Decided by', value: (r) => r.decidedBy },
  { header: 'Warm since', value: (r) => r.warmSince },
  { header: 'Prospector ID', value: (r) => r.prospectorId },
  { header: 'X user ID', value: (r) => r.xUserId },
];

/** Columns every preset ends with: what Prospector knows, and stable ids for de-duplicating in the CRM. */
const PROSPECTOR_COLUMNS: readonly Column<CrmRow>[] = [
  { header: 'X handle', value: (r) => r.handle },
  { header: 'X profile URL', value: (r) => r.profileUrl },
  { header: 'Persona', value: (r) => r.persona },
  { header: 'Score', value: (r) => r.score },
  { header: 'Reasons', value: (r) => r.reasons },
  { header: 'Prospector ID', value: (r) => r.prospectorId },
  { header: 'Decided by', value: (r) => r.decidedBy },
  { header: 'Decided at', value: (r) => r.lastDecisionAt },
];

/** Salesforce requires a last name and a company on a lead: this stands in when there is none. */
export const NOT_PROVIDED = '[not provided]';

const HUBSPOT_STATUS: Record<string, string> = {
  new: 'NEW', contacted: 'ATTEMPTED_TO_CONTACT', replied: 'CONNECTED', won: 'OPEN_DEAL', not_a_fit: 'UNQUALIFIED', snoozed: 'BAD_TIMING', do_not_contact: 'UNQUALIFIED',
};
const SALESFORCE_STATUS: Record<string, string> = {
  new: 'Open - Not Contacted', contacted: 'Working - Contacted', replied: 'Working - Contacted', won: 'Closed - Converted', not_a_fit: 'Closed - Not Converted', snoozed: 'Working - Contacted', do_not_contact: 'Closed - Not Converted',
};

/**
 * Column sets for the CRMs teams import into, named as their import screens expect, each followed
 * by Prospector's own columns. `generic` is CRM_COLUMNS. Owners are Prospector's names: a CRM that
 * matches owners by email (HubSpot) needs them mapped on import. Lead statuses are the CRMs'
 * default values.
 */
export const CRM_PRESETS = {
  generic: CRM_COLUMNS,
  hubspot: [
    { header: 'First name', value: (r) => r.firstName },
    { header: 'Last name', value: (r) => r.lastName },
    { header: 'Email', value: () => '' },
    { header: 'Job title', value: () => '' },
    { header: 'Company name', value: (r) => r.company },
    { header: 'Contact owner', value: (r) => r.owner },
    { header: 'Lead status', value: (r) => HUBSPOT_STATUS[r.state] ?? '' },
    ...PROSPECTOR_COLUMNS,
  ],
  salesforce: [
    { header: 'First Name', value: (r) => r.firstName },
    { header: 'Last Name', value: (r) => r.lastName || NOT_PROVIDED },
    { header: 'Company', value: (r) => r.company || NOT_PROVIDED },
    { header: 'Title', value: () => '' },
    { header: 'Lead Source', value: () => 'X (Prospector)' },
    { header: 'Lead Status', value: (r) => SALESFORCE_STATUS[r.state] ?? '' },
    { header: 'Description', value: (r) => r.reasons },
    { header: 'Record Owner', value: (r) => r.owner },
    ...PROSPECTOR_COLUMNS,
  ],
  pipedrive: [
    { header: 'Lead title', value: (r) => [[r.firstName, r.lastName].filter(Boolean).join(' ') || (r.handle ? `@${r.handle}` : `X user ${r.xUserId}`), r.company].filter(Boolean).join(', ') },
    { header: 'Person name', value: (r) => [r.firstName, r.lastName].filter(Boolean).join(' ') },
    { header: 'Organization name', value: (r) => r.company },
    { header: 'Note', value: (r) => r.reasons },
    { header: 'Owner', value: (r) => r.owner },
    ...PROSPECTOR_COLUMNS,
  ],
} satisfies Record<string, readonly Column<CrmRow>[]>;

export type CrmPreset = keyof typeof CRM_PRESETS;
export const CRM_PRESET_NAMES = Object.keys(CRM_PRESETS) as CrmPreset[];

const HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const USER_ID = /^\d{1,20}$/;

/** A link to the profile from the handle when it is a valid one, else from the user id; '' when neither is. */
export function profileUrl(username: string, xUserId: string): string {
  if (HANDLE.test(username)) return `https://x.com/${username}`;
  if (USER_ID.test(xUserId)) return `https://x.com/i/user/${xUserId}`;
  return '';
}

// Emoji and what glues them (ZWJ, variation selectors, skin tones, keycaps, flags).
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]|\u200d|\ufe0e|\ufe0f|\u20e3/gu;
// What starts the decoration after a name: "Maya Chen | Growth", "Maya Chen - CMO", "Maya · Acme".
const DECORATION = /\s[|•·—–~/:]|\s-\s|\s@|,\s|\s\(|\s\[/u;
const HONORIFICS = new Set(['dr', 'dr.', 'mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'prof', 'prof.', 'mx', 'mx.']);
const CREDENTIALS = new Set(['phd', 'ph.d.', 'mba', 'cpa', 'cfa', 'pmp', 'msc', 'md', 'esq', 'esq.']);

/**
 * First and last name from an X display name: Unicode's styled letters folded (𝓜𝓪𝔂𝓪 → Maya),
 * emoji, markup, symbols and what follows a separator ("| Growth", "- CMO", "(she/her)") removed, then
 * the first word is the first name and the rest the last name. One word: a first name only.
 */
export function splitName(display: string): { first: string; last: string } {
  // Markup is decoration too: "<b>Maya</b> Chen".
  let name = clean(display).normalize('NFKC').replace(/<[^<>]{0,40}>/g, ' ').replace(EMOJI, ' ');
  const cut = DECORATION.exec(name);
  if (cut) name = name.slice(0, cut.index);
  // Letters, marks, apostrophes, hyphens and dots inside names stay; anything else is decoration.
  const words = name
    .replace(/[^\p{L}\p{M}'’.\- ]+/gu, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^[-'’.]+|[-'’]+$/g, ''))
    .filter((w) => /\p{L}/u.test(w));
  while (words.length > 1 && HONORIFICS.has(words[0]!.toLowerCase())) words.shift();
  while (words.length > 1 && CREDENTIALS.has(words[words.length - 1]!.toLowerCase())) words.pop();
  return { first: words[0] ?? '', last: words.slice(1).join(' ') };
}

// A company name: capitalised words, with the small words names carry between them
// ("Harlow & Finch", "Assurances du Lac", "Seguros del Sur"), at most five.
const CAP = String.raw`[\p{Lu}\p{N}][\p{L}\p{N}'’.&-]*`;
const JOIN = String.raw`(?:&|de|du|des|del|la|le|of)`;
const NAME = String.raw`${CAP}(?:\s+(?:${JOIN}\s+)?${CAP}){0,4}`;
const AT_COMPANY = new RegExp(String.raw`(?:^|\s)(?:at|chez|en|@)\s+(${NAME})`, 'u');
const AT_HANDLE = /(?:^|[\s(,|/])@([A-Za-z0-9_]{1,15})\b/gu;
// Where a former job is named: "ex-@acme", "formerly Acme", "antes en Acme", "anciennement chez Acme".
const FORMER = /(?:\bex[- ]?|\bprev\.?\s*|\bformerly\s+|\bpreviously\s+|\bantes\s+(?:en\s+)?|\banciennement\s+(?:chez\s+)?)$/iu;
// The first part of a bio, where people name their role: up to a sentence end or a separator.
const FIRST_PART = /^[^\n.!?|•·;]*/u;
// What follows "at", "en" or "@" and is no company: common words, and places people live in
// ("argentina en Madrid", "en France"). Not a gazetteer: a place missing here gives a wrong company.
const NOT_COMPANIES = new Set(
  [
    'home', 'work', 'night', 'day', 'heart', 'large', 'scale', 'the', 'a', 'an', 'my', 'x', 'linkedin', 'remote', 'remoto', 'télétravail',
    'london', 'londres', 'paris', 'new york', 'nyc', 'san francisco', 'sf', 'berlin', 'madrid', 'barcelona', 'barcelone', 'lyon', 'marseille',
    'bordeaux', 'nantes', 'lille', 'toulouse', 'montréal', 'montreal', 'québec', 'quebec', 'bruxelles', 'brussels', 'genève', 'geneva',
    'lisboa', 'lisbon', 'lisbonne', 'amsterdam', 'dublin', 'toronto', 'chicago', 'austin', 'boston', 'seattle', 'los angeles', 'mexico',
    'méxico', 'cdmx', 'bogotá', 'bogota', 'buenos aires', 'santiago', 'lima', 'medellín', 'medellin', 'valencia', 'sevilla', 'málaga',
    'france', 'francia', 'españa', 'spain', 'espagne', 'europe', 'europa', 'latam', 'usa', 'uk', 'canada', 'canadá', 'belgique',
    'suisse', 'argentina', 'colombia', 'chile', 'perú', 'peru', 'uruguay', 'méxico df', 'londra', 'el mundo', 'le monde', 'the world',
  ].map((w) => w.toLowerCase()),
);

/**
 * The company the bio names, or '' when unsure: in the bio's first part (where people put their
 * role), one current employer written `@acme`, `at Acme`, `chez Acme` or `en Acme` (`@ Acme`
 * too). A former one (`ex-@acme`, `formerly Acme`) is not it; two different ones are unsure.
 */
export function companyFromBio(bio: string | null | undefined): string {
  const text = clean(bio).normalize('NFKC');
  const first = FIRST_PART.exec(text)?.[0] ?? '';
  const found = new Set<string>();
  for (const m of first.matchAll(AT_HANDLE)) {
    const before = first.slice(0, m.index + m[0].indexOf('@'));
    if (!FORMER.test(before)) found.add(m[1]!);
  }
  const named = AT_COMPANY.exec(first);
  if (named) {
    const before = first.slice(0, named.index + named[0].length - named[0].trimStart().length);
    const company = named[1]!.replace(/[-'’.&]+$/u, '').trim();
    if (!FORMER.test(before) && company && !NOT_COMPANIES.has(company.toLowerCase())) found.add(company);
  }
  if (found.size !== 1) return '';
  return [...found][0]!;
}

/** One lead as a CRM row. */
export function crmRow(lead: ExportLead): CrmRow {
  const { first, last } = splitName(lead.name);
  return {
    firstName: first,
    lastName: last,
    handle: HANDLE.test(lead.username) ? lead.username : '',
    profileUrl: profileUrl(lead.username, lead.xUserId),
    company: companyFromBio(lead.description),
    persona: lead.persona,
    score: lead.score,
    reasons: clean(lead.reasons),
    owner: clean(lead.owner),
    state: lead.state,
    queuedOn: lead.queuedOn,
    lastDecisionAt: lead.lastDecisionAt?.toISOString() ?? '',
    decidedBy: clean(lead.lastDecisionBy),
    warmSince: lead.warmAt?.toISOString() ?? '',
    prospectorId: lead.id,
    xUserId: lead.xUserId,
  };
}

/** CRM rows of the leads matching `filter`, page by page. */
export async function* crmRows(db: Database, filter: ExportFilter = {}, pageSize?: number): AsyncGenerator<CrmRow[]> {
  for await (const page of exportLeads(db, filter, pageSize)) yield page.map(crmRow);
}

/**
 * The export as CSV, in chunks (the header line first): write them to a response or a file as
 * they come (`Readable.from(crmCsv(…))`). `preset` picks the columns (default generic).
 */
export async function* crmCsv(db: Database, filter: ExportFilter = {}, pageSize?: number, preset: CrmPreset = 'generic'): AsyncGenerator<string> {
  const columns: readonly Column<CrmRow>[] = CRM_PRESETS[preset];
  yield csvLine(columns.map((c) => c.header));
  for await (const page of crmRows(db, filter, pageSize)) yield page.map((r) => csvLine(columns.map((c) => c.value(r)))).join('');
}

/** The same rows as a JSON array, in chunks. */
export async function* crmJson(db: Database, filter: ExportFilter = {}, pageSize?: number): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const page of crmRows(db, filter, pageSize)) {
    const text = page.map((r) => JSON.stringify(r)).join(',\n');
    yield `${first ? '\n' : ',\n'}${text}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
