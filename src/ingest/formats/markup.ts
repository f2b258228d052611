// Marked-up text: RTF by its magic (100); HTML that opens with a doctype or an <html> tag, after
// any XML declaration and comments (50), or with an <html>, <head> or <body> tag in its first KB
// (8: below a message's name, so a `.eml` holding a fragment of HTML is still a message); XML that opens with an XML declaration (40, below HTML for XHTML). HTML and XML are
// looked for in the text sample (text.ts), so a UTF-16 file is read too.

import { documentFormat, hasMagic } from './signature.ts';
import { textSample } from './text.ts';

const PROLOGUE = /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*/;
const HTML_START = /^(?:<!doctype\s+html\b|<html\b)/i;
const HTML_TAG = /<(?:html|head|body)\b[^>]*>/i;
const XML_START = /^\s*<\?xml\s/;

export const rtfFormat = documentFormat('rtf', (probe) => (hasMagic(probe.head, '{\\rtf') ? 100 : 0));

export const htmlFormat = documentFormat(
  'html',
  (probe) => {
    const text = textSample(probe);
    if (text === null) return 0;
    const prologue = PROLOGUE.exec(text)?.[0].length ?? 0;
    if (HTML_START.test(text.slice(prologue, prologue + 64))) return 50;
    return HTML_TAG.test(text.slice(0, 1024)) ? 8 : 0;
  },
  50,
);

export const xmlFormat = documentFormat(
  'xml',
  (probe) => {
    const text = textSample(probe);
    return text !== null && XML_START.test(text) ? 40 : 0;
  },
  40,
);
