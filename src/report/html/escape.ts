// Text from a dump in an HTML page: every character that could start markup is escaped, and control and
// direction-override characters are shown as visible escapes (safe-text.ts), so hostile names, subjects or
// metadata can neither inject markup nor reorder what a reader sees.
import { safeText } from '../safe-text.ts';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return safeText(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
