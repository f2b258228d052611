// When versions of the programs that write documents were first released, to date what a document
// says made it. Days are the first public release on any platform (the earliest is what bounds a
// date); sources: Microsoft's product lifecycle pages and press releases for Office (Office 97
// 1996-11-19 … Office 2016 for Mac 2015-07-09, before Windows' 2015-09-22), Apple's release notes for
// macOS, Adobe's press releases for Acrobat, The Document Foundation's release notes for LibreOffice,
// Adobe's XMP SDK history for XMP Core (approximate to the month; the rules give a year's margin).
import { type Release, releaseAtOrBelow } from './dates.ts';

/** app.xml / OLE AppVersion major → the Office release (11 = 2003, 12 = 2007, 14 = 2010, 15 = 2013, 16 = 2016+). */
const OFFICE: readonly (readonly [number, string])[] = [
  [8, '1996-11-19'],
  [9, '1999-06-07'],
  [10, '2001-05-31'],
  [11, '2003-08-19'],
  [12, '2006-11-30'],
  [14, '2010-04-15'],
  [15, '2012-10-11'],
  [16, '2015-07-09'],
];
const OFFICE_NAMES: Record<number, string> = {
  8: 'Office 97',
  9: 'Office 2000',
  10: 'Office XP',
  11: 'Office 2003',
  12: 'Office 2007',
  14: 'Office 2010',
  15: 'Office 2013',
  16: 'Office 2016',
};

export function officeRelease(appVersion: string): Release | null {
  const major = Number(/^\s*(\d{1,2})\.\d/.exec(appVersion.slice(0, 50))?.[1]);
  const name = OFFICE_NAMES[major];
  const released = OFFICE.find(([v]) => v === major)?.[1];
  return name && released ? { label: name, released } : null;
}

const MAC_OS: readonly (readonly [number, string])[] = [
  [1000, '2001-03-24'],
  [1001, '2001-09-25'],
  [1002, '2002-08-24'],
  [1003, '2003-10-24'],
  [1004, '2005-04-29'],
  [1005, '2007-10-26'],
  [1006, '2009-08-28'],
  [1007, '2011-07-20'],
  [1008, '2012-07-25'],
  [1009, '2013-10-22'],
  [1010, '2014-10-16'],
  [1011, '2015-09-30'],
  [1012, '2016-09-20'],
  [1013, '2017-09-25'],
  [1014, '2018-09-24'],
  [1015, '2019-10-07'],
  [1100, '2020-11-12'],
  [1200, '2021-10-25'],
  [1300, '2022-10-24'],
  [1400, '2023-09-26'],
  [1500, '2024-09-16'],
];

const ACROBAT: readonly (readonly [number, string])[] = [
  [300, '1996-11-01'],
  [400, '1999-04-01'],
  [500, '2001-04-01'],
  [600, '2003-05-01'],
  [700, '2004-12-01'],
  [800, '2006-11-01'],
  [900, '2008-06-01'],
  [1000, '2010-11-01'],
  [1100, '2012-10-01'],
  [1500, '2015-04-01'],
];

const WORD_YEARS: Record<string, string> = {
  '2007': '2006-11-30',
  '2010': '2010-04-15',
  '2013': '2012-10-11',
  '2016': '2015-07-09',
  '2019': '2018-09-24',
  '2021': '2021-10-05',
};

const LIBREOFFICE: readonly (readonly [number, string])[] = [
  [303, '2011-01-25'],
  [400, '2013-02-07'],
  [500, '2015-08-05'],
  [600, '2018-01-31'],
  [700, '2020-08-05'],
  [2402, '2024-02-01'],
  [2408, '2024-08-22'],
  [2502, '2025-02-06'],
];

const XMP_CORE: readonly (readonly [number, string])[] = [
  [400, '2006-11-01'],
  [401, '2007-04-01'],
  [402, '2008-10-01'],
  [500, '2010-04-01'],
  [503, '2012-05-01'],
  [506, '2014-06-01'],
];
/** XMP itself (Acrobat 5): no XMP packet was written before. */
const XMP_INTRODUCED = '2001-04-01';

const MAX_TEXT = 300;

/** Versions as one comparable number (10.10 after 10.9): the tables' keys. */
function versionKey(major: number, minor: number): number {
  return major * 100 + minor;
}

/** The release a PDF Producer, Creator or XMP toolkit string names, when a table can say. */
export function programRelease(text: string): Release | null {
  const s = text.slice(0, MAX_TEXT);
  let m = /\b(?:Mac OS X|macOS)(?: Version)? (\d{1,2})(?:\.(\d{1,2}))?/.exec(s);
  if (m) {
    // Before macOS 11 the release is the minor version (10.4 Tiger); from 11 on, the major.
    const major = Number(m[1]);
    const released = releaseAtOrBelow(MAC_OS, versionKey(major, major === 10 ? Number(m[2] ?? 0) : 0));
    return released ? { label: m[0], released } : null;
  }
  m =
    /\b(?:Acrobat(?: Distiller| Pro| Standard| Web Capture| PDFMaker)?|Adobe PDF Library) (\d{1,2})(?:\.\d+)?/.exec(
      s,
    );
  if (m) {
    const released = releaseAtOrBelow(ACROBAT, versionKey(Number(m[1]), 0));
    return released ? { label: m[0], released } : null;
  }
  m = /\bMicrosoft®? (?:Office )?(?:Word|Excel|PowerPoint) (20\d\d)\b/.exec(s);
  if (m && WORD_YEARS[m[1]!]) return { label: m[0], released: WORD_YEARS[m[1]!]! };
  m = /\bfor (?:Office|Microsoft) 365\b/.exec(s);
  if (m) return { label: m[0], released: m[0].includes('Microsoft') ? '2020-04-21' : '2011-06-28' };
  m = /\bLibreOffice[ /](\d{1,2})\.(\d{1,2})/.exec(s);
  if (m) {
    const released = releaseAtOrBelow(LIBREOFFICE, versionKey(Number(m[1]), Number(m[2])));
    return released ? { label: m[0], released } : null;
  }
  m = /\bAdobe XMP Core (\d{1,2})\.(\d)/.exec(s);
  if (m) {
    const released = releaseAtOrBelow(XMP_CORE, versionKey(Number(m[1]), Number(m[2]))) ?? XMP_INTRODUCED;
    return { label: m[0], released };
  }
  return null;
}
