import type { Command } from 'commander';
import { analysers } from '../../analysers/index.ts';
import { verificationStats } from '../../core/case-stats.ts';
import { describeItem } from '../../core/describe.ts';
import { render } from '../../report/catalogue.ts';
import type { ItemType } from '../../store/store.ts';
import { type MessageVerification, VERDICTS } from '../../verify/types.ts';
import { parseItemId, printJson, printLines, table, UsageError } from '../output.ts';
import { withCase } from '../with-case.ts';
import { describeVerification } from './verify.ts';

const LIST_TYPES = ['message', 'document', 'attachment', 'container', 'all'];

export function registerItemCommands(program: Command): void {
  program
    .command('list')
    .description('List the items of a case: id, type, source path, SHA-256, status')
    .requiredOption('--case <dir>', 'case directory')
    .option('--type <type>', `one of ${LIST_TYPES.join(', ')}`, 'all')
    .option('--verdict <verdict...>', `only messages with these verdicts: ${VERDICTS.join(', ')}`)
    .option('--json', 'print JSON rows')
    .action(async (opts: { case: string; type: string; verdict?: string[]; json?: boolean }) => {
      if (!LIST_TYPES.includes(opts.type))
        throw new UsageError(`--type must be one of ${LIST_TYPES.join(', ')}`);
      const unknown = opts.verdict?.filter((v) => !(VERDICTS as readonly string[]).includes(v)) ?? [];
      if (unknown.length)
        throw new UsageError(
          `--verdict: not a verdict: ${unknown.join(', ')} (one of ${VERDICTS.join(', ')})`,
        );
      if (opts.verdict && opts.type !== 'all' && opts.type !== 'message')
        throw new UsageError('--verdict lists messages: it cannot be combined with another --type');
      await withCase(opts.case, async (kase) => {
        const store = kase.store;
        const sources = new Map((await store.listSources()).map((s) => [s.id, s.path] as const));
        // Filtered in the store: only the rows listed are read.
        const items = await store.listItems({
          type: opts.verdict ? 'message' : (opts.type as ItemType | 'all'),
          ...(opts.verdict ? { summaries: { analyser: 'dkim', values: opts.verdict } } : {}),
        });
        const rows = [];
        for (const item of items) {
          const verdict =
            item.type === 'message' ? ((await store.getAnalysis(item.id, 'dkim'))?.summary ?? null) : null;
          rows.push({
            id: item.id,
            type: item.type,
            format: item.format,
            source: sources.get(item.first.sourceId) ?? null,
            path: item.first.path,
            sha256: item.sha256,
            status: item.status,
            reason: item.reason ? render(item.reason) : null,
            ...(item.type === 'message' ? { verdict } : {}),
          });
        }
        if (opts.json) printJson(rows);
        else
          printLines(
            table([
              ['id', 'type', 'status', 'verdict', 'sha256', 'path'],
              ...rows.map((r) => [
                String(r.id),
                r.type,
                r.status,
                r.verdict ?? '-',
                (r.sha256 ?? '-').slice(0, 16),
                r.path,
              ]),
            ]),
          );
      });
    });

  program
    .command('show')
    .description(
      'Show an item: parsed fields, provenance down to the source path and byte range, occurrences',
    )
    .argument('<item-id>', 'item id (from crible list)')
    .requiredOption('--case <dir>', 'case directory')
    .option('--json', 'print JSON')
    .action(async (idText: string, opts) => {
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
        if (opts.json) return printJson({ ...description, verification: verification ?? null });
        const { item, message, provenance, occurrences, children, findings } = description;
        const lines = [
          `Item ${item.id}: ${item.type} (${item.format}), ${item.size} bytes, status ${item.status}${item.reason ? ` — ${render(item.reason)}` : ''}`,
          `SHA-256: ${item.sha256 ?? '(no bytes)'}`,
        ];
        if (item.first.declaredType) lines.push(`Declared type: ${item.first.declaredType}`);
        if (item.first.transformations.length)
          lines.push(`To read it: ${item.first.transformations.join(', ')}`);
        if (message) {
          const who = (list: { name: string; address: string }[]) =>
            list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
          lines.push(
            '',
            `Message-ID: ${message.messageId ?? '(none)'}`,
            `Date: ${message.dateRaw ?? '(none)'}  →  ${message.date ?? 'unparseable'}`,
          );
          lines.push(`From: ${who(message.from)}`, `To: ${who(message.to)}`);
          if (message.cc.length) lines.push(`Cc: ${who(message.cc)}`);
          lines.push(`Subject: ${message.subject ?? ''}`);
          if (message.flags.length) lines.push(`Flags: ${message.flags.join(', ')}`);
        }
        if (verification) lines.push('', ...describeVerification(verification));
        if (findings.length) {
          lines.push('', 'Findings:');
          for (const f of findings) lines.push(`  ${f.severity}  ${f.code}  ${JSON.stringify(f.params)}`);
        }
        lines.push('', 'Found at:');
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
        if (children.length) {
          lines.push('', 'Contains:');
          for (const child of children)
            lines.push(`  ${child.id}  ${child.type}  ${child.status}  ${child.path}`);
        }
        printLines(lines);
      });
    });

  program
    .command('raw')
    .description('Write the exact original bytes of an item to stdout')
    .argument('<item-id>', 'item id')
    .requiredOption('--case <dir>', 'case directory')
    .action(async (idText: string, opts) => {
      const id = parseItemId(idText);
      await withCase(opts.case, async (kase) => {
        const item = await kase.store.getItem(id);
        if (!item) throw new UsageError(`no item ${id} in this case`);
        if (!item.sha256)
          throw new UsageError(`item ${id} has no stored bytes: ${item.reason ? render(item.reason) : ''}`);
        const stream = kase.store.blobs.openStream(item.sha256);
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
    .requiredOption('--case <dir>', 'case directory')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withCase(opts.case, async (kase) => {
        const stats = {
          ...(await kase.store.stats()),
          ...(await verificationStats(kase.store)),
          findings: await kase.store.findingCounts(),
          unfinishedSources: (await kase.store.unfinishedSources()).map((s) => s.path),
        };
        if (opts.json)
          return printJson({
            ...stats,
            reasons: stats.reasons.map((r) => ({ ...r, text: render(r.reason) })),
          });
        const lines = [
          `${stats.items} items from ${stats.sources} source(s), ${stats.occurrences} occurrences (${stats.duplicates} duplicate copies), ${stats.bytes} bytes`,
          `By type: ${Object.entries(stats.byType)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
          `By status: ${Object.entries(stats.byStatus)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        ];
        for (const { reason, count } of stats.reasons) lines.push(`  ${count} × ${render(reason)}`);
        const tally = (counts: Record<string, number>) =>
          Object.entries(counts)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ');
        if (Object.keys(stats.verdicts).length) lines.push(`Verdicts: ${tally(stats.verdicts)}`);
        if (Object.keys(stats.signatures).length) lines.push(`Signatures: ${tally(stats.signatures)}`);
        if (Object.keys(stats.findings).length) lines.push(`Findings (items): ${tally(stats.findings)}`);
        for (const path of stats.unfinishedSources)
          lines.push(`Unfinished ingest of ${path}: run the same crible ingest again to finish it.`);
        printLines(lines);
      });
    });
}

function describeStep(step: {
  itemId: number | null;
  type: string;
  path: string;
  byteStart: number | null;
  byteEnd: number | null;
}): string {
  const range = step.byteStart !== null ? ` [bytes ${step.byteStart}–${step.byteEnd}]` : '';
  return step.itemId === null
    ? `${step.type} ${step.path}`
    : `item ${step.itemId} (${step.type}) ${step.path}${range}`;
}
