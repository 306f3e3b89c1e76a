import { clean } from '../format.ts';
import type { NotifyFormat } from '../config/worker.ts';
import { MessageSchema, type LeadWarmMessage, type Message, type QueueReadyMessage } from './outbox.ts';

/**
 * A message as a webhook's body: Slack-compatible JSON (`text` for notifications and clients
 * without blocks, and simple `blocks`) or plain JSON. Names, bios and reasons come from X or from
 * people and are hostile: in Slack text, `&`, `<` and `>` are escaped as Slack asks (so nobody can
 * write a link or an @channel into our message), controls and bidirectional overrides are removed
 * and long texts cut. Links are built from the page's address and our own ids, never from user text.
 */

const SIGNAL_TEXT: Record<NonNullable<LeadWarmMessage['signal']>, string> = {
  followed_back: 'followed back',
  follow_accepted: 'accepted the follow of',
  liked_back: 'liked a post of',
  replied: 'replied to',
  mentioned: 'mentioned',
  opt_out: 'asked to stop',
};

/** Slack's escaping of text: the three characters it uses for links and mentions. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One line of hostile text, cut to `max` characters. */
function line(text: string | null | undefined, max: number): string {
  const one = clean(text).replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The page's address followed by one of our paths. */
export function link(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export interface Delivery {
  /** The outbox row's id: receivers may use it to drop a message delivered twice. */
  id: number;
  baseUrl: string;
}

/** The request body for a webhook of `format`. */
export function renderBody(message: Message, format: NotifyFormat, delivery: Delivery): string {
  if (format === 'json') return JSON.stringify(plainJson(message, delivery));
  return JSON.stringify(message.kind === 'queue_ready' ? slackQueue(message, delivery.baseUrl) : slackWarm(message, delivery.baseUrl));
}

function plainJson(message: Message, delivery: Delivery): Record<string, unknown> {
  if (message.kind === 'queue_ready') {
    const { path, ...rest } = message;
    return {
      id: delivery.id,
      type: 'queue_ready',
      ...rest,
      top: message.top.map((l) => ({ ...l, url: link(delivery.baseUrl, `/leads/${l.id}`), profile: profileUrl(l.xUserId) })),
      url: link(delivery.baseUrl, path),
    };
  }
  const { path, ...rest } = message;
  return { id: delivery.id, type: 'lead_warm', ...rest, lead: { ...message.lead, profile: profileUrl(message.lead.xUserId) }, url: link(delivery.baseUrl, path) };
}

/** A profile link built from the X user id, never from user text. */
function profileUrl(xUserId: string): string {
  return /^\d{1,20}$/.test(xUserId) ? `https://x.com/i/user/${xUserId}` : '';
}

/** `@handle (Name)`, escaped for Slack; the handle links to the lead's page. */
function slackWho(lead: { id: number; username: string; name: string }, baseUrl: string): string {
  const handle = slackEscape(line(lead.username, 20));
  const name = slackEscape(line(lead.name, 60));
  return `<${link(baseUrl, `/leads/${lead.id}`)}|@${handle}>${name ? ` (${name})` : ''}`;
}

function slackQueue(m: QueueReadyMessage, baseUrl: string): Record<string, unknown> {
  const who = m.owner ? `${slackEscape(m.owner)}, your` : 'The';
  const owners = m.owner ? '' : ` (${m.byOwner.map((o) => `${slackEscape(o.owner ?? 'unassigned')} ${o.count}`).join(', ')})`;
  const headline = `${who} queue for ${slackEscape(m.persona)} is ready: ${plural(m.total, 'lead')} on ${m.day}${owners}.`;
  const top = m.top.map((l, i) => `${i + 1}. ${slackWho(l, baseUrl)} · score ${l.score}${m.owner ? '' : ` · ${slackEscape(l.owner ?? 'unassigned')}`}\n      ${slackEscape(line(l.reasons, 200)) || 'no reasons recorded'}`);
  const open = `<${link(baseUrl, m.path)}|Open the queue>`;
  return {
    text: `${headline} ${open}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${headline}*` } },
      ...(top.length ? [{ type: 'section', text: { type: 'mrkdwn', text: `Top ${top.length}:\n${top.join('\n')}` } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: open }] },
    ],
  };
}

function slackWarm(m: LeadWarmMessage, baseUrl: string): Record<string, unknown> {
  const did = m.signal ? `${SIGNAL_TEXT[m.signal]}${m.account ? ` @${slackEscape(line(m.account, 20))}` : ''}` : 'engaged back';
  const owner = m.lead.owner ? `, owner ${slackEscape(m.lead.owner)}` : '';
  const text = `${slackWho(m.lead, baseUrl)} turned warm: ${did}. Score ${m.lead.score}, ${slackEscape(m.persona)}${owner}.`;
  const open = `<${link(baseUrl, m.path)}|Open lead #${m.lead.id}>`;
  return {
    text: `${text} ${open}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: open }] },
    ],
  };
}

/**
 * A stored message in a few plain words, for the Activity page's list (which escapes it):
 * `queue ready: growth-saas-en 2026-11-02, 12 leads` or `lead #12 @maya_chen warm (followed back)`.
 */
export function describeMessage(message: unknown): string {
  const parsed = MessageSchema.safeParse(message);
  if (!parsed.success) return 'unreadable message';
  const m = parsed.data;
  if (m.kind === 'queue_ready') return `queue ready: ${m.persona} ${m.day}${m.owner ? ` for ${line(m.owner, 64)}` : ''}, ${plural(m.total, 'lead')}`;
  return `lead #${m.lead.id} @${line(m.lead.username, 20)} warm${m.signal ? ` (${m.signal.replace(/_/g, ' ')})` : ''}`;
}
