/**
 * Is a rendered template valid Telegram HTML (`parse_mode: 'HTML'`)? A user's
 * telegram_message template writes markup; if its output is not what the Bot
 * API accepts (an unknown tag, an unbalanced one, a bare `<`), the send would
 * fail with 400 "can't parse entities" every time, so the caller shows the
 * output as escaped text instead.
 *
 * Accepted, as documented at https://core.telegram.org/bots/api#html-style:
 * b strong i em u ins s strike del span[class=tg-spoiler] tg-spoiler a[href]
 * code[class] pre blockquote[expandable] tg-emoji[emoji-id]; the entities
 * &lt; &gt; &amp; &quot; and numeric ones. A bare `&` is refused (Telegram
 * takes it literally only when it starts no entity, which is fragile).
 */
const TAGS: Record<string, readonly string[]> = {
  b: [],
  strong: [],
  i: [],
  em: [],
  u: [],
  ins: [],
  s: [],
  strike: [],
  del: [],
  span: ['class'],
  'tg-spoiler': [],
  a: ['href'],
  code: ['class'],
  pre: [],
  blockquote: ['expandable'],
  'tg-emoji': ['emoji-id'],
};

const ENTITY = /^&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/;
const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?)*)\s*>/;
const ATTR = /([a-zA-Z-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>=`]+))?/g;

export function isValidTelegramHtml(html: string): boolean {
  const open: string[] = [];
  for (let i = 0; i < html.length;) {
    const c = html[i];
    if (c === '&') {
      const m = ENTITY.exec(html.slice(i, i + 12));
      if (!m) return false;
      i += m[0].length;
    } else if (c === '<') {
      const m = TAG.exec(html.slice(i, i + 2048));
      if (!m) return false;
      const [whole, closing, rawName, attrs] = m as unknown as [string, string, string, string];
      const name = rawName.toLowerCase();
      const allowed = TAGS[name];
      if (!allowed) return false;
      if (closing) {
        if (attrs.trim() || open.pop() !== name) return false;
      } else {
        for (const a of attrs.matchAll(ATTR)) {
          const attr = a[1]!.toLowerCase();
          if (!allowed.includes(attr)) return false;
          const value = (a[2] ?? '').replace(/^["']|["']$/g, '');
          if (name === 'span' && attr === 'class' && value !== 'tg-spoiler') return false;
          if (/[&]/.test(value) && !/^(?:[^&]|&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)*$/.test(value)) return false;
        }
        if (name === 'span' && !/class/i.test(attrs)) return false;
        open.push(name);
      }
      i += whole.length;
    } else if (c === '>') {
      // Telegram accepts a bare '>' in text.
      i++;
    } else i++;
  }
  return open.length === 0;
}

/** Escapes text for Telegram HTML, quotes included (values may land in attributes). */
export function escapeHtmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/**
 * A copy of a JSON value with every string (keys included) HTML-escaped, so
 * that a telegram_message template's own markup stays markup while nothing
 * from the payload can add a tag or break an attribute. Iterative: payload
 * depth is bounded at ingest, but this must not be the thing that overflows.
 */
export function escapeJsonStrings(value: unknown): unknown {
  const esc = (v: unknown): unknown => (typeof v === 'string' ? escapeHtmlText(v) : v);
  if (value === null || typeof value !== 'object') return esc(value);
  const root: unknown = Array.isArray(value) ? [] : {};
  const stack: [unknown, Record<string, unknown> | unknown[]][] = [[value, root as Record<string, unknown>]];
  while (stack.length) {
    const [src, dst] = stack.pop()!;
    const entries = Array.isArray(src) ? src.map((v, i) => [i, v] as const) : Object.entries(src as Record<string, unknown>);
    for (const [k, v] of entries) {
      let out: unknown;
      if (v !== null && typeof v === 'object') {
        out = Array.isArray(v) ? [] : {};
        stack.push([v, out as Record<string, unknown>]);
      } else out = esc(v);
      if (Array.isArray(dst)) dst[k as number] = out;
      else Object.defineProperty(dst, escapeHtmlText(String(k)), { value: out, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}
