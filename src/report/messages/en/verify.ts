// English words for verification: verdict reasons, signature results, flags (codes emitted by verify/).
import type { Messages } from '../../catalogue.ts';

export const enVerify: Messages = {};
