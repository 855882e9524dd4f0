/**
 * Parser for Telegram's `parse_mode: 'HTML'`, close to what the Bot API does:
 * it turns the markup into plain text plus entities and rejects what Telegram
 * rejects (unsupported tags, unbalanced tags), so a render bug such as an
 * unescaped `<` fails in tests the way it fails in production.
 *
 * Supported as documented at https://core.telegram.org/bots/api#html-style:
 * b strong i em u ins s strike del span.tg-spoiler tg-spoiler a[href] code pre
 * blockquote[expandable] tg-emoji[emoji-id]; entities &lt; &gt; &amp; &quot;
 * and numeric ones. An `&` that starts no known entity stays literal.
 * Offsets and lengths are in UTF-16 code units, as in the Bot API.
 */

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type HtmlParseResult = { ok: true; text: string; entities: MessageEntity[] } | { ok: false; error: string };

const TAG_ENTITY: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  tag: string;
  type: string;
  start: number;
  /** Opening order: nested entities with the same range are listed outer first. */
  order: number;
  url?: string;
  language?: string;
  emojiId?: string;
  /** `<code class="language-x">` directly inside `<pre>` sets the pre's language and makes no entity of its own. */
  mergedIntoPre?: boolean;
}

function byteOffset(html: string, index: number): number {
  return Buffer.byteLength(html.slice(0, index), 'utf8');
}

function decodeEntityAt(html: string, i: number): { ch: string; len: number } | null {
  const m = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4});/.exec(html.slice(i, i + 12));
  if (!m) return null;
  const body = m[1]!;
  if (body.startsWith('#')) {
    const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    return { ch: String.fromCodePoint(cp), len: m[0].length };
  }
  const ch = NAMED[body.toLowerCase()];
  return ch === undefined ? null : { ch, len: m[0].length };
}

function decodeAttr(value: string): string {
  let out = '';
  for (let i = 0; i < value.length;) {
    if (value[i] === '&') {
      const d = decodeEntityAt(value, i);
      if (d) {
        out += d.ch;
        i += d.len;
        continue;
      }
    }
    out += value[i];
    i++;
  }
  return out;
}

/** Parses `name="v" name='v' name=v name` up to the closing `>`; returns null when the tag never closes. */
function parseAttributes(html: string, from: number): { attrs: Map<string, string>; end: number } | null {
  const attrs = new Map<string, string>();
  let i = from;
  for (;;) {
    while (i < html.length && /\s/.test(html[i]!)) i++;
    if (i >= html.length) return null;
    if (html[i] === '>') return { attrs, end: i + 1 };
    if (html[i] === '/' && html[i + 1] === '>') return null;
    const nameMatch = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*/.exec(html.slice(i, i + 64));
    if (!nameMatch) return null;
    const name = nameMatch[0].toLowerCase();
    i += nameMatch[0].length;
    while (i < html.length && /\s/.test(html[i]!)) i++;
    if (html[i] !== '=') {
      attrs.set(name, '');
      continue;
    }
    i++;
    while (i < html.length && /\s/.test(html[i]!)) i++;
    const q = html[i];
    if (q === '"' || q === "'") {
      const close = html.indexOf(q, i + 1);
      if (close < 0) return null;
      attrs.set(name, decodeAttr(html.slice(i + 1, close)));
      i = close + 1;
    } else {
      const m = /^[^\s>]*/.exec(html.slice(i))!;
      attrs.set(name, decodeAttr(m[0]));
      i += m[0].length;
    }
  }
}

export function parseTelegramHtml(html: string): HtmlParseResult {
  let text = '';
  const entities: (MessageEntity & { order: number })[] = [];
  const stack: Open[] = [];
  let opened = 0;
  const fail = (error: string): HtmlParseResult => ({ ok: false, error: `Bad Request: can't parse entities: ${error}` });

  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '&') {
      const d = decodeEntityAt(html, i);
      if (d) {
        text += d.ch;
        i += d.len;
      } else {
        text += '&';
        i++;
      }
      continue;
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    const tagStart = i;
    if (html[i + 1] === '/') {
      const close = html.indexOf('>', i + 2);
      if (close < 0) return fail(`Unclosed end tag at byte offset ${byteOffset(html, tagStart)}`);
      const name = html
        .slice(i + 2, close)
        .trim()
        .toLowerCase();
      const top = stack.pop();
      if (!top) return fail(`Unexpected end tag at byte offset ${byteOffset(html, tagStart)}`);
      if (name !== top.tag) {
        return fail(`Unmatched end tag at byte offset ${byteOffset(html, tagStart)}, expected "</${top.tag}>", found "</${name}>"`);
      }
      const length = text.length - top.start;
      if (length > 0 && !top.mergedIntoPre) {
        const e: MessageEntity & { order: number } = { type: top.type, offset: top.start, length, order: top.order };
        if (top.url !== undefined) e.url = top.url;
        if (top.language !== undefined) e.language = top.language;
        if (top.emojiId !== undefined) e.custom_emoji_id = top.emojiId;
        entities.push(e);
      }
      i = close + 1;
      continue;
    }
    const nameMatch = /^[a-zA-Z0-9-]*/.exec(html.slice(i + 1, i + 40))!;
    const name = nameMatch[0].toLowerCase();
    const type = TAG_ENTITY[name];
    if (!type) return fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(html, tagStart)}`);
    const parsed = parseAttributes(html, i + 1 + nameMatch[0].length);
    if (!parsed) return fail(`Unclosed start tag at byte offset ${byteOffset(html, tagStart)}`);
    const { attrs } = parsed;
    const open: Open = { tag: name, type, start: text.length, order: opened++ };
    switch (name) {
      case 'span':
        if (attrs.get('class') !== 'tg-spoiler') return fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(html, tagStart)}`);
        break;
      case 'a':
        open.url = attrs.get('href') ?? '';
        break;
      case 'tg-emoji': {
        const id = attrs.get('emoji-id');
        if (!id) return fail(`Tag "tg-emoji" must have attribute "emoji-id" at byte offset ${byteOffset(html, tagStart)}`);
        open.emojiId = id;
        break;
      }
      case 'blockquote':
        if (attrs.has('expandable')) open.type = 'expandable_blockquote';
        break;
      case 'code': {
        const parent = stack[stack.length - 1];
        const cls = attrs.get('class');
        if (parent?.tag === 'pre' && parent.start === text.length && cls?.startsWith('language-')) {
          parent.language = cls.slice('language-'.length);
          open.mergedIntoPre = true;
        }
        break;
      }
      default:
        break;
    }
    stack.push(open);
    i = parsed.end;
  }
  const unclosed = stack.pop();
  if (unclosed) return fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length || a.order - b.order);
  return { ok: true, text, entities: entities.map(({ order: _order, ...e }) => e) };
}
