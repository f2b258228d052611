// The analysers every case runs, in order. Adding one is adding its module and a line here.
import type { Analyser } from './analyser.ts';
import { analyser as dkim } from './dkim.ts';
import { analyser as extract } from './extract.ts';
import { analyser as forensics } from './forensics.ts';

export const analysers: Analyser[] = [dkim as Analyser, extract as Analyser, forensics as Analyser];

export function analyserById(id: string): Analyser | undefined {
  return analysers.find((a) => a.id === id);
}
