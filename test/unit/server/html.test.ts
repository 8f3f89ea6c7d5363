import { strict as assert } from 'node:assert';
import { escapeHtml, html } from '../../../src/server/platform/html';
import { renderPage } from '../../../src/server/platform/layout';

describe('server: html template', () => {
  it('escapes every interpolated value', () => {
    const evil = `"><script>alert('x')</script>&`;
    assert.equal(
      html`<p title="${evil}">${evil}</p>`.value,
      `<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>`,
    );
  });

  it('nests templates without escaping them twice, and renders lists and empty values', () => {
    const items = ['a<b', 'c'];
    assert.equal(html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`.value, '<ul><li>a&lt;b</li><li>c</li></ul>');
    assert.equal(html`[${null}${undefined}${false}${0}]`.value, '[0]');
  });

  it('escapes the page title and the refresh URL in the layout', () => {
    const page = renderPage({ title: '<Title>', body: html`<p>x</p>`, refreshTo: 'vscode://tally.tally/auth?code=a&state="b"' });
    assert.match(page, /<title>&lt;Title&gt; · Tally<\/title>/);
    assert.match(page, /content="0;url=vscode:\/\/tally\.tally\/auth\?code=a&amp;state=&quot;b&quot;"/);
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });
});
