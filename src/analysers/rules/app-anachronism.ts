// A program version newer than the date the document claims: Office's AppVersion (12 = Office 2007…)
// on a file saved before that Office existed, a PDF made by a macOS or Acrobat not yet released, an
// XMP packet written by a toolkit from later years. High against a save date more than a year before
// the release, medium within that year (pre-release builds), low against a creation date (Save As
// and conversions keep an older creation date under a newer program).
import { type Claim, datedAgainst } from './dates.ts';
import { officeRelease, programRelease } from './releases.ts';
import type { Rule } from './rule.ts';

/** XMP packets read (one per embedded object; a hostile file can hold thousands). */
const MAX_PACKETS = 1000;

export const appAnachronism: Rule = {
  id: 'app-anachronism',
  severity: 'high',
  check(doc) {
    const f = doc.facts;
    const claims: Claim[] = [];
    const own = { modified: f.modified, created: f.created };
    const office = f.appVersion ? officeRelease(f.appVersion) : null;
    if (office) claims.push({ where: 'AppVersion', value: f.appVersion!, release: office, ...own });
    // The program that made it (PDF Creator, ODF generator…), and a PDF's producer and XMP toolkits.
    for (const [where, value] of [
      [f.pdf ? 'Creator' : 'Application', f.application],
      ['Producer', f.producer],
    ] as const) {
      const release = value ? programRelease(value) : null;
      if (release) claims.push({ where, value: value!, release, ...own });
    }
    f.pdf?.xmp.slice(0, MAX_PACKETS).forEach((packet, i) => {
      const release = packet.toolkit ? programRelease(packet.toolkit) : null;
      if (release)
        claims.push({
          where: `XMP ${i + 1} toolkit`,
          value: packet.toolkit!,
          release,
          modified: packet.metadataDate ?? packet.modified,
          created: packet.created,
        });
    });
    return claims.flatMap((claim) => datedAgainst(claim) ?? []);
  },
};
