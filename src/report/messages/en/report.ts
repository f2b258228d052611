// English words of `crible report` (and of the verdict guide that `crible help verdicts`, the report and
// the workbench share): headings, column names, the caveats a reader must keep in mind, the method.
import type { Messages, Params } from '../../catalogue.ts';

const n = (p: Params, key: string) => Number(p[key] ?? 0);
const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export const enReport: Messages = {
  'verdict-name.authentic': () => 'authentic',
  'verdict-name.authentic-with-caveats': () => 'authentic, with caveats',
  'verdict-name.forgeable': () => 'forgeable',
  'verdict-name.altered': () => 'altered',
  'verdict-name.unverifiable': () => 'unverifiable',
  'verdict-name.key-unavailable': () => 'key unavailable',
  'verdict-name.unsigned': () => 'unsigned',
  'severity.high': () => 'high',
  'severity.medium': () => 'medium',
  'severity.low': () => 'low',
  'severity.info': () => 'note',

  'guide.verdict.altered': () =>
    'Look at these first. The message was signed, and it is not what was signed: the body or a signed header changed after the sender’s server signed it, and no known export damage explains it; or the From, Subject or Date a reader sees is an added, unsigned one above the signed one. Someone edited it — or the file was damaged in a way Crible does not know.',
  'guide.verdict.forgeable': () =>
    'Look at these next. The signature checks out, but proves nothing: the key is so short it can be broken cheaply, or its private half was published (then anyone could sign afterwards). It still counts if the message is known to have existed before the key was broken or published.',
  'guide.verdict.authentic': () =>
    'The sending domain’s server signed these headers and this body, byte for byte, with a strong key, and nothing weakens it.',
  'guide.verdict.authentic-with-caveats': () =>
    'It checks out, with a reservation the reasons name: part of the body is not covered (l=), a visible header such as From or Subject is unsigned or doubled, the signer is not the From domain, a 1024-bit key, old rsa-sha1, export damage that had to be undone, a signature time after receipt or after the message’s time, a key whose name dates it after the message. Read the reasons before you quote it.',
  'guide.verdict.key-unavailable': () =>
    'Signed, but the key to check it is not in the case’s archive (keys rotate and leave DNS), or it was revoked later. Not evidence either way: crible keys missing lists the keys to find; import them (crible keys import) and run crible verify --case again.',
  'guide.verdict.unverifiable': () =>
    'Signed, but the signature cannot be checked: it is malformed (a broken b= or bh=, a signature of the wrong size) or uses an unsupported method, or the file was rebuilt (from PST/MSG, re-encoded) so the exact signed bytes are gone. A failure here is not evidence of tampering.',
  'guide.verdict.unsigned': () =>
    'No DKIM or DomainKeys signature at all: nothing confirms who sent it or that it is unchanged. Common for internal mail and older mail; not a sign of forgery by itself.',
  'guide.pass-does-not-prove': () =>
    'What a pass does not prove: that the content is true; who received or read the message (a signed message can be re-sent to anyone); that the mailbox was not a decoy filled with genuine mail; or that unsigned headers (Received, often To and Cc) are genuine. It proves only that the signing domain (d=) sent these signed headers and this body.',

  'report.title': () => 'What this case shows',
  'report.subtitle': (p) => `Case report written on ${p.at} by Crible ${p.crible}`,
  'report.query': (p) => `Messages and documents limited to those the search “${p.query}” finds.`,
  'report.summary': (p) =>
    `${plural(n(p, 'messages'), 'email', 'emails')} and ${plural(n(p, 'documents'), 'document', 'documents')} from ${plural(n(p, 'sources'), 'source', 'sources')}. ` +
    `${n(p, 'authentic')} authentic (${n(p, 'withCaveats')} of them with caveats), ${n(p, 'altered')} altered, ${n(p, 'forgeable')} forgeable, ${n(p, 'cannotCheck')} that cannot be checked and ${n(p, 'unsigned')} unsigned. ` +
    `${plural(n(p, 'flagged'), 'document carries', 'documents carry')} a high-severity forgery signal.`,
  'report.contents': () => 'Contents',

  'report.section.custody': () => 'The dump and its custody',
  'report.custody.intro': () =>
    'Every file given to Crible, with its SHA-256 as read: anyone holding the same files can check they are the same bytes. Nothing was modified; every item found is counted below, including what could not be read.',
  'report.custody.items': (p) =>
    `${plural(n(p, 'items'), 'item', 'items')} found (${plural(n(p, 'occurrences'), 'place', 'places')}; ${plural(n(p, 'duplicates'), 'duplicate copy', 'duplicate copies')}), ${n(p, 'failed')} could not be read and ${n(p, 'limited')} were read only in part or not at all.`,
  'report.custody.missing': (p) =>
    `${plural(n(p, 'missing'), 'member', 'members')} that containers say they hold were never found.`,
  'report.custody.problems': () => 'Items not read in full, and why',
  'report.custody.all-read': () => 'Every item was read in full.',
  'report.custody.log': () => 'Custody log',

  'report.section.authenticity': () => 'Which emails are authentic',
  'report.authenticity.verifiable': (p) =>
    `${n(p, 'checked')} of ${plural(n(p, 'messages'), 'email', 'emails')} (${p.percent}%) carry a signature that could be checked. ` +
    `The others: ${plural(n(p, 'unsigned'), 'carries', 'carry')} no signature, ${plural(n(p, 'keyUnavailable'), 'waits', 'wait')} for a key the archive lacks, ${n(p, 'unverifiable')} cannot be checked (malformed, or rebuilt from a mail store).`,
  'report.authenticity.by-verdict': () => 'Emails by verdict',
  'report.authenticity.by-month': () => 'Verdicts by month',
  'report.authenticity.by-source': () => 'Verdicts by source and mailbox',
  'report.authenticity.by-domain': () => 'Verdicts by signing domain',
  'report.authenticity.key-sources': () => 'Where the keys came from',
  'report.authenticity.key-hunt': () => 'Keys still to find',
  'report.authenticity.key-hunt-intro': (p) =>
    `${plural(n(p, 'messages'), 'email waits', 'emails wait')} for these keys. Find them in archives of DNS records (the domain’s own, or the public ones), import them with crible keys import, and run crible verify --case again.`,
  'report.authenticity.no-keys-missing': () => 'No key is missing.',
  'report.authenticity.guide': () => 'What each verdict means',

  'report.section.caveats': () => 'What a signature does not prove',
  'report.caveat.content': () =>
    'A passing signature proves that the signing domain’s server sent these exact signed headers and this body. It does not prove that what the message says is true.',
  'report.caveat.readers': () =>
    'It does not prove who received or read the message: a signed message can be re-sent to anyone, unchanged.',
  'report.caveat.decoy': () =>
    'It does not prove that a mailbox is what it seems: genuine mail can be gathered into a decoy, and planted documents can travel with genuine mail.',
  'report.caveat.unsigned': () =>
    'Unsigned headers (Received, often To and Cc) are not covered, and an unsigned or unverifiable email is not thereby forged: most mail of some organisations is never signed.',
  'report.caveat.documents': () =>
    'Document findings are signals, not verdicts: each names the field values that fired it. Independent strong signals that agree make a case; a single one needs corroboration.',

  'report.section.altered': () => 'Altered emails, and what failed',
  'report.section.forgeable': () => 'Forgeable emails, and why',
  'report.section.documents': () => 'Documents with forgery signals',
  'report.documents.intro': (p) =>
    `${plural(n(p, 'documents'), 'document was', 'documents were')} examined; ${plural(n(p, 'flagged'), 'carries', 'carry')} at least one finding. Each finding names the fields that fired it.`,
  'report.documents.by-rule': () => 'Findings by rule',
  'report.none': () => 'None.',
  'report.more': (p) => `… and ${n(p, 'count')} more (the full list is in the CSV files beside this report).`,

  'report.section.method': () => 'Method: how this was established, and how to check it',
  'report.method.ingest': () =>
    'Ingest: every file is stored once by its SHA-256 and never modified; archives, mailboxes and mail stores are opened recursively within limits on size, depth and expansion, and every item is counted, including what could not be read and why.',
  'report.method.dkim': () =>
    'DKIM and DomainKeys: each signature is checked at the message’s own time against an archive of the keys the domains published then (not today’s DNS), with known export damage (line endings, mbox escaping) undone and named. ARC seals are checked hop by hop and can explain a change made by a forwarder, never prove who wrote the message.',
  'report.method.documents': () =>
    'Documents: text and metadata are read from PDF (every revision and XMP packet), Office, OpenDocument, RTF and image files, each in an isolated reader with time and memory limits; forensic rules compare their dates with the emails that carry them, their authors with the organisation’s people, their programs and fonts with the dates they claim.',
  'report.method.recheck': () =>
    'To re-check an email: crible proof <item id> --out <folder> writes its exact bytes, the keys used with where they came from, a transcript of each check, and a script that re-verifies the signatures with an independent implementation (dkimpy).',
  'report.method.tools': () => 'Tools and versions',
  'report.method.analysers': () => 'Analysers and their versions',

  'report.kind.file': () => 'file',
  'report.kind.directory': () => 'folder',
  'report.status.failed': () => 'could not be read',
  'report.status.limited': () => 'read in part, or not at all',
  'report.status.ok': () => 'read',
  'report.col.path': () => 'Path',
  'report.col.kind': () => 'Kind',
  'report.col.size': () => 'Size',
  'report.col.sha256': () => 'SHA-256',
  'report.col.completed': () => 'Ingest completed',
  'report.col.item': () => 'Item',
  'report.col.status': () => 'Status',
  'report.col.reason': () => 'Why',
  'report.col.verdict': () => 'Verdict',
  'report.col.count': () => 'Count',
  'report.col.month': () => 'Month',
  'report.col.source': () => 'Source',
  'report.col.domain': () => 'Signing domain',
  'report.col.date': () => 'Date',
  'report.col.from': () => 'From',
  'report.col.subject': () => 'Subject',
  'report.col.what-failed': () => 'What failed',
  'report.col.why': () => 'Why',
  'report.col.document': () => 'Document',
  'report.col.rule': () => 'Rule',
  'report.col.severity': () => 'Severity',
  'report.col.finding': () => 'Finding',
  'report.col.evidence': () => 'Evidence',
  'report.col.key': () => 'Key',
  'report.col.messages': () => 'Emails',
  'report.col.dates': () => 'Dates',
  'report.col.keys-from': () => 'Key source',
  'report.col.tool': () => 'Tool',
  'report.col.analyser': () => 'Analyser',
  'report.col.version': () => 'Version',
  'report.col.total': () => 'Total',
  'report.chart.no-date': () => 'no date',
  'report.chart.emails': () => 'emails',
};
