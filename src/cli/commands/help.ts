// `crible help [topic]`: a command's help, or a guide: `crible help verdicts` explains each verdict in
// words for a non-cryptographer (the same guide as the README's "Verdict guide").
import type { Command } from 'commander';
import { VERDICT_ORDER } from '../../core/item-list.ts';
import type { Verdict } from '../../verify/types.ts';
import { UsageError } from '../output.ts';
import { colourEnabled, paint, paintVerdict } from '../style.ts';

/** What each verdict means, most urgent first: the order to read a case in. */
export const VERDICT_GUIDE: { verdict: Verdict; meaning: string }[] = [
  {
    verdict: 'altered',
    meaning:
      'Look at these first. The message was signed, and it is not what was signed: the body or a signed header changed after the sender’s server signed it, and no known export damage explains it; or the From, Subject or Date a reader sees is an added, unsigned one above the signed one. Someone edited it — or the file was damaged in a way Crible does not know.',
  },
  {
    verdict: 'forgeable',
    meaning:
      'Look at these next. The signature checks out, but proves nothing: the key is so short it can be broken cheaply, or its private half was published (then anyone could sign afterwards). It still counts if the message is known to have existed before the key was broken or published.',
  },
  {
    verdict: 'authentic',
    meaning:
      'The sending domain’s server signed these headers and this body, byte for byte, with a strong key, and nothing weakens it.',
  },
  {
    verdict: 'authentic-with-caveats',
    meaning:
      'It checks out, with a reservation the reasons name: part of the body is not covered (l=), a visible header such as From or Subject is unsigned or doubled, the signer is not the From domain, a 1024-bit key, old rsa-sha1, export damage that had to be undone, a signature time after receipt or after the message’s time, a key whose name dates it after the message. Read the reasons before you quote it.',
  },
  {
    verdict: 'key-unavailable',
    meaning:
      'Signed, but the key to check it is not in the case’s archive (keys rotate and leave DNS), or it was revoked later. Not evidence either way: crible keys missing lists the keys to find; import them (crible keys import) and run crible verify --case again.',
  },
  {
    verdict: 'unverifiable',
    meaning:
      'Signed, but the signature cannot be checked: it is malformed (a broken b= or bh=, a signature of the wrong size) or uses an unsupported method, or the file was rebuilt (from PST/MSG, re-encoded) so the exact signed bytes are gone. A failure here is not evidence of tampering.',
  },
  {
    verdict: 'unsigned',
    meaning:
      'No DKIM or DomainKeys signature at all: nothing confirms who sent it or that it is unchanged. Common for internal mail and older mail; not a sign of forgery by itself.',
  },
];

/** Counts by verdict, what to look at first first (the order of `list --sort verdict`), other values after. */
export function byUrgency(counts: Record<string, number>): [string, number][] {
  const order: readonly string[] = VERDICT_ORDER;
  const rank = (v: string) => {
    const i = order.indexOf(v);
    return i === -1 ? order.length : i;
  };
  return Object.entries(counts).sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

export const PASS_DOES_NOT_PROVE =
  'What a pass does not prove: that the content is true; who received or read the message (a signed message can be re-sent to anyone); that the mailbox was not a decoy filled with genuine mail; or that unsigned headers (Received, often To and Cc) are genuine. It proves only that the signing domain (d=) sent these signed headers and this body.';

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
