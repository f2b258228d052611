// A font released after the date the document claims ("Fontgate", 2017: papers dated 2006 set in
// Calibri, which reached the public in January 2007). Fonts come from the PDF's font dictionaries or
// the docx font table, which lists the fonts of the last save: so high against a save date more than
// a year before the release, medium within that year (pre-release copies of Windows and Office carried
// the fonts), low against a creation date alone.
import { type Claim, datedAgainst, type Release } from './dates.ts';
import type { Rule } from './rule.ts';

// First public release of each font (the day it shipped to the public in a product):
// - the ClearType collection (Calibri, Cambria, Candara, Consolas, Constantia, Corbel): Windows Vista
//   and Office 2007 retail, 2007-01-30 (Microsoft Typography, "ClearType Font Collection"; Wikipedia, "Calibri");
// - Segoe UI: Windows Vista, business availability 2006-11-30 (Microsoft Typography, "Segoe UI");
// - Segoe UI Symbol: Windows 7, 2009-10-22; Segoe UI Emoji: Windows 8, 2012-10-26; Sitka: Windows 8.1,
//   2013-10-17; Bahnschrift: Windows 10 1709, 2017-10-17 (Microsoft Typography font lists per Windows version);
// - Bierstadt, Grandview, Seaford, Skeena, Tenorite: Office cloud fonts, 2021-04-28 (Microsoft Design,
//   "Beyond Calibri"); Aptos (Bierstadt renamed), Office's default from 2023-07-13 (Microsoft Design, "Aptos");
// - Cascadia Code: 2019-09-18 (Microsoft, Windows Command Line blog);
// - Liberation Sans/Serif/Mono: 2007-05-09 (Red Hat press release); Source Sans Pro: 2012-08-02 (Adobe
//   Typekit blog); Roboto: Android 4.0, 2011-10-19 (Google).
const FONTS: [string, Release][] = (
  [
    ['Calibri', '2007-01-30'],
    ['Cambria', '2007-01-30'],
    ['Candara', '2007-01-30'],
    ['Consolas', '2007-01-30'],
    ['Constantia', '2007-01-30'],
    ['Corbel', '2007-01-30'],
    ['Segoe UI', '2006-11-30'],
    ['Segoe UI Symbol', '2009-10-22'],
    ['Segoe UI Emoji', '2012-10-26'],
    ['Sitka', '2013-10-17'],
    ['Bahnschrift', '2017-10-17'],
    ['Bierstadt', '2021-04-28'],
    ['Grandview', '2021-04-28'],
    ['Seaford', '2021-04-28'],
    ['Skeena', '2021-04-28'],
    ['Tenorite', '2021-04-28'],
    ['Aptos', '2023-07-13'],
    ['Cascadia Code', '2019-09-18'],
    ['Cascadia Mono', '2019-09-18'],
    ['Liberation Sans', '2007-05-09'],
    ['Liberation Serif', '2007-05-09'],
    ['Liberation Mono', '2007-05-09'],
    ['Source Sans Pro', '2012-08-02'],
    ['Roboto', '2011-10-19'],
  ] as const
)
  .map(([label, released]): [string, Release] => [fontKey(label), { label, released }])
  // Longest first, so "Segoe UI Emoji" is not read as "Segoe UI".
  .sort((a, b) => b[0].length - a[0].length);

/** A font name as compared: no subset prefix (`ABCDEF+`), lower case, letters and digits only. */
function fontKey(name: string): string {
  return name
    .slice(0, 200)
    .replace(/^[A-Z]{6}\+/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export function fontRelease(name: string): Release | null {
  const key = fontKey(name);
  return FONTS.find(([prefix]) => key.startsWith(prefix))?.[1] ?? null;
}

export const fontAnachronism: Rule = {
  id: 'font-anachronism',
  severity: 'high',
  check(doc) {
    const f = doc.facts;
    const seen = new Set<string>();
    return f.fonts.slice(0, 1000).flatMap((font) => {
      const release = fontRelease(font);
      if (!release || seen.has(release.label)) return [];
      seen.add(release.label);
      const claim: Claim = { where: 'font', value: font, release, modified: f.modified, created: f.created };
      return datedAgainst(claim) ?? [];
    });
  },
};
