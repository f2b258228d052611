// A message carrying one file as a base64 attachment, for tests of what is found inside messages.
import { message } from './mail.ts';

/** A multipart/mixed message with a short text part and `bytes` attached as `filename`. */
export function messageWithAttachment(
  id: string,
  filename: string,
  contentType: string,
  bytes: Buffer,
): Buffer {
  const headers = message({ id, subject: `with ${filename}` })
    .toString('latin1')
    .split('\r\n\r\n')[0]!
    .replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: multipart/mixed; boundary="part"');
  const body = [
    '--part',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'ci-joint.',
    '--part',
    `Content-Type: ${contentType}`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(bytes.toString('base64').match(/.{1,76}/g) ?? []),
    '--part--',
    '',
  ];
  return Buffer.from(`${headers}\r\n\r\n${body.join('\r\n')}`, 'latin1');
}
