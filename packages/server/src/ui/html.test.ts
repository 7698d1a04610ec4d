import { describe, expect, it } from 'vitest';
import { safeNext } from './dashboard-routes.js';
import { escapeHtml, html } from './html.js';

describe('html template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const hostile = `<script>alert('x')</script>" onmouseover="x" \`&`;
    expect(html`<p title="${hostile}">${hostile}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onmouseover=&quot;x&quot; &#96;&amp;">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onmouseover=&quot;x&quot; &#96;&amp;</p>',
    );
  });

  it('keeps nested templates as markup and escapes the values inside them', () => {
    const items = ['<b>', 'a&b'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${items}</ul>`.text).toBe('<ul><li>&lt;b&gt;</li><li>a&amp;b</li></ul>');
  });

  it('writes nothing for null and undefined', () => {
    expect(escapeHtml(undefined) + escapeHtml(null)).toBe('');
    expect(html`${0}${false}`.text).toBe('0false');
  });
});

describe('where sign-in sends the browser', () => {
  it.each(['/', '/pipelines/orders', '/runs/x?y=1', '/queues/queue/spark'])('keeps the local path %s', (next) => expect(safeNext(next)).toBe(next));
  it.each([undefined, '', 'pipelines', '//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/a b'])('sends %j to /', (next) => expect(safeNext(next)).toBe('/'));
});
