// The forensic rules the `forensics` analyser runs on every document, in this order. Adding a rule is
// adding its module here and its words in src/report/messages/en/forensics.ts.
import { afterCutoff } from './after-cutoff.ts';
import { alteredCopy } from './altered-copy.ts';
import { appAnachronism } from './app-anachronism.ts';
import { editBurst } from './edit-burst.ts';
import { fontAnachronism } from './font-anachronism.ts';
import { foreignLocale } from './foreign-locale.ts';
import { foreignScript } from './foreign-script.ts';
import { layeredScan } from './layered-scan.ts';
import { looseOnly } from './loose-only.ts';
import { modifiedAfterCarrier } from './modified-after-carrier.ts';
import { nameCollision } from './name-collision.ts';
import { pdfRevised } from './pdf-revised.ts';
import { producerMismatch } from './producer-mismatch.ts';
import type { Rule } from './rule.ts';
import { unknownAuthor } from './unknown-author.ts';

export const rules: readonly Rule[] = [
  modifiedAfterCarrier,
  afterCutoff,
  editBurst,
  unknownAuthor,
  foreignScript,
  foreignLocale,
  appAnachronism,
  fontAnachronism,
  pdfRevised,
  producerMismatch,
  layeredScan,
  looseOnly,
  nameCollision,
  alteredCopy,
];
