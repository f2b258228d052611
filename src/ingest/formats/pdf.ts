// PDF: `%PDF-` and a version at the start (100), or at the start of a line within the first
// 1,024 bytes, where readers still find it after leading junk (70).

import { documentFormat, hasMagic } from './signature.ts';

const LATE_HEADER_BYTES = 1024;

export const pdfFormat = documentFormat('pdf', (probe) => {
  const head = probe.head;
  if (hasMagic(head, '%PDF-')) return 100;
  const at = head.subarray(0, LATE_HEADER_BYTES + 6).indexOf('%PDF-');
  if (at < 0 || at > LATE_HEADER_BYTES) return 0;
  const before = head[at - 1];
  const digit = head[at + 5] ?? 0;
  return (before === 0x0a || before === 0x0d) && digit >= 0x30 && digit <= 0x39 ? 70 : 0;
});
