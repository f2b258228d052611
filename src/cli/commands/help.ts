// `crible help [topic]`: a command's help, or a guide: `crible help verdicts` explains each verdict in
// words for a non-cryptographer (the same guide as the README's "Verdict guide").
import type { Command } from 'commander';
import { VERDICT_ORDER } from '../../core/item-list.ts';
import { coded, render } from '../../report/catalogue.ts';
import type { Verdict } from '../../verify/types.ts';
import { UsageError } from '../output.ts';
import { colourEnabled, paint, paintVerdict } from '../style.ts';

/** What each verdict means, most urgent first: the order to read a case in (words: guide.verdict.*). */
export const VERDICT_GUIDE: { verdict: Verdict; meaning: string }[] = (
  [
    'altered',
    'forgeable',
    'authentic',
    'authentic-with-caveats',
    'key-unavailable',
    'unverifiable',
    'unsigned',
  ] as const
).map((verdict) => ({ verdict, meaning: render(coded(`guide.verdict.${verdict}`)) }));

/** Counts by verdict, what to look at first first (the order of `list --sort verdict`), other values after. */
export function byUrgency(counts: Record<string, number>): [string, number][] {
  const order: readonly string[] = VERDICT_ORDER;
  const rank = (v: string) => {
    const i = order.indexOf(v);
    return i === -1 ? order.length : i;
  };
  return Object.entries(counts).sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

export const PASS_DOES_NOT_PROVE = render(coded('guide.pass-does-not-prove'));

/** Terms that appear in verify's text output, in plain words. */
export const GLOSSARY: [term: string, meaning: string][] = [
  ['d=', 'the domain that signed (its server, not necessarily the person in From)'],
  ['s=', 'the selector: the name of the key the domain used'],
  ['l=', 'the signature covers only the first N bytes of the body; anything after is unchecked'],
  ['t=', 'when the signature says it was made'],
  ['x=', 'when the signature says it expires (judged at the message’s own time)'],
  ['c=', 'how strictly whitespace was compared (simple: exactly; relaxed: spacing may differ)'],
  ['a=', 'the algorithm: rsa-sha256 or ed25519-sha256 are current; rsa-sha1 is outdated'],
  ['pass', 'the signature matches the message'],
  ['fail-body', 'the body is not the one signed: it changed after signing'],
  [
    'fail-header',
    'the body is as signed, but a signed header changed, or the archived key is not the one used',
  ],
  ['no-key', 'no key for this selector in the archive: it cannot be checked yet'],
  ['key-revoked', 'the domain later withdrew the key (usually rotation): not a sign of forgery'],
  ['invalid', 'the signature itself is malformed or uses something unsupported'],
  ['lf-to-crlf', 'export damage undone: the file had bare line feeds where mail has CR LF'],
  ['final-crlf', 'export damage undone: the last line break had been stripped'],
  [
    'mboxrd-unescape / mboxo-unescape',
    'mbox storage had put ">" before lines starting with "From "; removed',
  ],
  ['trailing-whitespace', 'export damage undone: spaces added at the end of lines were removed'],
  ['takeout-headers', 'Gmail Takeout had added its own X-GM-THRID / X-Gmail-Labels headers; removed'],
  ['ARC', 'seals added by forwarders and mailing lists: they can explain a change, not prove authorship'],
];

/** The one-line hint printed after a term in verify's text output ("fail-body (the body changed)"). */
export function hint(term: string): string | undefined {
  return GLOSSARY.find(([t]) => t === term || t.split(' / ').includes(term))?.[1];
}

export function verdictGuide(on = colourEnabled()): string[] {
  const lines = [
    paint('bold', 'Verdicts, most urgent first', on),
    '',
    ...VERDICT_GUIDE.flatMap(({ verdict, meaning }) => [
      `  ${paintVerdict(verdict, on)}`,
      ...wrap(meaning, 6),
      '',
    ]),
    ...wrap(PASS_DOES_NOT_PROVE, 2),
    '',
    paint('bold', 'Terms in crible verify and crible show', on),
    '',
    ...GLOSSARY.flatMap(([term, meaning]) => {
      const [first, ...rest] = wrap(meaning, 36);
      return [`  ${term.padEnd(34)}${first!.trimStart()}`, ...rest];
    }),
  ];
  return lines;
}

/** Text wrapped at 100 columns (or the terminal's width), indented. */
function wrap(text: string, indent: number): string[] {
  const width = Math.min(process.stdout.columns ?? 100, 100) - indent;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`);
}

export function registerHelp(program: Command): void {
  program
    .command('help')
    .description(
      'Help on a command, or `crible help verdicts`: what each verdict means and what to look at first',
    )
    .argument('[topic]', 'a command, or "verdicts"')
    .action((topic: string | undefined) => {
      if (topic === undefined) return program.outputHelp();
      if (topic === 'verdicts' || topic === 'verdict') {
        // The guide is our own text (nothing from a dump), printed with its colours as they are.
        process.stdout.write(`${verdictGuide().join('\n')}\n`);
        return;
      }
      const command = program.commands.find((c) => c.name() === topic || c.aliases().includes(topic));
      if (!command)
        throw new UsageError(`no command or topic "${topic}": try crible help, or crible help verdicts`);
      command.outputHelp();
    });
}
