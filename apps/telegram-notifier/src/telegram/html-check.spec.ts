import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '@dozor/testing';
import { escapeHtmlText, escapeJsonStrings, isValidTelegramHtml } from './html-check.js';

describe('isValidTelegramHtml agrees with the Bot API parser', () => {
  it.each([
    "<a href='http://x/?a=1&amp;b=2'>View in AlertManager</a>",
    '<b>bold</b> <i>it</i> <code>c</code> <pre>p</pre> <s>s</s> <u>u</u>',
    '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler> <blockquote>q</blockquote>',
    'a &lt; b &gt; c &amp; d &quot; e &#39; &#x1F525;',
    'Status: firing :fire: (on the source)\n- a: b > c',
    '<b><i>nested</i></b>',
  ])('accepts %s', (html) => {
    expect(isValidTelegramHtml(html)).toBe(true);
    expect(parseTelegramHtml(html).ok).toBe(true);
  });

  it.each([
    '<b>unclosed',
    '</b>',
    '<b><i>crossed</b></i>',
    '<div>not a Telegram tag</div>',
    '<br>',
    '<a onclick="x">a</a>',
    '<span>no class</span>',
    'a < b',
    'R&D',
    '<script>alert(1)</script>',
  ])('refuses %s', (html) => expect(isValidTelegramHtml(html)).toBe(false));
});

describe('escaping payload values', () => {
  it('escapes quotes too (values may land in attributes)', () =>
    expect(escapeHtmlText(`<a href='x' title="y">&`)).toBe('&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;'));

  it('copies a payload with every string and key escaped, leaving other values', () => {
    const src = { a: '<b>', n: 1, t: true, z: null, list: ['&', { 'k<': "'" }], ['__proto__']: 'p' };
    const out = escapeJsonStrings(src) as Record<string, unknown>;
    expect(out).toEqual({ a: '&lt;b&gt;', n: 1, t: true, z: null, list: ['&amp;', { 'k&lt;': '&#39;' }], ['__proto__']: 'p' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(src.a).toBe('<b>');
  });
});
