// HTML mail is hostile: it is shown only after sanitize-html keeps a short list of formatting tags and
// attributes, and then inside a sandboxed frame under a Content-Security-Policy that lets nothing load.
// Links keep their address as a tooltip but cannot be followed from the page (a click must not fetch
// anything); images survive only as data: URIs; no style property can name a URL.
import sanitizeHtml from 'sanitize-html';

const SAFE_CSS = /^[#\w\s.,%()-]*$/;

export function sanitiseMailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      ...[
        'p',
        'br',
        'div',
        'span',
        'blockquote',
        'pre',
        'code',
        'hr',
        'b',
        'i',
        'u',
        's',
        'em',
        'strong',
        'small',
      ],
      ...[
        'sub',
        'sup',
        'font',
        'center',
        'h1',
        'h2',
        'h3',
        'h4',
        'h5',
        'h6',
        'ul',
        'ol',
        'li',
        'dl',
        'dt',
        'dd',
      ],
      ...['table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'a', 'img'],
    ],
    allowedAttributes: {
      '*': ['style', 'align', 'dir', 'lang', 'title'],
      a: ['title'],
      img: ['src', 'alt', 'width', 'height'],
      td: ['colspan', 'rowspan', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'valign', 'width'],
      table: ['border', 'cellpadding', 'cellspacing', 'width'],
      font: ['color', 'size', 'face'],
    },
    allowedSchemes: [],
    allowedSchemesByTag: { img: ['data'] },
    allowProtocolRelative: false,
    allowedStyles: {
      '*': Object.fromEntries(
        [
          'color',
          'background-color',
          'font-weight',
          'font-style',
          'font-size',
          'text-align',
          'text-decoration',
        ].map((property) => [property, [SAFE_CSS]]),
      ),
    },
    transformTags: {
      // The address is shown, never followed.
      a: (_tag, attribs): sanitizeHtml.Tag => ({
        tagName: 'a',
        attribs: attribs.href ? { title: attribs.href } : {},
      }),
    },
    disallowedTagsMode: 'discard',
  });
}

/** The frame's own policy: nothing loads, nothing runs, nothing is submitted. */
export const MAIL_FRAME_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; form-action 'none'; frame-ancestors 'self'; base-uri 'none'; sandbox";
