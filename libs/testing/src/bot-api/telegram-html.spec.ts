import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from './telegram-html.js';

describe('parseTelegramHtml', () => {
  it.each([
    ['plain', 'plain', []],
    [
      '<b>bold</b> and <i>it</i>',
      'bold and it',
      [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 9, length: 2 },
      ],
    ],
    ['&lt;tag&gt; &amp; &quot;q&quot; &#128293; &#x41;', '<tag> & "q" 🔥 A', []],
    ['a & b &unknown; c', 'a & b &unknown; c', []],
    [
      '<a href="http://vm:19090/graph?g0.expr=up&amp;x=1">src</a>',
      'src',
      [{ type: 'text_link', offset: 0, length: 3, url: 'http://vm:19090/graph?g0.expr=up&x=1' }],
    ],
    ['🔥<code>x</code>', '🔥x', [{ type: 'code', offset: 2, length: 1 }]],
    ['<pre><code class="language-yaml">a: 1</code></pre>', 'a: 1', [{ type: 'pre', offset: 0, length: 4, language: 'yaml' }]],
    [
      '<b><i>x</i></b>',
      'x',
      [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'italic', offset: 0, length: 1 },
      ],
    ],
    [
      '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>',
      'sq',
      [
        { type: 'spoiler', offset: 0, length: 1 },
        { type: 'expandable_blockquote', offset: 1, length: 1 },
      ],
    ],
  ])('parses %j', (html, text, entities) => {
    expect(parseTelegramHtml(html)).toEqual({ ok: true, text, entities });
  });

  it.each([
    ['1 < 2', 'Unsupported start tag "" at byte offset 2'],
    ['<br/>', 'Unsupported start tag "br" at byte offset 0'],
    ['é<div>x</div>', 'Unsupported start tag "div" at byte offset 2'],
    ['<b>x', 'Can\'t find end tag corresponding to start tag "b"'],
    ['x</b>', 'Unexpected end tag at byte offset 1'],
    ['<b><i>x</b></i>', 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ['<b', 'Unclosed start tag at byte offset 0'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
  ])('rejects %j', (html, error) => {
    expect(parseTelegramHtml(html)).toEqual({ ok: false, error: `Bad Request: can't parse entities: ${error}` });
  });
});
