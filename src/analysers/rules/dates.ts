// The dates a document claims for itself, and how the rules compare them: by the range of instants a
// written date can mean (instantRange), so a date without a zone is judged over every zone it could be
// in, never against a guess.
import { instantRange } from '../../extract/dates.ts';
import type { DocumentFacts, WrittenDate } from '../../extract/types.ts';
import type { RuleHit } from './rule.ts';

/** One date of a document, named by the field it comes from (`modified`, `XMP 2 ModifyDate`…). */
export interface DatedField {
  field: string;
  date: WrittenDate;
}

/**
 * Every date the document writes of its own making: they all precede any copy of its bytes (a
 * carrying email, the theft). Embedded objects' XMP packets and photo dates count too.
 */
export function ownDates(facts: DocumentFacts): DatedField[] {
  const out: DatedField[] = [];
  const add = (field: string, date: WrittenDate | null | undefined) => {
    if (date) out.push({ field, date });
  };
  add('modified', facts.modified);
  add('created', facts.created);
  add('printed', facts.printed);
  facts.pdf?.xmp.forEach((packet, i) => {
    add(`XMP ${i + 1} ModifyDate`, packet.modified);
    add(`XMP ${i + 1} MetadataDate`, packet.metadataDate);
    add(`XMP ${i + 1} CreateDate`, packet.created);
  });
  if (facts.image) {
    add('EXIF DateTimeOriginal', facts.image.original);
    add('EXIF CreateDate', facts.image.digitized);
    add('EXIF ModifyDate', facts.image.modified);
  }
  return out;
}

/** The dates certainly later than `instant` + `toleranceMs` whatever zone an unzoned one is in, latest first. */
export function datesAfter(facts: DocumentFacts, instant: number, toleranceMs: number): DatedField[] {
  return ownDates(facts)
    .filter((d) => instantRange(d.date).earliest > instant + toleranceMs)
    .sort((a, b) => instantRange(b.date).earliest - instantRange(a.date).earliest);
}

/** Whether every date is a camera's (EXIF): camera clocks are often set wrong, so they weigh less. */
export function onlyCameraDates(dates: DatedField[]): boolean {
  return dates.every((d) => d.field.startsWith('EXIF '));
}

/** What the words need of a date: as written, and whether it said its zone. */
export function dateParams(d: DatedField): { field: string; written: string; zoned: boolean } {
  return { field: d.field, written: d.date.written, zoned: instantRange(d.date).zoned };
}

const DAY_MS = 86_400_000;
/** Pre-release copies of a program or font circulate for months before its release: a date in that year is weaker. */
const PRE_RELEASE_MS = 365 * DAY_MS;

/** A release listed by a table: what it is and the day it was first public (YYYY-MM-DD). */
export interface Release {
  label: string;
  released: string;
}

/**
 * How strongly `date` (of `field`) contradicts a release: null when it may be after it. Before it by
 * more than a year is high, within the year before medium (betas); a creation date is low whatever
 * the gap, since Save As and conversions keep an older creation date under a newer program.
 */
export function anachronism(field: 'modified' | 'created', date: WrittenDate, release: Release) {
  // The release day began at UTC+14 at the earliest.
  const releasedAt = Date.parse(`${release.released}T00:00:00Z`) - 14 * 3600_000;
  const latest = instantRange(date).latest;
  if (!(latest < releasedAt)) return null;
  if (field === 'created') return 'low' as const;
  return latest < releasedAt - PRE_RELEASE_MS ? ('high' as const) : ('medium' as const);
}

/** The release of the newest entry of `table` whose version is not above `version` (tables sorted ascending). */
export function releaseAtOrBelow(table: readonly (readonly [number, string])[], version: number) {
  let found: string | null = null;
  for (const [v, released] of table) if (v <= version) found = released;
  return found;
}

/** A program or font a document names, with the release that bounds its dates. */
export interface Claim {
  /** Where the program is named (`AppVersion`, `Producer`, `XMP 2 toolkit`…). */
  where: string;
  value: string;
  release: Release;
  modified: WrittenDate | null;
  created: WrittenDate | null;
}

/** The hit for the first of the claim's dates (save, then creation) that precedes the release, if any. */
export function datedAgainst(claim: Claim): RuleHit | null {
  for (const field of ['modified', 'created'] as const) {
    const date = claim[field];
    if (!date) continue;
    const severity = anachronism(field, date, claim.release);
    if (!severity) continue;
    return {
      severity,
      params: {
        where: claim.where,
        value: claim.value,
        release: claim.release.label,
        released: claim.release.released,
        field,
        written: date.written,
      },
      evidence: { [claim.where]: claim.value, [field]: date.written, released: claim.release.released },
    };
  }
  return null;
}
