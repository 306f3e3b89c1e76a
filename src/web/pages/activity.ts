import type { Activity, ActivityAction, BudgetGauge } from '../../../db/web.ts';
import { html, type Html } from '../html.ts';
import { count, layout, paths, postForm, when, type PageContext } from './layout.ts';

/**
 * Activity, for ops: the pause switch, budgets per account as gauges, what X stopped, the
 * actions and their outcomes, errors (429s among them), job runs with their outcome lines.
 */

/** A message sent (or being sent) to a webhook, as the page lists it: what, to whom, how it went. */
export interface NotificationLine {
  what: string;
  target: string;
  status: string;
  attempts: number;
  at: Date;
  lastError: string | null;
}

export function activityPage(a: Activity, ctx: PageContext, notifications: readonly NotificationLine[] = []): Html {
  const body = html`<h1>Activity <small>since ${when(a.since)}</small></h1>
${pauseSection(a, ctx)}
<section><h2>Budgets</h2>${a.budgets.length === 0 ? html`<p>No budget window is open.</p>` : html`<ul class="gauges">${a.budgets.map(gauge)}</ul>`}</section>
${a.stops.length > 0 ? html`<section><h2>X stopped every call</h2><ul class="issues" role="alert">${a.stops.map((s) => html`<li><b>${s.kind.replace('_', ' ')}</b> since ${when(s.at)}${s.until ? html` until ${when(s.until)}` : ''}: ${s.detail} (<code>prospector stops clear ${s.kind}</code> once sorted out)</li>`)}</ul></section>` : ''}
${a.pausedAccounts.length > 0 ? html`<section><h2>Paused accounts</h2><ul class="issues">${a.pausedAccounts.map((p) => html`<li>@${p.handle}${p.owner ? html` (${p.owner})` : ''} since ${when(p.pausedAt)}${p.reason ? html`: ${p.reason}` : ''} (<code>prospector accounts resume ${p.handle}</code>)</li>`)}</ul></section>` : ''}
<section><h2>Actions</h2>
<p>${a.totals.length === 0 ? 'None in this period.' : a.totals.map((t, i) => html`${i > 0 ? html` · ` : ''}${t.kind} ${t.status}: <b>${count(t.count)}</b>`)}</p>
${a.actions.length > 0 ? actionsTable(a.actions) : ''}</section>
${a.unsettled.length > 0 ? html`<section><h2>Answers lost</h2><p>These likes and follows were sent but their answer was lost; the next engage run reads the account's likes or follows on X and settles each (never sent twice, never marked failed while X may have done it).</p>${actionsTable(a.unsettled, { attempts: true })}</section>` : ''}
<section><h2>Errors and refusals</h2>${a.errors.length === 0 ? html`<p>None.</p>` : actionsTable(a.errors)}</section>
<section><h2>Job runs</h2>${a.runs.length === 0 ? html`<p>No run in this period.</p>` : html`<table><thead><tr><th scope="col">job</th><th scope="col">started</th><th scope="col">status</th><th scope="col">outcome</th></tr></thead><tbody>${a.runs.map(
    (r) => html`<tr class="${r.status}"><td>${r.job}${r.persona ? html` ${r.persona}` : ''}</td><td>${when(r.startedAt)}</td><td>${r.status}</td><td>${r.lines.map((l) => html`<div>${l}</div>`)}${r.error ? html`<div class="err">${r.error}</div>` : ''}${r.errors.map((e) => html`<div class="err">${e}</div>`)}</td></tr>`,
  )}</tbody></table>`}</section>
<section><h2>Messages to webhooks</h2>${notifications.length === 0 ? html`<p>None yet (web.notify in the worker config).</p>` : html`<table><thead><tr><th scope="col">when</th><th scope="col">message</th><th scope="col">to</th><th scope="col">status</th><th scope="col">tries</th><th scope="col">last error</th></tr></thead><tbody>${notifications.map(
    (n) => html`<tr class="${n.status}"><td>${when(n.at)}</td><td>${n.what}</td><td>${n.target}</td><td>${n.status}</td><td class="n">${n.attempts}</td><td class="err">${n.lastError ?? ''}</td></tr>`,
  )}</tbody></table>`}</section>`;
  return layout('Activity', 'activity', body, ctx);
}

function pauseSection(a: Activity, ctx: PageContext): Html {
  if (a.pause) {
    return html`<section class="pause-switch"><h2>Paused</h2><p>Since ${when(a.pause.pausedAt)} by ${a.pause.pausedBy}${a.pause.reason ? html`: ${a.pause.reason}` : ''}.</p>
${postForm(paths.resume, ctx, html`<button type="submit">Resume every worker</button>`, { confirm: 'Resume every worker?' })}</section>`;
  }
  return html`<section class="pause-switch"><h2>Running</h2>
${postForm(paths.pause, ctx, html`<label>Reason <input name="reason" placeholder="deploying 1.4"></label> <button type="submit" class="danger">Pause every worker</button>`, { confirm: 'Pause every worker? Nothing is liked or followed until someone resumes.' })}</section>`;
}

/** Half-circle arc length for r = 40. */
const ARC = Math.PI * 40;

/** One budget window as an SVG gauge: the arc fills as `used` nears `limit`. */
export function gauge(b: BudgetGauge): Html {
  const share = b.limit > 0 ? Math.min(1, b.used / b.limit) : 1;
  const level = share >= 1 ? 'full' : share >= 0.8 ? 'high' : 'ok';
  const who = b.accountHandle ? `@${b.accountHandle}` : b.account;
  const scope = b.scope === 'x' ? `X ${b.window}` : `${b.scope.replace(/^persona:/, '')} cap ${b.window}`;
  return html`<li class="gauge ${level}"><svg viewBox="0 0 100 58" role="img" aria-label="${who} ${b.kind}, ${scope}: ${b.used} of ${b.limit} used"><path d="M10,50 A40,40 0 0 1 90,50" class="track"/><path d="M10,50 A40,40 0 0 1 90,50" class="fill" stroke-dasharray="${(share * ARC).toFixed(1)} ${ARC.toFixed(1)}"/><text x="50" y="46" text-anchor="middle">${b.used}/${b.limit}</text></svg>
<span>${who} · ${b.kind}s · ${scope}</span><small>resets ${when(b.resetAt)}</small></li>`;
}

function actionsTable(list: readonly ActivityAction[], options: { attempts?: boolean } = {}): Html {
  return html`<table><thead><tr><th scope="col">when</th><th scope="col">account</th><th scope="col">action</th><th scope="col">person</th><th scope="col">persona</th><th scope="col">by</th>${options.attempts ? html`<th scope="col">attempts</th>` : ''}<th scope="col">outcome</th></tr></thead><tbody>${list.map(
    (x) => html`<tr><td>${when(x.at)}</td><td>${x.accountHandle ? `@${x.accountHandle}` : x.account}</td><td>${x.kind}</td><td>${x.username ? `@${x.username}` : x.prospectId}</td><td>${x.persona ?? ''}</td><td>${x.actor ?? ''}</td>${options.attempts ? html`<td class="n">${x.attempts}</td>` : ''}<td class="${x.status}">${x.status}${x.error ? html` <span class="err">${x.error}</span>` : ''}</td></tr>`,
  )}</tbody></table>`;
}
