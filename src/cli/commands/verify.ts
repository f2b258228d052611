import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AnalyserRun } from '../../core/analyse-case.ts';
import { changeKinds } from '../../core/change-kinds.ts';
import type { DisclosedKey } from '../../keys/disclosed.ts';
import type { KeyFailure } from '../../keys/formats/types.ts';
import type { KeyRecord, KeyResolver } from '../../keys/types.ts';
import { render } from '../../report/catalogue.ts';
import { describeFlag } from '../../verify/flags.ts';
import type { VerifyOptions } from '../../verify/message.ts';
import type { MessageVerification } from '../../verify/types.ts';
import { AnalysisLine } from '../live-line.ts';
import {
  fileProblem,
  fitLines,
  printError,
  printJson,
  printLines,
  readOptionFile,
  UsageError,
} from '../output.ts';
import { paintVerdict, styleVerdictCount } from '../style.ts';
import { caseOption, resolveCase, withCase } from '../with-case.ts';
import { byUrgency, hint } from './help.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'Check the DKIM signatures of one message (.eml) against archived keys, at the message’s own time',
    )
    .argument('[file]', 'the message, exact bytes as exported')
    .addOption(
      caseOption(
        'with a file: use the case’s key archive and disclosed keys (only when given); without a file: re-verify the case’s messages that newly imported keys or disclosures can change',
      ),
    )
    .option('--all', 'without a file: re-verify every signed message of the case')
    .option('--verbose', 'without a file: one line per message whose verdict changed')
    .option('--keys <file...>', 'DKIM key archive files (JSON map, zone file, CSV/JSON rows)')
    .option(
      '--disclosed <file...>',
      'lists of keys whose private half was published (JSON or CSV: domain, selector, disclosed, source, p)',
    )
    .option('--at <time>', 'judge the message at this time (ISO 8601 or unix seconds) instead of its own')
    .option('--json', 'print a machine-readable result')
    .option('--dns', 'also fetch keys from live DNS (today’s keys, stamped with the fetch time)')
    .option(
      '--proof <dir>',
      'write a proof folder (message, keys, transcript, re-check script): new or empty',
    )
    .option('--force', 'with --proof: write into a folder that is not empty, replacing the proof files in it')
    .addHelpText(
      'after',
      '\nExit codes: 0 checked (whatever the verdict); 2 usage error (a file that is not a mail message, too); 1 fatal error.\nWhat each verdict means: crible help verdicts.',
    )
    .action(
      async (
        file: string | undefined,
        opts: {
          case?: string;
          all?: boolean;
          verbose?: boolean;
          keys?: string[];
          disclosed?: string[];
          at?: string;
          json?: boolean;
          dns?: boolean;
          proof?: string;
          force?: boolean;
        },
      ) => {
        if (opts.case && (opts.keys || opts.disclosed))
          throw new UsageError(
            'with --case the case’s own keys are used: import files first (crible keys import / import-disclosed)',
          );
        if (file === undefined) {
          if (opts.keys || opts.disclosed)
            throw new UsageError(
              'give the message file to check with these keys: crible verify <file.eml> --keys …',
            );
          return reverify(resolveCase(opts.case), opts);
        }
        let at: Date | undefined;
        if (opts.at !== undefined) {
          const { parseAt } = await import('../../verify/time.ts');
          const parsed = parseAt(opts.at);
          if (!parsed) throw new UsageError(`--at: not an ISO 8601 date or unix time: ${opts.at}`);
          at = parsed;
        }
        const raw = await readInput(file);
        // Checked before any work, so a refused folder costs nothing.
        if (opts.proof) {
          const { prepareProofDir } = await import('./proof.ts');
          prepareProofDir(opts.proof, opts.force ?? false);
        }
        const { keysUsed, verifyMessage } = await import('../../verify/message.ts');
        const { caseKeys, saveFetched } = await import('../../verify/case-verification.ts');
        const check = (known: Omit<VerifyOptions, 'at'>) =>
          verifyMessage(raw, { ...known, ...(at ? { at } : {}) });
        const verification = opts.case
          ? await withCase(opts.case, async (kase) => {
              // Keys fetched live are kept in the case, as a re-verification keeps them.
              const known = await caseKeys(kase.store, { dns: opts.dns ?? false });
              const result = await check(known);
              await saveFetched(kase.store, known.keys);
              return result;
            })
          : await check({
              keys: await loadKeys(opts.keys ?? [], opts.dns ?? false),
              disclosedKeys: await loadDisclosed(opts.disclosed ?? []),
            });
        if (opts.proof) {
          const { writeProof } = await import('../../verify/proof.ts');
          await writeProof(opts.proof, raw, verification, keysUsed(verification));
        }
        if (opts.json) printJson(verification);
        else
          printLines(fitLines(describeVerification(verification), process.stdout.columns), styleVerdictLine);
      },
    );
}

async function reverify(
  caseDir: string,
  opts: { all?: boolean; dns?: boolean; json?: boolean; verbose?: boolean },
): Promise<void> {
  const { analyseCase } = await import('../../core/analyse-case.ts');
  const { verificationStats } = await import('../../core/case-stats.ts');
  await withCase(caseDir, async (kase) => {
    // The forensic rules read the verdicts (an authenticated original, its altered copies): they are
    // run again when a verdict changed, so no finding is left describing the verdicts before.
    const progress = new AnalysisLine();
    const [result, ...dependents] = await analyseCase(kase.store, {
      only: ['dkim'],
      withDependents: true,
      all: opts.all ?? false,
      dns: opts.dns ?? false,
      onProgress: (p) => progress.update(p),
    }).finally(() => progress.clear());
    const stats = await verificationStats(kase.store);
    if (opts.json) return printJson({ ...result!, ...stats, dependents });
    printLines(
      describeReverification(result!, stats.verdicts, opts.verbose ?? false, dependents),
      styleVerdictWords,
    );
  });
}

/** A re-verification as a summary: how many changed, grouped by kind of change, and the case's totals. */
export function describeReverification(
  run: AnalyserRun,
  verdicts: Record<string, number>,
  verbose: boolean,
  dependents: AnalyserRun[],
): string[] {
  const lines = [
    `Re-verified ${run.checked} message(s): ${run.changed.length} verdict(s) changed${run.failed ? `, ${run.failed} could not be checked` : ''}.`,
  ];
  const kinds = changeKinds(run.changed);
  if (kinds.length > 0) {
    lines.push('', 'Changes:');
    for (const k of kinds) lines.push(`  ${k.from ?? 'none'} → ${k.to ?? 'none'}: ${k.count}`);
  }
  if (verbose && run.changed.length > 0) {
    lines.push('', 'Each message:');
    for (const c of run.changed) lines.push(`  item ${c.itemId}: ${c.from ?? 'none'} → ${c.to ?? 'none'}`);
  } else if (run.changed.length > 0)
    lines.push('  (--verbose: one line per message;', '   crible list --verdict <verdict>: the messages)');
  const totals = byUrgency(verdicts);
  if (totals.length > 0) {
    lines.push('', 'Verdicts now (whole case):');
    for (const [verdict, n] of totals) lines.push(`  ${String(n).padStart(6)}  ${verdict}`);
  }
  // Only the forensic rules read the verdicts today.
  for (const d of dependents)
    if (d.checked > 0) {
      const n = d.changed.length;
      lines.push(
        '',
        `The forensic rules read the verdicts: they ran again on ${d.checked} document(s).`,
        n === 0
          ? '  No document has findings of another severity now.'
          : `  ${n} now ${n === 1 ? 'has' : 'have'} findings of another severity (crible findings).`,
      );
    }
  return lines;
}

/** The message file, or a usage error in words: missing, unreadable, or not a mail message at all. */
async function readInput(file: string): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    throw new UsageError(`cannot read the message: ${fileProblem(err, file)}`);
  }
  const { looksLikeMessage } = await import('../../mail/header-block.ts');
  if (!looksLikeMessage(raw)) {
    const mbox = raw.subarray(0, 5).toString('latin1') === 'From ';
    throw new UsageError(
      mbox
        ? `${file} is an mbox (a folder of messages), not one message: crible ingest it into a case, then crible list`
        : `${file} is not a mail message (no header lines such as From:, Date:, Message-ID: at its start)`,
    );
  }
  return raw;
}

/** Disclosed-key lists; rows that cannot be read are reported on stderr. */
async function loadDisclosed(files: string[]): Promise<DisclosedKey[]> {
  const { parseDisclosedFile } = await import('../../keys/disclosed.ts');
  const keys: DisclosedKey[] = [];
  for (const file of files) {
    const parsed = parseDisclosedFile(file, readOptionFile('disclosed-key list', file));
    for (const p of parsed.problems) printError(render(p));
    keys.push(...parsed.keys);
  }
  return keys;
}

/** Key archive files (and optionally live DNS) as one resolver. */
export async function loadKeys(files: string[], dns: boolean): Promise<KeyResolver> {
  const { parseKeyFile } = await import('../../keys/formats/index.ts');
  const { ArchiveKeyResolver } = await import('../../keys/archive-resolver.ts');
  const { DnsKeyResolver } = await import('../../keys/dns-resolver.ts');
  const records: KeyRecord[] = [];
  const failures: KeyFailure[] = [];
  for (const file of files) {
    const text = readOptionFile('key file', file);
    let parsed: ReturnType<typeof parseKeyFile>;
    try {
      parsed = parseKeyFile(file, text);
    } catch (err) {
      throw new UsageError(`cannot parse key file ${file}: ${(err as Error).message}`);
    }
    for (const p of parsed.problems) printError(render(p));
    records.push(...parsed.records);
    failures.push(...parsed.failures);
  }
  return new ArchiveKeyResolver(records, failures, dns ? new DnsKeyResolver() : null);
}

/**
 * One message's verification for a person: the verdict, its reasons, each signature with its terms
 * explained (a hint after fail-body, lf-to-crlf…), and once what a pass does not prove.
 */
export function describeVerification(v: MessageVerification): string[] {
  const lines = [`Verdict: ${v.verdict}`];
  for (const r of v.reasons) lines.push(`  - ${render(r)}`);
  lines.push(`Judged at: ${v.at ?? 'unknown'} (${v.atSource})`);
  for (const s of v.signatures) {
    const key = s.key ? `${s.key.bits ?? '?'}-bit ${s.key.type ?? '?'} key from ${s.key.source}` : 'no key';
    const meaning = hint(s.result);
    lines.push(
      `Signature #${s.index + 1}: ${s.result}${meaning ? ` (${meaning})` : ''}`,
      `    d=${s.domain} s=${s.selector} a=${s.algorithm} c=${s.canonicalization}, ${key}`,
    );
    lines.push(`    ${render(s.reason)}`);
    for (const name of s.repairs) {
      const undone = hint(name);
      lines.push(`    repair: ${name}${undone ? ` (${undone})` : ''}`);
    }
    for (const f of s.flags) lines.push(`    ! ${f}: ${describeFlag(f)}`);
    if (s.unsignedText !== undefined) {
      lines.push(`    l= (${hint('l=')}):`, '    not covered by the signature (the body after l=):');
      for (const line of s.unsignedText.replace(/\r\n$/, '').split(/\r?\n/)) lines.push(`    | ${line}`);
    }
  }
  if (v.arc.result !== 'none' || v.arc.reason)
    lines.push(`ARC: ${v.arc.result}${v.arc.reason ? ` (${render(v.arc.reason)})` : ''}  (${hint('ARC')})`);
  // The standing paragraph, once per output (this message's report is the whole output).
  lines.push('', `Note: ${render(v.caveat)}`);
  lines.push('What each verdict means: crible help verdicts.');
  return lines;
}

/** The "Verdict: x" line in the verdict's colour (a line already made safe). */
export function styleVerdictLine(line: string): string {
  return line.startsWith('Verdict: ') ? `Verdict: ${paintVerdict(line.slice(9))}` : line;
}

/** A verdict name in a re-verification summary ("  key-unavailable → authentic: 12", "  12  authentic"). */
function styleVerdictWords(line: string): string {
  const change = /^( {2})(\S+) → (\S+): (\d+)$/.exec(line);
  if (change) return `${change[1]}${paintVerdict(change[2]!)} → ${paintVerdict(change[3]!)}: ${change[4]}`;
  return styleVerdictCount(line);
}
