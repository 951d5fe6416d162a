import { esc, html } from './html';

describe('esc / html', () => {
  it('escapes markup and both quotes', () => {
    expect(esc(`<script>alert("x")</script>' onload=`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload&#61;');
  });

  it('escapes every interpolation of the template, but not nested fragments', () => {
    const name = '"><img src=x onerror=alert(1)>';
    const inner = html`<b>${name}</b>`;
    const out = html`<p title="${name}">${inner}${[html`<i>${'&'}</i>`, 'a<b']}</p>`.value;
    expect(out).toBe(
      '<p title="&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;"><b>&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;</b><i>&amp;</i>a&lt;b</p>',
    );
  });

  it('renders nothing for null, undefined and false', () => {
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });
});
