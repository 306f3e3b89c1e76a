import type { LeadHistory } from '../../../db/web.ts';
import { html, type Html } from '../html.ts';
import { count, initials, layout, paths, postUrl, when, xLink, type PageContext } from './layout.ts';
import { decisionForm, scoreBar } from './today.ts';

/**
 * Lead: one lead's whole history. Matches in every persona with the post that found them, scores
 * at queue time and now, likes and follows, what the person did back, every decision and note;
 * and the same buttons as its card on Today, as plain forms (`hx-disable`): the answer is this
 * page again, not a card to swap in.
 */

export function leadPage(l: LeadHistory, ctx: PageContext): Html {
  const matches = l.matches.map(
    (m) => html`<tr><th scope="row">${m.persona}</th><td class="n">${m.score ?? '—'}</td><td>${m.explanation ?? ''}</td>
<td>${m.post ? html`<span class="post">${m.post.text}</span> ${xLink(postUrl(m.post.id), 'on X')}` : '—'}</td>
<td>${m.lead ? html`<a href="${paths.lead(m.lead.id)}">#${m.lead.id}</a> ${m.lead.state} (queued ${m.lead.queuedOn} at ${m.lead.score})` : 'not queued'}</td></tr>`,
  );
  const events = l.events.map(
    (e) => html`<li><time datetime="${e.at.toISOString()}">${when(e.at)}</time> <b>${e.actor}</b>: ${e.fromState ?? 'queued'} → ${e.toState}${e.note ? html` <q class="note">${e.note}</q>` : ''}</li>`,
  );
  const actions = l.actions.map(
    (a) => html`<tr><td>${a.kind}</td><td>${a.accountHandle ? `@${a.accountHandle}` : a.account}</td><td>${a.kind === 'like' ? xLink(postUrl(a.target), 'post') : 'the person'}</td><td>${a.persona ?? ''}</td><td>${a.status}${a.error ? html` <span class="err">${a.error}</span>` : ''}</td><td>${a.actor ?? ''}</td><td>${when(a.finishedAt ?? a.sentAt ?? a.plannedAt)}</td></tr>`,
  );
  const signals = l.signals.map(
    (s) => html`<li><time datetime="${s.occurredAt.toISOString()}">${when(s.occurredAt)}</time> ${s.kind.replace('_', ' ')} (${s.accountHandle ? `@${s.accountHandle}` : s.account})${s.postId ? html` ${xLink(postUrl(s.postId), 'post')}` : ''}</li>`,
  );
  const body = html`<article class="lead whole" id="lead-${l.id}">
<header><span class="av" aria-hidden="true">${initials(l.name, l.username)}</span>
<h1>${l.name} <small class="h">@${l.username}</small></h1>
<span class="st ${l.state}">${l.state.replace(/_/g, ' ')}</span>${l.warmAt ? html`<span class="st warm">warm since ${when(l.warmAt)}</span>` : ''}${l.heldReply ? html`<span class="st held">possible opt-out: a reply waits for a person</span>` : ''}
<span class="m"><span>lead #${l.id}</span> <span>${l.persona}</span> <span>queued ${l.queuedOn}</span>${l.owner ? html` <span>${l.owner}</span>` : ''} ${l.location ? html`<span>${l.location}</span>` : ''} <span>${count(l.followersCount)} followers</span></span></header>
<div class="sc">${scoreBar(l.score)} <b>${l.score}</b></div>
${l.reasons ? html`<p class="why">${l.reasons}</p>` : ''}
${l.description ? html`<p class="bio">${l.description}</p>` : ''}
<p><a href="${paths.today}">Back to Today</a></p>
<div hx-disable>${decisionForm(l, ctx)}</div>
</article>
<section><h2>Matches across personas</h2>
<table><thead><tr><th scope="col">persona</th><th scope="col">score now</th><th scope="col">why</th><th scope="col">post that found them</th><th scope="col">lead</th></tr></thead><tbody>${matches}</tbody></table></section>
<section><h2>Score history</h2>
<table><thead><tr><th scope="col">persona</th><th scope="col">when queued</th><th scope="col">now</th><th scope="col">scored</th></tr></thead><tbody>${l.scores.map(
    (s) => html`<tr><th scope="row">${s.persona}</th><td class="n">${s.queued ?? '—'}${s.queuedOn ? html` <small>(${s.queuedOn})</small>` : ''}</td><td class="n">${s.now ?? '—'}</td><td>${when(s.scoredAt)}</td></tr>`,
  )}</tbody></table></section>
<section><h2>Decisions and notes</h2>${events.length > 0 ? html`<ol class="hist">${events}</ol>` : html`<p>None yet.</p>`}</section>
<section><h2>Likes and follows</h2>${actions.length > 0 ? html`<table><thead><tr><th scope="col">kind</th><th scope="col">account</th><th scope="col">target</th><th scope="col">persona</th><th scope="col">status</th><th scope="col">by</th><th scope="col">when</th></tr></thead><tbody>${actions}</tbody></table>` : html`<p>None.</p>`}</section>
<section><h2>What they did back</h2>${signals.length > 0 ? html`<ul class="hist">${signals}</ul>` : html`<p>Nothing yet.</p>`}</section>`;
  return layout(`Lead #${l.id}`, 'lead', body, ctx);
}
