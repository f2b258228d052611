import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { analysers } from '../../analysers/index.ts';
import { completeness, verificationStats } from '../../core/case-stats.ts';
import { type DocumentMetadata, describeItem, type ProvenanceStep } from '../../core/describe.ts';
import { SEVERITIES } from '../../core/findings.ts';
import {
  addressText,
  LIST_SORTS,
  type ListQuery,
  ListQueryError,
  type ListRow,
  listFilter,
  listRows,
} from '../../core/item-list.ts';
import { attachmentsOf, isBinary, messageText } from '../../core/message-view.ts';
import type { DocumentFacts, MetadataField, WrittenDate } from '../../extract/types.ts';
import { render } from '../../report/catalogue.ts';
import { safeText } from '../../report/safe-text.ts';
import { formatBytes } from '../../report/size.ts';
import type { ItemType } from '../../store/store.ts';
import { type MessageVerification, VERDICTS } from '../../verify/types.ts';
import { parseItemId, printJson, printLines, UsageError } from '../output.ts';
import { paint, paintVerdict } from '../style.ts';
import { caseOption, withCase } from '../with-case.ts';
import { paintSeverity } from './findings.ts';
import { describeStats, styleStatsLine } from './stats.ts';
import { describeVerification } from './verify.ts';

const LIST_TYPES = ['message', 'document', 'attachment', 'container', 'all'];

/** The filter options `list` and `export` share. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--verdict <verdict...>', `only messages with these verdicts: ${VERDICTS.join(', ')}`)
    .option('--from <addr-or-domain>', 'only messages from this address, or from this domain')
    .option('--to <addr-or-domain>', 'only messages to (to, cc, bcc) this address, or this domain')
    .option('--domain <domain>', 'only messages with any participant at this domain')
    .option('--since <date>', 'only messages dated on or after (2017-05-02, 2017-05, 2017-05-02T10:15Z)')
    .option('--until <date>', 'only messages dated up to (a day or a month given is included whole)')
    .option('--finding <rule...>', 'only items a rule fired on (altered-copy…; crible findings lists them)')
    .option('--severity <level...>', `only items with a finding of this severity: ${SEVERITIES.join(', ')}`)
    .option('--sort <key>', `order: ${LIST_SORTS.join(', ')} (verdict: altered and forgeable first)`, 'id')
    .option('--limit <n>', 'at most n rows')
    .option('--offset <n>', 'skip the first n rows');
}

export interface FilterOptions {
  verdict?: string[];
  from?: string;
  to?: string;
  domain?: string;
  since?: string;
  until?: string;
  finding?: string[];
  severity?: string[];
  sort?: string;
  limit?: string;
  offset?: string;
}

/** The options as the core's query; a usage error says what to fix. */
export function filterFromOptions(opts: FilterOptions, type: string) {
  if (!LIST_TYPES.includes(type)) throw new UsageError(`--type must be one of ${LIST_TYPES.join(', ')}`);
  if (opts.sort && !(LIST_SORTS as readonly string[]).includes(opts.sort))
    throw new UsageError(`--sort must be one of ${LIST_SORTS.join(', ')}`);
  const count = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new UsageError(`--${name}: not a count: ${text}`);
    return Number(text);
  };
  const query: ListQuery = {
    type: type as ItemType | 'all',
    ...(opts.verdict ? { verdicts: opts.verdict } : {}),
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    ...(opts.domain !== undefined ? { domain: opts.domain } : {}),
    ...(opts.since !== undefined ? { since: opts.since } : {}),
    ...(opts.until !== undefined ? { until: opts.until } : {}),
    ...(opts.finding ? { findings: opts.finding } : {}),
    ...(opts.severity ? { severities: opts.severity } : {}),
    sort: (opts.sort ?? 'id') as ListQuery['sort'] & string,
  };
  const limit = count('limit', opts.limit);
  const offset = count('offset', opts.offset);
  if (limit !== undefined) query.limit = limit;
  if (offset !== undefined) query.offset = offset;
  try {
    return listFilter(query);
  } catch (err) {
    if (err instanceof ListQueryError) throw new UsageError(`--${err.message}`);
    throw err;
  }
}

export function registerItemCommands(program: Command): void {
  addFilterOptions(
    program
      .command('list')
      .description(
        'List the items of a case: id, date, from, subject, verdict (type and path for other items)',
      )
      .addOption(caseOption())
      .option('--type <type>', `one of ${LIST_TYPES.join(', ')}`, 'all'),
  )
    .option('--json', 'print JSON rows (full values)')
    .action(async (opts: FilterOptions & { case?: string; type: string; json?: boolean }) => {
      const filter = filterFromOptions(opts, opts.type);
      await withCase(opts.case, async (kase) => {
        // Filtered, sorted and paged in the store: only the rows listed are read.
        const rows = await listRows(kase.store, filter);
        if (opts.json)
          return printJson(
            rows.map((r) => ({
              ...r,
              reason: r.reason,
            })),
          );
        if (!rows.length) return printLines(['(no items match)']);
        const { lines, verdicts } = listTable(
          rows,
          process.stdout.isTTY ? (process.stdout.columns ?? 100) : 100,
          filter.findings !== undefined || filter.severities !== undefined,
        );
        printLines(lines, listColours(verdicts));
      });
    });

  program
    .command('show')
    .description(
      'Show an item: headers, verdict, the text of a message, its attachments, the verification, provenance',
    )
    .argument('<item-id>', 'item id (from crible list)')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .option('--no-pager', 'do not page long output on a terminal')
    .action(async (idText: string, opts: { case?: string; json?: boolean; pager: boolean }) => {
      const id = parseItemId(idText);
      await withCase(opts.case, async (kase) => {
        const description = await describeItem(
          kase.store,
          id,
          analysers.map((a) => a.id),
        );
        if (!description) throw new UsageError(`no item ${id} in this case`);
        const verification = description.analyses.find((a) => a.analyser === 'dkim')?.result as
          | MessageVerification
          | undefined;
        const attachments = description.message ? await attachmentsOf(kase.store, id) : [];
        const text = description.origin ? await kase.store.getText(id) : null;
        const textSummary = text ? { source: text.source, characters: text.text.length } : null;
        if (opts.json)
          return printJson({
            ...description,
            attachments,
            verification: verification ?? null,
            // A document's provenance is what vouches for it, with the chain of where it was found.
            ...(description.origin
              ? { provenance: { ...description.origin, foundAt: description.provenance }, text: textSummary }
              : {}),
          });
        const { item, message, provenance, occurrences, children, findings, origin, metadata } = description;
        const width = process.stdout.isTTY ? (process.stdout.columns ?? 100) : 100;
        const styles = new Map<number, (line: string) => string>();
        const lines = [
          `Item ${item.id}: ${item.type} (${item.format}), ${formatBytes(item.size)}, status ${item.status}${item.reason ? ` — ${render(item.reason)}` : ''}`,
          `SHA-256: ${item.sha256 ?? '(no bytes)'}`,
        ];
        const heading = (title: string) => {
          lines.push('');
          styles.set(lines.length, (line) => paint('bold', line));
          lines.push(title);
        };
        if (item.first.declaredType) lines.push(`Declared type: ${item.first.declaredType}`);
        if (item.first.transformations.length)
          lines.push(`To read it: ${item.first.transformations.join(', ')}`);
        if (message) {
          lines.push(
            '',
            `Message-ID: ${message.messageId ?? '(none)'}`,
            `Date: ${message.dateRaw ?? '(none)'}  →  ${message.date ?? 'unparseable'}`,
          );
          lines.push(`From: ${addressText(message.from)}`, `To: ${addressText(message.to)}`);
          if (message.cc.length) lines.push(`Cc: ${addressText(message.cc)}`);
          lines.push(`Subject: ${message.subject ?? ''}`);
          if (message.flags.length) lines.push(`Flags: ${message.flags.join(', ')}`);
          if (verification) {
            // Only the verdict line of the headers is painted: a body line saying "Verdict: …" stays plain.
            styles.set(lines.length, () => `Verdict: ${paintVerdict(verification.verdict)}`);
            lines.push(`Verdict: ${verification.verdict}`);
          }
          const rule = '─'.repeat(40);
          const { text: body, fromHtml } = await messageText(kase.store, message);
          lines.push('', fromHtml ? `${rule} (text of the HTML body)` : rule);
          const shownBody = (body ?? '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
          lines.push(...(shownBody ? shownBody.split('\n') : ['(no text body)']), rule);
          if (attachments.length) {
            lines.push('', `Attachments (${attachments.length}):`);
            for (const a of attachments)
              lines.push(
                `  ${a.itemId}  ${a.filename ?? '(no name)'}  ${formatBytes(a.size)}  ${a.declaredType?.split(';')[0]?.trim() || a.type}${a.status === 'ok' ? '' : `  (${a.status})`}`,
              );
            lines.push(`  (crible attachments ${item.id} --out <dir> saves them)`);
          }
        }
        // The verdict is shown with the headers: the verification goes on from its reasons.
        if (verification) lines.push('', 'Verification:', ...describeVerification(verification).slice(1));
        if (origin) {
          heading('Provenance:');
          for (const said of origin.summary) {
            lines.push(...wrap(render(said), width, '  '));
            if (said.code === 'provenance.inherited' || said.code === 'provenance.loose-only')
              for (const chain of origin.loose) lines.push(`    ${chain.map(describeStep).join('  ←  ')}`);
            else
              for (const c of origin.carriers) {
                const verdict = c.verdict ?? 'not verified';
                const at = `    email ${c.itemId}  `;
                styles.set(lines.length, (line) =>
                  line.startsWith(at) && line.slice(at.length).startsWith(verdict)
                    ? `${at}${paintVerdict(verdict)}${line.slice(at.length + verdict.length)}`
                    : line,
                );
                lines.push(
                  `${at}${verdict}  ${c.dateRaw ?? '(no date)'}  from ${c.from || '(no sender)'}` +
                    `${c.filename ? `  as ${c.filename}` : ''}${c.via.length ? ` (inside item ${c.via.join(', inside item ')})` : ''}`,
                  ...wrap(`${render(c.why)}${c.subject ? `; subject: ${c.subject}` : ''}`, width, '      '),
                );
              }
          }
        }
        if (findings.length) {
          heading(`Findings (${findings.length}):`);
          const severityW = Math.max(...findings.map((f) => f.severity.length));
          for (const f of findings) {
            const at = lines.length;
            styles.set(
              at,
              (line) =>
                `  ${paintSeverity(f.severity, line.slice(2, 2 + f.severity.length))}${line.slice(2 + f.severity.length)}`,
            );
            const indent = ' '.repeat(4 + severityW);
            const [first, ...rest] = wrap(`${f.rule} — ${f.explanation}`, width - indent.length, '');
            lines.push(
              `  ${f.severity.padEnd(severityW)}  ${first ?? ''}`,
              ...rest.map((l) => `${indent}${l}`),
            );
            for (const [key, value] of Object.entries(f.evidence))
              lines.push(...wrap(`${key}: ${evidenceText(value)}`, width, `${indent}· `, `${indent}  `));
          }
        }
        if (metadata) metadataLines(metadata, width, lines, heading);
        if (text) {
          heading(
            `Text (${text.text.length.toLocaleString('en-US')} characters${text.source === 'ocr' ? ', read by OCR' : ''}):`,
          );
          const shown = text.text
            .slice(0, TEXT_SHOWN)
            .replace(/\r\n?/g, '\n')
            .replace(/\n+$/, '')
            .split('\n');
          lines.push(...shown.slice(0, TEXT_LINES).map((l) => `  ${l}`));
          if (text.text.length > TEXT_SHOWN || shown.length > TEXT_LINES)
            lines.push(
              `  … (the rest is searchable: crible search; crible raw ${item.id} > file gives the original)`,
            );
        }
        heading('Found at:');
        for (const step of provenance) lines.push(`  ${describeStep(step)}`);
        if (occurrences.length > 1) {
          lines.push(
            '',
            `Also found at (${occurrences.length} places in all), each with the name it was given there:`,
          );
          for (const occurrence of occurrences) {
            const named = occurrence.filename ? `${occurrence.filename}: ` : '';
            lines.push(`  ${named}${occurrence.chain.map(describeStep).join('  ←  ')}`);
          }
        }
        const others = message
          ? children.filter((c) => !attachments.some((a) => a.itemId === c.id))
          : children;
        if (others.length) {
          lines.push('', 'Contains:');
          for (const child of others)
            lines.push(`  ${child.id}  ${child.type}  ${child.status}  ${child.path}`);
        }
        let n = 0;
        await page(lines, opts.pager, (line) => {
          const style = styles.get(n++);
          return style ? style(line) : line;
        });
      });
    });

  program
    .command('raw')
    .description('Write the exact original bytes of an item to stdout (binary only to a pipe or file)')
    .argument('<item-id>', 'item id')
    .addOption(caseOption())
    .option('--force', 'write binary bytes to a terminal too')
    .action(async (idText: string, opts: { case?: string; force?: boolean }) => {
      const id = parseItemId(idText);
      await withCase(opts.case, async (kase) => {
        const item = await kase.store.getItem(id);
        if (!item) throw new UsageError(`no item ${id} in this case`);
        if (!item.sha256)
          throw new UsageError(`item ${id} has no stored bytes: ${item.reason ? render(item.reason) : ''}`);
        const sha256 = item.sha256;
        if (process.stdout.isTTY && !opts.force && (await blobIsBinary(kase.store.blobs, sha256)))
          throw new UsageError(
            `item ${id} (${item.type}, ${item.format}) is binary: its bytes would garble the terminal or drive it. ` +
              `Send it to a file (crible raw ${id} > file) or a pipe, or add --force`,
          );
        const stream = kase.store.blobs.openStream(sha256);
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('end', resolve);
          stream.pipe(process.stdout, { end: false });
        });
      });
    });

  program
    .command('stats')
    .description('Counts for a case: items by type and status, duplicates, reasons, sources')
    .addOption(caseOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withCase(opts.case, async (kase) => {
        const stats = {
          ...(await kase.store.stats()),
          completeness: await completeness(kase.store),
          ...(await verificationStats(kase.store)),
          findings: await kase.store.findingCounts(),
          unfinishedSources: (await kase.store.unfinishedSources()).map((s) => s.path),
        };
        if (opts.json)
          return printJson({
            ...stats,
          });
        printLines(describeStats(stats), styleStatsLine);
      });
    });
}

/** Text of a document shown by `show`: enough to recognise it, not the whole of it. */
const TEXT_SHOWN = 2000;
const TEXT_LINES = 20;

/** A paragraph cut into lines of `width` columns at spaces, the first after `first`, the others after `next`. */
function wrap(text: string, width: number, first: string, next = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  // A figure's group separators are not break points: "1 200 000" stays on one line.
  for (const word of text.split(/(?<!\d) | (?!\d)/)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = next;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** An evidence value in a line: objects as `key value` pairs, long strings cut. */
function evidenceText(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 119)}…` : value;
  if (typeof value !== 'object') return String(value);
  if (depth > 2) return '…';
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((v) => evidenceText(v, depth + 1));
    return `[${shown.join(', ')}${value.length > 8 ? `, … ${value.length - 8} more` : ''}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== null && v !== undefined,
  );
  return `(${entries.map(([k, v]) => `${k} ${evidenceText(v, depth + 1)}`).join(', ')})`;
}

/** A date as the document wrote it, saying when it carries no zone (never guessed). */
function writtenDate(date: WrittenDate | null): string | null {
  if (!date) return null;
  if (date.offset !== null) return date.written;
  return date.derivedOffset
    ? `${date.written} (no zone written; ${date.derivedOffset} inferred from the GPS time)`
    : `${date.written} (no zone written)`;
}

/** The facts the rules compare, those the document states, as label and value. */
function factRows(facts: DocumentFacts): [string, string][] {
  const rows: [string, string | null][] = [
    ['Title', facts.title],
    ['Subject', facts.subject],
    ['Author(s)', facts.authors.join('; ') || null],
    ['Last modified by', facts.lastModifiedBy],
    ['Company', facts.company],
    ['Manager', facts.manager],
    ['Application', [facts.application, facts.appVersion].filter(Boolean).join(' ') || null],
    ['Producer', facts.producer],
    ['Created', writtenDate(facts.created)],
    ['Modified', writtenDate(facts.modified)],
    ['Printed', writtenDate(facts.printed)],
    ['Template', facts.template],
    ['Revision', facts.revision],
    ['Editing time', facts.editMinutes !== null ? `${facts.editMinutes} min` : null],
    ['Languages', facts.languages.join(', ') || null],
    ['Code page', facts.codePage !== null ? String(facts.codePage) : null],
    ['Office type (CompObj)', facts.compObjType],
    ['Sheets', facts.sheetNames.join(', ') || null],
    ['Fonts', facts.fonts.join(', ') || null],
    ['Revision ids (rsids)', facts.rsids.length ? String(facts.rsids.length) : null],
  ];
  const pdf = facts.pdf;
  if (pdf)
    rows.push(
      [
        'PDF',
        [
          pdf.version && `version ${pdf.version}`,
          pdf.pages !== null && `${pdf.pages} pages`,
          pdf.linearized && 'linearised',
          pdf.encrypted && 'encrypted',
        ]
          .filter(Boolean)
          .join(', ') || null,
      ],
      [
        'Revisions',
        pdf.revisions.length > 1
          ? `${pdf.revisions.length} (${pdf.revisions.length - 1} incremental updates: ${pdf.revisions
              .slice(1)
              .map((r) => r.changed.join(' ') || 'nothing read')
              .join('; ')})`
          : null,
      ],
      ['XMP packets', pdf.xmp.length ? String(pdf.xmp.length) : null],
      ['Layers', pdf.layers.join(', ') || null],
      ['Layout-program data', pdf.pieceInfo.join(', ') || null],
      ['Pages without text', pdf.imageOnlyPages ? String(pdf.imageOnlyPages) : null],
    );
  const image = facts.image;
  if (image)
    rows.push(
      [
        'Camera',
        [image.make, image.model, image.serial && `serial ${image.serial}`].filter(Boolean).join(' ') || null,
      ],
      ['Software', image.software],
      ['Taken', writtenDate(image.original)],
      ['Digitised', writtenDate(image.digitized)],
      ['Image modified', writtenDate(image.modified)],
      [
        'GPS',
        image.gps
          ? `${image.gps.latitude}, ${image.gps.longitude}${image.gps.when ? ` at ${image.gps.when.written}` : ''}`
          : null,
      ],
      ['Size', image.width && image.height ? `${image.width} × ${image.height}` : null],
      ['Editing traces', image.traces.map((t) => render(t)).join('; ') || null],
    );
  return rows.filter((r): r is [string, string] => r[1] !== null && r[1] !== '');
}

/** Facts, then every field as written grouped by where it is, then what could not be read. */
function metadataLines(
  metadata: DocumentMetadata,
  width: number,
  lines: string[],
  heading: (title: string) => void,
): void {
  const facts = metadata.facts ? factRows(metadata.facts) : [];
  if (facts.length) {
    heading('Facts:');
    const w = Math.max(...facts.map(([label]) => label.length));
    for (const [label, value] of facts)
      lines.push(...wrap(`${label.padEnd(w)}  ${value}`, width, '  ', ' '.repeat(w + 4)));
  }
  if (metadata.fields.length) {
    heading(
      `Metadata as written (${metadata.fields.length} fields${metadata.extractor ? `, read by ${metadata.extractor}` : ''}):`,
    );
    const groups = new Map<string, MetadataField[]>();
    for (const field of metadata.fields) {
      const group = groups.get(field.group);
      if (group) group.push(field);
      else groups.set(field.group, [field]);
    }
    for (const [group, fields] of groups) {
      lines.push(`  ${group}`);
      const w = Math.min(28, Math.max(...fields.map((f) => f.name.length)));
      for (const f of fields) {
        const value = f.value.replace(/\r\n?|\n/g, ' ⏎ ');
        lines.push(...wrap(`${f.name.padEnd(w)}  ${value}`, width, '    ', ' '.repeat(w + 6)));
      }
    }
  }
  if (metadata.problems.length) {
    heading('Not read:');
    for (const problem of metadata.problems) lines.push(...wrap(render(problem), width, '  '));
  }
}

function describeStep(step: ProvenanceStep): string {
  const range = step.byteStart !== null ? ` [bytes ${step.byteStart}–${step.byteEnd}]` : '';
  return step.itemId === null
    ? `${step.type} ${step.place}`
    : `item ${step.itemId} (${step.type}) ${step.place}${range}`;
}

/** Reads a blob through and says whether any of it is not text for a terminal. */
async function blobIsBinary(
  blobs: { openStream(sha256: string): NodeJS.ReadableStream },
  sha256: string,
): Promise<boolean> {
  for await (const chunk of blobs.openStream(sha256)) if (isBinary(chunk as Buffer)) return true;
  return false;
}

/** A cell's characters as a terminal shows them: dump text made safe, tabs as spaces. */
function cellChars(text: string): string[] {
  return [...safeText(text).replace(/\t/g, ' ')];
}

/** Columns a character takes: 2 for East Asian wide and emoji, 0 for combining marks, else 1. */
function charWidth(char: string): number {
  const cp = char.codePointAt(0)!;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200d) || (cp >= 0xfe00 && cp <= 0xfe0f))
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

function widthOf(chars: string[]): number {
  return chars.reduce((n, c) => n + charWidth(c), 0);
}

/** The first characters of `chars` that fit in `width` columns. */
function head(chars: string[], width: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const c of chars) {
    if (used + charWidth(c) > width) break;
    used += charWidth(c);
    out.push(c);
  }
  return out;
}

/** Padded to `width` columns as shown. */
function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - widthOf([...text])));
}

/** A cell cut to `width` columns, with an ellipsis when cut. */
function fitEnd(text: string, width: number): string {
  const chars = cellChars(text);
  if (widthOf(chars) <= width) return chars.join('');
  return width < 1 ? '' : `${head(chars, width - 1).join('')}…`;
}

/** The list as a table that fits `columns`: from, subject and place share what id, date and verdict leave. */
export function listTable(
  rows: ListRow[],
  columns: number,
  /** Add a findings column (when the list was asked for by finding or severity). */
  showFindings = false,
): { lines: string[]; verdicts: (PaintedCell | null)[] } {
  const cells = rows.map((r) => {
    const status = r.status === 'ok' ? '' : ` (${r.status})`;
    if (r.type === 'message')
      return {
        id: String(r.id),
        date: r.date ? r.date.slice(0, 16).replace('T', ' ') : '-',
        from: r.from.length ? r.from[0]!.address || r.from[0]!.name : '-',
        subject: r.subject ?? '(no subject)',
        verdict: `${r.verdict ?? '-'}${status}`,
        place: r.place,
      };
    return {
      id: String(r.id),
      date: '',
      from: '',
      subject: `${r.type} (${r.format})${r.type === 'attachment' && r.parentId !== null ? ` of ${r.parentId}` : ''}`,
      verdict: status.trim(),
      place: r.place,
    };
  });
  // No message among them (documents, attachments, containers): no empty date, sender and verdict columns.
  if (rows.every((r) => r.type !== 'message')) {
    const statuses = rows.map((r) => (r.status === 'ok' ? 'ok' : r.status));
    const found = rows.map((r) => r.findings.map((f) => `${f.severity} ${f.rule}`).join(', '));
    const withFindings = showFindings && found.some(Boolean);
    const idW = Math.max(2, ...cells.map((c) => c.id.length));
    const whatW = Math.max(4, ...cells.map((c) => widthOf(cellChars(c.subject))));
    const statusW = Math.max(6, ...statuses.map((s) => s.length));
    const findingsW = withFindings ? Math.min(40, Math.max(8, ...found.map((f) => f.length))) : 0;
    const placeW = Math.max(20, columns - idW - whatW - statusW - 6 - (withFindings ? findingsW + 2 : 0));
    const line = (id: string, what: string, status: string, findings: string, place: string) =>
      [
        id.padEnd(idW),
        pad(fitEnd(what, whatW), whatW),
        status.padEnd(statusW),
        ...(withFindings ? [pad(fitEnd(findings, findingsW), findingsW)] : []),
        fitMiddle(place, placeW),
      ]
        .join('  ')
        .trimEnd();
    const findingsAt = idW + whatW + statusW + 6;
    return {
      lines: [
        line('id', 'what', 'status', 'findings', 'where'),
        ...cells.map((c, i) => line(c.id, c.subject, statuses[i]!, found[i]!, c.place)),
      ],
      verdicts: [
        null,
        ...rows.map((r) =>
          r.findings[0]
            ? {
                at: findingsAt,
                text: r.findings[0].severity,
                paint: (t: string) => paintSeverity(r.findings[0]!.severity, t),
              }
            : null,
        ),
      ],
    };
  }
  const header = {
    id: 'id',
    date: 'date (UTC)',
    from: 'from',
    subject: 'subject',
    verdict: 'verdict',
    place: 'where',
  };
  type Key = keyof typeof header;
  const need = (key: Key) => Math.max(header[key].length, ...cells.map((c) => widthOf(cellChars(c[key]))));
  const widths = { id: need('id'), date: need('date'), verdict: need('verdict') } as Record<Key, number>;
  // Five gaps of two spaces between six columns.
  let room = Math.max(30, columns - widths.id - widths.date - widths.verdict - 10);
  // On a narrow terminal the place goes (show gives it): sender and subject matter more.
  const withPlace = room >= 60;
  if (!withPlace) room += 2;
  // Each flexible column gets its share, or less when it needs less; what is left goes to those cut.
  const flexible: [Key, number][] = [
    ['subject', 0.4],
    ['from', 0.35],
    ...(withPlace ? ([['place', 0.25]] as [Key, number][]) : []),
  ];
  const wanted = new Map(flexible.map(([k]) => [k, need(k)] as const));
  let open = flexible.filter(([k]) => wanted.get(k)! > 0);
  for (const [k] of flexible) widths[k] = 0;
  while (open.length && room > 0) {
    const total = open.reduce((sum, [, w]) => sum + w, 0);
    const next: [Key, number][] = [];
    let given = 0;
    for (const [k, w] of open) {
      const share = Math.max(1, Math.floor((room * w) / total));
      const add = Math.min(share, wanted.get(k)! - widths[k], room - given);
      widths[k] += add;
      given += add;
      if (widths[k] < wanted.get(k)!) next.push([k, w]);
    }
    room -= given;
    if (given === 0) break;
    open = next;
  }
  const before = (c: typeof header) =>
    [
      c.id.padEnd(widths.id),
      pad(fitEnd(c.date, widths.date), widths.date),
      pad(fitEnd(c.from, widths.from), widths.from),
      pad(fitEnd(c.subject, widths.subject), widths.subject),
      '',
    ].join('  ');
  const line = (c: typeof header) =>
    `${before(c)}${[c.verdict.padEnd(widths.verdict), ...(withPlace ? [fitMiddle(c.place, widths.place)] : [])].join('  ')}`.trimEnd();
  return {
    lines: [line(header), ...cells.map(line)],
    // Where each row's verdict word is in its line (made safe already: printLines leaves it as is).
    verdicts: [
      null,
      ...cells.map((c, i) =>
        rows[i]!.verdict ? { at: before(c).length, text: rows[i]!.verdict!, paint: paintVerdict } : null,
      ),
    ],
  };
}

/** A word of a table line to paint, and where it is (in the line made safe already). */
interface PaintedCell {
  at: number;
  text: string;
  paint: (text: string) => string;
}

/** Paints the verdict and severity words of a list in their colours, and nothing else of its lines. */
function listColours(cells: (PaintedCell | null)[]): (line: string) => string {
  let n = 0;
  return (line) => {
    const spot = cells[n++];
    if (!spot || line.slice(spot.at, spot.at + spot.text.length) !== spot.text) return line;
    return `${line.slice(0, spot.at)}${spot.paint(spot.text)}${line.slice(spot.at + spot.text.length)}`;
  };
}

/** A place cut in the middle: its start (the folder) and its end (the file name, the mbox position) kept. */
function fitMiddle(text: string, width: number): string {
  const chars = cellChars(text);
  if (widthOf(chars) <= width) return chars.join('');
  if (width < 1) return '';
  const start = head(chars, Math.floor((width - 1) / 2));
  const end = head([...chars].reverse(), width - 1 - widthOf(start)).reverse();
  return `${start.join('')}…${end.join('')}`;
}

/** Long output through $PAGER (default `less -R`) on a terminal; straight to stdout otherwise. */
async function page(lines: string[], pager: boolean, decorate: (safeLine: string) => string): Promise<void> {
  if (!pager || !process.stdout.isTTY) return printLines(lines, decorate);
  const columns = process.stdout.columns || 80;
  // Lines as the terminal shows them: a long line takes several rows.
  const shown = lines.reduce(
    (n, line) => n + Math.max(1, Math.ceil([...safeText(line)].length / columns)),
    0,
  );
  if (shown < (process.stdout.rows || 24)) return printLines(lines, decorate);
  const text = `${lines.map(safeText).map(decorate).join('\n')}\n`;
  const command = process.env.PAGER?.trim() || 'less -R';
  // Ctrl-C belongs to the pager while it runs (less uses it to stop a search), as git does it.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  await new Promise<void>((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'] });
    child.on('error', () => {
      process.stdout.write(text);
      resolve();
    });
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      // The shell could not start the pager: print instead.
      if (code === 127) process.stdout.write(text);
      resolve();
    });
    child.stdin.end(text);
  }).finally(() => process.off('SIGINT', ignore));
}
