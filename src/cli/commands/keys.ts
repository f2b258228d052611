import type { Command } from 'commander';
import type { KeyHunt, MissingKeyRow } from '../../core/key-hunt.ts';
import { keyName } from '../../keys/formats/types.ts';
import { type Coded, coded, render } from '../../report/catalogue.ts';
import { toCsv } from '../../report/csv.ts';
import type { Store } from '../../store/store.ts';
import type { DisclosedImport, KeyImport } from '../../verify/case-verification.ts';
import { printError, printJson, printLines, readOptionFile, table, UsageError } from '../output.ts';
import { paint } from '../style.ts';
import { caseOption, withCase } from '../with-case.ts';

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description(
      "Manage the case's archive of DKIM keys (every record ever seen) and its list of disclosed keys",
    );

  registerImport(keys, {
    name: 'import',
    description:
      'Import key records: JSON map {"sel._domainkey.dom": ["v=DKIM1; …"]}, zone-file TXT lines, CSV/JSON rows',
    files: 'key archive files',
    // Loaded when the command runs: start-up loads only what every keys command needs.
    importFile: async (store, path, text): Promise<KeyImport> =>
      (await import('../../verify/case-verification.ts')).importKeyFile(store, path, text),
    summary: (r) => `${r.records} record(s), ${r.failures} DNS failure(s), ${r.added} new`,
    found: (r) => r.records + r.failures,
    none: ['keys.import.no-key', 'keys.import.nothing-read'],
    changes: 'keys',
  });
  registerImport(keys, {
    name: 'import-disclosed',
    description:
      'Import lists of keys whose private half was published: a signature made with one proves nothing. ' +
      'JSON array or CSV with domain, selector, disclosed (date), source, and optionally p (that key only)',
    files: 'disclosed-key lists',
    importFile: async (store, path, text): Promise<DisclosedImport> =>
      (await import('../../verify/case-verification.ts')).importDisclosedFile(store, path, text),
    summary: (r) => `${r.keys} disclosed key(s), ${r.added} new`,
    found: (r) => r.keys,
    none: ['keys.import.no-disclosure', 'keys.import.nothing-disclosed'],
    changes: 'disclosures',
  });

  registerMissing(keys);
  keys
    .command('list')
    .description(
      'List archived key records with their source and observation window, and the keys listed as disclosed',
    )
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withCase(opts.case, async (kase) => {
        const { records, failures } = await kase.store.listKeys();
        const disclosed = await kase.store.listDisclosedKeys();
        if (opts.json) return printJson({ records, failures, disclosed });
        const disclosures = disclosed.length
          ? [
              '',
              'Disclosed (private key published: signatures made with them prove nothing):',
              ...table([
                ['name', 'disclosed', 'source', 'key'],
                ...disclosed.map((d) => [
                  keyName(d.selector, d.domain),
                  d.disclosed,
                  d.source,
                  d.publicKey ? abbreviate(`p=${d.publicKey}`) : '(every key of the selector)',
                ]),
              ]),
            ]
          : [];
        printLines([
          ...table([
            ['name', 'first seen', 'last seen', 'fetched', 'source', 'value'],
            ...records.map((r) => [
              r.name,
              r.firstSeen ?? '-',
              r.lastSeen ?? '-',
              r.fetchedAt ?? '-',
              r.source,
              abbreviate(r.value),
            ]),
            ...failures.map((f) => [f.name, '-', '-', '-', 'archive', `(DNS failure: ${f.failure})`]),
          ]),
          ...disclosures,
        ]);
      });
    });
}

function registerMissing(keys: Command): void {
  keys
    .command('missing')
    .description(
      'The key hunt: every signing key (domain and selector) the messages need and the archive lacks, with how many messages wait on it, their dates, and what to do',
    )
    .addOption(caseOption())
    .option(
      '--dns',
      'ask DNS now whether each key is still published (today’s key may not be the one used then)',
    )
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV (one row per key)')
    .action(async (opts: { case?: string; dns?: boolean; json?: boolean; csv?: boolean }) => {
      if (opts.json && opts.csv) throw new UsageError('choose one of --json and --csv');
      await withCase(opts.case, async (kase) => {
        const { keyHunt } = await import('../../core/key-hunt.ts');
        const hunt = await keyHunt(kase.store, { dns: opts.dns ?? false });
        if (opts.json) return printJson(hunt);
        if (opts.csv) return process.stdout.write(missingCsv(hunt.keys));
        printLines(missingText(hunt, opts.case ?? '<dir>'), styleMissing);
      });
    });
}

const day = (iso: string | null) => iso?.slice(0, 10) ?? '?';
const dates = (k: MissingKeyRow) =>
  k.first === null
    ? '(undated)'
    : k.first.slice(0, 10) === day(k.last)
      ? day(k.first)
      : `${day(k.first)} … ${day(k.last)}`;

/** What DNS said, in a few words for the table. */
function dnsWords(k: MissingKeyRow): string {
  const recorded = k.failures.length ? `archive: ${k.failures.join(', ')}` : '';
  const today =
    k.dns.status === 'not-asked'
      ? 'not asked (--dns)'
      : k.dns.status === 'published'
        ? 'still published'
        : k.dns.status === 'absent'
          ? 'gone from DNS'
          : `lookup failed (${k.dns.failure})`;
  return recorded ? `${today}; ${recorded}` : today;
}

function missingText(hunt: KeyHunt, caseDir: string): string[] {
  const { keys } = hunt;
  if (!keys.length) return ['No key is missing: every signature of the case has its key in the archive.'];
  const count = (n: number) => n.toLocaleString('en-US');
  const published = keys.filter((k) => k.dns.status === 'published').length;
  return [
    `${count(keys.length)} signing key${keys.length === 1 ? ' is' : 's are'} missing from the archive; ${count(hunt.messagesWaiting)} message${hunt.messagesWaiting === 1 ? '' : 's'} cannot be checked until ${keys.length === 1 ? 'it is' : 'they are'} found (verdict key-unavailable).`,
    '',
    ...table([
      ['domain', 'selector', 'messages', 'waiting', 'dates', 'DNS'],
      ...keys.map((k) => [
        k.domain,
        k.selector,
        count(k.messages),
        count(k.unavailable),
        dates(k),
        dnsWords(k),
      ]),
    ]),
    '',
    'What to do:',
    '  1. Find these keys in a key archive (an archive of past DKIM records, a colleague’s case, the',
    '     sender’s mail admins). Save what you find as CSV with the header',
    '       domain,selector,value,first_seen,last_seen,source',
    '     (value is the TXT record, "v=DKIM1; k=rsa; p=…"; the dates may be empty) and import it:',
    `       crible keys import keys.csv --case ${caseDir}`,
    `  2. Check the messages again: crible verify --case ${caseDir}`,
    ...(published
      ? [
          `  ${published} key${published === 1 ? ' is' : 's are'} still in DNS: \`crible verify --case ${caseDir} --dns\` fetches them and keeps them in the archive.`,
          '     Today’s key may not be the one used then: a key that does not verify proves nothing either way.',
        ]
      : []),
    'A missing key is not evidence of forgery: keys rotate out of DNS within months.',
  ];
}

function styleMissing(line: string): string {
  return line.startsWith('What to do:') ? paint('bold', line) : line;
}

function missingCsv(keys: MissingKeyRow[]): string {
  return toCsv(
    keys.map((k) => ({
      domain: k.domain,
      selector: k.selector,
      messages: k.messages,
      key_unavailable: k.unavailable,
      first_message: k.first ?? '',
      last_message: k.last ?? '',
      dns: k.dns.status,
      dns_failure: 'failure' in k.dns ? k.dns.failure : '',
      archive_failures: k.failures.join(' '),
    })),
    {
      header: true,
      columns: [
        'domain',
        'selector',
        'messages',
        'key_unavailable',
        'first_message',
        'last_message',
        'dns',
        'dns_failure',
        'archive_failures',
      ],
    },
  );
}

/**
 * A `keys import…` command: reads each file into the case and reports what was added and what was
 * not read, by line. Exits 3 when a line was not read, or a file held nothing to import.
 */
function registerImport<Result extends { problems: Coded[] }>(
  keys: Command,
  spec: {
    name: string;
    description: string;
    files: string;
    importFile: (store: Store, path: string, text: string) => Promise<Result>;
    summary: (result: Result) => string;
    /** How many entries the file gave (0: nothing found in it). */
    found: (result: Result) => number;
    /** The codes saying a file gave nothing, and that nothing in it was unreadable either. */
    none: [string, string];
    changes: string;
  },
): void {
  keys
    .command(spec.name)
    .description(spec.description)
    .argument('<file...>', spec.files)
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every line read; 3 some lines not read, or a file with nothing to import; 2 usage error; 1 fatal error.',
    )
    .action(async (files: string[], opts) => {
      await withCase(opts.case, async (kase) => {
        // Every file is read before any is imported: one that cannot be read is a usage error that changes nothing.
        const texts = files.map((file) => ({ file, text: readOptionFile('file', file) }));
        const results = [];
        for (const { file, text } of texts)
          results.push({ path: file, ...(await spec.importFile(kase.store, file, text)) });
        if (opts.json) printJson(results);
        else
          printLines([
            ...results.flatMap((r) => [
              `${r.path}: ${spec.summary(r)}`,
              ...r.problems.map((p) => `  not read: ${render(p)}`),
            ]),
            `Run \`crible verify --case <dir>\` to re-verify the messages these ${spec.changes} can change.`,
          ]);
        for (const r of results) {
          if (spec.found(r) === 0) printError(nothingFound(r.path, r.problems, spec.none));
        }
        if (results.some((r) => r.problems.length > 0 || spec.found(r) === 0)) process.exitCode = 3;
      });
    });
}

/** "no key found in <file>: " and what it could not read (the first three problems), or that it held nothing. */
function nothingFound(file: string, problems: Coded[], [none, empty]: [string, string]): string {
  // The sentence names the file once: "no key found in k.csv: line 3: unterminated quote; …".
  const shown = problems.slice(0, 3).map((p) => {
    const words = render(p);
    return words.startsWith(`${file} `) ? words.slice(file.length + 1) : words;
  });
  if (problems.length > shown.length)
    shown.push(render(coded('keys.import.more', { count: problems.length - 3 })));
  return `${render(coded(none, { file }))}: ${shown.length > 0 ? shown.join(' — ') : render(coded(empty))}`;
}

function abbreviate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}
