import type { CardAction, LeadCard } from '../../../db/web.ts';
import { LEAD_STATES, type LeadState } from '../../../db/schema.ts';
import { html, type Html } from '../html.ts';
import { count, csrfInput, initials, layout, paths, postForm, postUrl, userUrl, when, xLink, type PageContext } from './layout.ts';

/**
 * Today: the signed-in salesperson's queue, one card per lead, worked with buttons or keys
 * (/static/app.js reads the `data-key` attributes; `?` lists them). Each card is its own htmx
 * target: a decision answers with the card as it now is, the same `leadCard` the page renders.
 * Markup is kept lean: 50 leads, CSS and JS together aim at 150 kB.
 */

export interface TodayFilters {
  persona?: string | undefined;
  owner?: string | undefined;
  state?: LeadState | undefined;
}

export interface TodayData {
  /** The queue's day, 'YYYY-MM-DD'. */
  day: string;
  filters: TodayFilters;
  leads: readonly LeadCard[];
  /** For the filter form. */
  personas: readonly string[];
  owners: readonly string[];
}

/** Not a fit: the short list of reasons, keys 1–9 after `n`. The server accepts only these. */
export const NOT_A_FIT_REASONS = [
  'wrong role',
  'wrong seniority',
  'wrong industry',
  'company too small or too big',
  'competitor',
  'already a customer',
  'bot or fake account',
  'wrong language or region',
  'other',
] as const;

/** Snooze lengths in days, keys `h` then 1, 3, 7 (0 picks a date). */
export const SNOOZE_DAYS = [1, 3, 7] as const;

/** Decisions a card offers, with their key (DESIGN.md, the review page). */
const DECISIONS: Array<{ to: LeadState; label: string; key: string }> = [
  { to: 'contacted', label: 'Contacted', key: 'c' },
  { to: 'replied', label: 'Replied', key: 'r' },
  { to: 'won', label: 'Won', key: 'w' },
];

/** The keys, as the help lists them. */
export const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['j / k (↓ / ↑)', 'next / previous lead'],
  ['o / Enter · v', 'open the lead · open the post on X'],
  ['l · f', 'like · follow (this lead only)'],
  ['c · r · w', 'contacted · replied · won'],
  ['n then 1–9', 'not a fit, with a reason'],
  ['h then 1 / 3 / 7 / 0', 'snooze a day / 3 days / a week / pick a date'],
  ['Shift+D', 'do not contact (asks first)'],
  ['e', 'done for today, no decision'],
  ['x · Shift+j/k · Esc', 'select · extend · clear'],
  ['z', 'undo the last decision'],
  ['? · / · g t', 'these keys · filter · go to Today'],
];

export function todayPage(data: TodayData, ctx: PageContext): Html {
  const body = html`<h1>Today <small>${data.day} · ${count(data.leads.length)} lead${data.leads.length === 1 ? '' : 's'}</small></h1>
${filtersForm(data)}
${bulkBar(ctx)}
${keysHelp()}
<div class="cards">
${data.leads.length === 0 ? html`<p class="empty">No leads for these filters. The queue job fills the day each morning.</p>` : data.leads.map((l) => leadCard(l, ctx))}
</div>`;
  return layout(`Today ${data.day}`, 'today', body, ctx);
}

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
}

function filtersForm(data: TodayData): Html {
  const f = data.filters;
  const select = (name: string, label: string, values: readonly string[], current: string | undefined) =>
    html`<label>${label} <select name="${name}"><option value="">all</option>${values.map((v) => option(v, v, v === current))}</select></label>`;
  return html`<form method="get" action="${paths.today}" class="filters" role="search" aria-label="Filter the queue">
${select('persona', 'Persona', data.personas, f.persona)}
${select('owner', 'Owner', data.owners, f.owner)}
${select('state', 'State', LEAD_STATES, f.state)}
<label>Day <input type="date" name="date" value="${data.day}" data-key="/"></label>
<button type="submit">Filter</button>
</form>`;
}

/** Decisions on the selected leads (never a like or follow: X forbids bulk engagement). */
function bulkBar(ctx: PageContext): Html {
  return postForm(
    paths.bulk,
    ctx,
    html`<span class="sel" data-selected>Selected leads:</span>
<label>Decision <select name="to">${option('contacted', 'Contacted', false)}${option('not_a_fit', 'Not a fit', false)}${option('snoozed', 'Snooze a week', false)}${option('do_not_contact', 'Do not contact', false)}</select></label>
<label>Reason <select name="reason">${NOT_A_FIT_REASONS.map((r) => option(r, r, false))}</select></label>
<input type="hidden" name="days" value="7">
<button type="submit">Apply to selected</button>`,
    { id: 'bulk', cls: 'bulk', confirm: 'Apply this decision to every selected lead?' },
  );
}

function keysHelp(): Html {
  return html`<details id="keys" class="keys"><summary>Keys <kbd>?</kbd></summary>
<table><tbody>${KEYS.map(([k, what]) => html`<tr><th scope="row"><kbd>${k}</kbd></th><td>${what}</td></tr>`)}</tbody></table>
<label><input type="checkbox" id="keys-on" checked> Single-key shortcuts</label>
</details>`;
}

/** A score bar as SVG (no style attribute: the CSP forbids inline style). */
export function scoreBar(score: number): Html {
  const w = Math.max(0, Math.min(100, Math.round(score)));
  return html`<svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="score ${w} of 100"><rect width="100" height="6" class="bg"/><rect width="${w}" height="6" class="fg"/></svg>`;
}

const STATE_LABEL: Record<LeadState, string> = {
  new: 'new',
  contacted: 'contacted',
  replied: 'replied',
  won: 'won',
  not_a_fit: 'not a fit',
  snoozed: 'snoozed',
  do_not_contact: 'do not contact',
};

/** One lead: who, why, the post, what they did back, what waits for a click, the decisions. */
export function leadCard(l: LeadCard, ctx: PageContext): Html {
  const id = `lead-${l.id}`;
  const profile = userUrl(l.prospectId);
  const meta = [l.location ? html`<span>${l.location}</span>` : '', html`<span>${count(l.followersCount)} followers</span>`];
  return html`<article class="lead" id="${id}" data-lead="${l.id}" data-state="${l.state}" tabindex="-1" aria-labelledby="${id}-n" hx-target="this" hx-swap="outerHTML">
<header><input type="checkbox" form="bulk" name="ids" value="${l.id}" aria-label="Select lead ${l.id}" class="pick">
<span class="av" aria-hidden="true">${initials(l.name, l.username)}</span>
<h2 id="${id}-n"><a href="${paths.lead(l.id)}" data-key="o">${l.name}</a></h2>
<span class="h">@${l.username}</span>
<span class="st ${l.state}">${STATE_LABEL[l.state]}</span>${l.warmAt ? html`<span class="st warm">warm</span>` : ''}${l.heldReply ? html`<span class="st held">possible opt-out</span>` : ''}
<span class="m">${meta} <span>${l.persona}</span>${l.owner ? html` <span>${l.owner}</span>` : ''}</span></header>
<div class="sc">${scoreBar(l.score)} <b>${l.score}</b></div>
${l.reasons ? html`<p class="why">${l.reasons}</p>` : ''}
${l.description ? html`<p class="bio">${l.description}</p>` : ''}
${l.post ? html`<blockquote class="post"><p>${l.post.text}</p>${xLink(postUrl(l.post.id), 'the post on X', html` data-key="v"`)}</blockquote>` : ''}
${signalsList(l)}
<div class="act">${xLink(profile, 'Open on X')}${l.actions.map((a) => actionControl(l, a, ctx))}</div>
${decisionForm(l, ctx)}
</article>`;
}

function signalsList(l: LeadCard): Html {
  if (l.signals.length === 0) return html``;
  return html`<ul class="sig">${l.signals.map((s) => html`<li>${s.kind.replace('_', ' ')} <time datetime="${s.occurredAt.toISOString()}">${when(s.occurredAt)}</time></li>`)}</ul>`;
}

/** A planned like or follow is a button (assist mode: one click, one lead); the others say what happened. */
function actionControl(l: LeadCard, a: CardAction, ctx: PageContext): Html {
  const verb = a.kind === 'like' ? 'Like' : 'Follow';
  const as = a.accountHandle ? ` as @${a.accountHandle}` : '';
  if (a.status === 'planned') {
    const what = a.kind === 'like' ? html` ${xLink(postUrl(a.target), 'post')}` : '';
    return postForm(
      paths.act(l.id),
      ctx,
      html`<input type="hidden" name="action" value="${a.id}"><button type="submit" name="kind" value="${a.kind}" data-key="${a.kind === 'like' ? 'l' : 'f'}">${verb}${as}</button>${what}`,
      { cls: 'inline' },
    );
  }
  const done = a.kind === 'like' ? 'Liked' : 'Followed';
  const text =
    a.status === 'done' ? html`<span class="ok">${done}${as}</span>` : a.status === 'pending' ? html`<span>${verb}${as}: sending</span>` : a.status === 'failed' ? html`<span class="err">${verb}${as} failed${a.error ? html`: ${a.error}` : ''}</span>` : html`<span class="mute">${verb} ${a.status}</span>`;
  return text;
}

/**
 * One form for every decision of the card: the button pressed names the new state; the reason,
 * days and note fields go with it. The note and undo buttons post to their own paths.
 */
function decisionForm(l: LeadCard, ctx: PageContext): Html {
  const closed = l.state === 'do_not_contact';
  if (closed) return html``;
  const n = l.id;
  const decisions = DECISIONS.map((d) => html`<button name="to" value="${d.to}" data-key="${d.key}">${d.label}</button>`);
  return html`<form method="post" action="${paths.decide(n)}" hx-post="${paths.decide(n)}" class="dec">${csrfInput(ctx)}<input type="hidden" name="updated" value="${l.updatedAt.toISOString()}">
${decisions}
<span class="grp"><select name="reason" aria-label="Not a fit: reason">${NOT_A_FIT_REASONS.map((r, i) => html`<option value="${r}">${i + 1} ${r}</option>`)}</select><input name="reason_text" aria-label="Not a fit: details" placeholder="details"><button name="to" value="not_a_fit" data-key="n">Not a fit</button></span>
<span class="grp"><select name="days" aria-label="Snooze for">${SNOOZE_DAYS.map((d) => html`<option value="${d}">${d} day${d === 1 ? '' : 's'}</option>`)}</select><input type="date" name="until" aria-label="Snooze until"><button name="to" value="snoozed" data-key="h">Snooze</button></span>
<button name="to" value="do_not_contact" data-key="D" class="danger" hx-confirm="Never contact @${l.username} again, for every persona?">Do not contact</button>
<span class="grp"><input name="note" aria-label="Note" placeholder="note"><button formaction="${paths.note(n)}" hx-post="${paths.note(n)}" data-key="note">Save note</button></span>
<button formaction="${paths.undo(n)}" hx-post="${paths.undo(n)}" data-key="z"${l.state === 'new' ? html` disabled` : ''}>Undo</button>
</form>`;
}
