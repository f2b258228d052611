import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};

/** Recorded in custody lines and reports so every result names the code that produced it. */
export const cribleVersion: string = pkg.version;

/** The libraries that read mail and documents, pinned exactly: a report names the code behind every result. */
export const readerVersions: Record<string, string> = Object.fromEntries(
  Object.entries(pkg.dependencies).filter(([name]) =>
    [
      'mailauth',
      'postal-mime',
      'pdfjs-dist',
      'exifr',
      'fast-xml-parser',
      'pst-extractor',
      '@kenjiuno/msgreader',
      'yauzl',
    ].includes(name),
  ),
);
