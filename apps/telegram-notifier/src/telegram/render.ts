import type { AlertGroupState } from '@dozor/contracts';
import { signCallback, type CallbackPayload, type CallbackSecret } from './callback-data.js';

/**
 * The Telegram message of an alert group: HTML text within Telegram's 4096
 * characters and the inline keyboard of the actions its state allows, as
 * Grafana OnCall shows them. Pure: everything comes in through the view.
 */
export interface GroupView {
  alertGroupId: string;
  /** Alert name and group labels, e.g. `AlwaysFiringTest critical`. */
  title: string;
  severity?: string | null;
  state: AlertGroupState;
  alertsCount: number;
  labels: Record<string, string>;
  summary?: string;
  description?: string;
  sourceLink?: string;
  integrationName: string;
  acknowledgedBy?: string;
  resolvedBy?: string;
  /** ISO instant, or `'forever'`. */
  silencedUntil?: string;
  /** Alerts Alertmanager left out of the payload (`truncatedAlerts`). */
  truncatedAlerts?: number;
  /** The integration's telegram_title, rendered (plain text): shown instead of `title`. */
  telegramTitle?: string;
  /** The integration's telegram_message, rendered (valid Telegram HTML): shown instead of severity, summary, description and labels. */
  telegramMessageHtml?: string;
  /** Templates that failed (`telegram_message: …`): noted in the message, which falls back to the fields above. */
  templateErrors?: string[];
}

export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface RenderedMessage {
  text: string;
  parse_mode: 'HTML';
  reply_markup: { inline_keyboard: InlineButton[][] };
}

export interface RenderOptions {
  /** Key for the callback_data MACs (see callback-data.ts). */
  callbackSecret: CallbackSecret;
  /** Default 4096, Telegram's limit for a message. */
  maxLength?: number;
}

export const TELEGRAM_TEXT_LIMIT = 4096;

/** Per-field caps, so one huge annotation does not push everything else out. */
const CAP = { title: 512, summary: 1024, description: 2048, labelKey: 128, labelValue: 512, integration: 128, actor: 128 } as const;

export const BUTTON_LABELS = {
  acknowledge: '✅ Acknowledge',
  unacknowledge: '↩️ Unacknowledge',
  resolve: '☑️ Resolve',
  unresolve: '🔁 Unresolve',
  silence1h: '🔕 Silence 1h',
  silence4h: '🔕 Silence 4h',
  silenceForever: '🔕 Silence forever',
  unsilence: '🔔 Unsilence',
} as const;

const STATE_ICON: Record<AlertGroupState, string> = { firing: '🔴', acknowledged: '🟠', resolved: '🟢', silenced: '🔕' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** Cuts plain text (before escaping) to `max` UTF-16 units without splitting a surrogate pair. */
function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(s[cut - 1] ?? '')) cut -= 1;
  return `${s.slice(0, cut)}…`;
}

function statusLine(view: GroupView): string {
  switch (view.state) {
    case 'firing':
      return 'Firing';
    case 'acknowledged':
      return view.acknowledgedBy ? `Acknowledged by ${escapeHtml(cap(view.acknowledgedBy, CAP.actor))}` : 'Acknowledged';
    case 'resolved':
      return view.resolvedBy ? `Resolved by ${escapeHtml(cap(view.resolvedBy, CAP.actor))}` : 'Resolved';
    case 'silenced':
      return silencedLine(view.silencedUntil);
    default: {
      const never: never = view.state;
      throw new Error(`unknown state ${String(never)}`);
    }
  }
}

function silencedLine(until: string | undefined): string {
  if (until === undefined) return 'Silenced';
  if (until === 'forever') return 'Silenced forever';
  const t = Date.parse(until);
  if (Number.isNaN(t)) return `Silenced until ${escapeHtml(cap(until, 64))}`;
  return `Silenced until ${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function httpUrl(link: string | undefined): string | null {
  if (!link) return null;
  try {
    const u = new URL(link);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function button(text: string, secret: CallbackSecret, payload: CallbackPayload): InlineButton {
  return { text, callback_data: signCallback(secret, payload) };
}

export function keyboardFor(state: AlertGroupState, alertGroupId: string, secret: CallbackSecret): InlineButton[][] {
  const b = (text: string, action: CallbackPayload['action'], silence?: CallbackPayload['silence']): InlineButton =>
    button(text, secret, silence === undefined ? { action, alertGroupId } : { action, alertGroupId, silence });
  const silenceRow = (): InlineButton[] => [
    b(BUTTON_LABELS.silence1h, 'silence', '1h'),
    b(BUTTON_LABELS.silence4h, 'silence', '4h'),
    b(BUTTON_LABELS.silenceForever, 'silence', 'forever'),
  ];
  switch (state) {
    case 'firing':
      return [[b(BUTTON_LABELS.acknowledge, 'acknowledge'), b(BUTTON_LABELS.resolve, 'resolve')], silenceRow()];
    case 'acknowledged':
      return [[b(BUTTON_LABELS.unacknowledge, 'unacknowledge'), b(BUTTON_LABELS.resolve, 'resolve')], silenceRow()];
    case 'silenced':
      return [[b(BUTTON_LABELS.acknowledge, 'acknowledge'), b(BUTTON_LABELS.resolve, 'resolve')], [b(BUTTON_LABELS.unsilence, 'unsilence')]];
    case 'resolved':
      return [[b(BUTTON_LABELS.unresolve, 'unresolve')]];
    default: {
      const never: never = state;
      throw new Error(`unknown state ${String(never)}`);
    }
  }
}

export function renderGroupMessage(view: GroupView, options: RenderOptions): RenderedMessage {
  const lines: string[] = [];
  lines.push(`${STATE_ICON[view.state]} <b>${escapeHtml(cap(view.telegramTitle ?? view.title, CAP.title))}</b>`);
  lines.push(`Status: <b>${statusLine(view)}</b>`);
  const templated = view.telegramMessageHtml !== undefined;
  if (view.severity && !templated) lines.push(`Severity: <b>${escapeHtml(cap(view.severity, CAP.labelValue))}</b>`);
  const truncated = view.truncatedAlerts ?? 0;
  lines.push(`Alerts: ${view.alertsCount}${truncated > 0 ? ` (+${truncated} left out by Alertmanager)` : ''}`);
  const source = httpUrl(view.sourceLink);
  const integration = escapeHtml(cap(view.integrationName, CAP.integration));
  lines.push(source ? `Integration: ${integration} · <a href="${escapeHtml(source)}">source</a>` : `Integration: ${integration}`);
  for (const e of view.templateErrors ?? []) lines.push(`<i>Template ${escapeHtml(cap(e, CAP.summary))}</i>`);
  if (templated) {
    // Already valid Telegram HTML (see delivery/telegram.templates.ts); truncateHtml below keeps it valid when cut.
    lines.push('', view.telegramMessageHtml!);
  } else {
    if (view.summary) lines.push('', `<b>Summary:</b> ${escapeHtml(cap(view.summary, CAP.summary))}`);
    if (view.description) lines.push('', `<b>Description:</b> ${escapeHtml(cap(view.description, CAP.description))}`);
    const labels = Object.entries(view.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (labels.length > 0) {
      lines.push('', '<b>Labels:</b>');
      for (const [k, v] of labels) lines.push(`${escapeHtml(cap(k, CAP.labelKey))}: <code>${escapeHtml(cap(v, CAP.labelValue))}</code>`);
    }
  }
  return {
    text: truncateHtml(lines.join('\n'), options.maxLength ?? TELEGRAM_TEXT_LIMIT),
    parse_mode: 'HTML',
    reply_markup: { inline_keyboard: keyboardFor(view.state, view.alertGroupId, options.callbackSecret) },
  };
}

/**
 * Cuts Telegram HTML to at most `max` UTF-16 units (the visible text is never
 * longer than the source), never inside a tag, an entity or a surrogate pair,
 * closing the tags still open and ending with `…`.
 */
export function truncateHtml(html: string, max: number = TELEGRAM_TEXT_LIMIT): string {
  if (html.length <= max) return html;
  const ELLIPSIS = '…';
  const tokens = html.match(/<[^>]*>|&[#a-zA-Z0-9]+;|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g) ?? [];
  const open: string[] = [];
  let closingLength = 0;
  let out = '';
  for (const token of tokens) {
    let nextOpen = open;
    let nextClosing = closingLength;
    if (token.startsWith('</')) {
      const closed = open[open.length - 1];
      nextOpen = open.slice(0, -1);
      nextClosing -= closed ? closed.length + 3 : 0;
    } else if (token.startsWith('<') && token.length > 1) {
      const name = /^<([a-zA-Z0-9-]+)/.exec(token)?.[1]?.toLowerCase() ?? '';
      nextOpen = [...open, name];
      nextClosing += name.length + 3;
    }
    if (out.length + token.length + nextClosing + ELLIPSIS.length > max) break;
    out += token;
    open.splice(0, open.length, ...nextOpen);
    closingLength = nextClosing;
  }
  // Drop a tag opened right at the cut: it would enclose nothing.
  while (open.length > 0 && out.endsWith('>') && /<([a-zA-Z0-9-]+)[^>]*>$/.exec(out)?.[1]?.toLowerCase() === open[open.length - 1]) {
    out = out.replace(/<[^>]*>$/, '');
    open.pop();
  }
  let closing = '';
  for (let i = open.length - 1; i >= 0; i--) closing += `</${open[i]}>`;
  return `${out}${ELLIPSIS}${closing}`;
}
