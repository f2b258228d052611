import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Recorded in custody lines and reports so every result names the code that produced it. */
export const cribleVersion: string = pkg.version;
