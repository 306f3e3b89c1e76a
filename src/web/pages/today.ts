import type { CardAction, LeadCard } from '../../../db/web.ts';
import { LEAD_STATES, NOT_A_FIT_REASONS as REASONS, type LeadState } from '../../../db/schema.ts';
import { html, type Html } from '../html.ts';
import { count, csrfInput, flash, initials, layout, paths, postForm, postUrl, userUrl, when, xLink, type Flash, type PageContext } from './layout.ts';

/**
 * Today: the signed-in salesperson's queue, one card per lead, worked with buttons or keys
 * (/static/app.js reads the `data-key` attributes; `?` lists them). Each card is its own htmx
 * target (`closest article`, inherited from the list): a decision answers with the card as it
 * now is, the same `leadCard` the page renders. Markup is kept lean: 50 leads, CSS and JS
 * together aim at 150 kB.
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

/**
 * Not a fit: the short list of reasons, keys 1–9 after `n`, offered once per page as a datalist
 * (a select per card would weigh more than the card); free text is welcome too.
 */
export const NOT_A_FIT_REASONS: readonly string[] = REASONS.map((r) => r.replaceAll('_', ' '));

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
  ['n then 1–7', 'not a fit, with a reason'],
  ['h then 1 / 3 / 7 / 0', 'snooze a day / 3 days / a week / type the days'],
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
<datalist id="nf">${NOT_A_FIT_REASONS.map((r) => html`<option value="${r}">`)}</datalist>
<div class="cards" hx-target="closest article" hx-swap="outerHTML">
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
    html`<label>${label} <select name="${name}"${name === 'persona' ? html` data-key="/"` : ''}><option value="">all</option>${values.map((v) => option(v, v, v === current))}</select></label>`;
  return html`<form method="get" action="${paths.today}" class="filters" role="search" aria-label="Filter the queue">
${select('persona', 'Persona', data.personas, f.persona)}
${select('owner', 'Owner', data.owners, f.owner)}
${select('state', 'State', LEAD_STATES, f.state)}
<label>Day <input type="date" name="date" value="${data.day}"></label>
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
<label>Reason <input name="reason" list="nf" placeholder="not a fit: why"></label>
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

/**
 * A score bar: its width is a class per 5% step (app.css has w0 … w100), since the CSP forbids
 * style attributes. The number beside it says the score to screen readers.
 */
export function scoreBar(score: number): Html {
  const step = Math.max(0, Math.min(100, Math.round(score / 5) * 5));
  return html`<span class="bar" aria-hidden="true"><i class="w${step}"></i></span>`;
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

/**
 * One lead: who, why, the post, what they did back, what waits for a click, the decisions.
 * `message` is what the last click on this card gave (a like done and the budget left, or why it
 * was refused; a decision recorded, or why not), shown in the card the server sends back.
 */
export function leadCard(l: LeadCard, ctx: PageContext, message?: Flash): Html {
  const id = `lead-${l.id}`;
  const meta = [l.location ? html`<span>${l.location}</span>` : '', html`<span>${count(l.followersCount)} followers</span>`];
  return html`<article class="lead" id="${id}" tabindex="-1" aria-labelledby="${id}-n">
<header><input type="checkbox" form="bulk" name="ids" value="${l.id}" aria-label="Select lead ${l.id}">
<span class="av" aria-hidden="true">${initials(l.name, l.username)}</span>
<h2 id="${id}-n"><a href="${paths.lead(l.id)}" data-key="o">${l.name}</a></h2>
<span class="h">@${l.username}</span>
<span class="st ${l.state}">${STATE_LABEL[l.state]}</span>${l.warmAt ? html`<span class="st warm">warm</span>` : ''}${l.heldReply ? html`<span class="st held">possible opt-out</span>` : ''}
<span class="m">${meta} <span>${l.persona}</span>${l.owner ? html` <span>${l.owner}</span>` : ''}</span></header>
${message ? html`<div role="status">${flash(message)}</div>` : ''}
<div class="sc">${scoreBar(l.score)} <b>score ${l.score}</b></div>
${l.reasons ? html`<p class="why">${l.reasons}</p>` : ''}
${l.description ? html`<p class="bio">${l.description}</p>` : ''}
${l.post ? html`<blockquote class="post"><p>${l.post.text}</p>${xLink(postUrl(l.post.id), 'the post on X', html` data-key="v"`)}</blockquote>` : ''}
${signalsList(l)}
${decisionForm(l, ctx)}
</article>`;
}

function signalsList(l: LeadCard): Html {
  if (l.signals.length === 0) return html``;
  return html`<ul class="sig">${l.signals.map((s) => html`<li>${s.kind.replace('_', ' ')} <time datetime="${s.occurredAt.toISOString()}">${when(s.occurredAt)}</time></li>`)}</ul>`;
}

/**
 * A planned like or follow is a button of the card's form (assist mode: one click, one lead),
 * posting the action's id; the others say what happened.
 */
function actionControl(l: Pick<LeadCard, 'id'>, a: CardAction): Html {
  const verb = a.kind === 'like' ? 'Like' : 'Follow';
  // Escaping trims each value: the space goes in the markup.
  const as = a.accountHandle ? html` as @${a.accountHandle}` : '';
  if (a.status === 'planned') {
    return html`<button formaction="${paths.act(l.id)}" hx-post="${paths.act(l.id)}" name="action" value="${a.id}" data-key="${a.kind === 'like' ? 'l' : 'f'}">${verb}${as}</button>`;
  }
  const done = a.kind === 'like' ? 'Liked' : 'Followed';
  if (a.status === 'done') return html`<span class="ok">${done}${as}</span>`;
  if (a.status === 'pending') return html`<span>${verb}${as}: sending</span>`;
  if (a.status === 'failed') return html`<span class="err">${verb}${as} failed${a.error ? html`: ${a.error}` : ''}</span>`;
  return html`<span class="mute">${verb} ${a.status}</span>`;
}

/** What the decision form needs of a lead: the Lead page has it too. */
export type DecisionTarget = Pick<LeadCard, 'id' | 'prospectId' | 'state' | 'updatedAt'> & { actions: readonly CardAction[] };

/**
 * One form per card (a form each would weigh more than the card): the button pressed names the
 * new state, and the reason, days and note fields go with it; like, follow, note and undo post to
 * their own paths (`formaction`). `updated` (the lead's, in ms) lets the server tell a stale page
 * from a fresh one.
 */
export function decisionForm(l: DecisionTarget, ctx: PageContext): Html {
  // A like or a follow not planned yet is offered too: the click plans it and performs it at once.
  const unplanned = (['like', 'follow'] as const).filter((kind) => !l.actions.some((a) => a.kind === kind && a.status !== 'cancelled' && a.status !== 'skipped'));
  const offer = unplanned.map((kind) => html`<button formaction="${paths.act(l.id)}" hx-post="${paths.act(l.id)}" name="kind" value="${kind}" data-key="${kind === 'like' ? 'l' : 'f'}">${kind === 'like' ? 'Like' : 'Follow'}</button>`);
  const open = html`<div class="act">${xLink(userUrl(l.prospectId), 'Open on X')}${l.actions.map((a) => actionControl(l, a))}${offer}</div>`;
  if (l.state === 'do_not_contact') return open;
  const n = l.id;
  const decisions = DECISIONS.map((d) => html`<button name="to" value="${d.to}" data-key="${d.key}">${d.label}</button>`);
  return html`<form method="post" action="${paths.decide(n)}" hx-post="${paths.decide(n)}" class="dec">${csrfInput(ctx)}<input type="hidden" name="updated" value="${l.updatedAt.getTime()}">
${open}
${decisions}
<span><input name="reason" list="nf" aria-label="Not a fit: reason" placeholder="reason"><button name="to" value="not_a_fit" data-key="n">Not a fit</button></span>
<span><input type="number" name="days" value="3" min="1" max="365" aria-label="Snooze: days"><button name="to" value="snoozed" data-key="h">Snooze</button></span>
<button name="to" value="do_not_contact" data-key="D" class="danger" hx-post="${paths.decide(n)}" hx-confirm="Never contact this person again?">Do not contact</button>
<span><input name="note" aria-label="Note" placeholder="note"><button formaction="${paths.note(n)}" hx-post="${paths.note(n)}">Note</button></span>
<button formaction="${paths.undo(n)}" hx-post="${paths.undo(n)}" data-key="z"${l.state === 'new' ? html` disabled` : ''}>Undo</button>
</form>`;
}
