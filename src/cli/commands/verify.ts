import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { analyseCase } from '../../core/analyse-case.ts';
import { verificationStats } from '../../core/case-stats.ts';
import { ArchiveKeyResolver } from '../../keys/archive-resolver.ts';
import { type DisclosedKey, parseDisclosedFile } from '../../keys/disclosed.ts';
import { DnsKeyResolver } from '../../keys/dns-resolver.ts';
import { parseKeyFile } from '../../keys/formats/index.ts';
import type { KeyFailure } from '../../keys/formats/types.ts';
import type { KeyRecord, KeyResolver } from '../../keys/types.ts';
import { render } from '../../report/catalogue.ts';
import { caseKeys, saveFetched } from '../../verify/case-verification.ts';
import { describeFlag } from '../../verify/flags.ts';
import { keysUsed, type VerifyOptions, verifyMessage } from '../../verify/message.ts';
import { writeProof } from '../../verify/proof.ts';
import { parseAt } from '../../verify/time.ts';
import type { MessageVerification } from '../../verify/types.ts';
import { printError, printJson, printLines, readOptionFile, UsageError } from '../output.ts';
import { withCase } from '../with-case.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'Check the DKIM signatures of one message (.eml) against archived keys, at the message’s own time',
    )
    .argument('[file]', 'the message, exact bytes as exported')
    .option(
      '--case <dir>',
      'with a file: use the case’s key archive and disclosed keys; alone: re-verify the case’s messages that newly imported keys or disclosures can change',
    )
    .option('--all', 'with --case alone: re-verify every signed message of the case')
    .option('--keys <file...>', 'DKIM key archive files (JSON map, zone file, CSV/JSON rows)')
    .option(
      '--disclosed <file...>',
      'lists of keys whose private half was published (JSON or CSV: domain, selector, disclosed, source, p)',
    )
    .option('--at <time>', 'judge the message at this time (ISO 8601 or unix seconds) instead of its own')
    .option('--json', 'print a machine-readable result')
    .option('--dns', 'also fetch keys from live DNS (today’s keys, stamped with the fetch time)')
    .option('--proof <dir>', 'write a proof folder (message, keys, transcript, re-check script)')
    .addHelpText('after', '\nExit codes: 0 checked (whatever the verdict); 2 usage error; 1 fatal error.')
    .action(
      async (
        file: string | undefined,
        opts: {
          case?: string;
          all?: boolean;
          keys?: string[];
          disclosed?: string[];
          at?: string;
          json?: boolean;
          dns?: boolean;
          proof?: string;
        },
      ) => {
        if (opts.case && (opts.keys || opts.disclosed))
          throw new UsageError(
            'with --case the case’s own keys are used: import files first (crible keys import / import-disclosed)',
          );
        if (file === undefined) {
          if (!opts.case) throw new UsageError('give a message file, or --case <dir> to re-verify a case');
          return reverify(opts.case, opts.all ?? false, opts.dns ?? false, opts.json ?? false);
        }
        let at: Date | undefined;
        if (opts.at !== undefined) {
          const parsed = parseAt(opts.at);
          if (!parsed) throw new UsageError(`--at: not an ISO 8601 date or unix time: ${opts.at}`);
          at = parsed;
        }
        const raw = await readInput(file);
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
              keys: loadKeys(opts.keys ?? [], opts.dns ?? false),
              disclosedKeys: loadDisclosed(opts.disclosed ?? []),
            });
        if (opts.proof) await writeProof(opts.proof, raw, verification, keysUsed(verification));
        if (opts.json) printJson(verification);
        else printLines(describeVerification(verification));
      },
    );
}

async function reverify(caseDir: string, all: boolean, dns: boolean, json: boolean): Promise<void> {
  await withCase(caseDir, async (kase) => {
    const [result] = await analyseCase(kase.store, { only: ['dkim'], all, dns });
    if (json) return printJson({ ...result!, ...(await verificationStats(kase.store)) });
    const lines = [
      `Re-verified ${result!.checked} message(s); ${result!.changed.length} verdict(s) changed.`,
    ];
    for (const c of result!.changed) lines.push(`  item ${c.itemId}: ${c.from} → ${c.to}`);
    printLines(lines);
  });
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new UsageError(`cannot read message ${file}: ${code}`);
    throw err;
  }
}

/** Disclosed-key lists; rows that cannot be read are reported on stderr. */
function loadDisclosed(files: string[]): DisclosedKey[] {
  const keys: DisclosedKey[] = [];
  for (const file of files) {
    const parsed = parseDisclosedFile(file, readOptionFile('disclosed-key list', file));
    for (const p of parsed.problems) printError(render(p));
    keys.push(...parsed.keys);
  }
  return keys;
}

/** Key archive files (and optionally live DNS) as one resolver. */
export function loadKeys(files: string[], dns: boolean): KeyResolver {
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
 * The report as --json prints it: each code with its words beside it (`{code, params, text}`), so
 * that a program needs no catalogue. What the case stores has the codes only.
 */

export function describeVerification(v: MessageVerification): string[] {
  const lines = [`Verdict: ${v.verdict}`];
  for (const r of v.reasons) lines.push(`  - ${render(r)}`);
  lines.push(`Judged at: ${v.at ?? 'unknown'} (${v.atSource})`);
  for (const s of v.signatures) {
    const key = s.key ? `${s.key.bits ?? '?'}-bit ${s.key.type ?? '?'} key from ${s.key.source}` : 'no key';
    lines.push(
      `Signature #${s.index + 1}: ${s.result}  d=${s.domain} s=${s.selector} a=${s.algorithm} c=${s.canonicalization}, ${key}`,
    );
    lines.push(`    ${render(s.reason)}`);
    if (s.repairs.length) lines.push(`    repairs: ${s.repairs.join(', ')}`);
    for (const f of s.flags) lines.push(`    ! ${f}: ${describeFlag(f)}`);
    if (s.unsignedText !== undefined) {
      lines.push('    not covered by the signature (the body after l=):');
      for (const line of s.unsignedText.replace(/\r\n$/, '').split(/\r?\n/)) lines.push(`    | ${line}`);
    }
  }
  if (v.arc.result !== 'none' || v.arc.reason)
    lines.push(`ARC: ${v.arc.result}${v.arc.reason ? ` (${render(v.arc.reason)})` : ''}`);
  lines.push(`Note: ${render(v.caveat)}`);
  return lines;
}
