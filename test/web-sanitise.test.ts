// The mail sanitiser on each way HTML has of running script or fetching from its sender: the dangerous
// part is gone, the words a reader needs stay; and the frame's policy refuses what might slip through.
import { describe, expect, test } from 'vitest';
import { MAIL_FRAME_CSP, sanitiseMailHtml } from '../src/server/sanitise.ts';

const REMOTE = 'http://attacker.invalid';

/** [what, hostile HTML, the words that must stay]. */
const VECTORS: [string, string, string][] = [
  ['a script element', `<p>Bonjour</p><script>alert(1)</script>`, 'Bonjour'],
  ['an onload handler', `<body onload="alert(1)"><p>Corps</p></body>`, 'Corps'],
  ['an onerror handler on an image', `<img src="${REMOTE}/x.gif" onerror="alert(1)" alt="logo">`, ''],
  ['an onclick handler', `<div onclick="alert(1)">Cliquez</div>`, 'Cliquez'],
  ['a javascript: link', `<a href="javascript:alert(1)">Payer</a>`, 'Payer'],
  ['a remote image', `<img src="${REMOTE}/pixel.gif" width="1">Merci`, 'Merci'],
  ['a protocol-relative image', `<img src="//attacker.invalid/pixel.gif">Merci`, 'Merci'],
  ['a srcset', `<img srcset="${REMOTE}/a.png 2x" src="data:image/gif;base64,R0lGOD">Vu`, 'Vu'],
  [
    'a CSS url() in a style attribute',
    `<div style="background-image:url(${REMOTE}/bg.png)">Fond</div>`,
    'Fond',
  ],
  ['a CSS url() hidden in an allowed property', `<p style="color: url(${REMOTE}/c.png)">Rouge</p>`, 'Rouge'],
  [
    'a <style> block with url() and @import',
    `<style>@import url(${REMOTE}/i.css); p{background:url(${REMOTE}/s.png)}</style><p>Texte</p>`,
    'Texte',
  ],
  ['a remote stylesheet', `<link rel="stylesheet" href="${REMOTE}/s.css"><p>Texte</p>`, 'Texte'],
  [
    'a form',
    `<form action="${REMOTE}/submit"><input name="password"><button>Envoyer</button></form>`,
    'Envoyer',
  ],
  ['an iframe', `<iframe src="${REMOTE}/frame"></iframe><p>Après</p>`, 'Après'],
  [
    'an object and an embed',
    `<object data="${REMOTE}/o.swf"></object><embed src="${REMOTE}/e.swf"><p>Après</p>`,
    'Après',
  ],
  ['a meta refresh', `<meta http-equiv="refresh" content="0;url=${REMOTE}/r"><p>Après</p>`, 'Après'],
  ['a base href', `<base href="${REMOTE}/"><img src="pixel.gif"><p>Après</p>`, 'Après'],
  [
    'an SVG with script',
    `<svg onload="alert(1)"><script>alert(2)</script><image href="${REMOTE}/s.png"/></svg><p>Après</p>`,
    'Après',
  ],
  ['a video poster', `<video poster="${REMOTE}/p.png"></video><p>Après</p>`, 'Après'],
  ['an entity-encoded javascript: link', `<a href="jav&#x09;ascript:alert(1)">Lien</a>`, 'Lien'],
  ['a data: HTML link', `<a href="data:text/html,<script>alert(1)</script>">Lien</a>`, 'Lien'],
];

describe('sanitiseMailHtml', () => {
  test.each(VECTORS)('removes %s and keeps the text', (_what, html, kept) => {
    const out = sanitiseMailHtml(html);
    expect(out).toContain(kept);
    // A link's address stays only as its tooltip (inert text); nothing else may name anything.
    const active = out.replace(/ title="[^"]*"/g, '');
    expect(active).not.toMatch(
      /attacker\.invalid|<script|<style|<link|<form|<input|<iframe|<object|<embed|<meta|<base|<svg|<video/i,
    );
    expect(active).not.toMatch(/\son\w+\s*=|javascript:|url\(|srcset|href=|action=|data:text/i);
  });

  test('a link keeps its address as a tooltip only, so a reader sees where it pointed', () => {
    expect(sanitiseMailHtml(`<a href="${REMOTE}/facture">Voir la facture</a>`)).toBe(
      `<a title="${REMOTE}/facture">Voir la facture</a>`,
    );
  });

  test('formatting a reader needs survives: tables, emphasis, colours without URLs, inline data images', () => {
    const html =
      '<table border="1"><tr><td colspan="2"><b>Total</b></td></tr></table>' +
      '<p style="color: #c00; font-weight: bold">Urgent</p><img src="data:image/png;base64,iVBORw0KGgo=" alt="sceau">';
    expect(sanitiseMailHtml(html)).toBe(
      '<table border="1"><tr><td colspan="2"><b>Total</b></td></tr></table>' +
        '<p style="color:#c00;font-weight:bold">Urgent</p><img src="data:image/png;base64,iVBORw0KGgo=" alt="sceau" />',
    );
  });

  test('the frame’s policy lets nothing load, run or be submitted', () => {
    const directives = new Map(
      MAIL_FRAME_CSP.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values.join(' ')];
      }),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('img-src')).toBe('data:');
    expect(directives.get('form-action')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.has('sandbox')).toBe(true);
    expect(directives.get('sandbox')).toBe('');
    for (const name of ['script-src', 'connect-src', 'frame-src', 'object-src'])
      expect(directives.has(name)).toBe(false);
  });
});
