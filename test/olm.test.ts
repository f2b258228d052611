// Outlook for Mac archives (.olm), generated here in the shape Outlook writes them: a zip with
// Accounts/<account>/com.microsoft.__Messages/<folder>/message_NNNNN.xml (one <emails><email> each,
// OPFMessageCopy* elements, addresses as emailAddress attributes) and the attachments the messages
// name in com.microsoft.__Attachments/. Messages come out rebuilt with their attachments as children,
// folders with the counts the archive's listing gives, and what is missing or unreadable said.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../src/core/case.ts';
import { ingestIntoCase } from '../src/core/ingest-case.ts';
import type { ContainerEvent } from '../src/ingest/format.ts';
import { olmFormat } from '../src/ingest/formats/olm.ts';
import { defaultLimits, type Limits } from '../src/ingest/limits.ts';
import { identify, probeBuffer } from '../src/ingest/registry.ts';
import { isKnownCode } from '../src/report/catalogue.ts';
import { sha256Hex } from '../src/store/blobs.ts';
import { zip } from './helpers/archives.ts';
import { tempDir } from './helpers/mail.ts';

const ACCOUNT = 'Accounts/alice@campagne.example/com.microsoft.__Messages';

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface OlmMessage {
  subject: string;
  id: string;
  to?: [string, string][];
  body?: string;
  html?: string;
  attachments?: { name: string; url: string; type: string }[];
}

function addressList(element: string, list: [string, string][]): string {
  const items = list.map(
    ([name, address]) =>
      `<emailAddress OPFContactEmailAddressAddress="${xmlEscape(address)}" OPFContactEmailAddressName="${xmlEscape(name)}" OPFContactEmailAddressType="0"/>`,
  );
  return `<${element}>${items.join('')}</${element}>`;
}

/** A message file as Outlook for Mac exports it. */
function messageXml(m: OlmMessage): Buffer {
  const attachments = (m.attachments ?? []).map(
    (a) =>
      `<messageAttachment OPFAttachmentContentExtension="${a.name.split('.').pop()}" OPFAttachmentContentType="${a.type}" OPFAttachmentName="${xmlEscape(a.name)}" OPFAttachmentURL="${xmlEscape(a.url)}"/>`,
  );
  return Buffer.from(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<emails>',
      '<email>',
      '<OPFMessageCopySentTime>2023-11-14T08:12:40</OPFMessageCopySentTime>',
      '<OPFMessageCopyReceivedTime>2023-11-14T08:12:44</OPFMessageCopyReceivedTime>',
      `<OPFMessageCopySubject>${xmlEscape(m.subject)}</OPFMessageCopySubject>`,
      `<OPFMessageCopyMessageID>${xmlEscape(`<${m.id}@campagne.example>`)}</OPFMessageCopyMessageID>`,
      addressList('OPFMessageCopyFromAddresses', [['Alice Martin', 'alice@campagne.example']]),
      addressList('OPFMessageCopySenderAddress', [['Alice Martin', 'alice@campagne.example']]),
      addressList('OPFMessageCopyToAddresses', m.to ?? [['Bob Durand', 'bob@campagne.example']]),
      `<OPFMessageCopyBody>${xmlEscape(m.body ?? `Texte de ${m.subject}`)}</OPFMessageCopyBody>`,
      ...(m.html ? [`<OPFMessageCopyHTMLBody>${xmlEscape(m.html)}</OPFMessageCopyHTMLBody>`] : []),
      '<OPFMessageGetHasHTML>1E0</OPFMessageGetHasHTML>',
      '<OPFMessageGetIsRead>1</OPFMessageGetIsRead>',
      ...(attachments.length > 0
        ? [`<OPFMessageCopyAttachmentList>${attachments.join('')}</OPFMessageCopyAttachmentList>`]
        : []),
      '</email>',
      '</emails>',
    ].join('\n'),
  );
}

const pdf = Buffer.from(`%PDF-1.4\n${'% budget\n'.repeat(300)}1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
const sheet = Buffer.from(`poste;montant\n${'affiches;1200\ntracts;800\n'.repeat(120)}`);
const minutes = Buffer.from('Compte rendu de la réunion.\n');
const inboxAttachments = `${ACCOUNT}/Inbox/com.microsoft.__Attachments`;

/** An archive: attachments before the message naming them (as Outlook orders its folders), one after; one missing. */
async function archive(): Promise<Buffer> {
  return zip([
    ['Categories.xml', Buffer.from('<categories><category name="Campagne"/></categories>')],
    [`${inboxAttachments}/budget.pdf`, pdf],
    [`${inboxAttachments}/postes.csv`, sheet],
    [
      `${ACCOUNT}/Inbox/message_00000.xml`,
      messageXml({
        subject: 'Budget de la campagne',
        id: 'budget',
        html: '<p>Voici le <b>budget</b>.</p>',
        attachments: [
          { name: 'budget.pdf', url: `${inboxAttachments}/budget.pdf`, type: 'application/pdf' },
          { name: 'postes.csv', url: `${inboxAttachments}/postes.csv`, type: 'text/csv' },
        ],
      }),
    ],
    [
      `${ACCOUNT}/Inbox/message_00001.xml`,
      messageXml({
        subject: 'Réunion & suite',
        id: 'reunion',
        to: [
          ['Bob Durand', 'bob@campagne.example'],
          ['Chloé Roy', 'chloe@campagne.example'],
        ],
      }),
    ],
    [`${ACCOUNT}/Inbox/message_00002.xml`, Buffer.from('<emails><email><OPFMessageCopySubject>cut')],
    [
      `${ACCOUNT}/Sent Items/message_00000.xml`,
      messageXml({
        subject: 'Compte rendu',
        id: 'compte-rendu',
        attachments: [
          {
            name: 'compte-rendu.txt',
            url: `${ACCOUNT}/Sent Items/com.microsoft.__Attachments/compte-rendu.txt`,
            type: 'text/plain',
          },
          {
            name: 'absent.docx',
            url: `${ACCOUNT}/Sent Items/com.microsoft.__Attachments/absent.docx`,
            type: 'application/octet-stream',
          },
        ],
      }),
    ],
    [`${ACCOUNT}/Sent Items/com.microsoft.__Attachments/compte-rendu.txt`, minutes],
    [
      'Accounts/alice@campagne.example/com.microsoft.__Contacts/Contacts.xml',
      Buffer.from(
        '<contacts><contact><OPFContactCopyDisplayName>Bob</OPFContactCopyDisplayName></contact></contacts>',
      ),
    ],
  ]);
}

async function events(bytes: Buffer, limits: Partial<Limits> = {}): Promise<ContainerEvent[]> {
  const out: ContainerEvent[] = [];
  const input = { kind: 'buffer' as const, data: bytes, name: 'archive.olm' };
  for await (const event of olmFormat.entries(input, { ...defaultLimits, ...limits })) out.push(event);
  return out;
}

const described = (list: ContainerEvent[]) =>
  list.map((e) =>
    e.kind === 'expected'
      ? `expected ${e.path}: ${e.count}`
      : e.kind === 'problem'
        ? `problem ${e.path}: ${e.status} ${e.reason.code}`
        : e.kind === 'entry'
          ? `entry ${e.path}${e.flags?.length ? ` [${e.flags.join(' ')}]` : ''}`
          : `spooled ${e.path}`,
  );

describe('OLM read as a container', () => {
  it('is identified by its folders, and reads messages rebuilt with their attachments in them', async () => {
    const olm = await archive();
    expect(identify(probeBuffer(olm, 'export.olm', false)).module.name).toBe('olm');
    expect(described(await events(olm))).toEqual([
      `expected ${ACCOUNT}/Inbox: 3`,
      `expected ${ACCOUNT}/Sent Items: 1`,
      'entry Categories.xml',
      `entry ${ACCOUNT}/Inbox/message_00000.eml [rebuilt-from:olm]`,
      `entry ${ACCOUNT}/Inbox/message_00001.eml [rebuilt-from:olm]`,
      `problem ${ACCOUNT}/Inbox/message_00002.xml: failed olm.message-unreadable`,
      'entry Accounts/alice@campagne.example/com.microsoft.__Contacts/Contacts.xml',
      `problem ${ACCOUNT}/Sent Items/com.microsoft.__Attachments/absent.docx: failed olm.attachment-missing`,
      `entry ${ACCOUNT}/Sent Items/message_00000.eml [rebuilt-from:olm olm-attachment-missing]`,
    ]);
  });

  it('records an attachment beside its message when holding it would pass the budget', async () => {
    // maxEntryBytes bounds what is held for messages not met yet: the second attachment does not fit.
    expect(pdf.length + sheet.length).toBeGreaterThan(4000);
    const list = await events(await archive(), { maxEntryBytes: 4000 });
    expect(described(list).filter((line) => line.includes('Inbox/'))).toEqual([
      `entry ${inboxAttachments}/postes.csv [olm-attachment-apart]`,
      `entry ${ACCOUNT}/Inbox/message_00000.eml [rebuilt-from:olm olm-attachment-apart]`,
      `entry ${ACCOUNT}/Inbox/message_00001.eml [rebuilt-from:olm]`,
      `problem ${ACCOUNT}/Inbox/message_00002.xml: failed olm.message-unreadable`,
    ]);
  });

  it('builds a message early when waiting for its attachments would pass the budget, and records them beside it', async () => {
    const folder = `${ACCOUNT}/Drafts`;
    const attachment = (name: string) => ({
      name,
      url: `${folder}/com.microsoft.__Attachments/${name}`,
      type: 'text/plain',
    });
    const first = messageXml({ subject: 'Premier', id: 'premier', attachments: [attachment('a.txt')] });
    const second = messageXml({ subject: 'Second', id: 'second', attachments: [attachment('b.txt')] });
    const olm = await zip([
      [`${folder}/message_00000.xml`, first],
      [`${folder}/message_00001.xml`, second],
      [`${folder}/com.microsoft.__Attachments/a.txt`, Buffer.from('pièce A\n')],
      [`${folder}/com.microsoft.__Attachments/b.txt`, Buffer.from('pièce B\n')],
    ]);
    // Room for one message file waiting, not two.
    const list = await events(olm, { maxEntryBytes: first.length + second.length - 1 });
    expect(described(list)).toEqual([
      `expected ${folder}: 2`,
      `entry ${folder}/message_00000.eml [rebuilt-from:olm olm-attachment-apart]`,
      `entry ${folder}/com.microsoft.__Attachments/a.txt [olm-attachment-apart]`,
      `entry ${folder}/message_00001.eml [rebuilt-from:olm]`,
    ]);
  });

  it('reads the older layout (namespaced elements, addresses as child elements) and refuses a DTD', async () => {
    const older = Buffer.from(
      [
        '<?xml version="1.0"?>',
        '<o:emails xmlns:o="http://schemas.microsoft.com/outlook/mac/2011"><o:email>',
        '<o:OPFMessageCopySubject>Ancien format</o:OPFMessageCopySubject>',
        '<o:OPFMessageCopySentTime>2012-01-02T03:04:05</o:OPFMessageCopySentTime>',
        '<o:OPFMessageCopyToAddresses><o:emailAddress><o:OPFContactEmailAddressAddress>bob@campagne.example</o:OPFContactEmailAddressAddress><o:OPFContactEmailAddressName>Bob</o:OPFContactEmailAddressName></o:emailAddress></o:OPFMessageCopyToAddresses>',
        '</o:email></o:emails>',
      ].join('\n'),
    );
    const bomb = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa">]><emails><email><OPFMessageCopySubject>&a;</OPFMessageCopySubject></email></emails>',
    );
    const list = await events(
      await zip([
        [`${ACCOUNT}/Archive/message_00000.xml`, older],
        [`${ACCOUNT}/Archive/message_00001.xml`, bomb],
      ]),
    );
    const rebuilt = list.find((e) => e.kind === 'entry') as { bytes: Buffer };
    const text = rebuilt.bytes.toString('utf8');
    expect(text).toContain('To: "Bob" <bob@campagne.example>');
    expect(text).toContain('Subject: Ancien format');
    expect(text).toContain('Date: Mon, 2 Jan 2012 03:04:05 +0000');
    const refused = list.find((e) => e.kind === 'problem') as unknown as {
      reason: { params: { error: string } };
    };
    expect(refused.reason.params.error).toMatch(/DTD/);
    for (const code of ['olm.message-unreadable', 'olm.attachment-missing'])
      expect(isKnownCode(code)).toBe(true);
  });
});

describe('OLM in a case', () => {
  it('gives each message its attachments as children and counts folders against what the archive lists', async () => {
    const root = tempDir();
    const dump = join(root, 'dump');
    mkdirSync(dump);
    writeFileSync(join(dump, 'export.olm'), await archive());
    const kase = openCase(join(root, 'case'), { create: true });
    try {
      await ingestIntoCase(kase, [dump], { workers: 1 });
      const store = kase.store;
      const items = await store.listItems({});
      const container = items.find((item) => item.format === 'olm')!;
      expect(container).toMatchObject({ type: 'container', status: 'ok' });
      const budget = items.find((item) => item.first.path === `${ACCOUNT}/Inbox/message_00000.eml`)!;
      expect(budget).toMatchObject({ type: 'message', status: 'ok' });
      expect(budget.first.flags).toContain('rebuilt-from:olm');
      const message = await store.getMessage(budget.id);
      expect(message).toMatchObject({
        messageId: '<budget@campagne.example>',
        subject: 'Budget de la campagne',
      });
      const attachments = await store.childrenOf(budget.id);
      expect(attachments.map((a) => [a.first.filename, a.type, a.sha256]).sort()).toEqual(
        [
          ['budget.pdf', 'attachment', sha256Hex(pdf)],
          ['postes.csv', 'attachment', sha256Hex(sheet)],
        ].sort(),
      );
      const reunion = items.find((item) => item.first.path === `${ACCOUNT}/Inbox/message_00001.eml`)!;
      const cc = (await store.participantsOf(reunion.id))
        .filter((p) => p.role === 'to')
        .map((p) => p.address);
      expect(cc).toEqual(['bob@campagne.example', 'chloe@campagne.example']);
      const [counts] = await store.containerCounts();
      expect(counts?.folders).toEqual([
        { path: `${ACCOUNT}/Inbox`, expected: 3, ok: 2, failed: 1, limited: 0 },
        // The missing attachment is a failed member under its folder, beside the message.
        { path: `${ACCOUNT}/Sent Items`, expected: 1, ok: 1, failed: 1, limited: 0 },
      ]);
    } finally {
      await kase.store.close();
    }
  });
});
