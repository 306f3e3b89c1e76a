import type { DoNotContactPage } from '../../../db/web.ts';
import { html, type Html } from '../html.ts';
import { csrfInput, layout, paths, postForm, userUrl, when, xLink, type PageContext } from './layout.ts';

/**
 * Do not contact: the global list, searched by handle; adding someone (by @handle or X user id)
 * or removing them takes a reason, and every change stays in the history below.
 */

export function doNotContactView(data: DoNotContactPage, ctx: PageContext): Html {
  const search = html`<form method="get" action="${paths.doNotContact}" class="filters" role="search" aria-label="Search the list">
<label>Handle or X user id <input type="search" name="q" value="${data.search ?? ''}" data-key="/"></label> <button type="submit">Search</button>
</form>`;
  const add = postForm(
    paths.doNotContactAdd,
    ctx,
    html`<label>Handle or X user id <input name="person" required placeholder="@handle"></label>
<label>Reason <input name="reason" required placeholder="asked by email"></label>
<button type="submit" class="danger">Add to the list</button>`,
    { cls: 'filters' },
  );
  const rows = data.entries.map(
    (e) => html`<tr id="dnc-${e.prospectId}"><td>${e.username ? html`@${e.username}` : ''}${e.name ? html` <span class="mute">${e.name}</span>` : ''} ${xLink(userUrl(e.prospectId), 'on X')}</td>
<td>${e.reason ?? ''}</td><td>${e.source}</td><td>${e.addedBy}</td><td>${when(e.addedAt)}</td>
<td><form method="post" action="${paths.doNotContactRemove}" class="inline">${csrfInput(ctx)}<input type="hidden" name="person" value="${e.prospectId}"><input name="reason" required aria-label="Why remove ${e.username ? `@${e.username}` : e.prospectId}" placeholder="reason"><button type="submit">Remove</button></form></td></tr>`,
  );
  const history = data.history.map(
    (h) => html`<li><time datetime="${h.at.toISOString()}">${when(h.at)}</time> ${h.change} ${h.username ? html`@${h.username}` : h.prospectId} by ${h.actor} (${h.source})${h.reason ? html`: ${h.reason}` : ''}</li>`,
  );
  const body = html`<h1>Do not contact <small>${data.entries.length} ${data.search ? html`matching “${data.search}”` : 'people'}</small></h1>
${search}
<section><h2>Add someone</h2>${add}</section>
<section><h2>The list</h2>${rows.length === 0 ? html`<p>Nobody${data.search ? ' matches' : ''}.</p>` : html`<table><thead><tr><th scope="col">person</th><th scope="col">reason</th><th scope="col">from</th><th scope="col">by</th><th scope="col">added</th><th scope="col">remove</th></tr></thead><tbody>${rows}</tbody></table>`}</section>
<section><h2>Latest changes</h2>${history.length === 0 ? html`<p>None.</p>` : html`<ol class="hist">${history}</ol>`}</section>`;
  return layout('Do not contact', 'dnc', body, ctx);
}
