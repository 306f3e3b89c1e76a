import type { Pause } from '../../../db/work.ts';
import { html, type Html } from '../html.ts';

/**
 * The shell every page shares, and the small pieces the pages are built from. Pages are pure
 * functions `(data, ctx) → Html`: the server fetches (db/web.ts), renders, sends. Every string
 * from X goes through the `html` tag (escaped, controls and bidirectional overrides removed);
 * links to X are built here from ids, never from text a person wrote.
 *
 * No inline script or style: the Content-Security-Policy forbids both. Behaviour lives in
 * /static/app.js (keys) and htmx (in-place updates); every form also works as a plain POST.
 */

/** What every renderer needs besides its data. */
export interface PageContext {
  /** The signed-in person's name, as decisions record it. */
  user: string;
  /** The session's CSRF token, put in a hidden `_csrf` input of every form. */
  csrf: string;
  /** The global pause, shown as a banner on every page. */
  pause?: Pause | undefined;
  /** A message after a POST without JavaScript (the redirect's flash). */
  flash?: Flash | undefined;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** Where each page and form goes: the server registers these same paths. */
export const paths = {
  today: '/',
  lead: (id: number) => `/leads/${id}`,
  decide: (id: number) => `/leads/${id}/decide`,
  act: (id: number) => `/leads/${id}/act`,
  note: (id: number) => `/leads/${id}/note`,
  undo: (id: number) => `/leads/${id}/undo`,
  bulk: '/leads/bulk',
  personas: '/personas',
  activity: '/activity',
  pause: '/pause',
  resume: '/resume',
  doNotContact: '/do-not-contact',
  doNotContactAdd: '/do-not-contact/add',
  doNotContactRemove: '/do-not-contact/remove',
  css: '/static/app.css',
  js: '/static/app.js',
  htmx: '/static/htmx.min.js',
} as const;

export type PageName = 'today' | 'personas' | 'activity' | 'dnc' | 'lead';

const NAV: Array<{ page: PageName; href: string; label: string }> = [
  { page: 'today', href: paths.today, label: 'Today' },
  { page: 'personas', href: paths.personas, label: 'Personas' },
  { page: 'activity', href: paths.activity, label: 'Activity' },
  { page: 'dnc', href: paths.doNotContact, label: 'Do not contact' },
];

/** The whole page: head (our CSS and scripts, nothing remote), nav, user, pause banner, flash, body. */
export function layout(title: string, current: PageName, body: Html, ctx: PageContext): Html {
  const nav = NAV.map(
    (n) => html`<li><a href="${n.href}"${n.page === current ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Prospector</title>
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<link rel="stylesheet" href="${paths.css}">
<script src="${paths.htmx}" defer></script>
<script src="${paths.js}" defer></script>
</head>
<body data-page="${current}">
<header class="top">
<nav aria-label="Pages"><span class="brand">Prospector</span><ul>${nav}</ul></nav>
<p class="who">Signed in as <strong>${ctx.user}</strong></p>
</header>
${pauseBanner(ctx)}
<div id="flash" role="status" aria-live="polite">${ctx.flash ? flash(ctx.flash) : ''}</div>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

/** The pause, on every page: who, when, why, and (on Activity) the resume button. */
export function pauseBanner(ctx: PageContext): Html {
  const p = ctx.pause;
  if (!p) return html``;
  return html`<p class="alert pause" role="alert">Every worker is paused since ${when(p.pausedAt)} by ${p.pausedBy}${p.reason ? html`: ${p.reason}` : ''}. Nothing is liked or followed until someone resumes (<a href="${paths.activity}">Activity</a>).</p>`;
}

export function flash(f: Flash): Html {
  return html`<p class="flash ${f.kind}">${f.text}</p>`;
}

/** The hidden CSRF input every form carries. */
export function csrfInput(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

/**
 * A POST form that works without JavaScript and, with htmx, swaps `target` in place with the
 * server's answer (the same fragment the full page renders).
 */
export function postForm(action: string, ctx: PageContext, body: Html, options: { target?: string; cls?: string; id?: string; confirm?: string } = {}): Html {
  const hx = options.target ? html` hx-post="${action}" hx-target="${options.target}" hx-swap="outerHTML"` : '';
  // htmx asks through hx-confirm on the forms it posts; app.js asks on the others.
  const confirm = options.confirm ? (options.target ? html` hx-confirm="${options.confirm}"` : html` data-confirm="${options.confirm}"`) : '';
  return html`<form method="post" action="${action}"${options.id ? html` id="${options.id}"` : ''}${options.cls ? html` class="${options.cls}"` : ''}${hx}${confirm}>${csrfInput(ctx)}${body}</form>`;
}

/** 'YYYY-MM-DD HH:MM UTC' */
export function when(at: Date | null | undefined): string {
  if (!at) return '';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** X ids are digits; anything else gets no link. */
const X_ID = /^\d{1,20}$/;

/** A link to a post on X, from its id. */
export function postUrl(postId: string): string | undefined {
  return X_ID.test(postId) ? `https://x.com/i/web/status/${postId}` : undefined;
}

/** A link to a person on X, from their user id (never from a handle or a URL they wrote). */
export function userUrl(userId: string): string | undefined {
  return X_ID.test(userId) ? `https://x.com/intent/user?user_id=${userId}` : undefined;
}

/** An outbound link to X: a new tab sent no referrer (which also keeps it from reaching back: noopener). */
export function xLink(href: string | undefined, label: Html | string, extra: Html | string = ''): Html {
  if (!href) return html`<span>${label}</span>`;
  return html`<a href="${href}" target="_blank" rel="noreferrer"${extra}>${label}</a>`;
}

/** Up to two letters for the avatar: the first letter of the first two words of the name (or handle). */
export function initials(name: string, username: string): string {
  const words = (name.match(/\p{L}[\p{L}\p{M}]*/gu) ?? []).slice(0, 2);
  const letters = words.map((w) => w[0]!.toLocaleUpperCase()).join('');
  return letters || (username[0] ?? '?').toUpperCase();
}

/** A number with thousands separators. */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
