// English words for item problems and ingest notes (codes emitted by ingest/ and mail/).
import type { Messages } from '../../catalogue.ts';

export const enIngest: Messages = {};
