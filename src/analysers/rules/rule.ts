// A forensic rule: one signal that a document may be forged or planted (see
// ../shared/domain/forensics.md). Each rule is a module in this folder with a fixed id and severity,
// listed in index.ts; the `forensics` analyser runs every rule on every document with the view of the
// case it needs (carriers, the roster, the cut-off, the other documents). A rule gives evidence, not a
// verdict: the field values that fired it, for a person to check; its words are the catalogue's
// `forensics.<id>` (src/report/messages/en/forensics.ts).
import type { DocumentFacts } from '../../extract/types.ts';
import type { Params } from '../../report/catalogue.ts';
import type { Severity } from '../../store/store.ts';

/** A message that carries the document as an attachment. */
export interface Carrier {
  itemId: number;
  /** The message's Date as an ISO instant, when it has one. */
  date: string | null;
  /** Its DKIM verdict (`authentic`, `altered`…), when verified. */
  verdict: string | null;
  from: string | null;
}

/** One document as the rules see it. */
export interface DocumentUnderReview {
  itemId: number;
  sha256: string;
  format: string;
  facts: DocumentFacts;
  /** The names its copies were given (attachment filenames, file names). */
  names: string[];
  carriers: Carrier[];
  /** Found at least once outside any message (a loose file, or in an archive that no message carries). */
  loose: boolean;
}

/** What the rules know of the whole case (structured-cloneable: built once per run). */
export interface CaseView {
  /** After this instant nothing of the organisation's should be dated; null when none is known. */
  cutoff: { at: string; source: 'given' | 'latest-authentic' } | null;
  /** People of the organisation: senders of authentic mail and the authors of documents they carry (folded names and addresses). */
  roster: string[];
  /** The scripts the roster's names are written in (Latin…), for `foreign-script`. */
  rosterScripts: string[];
  documents: DocumentUnderReview[];
  /** Documents whose text nearly matches another's without being identical (altered-copy). */
  nearDuplicates: { itemId: number; of: number; similarity: number; diff: string }[];
}

/** One firing of a rule on a document. */
export interface RuleHit {
  /** When this firing is stronger or weaker than the rule's usual severity. */
  severity?: Severity;
  /** What the explanation's words need. */
  params: Params;
  /** The field values that fired it. */
  evidence: Record<string, unknown>;
}

export interface Rule {
  /** Fixed, stored with every finding (`modified-after-carrier`…). */
  readonly id: string;
  readonly severity: Exclude<Severity, 'info'>;
  check(document: DocumentUnderReview, view: CaseView): RuleHit[];
}
