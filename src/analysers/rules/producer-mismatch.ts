// A PDF whose producing programs disagree: the Info Producer names one family of software and an XMP
// packet's toolkit or producer another (a Quartz PDF whose XMP Acrobat rewrote), or an image editor
// appears in an XMP packet or its history. Medium: files pass through several programs innocently; high
// when an image editor's object was made minutes before the last save of a document created earlier (a
// Photoshop-made object inserted just before saving). It shows another program touched the file, not
// what it changed.
import { instantRange } from '../../extract/dates.ts';
import type { WrittenDate } from '../../extract/types.ts';
import type { Rule, RuleHit } from './rule.ts';

const FAMILIES: [RegExp, string][] = [
  [/\b(?:Quartz|Mac OS X|macOS)\b/i, 'apple'],
  [/\b(?:Adobe|Acrobat|Distiller|Photoshop|InDesign|Illustrator)\b/i, 'adobe'],
  [/\b(?:Microsoft|Word|Excel|PowerPoint)\b/i, 'microsoft'],
  [/\b(?:LibreOffice|OpenOffice|NeoOffice|StarOffice)\b/i, 'libreoffice'],
  [/\bGhostscript\b/i, 'ghostscript'],
  [/\b(?:pdfTeX|LuaTeX|XeTeX|dvipdfm)/i, 'tex'],
  [/\bApache FOP\b/i, 'fop'],
  [/\biText\b/i, 'itext'],
  [/\bExifTool\b/i, 'exiftool'],
  [/\bSkia\b/i, 'skia'],
  [/\bcairo\b/i, 'cairo'],
];
const IMAGE_EDITORS = /\b(?:Photoshop|GIMP|Paint\.NET|Pixelmator|Affinity Photo|Lightroom)\b/i;

const MAX_TEXT = 300;
/** Packets and history events read (a PDF can hold one per embedded object, and hostile ones many more). */
const MAX_PACKETS = 1000;
const MAX_EVENTS = 100;
/** An object made this long before the last save of an older document was inserted at that save. */
const INSERTED_MS = 60 * 60_000;

function familyOf(text: string | null): string | null {
  if (!text) return null;
  const s = text.slice(0, MAX_TEXT);
  return FAMILIES.find(([re]) => re.test(s))?.[1] ?? null;
}

/** Whether `when` falls within the hour before the document's last save, for a document created before that hour. */
function insertedAtLastSave(
  when: WrittenDate | null,
  created: WrittenDate | null,
  modified: WrittenDate | null,
) {
  if (!when || !created || !modified) return false;
  const at = instantRange(when);
  const saved = instantRange(modified);
  if (!at.zoned || !saved.zoned) return false;
  return (
    at.earliest <= saved.earliest &&
    saved.earliest - at.earliest <= INSERTED_MS &&
    instantRange(created).latest < at.earliest - INSERTED_MS
  );
}

export const producerMismatch: Rule = {
  id: 'producer-mismatch',
  severity: 'medium',
  check(doc) {
    const f = doc.facts;
    if (!f.pdf) return [];
    // One hit per program named, however many packets name it (each embedded object has its own).
    const hits = new Map<string, RuleHit & { packets: number[] }>();
    const add = (key: string, packet: number, hit: RuleHit) => {
      const seen = hits.get(key);
      if (!seen || (hit.severity === 'high' && seen.severity !== 'high'))
        hits.set(key, { ...hit, packets: [...new Set([...(seen?.packets ?? []), packet])] });
      else if (seen.packets[seen.packets.length - 1] !== packet) seen.packets.push(packet);
    };
    const producer = f.producer ?? f.application;
    const family = familyOf(producer);
    f.pdf.xmp.slice(0, MAX_PACKETS).forEach((packet, i) => {
      for (const [where, value] of [
        ['toolkit', packet.toolkit],
        ['producer', packet.producer],
      ] as const) {
        const other = familyOf(value);
        if (family && other && other !== family)
          add(`toolkit\u0000${other}`, i + 1, {
            params: { kind: 'toolkit', producer, where, value, packet: i + 1 },
            evidence: { Producer: producer, [`XMP ${i + 1} ${where}`]: value, families: [family, other] },
          });
      }
      if (producer && IMAGE_EDITORS.test(producer.slice(0, MAX_TEXT))) return;
      const editorEvents = [
        { agent: packet.creatorTool, when: packet.created, action: 'creatorTool' },
        ...packet.history
          .slice(0, MAX_EVENTS)
          .map((h) => ({ agent: h.softwareAgent, when: h.when, action: h.action })),
      ];
      for (const event of editorEvents) {
        const agent = event.agent?.slice(0, MAX_TEXT) ?? null;
        if (!agent || !IMAGE_EDITORS.test(agent)) continue;
        const inserted = insertedAtLastSave(event.when, f.created, f.modified);
        add(`editor\u0000${agent}`, i + 1, {
          severity: inserted ? 'high' : 'medium',
          params: {
            kind: 'image-editor',
            producer,
            value: agent,
            packet: i + 1,
            when: event.when?.written ?? null,
            modified: f.modified?.written ?? null,
            inserted,
          },
          evidence: {
            Producer: producer,
            [`XMP ${i + 1}`]: { agent, action: event.action, when: event.when?.written ?? null },
            modified: f.modified?.written ?? null,
            created: f.created?.written ?? null,
          },
        });
      }
    });
    return [...hits.values()].map(({ packets, ...hit }) => ({
      ...hit,
      evidence: { ...hit.evidence, packets },
    }));
  },
};
