// The simple fonts' encodings (ISO 32000 Annex D) as code → Unicode tables, and the glyph names a
// /Differences array uses (a subset of the Adobe Glyph List: ASCII, Latin-1, the WinAnsi extras and
// the common ligatures; `uniXXXX` and `uXXXX` names are read from their digits).

const decodeAll = (label: string): string =>
  new TextDecoder(label).decode(Uint8Array.from({ length: 256 }, (_, i) => i));

const latin = decodeAll('windows-1252');

/** code → text ('' when the encoding leaves the code undefined). */
export type CodeTable = string[];

function table(chars: string, undefinedBelow = 0x20): CodeTable {
  return Array.from(chars, (c, i) => (i < undefinedBelow ? '' : c));
}

export const WIN_ANSI: CodeTable = table(latin);
export const MAC_ROMAN: CodeTable = table(decodeAll('macintosh'));

/** StandardEncoding: ASCII with curly quotes at 0x27 and 0x60, and its own upper half. */
export const STANDARD: CodeTable = (() => {
  const t = table(latin.slice(0, 0x80)).concat(Array(128).fill(''));
  t[0x27] = '\u2019';
  t[0x60] = '\u2018';
  const high: Record<number, string> = {
    161: '¡',
    162: '¢',
    163: '£',
    164: '⁄',
    165: '¥',
    166: 'ƒ',
    167: '§',
    168: '¤',
    169: "'",
    170: '“',
    171: '«',
    172: '‹',
    173: '›',
    174: 'ﬁ',
    175: 'ﬂ',
    177: '–',
    178: '†',
    179: '‡',
    180: '·',
    182: '¶',
    183: '•',
    184: '‚',
    185: '„',
    186: '”',
    187: '»',
    188: '…',
    189: '‰',
    191: '¿',
    193: '`',
    194: '´',
    195: 'ˆ',
    196: '˜',
    197: '¯',
    198: '˘',
    199: '˙',
    200: '¨',
    202: '˚',
    203: '¸',
    205: '˝',
    206: '˛',
    207: 'ˇ',
    208: '—',
    225: 'Æ',
    227: 'ª',
    232: 'Ł',
    233: 'Ø',
    234: 'Œ',
    235: 'º',
    241: 'æ',
    245: 'ı',
    248: 'ł',
    249: 'ø',
    250: 'œ',
    251: 'ß',
  };
  for (const [code, c] of Object.entries(high)) t[Number(code)] = c;
  return t;
})();

export function namedEncoding(name: string | null): CodeTable | null {
  if (name === 'WinAnsiEncoding') return WIN_ANSI;
  if (name === 'MacRomanEncoding') return MAC_ROMAN;
  if (name === 'StandardEncoding') return STANDARD;
  if (name === 'PDFDocEncoding') return WIN_ANSI;
  return null;
}

const ASCII_NAMES =
  'space exclam quotedbl numbersign dollar percent ampersand quotesingle parenleft parenright asterisk plus comma hyphen period slash zero one two three four five six seven eight nine colon semicolon less equal greater question at A B C D E F G H I J K L M N O P Q R S T U V W X Y Z bracketleft backslash bracketright asciicircum underscore grave a b c d e f g h i j k l m n o p q r s t u v w x y z braceleft bar braceright asciitilde';
const WIN_HIGH_NAMES =
  'Euro . quotesinglbase florin quotedblbase ellipsis dagger daggerdbl circumflex perthousand Scaron guilsinglleft OE . Zcaron . . quoteleft quoteright quotedblleft quotedblright bullet endash emdash tilde trademark scaron guilsinglright oe . zcaron Ydieresis nbspace exclamdown cent sterling currency yen brokenbar section dieresis copyright ordfeminine guillemotleft logicalnot sfthyphen registered macron degree plusminus twosuperior threesuperior acute mu paragraph periodcentered cedilla onesuperior ordmasculine guillemotright onequarter onehalf threequarters questiondown Agrave Aacute Acircumflex Atilde Adieresis Aring AE Ccedilla Egrave Eacute Ecircumflex Edieresis Igrave Iacute Icircumflex Idieresis Eth Ntilde Ograve Oacute Ocircumflex Otilde Odieresis multiply Oslash Ugrave Uacute Ucircumflex Udieresis Yacute Thorn germandbls agrave aacute acircumflex atilde adieresis aring ae ccedilla egrave eacute ecircumflex edieresis igrave iacute icircumflex idieresis eth ntilde ograve oacute ocircumflex otilde odieresis divide oslash ugrave uacute ucircumflex udieresis yacute thorn ydieresis';

const GLYPHS = new Map<string, string>([
  ['fi', 'ﬁ'],
  ['fl', 'ﬂ'],
  ['ff', 'ﬀ'],
  ['ffi', 'ﬃ'],
  ['ffl', 'ﬄ'],
  ['dotlessi', 'ı'],
  ['Lslash', 'Ł'],
  ['lslash', 'ł'],
  ['minus', '−'],
  ['fraction', '⁄'],
  ['hungarumlaut', '˝'],
  ['ogonek', '˛'],
  ['caron', 'ˇ'],
  ['ring', '˚'],
  ['breve', '˘'],
  ['dotaccent', '˙'],
  ['quoteright', '’'],
  ['quoteleft', '‘'],
  ['nbspace', '\u00a0'],
  ['hyphen', '-'],
  ['space', ' '],
]);
ASCII_NAMES.split(' ').forEach((name, i) => {
  if (!GLYPHS.has(name)) GLYPHS.set(name, String.fromCharCode(0x20 + i));
});
WIN_HIGH_NAMES.split(' ').forEach((name, i) => {
  if (name !== '.' && !GLYPHS.has(name)) GLYPHS.set(name, WIN_ANSI[0x80 + i]!);
});

/** The text a glyph name stands for, or '' when it is not known. */
export function glyphText(name: string): string {
  const known = GLYPHS.get(name);
  if (known !== undefined) return known;
  const base = name.split('.')[0]!;
  if (base !== name && GLYPHS.has(base)) return GLYPHS.get(base)!;
  const uni = /^uni([0-9A-Fa-f]{4})$/.exec(base) ?? /^u([0-9A-Fa-f]{4,6})$/.exec(base);
  if (uni) {
    const cp = Number.parseInt(uni[1]!, 16);
    return cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '';
  }
  return '';
}
