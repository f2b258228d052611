// Colour for people at a terminal, never in a pipe or a file: on when stdout is a TTY, off with
// NO_COLOR (any value), forced with FORCE_COLOR (any value but 0 or false). One place for every face
// of the CLI (verify, list, show, stats…), so the verdicts look the same everywhere.
import type { Verdict } from '../verify/types.ts';

export function colourEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

type Paint = 'green' | 'yellow' | 'red' | 'dim' | 'bold';
const CODES: Record<Paint, [number, number]> = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/**
 * Wraps text in a colour when colour is on. Apply it after safeText (output.ts): printLines makes
 * dump text safe first, so a styled line is passed to printStyled, not printLines.
 */
export function paint(colour: Paint, text: string, on = colourEnabled()): string {
  if (!on) return text;
  const [open, close] = CODES[colour];
  return `\x1b[${open}m${text}\x1b[${close}m`;
}

/** green authentic; yellow caveats, unverifiable, key-unavailable; red altered, forgeable; dim unsigned. */
export const VERDICT_COLOURS: Record<Verdict, Paint> = {
  authentic: 'green',
  'authentic-with-caveats': 'yellow',
  unverifiable: 'yellow',
  'key-unavailable': 'yellow',
  altered: 'red',
  forgeable: 'red',
  unsigned: 'dim',
};

/** A verdict in its colour (an unknown word is left as it is). */
export function paintVerdict(verdict: string, on = colourEnabled()): string {
  const colour = VERDICT_COLOURS[verdict as Verdict];
  return colour ? paint(colour, verdict, on) : verdict;
}

/** A count line ("      12  authentic", a line already made safe) with its verdict in colour. */
export function styleVerdictCount(line: string): string {
  const total = /^( +\d+ {2})(\S+)$/.exec(line);
  return total ? `${total[1]}${paintVerdict(total[2]!)}` : line;
}

/** Text without the colour codes paint adds (to measure a padded column, for instance). */
export function unstyled(text: string): string {
  return text.replace(/\x1b\[\d+m/g, '');
}
