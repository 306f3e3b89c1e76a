import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Activity, DoNotContactPage, LeadCard, LeadHistory, PersonaFunnel } from '../db/web.ts';
import { composePost, generateUsers, HOSTILE_BIOS, HOSTILE_NAMES, HOSTILE_POSTS, isHostile } from '../src/sandbox/population/index.ts';
import { Rng } from '../src/sandbox/rng.ts';
import type { SandboxUser } from '../src/sandbox/types.ts';
import { activityPage, gauge } from '../src/web/pages/activity.ts';
import { doNotContactView } from '../src/web/pages/dnc.ts';
import { initials, type PageContext } from '../src/web/pages/layout.ts';
import { leadPage } from '../src/web/pages/lead.ts';
import { personasPage, readPersonaConfig } from '../src/web/pages/personas.ts';
import { leadCard, scoreBar, todayPage } from '../src/web/pages/today.ts';
import type { Html } from '../src/web/html.ts';

const AT = new Date('2026-11-02T09:00:00Z');
const CTX: PageContext = { user: 'maya <b>', csrf: 'tok-123', pause: { id: 1, reason: '<script>alert("pause")</script>', pausedAt: AT, pausedBy: 'ops' } };
const CSS = readFileSync(new URL('../src/web/static/app.css', import.meta.url), 'utf8');

/** The hostile people of a sandbox population, with a post each. */
const HOSTILE: Array<{ user: SandboxUser; post: string }> = (() => {
  const users = generateUsers(7, 6000).filter((u) => isHostile(u.index));
  const rng = new Rng(7, 'web-pages');
  return users.map((user) => ({ user, post: composePost(rng, user, { kind: 'original' }).text }));
})();

function card(user: SandboxUser, post: string, i: number, over: Partial<LeadCard> = {}): LeadCard {
  return {
    id: i + 1,
    prospectId: user.id,
    persona: 'saas-en',
    owner: 'maya',
    queuedOn: '2026-11-02',
    state: 'new',
    score: 40 + i,
    reasons: `+15 title matches; ${user.description.slice(0, 40)}`,
    snoozedUntil: null,
    warmAt: i % 2 === 0 ? AT : null,
    updatedAt: AT,
    username: user.username,
    name: user.name,
    description: user.description,
    location: user.location,
    followersCount: user.followersCount,
    hasAvatar: true,
    post: { id: String(1_800_000_000_000_000_000n + BigInt(i)), text: post, createdAt: AT },
    actions: [
      { id: 10 * i + 1, kind: 'like', status: 'planned', target: String(1_800_000_000_000_000_000n + BigInt(i)), account: '900001', accountHandle: 'maya_sells', error: null },
      { id: 10 * i + 2, kind: 'follow', status: i % 2 === 0 ? 'done' : 'failed', target: user.id, account: '900001', accountHandle: 'maya_sells', error: i % 2 === 0 ? null : `refused: ${user.name}` },
    ],
    signals: [{ kind: 'followed_back', occurredAt: AT }],
    heldReply: i === 1,
    ...over,
  };
}

const CARDS = HOSTILE.map((h, i) => card(h.user, h.post, i));

function history(c: LeadCard): LeadHistory {
  return {
    id: c.id,
    prospectId: c.prospectId,
    persona: c.persona,
    owner: c.owner,
    queuedOn: c.queuedOn,
    state: 'contacted',
    score: c.score,
    reasons: c.reasons,
    snoozedUntil: null,
    warmAt: c.warmAt,
    createdAt: AT,
    updatedAt: AT,
    username: c.username,
    name: c.name,
    description: c.description,
    location: c.location,
    url: 'javascript:alert(1)',
    followersCount: c.followersCount,
    verified: false,
    events: [
      { id: 1, leadId: c.id, at: AT, actor: 'system', kind: 'queued', fromState: null, toState: 'new', note: 'queued for saas-en', reason: null, requestId: null, snoozedUntil: null, undoes: null },
      { id: 2, leadId: c.id, at: AT, actor: 'maya', kind: 'decision', fromState: 'new', toState: 'contacted', note: c.post!.text, reason: null, requestId: null, snoozedUntil: null, undoes: null },
    ],
    signals: [{ kind: 'replied', account: '900001', accountHandle: 'maya_sells', postId: 'javascript:alert(1)', occurredAt: AT }],
    actions: [{ id: 1, kind: 'like', account: '900001', accountHandle: 'maya_sells', target: '"><script>alert(1)</script>', persona: 'saas-en', status: 'failed', plannedAt: AT, sentAt: AT, finishedAt: AT, outcome: null, error: c.description, actor: 'maya' }],
    matches: [{ persona: 'saas-en', score: 70, explanation: c.reasons, matchedAt: AT, scoredAt: AT, post: c.post, lead: { id: c.id, state: 'contacted', score: c.score, queuedOn: c.queuedOn } }],
    scores: [{ persona: 'saas-en', queued: c.score, queuedOn: c.queuedOn, now: 70, scoredAt: AT }],
    notes: [{ at: AT, actor: 'maya', toState: 'contacted', note: c.post!.text }],
    heldReply: true,
  };
}

const FUNNEL: PersonaFunnel = {
  persona: 'saas-en',
  from: '2026-11-01',
  to: '2026-11-30',
  stages: [
    { stage: 'found', count: 12_400 },
    { stage: 'matched', count: 3_100 },
    { stage: 'engaged', count: 900 },
    { stage: 'engaged back', count: 210 },
    { stage: 'queued', count: 300 },
    { stage: 'contacted', count: 180 },
    { stage: 'replied', count: 41 },
    { stage: 'won', count: 6 },
  ],
  scores: Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: (i + 1) * 37 })),
  reads: { posts: 50_000, users: 12_400, requests: 500, costUsd: 250 },
  costPerQueuedLead: 250 / 300,
  costPerReply: 250 / 41,
};

function activityData(): Activity {
  const h = HOSTILE[0]!.user;
  return {
    since: AT,
    totals: [{ kind: 'like', status: 'done', count: 12 }],
    actions: [{ id: 1, kind: 'like', status: 'failed', account: '900001', accountHandle: 'maya_sells', prospectId: h.id, username: h.username, persona: 'saas-en', actor: 'maya', at: AT, error: h.description, attempts: 0 }],
    budgets: [
      { account: '900001', accountHandle: 'maya_sells', kind: 'like', scope: 'x', window: '15min', used: 3, limit: 50, resetAt: AT },
      { account: '900001', accountHandle: 'maya_sells', kind: 'follow', scope: 'persona:saas-en', window: 'day', used: 20, limit: 20, resetAt: AT },
    ],
    runs: [{ id: 1, job: 'search', persona: 'saas-en', status: 'failed', startedAt: AT, finishedAt: AT, error: '<script>alert("run")</script>', lines: ['search saas-en: 212 posts, 87 new prospects'], errors: [HOSTILE_POSTS[1]] }],
    errors: [],
    unsettled: [{ id: 2, kind: 'follow', status: 'pending', account: '900001', accountHandle: 'maya_sells', prospectId: h.id, username: h.username, persona: 'saas-en', actor: 'engage', at: AT, error: HOSTILE_POSTS[0]!, attempts: 2 }],
    stops: [{ kind: 'usage_capped', detail: '<img src=x onerror=alert(1)>', at: AT, until: null }],
    pause: CTX.pause,
    pausedAccounts: [{ handle: 'maya_sells', owner: 'maya', pausedAt: AT, reason: HOSTILE_BIOS[2] }],
  };
}

function dncData(): DoNotContactPage {
  return {
    search: '"><script>alert(1)</script>',
    entries: HOSTILE.map((h) => ({ prospectId: h.user.id, username: h.user.username, name: h.user.name, reason: h.post, source: 'opt_out', addedAt: AT, addedBy: 'system' })),
    history: HOSTILE.map((h, i) => ({ id: i, prospectId: h.user.id, username: h.user.username, change: 'added' as const, at: AT, actor: 'maya', source: 'lead', reason: h.user.description, replyId: null })),
  };
}

const CONFIG = {
  id: 'saas-en',
  file: 'config/personas/saas-en.yaml',
  source: 'id: saas-en\nwho:\n  titles: ["<script>alert(1)</script>"]\nengagement:\n  like:\n    per_day: ten\n',
  issues: [{ file: 'config/personas/saas-en.yaml', line: 6, path: 'engagement.like.per_day', message: 'expected a number ≥ 0, got "ten" <b>' }],
};

async function everyPage(): Promise<Array<[string, string]>> {
  const pages: Array<[string, Html]> = [
    ['today', todayPage({ day: '2026-11-02', filters: { persona: 'saas-en' }, leads: CARDS, personas: ['saas-en', '<b>x</b>'], owners: ['maya'] }, CTX)],
    ['lead', leadPage(history(CARDS[0]!), CTX)],
    ['personas', await personasPage({ personas: ['saas-en'], persona: 'saas-en', from: FUNNEL.from, to: FUNNEL.to, funnel: FUNNEL, config: CONFIG }, CTX)],
    ['activity', activityPage(activityData(), CTX)],
    ['dnc', doNotContactView(dncData(), CTX)],
  ];
  return pages.map(([name, page]) => [name, page.value]);
}

/** Every tag of a page: all of them are ours, since text from X has its '<' escaped. */
const tags = (page: string): string[] => page.match(/<[^>]+>/g) ?? [];

describe('review page renderers', () => {
  it('draws hostile people from the sandbox population: script, HTML, javascript: URLs, overrides, long words', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(8);
    const texts = HOSTILE.flatMap((h) => [h.user.name, h.user.description, h.post]).join('\n');
    expect(texts).toContain('<script>');
    expect(texts).toContain('onerror=');
    expect(texts).toContain('javascript:');
    expect(texts).toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(texts).toMatch(/\S{100,}/);
    // Every payload made it into someone (names, bios and posts cycle through their lists).
    for (const payload of [...HOSTILE_NAMES, ...HOSTILE_BIOS.map((b) => b.slice(0, 20)), ...HOSTILE_POSTS.map((p) => p.slice(0, 20))]) {
      expect(texts.includes(payload), payload).toBe(true);
    }
    for (const { user, post } of HOSTILE) {
      expect(user.name.length).toBeLessThanOrEqual(50);
      expect(user.description.length).toBeLessThanOrEqual(160);
      expect(post.length).toBeLessThanOrEqual(280);
    }
  });

  it('renders every page with hostile text inert: no script, handler, javascript: URL or override from data', async () => {
    for (const [name, page] of await everyPage()) {
      // Our own scripts only, by src, in the head.
      const scripts = page.match(/<script\b[^>]*>/gi) ?? [];
      expect(scripts, name).toEqual(['<script src="/static/htmx.min.js" defer>', '<script src="/static/app.js" defer>']);
      expect(page.match(/<\/script>/gi), name).toHaveLength(2);
      for (const tag of tags(page)) {
        expect(tag, `${name}: ${tag}`).not.toMatch(/\son[a-z]+\s*=/i);
        expect(tag, `${name}: ${tag}`).not.toMatch(/javascript:/i);
        expect(tag, `${name}: ${tag}`).not.toMatch(/^<(img|iframe|object|embed|a href="(?!\/|https:\/\/x\.com\/)|style)\b/i);
        expect(tag, `${name}: ${tag}`).not.toMatch(/\sstyle\s*=/i);
      }
      expect(page, name).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      // The text is there, escaped, not dropped.
      if (name !== 'personas') expect(page, name).toContain('&lt;script&gt;');
    }
  });

  it('links to X only from ids: a post by its id, a person by their user id', async () => {
    for (const [name, page] of await everyPage()) {
      const external = [...page.matchAll(/href="(https?:[^"]*)"/g)].map((m) => m[1]!);
      for (const href of external) expect(href, name).toMatch(/^https:\/\/x\.com\/(i\/web\/status\/\d+|intent\/user\?user_id=\d+)$/);
      for (const a of page.match(/<a [^>]*target="_blank"[^>]*>/g) ?? []) expect(a).toContain('rel="noreferrer"');
    }
    const today = (await everyPage())[0]![1];
    expect(today).toContain(`href="https://x.com/intent/user?user_id=${HOSTILE[0]!.user.id}"`);
    expect(today).toContain('href="https://x.com/i/web/status/1800000000000000000"');
    // A post id that is not an id gets no link (the lead page's signal with 'javascript:alert(1)').
    expect((await everyPage())[1]![1]).not.toContain('status/javascript');
  });

  it('Lead: the history, and the same decisions as a plain form', async () => {
    const page = (await everyPage())[1]![1];
    expect(page).toContain('<div hx-disable><form method="post" action="/leads/1/decide"');
    expect(page).toContain('name="to" value="won" data-key="w"');
    // Contacted already: it can be undone.
    expect(page).toMatch(/<button formaction="\/leads\/1\/undo" hx-post="\/leads\/1\/undo" data-key="z">Undo<\/button>/);
    expect(page).toContain('<th scope="row">saas-en</th><td class="n">40 <small>(2026-11-02)</small></td><td class="n">70</td>');
    expect(page).toContain('<b>maya</b>: new → contacted <q class="note">');
    expect(page).toContain('possible opt-out: a reply waits for a person');
  });

  it('lets very long words wrap (CSS) and shows initials, never a hot-linked avatar', async () => {
    expect(CSS).toMatch(/\.lead h2, \.h, \.bio, \.post, \.why, \.note, td, \.hist li, \.issues li \{ overflow-wrap: anywhere;/);
    const today = (await everyPage())[0]![1];
    const long = HOSTILE.find((h) => /\S{100,}/.test(h.user.description))!;
    expect(today).toMatch(new RegExp(`<p class="bio">${long.user.description.match(/\S{100,}/)![0]}`));
    expect(today).not.toMatch(/<img\b/i);
    expect(initials('<script>alert(1)</script>Ann', 'ann')).toBe('SA');
    expect(initials('Eve \u202Enwod\u202C Smith', 'eve')).toBe('EN');
    expect(initials('"><!-- 123', 'zed')).toBe('Z');
  });

  it("Today: cards with score bar, reasons, post, signals, the waiting like, decisions with keys, CSRF in every form", () => {
    const c = card(HOSTILE[0]!.user, 'anyone recommend a CRM?', 0, { score: 72, warmAt: AT, heldReply: true });
    const html = leadCard(c, CTX).value;
    expect(html).toContain('<span class="bar" aria-hidden="true"><i class="w70"></i></span> <b>score 72</b>');
    expect(html).toContain('<span class="st warm">warm</span>');
    expect(html).toContain('possible opt-out');
    expect(html).toContain('<p>anyone recommend a CRM?</p>');
    expect(html).toContain('followed back');
    // The planned like is a one-click button; the done follow says so.
    expect(html).toContain('<button formaction="/leads/1/act" hx-post="/leads/1/act" name="action" value="1" data-key="l">Like as @maya_sells</button>');
    expect(html).toContain('<span class="ok">Followed as @maya_sells</span>');
    for (const key of ['o', 'v', 'l', 'c', 'r', 'w', 'n', 'h', 'D', 'z']) expect(html, key).toContain(`data-key="${key}"`);
    for (const to of ['contacted', 'replied', 'won', 'not_a_fit', 'snoozed', 'do_not_contact']) expect(html).toContain(`name="to" value="${to}"`);
    expect(html).toContain('hx-post="/leads/1/decide"');
    // htmx asks before it posts do-not-contact: the button is what it posts.
    expect(html).toContain('data-key="D" class="danger" hx-post="/leads/1/decide" hx-confirm="Never contact this person again?"');
    expect(html).toContain('<input type="hidden" name="updated" value="1793610000000">');
    expect(html).toContain('<input type="checkbox" form="bulk" name="ids" value="1"');
    const forms = html.match(/<form method="post"[^>]*>/g) ?? [];
    expect(forms.length).toBe(1);
    expect(html.match(/<input type="hidden" name="_csrf" value="tok-123">/g)).toHaveLength(1);
    // A lead on the do-not-contact list has no decision left, and no form.
    expect(leadCard({ ...c, state: 'do_not_contact' }, CTX).value).not.toContain('<form');
    // What the last click gave shows in the card sent back.
    expect(leadCard(c, CTX, { kind: 'error', text: 'Refused: @maya_sells has no likes left today <b>' }).value).toContain(
      '<div role="status"><p class="flash error">Refused: @maya_sells has no likes left today &lt;b&gt;</p></div>',
    );
    expect(scoreBar(140).value).toContain('class="w100"');
    expect(scoreBar(72.4).value).toContain('class="w70"');
    expect(scoreBar(73).value).toContain('class="w75"');
    // Every step the renderer can give has its width in the CSS.
    for (let w = 0; w <= 100; w += 5) expect(CSS).toContain(`.w${w}{width:${w}%}`);
  });

  it('Today page: filters, bulk bar, keys help, the pause banner, the signed-in user, every POST with its CSRF token', async () => {
    const today = (await everyPage())[0]![1];
    expect(today).toContain('<option value="saas-en" selected>saas-en</option>');
    expect(today).toContain('<option value="&lt;b&gt;x&lt;/b&gt;">');
    expect(today).toContain('id="bulk"');
    expect(today).toContain('<div class="cards" hx-target="closest article" hx-swap="outerHTML">');
    expect(today).toContain('<details id="keys"');
    expect(today).toContain('Signed in as <strong>maya &lt;b&gt;</strong>');
    expect(today).toContain('Every worker is paused since 2026-11-02 09:00 UTC by ops: &lt;script&gt;');
    expect(today).toContain('<a href="/" aria-current="page">Today</a>');
    for (const [name, page] of await everyPage()) {
      const posts = page.match(/<form method="post"[^>]*>/g) ?? [];
      const tokens = page.match(/<input type="hidden" name="_csrf" value="tok-123">/g) ?? [];
      expect(tokens.length, name).toBe(posts.length);
    }
  });

  it('Personas: the funnel and the scores as server-drawn SVG with the numbers as tables, cost, the config with its error at its line', async () => {
    const page = (await everyPage())[2]![1];
    expect(page.match(/<svg aria-hidden="true" focusable="false" xmlns="http:\/\/www.w3.org\/2000\/svg"/g)).toHaveLength(2);
    for (const stage of ['found', 'matched', 'engaged back', 'won']) expect(page).toContain(`>${stage}</text>`);
    expect(page).toContain('<th scope="row">replied</th><td class="n">41</td><td class="n">0.3%</td>');
    expect(page).toContain('<dt>per queued lead</dt><dd>$0.8333</dd>');
    expect(page).toContain('<dt>per reply</dt><dd>$6.10</dd>');
    expect(page).toContain('<code>config/personas/saas-en.yaml:6</code> <code>engagement.like.per_day</code>: expected a number ≥ 0, got &quot;ten&quot; &lt;b&gt;');
    expect(page).toContain('<li class="bad"><code>&nbsp;&nbsp;&nbsp;&nbsp;per_day: ten</code>');
    expect(page).toContain('<code>&nbsp;&nbsp;titles: [&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;]</code>');
  });

  it("reads a persona's file with its validation problems at their lines, or says it cannot", async () => {
    const good = await readPersonaConfig('config/personas/growth-saas-en.yaml', 'growth-saas-en');
    expect(good.issues).toEqual([]);
    expect(good.source).toContain('id: growth-saas-en');
    const dir = mkdtempSync(join(tmpdir(), 'prospector-persona-'));
    try {
      const file = join(dir, 'broken.yaml');
      writeFileSync(file, readFileSync('config/personas/growth-saas-en.yaml', 'utf8').replace('id: growth-saas-en', 'id: broken').replace(/per_day: \d+/, 'per_day: ten'));
      const bad = await readPersonaConfig(file, 'broken');
      expect(bad.issues.length).toBeGreaterThan(0);
      const issue = bad.issues[0]!;
      expect(issue.line).toBeGreaterThan(1);
      expect(bad.source!.split('\n')[issue.line! - 1]).toContain('ten');
      const page = (await personasPage({ personas: ['broken'], persona: 'broken', from: '2026-11-01', to: '2026-11-30', funnel: FUNNEL, config: bad }, CTX)).value;
      expect(page).toContain(`<code>${file}:${issue.line}</code>`);
      const missing = await readPersonaConfig(join(dir, 'gone.yaml'), 'gone');
      expect(missing.source).toBeNull();
      expect(missing.issues[0]!.message).toMatch(/^cannot read: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Activity: gauges per budget window, runs with outcome lines, stops, answers lost, the resume form while paused', async () => {
    const page = (await everyPage())[3]![1];
    expect(page).toContain('aria-label="@maya_sells like, X 15min: 3 of 50 used"');
    expect(gauge(activityData().budgets[1]!).value).toMatch(/<li class="gauge full">.*stroke-dasharray="125.7 125.7"/s);
    expect(page).toContain('<div>search saas-en: 212 posts, 87 new prospects</div>');
    expect(page).toContain('action="/resume" data-confirm="Resume every worker?"');
    expect(page).not.toContain('action="/pause"');
    expect(activityPage({ ...activityData(), pause: undefined }, { ...CTX, pause: undefined }).value).toContain('action="/pause"');
    expect(page).toContain('prospector stops clear usage_capped');
    // Likes and follows whose answer was lost, with their attempts; none, no section.
    expect(page).toMatch(/<h2>Answers lost<\/h2>.*<th scope="col">attempts<\/th>.*<td>follow<\/td>.*<td class="n">2<\/td><td class="pending">pending/s);
    expect(activityPage({ ...activityData(), unsettled: [] }, CTX).value).not.toContain('Answers lost');
  });

  it('Do not contact: search, add and remove forms with a reason, the history', async () => {
    const page = (await everyPage())[4]![1];
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toContain('action="/do-not-contact/add"');
    expect(page.match(/action="\/do-not-contact\/remove"/g)).toHaveLength(HOSTILE.length);
    expect(page).toMatch(/<input name="reason" required aria-label="Why remove @\w+"/);
    expect(page.match(/<li><time/g)).toHaveLength(HOSTILE.length);
  });

  it('keeps 50 lead cards, the CSS and the script under 150 kB (htmx aside)', () => {
    const rng = new Rng(7, 'weight');
    const people = generateUsers(7, 400).filter((u) => !u.truth.is_automated && u.description !== '').slice(0, 50);
    const cards = people.map((u, i) =>
      card(u, composePost(rng, u, { kind: 'original' }).text, i, {
        reasons: "+15 title 'VP Marketing' matches; +8 asks for a CRM; −9 follows 4,210 accounts, followed by 12; +5 audience 2,300",
      }),
    );
    expect(cards).toHaveLength(50);
    const page = todayPage({ day: '2026-11-02', filters: {}, leads: cards, personas: ['saas-en'], owners: ['maya'] }, CTX).value;
    const js = readFileSync(new URL('../src/web/static/app.js', import.meta.url), 'utf8');
    const bytes = Buffer.byteLength(page) + Buffer.byteLength(CSS) + Buffer.byteLength(js);
    expect(bytes).toBeLessThan(150_000);
  });
});
