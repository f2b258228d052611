// Where buildSampleDump puts things under its directory: shared with `crible demo`, which reads an
// existing sample without loading the generator.
import { join } from 'node:path';

export interface SampleLayout {
  root: string;
  /** The dump itself (what is ingested). */
  dumpDir: string;
  /** Public keys of the throwaway DKIM keys (key-file JSON), all but one. */
  keysFile: string;
  /** A list of disclosed keys (CSV): what they signed is forgeable. */
  disclosedFile: string;
  /** The one key missing from keysFile, as if found later (key-file JSON). */
  laterKeysFile: string;
  manifestFile: string;
}

export function sampleLayout(root: string): SampleLayout {
  return {
    root,
    dumpDir: join(root, 'dump'),
    keysFile: join(root, 'sample-keys.json'),
    disclosedFile: join(root, 'sample-disclosed-keys.csv'),
    laterKeysFile: join(root, 'sample-keys-found-later.json'),
    manifestFile: join(root, 'sample-manifest.json'),
  };
}

/** The dump-relative path of a deliberate case held in one file. */
export const caseFilePath = (name: string): string => `eml/case-${name}.eml`;
