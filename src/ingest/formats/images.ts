// Images by their magic numbers.

import type { DocumentModule } from '../format.ts';
import { documentFormat, hasMagic } from './signature.ts';

function imageFormat(name: string, ...magics: string[]): DocumentModule {
  return documentFormat(name, (probe) => (magics.some((m) => hasMagic(probe.head, m)) ? 100 : 0));
}

export const pngFormat = imageFormat('png', '\x89PNG\r\n\x1a\n');
export const jpegFormat = imageFormat('jpeg', '\xff\xd8\xff');
export const gifFormat = imageFormat('gif', 'GIF87a', 'GIF89a');
/** Little- and big-endian TIFF, and BigTIFF. */
export const tiffFormat = imageFormat('tiff', 'II*\x00', 'MM\x00*', 'II+\x00', 'MM\x00+');
export const webpFormat = documentFormat('webp', (probe) =>
  hasMagic(probe.head, 'RIFF') && hasMagic(probe.head, 'WEBP', 8) ? 100 : 0,
);
